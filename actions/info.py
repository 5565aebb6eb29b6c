"""Answers about jobs, trainings, funding and employers."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    blocking,
    button,
    catalog,
    entity_values,
    kiosk_menu,
    kiosk_mode,
    profile_commune,
    profile_metier,
    text_of,
)
from bot import kiosk
from bot.catalog.queries import find_formation, formation_details
from bot.employers import employers, find_employer, nearest
from bot.funding import advice
from bot.jobs import vocabulary
from bot.messages import job_text, jobs_text, kiosk_text, km, training_text
from bot.profile import read_job


class ActionGreet(Action):
    """The greeting: the site's menu, or the kiosk's welcome for pupils."""

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if kiosk_mode(tracker):
            dispatcher.utter_message(text=kiosk.accueil(), buttons=kiosk_menu())
        else:
            dispatcher.utter_message(response="utter_greet")
        return []


class ActionListJobs(Action):
    def name(self) -> str:
        return "action_list_jobs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if kiosk_mode(tracker):
            dispatcher.utter_message(
                text="Voici des métiers des usines de batteries. Choisis-en un pour tout savoir !",
                buttons=[button(job.titre_eleve, "ask_job_details", metier=job.rome) for job in kiosk.kiosk_jobs()],
            )
            return []
        metiers = vocabulary().battery() + [m for m in vocabulary().all() if not m.batterie][:8]
        dispatcher.utter_message(text=jobs_text(metiers), buttons=[_details_button(m) for m in metiers[:8]])
        return []


def _details_button(metier) -> dict:
    return button(metier.titre[0].upper() + metier.titre[1:], "ask_job_details", metier=metier.rome)


class ActionJobDetails(Action):
    """The job named in the message, else the one of the profile, else the list to choose from."""

    def name(self) -> str:
        return "action_job_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        vocab = vocabulary()
        resolution = read_job(text_of(tracker), entity_values(tracker, "metier"), search=True)
        if resolution and resolution.status == "ambiguous":
            dispatcher.utter_message(
                text="Plusieurs métiers correspondent. Lequel voulez-vous découvrir ?",
                buttons=[_details_button(m) for m in (resolution.metier, *resolution.alternatives)][:6],
            )
            return []
        metier = resolution.metier if resolution else profile_metier(tracker)
        if kiosk_mode(tracker):
            return self.for_pupils(dispatcher, metier)
        if metier is None:
            dispatcher.utter_message(
                text="De quel métier voulez-vous parler ? Voici ceux des usines de batteries :",
                buttons=[_details_button(m) for m in vocab.battery()],
            )
            return []
        hiring = [f"{e.nom_court} ({e.ville})" for e in employers() if metier.rome in e.metiers]
        dispatcher.utter_message(
            text=job_text(metier, hiring),
            buttons=[
                button("Voir les formations", "search_training", metier=metier.rome),
                button("Autres métiers", "ask_jobs"),
            ],
        )
        return []

    @staticmethod
    def for_pupils(dispatcher: CollectingDispatcher, metier) -> list[dict[str, Any]]:
        job = kiosk.kiosk_job(metier.rome) if metier else None
        if job is None:
            dispatcher.utter_message(
                text="Choisis un métier pour le découvrir :",
                buttons=[button(j.titre_eleve, "ask_job_details", metier=j.rome) for j in kiosk.kiosk_jobs()],
            )
            return []
        dispatcher.utter_message(
            text=kiosk_text(job, kiosk.conseil()),
            buttons=[button("Un autre métier", "ask_jobs"), button("Qui recrute ?", "ask_employers")],
        )
        return []


class ActionTrainingDetails(Action):
    """A training of the catalog: the one named, else the first one of the last results."""

    def name(self) -> str:
        return "action_training_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        engine = catalog()
        formation_id = None
        for typed in entity_values(tracker, "formation"):
            found = await blocking(find_formation, engine, typed)
            if found:
                formation_id = found.id
                break
        formation_id = formation_id or tracker.get_slot("derniere_formation")
        details = await blocking(formation_details, engine, formation_id) if formation_id else None
        if details is None:
            named = entity_values(tracker, "formation")
            text = (
                f"Je ne trouve pas la formation « {named[0]} » dans le catalogue. "
                if named
                else "De quelle formation parlez-vous ? "
            )
            dispatcher.utter_message(
                text=text + "Cherchons plutôt par métier : je vous montrerai les formations et leur contenu.",
                buttons=[button("Trouver une formation", "search_training")],
            )
            return []
        dispatcher.utter_message(text=training_text(details))
        return [SlotSet("derniere_formation", formation_id)]


class ActionFunding(Action):
    """Who can pay, according to the person's situation when known."""

    def name(self) -> str:
        return "action_funding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        statut = "lyceen" if kiosk_mode(tracker) else tracker.get_slot("statut")
        found = advice(statut)
        lines = [found.titre, *(f"• {point}" for point in found.points), "Pour en savoir plus :"]
        lines += [f"• {label} : {url}" for label, url in found.sources]
        buttons = (
            kiosk_menu()
            if kiosk_mode(tracker)
            else []
            if statut
            else [
                button("Je suis demandeur d'emploi", "ask_funding", statut="demandeur_emploi"),
                button("Je suis salarié(e)", "ask_funding", statut="salarie"),
                button("Je suis lycéen(ne) ou étudiant(e)", "ask_funding", statut="lyceen"),
            ]
        )
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return []


class ActionEmployers(Action):
    """The plants that hire: the one asked about, else all three, nearest first when the town is known."""

    def name(self) -> str:
        return "action_employers"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        asked = next(
            filter(None, (find_employer(v) for v in [*entity_values(tracker, "employeur"), text_of(tracker)])), None
        )
        if asked:
            jobs = [vocabulary().by_rome(code) for code in asked.metiers]
            lines = [
                f"{asked.nom} ({asked.ville}) : {asked.description}",
                "Métiers recherchés : " + ", ".join(m.titre for m in jobs if m) + ".",
                f"Pour candidater : {asked.candidater}",
            ]
            dispatcher.utter_message(
                text="\n".join(lines),
                buttons=kiosk_menu() if kiosk_mode(tracker) else [button("Voir les formations", "search_training")],
            )
            return []
        commune = profile_commune(tracker)
        if commune:
            ranked = nearest(commune.lat, commune.lon)
            lines = [f"Les usines de batteries qui recrutent, de la plus proche à la plus éloignée de {commune.nom} :"]
            lines += [f"• {e.nom} à {e.ville} ({km(d)}) : {e.description}" for e, d in ranked]
        else:
            lines = ["Trois usines de batteries recrutent dans les Hauts-de-France :"]
            lines += [f"• {e.nom} à {e.ville} : {e.description}" for e in employers()]
        dispatcher.utter_message(
            text="\n".join(lines),
            buttons=[button(e.nom_court, "ask_employers", employeur=e.nom_court) for e in employers()],
        )
        return []
