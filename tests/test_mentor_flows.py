"""Mentors through Slack: sign-up, edits, approval, pause and leave, as people would do them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.sandbox import Sandbox, sandbox
from bot.simulator.render import render_blocks, render_view
from store.models import Skill
from tests.conftest import ADA, BEN, CHITRA, START, make_fake_slack
from tests.steps import profile_of, sign_up

COORDINATION = "C0COORD"


def last_text(box: Sandbox, user_id: str, kind: str | None = None, tz: str = "UTC") -> str:
    seen = [s for s in box.fake.seen_by(user_id) if kind is None or s.kind == kind]
    assert seen, f"{user_id} saw nothing of kind {kind}"
    return render_blocks(seen[-1].blocks, tz) or seen[-1].text


def test_sign_up_makes_an_active_mentor(box: Sandbox) -> None:
    """Ada signs up: the modal shows her Slack time zone, she's active, skills are normalised."""
    ada = box.user(ADA)
    ada.command("signup")
    modal = box.fake.modal(ADA)
    assert modal is not None
    shown = render_view(modal, "America/New_York")
    assert "Become a mentor" in shown and "America/New_York" in shown
    assert "Confidentiality" in shown and "camera on" in shown
    ada.fill("Skills you can mentor in", "python, Leadership, k8s, PYTHON ")
    ada.fill("Short bio", "Staff engineer; I love helping people grow into leads.")
    ada.fill("Meeting link", "https://meet.example.com/ada")
    ada.fill("Code of conduct", True)
    reply = ada.submit()
    assert reply.errors == {}
    assert box.fake.modal(ADA) is None
    assert "You're a mentor now!" in last_text(box, ADA, "dm")
    mentor = profile_of(box, ADA)
    assert mentor is not None and mentor.status == "active"
    assert (mentor.session_minutes, mentor.weekly_capacity) == (30, 2)
    with box.deps.sessions.begin() as session:
        assert sorted(session.scalars(select(Skill.name))) == ["Kubernetes", "Leadership", "Python"]
    home = box.fake.home(ADA)
    assert home is not None and "Your mentoring" in render_view(home, "America/New_York")


def test_each_bad_field_gets_its_own_error(box: Sandbox) -> None:
    """Empty skills, a short bio, a bad link and no code of conduct: four errors, nothing saved."""
    ada = box.user(ADA)
    ada.command("signup")
    ada.fill("Short bio", "Hi")
    ada.fill("Meeting link", "not a link")
    reply = ada.submit()
    assert set(reply.errors) == {
        "Skills you can mentor in",
        "Short bio",
        "Meeting link",
        "Code of conduct",
    }
    assert "at least 20 characters" in reply.errors["Short bio"]
    assert box.fake.modal(ADA) is not None  # still open, so nothing typed is lost
    assert profile_of(box, ADA) is None


def test_overlong_skill_and_bio_are_refused(box: Sandbox) -> None:
    """A 41-character skill and a 601-character bio are refused on their own fields."""
    ada = box.user(ADA)
    ada.command("signup")
    ada.fill("Skills you can mentor in", "x" * 41)
    ada.fill("Short bio", "b" * 601)
    ada.fill("Meeting link", "https://meet.example.com/ada")
    ada.fill("Code of conduct", True)
    reply = ada.submit()
    assert set(reply.errors) == {"Skills you can mentor in", "Short bio"}
    assert profile_of(box, ADA) is None


def test_editing_reopens_the_form_prefilled(box: Sandbox) -> None:
    """Ada opens her profile, clicks Edit, sees her answers, changes her bio; the version grows."""
    sign_up(box, ADA)
    ada = box.user(ADA)
    ada.command("profile")
    assert "Your mentor profile" in last_text(box, ADA, "ack")
    ada.click("Edit profile")
    modal = box.fake.modal(ADA)
    assert modal is not None
    shown = render_view(modal, "UTC")
    assert "Edit your profile" in shown
    assert "https://meet.example.com/ada" in shown
    ada.fill("Short bio", "Staff engineer and mentor of new team leads since 2019.")
    ada.fill("Code of conduct", True)
    assert ada.submit().errors == {}
    mentor = profile_of(box, ADA)
    assert mentor is not None
    assert mentor.bio.startswith("Staff engineer and mentor")
    assert mentor.version == 2
    assert "Your mentor profile is updated." in last_text(box, ADA, "dm")


def test_synonyms_and_case_make_one_skill(box: Sandbox) -> None:
    """Chitra types "PYTHON , js" after Ada's "python": one Python, and js becomes JavaScript."""
    sign_up(box, ADA, skills="python")
    sign_up(box, CHITRA, skills="PYTHON , js")
    with box.deps.sessions.begin() as session:
        assert sorted(session.scalars(select(Skill.name))) == ["JavaScript", "Python"]


