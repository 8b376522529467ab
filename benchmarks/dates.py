"""Publication dates on the DAniEL dev pages, against the crawl day in each page's id (``YYYYMMDD_host_…``).

DAniEL has no gold publication date, but every page id starts with the day it was crawled, and a news page is
crawled on or a few days after the day it was published. Figures printed, for the Russian and the
multi-language pages, markdown and HTML together:

* dated: share of pages that get a ``published_local``;
* plausible: of those, the share dated within ``--days`` days before the crawl day (inclusive);
* future: of those, the share dated after the crawl day (certainly wrong: a site header's "today", a date
  from a later re-crawl of the template, …).

Each page is extracted on its own (no outlet template index), as ``python -m pipeline run`` would.

    .venv/bin/python benchmarks/dates.py [--eval ../shared/eval] [--days 7] [--show]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.core.build import extract_documents  # noqa: E402
from pipeline.core.documents import document_from_bytes  # noqa: E402
from pipeline.core.metadata import build_article  # noqa: E402

SETS = ("daniel_ru_dev", "daniel_multi_dev")


def crawl_day(page_name: str) -> dt.date:
    stamp = page_name.split("_", 1)[0]
    return dt.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))


def published_day(path: Path) -> dt.date | None:
    docs, _ = extract_documents([document_from_bytes(path.name, path.read_bytes())])
    local = build_article(docs[0])["published_local"] if docs else None
    return dt.date.fromisoformat(local[:10]) if local else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="print the pages dated outside the window")
    args = parser.parse_args()
    for name in SETS:
        pages = sorted(p for p in (args.eval / name / "pages").glob("*") if p.suffix in (".md", ".html"))
        if not pages:
            print(f"{name}: no pages under {args.eval / name}")
            continue
        dated = plausible = future = 0
        for page in pages:
            day = published_day(page)
            if day is None:
                continue
            dated += 1
            crawl = crawl_day(page.name)
            if crawl - dt.timedelta(days=args.days) <= day <= crawl:
                plausible += 1
            else:
                future += day > crawl
                if args.show:
                    print(f"  {page.name[:70]} crawled {crawl} dated {day}")
        share = (lambda n, d: f"{n / d:.3f}" if d else "n/a")
        print(f"{name}: {len(pages)} pages, dated {share(dated, len(pages))}; of the dated: within {args.days} days "
              f"before the crawl day {share(plausible, dated)} ({plausible}), after it {share(future, dated)} ({future})")


if __name__ == "__main__":
    main()
