"""Tables: rows → Arrow tables that follow :mod:`pipeline.schema`, written deterministically.

Determinism rules: rows sorted by the table's sort key, fixed writer options,
zstd compression, no pandas index metadata, no timestamps or host names in
the file. Two writes of the same rows give byte-identical files.
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import PARQUET_OPTIONS, ROW_GROUP_ROWS, Table, arrow_schema


def _sort_key(table: Table):
    def key(row: dict):
        return tuple("" if row.get(c) is None else str(row.get(c)) for c in table.sort_by)
    return key


def to_arrow(table: Table, rows: Iterable[dict]) -> pa.Table:
    """Rows (dicts) → an Arrow table in schema column order, sorted by the table's key."""
    ordered = sorted(rows, key=_sort_key(table))
    schema = arrow_schema(table)
    columns = {c: [r.get(c) for r in ordered] for c in table.column_names}
    return pa.Table.from_pydict(columns, schema=schema)


def from_pandas(table: Table, frame) -> pa.Table:
    """A pandas frame → an Arrow table that follows the schema (no pandas metadata)."""
    arrow = pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
    return arrow.replace_schema_metadata(arrow_schema(table).metadata)


def _temp_path(path: Path) -> Path:
    """``.<name>.<pid>.<rand>.tmp`` beside ``path``: the pid lets a later writer sweep what a killed one left."""
    return path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, owned by someone else
        return True


def sweep_stale_temps(folder: Path, name: str) -> None:
    """Remove ``.<name>.<pid>.<rand>.tmp`` files whose writer is dead (SIGKILL skips ``finally``)."""
    prefix = f".{name}."
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        rest = entry.name[len(prefix):]
        if not (entry.name.startswith(prefix) and rest.endswith(".tmp")):
            continue
        parts = rest[:-4].split(".")
        if len(parts) != 2 or not parts[0].isdigit():
            continue
        if not _pid_alive(int(parts[0])):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def write_parquet(arrow, path: Path, schema: pa.Schema | None = None) -> Path:
    """Write atomically (temp file + rename) so a reader never sees half a file, in row groups of
    :data:`~pipeline.schema.ROW_GROUP_ROWS` rows, each group from one chunk per column (Parquet's page and
    dictionary boundaries follow the chunks it is handed: the bytes then depend on the rows alone).

    ``arrow``: a table, or an iterable of record batches or tables of ``schema``, streamed (one row group is
    gathered at a time); both give the same bytes for the same rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_temps(path.parent, path.name)
    tmp = _temp_path(path)
    try:
        if isinstance(arrow, pa.Table) and arrow.num_rows <= ROW_GROUP_ROWS:
            pq.write_table(arrow.combine_chunks(), str(tmp), **PARQUET_OPTIONS)  # one group, as always
        else:
            _write_groups(arrow, schema if schema is not None else arrow.schema, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def row_groups(parts, size: int = ROW_GROUP_ROWS):
    """Tables or record batches → tables of exactly ``size`` rows (the last one shorter), one chunk per column."""
    pending, rows = [], 0
    for part in ([parts] if isinstance(parts, pa.Table) else parts):
        part = pa.Table.from_batches([part]) if isinstance(part, pa.RecordBatch) else part
        while part.num_rows:
            taken = part.slice(0, size - rows)
            pending.append(taken)
            rows += taken.num_rows
            part = part.slice(taken.num_rows)
            if rows == size:
                yield pa.concat_tables(pending).combine_chunks()
                pending, rows = [], 0
    if pending:
        yield pa.concat_tables(pending).combine_chunks()


def _write_groups(parts, schema: pa.Schema, path: Path) -> None:
    options = {k: v for k, v in PARQUET_OPTIONS.items() if k != "row_group_size"}
    written = False
    with pq.ParquetWriter(str(path), schema, **options) as writer:
        for group in row_groups(parts):
            writer.write_table(group, row_group_size=ROW_GROUP_ROWS)
            written = True
    if not written:  # no rows: the file pq.write_table writes for an empty table
        pq.write_table(schema.empty_table(), str(path), **PARQUET_OPTIONS)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write bytes atomically (temp file + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_temps(path.parent, path.name)
    tmp = _temp_path(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies, as for open()
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


class CorruptTableError(RuntimeError):
    """A working Parquet file is truncated or corrupt: rebuild it (make dataset) instead of reading it."""


def read_parquet_checked(path: Path):
    """Read a Parquet file after checking its footer and, when a SHA256SUMS sits beside it, its checksum."""
    import hashlib

    path = Path(path)
    sums = path.parent / "SHA256SUMS"
    if sums.exists():
        expected = dict(reversed(line.split("  ", 1)) for line in sums.read_text().splitlines() if "  " in line)
        if path.name in expected and hashlib.sha256(path.read_bytes()).hexdigest() != expected[path.name]:
            raise CorruptTableError(f"{path} does not match SHA256SUMS; rebuild it with `make dataset`")
    try:
        with open(path, "rb") as fh:
            fh.seek(-4, 2)
            if fh.read(4) != b"PAR1":
                raise CorruptTableError(f"{path} has no Parquet footer (truncated?); rebuild it with `make dataset`")
        return pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise CorruptTableError(f"{path} cannot be read ({exc}); rebuild it with `make dataset`") from exc


def write_checksums(folder: Path, names: list[str]) -> Path:
    import hashlib

    lines = [f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {n}" for n in sorted(names)]
    return atomic_write_bytes(folder / "SHA256SUMS", ("\n".join(lines) + "\n").encode())


#: written beside the working tables: the reference time they were checked against (``release`` reads it)
REFERENCE_FILE = "reference_time.json"


def write_table(tables, name: str, path: Path) -> Path:
    """``tables[name]`` written by :func:`write_parquet`; from :class:`TableFiles`, streamed a row group at a
    time (a table of at most one published row group is read whole: the same call, the same bytes)."""
    if not isinstance(tables, TableFiles):
        return write_parquet(tables[name], path)
    if tables.num_rows(name) <= ROW_GROUP_ROWS:
        return write_parquet(tables[name], path)
    return write_parquet(tables.batches(name), path, schema=tables.schema(name))


def write_working_tables(tables, reference: dict, folder: Path) -> dict[str, Path]:
    """dataset/current/: every table as Parquet, the reference time, and SHA256SUMS, under the folder's lock
    (two builds never interleave their files). The one writer of working tables (assets and CLI). ``tables``:
    Arrow tables by name, or consolidation's :class:`TableFiles` (streamed, the same bytes)."""
    import json

    from .locking import exclusive_lock

    folder = Path(folder)
    written = {}
    with exclusive_lock(folder):
        for name in tables:
            written[name] = write_table(tables, name, folder / f"{name}.parquet")
        atomic_write_bytes(folder / REFERENCE_FILE, (json.dumps(reference, sort_keys=True) + "\n").encode())
        write_checksums(folder, [p.name for p in written.values()] + [REFERENCE_FILE])
    return written


