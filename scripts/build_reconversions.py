"""Rebuild data/reference/reconversions.yml: for each current job people name, the battery jobs
closest to it, why, and which ROME 4.0 data says so.

Inputs, all in the repository:

- data/reference/sources/reconversions-projet.yml: the project's own part (the jobs, the words
  people type for them, the plain-French wording of the ROME items that count as skills);
- data/reference/sources/rome-v460/: an extract of France Travail's ROME 4.0 open data, CSV
  export version 460 (Licence Ouverte 2.0), rows copied unchanged (see
  data/reference/reconversions.PROVENANCE.md);
- data/reference/metiers.yml: the battery jobs (the targets), read through bot.jobs.

How a link is made (also written in the PROVENANCE file):

1. Candidates: the jobs of metiers.yml open without higher education (their `niveaux` include
   sans_diplome, cap or bac), other than the current job itself.
2. Evidence: the ROME mobility rows from the current job's sheet to the candidate's sheet (their
   rank kept), and the shared skills: ROME items (savoir-faire, savoirs, work contexts) listed on
   both sheets and worded in the project file. Score = distinct shared savoir-faire and savoirs
   + half the distinct shared work contexts.
3. A candidate qualifies with a ROME mobility or a score of at least 1. Diplomas, certificates
   and habilitations listed on a sheet never count (the person may not hold them), nor do
   generic items the project file leaves unworded (rigueur, port des EPI, travail le week-end…).
4. Order: ROME mobilities first, in the sheet's order, then by score; on a tie, the job open at
   the lowest level first, then battery-specific sheets, then by code. A current job that is
   itself a job of metiers.yml comes first ("the same job, in a battery factory"), followed by
   the two best candidates. Otherwise: the two best, then the best qualifying battery-specific
   sheet (batterie: true) if none is among them, else the third best. A job with fewer than two
   qualifying candidates is an error (it is left out of the project file).
5. The reason names up to two shared skills and one shared work context, in the project file's
   order.

Usage, from the repository root, with the project's virtual environment active:

    python scripts/build_reconversions.py                 # rebuild from the committed extract
    python scripts/build_reconversions.py --rome-dir DIR  # first refresh the extract from the
                                                          # full RefRomeCsv v460 files in DIR
    python scripts/build_reconversions.py --check         # exit 1 if the committed table is stale

The output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.jobs import NIVEAUX, Metier, vocabulary  # noqa: E402
from bot.reconversion import RECONVERSIONS_PATH, SAME_SHEET, Reconversions, appellation_forms, phrase_key  # noqa: E402

PROJECT_FILE = ROOT / "data" / "reference" / "sources" / "reconversions-projet.yml"
EXTRACT_DIR = ROOT / "data" / "reference" / "sources" / "rome-v460"

# France Travail's "RefRomeCsv" export, version 460: the files used and their SHA-256, as found
# in the public repositories named in the PROVENANCE file.
CODES = "unix_referentiel_code_rome_v460_utf8.csv"
APPELLATIONS = "unix_referentiel_appellation_v460_utf8.csv"
MOBILITIES = "unix_rubrique_mobilite_v460_utf8.csv"
LINKS = "unix_liens_rome_referentiels_v460_utf8.csv"
SKILLS = "unix_referentiel_competence_v460_utf8.csv"
KNOWLEDGE = "unix_referentiel_savoir_v460_utf8.csv"
CONTEXTS = "unix_referentiel_contexte_travail_v460_utf8.csv"
SHA256 = {
    CODES: "32da059c24c8f117983b47ac364b2471d50ff288af0003453c1f09108e8419d8",
    APPELLATIONS: "c73b219b7f89957cbd298efab1366a952ae3b2723965a01d520766104dabeb5d",
    MOBILITIES: "f7c9142af9c964a26748817ec998bb8b010b19165ff17989e689c5cff22cd17c",
    LINKS: "7f71ff5eb9b8c675f86d332457cf24c87d5727a27bc90a6bb65d3b9fd6a0cd27",
    SKILLS: "7ae79266bc96bf84bf21519676e07a24e6071b6d235306fc240185b7555f51e9",
    KNOWLEDGE: "7b3e2f6d700b7d77b76f6ed426099c17d76cee3b176bc13b45ad7d423434b037",
    CONTEXTS: "d1cb1acddc80c712931dd63d5a247d4463aceb8a6c51c31671c4db1dab8946d9",
}
# The columns the extract keeps from each file (values unchanged).
COLUMNS = {
    CODES: ["code_rome", "code_ogr", "libelle_rome", "code_rome_parent"],
    APPELLATIONS: ["code_ogr", "libelle_appellation_court", "code_rome", "peu_usite"],
    MOBILITIES: ["code_rome", "code_rome_cible", "numero_ordre"],
    LINKS: ["code_rome", "code_compo_bloc", "code_rubrique", "code_ogr"],
    SKILLS: ["code_ogr", "nature", "libelle_competence"],
    KNOWLEDGE: ["code_ogr_savoir", "libelle_savoir", "categorie_savoir"],
    CONTEXTS: ["code_ogr", "libelle_cont_travail", "libelle_type_cont_trav"],
}
# In the links file, block 5 holds the skills (rubrique 1 savoir-faire, 2 savoir-être, 3
# savoirs) and block 6 the work contexts. Savoir-être (generic: rigueur, esprit d'équipe) are
# not used.
SAVOIR_FAIRE, SAVOIR, CONTEXTE = "savoir-faire", "savoir", "contexte"
KINDS = {("5", "1"): SAVOIR_FAIRE, ("5", "3"): SAVOIR, ("6", ""): CONTEXTE}
# A sheet listing a diploma, a certificate or a habilitation does not mean the person holds it:
# these savoirs never make a link.
CERTIFICATIONS = "Certifications et habilitations"
ENTRY_LEVELS = {"sans_diplome", "cap", "bac"}
QUALIFYING_SCORE = 1.0  # one shared skill, or two shared work contexts
SAME_JOB = "C'est votre métier : il existe aussi dans les usines de batteries."
ARTICLES = ("le ", "la ", "l'", "les ")


@dataclass(frozen=True)
class Skill:
    """A ROME item the project counts as a skill, with its plain-French wording."""

    code: str
    kind: str
    label: str  # the ROME label
    en_clair: str

    @property
    def weight(self) -> float:
        return 0.5 if self.kind == CONTEXTE else 1.0


@dataclass(frozen=True)
class Rome:
    """What the extract says: sheet titles, appellations, mobilities, items of each sheet."""

    titles: dict[str, str]
    appellations: dict[str, list[str]]
    mobilities: dict[str, dict[str, int]]
    items: dict[str, set[str]]  # sheet -> item codes (savoir-faire, savoirs, contexts)
    labels: dict[str, tuple[str, str]]  # item code -> (kind, ROME label)
    certifications: set[str]  # savoirs that are diplomas, certificates or habilitations


@dataclass(frozen=True)
class Candidate:
    metier: Metier
    mobility: int | None  # rank in the current job's ROME mobility list
    shared: tuple[Skill, ...]  # in the project file's order

    @property
    def score(self) -> float:
        """Distinct shared skills (several ROME items may say the same thing), work contexts
        counting half."""
        return sum({skill.en_clair: skill.weight for skill in self.shared}.values())


# --- CSV rows, copied unchanged ------------------------------------------------------------------


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise ValueError(f"{path} : fichier vide")
    return rows[0], rows[1:]


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """Rows as France Travail writes them: every field quoted, LF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def column(header: list[str], name: str, path: Path) -> int:
    if name not in header:
        raise ValueError(f"{path} : colonne « {name} » absente")
    return header.index(name)


