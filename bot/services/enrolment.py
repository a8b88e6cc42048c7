"""Enrolling in a cohort as mentor or mentee (`/mentor join`), and leaving while it is open.

Who may join is the programme's audience on that side as saved (programmes.py); a refusal
changes nothing. The default programme needs no enrolment, so it is never listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.services.audit import record
from bot.services.errors import DomainError
from store.models import Enrolment, MentorProfile, Programme, ProgrammeAudience, User
from store.statuses import Audience, MentorStatus, Role

MAX_LISTED = 20  # open programmes shown at once


class EnrolmentRefused(DomainError):
    """A join or leave the programme's rules refuse; the text says why. Nothing changed."""


@dataclass(frozen=True)
class Enrollable:
    """A cohort open for enrolment, and the sides this person is already enrolled on."""

    id: int
    name: str
    description: str
    starts_on: date | None
    ends_on: date | None
    enrolled_as: frozenset[Role]


def open_programmes(session: Session, *, user_id: int) -> list[Enrollable]:
    """The cohorts open for enrolment now, each with this person's enrolments (two queries)."""
    programmes = session.scalars(
        select(Programme)
        .where(Programme.is_default.is_(False), Programme.enrolment_open.is_(True))
        .order_by(Programme.starts_on, Programme.name)
        .limit(MAX_LISTED)
    ).all()
    mine: dict[int, set[Role]] = {}
    for programme_id, role in session.execute(
        select(Enrolment.programme_id, Enrolment.role).where(Enrolment.user_id == user_id)
    ):
        mine.setdefault(programme_id, set()).add(role)
    return [
        Enrollable(
            id=p.id,
            name=p.name,
            description=p.description,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            enrolled_as=frozenset(mine.get(p.id, ())),
        )
        for p in programmes
    ]


def _open_cohort(session: Session, programme_id: int, doing: str) -> Programme:
    """The cohort, locked so a coordinator closing enrolment waits for this change."""
    programme = session.get(Programme, programme_id, with_for_update=True)
    if programme is None or programme.is_default:
        raise EnrolmentRefused("That programme no longer exists. Nothing was changed.")
    if not programme.enrolment_open:
        raise EnrolmentRefused(
            f"Enrolment in {programme.name} is closed, so you cannot {doing} now. "
            "Nothing was changed; ask a coordinator if you think this is a mistake."
        )
    return programme


def _may_join(session: Session, programme: Programme, role: Role, slack_id: str) -> bool:
    audience = programme.mentor_audience if role == Role.MENTOR else programme.mentee_audience
    if audience == Audience.EVERYONE:
        return True
    listed = session.scalar(
        select(ProgrammeAudience.slack_id).where(
            ProgrammeAudience.programme_id == programme.id,
            ProgrammeAudience.role == role,
            ProgrammeAudience.slack_id == slack_id,
        )
    )
    return listed is not None


def join(
    session: Session, *, user_id: int, programme_id: int, role: str, now: datetime
) -> list[Enrollable]:
    """Enrol the person on one side; joining twice is harmless. The refreshed list."""
    if role not in set(Role):
        raise EnrolmentRefused("Join as mentor or as mentee.")
    side = Role(role)
    user = session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise EnrolmentRefused("You asked Mentor Bot to delete your data. Nothing was changed.")
    programme = _open_cohort(session, programme_id, "join")
    if not _may_join(session, programme, side, user.slack_id):
        raise EnrolmentRefused(
            f"{programme.name} is open to invited {side}s only, and you are not among them. "
            "Nothing was changed; ask a coordinator to add you."
        )
    if side == Role.MENTOR:
        status = session.scalar(
            select(MentorProfile.status).where(MentorProfile.user_id == user_id)
        )
        if status != MentorStatus.ACTIVE:
            raise EnrolmentRefused(
                "Only active mentors can join as mentor: sign up with `/mentor signup` first "
                "(a coordinator may need to approve you). Nothing was changed."
            )
    exists = session.get(Enrolment, (programme.id, side, user_id))
    if exists is None:
        session.add(
            Enrolment(programme_id=programme.id, role=side, user_id=user_id, enrolled_at=now)
        )
        record(
            session,
            actor=user.slack_id,
            action="enrolled",
            detail=f"{programme.name} as {side}",
            now=now,
            subject=f"programme:{programme.id}",
        )
        session.flush()
    return open_programmes(session, user_id=user_id)


def leave(session: Session, *, user_id: int, programme_id: int, now: datetime) -> list[Enrollable]:
    """Leave a cohort on every side while its enrolment is open. The refreshed list."""
    programme = _open_cohort(session, programme_id, "leave it")
    user = session.get(User, user_id)
    removed = session.execute(
        delete(Enrolment).where(
            Enrolment.programme_id == programme.id, Enrolment.user_id == user_id
        )
    )
    if removed.rowcount and user is not None:  # type: ignore[attr-defined]
        record(
            session,
            actor=user.slack_id,
            action="left programme",
            detail=programme.name,
            now=now,
            subject=f"programme:{programme.id}",
        )
    return open_programmes(session, user_id=user_id)
