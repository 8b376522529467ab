"""Figures for a release, built from its tables (matplotlib, Agg, deterministic PNG: no timestamps or software tag).

Small data still gives honest charts: nothing is padded, and titles say how many items a chart rests on.
Time axes are real dates (gaps stay gaps), counts get integer ticks, events are counted by cluster (one real
event reported by several articles is one event), and CAMEO roots carry their codebook names.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa

DYADS = (("JPN", "PRK"), ("JPN", "KOR"), ("MNG", "JPN"), ("RUS", "PRK"), ("USA", "PRK"))
PNG_META = {"Software": None}
#: an edge of the co-occurrence network needs this many articles naming both entities
MIN_EDGE_ARTICLES = 2
#: consecutive points of a monthly line are joined only when they are at most this many days apart
MAX_JOINED_GAP_DAYS = 62


def root_labels() -> dict[str, str]:
    from ...knowledge import tsv_rows

    return {root: label for root, label in tsv_rows("cameo/roots.tsv", header=True)}


def _integer_counts(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _month(d):
    from datetime import date

    return date(d.year, d.month, 1)


def _clusters(events: list[dict]) -> list[dict]:
    """One row per event cluster (the first by event id), so counts are of events, not of reports."""
    seen, out = set(), []
    for e in sorted(events, key=lambda e: (e.get("event_cluster_id") or e["event_id"], e["event_id"])):
        key = e.get("event_cluster_id") or e["event_id"]
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "font.size": 9, "svg.hashsalt": "vostok"})
    return plt


def _save(fig, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=PNG_META)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path.name


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def articles_per_month(articles: list[dict], path: Path) -> str:
    plt = _plt()
    counts: dict[str, Counter] = defaultdict(Counter)
    undated_by: Counter = Counter()
    for a in articles:
        if a["published_at"] is None:
            undated_by[a["outlet"] or "(unknown outlet)"] += 1
            continue
        counts[a["outlet"] or "(unknown outlet)"][_month(a["published_at"])] += 1
    months = sorted({m for c in counts.values() for m in c})
    fig, ax = plt.subplots(figsize=(7, 3.2))
    if months:
        bottom = [0] * len(months)
        for outlet in sorted(counts):
            values = [counts[outlet].get(m, 0) for m in months]
            ax.bar(months, values, bottom=bottom, width=25, align="edge", label=outlet)  # a date axis
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.set_ylabel("articles")
        ax.set_ylim(0, max(bottom) * 1.3)  # room for the legend and the undated note above the bars
        _integer_counts(ax.yaxis)
        ax.legend(fontsize=7, loc="upper right")
        fig.autofmt_xdate()
    else:
        _empty(ax, "no article states a publication date")
    undated = sum(undated_by.values())
    if undated and months:  # undated articles have no bar: say whose they are, so the bars are not read as all
        ax.text(0.01, 0.97, "not drawn (no publication date): " + ", ".join(f"{o} {n}" for o, n in sorted(undated_by.items())),
                transform=ax.transAxes, ha="left", va="top", fontsize=7)
    ax.set_title(f"Articles per month by outlet ({sum(sum(c.values()) for c in counts.values())} dated, {undated} undated)")
    return _save(fig, path)


def proper_names(entities: list[dict]) -> list[dict]:
    """The entities named by a proper name. A lower-case name is a common noun ("правительство", "полиция") that
    the linker ties to Wikidata's generic item: one entity for every country's government, a hub in any figure
    of who is named with whom, but not a party of its own."""
    return [e for e in entities if not e["name"][:1].islower()]


def top_entities(entities: list[dict], path: Path, per_type: int = 8) -> str:
    """The entities named by the most articles, per type (bars: articles; labels: articles and mentions). Ranked
    by articles, not mentions: one long article repeating a name is one article's subject, not the corpus'."""
    from matplotlib.ticker import MaxNLocator

    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    for ax, etype in zip(axes, ("PER", "LOC", "ORG")):
        rows = sorted((e for e in proper_names(entities) if e["type"] == etype),
                      key=lambda e: (-e["article_count"], -e["mention_count"], e["name"]))[:per_type]
        if rows:
            rows = list(reversed(rows))
            ax.barh([r["name"] for r in rows], [r["article_count"] for r in rows])
            for i, r in enumerate(rows):
                ax.annotate(f"{r['article_count']} ({r['mention_count']})", (r["article_count"], i), xytext=(2, 0),
                            textcoords="offset points", va="center", fontsize=7)
            ax.set_xlim(0, max(r["article_count"] for r in rows) * 1.3)
            ax.set_xlabel("articles (mentions)")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        else:
            _empty(ax, f"no {etype} entities")
        ax.set_title(f"Top {etype} ({len(rows)}), by articles (proper names)", fontsize=9)
    return _save(fig, path)


def events_by_root(events: list[dict], path: Path) -> str:
    plt = _plt()
    labels = root_labels()
    clusters = _clusters(events)
    counts = Counter(e["cameo_root"] for e in clusters)
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.3 * max(len(counts), 3)))
    if counts:
        roots = sorted(counts, reverse=True)  # 01 at the top
        ax.barh([f"{r} {labels.get(r, '(not in the codebook)')}" for r in roots], [counts[r] for r in roots])
        ax.set_xlabel("events (clusters of reports)")
        _integer_counts(ax.xaxis)
    else:
        _empty(ax, "no events")
    ax.set_title(f"Events by CAMEO root ({len(clusters)} events from {len(events)} reports)")
    return _save(fig, path)


def goldstein_timeline(events: list[dict], path: Path) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    plotted = 0
    for a, b in DYADS:
        by_month: dict = defaultdict(list)
        for e in _clusters(events):
            if e["event_date"] is None:
                continue
            sides = (set(e["actor1_countries"]), set(e["actor2_countries"]))
            if (a in sides[0] and b in sides[1]) or (b in sides[0] and a in sides[1]):
                by_month[_month(e["event_date"])].append(e["goldstein"])
        if by_month:
            months = sorted(by_month)
            means = [sum(by_month[m]) / len(by_month[m]) for m in months]
            line = ax.plot(months, means, marker="o", linestyle="none",
                           label=f"{a}–{b} ({_n(sum(len(v) for v in by_month.values()), 'event')})")[0]
            for (m1, v1), (m2, v2) in zip(zip(months, means), zip(months[1:], means[1:])):
                if (m2 - m1).days <= MAX_JOINED_GAP_DAYS:  # months decades apart are not one trend
                    ax.plot([m1, m2], [v1, v2], color=line.get_color(), linewidth=1)
            plotted += 1
    if plotted:
        ax.axhline(0, color="grey", linewidth=0.5)
        ax.set_ylim(-10, 10)
        ax.set_ylabel("mean Goldstein")
        ax.legend(fontsize=7)
    else:
        _empty(ax, "no dated events between the main dyads")
        fig.autofmt_xdate()
    ax.set_title("Cooperation–conflict of the main dyads, by the month the event's sentence dates it\n"
                 "(not the publication date; lines join adjacent months only)", fontsize=9)
    return _save(fig, path)


def cooccurrence_network(mentions: list[dict], entities: list[dict], path: Path, top: int = 15) -> str:
    import networkx as nx

    plt = _plt()
    names = {e["entity_id"]: e["name"] for e in entities}
    ranked = sorted(proper_names(entities),
                    key=lambda e: (-e["article_count"], -e["mention_count"], e["entity_id"]))[:top]
    keep = {e["entity_id"] for e in ranked}
    per_article: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m["entity_id"] in keep:
            per_article[m["article_id"]].add(m["entity_id"])
    support: Counter = Counter()
    for ids in per_article.values():
        ids = sorted(ids)
        for i, x in enumerate(ids):
            for y in ids[i + 1:]:
                support[(x, y)] += 1
    graph = nx.Graph()
    for (x, y), n in sorted(support.items()):
        if n >= MIN_EDGE_ARTICLES:  # one article naming both is no tie
            graph.add_edge(x, y, weight=n)
    fig, ax = plt.subplots(figsize=(7, 5))
    if graph.number_of_nodes():
        pos = nx.spring_layout(graph, seed=7, weight="weight", k=2.0 / graph.number_of_nodes() ** 0.5)
        heaviest = max(graph[u][v]["weight"] for u, v in graph.edges())
        widths = [0.4 + 3.0 * graph[u][v]["weight"] / heaviest for u, v in graph.edges()]  # relative: a hairball otherwise
        nx.draw_networkx_edges(graph, pos, ax=ax, width=widths, alpha=0.3, edge_color="grey")
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=80)
        ax.axis("off")
        by_degree = sorted(pos, key=lambda node: (-graph.degree(node, weight="weight"), node))  # hubs first
        _place_labels(ax, fig, [(names.get(node, node), *pos[node]) for node in by_degree], keep_all=True,
                      boxed=True)
    else:
        _empty(ax, f"no pair of the top {len(keep)} entities shares {MIN_EDGE_ARTICLES} articles")
    ax.set_title(f"Proper names named together in at least {MIN_EDGE_ARTICLES} articles "
                 f"({graph.number_of_nodes()} of the top {len(keep)}; edge width ∝ articles, widest "
                 f"{max((d['weight'] for _, _, d in graph.edges(data=True)), default=0)})", fontsize=9)
    ax.axis("off")
    return _save(fig, path)


def dyad_timeline(events: list[dict], path: Path, top: int = 8) -> str:
    """Events (clusters) per country pair and month: the pairs with the most events, on a date axis."""
    plt = _plt()
    by_pair: dict = defaultdict(Counter)
    for e in _clusters(events):
        if e["event_date"] is None:
            continue
        for a in sorted(set(e["actor1_countries"])):
            for b in sorted(set(e["actor2_countries"])):
                if a != b:
                    by_pair["–".join(sorted((a, b)))][_month(e["event_date"])] += 1
    pairs = sorted(by_pair, key=lambda p: (-sum(by_pair[p].values()), p))[:top]
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.35 * max(len(pairs), 3)))
    if pairs:
        for row, pair in enumerate(reversed(pairs)):
            months = sorted(by_pair[pair])
            ax.scatter(months, [row] * len(months), s=[30 * by_pair[pair][m] for m in months])
        ax.set_yticks(range(len(pairs)), list(reversed(pairs)))
        fig.autofmt_xdate()
    else:
        _empty(ax, "no dated event between two countries")
    ax.set_title(f"Events by country pair, at the month their sentence states (top {len(pairs)} pairs; dot size = events)",
                 fontsize=9)
    return _save(fig, path)


def coordinates() -> dict[str, tuple[float, float]]:
    """GeoNames id -> (latitude, longitude) of the gazetteer's cities (data/release/coordinates.tsv)."""
    from ...knowledge import tsv_rows

    return {f"geonames:{gid}": (float(lat), float(lon)) for gid, lat, lon in tsv_rows("release/coordinates.tsv")}


