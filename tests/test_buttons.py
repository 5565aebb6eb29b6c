"""A button's label typed by hand stands for the button (bot/buttons.py; addons/typed_buttons.py
reads the message as the button's payload on every channel)."""

from __future__ import annotations

import pytest

from bot.buttons import is_pressed, parse_payload, typed_button

OFFERED = [
    {"title": "10 km", "payload": '/inform{"rayon_km": "10"}'},
    {"title": "Peu importe", "payload": '/inform{"rayon_km": "30"}'},
    {"title": "Saint-Omer (Pas-de-Calais)", "payload": '/inform{"commune": "insee:62765"}'},
    {"title": "Saint-Omer (Calvados)", "payload": '/inform{"commune": "insee:14635"}'},
    {"title": "Qui recrute ?", "payload": "/ask_employers"},
    {"title": "Voir le site", "url": "https://example.org"},
]


@pytest.mark.parametrize(
    "typed,intent,entities",
    [
        ("Peu importe", "inform", {"rayon_km": "30"}),
        ("peu importe !", "inform", {"rayon_km": "30"}),
        ("PEU IMPORTE", "inform", {"rayon_km": "30"}),
        ("peu inporte", "inform", {"rayon_km": "30"}),
        ("saint omer (pas de calais)", "inform", {"commune": "insee:62765"}),
        ("Saint-Omer (Calvados)", "inform", {"commune": "insee:14635"}),
        ("qui recrute", "ask_employers", {}),
        ("10 km", "inform", {"rayon_km": "10"}),
    ],
)
def test_a_typed_label_is_the_button(typed, intent, entities):
    pressed = typed_button(typed, OFFERED)
    assert pressed and (pressed.intent, pressed.entities) == (intent, entities)


@pytest.mark.parametrize("typed", ["Saint-Omer", "20 km", "", "   ", "je veux voir le site", "Voir le site"])
def test_no_button_or_more_than_one_is_no_button(typed):
    assert typed_button(typed, OFFERED) is None


def test_payloads_are_read_or_refused():
    assert parse_payload('/inform{"metier": "H2705"}') == ("inform", {"metier": "H2705"})
    assert parse_payload("/greet") == ("greet", {})
    assert parse_payload('/inform{"metier": ') is None and parse_payload("bonjour") is None
    assert parse_payload('/inform["x"]') is None


def test_a_message_is_a_button_when_clicked_or_typed():
    assert is_pressed({"text": '/inform{"rayon_km": "30"}'})
    assert is_pressed({"text": "Peu importe", "bouton": "Peu importe"})
    assert not is_pressed({"text": "peu importe"})
