"""Matching on skill gaps through Slack (issue 15): gaps saved in the interests modal, a bare
find that matches them with an explained score, levels typed in find, mentors full this week
below those with free time, and a mentee's preferences filtering and boosting the ranking."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.ids import Action, BlockId
from bot.sandbox import Sandbox
from store.models import MentorProfile, SearchMiss, User, UserInterest
from tests import seed
from tests.conftest import ADA, BEN, CHITRA, DAN
from tests.steps import TOMORROW, ada_with_a_morning, add_once, seen_text, sign_up
from tests.steps import shown as shown_to


def save_gaps(box: Sandbox, skills: str, levels: dict[str, str], **first: str | bool) -> dict:
    """Ben fills the interests modal: skills (and preferences), then each skill's levels."""
    ben = box.user(BEN)
    ben.command("interests")
    ben.fill("Skills you want to learn", skills)
    for label, value in first.items():
        ben.fill(label, value)
    reply = ben.submit()
    assert reply.errors == {}, reply.errors
    for label, value in levels.items():
        ben.fill(label, value)
    return ben.submit().errors


def gaps_of(box: Sandbox, slack_id: str) -> list[tuple[int | None, int | None]]:
    with box.deps.sessions.begin() as session:
        rows = session.execute(
            select(UserInterest.current_level, UserInterest.target_level)
            .join(User, User.id == UserInterest.user_id)
            .where(User.slack_id == slack_id)
            .order_by(UserInterest.skill_id)
        )
        return [(row[0], row[1]) for row in rows]


def test_gaps_saved_in_the_modal_find_ada_with_an_explained_score(box: Sandbox) -> None:
    """Ben is at Python 2 aiming for 4 and wants Leadership 5; Ada (both at 4) covers Python
    in full and Leadership one level below: 75%, explained on her result."""
    ada_with_a_morning(box)
    errors = save_gaps(
        box,
        "python, leadership",
        {
            "Python: where you are now": "2 Assist",
            "Python: your target": "4 Enable",
            "Leadership: your target": "5 Ensure and advise",
        },
    )
    assert errors == {}
    assert gaps_of(box, BEN) == [(2, 4), (None, 5)]
    box.user(BEN).command("find")
    shown = seen_text(box, BEN, "response")
    assert "Mentors for Leadership ≥ 5, Python ≥ 4" in shown
    assert "Based on your saved interests" in shown
    assert "*@Ada Lovelace* · *75% match*\nLeadership 4 < 5 ½, Python 4 ≥ 4 ✓" in shown
    box.user(BEN).command("interests")  # the levels come back as saved
    box.user(BEN).submit()
    modal = box.fake.modal(BEN)
    assert modal is not None and modal["callback_id"] == "interests_levels"
    assert "2 Assist" in str(modal["blocks"]) and "5 Ensure and advise" in str(modal["blocks"])


def test_a_target_not_above_where_you_are_is_refused_on_its_field(box: Sandbox) -> None:
    """Now 4, target 3: the target's field says why and nothing is saved."""
    errors = save_gaps(
        box, "python", {"Python: where you are now": "4 Enable", "Python: your target": "3 Apply"}
    )
    assert errors == {"Python: your target": "Aim above where you are now."}
    assert gaps_of(box, BEN) == []


def test_levels_typed_in_find_and_a_level_out_of_range(box: Sandbox) -> None:
    """`find python>=4` finds Ada at 100%, `find python:5` at 50% (4 < 5 ½); `find python:9`
    lists the levels, records nothing; "Save as my interests" keeps the typed target."""
    ada_with_a_morning(box)
    ben = box.user(BEN)
    ben.command("find python>=4")
    assert "*100% match*\nPython 4 ≥ 4 ✓" in seen_text(box, BEN, "response")
    ben.command("find python:5")
    assert "*50% match*\nPython 4 < 5 ½" in seen_text(box, BEN, "response")
    ben.click("Save as my interests")
    assert gaps_of(box, BEN) == [(None, 5)]
    box.fake.clear_modals(BEN)
    ben.command("find python:9 cobol")
    answer = box.fake.visible_messages(BEN)[0]
    assert "a level is a number from 1 to 7" in str(answer.blocks)
    assert "1 Follow" in str(answer.blocks) and "7 Set strategy" in str(answer.blocks)
    with box.deps.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(SearchMiss)) == 0


