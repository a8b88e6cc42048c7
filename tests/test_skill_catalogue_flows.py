"""Coordinators keep the skills catalogue tidy through `/mentor admin skills`, over signed HTTP:
the list with mentors and unmet searches, rename, merge, synonyms and groups, each audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.sandbox import Sandbox, sandbox
from bot.services.coordinators import COORDINATORS_ONLY
from bot.services.skills import ensure_skills
from bot.simulator.render import render_blocks
from store.models import (
    AuditEntry,
    MentorProfile,
    MentorSkill,
    SearchMiss,
    Skill,
    SkillGroup,
    SkillSynonym,
    User,
    UserInterest,
)
from tests.conftest import ADA, BEN, CHITRA, START, make_fake_slack
from tests.steps import sign_up


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    """Chitra coordinates."""
    env = {"COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=START, env=env, fake=make_fake_slack()) as running:
        yield running
        assert running.fake.problems == []


def admin(box: Sandbox, who: str, words: str) -> str:
    box.user(who).command(f"admin skills {words}".strip())
    seen = box.fake.seen_by(who)[-1]
    return (render_blocks(seen.blocks, "UTC") or seen.text).replace("*", "").replace("_", "")


def audit(box: Sandbox) -> list[tuple[str, str]]:
    with box.deps.sessions.begin() as session:
        rows = session.execute(select(AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id))
        return [(action, detail) for action, detail in rows]


def levels(box: Sandbox) -> dict[tuple[str, str], int]:
    """(person, skill) -> level, for every mentor's skill."""
    with box.deps.sessions.begin() as session:
        rows = session.execute(
            select(User.slack_id, Skill.name, MentorSkill.level)
            .join(MentorProfile, MentorProfile.user_id == User.id)
            .join(MentorSkill, MentorSkill.mentor_id == MentorProfile.id)
            .join(Skill, Skill.id == MentorSkill.skill_id)
        )
        return {(who, name): level for who, name, level in rows}


def skill_names(box: Sandbox) -> list[str]:
    with box.deps.sessions.begin() as session:
        return sorted(session.scalars(select(Skill.name)))


def test_only_coordinators_may_see_or_change_the_catalogue(program: Sandbox) -> None:
    """Ben lists and tries a merge: the same polite refusal, nothing changed or logged."""
    sign_up(program, ADA, skills="Python 5, Go 3")
    assert admin(program, BEN, "") == COORDINATORS_ONLY
    assert admin(program, BEN, "merge Go into Python") == COORDINATORS_ONLY
    assert skill_names(program) == ["Go", "Python"] and audit(program) == []


def test_the_list_counts_active_mentors_and_unmet_searches(program: Sandbox) -> None:
    """Ada offers Python; Chitra offers Rust but is paused; Ben finds no Rust mentor and no
    COBOL one: Rust has an unmet search, COBOL is wanted but not in the catalogue."""
    sign_up(program, ADA, skills="Python 5, Go 3")
    sign_up(program, CHITRA, skills="Rust 6, Python 4")
    program.user(CHITRA).command("pause")
    program.user(BEN).command("find rust")
    program.user(BEN).command("find cobol")
    shown = admin(program, CHITRA, "")
    assert "Skills catalogue" in shown
    assert "Python: 1 mentor" in shown
    assert "Rust: 0 mentors, 1 unmet search" in shown
    assert "Searched for, but not in the catalogue: cobol (1)" in shown
    assert "admin skills merge" in shown  # what can be done is offered with the list


def test_rename_keeps_the_old_name_finding_the_skill(program: Sandbox) -> None:
    """Chitra renames Leadership to Team leadership: Ada's profile shows the new name; a new
    mentor typing "leadership" joins the same skill, and Ben's search for it finds Ada."""
    sign_up(program, ADA, skills="Leadership 5")
    answer = admin(program, CHITRA, "rename leadership to Team leadership")
    assert "Renamed Leadership to Team leadership" in answer
    assert skill_names(program) == ["Team leadership"]
    sign_up(program, BEN, skills="leadership 3")
    assert levels(program) == {(ADA, "Team leadership"): 5, (BEN, "Team leadership"): 3}
    program.user(CHITRA).command("find leadership")
    found = program.fake.seen_by(CHITRA)[-1]
    assert "Ada" in (render_blocks(found.blocks, "UTC") or found.text)
    assert audit(program) == [("skill renamed", "Leadership -> Team leadership")]
    sign_up(program, CHITRA, skills="Python 4")
    refused = admin(program, CHITRA, "rename team leadership to python")
    assert "“Python” is already a skill" in refused and "skills merge Team leadership" in refused
    assert skill_names(program) == ["Python", "Team leadership"] and len(audit(program)) == 1


