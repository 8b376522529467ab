"""The seed events the events issue names."""

from datetime import date

import pytest

from pipeline.core.corpus import build_corpus
from tests.conftest import RAW

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def events():
    return build_corpus(RAW).tables["events"].to_pylist()


def test_khurelsukh_kishida_meeting_in_new_york(events):
    ev = [e for e in events if e["cameo_root"] == "04" and "MNG" in e["actor1_countries"]
          and "JPN" in e["actor2_countries"] and e["event_date"] == date(2024, 9, 22)]
    assert ev, events
    assert ev[0]["location_id"] == "geonames:5128581" and ev[0]["date_precision"] == "day"
    assert ev[0]["cameo_code"] == "044"  # in a third country


def test_japan_grant_to_mongolia(events):
    ev = [e for e in events if e["cameo_root"] == "07" and e["actor1_countries"] == ["JPN"]
          and e["actor2_countries"] == ["MNG"] and e["currency"] == "USD"]
    assert ev and ev[0]["amount"] == 3_700_000.0


def test_no_asserted_event_after_publication(events):
    for e in events:
        assert e["event_date"] is None or e["event_date"] <= date(2025, 3, 7)
