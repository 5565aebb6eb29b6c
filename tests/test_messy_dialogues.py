"""Conversations as people really have them, over the REST channel of the running assistant
(trained model, action server, the unseen catalog of tests/conftest.py).

Each generated dialogue has a style (everything in one message, answers out of order, button
labels typed by hand, SMS style without accents, postal codes, corrections before and after the
results, "je ne sais pas", pupils, career changers, homonyms). A simulated person opens in that
style, then answers whatever the assistant asks, the way that person would, and may correct
themselves. The dialogue passes when the last sessions shown are exactly those that
`python -m bot catalog search` gives for the person's final criteria. The pass rate by style is
printed; every dialogue must pass.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest

from bot.geo import HAUTS_DE_FRANCE, Commune, gazetteer, haversine_km
from bot.kiosk import kiosk_job
from bot.reconversion import reconversions
from tests.conftest import cli_search

DIALOGUES_PER_STYLE = 14
MAX_TURNS = 14
HENIN = "62427"
JOBS = {
    "H2703": [
        "technicien de maintenance des batteries",
        "technicienne maintenance batteries",
        "maintenance de batteries de vehicules electriques",
        "tech maintenance batteries",
    ],
    "N1101": ["cariste", "conducteur de chariot elevateur", "conductrice de chariot", "cariste avec le caces"],
}
SMS_JOBS = {"H2703": "tech maintenance batteries", "N1101": "cariste"}
STATUTS = {
    "demandeur_emploi": [
        "je suis demandeur d'emploi",
        "je suis au chômage",
        "demandeuse d'emploi",
        "inscrit à France Travail",
    ],
    "salarie": ["je suis salarié", "salariée en CDI", "je travaille en intérim"],
    "etudiant": ["je suis étudiant", "étudiante en BTS"],
}
SMS_STATUTS = {"demandeur_emploi": "jsui o chomage", "salarie": "chui salarie", "etudiant": "jsui etudiant"}
NIVEAUX = {"sans_diplome": "pas de diplôme", "cap": "j'ai un CAP", "bac": "j'ai le bac", "bac+2": "un BTS"}
SMS_NIVEAUX = {"sans_diplome": "g pa de diplome", "cap": "g un cap", "bac": "g le bac", "bac+2": "g un bts"}
BUTTON_NIVEAUX = {"sans_diplome": "Pas de diplôme", "cap": "CAP / BEP", "bac": "Bac", "bac+2": "Bac+2"}
BUTTON_STATUTS = {
    "demandeur_emploi": "Demandeur ou demandeuse d'emploi",
    "salarie": "Salarié(e)",
    "etudiant": "Étudiant(e)",
}
FILLERS = ["Bonjour,", "Bonsoir, alors voilà,", "Salut,", "Bonjour je me permets de vous écrire,", ""]
PUPILS = {
    "collegien": ["je suis en 3ème", "je suis en 3e", "je suis au collège en 4e"],
    "lyceen": ["je suis en seconde", "je suis en bac pro", "je suis en terminale"],
}
STYLES = (
    "tout_en_un",
    "desordre",
    "boutons_tapes",
    "sms",
    "code_postal",
    "correction_avant",
    "correction_apres",
    "je_ne_sais_pas",
    "eleve",
    "reconversion",
    "homonyme",
    "criteres",
)
# Criteria said in free French, by group: (phrase, catalog search options); and how each is
# dropped again. UNSEEN_TODAY is 2027-02-01.
CRITERIA = {
    "alternance": [("en alternance", ["--alternance"]), ("en apprentissage si possible", ["--alternance"])],
    "date": [
        ("à partir de septembre", ["--debut-apres", "2027-09-01"]),
        ("avant l'été", ["--debut-avant", "2027-06-20"]),
        ("en juin", ["--debut-apres", "2027-06-01", "--debut-avant", "2027-06-30"]),
        ("dans 2 mois", ["--debut-apres", "2027-04-01"]),
    ],
    "duree": [("pas plus de trois mois", ["--heures-max", "455"]), ("moins de 200 heures", ["--heures-max", "200"])],
    "temps": [("le soir, je travaille", ["--temps", "soir"]), ("à temps partiel", ["--temps", "partiel"])],
    "modalite": [("à distance si possible", ["--modalite", "distanciel"]), ("sur place", ["--modalite", "presentiel"])],
    "financement": [
        ("payée par la Région", ["--financeur", "2"]),
        ("financée par France Travail", ["--financeur", "4"]),
    ],
}
DROPS = {
    "alternance": ["pas forcément en alternance", "alternance ou pas, peu importe"],
    "date": ["peu importe la date", "n'importe quand en fait"],
    "duree": ["peu importe la durée"],
    "temps": ["peu importe le rythme", "finalement peu importe l'horaire"],
    "modalite": ["sur place ou à distance", "peu importe la modalité"],
    "financement": ["peu importe le financement"],
}


def _near(max_km: float) -> list[Commune]:
    gaz = gazetteer()
    henin = gaz.by_insee(HENIN)
    return sorted(
        (
            c
            for c in gaz.communes()
            if c.region == HAUTS_DE_FRANCE
            and c.population >= 1500
            and haversine_km(henin.lat, henin.lon, c.lat, c.lon) <= max_km
        ),
        key=lambda c: c.insee,
    )


TOWNS = [c for c in _near(18) if len(gazetteer().named_exactly(c.nom)) == 1]
HOMONYMS = [c for c in _near(25) if len(gazetteer().named_exactly(c.nom)) > 1]
POSTCODES = [c for c in TOWNS if len(gazetteer().by_postcode(c.codes_postaux[0])) == 1]
# Career changers whose closest battery jobs include a job of the unseen catalog.
TRADES = {
    rome: [t for t in reconversions().all() if t.rome != rome and rome in [p.rome for p in t.proches][:2]]
    for rome in JOBS
}


@dataclass
class Person:
    """Who talks, what they want, and how they write."""

    style: str
    rng: random.Random
    rome: str
    town: Commune
    radius: int | None
    statut: str
    niveau: str
    said: Counter = field(default_factory=Counter)
    told_radius: bool = False  # a radius never said is the default one
    groups: list[str] = field(default_factory=list)  # "criteres": the groups said, in order
    criteria: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # group -> (phrase, options)

    @property
    def sms(self) -> bool:
        return self.style == "sms"

    def job(self) -> str:
        return SMS_JOBS[self.rome] if self.sms else self.rng.choice(JOBS[self.rome])

    def where(self) -> str:
        if self.style == "code_postal":
            return self.town.codes_postaux[0]
        if self.sms:
            return self.town.nom.lower().replace("é", "e").replace("è", "e").replace("-", " ")
        return self.rng.choice([self.town.nom, f"j'habite à {self.town.nom}", f"à {self.town.nom}"])

    def how_far(self) -> str:
        if self.radius is None:
            return "peu importe" if not self.sms else "jsais pas"
        return f"{self.radius}km" if self.sms else self.rng.choice([f"{self.radius} km", f"{self.radius} km max"])

    def answer(self, slot: str, buttons: list[dict]) -> str:
        """The answer to the pending question, in the person's style."""
        self.said[slot] += 1
        if slot == "rayon_km":
            self.told_radius = self.radius is not None
        if self.style == "boutons_tapes":
            label = self.button_label(slot, buttons)
            if label:
                return label.lower() if self.rng.random() < 0.5 else label
        if slot == "statut":
            return SMS_STATUTS[self.statut] if self.sms else self.rng.choice(STATUTS[self.statut])
        if slot == "metier":
            return self.job()
        if slot == "commune":
            return self.where()
        if slot == "rayon_km":
            return self.how_far()
        if slot == "niveau":
            return SMS_NIVEAUX[self.niveau] if self.sms else NIVEAUX[self.niveau]
        raise AssertionError(f"unexpected question {slot}")

    def button_label(self, slot: str, buttons: list[dict]) -> str | None:
        wanted = {
            "statut": BUTTON_STATUTS.get(self.statut),
            "niveau": BUTTON_NIVEAUX.get(self.niveau),
            "rayon_km": f"{self.radius} km"
            if self.radius in (10, 20, 30, 50)
            else "Peu importe"
            if self.radius is None
            else None,
            "metier": next((b["title"] for b in buttons if f'"{self.rome}"' in b.get("payload", "")), None),
        }.get(slot)
        return wanted if wanted and any(b["title"] == wanted for b in buttons) else None

    def opening(self) -> list[str]:
        """What the person says first."""
        rng, style = self.rng, self.style
        if style == "tout_en_un":
            self.told_radius = self.radius is not None
            parts = [
                rng.choice(STATUTS[self.statut]),
                f"j'habite {self.town.nom}",
                f"j'aimerais devenir {self.job()}",
                f"je peux me déplacer à {self.radius} km maximum" if self.radius else "",
                NIVEAUX[self.niveau],
            ]
            rng.shuffle(parts)
            return [
                " ".join([rng.choice(FILLERS), ", ".join(p for p in parts if p), "Vous avez des formations ?"]).strip()
            ]
        if style == "sms":
            return [f"{SMS_STATUTS[self.statut]} jveu etre {self.job()}"]
        if style == "je_ne_sais_pas":
            return ["je cherche une formation"]
        if style == "eleve":
            return [f"{rng.choice(PUPILS[self.statut])} et je voudrais devenir {self.job()}"]
        if style == "reconversion":
            trade = rng.choice(TRADES[self.rome])
            return [
                f"je suis {rng.choice(trade.mots[:2])} depuis {rng.randint(2, 20)} ans et je veux changer de métier"
            ]
        if style == "homonyme":
            return [f"je voudrais devenir {self.job()}, j'habite à {self.town.nom}"]
        if style == "criteres":
            phrase, _ = self.criteria[self.groups[0]]
            return [
                f"{rng.choice(FILLERS)} je cherche une formation de {self.job()} à {self.town.nom} {phrase}".strip()
            ]
        return [
            rng.choice(["je cherche une formation", "bonjour je voudrais me former", "comment trouver une formation ?"])
        ]


