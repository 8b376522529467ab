"""The latest release reproduces on any day: ``verify`` under a clock moved 400 days ahead (time-machine moves
every clock of this process: datetime, date, time). The reference time is an input the release recorded."""

from datetime import date, datetime, timedelta, timezone

import pytest

from tests.conftest import REPO, REPO_RAW

pytestmark = pytest.mark.realdata


def test_verify_reproduces_the_latest_release_400_days_ahead(capsys):
    import time_machine

    from pipeline.__main__ import main

    today = date.today()
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=400), tick=True):
        assert date.today() >= today + timedelta(days=400)
        status = main(["verify", "--releases", str(REPO / "dataset" / "releases"), "--raw", str(REPO_RAW)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "reproduced" in out and "NOT" not in out
