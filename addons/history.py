"""A conversation's stored history kept short, so that a turn costs the same at message 300 as
at message 5.

Rasa pays for the whole current session on every turn: the tracker store reads and rebuilds
every event, the rule and memoization policies compute the dialogue state of every past turn,
and the whole tracker is sent to the action server and rebuilt there. Once the current session
holds more than MAX_SESSION_EVENTS events, the tracker store starts a new session in its
place, as Rasa does after a pause (`action_session_start`, `session_started`), that carries
everything the dialogue needs: every slot (the profile, the pages shown, the form's
`requested_slot`…), the active form, and the last KEPT_TURNS turns as they happened, so that
rules and stories that look back a few turns see the same past. Older turns are no longer read
on each turn: the SQL store keeps them (retention and "delete my data" still apply to them),
the in-memory store forgets them.
"""

from __future__ import annotations

import os
import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

MAX_SESSION_EVENTS = 150  # BOT_HISTORY_MAX_EVENTS changes it; 0 never shortens (Rasa's own behaviour)
KEPT_TURNS = 6  # more than any rule or story of data/ looks back (MemoizationPolicy: 4)
SESSION_START = "action_session_start"
LISTEN = "action_listen"


def session_events(tracker: DialogueStateTracker) -> int:
    """Events since the latest session start (what Rasa reads on each turn)."""
    count = 0
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            break
        count += 1
    return count


def max_session_events() -> int:
    value = os.environ.get("BOT_HISTORY_MAX_EVENTS", "").strip()
    return int(value) if value.isdigit() else MAX_SESSION_EVENTS


def compaction(tracker: DialogueStateTracker, domain: Domain) -> list[Event] | None:
    """The events that start a new session carrying the conversation's state and its last
    turns, or None when the current session is still short."""
    limit = max_session_events()
    if limit == 0 or session_events(tracker) <= limit:
        return None
    applied = tracker.applied_events()
    listens = [i for i, e in enumerate(applied) if isinstance(e, ActionExecuted) and e.action_name == LISTEN]
    if len(listens) <= KEPT_TURNS:
        return None
    cut = listens[-KEPT_TURNS - 1]  # the tail starts by listening to the person, as a turn does
    before = DialogueStateTracker.from_events(tracker.sender_id, applied[:cut], slots=domain.slots)
    now = time.time()
    carried: list[Event] = [ActionExecuted(SESSION_START, timestamp=now), SessionStarted(timestamp=now)]
    for name, slot in before.slots.items():
        if slot.value != slot.initial_value:
            carried.append(SlotSet(name, slot.value, timestamp=now))
    if before.active_loop_name:
        carried.append(ActiveLoop(before.active_loop_name, timestamp=now))
    for event in applied[cut:]:  # copies, dated from the new session (the SQL store reads by date)
        copy = event.__class__.from_parameters(event.as_dict())
        copy.timestamp = now
        carried.append(copy)
    return carried
