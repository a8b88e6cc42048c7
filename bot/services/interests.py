"""A person's interests: skill gaps (where they are, the level they aim for), goals, preferences.

`/mentor find` with no words matches the saved gaps (bot/services/search.py reads them through
`saved_gaps`); goals are free text shown to the mentors they ask. A gap's levels are SFIA 1-7
(store.statuses.SkillLevel), each optional; when both are given the target lies above where
they are now. Preferences (the kind of help, a language, overlapping working hours) steer the
ranking; what each one does is search.py's to say.

What a person types for a skill may carry a target: `python:4` or `python>=4` (`split_level`);
search and "Save as my interests" read it the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.services.errors import DomainError, FieldErrors
from bot.services.languages import LANGUAGES
from bot.services.people import lock_live_people
from bot.services.skills import SkillInfo, SkillTooLong, ensure_skills, normalise
from store.models import Skill, User, UserInterest
from store.statuses import HelpKind, SkillLevel

GOALS_MAX = 1000
GAPS_MAX = 20  # skills a person may save (the levels modal has two inputs for each)
LEVELS = range(min(SkillLevel), max(SkillLevel) + 1)
_LEVEL_MARK = re.compile(r"^(?P<skill>.*?)\s*(?::|>=|≥)\s*(?P<level>[^\s:>=≥]*)$")


class GoalsTooLong(DomainError):
    def __init__(self, length: int) -> None:
        super().__init__(f"Keep your goals under {GOALS_MAX} characters (they have {length}).")


class BadLevel(DomainError):
    """A level outside 1-7 (`python:9`); the answer lists the levels (bot/blocks/levels.py)."""

    def __init__(self, typed: str) -> None:
        super().__init__(f"“{typed[:40]}”: a level is a number from 1 to 7.")
        self.typed = typed[:40]


class TooManyGaps(DomainError):
    def __init__(self, count: int) -> None:
        super().__init__(f"Save at most {GAPS_MAX} skills at a time (you named {count}).")
        self.field = "skills"


@dataclass(frozen=True)
class Gap:
    """A skill as typed, with where the person is now and the level they aim for."""

    skill: str
    current: int | None = None
    target: int | None = None


@dataclass(frozen=True)
class SavedGap:
    skill: SkillInfo
    current: int | None
    target: int | None


@dataclass(frozen=True)
class Preferences:
    wanted_help: HelpKind | None = None
    language: str | None = None  # a code such as "de"
    overlap_hours: bool = False


@dataclass(frozen=True)
class Interests:
    skills: tuple[str, ...]
    goals: str | None
    gaps: tuple[Gap, ...] = ()  # by skill name, in the order of `skills`
    preferences: Preferences = field(default_factory=Preferences)


def split_level(text: str) -> Gap:
    """A typed skill and the target it names: "python:4" and "python>=4" aim for 4.

    Raises BadLevel for a level that is not 1-7 ("python:9", "python:high")."""
    found = _LEVEL_MARK.match(text.strip())
    if found is None or not found["skill"].strip():
        return Gap(text)
    level = found["level"]
    if not (level.isascii() and level.isdigit() and int(level) in LEVELS):
        raise BadLevel(text.strip())
    return Gap(found["skill"].strip(), target=int(level))


def language_code(typed: str) -> str | None:
    """One of the listed languages' codes ("DE " -> "de"), the same list mentors pick from;
    None when blank. Raises a field error for anything else."""
    code = typed.strip().casefold()
    if not code:
        return None
    if code not in LANGUAGES:
        raise FieldErrors({"language": "Pick a language from the list."})
    return code


def check_gaps(gaps: Sequence[Gap]) -> None:
    """Levels are 1-7 and a target lies above where the person is now; the field of a wrong
    gap is `gap_<index>` (its place in `gaps`)."""
    if len(gaps) > GAPS_MAX:
        raise TooManyGaps(len(gaps))
    errors: dict[str, str] = {}
    for index, gap in enumerate(gaps):
        levels = [level for level in (gap.current, gap.target) if level is not None]
        if any(level not in LEVELS for level in levels):
            errors[f"gap_{index}"] = "Levels go from 1 to 7."
        elif gap.current is not None and gap.target is not None and gap.target <= gap.current:
            errors[f"gap_{index}"] = "Aim above where you are now."
    if errors:
        raise FieldErrors(errors)


def save_interests(
    session: Session,
    *,
    person_id: int,
    skills: Sequence[str | Gap],
    goals: str | None = None,
    keep_goals: bool = True,
    preferences: Preferences | None = None,
) -> Interests:
    """Replace the person's gaps; set their goals when given, else keep or clear them; set
    their preferences when given, else keep them.

    A skill typed as text may carry its target ("python:4"). Blank goals clear them. Raises
    GoalsTooLong beyond GOALS_MAX characters, BadLevel or FieldErrors for levels out of range
    or a target not above the current level (nothing is saved then).
    """
    gaps = [skill if isinstance(skill, Gap) else split_level(skill) for skill in skills]
    check_gaps(gaps)
    lock_live_people(session, acting=person_id)  # a deletion under way runs first, or after
    user = session.get_one(User, person_id)
    if goals is not None:
        goals = goals.strip()
        if len(goals) > GOALS_MAX:
            raise GoalsTooLong(len(goals))
        user.goals = goals or None
    elif not keep_goals:
        user.goals = None
    if preferences is not None:
        user.wanted_help = preferences.wanted_help
        user.language = preferences.language
        user.overlap_hours = preferences.overlap_hours
    chosen = ensure_skills(session, [gap.skill for gap in gaps])
    levels: dict[str, Gap] = {}
    for gap in gaps:  # the first mention of a skill wins, as ensure_skills collapses them
        normalised = normalise(gap.skill)
        if normalised is not None:
            levels.setdefault(normalised[0], gap)
    session.execute(delete(UserInterest).where(UserInterest.user_id == person_id))
    session.add_all(
        UserInterest(
            user_id=person_id,
            skill_id=skill.id,
            current_level=levels[skill.key].current if skill.key in levels else None,
            target_level=levels[skill.key].target if skill.key in levels else None,
        )
        for skill in chosen
    )
    session.flush()
    session.expire(user, ["interests"])
    return interests_of(session, person_id=person_id)


def interests_of(session: Session, *, person_id: int) -> Interests:
    """The person's saved gaps (by skill name), goals and preferences; empty when none."""
    user = session.execute(
        select(User.goals, User.wanted_help, User.language, User.overlap_hours).where(
            User.id == person_id
        )
    ).first()
    saved = saved_gaps(session, person_id)
    return Interests(
        skills=tuple(gap.skill.name for gap in saved),
        goals=user.goals if user else None,
        gaps=tuple(Gap(gap.skill.name, gap.current, gap.target) for gap in saved),
        preferences=Preferences(user.wanted_help, user.language, bool(user.overlap_hours))
        if user
        else Preferences(),
    )


