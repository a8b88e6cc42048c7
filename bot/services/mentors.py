"""Mentor profiles: sign-up and edits, coordinator approval, pause, resume and leaving.

Every change bumps the profile's `version`; approval buttons carry the version they were shown
with, so a coordinator can never approve a profile that changed after they looked at it.
A pause records who made it (the mentor, a coordinator or the system): a mentor may lift their
own pause or the system's, never a coordinator's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from bot.services.availability import recut_free_slots
from bot.services.coordinators import authorize, require_coordinator
from bot.services.eligibility import MentorRule, refusal, resolve
from bot.services.errors import DomainError, FieldErrors
from bot.services.languages import LANGUAGES
from bot.services.people import lock_live_people
from bot.services.places import check_place
from bot.services.skills import (
    LEVELS,
    MAX_SKILL_LENGTH,
    NEW_SKILL_MARK,
    Levelled,
    SkillInfo,
    catalogue,
    did_you_mean,
    ensure_each,
    normalise,
    parse_levelled,
)
from store.models import (
    MENTOR_STATUSES,
    SESSION_LENGTHS,
    MentorProfile,
    MentorshipMember,
    MentorSkill,
    User,
)
from store.statuses import HelpKind, MeetingKind, MemberStatus, MentorStatus, Pauser

BIO_MIN, BIO_MAX = 20, 600
MAX_SKILLS = 10
CAPACITY_MIN, CAPACITY_MAX = 1, 40
MENTEE_LIMIT_MIN, MENTEE_LIMIT_MAX, MENTEE_LIMIT_DEFAULT = 0, 10, 2  # 0: not taking mentorships
REJECTION_REASON_MAX = 500
SEARCHABLE = MentorStatus.ACTIVE


@dataclass(frozen=True)
class MentorView:
    id: int
    slack_id: str
    name: str
    tz: str
    status: MentorStatus
    bio: str
    meeting_link: str
    session_minutes: int
    weekly_capacity: int
    skills: tuple[str, ...]
    version: int
    rejection_reason: str | None
    mentee_limit: int = MENTEE_LIMIT_DEFAULT  # mentees taken at once; 0 takes none
    meeting_kind: MeetingKind = MeetingKind.VIDEO  # where sessions happen by default
    meeting_place: str = ""
    decided_by: str | None = None
    paused_by_role: Pauser | None = None
    paused_by: str | None = None
    paused_at: datetime | None = None
    pause_reason: str | None = None
    active_mentorships: int = 0  # told on pausing or leaving: these carry on
    levels: tuple[tuple[str, int], ...] = ()  # (skill name, SFIA level), in the order of skills
    levels_confirmed: bool = True  # False: migrated from the old scale, asked once to confirm
    help_kinds: tuple[HelpKind, ...] = ()  # what they like to help with
    languages: tuple[str, ...] = ()  # the language codes they mentor in

    @property
    def paused_by_coordinator(self) -> bool:
        return self.status == MentorStatus.PAUSED and self.paused_by_role == Pauser.COORDINATOR


class MentorChange(StrEnum):
    """What a coordinator did to a mentor's profile."""

    APPROVED = "approved"
    REJECTED = "rejected"
    PAUSED = "paused"
    REACTIVATED = "reactivated"


@dataclass(frozen=True)
class MentorOutcome:
    """What a coordinator's change to a mentor did, and who must hear of it (as `BookingOutcome`
    does for bookings): the coordinator sees it where they acted, the mentor is told."""

    mentor: MentorView  # the profile as it now is
    change: MentorChange
    coordinator: str  # the Slack id of the coordinator who made the change
    tell: str  # the mentor's Slack id: the change is news to them (a DM and their Home)


@dataclass(frozen=True)
class ProfileForm:
    """What a mentor typed in the sign-up modal, already pulled out of Slack's payload.

    `skills` are the entries of the skills field as typed, each with its level ("Python 5").
    """

    skills: list[str]
    bio: str
    meeting_link: str
    session_minutes: int | None
    weekly_capacity: int | None
    coc_accepted: bool
    mentee_limit: int | None = MENTEE_LIMIT_DEFAULT
    meeting_kind: str = MeetingKind.VIDEO
    meeting_place: str = ""
    help_kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class SaveResult:
    mentor: MentorView
    created: bool
    awaiting_approval: bool


