"""Group mentorships through Slack: Ada opens "Speakers' circle" with three seats, Ben, Chitra
and Dan ask to join from `/mentor find`, she accepts each, each agrees, and the four meet in one
group DM with the group goal and every member's goals (issue 13, item 10)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.ids import Action
from bot.sandbox import Sandbox
from bot.simulator.render import render_blocks
from store.models import DiaryEntry, Mentorship, MentorshipMember, User
from store.statuses import MemberStatus
from tests.conftest import ADA, BEN, CHITRA, DAN
from tests.steps import NAMES, SESSION_START, ada_with_a_morning, run_at, seen_text, send_click

EVE = "U0EVE"
CIRCLE = "Speakers' circle"
GROUP_GOAL = "Each of us gives a talk at the spring meetup"
GOALS = {
    BEN: "Give my first conference talk",
    CHITRA: "Speak without notes",
    DAN: "Run a workshop for my team",
}
PEOPLE = {**NAMES, DAN: "Dan Okafor", EVE: "Eve Adams"}


def with_people(box: Sandbox) -> None:
    """Ada mentors python with free time tomorrow; Dan and Eve join the workspace."""
    box.fake.add_user(DAN, "Dan Okafor", "Europe/London")
    box.fake.add_user(EVE, "Eve Adams", "Europe/Berlin")
    ada_with_a_morning(box)


def open_circle(box: Sandbox, seats: str = "3 members", **fields: str) -> dict[str, str]:
    ada = box.user(ADA)
    ada.command("group")
    ada.fill("Group name", fields.get("name", CIRCLE))
    ada.fill("Topic", "Public speaking")
    ada.fill("The group's goal", fields.get("goal", GROUP_GOAL))
    ada.fill("Members, at most", seats)
    if "starts" in fields:
        ada.fill("Starts on", fields["starts"])
    return ada.submit().errors


def ask_to_join(box: Sandbox, mentee: str, seats_left: int) -> dict[str, str]:
    person = box.user(mentee)
    person.command("find python leadership")
    left = f"{seats_left} seat{'s' if seats_left != 1 else ''} left"
    person.click(f"Join {CIRCLE} ({left})")
    person.fill("Your goals", GOALS[mentee])
    person.fill("What you hope to get", "Practice in front of friendly faces.")
    return person.submit().errors


def accept(box: Sandbox, mentee: str) -> dict[str, str]:
    ada = box.user(ADA)
    ada.click("Accept", near=f"<@{mentee}> asks to join")
    ada.fill("Comment", "Welcome to the circle.")
    return ada.submit().errors


def join(box: Sandbox, mentee: str, seats_left: int) -> None:
    """The mentee asks from search, Ada accepts, the mentee agrees."""
    assert ask_to_join(box, mentee, seats_left) == {}
    assert accept(box, mentee) == {}
    box.user(mentee).click("I agree")


def circle_id(box: Sandbox) -> int:
    with box.deps.sessions.begin() as session:
        return session.scalars(select(Mentorship.id).where(Mentorship.name == CIRCLE)).one()


def group_dm(box: Sandbox) -> tuple[str, str]:
    """The group's DM as stored, and its goals message as it reads now."""
    with box.deps.sessions.begin() as session:
        frame = session.get_one(Mentorship, circle_id(box))
        channel, ts = frame.channel_id, frame.goals_message_ts
    assert channel and ts
    shown = box.fake.message(channel, ts)
    assert shown is not None
    return channel, render_blocks(shown.blocks, "UTC", PEOPLE)


def statuses(box: Sandbox) -> dict[str, MemberStatus]:
    with box.deps.sessions.begin() as session:
        members = session.scalars(select(MentorshipMember)).all()
        return {m.mentee.slack_id: m.status for m in members}


def test_three_join_one_group_dm_with_the_group_goal_and_each_members_goals(
    box: Sandbox,
) -> None:
    with_people(box)
    assert open_circle(box) == {}
    assert f"{CIRCLE}* is open for up to 3 members" in seen_text(box, ADA, "dm")
    join(box, BEN, 3)
    assert "just joined" in seen_text(box, BEN, "group")
    join(box, CHITRA, 2)
    join(box, DAN, 1)
    assert statuses(box) == dict.fromkeys((BEN, CHITRA, DAN), MemberStatus.ACTIVE)
    channel, goals = group_dm(box)
    assert set(box.fake.group_members(channel)) == {ADA, BEN, CHITRA, DAN}
    assert f"*Group goal:* {GROUP_GOAL}" in goals
    for mentee, goal in GOALS.items():
        assert f"*@{PEOPLE[mentee]}'s goals*" in goals and goal in goals
    for person in (ADA, BEN, CHITRA, DAN):
        assert f"Group mentorship · {CIRCLE}" in "\n".join(
            render_blocks(s.blocks, "UTC", PEOPLE) for s in box.fake.channel_messages(channel)
        )
        assert any(s.channel == channel for s in box.fake.seen_by(person))
    # Ada agreed by opening the group: no agreement of her own to click.
    assert "Mentorship agreement" not in seen_text(box, ADA, "dm")


