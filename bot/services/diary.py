"""The diary of a mentorship: after each session the mentee writes what was discussed, their
progress and the homework for next time; the mentor may add a comment, which the mentee reads.

The diary is private to the pair (architecture.md, "Trust"): every read and write goes through
`mentorship_view.load`, which refuses anyone outside the mentorship, and in a group each mentee
reads only their own entries (the mentor reads all). Coordinators are never shown the text.
One entry per member and session is the database's rule (`diary_entries` unique key), so a
second submission, even a racing one, gets a clear answer and changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import mentorship_view
from bot.services.errors import FieldErrors
from bot.services.mentorship_view import MentorshipError
from store.models import Booking, DiaryEntry, MentorshipMember, User
from store.statuses import BookingStatus, Role

TEXT_MAX = 2000


@dataclass(frozen=True)
class EntryView:
    id: int
    mentorship_id: int
    booking_id: int | None
    session_starts_at: datetime | None
    mentee_slack_id: str
    mentor_slack_id: str
    discussed: str
    progress: str
    homework: str
    mentor_comment: str | None
    created_at: datetime


@dataclass(frozen=True)
class Diary:
    """A mentorship's entries as one person may read them, newest first."""

    mentorship_id: int
    title: str
    for_mentor: bool
    entries: tuple[EntryView, ...]


@dataclass(frozen=True)
class SessionToWrite:
    """The session a diary entry is about, for the modal's title line."""

    booking_id: int
    starts_at: datetime
    mentor_slack_id: str


class DiaryError(MentorshipError):
    """A diary refusal; `field` (from DomainError) names the input it belongs to."""


class InvalidEntry(FieldErrors, DiaryError):
    """One message per diary field that needs fixing."""


class NotYourSession(DiaryError):
    def __init__(self) -> None:
        super().__init__(
            "I can't find that session of your mentorship, or its diary isn't yours to write."
        )


class NotOverYet(DiaryError):
    def __init__(self) -> None:
        super().__init__("That session hasn't taken place yet: write its diary entry after it.")


class AlreadyWritten(DiaryError):
    def __init__(self) -> None:
        super().__init__(
            "You've already written the diary entry for that session; it's in the diary."
        )


class NotYourEntry(DiaryError):
    def __init__(self) -> None:
        super().__init__("I can't find that diary entry, or it isn't yours to comment on.")


class AlreadyCommented(DiaryError):
    def __init__(self) -> None:
        super().__init__("You've already commented on that entry; it's in the diary.")


def check_entry(discussed: str, progress: str, homework: str) -> dict[str, str]:
    """Every problem with an entry, keyed by field; empty when fine."""
    errors: dict[str, str] = {}
    if not discussed.strip():
        errors["discussed"] = "Say in a line or two what you discussed."
    for name, value in (("discussed", discussed), ("progress", progress), ("homework", homework)):
        if len(value.strip()) > TEXT_MAX:
            errors[name] = f"Keep this to {TEXT_MAX} characters (it has {len(value.strip())})."
    return errors


def check_comment(text: str) -> dict[str, str]:
    if not text.strip():
        return {"comment": "Write your comment: your mentee will read it."}
    if len(text.strip()) > TEXT_MAX:
        return {"comment": f"Keep it to {TEXT_MAX} characters (it has {len(text.strip())})."}
    return {}


# ---------------------------------------------------------------------------------------------
# Writing


def session_to_write(
    session: Session, *, booking_id: int, actor_slack_id: str, now: datetime
) -> SessionToWrite:
    """The session the mentee is about to write about: the same checks as the submission."""
    booking, member = _mentees_session(session, booking_id, actor_slack_id, now)
    if _entry_of(session, member.id, booking.id) is not None:
        raise AlreadyWritten()
    return SessionToWrite(booking.id, booking.starts_at, booking.mentor.user.slack_id)


