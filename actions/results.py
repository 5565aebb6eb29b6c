"""Results of a complete profile: the learning path, then the nearby sessions page by page; for
a pupil, first the school paths to the job."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import Reply, blocking, button, catalog, profile_commune, profile_metier, profile_radius
from actions.profile import say_problem
from bot import config, kiosk
from bot.catalog.queries import learning_path
from bot.demand.events import record_search
from bot.jobs import Metier
from bot.messages import (
    job_text,
    kiosk_text,
    nothing_found_text,
    path_payload,
    path_text,
    sessions_payload,
    sessions_text,
)
from bot.results import PAGE_SIZE, nearest_session, reach_km, sessions_page, wider_radii


def wider_buttons(reply: Reply, radius_km: float, nearest: dict | None = None) -> list[dict]:
    """ "Chercher à 50 km", and the radius that takes in the nearest session."""
    radii = wider_radii(radius_km)
    buttons = [button(reply.text("bouton.chercher_a", rayon=r), "inform", rayon_km=str(r)) for r in radii]
    if nearest and reach_km(nearest) not in radii:
        reach = reach_km(nearest)
        buttons.insert(0, button(reply.text("bouton.plus_proche", rayon=reach), "inform", rayon_km=str(reach)))
    return buttons


class ActionShowResults(Action):
    """The path towards the job (once per job) and the first page of sessions; when there
    are none, the nearest session and wider radii to choose from. A pupil first sees the
    school paths to the job."""

    def name(self) -> str:
        return "action_show_results"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        problem = tracker.get_slot("probleme")
        if problem:  # e.g. "et à Zzzville ?": say so, keep the previous criteria
            say_problem(reply, problem)
            return [SlotSet("probleme", None)]
        metier, commune = profile_metier(tracker), profile_commune(tracker)
        if metier and reply.audience.pupil and tracker.get_slot("parcours_eleve") != metier.rome:
            return self.school_paths(reply, metier)
        if not metier or not commune:
            reply.say("resultats.manque_criteres")
            return []
        events: list[dict[str, Any]] = [SlotSet("profil_complet", True)]
        if tracker.get_slot("parcours_montre") != metier.rome and not reply.audience.pupil:
            # (pupils have seen the school paths instead)
            steps = await blocking(learning_path, catalog(), metier.rome)
            if steps:
                reply.send(path_text(metier, steps, tracker.get_slot("niveau"), reply.register))
                reply.payload(path_payload(metier, steps))
            events.append(SlotSet("parcours_montre", metier.rome))
        radius = profile_radius(tracker)
        page, total = await blocking(sessions_page, catalog(), metier.rome, commune, radius, config.today(), 0)
        nearest = await blocking(nearest_session, catalog(), metier.rome, commune, config.today())
        if page:
            reply.send(sessions_text(metier, commune, radius, page, 0, total, reply.register))
            reply.payload(sessions_payload(metier, commune, radius, page))
            events += [SlotSet("page", 1), SlotSet("derniere_formation", page[0]["formation_id"])]
        else:
            buttons = [*wider_buttons(reply, radius, nearest), reply.button("bouton.conseiller", "request_counselor")]
            reply.send(nothing_found_text(metier, commune, radius, nearest, reply.register), buttons)
            events.append(SlotSet("page", 0))
        demand = await blocking(
            record_search,
            catalog(),
            kiosk.KIOSK if reply.audience.kiosk else kiosk.SITE,
            metier.rome,
            commune.insee,
            radius,
            total,
            nearest,
            config.today(),
            tracker.get_slot("statut"),
            tracker.get_slot("niveau"),
        )
        return [*events, SlotSet("demande", demand)]

    @staticmethod
    def school_paths(reply: Reply, metier: Metier) -> list[dict[str, Any]]:
        """The job told to pupils and the school paths to it; the sessions nearby if they wish."""
        job = kiosk.kiosk_job(metier.rome)
        reply.send(kiosk_text(job, at_kiosk=reply.audience.kiosk) if job else job_text(metier, []))
        reply.say(
            "eleve.formations",
            buttons=[
                reply.button("bouton.formations_pres", "search_sessions"),
                reply.button("bouton.autre_metier", "ask_jobs"),
            ],
        )
        return [SlotSet("parcours_eleve", metier.rome)]


class ActionMoreSessions(Action):
    """The next page of sessions for the same criteria ("voir plus")."""

    def name(self) -> str:
        return "action_more_sessions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        metier, commune = profile_metier(tracker), profile_commune(tracker)
        page_number = int(tracker.get_slot("page") or 0)
        if not metier or not commune or page_number == 0:
            reply.say(
                "resultats.d_abord_chercher", buttons=[reply.button("bouton.trouver_formation", "search_training")]
            )
            return []
        radius = profile_radius(tracker)
        page, total = await blocking(
            sessions_page, catalog(), metier.rome, commune, radius, config.today(), page_number
        )
        if not page:
            reply.say("resultats.c_est_tout", total=total, rayon=f"{radius:g}", buttons=wider_buttons(reply, radius))
            return []
        reply.send(sessions_text(metier, commune, radius, page, page_number * PAGE_SIZE, total, reply.register))
        reply.payload(sessions_payload(metier, commune, radius, page))
        return [SlotSet("page", page_number + 1)]


async def shown_sessions(tracker: Tracker) -> list[dict]:
    """The page of sessions shown last (slot `page`: the number of pages shown), for the same
    criteria; none when no session was shown."""
    metier, commune = profile_metier(tracker), profile_commune(tracker)
    pages = int(tracker.get_slot("page") or 0)
    if not metier or not commune or pages == 0:
        return []
    page, _ = await blocking(
        sessions_page, catalog(), metier.rome, commune, profile_radius(tracker), config.today(), pages - 1
    )
    return page
