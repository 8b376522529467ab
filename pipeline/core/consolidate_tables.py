"""Consolidation's article-keyed tables: articles, mentions and events gathered from the batch files a batch at a
time, spilled to ranges of article ids and written sorted, range by range (:mod:`.external_sort`); the entities
table is built from the mentions and the events' clusters computed over the whole corpus on the way, with the same
rows, in the same order, as when each table was gathered whole and sorted (until issue 20's external-sort round).
"""

from __future__ import annotations

import pyarrow as pa

from .batch_store import BatchStore
from .external_sort import _order_by, sort_table

#: the mentions' columns the entities are built from
_ENTITY_COLUMNS = ["article_id", "start", "end", "type", "text", "normal", "entity_id", "link", "wikidata_id",
                   "link_confidence"]


def _mentions_file(store: BatchStore, ids: dict, bounds: list, spill, final) -> list[dict]:
    """Write the sorted mentions (``final``) and return the entities' rows: the mentions are spilled by article
    range; each range, grouped by article, is sorted and written, and its entity columns spilled again by ranges
    of entity ids (in by-article order, so each entity's mentions keep the order :func:`_entities` gave them)."""
    from collections import Counter

    import pyarrow.compute as pc

    from ..schema import MENTIONS
    from .external_sort import BUCKET_MENTIONS, RangeSpill, bounds_by_count

    spilled, counts = RangeSpill(spill, bounds, "article_id"), Counter()
    for part in _gather(store, "mentions", MENTIONS, ids, "article_id"):
        spilled.add(part)
        for item in pc.value_counts(part.column("entity_id")).to_pylist():
            counts[item["values"]] += item["counts"]
    by_entity = RangeSpill(spill, bounds_by_count(counts, BUCKET_MENTIONS), "entity_id", nulls_last=True)

    def ranges():
        for held in spilled.buckets():
            grouped = [_by_article(held)]
            by_entity.add(grouped[0].select(_ENTITY_COLUMNS))
            yield sort_table(grouped, MENTIONS)

    final("mentions", ranges(), MENTIONS)
    rows = []
    for held in by_entity.buckets():
        rows += _entities(held.pop())
    return rows


#: the events' columns their clusters are computed from
_CLUSTER_COLUMNS = ["event_id", "event_date", "actor1_countries", "actor2_countries", "cameo_root", "location_id",
                    "confidence", "article_id", "start", "event_cluster_id", "cluster_representative"]


def _events_sorted(store: BatchStore, ids: dict, bounds: list, spill):
    """The sorted events, range by range: spilled by article range with their gather row number, clustered over
    the whole corpus on their clustering columns alone (in by-article order, as before), the two cluster columns
    set on each range from that row number."""
    from ..schema import EVENTS
    from .external_sort import RangeSpill

    spilled, compact, n = RangeSpill(spill, bounds, "article_id"), [], 0
    for part in _gather(store, "events", EVENTS, ids, "article_id"):
        part = part.append_column("_row", pa.array(range(n, n + part.num_rows), pa.int64()))
        n += part.num_rows
        spilled.add(part)
        compact.append(part.select(_CLUSTER_COLUMNS + ["_row"]))
    clustered = None
    if compact:
        import pyarrow.compute as pc

        clustered = _clustered(_by_article([pa.concat_tables(compact)]))
        clustered = clustered.take(pc.sort_indices(clustered.column("_row")))  # row i: the gathered event i
    del compact
    for held in spilled.buckets():
        held.append(_with_clusters(held.pop(), clustered))
        yield sort_table(held, EVENTS)


def _with_clusters(table, clustered):
    """A range of events with the cluster columns of their rows (by gather row number), the row number dropped."""
    rows = table.column("_row")
    table = table.drop_columns(["_row"])
    for name in ("event_cluster_id", "cluster_representative"):
        table = table.set_column(table.schema.get_field_index(name), name, clustered.column(name).take(rows))
    return table


def _corpus_columns(names: tuple[str, ...]):
    """Set the named columns of a batch's kept rows from their records (what the corpus-level work decided)."""
    def fill(table, records: list[dict]):
        for name in names:
            column = pa.array([r[name] for r in records], type=table.schema.field(name).type)
            table = table.set_column(table.schema.get_field_index(name), name, column)
        return table
    return fill


