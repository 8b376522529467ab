import os
from pathlib import Path

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "raw"
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
