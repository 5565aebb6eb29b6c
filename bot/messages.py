"""What the assistant says about results: plain French texts and the contract's custom payloads.

Every bot message keeps a plain text for text-only channels; the `sessions` and `parcours`
payloads (docs/contrat.md, "Messages que les canaux affichent") are built here too.
"""

from __future__ import annotations

import datetime as dt

from bot.catalog.search import MODALITES
from bot.geo import Commune
from bot.jobs import Metier
from bot.paths import Etape

PAGE_SIZE = 5
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NIVEAU_LABELS = {
    "sans_diplome": "sans diplôme",
    "cap": "CAP",
    "bac": "bac",
    "bac+2": "bac+2",
    "bac+3": "bac+3",
    "bac+5": "bac+5",
}
MODALITE_LABELS = {"presentiel": "sur place", "mixte": "en partie à distance", "distanciel": "à distance"}


def french_date(iso: str | None) -> str:
    """ "2027-01-15" → "15 janvier 2027"; 1st of the month → "1er"."""
    if not iso:
        return "date à confirmer"
    day = dt.date.fromisoformat(iso)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def km(value: float) -> str:
    """French decimal: 18.7 → "18,7 km"."""
    return f"{value:.1f}".replace(".", ",") + " km"


def session_line(session: dict) -> str:
    """One session in a list, for text-only channels."""
    where = "à distance" if session["modalite"] == "distanciel" else (session["ville"] or "lieu à confirmer")
    if session["distance_km"] is not None:
        where += f" ({km(session['distance_km'])})"
    if session["modalite"] == "mixte":
        where += ", en partie à distance"
    seats = f", {session['places']} places" if session["places"] else ""
    end = f" au {french_date(session['fin'])}" if session["fin"] else ""
    return f"• {session['intitule']} — {session['organisme']}, {where}, du {french_date(session['debut'])}{end}{seats}"


def metier_ref(metier: Metier) -> dict:
    return {"rome": metier.rome, "libelle": metier.libelle}


def sessions_payload(metier: Metier, commune: Commune, radius_km: float, sessions: list[dict]) -> dict:
    """The `sessions` custom payload: one page, at most PAGE_SIZE, in search order."""
    return {
        "type": "sessions",
        "metier": metier_ref(metier),
        "commune": {"insee": commune.insee, "nom": commune.nom},
        "rayon_km": radius_km,
        "sessions": sessions[:PAGE_SIZE],
    }


def sessions_text(metier: Metier, commune: Commune, radius_km: float, page: list[dict], start: int, total: int) -> str:
    """Introduces a page of sessions and lists them."""
    where = f"à moins de {radius_km:g} km de {commune.nom}"
    if start == 0:
        count = "la prochaine session" if len(page) == 1 else f"les {len(page)} prochaines sessions"
        more = f" ({total} en tout)" if total > len(page) else ""
        head = f"Voici {count} pour devenir {metier.titre}, {where}{more} :"
    else:
        head = f"Sessions {start + 1} à {start + len(page)} sur {total} :"
    lines = [head, *(session_line(s) for s in page)]
    if start + len(page) < total:
        lines.append("Dites « voir plus » pour les suivantes.")
    return "\n".join(lines)


def nothing_found_text(metier: Metier, commune: Commune, radius_km: float, nearest: dict | None) -> str:
    text = (
        f"Je n'ai trouvé aucune session à venir pour devenir {metier.titre} "
        f"à moins de {radius_km:g} km de {commune.nom}."
    )
    if nearest:
        text += (
            f" La plus proche est à {nearest['ville']} ({km(nearest['distance_km'])}), "
            f"à partir du {french_date(nearest['debut'])}."
        )
    else:
        text += (
            " Il n'y en a pas non plus ailleurs dans le catalogue pour le moment : "
            "un conseiller peut vous aider à trouver une autre voie."
        )
    return text


def path_payload(metier: Metier, steps: list[Etape]) -> dict:
    return {"type": "parcours", "metier": metier_ref(metier), "etapes": [step.as_payload() for step in steps]}


def path_text(metier: Metier, steps: list[Etape], niveau: str | None) -> str:
    """The learning path in words, with a word on the entry level."""
    lines = [f"Pour devenir {metier.titre}, voici le parcours conseillé :"]
    for number, step in enumerate(steps, 1):
        hours = f" ({step.heures} h)" if step.heures else ""
        lines.append(f"{number}. {step.intitule}{hours} : {step.pourquoi}")
    if niveau == "sans_diplome" and "sans_diplome" in metier.niveaux:
        lines.append("Bonne nouvelle : ce métier est ouvert sans diplôme, la formation vous y prépare.")
    elif (
        niveau
        and metier.niveaux
        and niveau not in metier.niveaux
        and _level_rank(niveau) < _level_rank(metier.niveaux[0])
    ):
        lines.append(
            f"À savoir : les recrutements se font en général à partir du niveau {NIVEAU_LABELS[metier.niveaux[0]]}. "
            "Un conseiller peut vous aider à construire une étape intermédiaire."
        )
    return "\n".join(lines)