def read_reference(folder: Path) -> dict | None:
    """The reference time stored beside working tables, or None (tables written before it existed)."""
    import json

    path = Path(folder) / REFERENCE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def markdown_preview(arrow: pa.Table, columns: list[str], rows: int = 5, width: int = 60) -> str:
    """A small markdown table of the first rows, for Dagster materialization metadata."""
    cols = [c for c in columns if c in arrow.column_names]
    head = arrow.select(cols).slice(0, rows).to_pylist()
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in head:
        cells = []
        for c in cols:
            v = "" if r[c] is None else str(r[c])
            v = v.replace("\n", " ").replace("|", "\\|")
            cells.append(v if len(v) <= width else v[: width - 1] + "…")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


#: rows per row group of consolidation's working files (:class:`TableFiles`): the validation's chunks (articles:
#: :data:`pipeline.core.quality_tables.CHUNK_ARTICLES`, others ``CHUNK_ROWS``), so that a lookup by key reads a
#: few small groups, never a whole table's column
WORK_GROUP_ROWS = {"articles": 2_000}
WORK_GROUP_ROWS_DEFAULT = 20_000
#: the working files' writer options (fast: they are read back once or twice, then rewritten by write_parquet;
#: a list keeps its item field named "item", as the schema names it, so a table read back equals the one written)
WORK_OPTIONS = dict(compression="zstd", compression_level=1, use_dictionary=True, write_statistics=True,
                    version="2.6", data_page_version="1.0", use_compliant_nested_type=False)