def _gather(store: BatchStore, name: str, schema_table, keep: dict[str, dict | set], key: str, fill=None):
    """One table's kept rows of every batch (``keep``: batch -> the keys it keeps), a batch at a time in batch and
    file order, in the final schema's columns and types (nullable until the corpus-level columns are set)."""
    import pyarrow.compute as pc

    from ..schema import arrow_schema

    final = arrow_schema(schema_table)
    schema = pa.schema([f.with_nullable(True) for f in final], metadata=final.metadata)
    for batch in store.batches:
        wanted = keep.get(batch)
        if not wanted:
            continue
        table = store.read(name, batch, schema_table.column_names)
        table = table.filter(pc.is_in(table.column(key), value_set=pa.array(sorted(wanted), pa.string())))
        if fill is not None:
            table = fill(table, [wanted[k] for k in table.column(key).to_pylist()])
        yield table.select(schema_table.column_names).cast(schema)


def _by_article(table):
    """Rows grouped by article id (sorted), each article's rows in their own order: the order consolidation
    feeds the corpus-level work. ``table`` as for :func:`_order_by`."""
    return _order_by(table, ("article_id",))


#: mentions handed to build_entities at once (whole entities only: an entity's rows depend on its mentions alone);
#: a chunk is held as Mention objects (~2 KiB a mention as row dicts and Mentions until issue 20's external-sort
#: round, now a few hundred bytes: the column values are shared, see :func:`_shared`)
ENTITY_CHUNK = 5_000


def _entities(mentions) -> list[dict]:
    """The entities table's rows, built from the mentions a chunk of entities at a time: the mentions in a
    stable order by entity id, cut after at least :data:`ENTITY_CHUNK` of them where the entity id changes. Only
    the order, the sorted entity ids (as Arrow) and one chunk's rows are held, never a sorted copy of the
    mentions or a Python list of every mention's entity id."""
    import pyarrow.compute as pc

    from .entities.linking import Mention, build_entities

    if not len(mentions):
        return []
    order = pc.sort_indices(mentions.select(["entity_id"]), sort_keys=[("entity_id", "ascending")])  # stable
    columns = ["article_id", "start", "end", "type", "text", "normal", "entity_id", "link", "wikidata_id",
               "link_confidence"]
    rows = []
    for start, stop in _entity_chunks(mentions.column("entity_id").take(order), ENTITY_CHUNK):
        chunk = mentions.select(columns).take(order.slice(start, stop - start))
        values = [_shared(chunk.column(c).to_pylist()) if pa.types.is_string(chunk.schema.field(c).type)
                  else chunk.column(c).to_pylist() for c in columns]  # a column at a time, no row dicts
        del chunk
        built = [Mention(a, int(s), int(e), t, x, n, i, k, w, float(c or 0.0))
                 for a, s, e, t, x, n, i, k, w, c in zip(*values)]
        del values
        rows += build_entities(built)
        del built
    return rows


def _shared(values: list) -> list:
    """Strings ``values`` with equal ones made one object (an entity's mentions repeat their type, link, normal form
    and article ids: one entity can have a mention in most articles, all held at once for build_entities)."""
    seen: dict = {}
    return [seen.setdefault(v, v) for v in values]


def _entity_chunks(ids, size: int) -> list[tuple[int, int]]:
    """Row ranges of ``ids`` (sorted entity ids, Arrow) of at least ``size`` rows each, every one ending where the
    id changes (or at the end), so that no entity is split: from each start, the first change at or after
    ``start + size`` (equal ids, nulls included, never part)."""
    import numpy as np
    import pyarrow.compute as pc

    n = len(ids)
    if n < 2:
        return [(0, n)] if n else []
    before, after = ids.slice(0, n - 1), ids.slice(1)
    same = pc.or_kleene(pc.fill_null(pc.equal(before, after), False),
                        pc.and_(pc.is_null(before), pc.is_null(after)))
    changes = pc.indices_nonzero(pc.invert(same)).to_numpy() + 1  # rows whose id differs from the row before
    out, start = [], 0
    while start < n:
        at = int(np.searchsorted(changes, start + size))
        stop = int(changes[at]) if at < len(changes) else n
        out.append((start, stop))
        start = stop
    return out


def _clustered(events):
    """Events with ``event_cluster_id`` and ``cluster_representative`` set over the whole corpus, one (CAMEO
    root, location) part at a time (:func:`.events.cluster.cluster_table`)."""
    from .events.cluster import cluster_table

    return cluster_table(events)
