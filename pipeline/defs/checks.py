"""Blocking asset checks: each table's Great Expectations suite (one check per table of the schema, from one
definition), and the accounting invariant. By the time they run, the build has quarantined every row that broke a
row-level expectation, so what fails here is table-level (or a quarantine that did not converge)."""


import dagster as dg

from ..core.quality import SuiteReport
from ..core.reference_time import ReferenceTime
from ..knowledge import data_version
from ..schema import TABLES
from .resources import VostokPaths

#: the tables each suite reads besides its own (its derived cross-table columns)
SUITE_INPUTS = {"articles": (), "rejects": ("articles",), "mentions": ("articles", "entities"),
                "entities": (), "events": ("articles", "entities")}
SUITE_DESCRIPTIONS = {
    "articles": "Great Expectations suite for articles (schema-derived + data/gx/articles.json).",
    "rejects": "GX suite for rejects, plus the bound on the share of quarantined articles.",
    "mentions": "GX suite for mentions: offsets and text match the body, entity ids exist, unique spans.",
    "entities": "GX suite for entities: types, ISO 3166 alpha-3 countries, QID shape, counts.",
    "events": "GX suite for events: codes consistent with the ontology, ids in entities, ISO3 countries, "
              "sentence offsets, no asserted event after publication.",
}


def _check_result(report: SuiteReport, key: dg.AssetCheckKey) -> dg.AssetCheckResult:
    failures = report.failures
    lines = ["| expectation | column | unexpected | sample |", "|---|---|---|---|"]
    for o in failures:
        sample = ", ".join(str(v)[:60].replace("|", "\\|").replace("\n", " ") for v in o.sample[:3])
        lines.append(f"| {o.expectation} | {o.column or ''} | {o.unexpected_count if o.unexpected_count is not None else ''} | {sample} |")
    return dg.AssetCheckResult(
        asset_key=key.asset_key, check_name=key.name,
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


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(f"{name}_gx_suite", asset=name, blocking=True,
                             description=SUITE_DESCRIPTIONS[name] + " Blocks publishing.",
                             additional_deps=[*SUITE_INPUTS[name], "reference_time"])
           for name in TABLES],
    ins={name: dg.AssetIn(name) for name in (*TABLES, "reference_time")},
    can_subset=True,
)
def table_suites(context: dg.AssetCheckExecutionContext, articles, mentions, entities, events, rejects,
                 reference_time: dict, paths: VostokPaths):
    """Every table's suite, run against the build's reference time (one step: the suites share inputs), on
    consolidation's files: chunks and DuckDB queries, never the tables whole."""
    from ..core.quality_tables import validate_tables
    from .assets import table_files

    paths.remember_validation()
    files = table_files(articles=articles, mentions=mentions, entities=entities, events=events, rejects=rejects)
    keys = sorted(context.selected_asset_check_keys, key=lambda k: k.name)
    reports = validate_tables(files, ReferenceTime.from_json(reference_time),
                              names={k.asset_key.to_user_string() for k in keys})
    for key in keys:
        yield _check_result(reports[key.asset_key.to_user_string()], key)


@dg.asset_check(asset="rejects", blocking=True, name="accounting_invariant",
                additional_ins={"articles": dg.AssetIn("articles")},
                description="|raw inputs| = |articles| + |rejects|: every file under raw/ (every WARC record) is "
                            "exactly one article or one reject, counted by a walk of raw/ of its own.")
def accounting_invariant(rejects, articles, paths: VostokPaths) -> dg.AssetCheckResult:
    from ..core.accounting import accounting
    from .assets import table_files

    files = table_files(articles=articles, rejects=rejects)
    report = accounting(paths.raw, files.column("articles", "source_path").to_pylist(),
                        files.column("rejects", "source_path").to_pylist())
    return dg.AssetCheckResult(
        passed=report["ok"], severity=dg.AssetCheckSeverity.ERROR,
        metadata={"raw_inputs": report["inputs"], "articles": report["articles"], "rejects": report["rejects"],
                  "missing": dg.MetadataValue.json(report["missing"][:50]),
                  "doubled": dg.MetadataValue.json(report["doubled"][:50]),
                  "unexpected": dg.MetadataValue.json(report["unexpected"][:50])},
        description=f"{report['inputs']} raw inputs = {report['articles']} articles + {report['rejects']} rejects"
        if report["ok"] else f"accounting broken: {len(report['missing'])} missing, {len(report['doubled'])} doubled, "
                             f"{len(report['unexpected'])} not under raw/")