def write_work_table(table: pa.Table, path: Path) -> Path:
    """A consolidated table as a working file (row groups of :data:`WORK_GROUP_ROWS`, the table's schema and
    metadata kept); atomic. Not the published form: :func:`write_working_tables` rewrites it with
    :data:`~pipeline.schema.PARQUET_OPTIONS`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_temps(path.parent, path.name)
    tmp = _temp_path(path)
    rows = WORK_GROUP_ROWS.get(path.stem, WORK_GROUP_ROWS_DEFAULT)
    try:
        pq.write_table(table, str(tmp), row_group_size=rows, **WORK_OPTIONS)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


@dataclass(frozen=True)
class TableFile:
    """A handle on one table of :class:`TableFiles` (what the Dagster assets pass between them instead of the
    table): its file and row count."""

    path: str
    rows: int


class TableFiles:
    """The five tables as Parquet files (``folder/<name>.parquet``, written by :func:`write_work_table`), read a
    column or a row group at a time. A mapping from name to table for callers that want a whole table
    (``files["articles"]`` reads it); the build's memory-bounded paths read :attr:`paths` instead (validation:
    :class:`~pipeline.core.quality_tables.ParquetSource`; writing: :func:`write_working_tables` streams).

    ``owner``: an object kept alive with the files (a :class:`tempfile.TemporaryDirectory` removes them once the
    last reference to this object goes)."""

    def __init__(self, paths: dict[str, Path], owner=None):
        self.paths = {name: Path(p) for name, p in paths.items()}
        self._owner = owner

    # the mapping
    def __getitem__(self, name: str) -> pa.Table:
        return pq.read_table(self.paths[name], use_threads=False)

    def __iter__(self):
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __contains__(self, name) -> bool:
        return name in self.paths

    def keys(self):
        return self.paths.keys()

    def items(self):
        return ((name, self[name]) for name in self.paths)

    def values(self):
        return (self[name] for name in self.paths)

    def get(self, name: str, default=None):
        return self[name] if name in self.paths else default

    # reads that hold a column or a group, never a whole table
    def schema(self, name: str) -> pa.Schema:
        return pq.read_schema(self.paths[name])

    def num_rows(self, name: str) -> int:
        return pq.read_metadata(self.paths[name]).num_rows

    def column(self, name: str, column: str) -> pa.ChunkedArray:
        return pq.read_table(self.paths[name], columns=[column], use_threads=False).column(column)

    def select(self, name: str, columns: list[str], filters=None) -> pa.Table:
        return pq.read_table(self.paths[name], columns=columns, filters=filters, use_threads=False)

    def batches(self, name: str, columns: list[str] | None = None):
        """The table's rows, one row group at a time (record batches)."""
        file = pq.ParquetFile(self.paths[name])
        for group in range(file.metadata.num_row_groups):
            yield from file.read_row_group(group, columns=columns, use_threads=False).to_batches()

    def head(self, name: str, rows: int = 5) -> pa.Table:
        """The first rows (from the first row group)."""
        file = pq.ParquetFile(self.paths[name])
        if not file.metadata.num_row_groups:
            return file.schema_arrow.empty_table()
        return file.read_row_group(0, use_threads=False).slice(0, rows)

    def counts(self, name: str, column: str) -> Counter:
        """How many rows hold each value of ``column`` (None for null), read a row group at a time."""
        import pyarrow.compute as pc

        counts: Counter = Counter()
        for batch in self.batches(name, [column]):
            for item in pc.value_counts(batch.column(0)).to_pylist():
                counts[item["values"]] += item["counts"]
        return counts

    def handles(self) -> dict[str, TableFile]:
        return {name: TableFile(str(path), self.num_rows(name)) for name, path in self.paths.items()}

    @classmethod
    def from_handles(cls, handles: dict[str, "TableFile"]) -> "TableFiles":
        """The tables of handles; a missing file (its folder pruned by a later consolidation) raises
        FileNotFoundError naming it."""
        for name, handle in handles.items():
            if not Path(handle.path).exists():
                raise FileNotFoundError(f"{name}: {handle.path} is gone (a later consolidation replaced it); "
                                        "materialize the corpus tables again")
        return cls({name: Path(handle.path) for name, handle in handles.items()})

    def rows(self, name: str):
        """A reader of consecutive row ranges: ``read(start, stop)`` for increasing, non-overlapping ranges,
        holding at most one row group besides the range."""
        return _RangeReader(self.paths[name])


class _RangeReader:
    def __init__(self, path: Path):
        self.file = pq.ParquetFile(path)
        self.group, self.start, self.table = -1, 0, None  # the group held and its first row

    def read(self, start: int, stop: int) -> pa.Table:
        parts = []
        meta = self.file.metadata
        while start < stop:
            if self.table is None or start >= self.start + self.table.num_rows:
                if self.table is not None:
                    self.start += self.table.num_rows
                self.group += 1
                while self.group < meta.num_row_groups and self.start + meta.row_group(self.group).num_rows <= start:
                    self.start += meta.row_group(self.group).num_rows
                    self.group += 1
                if self.group >= meta.num_row_groups:
                    raise IndexError(f"rows {start}:{stop} past the end of {self.file}")
                self.table = self.file.read_row_group(self.group, use_threads=False)
            if start < self.start:
                raise ValueError("ranges must increase")
            take = min(stop, self.start + self.table.num_rows) - start
            parts.append(self.table.slice(start - self.start, take))
            start += take
        if not parts:
            return self.file.schema_arrow.empty_table()
        return pa.concat_tables(parts)


def prune_siblings(folder: Path) -> list[Path]:
    """Remove the folders beside ``folder`` (older consolidations' working files; ``folder`` stays)."""
    import shutil

    folder = Path(folder)
    gone = []
    for other in sorted(folder.parent.iterdir()) if folder.parent.exists() else []:
        if other.is_dir() and other.name != folder.name:
            shutil.rmtree(other, ignore_errors=True)
            gone.append(other)
    return gone
