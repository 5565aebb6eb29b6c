"""docs/contrat.md stays the single reference: domain.yml, the command line and the session
object say what it says, and what this version lacks is listed in "État de la mise en œuvre".

Every list is read from the Markdown of docs/contrat.md, never copied here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess

import pytest
import yaml

from bot.catalog import lheo_writer as w
from bot.catalog.db import engine
from bot.catalog.lheo import import_file
from bot.catalog.search import search_sessions
from bot.cli import build_parser
from bot.config import ROOT
from bot.geo import gazetteer

CONTRACT = ROOT / "docs" / "contrat.md"
ADDITIONS = "Ajouts propres au projet"
STATUS = "État de la mise en œuvre"
CODE_SPAN = re.compile(r"`([^`]+)`")
OPTION = re.compile(r"--[a-z][a-z-]*")
CLI = "python -m bot"


def sections(text: str) -> dict[tuple[str, ...], str]:
    """The own text of every heading (up to the next heading), keyed by the titles from the
    level-2 heading down, e.g. ("Noms du dialogue", "Intents")."""
    found: dict[tuple[str, ...], list[str]] = {}
    path: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        heading = None if fenced else re.match(r"(#{2,6}) (.+)", line)
        if heading:
            depth = len(heading.group(1)) - 2
            path = [*path[:depth], heading.group(2).strip()]
            found[tuple(path)] = []
        elif path:
            found[tuple(path)].append(line)
    return {key: "\n".join(lines) for key, lines in found.items()}


def bullets(body: str) -> list[list[str]]:
    """The code spans of each top-level bullet of a section (a bullet goes on over indented lines)."""
    items: list[str] = []
    for line in body.splitlines():
        if line.startswith("- "):
            items.append(line)
        elif items and line.startswith("  "):
            items[-1] += "\n" + line
    return [CODE_SPAN.findall(item) for item in items]


def names(body: str) -> list[str]:
    """The names a section declares: the first code span of each bullet."""
    return [spans[0] for spans in bullets(body) if spans]


def table_names(body: str) -> list[str]:
    """The names a table declares: its first column, in code spans."""
    return [row.split("|")[1].strip().strip("`") for row in body.splitlines() if row.startswith("| `")]


def command(span: str) -> tuple[tuple[str, ...], set[str]]:
    """`python -m bot catalog search --rome CODE …` → (("catalog", "search"), {"--rome", …})."""
    words = span[len(CLI) :].split()
    path = []
    for word in words:
        if not re.fullmatch(r"[a-z]+", word):
            break
        path.append(word)
    return tuple(path), set(OPTION.findall(span))


def documented_commands(doc: dict[tuple[str, ...], str], part) -> dict[tuple[str, ...], set[str]]:
    """Commands that have a heading `python -m bot …`, with the options their section names."""
    found = {}
    for key, body in doc.items():
        title = CODE_SPAN.fullmatch(key[-1])
        if title and title.group(1).startswith(CLI) and part(key[0]):
            path, _ = command(title.group(1))
            found[path] = {option for span in CODE_SPAN.findall(body) for option in OPTION.findall(span)}
    return found


def parser_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], set[str]]:
    """Every command of the real parser with its long options (--help aside)."""
    subcommands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subcommands:
        return {prefix: {o for a in parser._actions for o in a.option_strings if o.startswith("--")} - {"--help"}}
    found = {}
    for group in subcommands:
        for name, child in group.choices.items():
            found.update(parser_commands(child, (*prefix, name)))
    return found


DOC = sections(CONTRACT.read_text(encoding="utf-8"))
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
CONTRACT_COMMANDS = documented_commands(DOC, lambda top: top not in (ADDITIONS, STATUS))
PROJECT_COMMANDS = documented_commands(DOC, lambda top: top == ADDITIONS)
PARSER_COMMANDS = parser_commands(build_parser())


def listed_missing() -> tuple[set[tuple[str, ...]], dict[tuple[str, ...], set[str]]]:
    """Commands (named without options) and options that "État de la mise en œuvre" lists as missing."""
    commands, options = set(), {}
    for span in CODE_SPAN.findall(DOC[(STATUS, "Ligne de commande")]):
        if span.startswith(CLI):
            path, named = command(span)
            if named:
                options.setdefault(path, set()).update(named)
            else:
                commands.add(path)
    return commands, options


MISSING_COMMANDS, MISSING_OPTIONS = listed_missing()


def _declared_names(entries) -> list[str]:
    return [entry if isinstance(entry, str) else next(iter(entry)) for entry in entries]


def test_the_contract_declares_its_lists():
    """The parsing below finds something: an empty list would make every check pass."""
    assert len(names(DOC[("Noms du dialogue", "Intents")])) >= 10
    assert len(names(DOC[("Noms du dialogue", "Entités")])) >= 5
    assert len(names(DOC[("Noms du dialogue", "Slots du formulaire de profil")])) >= 3
    assert ("catalog", "search") in CONTRACT_COMMANDS and len(CONTRACT_COMMANDS[("catalog", "search")]) >= 5


def test_intents_are_the_contract_plus_the_project_additions():
    contract = names(DOC[("Noms du dialogue", "Intents")])
    added = names(DOC[(ADDITIONS, "Intents")])
    assert not set(contract) & set(added), "un ajout du projet répète un nom du contrat"
    assert sorted(_declared_names(DOMAIN["intents"])) == sorted(contract + added)


def test_entities_are_the_contract_plus_the_project_additions():
    contract = names(DOC[("Noms du dialogue", "Entités")])
    added = names(DOC[(ADDITIONS, "Entités")])
    assert sorted(_declared_names(DOMAIN["entities"])) == sorted(contract + added)


def test_categorical_slots_have_the_contract_values():
    """statut and niveau: the values the contract gives the entity are the slot's values."""
    checked = 0
    for spans in bullets(DOC[("Noms du dialogue", "Entités")]):
        slot = DOMAIN["slots"].get(spans[0], {})
        if slot.get("type") == "categorical":
            assert [str(v) for v in slot["values"]] == spans[1:], spans[0]
            checked += 1
    assert checked >= 2


