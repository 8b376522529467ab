"""The dataset card (README.md with a Hugging Face YAML header, Datasheets for Datasets sections) and CHANGELOG.md."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa

from ...schema import TABLES, format_note, markdown_contract
from .card_sections import (PERSONAL_DATA, citation_section, collection_section, licence_section,
                            limitations_section, loading_section, release_sources, sources_table, summary_section)
from .descriptors import DESCRIPTION, LICENSE, TITLE
from .diff import ReleaseDiff


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "n>1M"


def _counts(values) -> str:
    c = Counter(v for v in values if v is not None)
    return ", ".join(f"{k}: {n}" for k, n in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))) or "none"


def dataset_card(version: str, tables: dict[str, pa.Table], policies: dict[str, str], default_policy: str,
                 snippet_chars: int, figures: list[tuple[str, str]] | None = None) -> str:
    articles = tables["articles"].to_pylist()
    entities = tables.get("entities", pa.table({})).to_pylist()
    events = tables.get("events", pa.table({})).to_pylist()
    rejects = tables.get("rejects", pa.table({})).to_pylist()
    dates = sorted(a["published_at"] for a in articles if a["published_at"] is not None)
    date_range = f"{dates[0]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d} (UTC), {len(dates)} of {len(articles)} articles dated" \
        if dates else "no article states a publication date"
    outlets = sorted({a["outlet"] for a in articles if a["outlet"]})
    languages = _counts(a["language"] for a in articles)
    non_ru = sum(1 for a in articles if a["language"] != "ru")
    linked = sum(1 for e in entities if e.get("linked"))
    region = _counts(c for a in articles for c in (a.get("region_countries") or []))
    scores = sorted(a["relevance"] for a in articles if a.get("relevance") is not None)
    relevance = f"lowest {scores[0]:.2f}, median {scores[len(scores) // 2]:.2f}" if scores else "not scored"
    off_topic = sum(1 for r in rejects if r["reason"] == "off_topic")
    sources = release_sources(articles)
    header = ["---", f"pretty_name: \"{TITLE}\"", "language:", "- ru", f"license: {LICENSE['name'].lower()}",
              "license_details: \"CC-BY-4.0 covers the tables and annotations; article text stays under each source's "
              "licence or terms (articles.text_license; see Licences)\"", "annotations_creators:", "- machine-generated", "language_creators:", "- found",
              "multilinguality:", "- monolingual", "source_datasets:", "- original", "task_categories:",
              "- token-classification", "- text-classification", "task_ids:", "- named-entity-recognition",
              "- entity-linking-classification", "size_categories:", f"- {_size_category(len(articles))}", "tags:",
              "- news", "- events", "- cameo", "- named-entity-linking", "configs:"]
    for name in tables:
        header += [f"- config_name: {name}", f"  data_files: {name}.parquet"]
    header.append("---")
    year = f"{dates[-1]:%Y}" if dates else "n.d."
    rows = "\n".join(f"| `{name}` | {t.num_rows} |" for name, t in tables.items())
    body = f"""
# {TITLE} — release v{version}

{DESCRIPTION}

{summary_section(sources, dates)}

| table | rows |
|---|---|
{rows}

## Motivation

Researchers in international relations, journalists and NLP practitioners need Russian-language coverage of
Northeast Asia as data they can count: who met whom, who threatened or aided whom, and when — coded natively
from Russian rather than through machine translation, with the evidence (sentence, offsets) kept.

## Composition

- **Articles:** {len(articles)} from {len(outlets)} identified outlet(s) ({", ".join(outlets) or "none"});
  publication dates: {date_range}. Languages: {languages} ({non_ru} not Russian, kept and flagged).
  Per source:

{sources_table(sources)}

- **Entities:** {len(entities)} canonical entities, {linked} linked to the gazetteer (countries with ISO 3166
  codes, GeoNames cities, curated people and organisations), {len(entities) - linked} derived from names outside it;
  types: {_counts(e["type"] for e in entities)}.
- **Mentions:** {tables["mentions"].num_rows if "mentions" in tables else 0}, each with offsets into its article body.
- **Events:** {len(events)} CAMEO-coded events; by root: {_counts(e["cameo_root"] for e in events)}; by modality:
  {_counts(e["modality"] for e in events)}.
- **Relevance:** every article was scored against the topic profile of the build (Northeast Asia unless configured
  otherwise; an `off_topic` message names it) (`articles.relevance`:
  {relevance}); {off_topic} raw inputs were off topic and are in `rejects` (`off_topic`, with their score). Region
  countries mentioned (`articles.region_countries`, articles per country): {region}.
