"""A request's way from mentor to mentor (issue 15): asking with backups, an answer or a silence.

Each function is one whole use case in the caller's one transaction, wrapping the request's own
service (`bookings`, `mentorships`) with what issue 15 adds around it:

- asking records up to two backup mentors, checked on the form's field (`backups`);
- a decline may pause the mentor for some weeks (`pauses`; any answer ends their run of
  silences, in `bookings` and `mentorships` themselves);
- a decline by the mentor or an expiry moves the request to the next backup (`backups`); an
  expiry also counts toward the automatic pause (`pauses.note_expired`).

Racing due passes stay exactly once because the request's own status change decides: only the
pass whose conditional update or locked re-read closed the request counts it and moves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.services import backups, bookings, lifecycle, mentorships, pauses
from bot.services.backups import BookingMove, MemberMove
from bot.services.booking_view import BookingView
from bot.services.bookings import BookingOutcome
from bot.services.mentorships import MemberOutcome
from store.models import MentorProfile, TimeProposal
from store.statuses import BookingStatus, MentorshipKind, PlannedBy


@dataclass(frozen=True)
class BookingDeclined:
    outcome: BookingOutcome
    move: BookingMove | None = None  # where the request went, when the mentee named backups
    paused_until: datetime | None = None  # the mentor's chosen break, if they took one


@dataclass(frozen=True)
class BookingExpired:
    booking: BookingView
    move: BookingMove | None = None


@dataclass(frozen=True)
class MentorshipAnswered:
    outcome: MemberOutcome
    move: MemberMove | None = None
    paused_until: datetime | None = None


@dataclass(frozen=True)
class MentorshipExpired:
    outcome: MemberOutcome
    move: MemberMove | None = None


# --- asking -----------------------------------------------------------------------------------


def request_session(
    session: Session,
    *,
    mentee_id: int,
    slot_id: int,
    message: str,
    topic: str | None,
    backup_slack_ids: Sequence[str] = (),
    now: datetime,
    max_open: int,
    ttl: timedelta,
    offsets: Sequence[timedelta] = (),
) -> BookingOutcome:
    """`bookings.request_session`, with the mentee's backup mentors kept in order."""
    outcome = bookings.request_session(
        session,
        mentee_id=mentee_id,
        slot_id=slot_id,
        message=message,
        topic=topic,
        now=now,
        max_open=max_open,
        ttl=ttl,
        offsets=offsets,
    )
    chosen = backups.check(
        session,
        slack_ids=backup_slack_ids,
        first_mentor_id=outcome.booking.mentor_id,
        mentee_id=outcome.booking.mentee_id,
    )
    if chosen and outcome.booking.status == BookingStatus.PENDING:
        backups.keep(session, chosen, booking_id=outcome.booking.id)
    return outcome


def request_mentorship(
    session: Session,
    *,
    mentee_id: int,
    mentor_id: int,
    goals: Sequence[str],
    hopes: str,
    cadence: str,
    months: int | None,
    backup_slack_ids: Sequence[str] = (),
    now: datetime,
) -> MemberOutcome:
    """`mentorships.request_mentorship`, with the mentee's backup mentors kept in order."""
    outcome = mentorships.request_mentorship(
        session,
        mentee_id=mentee_id,
        mentor_id=mentor_id,
        goals=goals,
        hopes=hopes,
        cadence=cadence,
        months=months,
        now=now,
    )
    chosen = backups.check(
        session,
        slack_ids=backup_slack_ids,
        first_mentor_id=outcome.mentorship.mentor_id,
        mentee_id=mentee_id,
    )
    backups.keep(session, chosen, member_id=outcome.member.id)
    return outcome


# --- the mentor answers -----------------------------------------------------------------------


