"""Results of a complete profile: the learning path, then the nearby sessions page by page; for
a pupil, first the school paths to the job."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    Reply,
    blocking,
    button,
    catalog,
    profile_commune,
    profile_criteria,
    profile_metier,
    profile_radius,
)
from actions.profile import say_problem
from bot import config, kiosk
from bot.catalog.queries import learning_path
from bot.criteria import NAMES as CRITERIA_NAMES
from bot.criteria import Criteria
from bot.demand.events import record_search
from bot.jobs import Metier
from bot.messages import (
    criteria_labels,
    criteria_text,
    job_text,
    kiosk_text,
    nothing_found_text,
    path_payload,
    path_text,
    sessions_payload,
    sessions_text,
)
from bot.profile import PROFILE_SLOTS
from bot.results import PAGE_SIZE, nearest_session, reach_km, relaxations, sessions_page, suggestions, wider_radii


def drop_buttons(reply: Reply, criteria: Criteria) -> list[dict]:
    """ "Peu importe la date", one per criterion set: its payload is the phrase, read like a
    typed message (bot/criteria.py)."""
    return [
        {"title": reply.text(f"criteres.retirer.{group}"), "payload": reply.text(f"criteres.phrase.{group}")}
        for group in criteria.groups()
    ]


def suggestion_buttons(reply: Reply, criteria: Criteria, offered: list[tuple[Criteria, int]]) -> list[dict]:
    """ "En alternance (3)": the criterion added, in words, is also what the button says when
    pressed (read like a typed message)."""
    buttons = []
    for narrower, count in offered:
        added = [label for label in criteria_labels(narrower) if label not in criteria_labels(criteria)]
        if added:
            title = reply.text("criteres.proposer", critere=added[0][0].upper() + added[0][1:], nombre=count)
            buttons.append({"title": title, "payload": added[0]})
    return buttons


def relaxation_reply(reply: Reply, relaxed: list[tuple[str, int]]) -> tuple[list[str], list[dict]]:
    """The count each dropped criterion would give, and a button for each that gives some."""
    lines, buttons = [], []
    for group, count in relaxed:
        name = reply.text(f"criteres.nom.{group}")
        key = "relache_aucune" if count == 0 else "relache_un" if count == 1 else "relache"
        lines.append(reply.text(f"criteres.{key}", nom=name, nombre=count))
        if count:
            title = reply.text("criteres.sans", nom=name, nombre=count)
            buttons.append({"title": title, "payload": reply.text(f"criteres.phrase.{group}")})
    return lines, buttons


SEARCH_SLOTS = frozenset({*PROFILE_SLOTS, *CRITERIA_NAMES})


def search_just_changed(tracker: Tracker) -> bool:
    """Whether the last message changed the search: a profile fact or a criterion."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") in SEARCH_SLOTS:
            return True
    return False


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
        radius, criteria, today = profile_radius(tracker), profile_criteria(tracker), config.today()
        page, total = await blocking(sessions_page, catalog(), metier.rome, commune, radius, today, 0, criteria)
        nearest = await blocking(nearest_session, catalog(), metier.rome, commune, today, criteria)
        relaxed = []
        if not page and criteria:
            # Which criterion empties the list, and what dropping each would give.
            relaxed = await blocking(relaxations, catalog(), metier.rome, commune, radius, today, criteria)
        if page:
            text = sessions_text(metier, commune, radius, page, 0, total, reply.register, criteria)
            offered = await blocking(
                suggestions, catalog(), metier.rome, commune, radius, today, criteria, total,
                tracker.get_slot("statut"),
            )  # fmt: skip
            reply.send(text, [*suggestion_buttons(reply, criteria, offered), *drop_buttons(reply, criteria)])
            reply.payload(sessions_payload(metier, commune, radius, page, criteria))
            events += [SlotSet("page", 1), SlotSet("derniere_formation", page[0]["formation_id"])]
        elif any(count for _, count in relaxed):
            lines, buttons = relaxation_reply(reply, relaxed)
            head = reply.text(
                "criteres.aucune_avec",
                metier=metier.titre,
                rayon=f"{radius:g}",
                commune=commune.nom,
                criteres=criteria_text(criteria),
            )
            reply.send("\n".join([head, *lines]), [*buttons, *wider_buttons(reply, radius)])
            events.append(SlotSet("page", 0))
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
            today,
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
        if search_just_changed(tracker):
            # "peu importe la date" taken for "voir plus": the list changed, its first page comes.
            return await ActionShowResults().run(dispatcher, tracker, domain)
        reply = Reply(dispatcher, tracker)
        metier, commune = profile_metier(tracker), profile_commune(tracker)
        page_number = int(tracker.get_slot("page") or 0)
        if not metier or not commune or page_number == 0:
            reply.say(
                "resultats.d_abord_chercher", buttons=[reply.button("bouton.trouver_formation", "search_training")]
            )
            return []
        radius, criteria = profile_radius(tracker), profile_criteria(tracker)
        page, total = await blocking(
            sessions_page, catalog(), metier.rome, commune, radius, config.today(), page_number, criteria
        )
        start = page_number * PAGE_SIZE
        if not page:
            reply.say("resultats.c_est_tout", total=total, rayon=f"{radius:g}", buttons=wider_buttons(reply, radius))
            return []
        reply.send(sessions_text(metier, commune, radius, page, start, total, reply.register, criteria))
        reply.payload(sessions_payload(metier, commune, radius, page, criteria))
        return [SlotSet("page", page_number + 1)]


async def shown_sessions(tracker: Tracker) -> list[dict]:
    """The page of sessions shown last (slot `page`: the number of pages shown), for the same
    criteria; none when no session was shown."""
    metier, commune = profile_metier(tracker), profile_commune(tracker)
    pages = int(tracker.get_slot("page") or 0)
    if not metier or not commune or pages == 0:
        return []
    page, _ = await blocking(
        sessions_page,
        catalog(),
        metier.rome,
        commune,
        profile_radius(tracker),
        config.today(),
        pages - 1,
        profile_criteria(tracker),
    )
    return page
