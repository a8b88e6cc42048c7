"""Asking a mentor with no free time to add some, at most once per asker and week."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.services import due
from bot.services.errors import DomainError
from store.models import MentorProfile, User
from store.statuses import MentorStatus

NUDGE = "availability_nudge"


def ask_for_availability(session: Session, *, asker_id: int, mentor_id: int, now: datetime) -> bool:
    """Queue a DM to the mentor; False when this asker already asked them this week.

    The nudge is due work keyed by mentor, asker and ISO week, so repeated clicks, several
    replicas and retries after Slack errors still send it once.
    """
    mentor = session.get(MentorProfile, mentor_id)
    asker = session.get(User, asker_id)
    if mentor is None or asker is None or mentor.status != MentorStatus.ACTIVE:
        raise DomainError("That mentor isn't taking bookings right now.")
    if mentor.user_id == asker_id:
        raise DomainError("That's you! Add availability with `/mentor availability`.")
    year, week, _ = now.isocalendar()
    skills = ", ".join(sorted(s.skill.name for s in mentor.skills))
    return due.schedule(
        session,
        key=f"{NUDGE}:{mentor_id}:{asker_id}:{year}-W{week:02d}",
        kind=NUDGE,
        due_at=now,
        now=now,
        recipient_id=mentor.user_id,
        payload={"asker": asker.slack_id, "skills": skills},
    )