def make_person(style: str, number: int) -> Person:
    rng = random.Random(f"{style}-{number}")
    rome = rng.choice(sorted(JOBS))
    if style == "reconversion":
        rome = rng.choice([r for r in sorted(JOBS) if TRADES[r]])
    town = rng.choice(HOMONYMS if style == "homonyme" else POSTCODES if style == "code_postal" else TOWNS)
    statut = rng.choice(sorted(PUPILS)) if style == "eleve" else rng.choice(sorted(STATUTS))
    person = Person(style, rng, rome, town, rng.choice([None, 20, 30, 40, 50]), statut, rng.choice(sorted(NIVEAUX)))
    if style == "criteres":
        person.groups = rng.sample(sorted(CRITERIA), 2)
        person.criteria = {group: rng.choice(CRITERIA[group]) for group in person.groups}
    return person


class Conversation:
    def __init__(self, assistant):
        self.servers, self.client, self.env = assistant
        self.sender = str(uuid.uuid4())
        self.last: list[dict] = []
        self.sessions: dict | None = None
        self.transcript: list[str] = []
        self.texts: list[str] = []  # everything the assistant wrote, whole

    def say(self, text: str) -> list[dict]:
        reply = self.client.post("/webhooks/rest/webhook", json={"sender": self.sender, "message": text})
        assert reply.status_code == 200, reply.text
        self.last = reply.json()
        self.transcript.append(f"> {text}")
        for message in self.last:
            self.texts.append(message.get("text") or "")
            self.transcript.append(
                "< " + (message.get("text") or str(message.get("custom")))[:160].replace("\n", " | ")
            )
            custom = message.get("custom") or {}
            if custom.get("type") == "sessions":
                self.sessions = custom
        return self.last

    def pending(self) -> str | None:
        tracker = self.client.get(f"/conversations/{self.sender}/tracker", params={"token": self.servers.token}).json()
        if (tracker.get("active_loop") or {}).get("name") != "profile_form":
            return None
        return tracker["slots"].get("requested_slot")

    def buttons(self) -> list[dict]:
        return [b for m in self.last for b in m.get("buttons") or []]


