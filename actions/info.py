"""Answers about the assistant, jobs, trainings, funding and employers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    Reply,
    blocking,
    button,
    catalog,
    entity_values,
    profile_commune,
    profile_metier,
    text_of,
)
from actions.results import ActionShowResults, search_just_changed
from bot import config, kiosk
from bot.catalog.queries import find_formation, formation_details
from bot.demand.events import record_viewed
from bot.employers import employers, find_employer, nearest
from bot.funding import advice
from bot.jobs import Metier, vocabulary
from bot.messages import job_text, jobs_text, kiosk_text, km, training_text
from bot.profile import read_job

MAX_CHOICES = 6


class Say(Action, ABC):
    """A short answer of data/textes.yml, with buttons (label key, intent). Subclasses name the
    action and the text."""

    key: str
    buttons: tuple[tuple[str, str], ...] = ()

    @property
    @abstractmethod
    def action(self) -> str:
        """The action's name in domain.yml."""

    def name(self) -> str:
        return self.action

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        reply.say(self.key, buttons=self.choices(reply))
        return []

    def choices(self, reply: Reply) -> list[dict]:
        if reply.audience.kiosk and self.buttons:
            return reply.menu()
        return [reply.button(label, intent) for label, intent in self.buttons]


class ActionGoodbye(Say):
    action, key = "action_goodbye", "au_revoir"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if tracker.get_slot("profil_complet") and search_just_changed(tracker):
            # "à temps partiel aussi", "a Liévin" taken for a goodbye: the results for what changed.
            return await ActionShowResults().run(dispatcher, tracker, domain)
        return await super().run(dispatcher, tracker, domain)


class ActionThank(Say):
    action, key = "action_thank", "merci"


class ActionHelp(Say):
    action, key = "action_help", "aide"
    buttons = (
        ("bouton.decouvrir_metiers", "ask_jobs"),
        ("bouton.trouver_formation", "search_training"),
        ("bouton.qui_recrute", "ask_employers"),
        ("bouton.conseiller", "request_counselor"),
    )


class ActionBotChallenge(Say):
    action, key = "action_bot_challenge", "robot"

    def choices(self, reply: Reply) -> list[dict]:
        return [] if reply.audience.kiosk else [reply.button("bouton.conseiller", "request_counselor")]


class ActionOutOfScope(Say):
    """ "Je ne sais pas répondre à cela", what the assistant does, and a counselor."""

    action, key = "action_out_of_scope", "hors_sujet"
    buttons = (
        ("bouton.decouvrir_metiers", "ask_jobs"),
        ("bouton.trouver_formation", "search_training"),
        ("bouton.conseiller", "request_counselor"),
    )


class ActionWhatNext(Say):
    action, key = "action_what_next", "et_maintenant"
    buttons = (
        ("bouton.decouvrir_metiers", "ask_jobs"),
        ("bouton.trouver_formation", "search_training"),
        ("bouton.conseiller", "request_counselor"),
    )


class ActionGreet(Say):
    """The greeting: the site's menu, or the kiosk's welcome for pupils."""

    action, key = "action_greet", "accueil"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        reply.say("borne.accueil" if reply.audience.kiosk else "accueil", buttons=reply.menu())
        return []


def details_buttons(metiers: list[Metier]) -> list[dict]:
    return [button(m.heading, "ask_job_details", metier=m.rome) for m in metiers]


def pupil_job_buttons() -> list[dict]:
    return [button(job.titre_eleve, "ask_job_details", metier=job.rome) for job in kiosk.kiosk_jobs()]


class ActionListJobs(Action):
    def name(self) -> str:
        return "action_list_jobs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        if reply.audience.kiosk or reply.audience.pupil:
            reply.say("eleve.liste", buttons=pupil_job_buttons())
            return []
        metiers = vocabulary().battery() + [m for m in vocabulary().all() if not m.batterie][:8]
        reply.send(jobs_text(metiers), details_buttons(metiers[:8]))
        return []


