"""Custom actions of the Electro'Mob assistant: a thin layer over the domain code in `bot`.

`rasa run actions` loads this package; each module registers its actions.
"""
from actions import counselor, fallback, info, profile, results  # noqa: F401
