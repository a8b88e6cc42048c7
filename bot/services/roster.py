"""The coordinators' roster of mentors: who is in the program, in what state, and how busy.

Coordinators can approve pending mentors (through `mentors.decide`), pause active mentors with
a reason, and lift a pause that a coordinator (or the system) made; a mentor's own pause is
theirs to lift. Each change carries the profile version the coordinator was shown, so two
coordinators clicking at once, or a click on an old list, cannot undo a newer change. Every
function checks the acting user against the configured coordinators inside its transaction, and
each change writes its audit entry there too.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.services.coordinators import authorize, require_coordinator
from bot.services.errors import DomainError
from bot.services.mentors import (
    InvalidProfile,
    MentorChange,
    MentorOutcome,
    MentorView,
    StaleProfile,
    changed,
    clear_pause,
    mark_paused,
    mentor_by_id,
)
from store.models import Booking, MentorProfile, MentorSkill, Skill, User
from store.statuses import BookingStatus, MentorStatus, Pauser

PAGE_SIZE = 10
FILTERS: dict[str, tuple[MentorStatus, ...]] = {
    "all": (MentorStatus.PENDING, MentorStatus.ACTIVE, MentorStatus.PAUSED),
    "pending": (MentorStatus.PENDING,),
    "active": (MentorStatus.ACTIVE,),
    "paused": (MentorStatus.PAUSED,),
}
LOAD_WINDOW = timedelta(days=7)
# Pending first: they are waiting on the coordinator.
STATUS_ORDER = {MentorStatus.PENDING: 0, MentorStatus.ACTIVE: 1, MentorStatus.PAUSED: 2}
PAUSE_REASON_MAX = 500
# Pauses a coordinator may lift: their own kind, the system's, and ones of unknown origin.
COORDINATOR_LIFTS = (Pauser.COORDINATOR, Pauser.SYSTEM, None)
STATUS_NOW = {
    MentorStatus.PENDING: "waiting for approval",
    MentorStatus.ACTIVE: "active",
    MentorStatus.REJECTED: "not approved",
    MentorStatus.LEFT: "gone from the program",
}


class UnknownFilter(DomainError):
    def __init__(self) -> None:
        super().__init__("Show `pending`, `active` or `paused` mentors, or all of them.")


class MentorsOwnPause(DomainError):
    """Coordinators may not lift a pause the mentor made: it is the mentor's to lift."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} paused their profile themselves, so only they can resume it. "
            "Nothing was changed."
        )


@dataclass(frozen=True)
class RosterEntry:
    mentor_id: int
    version: int
    slack_id: str
    name: str
    status: MentorStatus
    skills: tuple[str, ...]
    weekly_capacity: int
    sessions_next_7_days: int
    pending_requests: int
    paused_by_role: Pauser | None = None
    paused_by: str | None = None
    paused_at: datetime | None = None
    pause_reason: str | None = None
    levels: tuple[tuple[str, int], ...] = ()  # (skill, SFIA level), in the order of skills

    @property
    def at_capacity(self) -> bool:
        return self.sessions_next_7_days >= self.weekly_capacity

    @property
    def can_reactivate(self) -> bool:
        """Whether a coordinator may lift this mentor's pause (not one the mentor made)."""
        return self.status == MentorStatus.PAUSED and self.paused_by_role in COORDINATOR_LIFTS


@dataclass(frozen=True)
class RosterPage:
    entries: tuple[RosterEntry, ...]
    filter: str
    offset: int
    total: int
    counts: dict[MentorStatus, int]

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.entries) < self.total


def show_roster(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    filter: str,
    now: datetime,
    detail: str = "",
) -> RosterPage:
    """`/mentor admin mentors [filter]`: the first page, checked and audited."""
    require_coordinator(actor, coordinators)
    if filter not in FILTERS:
        raise UnknownFilter()
    authorize(
        session,
        actor=actor,
        coordinators=coordinators,
        action="admin mentors",
        detail=detail,
        now=now,
    )
    return roster_page(
        session, actor=actor, coordinators=coordinators, filter=filter, offset=0, now=now
    )


def roster_page(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    filter: str,
    offset: int,
    now: datetime,
) -> RosterPage:
    """One page of mentors in the filter's statuses: pending first, then by name."""
    require_coordinator(actor, coordinators)
    if filter not in FILTERS:
        raise UnknownFilter()
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
            skills=tuple(name for name, _ in skills.get(mentor.id, ())),
            levels=skills.get(mentor.id, ()),
            weekly_capacity=mentor.weekly_capacity,
            sessions_next_7_days=upcoming.get(mentor.id, 0),
            pending_requests=pending.get(mentor.id, 0),
            paused_by_role=mentor.paused_by_role if mentor.status == MentorStatus.PAUSED else None,
            paused_by=mentor.paused_by if mentor.status == MentorStatus.PAUSED else None,
            paused_at=mentor.paused_at if mentor.status == MentorStatus.PAUSED else None,
            pause_reason=mentor.pause_reason if mentor.status == MentorStatus.PAUSED else None,
        )
        for mentor, user in rows
    )
    return RosterPage(entries, filter, offset, total, {s: counts.get(s, 0) for s in FILTERS["all"]})


