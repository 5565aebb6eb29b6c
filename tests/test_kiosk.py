"""The school kiosk content (data/reference/kiosque.yml) and its loader (bot/kiosk.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot import kiosk
from bot.jobs import vocabulary
from bot.kiosk import (
    IDLE_MAX_S,
    IDLE_MIN_S,
    IDLE_S,
    KIOSQUE_PATH,
    KioskJob,
    audience,
    idle_seconds,
    kiosk_job,
    kiosk_jobs,
)
from bot.text import fold
from bot.wording import TU, VOUS, say

# The jobs the kiosk was asked to present, in display order.
ROMES = ("H2705", "H2703", "H2704", "I1304", "I1309", "H1528", "N1101", "H2912")
TUTOIEMENT = {"tu", "ton", "ta", "tes", "toi", "te", "t"}  # "t'occupes" folds to "t occupes"
_MONEY = re.compile(r"€|%|\d\s*euros?\b", re.IGNORECASE)


def _words(text: str) -> set[str]:
    return set(fold(text).split())


def _pupil_texts(job: KioskJob) -> list[str]:
    """The texts that speak to the pupil and must use "tu"."""
    return [job.en_bref, *job.on_aime_si, *job.a_savoir]


def _all_texts(job: KioskJob) -> list[str]:
    return [job.titre_eleve, *_pupil_texts(job), *job.voies]


def test_every_listed_job_is_present_once_in_order_and_known():
    jobs = kiosk_jobs()
    assert [job.rome for job in jobs] == list(ROMES)
    for job in jobs:
        assert vocabulary().by_rome(job.rome) is not None, job.rome
        assert kiosk_job(job.rome) == job


def test_lookup_normalises_the_code_and_misses_cleanly():
    assert kiosk_job(" h 2705 ").rome == "H2705"
    assert kiosk_job("H2301") is None
    assert kiosk_job("") is None


def test_jobs_are_cached_and_returned_as_fresh_lists():
    first, second = kiosk_jobs(), kiosk_jobs()
    assert first == second and first is not second
    first.clear()
    assert len(kiosk_jobs()) == len(ROMES)


@pytest.mark.parametrize("rome", ROMES)
def test_every_job_has_paths_sources_and_short_texts(rome):
    job = kiosk_job(rome)
    assert len(job.voies) >= 2
    assert len(job.sources) >= 2
    assert all(url.startswith(("https://", "http://")) for url in job.sources)
    assert len(set(job.sources)) == len(job.sources)
    assert 2 <= len(job.on_aime_si) <= 3
    assert 1 <= len(job.a_savoir) <= 2
    sentences = [s for s in re.split(r"[.!?](?:\s|$)", job.en_bref) if s.strip()]
    assert 2 <= len(sentences) <= 3, job.en_bref
    assert all(text == " ".join(text.split()) for text in _all_texts(job))


@pytest.mark.parametrize("rome", ROMES)
def test_texts_speak_to_the_pupil_with_tu_never_vous(rome):
    job = kiosk_job(rome)
    for text in _pupil_texts(job):
        assert _words(text) & TUTOIEMENT, text
    for text in _all_texts(job):
        assert not _words(text) & {"vous", "votre", "vos"}, text


@pytest.mark.parametrize("rome", ROMES)
def test_no_money_or_percentages(rome):
    job = kiosk_job(rome)
    for text in _all_texts(job):
        assert not _MONEY.search(text), text


@pytest.mark.parametrize("rome", ROMES)
def test_paths_start_from_school(rome):
    first = fold(kiosk_job(rome).voies[0])
    assert first.startswith("apres la 3e"), kiosk_job(rome).voies[0]


def test_titles_name_both_genders_unless_the_word_is_the_same():
    for job in kiosk_jobs():
        title = fold(job.titre_eleve)
        assert " ou " in f" {title} " or title.split()[0] in {"pilote", "cariste"}, job.titre_eleve


def test_greeting_and_advice():
    for text in (say("borne.accueil"), say("borne.conseil")):
        assert text.strip()
        assert _words(text) & TUTOIEMENT
        assert "vous" not in _words(text)
        assert not _MONEY.search(text)
    assert {"cio", "psy"} <= _words(say("borne.conseil"))


def test_the_audience_decides_the_register_the_menu_and_what_is_read():
    site, kiosk_, pupil = audience("site"), audience("kiosque"), audience("site", "collegien")
    assert (site.register, kiosk_.register, pupil.register) == (VOUS, TU, TU)
    assert site.reads_profile and pupil.reads_profile and not kiosk_.reads_profile
    assert all(intent != "search_training" and intent != "request_counselor" for _, intent in kiosk_.menu())
    assert ("bouton.trouver_formation", "search_training") in site.menu()
    assert audience(None).register == VOUS


@pytest.mark.parametrize("asked,seconds", [("30", 30), ("1", IDLE_MIN_S), ("100000", IDLE_MAX_S), ("abc", IDLE_S)])
def test_the_kiosk_idle_delay_is_bounded(asked, seconds):
    assert idle_seconds(asked) == seconds


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "kiosque.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _sample() -> dict:
    data = yaml.safe_load(KIOSQUE_PATH.read_text(encoding="utf-8"))
    data["metiers"] = data["metiers"][:1]
    return data


def test_the_sample_loads(tmp_path):
    loaded = kiosk._load(_write(tmp_path, _sample()))
    assert [job.rome for job in loaded.jobs] == ["H2705"]


@pytest.mark.parametrize("field", ["titre_eleve", "en_bref", "on_aime_si", "a_savoir", "voies", "sources"])
def test_a_missing_field_names_the_file_and_the_entry(tmp_path, field):
    data = _sample()
    del data["metiers"][0][field]
    path = _write(tmp_path, data)
    with pytest.raises(ValueError, match=field) as error:
        kiosk._load(path)
    assert str(path) in str(error.value) and "H2705" in str(error.value)


def test_an_unknown_rome_code_is_refused(tmp_path):
    data = _sample()
    data["metiers"][0]["rome"] = "Z9999"
    path = _write(tmp_path, data)
    with pytest.raises(ValueError, match=r"Z9999.*inconnu") as error:
        kiosk._load(path)
    assert str(path) in str(error.value)


def test_a_lower_case_code_is_refused(tmp_path):
    data = _sample()
    data["metiers"][0]["rome"] = "h2705"
    with pytest.raises(ValueError, match="inconnu"):
        kiosk._load(_write(tmp_path, data))


def test_duplicates_are_refused(tmp_path):
    data = _sample()
    data["metiers"] *= 2
    with pytest.raises(ValueError, match="double"):
        kiosk._load(_write(tmp_path, data))


def test_a_step_must_be_an_etape(tmp_path):
    data = _sample()
    data["metiers"][0]["voies"][1] = "CAP sans clé"
    with pytest.raises(ValueError, match="voie n° 2"):
        kiosk._load(_write(tmp_path, data))