def test_full_this_week_comes_below_mentors_with_free_time(box: Sandbox) -> None:
    """Chitra's three sessions this week fill her capacity: she is listed, as full this week,
    after Ada, whose time is free."""
    ada_with_a_morning(box)
    sign_up(box, CHITRA, skills="python")
    assert add_once(box, CHITRA, TOMORROW, "10:00", "11:00") == {}
    with box.deps.sessions.begin() as session:
        chitra = session.scalars(
            select(MentorProfile).join(User).where(User.slack_id == CHITRA)
        ).one()
        dan = seed.add_user(session, DAN)
        for hour in (6, 7, 8):
            slot = seed.add_slot(session, chitra.id, datetime(2026, 11, 25, hour, tzinfo=UTC))
            seed.add_booking(session, slot.id, dan.id, "approved")
    box.user(BEN).command("find python")
    shown = seen_text(box, BEN, "response")
    assert shown.index("@Ada Lovelace") < shown.index("*Full this week*")
    assert shown.index("*Full this week*") < shown.index("@Chitra Rao")
    assert shown.count("[Book]") == 3  # Ada's times only


def test_preferences_filter_by_language_and_boost_the_kind_of_help(box: Sandbox) -> None:
    """Ben wants career help in German. Chitra (free earlier) mentors in English only: left
    out. Once she lists German too, Ada, who likes career help, still ranks above her."""
    ada_with_a_morning(box)
    sign_up(box, CHITRA, skills="python")
    assert add_once(box, CHITRA, TOMORROW, "10:00", "11:00") == {}  # 04:30 UTC: sooner
    ben = box.user(BEN)
    ben.command("interests")
    ben.fill("Kind of help you want", "Career")
    ben.fill("Language", "German")
    assert ben.submit().errors == {}  # no skills: saved in one step
    with box.deps.sessions.begin() as session:
        assert session.scalars(select(User.language).where(User.slack_id == BEN)).one() == "de"
        for mentor in session.scalars(select(MentorProfile)):
            speaks_de = mentor.user.slack_id == ADA
            mentor.languages = ["de", "en"] if speaks_de else ["en"]
            mentor.help_kinds = ["career"] if speaks_de else ["technical"]
    ben.command("find python")
    shown = seen_text(box, BEN, "response")
    assert "You prefer: Career help, in German." in shown
    assert "Helps with career · Mentors in German, English" in shown
    assert "Chitra" not in shown
    with box.deps.sessions.begin() as session:
        chitra = session.scalars(
            select(MentorProfile).join(User).where(User.slack_id == CHITRA)
        ).one()
        chitra.languages = ["de"]
    box.fake.clear_modals(BEN)
    ben.command("find python")
    latest = seen_text(box, BEN, "response").split("Mentors for Python")[-1]
    assert latest.index("@Ada Lovelace") < latest.index("@Chitra Rao")


def test_a_language_not_on_the_list_is_refused_on_its_field(box: Sandbox) -> None:
    """The same list mentors pick from; a forged option value is a field error, nothing saved."""
    ben = box.user(BEN)
    ben.command("interests")
    view = box.fake.modal(BEN)
    assert view is not None
    (language,) = [b for b in view["blocks"] if b.get("block_id") == BlockId.LANGUAGE]
    assert {o["text"]["text"] for o in language["element"]["options"]} >= {"German", "English"}
    forged = {
        "type": "static_select",
        "selected_option": {"text": {"type": "plain_text", "text": "Klingon"}, "value": "tlh"},
    }
    key = (BlockId.LANGUAGE.value, language["element"].get("action_id", Action.INPUT.value))
    box.driver.values.setdefault(view["id"], {})[key] = forged
    assert ben.submit().errors == {"Language": "Pick a language from the list."}
    with box.deps.sessions.begin() as session:
        assert session.scalars(select(User.language).where(User.slack_id == BEN)).one() is None


def test_help_shows_the_level_syntax(box: Sandbox) -> None:
    box.user(BEN).command("help")
    shown = shown_to(box, BEN)
    assert "`/mentor find python:4 leadership`" in shown
    assert "`/mentor find python:4` (or `python>=4`)" in shown


def test_a_bad_skill_or_level_in_the_first_step_is_refused_on_the_skills(box: Sandbox) -> None:
    """`python:9` or a 60-letter "skill" in the skills field: said on that field."""
    ben = box.user(BEN)
    ben.command("interests")
    ben.fill("Skills you want to learn", "go, python:9")
    errors = ben.submit().errors
    assert errors == {"Skills you want to learn": "“python:9”: a level is a number from 1 to 7."}
    ben.fill("Skills you want to learn", "x" * 60)
    assert list(ben.submit().errors) == ["Skills you want to learn"]
    assert gaps_of(box, BEN) == []


def test_a_forged_levels_form_saves_nothing(box: Sandbox) -> None:
    """A levels submission whose carried answers do not read is told, and nothing is saved."""
    ben = box.user(BEN)
    ben.command("interests")
    ben.fill("Skills you want to learn", "python")
    assert ben.submit().errors == {}
    modal = box.fake.modal(BEN)
    assert modal is not None
    modal["private_metadata"] = '{"skills": "python"}'
    assert ben.submit().errors == {}
    assert "out of date" in seen_text(box, BEN, "dm") + seen_text(box, BEN, "response")
    assert gaps_of(box, BEN) == []