def pause_form(
    session: Session, *, mentor_id: int, version: int, actor: str, coordinators: Collection[str]
) -> MentorView:
    """The active mentor a coordinator is about to pause, if they still may (read only)."""
    require_coordinator(actor, coordinators)
    _as_shown(session, mentor_id, version, MentorStatus.ACTIVE, lock=False)
    view = mentor_by_id(session, mentor_id)
    assert view is not None
    return view


def coordinator_pause(
    session: Session,
    *,
    mentor_id: int,
    version: int,
    reason: str,
    actor: str,
    coordinators: Collection[str],
    now: datetime,
) -> MentorOutcome:
    """A coordinator pauses an active mentor, as shown at `version`, with a reason they hear."""
    require_coordinator(actor, coordinators)
    mentor = _as_shown(session, mentor_id, version, MentorStatus.ACTIVE, lock=True)
    reason = reason.strip()
    if not reason:
        raise InvalidProfile({"reason": "Tell the mentor why they are paused."})
    if len(reason) > PAUSE_REASON_MAX:
        raise InvalidProfile({"reason": f"Keep the reason under {PAUSE_REASON_MAX} characters."})
    mark_paused(mentor, role=Pauser.COORDINATOR, by=actor, reason=reason, now=now)
    return _change(
        session, mentor, MentorStatus.PAUSED, MentorChange.PAUSED, actor, coordinators, now
    )


def coordinator_reactivate(
    session: Session,
    *,
    mentor_id: int,
    version: int,
    actor: str,
    coordinators: Collection[str],
    now: datetime,
) -> MentorOutcome:
    """A coordinator lifts a coordinator's (or the system's) pause, as shown at `version`."""
    require_coordinator(actor, coordinators)
    mentor = _as_shown(session, mentor_id, version, MentorStatus.PAUSED, lock=True)
    if mentor.paused_by_role not in COORDINATOR_LIFTS:
        raise MentorsOwnPause(mentor.user.real_name or "This mentor")
    clear_pause(mentor)
    return _change(
        session, mentor, MentorStatus.ACTIVE, MentorChange.REACTIVATED, actor, coordinators, now
    )


def _change(
    session: Session,
    mentor: MentorProfile,
    status: MentorStatus,
    change: MentorChange,
    actor: str,
    coordinators: Collection[str],
    now: datetime,
) -> MentorOutcome:
    mentor.status = status
    mentor.updated_at = now
    shown = mentor.version
    mentor.version += 1
    authorize(
        session,
        actor=actor,
        coordinators=coordinators,
        action=f"roster {change}",  # "roster paused", "roster reactivated"
        detail=f"profile version {shown}",
        subject=mentor.user.slack_id,
        now=now,
    )
    session.flush()
    return changed(session, mentor, change, actor)


def _as_shown(
    session: Session, mentor_id: int, version: int, expected: MentorStatus, *, lock: bool
) -> MentorProfile:
    """The mentor's row (locked for a change) if it is still as the list showed it; else a
    refusal that says what changed."""
    mentor = session.get(MentorProfile, mentor_id, with_for_update=lock)
    if mentor is None:
        raise StaleProfile("This mentor profile no longer exists: nothing was changed.")
    if mentor.status == expected and mentor.version == version:
        return mentor
    name = mentor.user.real_name or "This mentor"
    if mentor.status == MentorStatus.PAUSED:
        by = "by themselves" if mentor.paused_by_role == Pauser.MENTOR else "by a coordinator"
        now = f"paused {by}"
    else:
        now = STATUS_NOW.get(mentor.status, mentor.status)
    raise StaleProfile(f"{name} changed since this was shown: now {now}. Nothing was changed.")


def _skills_of(session: Session, mentor_ids: list[int]) -> dict[int, tuple[tuple[str, int], ...]]:
    found: dict[int, list[tuple[str, int]]] = {}
    for mentor_id, name, level in session.execute(
        select(MentorSkill.mentor_id, Skill.name, MentorSkill.level)
        .join(Skill, Skill.id == MentorSkill.skill_id)
        .where(MentorSkill.mentor_id.in_(mentor_ids))
        .order_by(func.lower(Skill.name))
    ):
        found.setdefault(mentor_id, []).append((name, level))
    return {mentor_id: tuple(levels) for mentor_id, levels in found.items()}


def _loads(
    session: Session, mentor_ids: list[int], now: datetime
) -> tuple[dict[int, int], dict[int, int]]:
    """Approved sessions in the next 7 days and open requests, per mentor, in one query."""
    soon = (Booking.status == BookingStatus.APPROVED) & (Booking.starts_at < now + LOAD_WINDOW)
    rows = session.execute(
        select(
            Booking.mentor_id,
            func.sum(case((soon, 1), else_=0)),
            func.sum(case((Booking.status == BookingStatus.PENDING, 1), else_=0)),
        )
        .where(
            Booking.mentor_id.in_(mentor_ids),
            Booking.status.in_((BookingStatus.PENDING, BookingStatus.APPROVED)),
            Booking.starts_at >= now,
        )
        .group_by(Booking.mentor_id)
    ).all()
    return (
        {mentor_id: int(upcoming or 0) for mentor_id, upcoming, _ in rows},
        {mentor_id: int(pending or 0) for mentor_id, _, pending in rows},
    )
