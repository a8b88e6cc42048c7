"""The pulse: "How is your mentorship going?", a month in and every two months after.

Each person (the mentee and the mentor, for each member) is asked once per round
(`mentorship_plans.plan_active` plans the rounds); the answer is 1-5 stars, with a comment
required at 2 stars or fewer, and goes to coordinators only. The unique constraint on
(member, respondent, round) keeps one answer per person, member and round: a second one is
refused inside a SAVEPOINT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services.mentorship_forms import InvalidForm, check_stars, check_text, optional_text
from bot.services.mentorship_plans import PULSE
from bot.services.mentorship_view import MentorshipError, MentorshipOver, NotInMentorship, load
from store.models import DueWork, MentorshipMember, Pulse
from store.statuses import MemberStatus, MentorshipStatus, Role

COMMENT_AT = 2  # at or below this many stars a comment is required
COMMENT_RULE = f"required at {COMMENT_AT} stars or fewer"
STARS = "stars"
COMMENT = "comment"


class AlreadyAnswered(MentorshipError):
    def __init__(self) -> None:
        super().__init__("You've already answered this pulse. Thank you!")


class NotAsked(MentorshipError):
    def __init__(self) -> None:
        super().__init__("That pulse isn't one you were asked, so nothing was saved.")


@dataclass(frozen=True)
class PulsePrompt:
    """One person's pulse question: for which member and round, about whom."""

    member_id: int
    round: int
    role: Role
    mentorship_id: int
    other_names: tuple[str, ...]  # whom the mentorship is with, seen from the respondent

    @property
    def value(self) -> str:
        """The button value: which member and round (the service decides who may answer)."""
        return f"{self.member_id}:{self.round}"


@dataclass(frozen=True)
class PulseSaved:
    stars: int
    low: bool


def needs_comment(stars: int) -> bool:
    return stars <= COMMENT_AT


def check_pulse(stars: int | None, comment: str) -> dict[str, str]:
    """Every problem with an answer, by field; empty when it can be saved."""
    errors: dict[str, str] = {}
    check_stars(errors, STARS, stars)
    low = stars is not None and needs_comment(stars)
    required = f"Tell us what isn't going well, so we can help ({COMMENT_RULE})."
    check_text(errors, COMMENT, comment, required=required if low else None)
    return errors


def pulse_to_send(
    session: Session, *, member_id: int, round_: int, recipient_slack_id: str
) -> PulsePrompt | None:
    """The prompt a due pulse sends, or None when it no longer applies (the member is no longer
    active, the mentorship ended, or the person already answered)."""
    try:
        prompt, respondent = _prompt(session, member_id, round_, recipient_slack_id)
    except MentorshipError:
        return None
    return None if _answered(session, member_id, respondent, round_) else prompt


def for_pulse(
    session: Session, *, member_id: int, round_: int, actor_slack_id: str, now: datetime
) -> PulsePrompt:
    """The pulse a person is about to answer: theirs, asked, live, and not yet answered."""
    prompt, respondent = _prompt(session, member_id, round_, actor_slack_id)
    _require_asked(session, member_id, respondent, round_, now)
    if _answered(session, member_id, respondent, round_):
        raise AlreadyAnswered()
    return prompt


def answer_pulse(
    session: Session,
    *,
    member_id: int,
    round_: int,
    actor_slack_id: str,
    stars: int | None,
    comment: str,
    now: datetime,
) -> PulseSaved:
    """Keep a person's answer to one pulse round; refused when invalid, not theirs or twice."""
    errors = check_pulse(stars, comment)
    if errors:
        raise InvalidForm(errors)
    assert stars is not None
    _, respondent = _prompt(session, member_id, round_, actor_slack_id)
    _require_asked(session, member_id, respondent, round_, now)
    try:
        with session.begin_nested():
            session.add(
                Pulse(
                    member_id=member_id,
                    respondent_id=respondent,
                    round=round_,
                    stars=stars,
                    comment=optional_text(comment),
                    created_at=now,
                )
            )
    except IntegrityError as refused:
        if not _answered(session, member_id, respondent, round_):
            raise
        raise AlreadyAnswered() from refused
    return PulseSaved(stars=stars, low=needs_comment(stars))


def _prompt(
    session: Session, member_id: int, round_: int, slack_id: str
) -> tuple[PulsePrompt, int]:
    """The prompt for this person, and their user id; refused unless they are the member's
    mentee or the mentor, and the member is still active."""
    member = session.get(MentorshipMember, member_id)
    if member is None or round_ < 1:
        raise NotInMentorship()
    frame, role = load(session, member.mentorship_id, actor_slack_id=slack_id)
    if role == Role.MENTEE and member.mentee.slack_id != slack_id:
        raise NotInMentorship()
    if frame.status != MentorshipStatus.OPEN or member.status != MemberStatus.ACTIVE:
        raise MentorshipOver()
    if role == Role.MENTOR:
        others: tuple[str, ...] = (member.mentee.real_name,)
        respondent = frame.mentor.user_id
    else:
        others, respondent = (frame.mentor.user.real_name,), member.mentee_id
    prompt = PulsePrompt(member.id, round_, role, frame.id, others)
    return prompt, respondent


def _require_asked(
    session: Session, member_id: int, user_id: int, round_: int, now: datetime
) -> None:
    """Only a round that was planned for this person and has come may be answered."""
    key = f"mship:pulse:member:{member_id}:user:{user_id}:round:{round_}"
    due_at = session.scalar(select(DueWork.due_at).where(DueWork.key == key, DueWork.kind == PULSE))
    if due_at is None or due_at > now:
        raise NotAsked()


def _answered(session: Session, member_id: int, user_id: int, round_: int) -> bool:
    query = select(Pulse.id).where(
        Pulse.member_id == member_id, Pulse.respondent_id == user_id, Pulse.round == round_
    )
    return bool(session.scalar(query.exists().select()))
