"""Extensions loaded by the Rasa server itself (named in endpoints.yml, credentials.yml and config.yml).

Importing the package also:
- replaces Rasa's per-answer schema check of the action server by one that checks the
  schema once (addons/action_validation.py);
- cleans every message and answers an oversized one before the NLU (addons/message_limits.py);
- reads a button's label typed by hand as that button (addons/typed_buttons.py);
- answers "briefly unavailable" while the conversations' database is down (addons/tracker_store.py);
- answers a message sent again (same message id) without handling it twice (addons/replay.py);
- masks message texts and other personal values in Rasa's structured logs (addons/log_privacy.py).
"""

from addons import action_validation, log_privacy, message_limits, replay, tracker_store, typed_buttons

action_validation.install()
message_limits.install()
tracker_store.install()
replay.install()
typed_buttons.install()
log_privacy.install()
