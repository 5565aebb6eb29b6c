"""Rasa's LogisticRegressionClassifier, which also answers messages it knows nothing of.

An empty message gets no token and so no feature at all: Rasa's classifier then fails
(scikit-learn refuses an empty row) and the whole turn fails with it. A message whose
features are all zero tells the regression nothing, and it would answer with whatever intent
is most frequent. Both get no intent here, with
confidence 0, so that the FallbackClassifier answers them like any message the assistant did
not understand.

The class keeps Rasa's name so that the recipe treats it as the same component
(config.yml: `name: addons.intent_classifier.LogisticRegressionClassifier`).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers import logistic_regression_classifier
from rasa.nlu.classifiers.logistic_regression_classifier import RANKING_LENGTH
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import vstack


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LogisticRegressionClassifier(logistic_regression_classifier.LogisticRegressionClassifier):
    def process(self, messages: list[Message]) -> list[Message]:
        rows = {id(message): self._create_X([message]) for message in messages}
        readable = [m for m in messages if rows[id(m)].shape[1] == self.clf.n_features_in_ and rows[id(m)].nnz]
        if readable:
            probabilities = self.clf.predict_proba(vstack([rows[id(m)] for m in readable]))
            for message, row in zip(readable, probabilities, strict=False):
                ranking = sorted(
                    (
                        {"name": name, "confidence": confidence}
                        for name, confidence in zip(self.clf.classes_, row, strict=False)
                    ),
                    key=lambda entry: -entry["confidence"],
                )
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(
                    INTENT_RANKING_KEY,
                    ranking[: self.config[RANKING_LENGTH]] if self.config[RANKING_LENGTH] > 0 else ranking,
                    add_to_output=True,
                )
        known = {id(message) for message in readable}
        for message in messages:
            if id(message) not in known:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
