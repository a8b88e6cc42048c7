"""A mentorship's due work, planned and dropped by the use cases that change it.

docs/architecture.md, "Due work". Every nudge, expiry, pulse and closing of a mentorship is a
`due_work` row with a key that names it, so planning twice is harmless and every replica sends
it once. The services in `mentorships`, `mentorship_sessions` and `mentorship_closing` call these
in their own transaction; the senders in `bot/slack/` re-read the mentorship before sending and
quietly do nothing when it has moved on.

Keys (`m` is the mentorship's id, `u` the recipient's user id, `k` the member's id):

| kind | key | when |
|---|---|---|
| `mship_request_nudge` | `mship:nudge:member:k` | a day before the request expires, to the mentor |
| `mship_request_expiry` | `mship:expiry:member:k` | `REQUEST_TTL` after the request |
| `mship_agree_expiry` | `mship:agree-expiry:member:k` | `AGREE_TTL` after acceptance |
| `mship_cadence_nudge` | `mship:cadence:m:after:<date>:user:u` | a cadence after the date |
| `mship_diary_prompt` | `mship:diary:booking:b:user:u` | an hour after a mentorship session ends |

| `mship_pulse` | `mship:pulse:member:k:user:u:round:r` | a month in, then every two months |
| `mship_close` | `mship:close:m:user:u:on:<date>` | the end date, 09:00 UTC |

The cadence nudge's date is when the member became active or when an approved session ends; it
is planned from each such anchor and never dropped: its sender sends only if nothing is planned
and no session ended within the cadence, so a later session quiets an earlier nudge, and a
cancelled one lets it speak.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.services import due
from bot.services.mentorship_view import CADENCE_DAYS
from store.models import DueWork, Mentorship
from store.statuses import DueStatus, MemberStatus

REQUEST_NUDGE = "mship_request_nudge"
REQUEST_EXPIRY = "mship_request_expiry"
AGREE_EXPIRY = "mship_agree_expiry"
CADENCE_NUDGE = "mship_cadence_nudge"
DIARY_PROMPT = "mship_diary_prompt"
PULSE = "mship_pulse"
CLOSE = "mship_close"
KINDS = (REQUEST_NUDGE, REQUEST_EXPIRY, AGREE_EXPIRY, CADENCE_NUDGE, DIARY_PROMPT, PULSE, CLOSE)

REQUEST_TTL = timedelta(days=7)
AGREE_TTL = timedelta(days=7)
DIARY_DELAY = timedelta(hours=1)
FIRST_PULSE = timedelta(days=30)
PULSE_EVERY = timedelta(days=60)
CLOSE_AT = time(9, 0)  # the end date's morning, UTC: everyone's day has begun somewhere near


def plan_request(
    session: Session, *, mentorship_id: int, member_id: int, mentor_user_id: int, now: datetime
) -> None:
    """A new request: the mentor is nudged a day before it expires, then it expires."""
    due.schedule(
        session,
        key=f"mship:nudge:member:{member_id}",
        kind=REQUEST_NUDGE,
        due_at=now + REQUEST_TTL - timedelta(days=1),
        now=now,
        mentorship_id=mentorship_id,
        recipient_id=mentor_user_id,
        payload={"member_id": member_id},
    )
    due.schedule(
        session,
        key=f"mship:expiry:member:{member_id}",
        kind=REQUEST_EXPIRY,
        due_at=now + REQUEST_TTL,
        now=now,
        mentorship_id=mentorship_id,
        payload={"member_id": member_id},
    )


def plan_agreement(session: Session, *, mentorship_id: int, member_id: int, now: datetime) -> None:
    """An accepted request: unless both agree in time, the agreement lapses."""
    drop(session, mentorship_id, kinds=(REQUEST_NUDGE, REQUEST_EXPIRY), member_id=member_id)
    due.schedule(
        session,
        key=f"mship:agree-expiry:member:{member_id}",
        kind=AGREE_EXPIRY,
        due_at=now + AGREE_TTL,
        now=now,
        mentorship_id=mentorship_id,
        payload={"member_id": member_id},
    )


def plan_active(
    session: Session,
    *,
    mentorship_id: int,
    member_id: int,
    people: Iterable[int],
    starts_on: date,
    ends_on: date,
    now: datetime,
) -> None:
    """A member who has just become active: pulses every two months after the first month,
    until the end date, and the closing evaluation on it, for the mentee and the mentor; and a
    nudge if no session is planned within the cadence."""
    drop(session, mentorship_id, kinds=(AGREE_EXPIRY,), member_id=member_id)
    people = list(people)
    frame = session.get_one(Mentorship, mentorship_id)
    plan_cadence(
        session,
        mentorship_id=mentorship_id,
        people=people,
        after=now,
        days=CADENCE_DAYS[frame.cadence],
        now=now,
    )
    start = datetime.combine(starts_on, CLOSE_AT, UTC)
    end = datetime.combine(ends_on, CLOSE_AT, UTC)
    for user_id in people:
        at, round_ = start + FIRST_PULSE, 1
        while at < end:
            due.schedule(
                session,
                key=f"mship:pulse:member:{member_id}:user:{user_id}:round:{round_}",
                kind=PULSE,
                due_at=max(at, now),
                now=now,
                mentorship_id=mentorship_id,
                recipient_id=user_id,
                payload={"member_id": member_id, "round": round_},
            )
            at, round_ = at + PULSE_EVERY, round_ + 1
        plan_close(session, mentorship_id=mentorship_id, user_id=user_id, ends_on=ends_on, now=now)


def plan_cadence(
    session: Session,
    *,
    mentorship_id: int,
    people: Iterable[int],
    after: datetime,
    days: int,
    now: datetime,
) -> None:
    """A nudge to each person one cadence after `after` (activation or a session's end), keyed
    by that date; its sender stays quiet if a session is planned by then."""
    for user_id in people:
        due.schedule(
            session,
            key=f"mship:cadence:{mentorship_id}:after:{after.date().isoformat()}:user:{user_id}",
            kind=CADENCE_NUDGE,
            due_at=max(after + timedelta(days=days), now),
            now=now,
            mentorship_id=mentorship_id,
            recipient_id=user_id,
            payload={"after": after.isoformat()},
        )


def plan_after_session(
    session: Session,
    *,
    mentorship_id: int,
    booking_id: int,
    mentee_id: int,
    ends_at: datetime,
    now: datetime,
) -> None:
    """An approved session of a mentorship: the mentee's diary prompt after it ends, and the
    next cadence nudge, counted from its end, to the mentor and every active member. Both are
    the booking's too, so cancelling it (`lifecycle.cancel_plan`) drops its diary prompt."""
    due.schedule(
        session,
        key=f"mship:diary:booking:{booking_id}:user:{mentee_id}",
        kind=DIARY_PROMPT,
        due_at=max(ends_at + DIARY_DELAY, now),
        now=now,
        booking_id=booking_id,
        mentorship_id=mentorship_id,
        recipient_id=mentee_id,
    )
    frame = session.get_one(Mentorship, mentorship_id)
    people = [frame.mentor.user_id] + [
        m.mentee_id for m in frame.members if m.status == MemberStatus.ACTIVE
    ]
    plan_cadence(
        session,
        mentorship_id=mentorship_id,
        people=people,
        after=ends_at,
        days=CADENCE_DAYS[frame.cadence],
        now=now,
    )


def plan_close(
    session: Session, *, mentorship_id: int, user_id: int, ends_on: date, now: datetime
) -> None:
    """The closing evaluation on the end date; keyed by the date, so an extension plans anew
    (drop the old one with `drop(..., kinds=(CLOSE,))` first)."""
    due.schedule(
        session,
        key=f"mship:close:{mentorship_id}:user:{user_id}:on:{ends_on.isoformat()}",
        kind=CLOSE,
        due_at=max(datetime.combine(ends_on, CLOSE_AT, UTC), now),
        now=now,
        mentorship_id=mentorship_id,
        recipient_id=user_id,
    )


def drop(
    session: Session,
    mentorship_id: int,
    *,
    kinds: Iterable[str] = KINDS,
    member_id: int | None = None,
    recipient_id: int | None = None,
) -> int:
    """Cancel pending work of these kinds (for one member or recipient, when given); the rows
    stay, as a record and so that the same key is never planned twice."""
    query = update(DueWork).where(
        DueWork.mentorship_id == mentorship_id,
        DueWork.kind.in_(tuple(kinds)),
        DueWork.status == DueStatus.PENDING,
    )
    if member_id is not None:
        query = query.where(DueWork.payload["member_id"].as_integer() == member_id)
    if recipient_id is not None:
        query = query.where(DueWork.recipient_id == recipient_id)
    result = session.execute(query.values(status=DueStatus.CANCELLED))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