def test_a_full_group_is_shown_as_full_and_a_fifth_ask_is_refused(box: Sandbox) -> None:
    with_people(box)
    assert open_circle(box, seats="2 members") == {}
    join(box, BEN, 2)
    join(box, CHITRA, 1)
    eve = box.user(EVE)
    eve.command("find python leadership")
    assert f"*{CIRCLE}* is *full*" in seen_text(box, EVE, "response")
    send_click(box, EVE, Action.JOIN_GROUP, str(circle_id(box)))
    assert "This group is full" in seen_text(box, EVE, "response")
    assert EVE not in statuses(box)


def test_a_request_waiting_while_the_last_seat_goes_cannot_be_accepted(box: Sandbox) -> None:
    with_people(box)
    assert open_circle(box, seats="2 members") == {}
    assert ask_to_join(box, BEN, 2) == {}
    assert ask_to_join(box, CHITRA, 2) == {}
    assert ask_to_join(box, DAN, 2) == {}
    assert accept(box, BEN) == {}
    assert accept(box, CHITRA) == {}
    errors = accept(box, DAN)
    assert "Every seat of Speakers' circle is taken (2)" in errors["Comment"]
    assert statuses(box)[DAN] == MemberStatus.REQUESTED


def test_each_member_edits_only_their_own_goals(box: Sandbox) -> None:
    with_people(box)
    assert open_circle(box) == {}
    join(box, BEN, 3)
    join(box, CHITRA, 2)
    chitra = box.user(CHITRA)
    chitra.click("Open goals", where="message")
    form = chitra.modal()
    assert form is not None
    shown = str(form)
    assert GOALS[CHITRA] in shown and GOALS[BEN] not in shown
    chitra.fill("Goal 1", "Speak without notes for ten minutes")
    assert chitra.submit().errors == {}
    _, goals = group_dm(box)
    assert "Speak without notes for ten minutes" in goals and GOALS[BEN] in goals


def test_opening_refuses_bad_input_as_field_errors(box: Sandbox) -> None:
    with_people(box)
    errors = open_circle(box, name=" ", goal=" ", starts="2026-11-01")
    assert set(errors) == {"Group name", "The group's goal", "Starts on"}
    with box.deps.sessions.begin() as session:
        assert session.scalars(select(Mentorship)).all() == []


def test_only_a_mentor_opens_a_group(box: Sandbox) -> None:
    with_people(box)
    ben = box.user(BEN)
    ben.command("group")
    ben.fill("Group name", "Ben's own circle")
    ben.fill("The group's goal", "Talk more")
    assert "Only an active mentor" in ben.submit().errors["Group name"]


def test_forged_clicks_from_outside_the_group_are_refused(box: Sandbox) -> None:
    with_people(box)
    assert open_circle(box) == {}
    assert ask_to_join(box, BEN, 3) == {}
    with box.deps.sessions.begin() as session:
        ben_member = session.scalars(select(MentorshipMember.id)).one()
    # Eve is not in the group: she can neither answer nor agree for Ben.
    send_click(box, EVE, Action.ACCEPT_MENTORSHIP, str(ben_member))
    send_click(box, EVE, Action.AGREE_MENTORSHIP, str(ben_member))
    assert seen_text(box, EVE, "response").count("isn't one you're part of") == 2
    # Ben cannot answer his own request, nor join twice, nor join a pair as if a group.
    send_click(box, BEN, Action.ACCEPT_MENTORSHIP, str(ben_member))
    send_click(box, BEN, Action.JOIN_GROUP, str(circle_id(box)))
    send_click(box, BEN, Action.JOIN_GROUP, "not-a-number")
    shown = seen_text(box, BEN, "response")
    assert "isn't one you're part of" in shown and "already asked to join" in shown
    assert "isn't open for new members" in shown
    assert statuses(box) == {BEN: MemberStatus.REQUESTED}


def test_each_member_writes_their_own_diary_after_their_session(box: Sandbox) -> None:
    """Until group sessions exist, each member plans a session with the mentor on their own;
    after it each is asked for their own diary entry, and reads only their own."""
    with_people(box)
    assert open_circle(box) == {}
    join(box, BEN, 3)
    join(box, CHITRA, 2)
    group = str(circle_id(box))
    for mentee in (BEN, CHITRA):
        send_click(box, mentee, Action.PLAN_SESSION, group)
        box.user(mentee).fill("Agenda", "Opening a talk")
        assert box.user(mentee).submit().errors == {}
        box.user(ADA).click("Approve")
    run_at(box, SESSION_START + timedelta(hours=3))
    for mentee, note in ((BEN, "Ben's notes on openings"), (CHITRA, "Chitra's notes on pauses")):
        person = box.user(mentee)
        person.click("Write the entry")
        person.fill("What did you discuss?", note)
        assert person.submit().errors == {}
    send_click(box, BEN, Action.OPEN_DIARY, group)
    diary = str(box.fake.modal(BEN))
    assert "Ben's notes on openings" in diary and "Chitra's notes" not in diary
    with box.deps.sessions.begin() as session:
        writers = session.scalars(
            select(User.slack_id)
            .join(MentorshipMember, MentorshipMember.mentee_id == User.id)
            .join(DiaryEntry, DiaryEntry.member_id == MentorshipMember.id)
        ).all()
    assert sorted(writers) == sorted([BEN, CHITRA])
