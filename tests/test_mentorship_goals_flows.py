"""Goals of a mentorship through Slack: the mentee keeps them, the mentor reads and comments,
both see them on Home and in their group DM, and `/mentor mentorships` lists the mentorships."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.blocks.goals import build_goals_message
from bot.ids import Action, Callback
from bot.sandbox import Sandbox
from bot.services.mentorship_view import view_of
from bot.simulator.driver import VERIFICATION_TOKEN, Reply
from bot.simulator.render import render_blocks, render_view
from store.models import Goal, GoalComment, Mentorship, MentorshipMember
from store.statuses import BookingStatus, GoalStatus, MemberStatus, MentorshipStatus
from tests import seed
from tests.conftest import ADA, BEN, CHITRA, START
from tests.steps import NAMES, seen_text, send_click

TALK = "Give my first conference talk"
MEETING = "Run a team meeting on my own"


def pair(box: Sandbox, *, goals: tuple[str, ...] = (TALK, MEETING)) -> int:
    """Ada mentors Ben (active, started today); their group DM shows the goals message."""
    with box.deps.sessions.begin() as session:
        ada = seed.add_mentor(session, ADA, ["python"], name="Ada Lovelace", tz=seed.NEW_YORK)
        ben = seed.add_user(session, BEN, name="Ben Martin", tz=seed.PARIS)
        mentorship_id = seed.add_mentorship(session, ada, [ben], goals=goals).id
    post_goals_message(box, mentorship_id, ADA, BEN)
    return mentorship_id


def post_goals_message(box: Sandbox, mentorship_id: int, *people: str) -> None:
    """What agreeing does: open the group DM and post the goals there, remembering where."""
    channel = box.client.conversations_open(users=",".join(people))["channel"]["id"]
    with box.deps.sessions.begin() as session:
        message = build_goals_message(view_of(session, mentorship_id))
    posted = box.client.chat_postMessage(channel=channel, **message)
    with box.deps.sessions.begin() as session:
        frame = session.get_one(Mentorship, mentorship_id)
        frame.channel_id, frame.goals_message_ts = channel, posted["ts"]


def goals_dm(box: Sandbox, mentorship_id: int) -> str:
    """The goals message in the pair's group DM, as it stands now."""
    with box.deps.sessions.begin() as session:
        frame = session.get_one(Mentorship, mentorship_id)
        channel, ts = frame.channel_id, frame.goals_message_ts
    assert channel and ts
    shown = box.fake.message(channel, ts)
    assert shown is not None
    assert len(box.fake.channel_messages(channel)) == 1  # updated in place, never reposted
    return render_blocks(shown.blocks, "UTC", NAMES)


def home(box: Sandbox, user_id: str) -> str:
    view = box.fake.home(user_id)
    assert view is not None, f"{user_id} has no Home"
    return render_view(view, "UTC", NAMES)


def stored_goals(box: Sandbox) -> list[tuple[str, str, list[tuple[str, bool]]]]:
    with box.deps.sessions.begin() as session:
        return [
            (goal.text, goal.status, [(step.text, step.done) for step in goal.steps])
            for goal in session.scalars(select(Goal).order_by(Goal.member_id, Goal.position))
        ]


def open_goals_from_home(box: Sandbox, user_id: str) -> None:
    person = box.user(user_id)
    person.open_home()
    person.click("Goals", where="home")
    assert person.modal() is not None


def submit_as(box: Sandbox, user_id: str, view: dict[str, Any], **typed: str) -> Reply:
    """Submit a goals form as `user_id` would forge it: someone else's view, and what they typed
    (by block id), through a signed request."""
    state = box.driver.view_state(view)
    for block_id, value in typed.items():
        state["values"].setdefault(block_id, {})["value"] = {
            "type": "plain_text_input",
            "value": value,
        }
    reply = box.driver.interact(
        {
            "type": "view_submission",
            "team": {"id": box.fake.team_id, "domain": "sim"},
            "user": {"id": user_id, "username": user_id, "team_id": box.fake.team_id},
            "api_app_id": box.fake.app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": box.fake.new_trigger_id(user_id),
            "view": {**view, "state": state},
            "response_urls": [],
            "is_enterprise_install": False,
        }
    )
    reply.view = view
    return reply


