"""The responses of the retrieval intent faq, read from the knowledge base.

Rasa's ResponseSelector expects a response `utter_faq/<topic>` for each topic it learns; without
one it warns for every training example and every prediction. This importer (config.yml,
`importers`) gives them from data/reference/savoirs.yml (the « vous » answer of each topic), so
that the answers live in that file only. The assistant answers through action_answer_faq
(actions/faq.py), which reads the same file in the person's register and the sessions shown.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import savoirs

RETRIEVAL_INTENT = "faq"


def responses() -> dict[str, list[dict[str, str]]]:
    """`utter_faq/<topic>`: the topic's answer, for every topic of the knowledge base."""
    return {f"utter_{RETRIEVAL_INTENT}/{topic.id}": [{"text": topic.vous}] for topic in savoirs.topics()}


class SavoirsImporter(TrainingDataImporter):
    """Adds the responses of the knowledge base's topics to the domain; nothing else."""

    def __init__(self, config_file: str | None = None, domain_path: str | None = None, *args: Any, **kwargs: Any):
        pass

    def get_domain(self) -> Domain:
        return Domain.from_dict({"responses": responses()})

    def get_stories(self, exclusion_percentage: int | None = None) -> StoryGraph:
        return StoryGraph([])

    def get_conversation_tests(self) -> StoryGraph:
        return StoryGraph([])

    def get_config(self) -> dict:
        return {}

    def get_config_file_for_auto_config(self) -> str | None:
        return None

    def get_nlu_data(self, language: str | None = "en") -> TrainingData:
        return TrainingData()
