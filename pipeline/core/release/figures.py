"""Figures for a release, built from its tables (matplotlib, Agg, deterministic PNG: no timestamps or software tag).

Small data still gives honest charts: nothing is padded, and titles say how many items a chart rests on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa

DYADS = (("JPN", "PRK"), ("JPN", "KOR"), ("MNG", "JPN"), ("RUS", "PRK"), ("USA", "PRK"))
PNG_META = {"Software": None}


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
    undated = 0
    for a in articles:
        if a["published_at"] is None:
            undated += 1
            continue
        counts[a["outlet"] or "(unknown outlet)"][a["published_at"].strftime("%Y-%m")] += 1
    months = sorted({m for c in counts.values() for m in c})
    fig, ax = plt.subplots(figsize=(7, 3.2))
    if months:
        bottom = [0] * len(months)
        for outlet in sorted(counts):
            values = [counts[outlet].get(m, 0) for m in months]
            ax.bar(months, values, bottom=bottom, label=outlet)  # only months that have articles are shown
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.set_ylabel("articles")
        ax.legend(fontsize=7)
        ax.tick_params(axis="x", rotation=45)
    else:
        _empty(ax, "no article states a publication date")
    ax.set_title(f"Articles per month by outlet ({sum(sum(c.values()) for c in counts.values())} dated, {undated} undated)")
    return _save(fig, path)


def top_entities(entities: list[dict], path: Path, per_type: int = 8) -> str:
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
    for ax, etype in zip(axes, ("PER", "LOC", "ORG")):
        rows = sorted((e for e in entities if e["type"] == etype), key=lambda e: (-e["mention_count"], e["name"]))[:per_type]
        if rows:
            ax.barh([r["name"] for r in reversed(rows)], [r["mention_count"] for r in reversed(rows)])
            ax.set_xlabel("mentions")
        else:
            _empty(ax, f"no {etype} entities")
        ax.set_title(f"Top {etype} ({len(rows)} shown)")
    return _save(fig, path)


def events_by_root(events: list[dict], path: Path) -> str:
    from ..events.ontology import ontology

    plt = _plt()
    labels = {c.root: c.label for c in ontology().values() if c.code.endswith("0")}
    counts = Counter(e["cameo_root"] for e in events)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    if counts:
        roots = sorted(counts)
        ax.bar([f"{r} {labels.get(r, '')[:18]}" for r in roots], [counts[r] for r in roots])
        ax.tick_params(axis="x", rotation=60)
        ax.set_ylabel("events")
    else:
        _empty(ax, "no events")
    ax.set_title(f"Events by CAMEO root ({len(events)} events)")
    return _save(fig, path)


def goldstein_timeline(events: list[dict], path: Path) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    plotted = 0
    for a, b in DYADS:
        by_month: dict[str, list[float]] = defaultdict(list)
        for e in events:
            if e["event_date"] is None:
                continue
            sides = (set(e["actor1_countries"]), set(e["actor2_countries"]))
            if (a in sides[0] and b in sides[1]) or (b in sides[0] and a in sides[1]):
                by_month[e["event_date"].strftime("%Y-%m")].append(e["goldstein"])
        if by_month:
            from datetime import datetime

            months = sorted(by_month)
            ax.plot([datetime.strptime(m, "%Y-%m") for m in months],  # a real time axis: gaps stay gaps
                    [sum(by_month[m]) / len(by_month[m]) for m in months], marker="o",
                    label=f"{a}–{b} ({sum(len(v) for v in by_month.values())} events)")
            plotted += 1
    if plotted:
        ax.axhline(0, color="grey", linewidth=0.5)
        ax.set_ylim(-10, 10)
        ax.set_ylabel("mean Goldstein")
        ax.legend(fontsize=7)
    else:
        _empty(ax, "no dated events between the main dyads")
    ax.set_title("Cooperation–conflict by month (dated events of the main dyads)")
    return _save(fig, path)


def cooccurrence_network(mentions: list[dict], entities: list[dict], path: Path, top: int = 15) -> str:
    import networkx as nx

    plt = _plt()
    names = {e["entity_id"]: e["name"] for e in entities}
    ranked = sorted(entities, key=lambda e: (-e["article_count"], -e["mention_count"], e["entity_id"]))[:top]
    keep = {e["entity_id"] for e in ranked}
    per_article: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m["entity_id"] in keep:
            per_article[m["article_id"]].add(m["entity_id"])
    graph = nx.Graph()
    graph.add_nodes_from(sorted(keep))
    for ids in per_article.values():
        ids = sorted(ids)
        for i, x in enumerate(ids):
            for y in ids[i + 1:]:
                w = graph.get_edge_data(x, y, {"weight": 0})["weight"]
                graph.add_edge(x, y, weight=w + 1)
    fig, ax = plt.subplots(figsize=(7, 5))
    if graph.number_of_nodes():
        pos = nx.spring_layout(graph, seed=7, weight="weight")
        widths = [graph[u][v]["weight"] for u, v in graph.edges()]
        nx.draw_networkx_edges(graph, pos, ax=ax, width=widths, alpha=0.4)
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=120)
        nx.draw_networkx_labels(graph, pos, labels={n: names.get(n, n) for n in graph.nodes()}, font_size=7, ax=ax)
    else:
        _empty(ax, "no entities")
    ax.set_title(f"Co-occurrence in articles of the top {graph.number_of_nodes()} entities (edge width = articles)")
    ax.axis("off")
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
    ]
