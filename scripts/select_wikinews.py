"""Select the Russian Wikinews articles of NEREL's train and dev splits that the pipeline keeps as Northeast Asia
news, and write them into raw/wikinews/ as text dumps, with their sources file (raw_sources/wikinews.tsv).

    .venv/bin/python scripts/select_wikinews.py [--eval ../shared/eval]        # or: make wikinews

Input: ``../shared/eval/nerel_traindev.jsonl`` (NEREL v1.1, train and dev splits only; a record of any other split
stops the script: the held-out split is never read). Only each record's ``doc_id``, ``split`` and ``text`` are
read; the annotations (entities, relations, links) are never copied.

Which records are Wikinews: NEREL's texts are not all from Wikinews. The records whose ``doc_id`` is digits plus
``_text`` (745 of 840) carry Wikinews' traces: wiki markup left in the text (``thumb|``, ``''italics''``,
``[http… label]``) and Wikinews typography (a no-break space before a dash in 398 of them, «» quotes in 589); the
other 95 (ids such as ``003``, ``last_15``, ``kuleshov``) have neither (no wiki markup, no no-break dash, straight
quotes in 75) and read as wire and newspaper copy ("сообщает Associated Press", "По данным «Ъ»"): their licence is
not Wikinews', so they are left out.

Which records are kept: the ones the pipeline itself keeps. Each candidate is written as the dump a scraper saves
(below) into a scratch raw folder beside copies of the loose seed pages of raw/ (templates are learned across the
whole corpus, as in a build); the pipeline's own extract and metadata stages read them
(:func:`pipeline.core.build.extract_ingested`), its entities stage finds the mentions of each body
(``link_article`` on ``analyzed_text``, as :mod:`pipeline.core.analysis` does) and the relevance stage scores them
(:func:`pipeline.core.consolidate.score_relevance` with the packaged profile and threshold). The ones kept are
scored again among themselves, until the kept set no longer changes (what templates learn depends on the set).

The dump: the title as a markdown heading (the text's first line), the body's lines as paragraphs, and the
licence line of the site's footer. No date line: NEREL's texts do not state when the article was published (the
few dates near the top are image captions), so none is written and ``published_at`` stays null; no URL line:
NEREL does not record the page's address, and none is guessed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_EVAL = REPO.parent / "shared" / "eval"
NEREL = "nerel_traindev.jsonl"
SPLITS = ("train", "dev")
OUT_DIR = REPO / "raw" / "wikinews"
SOURCES = REPO / "raw_sources" / "wikinews.tsv"
#: NEREL records that are Wikinews articles (see the module docstring)
WIKINEWS_ID = re.compile(r"\d+_text")
SOURCE = "Русские Викиновости (ru.wikinews.org)"
LICENSE = "CC BY 2.5"
LICENSE_URL = "https://creativecommons.org/licenses/by/2.5/"
#: the footer line a saved Wikinews page carries (the outlet profile pipeline/data/outlets/ru.wikinews.org.json
#: recognizes the site by it; the extract stage removes it as furniture)
FOOTER = (f"Материал из Викиновостей, свободного источника новостей (ru.wikinews.org). Текст доступен по лицензии "
          f"Creative Commons Attribution 2.5 ({LICENSE_URL}).")
MAX_TITLE = 250
MAX_ROUNDS = 5
COLUMNS = ("file", "source", "title", "url", "license", "license_url", "attribution", "via")


def read_records(eval_dir: Path) -> list[dict]:
    """NEREL's train and dev records: doc_id, split and text only."""
    records = []
    for line in (eval_dir / NEREL).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        if doc["split"] not in SPLITS:
            raise SystemExit(f"{NEREL}: record {doc['doc_id']} is of split {doc['split']!r}; only train and dev are read")
        records.append({"doc_id": str(doc["doc_id"]), "split": doc["split"], "text": doc["text"]})
    return records


def is_wikinews(record: dict) -> bool:
    return WIKINEWS_ID.fullmatch(record["doc_id"]) is not None


def file_name(record: dict) -> str:
    return f"wikinews_{record['doc_id'].split('_', 1)[0]}.txt"


def title_and_paragraphs(text: str) -> tuple[str, list[str]] | None:
    """The first non-empty line as the title, the other non-empty lines as paragraphs (None when there is no
    title line of at most :data:`MAX_TITLE` characters followed by a body)."""
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) < 2 or len(lines[0]) > MAX_TITLE:
        return None
    return lines[0], lines[1:]


def render(record: dict) -> str | None:
    """The text dump a scraper saves of the article (markdown: heading, paragraphs, footer)."""
    parts = title_and_paragraphs(record["text"])
    if parts is None:
        return None
    title, paragraphs = parts
    return "\n\n".join([f"# {title}", *paragraphs, FOOTER]) + "\n"