- **Rejects:** {len(rejects)} raw inputs that could not be used; reasons: {_counts(r["reason"] for r in rejects)}.
- **Accounting:** {len(articles) + len(rejects)} raw inputs (files, or WARC records) = {len(articles)} articles +
  {len(rejects)} rejects.

## Collection

{collection_section([a["source_path"] for a in articles])}

## Preprocessing

Boilerplate removal (templates learned across pages, named rules, maximum-sum main-text region, reflow of
wrapped and page-broken paragraphs); metadata parsed only from what the page states (times converted to UTC with
the outlet's zone, or Europe/Moscow marked `default`); natasha NER with gazetteer-grounded post-processing,
East Asian name normalization, variant matching and in-article coreference; CAMEO events from a trigger lexicon
and natasha's dependency parse. Every table passed its Great Expectations suite (`validation/`) before release.

## Uses

Counting and plotting events over time by dyad (`actor1_countries`, `actor2_countries`) on the Goldstein scale,
with the sides a text names only by a common noun (`actor1_unnamed`, `actor2_unnamed`: police, a court, "two men");
finding every article that mentions an entity whatever the spelling (`mentions.entity_id`); training and
evaluating Russian NER and event extraction. Confidence and modality columns should be used to filter.
Not suitable for claims about the whole Russian press: the corpus is what was collected.

## Limitations and biases

{limitations_section(outlets, date_range)}

## Personal data

{PERSONAL_DATA}

## Distribution

Parquet files with `datapackage.json` (Frictionless) and `croissant.json` (MLCommons Croissant), `SHA256SUMS`,
`provenance.json`, and `columns.html` (the data dictionary, offline).

{format_note()}

## Licences

{licence_section(policies, default_policy, snippet_chars, sources)}

## Citation

{citation_section(version, year)}

## Maintenance

Releases are immutable and follow semantic versioning (a column removed, renamed or retyped, or an id scheme
change is MAJOR; new rows, columns or tables MINOR; fixes PATCH), enforced at publication. `make verify`
rebuilds the latest release from `raw/` and the lock file and compares it byte for byte. See `CHANGELOG.md`.

## Figures

{chr(10).join(f"![{caption}]({path})" + chr(10) for caption, path in (figures or []))}
## Validation

Every table passed its Great Expectations suite before publication: `validation/<table>.json` holds the results
and [`validation/index.html`](validation/index.html) renders them offline (no scripts, no CDN).

## Loading

{loading_section(version, list(tables))}

## Columns
"""
    for name in tables:
        body += f"\n### `{name}`\n\n{markdown_contract(TABLES[name])}\n"
    return "\n".join(header) + "\n" + body


def changelog_entry(version: str, previous: str | None, diff: ReleaseDiff, level: str, reasons: list[str]) -> str:
    lines = [f"## v{version}", ""]
    if previous is None:
        lines.append("First release.")
    else:
        lines.append(f"Against v{previous}: **{level}** change ({'; '.join(reasons) or 'no changes'}).")
    lines.append("")
    for name, d in diff.tables.items():
        parts = [f"+{len(d.added)} added", f"-{len(d.removed)} removed", f"~{len(d.changed)} changed"]
        lines.append(f"- `{name}`: " + ", ".join(parts))
        for label, ids in (("added", d.added), ("removed", d.removed), ("changed", d.changed)):
            if ids:
                shown = ", ".join(f"`{i}`" for i in ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
                lines.append(f"  - {label}: {shown}")
        for label, cols in (("columns added", d.columns_added), ("columns removed", d.columns_removed),
                            ("columns retyped", d.columns_retyped)):
            if cols:
                lines.append(f"  - {label}: " + ", ".join(f"`{c}`" for c in cols))
    for name in diff.tables_added:
        lines.append(f"- new table `{name}`")
    for name in diff.tables_removed:
        lines.append(f"- table `{name}` removed")
    if diff.raw_added:
        lines.append(f"- new raw files ({len(diff.raw_added)}): " + ", ".join(f"`{p}`" for p in diff.raw_added[:50]))
    if diff.raw_removed:
        lines.append(f"- raw files removed ({len(diff.raw_removed)}): " + ", ".join(f"`{p}`" for p in diff.raw_removed[:50]))
    return "\n".join(lines) + "\n"
