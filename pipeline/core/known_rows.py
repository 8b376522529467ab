"""Rows already judged: Great Expectations runs a row-level expectation only on rows it has not passed before.

A row-level expectation (:func:`pipeline.core.quality.is_row_level`, without ``mostly``) judges each row alone,
so its outcome over a frame is its outcome over the frame's rows that are not already known to pass it: the same
failing rows, count and sample (GX takes the sample from the failing rows in row order). So for each
expectation, as configured, the digests of the rows that passed it are remembered; a frame is validated on the
rows some expectation has not passed, and an expectation that every row has passed gets the outcome it had when
it last passed (count 0, no sample). Reports are the ones a full run gives, by construction
(tests/unit/test_known_rows.py compares them).

This is what makes a rebuild with 1 % new documents cheap at the validation end (issue 20): the quarantine checks
and the gating suites are otherwise GX over every row of every table, on every build, and most of a +1 %
rebuild's time. It also lets the gating validation reuse the quarantine checks' verdicts within one build (the
same expectations on the same rows).

- **A row's digest** combines pandas' 64-bit hashes of its values (``hash_pandas_object``, ``hash_array``); an
  object column that holds more than text has its values written out with their type (a list or a mapping as
  JSON) and hashed under another key, so ``None``, ``"None"`` and ``[]`` differ. A failing row that shares a
  digest with one of N passing rows is taken for passing with odds of N / 2**64.
- **Where GX runs**: :func:`plan` says which rows of a frame some expectation has not passed; :func:`judge` runs
  GX on them (the quarantine checks gather them from every chunk of a table into one run,
  :mod:`.quality_chunks`) and remembers what passed; :func:`run_expectations_known` does both for one frame
  (the gating chunks, :mod:`.quality_tables`). In memory the sets are sorted runs looked up by binary search,
  and runs with the same content (most expectations are passed by the same rows) are held once.
- **The key** of an expectation's set is the table, the expectation's config (kwargs and the reference time they
  embed), the frame's columns and dtypes, GX's version and the validation code's digest
  (:func:`pipeline.core.validation_cache.code_digest`): any of them changing starts an empty set. A new reference
  time re-runs only the expectations with a time bound.
- **Storage**: under the validation cache's folder (``rows/<key>/``, off where that cache is off: ``verify``,
  ``build``), each run's new digests in a small file of sorted uint64, merged into one once there are
  :data:`MAX_PARTS`. Digests of rows that no longer exist are kept (``make clean`` empties the work folder). An
  unreadable part is skipped: a miss, never a wrong pass.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["MAX_PARTS", "Plan", "forget", "judge", "plan", "row_digests", "run_expectations_known"]

#: part files per expectation before they are merged into one
MAX_PARTS = 16

#: the sets read so far, by key, kept until :func:`forget` (the quarantine checks go table by table within each
#: chunk of articles, and the gating validation reads the same sets again)
_loaded: dict[str, "_Known"] = {}


#: every run of digests in memory, by its content's digest: most expectations of a table are passed by the same
#: rows, so their sets hold the same runs, once
_runs: "weakref.WeakValueDictionary[str, np.ndarray]" = weakref.WeakValueDictionary()  # gone when no set holds it


#: each expectation's passing outcome, by key (see :func:`_template`)
_templates: dict[str, object] = {}


#: the validation folder the sets and outcomes in memory were read from
_held_from: list = [None]


def forget() -> None:
    """Drop the sets held in memory (they stay on disk): the end of a build's validation."""
    _loaded.clear()
    _templates.clear()
    _held_from[0] = None


def _hold_from(folder: Path) -> None:
    """What is held in memory belongs to one validation folder: another one starts afresh."""
    if _held_from[0] != folder:
        forget()
        _held_from[0] = folder
        _runs.clear()
        _merges.clear()


def _interned(run: np.ndarray) -> tuple[str, np.ndarray]:
    """(the run's content key, the one array in memory with that content); the key names its part file."""
    key = _run_key(run)
    held = _runs.get(key)
    if held is None:
        _runs[key] = held = run
    return key, held