def play(assistant, person: Person) -> tuple[Conversation, dict]:
    """Plays the dialogue; returns it and the final criteria."""
    talk = Conversation(assistant)
    final = {"rome": person.rome, "insee": person.town.insee, "radius": person.radius or 30, "options": []}
    if person.style == "criteres":
        return talk, criteria_dialogue(talk, person, final)
    for line in person.opening():
        talk.say(line)
        final["radius"] = person.radius if person.told_radius else 30
    corrected = False
    for _ in range(MAX_TURNS):
        slot = talk.pending()
        if slot is None:
            titles = [b["title"] for b in talk.buttons()]
            if person.style == "eleve" and "Voir les formations près de chez moi" in titles:
                talk.say(
                    person.rng.choice(["Voir les formations près de chez moi", "voir les formations pres de chez moi"])
                )
                continue
            if talk.sessions is not None and not corrected and person.style == "correction_apres":
                corrected = True
                final = correct_after(talk, person, final)
                continue
            break
        if person.style == "desordre" and slot in ("metier", "rayon_km") and person.said["desordre"] == 0:
            person.said["desordre"] += 1
            talk.say(person.where() if slot == "metier" else NIVEAUX[person.niveau])  # another question's answer
            continue
        if person.style == "correction_avant" and slot == "rayon_km" and not corrected:
            corrected = True
            other = person.rng.choice([t for t in TOWNS if t.insee != person.town.insee])
            talk.say(
                person.rng.choice(
                    [f"ah non pardon, je me suis trompé, j'habite à {other.nom}", f"non, plutôt {other.nom}"]
                )
            )
            person.town, final["insee"] = other, other.insee
            continue
        if person.style == "je_ne_sais_pas" and slot == "metier" and person.said["ne_sait_pas"] == 0:
            person.said["ne_sait_pas"] += 1
            talk.say(person.rng.choice(["je sais pas", "aucune idée", "je ne sais pas trop"]))
            interest = "logistique" if person.rome == "N1101" else "electricite"
            label = next((b["title"] for b in talk.buttons() if f"gout:{interest}" in b["payload"]), None)
            assert label, ("the discovery should offer what the person likes", talk.transcript)
            talk.say(label)
            continue
        if person.style == "reconversion" and slot == "metier":
            title = next((b["title"] for b in talk.buttons() if f'"{person.rome}"' in b["payload"]), None)
            assert title, ("the closest jobs should include", person.rome, talk.transcript)
            talk.say(title.lower())
            continue
        talk.say(person.answer(slot, talk.buttons()))
        if slot == "rayon_km":
            final["radius"] = person.radius if person.told_radius else 30
    return talk, final


