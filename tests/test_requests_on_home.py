"""Mentors can answer a request from Home or `/mentor sessions`, not only from its DM card."""

from __future__ import annotations

from bot.sandbox import Sandbox
from tests import seed
from tests.conftest import ADA, BEN
from tests.seed import DAY, HOUR
from tests.steps import GOALS, ada_with_a_morning, request, seen_text, statuses


def test_approve_from_home_updates_the_card_and_confirms(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    ada = box.user(ADA)
    ada.open_home()
    home = str(box.fake.home(ADA))
    assert "Requests waiting for your answer" in home and GOALS[:40] in home
    ada.click("Approve", where="home")
    assert statuses(box) == ["approved"]
    card = seen_text(box, ADA, "update", tz="America/New_York")
    assert "Approved" in card and "[Approve]" not in card
    assert "confirmed" in seen_text(box, BEN, "dm").lower()
    assert "Requests waiting for your answer" not in str(box.fake.home(ADA))


def test_decline_from_sessions_asks_for_a_reason(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    ada = box.user(ADA)
    ada.command("sessions")
    ada.click("Decline", where="message")
    assert set(ada.submit().errors) == {"Reason"}
    ada.fill("Reason", "I'm travelling that week; please pick another time.")
    assert ada.submit().errors == {}
    assert statuses(box) == ["declined"]
    assert "travelling" in seen_text(box, BEN, "dm")


def test_the_mentee_sees_no_answer_buttons(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    box.user(BEN).command("sessions")
    shown = seen_text(box, BEN, "ack")
    assert "[Cancel]" in shown and "[Approve]" not in shown


def test_a_busy_mentors_home_lists_the_soonest_three_of_each_and_counts_the_rest(
    box: Sandbox,
) -> None:
    """Ada has six requests waiting, ten upcoming sessions and two past ones: Home loads and
    shows the three soonest of each group (the past ones latest first) and says how many more
    `/mentor sessions` lists."""
    with box.deps.sessions.begin() as session:
        ada = seed.add_mentor(session, ADA, tz=seed.NEW_YORK, name="Ada Lovelace", capacity=40)
        ben = seed.add_user(session, BEN, name="Ben Martin")
        waiting, upcoming, past = [], [], []
        for n in (5, 2, 4, 0, 3, 1):  # stored in no particular order
            asker = seed.add_user(session, f"U0ASKER{n}")
            slot = seed.add_slot(session, ada.id, seed.NOW + (n + 2) * DAY)
            waiting.append((n, seed.add_booking(session, slot.id, asker.id).id))
        for n in (7, 3, 9, 0, 5, 1, 8, 2, 6, 4):
            row = seed.add_session(session, ada.id, ben.id, seed.NOW + (n + 2) * DAY + 3 * HOUR)
            upcoming.append((n, row.id))
        for n in (1, 0):
            past.append((n, seed.add_session(session, ada.id, ben.id, seed.NOW - (n + 1) * DAY).id))
    box.user(ADA).open_home()
    view = box.fake.home(ADA)
    assert view is not None
    values = {"booking_approve": [], "negotiation_reschedule": [], "concern_raise": []}
    for block in view["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") in values:
                values[element["action_id"]].append(int(element["value"]))
    assert values == {
        "booking_approve": [i for _, i in sorted(waiting)[:3]],
        "negotiation_reschedule": [i for _, i in sorted(upcoming)[:3]],
        "concern_raise": [i for _, i in sorted(past)],  # yesterday first
    }
    shown = str(view)
    assert "and 3 more: type `/mentor sessions`" in shown
    assert "and 7 more: type `/mentor sessions`" in shown
    assert shown.count("more: type `/mentor sessions`") == 2
