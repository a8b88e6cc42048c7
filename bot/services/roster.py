"""The coordinators' roster of mentors: who is in the program, in what state, and how busy.

Coordinators can approve pending mentors (through `mentors.decide`), and pause or reactivate
anyone. Each change carries the profile version the coordinator was shown, so two coordinators
clicking at once, or a click on an old list, cannot undo a newer change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.services.mentors import MentorView, StaleProfile, mentor_by_id
from store.models import Booking, MentorProfile, MentorSkill, Skill, User

PAGE_SIZE = 10
FILTERS = {
    "all": ("pending", "active", "paused"),
    "pending": ("pending",),
    "active": ("active",),
    "paused": ("paused",),
}
LOAD_WINDOW = timedelta(days=7)
# Pending first: they are waiting on the coordinator.
STATUS_ORDER = {"pending": 0, "active": 1, "paused": 2}
COORDINATOR_MOVES = {"paused": ("active",), "active": ("paused",)}


@dataclass(frozen=True)
class RosterEntry:
    mentor_id: int
    version: int
    slack_id: str
    name: str
    status: str
    skills: tuple[str, ...]
    weekly_capacity: int
    sessions_next_7_days: int
    pending_requests: int

    @property
    def at_capacity(self) -> bool:
        return self.sessions_next_7_days >= self.weekly_capacity


@dataclass(frozen=True)
class RosterPage:
    entries: tuple[RosterEntry, ...]
    filter: str
    offset: int
    total: int
    counts: dict[str, int]

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.entries) < self.total


def roster_page(session: Session, *, filter: str, offset: int, now: datetime) -> RosterPage:
    """One page of mentors in the filter's statuses: pending first, then by name."""
    statuses = FILTERS[filter]
    counts = dict(
        session.execute(
            select(MentorProfile.status, func.count())
            .where(MentorProfile.status.in_(FILTERS["all"]))
            .group_by(MentorProfile.status)
        ).all()
    )
    total = sum(counts.get(status, 0) for status in statuses)
    offset = max(0, min(offset, max(total - 1, 0)))
    order = case(STATUS_ORDER, value=MentorProfile.status)
    rows = session.execute(
        select(MentorProfile, User)
        .join(User, User.id == MentorProfile.user_id)
        .where(MentorProfile.status.in_(statuses))
        .order_by(order, func.lower(User.real_name), MentorProfile.id)
        .offset(offset)
        .limit(PAGE_SIZE)
    ).all()
    ids = [mentor.id for mentor, _ in rows]
    skills = _skills_of(session, ids)
    upcoming, pending = _loads(session, ids, now)
    entries = tuple(
        RosterEntry(
            mentor_id=mentor.id,
            version=mentor.version,
            slack_id=user.slack_id,
            name=user.real_name,
            status=mentor.status,
            skills=skills.get(mentor.id, ()),
            weekly_capacity=mentor.weekly_capacity,
            sessions_next_7_days=upcoming.get(mentor.id, 0),
            pending_requests=pending.get(mentor.id, 0),
        )
        for mentor, user in rows
    )
    return RosterPage(entries, filter, offset, total, {s: counts.get(s, 0) for s in FILTERS["all"]})


def coordinator_set_status(
    session: Session, *, mentor_id: int, version: int, status: str, now: datetime
) -> MentorView:
    """Pause an active mentor or reactivate a paused one, as shown at `version`."""
    mentor = session.get(MentorProfile, mentor_id, with_for_update=True)
    if (
        mentor is None
        or mentor.version != version
        or mentor.status not in COORDINATOR_MOVES.get(status, ())
    ):
        raise StaleProfile()
    mentor.status = status
    mentor.updated_at = now
    mentor.version += 1
    session.flush()
    view = mentor_by_id(session, mentor_id)
    assert view is not None
    return view


def _skills_of(session: Session, mentor_ids: list[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for mentor_id, name in session.execute(
        select(MentorSkill.mentor_id, Skill.name)
        .join(Skill, Skill.id == MentorSkill.skill_id)
        .where(MentorSkill.mentor_id.in_(mentor_ids))
        .order_by(func.lower(Skill.name))
    ):
        found.setdefault(mentor_id, []).append(name)
    return {mentor_id: tuple(names) for mentor_id, names in found.items()}


def _loads(
    session: Session, mentor_ids: list[int], now: datetime
) -> tuple[dict[int, int], dict[int, int]]:
    """Approved sessions in the next 7 days and open requests, per mentor, in one query."""
    soon = (Booking.status == "approved") & (Booking.starts_at < now + LOAD_WINDOW)
    rows = session.execute(
        select(
            Booking.mentor_id,
            func.sum(case((soon, 1), else_=0)),
            func.sum(case((Booking.status == "pending", 1), else_=0)),
        )
        .where(
            Booking.mentor_id.in_(mentor_ids),
            Booking.status.in_(("pending", "approved")),
            Booking.starts_at >= now,
        )
        .group_by(Booking.mentor_id)
    ).all()
    return (
        {mentor_id: int(upcoming or 0) for mentor_id, upcoming, _ in rows},
        {mentor_id: int(pending or 0) for mentor_id, _, pending in rows},
    )
