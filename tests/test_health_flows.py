"""Relationship health through Slack: a coordinator sees the mentorships at risk with why,
nudges one, both sides get a prompt that fits what is wrong, and the rules hold at the click."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.sandbox import Sandbox, sandbox
from bot.services.coordinators import COORDINATORS_ONLY
from bot.services.health import NotAtRisk, NudgedRecently
from bot.simulator.render import render_blocks
from store.models import AuditEntry, MentorProfile, Mentorship, User
from store.statuses import Cadence, MemberStatus
from tests.conftest import ADA, BEN, CHITRA, DAN, make_fake_slack
from tests.seed import DAY, NOW, add_mentor, add_mentorship, add_session, add_user
from tests.steps import send_click

EVE = "U0EVE"


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    """Chitra coordinates. Ada and Ben (every two weeks) last met five weeks ago; Dan accepted
    Eve four days ago and she has not agreed yet; Ada and Chitra met last week (healthy)."""
    fake = make_fake_slack()
    fake.add_user(DAN, "Dan Brown", "UTC")
    fake.add_user(EVE, "Eve Stone", "Europe/Paris")
    env = {"COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=NOW, env=env, fake=fake) as running:
        with running.deps.sessions.begin() as s:
            ada = add_mentor(s, ADA, name="Ada Lovelace")
            dan = add_mentor(s, DAN, name="Dan Brown")
            ben, eve = add_user(s, BEN, name="Ben Martin"), add_user(s, EVE, name="Eve Stone")
            chitra = add_user(s, CHITRA, name="Chitra Rao")
            quiet = add_mentorship(s, ada, [ben], cadence=Cadence.FORTNIGHTLY, at=NOW - 60 * DAY)
            quiet.channel_id = fake.open_group([ADA, BEN])
            add_session(s, ada.id, ben.id, NOW - 35 * DAY).mentorship_id = quiet.id
            add_mentorship(s, dan, [eve], MemberStatus.AGREEING, at=NOW - 4 * DAY)
            healthy = add_mentorship(s, ada, [chitra], cadence=Cadence.WEEKLY, at=NOW - 20 * DAY)
            add_session(s, ada.id, chitra.id, NOW - 6 * DAY).mentorship_id = healthy.id
        yield running
        assert running.fake.problems == []


def shown(box: Sandbox, user_id: str) -> str:
    seen = [s for s in box.fake.seen_by(user_id) if s.kind != "file"][-1]
    return render_blocks(seen.blocks, "UTC") or seen.text


def mentorship_of(box: Sandbox, mentor: str) -> int:
    with box.deps.sessions.begin() as s:
        return (
            s.execute(
                select(Mentorship.id)
                .join(MentorProfile, MentorProfile.id == Mentorship.mentor_id)
                .join(User, User.id == MentorProfile.user_id)
                .where(User.slack_id == mentor)
                .order_by(Mentorship.id)
            )
            .scalars()
            .first()
            or 0
        )


def nudges(box: Sandbox) -> list[tuple[str, str]]:
    with box.deps.sessions.begin() as s:
        return [
            (entry.actor_slack_id, entry.detail)
            for entry in s.scalars(
                select(AuditEntry).where(AuditEntry.action == "mentorship nudge")
            )
        ]


def test_the_health_view_lists_who_is_at_risk_and_why_with_the_trend(program: Sandbox) -> None:
    program.user(CHITRA).command("admin health")
    view = shown(program, CHITRA)
    assert "Relationship health · Mentoring programme" in view
    assert f"@{ADA} & @{BEN}, every two weeks: no session for 5 weeks" in view
    assert f"@{DAN} & @{EVE}, every two weeks: the agreement is not completed" in view
    assert f"@{CHITRA}" not in view  # Ada and Chitra met last week
    assert view.count("[Nudge]") == 2
    assert "Trend, last 8 weeks" in view and "Week of   Sessions  Pulse  Goals reached" in view


def test_only_coordinators_see_health_or_nudge(program: Sandbox) -> None:
    ben = program.user(BEN)
    ben.command("admin health")
    assert shown(program, BEN) == COORDINATORS_ONLY
    send_click(program, BEN, "health_nudge", str(mentorship_of(program, ADA)))
    assert COORDINATORS_ONLY in shown(program, BEN)
    assert nudges(program) == []


def test_a_nudge_reaches_the_pairs_dm_once_a_day_and_is_logged(program: Sandbox) -> None:
    chitra = program.user(CHITRA)
    chitra.command("admin health")
    chitra.click("Nudge", near=BEN)
    copies = [m for m in program.fake.seen_all() if "friendly check-in" in m.text]
    (channel,) = {m.channel for m in copies}  # one post, in their group DM
    assert set(program.fake.group_members(channel or "")) == {ADA, BEN}
    assert {ADA, BEN} <= {m.audience for m in copies}
    prompt = copies[0]
    text = render_blocks(prompt.blocks, "UTC")
    assert "since your last session" in text and "/mentor mentorships" in text
    assert "agreement" not in text  # only what is wrong for them
    assert f"Nudged <@{ADA}> and <@{BEN}>." in shown(program, CHITRA)
    assert nudges(program) == [(CHITRA, f"mentorship:{mentorship_of(program, ADA)}")]

    chitra.click("Nudge", near=BEN)  # again, from the same list
    assert str(NudgedRecently()) in shown(program, CHITRA)
    assert len(nudges(program)) == 1
    program.clock.advance(timedelta(days=1, minutes=1))
    chitra.click("Nudge", near=BEN)
    assert len(nudges(program)) == 2


def test_an_agreement_nudge_goes_to_each_and_says_what_is_waiting(program: Sandbox) -> None:
    program.user(CHITRA).command("admin health")
    program.user(CHITRA).click("Nudge", near=EVE)
    for person in (DAN, EVE):  # no shared DM yet: each gets their own copy
        assert "still waiting for someone's *I agree*" in "\n".join(
            m.text + render_blocks(m.blocks, "UTC") for m in program.fake.seen_by(person)
        )


def test_a_mentorship_that_met_since_is_not_nudged(program: Sandbox) -> None:
    program.user(CHITRA).command("admin health")
    pair = mentorship_of(program, ADA)
    with program.deps.sessions.begin() as s:
        ada = s.scalars(select(MentorProfile).join(User).where(User.slack_id == ADA)).one()
        ben = s.scalars(select(User).where(User.slack_id == BEN)).one()
        add_session(s, ada.id, ben.id, NOW + DAY).mentorship_id = pair
    program.user(CHITRA).click("Nudge", near=BEN)  # the list is older than the session
    assert str(NotAtRisk()) in shown(program, CHITRA)
    assert nudges(program) == []
    assert not [m for m in program.fake.seen_by(BEN) if "friendly check-in" in m.text]


def test_a_forged_nudge_value_changes_nothing(program: Sandbox) -> None:
    for value in ("", "abc", "99999", "-1", "1" * 40):
        send_click(program, CHITRA, "health_nudge", value)
    assert nudges(program) == []