def test_pause_and_resume(box: Sandbox) -> None:
    """Ada pauses (hidden from search), pausing twice is explained, then she resumes."""
    sign_up(box, ADA)
    ada = box.user(ADA)
    ada.command("pause")
    assert profile_of(box, ADA).status == "paused"  # type: ignore[union-attr]
    ada.command("pause")
    assert "already paused" in last_text(box, ADA, "response")
    home = box.fake.home(ADA)
    assert home is not None and "[Resume]" in render_view(home, "UTC")
    ada.click("Resume", where="home")
    assert profile_of(box, ADA).status == "active"  # type: ignore[union-attr]


def test_non_mentor_pause_is_explained(box: Sandbox) -> None:
    """Ben is no mentor; /mentor pause tells him how to become one and changes nothing."""
    box.user(BEN).command("pause")
    assert "/mentor signup" in last_text(box, BEN, "response")
    assert profile_of(box, BEN) is None


def test_leaving_hides_and_signing_up_again_returns(box: Sandbox) -> None:
    """Ada leaves from her profile; later she signs up again with a fresh form and is active."""
    sign_up(box, ADA)
    ada = box.user(ADA)
    ada.command("profile")
    ada.click("Leave the program")
    assert profile_of(box, ADA).status == "left"  # type: ignore[union-attr]
    sign_up(box, ADA)
    assert profile_of(box, ADA).status == "active"  # type: ignore[union-attr]


@pytest.fixture
def coordinated(database_url: str) -> Iterator[Sandbox]:
    """A program where a coordinator (Chitra) approves each new mentor in #coordination."""
    env = {
        "MENTOR_APPROVAL": "coordinator",
        "COORDINATOR_CHANNEL": COORDINATION,
        "COORDINATOR_USER_IDS": CHITRA,
    }
    with sandbox(database_url, now=START, env=env, fake=make_fake_slack()) as running:
        yield running
        assert running.fake.problems == []


def card(box: Sandbox) -> str:
    messages = box.fake.channel_messages(COORDINATION)
    assert messages, "nothing was posted to the coordinators' channel"
    names = {u: box.fake.user(u).real_name for u in (ADA, BEN, CHITRA)}
    return render_blocks(messages[-1].blocks, "UTC", names)


def test_coordinator_approves_a_new_mentor(coordinated: Sandbox) -> None:
    """Ada waits; Ben cannot approve; Chitra approves; the card updates and Ada is told."""
    box = coordinated
    sign_up(box, ADA)
    assert "A coordinator will review" in last_text(box, ADA, "dm")
    assert profile_of(box, ADA).status == "pending"  # type: ignore[union-attr]
    assert "[Approve]" in card(box)

    box.user(BEN).click("Approve", where="message")
    assert "Only the program's coordinators" in last_text(box, BEN, "response")
    assert profile_of(box, ADA).status == "pending"  # type: ignore[union-attr]

    box.user(CHITRA).click("Approve", where="message")
    assert "Approved by @Chitra Rao" in card(box)
    assert "[Approve]" not in card(box)  # updated in place: it cannot be clicked twice
    assert "approved your mentor profile" in last_text(box, ADA, "dm")
    assert profile_of(box, ADA).status == "active"  # type: ignore[union-attr]


def test_a_stale_card_cannot_approve_a_changed_profile(coordinated: Sandbox) -> None:
    """Ada edits her pending profile; Chitra's click on the old card changes nothing."""
    box = coordinated
    sign_up(box, ADA)
    sign_up(box, ADA, bio="Changed my mind: I mentor on Rust and systems programming.")
    assert len(box.fake.channel_messages(COORDINATION)) == 2  # a fresh card for the new version
    chitra = box.user(CHITRA)
    chitra.click("Approve", near="I love helping people", where="message")
    assert "changed after this message" in last_text(box, CHITRA, "response")
    assert profile_of(box, ADA).status == "pending"  # type: ignore[union-attr]
    chitra.click("Approve", near="Rust and systems", where="message")
    assert profile_of(box, ADA).status == "active"  # type: ignore[union-attr]


def test_rejection_needs_a_reason_that_the_mentor_receives(coordinated: Sandbox) -> None:
    """Chitra rejects: an empty reason is refused in the modal; the reason reaches Ada."""
    box = coordinated
    sign_up(box, ADA)
    chitra = box.user(CHITRA)
    chitra.click("Reject", where="message")
    assert chitra.submit().errors == {
        "Reason": "Tell the mentor why, so they can improve and reapply."
    }
    chitra.fill("Reason", "We need mentors for backend topics this quarter.")
    assert chitra.submit().errors == {}
    assert "Rejected by @Chitra Rao" in card(box)
    assert "backend topics" in last_text(box, ADA, "dm")
    mentor = profile_of(box, ADA)
    assert mentor is not None and mentor.status == "rejected"
    box.user(ADA).command("profile")
    assert "backend topics" in last_text(box, ADA, "ack")


