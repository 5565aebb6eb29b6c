"""The profile: read from every message, asked for by profile_form, explained when not understood."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    Reply,
    button,
    confidence_of,
    entities_of,
    intent_of,
    mode_of,
    profile_of,
    selected_topic,
    text_of,
)
from bot import discovery, savoirs
from bot.buttons import is_pressed
from bot.contract import STATUTS
from bot.criteria import slot_value
from bot.faq import FAQ_CONFIDENCE, is_question
from bot.geo import Commune, gazetteer
from bot.jobs import Metier, vocabulary
from bot.kiosk import audience, kiosk_jobs
from bot.messages import niveau_label
from bot.profile import (
    INSEE_PREFIX,
    INTEREST_PREFIX,
    PROFILE_SLOTS,
    Facts,
    commune_label,
    names_a_target,
    next_question,
    read_facts,
)
from bot.reconversion import closest_battery_jobs, reconversions
from bot.results import DEFAULT_RADIUS_KM
from bot.wording import say

# Questions: answered by their own actions, then the search goes on if the message also said
# something about the person ("je suis à Lens, qui paie la formation ?").
QUESTION_INTENTS = {"ask_job_details", "ask_funding", "ask_employers", "ask_training_details", "faq"}
# A question intent the classifier is not sure of, in a message full of facts, is a statement of facts.
QUESTION_CONFIDENCE = 0.6
# Requests that keep the facts said but do not lead to the search.
NO_SEARCH_INTENTS = {"request_counselor", "delete_my_data", "goodbye", "more_results"}
# A job named in these is asked about, not wanted, unless the words say so ("je voudrais devenir…").
JOB_QUESTION_INTENTS = {"ask_job_details", "ask_jobs", "faq"}
# While a question of the form is pending, these are answers to it, understood or not.
ANSWER_INTENTS = {"inform", "search_training", "search_sessions", "nlu_fallback", "affirm", "deny", "out_of_scope"}
MAX_OPTIONS = 6
HOMONYMS_SHOWN = 3


def commune_option(commune: Commune) -> dict:
    return button(commune_label(commune), "inform", commune=f"{INSEE_PREFIX}{commune.insee}")


class ActionValidateSlotMappings(Action):
    """Reads the profile facts of every message, whatever its intent (runs after each user
    message, before the next action is chosen): canonical values into the slots, in `probleme`
    what could not be used, in `suite` whether the search must go on."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if _already_read(tracker):  # forms run the slot extraction a second time on activation
            return []
        events: list[dict[str, Any]] = []
        mode = mode_of(tracker)
        if mode in ("site", "kiosque") and mode != tracker.get_slot("mode"):
            events.append(SlotSet("mode", mode))
        if not audience(mode, tracker.get_slot("statut")).reads_profile:
            return events  # the kiosk reads nothing personal
        return events + self.read(dispatcher, tracker)

    def read(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        intent = intent_of(tracker)
        if intent == "delete_my_data":
            return []
        form_active = tracker.active_loop.get("name") == "profile_form"
        requested = tracker.get_slot("requested_slot") if form_active else None
        asked = requested if intent in ANSWER_INTENTS else None
        # A button says what it says through its entities, not through the words of its label.
        text = "" if is_pressed(tracker.latest_message) else text_of(tracker)
        target = intent not in JOB_QUESTION_INTENTS or asked == "metier" or names_a_target(text)
        facts = read_facts(text, entities_of(tracker), asked=asked, target=target)
        if facts.criteria and asks_about_shown_sessions(tracker, text):
            facts = replace(facts, criteria={})  # "c'est à distance ?" asks, it does not filter
        wants_job = "metier" in facts.found and names_a_target(text)
        follows = _what_follows(tracker, intent, facts, wants_job)
        events = [*self.slots(dispatcher, tracker, facts), SlotSet("suite", follows)]
        return [e for e in events if tracker.get_slot(e["name"]) != e.get("value")]  # changes only

    @staticmethod
    def slots(dispatcher: CollectingDispatcher, tracker: Tracker, facts: Facts) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        events: list[dict[str, Any]] = []
        problem = None
        if facts.statut:
            events.append(SlotSet("statut", facts.statut))
        if facts.niveau:
            events.append(SlotSet("niveau", facts.niveau))
        if facts.radius:
            events.append(SlotSet("rayon_km", facts.radius.km))
            if facts.radius.note == "plafond":
                reply.say("profil.rayon_plafond", rayon=f"{facts.radius.km:g}")
        town = facts.town
        if town and town.resolution.status == "ok":
            commune = town.resolution.commune
            events.append(SlotSet("commune", commune.insee))
            homonyms = [c for c in town.resolution.alternatives if c.insee != commune.insee][:HOMONYMS_SHOWN]
            if homonyms:
                reply.say(
                    "profil.homonyme", commune=commune_label(commune), buttons=[commune_option(c) for c in homonyms]
                )
        elif town:
            resolution = town.resolution
            options = [resolution.commune, *resolution.alternatives] if resolution.commune else resolution.alternatives
            problem = {
                "slot": "commune",
                "kind": resolution.status,
                "typed": town.typed,
                "options": [c.insee for c in options[:MAX_OPTIONS]],
            }
        job = facts.job
        if job and job.status == "ok":
            events += [SlotSet("metier", job.metier.rome), SlotSet("decouverte", None)]
        elif job and problem is None:
            options = [job.metier, *job.alternatives] if job.metier else list(job.alternatives)
            problem = {
                "slot": "metier",
                "kind": job.status,
                "typed": text_of(tracker)[:60],
                "options": [m.rome for m in options[:MAX_OPTIONS]],
            }
        if facts.trade:
            events.append(SlotSet("metier_actuel", facts.trade.rome))
        if facts.interest:
            events.append(SlotSet("decouverte", facts.interest))
        elif facts.dont_know_job:
            events.append(SlotSet("decouverte", "?"))
        if facts.complete_request:
            events.append(SlotSet("demande_complete", True))
        for group in facts.criteria.values():
            events += [SlotSet(name, slot_value(value)) for name, value in group.items()]
        events.append(SlotSet("probleme", problem))
        return events


def _what_follows(tracker: Tracker, intent: str | None, facts: Facts, wants_job: bool) -> str:
    """ "chercher": the facts lead to the search (the form, or new results); "repondre_et_chercher":
    the question is answered, then the search goes on; "rien": the intent decides alone."""
    if not facts.any() or intent in NO_SEARCH_INTENTS:
        return "rien"
    asks = intent != "faq" or is_question(text_of(tracker))  # "pardon, j'habite à Béthune" asks nothing
    if intent in QUESTION_INTENTS and confidence_of(tracker) >= QUESTION_CONFIDENCE and asks:
        # "qui recrute à Douai ?" is a question, not a search, unless the search is under way, the
        # message is a complete request or says which job the person wants ("je veux être cariste").
        searching = tracker.active_loop.get("name") == "profile_form" or tracker.get_slot("profil_complet")
        return "repondre_et_chercher" if searching or facts.complete_request or wants_job else "rien"
    return "chercher"


def asks_about_shown_sessions(tracker: Tracker, text: str) -> bool:
    """A question on the sessions just shown ("c'est à distance ?", "c'est en alternance ?"):
    answered from the catalog (actions/faq.py), never read as a new criterion."""
    topic_id, confidence = selected_topic(tracker.latest_message)
    topic = savoirs.topic(topic_id) if topic_id and confidence >= FAQ_CONFIDENCE else None
    return bool(topic and topic.selon_sessions and tracker.get_slot("page") and is_question(text))


def _already_read(tracker: Tracker) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == "action_extract_slots":
            return True
    return False


def _fact_labels(tracker: Tracker, slots: list[str]) -> list[str]:
    """What the last message set in `slots`, in words: "Liévin (Pas-de-Calais)", "50 km", "bac"."""
    labels = []
    for slot in slots:
        value = tracker.get_slot(slot)
        if value is None:
            continue
        if slot == "commune":
            commune = gazetteer().by_insee(value)
            labels.append(commune_label(commune) if commune else str(value))
        elif slot == "metier":
            metier = vocabulary().by_rome(value)
            labels.append(metier.titre if metier else str(value))
        elif slot == "rayon_km":
            labels.append(f"{float(value):g} km")
        elif slot == "niveau":
            labels.append(niveau_label(value))
        elif slot == "statut" and value in STATUTS:
            labels.append(say(f"statuts.{value}").lower())
    return labels


class ValidateProfileForm(Action):
    """Decides what the form asks next (bot.profile.next_question). An answer to another question
    than the pending one is taken and acknowledged, and the pending question asked again;
    answers not understood are counted: the assistant explains what it expects, and after two
    misses offers to stop. Other questions are left to the rules."""

    def name(self) -> str:
        return "validate_profile_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        requested = tracker.get_slot("requested_slot")
        if requested not in (None, *PROFILE_SLOTS):
            return []
        set_now = [slot for slot in tracker.slots_to_validate() if slot in PROFILE_SLOTS]
        problem = tracker.get_slot("probleme")
        choosing = tracker.get_slot("decouverte")
        events: list[dict[str, Any]] = []
        following = next_question(profile_of(tracker))
        if requested and requested not in set_now:
            if set_now:
                Reply(dispatcher, tracker).say("profil.note", faits=", ".join(_fact_labels(tracker, set_now)))
            elif choosing and requested == "metier":
                # Choosing with help: the question shows the next step (a slot other than
                # requested_slot must be set, or Rasa would take the form as not answered).
                events.append(SlotSet("decouverte", choosing))
                following = requested
            elif problem:
                events.append(SlotSet("echecs", int(tracker.get_slot("echecs") or 0) + 1))
                following = requested
            elif intent_of(tracker) not in ANSWER_INTENTS:
                return []  # not an answer: the form steps aside and a rule answers
            else:
                events.append(self.missed(dispatcher, tracker, requested))
                following = requested
        else:
            # Facts beside the answer (a correction: "c'est Bruay, pas Béthune, et 40 km") are
            # acknowledged too.
            besides = [slot for slot in set_now if slot != requested] if requested else []
            if besides:
                Reply(dispatcher, tracker).say("profil.note", faits=", ".join(_fact_labels(tracker, besides)))
            events.append(SlotSet("echecs", 0))
        if problem and problem.get("slot") in PROFILE_SLOTS:
            following = problem["slot"]  # the question shows what went wrong, with choices
        return [*events, SlotSet("requested_slot", following)]

    @staticmethod
    def missed(dispatcher: CollectingDispatcher, tracker: Tracker, requested: str) -> dict[str, Any]:
        misses = int(tracker.get_slot("echecs") or 0) + 1
        reply = Reply(dispatcher, tracker)
        example = reply.text(f"profil.exemple.{requested}")
        if misses == 1:
            reply.say("profil.incompris_1", exemple=example)
        else:
            reply.say(
                "profil.incompris_2",
                pourquoi=reply.text(f"profil.pourquoi.{requested}"),
                exemple=example,
                buttons=[
                    reply.button("bouton.arreter", "deny"),
                    reply.button("bouton.conseiller", "request_counselor"),
                ],
            )
        return SlotSet("echecs", misses)


class AskAction(Action, ABC):
    """The question of a form slot. When the last answer named something unclear (a town
    shared by several communes, an unknown job), the question shows the choices instead."""

    slot: str

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @abstractmethod
    def question(self, reply: Reply, tracker: Tracker) -> None:
        """Asks the question."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        problem = tracker.get_slot("probleme") or {}
        if problem.get("slot") == self.slot:
            say_problem(reply, problem)
        else:
            self.question(reply, tracker)
        return [SlotSet("probleme", None)] if problem else []


class ActionAskStatut(AskAction):
    slot = "statut"

    def question(self, reply: Reply, tracker: Tracker) -> None:
        reply.say(
            "profil.question.statut",
            buttons=[button(reply.text(f"statuts.{value}"), "inform", statut=value) for value in STATUTS],
        )


class ActionAskMetier(AskAction):
    """Which job: the battery jobs to choose from; for someone who does not know yet, what they
    like, then two or three jobs that fit it; for someone changing careers, the battery jobs
    closest to their trade and why; for pupils, the jobs told to pupils."""

    slot = "metier"

    def question(self, reply: Reply, tracker: Tracker) -> None:
        choosing = tracker.get_slot("decouverte")
        if choosing == "?":
            reply.say(
                "decouverte.question",
                buttons=[
                    reply.button(f"decouverte.gout.{name}", "inform", metier=f"{INTEREST_PREFIX}{name}")
                    for name in discovery.interests()
                ],
            )
        elif choosing and discovery.jobs_for(choosing):
            jobs = discovery.jobs_for(choosing)
            lines = [reply.text("decouverte.suggestions", gout=reply.text(f"decouverte.gout.{choosing}"))]
            lines += [reply.text("decouverte.metier", titre=m.heading, rome=m.rome, accroche=m.accroche) for m in jobs]
            lines.append(reply.text("decouverte.lequel"))
            more = reply.button("bouton.autre_chose", "inform", metier=f"{INTEREST_PREFIX}?")
            reply.send("\n".join(lines), [*job_buttons(jobs), more])
        elif tracker.get_slot("metier_actuel") and reconversions().by_rome(tracker.get_slot("metier_actuel")):
            trade = reconversions().by_rome(tracker.get_slot("metier_actuel"))
            close = closest_battery_jobs(trade)
            lines = [reply.text("reconversion.intro", metier=trade.titre)]
            lines += [reply.text("reconversion.metier", titre=m.heading, rome=m.rome, raison=why) for m, why in close]
            lines.append(reply.text("decouverte.lequel"))
            more = reply.button("bouton.autre_chose", "inform", metier=f"{INTEREST_PREFIX}?")
            reply.send("\n".join(lines), [*job_buttons([m for m, _ in close]), more])
        else:
            unsure = reply.button("bouton.je_ne_sais_pas", "inform", metier=f"{INTEREST_PREFIX}?")
            if reply.audience.pupil:
                jobs = [button(job.titre_eleve, "inform", metier=job.rome) for job in kiosk_jobs()]
            else:
                jobs = job_buttons(vocabulary().battery())
            reply.say("profil.question.metier", buttons=[*jobs, unsure])


class ActionAskCommune(AskAction):
    slot = "commune"

    def question(self, reply: Reply, tracker: Tracker) -> None:
        reply.say("profil.question.commune")


class ActionAskRayonKm(AskAction):
    slot = "rayon_km"

    def question(self, reply: Reply, tracker: Tracker) -> None:
        reply.say(
            "profil.question.rayon_km",
            buttons=[
                button(reply.text("bouton.rayon", rayon=km), "inform", rayon_km=str(km)) for km in (10, 20, 30, 50)
            ]
            + [reply.button("bouton.peu_importe", "inform", rayon_km=f"{DEFAULT_RADIUS_KM:g}")],
        )


class ActionAskNiveau(AskAction):
    slot = "niveau"

    def question(self, reply: Reply, tracker: Tracker) -> None:
        reply.say(
            "profil.question.niveau",
            buttons=[
                button(reply.text(f"boutons_niveau.{value}"), "inform", niveau=value)
                for value in ("sans_diplome", "cap", "bac", "bac+2", "bac+3")
            ],
        )


class ActionAskContact(AskAction):
    slot = "contact"

    def question(self, reply: Reply, tracker: Tracker) -> None:
        reply.say("profil.question.contact")


def say_problem(reply: Reply, problem: dict) -> None:
    """Tells what could not be used in the last message, with choices when there are some."""
    if problem["slot"] == "commune":
        options = [c for c in (gazetteer().by_insee(code) for code in problem["options"]) if c]
        if problem["kind"] == "ambiguous":
            reply.say("profil.communes_ambigues", tape=problem["typed"], buttons=[commune_option(c) for c in options])
        elif options:
            reply.say("profil.commune_proposee", tape=problem["typed"], buttons=[commune_option(c) for c in options])
        else:
            reply.say("profil.commune_inconnue", tape=problem["typed"], exemple=reply.text("profil.exemple.commune"))
    else:
        vocab = vocabulary()
        options = [m for m in (vocab.by_rome(code) for code in problem["options"]) if m] or vocab.battery()
        key = "profil.metiers_ambigus" if problem["kind"] == "ambiguous" else "profil.metier_inconnu"
        reply.say(key, buttons=job_buttons(options))


def job_buttons(metiers: list[Metier]) -> list[dict]:
    return [button(m.heading, "inform", metier=m.rome) for m in metiers]


class ActionStopForm(Action):
    """Stops the questions without losing what was said."""

    def name(self) -> str:
        return "action_stop_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        reply.say(
            "profil.arret",
            buttons=[
                reply.button("bouton.decouvrir_metiers", "ask_jobs"),
                reply.button("bouton.reprendre", "search_training"),
            ],
        )
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("echecs", 0), SlotSet("probleme", None)]