class InvalidProfile(FieldErrors):
    """One message per form field that needs fixing."""


class NotAMentor(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "You don't have a mentor profile yet. Type `/mentor signup` to create one."
        )


class StaleProfile(DomainError):
    """What a coordinator acted on is no longer what is stored; the text says what changed."""

    def __init__(self, why: str | None = None) -> None:
        super().__init__(
            why
            or "This profile changed after this message was posted, or was already decided. "
            "The latest version has its own message."
        )


class PausedByCoordinator(DomainError):
    """A mentor tried to lift a pause that a coordinator made."""

    def __init__(self, mentor: MentorProfile) -> None:
        who = f"<@{mentor.paused_by}>" if mentor.paused_by else "a coordinator"
        super().__init__(
            f"A coordinator ({who}) paused your mentor profile, so only a coordinator can lift "
            f"that pause: please ask {who} when you're ready to mentor again. Their reason is "
            "in your profile (`/mentor profile`). Sessions already booked go ahead."
        )


class ProfileChanged(InvalidProfile):
    """The profile changed after the sign-up or edit form was opened; the text says what."""

    def __init__(self, why: str) -> None:
        super().__init__({"skills": why})


def check_profile(form: ProfileForm) -> dict[str, str]:
    """Every problem with the form, keyed by field: "skills", "bio", "link", "length",
    "capacity", "mentee_limit", "coc". Empty when the form can be saved."""
    errors: dict[str, str] = {}
    if problem := check_levelled(levelled(form)):
        errors["skills"] = problem
    bio = form.bio.strip()
    if len(bio) < BIO_MIN:
        errors["bio"] = f"Tell mentees a little about yourself (at least {BIO_MIN} characters)."
    elif len(bio) > BIO_MAX:
        errors["bio"] = f"Keep your bio under {BIO_MAX} characters (it has {len(bio)})."
    errors.update(check_place(form.meeting_kind, form.meeting_place, form.meeting_link))
    if form.session_minutes not in SESSION_LENGTHS:
        errors["length"] = "Choose 30, 45 or 60 minutes."
    capacity = form.weekly_capacity
    if capacity is None or not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
        errors["capacity"] = (
            f"Enter a number of sessions per week from {CAPACITY_MIN} to {CAPACITY_MAX}."
        )
    limit = form.mentee_limit
    if limit is None or not MENTEE_LIMIT_MIN <= limit <= MENTEE_LIMIT_MAX:
        errors["mentee_limit"] = (
            f"Enter how many mentees you take at once, from {MENTEE_LIMIT_MIN} (none) "
            f"to {MENTEE_LIMIT_MAX}."
        )
    if not form.coc_accepted:
        errors["coc"] = "Please accept the code of conduct to become a mentor."
    if not set(form.help_kinds) <= set(HelpKind):
        errors["help_kinds"] = "Pick what you like to help with from the list."
    if not set(form.languages) <= set(LANGUAGES):
        errors["languages"] = "Pick your languages from the list."
    return errors


def levelled(form: ProfileForm) -> list[Levelled]:
    """The skills field's entries, each split into its skill and level."""
    return [parse_levelled(entry) for entry in form.skills if entry.strip()]


def check_levelled(entries: list[Levelled]) -> str:
    """What is wrong with the skills and their levels, in one sentence; "" when nothing."""
    if not entries:
        return "Add at least one skill you can mentor in, with your level: e.g. “Python 4”."
    if too_long := [e.skill for e in entries if len(e.skill) > MAX_SKILL_LENGTH]:
        return f"“{too_long[0][:20]}…” is too long for a skill ({MAX_SKILL_LENGTH} max)."
    if unlevelled := [e.skill for e in entries if e.level is None]:
        return (
            f"Give each skill your level from 1 to 7 after it, like “{unlevelled[0]} 4”: "
            f"“{unlevelled[0]}” has none."
        )
    if wrong := [e for e in entries if e.level not in LEVELS]:
        return (
            f"“{wrong[0].skill} {wrong[0].level}”: levels go from 1 (Follow) to 7 (Set "
            "strategy). Pick the one that fits from the list below."
        )
    if len({normalise(e.skill) for e in entries}) > MAX_SKILLS:
        return f"Pick at most {MAX_SKILLS} skills: the ones you know best."
    return ""


