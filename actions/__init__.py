"""Custom actions of the Electro'Mob assistant: a thin layer over the domain code in `bot`.

`rasa run actions` loads this package; each module registers its actions. Its logs keep no
personal data (privacy/logs.py). The reference data (every French commune, the jobs, the EPCI
of the demand events) is read here, when the server starts, rather than during the first
conversation, which would otherwise wait for it (docs/benchmarks.md).
"""

from actions import counselor, fallback, faq, info, profile, results  # noqa: F401
from bot.geo import gazetteer
from bot.jobs import vocabulary
from bot.territoires import territoires
from privacy import logs

logs.install()
gazetteer()
vocabulary()
territoires()
