"""A human counselor (with consent) and the right to be forgotten."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import blocking, button, catalog, intent_of, text_of
from bot.contacts import erase_requests, read_contact, save_request

FRANCE_TRAVAIL = (
    "Vous pouvez aussi contacter France Travail au 3949 ou vous rendre dans l'agence la plus proche "
    "de chez vous (adresses sur https://www.francetravail.fr)."
)
NOT_ANSWERS = {"deny", "delete_my_data", "request_counselor", "goodbye", "help"}


class ActionCounselorOffer(Action):
    def name(self) -> str:
        return "action_counselor_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text="Je peux transmettre votre demande à un conseiller ou une conseillère, qui vous recontactera. "
            "Pour cela, je conserverai votre numéro de téléphone ou votre e-mail, uniquement pour ce rappel ; "
            "vous pourrez me demander de l'effacer à tout moment. Êtes-vous d'accord ?",
            buttons=[button("Oui, je suis d'accord", "affirm"), button("Non merci", "deny")],
        )
        return [SlotSet("consentement_demande", True)]


class ActionCounselorDeclined(Action):
    def name(self) -> str:
        return "action_counselor_declined"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=f"Entendu, je ne garde aucune coordonnée. {FRANCE_TRAVAIL}")
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
        dispatcher.utter_message(
            text="Je n'ai pas reconnu de numéro de téléphone ni d'adresse e-mail. "
            "Par exemple : 06 12 34 56 78 ou prenom.nom@exemple.fr. Vous pouvez aussi dire « non » pour annuler."
        )
        return [SlotSet("echecs", (tracker.get_slot("echecs") or 0) + 1)]


class ActionSaveContact(Action):
    def name(self) -> str:
        return "action_save_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        await blocking(
            save_request,
            catalog(),
            tracker.sender_id,
            tracker.get_slot("contact"),
            tracker.get_slot("statut"),
            tracker.get_slot("metier"),
            tracker.get_slot("commune"),
        )
        dispatcher.utter_message(
            text="Merci ! Un conseiller ou une conseillère vous recontactera. "
            "Vous pouvez à tout moment me demander d'effacer vos données."
        )
        return [SlotSet("consentement_demande", False), SlotSet("contact", None), SlotSet("echecs", 0)]


class ActionDeleteMyData(Action):
    """Erases the stored contact requests; the tracker store erases the conversation itself
    when it saves this turn (addons/tracker_store.py)."""

    def name(self) -> str:
        return "action_delete_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        await blocking(erase_requests, catalog(), tracker.sender_id)
        dispatcher.utter_message(json_message={"type": "effacement"})  # the web widget forgets its copy
        dispatcher.utter_message(
            text="C'est fait : j'ai effacé cette conversation et les coordonnées que vous m'aviez "
            "laissées. Nous pouvons repartir de zéro quand vous voulez."
        )
        return [AllSlotsReset(), ActiveLoop(None)]
