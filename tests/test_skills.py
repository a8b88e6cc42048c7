"""The skills catalogue: normalising what people type, and keeping one row per skill."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from bot.services.errors import DomainError
from bot.services.skills import (
    MAX_SKILL_LENGTH,
    SYNONYMS,
    Levelled,
    SkillInfo,
    SkillTooLong,
    catalogue,
    closest_skills,
    did_you_mean,
    ensure_skills,
    normalise,
    parse_levelled,
    resolve_keys,
    skill_lookup,
    split_skills,
)
from store.db import SessionFactory
from store.models import Skill, SkillSynonym
from tests.seed import add_mentor

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def skill_rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Skill)) or 0


# --- normalise and split_skills (pure) ---------------------------------------------------------


@pytest.mark.parametrize("typed", ["python", "Python ", "PYTHON", "  py", "python3", "Py"])
def test_python_in_any_spelling_is_one_skill(typed: str) -> None:
    """However Python is typed, it is the same skill with its canonical name."""
    assert normalise(typed) == ("python", "Python")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("js", ("javascript", "JavaScript")),
        ("ECMAScript", ("javascript", "JavaScript")),
        ("ts", ("typescript", "TypeScript")),
        ("k8s", ("kubernetes", "Kubernetes")),
        ("kube", ("kubernetes", "Kubernetes")),
        ("golang", ("go", "Go")),
        ("postgres", ("postgresql", "PostgreSQL")),
        ("psql", ("postgresql", "PostgreSQL")),
        ("React.js", ("react", "React")),
        ("nodejs", ("node.js", "Node.js")),
        ("ML", ("machine learning", "Machine learning")),
        ("ai", ("artificial intelligence", "Artificial intelligence")),
        ("UX", ("ux design", "UX design")),
        ("pm", ("product management", "Product management")),
        ("cpp", ("c++", "C++")),
        ("c++", ("c++", "C++")),
        ("C#", ("c#", "C#")),
        ("csharp", ("c#", "C#")),
        ("public   speaking", ("public speaking", "Public speaking")),
        ("Management", ("people management", "People management")),
    ],
)
def test_synonyms_resolve_to_the_canonical_skill(typed: str, expected: tuple[str, str]) -> None:
    """Common aliases and abbreviations land on one canonical skill and its display name."""
    assert normalise(typed) == expected


def test_every_synonym_target_is_its_own_canonical_form() -> None:
    """Typing a canonical name in any case gives back exactly that canonical name."""
    for name in set(SYNONYMS.values()):
        assert normalise(name.upper()) == (name.casefold(), name)


def test_unknown_skills_keep_their_casing_or_get_a_capital() -> None:
    """An unknown skill keeps mixed casing as typed; all-lowercase gets a capital first letter."""
    assert normalise("GraphQL") == ("graphql", "GraphQL")
    assert normalise("  machine   learning ") == ("machine learning", "Machine learning")
    assert normalise("technical\twriting") == ("technical writing", "Technical writing")
    assert normalise("9 to 5 survival") == ("9 to 5 survival", "9 to 5 survival")


@pytest.mark.parametrize("typed", ["", "   ", "\n\t"])
def test_blank_text_is_no_skill(typed: str) -> None:
    """Nothing typed means no skill rather than an empty one."""
    assert normalise(typed) is None


def test_a_sentence_is_too_long_for_a_skill() -> None:
    """Text beyond the limit is refused with a friendly DomainError; the limit itself is fine."""
    assert normalise("x" * MAX_SKILL_LENGTH) is not None
    with pytest.raises(SkillTooLong) as refused:
        normalise("I can teach you everything about distributed systems design")
    assert isinstance(refused.value, DomainError)
    assert "too long" in str(refused.value)


def test_split_skills_on_commas_semicolons_and_lines_not_spaces() -> None:
    """A free-text field splits on commas, semicolons and new lines; spaces stay inside a skill."""
    typed = "machine learning, Python;;  public speaking\n\n GraphQL ,\r\nk8s, "
    assert split_skills(typed) == [
        "machine learning",
        "Python",
        "public speaking",
        "GraphQL",
        "k8s",
    ]
    assert split_skills("  ,; \n") == []


# --- the catalogue in the database --------------------------------------------------------------


def test_ensure_skills_collapses_case_space_and_synonyms(sessions: SessionFactory) -> None:
    """Six spellings of two skills make two rows, returned in the order first typed."""
    with sessions.begin() as session:
        skills = ensure_skills(
            session, ["Python", "machine  learning", "python ", "PY", "ML", "", "Machine learning"]
        )
        assert [(s.key, s.name) for s in skills] == [
            ("python", "Python"),
            ("machine learning", "Machine learning"),
        ]
        assert skill_rows(session) == 2
    with sessions.begin() as session:
        again = ensure_skills(session, ["ml", "python3", "GraphQL"])
        assert [s.id for s in again[:2]] == [skills[1].id, skills[0].id]
        assert again[2].name == "GraphQL"
        assert skill_rows(session) == 3


def test_ensure_skills_reuses_an_existing_row_and_its_name(sessions: SessionFactory) -> None:
    """A skill already in the catalogue is found by key and keeps the name it was created with."""
    with sessions.begin() as session:
        session.add(Skill(key="graphql", name="GraphQL"))
    with sessions.begin() as session:
        (found,) = ensure_skills(session, ["graphql"])
        assert found.name == "GraphQL"
        assert ensure_skills(session, []) == []
        assert ensure_skills(session, ["  ", "\n"]) == []
        assert skill_rows(session) == 1


def test_ensure_skills_refuses_a_too_long_skill(sessions: SessionFactory) -> None:
    """One over-long skill refuses the lot, with the friendly sentence, and creates nothing."""
    with sessions.begin() as session, pytest.raises(SkillTooLong):
        ensure_skills(session, ["Rust", "r" * (MAX_SKILL_LENGTH + 1)])
    with sessions.begin() as session:
        assert skill_rows(session) == 0


def test_ensure_skills_is_safe_against_a_concurrent_insert(
    sessions: SessionFactory, engine: Engine
) -> None:
    """Two people adding "Rust" at the same moment end up sharing one row."""
    results: list[SkillInfo] = []
    errors: list[BaseException] = []

    def second_person() -> None:
        try:
            with sessions.begin() as other:
                results.extend(ensure_skills(other, ["rust"]))
        except BaseException as error:  # pragma: no cover - reported by the assertion below
            errors.append(error)

    first = sessions()
    first.begin()
    (mine,) = ensure_skills(first, ["Rust"])
    racer = threading.Thread(target=second_person)
    racer.start()
    if engine.dialect.name == "postgresql":
        _wait_until_blocked_on_a_lock(engine)
    first.commit()
    first.close()
    racer.join(timeout=30)
    assert not racer.is_alive()
    assert errors == []
    assert results == [mine]
    with sessions.begin() as session:
        assert skill_rows(session) == 1


def _wait_until_blocked_on_a_lock(engine: Engine) -> None:
    """Poll PostgreSQL until another backend waits for a lock (the racing INSERT)."""
    deadline = time.monotonic() + 10
    with engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar()
            watcher.rollback()
            if waiting:
                return
    pytest.fail("the racing transaction never waited for the first one")


def test_catalogue_lists_most_offered_skills_first(sessions: SessionFactory) -> None:
    """Skills more active mentors offer come first; paused ones don't count; ties go by name."""
    with sessions.begin() as session:
        python, go, rust, graphql, unused = ensure_skills(
            session, ["Python", "Go", "Rust", "GraphQL", "Zig"]
        )
        add_mentor(session, "U1", status="active", skill_ids=[python.id, rust.id])
        add_mentor(session, "U2", status="active", skill_ids=[python.id, graphql.id])
        add_mentor(session, "U3", status="paused", skill_ids=[go.id, rust.id])
        add_mentor(session, "U4", status="paused", skill_ids=[go.id])
        add_mentor(session, "U5", status="pending", skill_ids=[go.id])
    with sessions.begin() as session:
        names = [s.name for s in catalogue(session)]
        assert names == ["Python", "GraphQL", "Rust", "Go", "Zig"]
        assert [s.name for s in catalogue(session, limit=2)] == ["Python", "GraphQL"]
        assert catalogue(session)[0] == python
        assert unused.name == "Zig"