def attribution(title: str) -> str:
    return f"«{title}», {SOURCE}, авторы — участники Викиновостей; {LICENSE} ({LICENSE_URL})"


def source_rows(kept: list[dict]) -> list[dict]:
    rows = []
    for r in sorted(kept, key=file_name):
        title = title_and_paragraphs(r["text"])[0]
        rows.append({"file": f"wikinews/{file_name(r)}", "source": SOURCE, "title": title, "url": "",
                     "license": LICENSE, "license_url": LICENSE_URL, "attribution": attribution(title),
                     "via": f"NEREL v1.1 {r['split']} document {r['doc_id']} (text only)"})
    return rows


def score(records: list[dict], seeds: list[Path]) -> tuple[set[str], dict[str, str]]:
    """The file names the pipeline keeps, and each left-out file's reason, for ``records`` written as dumps
    beside the seed pages."""
    from pipeline.core.analysis import analyzed_text
    from pipeline.core.build import extract_ingested
    from pipeline.core.consolidate import score_relevance
    from pipeline.core.entities.linking import link_article
    from pipeline.core.ingest import ingest

    with tempfile.TemporaryDirectory(prefix="vostok-wikinews-") as tmp:
        raw = Path(tmp) / "raw"
        (raw / "wikinews").mkdir(parents=True)
        for seed in seeds:
            shutil.copyfile(seed, raw / seed.name)
        for r in records:
            (raw / "wikinews" / file_name(r)).write_text(render(r), encoding="utf-8")
        documents, rejects = ingest(raw)
        articles, rejects = extract_ingested(documents, rejects)
    reasons = {r.source_path: f"{r.stage}: {r.reason}" for r in rejects}
    ours = [a for a in articles if a["source_path"].startswith("wikinews/")]
    mentions = {a["article_id"]: [m.as_row() for m in link_article(a["article_id"], analyzed_text(a["body"] or ""))]
                for a in ours}
    kept, off_topic = score_relevance(ours, lambda row: mentions[row["article_id"]])
    reasons.update({r.source_path: f"relevance: {r.message}" for r in off_topic})
    return {a["source_path"].split("/", 1)[1] for a in kept}, reasons


def select(records: list[dict], seeds: list[Path], log=print) -> list[dict]:
    """The records the pipeline keeps, scored again among themselves until the set is stable."""
    current = records
    for round_ in range(1, MAX_ROUNDS + 1):
        kept, reasons = score(current, seeds)
        log(f"round {round_}: {len(current)} candidates, {len(kept)} kept")
        selected = [r for r in current if file_name(r) in kept]
        if len(selected) == len(current):
            return selected
        current = selected
    raise SystemExit(f"the kept set did not settle in {MAX_ROUNDS} rounds")


def write(selected: list[dict], out_dir: Path = OUT_DIR, sources: Path = SOURCES) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    names = {file_name(r) for r in selected}
    for old in out_dir.iterdir():
        if old.is_file() and old.name not in names:
            old.unlink()
    for r in selected:
        (out_dir / file_name(r)).write_text(render(r), encoding="utf-8")
    sources.parent.mkdir(parents=True, exist_ok=True)
    header = ["# Sources of raw/wikinews/: one row per file, written by scripts/select_wikinews.py (do not edit).",
              f"# Licence: {LICENSE} ({LICENSE_URL}), Russian Wikinews' licence for article text (see",
              "# docs/sources.md for where that was found). url is empty: NEREL does not record the page's address.",
              "\t".join(COLUMNS)]
    lines = ["\t".join(row[c] for c in COLUMNS) for row in source_rows(selected)]
    sources.write_text("\n".join(header + lines) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--limit", type=int, default=None, help="only the first N Wikinews records (a quick look)")
    ap.add_argument("--dry-run", action="store_true", help="print the selection, write nothing")
    args = ap.parse_args(argv)
    records = read_records(args.eval)
    wikinews = [r for r in records if is_wikinews(r)]
    usable = [r for r in wikinews if render(r) is not None]
    print(f"{NEREL}: {len(records)} train/dev records, {len(wikinews)} Wikinews, {len(usable)} with a title and body")
    seeds = sorted(p for p in (REPO / "raw").iterdir() if p.is_file())
    selected = select(usable[:args.limit] if args.limit else usable, seeds)
    by_split = {s: sum(r["split"] == s for r in selected) for s in SPLITS}
    print(f"kept {len(selected)}: " + ", ".join(f"{n} {s}" for s, n in by_split.items()))
    if not args.dry_run:
        write(selected)
        print(f"wrote {len(selected)} files into {OUT_DIR.relative_to(REPO)}/ and {SOURCES.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
