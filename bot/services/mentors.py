"""Mentor profiles: sign-up and edits, coordinator approval, pause, resume and leaving.

Every change bumps the profile's `version`; approval buttons carry the version they were shown
with, so a coordinator can never approve a profile that changed after they looked at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.services.availability import recut_free_slots
from bot.services.errors import DomainError
from bot.services.skills import MAX_SKILL_LENGTH, catalogue, ensure_skills, normalise
from store.models import SESSION_LENGTHS, MentorProfile, MentorSkill, User

BIO_MIN, BIO_MAX = 20, 600
LINK_MAX = 500
MAX_SKILLS = 10
CAPACITY_MIN, CAPACITY_MAX = 1, 40
REJECTION_REASON_MAX = 500
SEARCHABLE = "active"


@dataclass(frozen=True)
class MentorView:
    id: int
    slack_id: str
    name: str
    tz: str
    status: str
    bio: str
    meeting_link: str
    session_minutes: int
    weekly_capacity: int
    skills: tuple[str, ...]
    version: int
    rejection_reason: str | None


@dataclass(frozen=True)
class ProfileForm:
    """What a mentor typed in the sign-up modal, already pulled out of Slack's payload."""

    skills: list[str]
    bio: str
    meeting_link: str
    session_minutes: int | None
    weekly_capacity: int | None
    coc_accepted: bool


@dataclass(frozen=True)
class SaveResult:
    mentor: MentorView
    created: bool
    awaiting_approval: bool


