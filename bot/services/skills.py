"""The skills catalogue: what people type, normalised so "python", "Python " and "py" are one skill.

A skill's `key` is its identity (whitespace collapsed, casefolded, synonyms resolved); its `name`
is how it is shown. Known skills always show their canonical name; anything else keeps the
casing its first author typed, with a capital first letter if they typed it all in lowercase.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.services.errors import DomainError
from store.models import MentorProfile, MentorSkill, Skill, SkillSynonym
from store.statuses import MentorStatus, SkillLevel

MAX_SKILL_LENGTH = 40
KEY_MAX = 64  # the width of skills.key; casefolding can lengthen some letters ("ß" -> "ss")

# What people type -> the skill it means. Canonical names map to themselves implicitly, so
# "PYTHON" shows as "Python" too; keys here are already collapsed and casefolded.
SYNONYMS: dict[str, str] = {
    "js": "JavaScript",
    "ecmascript": "JavaScript",
    "ts": "TypeScript",
    "k8s": "Kubernetes",
    "kube": "Kubernetes",
    "py": "Python",
    "python3": "Python",
    "golang": "Go",
    "postgres": "PostgreSQL",
    "psql": "PostgreSQL",
    "reactjs": "React",
    "react.js": "React",
    "node": "Node.js",
    "nodejs": "Node.js",
    "ml": "Machine learning",
    "ai": "Artificial intelligence",
    "ux": "UX design",
    "user experience": "UX design",
    "pm": "Product management",
    "product manager": "Product management",
    "cpp": "C++",
    "csharp": "C#",
    "c sharp": "C#",
    "speaking": "Public speaking",
    "presentations": "Public speaking",
    "management": "People management",
    "managing people": "People management",
    "aws": "Amazon Web Services",
    "gcp": "Google Cloud",
    "sql": "SQL",
    "devops": "DevOps",
    "leading": "Leadership",
    "career": "Career growth",
    "career development": "Career growth",
}

_CANONICAL: dict[str, str] = {name.casefold(): name for name in SYNONYMS.values()}
_LOOKUP: dict[str, str] = {**_CANONICAL, **SYNONYMS}

_SEPARATORS = re.compile(r"[,;\r\n]+")
# "Python 5", "Python: 5", "C++ (3)": a skill, then its level after a space or a colon.
_LEVELLED = re.compile(r"^(?P<skill>.*?\S)\s*(?::\s*|\s+)\(?(?P<level>[+-]?\d+)\)?$")
LEVELS = range(min(SkillLevel), max(SkillLevel) + 1)
# How alike a new skill must look to a catalogue one for "Did you mean ...?" at sign-up: high,
# so "Kubernets" suggests Kubernetes but "Java" never suggests JavaScript.
NEAR_MISS_CUTOFF = 0.85
NEW_SKILL_MARK = "!"  # "Kubernets! 4": "yes, a new skill", after a "Did you mean" question
_INSERT_CHUNK = 500


class SkillTooLong(DomainError):
    def __init__(self, text: str) -> None:
        shown = text if len(text) <= 20 else text[:20] + "…"
        super().__init__(
            f"“{shown}” is too long for a skill: keep each one under {MAX_SKILL_LENGTH} "
            "characters and separate skills with commas."
        )


@dataclass(frozen=True)
class SkillInfo:
    id: int
    key: str
    name: str


def normalise(text: str) -> tuple[str, str] | None:
    """(key, display name) of what a user typed; None when it is blank.

    Raises SkillTooLong beyond MAX_SKILL_LENGTH characters (after collapsing whitespace).
    """
    typed = " ".join(text.split())
    if not typed:
        return None
    if len(typed) > MAX_SKILL_LENGTH:
        raise SkillTooLong(typed)
    key = typed.casefold()
    canonical = _LOOKUP.get(key)
    if canonical is not None:
        return canonical.casefold(), canonical
    if len(key) > KEY_MAX:
        raise SkillTooLong(typed)
    name = typed[0].upper() + typed[1:] if typed == typed.lower() else typed
    return key, name


def split_skills(text: str) -> list[str]:
    """The skills in a free-text field: separated by commas, semicolons or new lines."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


@dataclass(frozen=True)
class Levelled:
    """One entry of a "skills with levels" field: "Python 5" is ("Python", 5); the level is
    None when none was typed, and may be out of range (the caller says so on the field)."""

    skill: str
    level: int | None
    new: bool = False  # ended with NEW_SKILL_MARK: add it even if it looks like a known one


def parse_levelled(text: str) -> Levelled:
    """Split "Python 5" into the skill and its level; "Python" alone has no level."""
    typed = " ".join(text.split())
    match = _LEVELLED.match(typed)
    skill, level = (match["skill"], int(match["level"])) if match else (typed, None)
    new = skill.endswith(NEW_SKILL_MARK)
    return Levelled(skill.rstrip(NEW_SKILL_MARK).strip() if new else skill, level, new)


def ensure_skills(session: Session, texts: Iterable[str]) -> list[SkillInfo]:
    """The catalogue's skills for what was typed, in input order, creating the missing ones.

    Duplicates (by key, or by the skill a synonym names) collapse to their first mention.
    """
    unique: dict[int, SkillInfo] = {}
    for skill in ensure_each(session, texts):
        if skill is not None:
            unique.setdefault(skill.id, skill)
    return list(unique.values())