def criteria_dialogue(talk: Conversation, person: Person, final: dict) -> dict:
    """A search with a criterion, a second one added after the results, then one dropped: each
    time the results follow at once."""
    first, second = person.groups
    talk.say(person.opening()[0])
    final = {**final, "radius": 30}
    phrase, _ = person.criteria[second]
    talk.say(person.rng.choice([f"et {phrase}", f"{phrase} aussi", f"ah et {phrase} svp"]))
    dropped = person.rng.choice(person.groups)
    talk.say(person.rng.choice(DROPS[dropped]))
    kept = first if dropped == second else second
    return {**final, "options": person.criteria[kept][1], "kept": kept}


def correct_after(talk: Conversation, person: Person, final: dict) -> dict:
    kind = person.rng.choice(["town", "radius", "job"])
    if kind == "town":
        other = person.rng.choice([t for t in TOWNS if t.insee != person.town.insee])
        talk.say(
            person.rng.choice(
                [
                    f"non, plutôt {other.nom}",
                    f"ah non pardon, je me suis trompé, j'habite à {other.nom}",
                    f"et à {other.nom} ?",
                ]
            )
        )
        return {**final, "insee": other.insee}
    if kind == "radius":
        radius = person.rng.choice([15, 25, 40, 60])
        talk.say(
            person.rng.choice([f"en fait {radius} km", f"plutôt {radius} km", f"je peux aller jusqu'à {radius} km"])
        )
        return {**final, "radius": radius}
    other = "N1101" if person.rome == "H2703" else "H2703"
    talk.say(f"finalement {JOBS[other][0]}")
    return {**final, "rome": other}


DIALOGUES = [(style, number) for style in STYLES for number in range(DIALOGUES_PER_STYLE)]
RESULTS: Counter = Counter()


@pytest.mark.parametrize("style,number", DIALOGUES, ids=[f"{s}-{n}" for s, n in DIALOGUES])
def test_messy_dialogue_ends_on_the_catalog_search(assistant, style, number):
    person = make_person(style, number)
    talk, final = play(assistant, person)
    expected = cli_search(
        assistant[2],
        "--rome",
        final["rome"],
        "--insee",
        final["insee"],
        "--rayon",
        str(final["radius"]),
        *final["options"],
    )[:5]
    transcript = "\n".join(talk.transcript)
    RESULTS[(style, "total")] += 1
    if expected:
        assert talk.sessions is not None, transcript
        shown = (talk.sessions["metier"]["rome"], talk.sessions["commune"]["insee"], talk.sessions["rayon_km"])
        assert shown == (final["rome"], final["insee"], final["radius"]), transcript
        assert talk.sessions["sessions"] == expected, transcript
        if person.style == "criteres":  # the criterion kept, and only it
            assert len(talk.sessions["criteres"]) >= 1, transcript
            buttons = [b for m in talk.last for b in m.get("buttons") or [] if not b["payload"].startswith("/")]
            drops = [b for b in buttons if not b["title"].endswith(")")]  # the others offer a criterion (count)
            assert len(drops) == len(talk.sessions["criteres"]) or final["kept"] == "date", transcript
    else:
        assert any("aucune session" in (m.get("text") or "") for m in talk.last), transcript
    if person.style == "eleve" and kiosk_job(person.rome):
        assert any("Comment y arriver" in text for text in talk.texts), transcript  # the school paths came first
    RESULTS[(style, "passed")] += 1


def pass_rates() -> list[str]:
    """The pass rate by style of the dialogues run (printed at the end of pytest's report)."""
    lines = []
    for style in STYLES:
        total, passed = RESULTS[(style, "total")], RESULTS[(style, "passed")]
        if total:
            lines.append(f"{style:<18} {passed}/{total} ({100 * passed / total:.0f} %)")
    return lines
