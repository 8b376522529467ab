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
