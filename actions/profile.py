"""The profile: read from every message, asked for by profile_form, explained when not understood."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import button, entity_values, intent_of, kiosk_mode, text_of
from bot.geo import Commune, gazetteer
from bot.jobs import Metier, vocabulary
from bot.profile import (
    DEFAULT_RADIUS_KM,
    INSEE_PREFIX,
    commune_label,
    read_job,
    read_niveau,
    read_radius,
    read_statut,
    read_town,
)

PROFILE_SLOTS = ("statut", "metier", "commune", "rayon_km", "niveau")
# Messages that state facts about the person.
FACT_INTENTS = {"inform", "search_training", "search_sessions"}
# While a question of the form is pending, these are answers to it, understood or not.
ANSWER_INTENTS = FACT_INTENTS | {"nlu_fallback", "affirm", "out_of_scope"}
MAX_OPTIONS = 6
EXAMPLES = {
    "statut": "par exemple « demandeur d'emploi », « salarié » ou « lycéen »",
    "metier": "par exemple « pilote de ligne », « cariste » ou « technicienne de maintenance »",
    "commune": "par exemple « Lens » ou « 62300 »",
    "rayon_km": "par exemple « 30 km »",
    "niveau": "par exemple « bac pro », « CAP » ou « pas de diplôme »",
}
WHAT_FOR = {
    "statut": "votre situation, pour savoir quelles formations et quels financements vous sont ouverts",
    "metier": "le métier qui vous intéresse, pour choisir les bonnes formations",
    "commune": "votre commune, pour chercher les sessions près de chez vous",
    "rayon_km": "la distance que vous pouvez parcourir",
    "niveau": "votre niveau de diplôme, pour adapter le parcours",
}


def commune_option(commune: Commune) -> dict:
    return button(commune_label(commune), "inform", commune=f"{INSEE_PREFIX}{commune.insee}")


class ActionValidateSlotMappings(Action):
    """Reads the profile facts of every message (runs after each user message, before the
    next action is chosen): canonical values into the slots, and in `probleme` what could
    not be used."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if _already_read(tracker):  # forms run the slot extraction a second time on activation
            return []
        mode = (tracker.latest_message.get("metadata") or {}).get("mode")
        mode_events = (
            [SlotSet("mode", mode)] if mode in ("site", "kiosque") and mode != tracker.get_slot("mode") else []
        )
        if kiosk_mode(tracker):
            return mode_events  # the kiosk reads nothing personal
        intent = intent_of(tracker)
        requested = tracker.get_slot("requested_slot") if tracker.active_loop.get("name") == "profile_form" else None
        if intent not in FACT_INTENTS and not (requested and intent in ANSWER_INTENTS):
            return mode_events
        text = text_of(tracker)
        events: list[dict[str, Any]] = mode_events
        problem = None

        statut = read_statut(text, entity_values(tracker, "statut"))
        if statut:
            events.append(SlotSet("statut", statut))
        niveau = read_niveau(text, entity_values(tracker, "niveau"), asked=requested == "niveau")
        if niveau:
            events.append(SlotSet("niveau", niveau))
        radius = read_radius(text, entity_values(tracker, "rayon_km"), asked=requested == "rayon_km")
        if radius:
            events.append(SlotSet("rayon_km", radius.km))
            if radius.note == "plafond":
                dispatcher.utter_message(text=f"Je limite la recherche à {radius.km:g} km autour de chez vous.")

        town = read_town(
            text, entity_values(tracker, "commune"), entity_values(tracker, "code_postal"), asked=requested == "commune"
        )
        if town and town.resolution.status == "ok":
            events.append(SlotSet("commune", town.resolution.commune.insee))
        elif town:
            options = (
                [town.resolution.commune, *town.resolution.alternatives]
                if town.resolution.commune
                else list(town.resolution.alternatives)
            )
            problem = {
                "slot": "commune",
                "kind": town.resolution.status,
                "typed": town.typed,
                "options": [c.insee for c in options[:MAX_OPTIONS]],
            }

        job = read_job(
            text,
            entity_values(tracker, "metier"),
            asked=requested == "metier",
            search=intent in ("search_training", "search_sessions"),
        )
        if job and job.status == "ok":
            events.append(SlotSet("metier", job.metier.rome))
        elif job and (problem is None or requested == "metier"):
            options = [job.metier, *job.alternatives] if job.metier else []
            problem = {
                "slot": "metier",
                "kind": job.status,
                "typed": text[:60],
                "options": [m.rome for m in options[:MAX_OPTIONS]],
            }

        events.append(SlotSet("probleme", problem))
        return events


def _already_read(tracker: Tracker) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == "action_extract_slots":
            return True
    return False


class ValidateProfileForm(Action):
    """Counts the answers to the pending question that were not understood: explains what is
    expected, and after two misses offers to stop. Other questions are left to the rules."""

    def name(self) -> str:
        return "validate_profile_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        requested = tracker.get_slot("requested_slot")
        if not requested:
            return []
        if any(slot in PROFILE_SLOTS for slot in tracker.slots_to_validate()):
            return [SlotSet("echecs", 0)]
        if intent_of(tracker) not in ANSWER_INTENTS:
            return []  # not an answer: the form steps aside and a rule answers
        misses = int(tracker.get_slot("echecs") or 0) + 1
        problem = tracker.get_slot("probleme")
        if problem and problem.get("slot") == requested:
            return [SlotSet("echecs", misses)]  # the question shows what went wrong
        if misses == 1:
            dispatcher.utter_message(
                text=f"Je n'ai pas bien compris votre réponse. Répondez simplement, {EXAMPLES[requested]}."
            )
        else:
            dispatcher.utter_message(
                text=f"Je n'arrive pas à comprendre votre réponse. J'ai besoin de {WHAT_FOR[requested]} ; "
                f"répondez {EXAMPLES[requested]}. Vous pouvez aussi arrêter ici.",
                buttons=[button("Arrêter", "deny"), button("Parler à un conseiller", "request_counselor")],
            )
        return [SlotSet("echecs", misses)]


