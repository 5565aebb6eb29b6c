"""A tracker store that forgets a conversation when the person asks for it.

When `action_delete_my_data` has run in a turn, saving that turn erases every stored event
of the conversation and keeps only what came after the action (its confirmation), so the
messages, slots and contact details said before are gone from the store.

Conversations live in memory by default; with a `url` (and the other SQL settings of Rasa's
SQL tracker store) in endpoints.yml they live in a SQL database; connections are checked
before use, so that the server recovers by itself after the database restarts.

While the database does not answer, Rasa would read the conversation as empty and answer from
no context (its FailSafeTrackerStore): instead, the message is not handled and the person is
told, in French, that the service is briefly unavailable; nothing stored is touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy
import sqlalchemy.exc
import sqlalchemy.orm
from rasa.core.brokers.broker import EventBroker
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import (
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
    create_engine_kwargs,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from addons.history import compaction
from bot.messages import unavailable_answer

ERASE_ACTION = "action_delete_my_data"


class TrackerStoreUnavailable(RuntimeError):
    """The conversations' database does not answer (the message says only the error's type)."""


class ErasingTrackerStore(TrackerStore):
    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker)
        if host or kwargs.get("dialect"):
            self.inner: TrackerStore = SQLTrackerStore(domain, host=host, event_broker=event_broker, **kwargs)
            url = self.inner.engine.url
            self.inner.engine.dispose()
            self.inner.engine = sqlalchemy.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.inner.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.inner.engine)
        else:
            self.inner = InMemoryTrackerStore(domain, event_broker)

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        self._domain = domain or Domain.empty()
        self.inner.domain = self._domain

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = list(tracker.events)
        marks = [i for i, e in enumerate(events) if isinstance(e, ActionExecuted) and e.action_name == ERASE_ACTION]
        if not marks:
            await self.inner.save(tracker)
            await self.keep_short(tracker)
            return
        await self.erase(tracker.sender_id)
        kept = DialogueStateTracker.from_events(tracker.sender_id, events[marks[-1] + 1 :], slots=self.domain.slots)
        await self.inner.save(kept)

    async def keep_short(self, tracker: DialogueStateTracker) -> None:
        """Starts a new session carrying the state when the current one grows long (addons/history.py)."""
        carried = compaction(tracker, self.domain)
        if carried is None:
            return
        if isinstance(self.inner, SQLTrackerStore):  # appended after what is stored
            longer = DialogueStateTracker.from_events(
                tracker.sender_id, [*tracker.events, *carried], slots=self.domain.slots
            )
            await self.inner.save(longer)
        else:  # the earlier sessions are forgotten
            await self.inner.save(DialogueStateTracker.from_events(tracker.sender_id, carried, slots=self.domain.slots))

    async def erase(self, sender_id: str) -> None:
        """Removes every stored event of the conversation."""
        if isinstance(self.inner, SQLTrackerStore):
            with self.inner.session_scope() as session:
                session.query(self.inner.SQLEvent).filter(self.inner.SQLEvent.sender_id == sender_id).delete()
                session.commit()
        else:
            self.inner.store.pop(sender_id, None)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            return await self.inner.retrieve(sender_id)
        except (sqlalchemy.exc.SQLAlchemyError, OSError) as error:
            raise TrackerStoreUnavailable(type(error).__name__) from None

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self.inner.retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[str]:
        return await self.inner.keys()


_on_retrieve_error = FailSafeTrackerStore.on_tracker_store_retrieve_error
_handle_message: Any = None  # Rasa's, or the wrapper installed before this one


def on_retrieve_error(self: FailSafeTrackerStore, error: Exception) -> None:
    """Rasa's fail-safe store would go on with an empty conversation: not when ours is down."""
    if isinstance(error, TrackerStoreUnavailable):
        raise error
    _on_retrieve_error(self, error)


async def handle_message(self: MessageProcessor, message: UserMessage) -> list[dict[str, Any]] | None:
    try:
        return await _handle_message(self, message)
    except TrackerStoreUnavailable:
        channel = message.output_channel
        await channel.send_text_message(message.sender_id, unavailable_answer(message.metadata))
        return channel.messages if isinstance(channel, CollectingOutputChannel) else None


def install() -> None:
    FailSafeTrackerStore.on_tracker_store_retrieve_error = on_retrieve_error
    global _handle_message
    if MessageProcessor.handle_message is not handle_message:
        _handle_message = MessageProcessor.handle_message
        MessageProcessor.handle_message = handle_message
