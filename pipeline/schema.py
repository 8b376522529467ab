"""The single source of truth for Vostok's published tables.

Every table is a list of :class:`Column` definitions. Parquet writers
(:func:`arrow_schema`), the schema-derived Great Expectations expectations
(:func:`basic_expectations`), the data contract in ``docs/``, ``datapackage.json``,
``croissant.json`` and the dataset card all derive from :data:`TABLES`.
This module imports no pipeline stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    nullable: bool
    description: str
    unique: bool = False
    allowed: tuple[str, ...] | None = None  # closed vocabulary, enforced by GX
    pattern: str | None = None  # regex every non-null value matches, enforced by GX
    min_value: float | None = None  # inclusive bounds of a numeric column, enforced by GX
    max_value: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    sort_by: tuple[str, ...]
    primary_key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
STRING_LIST = pa.list_(pa.string())

#: language codes the language identifier can emit (ISO 639-1), plus "und"
LANGUAGE_CODES = ("ru", "uk", "be", "kk", "en", "mn", "und")

#: what source_path holds (articles and rejects)
SOURCE_PATH = ("Path of the raw file relative to raw/ (bytes that are not UTF-8 written \\xNN, a backslash doubled: "
               "docs/ingest-security.md); a WARC record: file.warc.gz#<record id>.")

#: reject reasons and the stage that emits them
REJECT_REASONS = (
    "empty",
    "binary",
    "undecodable",
    "too_large",
    "duplicate_raw",
    "duplicate_url",
    "unsupported_format",
    "unreadable",
    "no_article_text",
    "internal_error",
    "corrupt_archive",
    "no_html_records",
    "quarantined",
    "off_topic",
    "unsupported_language",
)
#: ``entities`` rejects an article whose analysis exhausted memory; ``relevance`` rejects an article whose relevance
#: to the configured topic profile is under the threshold (``off_topic``, pipeline/core/relevance.py); ``validate``
#: quarantines articles whose rows break a row-level expectation (pipeline/core/quality.py)
STAGES = ("ingest", "extract", "metadata", "entities", "relevance", "validate")

#: codes of ``articles.notes``: what was capped or set aside on a row, and why
ARTICLE_NOTES = {
    "analysis_truncated": "the body is longer than the analysis reads; mentions and events cover its first "
                          "50,000 characters",
    "long_sentence": "a sentence over 200 tokens: no events from it, its syntax parsed in windows of 250 tokens",
    "names_normalized": "the body holds format characters (zero-width, bidi controls) or compatibility letters: "
                        "NER and linking read it under NFKC with them removed; offsets index the stored body",
    "published_out_of_range": "the stated publication time lies before 1990 or after 2099 (or cannot be converted "
                              "to UTC, as 0001-01-01 with an offset); published_at, published_local and the "
                              "timezone columns are null",
    "url_invalid": "the stated URL is not a public http(s) address (localhost, a private address, no host); "
                   "url is null and the id comes from the raw bytes",
}

ARTICLES = Table(
    name="articles",
    description="One row per usable news article: cleaned text plus the metadata the page states.",
    primary_key=("article_id",),
    sort_by=("article_id",),
    columns=(
        Column("article_id", pa.string(), False,
               "Stable id: sha256 of the canonical URL when known, else of the raw file's bytes (16 hex chars).",
               unique=True),
        Column("source_path", pa.string(), False, SOURCE_PATH, unique=True),
        Column("raw_sha256", pa.string(), False, "sha256 of the raw file's bytes."),
        Column("url", pa.string(), True, "Canonical URL stated by the page, if any."),
        Column("outlet", pa.string(), True, "Outlet domain, e.g. babr24.com; null when the page does not say."),
        Column("title", pa.string(), False, "Headline."),
        Column("lead", pa.string(), True, "Standfirst paragraph, when the page has one (in a release under text_policy snippet: only when it lies inside the published body)."),
        Column("body", pa.string(), True,
               "Main text: paragraphs separated by a blank line, no line breaks inside (null only under text_policy none)."),
        Column("authors", STRING_LIST, False, "Bylined authors as stated (empty when none)."),
        Column("published_at", UTC_TIMESTAMP, True, "Publication time converted to UTC; null when the page states none."),
        Column("rubrics", STRING_LIST, False, "Section labels the page states (empty when none)."),
        Column("views", pa.int64(), True, "View counter shown on the page."),
        Column("cited_agencies", STRING_LIST, False, "News agencies the page cites as its source, e.g. Kyodo."),
        Column("language", pa.string(), False, "Detected language of the body, ISO 639-1 ('und' if unsure).",
               allowed=LANGUAGE_CODES),
        Column("word_count", pa.int32(), False, "Number of words in title, lead and body."),
        Column("published_local", pa.string(), True,
               "Publication time as stated on the page (ISO 8601, local wall-clock, no offset)."),
        Column("timezone", pa.string(), True,
               "Zone used to convert published_local to UTC: the UTC offset the page states, else the outlet "
               "profile's IANA zone, else Europe/Moscow (see timezone_source)."),
        Column("timezone_source", pa.string(), True, "Where the zone came from: 'page', 'profile' or 'default'.",
               allowed=("page", "profile", "default")),
        Column("boilerplate_share", pa.float64(), False, "Share of the page's non-empty lines removed as boilerplate."),
        Column("duplicate_of", pa.string(), True,
               "article_id of the earliest copy when this article is an exact or near duplicate (MinHash, Jaccard ≥ 0.8), else null."),
        Column("duplicate_similarity", pa.float64(), True,
               "Jaccard similarity of word 5-shingles with duplicate_of (1.0 for an exact copy); null when not a duplicate."),
        Column("body_sha256", pa.string(), False,
               "sha256 of the full cleaned body (UTF-8), so users who re-scrape can verify their copy whatever the text policy."),
        Column("text_policy", pa.string(), False,
               "How much text this table carries: full, snippet (first characters) or none (body null). Working tables are full.",
               allowed=("full", "snippet", "none")),
        Column("text_license", pa.string(), True,
               "Licence of the article's text, from its outlet's profile (pipeline/data/outlets/): an SPDX id "
               "(CC-BY-2.5) where the outlet publishes under an open licence, LicenseRef-<outlet>-… where only the "
               "outlet's own terms apply; null when the outlet has no profile (its own terms apply). The card's "
               "Licences section gives each source's terms and attribution.",
               pattern=r"^(?:CC-BY(?:-SA)?-[0-9.]+|CC0-1\.0|LicenseRef-[A-Za-z0-9.\-]+)$"),
        Column("relevance", pa.float64(), False,
               "Relevance to the topic profile's region (Northeast Asia by default) in [0, 1]: entity mentions of the "
               "profile's countries, cities, people and organizations, title and lead weighted above the body "
               "(pipeline/core/relevance.py). Articles under the threshold are rejects (off_topic).",
               min_value=0.0, max_value=1.0),
        Column("region_countries", STRING_LIST, False,
               "ISO 3166-1 alpha-3 codes of the region's countries the article mentions, sorted (RUS only through "
               "the Russian Far East; empty when none)."),
        Column("notes", STRING_LIST, False,
               "Caps and corrections applied to this row, sorted (empty for an ordinary page): "
               + ", ".join(f"{code} ({meaning})" for code, meaning in ARTICLE_NOTES.items()) + "."),
    ),
)

REJECTS = Table(
    name="rejects",
    description="One row per raw file that could not become an article, with the reason.",
    primary_key=("source_path",),
    sort_by=("source_path",),
    columns=(
        Column("source_path", pa.string(), False, SOURCE_PATH, unique=True),
        Column("raw_sha256", pa.string(), True, "sha256 of the raw bytes (null if the file could not be read)."),
        Column("stage", pa.string(), False, "Stage that rejected the file.", allowed=STAGES),
        Column("reason", pa.string(), False, "Short reason code.", allowed=REJECT_REASONS),
        Column("message", pa.string(), False, "Human-readable explanation."),
    ),
)

ENTITY_TYPES = ("PER", "LOC", "ORG")
LINK_METHODS = ("gazetteer", "fuzzy", "coreference", "index", "unlinked")
#: Wikidata item ids
QID_PATTERN = r"^Q[1-9][0-9]*$"

MENTIONS = Table(
    name="mentions",
    description="One row per named-entity mention in an article body, linked to one canonical entity.",
    primary_key=("mention_id",),
    sort_by=("article_id", "start", "end"),
    columns=(
        Column("mention_id", pa.string(), False, "Stable id: sha256 of article_id, start and end (16 hex chars).",
               unique=True),
        Column("article_id", pa.string(), False, "The article (articles.article_id)."),
        Column("entity_id", pa.string(), False, "The canonical entity (entities.entity_id)."),
        Column("type", pa.string(), False, "PER, LOC or ORG.", allowed=ENTITY_TYPES),
        Column("start", pa.int32(), False, "Character offset into the article's full body (inclusive); a release's snippet is its prefix, body_sha256 identifies the whole (pipeline.rehydrate restores it)."),
        Column("end", pa.int32(), False, "Character offset into the article's body (exclusive)."),
        Column("text", pa.string(), False, "Exactly body[start:end]."),
        Column("normal", pa.string(), False, "Nominative form of the mention."),
        Column("link", pa.string(), False,
               "How the entity was found: gazetteer (exact alias), fuzzy (spelling variant), coreference "
               "(a shorter reference to a full name in the same article), index (the Wikidata alias index, for a "
               "name outside the gazetteer) or unlinked.", allowed=LINK_METHODS),
        Column("wikidata_id", pa.string(), True,
               "Wikidata QID of the mention's entity: the gazetteer's (recorded or filled from the alias index), "
               "the alias index's choice (type, document context, popularity prior) or the antecedent's; null "
               "when nothing vouches for one.", pattern=QID_PATTERN),
        Column("link_confidence", pa.float64(), False,
               "Estimated probability that wikidata_id is right (smoothed share of the chosen item among the "
               "alias's candidates; 1.0 for a QID the gazetteer records; 0.0 when wikidata_id is null).",
               min_value=0.0, max_value=1.0),
    ),
)

ENTITIES = Table(
    name="entities",
    description="One row per canonical entity mentioned in the corpus.",
    primary_key=("entity_id",),
    sort_by=("entity_id",),
    columns=(
        Column("entity_id", pa.string(), False,
               "Stable id: country:ISO3, geonames:ID, person:/org:/region:slug from the gazetteer, or "
               "type:hash of the normalized name for names outside it.", unique=True),
        Column("type", pa.string(), False, "PER, LOC or ORG.", allowed=ENTITY_TYPES),
        Column("name", pa.string(), False, "Canonical Russian name, nominative."),
        Column("name_en", pa.string(), True, "English name, from the gazetteer."),
        Column("wikidata_id", pa.string(), True,
               "Wikidata QID: the gazetteer's (recorded, or filled from the alias index where it links the entry's "
               "name unambiguously), else the one most of the entity's mentions carry; null when none does.",
               pattern=QID_PATTERN),
        Column("link_confidence", pa.float64(), False,
               "Mean link_confidence of the mentions that carry wikidata_id (0.0 when it is null).",
               min_value=0.0, max_value=1.0),
        Column("country", pa.string(), True, "ISO 3166-1 alpha-3 of the country the entity is or belongs to."),
        Column("aliases", STRING_LIST, False, "Other names: gazetteer aliases and the normal forms seen in the corpus."),
        Column("mention_count", pa.int64(), False, "Mentions in the corpus."),
        Column("article_count", pa.int64(), False, "Articles that mention it."),
        Column("linked", pa.bool_(), False, "True when the entity comes from the gazetteer or has a Wikidata QID."),
    ),
)

MODALITIES = ("asserted", "negated", "unrealized", "planned", "conditional", "possible", "reported", "denied")
DATE_PRECISIONS = ("day", "month", "year", "day_of_year_unknown", "year_range", "decade")
FALLBACK_PRECISIONS = DATE_PRECISIONS + ("publication",)
PLOVER_CATEGORIES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                     "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
STRING_LIST_NOTE = "entity ids (entities.entity_id)"

EVENTS = Table(
    name="events",
    description="One row per event as reported in one article: CAMEO-coded, with actors, place, date, money and modality.",
    primary_key=("event_id",),
    sort_by=("article_id", "start", "event_id"),
    columns=(
        Column("event_id", pa.string(), False, "Stable id: sha256 of article, sentence, trigger and code (16 hex chars).",
               unique=True),
        Column("article_id", pa.string(), False, "The reporting article (articles.article_id)."),
        Column("event_cluster_id", pa.string(), False,
               "Shared by reports of one real event (same root, actor countries and place, dates within 3 days)."),
        Column("cluster_representative", pa.bool_(), False,
               "True on exactly one row per event_cluster_id (the most confident report): count these to count events, not reports."),
        Column("cameo_code", pa.string(), False, "CAMEO event code, as a string of 3 or 4 digits (\"044\", \"071\", \"0841\")."),
        Column("cameo_root", pa.string(), False, "CAMEO root code, 2 digits."),
        Column("quad_class", pa.int8(), False, "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict."),
        Column("goldstein", pa.float64(), False, "Goldstein scale value of the code (-10 .. +10)."),
        Column("plover", pa.string(), True, "PLOVER event category mapped from the CAMEO code (data/cameo/ontology.tsv); "
               "null where PLOVER has none (public statements, 01x).", allowed=PLOVER_CATEGORIES),
        Column("actor1_ids", STRING_LIST, False, "Source actors: " + STRING_LIST_NOTE + "."),
        Column("actor2_ids", STRING_LIST, False, "Target actors: " + STRING_LIST_NOTE + "."),
        Column("actor1_countries", STRING_LIST, False, "ISO3 countries of the source actors (entities and country adjectives)."),
        Column("actor2_countries", STRING_LIST, False, "ISO3 countries of the target actors."),
        Column("actor1_unnamed", pa.string(), True, "The source side named by a common noun, as its lemma, where it has "
               "no named person or organisation: a noun of people (\"полицейский\", \"военнослужащий\", "
               "\"человек\") or an institution (\"полиция\", \"суд\", \"правительство\": "
               "data/cameo/agent_nouns.tsv) that the parse puts on that side; null otherwise."),
        Column("actor2_unnamed", pa.string(), True, "The target side named by a common noun (\"Полиция задержала двух "
               "человек\": человек), as for actor1_unnamed."),
        Column("symmetric", pa.bool_(), False, "True when the actors are coordinated (\"Монголия и Япония достигли соглашения\", "
               "\"стороны\"): each side acts on the other, actor1/actor2 order carries no direction."),
        Column("location_id", pa.string(), True, "Entity id of the place (a LOC mention in a locative phrase, in the "
               "sentence or in a following \"встреча состоялась в ...\" sentence); places are never actors."),
        Column("event_date", pa.date32(), True, "Date stated for the event (never the date of the report or speech); a day "
               "and month without a year take the publication year (see event_date_text), and dates relative to the "
               "publication date (\"вчера\", \"в понедельник\", \"в прошлом году\") are resolved against it; first "
               "day of a month, year, range or decade; null when none (never the publication date alone)."),
        Column("date_precision", pa.string(), True, "day, month, year, year_range, decade, or day_of_year_unknown (day and "
               "month stated, no year and no publication date: event_date null); null when no date is stated.",
               allowed=DATE_PRECISIONS),
        Column("event_date_text", pa.string(), True, "The date as the text states it, ISO 8601: 2024-09-22, --09-22 (no year), "
               "2024-05, 2018, 1977/1983 (range or decade); for a date relative to publication, the resolved date."),
        Column("event_date_end", pa.date32(), True, "Last day of a year_range or decade; null otherwise."),
        Column("fallback_date", pa.date32(), True, "event_date when there is one, else the article's publication date "
               "(GDELT-style, for users who need a date on every row); null when neither is known."),
        Column("fallback_date_precision", pa.string(), True, "date_precision of event_date, or publication when "
               "fallback_date is the publication date; null with fallback_date.", allowed=FALLBACK_PRECISIONS),
        Column("modality", pa.string(), False, "Read from the trigger's clause: asserted, negated, unrealized (\"так и не "
               "состоялась\", \"сорвалась\"), negated (also refused: \"отказалась освободить\"), planned (future, intent, "
               "\"должны были\"), conditional (\"если\", \"бы\", threatened: \"угрожает начать забастовку\"), possible "
               "(\"мог\", demanded or called for: \"потребовала освободить\"), reported (under \"сообщил, что\") or denied "
               "(under \"опроверг\").", allowed=MODALITIES),
        Column("amount", pa.float64(), True, "Money amount stated with the event."),
        Column("currency", pa.string(), True, "ISO 4217 code of the amount."),
        Column("trigger", pa.string(), False, "The words that triggered the code."),
        Column("trigger_start", pa.int32(), False, "Offset of the first trigger word in the article's full body (inclusive)."),
        Column("trigger_end", pa.int32(), False, "Offset of the end of the last trigger word in the full body (exclusive)."),
        Column("sentence", pa.string(), True, "The sentence (natasha's, cut at line breaks: a headline or caption without a full stop is its own), exactly body[start:end] of the full body; in a release, null where it lies beyond the published snippet or under text_policy none."),
        Column("start", pa.int32(), False, "Offset of the sentence in the article's full body (inclusive), as for mentions."),
        Column("end", pa.int32(), False, "Offset of the sentence in the article's body (exclusive)."),
        Column("confidence", pa.float64(), False, "Heuristic confidence in [0, 1]: parse-based actors, counterpart, place and date raise it."),
        Column("event_probability", pa.float64(), False,
               "Probability that the trigger is an event in its context, from the learned event filter "
               "(pipeline/data/models/events.json, trained on NEREL). Nothing is dropped by it: keep rows with "
               "event_probability >= 0.5 for the filter's precision (cross-validated figures in the card's "
               "limitations).", min_value=0.0, max_value=1.0),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (ARTICLES, MENTIONS, ENTITIES, EVENTS, REJECTS)}

#: Bump when what an id means changes (how article_id, mention_id, entity_id or event_id are derived):
#: the release step then requires a MAJOR version.
ID_SCHEME_VERSION = 1


#: rows per Parquet row group of every written table (the last group holds the rest; a smaller table is one group).
#: 65,536 is the layout every release has had (so no table's bytes changed when it became a constant); the gating
#: validation reads published tables a group at a time, so a group of articles with their bodies (~200 MB at
#: 3 KB a body) bounds its memory, and DuckDB and Arrow readers still get several groups to scan in parallel at
#: 100k+ rows. Each group is written from one chunk per column: the bytes depend on the rows, not on how a table
#: was chunked in memory or streamed (:func:`pipeline.core.tables.write_parquet`).
ROW_GROUP_ROWS = 65_536
#: how every table is written: fixed options, so two writes of the same rows are the same bytes on any machine
PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True,
                       version="2.6", data_page_version="1.0", row_group_size=ROW_GROUP_ROWS)


def format_note() -> str:
    """The file format in one paragraph (the dataset card's Distribution section)."""
    o = PARQUET_OPTIONS
    return (f"Each table is one Parquet file (format version {o['version']}, data pages v{o['data_page_version']}, "
            f"{o['compression']} level {o['compression_level']}, dictionary encoding and column statistics), written in "
            f"row groups of {ROW_GROUP_ROWS:,} rows in the table's sort order (the last group holds the rest; a "
            "smaller table is one group), so a reader can scan or skip a group at a time. The bytes depend on the "
            "rows alone: `make verify` rebuilds them identically on any machine.")


def arrow_schema(table: Table) -> pa.Schema:
    fields = [pa.field(c.name, c.type, nullable=c.nullable,
                       metadata={"description": c.description}) for c in table.columns]
    return pa.schema(fields, metadata={"table": table.name, "description": table.description})


def basic_expectations(table: Table) -> list[dict]:
    """GX expectation configs that follow from the schema alone."""
    exps: list[dict] = [{
        "type": "expect_table_columns_to_match_ordered_list",
        "kwargs": {"column_list": table.column_names},
    }]
    for c in table.columns:
        if not c.nullable:
            exps.append({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": c.name}})
        if c.unique:
            exps.append({"type": "expect_column_values_to_be_unique", "kwargs": {"column": c.name}})
        if c.allowed is not None:
            exps.append({"type": "expect_column_values_to_be_in_set",
                         "kwargs": {"column": c.name, "value_set": list(c.allowed)}})
        if c.pattern is not None:
            exps.append({"type": "expect_column_values_to_match_regex", "kwargs": {"column": c.name, "regex": c.pattern}})
        if c.min_value is not None or c.max_value is not None:
            exps.append({"type": "expect_column_values_to_be_between",
                         "kwargs": {"column": c.name, "min_value": c.min_value, "max_value": c.max_value}})
    return exps


def markdown_contract(table: Table) -> str:
    """The table's column contract as a markdown table (for docs/data-contract.md and the dataset card)."""
    lines = ["| column | type | nullable | meaning |", "|---|---|---|---|"]
    for c in table.columns:
        lines.append(f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {c.description} |")
    return "\n".join(lines)