def write_entry(
    session: Session,
    *,
    booking_id: int,
    actor_slack_id: str,
    discussed: str,
    progress: str,
    homework: str,
    now: datetime,
) -> EntryView:
    """Save the mentee's entry about a session of their mentorship that has taken place."""
    errors = check_entry(discussed, progress, homework)
    if errors:
        raise InvalidEntry(errors)
    booking, member = _mentees_session(session, booking_id, actor_slack_id, now)
    if _entry_of(session, member.id, booking.id) is not None:
        raise AlreadyWritten()
    entry = DiaryEntry(
        member_id=member.id,
        booking_id=booking.id,
        discussed=discussed.strip(),
        progress=progress.strip(),
        homework=homework.strip(),
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError as twice:  # a racing submission of the same entry won
        raise AlreadyWritten() from twice
    return _entry_view(entry, member, booking)


def has_entry(session: Session, *, booking_id: int, mentee_slack_id: str) -> bool:
    """Whether the mentee has written about this session (the diary prompt's re-check)."""
    found = session.scalar(
        select(DiaryEntry.id)
        .join(MentorshipMember, MentorshipMember.id == DiaryEntry.member_id)
        .join(User, User.id == MentorshipMember.mentee_id)
        .where(DiaryEntry.booking_id == booking_id, User.slack_id == mentee_slack_id)
    )
    return found is not None


# ---------------------------------------------------------------------------------------------
# The mentor's comment


def entry_to_comment(session: Session, *, entry_id: int, actor_slack_id: str) -> EntryView:
    """The entry the mentor is about to comment on: theirs to comment, not yet commented."""
    entry, member = _mentors_entry(session, entry_id, actor_slack_id)
    if entry.mentor_comment:
        raise AlreadyCommented()
    return _entry_view(entry, member, _booking_of(session, entry))


def comment(
    session: Session, *, entry_id: int, actor_slack_id: str, text: str, now: datetime
) -> EntryView:
    """The mentor's one comment on an entry; the mentee is told (the outcome's entry)."""
    errors = check_comment(text)
    if errors:
        raise InvalidEntry(errors)
    entry, member = _mentors_entry(session, entry_id, actor_slack_id, lock=True)
    if entry.mentor_comment:
        raise AlreadyCommented()
    entry.mentor_comment = text.strip()
    entry.commented_at = now
    session.flush()
    return _entry_view(entry, member, _booking_of(session, entry))


# ---------------------------------------------------------------------------------------------
# Reading


def diary_of(session: Session, *, mentorship_id: int, actor_slack_id: str) -> Diary:
    """The entries the actor may read: the mentor all of them, a mentee their own."""
    frame, role = mentorship_view.load(session, mentorship_id, actor_slack_id=actor_slack_id)
    members = [
        m for m in frame.members if role == Role.MENTOR or m.mentee.slack_id == actor_slack_id
    ]
    by_id = {m.id: m for m in members}
    rows = session.execute(
        select(DiaryEntry, Booking)
        .outerjoin(Booking, Booking.id == DiaryEntry.booking_id)
        .where(DiaryEntry.member_id.in_(list(by_id)))
        .order_by(DiaryEntry.created_at.desc(), DiaryEntry.id.desc())
    ).all()
    view = mentorship_view.view_of(session, frame.id)
    return Diary(
        mentorship_id=frame.id,
        title=view.title,
        for_mentor=role == Role.MENTOR,
        entries=tuple(_entry_view(e, by_id[e.member_id], b) for e, b in rows),
    )


def homework_for(session: Session, *, booking_ids: Collection[int]) -> dict[int, str]:
    """For each mentorship session, the homework of the mentee's latest diary entry written
    before it (one query, however many sessions); sessions without any are left out."""
    if not booking_ids:
        return {}
    rows = session.execute(
        select(Booking.id, DiaryEntry.homework, DiaryEntry.created_at, DiaryEntry.id)
        .join(
            MentorshipMember,
            (MentorshipMember.mentorship_id == Booking.mentorship_id)
            & (MentorshipMember.mentee_id == Booking.mentee_id),
        )
        .join(DiaryEntry, DiaryEntry.member_id == MentorshipMember.id)
        .where(
            Booking.id.in_(set(booking_ids)),
            DiaryEntry.homework != "",
            (DiaryEntry.booking_id.is_(None)) | (DiaryEntry.booking_id != Booking.id),
        )
    ).all()
    latest: dict[int, tuple[datetime, int, str]] = {}
    for booking_id, homework, created_at, entry_id in rows:
        if booking_id not in latest or (created_at, entry_id) > latest[booking_id][:2]:
            latest[booking_id] = (created_at, entry_id, homework)
    return {booking_id: found[2] for booking_id, found in latest.items()}


# ---------------------------------------------------------------------------------------------
# Helpers


def _mentees_session(
    session: Session, booking_id: int, actor_slack_id: str, now: datetime
) -> tuple[Booking, MentorshipMember]:
    """The approved session of a mentorship the actor is the mentee of, and their member row."""
    booking = session.get(Booking, booking_id)
    if booking is None or booking.mentorship_id is None:
        raise NotYourSession()
    frame, role = mentorship_view.load(
        session, booking.mentorship_id, actor_slack_id=actor_slack_id
    )
    member = next((m for m in frame.members if m.mentee_id == booking.mentee_id), None)
    if role != Role.MENTEE or member is None or member.mentee.slack_id != actor_slack_id:
        raise NotYourSession()
    if booking.status != BookingStatus.APPROVED:
        raise NotYourSession()
    if booking.ends_at > now:
        raise NotOverYet()
    return booking, member


def _mentors_entry(
    session: Session, entry_id: int, actor_slack_id: str, *, lock: bool = False
) -> tuple[DiaryEntry, MentorshipMember]:
    query = select(DiaryEntry).where(DiaryEntry.id == entry_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    entry = session.scalar(query)
    if entry is None:
        raise NotYourEntry()
    member = session.get_one(MentorshipMember, entry.member_id)
    _, role = mentorship_view.load(session, member.mentorship_id, actor_slack_id=actor_slack_id)
    if role != Role.MENTOR:
        raise NotYourEntry()
    return entry, member


def _entry_of(session: Session, member_id: int, booking_id: int) -> int | None:
    return session.scalar(
        select(DiaryEntry.id).where(
            DiaryEntry.member_id == member_id, DiaryEntry.booking_id == booking_id
        )
    )


def _booking_of(session: Session, entry: DiaryEntry) -> Booking | None:
    return session.get(Booking, entry.booking_id) if entry.booking_id else None


def _entry_view(entry: DiaryEntry, member: MentorshipMember, booking: Booking | None) -> EntryView:
    return EntryView(
        id=entry.id,
        mentorship_id=member.mentorship_id,
        booking_id=entry.booking_id,
        session_starts_at=booking.starts_at if booking else None,
        mentee_slack_id=member.mentee.slack_id,
        mentor_slack_id=member.mentorship.mentor.user.slack_id,
        discussed=entry.discussed,
        progress=entry.progress,
        homework=entry.homework,
        mentor_comment=entry.mentor_comment,
        created_at=entry.created_at,
    )
