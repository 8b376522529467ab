"""Quality: run a table's Great Expectations 1.x suite on a pandas frame, and quarantine failing rows.

A suite = the expectations that follow from :mod:`pipeline.schema`
(:func:`pipeline.schema.basic_expectations`) + the hand-written file
``data/gx/<table>.json``. The GX context is ephemeral and built once per
process. Results are reduced to a deterministic summary (no run ids or
timestamps) so they can be published with a release.

**Row level and table level.** An expectation about single rows (a column map expectation: a regex, a range,
a value set, a non-null, a column pair) is *row-level*: :func:`failing_articles` finds the rows that break it,
and the build moves their articles to ``rejects`` (``stage=validate``, ``reason=quarantined``) with their
mentions and events. Everything else is *table-level* and gates the release: the column list, row counts,
uniqueness, and the share of quarantined articles (at most ``max_quarantine_share`` of
``data/gx/rejects.json``).

Time bounds (``$LATEST``) come from the build's :class:`~pipeline.core.reference_time.ReferenceTime`, never
from the wall clock.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from ..knowledge import read_text
from ..schema import TABLES, basic_expectations
from . import validation_cache
# the derived check columns live in quality_columns; imported here, where the suites and callers use them
from .quality_columns import (ARTICLE_CHECK_COLUMNS, EVENT_CHECK_COLUMNS, MENTION_CHECK_COLUMNS,  # noqa: F401
                              iso3_codes, published_span_ok, with_article_check_columns, with_event_check_columns,
                              with_relational_columns)
from .reference_time import ReferenceTime, resolve

SAMPLE_SIZE = 5
#: row-level expectations that are nevertheless about the whole table
TABLE_LEVEL_TYPES = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique",
                     "expect_select_column_values_to_be_unique_within_record"}
ROW_LEVEL_PREFIXES = ("expect_column_values_to_", "expect_column_value_lengths_to_", "expect_column_pair_values_",
                      "expect_multicolumn_values_")
QUARANTINE_SHARE = "vostok_quarantined_share_to_be_at_most"


def is_row_level(expectation_type: str) -> bool:
    """True for expectations that judge one row at a time (their failing rows are quarantined)."""
    return expectation_type.startswith(ROW_LEVEL_PREFIXES) and expectation_type not in TABLE_LEVEL_TYPES


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None
    sample: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    why: str | None = None
    rows: list = field(default_factory=list, repr=False)  # positions of the failing rows (row-level only)

    def describe(self) -> str:
        where = f"{self.column}: " if self.column else ""
        extra = f" ({self.unexpected_count} unexpected, e.g. {self.sample[:3]})" if self.unexpected_count else ""
        return f"{where}{self.expectation}{extra}"

    def to_json(self) -> dict:
        return {"expectation": self.expectation, "column": self.column, "success": self.success,
                "unexpected_count": self.unexpected_count, "sample": self.sample, "kwargs": self.kwargs}


@dataclass
class SuiteReport:
    table: str
    success: bool
    outcomes: list[ExpectationOutcome]

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def to_json(self) -> dict:
        return {
            "table": self.table,
            "success": self.success,
            "evaluated": len(self.outcomes),
            "failed": len(self.failures),
            "results": [o.to_json() for o in self.outcomes],
        }


def suite_config(table_name: str) -> dict:
    return json.loads(read_text(f"gx/{table_name}.json"))


def suite_expectations(table_name: str, reference: ReferenceTime, published: bool = False) -> list[dict]:
    """All expectation configs for a table, with $LATEST (the reference time's bound) and $ISO3 resolved.

    ``published``: the suite of the table as a release publishes it (under its text policy), without the
    expectations marked ``working_tables_only`` (full text, policy "full")."""
    table = TABLES[table_name]
    exps = basic_expectations(table) + [e for e in suite_config(table_name)["expectations"]
                                        if not (published and e.get("meta", {}).get("working_tables_only"))]
    text = json.dumps(exps).replace('"$LATEST"', json.dumps(reference.latest_allowed))
    if '"$ISO3"' in text:
        text = text.replace('"$ISO3"', json.dumps(list(iso3_codes())))
    return json.loads(text)


def reference_of(frames: dict) -> ReferenceTime:
    """The reference time the frames themselves imply (no crawl times known): for checks run outside a build."""
    articles = frames.get("articles")
    published = list(articles["published_at"]) if articles is not None and "published_at" in articles else []
    return resolve(None, [None], published)


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return ctx


@lru_cache(maxsize=None)
def _batch_definition(table_name: str):
    """One pandas data source and whole-dataframe batch definition per table, created once per process."""
    source = _context().data_sources.add_pandas(f"vostok_{table_name}")
    return source.add_dataframe_asset(table_name).add_batch_definition_whole_dataframe("all")


def _jsonable(value):
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


def suite_configs(table_name: str, reference: ReferenceTime, extra_columns: tuple[str, ...] = (),
                  row_level_only: bool = False, published: bool = False) -> list[dict]:
    """The expectations a frame of ``table_name`` is validated with (the column list takes ``extra_columns``)."""
    configs = []
    for cfg in suite_expectations(table_name, reference, published):
        if row_level_only and not is_row_level(cfg["type"]):
            continue
        if cfg["type"] == "expect_table_columns_to_match_ordered_list" and extra_columns:
            cfg = {**cfg, "kwargs": {"column_list": cfg["kwargs"]["column_list"] + list(extra_columns)}}
        configs.append(cfg)
    return configs

def validate_frame(table_name: str, frame, reference: ReferenceTime | None = None,
                   extra_columns: tuple[str, ...] = (), row_level_only: bool = False,
                   published: bool = False) -> SuiteReport:
    """Validate ``frame`` against the table's suite; never raises on failing data.

    ``extra_columns`` are derived check columns appended after the schema's columns. ``row_level_only`` runs
    only the row-level expectations, and records the failing rows' positions (``ExpectationOutcome.rows``)."""
    configs = suite_configs(table_name, reference or reference_of({table_name: frame}), extra_columns,
                            row_level_only, published)
    frame = frame.reset_index(drop=True)
    entry = validation_cache.key(table_name, frame, configs, extra_columns, row_level_only)
    if (cached := validation_cache.get(entry)) is not None:
        return SuiteReport(cached["table"], cached["success"], [ExpectationOutcome(**o) for o in cached["outcomes"]])

    outcomes = run_expectations(table_name, frame, configs, complete=row_level_only)
    report = SuiteReport(table_name, all(o.success for o in outcomes), outcomes)
    validation_cache.put(entry, asdict(report))
    return report


def outcome_order(o: "ExpectationOutcome") -> tuple:
    """The order of a report's outcomes: expectation type, column, kwargs."""
    return (o.expectation, o.column or "", json.dumps(o.kwargs, sort_keys=True))


def run_expectations(table_name: str, frame, configs: list[dict], complete: bool = False) -> list[ExpectationOutcome]:
    """GX on ``frame`` for ``configs``, reduced to outcomes in :func:`outcome_order`; ``complete``: every failing
    row's position (``rows``) instead of a sample of :data:`SAMPLE_SIZE` values."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    suite = gx.ExpectationSuite(name=f"{table_name}_suite")
    for cfg in configs:
        suite.add_expectation_configuration(ExpectationConfiguration(type=cfg["type"], kwargs=cfg["kwargs"],
                                                                     meta=cfg.get("meta", {})))
    batch = _batch_definition(table_name).get_batch(batch_parameters={"dataframe": frame})
    result_format = ({"result_format": "COMPLETE"} if complete else
                     {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE})
    result = batch.validate(suite, result_format=result_format)
    outcomes = []
    for r in result.results:
        cfg = r.expectation_config
        res = r.result or {}
        kwargs = {k: _jsonable(v) for k, v in sorted(cfg.kwargs.items()) if k != "batch_id"}
        exception = (r.exception_info or {}).get("exception_message") if isinstance(r.exception_info, dict) else None
        sample = [_jsonable(v) for v in (res.get("partial_unexpected_list") or res.get("unexpected_list") or [])][:SAMPLE_SIZE]
        if exception:
            sample = [re.sub(r"\s+", " ", exception)[:300]]
        rows = [int(i) for i in (res.get("unexpected_index_list") or []) if isinstance(i, (int,)) or str(i).isdigit()]
        why = (cfg.meta or {}).get("why") if cfg.meta else None
        outcomes.append(ExpectationOutcome(cfg.type, cfg.kwargs.get("column"), bool(r.success),
                                           res.get("unexpected_count"), sample, kwargs, why, rows))
    outcomes.sort(key=outcome_order)
    return outcomes


def check_frame(table_name: str, frames: dict):
    """The frame a table's suite runs on: the table plus its derived cross-table columns, and their names."""
    frame = frames[table_name]
    if table_name == "mentions":
        return with_relational_columns(frame, frames["articles"], frames["entities"]), MENTION_CHECK_COLUMNS
    if table_name == "events":
        return with_event_check_columns(frame, frames["articles"], frames["entities"]), EVENT_CHECK_COLUMNS
    if table_name == "articles":
        return with_article_check_columns(frame), ARTICLE_CHECK_COLUMNS
    return frame, ()


def validate_table(table_name: str, frames: dict, reference: ReferenceTime, published: bool = False) -> SuiteReport:
    """One table's full suite (row-level and table-level), with the cross-table columns it needs from ``frames``.

    The rejects suite also carries the table-level bound on the share of quarantined articles."""
    frame, extra = check_frame(table_name, frames)
    report = validate_frame(table_name, frame, reference, extra_columns=extra, published=published)
    if table_name == "rejects" and "articles" in frames:
        report.outcomes.append(quarantine_share_outcome(frames["rejects"], frames["articles"]))
        report.success = all(o.success for o in report.outcomes)
    return report


def validate_all(frames: dict, reference: ReferenceTime, published: bool = False) -> dict[str, SuiteReport]:
    """Run every table's suite (with the cross-table derived columns) on pandas frames keyed by table name."""
    return {name: validate_table(name, frames, reference, published) for name in frames}


def max_quarantine_share() -> float:
    return float(suite_config("rejects")["max_quarantine_share"])


def quarantine_share_outcome(rejects, articles) -> ExpectationOutcome:
    """Table-level: quarantined articles / (articles + quarantined) must not exceed the documented share."""
    quarantined = int((rejects["reason"] == "quarantined").sum()) if len(rejects) and "reason" in rejects else 0
    return quarantine_share_of(quarantined, len(articles))


def quarantine_share_of(quarantined: int, articles: int) -> ExpectationOutcome:
    total = quarantined + articles
    share = round(quarantined / total, 6) if total else 0.0
    limit = max_quarantine_share()
    return ExpectationOutcome(QUARANTINE_SHARE, None, share <= limit, quarantined, [],
                              {"max_share": limit, "share": share})


#: tables whose failing rows are quarantined (rejects rows are the quarantine itself: their suite only gates)
QUARANTINED_TABLES = ("articles", "mentions", "events", "entities")


def failing_articles(frames: dict, reference: ReferenceTime) -> dict[str, str]:
    """Articles to quarantine: ``{article_id: why}`` for every article with a row (its own, or one of its
    mentions, events or entities) that breaks a row-level expectation. The first failure in table and
    expectation order names the reason."""
    out: dict[str, str] = {}
    for table_name in QUARANTINED_TABLES:
        if table_name not in frames or not len(frames[table_name]):
            continue
        frame, extra = check_frame(table_name, frames)
        frame = frame.reset_index(drop=True)
        report = validate_frame(table_name, frame, reference, extra_columns=extra, row_level_only=True)
        for o in report.failures:
            label = f"{table_name}.{o.column or '?'}: {o.expectation}" + (f" ({o.why})" if o.why else "")
            for position in o.rows:
                row = frame.iloc[position]
                value = row[o.column] if o.column and o.column in frame.columns else None
                why = f"{label}; value {_short(value)}"
                for article_id in _articles_of(table_name, row, frames):
                    out.setdefault(article_id, why)
    return out


def _short(value, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _articles_of(table_name: str, row, frames: dict) -> list[str]:
    if table_name != "entities":
        return [row["article_id"]]
    mentions = frames.get("mentions")
    if mentions is None or not len(mentions):
        return []
    return sorted(set(mentions.loc[mentions["entity_id"] == row["entity_id"], "article_id"]))
