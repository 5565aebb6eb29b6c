"""Extensions loaded by the Rasa server itself (named in endpoints.yml, credentials.yml and config.yml).

Importing the package also:
- replaces Rasa's per-answer schema check of the action server by one that checks the
  schema once (addons/action_validation.py);
- masks message texts and other personal values in Rasa's structured logs (addons/log_privacy.py).
"""

from addons import action_validation, log_privacy

action_validation.install()
log_privacy.install()
