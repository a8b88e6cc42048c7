"""Mentors through Slack: sign-up, edits, approval, pause and leave, as people would do them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.runtime import eligibility_warning
from bot.sandbox import Sandbox, sandbox
from bot.simulator.render import render_blocks, render_view
from store.models import MentorProfile, MentorSkill, Skill, User
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
    ada.fill("Skills you can mentor in", "python 5, Leadership 3, k8s: 4, PYTHON 2")
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
    ada.fill("Skills you can mentor in", "x" * 41 + " 4")
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


# --- levels, preferences and who may mentor (issue 15) ------------------------------------------


def levels_of(box: Sandbox, slack_id: str) -> dict[str, int]:
    with box.deps.sessions.begin() as session:
        rows = session.execute(
            select(Skill.name, MentorSkill.level)
            .join(MentorSkill, MentorSkill.skill_id == Skill.id)
            .join(MentorProfile, MentorProfile.id == MentorSkill.mentor_id)
            .join(User, User.id == MentorProfile.user_id)
            .where(User.slack_id == slack_id)
        )
        return {name: level for name, level in rows}


def test_each_skill_gets_a_level_shown_by_name(box: Sandbox) -> None:
    """Ada types a level after each skill; her profile and Home show them by name, the form
    explains the scale, and the first mention of a skill wins."""
    ada = box.user(ADA)
    ada.command("signup")
    shown = render_view(box.fake.modal(ADA), "UTC")  # type: ignore[arg-type]
    assert "5 Ensure and advise" in shown and "Trusted adviser" in shown
    ada.fill("Skills you can mentor in", "python 5, Leadership 3, k8s: 4, PYTHON 2")
    ada.fill("Short bio", "Staff engineer; I love helping people grow into leads.")
    ada.fill("Meeting link", "https://meet.example.com/ada")
    ada.fill("Code of conduct", True)
    assert ada.submit().errors == {}
    assert levels_of(box, ADA) == {"Python": 5, "Leadership": 3, "Kubernetes": 4}
    ada.command("profile")
    profile = last_text(box, ADA, "ack")
    assert "Python · 5 Ensure and advise" in profile and "Leadership · 3 Apply" in profile
    home = render_view(box.fake.home(ADA), "UTC")  # type: ignore[arg-type]
    assert "Kubernetes · 4 Enable" in home
    assert "Please check your skill levels" not in home
    ada.click("Edit profile")
    edit = box.fake.modal(ADA)
    assert edit is not None and "Kubernetes 4, Leadership 3, Python 5" in render_view(edit, "UTC")


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Python 9", "levels go from 1 (Follow) to 7"),
        ("Python 0, Go 3", "levels go from 1 (Follow) to 7"),
        ("Python 5, Leadership", "“Leadership” has none"),
        ("Python -2", "levels go from 1"),
    ],
)
def test_a_missing_or_out_of_range_level_is_a_field_error(
    box: Sandbox, typed: str, says: str
) -> None:
    """A level outside 1-7, or none, is refused on the skills field and nothing is saved."""
    ada = box.user(ADA)
    ada.command("signup")
    ada.fill("Skills you can mentor in", typed)
    ada.fill("Short bio", "Staff engineer; I love helping people grow into leads.")
    ada.fill("Meeting link", "https://meet.example.com/ada")
    ada.fill("Code of conduct", True)
    reply = ada.submit()
    assert set(reply.errors) == {"Skills you can mentor in"}
    assert says in reply.errors["Skills you can mentor in"]
    assert profile_of(box, ADA) is None
    with box.deps.sessions.begin() as session:
        assert list(session.scalars(select(Skill.name))) == []


def test_a_migrated_profile_is_asked_once_to_confirm_its_levels(box: Sandbox) -> None:
    """Ada's levels came from the old scale: Home asks her to check them; "Confirm my levels"
    opens her profile with them filled in; saving confirms, and the banner is gone."""
    sign_up(box, ADA, skills="python 6, Leadership 2")
    with box.deps.sessions.begin() as session:
        mentor = session.scalar(select(MentorProfile).join(User).where(User.slack_id == ADA))
        assert mentor is not None and mentor.levels_confirmed_at is not None
        mentor.levels_confirmed_at = None
    box.user(ADA).open_home()
    home = render_view(box.fake.home(ADA), "UTC")  # type: ignore[arg-type]
    assert "Please check your skill levels" in home and "Python · 6 Initiate" in home
    ada = box.user(ADA)
    ada.click("Confirm my levels")
    modal = box.fake.modal(ADA)
    assert modal is not None and "Leadership 2, Python 6" in render_view(modal, "UTC")
    ada.fill("Skills you can mentor in", "Leadership 3, Python 6")
    ada.fill("Code of conduct", True)
    assert ada.submit().errors == {}
    assert levels_of(box, ADA) == {"Leadership": 3, "Python": 6}
    assert profile_of(box, ADA).levels_confirmed_at == START  # type: ignore[union-attr]
    home = render_view(box.fake.home(ADA), "UTC")  # type: ignore[arg-type]
    assert "Please check your skill levels" not in home


def test_mentor_preferences_are_saved_and_shown(box: Sandbox) -> None:
    """Ada likes career and leadership help, in English and German: saved as codes, shown by
    name on her profile, and pre-filled when she edits."""
    ada = box.user(ADA)
    ada.command("signup")
    ada.fill("Skills you can mentor in", "Python 5")
    ada.fill("What you like to help with", ["Career", "Leadership"])
    ada.fill("Languages you mentor in", ["German", "English"])
    ada.fill("Short bio", "Staff engineer; I love helping people grow into leads.")
    ada.fill("Meeting link", "https://meet.example.com/ada")
    ada.fill("Code of conduct", True)
    assert ada.submit().errors == {}
    mentor = profile_of(box, ADA)
    assert mentor is not None
    assert (mentor.help_kinds, sorted(mentor.languages)) == (["career", "leadership"], ["de", "en"])
    ada.command("profile")
    profile = last_text(box, ADA, "ack")
    assert "Likes to help with:* Career, Leadership" in profile or (
        "Likes to help with: Career, Leadership" in profile
    )
    assert "German" in profile and "English" in profile
    ada.click("Edit profile")
    assert "German" in render_view(box.fake.modal(ADA), "UTC")  # type: ignore[arg-type]


def test_a_near_miss_suggests_the_catalogue_skill(box: Sandbox) -> None:
    """Ada offers Kubernetes; Chitra types "Kubernets": "Did you mean Kubernetes?", nothing
    saved; she fixes it, or marks a really new skill with "!"."""
    sign_up(box, ADA, skills="Kubernetes 5")
    chitra = box.user(CHITRA)
    chitra.command("signup")
    chitra.fill("Skills you can mentor in", "Kubernets 4")
    chitra.fill("Short bio", "Platform engineer; I like untangling clusters with people.")
    chitra.fill("Meeting link", "https://meet.example.com/chitra")
    chitra.fill("Code of conduct", True)
    reply = chitra.submit()
    assert "Did you mean Kubernetes?" in reply.errors["Skills you can mentor in"]
    assert profile_of(box, CHITRA) is None
    chitra.fill("Skills you can mentor in", "Kubernetes 4")
    assert chitra.submit().errors == {}
    assert levels_of(box, CHITRA) == {"Kubernetes": 4}
    sign_up(box, BEN, skills="Kubernets! 3")
    assert levels_of(box, BEN) == {"Kubernets": 3}


@pytest.fixture
def ruled(database_url: str) -> Iterator[Sandbox]:
    """Mentors need a skill at level 4 or above among Python and the Cloud group; Chitra
    approves each sign-up."""
    env = {
        "MENTOR_APPROVAL": "coordinator",
        "COORDINATOR_CHANNEL": COORDINATION,
        "COORDINATOR_USER_IDS": CHITRA,
        "MENTOR_MIN_LEVEL": "4",
        "MENTOR_ELIGIBILITY_SKILLS": "Python, Cloud",
    }
    with sandbox(database_url, now=START, env=env, fake=make_fake_slack()) as running:
        yield running
        assert running.fake.problems == []


def try_sign_up(box: Sandbox, user_id: str, skills: str) -> dict[str, str]:
    person = box.user(user_id)
    person.command("signup")
    person.fill("Skills you can mentor in", skills)
    person.fill("Short bio", "Engineer; I like helping colleagues learn what I know.")
    person.fill("Meeting link", "https://meet.example.com/someone")
    person.fill("Code of conduct", True)
    return person.submit().errors


def test_sign_up_must_meet_the_eligibility_rule(ruled: Sandbox) -> None:
    """Home explains the rule; Ben's Python 3 and Leadership 6 do not qualify (said on the
    field, nothing saved); Ada's Python 5 does, and the coordinator's card shows the levels."""
    box = ruled
    box.user(BEN).open_home()
    home = render_view(box.fake.home(BEN), "UTC")  # type: ignore[arg-type]
    assert "at least one skill in Python or Cloud at level *4 Enable* or above" in home or (
        "at least one skill in Python or Cloud at level 4 Enable or above" in home
    )
    errors = try_sign_up(box, BEN, "Python 3, Leadership 6")
    assert errors["Skills you can mentor in"] == (
        "Mentors here need at least one skill in Python or Cloud at level 4 or above. "
        "Your highest there is Python 3."
    )
    assert profile_of(box, BEN) is None
    refused = try_sign_up(box, BEN, "Leadership 6")["Skills you can mentor in"]
    assert "None of your skills is one of those yet" in refused
    assert profile_of(box, BEN) is None
    assert try_sign_up(box, ADA, "Python 5, Leadership 2") == {}
    shown = card(box)
    assert "Python · 5 Ensure and advise" in shown and "Leadership · 2 Assist" in shown
    assert "levels are as the mentor claims them" in shown
    # While pending, an edit below the rule is refused too; once approved, Ada keeps her place.
    assert try_sign_up(box, ADA, "Python 2") != {}
    # A mentor already in keeps their place when editing below the rule.
    box.user(CHITRA).click("Approve", where="message")
    assert try_sign_up(box, ADA, "Python 3") == {}
    assert levels_of(box, ADA) == {"Python": 3}


def test_a_group_in_the_rule_counts_its_skills(ruled: Sandbox) -> None:
    """Chitra puts Kubernetes in the Cloud group: Ben's Kubernetes 5 now qualifies him."""
    box = ruled
    sign_up(box, ADA, skills="Python 5, Kubernetes 2")
    assert try_sign_up(box, BEN, "Kubernetes 5") != {}
    box.user(CHITRA).command("admin skills group Kubernetes in Cloud")
    assert try_sign_up(box, BEN, "Kubernetes 5") == {}


def test_unknown_eligibility_names_give_one_line_at_start_up(ruled: Sandbox) -> None:
    """Before anyone offers Python and before a Cloud group exists, start-up says so once."""
    warning = eligibility_warning(ruled.deps)
    assert warning is not None and "\n" not in warning
    assert "“Python”, “Cloud”" in warning
    sign_up(ruled, ADA, skills="Python 5")
    ruled.user(CHITRA).command("admin skills group Python in Cloud")
    assert eligibility_warning(ruled.deps) is None


def test_no_rule_no_explanation(box: Sandbox) -> None:
    """A programme that sets nothing: anyone may sign up with any level, Home says no rule."""
    box.user(BEN).open_home()
    assert "To mentor here" not in render_view(box.fake.home(BEN), "UTC")  # type: ignore[arg-type]
    sign_up(box, BEN, skills="Python 1")
    assert profile_of(box, BEN) is not None