def test_the_mentee_edits_goals_and_both_see_them_on_home_and_in_their_dm(box: Sandbox) -> None:
    """Ben adds steps to his talk and marks the meeting reached: his Home, Ada's Home and the
    goals message of their group DM (updated in place) all say 1 of 2 reached."""
    mentorship_id = pair(box)
    assert "0 of 2 reached" in goals_dm(box, mentorship_id)
    box.user(ADA).open_home()
    assert "0 of 2 reached" in home(box, ADA)
    open_goals_from_home(box, BEN)
    ben = box.user(BEN)
    ben.fill("Steps of goal 1", "[x] Pick a topic\n[ ] Write the outline")
    ben.fill("Status of goal 1", "In progress")
    ben.fill("Status of goal 2", "Reached")
    assert ben.submit().errors == {}
    assert ben.modal() is None
    assert stored_goals(box) == [
        (TALK, GoalStatus.IN_PROGRESS, [("Pick a topic", True), ("Write the outline", False)]),
        (MEETING, GoalStatus.REACHED, []),
    ]
    dm = goals_dm(box, mentorship_id)
    assert "1 of 2 reached" in dm and "☑ Pick a topic" in dm and "☐ Write the outline" in dm
    for person in (ADA, BEN):
        shown = home(box, person)
        assert "Your mentorships" in shown and "1 of 2 reached" in shown, person
        assert "(1/2 steps)" in shown and "Next session:* none planned yet" in shown
    assert "Mentorship with @Ben Martin" in home(box, ADA)
    assert "Mentorship with @Ada Lovelace" in home(box, BEN)
    with box.deps.sessions.begin() as session:
        reached = session.scalars(select(Goal.reached_at).where(Goal.text == MEETING)).one()
    assert reached == START


def test_the_mentee_adds_removes_and_reorders_goals(box: Sandbox) -> None:
    """Ben drops the talk, adds a third goal and puts it first; the form reopens in that order."""
    pair(box)
    open_goals_from_home(box, BEN)
    ben = box.user(BEN)
    ben.fill("Goal 1", "")
    ben.fill("Goal 3", "Mentor an intern")
    ben.fill("Place of goal 3", "1")
    assert ben.submit().errors == {}
    assert [text for text, _, _ in stored_goals(box)] == ["Mentor an intern", MEETING]
    open_goals_from_home(box, BEN)
    form = ben.modal()
    assert form is not None
    texts = [b["element"].get("initial_value") for b in form["blocks"] if b["type"] == "input"
             and b["block_id"].startswith("goal_text")]  # fmt: skip
    assert texts == ["Mentor an intern", MEETING, None, None, None]


def test_the_mentor_reads_the_goals_but_cannot_change_them(box: Sandbox) -> None:
    """Ada's goals form has no inputs, only Comment; a forged save from her changes nothing."""
    mentorship_id = pair(box)
    open_goals_from_home(box, ADA)
    form = box.user(ADA).modal()
    assert form is not None and "submit" not in form
    shown = render_view(form, "UTC", NAMES)
    assert TALK in shown and shown.count("[Comment]") == 2 and "Goal 1" not in shown
    open_goals_from_home(box, BEN)
    bens_form = box.user(BEN).modal()
    assert bens_form is not None
    reply = submit_as(box, ADA, bens_form, **{"goal_text:1": "Ada's idea of a goal"})
    assert "Only the mentee changes their goals" in reply.errors["Goal 1"]
    assert [text for text, _, _ in stored_goals(box)] == [TALK, MEETING]
    with box.deps.sessions.begin() as session:
        assert session.get_one(Mentorship, mentorship_id).version == 1


