"""The NLU held-out set (tests/nlu/heldout.yml) stays held out: none of its sentences is in the
training data (data/nlu/), so `make eval` measures how the assistant reads messages it has never
seen, and the set covers the styles of issue 11 (long chatty requests, corrections, pupils,
career changers)."""

from __future__ import annotations

from collections import Counter
from functools import cache

from bot.config import ROOT
from bot.text import fold

HELDOUT_PATH = ROOT / "tests" / "nlu" / "heldout.yml"
# One- and two-word messages ("oui", "voir plus", "Lens", "62300") are bound to be written in both
# sets by anyone: only longer ones must differ.
MIN_WORDS = 3


def _load(path):
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(path))


@cache
def _heldout():
    return _load(HELDOUT_PATH).intent_examples


def test_heldout_sentences_are_not_in_the_training_data():
    training = {fold(message.get("text")) for message in _load(ROOT / "data" / "nlu").intent_examples}
    leaked = sorted(
        text
        for text in (fold(message.get("text")) for message in _heldout())
        if len(text.split()) >= MIN_WORDS and text in training
    )
    assert leaked == []


def test_heldout_sentences_are_unique():
    counts = Counter(fold(message.get("text")) for message in _heldout())
    assert [text for text, count in counts.items() if count > 1 and len(text.split()) >= MIN_WORDS] == []


def test_heldout_covers_the_messy_styles():
    from bot.profile import read_statut
    from bot.reconversion import ACTUEL, read_job_mentions

    texts = [message.get("text") for message in _heldout()]
    assert len(texts) >= 670
    corrections = ("pardon", "trompe", "trompee", "finalement", "en fait", "rectifie", "correction", "plutot", "non")
    assert sum(1 for text in texts if _phrases(text, corrections)) >= 50
    assert sum(1 for text in texts if read_statut(text) in ("collegien", "lyceen", "etudiant")) >= 45
    assert sum(1 for text in texts if any(m.role == ACTUEL for m in read_job_mentions(text))) >= 35
    assert sum(1 for text in texts if len(text.split()) >= 20) >= 20  # long all-in-one messages


def _phrases(text, phrases):
    return {phrase for phrase in phrases if f" {phrase} " in f" {fold(text)} "}


def test_a_job_the_person_has_is_never_annotated_as_a_statut():
    # "je suis soudeur" names the current job (bot/reconversion.py), not a status.
    from bot.reconversion import read_job_mentions

    statuts = {
        message.get("text")[entity["start"] : entity["end"]]
        for path in (HELDOUT_PATH, ROOT / "data" / "nlu")
        for message in _load(path).training_examples
        for entity in message.get("entities") or []
        if entity["entity"] == "statut"
    }
    assert len(statuts) > 50
    assert sorted(text for text in statuts if read_job_mentions(text)) == []
