"""Rewrite the README's data-contract tables from pipeline/schema.py (run after editing the schema).

    .venv/bin/python scripts/update_readme_contract.py

Each table sits between ``<!-- contract:NAME -->`` and ``<!-- /contract:NAME -->``; a test fails when
the README and the schema disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.schema import TABLES, markdown_contract  # noqa: E402


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    for name, table in TABLES.items():
        block = f"<!-- contract:{name} -->\n{markdown_contract(table)}\n<!-- /contract:{name} -->"
        pattern = re.compile(rf"<!-- contract:{name} -->.*?<!-- /contract:{name} -->", re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _m: block, text)
        else:
            raise SystemExit(f"README has no <!-- contract:{name} --> block")
    readme.write_text(text, encoding="utf-8")
    print("README contract tables updated")


if __name__ == "__main__":
    main()
