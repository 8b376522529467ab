import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")

REPO = Path(__file__).resolve().parents[1]
#: the raw folder ``make dataset`` reads: the five seed pages (its loose files) and raw/wikinews/, the Wikinews
#: sample of scripts/select_wikinews.py
REPO_RAW = REPO / "raw"
#: the seed pages alone
SEED_FILES = sorted(p for p in REPO_RAW.iterdir() if p.is_file())


def _seed_folder() -> Path:
    """A raw folder holding copies of the seed pages (same names): the tests that pin the seeds' outputs build
    it, so they stay as fast as before raw/ held the Wikinews sample (its files have tests of their own)."""
    folder = Path(tempfile.mkdtemp(prefix="vostok-seeds-"))
    atexit.register(shutil.rmtree, folder, True)
    for page in SEED_FILES:
        shutil.copy2(page, folder / page.name)
    return folder


#: the seed pages as a raw folder of their own (see :func:`_seed_folder`)
RAW = _seed_folder()
EVAL = REPO.parent / "shared" / "eval"


@pytest.fixture
def raw_dir() -> Path:
    return RAW


@pytest.fixture
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(RAW.iterdir()) if p.is_file()}


def build_rows(raw: Path):
    """The product's build of a raw folder (pipeline.core.corpus.build_corpus, as make dataset runs it):
    (article rows, Reject objects) from the consolidated, quarantined tables."""
    from pipeline.core.errors import Reject
    from pipeline.core.corpus import build_corpus

    tables = build_corpus(Path(raw)).tables
    return tables["articles"].to_pylist(), [Reject(**row) for row in tables["rejects"].to_pylist()]