def test_profile_form_asks_the_contract_slots_and_other_slots_are_listed_as_additions():
    profile = names(DOC[("Noms du dialogue", "Slots du formulaire de profil")])
    added = names(DOC[(ADDITIONS, "Slots")])
    assert sorted(DOMAIN["forms"]["profile_form"]["required_slots"]) == sorted(profile)
    assert not set(profile) & set(added)
    assert sorted(DOMAIN["slots"]) == sorted(profile + added)


CONTRACT_CLI_ITEMS = [(path, None) for path in CONTRACT_COMMANDS] + [
    (path, option) for path, options in CONTRACT_COMMANDS.items() for option in sorted(options)
]


@pytest.mark.parametrize(
    "path, option", CONTRACT_CLI_ITEMS, ids=[" ".join(p) + (f" {o}" if o else "") for p, o in CONTRACT_CLI_ITEMS]
)
def test_contract_command_line_is_implemented_or_listed_as_missing(path, option):
    """Each command and option of the contract exists in bot/cli.py's parser, or "État de la mise
    en œuvre" lists it as missing — never both, never neither."""
    implemented = path in PARSER_COMMANDS and (option is None or option in PARSER_COMMANDS[path])
    listed = path in MISSING_COMMANDS or option in MISSING_OPTIONS.get(path, set())
    what = " ".join((CLI, *path, *([option] if option else [])))
    assert not (implemented and listed), f"« {what} » existe mais « {STATUS} » la dit absente"
    assert implemented or listed, f"« {what} » n'existe pas et « {STATUS} » ne le dit pas"


def test_missing_items_are_items_of_the_contract():
    for path in MISSING_COMMANDS:
        assert path in CONTRACT_COMMANDS, path
    for path, options in MISSING_OPTIONS.items():
        assert options <= CONTRACT_COMMANDS.get(path, set()), (path, options)


def test_every_command_and_option_of_the_parser_is_documented():
    for path, options in PARSER_COMMANDS.items():
        documented = CONTRACT_COMMANDS.get(path, set()) | PROJECT_COMMANDS.get(path, set())
        assert path in CONTRACT_COMMANDS or path in PROJECT_COMMANDS, f"{CLI} {' '.join(path)} non documentée"
        assert options <= documented, f"{CLI} {' '.join(path)} : options non documentées {options - documented}"


def test_session_objects_have_the_contract_fields_but_those_listed_as_missing(tmp_path):
    """A real import and search: the JSON fields are the contract's, less the listed ones, plus
    the project's additions."""
    fields = set(table_names(DOC[("Objet session",)]))
    missing = set(names(DOC.get((STATUS, "Champs absents de l'objet session"), "")))
    added = set(table_names(DOC[(ADDITIONS, "Champs de l'objet session")]))
    assert missing <= fields and len(fields) >= 10 and added and not added & fields
    lens = gazetteer().by_insee("62498")
    catalog = engine(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    session = w.session("S1", "20270115", "20270415", places=8)
    offer = w.formation("F1", [w.action("A1", [session], [w.lieu(lens.insee)])])
    import_file(catalog, w.write(tmp_path / "offre.xml", [offer]), progress=None)
    hits = search_sessions(catalog, "H2705", lens.lat, lens.lon, 10, dt.date(2027, 1, 1))
    assert [hit.session_id for hit in hits] == ["S1"]
    assert set(hits[0].as_json()) == (fields - missing) | added


# Written with character classes so that this file does not match its own patterns.
OUTSIDE = re.compile(r"\.\./share[d]|/wor[k]/|/hom[e]/\w|/roo[t]/|/User[s]/\w|[A-Z]:\\User[s]\\")


def test_no_committed_file_points_outside_the_repository():
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    paths = [p for p in listed.decode().split("\0") if p]
    assert "docs/contrat.md" in paths
    found = []
    for path in paths:
        data = (ROOT / path).read_bytes() if (ROOT / path).is_file() else b""
        if b"\0" in data:
            continue  # binary
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path}:{number}: {line.strip()}")
    assert not found, "chemins hors du dépôt :\n" + "\n".join(found)