def decline_booking(
    session: Session,
    *,
    booking_id: int,
    actor_slack_id: str,
    reason: str,
    pause_weeks: str = "",
    now: datetime,
    ttl: timedelta,
) -> BookingDeclined:
    """The answerer declines; a mentor's decline may pause them for 1, 2 or 4 weeks and moves
    the request to the mentee's next backup."""
    weeks = pauses.check_weeks(pause_weeks)
    outcome = bookings.decline(
        session, booking_id=booking_id, actor_slack_id=actor_slack_id, reason=reason, now=now
    )
    booking = outcome.booking
    if booking.planned_by != PlannedBy.MENTEE:  # a mentee declined a session their mentor planned
        if weeks:
            raise pauses.InvalidPause({pauses.PAUSE_FIELD: "Only a mentor can pause here."})
        return BookingDeclined(outcome)
    until = None
    if weeks:
        until = pauses.pause_for_weeks(
            session, mentor_id=booking.mentor_id, weeks=weeks, by=actor_slack_id, now=now
        )
    move = backups.move_booking(session, old=booking, now=now, ttl=ttl)
    return BookingDeclined(outcome, move, until)


def answer_mentorship(
    session: Session,
    *,
    member_id: int,
    actor_slack_id: str,
    accept: bool,
    comment: str,
    pause_weeks: str = "",
    now: datetime,
) -> MentorshipAnswered:
    """The mentor accepts or declines; a decline may pause them and moves a pair request to the
    mentee's next backup."""
    weeks = pauses.check_weeks(pause_weeks)
    if weeks and accept:
        raise pauses.InvalidPause({pauses.PAUSE_FIELD: "A pause goes with a decline only."})
    outcome = mentorships.answer(
        session,
        member_id=member_id,
        actor_slack_id=actor_slack_id,
        accept=accept,
        comment=comment,
        now=now,
    )
    mentor_id = outcome.mentorship.mentor_id
    if accept:
        return MentorshipAnswered(outcome)
    until = None
    if weeks:
        until = pauses.pause_for_weeks(
            session, mentor_id=mentor_id, weeks=weeks, by=actor_slack_id, now=now
        )
    move = None
    if outcome.mentorship.kind == MentorshipKind.PAIR:
        move = backups.move_member(session, member_id=member_id, now=now)
    return MentorshipAnswered(outcome, move, until)


# --- nobody answered (due work) ---------------------------------------------------------------


def expire_booking(
    session: Session, *, booking_id: int, now: datetime, ttl: timedelta
) -> BookingExpired | None:
    """The request expires (None when it was answered, withdrawn or erased meanwhile). The pass
    that expired it counts the mentor's silence and moves it on; a retried pass, after Slack
    refused the message, reads the move back so the mentee hears the same news."""
    newly = lifecycle.expire_request(session, booking_id=booking_id, now=now)
    booking = bookings.get_booking(session, booking_id=booking_id)
    if booking is None or booking.status != BookingStatus.EXPIRED:
        return None
    if booking.planned_by != PlannedBy.MENTEE:
        return BookingExpired(booking)
    if not newly:
        return BookingExpired(booking, backups.moved_from(session, booking_id))
    if not _mentor_proposed(session, booking):  # a counter-proposal was an answer
        pauses.note_expired(session, mentor_id=booking.mentor_id, now=now)
    return BookingExpired(booking, backups.move_booking(session, old=booking, now=now, ttl=ttl))


def expire_mentorship(
    session: Session, *, member_id: int, now: datetime
) -> MentorshipExpired | None:
    """The mentorship request expires unanswered (None when it moved on meanwhile): the
    mentor's silence counts, and a pair request moves to the next backup."""
    outcome = mentorships.expire_request(session, member_id=member_id, now=now)
    if outcome is None:
        return None
    pauses.note_expired(session, mentor_id=outcome.mentorship.mentor_id, now=now)
    move = None
    if outcome.mentorship.kind == MentorshipKind.PAIR:
        move = backups.move_member(session, member_id=member_id, now=now)
    return MentorshipExpired(outcome, move)


def _mentor_proposed(session: Session, booking: BookingView) -> bool:
    """Whether the mentor offered another time on the request (the mentee then let it lapse)."""
    mentor_user = select(MentorProfile.user_id).where(MentorProfile.id == booking.mentor_id)
    return bool(
        session.scalar(
            select(
                exists().where(
                    TimeProposal.booking_id == booking.id,
                    TimeProposal.proposed_by == mentor_user.scalar_subquery(),
                )
            )
        )
    )
