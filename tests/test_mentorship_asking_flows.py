"""Asking for a mentorship, the mentor's answer and both agreements, through Slack."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.ids import Action
from bot.sandbox import Sandbox
from bot.services.mentorship_plans import AGREE_TTL, REQUEST_TTL
from store.models import MentorshipMember, User
from tests.conftest import ADA, BEN, CHITRA, START
from tests.seed import add_mentorship
from tests.steps import (
    active_mentorship,
    ada_with_a_morning,
    ask_mentorship,
    profile_of,
    run_at,
    seen_text,
    send_click,
    sign_up,
)

NOT_YOURS = "isn't one you're part of"


def member_statuses(box: Sandbox) -> list[str]:
    """Every mentorship member's status, oldest first."""
    with box.deps.sessions.begin() as session:
        return list(session.scalars(select(MentorshipMember.status).order_by(MentorshipMember.id)))


def member_id(box: Sandbox) -> str:
    """The id of the newest mentorship member, as a button value carries it."""
    with box.deps.sessions.begin() as session:
        return str(
            session.scalars(select(MentorshipMember.id).order_by(MentorshipMember.id)).all()[-1]
        )


def agreements(box: Sandbox) -> tuple[bool, bool]:
    """Whether the mentee and the mentor of the newest member have agreed."""
    with box.deps.sessions.begin() as session:
        member = session.scalars(select(MentorshipMember).order_by(MentorshipMember.id)).all()[-1]
        return member.mentee_agreed_at is not None, member.mentor_agreed_at is not None


def answer(box: Sandbox, verb: str, comment: str) -> dict[str, str]:
    """Ada clicks Accept or Decline on the request card and writes her comment."""
    ada = box.user(ADA)
    ada.click(verb, where="message")
    ada.fill("Comment", comment)
    return ada.submit().errors


def accepted(box: Sandbox) -> None:
    """Ben asks Ada; she accepts; neither has agreed yet."""
    ada_with_a_morning(box)
    assert ask_mentorship(box, BEN) == {}
    assert answer(box, "Accept", "Glad to help you get there.") == {}


def set_mentee_limit(box: Sandbox, mentor: str, limit: str) -> dict[str, str]:
    """The mentor edits their profile's mentee limit; the modal's field errors."""
    person = box.user(mentor)
    person.command("profile")
    person.click("Edit profile")
    person.fill("Mentees at once, at most", limit)
    person.fill("Code of conduct", True)
    return person.submit().errors


def fill_a_place(box: Sandbox, mentor: str, mentee: str) -> None:
    """Someone else becomes an active mentee of the mentor (set up in the database)."""
    profile = profile_of(box, mentor)
    assert profile is not None
    with box.deps.sessions.begin() as session:
        user = session.scalar(select(User).where(User.slack_id == mentee))
        if user is None:
            user = User(
                slack_id=mentee, real_name=mentee, tz="UTC", created_at=START, updated_at=START
            )
            session.add(user)
            session.flush()
        add_mentorship(session, session.merge(profile), [user], at=START)


def find_shows(box: Sandbox, mentee: str) -> str:
    box.user(mentee).command("find python leadership")
    return seen_text(box, mentee, "response").split("Mentors for")[-1]


# --- asking ----------------------------------------------------------------------------------