def read_full(rome_dir: Path, name: str) -> list[dict[str, str]]:
    """A full RefRomeCsv file, checked against its pinned SHA-256."""
    found = hashlib.sha256((rome_dir / name).read_bytes()).hexdigest()
    if found != SHA256[name]:
        raise ValueError(f"{rome_dir / name} : SHA-256 {found}, attendu {SHA256[name]}")
    header, rows = read_rows(rome_dir / name)
    for wanted in COLUMNS[name]:
        column(header, wanted, rome_dir / name)
    return [dict(zip(header, row, strict=True)) for row in rows]


def refresh_extract(rome_dir: Path, trades: set[str], targets: set[str]) -> None:
    """Copy from the full RefRomeCsv files the rows the table can use, values unchanged, with
    the columns of COLUMNS: the sheets of the current jobs and of the battery jobs, the current
    jobs' appellations and mobilities, and the items (savoir-faire, savoirs, work contexts) found
    both on a current job's sheet and on a battery job's sheet, with their labels."""
    full = {name: read_full(rome_dir, name) for name in COLUMNS}
    check_words_against_appellations(full[APPELLATIONS])
    links = [
        r
        for r in full[LINKS]
        if r["code_rome"] in trades | targets and (r["code_compo_bloc"], r["code_rubrique"]) in KINDS
    ]
    items = {r["code_ogr"] for r in links if r["code_rome"] in trades}
    items &= {r["code_ogr"] for r in links if r["code_rome"] in targets}
    kept = {
        LINKS: [r for r in links if r["code_ogr"] in items],
        CODES: [r for r in full[CODES] if r["code_rome"] in trades | targets],
        APPELLATIONS: [r for r in full[APPELLATIONS] if r["code_rome"] in trades],
        MOBILITIES: [r for r in full[MOBILITIES] if r["code_rome"] in trades],
        SKILLS: [r for r in full[SKILLS] if r["code_ogr"] in items],
        KNOWLEDGE: [r for r in full[KNOWLEDGE] if r["code_ogr_savoir"] in items],
        CONTEXTS: [r for r in full[CONTEXTS] if r["code_ogr"] in items],
    }
    EXTRACT_DIR.mkdir(parents=True, exist_ok=True)
    for name, rows in kept.items():
        text = csv_text(COLUMNS[name], [[r[c] for c in COLUMNS[name]] for r in rows])
        (EXTRACT_DIR / name).write_text(text, encoding="utf-8")