def check_catalogue(session: Session, entries: list[Levelled], rule: MentorRule | None) -> str:
    """What the catalogue and the eligibility rule say about valid entries; "" when fine.

    A new skill that looks very like a catalogue one is asked about ("Did you mean
    Kubernetes?") unless it is marked new; a sign-up must meet the rule.
    """
    suggestions = did_you_mean(session, [e.skill for e in entries if not e.new])
    if suggestions:
        typed, skill = next(iter(suggestions.items()))
        level = next(e.level for e in entries if e.skill == typed)
        return (
            f"Did you mean {skill.name}? Type “{skill.name} {level}”, or, if “{typed}” is a "
            f"different skill, mark it new: “{typed}{NEW_SKILL_MARK} {level}”."
        )
    if rule is None or not rule.applies:
        return ""
    levels = skill_levels(session, entries)  # first, so a skill named in the rule is found
    resolved = resolve(session, rule)
    return refusal(
        resolved, {s.id: level for s, level in levels}, {s.id: s.name for s, _ in levels}
    )


def skill_levels(session: Session, entries: list[Levelled]) -> list[tuple[SkillInfo, int]]:
    """Each typed skill in the catalogue (created if new) with its level; the first mention of
    a skill wins."""
    kept: dict[int, tuple[SkillInfo, int]] = {}
    for skill, entry in zip(ensure_each(session, [e.skill for e in entries]), entries, strict=True):
        if skill is not None and entry.level is not None:
            kept.setdefault(skill.id, (skill, entry.level))
    return list(kept.values())


def save_profile(
    session: Session,
    *,
    person_id: int,
    form: ProfileForm,
    approval: str,
    now: datetime,
    opened: str | None = None,
    rule: MentorRule | None = None,
) -> SaveResult:
    """Create or update the person's mentor profile from a valid form.

    Each skill carries the level typed with it; saving confirms the levels. A sign-up, and a
    pending profile's edit, must meet the eligibility `rule` (mentors already in keep their
    place when it changes).

    A new mentor (or one who left or was rejected and signs up again) is active at once when
    `approval` is "open", else waits for a coordinator; a coordinator's pause still standing
    from before they left brings them back paused. An edit keeps the current status.
    `opened` is the form's `form_token`: when given, the profile is re-read (locked) and a form
    opened on a profile that has since changed is refused with what changed.
    """
    lock_live_people(session, acting=person_id)  # a deletion under way runs first, or after
    mentor = session.scalar(
        select(MentorProfile).where(MentorProfile.user_id == person_id).with_for_update()
    )
    if opened is not None and _is_token(opened):
        _check_unchanged(session, opened, mentor)
    errors = check_profile(form)
    if errors:
        raise InvalidProfile(errors)
    entries = levelled(form)
    # The rule holds until a coordinator (or open approval) lets them in: a pending profile too.
    signing_up = mentor is None or mentor.status in (
        MentorStatus.LEFT,
        MentorStatus.REJECTED,
        MentorStatus.PENDING,
    )
    if problem := check_catalogue(session, entries, rule if signing_up else None):
        raise InvalidProfile({"skills": problem})
    created = mentor is None
    if mentor is None:
        mentor = MentorProfile(user_id=person_id, created_at=now, version=0)
        session.add(mentor)
    if created or mentor.status in (MentorStatus.LEFT, MentorStatus.REJECTED):
        if mentor.paused_by_role == Pauser.COORDINATOR:
            mentor.status = MentorStatus.PAUSED
        else:
            mentor.status = MentorStatus.ACTIVE if approval == "open" else MentorStatus.PENDING
        mentor.rejection_reason = None
        mentor.decided_by = mentor.decided_at = None
    length_changed = not created and mentor.session_minutes != form.session_minutes
    mentor.bio = form.bio.strip()
    mentor.meeting_link = form.meeting_link.strip()
    mentor.meeting_kind = MeetingKind(form.meeting_kind)
    mentor.meeting_place = form.meeting_place.strip()
    mentor.session_minutes = form.session_minutes  # type: ignore[assignment]
    mentor.weekly_capacity = form.weekly_capacity  # type: ignore[assignment]
    mentor.mentee_limit = form.mentee_limit  # type: ignore[assignment]
    mentor.coc_accepted_at = now
    mentor.updated_at = now
    mentor.version = (mentor.version or 0) + 1
    chosen = skill_levels(session, entries)
    mentor.skills = [MentorSkill(skill_id=skill.id, level=level) for skill, level in chosen]
    mentor.levels_confirmed_at = now
    mentor.help_kinds = list(dict.fromkeys(form.help_kinds))
    mentor.languages = list(dict.fromkeys(form.languages))
    session.flush()
    if length_changed:
        recut_free_slots(session, mentor_id=mentor.id, minutes=mentor.session_minutes, now=now)
    return SaveResult(_view(session, mentor), created, mentor.status == MentorStatus.PENDING)