def test_closest_skills_suggests_near_misses(sessions: SessionFactory) -> None:
    """A typo finds the skills it was probably meant to be, best match first."""
    with sessions.begin() as session:
        ensure_skills(session, ["JavaScript", "TypeScript", "Java", "Python", "Leadership"])
    with sessions.begin() as session:
        assert closest_skills(session, "javascrpt")[0].name == "JavaScript"
        assert [s.name for s in closest_skills(session, "Pyhton")] == ["Python"]
        assert [s.name for s in closest_skills(session, "leadrship", limit=1)] == ["Leadership"]
        assert closest_skills(session, "astrophysics") == []
        assert closest_skills(session, "   ") == []
        assert len(closest_skills(session, "script", limit=3)) <= 3


# --- levels and the coordinators' synonyms (issue 15) ------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Python 5", Levelled("Python", 5)),
        ("Python:5", Levelled("Python", 5)),
        ("  public   speaking  3 ", Levelled("public speaking", 3)),
        ("C++ (3)", Levelled("C++", 3)),
        ("Python 9", Levelled("Python", 9)),  # parsed; out of range is the caller's to refuse
        ("Python -1", Levelled("Python", -1)),
        ("python3", Levelled("python3", None)),  # a name ending in a digit is no level
        ("Web 2.0", Levelled("Web 2.0", None)),
        ("Leadership", Levelled("Leadership", None)),
        ("Kubernets! 4", Levelled("Kubernets", 4, new=True)),
    ],
)
def test_a_skill_is_read_with_its_level(typed: str, expected: Levelled) -> None:
    assert parse_levelled(typed) == expected


def test_a_coordinators_synonym_is_honoured_everywhere(sessions: SessionFactory) -> None:
    """ "kube8" names Kubernetes: ensure_skills creates no row for it and collapses it with
    Kubernetes; resolve_keys and skill_lookup find it; did_you_mean does not ask about it."""
    with sessions.begin() as session:
        (kubernetes,) = ensure_skills(session, ["Kubernetes"])
        session.add(SkillSynonym(key="kube8", skill_id=kubernetes.id))
    with sessions.begin() as session:
        assert ensure_skills(session, ["kube8", "Kubernetes", "Go"])[0] == kubernetes
        assert len(ensure_skills(session, ["kube8", "kubernetes"])) == 1
        assert skill_rows(session) == 2
        assert resolve_keys(session, ["kube8", "nope"]) == {"kube8": kubernetes}
        assert skill_lookup(session)["kube8"] == kubernetes
        assert did_you_mean(session, ["kube8", "Kubernets", "Java"]) == {"Kubernets": kubernetes}