def test_the_mentor_comments_and_only_the_mentee_gets_it(box: Sandbox) -> None:
    """Ada comments on the talk from the goals form; Ben gets a DM with the goal and the
    comment, and sees it under that goal in his own form."""
    pair(box)
    open_goals_from_home(box, ADA)
    ada = box.user(ADA)
    ada.click("Comment", near=TALK)
    assert list(ada.submit().errors) == ["Comment"]
    ada.fill("Comment", "Start with a lightning talk at the meetup.")
    assert ada.submit().errors == {}
    dm = seen_text(box, BEN, "dm")
    assert f"@Ada Lovelace commented on your goal *{TALK}*" in dm
    assert "lightning talk at the meetup" in dm
    assert "lightning talk" not in seen_text(box, ADA, "dm")
    box.fake.clear_modals(BEN)
    box.user(BEN).click("Goals", where="message")
    form = box.user(BEN).modal()
    assert form is not None and "lightning talk at the meetup" in render_view(form, "UTC", NAMES)


def test_the_goals_form_refuses_bad_input_and_changes_nothing(box: Sandbox) -> None:
    """No goal at all, a goal over 200 characters, nine steps, six goals: each a field error."""
    mentorship_id = pair(box)
    open_goals_from_home(box, BEN)
    ben = box.user(BEN)
    ben.fill("Goal 1", " ")
    ben.fill("Goal 2", "")
    errors = ben.submit().errors
    assert list(errors) == ["Goal 1"] and "at least one goal" in errors["Goal 1"]
    ben.fill("Goal 1", TALK)
    ben.fill("Goal 2", "x" * 201)
    ben.fill("Steps of goal 1", "\n".join(f"step {n}" for n in range(9)))
    errors = ben.submit().errors
    assert set(errors) == {"Goal 2", "Steps of goal 1"}
    assert "200 characters" in errors["Goal 2"] and "Up to 8 steps" in errors["Steps of goal 1"]
    form = ben.modal()
    assert form is not None
    six = {f"goal_text:{n}": f"Goal number {n}" for n in range(1, 7)}
    reply = submit_as(box, BEN, form, **six)
    assert "Up to 5 goals" in reply.errors["Goal 1"]
    assert [text for text, _, _ in stored_goals(box)] == [TALK, MEETING]
    with box.deps.sessions.begin() as session:
        assert session.get_one(Mentorship, mentorship_id).version == 1


def test_a_stale_form_asks_to_reopen(box: Sandbox) -> None:
    """Ben saves from a second form; the first one, opened before, is refused, not replayed."""
    pair(box)
    open_goals_from_home(box, BEN)
    old = box.user(BEN).modal()
    assert old is not None
    box.fake.clear_modals(BEN)
    open_goals_from_home(box, BEN)
    box.user(BEN).fill("Status of goal 1", "In progress")
    assert box.user(BEN).submit().errors == {}
    reply = submit_as(box, BEN, old, **{"goal_text:1": "An old idea"})
    assert "open Goals again" in reply.errors["Goal 1"]
    assert stored_goals(box)[0][:2] == (TALK, GoalStatus.IN_PROGRESS)


def test_someone_outside_the_mentorship_is_refused(box: Sandbox) -> None:
    """Chitra forges Goals and a save naming Ben's mentorship, and a comment on his goal."""
    mentorship_id = pair(box)
    send_click(box, CHITRA, Action.OPEN_GOALS, str(mentorship_id))
    assert "isn't one you're part of" in seen_text(box, CHITRA, "response")
    assert box.fake.modal(CHITRA) is None
    with box.deps.sessions.begin() as session:
        goal_id = session.scalars(select(Goal.id).where(Goal.text == TALK)).one()
    send_click(box, CHITRA, Action.COMMENT_GOAL, str(goal_id))
    send_click(box, CHITRA, Action.OPEN_GOALS, "not-a-number")
    assert seen_text(box, CHITRA, "response").count("isn't one you're part of") == 3
    open_goals_from_home(box, BEN)
    form = box.user(BEN).modal()
    assert form is not None
    reply = submit_as(box, CHITRA, form, **{"goal_text:1": "Chitra's goal"})
    assert "isn't one you're part of" in reply.errors["Goal 1"]
    comment = {**form, "callback_id": Callback.GOAL_COMMENT, "private_metadata": str(goal_id)}
    submit_as(box, CHITRA, comment, comment="Chitra says hi")
    assert [text for text, _, _ in stored_goals(box)] == [TALK, MEETING]
    with box.deps.sessions.begin() as session:
        assert session.scalars(select(GoalComment)).all() == []


