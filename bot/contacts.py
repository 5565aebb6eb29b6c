"""Contact details people leave for a counselor: stored with consent, erased on request."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from bot.catalog import models as m

_PHONE = re.compile(r"(?<![\d+])(?:\+33\s?|0033\s?|0)([1-9](?:[\s.-]?\d{2}){4})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def read_contact(text: str) -> str | None:
    """A French phone number ("06 12 34 56 78", "+33 6…") or an e-mail address, normalised."""
    email = _EMAIL.search(text or "")
    if email:
        return email.group(0).lower()
    phone = _PHONE.search(text or "")
    if phone:
        digits = "0" + re.sub(r"\D", "", phone.group(1))
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return None


def save_request(
    engine: Engine,
    conversation_id: str,
    contact: str,
    statut: str | None = None,
    metier: str | None = None,
    commune: str | None = None,
) -> None:
    with engine.begin() as conn:
        conn.execute(
            m.contact_request.insert().values(
                conversation_id=conversation_id,
                contact=contact,
                statut=statut,
                metier=metier,
                commune=commune,
                created_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
            )
        )


def erase_requests(engine: Engine, conversation_id: str) -> int:
    """Deletes the conversation's contact requests; returns how many there were."""
    with engine.begin() as conn:
        return conn.execute(
            delete(m.contact_request).where(m.contact_request.c.conversation_id == conversation_id)
        ).rowcount


def count_requests(engine: Engine, conversation_id: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(
            select(func.count())
            .select_from(m.contact_request)
            .where(m.contact_request.c.conversation_id == conversation_id)
        )
