"""The release's validation report renders offline in headless Chromium (screenshot kept under docs/)."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.browser import dump_dom, find_chromium, screenshot

pytestmark = pytest.mark.skipif(find_chromium() is None,
                                reason="no Chromium on this machine (apt-get install chromium; .ci/run installs it)")
DOCS = REPO / "docs"


def _latest_release() -> Path:
    return sorted(p for p in (REPO / "dataset" / "releases").iterdir() if p.name.startswith("v"))[-1]


def test_validation_report_renders_offline(tmp_path):
    page = _latest_release() / "validation" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html  # nothing to fetch
    dom = dump_dom(page.as_uri())
    for table in ("articles", "mentions", "entities", "events", "rejects"):
        assert f'id="status-{table}"' in dom
    assert "FAILED" not in dom
    shot = screenshot(page.as_uri(), tmp_path / "validation_report.png", size="1400,1800")
    assert shot.stat().st_size > 10_000
    if os.environ.get("VOSTOK_UPDATE_DOCS"):  # refresh the committed copy on request only: tests leave the tree clean
        DOCS.mkdir(exist_ok=True)
        shutil.copy(shot, DOCS / "validation_report.png")
