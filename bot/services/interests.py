"""A person's interests: the skills they want to learn and their goals, kept with the person.

`/mentor find` with no words searches for the saved skills (bot/services/search.py reads them
through `saved_interests`); goals are free text shown to the mentors they ask.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.services.errors import DomainError
from bot.services.people import lock_live_people
from bot.services.skills import SkillInfo, ensure_skills
from store.models import Skill, User, UserInterest

GOALS_MAX = 1000


class GoalsTooLong(DomainError):
    def __init__(self, length: int) -> None:
        super().__init__(f"Keep your goals under {GOALS_MAX} characters (they have {length}).")


@dataclass(frozen=True)
class Interests:
    skills: tuple[str, ...]
    goals: str | None


def save_interests(
    session: Session,
    *,
    person_id: int,
    skills: Sequence[str],
    goals: str | None = None,
    keep_goals: bool = True,
) -> Interests:
    """Replace the person's interests; set their goals when given, else keep or clear them.

    Blank goals clear them. Raises GoalsTooLong beyond GOALS_MAX characters.
    """
    lock_live_people(session, acting=person_id)  # a deletion under way runs first, or after
    user = session.get_one(User, person_id)
    if goals is not None:
        goals = goals.strip()
        if len(goals) > GOALS_MAX:
            raise GoalsTooLong(len(goals))
        user.goals = goals or None
    elif not keep_goals:
        user.goals = None
    chosen = ensure_skills(session, skills)
    session.execute(delete(UserInterest).where(UserInterest.user_id == person_id))
    session.add_all(UserInterest(user_id=person_id, skill_id=skill.id) for skill in chosen)
    session.flush()
    session.expire(user, ["interests"])
    return Interests(skills=_sorted_names(s.name for s in chosen), goals=user.goals)


def interests_of(session: Session, *, person_id: int) -> Interests:
    """The person's saved skills (by name) and goals; empty when they saved none."""
    goals = session.scalar(select(User.goals).where(User.id == person_id))
    saved = saved_interests(session, person_id)
    return Interests(skills=_sorted_names(s.name for s in saved), goals=goals)


def saved_interests(session: Session, person_id: int) -> list[SkillInfo]:
    """The person's saved skills, sorted by name: what a search with no words asks for."""
    rows = session.execute(
        select(Skill.id, Skill.key, Skill.name)
        .join(UserInterest, UserInterest.skill_id == Skill.id)
        .where(UserInterest.user_id == person_id)
    )
    saved = [SkillInfo(row.id, row.key, row.name) for row in rows]
    return sorted(saved, key=lambda skill: (skill.name.casefold(), skill.key))


def _sorted_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=str.casefold))
