"""The coordinators' skills catalogue: what is offered and wanted, and keeping names tidy.

`/mentor admin skills` lists each skill with its active mentors and unmet searches; a coordinator
renames a skill, merges one into another, adds a synonym or puts a skill in a group. Each change
is one call here: it checks the coordinator, changes everything that names the skill (mentors'
skills, mentees' gaps, unmet searches) and writes the audit entry, in the caller's transaction.
An old name always stays a synonym, so what people typed before still finds the skill.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from bot.services.coordinators import authorize, require_coordinator
from bot.services.errors import DomainError
from bot.services.skills import SkillInfo, normalise, resolve_keys
from store.models import (
    MentorProfile,
    MentorSkill,
    SearchMiss,
    Skill,
    SkillGroup,
    SkillSynonym,
    UserInterest,
)
from store.statuses import MentorStatus

SHOWN = 40  # skills listed at once, most offered first
UNMET_SHOWN = 10  # searched-for words that name no skill
NO_GROUP = "none"  # `group Python in none` takes Python out of its group


class CatalogueRefusal(DomainError):
    """A catalogue change that cannot be made; the text says why and nothing changed."""


@dataclass(frozen=True)
class CatalogueRow:
    name: str
    group: str | None
    mentors: int  # active mentors offering it
    unmet: int  # searches for it (or a synonym) that found no mentor
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class CataloguePage:
    rows: tuple[CatalogueRow, ...]
    total: int  # skills in the catalogue, of which `rows` are the first SHOWN
    unmet_unknown: tuple[tuple[str, int], ...]  # searched words naming no skill, with counts


@dataclass(frozen=True)
class CatalogueChange:
    """What a change did, said in one line for the coordinator."""

    summary: str


def catalogue_page(session: Session, *, actor: str, coordinators: Collection[str]) -> CataloguePage:
    """The catalogue as coordinators see it, in four grouped reads whatever its size."""
    require_coordinator(actor, coordinators)
    offered = func.count(MentorProfile.id)
    skills = session.execute(
        select(Skill.id, Skill.key, Skill.name, SkillGroup.name.label("group"), offered)
        .outerjoin(SkillGroup, SkillGroup.id == Skill.group_id)
        .outerjoin(MentorSkill, MentorSkill.skill_id == Skill.id)
        .outerjoin(
            MentorProfile,
            and_(
                MentorProfile.id == MentorSkill.mentor_id,
                MentorProfile.status == MentorStatus.ACTIVE,
            ),
        )
        .group_by(Skill.id, Skill.key, Skill.name, SkillGroup.name)
        .order_by(offered.desc(), Skill.key)
    ).all()
    synonyms: dict[int, list[str]] = {}
    skill_of_key = {row.key: row.id for row in skills}
    for key, skill_id in session.execute(
        select(SkillSynonym.key, SkillSynonym.skill_id).order_by(SkillSynonym.key)
    ):
        synonyms.setdefault(skill_id, []).append(key)
        skill_of_key.setdefault(key, skill_id)
    unmet: dict[int, int] = {}
    unknown: list[tuple[str, int]] = []
    misses = func.count(SearchMiss.id)
    for key, count in session.execute(
        select(SearchMiss.skill_key, misses)
        .group_by(SearchMiss.skill_key)
        .order_by(misses.desc(), SearchMiss.skill_key)
    ):
        if key in skill_of_key:
            unmet[skill_of_key[key]] = unmet.get(skill_of_key[key], 0) + count
        else:
            unknown.append((key, count))
    rows = tuple(
        CatalogueRow(
            name=row.name,
            group=row.group,
            mentors=row[4],
            unmet=unmet.get(row.id, 0),
            synonyms=tuple(synonyms.get(row.id, ())),
        )
        for row in skills[:SHOWN]
    )
    return CataloguePage(rows, len(skills), tuple(unknown[:UNMET_SHOWN]))


def rename_skill(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    skill: str,
    new_name: str,
    now: datetime,
) -> CatalogueChange:
    """Show `skill` as `new_name` from now on; its old key stays a synonym."""
    require_coordinator(actor, coordinators)
    found = _existing(session, skill)
    key, name = _typed(new_name)
    taken = resolve_keys(session, [key]).get(key)
    if taken is not None and taken.id != found.id:
        raise CatalogueRefusal(
            f"“{taken.name}” is already a skill. To make {found.name} part of it, merge: "
            f"`skills merge {found.name} into {taken.name}`."
        )
    row = session.get(Skill, found.id, with_for_update=True)
    assert row is not None
    if key != found.key:
        session.execute(delete(SkillSynonym).where(SkillSynonym.key == key))
        session.flush()
        row.key = key
        session.add(SkillSynonym(key=found.key, skill_id=found.id))
        _move_misses(session, [found.key], key)
    row.name = name
    _audit(session, actor, coordinators, "skill renamed", f"{found.name} -> {name}", now)
    kept = f"; “{found.key}” still finds it" if key != found.key else ""
    return CatalogueChange(f"Renamed *{found.name}* to *{name}*{kept}.")


def merge_skills(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    source: str,
    target: str,
    now: datetime,
) -> CatalogueChange:
    """Fold `source` into `target`: mentors' skills and mentees' gaps move over (keeping the
    higher level where someone had both), unmet searches follow, and the source's key and
    synonyms become the target's synonyms."""
    require_coordinator(actor, coordinators)
    old, new = _existing(session, source), _existing(session, target)
    if old.id == new.id:
        raise CatalogueRefusal(
            f"“{source}” and “{target}” are the same skill ({new.name}): nothing to merge."
        )
    locked = session.scalars(
        select(Skill).where(Skill.id.in_([old.id, new.id])).with_for_update()
    ).all()
    assert len(locked) == 2
    moved = _merge_mentor_skills(session, old.id, new.id)
    _merge_interests(session, old.id, new.id)
    synonyms = select(SkillSynonym.key).where(SkillSynonym.skill_id == old.id)
    old_keys = [old.key, *session.scalars(synonyms)]
    session.execute(
        update(SkillSynonym).where(SkillSynonym.skill_id == old.id).values(skill_id=new.id)
    )
    _move_misses(session, old_keys, new.key)
    session.execute(delete(Skill).where(Skill.id == old.id))
    session.flush()
    session.add(SkillSynonym(key=old.key, skill_id=new.id))
    _audit(session, actor, coordinators, "skill merged", f"{old.name} -> {new.name}", now)
    mentors = f"{moved} mentor{'s' if moved != 1 else ''}"
    return CatalogueChange(
        f"Merged *{old.name}* into *{new.name}*: {mentors} moved over; “{old.key}” now finds "
        f"{new.name}."
    )


