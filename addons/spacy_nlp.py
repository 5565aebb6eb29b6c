"""Rasa's SpacyNLP, loading only the parts of the spaCy model the pipeline uses, once per process.

Rasa's own component loads every pipe of the model but the parser (fr_core_news_md: tok2vec,
morphologizer, attribute ruler, lemmatizer, NER), runs them on every message, and loads the
model twice when a trained model is loaded (once per graph node that uses it). Our pipeline
reads only the tokens and the static word vectors, which need no pipe at all: `keep` lists
the pipes to load anyway (for example the lemmatizer and what it needs). See
docs/benchmarks.md for the figures behind this choice.

The class keeps Rasa's name so that SpacyTokenizer and SpacyFeaturizer, which ask for a
model "from SpacyNLP", use this one (config.yml: `name: addons.spacy_nlp.SpacyNLP`).

A parsed message keeps its spaCy document, and `rasa test nlu` deep-copies the whole parse of
every message the FallbackClassifier answered (to read the intent it replaced). A spaCy
document is copied with its vocabulary and all the word vectors: about 4 s a message, most of
`make eval`. Nothing changes a document once the featurizers have read it, so a copy shares it.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils
from rasa.nlu.utils.spacy_utils import SpacyModel
from spacy.tokens import Doc


def _shared_document(document: Doc, memo: dict) -> Doc:
    return document


copy._deepcopy_dispatch[Doc] = _shared_document  # type: ignore[attr-defined]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**spacy_utils.SpacyNLP.get_default_config(), "keep": []}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage, resource, execution_context) -> SpacyNLP:
        config = {**cls.get_default_config(), **config}
        model = load_model(config.get("model"), tuple(config["keep"]))
        cls.ensure_proper_language_model(model.model)
        return cls(model, config)


@functools.cache
def load_model(name: str, keep: tuple[str, ...]) -> SpacyModel:
    """The named spaCy model with only the `keep` pipes, shared by every node of the graph."""
    import spacy

    if not name:
        return spacy_utils.SpacyNLP.load_model(name)  # raises Rasa's own explanation
    try:
        meta = spacy.util.get_model_meta(spacy.util.get_package_path(name))
        pipes = meta.get("components") or meta["pipeline"]
    except (OSError, KeyError, ImportError):
        return spacy_utils.SpacyNLP.load_model(name)  # idem: model missing
    language = spacy.load(name, exclude=[pipe for pipe in pipes if pipe not in keep])
    return SpacyModel(model=language, model_name=name)
