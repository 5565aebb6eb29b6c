"""The tracker store forgets a conversation when "delete my data" ran, in memory and in SQL."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

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