def saved_gaps(session: Session, person_id: int) -> list[SavedGap]:
    """The person's saved gaps, sorted by skill name: what a search with no words asks for."""
    rows = session.execute(
        select(
            Skill.id, Skill.key, Skill.name, UserInterest.current_level, UserInterest.target_level
        )
        .join(UserInterest, UserInterest.skill_id == Skill.id)
        .where(UserInterest.user_id == person_id)
    )
    saved = [
        SavedGap(SkillInfo(row.id, row.key, row.name), row.current_level, row.target_level)
        for row in rows
    ]
    return sorted(saved, key=lambda gap: (gap.skill.name.casefold(), gap.skill.key))


def saved_interests(session: Session, person_id: int) -> list[SkillInfo]:
    """The person's saved skills, sorted by name."""
    return [gap.skill for gap in saved_gaps(session, person_id)]


def read_preferences(wanted_help: str, language: str, overlap_hours: bool) -> Preferences:
    """Preferences from a form: a kind of help (blank for none), a language code, overlap.
    Raises FieldErrors for a kind of help there is none of, or a malformed language code."""
    kind = None
    if wanted_help:
        try:
            kind = HelpKind(wanted_help)
        except ValueError:
            raise FieldErrors({"wanted_help": "Pick one of the kinds of help listed."}) from None
    return Preferences(kind, language_code(language), overlap_hours)


@dataclass(frozen=True)
class Draft:
    """The interests form's first step, checked: the gaps to give levels to next, or, with no
    skills named, everything saved already (`saved`)."""

    gaps: tuple[Gap, ...]
    preferences: Preferences
    saved: bool


def draft_interests(
    session: Session,
    *,
    person_id: int,
    skills: Sequence[str],
    goals: str,
    wanted_help: str = "",
    language: str = "",
    overlap_hours: bool = False,
) -> Draft:
    """The first step of the interests form: the named skills as gaps to give levels to, each
    with the target typed ("python:4") or else the levels saved before. With no skills there
    is nothing to ask next, so the goals and preferences are saved (and the gaps cleared).

    Raises GoalsTooLong, TooManyGaps, BadLevel or SkillTooLong (field `skills`), FieldErrors."""
    preferences = read_preferences(wanted_help, language, overlap_hours)
    if len(goals.strip()) > GOALS_MAX:
        raise GoalsTooLong(len(goals.strip()))
    typed: dict[str, Gap] = {}
    for text in skills:
        try:
            gap = split_level(text)
            normalised = normalise(gap.skill)
        except (BadLevel, SkillTooLong) as bad:
            bad.field = "skills"
            raise
        if normalised is not None:
            typed.setdefault(normalised[0], Gap(normalised[1], target=gap.target))
    if not typed:
        save_interests(
            session, person_id=person_id, skills=[], goals=goals, preferences=preferences
        )
        return Draft((), preferences, saved=True)
    if len(typed) > GAPS_MAX:
        raise TooManyGaps(len(typed))
    saved = {gap.skill.key: gap for gap in saved_gaps(session, person_id)}
    drafted = []
    for key, gap in typed.items():
        before = saved.get(key)
        if gap.target is None and before is not None:
            gap = Gap(before.skill.name, before.current, before.target)
        elif (
            before is not None
            and before.current is not None
            and (gap.target is None or gap.target > before.current)
        ):
            gap = Gap(gap.skill, before.current, gap.target)
        drafted.append(gap)
    return Draft(tuple(drafted), preferences, saved=False)