def check_words_against_appellations(appellations: list[dict[str, str]]) -> None:
    """No typed word of a job may be, word for word, an appellation of another ROME sheet."""
    owner: dict[tuple[str, ...], set[str]] = {}
    for row in appellations:
        for form in appellation_forms(row["libelle_appellation_court"]):
            owner.setdefault(phrase_key(form), set()).add(row["code_rome"])
    jobs, _ = load_project()
    wrong = [
        f"{job['rome']} « {word} » (appellation de {', '.join(sorted(owner[phrase_key(word)]))})"
        for job in jobs
        for word in job["mots"]
        if owner.get(phrase_key(word), {job["rome"]}) - {job["rome"]}
    ]
    if wrong:
        raise ValueError("mots rattachés à une autre fiche ROME : " + " ; ".join(wrong))


def load_extract(directory: Path = EXTRACT_DIR) -> Rome:
    def table(name: str) -> list[dict[str, str]]:
        header, rows = read_rows(directory / name)
        return [dict(zip(header, row, strict=True)) for row in rows]

    titles = {r["code_rome"]: r["libelle_rome"] for r in table(CODES)}
    appellations: dict[str, list[str]] = defaultdict(list)
    for r in table(APPELLATIONS):
        if r["peu_usite"] != "O":  # "peu usité": rarely used titles
            appellations[r["code_rome"]].append(r["libelle_appellation_court"])
    mobilities: dict[str, dict[str, int]] = defaultdict(dict)
    for r in table(MOBILITIES):
        mobilities[r["code_rome"]][r["code_rome_cible"]] = int(r["numero_ordre"])
    items: dict[str, set[str]] = defaultdict(set)
    for r in table(LINKS):
        items[r["code_rome"]].add(r["code_ogr"])
    labels = {r["code_ogr"]: (SAVOIR_FAIRE, r["libelle_competence"]) for r in table(SKILLS)}
    labels |= {r["code_ogr_savoir"]: (SAVOIR, r["libelle_savoir"]) for r in table(KNOWLEDGE)}
    labels |= {r["code_ogr"]: (CONTEXTE, r["libelle_cont_travail"]) for r in table(CONTEXTS)}
    certifications = {r["code_ogr_savoir"] for r in table(KNOWLEDGE) if r["categorie_savoir"] == CERTIFICATIONS}
    return Rome(titles, dict(appellations), dict(mobilities), dict(items), labels, certifications)


# --- the project file ----------------------------------------------------------------------------


