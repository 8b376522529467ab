"""The house rules, enforced on the source: who may import whom.

Every import counts, at module level or inside a function (a function-level import is a dependency too, not a
way around a rule). Stages are ranked by where they sit in the data flow; a module of one stage may import its
own stage and earlier ones, never a later one. The map (:data:`STAGE_OF`, by module name or package prefix):

* ingest: ``core.encoding``, ``core.documents``, ``core.html``, ``core.warc``, ``core.ingest``, ``core.markdown``;
* extract: ``core.cleaning.*``, ``core.outlets``; metadata: ``core.metadata*``, ``core.dates``, ``core.language``,
  ``core.duplicates``; entities: ``core.entities.*``; events: ``core.events.*``; relevance: ``core.relevance`` (it
  reads the entities stage's mentions); release: ``core.release.*``.

Modules not in it are shared infrastructure (errors, tables, versions, quality, reference_time, knowledge) or
the build orchestration (:data:`BUILD_LAYERS`), and are not ranked, but they obey the layer rules: the build
modules are layered bottom-up, and no stage imports one of them.
"""

import ast
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "pipeline"

#: data-flow order of the stages
STAGES = ("ingest", "extract", "metadata", "entities", "events", "relevance", "release")
#: module (or package prefix) -> stage
STAGE_OF = {
    "pipeline.core.encoding": "ingest", "pipeline.core.documents": "ingest", "pipeline.core.html": "ingest",
    "pipeline.core.warc": "ingest", "pipeline.core.ingest": "ingest", "pipeline.core.markdown": "ingest",
    "pipeline.core.cleaning": "extract", "pipeline.core.outlets": "extract",  # outlet groups feed the templates
    "pipeline.core.metadata": "metadata", "pipeline.core.metadata_agencies": "metadata",
    "pipeline.core.dates": "metadata", "pipeline.core.language": "metadata",
    "pipeline.core.duplicates": "metadata",
    "pipeline.core.entities": "entities", "pipeline.core.events": "events", "pipeline.core.relevance": "relevance",
    "pipeline.core.release": "release",
}
#: the build orchestration, bottom-up: a module never imports one after it
BUILD_LAYERS = ("pipeline.core.workers", "pipeline.core.document_cache", "pipeline.core.batches",
                "pipeline.core.analysis", "pipeline.core.batch_rows", "pipeline.core.batch_store",
                "pipeline.core.consolidate", "pipeline.core.corpus", "pipeline.core.build")
#: known exceptions, each with its reason
ALLOWED = {
    # cleaning.document.from_html reads a page's own metadata while converting it, and filters agency names out
    # of its authors with the metadata stage's agency list
    ("pipeline.core.cleaning.document", "pipeline.core.metadata_agencies"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:  # "from . import x" may name a module
                found.add(f"{target}.{alias.name}")
    return found


@lru_cache(maxsize=None)
def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {t for t in _imports(path) if t in modules or t.split(".")[0] != "pipeline"}
        graph[name] |= {t for t in _imports(path) if t.startswith("pipeline") and t not in modules
                        and t.rsplit(".", 1)[0] in modules}
        graph[name] = {t if t in modules or not t.startswith("pipeline") else t.rsplit(".", 1)[0]
                       for t in graph[name]}
    return graph


def _stage(module: str) -> str | None:
    best = None
    for prefix, stage in STAGE_OF.items():
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, stage)
    return best[1] if best else None


def test_core_and_schema_never_import_dagster_or_the_wiring_layer():
    bad = []
    for module, targets in _graph().items():
        if module.startswith("pipeline.core") or module == "pipeline.schema" or module == "pipeline.knowledge":
            bad += [(module, t) for t in targets if t.split(".")[0] in ("dagster", "dagster_dask")
                    or t.startswith("pipeline.defs") or t == "pipeline.definitions"]
    assert not bad, bad


def test_schema_imports_no_stage():
    targets = _graph()["pipeline.schema"]
    assert not [t for t in targets if t.startswith("pipeline")], targets


def test_a_stage_never_imports_a_later_stage():
    bad = []
    for module, targets in _graph().items():
        own = _stage(module)
        if own is None:
            continue
        for t in targets:
            other = _stage(t)
            if other is not None and STAGES.index(other) > STAGES.index(own) and (module, t) not in ALLOWED:
                bad.append(f"{module} ({own}) imports {t} ({other})")
    assert not bad, bad


def test_the_build_modules_are_layered_and_no_stage_imports_them():
    graph = _graph()
    assert set(BUILD_LAYERS) <= set(graph), set(BUILD_LAYERS) - set(graph)
    bad = [f"{m} imports {t}, a layer above it" for i, m in enumerate(BUILD_LAYERS)
           for t in graph[m] if t in BUILD_LAYERS[i + 1:]]
    bad += [f"{m} ({_stage(m)}) imports the build module {t}" for m, targets in graph.items()
            if _stage(m) is not None for t in targets if t in BUILD_LAYERS]
    assert not bad, bad


def test_no_import_cycle_among_pipeline_modules():
    graph = {m: {t for t in ts if t.startswith("pipeline") and t in _graph()} for m, ts in _graph().items()}
    graph = {m: {t for t in ts if t != m and not m.startswith(t + ".")} for m, ts in graph.items()}  # a package's own __init__
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, cycles


#: a module longer than this does more than one job; split it (tests and generated files aside)
MAX_SOURCE_LINES = 420


def test_no_source_module_is_longer_than_about_400_lines():
    sources = sorted([*PACKAGE.rglob("*.py"), *(REPO / "benchmarks").glob("*.py"), *(REPO / "scripts").glob("*.py")])
    assert len(sources) > 40  # the walk found the tree
    too_long = {str(p.relative_to(REPO)): n for p in sources
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_SOURCE_LINES}
    assert not too_long, f"split these modules (lines): {too_long}"