def _run_key(run: np.ndarray) -> str:
    return hashlib.sha256(run.astype("<u8").tobytes()).hexdigest()[:24]


def row_digests(frame) -> np.ndarray:
    """One uint64 per row of ``frame``, from every column's value (see the module docstring)."""
    from pandas.api.types import infer_dtype
    from pandas.util import hash_array, hash_pandas_object

    digests = np.zeros(len(frame), dtype=np.uint64)
    for i, name in enumerate(frame.columns):
        column = frame[name]
        if column.dtype != object:
            values = hash_pandas_object(column, index=False).to_numpy()
        elif infer_dtype(column, skipna=True) in ("string", "empty"):  # text and nulls: hashed as they are
            values = hash_array(column.to_numpy(dtype=object))
        else:  # lists, mappings, mixed types: written out with their type, under another hash key
            values = hash_array(np.array([_text(v) for v in column], dtype=object), hash_key=_MIXED_KEY)
        digests = (digests * np.uint64(1_000_003 + 2 * i)) ^ values  # wraps modulo 2**64; order-dependent
    return digests


#: the hash key of object columns that hold more than text, so that their written-out values never hash as text
_MIXED_KEY = "vostok-mixed-001"


def _text(value):
    if value is None:
        return None
    if isinstance(value, str):
        return "s" + value
    if isinstance(value, float) and value != value:
        return "nan"
    if hasattr(value, "tolist"):  # numpy arrays and scalars, Arrow list values
        value = value.tolist()
    if hasattr(value, "isoformat"):
        return "t" + value.isoformat()
    return "j" + json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@dataclass
class Plan:
    """What GX must still judge of a frame: ``positions``, the rows some expectation of ``to_run`` has not
    passed (one row where only an expectation without a remembered outcome, or a table-level one, must run)."""

    configs: list[dict]  # as the GX suite keeps them (:func:`_effective`)
    keys: list           # each config's set, None for a table-level config
    digests: np.ndarray  # every row's
    shape: str           # the frame's columns and dtypes
    templates: dict      # key -> the outcome the expectation had when every row passed (or None)
    to_run: list[dict]
    positions: np.ndarray


def plan(table_name: str, frame, configs: list[dict]) -> Plan | None:
    """The rows of ``frame`` (positions after ``reset_index``) GX must judge; None where nothing is remembered
    (the validation cache is off, the frame is empty, a config has ``mostly``): then every row."""
    from . import validation_cache
    from .quality import is_row_level

    folder = validation_cache.folder()
    if folder is None or not len(frame) or any("mostly" in c["kwargs"] for c in configs):
        return None
    _hold_from(folder)
    frame = frame.reset_index(drop=True)
    configs = _effective(json.dumps(configs, sort_keys=True, default=str))
    digests = row_digests(frame)
    shape = json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()])
    keys = [_key(table_name, cfg, shape) if is_row_level(cfg["type"]) else None for cfg in configs]
    unknown = {k: ~_known(folder, k).contains(digests) for k in keys if k is not None}
    templates = {k: _template(folder, k) for k in unknown}
    to_run = [cfg for cfg, k in zip(configs, keys) if k is None or unknown[k].any() or templates[k] is None]
    needed = np.zeros(len(frame), dtype=bool)
    for cfg, k in zip(configs, keys):
        if k is not None and cfg in to_run:
            needed |= unknown[k]
    positions = np.flatnonzero(needed) if needed.any() else np.arange(1 if to_run else 0)
    return Plan(configs, keys, digests, shape, templates, to_run, positions)


def judge(table_name: str, frame, configs: list[dict], digests: np.ndarray, shape: str) -> list:
    """GX on ``frame`` (rows whose digests are ``digests``, of a frame whose columns and dtypes are ``shape``),
    in complete mode, remembering the rows each row-level expectation passed. Failing positions are ``frame``'s."""
    from . import validation_cache
    from .quality import is_row_level, run_expectations

    _hold_from(validation_cache.folder())
    frame = frame.reset_index(drop=True)
    ran = run_expectations(table_name, frame, configs, complete=True)
    for cfg in configs:
        o = _outcome_of(cfg, ran)
        if o is not None and is_row_level(cfg["type"]):
            _remember(validation_cache.folder(), _key(table_name, cfg, shape), o, digests, set(o.rows))
    return ran