def ensure_each(session: Session, texts: Iterable[str]) -> list[SkillInfo | None]:
    """The catalogue skill for each text typed (None for a blank one), creating missing ones.

    A coordinator's synonym (skill_synonyms) counts like the skill it names. A skill created
    meanwhile by another transaction is simply picked up: the insert skips conflicting keys,
    then we read them back.
    """
    keyed = [normalise(text) for text in texts]
    wanted: dict[str, str] = {}
    for normalised in keyed:
        if normalised is not None:
            wanted.setdefault(*normalised)
    if not wanted:
        return [None for _ in keyed]
    # Key-share locks: a coordinator's merge or rename of these skills waits for this
    # transaction, or has finished and left a synonym that the next read finds.
    found = _by_key(session, list(wanted), lock=True)
    found |= _by_synonym(session, [key for key in wanted if key not in found])
    missing = [key for key in wanted if key not in found]
    if missing:
        insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
        for start in range(0, len(missing), _INSERT_CHUNK):
            chunk = missing[start : start + _INSERT_CHUNK]
            session.execute(
                insert(Skill)
                .values([{"key": key, "name": wanted[key]} for key in chunk])
                .on_conflict_do_nothing(index_elements=["key"])
            )
        found |= _by_key(session, missing)
    return [found[normalised[0]] if normalised else None for normalised in keyed]


def resolve_keys(session: Session, keys: Iterable[str]) -> dict[str, SkillInfo]:
    """The existing catalogue skill each normalised key means (its own, or by a synonym);
    keys that mean none are left out. Creates nothing."""
    wanted = list(dict.fromkeys(keys))
    found = _by_key(session, wanted)
    return found | _by_synonym(session, [key for key in wanted if key not in found])


def skill_lookup(session: Session) -> dict[str, SkillInfo]:
    """Every key that names a catalogue skill, its own and its synonyms', for reading queries
    (one statement, as the search's statement budget counts)."""
    skills: dict[str, SkillInfo] = {}
    synonyms: list[tuple[str, SkillInfo]] = []
    rows = session.execute(
        select(Skill.id, Skill.key, Skill.name, SkillSynonym.key.label("synonym")).outerjoin(
            SkillSynonym, SkillSynonym.skill_id == Skill.id
        )
    )
    for row in rows:
        skill = skills.setdefault(row.key, SkillInfo(row.id, row.key, row.name))
        if row.synonym is not None:
            synonyms.append((row.synonym, skill))
    for key, skill in synonyms:
        skills.setdefault(key, skill)
    return skills


def did_you_mean(session: Session, typed: Iterable[str]) -> dict[str, SkillInfo]:
    """For each typed skill that the catalogue does not know, the catalogue skill it most
    looks like, when it looks very like one ("kubernets" -> Kubernetes); by typed text."""
    keyed: dict[str, str] = {}
    for text in typed:
        normalised = normalise(text)
        if normalised is not None:
            keyed.setdefault(normalised[0], text)
    unknown = [key for key in keyed if key not in resolve_keys(session, keyed)]
    if not unknown:
        return {}
    skills = skill_lookup(session)
    suggestions: dict[str, SkillInfo] = {}
    for key in unknown:
        close = difflib.get_close_matches(key, list(skills), n=1, cutoff=NEAR_MISS_CUTOFF)
        if close:
            suggestions[keyed[key]] = skills[close[0]]
    return suggestions


def catalogue(session: Session, limit: int = 100) -> list[SkillInfo]:
    """The program's skills, the ones most active mentors offer first, then by name."""
    offered = func.count(MentorProfile.id)
    rows = session.execute(
        select(Skill.id, Skill.key, Skill.name)
        .outerjoin(MentorSkill, MentorSkill.skill_id == Skill.id)
        .outerjoin(
            MentorProfile,
            and_(
                MentorProfile.id == MentorSkill.mentor_id,
                MentorProfile.status == MentorStatus.ACTIVE,
            ),
        )
        .group_by(Skill.id, Skill.key, Skill.name)
        .order_by(offered.desc(), Skill.key, Skill.id)
        .limit(limit)
    ).all()
    return [SkillInfo(id=row.id, key=row.key, name=row.name) for row in rows]


def closest_skills(session: Session, text: str, limit: int = 3) -> list[SkillInfo]:
    """Catalogue skills whose names look like `text`, best first: the "did you mean" list."""
    typed = " ".join(text.split()).casefold()
    if not typed or limit < 1:
        return []
    canonical = _LOOKUP.get(typed)
    query = canonical.casefold() if canonical else typed
    skills = {
        row.key: SkillInfo(id=row.id, key=row.key, name=row.name)
        for row in session.execute(select(Skill.id, Skill.key, Skill.name))
    }
    matches = difflib.get_close_matches(query, list(skills), n=limit, cutoff=0.6)
    return [skills[key] for key in matches]


def _by_key(session: Session, keys: list[str], *, lock: bool = False) -> dict[str, SkillInfo]:
    query = select(Skill.id, Skill.key, Skill.name).where(Skill.key.in_(keys))
    if lock:
        query = query.with_for_update(key_share=True, of=Skill)
    rows = session.execute(query)
    return {row.key: SkillInfo(id=row.id, key=row.key, name=row.name) for row in rows}


def _by_synonym(session: Session, keys: list[str]) -> dict[str, SkillInfo]:
    if not keys:
        return {}
    rows = session.execute(
        select(SkillSynonym.key, Skill.id, Skill.key.label("skill_key"), Skill.name)
        .join(Skill, Skill.id == SkillSynonym.skill_id)
        .where(SkillSynonym.key.in_(keys))
    )
    return {row.key: SkillInfo(id=row.id, key=row.skill_key, name=row.name) for row in rows}


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
