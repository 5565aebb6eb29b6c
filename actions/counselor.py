"""A human counselor (with consent) and the right to be forgotten."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import Reply, blocking, catalog, intent_of, text_of
from bot.contacts import erase_requests, read_contact, save_request
from bot.demand.events import mark_counselor

NOT_ANSWERS = {"deny", "delete_my_data", "request_counselor", "goodbye", "help"}


class ActionCounselorOffer(Action):
    def name(self) -> str:
        return "action_counselor_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        if tracker.get_slot("demande"):  # the demand report counts searches followed by this request
            await blocking(mark_counselor, catalog(), tracker.get_slot("demande"))
        reply.say(
            "conseiller.offre",
            buttons=[reply.button("bouton.oui_accord", "affirm"), reply.button("bouton.non_merci", "deny")],
        )
        return [SlotSet("consentement_demande", True)]


class ActionCounselorDeclined(Action):
    def name(self) -> str:
        return "action_counselor_declined"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        reply.say("conseiller.refus", france_travail=reply.text("conseiller.france_travail"))
        return [SlotSet("consentement_demande", False)]


class ValidateContactForm(Action):
    """Reads a phone number or an e-mail address from the answer; explains when there is none."""

    def name(self) -> str:
        return "validate_contact_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if tracker.get_slot("requested_slot") != "contact":
            return []
        if intent_of(tracker) in NOT_ANSWERS:
            return []  # the rules handle a refusal or another request
        contact = read_contact(text_of(tracker))
        if contact:
            return [SlotSet("contact", contact)]
        Reply(dispatcher, tracker).say("conseiller.contact_incompris")
        return [SlotSet("echecs", (tracker.get_slot("echecs") or 0) + 1)]


class ActionSaveContact(Action):
    def name(self) -> str:
        return "action_save_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        contact = tracker.get_slot("contact")
        if not (tracker.get_slot("consentement_demande") and contact and read_contact(str(contact)) == contact):
            Reply(dispatcher, tracker).say("conseiller.sans_accord")  # nothing is kept without consent
            return [SlotSet("consentement_demande", False), SlotSet("contact", None)]
        await blocking(
            save_request,
            catalog(),
            tracker.sender_id,
            tracker.get_slot("contact"),
            tracker.get_slot("statut"),
            tracker.get_slot("metier"),
            tracker.get_slot("commune"),
        )
        Reply(dispatcher, tracker).say("conseiller.enregistre")
        return [SlotSet("consentement_demande", False), SlotSet("contact", None), SlotSet("echecs", 0)]


class ActionDeleteMyData(Action):
    """Erases the stored contact requests; the tracker store erases the conversation itself
    when it saves this turn (addons/tracker_store.py)."""

    def name(self) -> str:
        return "action_delete_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        await blocking(erase_requests, catalog(), tracker.sender_id)
        dispatcher.utter_message(json_message={"type": "effacement"})  # the web widget forgets its copy
        Reply(dispatcher, tracker).say("conseiller.efface")
        return [AllSlotsReset(), ActiveLoop(None)]
