"""Builds minimal LHEO 2.2/2.3 documents (tests, benchmark), elements in the schema's order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

NS_23 = "http://lheo.gouv.fr/2.3"
NS_22 = "http://www.lheo.org/2.2"


def session(
    numero: str, debut: str = "20270115", fin: str = "20270415", etat: int | None = None, places: int | None = None
) -> str:
    recrutement = (
        f"<recrutement><modalite-recrutement>1</modalite-recrutement><nb-places>{places}</nb-places></recrutement>"
        if places is not None
        else ""
    )
    etat_xml = f"<etat-recrutement>{etat}</etat-recrutement>" if etat is not None else ""
    return (
        f'<session numero="{numero}"><periode><debut>{debut}</debut><fin>{fin}</fin></periode>'
        f"<adresse-inscription><adresse><ligne>1 rue de l'Exemple</ligne><codepostal>62300</codepostal>"
        f"<ville>Lens</ville></adresse></adresse-inscription>{etat_xml}{recrutement}</session>"
    )


def lieu(
    insee: str | None = None,
    codepostal: str = "00000",
    ville: str = "",
    lat: float | str | None = None,
    lon: float | str | None = None,
    adresse: bool = True,
) -> str:
    """A place; lat/lon as written (a number, or text such as "NC"); adresse=False: no <adresse>
    (the schema allows it)."""
    if not adresse:
        return "<lieu-de-formation><coordonnees><ligne>Plateau technique</ligne></coordonnees></lieu-de-formation>"
    parts = [f"<ligne>Plateau technique</ligne><codepostal>{codepostal}</codepostal><ville>{escape(ville)}</ville>"]
    if insee:
        parts.append(f"<code-INSEE-commune>{insee}</code-INSEE-commune>")
    if lat is not None:
        parts.append(f"<geolocalisation><latitude>{lat}</latitude><longitude>{lon}</longitude></geolocalisation>")
    return f"<lieu-de-formation><coordonnees><adresse>{''.join(parts)}</adresse></coordonnees></lieu-de-formation>"


def action(
    numero: str,
    sessions: Sequence[str],
    lieux: Sequence[str] = (),
    modalite: int = 0,
    permanent: int = 0,
    heures: int | None = 35,
    financeurs: tuple[tuple[str, int | None], ...] = (("2", None),),
    *,
    rythme: str = "Temps plein",
    publics: tuple[str, ...] = ("83056",),
    alternance: str = "-",
    handicap: str | None = None,
    pedagogie: tuple[str, ...] = (),
    heures_centre: int | None = None,
    heures_entreprise: int | None = None,
) -> str:
    """An action; financeurs: (code-financeur, nb-places-financees or None) of each funder;
    publics: code-public-vise; alternance: modalites-alternance; handicap: acces-handicapes;
    pedagogie: code-modalite-pedagogique."""
    hours = "".join(
        f"<{tag}>{value}</{tag}>"
        for tag, value in (
            ("nombre-heures-centre", heures_centre),
            ("nombre-heures-entreprise", heures_entreprise),
            ("nombre-heures-total", heures),
        )
        if value is not None
    )
    funders = "".join(
        f"<organisme-financeur><code-financeur>{code}</code-financeur>"
        + (f"<nb-places-financees>{places}</nb-places-financees>" if places is not None else "")
        + "</organisme-financeur>"
        for code, places in financeurs
    )
    publics_xml = "".join(f"<code-public-vise>{code}</code-public-vise>" for code in publics)
    handicap_xml = f"<acces-handicapes>{escape(handicap)}</acces-handicapes>" if handicap else ""
    pedagogie_xml = "".join(f"<code-modalite-pedagogique>{code}</code-modalite-pedagogique>" for code in pedagogie)
    return (
        f'<action numero="{numero}"><rythme-formation>{escape(rythme)}</rythme-formation>'
        f"{publics_xml}<niveau-entree-obligatoire>0</niveau-entree-obligatoire>"
        f"<modalites-alternance>{escape(alternance)}</modalites-alternance>"
        f"<modalites-enseignement>{modalite}</modalites-enseignement>"
        f"<conditions-specifiques>-</conditions-specifiques><prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>"
        f"{''.join(lieux)}<modalites-entrees-sorties>{permanent}</modalites-entrees-sorties>{''.join(sessions)}"
        f"{handicap_xml}{pedagogie_xml}{hours}{funders}</action>"
    )


def formation(
    numero: str,
    actions: list[str],
    romes: tuple[str, ...] = ("H2705",),
    intitule: str = "Pilote de ligne (test)",
    formacodes: tuple[str, ...] = ("24049",),
    objectif: str = "Conduire une ligne.",
    organisme: str = "Organisme fictif de test",
) -> str:
    codes = "".join(f'<code-FORMACODE ref="V12">{code}</code-FORMACODE>' for code in formacodes)
    codes += "".join(f"<code-ROME>{code}</code-ROME>" for code in romes)
    return (
        f'<formation numero="{numero}"><domaine-formation>{codes}</domaine-formation>'
        f"<intitule-formation>{escape(intitule)}</intitule-formation><objectif-formation>{escape(objectif)}</objectif-formation>"
        f"<resultats-attendus>Titre</resultats-attendus><contenu-formation>Modules</contenu-formation>"
        f"<certifiante>0</certifiante><contact-formation><coordonnees/></contact-formation>"
        f"<parcours-de-formation>1</parcours-de-formation><code-niveau-entree>1</code-niveau-entree>{''.join(actions)}"
        f"<organisme-formation-responsable><numero-activite>31620000062</numero-activite>"
        f"<SIRET-organisme-formation><SIRET>00000000000018</SIRET></SIRET-organisme-formation>"
        f"<nom-organisme>{escape(organisme)}</nom-organisme><raison-sociale>{escape(organisme)}</raison-sociale>"
        f"<coordonnees-organisme><coordonnees><adresse><ligne>1 rue de l'Exemple</ligne><codepostal>62300</codepostal>"
        f"<ville>Lens</ville></adresse><telfixe><numtel>03 53 01 00 00</numtel></telfixe>"
        f"<courriel>contact@example.org</courriel>"
        f"</coordonnees></coordonnees-organisme><contact-organisme><coordonnees/></contact-organisme>"
        f"</organisme-formation-responsable></formation>"
    )


def document(formations: list[str], namespace: str | None = NS_23) -> str:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<lheo{xmlns}><offres>{"".join(formations)}</offres></lheo>\n'


def write(path: Path, formations: list[str], namespace: str | None = NS_23) -> Path:
    path.write_text(document(formations, namespace), encoding="utf-8")
    return path