#: the map is framed on the cities within this many degrees (latitude and longitude) of the most-named city
FRAME_DEGREES = 40.0


def _frame(points: list[tuple[float, float]], pad: float = 4.0) -> tuple[float, float, float, float]:
    """(lon0, lon1, lat0, lat1): the box around ``points`` (latitude, longitude), padded."""
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return min(lons) - pad, max(lons) + pad, min(lats) - pad, max(lats) + pad


#: label offsets (points) tried in turn: right-above, right-below, left-above, left-below, above, below
_LABEL_OFFSETS = ((4, 3, "left"), (4, -9, "left"), (-4, 3, "right"), (-4, -9, "right"), (0, 7, "center"),
                  (0, -13, "center"))


def _place_labels(ax, fig, items: list[tuple[str, float, float]], keep_all: bool = False, boxed: bool = False) -> None:
    """Label points without overlap: each label takes the first offset that clears the labels before it. One
    that fits nowhere is left out (the point stays), or with ``keep_all`` (a network's nodes are unreadable
    unnamed) takes the offset that overlaps the fewest labels already placed."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    style = {"bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}} if boxed else {}
    taken = []
    for text, x, y in items:
        tried = []
        for dx, dy, ha in _LABEL_OFFSETS:
            label = ax.annotate(text, (x, y), fontsize=7, xytext=(dx, dy), textcoords="offset points", ha=ha,
                                **style)
            box = label.get_window_extent(renderer)
            clashes = sum(box.overlaps(other) for other in taken)
            if not clashes:
                taken.append(box)
                break
            tried.append((clashes, len(tried), dx, dy, ha))
            label.remove()
        else:
            if keep_all:
                _, _, dx, dy, ha = min(tried)
                label = ax.annotate(text, (x, y), fontsize=7, xytext=(dx, dy), textcoords="offset points", ha=ha,
                                    **style)
                taken.append(label.get_window_extent(renderer))


def places_map(entities: list[dict], path: Path, labels: int = 20) -> str:
    """Cities the articles name, at their GeoNames coordinates (dot area = articles naming the city). No basemap
    is drawn (none ships with the release): the axes are longitude and latitude, framed on where most of the
    article-weighted cities lie; cities outside the frame are named below it, and countries, regions and places
    outside the gazetteer have no point (the title counts them)."""
    plt = _plt()
    where = coordinates()
    cities = sorted((e for e in entities if e["entity_id"] in where), key=lambda e: (-e["article_count"], e["entity_id"]))
    unplaced = sum(1 for e in entities if e["type"] == "LOC" and e["entity_id"] not in where)
    fig, ax = plt.subplots(figsize=(7, 5.2))
    title = f"Cities named, at their GeoNames coordinates ({len(cities)} cities; {unplaced} other places have no point)"
    if cities:
        lat_c, lon_c = where[cities[0]["entity_id"]]  # the most-named city: the frame is the region around it
        inside = [e for e in cities if abs(where[e["entity_id"]][0] - lat_c) <= FRAME_DEGREES
                  and abs(where[e["entity_id"]][1] - lon_c) <= FRAME_DEGREES]
        outside = [e for e in cities if e not in inside]
        lon0, lon1, lat0, lat1 = _frame([where[e["entity_id"]] for e in inside])
        ax.scatter([where[e["entity_id"]][1] for e in inside], [where[e["entity_id"]][0] for e in inside],
                   s=[25 * e["article_count"] for e in inside], alpha=0.5)
        ax.set_xlim(lon0, lon1)
        ax.set_ylim(lat0, lat1)
        ax.set_aspect("equal")
        xlabel = "longitude (°E)"
        if outside:
            shown = ", ".join(f"{e['name']} {e['article_count']}" for e in outside[:6])
            more = f" and {len(outside) - 6} more" if len(outside) > 6 else ""
            xlabel += f"\n{len(outside)} cities outside the frame: {shown}{more}"
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel("latitude (°N)")
        ax.grid(linewidth=0.3)
        _place_labels(ax, fig, [(f"{e['name']} ({e['article_count']})", where[e["entity_id"]][1], where[e["entity_id"]][0])
                                for e in inside[:labels]])
        title += (f"\nframed on the cities within {FRAME_DEGREES:.0f}° of the most named, {cities[0]['name']}; "
                  "dot area and label = articles naming the city")
    else:
        _empty(ax, "no article names a city of the gazetteer")
    ax.set_title(title, fontsize=8)
    return _save(fig, path)


def build_figures(folder: Path, tables: dict[str, pa.Table]) -> list[tuple[str, str]]:
    """Write the figures into ``folder/figures``; returns (caption, relative path) pairs."""
    out = folder / "figures"
    out.mkdir(parents=True, exist_ok=True)
    articles = tables["articles"].to_pylist()
    entities = tables["entities"].to_pylist()
    mentions = tables["mentions"].to_pylist()
    events = tables["events"].to_pylist()
    return [
        ("Articles per month by outlet", "figures/" + articles_per_month(articles, out / "articles_per_month.png")),
        ("Top entities by type", "figures/" + top_entities(entities, out / "top_entities.png")),
        ("Events by CAMEO root", "figures/" + events_by_root(events, out / "events_by_root.png")),
        ("Cooperation–conflict timeline of the main dyads", "figures/" + goldstein_timeline(events, out / "goldstein_timeline.png")),
        ("Entity co-occurrence network", "figures/" + cooccurrence_network(mentions, entities, out / "cooccurrence.png")),
        ("Events by country pair and month", "figures/" + dyad_timeline(events, out / "dyad_timeline.png")),
        ("Cities named in the articles", "figures/" + places_map(entities, out / "places_map.png")),
    ]
