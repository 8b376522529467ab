"""Extraction quality on the public DAniEL dev pages (skipped when ../shared/eval is absent)."""

import pytest

from benchmarks import extraction as bench
from tests.conftest import EVAL

pytestmark = pytest.mark.realdata
DANIEL = EVAL / "daniel_ru_dev"
#: regression floor; the current figure is in docs/measurements.md and the issue notes
F1_FLOOR = 0.87  # raised with the block model (in-sample .89; leave-outlet-out CV .88)


@pytest.mark.skipif(not (DANIEL / "manifest.json").exists(), reason="../shared/eval/daniel_ru_dev not present")
def test_daniel_dev_f1_above_floor():
    result = bench.evaluate(DANIEL)
    assert result["pages"] == 111 and result["extracted"] >= 105
    assert result["f1"] >= F1_FLOOR, result