def test_non_coordinator_cannot_open_the_reject_form(coordinated: Sandbox) -> None:
    """Ben clicks Reject: he is told politely, no modal opens, Ada stays pending."""
    box = coordinated
    sign_up(box, ADA)
    box.user(BEN).click("Reject", where="message")
    assert box.fake.modal(BEN) is None
    assert "Only the program's coordinators" in last_text(box, BEN, "response")
    assert profile_of(box, ADA).status == "pending"  # type: ignore[union-attr]


def open_edit_form(box: Sandbox, user_id: str) -> dict:
    """The person opens their profile and clicks Edit: the form pre-filled, as it stands now."""
    person = box.user(user_id)
    person.command("profile")
    person.click("Edit profile")
    view = box.fake.modal(user_id)
    assert view is not None and "Edit your profile" in render_view(view, "UTC")
    return view


def submit_view(box: Sandbox, user_id: str, view: dict, **typed: str) -> dict[str, str]:
    """Submit `view` (one of the person's forms, open in any of their Slack clients) with a new
    bio and the code of conduct ticked; the field errors by block id."""
    values = box.driver.view_state(view)["values"]
    values["bio"] = {"value": {"type": "plain_text_input", "value": typed.get("bio", "")}}
    values["coc"] = {"value": {"type": "checkboxes", "selected_options": [{"value": "agree"}]}}
    payload = {
        "type": "view_submission",
        "team": {"id": box.fake.team_id},
        "user": {"id": user_id, "team_id": box.fake.team_id},
        "api_app_id": box.fake.app_id,
        "trigger_id": box.fake.new_trigger_id(user_id),
        "view": {**view, "state": {"values": values}},
    }
    reply = box.driver.interact(payload)
    if not reply.json or reply.json.get("response_action") != "errors":
        return {}
    return dict(reply.json["errors"])


def test_an_edit_form_opened_before_a_rejection_is_refused(coordinated: Sandbox) -> None:
    """Ada opens her pending profile's form; Chitra rejects her meanwhile. Saving the form says
    so in the form, and neither hides the rejection nor sends a new approval card."""
    box = coordinated
    sign_up(box, ADA)
    form = open_edit_form(box, ADA)
    chitra = box.user(CHITRA)
    chitra.click("Reject", where="message")
    chitra.fill("Reason", "We need mentors for backend topics this quarter.")
    assert chitra.submit().errors == {}
    cards = len(box.fake.channel_messages(COORDINATION))
    errors = submit_view(box, ADA, form, bio="Staff engineer and mentor of new team leads.")
    assert errors == {
        "new_skills": "A coordinator declined your profile while this form was open. Close it "
        "and type `/mentor profile` to read their note, then edit and sign up again."
    }
    mentor = profile_of(box, ADA)
    assert mentor is not None and mentor.status == "rejected"
    assert mentor.rejection_reason == "We need mentors for backend topics this quarter."
    assert len(box.fake.channel_messages(COORDINATION)) == cards


def test_an_edit_form_after_leaving_is_refused(box: Sandbox) -> None:
    """Ada opens her profile's form, then leaves from her profile: the form cannot bring her
    back unnoticed; it tells her how to sign up again."""
    sign_up(box, ADA)
    form = open_edit_form(box, ADA)
    box.user(ADA).click("Leave the program")
    errors = submit_view(box, ADA, form, bio="Staff engineer and mentor of new team leads.")
    assert "You left the program after opening this form" in errors["new_skills"]
    assert profile_of(box, ADA).status == "left"  # type: ignore[union-attr]


def test_two_open_edit_forms_cannot_overwrite_each_other(box: Sandbox) -> None:
    """Ada has her form open on her laptop and her phone; she saves the phone's; the laptop's
    older form is refused rather than silently undoing the phone's edit."""
    sign_up(box, ADA)
    laptop = open_edit_form(box, ADA)
    box.fake.clear_modals(ADA)
    phone = open_edit_form(box, ADA)
    assert submit_view(box, ADA, phone, bio="Phone edit: I mentor new team leads.") == {}
    errors = submit_view(box, ADA, laptop, bio="Laptop edit: staff engineer, Python.")
    assert "changed in another window" in errors["new_skills"]
    assert profile_of(box, ADA).bio == "Phone edit: I mentor new team leads."  # type: ignore[union-attr]


def test_pausing_while_the_edit_form_is_open_still_saves(box: Sandbox) -> None:
    """A pause changes nothing the form edits: the edit is saved and Ada stays paused."""
    sign_up(box, ADA)
    form = open_edit_form(box, ADA)
    box.user(ADA).command("pause")
    assert submit_view(box, ADA, form, bio="Staff engineer and mentor of new team leads.") == {}
    mentor = profile_of(box, ADA)
    assert mentor is not None and mentor.status == "paused"
    assert mentor.bio == "Staff engineer and mentor of new team leads."
