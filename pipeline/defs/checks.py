"""Blocking asset checks that run the Great Expectations suites of pipeline/data/gx/."""


import dagster as dg
import pandas as pd

from ..core.quality import (ARTICLE_CHECK_COLUMNS, EVENT_CHECK_COLUMNS, SuiteReport, validate_frame,
                            with_article_check_columns, with_event_check_columns, with_relational_columns)
from ..resources import data_version


def _check_result(report: SuiteReport) -> dg.AssetCheckResult:
    failures = report.failures
    lines = ["| expectation | column | unexpected | sample |", "|---|---|---|---|"]
    for o in failures:
        sample = ", ".join(str(v)[:60].replace("|", "\\|").replace("\n", " ") for v in o.sample[:3])
        lines.append(f"| {o.expectation} | {o.column or ''} | {o.unexpected_count if o.unexpected_count is not None else ''} | {sample} |")
    return dg.AssetCheckResult(
        passed=report.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "expectations_evaluated": len(report.outcomes),
            "expectations_failed": len(failures),
            "failures": dg.MetadataValue.md("\n".join(lines) if failures else "all expectations met"),
            "suite_version": data_version("gx"),
        },
        description=("GX suite passed" if report.success else
                     "GX suite failed: " + "; ".join(o.describe() for o in failures)[:1000]),
    )


@dg.asset_check(asset="articles", blocking=True, name="articles_gx_suite",
                description="Great Expectations suite for articles (schema-derived + data/gx/articles.json). Blocks publishing.")
def articles_gx_suite(articles: pd.DataFrame) -> dg.AssetCheckResult:
    frame = with_article_check_columns(articles)
    return _check_result(validate_frame("articles", frame, extra_columns=ARTICLE_CHECK_COLUMNS))


@dg.asset_check(asset="rejects", blocking=True, name="rejects_gx_suite",
                description="Great Expectations suite for rejects (schema-derived + data/gx/rejects.json). Blocks publishing.")
def rejects_gx_suite(rejects: pd.DataFrame) -> dg.AssetCheckResult:
    return _check_result(validate_frame("rejects", rejects))


@dg.asset_check(asset="mentions", blocking=True, name="mentions_gx_suite",
                additional_ins={"articles": dg.AssetIn("articles"), "entities": dg.AssetIn("entities")},
                description="GX suite for mentions: offsets and text match the body, entity ids exist, unique spans.")
def mentions_gx_suite(mentions: pd.DataFrame, articles: pd.DataFrame, entities: pd.DataFrame) -> dg.AssetCheckResult:
    frame = with_relational_columns(mentions, articles, entities)
    return _check_result(validate_frame("mentions", frame, extra_columns=("span_ok", "entity_known")))


@dg.asset_check(asset="entities", blocking=True, name="entities_gx_suite",
                description="GX suite for entities: types, ISO 3166 alpha-3 countries, QID shape, counts.")
def entities_gx_suite(entities: pd.DataFrame) -> dg.AssetCheckResult:
    return _check_result(validate_frame("entities", entities))


@dg.asset_check(asset="events", blocking=True, name="events_gx_suite",
                additional_ins={"articles": dg.AssetIn("articles"), "entities": dg.AssetIn("entities")},
                description="GX suite for events: codes consistent with the ontology, ids in entities, ISO3 countries, "
                            "sentence offsets, no asserted event after publication.")
def events_gx_suite(events: pd.DataFrame, articles: pd.DataFrame, entities: pd.DataFrame) -> dg.AssetCheckResult:
    frame = with_event_check_columns(events, articles, entities)
    return _check_result(validate_frame("events", frame, extra_columns=EVENT_CHECK_COLUMNS))


@dg.asset_check(asset="rejects", blocking=True, name="accounting_invariant",
                additional_ins={"raw_inventory": dg.AssetIn("raw_inventory"), "articles": dg.AssetIn("articles")},
                description="|raw inputs| = |articles| + |rejects|: every raw file (every WARC record) is exactly one "
                            "article or one reject.")
def accounting_invariant(rejects: pd.DataFrame, raw_inventory: pd.DataFrame, articles: pd.DataFrame) -> dg.AssetCheckResult:
    from ..core.build import accounting

    ingested = raw_inventory[raw_inventory["ingest_reject"].isna()]
    ingest_rejected = raw_inventory[raw_inventory["ingest_reject"].notna()]
    report = accounting(list(ingested["source_path"]), list(ingest_rejected["source_path"]),
                        list(articles["source_path"]), list(rejects["source_path"]))
    return dg.AssetCheckResult(
        passed=report["ok"], severity=dg.AssetCheckSeverity.ERROR,
        metadata={"raw_inputs": report["inputs"], "articles": report["articles"], "rejects": report["rejects"],
                  "missing": dg.MetadataValue.json(report["missing"][:50]),
                  "doubled": dg.MetadataValue.json(report["doubled"][:50])},
        description=f"{report['inputs']} raw inputs = {report['articles']} articles + {report['rejects']} rejects"
        if report["ok"] else f"accounting broken: {len(report['missing'])} missing, {len(report['doubled'])} doubled")