def test_ask_shows_requested_in_search(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert ask_mentorship(box, BEN) == {}
    assert "Mentorship request" in seen_text(box, ADA, "dm")
    box.user(BEN).command("find python leadership")
    assert "Mentorship *requested*" in seen_text(box, BEN, "response")


def test_goals_are_required(box: Sandbox) -> None:
    """Six goals, none, or one over 200 characters: an error on the goals field, no request."""
    ada_with_a_morning(box)
    six = "\n".join(f"goal {i}" for i in range(6))
    errors = ask_mentorship(box, BEN, goals=six)
    assert list(errors) == ["Your goals"] and "5 goals at most" in errors["Your goals"]
    box.fake.clear_modals(BEN)
    errors = ask_mentorship(box, BEN, goals=" \n - \n")
    assert list(errors) == ["Your goals"] and "at least one goal" in errors["Your goals"]
    box.fake.clear_modals(BEN)
    errors = ask_mentorship(box, BEN, goals="Speak at a meetup\n" + "x" * 201)
    assert list(errors) == ["Your goals"] and "goal 2 is longer" in errors["Your goals"]
    assert member_statuses(box) == []
    box.fake.clear_modals(BEN)
    assert ask_mentorship(box, BEN, goals="Speak at a meetup\n" + "x" * 200) == {}
    assert member_statuses(box) == ["requested"]


def test_a_second_request_to_the_same_mentor_is_refused(box: Sandbox) -> None:
    """Ben opened an ask form before his first request went out: submitting it is refused on
    the goals field, and there is still one request."""
    ada_with_a_morning(box)
    ben = box.user(BEN)
    ben.command("find python leadership")
    ben.click("Ask for a mentorship")  # the older form stays open under the next one
    assert ask_mentorship(box, BEN) == {}
    ben.fill("Your goals", "Lead a design review")
    errors = ben.submit().errors
    assert (
        list(errors) == ["Your goals"]
        and "already have a mentorship request" in errors["Your goals"]
    )
    assert member_statuses(box) == ["requested"]
    assert "[Ask for a mentorship]" not in find_shows(box, BEN)


def test_a_mentor_without_free_time_can_still_be_asked(box: Sandbox) -> None:
    """Ada has no free time: she is listed apart, and a mentorship can still be asked of her."""
    sign_up(box, ADA)
    shown = find_shows(box, BEN)
    assert "no free time in the next two weeks" in shown
    assert "[Ask for availability]" in shown and "[Ask for a mentorship]" in shown
    assert ask_mentorship(box, BEN) == {}
    assert member_statuses(box) == ["requested"]
    assert "Mentorship *requested*" in find_shows(box, BEN)


# --- the mentee limit ------------------------------------------------------------------------


def test_a_mentor_at_the_limit_is_full_and_refuses_more(box: Sandbox) -> None:
    """Ada takes one mentee and has one: search shows her full with no Ask button, and a form
    opened before she filled up is refused when sent."""
    ada_with_a_morning(box)
    assert set_mentee_limit(box, ADA, "1") == {}
    ben = box.user(BEN)
    ben.command("find python leadership")
    ben.click("Ask for a mentorship")
    fill_a_place(box, ADA, "U0DORA")
    ben.fill("Your goals", "Give my first conference talk")
    errors = ben.submit().errors
    assert list(errors) == ["Your goals"] and "full for mentorships" in errors["Your goals"]
    assert member_statuses(box) == ["active"]
    shown = find_shows(box, BEN)
    assert "*Full for mentorships*" in shown and "[Ask for a mentorship]" not in shown
    assert "[Book]" in shown  # single sessions stay bookable


def test_accepting_past_the_limit_is_refused(box: Sandbox) -> None:
    """Ben asked while Ada had room; she filled up since: her Accept is refused on its field."""
    ada_with_a_morning(box)
    assert set_mentee_limit(box, ADA, "1") == {}
    assert ask_mentorship(box, BEN) == {}
    fill_a_place(box, ADA, "U0DORA")
    errors = answer(box, "Accept", "Glad to help you get there.")
    assert list(errors) == ["Comment"] and "your limit" in errors["Comment"]
    assert member_statuses(box) == ["requested", "active"]
    assert "accepted" not in seen_text(box, BEN, "dm")


def test_the_limit_is_set_on_the_profile(box: Sandbox) -> None:
    """Sign-up offers 2; 11 and -1 are refused on the field; 0 means no mentorships, shown as
    such in search; 3 opens them again."""
    ada_with_a_morning(box)
    profile = profile_of(box, ADA)
    assert profile is not None and profile.mentee_limit == 2
    for wrong in ("11", "-1", ""):
        errors = set_mentee_limit(box, ADA, wrong)
        assert list(errors) == ["Mentees at once, at most"], wrong
        assert "from 0 (none) to 10" in errors["Mentees at once, at most"]
        box.fake.clear_modals(ADA)
    assert set_mentee_limit(box, ADA, "0") == {}
    assert "*Mentorships:* not taking mentees right now" in seen_text(box, ADA, "dm")
    shown = find_shows(box, BEN)
    assert "Not taking mentorships right now" in shown
    assert "[Ask for a mentorship]" not in shown and "[Book]" in shown
    assert set_mentee_limit(box, ADA, "3") == {}
    profile = profile_of(box, ADA)
    assert profile is not None and profile.mentee_limit == 3
    box.user(ADA).command("profile")
    assert "*Mentorships:* up to 3 mentees at once" in seen_text(box, ADA, "ack")
    assert "[Ask for a mentorship]" in find_shows(box, BEN)


def test_a_mentor_taking_none_refuses_an_open_form(box: Sandbox) -> None:
    """Ben's form was opened before Ada set her limit to 0: sending it is refused."""
    ada_with_a_morning(box)
    ben = box.user(BEN)
    ben.command("find python leadership")
    ben.click("Ask for a mentorship")
    assert set_mentee_limit(box, ADA, "0") == {}
    ben.fill("Your goals", "Give my first conference talk")
    errors = ben.submit().errors
    assert "isn't taking mentorships" in errors["Your goals"]
    assert member_statuses(box) == []


# --- answering -------------------------------------------------------------------------------


def test_accept_needs_a_comment_which_ben_receives(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert ask_mentorship(box, BEN) == {}
    errors = answer(box, "Accept", "ok")
    assert list(errors) == ["Comment"] and "at least 5" in errors["Comment"]
    assert member_statuses(box) == ["requested"]
    box.user(ADA).fill("Comment", "Glad to help you get there.")
    assert box.user(ADA).submit().errors == {}
    assert member_statuses(box) == ["agreeing"]
    told = seen_text(box, BEN, "dm")
    assert "*accepted* your mentorship request" in told and "Glad to help you get there." in told
    assert "Accepted" in seen_text(box, ADA, "update")


def test_decline_needs_a_comment_which_ben_receives(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert ask_mentorship(box, BEN) == {}
    assert list(answer(box, "Decline", "   ")) == ["Comment"]
    box.user(ADA).fill("Comment", "I'm full this quarter; Grace mentors talks.")
    assert box.user(ADA).submit().errors == {}
    assert member_statuses(box) == ["declined"]
    told = seen_text(box, BEN, "dm")
    assert "*declined* your mentorship request" in told and "Grace mentors talks" in told
    assert "Declined" in seen_text(box, ADA, "update")
    assert "[Ask for a mentorship]" in find_shows(box, BEN)  # he may ask again


def test_withdraw_then_a_stale_accept(box: Sandbox) -> None:
    """Ben withdraws while Ada has the Accept form open: her submit and a later click are both
    answered clearly, and the request stays withdrawn."""
    ada_with_a_morning(box)
    assert ask_mentorship(box, BEN) == {}
    ada = box.user(ADA)
    ada.click("Accept", where="message")
    box.user(BEN).click("Withdraw")
    assert "You withdrew your mentorship request" in seen_text(box, BEN, "response")
    assert "*Withdrawn* by the mentee" in seen_text(box, ADA, "update")
    ada.fill("Comment", "Glad to help you get there.")
    errors = ada.submit().errors
    assert "was withdrawn, so nothing was changed" in errors["Comment"]
    box.fake.clear_modals(ADA)
    send_click(box, ADA, Action.ACCEPT_MENTORSHIP, member_id(box))
    assert "was withdrawn, so nothing was changed" in seen_text(box, ADA, "response")
    assert box.fake.modal(ADA) is None
    assert member_statuses(box) == ["withdrawn"]
    assert "accepted" not in seen_text(box, BEN, "dm")


# --- expiry, with the clock moved ------------------------------------------------------------


def test_an_unanswered_request_is_nudged_then_expires(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert ask_mentorship(box, BEN) == {}
    run_at(box, START + REQUEST_TTL - timedelta(days=1, minutes=-1))
    assert "expires tomorrow" in seen_text(box, ADA, "dm")
    assert member_statuses(box) == ["requested"]
    assert "expired" not in seen_text(box, BEN, "dm")
    run_at(box, START + REQUEST_TTL + timedelta(minutes=1))
    run_at(box, START + REQUEST_TTL + timedelta(hours=1))  # a second pass sends nothing more
    assert member_statuses(box) == ["expired"]
    assert seen_text(box, BEN, "dm").count("didn't answer your mentorship request in time") == 1
    assert "*Expired*: it was not answered in time" in seen_text(box, ADA, "update")
    assert "[Ask for a mentorship]" in find_shows(box, BEN)


def test_an_answered_request_is_neither_nudged_nor_expired(box: Sandbox) -> None:
    accepted(box)
    run_at(box, START + REQUEST_TTL - timedelta(days=1, minutes=-1))
    assert "expires tomorrow" not in seen_text(box, ADA, "dm")
    box.user(ADA).click("I agree")
    box.user(BEN).click("I agree")
    run_at(box, START + REQUEST_TTL + AGREE_TTL + timedelta(minutes=1))
    assert member_statuses(box) == ["active"]
    assert "expired" not in seen_text(box, BEN, "dm")


def test_an_agreement_only_one_side_gave_expires_for_both(box: Sandbox) -> None:
    accepted(box)
    box.user(ADA).click("I agree")
    run_at(box, START + AGREE_TTL + timedelta(minutes=1))
    assert member_statuses(box) == ["expired"]
    for person in (ADA, BEN):
        assert "was not agreed by both in time" in seen_text(box, person, "dm")
    box.user(BEN).click("I agree")
    assert "has expired, so nothing was changed" in seen_text(box, BEN, "response")
    assert agreements(box) == (False, True)
    assert member_statuses(box) == ["expired"]


# --- agreeing twice and forged clicks --------------------------------------------------------


def test_agreeing_twice_gets_a_private_answer(box: Sandbox) -> None:
    accepted(box)
    box.user(ADA).click("I agree")
    told = seen_text(box, BEN, "dm")
    send_click(box, ADA, Action.AGREE_MENTORSHIP, member_id(box))
    assert "You have already agreed" in seen_text(box, ADA, "response")
    assert seen_text(box, BEN, "dm") == told  # Ben hears of Ada's agreement once
    assert agreements(box) == (False, True) and member_statuses(box) == ["agreeing"]
    box.user(BEN).click("I agree")
    send_click(box, BEN, Action.AGREE_MENTORSHIP, member_id(box))
    assert "is already active" in seen_text(box, BEN, "response")
    assert member_statuses(box) == ["active"]


def test_forged_clicks_change_nothing(box: Sandbox) -> None:
    """Chitra forges every button of Ben's request with its real id; Ben forges his mentor's
    Accept and Ada his Withdraw: each refused privately, nothing changed."""
    ada_with_a_morning(box)
    assert ask_mentorship(box, BEN) == {}
    member = member_id(box)
    for action in (
        Action.ACCEPT_MENTORSHIP,
        Action.DECLINE_MENTORSHIP,
        Action.WITHDRAW_MENTORSHIP,
        Action.AGREE_MENTORSHIP,
    ):
        send_click(box, CHITRA, action, member)
    assert seen_text(box, CHITRA, "response").count(NOT_YOURS) == 4
    assert box.fake.modal(CHITRA) is None
    send_click(box, BEN, Action.ACCEPT_MENTORSHIP, member)
    send_click(box, ADA, Action.WITHDRAW_MENTORSHIP, member)
    assert NOT_YOURS in seen_text(box, BEN, "response")
    assert NOT_YOURS in seen_text(box, ADA, "response")
    assert box.fake.modal(BEN) is None
    assert member_statuses(box) == ["requested"]
    assert answer(box, "Accept", "Glad to help you get there.") == {}
    send_click(box, CHITRA, Action.AGREE_MENTORSHIP, member)
    send_click(box, CHITRA, Action.ACCEPT_MENTORSHIP, "not-a-number")
    assert seen_text(box, CHITRA, "response").count(NOT_YOURS) == 6
    assert agreements(box) == (False, False) and member_statuses(box) == ["agreeing"]


def test_both_agree_and_meet_in_a_group_dm(box: Sandbox) -> None:
    active_mentorship(box)
    for person in (ADA, BEN):
        shown = seen_text(box, person, "group")
        assert "Goals ·" in shown and "Plan your first session" in shown
