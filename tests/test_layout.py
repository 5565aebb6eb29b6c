"""The rooms of the project and the way imports go between them (README, « Architecture »):
`bot` is the domain and imports no framework and no other room; `actions` adapts Rasa to `bot`
and never imports serving code; `serve` and `addons` sit on top; `privacy` stands alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.config import ROOT

FORBIDDEN = {
    "bot": {"rasa", "rasa_sdk", "actions", "addons", "serve", "sanic", "aiohttp"},
    "actions": {"addons", "serve", "rasa"},
    "privacy": {"bot", "actions", "addons", "serve", "rasa", "rasa_sdk"},
    "addons": {"serve", "actions"},
    "serve": {"actions", "addons"},
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_each_room_imports_only_what_it_may(room):
    files = sorted((ROOT / room).rglob("*.py"))
    assert files, room
    wrong = {str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[room]) for path in files}
    assert {path: found for path, found in wrong.items() if found} == {}


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_the_readme_layout_names_every_folder_and_only_what_exists():
    import re
    import subprocess

    section = _readme_section("Organisation du dépôt") + _readme_section("Architecture")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    folders = {path.split("/")[0] for path in tracked if "/" in path and not path.startswith(".")}
    assert {f for f in folders if f"`{f}/`" not in section} == set()
    named = set(re.findall(r"`((?:[\w.-]+/)+[\w.-]*)`", section)) | set(
        re.findall(r"\b((?:[\w-]+/)+[\w-]+\.(?:py|js|yml))", section)
    )
    missing = sorted(p for p in named if not (ROOT / p).exists() and not any((ROOT / d / p).exists() for d in folders))
    assert missing == []
