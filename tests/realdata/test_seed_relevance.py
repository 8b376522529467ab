"""The five seed pages are about the region: they stay articles, well above the relevance threshold."""

from pipeline.core.corpus import build_corpus
from pipeline.core.relevance import RelevanceConfig
from tests.conftest import RAW

#: each seed's region countries (from its title, lead and body mentions)
SEED_COUNTRIES = {
    "000_b61806aaad658de3.txt": ["JPN", "KOR", "MNG", "PRK"],
    "001_5758b40547e3dc39.txt": ["CHN", "JPN", "KOR", "MNG", "PRK"],
    "002_ec5c70cd512d5d58.txt": ["CHN", "JPN", "MNG", "PRK"],
    "003_df8fc301efe25f32.txt": ["JPN", "KOR", "PRK"],
    "004_b589c8f85e1d4762.txt": ["JPN", "KOR", "PRK"],
}


def test_seed_pages_are_relevant_articles_with_their_region_countries():
    tables = build_corpus(RAW).tables
    articles = {a["source_path"]: a for a in tables["articles"].to_pylist()}
    assert "off_topic" not in tables["rejects"].column("reason").to_pylist()
    assert {p: a["region_countries"] for p, a in articles.items()} == SEED_COUNTRIES
    threshold = RelevanceConfig().effective_threshold()
    assert all(a["relevance"] >= max(threshold, 0.99) for a in articles.values())
