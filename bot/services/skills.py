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
from store.models import MentorProfile, MentorSkill, Skill
from store.statuses import MentorStatus

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


def ensure_skills(session: Session, texts: Iterable[str]) -> list[SkillInfo]:
    """The catalogue's skills for what was typed, in input order, creating the missing ones.

    Duplicates (by key) collapse to their first mention. A skill created meanwhile by another
    transaction is simply picked up: the insert skips conflicting keys, then we read them back.
    """
    wanted: dict[str, str] = {}
    for text in texts:
        normalised = normalise(text)
        if normalised is not None:
            wanted.setdefault(*normalised)
    if not wanted:
        return []
    found = _by_key(session, list(wanted))
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
    return [found[key] for key in wanted]


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


def _by_key(session: Session, keys: list[str]) -> dict[str, SkillInfo]:
    rows = session.execute(select(Skill.id, Skill.key, Skill.name).where(Skill.key.in_(keys)))
    return {row.key: SkillInfo(id=row.id, key=row.key, name=row.name) for row in rows}


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