def add_synonym(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    synonym: str,
    skill: str,
    now: datetime,
) -> CatalogueChange:
    """Make `synonym` find `skill` in sign-ups, gaps and searches."""
    require_coordinator(actor, coordinators)
    found = _existing(session, skill)
    key, _ = _typed(synonym)
    taken = resolve_keys(session, [key]).get(key)
    if taken is not None:
        if taken.id == found.id:
            raise CatalogueRefusal(f"“{synonym}” already finds {found.name}: nothing changed.")
        raise CatalogueRefusal(
            f"“{synonym}” already means {taken.name}. If they are one skill, merge them: "
            f"`skills merge {taken.name} into {found.name}`."
        )
    session.add(SkillSynonym(key=key, skill_id=found.id))
    _move_misses(session, [key], found.key)
    _audit(session, actor, coordinators, "skill synonym", f"{key} -> {found.name}", now)
    return CatalogueChange(f"“{key}” now finds *{found.name}*.")


def set_group(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    skill: str,
    group: str,
    now: datetime,
) -> CatalogueChange:
    """Put `skill` in the group called `group`, creating the group; "none" takes it out."""
    require_coordinator(actor, coordinators)
    found = _existing(session, skill)
    row = session.get(Skill, found.id, with_for_update=True)
    assert row is not None
    if " ".join(group.split()).casefold() == NO_GROUP:
        row.group_id = None
        _audit(session, actor, coordinators, "skill group", f"{found.name} -> none", now)
        return CatalogueChange(f"*{found.name}* is in no group now.")
    key, name = _typed(group)
    grouped = session.scalar(select(SkillGroup).where(SkillGroup.key == key))
    if grouped is None:
        grouped = SkillGroup(key=key, name=name)
        session.add(grouped)
        session.flush()
    row.group_id = grouped.id
    _audit(session, actor, coordinators, "skill group", f"{found.name} -> {grouped.name}", now)
    return CatalogueChange(f"*{found.name}* is in the group *{grouped.name}*.")


