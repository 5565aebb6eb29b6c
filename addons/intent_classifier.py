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

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers import logistic_regression_classifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LogisticRegressionClassifier(logistic_regression_classifier.LogisticRegressionClassifier):
    def process(self, messages: List[Message]) -> List[Message]:
        readable = []
        for message in messages:
            row = self._create_X([message])
            if row.shape[1] == self.clf.n_features_in_ and row.nnz:
                readable.append(message)
            else:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        if readable:
            super().process(readable)
        return messages
