"""Sections of the dataset card that say what a user must know before relying on the data: how the pages
came in, limitations and biases (with the measured error rates), personal data, licences per component,
citation, and loading examples that run from the release folder alone. Plus the offline data dictionary
(``columns.html``), generated from the schema like the card's column tables."""

from __future__ import annotations

import html
import json
from collections import Counter

from ...knowledge import read_text
from ...schema import TABLES
from .descriptors import LICENSE, TITLE

REPOSITORY = "https://github.com/vostok-data/vostok"


def input_kinds(source_paths: list[str]) -> dict[str, int]:
    """How the release's inputs were saved: WARC records, HTML pages, text or markdown dumps."""
    kinds = Counter()
    for path in source_paths:
        name = path.split("#", 1)[0].lower()
        if "#" in path or name.endswith((".warc", ".warc.gz")):
            kinds["WARC records"] += 1
        elif name.endswith((".html", ".htm", ".html.gz", ".htm.gz")):
            kinds["HTML pages"] += 1
        else:
            kinds["text or markdown dumps"] += 1
    return dict(sorted(kinds.items()))


def collection_section(source_paths: list[str]) -> str:
    kinds = input_kinds(source_paths)
    described = ", ".join(f"{n} {kind}" for kind, n in kinds.items()) or "no usable input"
    return (f"Raw pages are files saved by scrapers in `raw/`; this release's articles came from {described}. "
            "`provenance.json` lists every raw file with its size and sha256. Every file ends up in `articles` or "
            "in `rejects` with a reason.")


def limitations_section(outlets: list[str], date_range: str) -> str:
    figures = json.loads(read_text("release/measured_quality.json"))["figures"]
    rows = "\n".join(f"| {f['stage']} | {f['metric']} | {f['value']:.3f} | {f['on']} | `{f['command']}` |"
                     for f in figures)
    return f"""**Coverage.** The articles are what was collected, not a sample of the Russian press: {len(outlets)}
identified outlet(s) ({", ".join(outlets) or "none"}); {date_range}. Counts over time or by outlet describe
this collection, not news coverage at large.

**Machine annotation.** Every column beyond the page's own text and metadata is produced by the pipeline, and
is wrong at measurable rates. On outlets and documents the pipeline was never tuned on:

| stage | metric | value | measured on | command |
|---|---|---|---|---|
{rows}

Errors are not random: boilerplate removal fails by whole outlets (a ticker taken for the article); NER and
linking are better on heads of state and countries than on officials, companies and places below city level;
events favour explicit verbs (meetings, statements) over implicit ones. Filter on `modality`, `link` and
`date_precision`, and report counts of event clusters, not rows.

**Bias.** Russian-language outlets frame Northeast Asian affairs from Russian perspectives; state-aligned
outlets may be over- or under-represented depending on what was crawled."""


PERSONAL_DATA = """The tables name people as the articles name them: mostly public figures (officials, politicians),
but also bylined authors and private persons quoted or reported on. No contact data is kept (the articles
suite rejects e-mail addresses in bodies). Entities are not enriched beyond the text, except public figures
linked to Wikidata. To have a person's name removed from a future release, open an issue on the repository;
releases are immutable, so earlier versions keep what they published."""


def release_sources(articles: list[dict]) -> list[dict]:
    """One entry per source (outlet) of the release's articles, from the outlet profiles: its articles, text
    policy, text licence, terms and the attribution it asks for (articles without an outlet are one source)."""
    from ...knowledge import outlet_profiles
    from .text_policy import DEFAULT_TEXT_POLICY

    profiles = outlet_profiles()
    counts = Counter(a["outlet"] for a in articles)
    out = []
    for outlet in sorted(counts, key=lambda o: (o is None, o or "")):
        p = profiles.get(outlet, {}) if outlet else {}
        out.append({"outlet": outlet, "name": p.get("name") or outlet or "(no outlet stated)", "articles": counts[outlet],
                    "text_policy": p.get("text_policy", DEFAULT_TEXT_POLICY), "text_license": p.get("text_license"),
                    "license_url": p.get("license_url"), "terms": p.get("license") or "the outlet's own terms",
                    "attribution": p.get("attribution")})
    return out


def summary_section(sources: list[dict], dates: list) -> str:
    """What the release is and is not, from its sources (counts, text policies) and dated articles."""
    total = sum(s["articles"] for s in sources)
    full = sum(s["articles"] for s in sources if s["text_policy"] == "full")
    parts = "; ".join(f"{s['articles']} from {s['name']} ({s['text_policy']} text)" for s in sources) or "none"
    undated = total - len(dates)
    return f"""**What it is.** A small, curated sample: {total} Russian-language articles ({parts}), each kept because
the pipeline scored it as about Northeast Asia, with everything the pipeline derives from them. {full} of the
{total} are published in full under their source's open licence; the others as snippets under their outlet's
terms. It shows what the pipeline does on real news; the pipeline itself (the repository) builds larger datasets
from one's own crawl.

**What it is not.** Not a sample of the Russian press or of news about the region: the sources are what was
collected (test pages, and openly licensed articles), so counts over time or by source describe this collection
only.
{undated} of {total} articles state no publication date (their events are dated only where the text states a date).
Every annotation is machine-made and wrong at the measured rates (Limitations)."""


