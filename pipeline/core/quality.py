"""Quality: run a table's Great Expectations 1.x suite on a pandas frame.

A suite = the expectations that follow from :mod:`pipeline.schema`
(:func:`pipeline.schema.basic_expectations`) + the hand-written file
``data/gx/<table>.json``. The GX context is ephemeral and built once per
process. Results are reduced to a deterministic summary (no run ids or
timestamps) so they can be published with a release.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from ..resources import read_text
from ..schema import TABLES, basic_expectations

SAMPLE_SIZE = 5


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None
    sample: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)

    def describe(self) -> str:
        where = f"{self.column}: " if self.column else ""
        extra = f" ({self.unexpected_count} unexpected, e.g. {self.sample[:3]})" if self.unexpected_count else ""
        return f"{where}{self.expectation}{extra}"


@dataclass
class SuiteReport:
    table: str
    success: bool
    outcomes: list[ExpectationOutcome]
    tomorrow: str | None = None  # the resolved $TOMORROW, folded back in to_json so results are reproducible

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def to_json(self) -> dict:
        results = []
        for o in self.outcomes:
            d = dict(o.__dict__)
            d["kwargs"] = {k: ("$TOMORROW" if self.tomorrow and v == self.tomorrow else v) for k, v in o.kwargs.items()}
            results.append(d)
        return {
            "table": self.table,
            "success": self.success,
            "evaluated": len(self.outcomes),
            "failed": len(self.failures),
            "results": results,
        }


def _iso3_codes() -> list[str]:
    codes = []
    for line in read_text("gazetteer/countries.tsv").splitlines():
        if line.strip() and not line.startswith("#"):
            codes.append(line.split("\t")[0])
    return sorted(codes)


def suite_expectations(table_name: str, today: date | None = None) -> list[dict]:
    """All expectation configs for a table, with $TOMORROW and $ISO3 resolved."""
    table = TABLES[table_name]
    config = json.loads(read_text(f"gx/{table_name}.json"))
    tomorrow = ((today or date.today()) + timedelta(days=1)).isoformat() + "T00:00:00+00:00"
    exps = basic_expectations(table) + config["expectations"]
    text = json.dumps(exps).replace('"$TOMORROW"', json.dumps(tomorrow))
    if '"$ISO3"' in text:
        text = text.replace('"$ISO3"', json.dumps(_iso3_codes()))
    return json.loads(text)


def with_relational_columns(mentions, articles, entities):
    """Mentions plus the derived columns its suite checks across tables: span_ok, entity_known.

    Derived columns are appended after the schema's columns; the column-list expectation is
    evaluated on the schema columns only (see :func:`validate_frame`'s ``extra_columns``).
    """
    frame = mentions.copy()
    if not {"article_id", "body"} <= set(articles.columns) or "entity_id" not in entities.columns or \
            not {"article_id", "start", "end", "text", "entity_id"} <= set(frame.columns):
        frame["span_ok"] = False
        frame["entity_known"] = False
        return frame
    bodies = dict(zip(articles["article_id"], articles["body"]))
    known = set(entities["entity_id"])

    def span_ok(row) -> bool:
        body = bodies.get(row["article_id"])
        if body is None:
            return False
        start, end = int(row["start"]), int(row["end"])
        return 0 <= start < end <= len(body) and body[start:end] == row["text"]

    frame["span_ok"] = [span_ok(r) for r in frame.to_dict("records")] if len(frame) else []
    frame["entity_known"] = frame["entity_id"].isin(known) if len(frame) else []
    return frame


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


def validate_frame(table_name: str, frame, today: date | None = None, extra_columns: tuple[str, ...] = ()) -> SuiteReport:
    """Validate ``frame`` against the table's suite; never raises on failing data.

    ``extra_columns`` are derived check columns appended after the schema's columns.
    """
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    suite = gx.ExpectationSuite(name=f"{table_name}_suite")
    for cfg in suite_expectations(table_name, today):
        if cfg["type"] == "expect_table_columns_to_match_ordered_list" and extra_columns:
            cfg = {**cfg, "kwargs": {"column_list": cfg["kwargs"]["column_list"] + list(extra_columns)}}
        suite.add_expectation_configuration(ExpectationConfiguration(type=cfg["type"], kwargs=cfg["kwargs"],
                                                                     meta=cfg.get("meta", {})))
    batch = _batch_definition(table_name).get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format={"result_format": "SUMMARY",
                                                  "partial_unexpected_count": SAMPLE_SIZE})
    outcomes = []
    for r in result.results:
        cfg = r.expectation_config
        res = r.result or {}
        kwargs = {k: _jsonable(v) for k, v in sorted(cfg.kwargs.items()) if k != "batch_id"}
        exception = (r.exception_info or {}).get("exception_message") if isinstance(r.exception_info, dict) else None
        sample = [_jsonable(v) for v in (res.get("partial_unexpected_list") or [])][:SAMPLE_SIZE]
        if exception:
            sample = [re.sub(r"\s+", " ", exception)[:300]]
        outcomes.append(ExpectationOutcome(cfg.type, cfg.kwargs.get("column"), bool(r.success),
                                           res.get("unexpected_count"), sample, kwargs))
    outcomes.sort(key=lambda o: (o.expectation, o.column or "", json.dumps(o.kwargs, sort_keys=True)))
    tomorrow = ((today or date.today()) + timedelta(days=1)).isoformat() + "T00:00:00+00:00"
    return SuiteReport(table_name, all(o.success for o in outcomes), outcomes, tomorrow)


EVENT_CHECK_COLUMNS = ("code_ok", "ids_known", "countries_ok", "sentence_ok", "date_ok", "precision_ok")


def with_event_check_columns(events, articles, entities):
    """Events plus the derived columns its suite checks against the ontology, articles and entities."""
    import pandas as pd

    from .events.ontology import ontology

    frame = events.copy()
    needed = {"cameo_code", "cameo_root", "quad_class", "goldstein", "actor1_ids", "actor2_ids", "location_id",
              "actor1_countries", "actor2_countries", "article_id", "start", "end", "sentence", "event_date",
              "date_precision", "modality"}
    if not needed <= set(frame.columns) or not {"article_id", "body", "published_at"} <= set(articles.columns) \
            or "entity_id" not in entities.columns:
        for name in EVENT_CHECK_COLUMNS:
            frame[name] = False
        return frame
    codes = ontology()
    iso3 = set(_iso3_codes())
    known = set(entities["entity_id"])
    by_article = {r["article_id"]: r for r in articles[["article_id", "body", "published_at"]].to_dict("records")}
    rows = frame.to_dict("records")

    def code_ok(r) -> bool:
        c = codes.get(r["cameo_code"])
        return c is not None and c.root == r["cameo_root"] and c.quad_class == int(r["quad_class"]) \
            and abs(c.goldstein - float(r["goldstein"])) < 1e-9

    def ids_known(r) -> bool:
        ids = list(r["actor1_ids"]) + list(r["actor2_ids"]) + ([r["location_id"]] if r["location_id"] else [])
        return all(i in known for i in ids)

    def countries_ok(r) -> bool:
        return all(c in iso3 for c in list(r["actor1_countries"]) + list(r["actor2_countries"]))

    def sentence_ok(r) -> bool:
        art = by_article.get(r["article_id"])
        if art is None:
            return False
        start, end = int(r["start"]), int(r["end"])
        return 0 <= start < end <= len(art["body"]) and art["body"][start:end] == r["sentence"]

    def date_ok(r) -> bool:
        art = by_article.get(r["article_id"])
        when, published = r["event_date"], art["published_at"] if art else None
        if when is None or (isinstance(when, float) and when != when) or r["modality"] != "asserted":
            return True
        if published is None or pd.isna(published):
            return True
        return pd.Timestamp(when).date() <= (pd.Timestamp(published) + pd.Timedelta(days=1)).date()

    def precision_ok(r) -> bool:
        has_date = r["event_date"] is not None and not (isinstance(r["event_date"], float) and r["event_date"] != r["event_date"])
        return has_date == (r["date_precision"] is not None and r["date_precision"] == r["date_precision"])

    for name, fn in (("code_ok", code_ok), ("ids_known", ids_known), ("countries_ok", countries_ok),
                     ("sentence_ok", sentence_ok), ("date_ok", date_ok), ("precision_ok", precision_ok)):
        frame[name] = [fn(r) for r in rows]
    return frame


def validate_all(frames: dict, today: date | None = None) -> dict[str, SuiteReport]:
    """Run every table's suite (with the cross-table derived columns) on pandas frames keyed by table name."""
    reports = {}
    for name, frame in frames.items():
        if name == "mentions":
            reports[name] = validate_frame(name, with_relational_columns(frame, frames["articles"], frames["entities"]),
                                           today, extra_columns=("span_ok", "entity_known"))
        elif name == "events":
            reports[name] = validate_frame(name, with_event_check_columns(frame, frames["articles"], frames["entities"]),
                                           today, extra_columns=EVENT_CHECK_COLUMNS)
        elif name == "articles":
            reports[name] = validate_frame(name, with_article_check_columns(frame), today,
                                           extra_columns=ARTICLE_CHECK_COLUMNS)
        else:
            reports[name] = validate_frame(name, frame, today)
    return reports


ARTICLE_CHECK_COLUMNS = ("duplicate_ok",)


def with_article_check_columns(articles):
    """Articles plus ``duplicate_ok``: duplicate_of is null, or an existing article published no later."""
    import pandas as pd

    frame = articles.copy()
    if not {"article_id", "published_at", "duplicate_of"} <= set(frame.columns):
        frame["duplicate_ok"] = False  # a broken table: the column-list expectation reports what is missing
        return frame
    published = dict(zip(frame["article_id"], frame["published_at"]))

    def ok(row) -> bool:
        target = row["duplicate_of"]
        if target is None or (isinstance(target, float) and target != target):
            return True
        if target not in published or target == row["article_id"]:
            return False
        a, b = published[target], row["published_at"]
        return pd.isna(b) or pd.isna(a) or a <= b

    frame["duplicate_ok"] = [ok(r) for r in frame.to_dict("records")] if len(frame) else []
    return frame