def load_project(path: Path = PROJECT_FILE) -> tuple[list[dict], list[dict]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jobs, wordings = data.get("metiers") or [], data.get("competences") or []
    for what, codes in (("métiers", [j["rome"] for j in jobs]), ("compétences", [str(w["code"]) for w in wordings])):
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            raise ValueError(f"{path} : {what} en double : {', '.join(twice)}")
    return jobs, wordings


def skills(wordings: list[dict], rome: Rome) -> list[Skill]:
    """The worded items, checked against the extract's labels."""
    out = []
    for w in wordings:
        code, label, en_clair = str(w["code"]), str(w["rome"]), str(w["en_clair"])
        if code not in rome.labels:
            raise ValueError(f"{PROJECT_FILE} : compétence {code} absente de l'extrait ROME")
        kind, source_label = rome.labels[code]
        if source_label != label:
            raise ValueError(f"{PROJECT_FILE} : compétence {code} : le ROME dit « {source_label} », pas « {label} »")
        if not en_clair or en_clair != en_clair.strip() or en_clair[0].isupper():
            raise ValueError(f"{PROJECT_FILE} : compétence {code} : formulation invalide « {en_clair} »")
        if code in rome.certifications:
            raise ValueError(f"{PROJECT_FILE} : compétence {code} : un diplôme ou une habilitation ne compte pas")
        out.append(Skill(code, kind, label, en_clair))
    return out


# --- links and reasons ---------------------------------------------------------------------------


def join_fr(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def reason(candidate: Candidate) -> str:
    """One plain French line naming up to two shared skills and one shared work context."""
    distinct = list({s.en_clair: s for s in reversed(candidate.shared)}.values())[::-1]
    abilities = [s for s in distinct if s.kind != CONTEXTE]
    contexts = [s for s in distinct if s.kind == CONTEXTE]
    named = abilities[:2] + contexts[:1]
    named += (abilities[2:] + contexts[1:])[: 3 - len(named)]
    named.sort(key=distinct.index)
    verbs = [s.en_clair for s in named if not s.en_clair.startswith(ARTICLES)]
    nouns = [s.en_clair for s in named if s.en_clair.startswith(ARTICLES)]
    clauses = []
    if verbs:
        clauses.append("vous savez déjà " + join_fr(verbs))
    if nouns:
        clauses.append(("vous connaissez " if verbs else "vous connaissez déjà ") + join_fr(nouns))
    text = " ; ".join(clauses)
    if candidate.mobility is None:
        return text[0].upper() + text[1:] + "."
    return f"Passerelle prévue par le ROME : {text}." if text else "Passerelle prévue par le ROME depuis votre métier."


def ranked(code: str, rome: Rome, known: list[Skill]) -> list[Candidate]:
    """Every candidate battery job for a current job, best first."""
    found = []
    for metier in vocabulary().all():
        if metier.rome == code or not ENTRY_LEVELS & set(metier.niveaux):
            continue
        both = rome.items.get(code, set()) & rome.items.get(metier.rome, set())
        shared = tuple(s for s in known if s.code in both)
        found.append(Candidate(metier, rome.mobilities.get(code, {}).get(metier.rome), shared))
    found.sort(
        key=lambda c: (
            c.mobility is None,
            c.mobility or 0,
            -c.score,
            min(NIVEAUX.index(n) for n in c.metier.niveaux),
            not c.metier.batterie,
            c.metier.rome,
        )
    )
    return found


def links(code: str, rome: Rome, known: list[Skill]) -> list[dict]:
    """The 2-3 links of a current job, as written in the table."""
    found = ranked(code, rome, known)
    qualifying = [c for c in found if c.mobility is not None or c.score >= QUALIFYING_SCORE]
    chosen = qualifying[:2]
    same_job = vocabulary().by_rome(code) is not None
    if not same_job:
        battery = [c for c in qualifying if c.metier.batterie]
        if battery and not any(c.metier.batterie for c in chosen):
            chosen.append(battery[0])
        else:
            chosen += qualifying[2:3]
    if len(chosen) < 2:
        raise ValueError(f"{code} : moins de deux métiers de la batterie proches ; ajoutez des compétences")
    out = [{"rome": code, "raison": SAME_JOB, "source": SAME_SHEET}] if same_job else []
    for c in chosen:
        entry: dict = {"rome": c.metier.rome, "raison": reason(c)}
        if c.mobility is not None:
            entry["mobilite_rome"] = c.mobility
        if c.shared:
            entry["communs"] = [f"{s.code} {s.label}" for s in c.shared]
        out.append(entry)
    return out


# --- the table -----------------------------------------------------------------------------------

HEADER = """\
# Career changers: the current (or former) jobs the assistant recognises, and for each the battery
# jobs of data/reference/metiers.yml closest to it, with the reason (shared skills) and its
# source. Read by bot/reconversion.py.
#
# GENERATED by scripts/build_reconversions.py: do not edit. Edit
# data/reference/sources/reconversions-projet.yml and run `make data`.
#
# Sources (data/reference/reconversions.PROVENANCE.md): France Travail, ROME 4.0 open data
# (Répertoire Opérationnel des Métiers et des Emplois), CSV export version 460, Licence Ouverte /
# Open Licence 2.0, extract in data/reference/sources/rome-v460/: `libelle`, `appellations`,
# `mobilite_rome` and `communs` come from it. `secteur`, `libelle_m`, `libelle_f`, `mots` and the
# wording of `raison` are the project's own (EUPL-1.2).
#
# Fields: rome, libelle (official ROME 4.0 title), secteur, libelle_m / libelle_f (the job as
# people say it), mots (what people type for it), appellations (ROME appellations of the sheet,
# rarely used ones left out), proches (2-3 battery jobs, best first): rome (a job of
# metiers.yml), raison (one plain French line), mobilite_rome (rank of the sheet in the ROME
# mobilities of the current job, when ROME lists it), communs (the shared ROME items:
# savoir-faire, savoirs, work contexts, as "code label"), or source: même fiche ROME.
#
"""


def render() -> str:
    """The whole table, as committed."""
    rome = load_extract()
    jobs, wordings = load_project()
    known = skills(wordings, rome)
    entries = []
    for job in jobs:
        code = job["rome"]
        if code not in rome.titles:
            raise ValueError(f"{PROJECT_FILE} : {code} absent de l'extrait ROME (relancez avec --rome-dir)")
        entries.append(
            {
                "rome": code,
                "libelle": rome.titles[code],
                "secteur": job["secteur"],
                "libelle_m": job["libelle_m"],
                "libelle_f": job["libelle_f"],
                "mots": list(job["mots"]),
                "appellations": rome.appellations.get(code, []),
                "proches": links(code, rome, known),
            }
        )
    sectors = Counter(e["secteur"] for e in entries)
    proches = [p for e in entries for p in e["proches"]]
    coverage = [
        f"# Coverage: {len(entries)} jobs ({', '.join(f'{s} {n}' for s, n in sorted(sectors.items()))});",
        f"# {len(proches)} links: {sum('mobilite_rome' in p for p in proches)} ROME mobilities, "
        f"{sum('communs' in p and 'mobilite_rome' not in p for p in proches)} shared skills only, "
        f"{sum('source' in p for p in proches)} same job; "
        f"{sum(1 for e in entries if any(vocabulary().by_rome(p['rome']).batterie for p in e['proches']))} jobs "
        "lead to a battery-specific sheet.",
    ]
    body = yaml.safe_dump({"metiers": entries}, allow_unicode=True, sort_keys=False, width=1000)
    text = HEADER + "\n".join(coverage) + "\n\n" + body
    Reconversions.from_text(text, "reconversions.yml (généré)")  # the reader's checks
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rome-dir", type=Path, help="full RefRomeCsv v460 files: refresh the extract first")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed table is not up to date")
    args = parser.parse_args(argv)
    if args.rome_dir:
        jobs, _ = load_project()
        refresh_extract(args.rome_dir, {j["rome"] for j in jobs}, {m.rome for m in vocabulary().all()})
    text = render()
    if args.check:
        if RECONVERSIONS_PATH.read_text(encoding="utf-8") != text:
            print(
                f"{RECONVERSIONS_PATH} n'est pas à jour : lancez python scripts/build_reconversions.py", file=sys.stderr
            )
            return 1
        return 0
    RECONVERSIONS_PATH.write_text(text, encoding="utf-8")
    print(f"{RECONVERSIONS_PATH.relative_to(ROOT)} : {text.count(chr(10) + '- rome: ')} métiers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
