"""Results of a complete profile: the learning path, then the nearby sessions page by page."""

from __future__ import annotations

import math
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import blocking, button, catalog, profile_commune, profile_metier, profile_radius
from actions.profile import say_problem
from bot import config
from bot.catalog.queries import learning_path
from bot.catalog.search import search_sessions
from bot.messages import (
    PAGE_SIZE,
    nothing_found_text,
    path_payload,
    path_text,
    sessions_payload,
    sessions_text,
)

WIDER_RADII = (30, 50, 80, 120)
NEAREST_SEARCH_KM = 400  # far enough to find the nearest session anywhere in the region


async def find_sessions(tracker: Tracker, radius_km: float | None = None) -> list[dict]:
    metier, commune = profile_metier(tracker), profile_commune(tracker)
    hits = await blocking(
        search_sessions,
        catalog(),
        metier.rome,
        commune.lat,
        commune.lon,
        radius_km or profile_radius(tracker),
        config.today(),
    )
    return [hit.as_json() for hit in hits]


class ActionShowResults(Action):
    """The path towards the job (once per job) and the first page of sessions; when there
    are none, the nearest session and wider radii to choose from."""

    def name(self) -> str:
        return "action_show_results"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        problem = tracker.get_slot("probleme")
        if problem:  # e.g. "et à Zzzville ?": say so, keep the previous criteria
            say_problem(dispatcher, problem)
            return [SlotSet("probleme", None)]
        metier, commune = profile_metier(tracker), profile_commune(tracker)
        if not metier or not commune:
            dispatcher.utter_message(
                text="Il me manque le métier ou la commune pour chercher. Dites-moi par exemple : "
                "« pilote de ligne à Lens »."
            )
            return []
        events: list[dict[str, Any]] = [SlotSet("profil_complet", True)]
        if tracker.get_slot("parcours_montre") != metier.rome:
            steps = await blocking(learning_path, catalog(), metier.rome)
            if steps:
                dispatcher.utter_message(text=path_text(metier, steps, tracker.get_slot("niveau")))
                dispatcher.utter_message(json_message=path_payload(metier, steps))
            events.append(SlotSet("parcours_montre", metier.rome))
        radius = profile_radius(tracker)
        sessions = await find_sessions(tracker)
        if sessions:
            page = sessions[:PAGE_SIZE]
            dispatcher.utter_message(text=sessions_text(metier, commune, radius, page, 0, len(sessions)))
            dispatcher.utter_message(json_message=sessions_payload(metier, commune, radius, page))
            events += [SlotSet("page", 1), SlotSet("derniere_formation", page[0]["formation_id"])]
            return events
        farther = [s for s in await find_sessions(tracker, NEAREST_SEARCH_KM) if s["distance_km"] is not None]
        nearest = min(farther, key=lambda s: (s["distance_km"], s["debut"]), default=None)
        buttons = [button(f"Chercher à {r} km", "inform", rayon_km=str(r)) for r in WIDER_RADII if r > radius][:2]
        if nearest:
            reach = math.ceil(nearest["distance_km"])
            if all(str(reach) not in b["title"] for b in buttons):
                buttons.insert(0, button(f"Voir la plus proche ({reach} km)", "inform", rayon_km=str(reach)))
        buttons.append(button("Parler à un conseiller", "request_counselor"))
        dispatcher.utter_message(text=nothing_found_text(metier, commune, radius, nearest), buttons=buttons)
        return [*events, SlotSet("page", 0)]


class ActionMoreSessions(Action):
    """The next page of sessions for the same criteria ("voir plus")."""

    def name(self) -> str:
        return "action_more_sessions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        metier, commune = profile_metier(tracker), profile_commune(tracker)
        page_number = int(tracker.get_slot("page") or 0)
        if not metier or not commune or page_number == 0:
            dispatcher.utter_message(
                text="Cherchons d'abord des sessions : quel métier, et près de quelle commune ?",
                buttons=[button("Trouver une formation", "search_training")],
            )
            return []
        sessions = await find_sessions(tracker)
        start = page_number * PAGE_SIZE
        page = sessions[start : start + PAGE_SIZE]
        radius = profile_radius(tracker)
        if not page:
            dispatcher.utter_message(
                text=f"C'est tout : je vous ai montré les {len(sessions)} sessions à moins de {radius:g} km. "
                "Vous pouvez élargir la recherche.",
                buttons=[button(f"Chercher à {r} km", "inform", rayon_km=str(r)) for r in WIDER_RADII if r > radius][
                    :2
                ],
            )
            return []
        dispatcher.utter_message(text=sessions_text(metier, commune, radius, page, start, len(sessions)))
        dispatcher.utter_message(json_message=sessions_payload(metier, commune, radius, page))
        return [SlotSet("page", page_number + 1)]