NEW_FORM = "new"


def form_token(mentor: MentorView | None) -> str:
    """What the sign-up or edit form was opened on, for its private_metadata.

    It identifies the profile's status and content as shown; it grants nothing: the submitter
    is always the acting user, and `save_profile` compares the token with what is stored.
    """
    if mentor is None or mentor.status == MentorStatus.LEFT:
        return NEW_FORM
    return f"{mentor.status}:{_stamp(mentor)}"


def _stamp(mentor: MentorView) -> str:
    """A short fingerprint of what the form edits, to tell an edit made elsewhere."""
    content = "\x1f".join(
        [
            mentor.bio,
            mentor.meeting_link,
            str(mentor.session_minutes),
            str(mentor.weekly_capacity),
            str(mentor.mentee_limit),
            *(f"{name} {level}" for name, level in mentor.levels),
            *mentor.help_kinds,
            *mentor.languages,
        ]
    )
    return hashlib.sha256(content.encode()).hexdigest()[:16]


def _is_token(opened: str) -> bool:
    status, _, stamp = opened.partition(":")
    return opened == NEW_FORM or (status in MENTOR_STATUSES and len(stamp) == 16)


def _check_unchanged(session: Session, opened: str, mentor: MentorProfile | None) -> None:
    """Refuse a form whose profile changed since it was opened, saying what changed."""
    if opened == NEW_FORM:
        if mentor is not None and mentor.status != MentorStatus.LEFT:
            raise ProfileChanged(
                "You signed up in another window since opening this form. Close it and type "
                "`/mentor profile` to see and edit your profile."
            )
        return
    if mentor is None:
        raise ProfileChanged(
            "Your mentor profile was deleted since you opened this form. Close it and type "
            "`/mentor signup` to start again."
        )
    was, _, stamp = opened.partition(":")
    current = _view(session, mentor)
    if mentor.status == MentorStatus.LEFT:
        why = "You left the program after opening this form. To mentor again, close it and "
        raise ProfileChanged(why + "type `/mentor signup`.")
    rejected = mentor.status == MentorStatus.REJECTED
    if rejected and was != MentorStatus.REJECTED:
        raise ProfileChanged(
            "A coordinator declined your profile while this form was open. Close it and type "
            "`/mentor profile` to read their note, then edit and sign up again."
        )
    if was == MentorStatus.PENDING and mentor.status != MentorStatus.PENDING:
        raise ProfileChanged(
            "A coordinator approved your profile, as it was, while this form was open. Close "
            "it and open it again to edit your approved profile."
        )
    if _stamp(current) != stamp or (was == MentorStatus.REJECTED) != rejected:
        raise ProfileChanged(
            "Your profile was changed in another window since you opened this form. Close it "
            "and open it again to edit the latest version."
        )


def mentor_for(session: Session, slack_id: str) -> MentorView | None:
    mentor = session.scalar(
        select(MentorProfile)
        .join(User, User.id == MentorProfile.user_id)
        .where(User.slack_id == slack_id)
        .options(
            contains_eager(MentorProfile.user),  # the row the join found: no second read
            selectinload(MentorProfile.skills).joinedload(MentorSkill.skill, innerjoin=True),
        )
    )
    return _view(session, mentor) if mentor else None


def mentor_by_id(session: Session, mentor_id: int) -> MentorView | None:
    mentor = session.get(MentorProfile, mentor_id)
    return _view(session, mentor) if mentor else None


