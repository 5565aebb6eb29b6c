"""The tracker store forgets a conversation when "delete my data" ran, and reads a long one back
short, in memory and in SQL."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from addons.history import KEPT_TURNS, MAX_SESSION_EVENTS
from addons.tracker_store import ErasingTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  commune:
    type: text
    mappings:
      - type: custom
""")


def store_for(kind, tmp_path, request):
    if kind == "memory":
        return ErasingTrackerStore(DOMAIN)
    if kind == "sqlite":
        return ErasingTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "trackers.db"))
    url = make_url(request.getfixturevalue("postgres_database_url"))
    return ErasingTrackerStore(
        DOMAIN, dialect="postgresql", host=url.host, port=url.port, db=url.database, username=url.username
    )


def conversation(sender, *events):
    return DialogueStateTracker.from_events(sender, list(events), slots=DOMAIN.slots)


@pytest.mark.parametrize("kind", ["memory", "sqlite", "postgresql"])
def test_delete_my_data_erases_the_conversation_and_keeps_the_confirmation(kind, tmp_path, request):
    store = store_for(kind, tmp_path, request)
    before = [
        UserUttered("j'habite à Lens, mon numéro est le 06 12 34 56 78"),
        SlotSet("commune", "62498"),
        ActionExecuted("utter_greet"),
        BotUttered("Bonjour !"),
    ]
    asyncio.run(store.save(conversation("alice", *before)))
    asyncio.run(store.save(conversation("bob", UserUttered("bonjour"))))
    erased = [
        *before,
        UserUttered("supprimez mes données"),
        ActionExecuted("action_delete_my_data"),
        BotUttered("C'est fait"),
        ActionExecuted("action_listen"),
    ]
    asyncio.run(store.save(conversation("alice", *erased)))

    kept = asyncio.run(store.retrieve("alice"))
    texts = [getattr(e, "text", None) for e in kept.events]
    assert texts == ["C'est fait", None]
    assert kept.get_slot("commune") is None
    assert [e.text for e in asyncio.run(store.retrieve("bob")).events] == ["bonjour"]

    later = conversation("alice", *kept.events, UserUttered("bonjour"), ActionExecuted("utter_greet"))
    asyncio.run(store.save(later))
    assert [getattr(e, "text", None) for e in asyncio.run(store.retrieve("alice")).events] == [
        "C'est fait",
        None,
        "bonjour",
        None,
    ]


def test_without_deletion_the_store_keeps_everything(tmp_path):
    store = ErasingTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "trackers.db"))
    asyncio.run(store.save(conversation("carla", UserUttered("bonjour"), ActionExecuted("utter_greet"))))
    asyncio.run(
        store.save(conversation("carla", UserUttered("bonjour"), ActionExecuted("utter_greet"), UserUttered("merci")))
    )
    assert [getattr(e, "text", None) for e in asyncio.run(store.retrieve("carla")).events] == ["bonjour", None, "merci"]
    assert set(asyncio.run(store.keys())) == {"carla"}


def turn(tracker: DialogueStateTracker, number: int) -> None:
    """One turn as Rasa stores it: the person speaks, the profile changes, the bot answers."""
    for event in (
        UserUttered(f"message {number}", {"name": "inform", "confidence": 1.0}),
        SlotSet("commune", f"{number:05d}"),
        ActionExecuted("action_show_results"),
        BotUttered(f"réponse {number}"),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)


TURNS = 3 * MAX_SESSION_EVENTS // 5  # three times the events of a long session


@pytest.mark.parametrize("kind", ["memory", "sqlite", "postgresql"])
def test_a_long_conversation_is_read_back_short_with_its_state_and_last_turns(kind, tmp_path, request):
    """Turn cost does not grow with the conversation (addons/history.py): what is read back on
    each turn stays bounded, the slots and the last turns are those of the conversation."""
    store = store_for(kind, tmp_path, request)
    sender = f"long-{kind}"
    asyncio.run(store.save(conversation(sender, ActionExecuted("action_listen"))))
    lengths = []
    for number in range(TURNS):
        tracker = asyncio.run(store.retrieve(sender))
        lengths.append(len(tracker.events))
        turn(tracker, number)
        asyncio.run(store.save(tracker))
    assert max(lengths) <= MAX_SESSION_EVENTS + 5 < 5 * TURNS  # bounded, not growing
    tracker = asyncio.run(store.retrieve(sender))
    assert tracker.get_slot("commune") == f"{TURNS - 1:05d}"
    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts[-KEPT_TURNS:] == [f"message {n}" for n in range(TURNS - KEPT_TURNS, TURNS)]
    assert tracker.latest_action_name == "action_listen"
    if kind != "memory":  # the SQL store keeps every turn (retention and erasure still see them)
        full = asyncio.run(store.retrieve_full_tracker(sender))
        assert sum(isinstance(e, UserUttered) for e in full.events) >= TURNS


def test_a_form_in_progress_is_carried_into_the_new_session():
    store = ErasingTrackerStore(DOMAIN)
    tracker = conversation("form", ActionExecuted("action_listen"))
    for number in range(40):
        turn(tracker, number)
    tracker.update(ActiveLoop("profile_form"))
    for number in range(40, 45):
        turn(tracker, number)
    asyncio.run(store.save(tracker))
    kept = asyncio.run(store.retrieve("form"))
    assert kept.active_loop_name == "profile_form" and kept.get_slot("commune") == "00044"
    assert len(kept.events) < len(tracker.events)