def test_merge_moves_profiles_gaps_and_searches_keeping_the_higher_level(
    program: Sandbox,
) -> None:
    """Ada has Kubernetes 3 and the misspelt Kubernets 5; Ben's gaps and an unmet search name
    both. Merging Kubernets into Kubernetes keeps Ada's 5, Ben's higher target, moves the
    search, and "kubernets" now finds Kubernetes."""
    sign_up(program, ADA, skills="Kubernetes 3, Kubernets! 5, Python 4")
    program.user(BEN).command("find python")  # Ben is known once he has used the bot
    with program.deps.sessions.begin() as session:
        ben = session.scalar(select(User.id).where(User.slack_id == BEN))
    assert ben is not None
    with program.deps.sessions.begin() as session:
        ids = {key: skill_id for key, skill_id in session.execute(select(Skill.key, Skill.id))}
        for key, now, target in (("kubernets", 2, 5), ("kubernetes", 1, 3)):
            session.add(
                UserInterest(user_id=ben, skill_id=ids[key], current_level=now, target_level=target)
            )
        session.add(SearchMiss(user_id=ben, skill_key="kubernets", searched_at=START))
    answer = admin(program, CHITRA, "merge Kubernets into Kubernetes")
    assert "Merged Kubernets into Kubernetes: 1 mentor moved over" in answer
    assert levels(program) == {(ADA, "Kubernetes"): 5, (ADA, "Python"): 4}
    with program.deps.sessions.begin() as session:
        gaps = session.execute(
            select(Skill.name, UserInterest.current_level, UserInterest.target_level).join(
                Skill, Skill.id == UserInterest.skill_id
            )
        ).all()
        assert [tuple(g) for g in gaps] == [("Kubernetes", 2, 5)]
        assert list(session.scalars(select(SearchMiss.skill_key))) == ["kubernetes"]
        assert session.get(SkillSynonym, "kubernets") is not None
    assert skill_names(program) == ["Kubernetes", "Python"]
    sign_up(program, CHITRA, skills="Kubernets 4")  # no "did you mean": it is a synonym now
    assert levels(program)[(CHITRA, "Kubernetes")] == 4
    assert "Kubernetes: 2 mentors, 1 unmet search  (also: kubernets)" in admin(program, CHITRA, "")
    assert audit(program) == [("skill merged", "Kubernets -> Kubernetes")]


@pytest.mark.parametrize(
    ("words", "says"),
    [
        ("merge Kubernetes into Kubernetes", "the same skill"),
        ("merge k8s into Kubernetes", "the same skill"),
        ("merge Cobol into Kubernetes", "No skill “Cobol”"),
        ("merge Kubernetes", "I didn't understand"),
        ("rename Kubernetes to", "I didn't understand"),
        ("frobnicate Kubernetes to Go", "I didn't understand"),
        ("synonym python for Kubernetes", "already means Python"),
        ("group Kubernetes in", "I didn't understand"),
    ],
)
def test_bad_catalogue_changes_are_explained_and_change_nothing(
    program: Sandbox, words: str, says: str
) -> None:
    """Merging a skill into itself (or its synonym), unknown skills, half a command: a clear
    answer, the catalogue as it was, nothing logged."""
    sign_up(program, ADA, skills="Kubernetes 3, Python 4")
    before = (skill_names(program), levels(program))
    assert says in admin(program, CHITRA, words)
    assert (skill_names(program), levels(program)) == before
    assert audit(program) == []


def test_a_synonym_finds_the_skill_in_search_and_sign_up(program: Sandbox) -> None:
    """Chitra adds "kube8" for Kubernetes: Ben's search for it finds Ada, a sign-up typing it
    joins Kubernetes, and adding it twice is explained."""
    sign_up(program, ADA, skills="Kubernetes 5")
    assert "“kube8” now finds Kubernetes" in admin(program, CHITRA, "synonym Kube8 for kubernetes")
    program.user(BEN).command("find kube8")
    found = program.fake.seen_by(BEN)[-1]
    assert "Ada" in (render_blocks(found.blocks, "UTC") or found.text)
    sign_up(program, BEN, skills="kube8 3")
    assert levels(program)[(BEN, "Kubernetes")] == 3
    assert skill_names(program) == ["Kubernetes"]
    assert "already finds Kubernetes" in admin(program, CHITRA, "synonym kube8 for Kubernetes")
    assert audit(program) == [("skill synonym", "kube8 -> Kubernetes")]


def test_groups_are_created_by_name_and_shown(program: Sandbox) -> None:
    """Chitra groups Kubernetes and Go in Cloud (one group, created once), then takes Go out."""
    sign_up(program, ADA, skills="Kubernetes 5, Go 3")
    assert "in the group Cloud" in admin(program, CHITRA, "group Kubernetes in Cloud")
    assert "in the group Cloud" in admin(program, CHITRA, "group go in cloud")
    with program.deps.sessions.begin() as session:
        assert session.scalar(select(func.count(SkillGroup.id))) == 1
    assert "Kubernetes  Cloud: 1 mentor" in admin(program, CHITRA, "")
    assert "no group" in admin(program, CHITRA, "group Go in none")
    assert [action for action, _ in audit(program)] == ["skill group"] * 3


def test_a_long_catalogue_stays_within_slacks_limits(program: Sandbox) -> None:
    """60 skills, one with many long synonyms: the 40 most offered are listed, the rest counted,
    and Slack would accept the message (the simulator checks every block)."""
    sign_up(program, ADA, skills="Python 5")
    with program.deps.sessions.begin() as session:
        skills = ensure_skills(session, [f"Skill number {n} with a long name" for n in range(59)])
        for n in range(12):
            session.add(
                SkillSynonym(key=f"another long way to say it {n:02}", skill_id=skills[0].id)
            )
    shown = admin(program, CHITRA, "")
    assert "Skills catalogue" in shown
    assert "Python: 1 mentor" in shown and "…and 20 more, offered less." in shown
    assert "+8)" in shown
