"""The quarantine checks chunk by chunk find the same articles, for the same first reason, as on whole frames."""

from datetime import date, datetime, timezone

from pipeline.core.quality import failing_articles
from pipeline.core.quality_chunks import failing_articles_chunked
from pipeline.core.reference_time import ReferenceTime
from pipeline.core.tables import to_arrow
from pipeline.schema import ARTICLES, ENTITIES, EVENTS, MENTIONS
from tests.unit.test_schema_and_tables import _article

AS_OF = ReferenceTime(date(2026, 12, 1), "declared")
BODY = "Пак Чжин прибыл в Токио. Министр иностранных дел провёл переговоры. " * 3


def _tables() -> dict:
    articles = []
    for i in range(7):
        row = _article(i)
        row.update(title="Япония и Монголия провели переговоры", url=f"https://babr24.com/?IDE={i}",
                   outlet="babr24.com", body=BODY, word_count=30, duplicate_of=None, duplicate_similarity=None)
        articles.append(row)
    ids = [a["article_id"] for a in articles]
    articles[1]["body"] = "Подписывайтесь на наш канал, где много слов, чтобы тело статьи было длиннее восьмидесяти."
    articles[2]["published_at"] = datetime(2099, 1, 1, tzinfo=timezone.utc)
    articles[5].update(duplicate_of=ids[0], duplicate_similarity=0.9)  # an earlier article in another chunk: fine
    articles[3].update(duplicate_of=ids[6], duplicate_similarity=0.9)  # a later one: breaks duplicate_ok
    entity = {"entity_id": "person:park-jin", "type": "PER", "name": "Пак Чжин", "name_en": None, "wikidata_id": None,
              "link_confidence": 0.0, "country": "KOR", "aliases": [], "mention_count": 1, "article_count": 1,
              "linked": True}
    bad_entity = dict(entity, entity_id="person:x", country="JP")
    mention = {"mention_id": "0" * 16, "article_id": ids[4], "entity_id": "person:park-jin", "type": "PER",
               "start": 0, "end": 8, "text": "Пак Чжин", "normal": "Пак Чжин", "link": "gazetteer",
               "wikidata_id": None, "link_confidence": 0.0}
    mentions = [mention, dict(mention, mention_id="1" * 16, start=1, end=9),  # the text is not body[start:end]
                dict(mention, mention_id="2" * 16, article_id=ids[6], entity_id="per:unknown"),
                dict(mention, mention_id="3" * 16, article_id=ids[0], entity_id="person:x")]
    return {"articles": to_arrow(ARTICLES, articles), "mentions": to_arrow(MENTIONS, mentions),
            "entities": to_arrow(ENTITIES, [entity, bad_entity]), "events": to_arrow(EVENTS, [])}


def test_chunks_find_what_whole_frames_find():
    tables = _tables()
    whole = failing_articles({name: t.to_pandas() for name, t in tables.items()}, AS_OF)
    ids = tables["articles"].column("article_id").to_pylist()
    assert set(whole) == {ids[0], ids[1], ids[2], ids[3], ids[4], ids[6]}  # every kind of failure is in the test
    for chunk in (1, 2, 3, 100):
        assert failing_articles_chunked(tables, AS_OF, chunk=chunk) == whole


def test_rows_whose_article_is_missing_are_checked_wherever_their_id_sorts():
    """A mention or event whose article is not in the table (an orphan) fails its suite on whole frames; chunk
    ranges must cover the ids between, before and after the chunks' articles too, and a table of no articles."""
    from pipeline.schema import EVENTS as EVENTS_TABLE
    from tests.unit.test_quality_tables import _event

    tables = _tables()
    ids = tables["articles"].column("article_id").to_pylist()
    mention = tables["mentions"].to_pylist()[0]
    orphans = {"before": "0" * 15, "between": ids[1] + "0", "after": "f" * 16}  # ids[1] < ids[1] + "0" < ids[2]
    mentions = tables["mentions"].to_pylist() + [dict(mention, mention_id=f"{9 - i}" * 16, article_id=a)
                                                 for i, a in enumerate(orphans.values())]
    events = [_event(ids[0]), _event(orphans["between"], event_id="9" * 16)]
    tables = {**tables, "mentions": to_arrow(MENTIONS, mentions), "events": to_arrow(EVENTS_TABLE, events)}
    whole = failing_articles({name: t.to_pandas() for name, t in tables.items()}, AS_OF)
    assert set(orphans.values()) <= set(whole)
    for chunk in (1, 2, 3, 100):
        assert failing_articles_chunked(tables, AS_OF, chunk=chunk) == whole, chunk
    no_articles = {**tables, "articles": tables["articles"].slice(0, 0)}
    whole = failing_articles({name: t.to_pandas() for name, t in no_articles.items()}, AS_OF)
    assert set(orphans.values()) <= set(whole)
    assert failing_articles_chunked(no_articles, AS_OF, chunk=2) == whole
