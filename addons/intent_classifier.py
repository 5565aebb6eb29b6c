"""Rasa's LogisticRegressionClassifier, which also answers messages it knows nothing of, and
chooses the topic of a retrieval intent (faq/<topic>) in the same regression.

An empty message gets no token and so no feature at all: Rasa's classifier then fails
(scikit-learn refuses an empty row) and the whole turn fails with it. A message whose
features are all zero tells the regression nothing, and it would answer with whatever intent
is most frequent. Both get no intent here, with
confidence 0, so that the FallbackClassifier answers them like any message the assistant did
not understand.

Retrieval intents: each topic of `faq` is a class of its own beside the other intents
("c'est quoi le CACES ?" is weighed against ask_training_details topic by topic, not as one big
faq class). The intent `faq` takes the probability of its best topic, not the sum of its 50
topics: a message unlike every topic ("technicien de maintenance des batteries", said to the
form) gives each topic a little, and the sum beat the intent it was (docs/benchmarks.md: 45
held-out messages of other intents taken for questions with the sum, 22 with the best topic, and
as many questions answered). The best topic is given the way Rasa's ResponseSelector gives it
(`response_selector.faq.response`: intent_response_key), with its confidence relative to the best
topic, so that the confidence of faq times that of a topic is the probability of that topic.
Measured better than a ResponseSelector on the held-out questions (docs/benchmarks.md,
« Questions de la base de savoirs »).

The class keeps Rasa's name so that the recipe treats it as the same component
(config.yml: `name: addons.intent_classifier.LogisticRegressionClassifier`).
"""

from __future__ import annotations

from collections import defaultdict

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers import logistic_regression_classifier
from rasa.nlu.classifiers.logistic_regression_classifier import RANKING_LENGTH
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, vstack

from bot import savoirs

RESPONSE_SELECTOR = "response_selector"  # the keys of Rasa's ResponseSelector output
TOPICS_SHOWN = 10


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LogisticRegressionClassifier(logistic_regression_classifier.LogisticRegressionClassifier):
    def _create_training_matrix(self, training_data: TrainingData) -> tuple[csr_matrix, list[str]]:
        """(X, y) with the full intent as label: "faq/alternance", "greet"."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        return self._create_X(examples), [e.get_full_intent() for e in examples]

    def process(self, messages: list[Message]) -> list[Message]:
        rows = {id(message): self._create_X([message]) for message in messages}
        readable = [m for m in messages if rows[id(m)].shape[1] == self.clf.n_features_in_ and rows[id(m)].nnz]
        if readable:
            probabilities = self.clf.predict_proba(vstack([rows[id(m)] for m in readable]))
            for message, row in zip(readable, probabilities, strict=False):
                self._set_prediction(message, dict(zip(self.clf.classes_, row, strict=False)))
        known = {id(message) for message in readable}
        for message in messages:
            if id(message) not in known:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages

    def _set_prediction(self, message: Message, by_label: dict[str, float]) -> None:
        intents: dict[str, float] = defaultdict(float)
        topics: dict[str, dict[str, float]] = defaultdict(dict)
        for label, confidence in by_label.items():
            intent, _, topic = label.partition("/")
            intents[intent] = max(intents[intent], float(confidence))
            if topic:
                topics[intent][label] = float(confidence)
        ranking = sorted(({"name": n, "confidence": c} for n, c in intents.items()), key=lambda e: -e["confidence"])
        message.set(INTENT, ranking[0], add_to_output=True)
        length = self.config[RANKING_LENGTH]
        message.set(INTENT_RANKING_KEY, ranking[:length] if length > 0 else ranking, add_to_output=True)
        if topics:
            message.set(RESPONSE_SELECTOR, self._selection(topics, intents), add_to_output=True)

    @staticmethod
    def _selection(topics: dict[str, dict[str, float]], intents: dict[str, float]) -> dict:
        """The best topic of each retrieval intent, as Rasa's ResponseSelector gives it; the
        confidences are relative to the best topic, whose probability is the intent's."""
        selection: dict = {"all_retrieval_intents": sorted(topics)}
        for intent, by_topic in topics.items():
            best_probability = intents[intent] or 1.0
            ranked = sorted(by_topic.items(), key=lambda item: -item[1])[:TOPICS_SHOWN]
            best, confidence = ranked[0]
            answer = savoirs.answer(best.partition("/")[2]) if intent == "faq" else None
            selection[intent] = {
                "response": {
                    "responses": [{"text": answer}] if answer else [],
                    "confidence": confidence / best_probability,
                    "intent_response_key": best,
                    "utter_action": f"utter_{best}",
                },
                "ranking": [{"intent_response_key": k, "confidence": c / best_probability} for k, c in ranked],
            }
        return selection
