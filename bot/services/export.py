"""CSV exports for coordinators: the period's sessions, reviews and mentorships, for their own
analysis.

Only what coordinators may already see goes out: who met whom and when, how it went, and the
confidential review scores and comments. Booking messages, topics and reasons stay between the
two participants, and action items between the reviewer and the other participant. The
mentorships file has one row per member and only counts and stars: no goal, step, diary, pulse
or evaluation text, no comment, no reason.

Formula injection (OWASP "CSV Injection"): every data cell is wrapped in double quotes, so a
spreadsheet that splits on `;` or tabs still reads it as one cell, and a cell where a spreadsheet
could find a formula gets a leading apostrophe, which makes it text. That is a cell starting
with `=`, `+`, `-`, `@`, tab or carriage return, and one where such a character follows a
separator, a quote or a line break inside the text (`ok;=cmd|...`, `a,=1+1`), since a lenient
importer may start a new cell there. Opening an export never runs what someone typed into a
comment. Files are UTF-8 with a byte order mark, so spreadsheet programs show non-ASCII names
correctly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session, aliased

from store.models import (
    NO_SHOW,
    Attendance,
    Booking,
    DiaryEntry,
    Evaluation,
    Goal,
    MentorProfile,
    Mentorship,
    MentorshipMember,
    Programme,
    Pulse,
    Review,
    User,
)
from store.statuses import BookingStatus, GoalStatus, Role

SESSION_COLUMNS = (
    "booking_id",
    "status",
    "starts_at_utc",
    "ends_at_utc",
    "mentor_slack_id",
    "mentor_name",
    "mentee_slack_id",
    "mentee_name",
    "requested_at_utc",
    "decided_at_utc",
    "mentor_says_it_took_place",
    "mentee_says_it_took_place",
)
REVIEW_COLUMNS = (
    "review_id",
    "booking_id",
    "session_starts_at_utc",
    "reviewer_role",
    "reviewer_slack_id",
    "reviewer_name",
    "mentor_slack_id",
    "mentor_name",
    "mentee_slack_id",
    "mentee_name",
    "connection_stars",
    "connection_comment",
    "program_stars",
    "program_comment",
    "feedback",
    "reviewed_at_utc",
)
MENTORSHIP_COLUMNS = (
    "mentorship_id",
    "member_id",
    "programme",
    "kind",
    "status",
    "cadence",
    "months",
    "starts_on",
    "ends_on",
    "mentor_slack_id",
    "mentor_name",
    "mentee_slack_id",
    "mentee_name",
    "goals",
    "goals_reached",
    "sessions_held",
    "diary_entries",
    "pulse_average",
    "mentee_evaluation_stars",
    "mentor_evaluation_stars",
)
FORMULA_STARTS = "=+-@\t\r"
# Where a lenient spreadsheet import may begin a cell: the start, or after a separator, a quote
# or a line break; spaces there are skipped by some importers ("Trim spaces").
CELL_STARTS = ",;\t\r\n\"'"
_FORMULA = re.compile(f"(?:^|[{re.escape(CELL_STARTS)}]) *[{re.escape(FORMULA_STARTS)}]")
BOM = "\ufeff"


@dataclass(frozen=True)
class Export:
    sessions_csv: str
    reviews_csv: str
    mentorships_csv: str
    sessions: int
    reviews: int
    mentorships: int

    @property
    def is_empty(self) -> bool:
        return not (self.sessions or self.reviews or self.mentorships)


def export_period(session: Session, *, start: datetime, end: datetime) -> Export:
    """Sessions that start, reviews written, and mentorship members under way, in `[start,
    end)`."""
    sessions = _session_rows(session, start, end)
    reviews = _review_rows(session, start, end)
    mentorships = _mentorship_rows(session, start, end)
    return Export(
        sessions_csv=to_csv(SESSION_COLUMNS, sessions),
        reviews_csv=to_csv(REVIEW_COLUMNS, reviews),
        mentorships_csv=to_csv(MENTORSHIP_COLUMNS, mentorships),
        sessions=len(sessions),
        reviews=len(reviews),
        mentorships=len(mentorships),
    )


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(columns)
    data = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    data.writerows([_cell(value) for value in row] for row in rows)
    return BOM + buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return "'" + text if _FORMULA.search(text) else text


def _session_rows(session: Session, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    mentor_user, mentee = aliased(User), aliased(User)
    said_by_mentor, said_by_mentee = aliased(Attendance), aliased(Attendance)
    query = (
        select(
            Booking.id,
            Booking.status,
            Booking.starts_at,
            Booking.ends_at,
            mentor_user.slack_id,
            mentor_user.real_name,
            mentee.slack_id,
            mentee.real_name,
            Booking.requested_at,
            Booking.decided_at,
            said_by_mentor.took_place,
            said_by_mentee.took_place,
        )
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(mentor_user, mentor_user.id == MentorProfile.user_id)
        .join(mentee, mentee.id == Booking.mentee_id)
        .outerjoin(
            said_by_mentor,
            and_(
                said_by_mentor.booking_id == Booking.id,
                said_by_mentor.user_id == MentorProfile.user_id,
            ),
        )
        .outerjoin(
            said_by_mentee,
            and_(said_by_mentee.booking_id == Booking.id, said_by_mentee.user_id == mentee.id),
        )
        .where(Booking.starts_at >= start, Booking.starts_at < end)
        .order_by(Booking.starts_at, Booking.id)
    )
    return [tuple(row) for row in session.execute(query)]


def _review_rows(session: Session, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    mentor_user, mentee, reviewer = aliased(User), aliased(User), aliased(User)
    query = (
        select(
            Review.id,
            Booking.id,
            Booking.starts_at,
            reviewer.id,
            mentor_user.id,
            reviewer.slack_id,
            reviewer.real_name,
            mentor_user.slack_id,
            mentor_user.real_name,
            mentee.slack_id,
            mentee.real_name,
            Review.connection_stars,
            Review.connection_comment,
            Review.program_stars,
            Review.program_comment,
            Review.feedback,
            Review.created_at,
        )
        .join(Booking, Booking.id == Review.booking_id)
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(mentor_user, mentor_user.id == MentorProfile.user_id)
        .join(mentee, mentee.id == Booking.mentee_id)
        .join(reviewer, reviewer.id == Review.reviewer_id)
        .where(Review.created_at >= start, Review.created_at < end)
        .order_by(Review.created_at, Review.id)
    )
    rows = []
    for review_id, booking_id, starts_at, reviewer_id, mentor_id, *rest in session.execute(query):
        role = "mentor" if reviewer_id == mentor_id else "mentee"
        rows.append((review_id, booking_id, starts_at, role, *rest))
    return rows


def _mentorship_rows(session: Session, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    """One row per member whose mentorship was under way at some time in `[start, end)`: active
    before the end and not ended before the start. Counts and stars only; sessions held are
    the mentorship's approved sessions ended by `end` without a no-show, counted by start time
    (a group's session is one session, whoever was booked on it)."""
    mentor_user, mentee = aliased(User), aliased(User)
    member = MentorshipMember

    def count(*where: Any) -> Any:
        return select(func.count()).where(*where).correlate(member).scalar_subquery()

    def stars(role: Role) -> Any:
        return (
            select(func.max(Evaluation.stars))
            .where(Evaluation.member_id == member.id, Evaluation.role == role)
            .correlate(member)
            .scalar_subquery()
        )

    sessions_held = (
        select(func.count(func.distinct(Booking.starts_at)))
        .where(
            Booking.mentorship_id == member.mentorship_id,
            Booking.status == BookingStatus.APPROVED,
            Booking.ends_at <= end,
            Booking.id.not_in(select(Attendance.booking_id).where(text(NO_SHOW))),
        )
        .correlate(member)
        .scalar_subquery()
    )
    query = (
        select(
            Mentorship.id,
            member.id,
            Programme.name,
            Mentorship.kind,
            member.status,
            Mentorship.cadence,
            Mentorship.months,
            Mentorship.starts_on,
            Mentorship.ends_on,
            mentor_user.slack_id,
            mentor_user.real_name,
            mentee.slack_id,
            mentee.real_name,
            count(Goal.member_id == member.id),
            count(Goal.member_id == member.id, Goal.status == GoalStatus.REACHED),
            sessions_held,
            count(DiaryEntry.member_id == member.id),
            select(func.avg(Pulse.stars))
            .where(Pulse.member_id == member.id)
            .correlate(member)
            .scalar_subquery(),
            stars(Role.MENTEE),
            stars(Role.MENTOR),
        )
        .join(Mentorship, Mentorship.id == member.mentorship_id)
        .join(Programme, Programme.id == Mentorship.programme_id)
        .join(MentorProfile, MentorProfile.id == Mentorship.mentor_id)
        .join(mentor_user, mentor_user.id == MentorProfile.user_id)
        .join(mentee, mentee.id == member.mentee_id)
        .where(
            member.active_at < end,
            or_(member.ended_at.is_(None), member.ended_at >= start),
        )
        .order_by(Mentorship.id, member.id)
    )
    return [
        (*row[:17], None if row[17] is None else f"{float(row[17]):.1f}", *row[18:])
        for row in session.execute(query)
    ]