def decision_form(
    session: Session,
    *,
    mentor_id: int,
    version: int,
    actor: str,
    coordinators: Collection[str],
) -> MentorView:
    """The pending mentor a coordinator is about to reject, if they still may (read only)."""
    require_coordinator(actor, coordinators)
    mentor = session.get(MentorProfile, mentor_id)
    _check_pending(mentor, version)
    assert mentor is not None
    return _view(session, mentor)


def decide(
    session: Session,
    *,
    mentor_id: int,
    version: int,
    approve: bool,
    reason: str | None,
    actor: str,
    coordinators: Collection[str],
    now: datetime,
    source: str = "card",
) -> MentorOutcome:
    """A coordinator approves or rejects a pending mentor, as shown at `version`.

    The actor is checked against the configured coordinators and the audit entry written here,
    in the transaction that makes the decision, with the profile row locked; `source` ("card"
    or "roster") says where the coordinator decided, for the audit log.
    """
    require_coordinator(actor, coordinators)
    mentor = session.get(MentorProfile, mentor_id, with_for_update=True)
    _check_pending(mentor, version)
    assert mentor is not None
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidProfile({"reason": "Tell the mentor why, so they can improve and reapply."})
    if len(reason) > REJECTION_REASON_MAX:
        raise InvalidProfile(
            {"reason": f"Keep the reason under {REJECTION_REASON_MAX} characters."}
        )
    mentor.status = MentorStatus.ACTIVE if approve else MentorStatus.REJECTED
    mentor.rejection_reason = None if approve else reason
    mentor.decided_by = actor
    mentor.decided_at = mentor.updated_at = now
    mentor.version += 1
    authorize(
        session,
        actor=actor,
        coordinators=coordinators,
        action=f"{source} {'approved' if approve else 'rejected'}",
        detail=f"profile version {version}",
        subject=mentor.user.slack_id,
        now=now,
    )
    session.flush()
    return changed(
        session, mentor, MentorChange.APPROVED if approve else MentorChange.REJECTED, actor
    )


def changed(
    session: Session, mentor: MentorProfile, change: MentorChange, coordinator: str
) -> MentorOutcome:
    """The outcome of a coordinator's change to `mentor`: its mentor is the one to tell."""
    view = _view(session, mentor)
    return MentorOutcome(mentor=view, change=change, coordinator=coordinator, tell=view.slack_id)


def _check_pending(mentor: MentorProfile | None, version: int) -> None:
    """Refuse a decision on a profile that is gone, decided, or edited since it was shown."""
    if mentor is None:
        raise StaleProfile("This mentor profile no longer exists: nothing was changed.")
    name = mentor.user.real_name or "This mentor"
    if (
        mentor.status in (MentorStatus.ACTIVE, MentorStatus.PAUSED)
        and mentor.decided_at is not None
    ):
        raise StaleProfile(f"{name} was already approved by a coordinator: nothing was changed.")
    if mentor.status == MentorStatus.REJECTED:
        raise StaleProfile(f"{name} was already declined by a coordinator: nothing was changed.")
    if mentor.status == MentorStatus.LEFT:
        raise StaleProfile(f"{name} left the program meanwhile: nothing was changed.")
    if mentor.status != MentorStatus.PENDING or mentor.version != version:
        raise StaleProfile()


def set_status(
    session: Session, *, slack_id: str, status: MentorStatus, now: datetime
) -> MentorView:
    """A mentor pauses, resumes or leaves. Existing bookings are untouched and honoured.

    A pause is recorded as the mentor's own; resuming lifts only a pause of the mentor's own or
    the system's, never a coordinator's (the row is locked, so a coordinator's pause made at the
    same moment is seen). Leaving keeps a coordinator's pause on record for a later return.
    """
    mentor = session.scalar(
        select(MentorProfile)
        .join(User, User.id == MentorProfile.user_id)
        .where(User.slack_id == slack_id)
        .with_for_update(of=MentorProfile)
    )
    if mentor is None or (
        mentor.status in (MentorStatus.REJECTED, MentorStatus.LEFT) and status != MentorStatus.LEFT
    ):
        raise NotAMentor()
    allowed = {
        MentorStatus.PAUSED: (MentorStatus.ACTIVE,),
        MentorStatus.ACTIVE: (MentorStatus.PAUSED,),
        MentorStatus.LEFT: (MentorStatus.ACTIVE, MentorStatus.PAUSED, MentorStatus.PENDING),
    }
    if mentor.status not in allowed[status]:
        raise DomainError(_status_message(mentor.status, status))
    if status == MentorStatus.ACTIVE and mentor.paused_by_role == Pauser.COORDINATOR:
        raise PausedByCoordinator(mentor)
    if status == MentorStatus.PAUSED:
        mark_paused(mentor, role=Pauser.MENTOR, by=slack_id, reason=None, now=now)
    elif status == MentorStatus.ACTIVE or mentor.paused_by_role != Pauser.COORDINATOR:
        clear_pause(mentor)
    mentor.status = status
    mentor.updated_at = now
    mentor.version += 1
    session.flush()
    return replace(_view(session, mentor), active_mentorships=_active_mentorships(session, mentor))


