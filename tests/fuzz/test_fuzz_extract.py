"""A long Hypothesis run over the whole extract path (ingest → extract → metadata), for ``make fuzz``.

    VOSTOK_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/fuzz -p no:cacheprovider

Skipped in ``make test`` unless VOSTOK_FUZZ_EXAMPLES is set.
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.build import extract_ingested
from pipeline.core.errors import RejectError
from pipeline.core.documents import document_from_bytes

EXAMPLES = int(os.environ.get("VOSTOK_FUZZ_EXAMPLES", "0"))
pytestmark = pytest.mark.skipif(EXAMPLES == 0, reason="set VOSTOK_FUZZ_EXAMPLES (make fuzz)")

fragments = st.sampled_from([
    "# Заголовок\n\n", "Министр иностранных дел провёл переговоры в Токио. ", "[ссылка](http://x.ru) ", "\n\n",
    "Читайте также: ", "Автор: Иван Петров © Site.ru ПОЛИТИКА 👁 123 23.09.2024, 16:25\n", "Фото: x\n",
    "<html><body><p>", "</p></body></html>", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;", "\x00", "\ufeff", "**", "_",
    "URL: <https://site.ru/?a=1>\n", "Источник: Kyodo\n", "| a | b |\n|---|---|\n", "- пункт\n", "   ", "ё",
])


@settings(max_examples=max(EXAMPLES, 1), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(fragments, max_size=40), st.sampled_from(["page.md", "page.html", "page.txt"]),
       st.sampled_from(["utf-8", "cp1251", "utf-16"]))
def test_extract_path_never_crashes(parts, name, encoding):
    text = "".join(parts)
    try:
        data = text.encode(encoding, errors="ignore")
        doc = document_from_bytes(name, data)
    except RejectError:
        return
    articles, rejects = extract_ingested([doc])
    assert len(articles) + len(rejects) == 1
    assert all(r.reason != "internal_error" for r in rejects), rejects