class AskAction(Action, ABC):
    """The question of a form slot. When the last answer named something unclear (a town
    shared by several communes, an unknown job), the question shows the choices instead."""

    slot: str

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @abstractmethod
    def question(self) -> tuple[str, list[dict]]:
        """The question's text and buttons."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        problem = tracker.get_slot("probleme") or {}
        if problem.get("slot") == self.slot:
            say_problem(dispatcher, problem)
        else:
            text, buttons = self.question()
            dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet("probleme", None)] if problem else []


class ActionAskStatut(AskAction):
    slot = "statut"

    def question(self):
        return (
            "Pour bien vous orienter : quelle est votre situation aujourd'hui ?",
            [
                button(title, "inform", statut=value)
                for title, value in (
                    ("Demandeur ou demandeuse d'emploi", "demandeur_emploi"),
                    ("Salarié(e)", "salarie"),
                    ("Étudiant(e)", "etudiant"),
                    ("Lycéen(ne)", "lyceen"),
                    ("Collégien(ne)", "collegien"),
                )
            ],
        )


class ActionAskMetier(AskAction):
    slot = "metier"

    def question(self):
        return (
            "Quel métier vous intéresse ? Voici ceux des usines de batteries, ou dites-moi le vôtre.",
            job_buttons(vocabulary().battery()),
        )


class ActionAskCommune(AskAction):
    slot = "commune"

    def question(self):
        return "Dans quelle commune habitez-vous ? Le nom ou le code postal suffit.", []


class ActionAskRayonKm(AskAction):
    slot = "rayon_km"

    def question(self):
        return (
            "Jusqu'à quelle distance de chez vous pouvez-vous aller en formation ?",
            [button(f"{km} km", "inform", rayon_km=str(km)) for km in (10, 20, 30, 50)]
            + [button("Peu importe", "inform", rayon_km=f"{DEFAULT_RADIUS_KM:g}")],
        )


class ActionAskNiveau(AskAction):
    slot = "niveau"

    def question(self):
        return (
            "Dernière question : quel est votre plus haut diplôme ? Pas de diplôme ? Aucun souci, "
            "beaucoup de ces métiers s'apprennent en formation.",
            [
                button(title, "inform", niveau=value)
                for title, value in (
                    ("Pas de diplôme", "sans_diplome"),
                    ("CAP / BEP", "cap"),
                    ("Bac", "bac"),
                    ("Bac+2", "bac+2"),
                    ("Bac+3 ou plus", "bac+3"),
                )
            ],
        )


class ActionAskContact(AskAction):
    slot = "contact"

    def question(self):
        return (
            "Quel numéro de téléphone ou quelle adresse e-mail le conseiller peut-il utiliser ? "
            "Par exemple : 06 12 34 56 78 ou prenom.nom@exemple.fr.",
            [],
        )


def say_problem(dispatcher: CollectingDispatcher, problem: dict) -> None:
    """Tells what could not be used in the last message, with choices when there are some."""
    if problem["slot"] == "commune":
        options = [c for c in (gazetteer().by_insee(code) for code in problem["options"]) if c]
        if problem["kind"] == "ambiguous":
            dispatcher.utter_message(
                text=f"Plusieurs communes correspondent à « {problem['typed']} ». Laquelle est la vôtre ?",
                buttons=[commune_option(c) for c in options],
            )
        elif options:
            dispatcher.utter_message(
                text=f"Je ne trouve pas la commune « {problem['typed']} ». Vouliez-vous dire :",
                buttons=[commune_option(c) for c in options],
            )
        else:
            dispatcher.utter_message(
                text=f"Je ne trouve pas la commune « {problem['typed']} ». "
                f"Pouvez-vous donner son nom ou son code postal, {EXAMPLES['commune']} ?"
            )
    else:
        vocab = vocabulary()
        options = [m for m in (vocab.by_rome(code) for code in problem["options"]) if m] or vocab.battery()
        text = (
            "Plusieurs métiers correspondent. Lequel vous intéresse ?"
            if problem["kind"] == "ambiguous"
            else "Je ne connais pas ce métier. Voici ceux des usines de batteries : lequel vous intéresse ?"
        )
        dispatcher.utter_message(text=text, buttons=job_buttons(options))


def job_buttons(metiers: list[Metier]) -> list[dict]:
    return [button(m.titre[0].upper() + m.titre[1:], "inform", metier=m.rome) for m in metiers]


class ActionStopForm(Action):
    """Stops the questions without losing what was said."""

    def name(self) -> str:
        return "action_stop_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text="D'accord, on s'arrête là. Je garde ce que vous m'avez dit pour la suite de cette conversation.",
            buttons=[button("Découvrir les métiers", "ask_jobs"), button("Reprendre ma recherche", "search_training")],
        )
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("echecs", 0), SlotSet("probleme", None)]