class ActionJobDetails(Action):
    """The job named in the message, else the one of the profile, else the list to choose from."""

    def name(self) -> str:
        return "action_job_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        resolution = read_job(text_of(tracker), entity_values(tracker, "metier"), search=True)
        if resolution and resolution.status == "ambiguous" and not reply.audience.kiosk:
            options = [m for m in (resolution.metier, *resolution.alternatives) if m][:MAX_CHOICES]
            reply.say("metier.lequel_decouvrir", buttons=details_buttons(options))
            return []
        metier = resolution.metier if resolution and resolution.status == "ok" else profile_metier(tracker)
        if reply.audience.kiosk and metier:  # the kiosk counts the jobs viewed, nothing else
            await blocking(record_viewed, catalog(), metier.rome, config.today())
        if reply.audience.kiosk or reply.audience.pupil:
            return self.for_pupils(reply, metier)
        if metier is None:
            reply.say("metier.lequel", buttons=details_buttons(vocabulary().battery()))
            return []
        hiring = [f"{e.nom_court} ({e.ville})" for e in employers() if metier.rome in e.metiers]
        reply.send(
            job_text(metier, hiring),
            [
                reply.button("bouton.voir_formations", "search_training", metier=metier.rome),
                reply.button("bouton.autres_metiers", "ask_jobs"),
            ],
        )
        return []

    @staticmethod
    def for_pupils(reply: Reply, metier: Metier | None) -> list[dict[str, Any]]:
        job = kiosk.kiosk_job(metier.rome) if metier else None
        if job is None:
            reply.say("eleve.choisir", buttons=pupil_job_buttons())
            return []
        reply.send(
            kiosk_text(job, at_kiosk=reply.audience.kiosk),
            [reply.button("bouton.autre_metier", "ask_jobs"), reply.button("bouton.qui_recrute", "ask_employers")],
        )
        return []


class ActionTrainingDetails(Action):
    """A training of the catalog: the one named, else the first one of the last results."""

    def name(self) -> str:
        return "action_training_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        engine = catalog()
        named = entity_values(tracker, "formation")
        formation_id = None
        for typed in named:
            found = await blocking(find_formation, engine, typed)
            if found:
                formation_id = found.id
                break
        formation_id = formation_id or tracker.get_slot("derniere_formation")
        details = await blocking(formation_details, engine, formation_id) if formation_id else None
        if details is None:
            if not named and tracker.get_slot("suite") == "repondre_et_chercher":
                return []  # "vous avez quoi comme formation … ?" with the profile: the search answers
            search = [reply.button("bouton.trouver_formation", "search_training")]
            if named:
                reply.say("formation.introuvable", nom=named[0], buttons=search)
            else:
                reply.say("formation.laquelle", buttons=search)
            return []
        reply.send(training_text(details))
        return [SlotSet("derniere_formation", formation_id)]


class ActionFunding(Action):
    """Who can pay, according to the person's situation when known."""

    def name(self) -> str:
        return "action_funding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        statut = "lyceen" if reply.audience.kiosk else tracker.get_slot("statut")
        found = advice(statut)
        lines = [reply.text("financement.titre", titre=found.titre)]
        lines += [reply.text("financement.point", texte=point) for point in found.points]
        lines.append(reply.text("financement.en_savoir_plus"))
        lines += [reply.text("financement.source", label=label, url=url) for label, url in found.sources]
        if reply.audience.kiosk:
            buttons = reply.menu()
        elif statut:
            buttons = []
        else:
            buttons = [
                reply.button("bouton.financement_demandeur", "ask_funding", statut="demandeur_emploi"),
                reply.button("bouton.financement_salarie", "ask_funding", statut="salarie"),
                reply.button("bouton.financement_jeune", "ask_funding", statut="lyceen"),
            ]
        reply.send("\n".join(lines), buttons)
        return []


class ActionEmployers(Action):
    """The plants that hire: the one asked about, else all three, nearest first when the town is known."""

    def name(self) -> str:
        return "action_employers"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        asked = next(
            filter(None, (find_employer(v) for v in [*entity_values(tracker, "employeur"), text_of(tracker)])), None
        )
        if asked:
            jobs = [m.titre for m in (vocabulary().by_rome(code) for code in asked.metiers) if m]
            lines = [
                reply.text("employeurs.un", nom=asked.nom, ville=asked.ville, description=asked.description),
                reply.text("employeurs.metiers", metiers=", ".join(jobs)),
            ]
            young = reply.audience.kiosk or reply.audience.pupil
            lines.append(
                reply.text("employeurs.eleve")
                if young
                else reply.text("employeurs.candidater", comment=asked.candidater)
            )
            buttons = (
                reply.menu() if reply.audience.kiosk else [reply.button("bouton.voir_formations", "search_training")]
            )
            reply.send("\n".join(lines), buttons)
            return []
        commune = profile_commune(tracker)
        if commune:
            lines = [reply.text("employeurs.proches", commune=commune.nom)]
            lines += [
                reply.text("employeurs.proche", nom=e.nom, ville=e.ville, distance=km(d), description=e.description)
                for e, d in nearest(commune.lat, commune.lon)
            ]
        else:
            lines = [reply.text("employeurs.tous")]
            lines += [
                reply.text("employeurs.usine", nom=e.nom, ville=e.ville, description=e.description) for e in employers()
            ]
        reply.send("\n".join(lines), [button(e.nom_court, "ask_employers", employeur=e.nom_court) for e in employers()])
        return []