def group_skill_ids(session: Session, keys: Collection[str]) -> dict[str, list[int]]:
    """The skills of each named group (by normalised key); groups that do not exist are left out."""
    rows = session.execute(
        select(SkillGroup.key, Skill.id)
        .outerjoin(Skill, Skill.group_id == SkillGroup.id)
        .where(SkillGroup.key.in_(list(keys)))
    )
    found: dict[str, list[int]] = {}
    for key, skill_id in rows:
        found.setdefault(key, [])
        if skill_id is not None:
            found[key].append(skill_id)
    return found


def _typed(text: str) -> tuple[str, str]:
    normalised = normalise(text)
    if normalised is None:
        raise CatalogueRefusal("Give a name: it cannot be empty.")
    return normalised


def _existing(session: Session, text: str) -> SkillInfo:
    key, _ = _typed(text)
    found = resolve_keys(session, [key]).get(key)
    if found is None:
        raise CatalogueRefusal(
            f"No skill “{' '.join(text.split())}” in the catalogue: "
            "type `/mentor admin skills` to see them."
        )
    return found


def _merge_mentor_skills(session: Session, old_id: int, new_id: int) -> int:
    """Move mentors' `old_id` to `new_id`; a mentor with both keeps the higher level."""
    rows = session.scalars(
        select(MentorSkill).where(MentorSkill.skill_id.in_([old_id, new_id])).with_for_update()
    ).all()
    by_mentor: dict[int, dict[int, MentorSkill]] = {}
    for row in rows:
        by_mentor.setdefault(row.mentor_id, {})[row.skill_id] = row
    moved = 0
    for both in by_mentor.values():
        old = both.get(old_id)
        if old is None:
            continue
        moved += 1
        kept = both.get(new_id)
        if kept is not None:
            kept.level = max(kept.level, old.level)
            session.delete(old)
    session.flush()
    session.execute(
        update(MentorSkill).where(MentorSkill.skill_id == old_id).values(skill_id=new_id)
    )
    return moved


def _merge_interests(session: Session, old_id: int, new_id: int) -> None:
    """Move mentees' gaps in `old_id` to `new_id`; someone with both keeps the higher target
    (with the current level that came with it, so the target stays above it)."""
    rows = session.scalars(
        select(UserInterest).where(UserInterest.skill_id.in_([old_id, new_id])).with_for_update()
    ).all()
    by_user: dict[int, dict[int, UserInterest]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, {})[row.skill_id] = row
    for both in by_user.values():
        old, kept = both.get(old_id), both.get(new_id)
        if old is None or kept is None:
            continue
        if (old.target_level or 0) > (kept.target_level or 0):
            kept.current_level, kept.target_level = old.current_level, old.target_level
        session.delete(old)
    session.flush()
    session.execute(
        update(UserInterest).where(UserInterest.skill_id == old_id).values(skill_id=new_id)
    )


def _move_misses(session: Session, keys: list[str], to_key: str) -> None:
    session.execute(
        update(SearchMiss).where(SearchMiss.skill_key.in_(keys)).values(skill_key=to_key)
    )


def _audit(
    session: Session,
    actor: str,
    coordinators: Collection[str],
    action: str,
    detail: str,
    now: datetime,
) -> None:
    authorize(
        session, actor=actor, coordinators=coordinators, action=action, detail=detail, now=now
    )
    session.flush()