class InvalidProfile(DomainError):
    """One message per form field that needs fixing."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotAMentor(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "You don't have a mentor profile yet. Type `/mentor signup` to create one."
        )


class StaleProfile(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "This profile changed after this message was posted, or was already decided. "
            "The latest version has its own message."
        )


def check_profile(form: ProfileForm) -> dict[str, str]:
    """Every problem with the form, keyed by field: "skills", "bio", "link", "length",
    "capacity", "coc". Empty when the form can be saved."""
    errors: dict[str, str] = {}
    skills = [s.strip() for s in form.skills if s.strip()]
    if not skills:
        errors["skills"] = "Pick or add at least one skill you can mentor in."
    elif too_long := [s for s in skills if len(s) > MAX_SKILL_LENGTH]:
        errors["skills"] = (
            f"“{too_long[0][:20]}…” is too long for a skill ({MAX_SKILL_LENGTH} max)."
        )
    elif len({normalise(s) for s in skills}) > MAX_SKILLS:
        errors["skills"] = f"Pick at most {MAX_SKILLS} skills: the ones you know best."
    bio = form.bio.strip()
    if len(bio) < BIO_MIN:
        errors["bio"] = f"Tell mentees a little about yourself (at least {BIO_MIN} characters)."
    elif len(bio) > BIO_MAX:
        errors["bio"] = f"Keep your bio under {BIO_MAX} characters (it has {len(bio)})."
    if not _is_web_link(form.meeting_link.strip()):
        errors["link"] = "Enter your video room as a full link, e.g. https://meet.example.com/ada."
    if form.session_minutes not in SESSION_LENGTHS:
        errors["length"] = "Choose 30, 45 or 60 minutes."
    capacity = form.weekly_capacity
    if capacity is None or not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
        errors["capacity"] = (
            f"Enter a number of sessions per week from {CAPACITY_MIN} to {CAPACITY_MAX}."
        )
    if not form.coc_accepted:
        errors["coc"] = "Please accept the code of conduct to become a mentor."
    return errors


def _is_web_link(text: str) -> bool:
    parsed = urlparse(text)
    return (
        parsed.scheme in ("http", "https")
        and "." in parsed.netloc
        and " " not in text
        and len(text) <= LINK_MAX
    )


def save_profile(
    session: Session, *, person_id: int, form: ProfileForm, approval: str, now: datetime
) -> SaveResult:
    """Create or update the person's mentor profile from a valid form.

    A new mentor (or one who left or was rejected and signs up again) is active at once when
    `approval` is "open", else waits for a coordinator. An edit keeps the current status.
    """
    errors = check_profile(form)
    if errors:
        raise InvalidProfile(errors)
    mentor = _profile_of(session, person_id)
    created = mentor is None
    if mentor is None:
        mentor = MentorProfile(user_id=person_id, created_at=now, version=0)
        session.add(mentor)
    if created or mentor.status in ("left", "rejected"):
        mentor.status = "active" if approval == "open" else "pending"
        mentor.rejection_reason = None
        mentor.decided_by = mentor.decided_at = None
    length_changed = not created and mentor.session_minutes != form.session_minutes
    mentor.bio = form.bio.strip()
    mentor.meeting_link = form.meeting_link.strip()
    mentor.session_minutes = form.session_minutes  # type: ignore[assignment]
    mentor.weekly_capacity = form.weekly_capacity  # type: ignore[assignment]
    mentor.coc_accepted_at = now
    mentor.updated_at = now
    mentor.version = (mentor.version or 0) + 1
    skills = ensure_skills(session, form.skills)
    levels = {s.skill_id: s.level for s in mentor.skills}
    mentor.skills = [
        MentorSkill(skill_id=s.id, level=levels.get(s.id, "practitioner")) for s in skills
    ]
    session.flush()
    if length_changed:
        recut_free_slots(session, mentor_id=mentor.id, minutes=mentor.session_minutes, now=now)
    return SaveResult(_view(session, mentor), created, mentor.status == "pending")


def mentor_for(session: Session, slack_id: str) -> MentorView | None:
    mentor = session.scalar(
        select(MentorProfile)
        .join(User, User.id == MentorProfile.user_id)
        .where(User.slack_id == slack_id)
        .options(selectinload(MentorProfile.skills).selectinload(MentorSkill.skill))
    )
    return _view(session, mentor) if mentor else None


def mentor_by_id(session: Session, mentor_id: int) -> MentorView | None:
    mentor = session.get(MentorProfile, mentor_id)
    return _view(session, mentor) if mentor else None


def decide(
    session: Session,
    *,
    mentor_id: int,
    version: int,
    approve: bool,
    reason: str | None,
    decided_by: str,
    now: datetime,
) -> MentorView:
    """A coordinator approves or rejects a pending mentor, as shown at `version`."""
    mentor = session.get(MentorProfile, mentor_id, with_for_update=True)
    if mentor is None or mentor.status != "pending" or mentor.version != version:
        raise StaleProfile()
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidProfile({"reason": "Tell the mentor why, so they can improve and reapply."})
    if len(reason) > REJECTION_REASON_MAX:
        raise InvalidProfile(
            {"reason": f"Keep the reason under {REJECTION_REASON_MAX} characters."}
        )
    mentor.status = "active" if approve else "rejected"
    mentor.rejection_reason = None if approve else reason
    mentor.decided_by = decided_by
    mentor.decided_at = mentor.updated_at = now
    mentor.version += 1
    session.flush()
    return _view(session, mentor)


def set_status(session: Session, *, slack_id: str, status: str, now: datetime) -> MentorView:
    """Pause, resume or leave. Existing bookings are untouched: they stay and are honoured."""
    mentor = _profile_of_slack_user(session, slack_id)
    if mentor is None or (mentor.status in ("rejected", "left") and status != "left"):
        raise NotAMentor()
    allowed = {
        "paused": ("active",),
        "active": ("paused",),
        "left": ("active", "paused", "pending"),
    }
    if mentor.status not in allowed[status]:
        raise DomainError(_status_message(mentor.status, status))
    mentor.status = status
    mentor.updated_at = now
    mentor.version += 1
    session.flush()
    return _view(session, mentor)


def _status_message(current: str, wanted: str) -> str:
    if current == wanted:
        return {
            "paused": "You're already paused. Type `/mentor resume` when you're ready again.",
            "active": "You're already active and visible in search.",
            "left": "You've already left the program.",
        }[wanted]
    if current == "pending":
        return "Your profile is still waiting for a coordinator's approval."
    return "That doesn't apply to your profile right now."


def _profile_of(session: Session, person_id: int) -> MentorProfile | None:
    return session.scalar(select(MentorProfile).where(MentorProfile.user_id == person_id))


def _profile_of_slack_user(session: Session, slack_id: str) -> MentorProfile | None:
    return session.scalar(
        select(MentorProfile)
        .join(User, User.id == MentorProfile.user_id)
        .where(User.slack_id == slack_id)
    )


def _view(session: Session, mentor: MentorProfile) -> MentorView:
    user = mentor.user
    return MentorView(
        id=mentor.id,
        slack_id=user.slack_id,
        name=user.real_name,
        tz=user.tz,
        status=mentor.status,
        bio=mentor.bio,
        meeting_link=mentor.meeting_link,
        session_minutes=mentor.session_minutes,
        weekly_capacity=mentor.weekly_capacity,
        skills=tuple(sorted((s.skill.name for s in mentor.skills), key=str.casefold)),
        version=mentor.version,
        rejection_reason=mentor.rejection_reason,
    )


def profile_form_data(session: Session, *, slack_id: str) -> tuple[list[str], MentorView | None]:
    """What the sign-up modal needs: the skills catalogue and the current profile, if any."""
    return [s.name for s in catalogue(session)], mentor_for(session, slack_id)