def test_after_the_mentorship_ended_the_goals_button_says_so(box: Sandbox) -> None:
    """The mentorship ends; Goals in the group DM, and a form still open, are answered clearly."""
    mentorship_id = pair(box)
    open_goals_from_home(box, BEN)
    still_open = box.user(BEN).modal()
    assert still_open is not None
    box.fake.clear_modals(BEN)
    with box.deps.sessions.begin() as session:
        session.get_one(Mentorship, mentorship_id).status = MentorshipStatus.ENDED
        for member in session.scalars(select(MentorshipMember)):
            member.status = MemberStatus.ENDED
    box.user(BEN).click("Open goals", where="message")
    assert "already ended" in seen_text(box, BEN, "response")
    assert box.fake.modal(BEN) is None
    reply = submit_as(box, BEN, still_open, **{"goal_text:1": "Too late"})
    assert "already ended" in reply.errors["Goal 1"]
    assert [text for text, _, _ in stored_goals(box)] == [TALK, MEETING]


def test_mentor_mentorships_lists_live_ones_then_recently_ended(box: Sandbox) -> None:
    """Ada has Ben (active, a session next week), Chitra (agreeing: Ada still has to agree) and
    an ended one; `/mentor mentorships` lists them with the same card as Home; help names it."""
    with box.deps.sessions.begin() as session:
        ada = seed.add_mentor(session, ADA, ["python"], name="Ada Lovelace", tz=seed.NEW_YORK)
        ben = seed.add_user(session, BEN, name="Ben Martin", tz=seed.PARIS)
        chitra = seed.add_user(session, CHITRA, name="Chitra Rao", tz=seed.KOLKATA)
        seed.add_mentorship(session, ada, [ben], MemberStatus.ENDED, goals=("An old goal",))
        with_ben = seed.add_mentorship(session, ada, [ben])
        seed.add_mentorship(session, ada, [chitra], MemberStatus.AGREEING, goals=("Lead",))
        later = seed.add_session(session, ada.id, ben.id, START + timedelta(days=7))
        sooner = seed.add_session(session, ada.id, ben.id, START + timedelta(days=3))
        cancelled = seed.add_session(session, ada.id, ben.id, START + timedelta(days=1))
        cancelled.status = BookingStatus.CANCELLED
        for booking in (later, sooner, cancelled):
            booking.mentorship_id = with_ben.id
    box.user(ADA).command("mentorships")
    shown = seen_text(box, ADA, "response")
    assert (
        shown.index("Mentorship with @Chitra Rao* · agreeing")
        < shown.index("Mentorship with @Ben Martin* · active")
        < shown.index("Recently ended")
        < shown.index("An old goal")
    )
    assert "Next session:* <!date^" not in shown  # rendered for the reader
    assert "Nov 26, 2026" in shown and "Nov 30, 2026" not in shown
    assert shown.count("[I agree]") == 1 and shown.count("[Plan a session]") == 1
    assert shown.count("[Goals]") == 2
    box.user(BEN).command("mentorships")
    bens = seen_text(box, BEN, "response")
    assert "Mentorship with @Ada Lovelace* · active" in bens and "[I agree]" not in bens
    box.user(ADA).command("help")
    assert "/mentor mentorships" in seen_text(box, ADA, "ack")


def test_a_busy_mentors_home_stays_within_block_kit(box: Sandbox) -> None:
    """Ada mentors 25 mentees: Home shows five mentorships and points to the rest."""
    with box.deps.sessions.begin() as session:
        ada = seed.add_mentor(session, ADA, ["python"], name="Ada Lovelace", tz=seed.NEW_YORK)
        for n in range(25):
            mentee = seed.add_user(session, f"U0M{n:03}", name=f"Mentee {n}")
            seed.add_mentorship(session, ada, [mentee], goals=("One", "Two", "Three"))
    box.user(ADA).open_home()
    view = box.fake.home(ADA)
    assert view is not None and len(view["blocks"]) <= 100
    shown = home(box, ADA)
    assert shown.count("Mentorship with") == 5 and "and 20 more: `/mentor mentorships`" in shown
    box.user(ADA).command("mentorships")
    assert "and 10 more live mentorships" in seen_text(box, ADA, "response")