def _level_rank(niveau: str) -> int:
    return list(NIVEAU_LABELS).index(niveau)


NIVEAUX_ENTREE_LHEO = {
    1: "sans niveau spécifique",
    2: "savoirs de base",
    3: "préqualification",
    4: "CAP ou BEP",
    5: "bac",
    6: "bac+2",
    7: "bac+3 ou bac+4",
    8: "bac+5 et plus",
    11: "savoirs de base",
    12: "savoirs de base",
    13: "CAP ou BEP",
    14: "bac",
    15: "bac+2",
    16: "bac+3 ou bac+4",
    17: "bac+5",
    18: "doctorat",
}
FINANCEURS_LHEO = {
    "2": "Région",
    "4": "France Travail",
    "10": "compte personnel de formation (CPF) ou vous-même",
    "5": "entreprise",
    "3": "Fonds social européen",
    "7": "Agefiph",
    "11": "État",
    "13": "État",
}


def level_list(niveaux: tuple[str, ...]) -> str:
    labels = [NIVEAU_LABELS[n] for n in niveaux]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " ou " + labels[-1]


def job_text(metier: Metier, employers: list[str]) -> str:
    """What a job is like, who it is open to, who hires."""
    lines = [f"{metier.titre[0].upper() + metier.titre[1:]} (fiche ROME {metier.rome}) : {metier.description}"]
    if metier.niveaux:
        opening = "Ce métier est ouvert aux femmes comme aux hommes"
        opening += ", y compris sans diplôme grâce à la formation" if "sans_diplome" in metier.niveaux else ""
        lines.append(f"{opening}. Niveaux d'entrée habituels : {level_list(metier.niveaux)}.")
    if employers:
        lines.append("Qui recrute : " + ", ".join(employers) + ".")
    return "\n".join(lines)


def jobs_text(metiers: list[Metier]) -> str:
    lines = [
        "Les usines de batteries des Hauts-de-France recrutent, entre autres, ces métiers "
        "(ouverts aux femmes comme aux hommes) :"
    ]
    lines += [f"• {m.titre} ({m.rome})" for m in metiers]
    lines.append("Choisissez-en un pour en savoir plus.")
    return "\n".join(lines)


def shorten(text: str | None, limit: int = 400) -> str:
    """The first sentences of a catalog text, within `limit` characters."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def training_text(details: dict) -> str:
    """A catalog formation in a few lines: provider, duration, level, certification, content."""
    lines = [f"{details['intitule']} — {details['organisme']}"]
    hours = sorted({a["heures"] for a in details["actions"] if a["heures"]})
    if hours:
        lines.append("Durée : " + " ou ".join(f"{h} heures" for h in hours) + ".")
    modes = sorted(
        {MODALITE_LABELS[MODALITES.get(a["modalite_enseignement"], "presentiel")] for a in details["actions"]}
    )
    lines.append("Se déroule " + " ou ".join(modes) + ".")
    if any(a["entrees_sorties_permanentes"] for a in details["actions"]):
        lines.append("Entrée possible à tout moment de l'année.")
    level = NIVEAUX_ENTREE_LHEO.get(details.get("niveau_entree") or 0)
    if level:
        lines.append(f"Niveau d'entrée : {level}.")
    if details.get("certifiante"):
        rncp = f" (RNCP {details['rncp']})" if details.get("rncp") else ""
        lines.append(f"Formation certifiante{rncp}.")
    funders = [FINANCEURS_LHEO[c] for c in details.get("financeurs", ()) if c in FINANCEURS_LHEO]
    if funders:
        lines.append("Financement possible : " + ", ".join(dict.fromkeys(funders)) + ".")
    if details.get("objectif"):
        lines.append("Objectif : " + shorten(details["objectif"]))
    if details.get("contenu"):
        lines.append("Au programme : " + shorten(details["contenu"]))
    contact = details.get("telephone") or details.get("courriel")
    if contact:
        lines.append(f"Contact de l'organisme : {contact}.")
    return "\n".join(lines)


def kiosk_text(job, conseil: str) -> str:
    """A job told to pupils: in short, what you may like, what to know, the school paths."""
    lines = [f"{job.titre_eleve} : {job.en_bref}", "Ce métier est fait pour toi si :"]
    lines += [f"• {item}" for item in job.on_aime_si]
    lines.append("À savoir :")
    lines += [f"• {item}" for item in job.a_savoir]
    lines.append("Comment y arriver :")
    lines += [f"{number}. {step}" for number, step in enumerate(job.voies, 1)]
    lines.append(conseil)
    return "\n".join(lines)
