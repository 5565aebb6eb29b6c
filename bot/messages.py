"""What the assistant says about jobs, trainings and results: the texts of data/textes.yml filled
with the catalog and the reference files, and the contract's custom payloads.

Every bot message keeps a plain text for text-only channels; the `sessions` and `parcours`
payloads (docs/contrat.md, "Messages que les canaux affichent") are built here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot.catalog.search import MODALITES
from bot.contract import NIVEAUX
from bot.criteria import Criteria, financeurs
from bot.geo import Commune
from bot.jobs import Metier
from bot.kiosk import KioskJob, audience
from bot.paths import Etape
from bot.results import PAGE_SIZE
from bot.text import MESSAGE_MAX_CHARS
from bot.wording import VOUS, has, say


def french_date(iso: str | None) -> str:
    """ "2027-01-15" → "15 janvier 2027"; 1st of the month → "1er"."""
    if not iso:
        return say("date.a_confirmer")
    day = dt.date.fromisoformat(iso)
    month = say(f"mois.{day.month}")
    if day.day == 1:
        return say("date.premier", mois=month, annee=day.year)
    return say("date.jour", jour=day.day, mois=month, annee=day.year)


def criteria_labels(criteria: Criteria) -> list[str]:
    """Each criterion set, in words: ["à partir du 1er mars 2027", "en alternance"]."""
    labels = []
    if criteria.debut_apres and criteria.debut_avant:
        labels.append(
            say(
                "criteres.debut_entre",
                debut=french_date(criteria.debut_apres.isoformat()),
                fin=french_date(criteria.debut_avant.isoformat()),
            )
        )
    elif criteria.debut_apres:
        labels.append(say("criteres.debut_apres", date=french_date(criteria.debut_apres.isoformat())))
    elif criteria.debut_avant:
        labels.append(say("criteres.debut_avant", date=french_date(criteria.debut_avant.isoformat())))
    if criteria.alternance:
        labels.append(say("criteres.alternance"))
    if criteria.modalite:
        labels.append(say(f"criteres.modalite.{criteria.modalite}"))
    if criteria.heures_max:
        labels.append(say("criteres.heures_max", heures=criteria.heures_max))
    if criteria.finance_pour:
        labels.append(say(f"criteres.finance_pour.{criteria.finance_pour}"))
    if criteria.financeur:
        key = f"lheo_financeur.{criteria.financeur}"
        name = say(key) if has(key) else financeurs()[criteria.financeur].libelle
        labels.append(say("criteres.financeur", financeur=name))
    if criteria.temps:
        labels.append(say(f"criteres.temps.{criteria.temps}"))
    if criteria.handicap:
        labels.append(say("criteres.handicap"))
    return labels


def criteria_text(criteria: Criteria) -> str:
    """ "à partir du 1er mars 2027, en alternance" ("" without criteria)."""
    return ", ".join(criteria_labels(criteria))


def km(value: float) -> str:
    """French decimal: 18.7 → "18,7 km"."""
    return say("distance", km=f"{value:.1f}".replace(".", ","))


def modalite_label(modalite: str) -> str:
    """ "presentiel" → "sur place"."""
    return say(f"modalites.{modalite}")


def niveau_label(niveau: str) -> str:
    """ "sans_diplome" → "sans diplôme"."""
    return say(f"niveaux.{niveau}")


def either(labels: Iterable[str], key: str = "metier.ou") -> str:
    """ "CAP, bac ou bac+2"."""
    items = list(labels)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + say(key) + items[-1]


def session_line(session: dict) -> str:
    """One session in a list, for text-only channels."""
    if session["modalite"] == "distanciel":
        where = modalite_label("distanciel")
    else:
        where = session["ville"] or say("resultats.lieu_a_confirmer")
    if session["distance_km"] is not None:
        where = say("resultats.session_distance", ville=where, distance=km(session["distance_km"]))
    if session["modalite"] == "mixte":
        where = say("resultats.session_mixte", lieu=where)
    return say(
        "resultats.session",
        intitule=session["intitule"],
        organisme=session["organisme"],
        lieu=where,
        debut=french_date(session["debut"]),
        fin=say("resultats.session_fin", fin=french_date(session["fin"])) if session["fin"] else "",
        places=say("resultats.session_places", places=session["places"]) if session["places"] else "",
    )


def metier_ref(metier: Metier) -> dict:
    return {"rome": metier.rome, "libelle": metier.libelle}


def sessions_payload(
    metier: Metier, commune: Commune, radius_km: float, sessions: list[dict], criteria: Criteria | None = None
) -> dict:
    """The `sessions` custom payload: one page, at most PAGE_SIZE, in search order, and the
    criteria set (docs/contrat.md, « Ajouts propres au projet »)."""
    criteria = criteria or Criteria()
    return {
        "type": "sessions",
        "metier": metier_ref(metier),
        "commune": {"insee": commune.insee, "nom": commune.nom},
        "rayon_km": radius_km,
        "sessions": sessions[:PAGE_SIZE],
        "criteres": {name: value for name, value in criteria.as_slots().items() if value is not None},
    }


def where_text(commune: Commune, radius_km: float, criteria: Criteria | None = None) -> str:
    """ "à moins de 30 km de Lens", and the criteria set."""
    described = criteria_text(criteria or Criteria())
    if described:
        return say("resultats.autour_criteres", rayon=f"{radius_km:g}", commune=commune.nom, criteres=described)
    return say("resultats.autour", rayon=f"{radius_km:g}", commune=commune.nom)


def sessions_text(
    metier: Metier,
    commune: Commune,
    radius_km: float,
    page: list[dict],
    start: int,
    total: int,
    register: str = VOUS,
    criteria: Criteria | None = None,
) -> str:
    """Introduces a page of sessions and lists them."""
    if start == 0:
        where = where_text(commune, radius_km, criteria)
        key = "intro_une" if len(page) == 1 else "intro_total" if total > len(page) else "intro"
        head = say(f"resultats.{key}", nombre=len(page), metier=metier.titre, ou=where, total=total)
    else:
        head = say("resultats.page", debut=start + 1, fin=start + len(page), total=total)
    lines = [head, *(session_line(s) for s in page)]
    if start + len(page) < total:
        lines.append(say("resultats.voir_plus", register))
    return "\n".join(lines)


def nothing_found_text(
    metier: Metier, commune: Commune, radius_km: float, nearest: dict | None, register: str = VOUS
) -> str:
    text = say("resultats.aucune", metier=metier.titre, rayon=f"{radius_km:g}", commune=commune.nom)
    if nearest:
        found = say(
            "resultats.plus_proche",
            ville=nearest["ville"],
            distance=km(nearest["distance_km"]),
            debut=french_date(nearest["debut"]),
        )
    else:
        found = say("resultats.nulle_part", register)
    return f"{text} {found}"


def path_payload(metier: Metier, steps: list[Etape]) -> dict:
    return {"type": "parcours", "metier": metier_ref(metier), "etapes": [step.as_payload() for step in steps]}


def path_text(metier: Metier, steps: list[Etape], niveau: str | None, register: str = VOUS) -> str:
    """The learning path in words, with a word on the entry level."""
    lines = [say("parcours.intro", register, metier=metier.titre)]
    for number, step in enumerate(steps, 1):
        hours = say("parcours.etape_heures", heures=step.heures) if step.heures else ""
        lines.append(say("parcours.etape", numero=number, intitule=step.intitule, heures=hours, pourquoi=step.pourquoi))
    if niveau == "sans_diplome" and "sans_diplome" in metier.niveaux:
        lines.append(say("parcours.sans_diplome", register))
    elif niveau and metier.niveaux and NIVEAUX.index(niveau) < NIVEAUX.index(metier.niveaux[0]):
        lines.append(say("parcours.niveau_habituel", register, niveau=niveau_label(metier.niveaux[0])))
    return "\n".join(lines)


def job_text(metier: Metier, employers: list[str]) -> str:
    """What a job is like, who it is open to, who hires."""
    lines = [say("metier.fiche", titre=metier.heading, rome=metier.rome, description=metier.description)]
    if metier.niveaux:
        key = "metier.ouvert_sans_diplome" if "sans_diplome" in metier.niveaux else "metier.ouvert"
        lines.append(say(key, niveaux=either(niveau_label(n) for n in metier.niveaux)))
    if employers:
        lines.append(say("metier.recrutent", employeurs=", ".join(employers)))
    return "\n".join(lines)


def jobs_text(metiers: list[Metier]) -> str:
    lines = [say("metier.liste_intro")]
    lines += [say("metier.liste_ligne", titre=m.titre, rome=m.rome) for m in metiers]
    lines.append(say("metier.liste_fin"))
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
    lines = [say("formation.titre", intitule=details["intitule"], organisme=details["organisme"])]
    hours = sorted({a["heures"] for a in details["actions"] if a["heures"]})
    if hours:
        durations = either((say("formation.heures", heures=h) for h in hours), "formation.ou")
        lines.append(say("formation.duree", heures=durations))
    modes = sorted(
        {modalite_label(MODALITES.get(a["modalite_enseignement"], "presentiel")) for a in details["actions"]}
    )
    lines.append(say("formation.lieu", modalites=either(modes, "formation.ou")))
    if any(a["entrees_sorties_permanentes"] for a in details["actions"]):
        lines.append(say("formation.entree_permanente"))
    level = details.get("niveau_entree")
    if level and has(f"lheo_niveau.{level}"):
        lines.append(say("formation.niveau", niveau=say(f"lheo_niveau.{level}")))
    if details.get("certifiante"):
        rncp = details.get("rncp")
        lines.append(say("formation.certifiante_rncp", rncp=rncp) if rncp else say("formation.certifiante"))
    funders = [say(f"lheo_financeur.{c}") for c in details.get("financeurs", ()) if has(f"lheo_financeur.{c}")]
    if funders:
        lines.append(say("formation.financement", financeurs=", ".join(dict.fromkeys(funders))))
    if details.get("objectif"):
        lines.append(say("formation.objectif", texte=shorten(details["objectif"])))
    if details.get("contenu"):
        lines.append(say("formation.programme", texte=shorten(details["contenu"])))
    contact = details.get("telephone") or details.get("courriel")
    if contact:
        lines.append(say("formation.contact", contact=contact))
    return "\n".join(lines)


def kiosk_text(job: KioskJob, at_kiosk: bool = True) -> str:
    """A job told to pupils: in short, what you may like, what to know, the school paths, whom
    to talk to."""
    lines = [say("eleve.fiche", titre=job.titre_eleve, en_bref=job.en_bref), say("eleve.pour_toi")]
    lines += [say("eleve.puce", texte=item) for item in job.on_aime_si]
    lines.append(say("eleve.a_savoir"))
    lines += [say("eleve.puce", texte=item) for item in job.a_savoir]
    lines.append(say("eleve.comment"))
    lines += [say("eleve.etape", numero=number, texte=step) for number, step in enumerate(job.voies, 1)]
    lines.append(say("borne.conseil" if at_kiosk else "eleve.conseil"))
    return "\n".join(lines)


def _register_of(metadata: object) -> str:
    mode = metadata.get("mode") if isinstance(metadata, dict) else None
    return audience(mode if isinstance(mode, str) else None).register


def too_long_answer(metadata: object) -> str:
    """The answer to a message over the size limit, in the register of the channel's mode."""
    return say("technique.message_trop_long", _register_of(metadata), maximum=MESSAGE_MAX_CHARS)


def unavailable_answer(metadata: object) -> str:
    """The answer while the conversations' database does not answer."""
    return say("technique.indisponible", _register_of(metadata))
