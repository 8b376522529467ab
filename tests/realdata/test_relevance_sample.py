"""The labelled relevance sample: ids only, each one a document of ../shared/eval, labels 0/1."""

import pytest

from benchmarks.relevance import LABELS, best_threshold, cross_validated, prf, read_labels, read_texts, split_title
from tests.conftest import EVAL

pytestmark = pytest.mark.realdata


def test_labels_name_eval_documents_and_copy_no_text():
    labels = read_labels()
    assert len(labels) == 409 and sum(label for _, _, label in labels) == 55
    assert {label for _, _, label in labels} == {0, 1}
    longest = max(len(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    assert longest < 120  # set, id and label: no text


def test_every_label_names_a_document_of_the_eval_sets():
    if not (EVAL / "daniel_ru_dev" / "manifest.json").exists():
        pytest.skip(f"{EVAL} not present")
    labels = read_labels()
    texts = read_texts(EVAL)
    assert all((dataset, doc_id) in texts for dataset, doc_id, _ in labels)
    assert len({(d, i) for d, i, _ in labels}) == len(labels)


def test_threshold_choice_and_cross_validation_on_known_scores():
    rows = [{"group": f"g{i}", "set": "s", "label": int(i % 3 == 0), "score": 0.9 if i % 3 == 0 else 0.3}
            for i in range(30)]
    assert 0.3 < best_threshold(rows) < 0.9
    assert prf(rows, 0.5)["F1"] == 1.0
    cv, chosen = cross_validated(rows)
    assert cv["F1"] == 1.0 and len(chosen) == 5


def test_split_title_takes_a_short_first_line():
    assert split_title("Заголовок\n\nТекст статьи.") == ("Заголовок", "Текст статьи.")
    assert split_title("Одна строка без заголовка.") == (None, "Одна строка без заголовка.")
    assert split_title("x" * 300 + "\nТекст")[0] is None
