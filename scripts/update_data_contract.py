"""Rewrite the data-contract tables in docs/data-contract.md from pipeline/schema.py (run after editing the schema).

    .venv/bin/python scripts/update_data_contract.py           # rewrite the page
    .venv/bin/python scripts/update_data_contract.py --check   # exit 1 when the page is out of date

Each table sits between ``<!-- contract:NAME -->`` and ``<!-- /contract:NAME -->``;
``tests/unit/test_schema_and_tables.py`` fails when the page and the schema disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_DOC = ROOT / "docs" / "data-contract.md"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.schema import TABLES, markdown_contract  # noqa: E402


def render(text: str) -> str:
    """``text`` with every contract block replaced by the table generated from the schema."""
    for name, table in TABLES.items():
        block = f"<!-- contract:{name} -->\n{markdown_contract(table)}\n<!-- /contract:{name} -->"
        pattern = re.compile(rf"<!-- contract:{name} -->.*?<!-- /contract:{name} -->", re.S)
        if not pattern.search(text):
            raise ValueError(f"{CONTRACT_DOC.relative_to(ROOT)} has no <!-- contract:{name} --> block")
        text = pattern.sub(lambda _m: block, text)
    return text


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    current = CONTRACT_DOC.read_text(encoding="utf-8")
    try:
        expected = render(current)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    rel = CONTRACT_DOC.relative_to(ROOT)
    if check:
        if current != expected:
            print(f"{rel} is out of date with pipeline/schema.py: run scripts/update_data_contract.py",
                  file=sys.stderr)
            return 1
        print(f"{rel} is up to date")
        return 0
    if current != expected:
        CONTRACT_DOC.write_text(expected, encoding="utf-8")
        print(f"{rel} contract tables updated")
    else:
        print(f"{rel} already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
