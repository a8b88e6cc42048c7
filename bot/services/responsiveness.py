"""How quickly a mentor usually answers, so a mentee can choose someone who will (issue 15).

From each mentor's last `RECENT` closed requests (session requests and mentorship requests),
the median of the time from the request to its end: the mentor's answer, or the expiry that
came instead (a silent mentor must not look quick). A mentor with fewer than `MIN_ANSWERS`
answers among them gets no phrase at all rather than a guess. One query for any set of mentors,
read along `ix_bookings_mentor_requested` and `ix_mentorship_members_mentor_requested`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from store.models import Booking, MentorshipMember
from store.statuses import BookingStatus, MemberStatus, PlannedBy

RECENT = 10
MIN_ANSWERS = 3
# (at most this long, the phrase): the first bucket the median fits.
BUCKETS = (
    (timedelta(hours=6), "Usually answers within a few hours"),
    (timedelta(hours=24), "Usually answers within a day"),
)
SLOWEST = "Usually answers within a few days"
_ANSWERED = (BookingStatus.APPROVED, BookingStatus.DECLINED)


def phrase_for(median: timedelta) -> str:
    """The bucket a median answer time falls in, in words."""
    return next((words for limit, words in BUCKETS if median <= limit), SLOWEST)


def answer_phrases(session: Session, mentor_ids: Collection[int]) -> dict[int, str]:
    """{mentor id: "Usually answers within a day"} for the mentors with enough answers."""
    if not mentor_ids:
        return {}
    ids = sorted(set(mentor_ids))
    sessions = select(
        Booking.mentor_id.label("mentor_id"),
        Booking.requested_at.label("asked"),
        Booking.decided_at.label("ended"),
        Booking.status.in_(_ANSWERED).label("answered"),
    ).where(
        Booking.mentor_id.in_(ids),
        Booking.planned_by == PlannedBy.MENTEE,
        Booking.status.in_((*_ANSWERED, BookingStatus.EXPIRED)),
        Booking.decided_at.is_not(None),
        Booking.decided_at > Booking.requested_at,  # a seat approved at once was no answer
    )
    mentorships = select(
        MentorshipMember.mentor_id,
        MentorshipMember.requested_at,
        func.coalesce(MentorshipMember.answered_at, MentorshipMember.ended_at),
        MentorshipMember.answered_at.is_not(None),
    ).where(
        MentorshipMember.mentor_id.in_(ids),
        MentorshipMember.requested_at.is_not(None),
        (MentorshipMember.answered_at.is_not(None))
        | (
            (MentorshipMember.status == MemberStatus.EXPIRED)
            & MentorshipMember.mentor_agreed_at.is_(None)
            & MentorshipMember.ended_at.is_not(None)
        ),
    )
    closed = union_all(sessions, mentorships).subquery()
    ranked = select(
        closed.c.mentor_id,
        closed.c.asked,
        closed.c.ended,
        closed.c.answered,
        func.row_number()
        .over(partition_by=closed.c.mentor_id, order_by=closed.c.asked.desc())
        .label("n"),
    ).subquery()
    rows = session.execute(
        select(ranked.c.mentor_id, ranked.c.asked, ranked.c.ended, ranked.c.answered).where(
            ranked.c.n <= literal(RECENT)
        )
    )
    waits: dict[int, list[timedelta]] = defaultdict(list)
    answers: dict[int, int] = defaultdict(int)
    for mentor_id, asked, ended, answered in rows:
        waits[mentor_id].append(_utc(ended) - _utc(asked))
        answers[mentor_id] += 1 if answered else 0
    return {
        mentor_id: phrase_for(statistics.median_low(found))
        for mentor_id, found in waits.items()
        if answers[mentor_id] >= MIN_ANSWERS
    }


def _utc(moment: datetime | str) -> datetime:
    """A union's columns may come back untyped on SQLite: read them as UTC either way."""
    found = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return found if found.tzinfo else found.replace(tzinfo=UTC)
