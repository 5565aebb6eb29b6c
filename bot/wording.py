"""Everything the assistant says in its own words, from data/textes.yml: one template per key, in
the person's register (« vous » by default, « tu » for pupils and at the school kiosk).

    say("resultats.aucun", metier="cariste", rayon="30", commune="Lens")

Content that comes with its sources (job sheets, the kiosk's job stories, funding advice, the
catalog's texts) stays in its own reference file; the templates here place it in a sentence.
"""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path

import yaml

from bot.config import DATA_DIR

TEXTES_PATH = DATA_DIR / "textes.yml"
VOUS, TU = "vous", "tu"
REGISTERS = (VOUS, TU)


class WordingError(ValueError):
    """data/textes.yml cannot be used; the message says where."""


def say(key: str, register: str = VOUS, **values: object) -> str:
    """The text of `key` in `register` (the « vous » text when there is no « tu » one), its
    {fields} filled with `values`."""
    entry = _templates(TEXTES_PATH).get(key)
    if entry is None:
        raise KeyError(f"texte inconnu : {key}")
    template = entry.get(register) or entry[VOUS]
    try:
        return template.format(**values)
    except KeyError as missing:
        raise KeyError(f"texte {key} : valeur manquante {missing}") from None


def keys() -> list[str]:
    return sorted(_templates(TEXTES_PATH))


def fields(key: str) -> set[str]:
    """The names of the {fields} of a text (all registers)."""
    return {name for template in _templates(TEXTES_PATH)[key].values() for name in _field_names(template)}


def has(key: str) -> bool:
    return key in _templates(TEXTES_PATH)


def line_patterns() -> list[tuple[re.Pattern[str], bool]]:
    """(regular expression, has words of its own) for each line of every template; each field
    is a group matching any text. Every line the assistant sends matches one of them; a line
    without words of its own ("• {point}") may only place the values of reference files
    (tests/test_wording.py)."""
    return _line_patterns(TEXTES_PATH)


@functools.cache
def _line_patterns(path: Path) -> list[tuple[re.Pattern[str], bool]]:
    patterns = set()
    for entry in _templates(path).values():
        for template in entry.values():
            for line in template.split("\n"):
                regex = ""
                for literal, field, _spec, _conversion in string.Formatter().parse(line):
                    regex += re.escape(literal)
                    if field is not None:
                        regex += "(.*?)"
                patterns.add((regex, _has_words(line)))
    return [(re.compile(regex, re.DOTALL), words) for regex, words in sorted(patterns)]


def _has_words(line: str) -> bool:
    return bool(re.search(r"\w", "".join(literal for literal, *_ in string.Formatter().parse(line))))


def _field_names(template: str) -> list[str]:
    return [field for _literal, field, _spec, _conv in string.Formatter().parse(template) if field is not None]


@functools.cache
def _templates(path: Path) -> dict[str, dict[str, str]]:
    """Reads and checks the file: nested keys become dotted keys ("resultats.aucun"); a text is
    a string, or a mapping of registers."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise WordingError(f"{path} : YAML illisible ({error})") from None
    if not isinstance(data, dict):
        raise WordingError(f"{path} : le fichier doit contenir un dictionnaire")
    flat: dict[str, dict[str, str]] = {}
    _flatten(path, "", data, flat)
    return flat


def _flatten(path: Path, prefix: str, node: dict, flat: dict[str, dict[str, str]]) -> None:
    for name, value in node.items():
        key = f"{prefix}{name}"
        if isinstance(value, str):
            flat[key] = {VOUS: _checked(path, key, value)}
        elif isinstance(value, dict) and value and set(value) <= set(REGISTERS):
            if VOUS not in value:
                raise WordingError(f"{path} : {key} : le texte « vous » manque")
            flat[key] = {register: _checked(path, f"{key}.{register}", text) for register, text in value.items()}
            if set(_field_names(flat[key][VOUS])) != set(_field_names(flat[key].get(TU, flat[key][VOUS]))):
                raise WordingError(f"{path} : {key} : les textes « vous » et « tu » n'ont pas les mêmes champs")
        elif isinstance(value, dict) and value:
            _flatten(path, f"{key}.", value, flat)
        else:
            raise WordingError(f"{path} : {key} : texte ou groupe de textes attendu")


def _checked(path: Path, key: str, text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise WordingError(f"{path} : {key} : texte vide")
    text = text.strip("\n")
    try:
        list(string.Formatter().parse(text))
    except ValueError as error:
        raise WordingError(f"{path} : {key} : accolades mal formées ({error})") from None
    return text
