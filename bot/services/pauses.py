"""Pauses that come from how a mentor answers (issue 15): silence, and a break chosen on decline.

- **Silence.** Each request (session or mentorship) that expires unanswered adds one to the
  mentor's `expired_in_row`; any answer resets it. At `SILENT_IN_ROW` the mentor is paused by
  the system (`Pauser.SYSTEM`, which the mentor may lift with `/mentor resume`) in the same
  transaction as the expiry, and a kind DM is planned as due work, keyed by the pause, so racing
  passes send it once. The digest lists the mentors paused this way (`paused_by_silence`).
- **A break.** Declining, a mentor may pause themself for 1, 2 or 4 weeks in the same step;
  `paused_until` is set and due work at that moment resumes them and tells them, unless the
  pause was lifted or replaced meanwhile (the work carries the `until` it was planned for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.services import due
from bot.services.errors import FieldErrors
from store.models import MentorProfile, User
from store.statuses import MentorStatus, Pauser

SILENT_IN_ROW = 2
PAUSE_WEEKS = (1, 2, 4)
SILENCE_REASON = "Two requests in a row expired unanswered."
SILENCE_DM = "silence_pause_dm"
TIMED_RESUME = "timed_resume"
PAUSE_FIELD = "pause_weeks"


class InvalidPause(FieldErrors):
    pass


@dataclass(frozen=True)
class Resumed:
    """A mentor whose chosen break ended: who to tell."""

    slack_id: str
    name: str


def _locked(session: Session, mentor_id: int) -> MentorProfile | None:
    return session.scalar(
        select(MentorProfile)
        .where(MentorProfile.id == mentor_id)
        .with_for_update(of=MentorProfile)
        .execution_options(populate_existing=True)
    )


# --- silence ----------------------------------------------------------------------------------


def note_expired(session: Session, *, mentor_id: int, now: datetime) -> bool:
    """A request of the mentor's expired unanswered (the caller's transaction expired it, once);
    True when this was the one too many and the mentor is now paused."""
    mentor = _locked(session, mentor_id)
    if mentor is None:
        return False
    mentor.expired_in_row += 1
    if mentor.expired_in_row < SILENT_IN_ROW or mentor.status != MentorStatus.ACTIVE:
        session.flush()
        return False
    mentor.expired_in_row = 0  # a resumed mentor starts afresh
    mentor.status = MentorStatus.PAUSED
    mentor.paused_by_role = Pauser.SYSTEM
    mentor.paused_by = None
    mentor.paused_at = now
    mentor.pause_reason = SILENCE_REASON
    mentor.paused_until = None
    mentor.version += 1
    mentor.updated_at = now
    session.flush()
    due.schedule(
        session,
        key=f"{SILENCE_DM}:{mentor.id}:{now.isoformat()}",
        kind=SILENCE_DM,
        due_at=now,
        now=now,
        recipient_id=mentor.user_id,
        payload={"mentor_id": mentor.id, "paused_at": now.isoformat()},
    )
    return True


def note_answered(session: Session, *, mentor_id: int) -> None:
    """The mentor answered a request: their run of silences ends (no write when there is none)."""
    session.execute(
        update(MentorProfile)
        .where(MentorProfile.id == mentor_id, MentorProfile.expired_in_row != 0)
        .values(expired_in_row=0)
        .execution_options(synchronize_session=False)
    )


def still_paused_by_silence(session: Session, *, mentor_id: int, paused_at: str) -> bool:
    """Whether the pause a DM is about still stands (the mentor may have resumed already)."""
    mentor = session.get(MentorProfile, mentor_id)
    return (
        mentor is not None
        and mentor.status == MentorStatus.PAUSED
        and mentor.paused_by_role == Pauser.SYSTEM
        and mentor.paused_at is not None
        and mentor.paused_at.isoformat() == paused_at
    )


def paused_by_silence(session: Session, *, start: datetime, end: datetime) -> tuple[str, ...]:
    """The Slack ids of mentors the system paused in the period and who are still paused."""
    return tuple(
        session.scalars(
            select(User.slack_id)
            .join(MentorProfile, MentorProfile.user_id == User.id)
            .where(
                MentorProfile.status == MentorStatus.PAUSED,
                MentorProfile.paused_by_role == Pauser.SYSTEM,
                MentorProfile.paused_at >= start,
                MentorProfile.paused_at < end,
            )
            .order_by(MentorProfile.paused_at, MentorProfile.id)
        )
    )


# --- a break chosen on decline ----------------------------------------------------------------


def check_weeks(weeks: str) -> int | None:
    """The chosen break in weeks ("" for none); anything else is a field error."""
    if not weeks:
        return None
    if weeks.isascii() and weeks.isdigit() and int(weeks) in PAUSE_WEEKS:
        return int(weeks)
    raise InvalidPause({PAUSE_FIELD: "Choose a pause of 1, 2 or 4 weeks, or none."})


def pause_for_weeks(
    session: Session, *, mentor_id: int, weeks: int, by: str, now: datetime
) -> datetime | None:
    """Pause an active mentor for `weeks`, planning the resume; when it ends (None when the
    mentor was not active: a paused mentor stays as they are, a coordinator's pause above all)."""
    mentor = _locked(session, mentor_id)
    if mentor is None or mentor.status != MentorStatus.ACTIVE:
        return None
    until = now + timedelta(weeks=weeks)
    mentor.status = MentorStatus.PAUSED
    mentor.paused_by_role = Pauser.MENTOR
    mentor.paused_by = by
    mentor.paused_at = now
    mentor.pause_reason = None
    mentor.paused_until = until
    mentor.version += 1
    mentor.updated_at = now
    session.flush()
    due.schedule(
        session,
        key=f"{TIMED_RESUME}:{mentor.id}:{until.isoformat()}",
        kind=TIMED_RESUME,
        due_at=until,
        now=now,
        recipient_id=mentor.user_id,
        payload={"mentor_id": mentor.id, "until": until.isoformat()},
    )
    return until


def resume_timed(session: Session, *, mentor_id: int, until: str, now: datetime) -> Resumed | None:
    """The break ends: the mentor is active again, unless they resumed, left or were paused
    otherwise meanwhile (then nothing changes and nobody is told)."""
    mentor = _locked(session, mentor_id)
    if (
        mentor is None
        or mentor.status != MentorStatus.PAUSED
        or mentor.paused_by_role != Pauser.MENTOR
        or mentor.paused_until is None
        or mentor.paused_until.isoformat() != until
    ):
        return None
    mentor.status = MentorStatus.ACTIVE
    mentor.paused_by_role = mentor.paused_by = mentor.paused_at = mentor.pause_reason = None
    mentor.paused_until = None
    mentor.expired_in_row = 0
    mentor.version += 1
    mentor.updated_at = now
    session.flush()
    return Resumed(slack_id=mentor.user.slack_id, name=mentor.user.real_name)