def _active_mentorships(session: Session, mentor: MentorProfile) -> int:
    """Mentorships that carry on whatever the mentor's status: those with an active member."""
    query = select(func.count(distinct(MentorshipMember.mentorship_id))).where(
        MentorshipMember.mentor_id == mentor.id, MentorshipMember.status == MemberStatus.ACTIVE
    )
    return session.scalar(query) or 0


def mark_paused(
    mentor: MentorProfile, *, role: Pauser, by: str | None, reason: str | None, now: datetime
) -> None:
    """Record who paused the mentor, when and why (the status itself is the caller's)."""
    mentor.paused_by_role = role
    mentor.paused_by = by
    mentor.paused_at = now
    mentor.pause_reason = reason
    mentor.paused_until = None  # a pause by hand has no end of its own


def clear_pause(mentor: MentorProfile) -> None:
    mentor.paused_by_role = mentor.paused_by = mentor.paused_at = mentor.pause_reason = None
    mentor.paused_until = None


def _status_message(current: MentorStatus, wanted: MentorStatus) -> str:
    if current == wanted:
        return {
            MentorStatus.PAUSED: (
                "You're already paused. Type `/mentor resume` when you're ready again."
            ),
            MentorStatus.ACTIVE: "You're already active and visible in search.",
            MentorStatus.LEFT: "You've already left the program.",
        }[wanted]
    if current == MentorStatus.PENDING:
        return "Your profile is still waiting for a coordinator's approval."
    return "That doesn't apply to your profile right now."


def _view(session: Session, mentor: MentorProfile) -> MentorView:
    user = mentor.user
    levels = sorted(((s.skill.name, s.level) for s in mentor.skills), key=lambda s: s[0].casefold())
    return MentorView(
        id=mentor.id,
        slack_id=user.slack_id,
        name=user.real_name,
        tz=user.tz,
        status=mentor.status,
        bio=mentor.bio,
        meeting_link=mentor.meeting_link,
        meeting_kind=mentor.meeting_kind,
        meeting_place=mentor.meeting_place,
        session_minutes=mentor.session_minutes,
        weekly_capacity=mentor.weekly_capacity,
        skills=tuple(name for name, _ in levels),
        levels=tuple(levels),
        levels_confirmed=mentor.levels_confirmed_at is not None,
        help_kinds=tuple(HelpKind(k) for k in mentor.help_kinds or () if k in set(HelpKind)),
        languages=tuple(mentor.languages or ()),
        version=mentor.version,
        rejection_reason=mentor.rejection_reason,
        mentee_limit=mentor.mentee_limit,
        decided_by=mentor.decided_by,
        paused_by_role=mentor.paused_by_role,
        paused_by=mentor.paused_by,
        paused_at=mentor.paused_at,
        pause_reason=mentor.pause_reason,
    )


@dataclass(frozen=True)
class ProfileFormData:
    """What the sign-up or edit modal is opened with."""

    catalogue: list[str]
    current: MentorView | None  # None for a fresh sign-up (also after leaving)
    token: str  # for private_metadata: what the form was opened on, checked on submit


def profile_form_data(session: Session, *, slack_id: str) -> ProfileFormData:
    """The skills catalogue and the profile to edit; signing up again starts afresh."""
    current = mentor_for(session, slack_id)
    if current is not None and current.status == MentorStatus.LEFT:
        current = None
    return ProfileFormData([s.name for s in catalogue(session)], current, form_token(current))