def run_expectations_known(table_name: str, frame, configs: list[dict], complete: bool = False) -> list:
    """:func:`pipeline.core.quality.run_expectations`, with GX run only on the rows some row-level expectation has
    not passed before (every row, as before, where the validation cache is off or a config has ``mostly``).
    ``rows`` (the failing positions) are those of ``frame``, and empty unless ``complete``."""
    from .quality import outcome_order, run_expectations

    found = plan(table_name, frame, configs)
    if found is None:
        return run_expectations(table_name, frame, configs, complete=complete)
    outcomes = [replace(found.templates[k]) for cfg, k in zip(found.configs, found.keys) if cfg not in found.to_run]
    if found.to_run:
        positions = found.positions
        ran = judge(table_name, frame.reset_index(drop=True).iloc[positions], found.to_run,
                    found.digests[positions], found.shape)
        for o in ran:
            o.rows = [int(positions[r]) for r in o.rows] if complete else []
        outcomes += ran
    return sorted(outcomes, key=outcome_order)


@lru_cache(maxsize=64)
def _effective(configs_json: str) -> list[dict]:
    """The configs a GX suite built from these keeps: a later config of the same domain (type and column)
    replaces an earlier one, as ``ExpectationSuite.add_expectation_configuration`` does."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    configs = json.loads(configs_json)
    suite = gx.ExpectationSuite(name="effective")
    for i, cfg in enumerate(configs):
        suite.add_expectation_configuration(ExpectationConfiguration(type=cfg["type"], kwargs=cfg["kwargs"],
                                                                     meta={**cfg.get("meta", {}), "_position": i}))
    return [configs[i] for i in sorted(e.meta["_position"] for e in suite.expectations)]


def _outcome_of(cfg: dict, outcomes: list):
    """The outcome GX gave for ``cfg``: the one of its type on its columns (a suite keeps one expectation per
    type and columns, :func:`_effective`); GX may rewrite other kwargs (a time bound becomes a datetime)."""
    domain = {k: v for k, v in cfg["kwargs"].items() if k == "column" or k.startswith("column_")}
    found = [o for o in outcomes if o.expectation == cfg["type"] and o.column == cfg["kwargs"].get("column")
             and all(str(o.kwargs.get(k)) == str(v) for k, v in domain.items())]
    return found[0] if len(found) == 1 else None


def _remember(folder: Path, key: str, outcome, digests: np.ndarray, failing: set[int]) -> None:
    """Store the rows ``outcome`` (a complete one, on the rows whose digests are ``digests``) shows passing."""
    if outcome.unexpected_count is None or outcome.unexpected_count != len(failing):
        return  # an exception, or failing rows GX did not list: nothing is known
    passed = digests if not failing else np.delete(digests, sorted(failing))
    if outcome.success and outcome.unexpected_count == 0 and _template(folder, key) is None:
        template = {**outcome.__dict__, "rows": [], "sample": []}
        _write(folder / "rows" / key / "outcome.json", json.dumps(template, sort_keys=True).encode("utf-8"))
        _templates[key] = replace(outcome, rows=[], sample=[])
    known = _known(folder, key)
    new = known.add(passed)
    if not len(new):
        return
    _write_part(folder / "rows" / key, new)
    parts = sorted((folder / "rows" / key).glob("*.u64"))
    if len(parts) > MAX_PARTS:
        kept = _write_part(folder / "rows" / key, known.merged())
        for old in parts:
            if old != kept:
                old.unlink(missing_ok=True)


def _write_part(folder: Path, digests: np.ndarray) -> Path:
    path = folder / f"{_run_key(digests)}.u64"
    _write(path, digests.astype("<u8").tobytes())
    return path


class _Known:
    """A set of uint64 digests as a few sorted runs (one per part file or per addition), looked up by binary
    search and merged into one run when there are more than :data:`MAX_RUNS`. Runs are held as (content key,
    array), interned: sets made of the same runs share their arrays and their merge."""

    def __init__(self, runs: list[tuple[str, np.ndarray]]):
        self.runs = [r for r in runs if len(r[1])]
        self._merge(len(self.runs) > MAX_RUNS)

    def contains(self, digests: np.ndarray) -> np.ndarray:
        order = np.argsort(digests, kind="stable")  # sorted queries walk each run in order (cache-friendly)
        queries = digests[order]
        hit = np.zeros(len(digests), dtype=bool)
        for _, run in self.runs:
            at = np.minimum(np.searchsorted(run, queries), len(run) - 1)
            hit |= run[at] == queries
        found = np.empty(len(digests), dtype=bool)
        found[order] = hit
        return found

    def add(self, digests: np.ndarray) -> np.ndarray:
        """Add ``digests``; return the ones that were new (sorted, unique)."""
        new = np.unique(digests)
        new = new[~self.contains(new)]
        if len(new):
            self.runs.append(_interned(new))
            self._merge(len(self.runs) > MAX_RUNS)
        return new

    def merged(self) -> np.ndarray:
        self._merge(len(self.runs) > 1)
        return self.runs[0][1] if self.runs else np.zeros(0, np.uint64)

    def _merge(self, needed: bool) -> None:
        if not needed:
            return
        combined = hashlib.sha256("|".join(sorted(key for key, _ in self.runs)).encode()).hexdigest()
        merged = _merges.get(combined)
        if merged is None:
            merged = _merges[combined] = _interned(np.unique(np.concatenate([run for _, run in self.runs])))[1]
        self.runs = [_interned(merged)]


#: sorted runs a set keeps in memory before merging them
MAX_RUNS = 8
#: merged runs by the keys of the runs merged (weakly held, as the runs are)
_merges: "weakref.WeakValueDictionary[str, np.ndarray]" = weakref.WeakValueDictionary()


def _known(folder: Path, key: str) -> _Known:
    if key not in _loaded:
        runs = []
        for path in sorted((folder / "rows" / key).glob("*.u64")):
            held = _runs.get(path.stem)  # a part's name is its content's key: the same part of another set
            if held is not None:
                runs.append((path.stem, held))
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if len(data) % 8 == 0:
                run = np.frombuffer(data, dtype="<u8").astype(np.uint64)
                if len(run) and bool(np.all(run[1:] > run[:-1])):  # a part is sorted and unique, or it is not one
                    runs.append(_interned(run))
        _loaded[key] = _Known(runs)
    return _loaded[key]


def _template(folder: Path, key: str):
    """The outcome the expectation had when every row it judged passed (count 0, no sample), or None; read from
    disk once per key until :func:`forget` (every chunk's plan asks for every expectation's)."""
    from .quality import ExpectationOutcome

    if key not in _templates:
        try:
            stored = json.loads((folder / "rows" / key / "outcome.json").read_text(encoding="utf-8"))
            _templates[key] = ExpectationOutcome(**stored)
        except (OSError, ValueError, TypeError):
            _templates[key] = None
    return _templates[key]


def _key(table_name: str, cfg: dict, shape: str) -> str:
    return _key_of(table_name, json.dumps(cfg, sort_keys=True, default=str), shape)


@lru_cache(maxsize=4096)
def _key_of(table_name: str, cfg_json: str, shape: str) -> str:
    from importlib import metadata

    from .validation_cache import code_digest

    digest = hashlib.sha256()
    for part in (table_name, cfg_json, shape, metadata.version("great_expectations"), code_digest()):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:32]


def _write(path: Path, data: bytes) -> None:
    from .tables import atomic_write_bytes

    try:
        atomic_write_bytes(path, data)
    except OSError:
        pass  # a set that cannot be written is no set, never an error
