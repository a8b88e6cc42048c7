"""Who may mentor: the optional rule "at least one skill at level N or above, among these".

MENTOR_MIN_LEVEL sets N (unset: no rule, anyone may sign up); MENTOR_ELIGIBILITY_SKILLS names
the skills, or skill groups, whose level counts (unset: any skill). The rule is checked when
someone signs up (or signs up again), in `save_profile`; mentors already in the programme keep
their place when it is introduced or tightened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.services.skill_catalogue import group_skill_ids
from bot.services.skills import normalise, resolve_keys


@dataclass(frozen=True)
class MentorRule:
    min_level: int | None = None  # None: no rule
    skills: tuple[str, ...] = ()  # skill or group names as configured; empty: any skill

    @property
    def applies(self) -> bool:
        return self.min_level is not None


@dataclass(frozen=True)
class ResolvedRule:
    min_level: int
    skill_ids: frozenset[int] | None  # None: any skill counts
    names: tuple[str, ...]  # as configured, for the explanation
    unknown: tuple[str, ...]  # configured names that are neither a skill nor a group


def resolve(session: Session, rule: MentorRule) -> ResolvedRule | None:
    """The rule with its names looked up in the catalogue (skills, synonyms, groups)."""
    if rule.min_level is None:
        return None
    if not rule.skills:
        return ResolvedRule(rule.min_level, None, (), ())
    keys = {name: normalised[0] for name in rule.skills if (normalised := normalise(name))}
    skills = resolve_keys(session, keys.values())
    groups = group_skill_ids(session, [" ".join(n.split()).casefold() for n in rule.skills])
    ids: set[int] = set()
    unknown = []
    for name in rule.skills:
        group = groups.get(" ".join(name.split()).casefold())
        skill = skills.get(keys.get(name, ""))
        if group is not None:
            ids.update(group)
        if skill is not None:
            ids.add(skill.id)
        if group is None and skill is None:
            unknown.append(name)
    return ResolvedRule(rule.min_level, frozenset(ids), rule.skills, tuple(unknown))


def unknown_names(session: Session, rule: MentorRule) -> tuple[str, ...]:
    """Configured names the catalogue does not know: for the one warning line at start-up."""
    resolved = resolve(session, rule)
    return resolved.unknown if resolved else ()


def explain(rule: ResolvedRule) -> str:
    """The rule in one sentence, for a refused sign-up (Home says it with the level's name)."""
    return f"Mentors here need at least one skill{where(rule)} at level {rule.min_level} or above."


def where(rule: ResolvedRule) -> str:
    """ " in Python or Cloud", or "" when any skill counts."""
    return f" in {_names(rule.names)}" if rule.names else ""


def refusal(rule: ResolvedRule | None, levels: Mapping[int, int], names: Mapping[int, str]) -> str:
    """Why a sign-up with these levels (by skill id) does not qualify; "" when it does."""
    if rule is None:
        return ""
    counted = {sid: level for sid, level in levels.items() if _counts(rule, sid)}
    if any(level >= rule.min_level for level in counted.values()):
        return ""
    if not counted:
        return f"{explain(rule)} None of your skills is one of those yet."
    best = max(counted, key=lambda sid: counted[sid])
    return f"{explain(rule)} Your highest there is {names[best]} {counted[best]}."


def _counts(rule: ResolvedRule, skill_id: int) -> bool:
    return rule.skill_ids is None or skill_id in rule.skill_ids


def _names(names: Sequence[str]) -> str:
    shown = [" ".join(n.split()) for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
