"""The dataset card: every section a user needs, and loading examples that run as written from a copy of the
release folder outside the repository."""

import importlib.util
import re
import shutil
import subprocess
import sys

import pytest

from pipeline.core.corpus import build_corpus
from pipeline.core.release.publish import publish
from pipeline.schema import TABLES
from tests.conftest import RAW, REPO

SECTIONS = ("## Motivation", "## Composition", "## Collection", "## Preprocessing", "## Uses",
            "## Limitations and biases", "## Personal data", "## Distribution", "## Licences", "## Citation",
            "## Maintenance", "## Figures", "## Validation", "## Loading", "## Columns")


@pytest.fixture(scope="module")
def seed_tables():
    return build_corpus(RAW).tables  # this code's tables, whatever columns the shipped releases have


@pytest.fixture
def fresh_release(tmp_path, seed_tables):
    ok = {name: {"table": name, "success": True, "results": []} for name in seed_tables}
    return publish(seed_tables, ok, "0.1.0", tmp_path / "releases", RAW, REPO).path


def test_the_card_has_every_section_and_complete_metadata(fresh_release):
    release = fresh_release
    card = (release / "README.md").read_text(encoding="utf-8")
    header = card.split("---", 2)[1]
    for key in ("license:", "license_details:", "annotations_creators:", "source_datasets:", "task_categories:",
                "task_ids:", "size_categories:", "configs:"):
        assert key in header, key
    positions = [card.find(section) for section in SECTIONS]
    assert -1 not in positions and positions == sorted(positions), dict(zip(SECTIONS, positions))
    assert "@misc{vostok_0_1_0" in card and "version      = {0.1.0}" in card
    assert "text or markdown dumps" in card and "| meeting events | F1 |" in card
    dictionary = (release / "columns.html").read_text(encoding="utf-8")
    assert "<script" not in dictionary and "http" not in dictionary.split("</style>")[0]
    assert all(f'id="{name}"' in dictionary for name in TABLES)


def test_card_code_blocks_run_from_a_copy_of_the_release_folder(fresh_release, tmp_path):
    release = fresh_release
    copy = tmp_path / "elsewhere" / release.name
    shutil.copytree(release, copy)
    blocks = re.findall(r"```python\n(.*?)```", (copy / "README.md").read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 3
    ran = 0
    for block in blocks:
        if "from datasets import" in block and importlib.util.find_spec("datasets") is None:
            continue  # Hugging Face datasets is not a dependency of Vostok; the block is checked for shape below
        run = subprocess.run([sys.executable, "-I", "-c", block], cwd=copy, capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0, block + run.stderr[-2000:]
        assert run.stdout.strip(), block  # each example prints what it loaded
        ran += 1
    assert ran >= 2
    datasets_block = next(b for b in blocks if "load_dataset" in b)
    assert all(f'"{name}": "{name}.parquet"' in datasets_block for name in TABLES)