def sources_table(sources: list[dict]) -> str:
    rows = "\n".join(f"| {s['outlet'] or '—'} | {s['name']} | {s['articles']} | **{s['text_policy']}** | "
                     f"{s['text_license'] or '—'} |" for s in sources)
    return "| source | name | articles | text policy | text licence (`articles.text_license`) |\n|---|---|---|---|---|\n" + rows


def licence_section(policies: dict[str, str], default_policy: str, snippet_chars: int,
                    sources: list[dict] | None = None) -> str:
    sources = sources or []
    terms = "\n".join(f"- `{s['outlet'] or '(no outlet)'}`: {s['terms']}"
                      + (f" Attribution: {s['attribution']}" if s.get("attribution") else "") for s in sources)
    policy_lines = "\n".join(f"- `{o}`: **{p}**" for o, p in sorted(policies.items())) or "- (no profiled outlet)"
    return f"""| component | licence |
|---|---|
| tables and annotations (ids, entities, links, events, validation) | {LICENSE['name']} |
| pipeline code | see the repository's licence |
| article text (titles, bodies, snippets, sentences, names) | each source's own licence or terms, below; per row: `articles.text_license` |

`{LICENSE['name']}` covers what Vostok adds, not the sources' text.

**Per source.** Each source's articles, the text the release publishes, and its licence:

{sources_table(sources)}

{terms or "- (no source)"}

Reusing text under an open licence means crediting it as that licence asks: for each article, its title
(`articles.title`), the source's name and the licence (with its link).

**Text policy.** Release default for outlets without a profile: **{default_policy}**; per outlet:
{policy_lines}

Every published column that carries prose obeys it. `full` publishes the whole body; `snippet` keeps the first
{snippet_chars} characters of the body, and a lead and an event sentence appear only when they lie inside that
snippet; `none` nulls the body and the sentences. `body_sha256` is always the hash of the full body, and mention
and event offsets index the full body: `pipeline.rehydrate(articles, pages)` restores it from one's own copy of
the pages."""


def citation_section(version: str, year: str) -> str:
    return f"""```bibtex
@misc{{vostok_{version.replace('.', '_')},
  title        = {{{{{TITLE}}}}},
  author       = {{{{Vostok contributors}}}},
  year         = {{{year}}},
  version      = {{{version}}},
  howpublished = {{Dataset release v{version}}},
  url          = {{{REPOSITORY}}},
  note         = {{Cite the version you used: releases are immutable and verifiable (make verify)}}
}}
```"""


def loading_section(version: str, tables: list[str]) -> str:
    files = ", ".join(f'"{t}": "{t}.parquet"' for t in tables)
    return f"""From the release folder alone (no repository needed):

```python
import pandas as pd
events = pd.read_parquet("events.parquet")
articles = pd.read_parquet("articles.parquet")
print(events.merge(articles[["article_id", "outlet", "published_at"]], on="article_id").head())
```

```python
import duckdb
duckdb.sql("SELECT cameo_root, count(DISTINCT event_cluster_id) AS events FROM 'events.parquet' GROUP BY 1 ORDER BY 1").show()
```

```python
from datasets import load_dataset  # Hugging Face datasets
release = load_dataset("parquet", data_files={{{files}}})
print(release)
```

Inside the repository, `pipeline.load("events", version="{version}")` returns the same table with list
columns as Python lists and timestamps in UTC. Column meanings: the tables below, or `columns.html` offline."""


def data_dictionary_html(version: str, tables: list[str]) -> str:
    """Every column of the release's tables, browsable offline (no scripts, no external resources)."""
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(TITLE)} v{version}: "
             "columns</title><style>body{font-family:sans-serif;max-width:70em;margin:2em auto}table{border-collapse:"
             "collapse}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}code{font-size:95%}</style>"
             f"</head><body><h1>{html.escape(TITLE)} v{version}: columns</h1><ul>"]
    parts += [f"<li><a href=\"#{t}\">{t}</a></li>" for t in tables]
    parts.append("</ul>")
    for t in tables:
        table = TABLES[t]
        parts.append(f"<h2 id=\"{t}\"><code>{t}</code></h2><table><tr><th>column</th><th>type</th><th>nullable</th>"
                     "<th>meaning</th></tr>")
        for c in table.columns:
            parts.append(f"<tr><td><code>{html.escape(c.name)}</code></td><td>{html.escape(str(c.type))}</td>"
                         f"<td>{'yes' if c.nullable else 'no'}</td><td>{html.escape(c.description)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)
