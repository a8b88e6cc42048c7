"""The Slack simulator itself: its Web API over real HTTP, its checks, its renderer and driver."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.simulator import (
    FakeSlack,
    Seen,
    SlackDriver,
    TrackingExecutor,
    describe,
    finder,
    render_blocks,
    render_view,
)
from bot.simulator.blockkit import message_problems, view_problems
from bot.simulator.render import render_mrkdwn

ADA = "U0ADA"
CHITRA = "U0CHITRA"
SECRET = "s3cret"
# 2026-11-24 15:00 UTC: 10:00 in New York, 20:30 in Kolkata.
EPOCH = 1795532400


def section(text: str, **extra: Any) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str, action_id: str, value: str = "") -> dict:
    element = {"type": "button", "text": {"type": "plain_text", "text": text}}
    return {**element, "action_id": action_id, **({"value": value} if value else {})}


def modal(title: str = "Become a mentor", blocks: list[dict] | None = None) -> dict:
    return {
        "type": "modal",
        "callback_id": "signup",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": blocks or [section("Tell us about you")],
    }


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack()
    slack.add_user(ADA, "Ada Lovelace", "America/New_York")
    slack.add_user(CHITRA, "Chitra Rao", "Asia/Kolkata")
    slack.start()
    yield slack
    slack.stop()


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=fake.bot_token, base_url=fake.base_url)


def test_wrong_token_is_refused(fake: FakeSlack) -> None:
    """A client with someone else's token gets invalid_auth, and the call is on record."""
    with pytest.raises(SlackApiError) as refused:
        WebClient(token="xoxb-wrong", base_url=fake.base_url).auth_test()
    assert refused.value.response["error"] == "invalid_auth"
    assert fake.calls[-1].error == "invalid_auth"


def test_auth_test_names_the_bot(client: WebClient, fake: FakeSlack) -> None:
    """auth.test tells the app who it is, as Bolt asks on its first request."""
    answer = client.auth_test()
    assert (answer["user_id"], answer["team_id"]) == (fake.bot_user_id, fake.team_id)


def test_unknown_method_is_a_problem(client: WebClient, fake: FakeSlack) -> None:
    """Calling a method the simulator lacks fails and shows up in problems."""
    with pytest.raises(SlackApiError) as refused:
        client.api_call("chat.scheduleMessageTypo", json={"channel": ADA})
    assert refused.value.response["error"] == "unknown_method"
    assert any("chat.scheduleMessageTypo" in problem for problem in fake.problems)


def test_users_info_reports_time_zones(client: WebClient) -> None:
    """users.info gives each person's IANA zone and an offset computed for now."""
    ada = client.users_info(user=ADA)["user"]
    chitra = client.users_info(user=CHITRA)["user"]
    assert ada["tz"] == "America/New_York" and ada["tz_offset"] in (-18000, -14400)
    assert chitra["tz"] == "Asia/Kolkata" and chitra["tz_offset"] == 19800
    assert ada["profile"]["real_name"] == "Ada Lovelace"
    with pytest.raises(SlackApiError) as missing:
        client.users_info(user="U0NOBODY")
    assert missing.value.response["error"] == "user_not_found"


def test_dm_by_user_id_lands_with_the_person(client: WebClient, fake: FakeSlack) -> None:
    """Opening a DM and posting by user id both reach Ada's DM, in order."""
    channel = client.conversations_open(users=ADA)["channel"]["id"]
    assert channel == fake.dm_channel(ADA)
    first = client.chat_postMessage(channel=channel, text="Hello")
    second = client.chat_postMessage(channel=ADA, text="Again", blocks=[section("*Again*")])
    assert float(second["ts"]) > float(first["ts"])
    seen = fake.seen_by(ADA)
    assert [(s.kind, s.text) for s in seen] == [("dm", "Hello"), ("dm", "Again")]
    assert seen[1].channel == channel and seen[1].blocks[0]["block_id"]
    assert fake.seen_by(CHITRA) == []


def test_post_needs_text_and_a_real_channel(client: WebClient, fake: FakeSlack) -> None:
    """An empty message is a bug (flagged); an unreachable channel is only refused."""
    with pytest.raises(SlackApiError) as empty, pytest.warns(UserWarning, match="text"):
        client.chat_postMessage(channel=ADA)
    assert empty.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as nowhere:
        client.chat_postMessage(channel="X123", text="hi")
    assert nowhere.value.response["error"] == "channel_not_found"
    assert len(fake.problems) == 1 and fake.problems[0].startswith("chat.postMessage: no_text")


def test_ephemeral_is_seen_only_by_its_person(client: WebClient, fake: FakeSlack) -> None:
    """An ephemeral in a channel is Chitra's alone and is no channel message."""
    answer = client.chat_postEphemeral(channel="C0COORD", user=CHITRA, text="Only you")
    assert answer["message_ts"]
    (seen,) = fake.seen_by(CHITRA)
    assert (seen.kind, seen.channel, seen.text) == ("ephemeral", "C0COORD", "Only you")
    assert fake.channel_messages("C0COORD") == []


def test_update_and_delete_change_the_channel(client: WebClient, fake: FakeSlack) -> None:
    """A channel card is edited, then deleted; unknown messages are not found."""
    posted = client.chat_postMessage(channel="C0COORD", text="Pending")
    client.chat_update(channel="C0COORD", ts=posted["ts"], text="Approved")
    assert [m.text for m in fake.channel_messages("C0COORD")] == ["Approved"]
    client.chat_delete(channel="C0COORD", ts=posted["ts"])
    assert fake.channel_messages("C0COORD") == []
    assert [s.kind for s in fake.channel_messages("C0COORD")] == []
    assert fake.message("C0COORD", posted["ts"]) is None
    with pytest.raises(SlackApiError) as gone:
        client.chat_update(channel="C0COORD", ts=posted["ts"], text="again")
    assert gone.value.response["error"] == "message_not_found"


def test_invalid_blocks_are_refused_and_recorded(client: WebClient, fake: FakeSlack) -> None:
    """51 blocks, a 3001-character section and a 25-character modal title are all refused."""
    with pytest.raises(SlackApiError) as too_many:
        client.chat_postMessage(channel=ADA, text="x", blocks=[{"type": "divider"}] * 51)
    assert too_many.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as too_long:
        client.chat_postMessage(channel=ADA, text="x", blocks=[section("y" * 3001)])
    assert "blocks[0].text: longer than 3000 characters" in too_long.value.response["errors"]
    with pytest.raises(SlackApiError) as long_title:
        client.views_open(trigger_id=fake.new_trigger_id(ADA), view=modal("t" * 25))
    assert long_title.value.response["error"] == "invalid_arguments"
    assert fake.seen_by(ADA) == [] and fake.modal(ADA) is None
    assert len(fake.problems) == 3
    assert any("view.title: longer than 24" in problem for problem in fake.problems)


def test_triggers_are_single_use(client: WebClient, fake: FakeSlack) -> None:
    """A trigger opens one modal; reusing it (or inventing one) is refused."""
    trigger = fake.new_trigger_id(ADA)
    opened = client.views_open(trigger_id=trigger, view=modal())["view"]
    assert opened["id"].startswith("V") and opened["hash"]
    assert opened["state"] == {"values": {}}
    for bad in (trigger, "1.2.3"):
        with pytest.raises(SlackApiError) as refused:
            client.views_open(trigger_id=bad, view=modal())
        assert refused.value.response["error"] == "invalid_trigger_id"
    assert fake.modal_stack(ADA) == [opened]


def test_push_update_and_publish_views(client: WebClient, fake: FakeSlack) -> None:
    """Views stack, update in place (hash checked) and Home tabs publish per person."""
    first = client.views_open(trigger_id=fake.new_trigger_id(ADA), view=modal("One"))["view"]
    second = client.views_push(trigger_id=fake.new_trigger_id(ADA), view=modal("Two"))["view"]
    assert [v["id"] for v in fake.modal_stack(ADA)] == [first["id"], second["id"]]
    updated = client.views_update(view_id=first["id"], hash=first["hash"], view=modal("Uno"))
    assert updated["view"]["id"] == first["id"]
    assert fake.modal_stack(ADA)[0]["title"]["text"] == "Uno"
    assert fake.modal(ADA)["title"]["text"] == "Two"  # type: ignore[index]
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=first["id"], hash=first["hash"], view=modal("Eins"))
    assert stale.value.response["error"] == "hash_conflict"
    home = {"type": "home", "blocks": [section("Welcome, <@U0ADA>")]}
    client.views_publish(user_id=ADA, view=home)
    shown = render_view(fake.home(ADA), "UTC", {ADA: "Ada Lovelace"})  # type: ignore[arg-type]
    assert shown == "== Home tab ==\nWelcome, @Ada Lovelace"
    assert [s.kind for s in fake.seen_by(ADA)] == ["modal", "modal", "modal", "home"]
    assert fake.problems == []


def test_files_upload_v2_end_to_end(client: WebClient, fake: FakeSlack) -> None:
    """slack_sdk's three-step upload puts the file, with its bytes, in Ada's DM."""
    answer = client.files_upload_v2(
        channel=fake.dm_channel(ADA), content=b"BEGIN:VCALENDAR", filename="session.ics",
        title="Your session", initial_comment="Add it to your calendar",
    )  # fmt: skip
    assert answer["file"]["name"] == "session.ics"
    (seen,) = fake.seen_by(ADA)
    assert seen.kind == "file" and seen.text == "Add it to your calendar"
    assert seen.file is not None and seen.file["content"] == b"BEGIN:VCALENDAR"
    assert "session.ics: Your session, 15 bytes" in describe(seen, "UTC")
    assert fake.problems == []


def _post_json(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_response_url_replaces_the_source(client: WebClient, fake: FakeSlack) -> None:
    """A response_url made for a message replaces it in place; a made-up one is 404."""
    posted = client.chat_postMessage(channel=ADA, text="Book?")
    source = fake.message(posted["channel"], posted["ts"])
    url = fake.new_response_url(ADA, posted["channel"], source)
    assert _post_json(url, {"text": "Booked!", "replace_original": True}) == 200
    assert fake.message(posted["channel"], posted["ts"]).text == "Booked!"  # type: ignore[union-attr]
    assert [s.kind for s in fake.seen_by(ADA)] == ["dm", "response"]
    assert _post_json(url.rsplit("/", 1)[0] + "/nope", {"text": "x"}) == 404


def test_injected_failures(fake: FakeSlack) -> None:
    """A 429 carries Retry-After, a 500 carries internal_error; both are on record."""
    fake.fail("chat.postMessage", 429, retry_after=7)
    fake.fail("users.info", 500, times=2)
    client = WebClient(token=fake.bot_token, base_url=fake.base_url)
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel=ADA, text="hi")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    for _ in range(2):
        with pytest.raises(SlackApiError) as broken:
            client.users_info(user=ADA)
        assert broken.value.response.status_code == 500
        assert broken.value.response["error"] == "internal_error"
    assert client.users_info(user=ADA)["ok"]
    assert [(c.method, c.status) for c in fake.calls] == [
        ("chat.postMessage", 429), ("users.info", 500), ("users.info", 500), ("users.info", 200),
    ]  # fmt: skip
    assert fake.seen_by(ADA) == [] and fake.problems == []


def test_dates_render_in_each_viewers_zone() -> None:
    """One epoch reads 10:00 in New York and 20:30 in Kolkata, with every date format."""
    token = f"<!date^{EPOCH}^{{date_long}} at {{time}}|Nov 24>"
    assert render_mrkdwn(token, "America/New_York") == "Tuesday, November 24th, 2026 at 10:00"
    assert render_mrkdwn(token, "Asia/Kolkata") == "Tuesday, November 24th, 2026 at 20:30"
    formats = (
        f"<!date^{EPOCH}^{{date_num}} {{date}} {{date_short_pretty}} {{time_secs}}^http://x|f>"
    )
    assert render_mrkdwn(formats, "UTC") == "2026-11-24 November 24th, 2026 Nov 24, 2026 15:00:00"
    assert render_mrkdwn(f"<!date^{EPOCH}^{{bogus}}|fb>", "UTC") == "{bogus}"
    assert render_mrkdwn("<!date^oops^{date}|fallback>", "UTC") == "fallback"


def test_mentions_links_and_escapes_render() -> None:
    """People, channels, links and escapes read as a person would see them."""
    text = "<@U0ADA> &amp; <@U0X> in <#C1|coord>: <https://a.io|docs> <https://b.io> <!here> &lt;3"
    shown = render_mrkdwn(text, "UTC", {ADA: "Ada Lovelace"})
    assert shown == "@Ada Lovelace & @U0X in #coord: docs (https://a.io) https://b.io @here <3"


def test_blocks_render_as_text() -> None:
    """Headers, fields, buttons, selects, context and inputs all become readable lines."""
    select = {
        "type": "static_select",
        "action_id": "slot",
        "placeholder": {"type": "plain_text", "text": "Pick a slot"},
        "options": [
            {"text": {"type": "plain_text", "text": t}, "value": t} for t in ("Mon", "Tue")
        ],
    }
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Mentors"}},
        {**section("*Ada*"), "accessory": button("Profile", "p")},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": t} for t in "abc"]},
        {"type": "divider"},
        {"type": "actions", "elements": [button("Book", "b"), select]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "In your zone"}]},
        {
            "type": "input",
            "label": {"type": "plain_text", "text": "Short bio"},
            "hint": {"type": "plain_text", "text": "20 characters at least"},
            "element": {"type": "plain_text_input", "action_id": "bio"},
        },
    ]
    assert render_blocks(blocks, "UTC") == "\n".join(
        [
            "## Mentors",
            "*Ada*  [Profile]",
            "a | b",
            "c",
            "---",
            "[Book] <Pick a slot: Mon / Tue>",
            "  (In your zone)",
            "Short bio: [____]",
            "  20 characters at least",
        ]
    )
    shown = render_view(modal(blocks=blocks[:1]), "UTC")
    assert shown.startswith("╔") and "Become a mentor" in shown
    assert shown.endswith("[Save] [Cancel]")
    assert describe(Seen("delete", ADA), "UTC") == "(the message was deleted)"


def test_block_kit_limits() -> None:
    """The validator catches the limits Slack enforces, saying where."""
    assert message_problems("hi", [section("fine")]) == []
    assert message_problems("x" * 40001, None) == ["text: longer than 40000 characters"]
    long_button = {"type": "actions", "elements": [button("b" * 76, "a")]}
    assert message_problems(None, [long_button]) == [
        "blocks[0].elements[0].text: longer than 75 characters"
    ]
    twins = [section("a", block_id="x"), section("b", block_id="x")]
    assert message_problems(None, twins) == ["blocks[1].block_id: 'x' is used twice"]
    same_action = {"type": "actions", "elements": [button("A", "go"), button("B", "go")]}
    assert "is used twice in one block" in message_problems(None, [same_action])[0]
    assert message_problems(None, [{"type": "fancy"}]) == [
        "blocks[0].type: unknown block type 'fancy'"
    ]
    an_input = {
        "type": "input",
        "label": {"type": "plain_text", "text": "L"},
        "element": {"type": "plain_text_input", "action_id": "a"},
    }
    assert "input blocks are not allowed in messages" in message_problems(None, [an_input])[0]
    no_submit = {**modal(blocks=[an_input])}
    del no_submit["submit"]
    assert view_problems(no_submit) == [
        "view.submit: a modal with input blocks needs a submit button"
    ]
    assert view_problems({**modal(), "private_metadata": "m" * 3001}) == [
        "view.private_metadata: longer than 3000 characters"
    ]
    many = [{"text": {"type": "plain_text", "text": str(n)}, "value": str(n)} for n in range(101)]
    crowded = {**long_button, "elements": [{"type": "static_select", "action_id": "s",
                                            "options": many}]}  # fmt: skip
    assert message_problems(None, [crowded]) == [
        "blocks[0].elements[0].options: 101 options, more than 100"
    ]
    assert view_problems(modal(blocks=[{"type": "divider"}] * 101))[0].startswith("view.blocks")


def test_tracking_executor_waits_for_nested_work() -> None:
    """wait_idle returns only after a task and the task it submitted have both finished."""
    executor = TrackingExecutor(max_workers=2)
    release = threading.Event()
    done: list[str] = []

    def inner() -> None:
        release.wait(5)
        done.append("inner")

    def outer() -> None:
        executor.submit(inner)
        done.append("outer")

    executor.submit(outer)
    threading.Timer(0.05, release.set).start()
    executor.wait_idle(timeout=5)
    assert sorted(done) == ["inner", "outer"]
    executor.shutdown()


# -- the driver against a tiny real Bolt app --------------------------------------------------

SIGNUP_BLOCKS = [
    {
        "type": "input",
        "block_id": "bio",
        "label": {"type": "plain_text", "text": "Short bio"},
        "element": {"type": "plain_text_input", "action_id": "bio"},
    },
    {
        "type": "input",
        "block_id": "length",
        "label": {"type": "plain_text", "text": "Session length"},
        "element": {
            "type": "static_select",
            "action_id": "length",
            "initial_option": {"text": {"type": "plain_text", "text": "30 minutes"}, "value": "30"},
            "options": [
                {"text": {"type": "plain_text", "text": f"{n} minutes"}, "value": str(n)}
                for n in (30, 45)
            ],
        },
    },
    {
        "type": "input",
        "block_id": "coc",
        "label": {"type": "plain_text", "text": "Code of conduct"},
        "element": {
            "type": "checkboxes",
            "action_id": "coc",
            "options": [{"text": {"type": "mrkdwn", "text": "I agree"}, "value": "yes"}],
        },
    },
]


OVERFLOW = {
    "type": "overflow",
    "action_id": "more",
    "options": [
        {"text": {"type": "plain_text", "text": t}, "value": t.lower()} for t in ("Later", "Never")
    ],
}


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log in test output."""


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def _tiny_app(fake: FakeSlack, executor: TrackingExecutor, log: list[dict]) -> App:
    """A Bolt app with a command, a button and a modal, enough to drive every path."""
    client = WebClient(token=fake.bot_token, base_url=fake.base_url)
    app = App(
        client=client,
        signing_secret=SECRET,
        token_verification_enabled=False,
        listener_executor=executor,
    )

    @app.command("/mentor")
    def mentor(ack: Ack, command: dict, client: WebClient) -> None:
        if command["text"] == "signup":
            ack()
            view = modal(blocks=SIGNUP_BLOCKS)
            client.views_open(trigger_id=command["trigger_id"], view=view)
        elif command["text"] == "slots":
            ack()
            blocks = [
                section("*Ada* Tuesday"),
                {"type": "actions", "elements": [button("Book", "book", "ada-tue"), OVERFLOW]},
                section("*Ben* Friday"),
                {"type": "actions", "elements": [button("Book", "book", "ben-fri")]},
            ]
            client.chat_postMessage(channel=command["user_id"], text="Slots", blocks=blocks)
        else:
            ack(text="Help", blocks=[section("What you can type: `/mentor signup`")])

    @app.action("book")
    @app.action("more")
    def book(ack: Ack, body: dict) -> None:
        ack()
        log.append(body)

    @app.view("signup")
    def signup(ack: Ack, view: dict) -> None:
        values = view["state"]["values"]
        log.append(values)
        if len(values["bio"]["bio"]["value"] or "") < 20:
            ack(response_action="errors", errors={"bio": "Write at least 20 characters."})
        else:
            ack()

    return app


@pytest.fixture
def bolt(fake: FakeSlack) -> Iterator[tuple[SlackDriver, list[dict]]]:
    """A real Bolt app on loopback HTTP, driven by the simulator."""
    executor = TrackingExecutor(max_workers=4)
    log: list[dict] = []
    handler = SlackRequestHandler(_tiny_app(fake, executor, log))
    server = make_server(
        "127.0.0.1", 0, handler, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/slack/events"
    yield SlackDriver(fake, url, SECRET, settle=executor.wait_idle), log
    server.shutdown()
    server.server_close()
    executor.shutdown()
    assert fake.problems == []


def test_command_ack_is_what_the_person_sees(
    bolt: tuple[SlackDriver, list[dict]], fake: FakeSlack
) -> None:
    """Ada types /mentor help; Bolt's ack shows as her private answer."""
    driver, _ = bolt
    reply = driver.user(ADA).command("help")
    assert reply.status == 200
    ack = driver.user(ADA).last()
    assert ack.kind == "ack" and ack.channel == fake.dm_channel(ADA)
    assert render_blocks(ack.blocks, "UTC") == "What you can type: `/mentor signup`"


def test_click_by_text_near_a_name(bolt: tuple[SlackDriver, list[dict]], fake: FakeSlack) -> None:
    """Ada clicks Book under Ben's slot; the app gets that button's action and value."""
    driver, log = bolt
    ada = driver.user(ADA)
    ada.command("slots")
    ada.click("Book", near="Ben")
    (body,) = log
    action = body["actions"][0]
    assert (action["action_id"], action["value"]) == ("book", "ben-fri")
    assert body["container"]["type"] == "message"
    assert body["channel"]["id"] == fake.dm_channel(ADA)
    assert body["message"]["text"] == "Slots" and body["response_url"]
    with pytest.raises(AssertionError, match="buttons: message: Book; message: Book"):
        ada.click("Cancel")


def test_two_clicks_in_one_clock_tick_are_two_requests(
    bolt: tuple[SlackDriver, list[dict]], fake: FakeSlack
) -> None:
    """With the clock standing still, a double click still sends two different signed bodies
    (action_ts and trigger_id differ, as in Slack), so the app's replay guard lets both in."""
    driver, log = bolt
    frozen = float(int(time.time()))  # now, so the signatures are fresh, and standing still
    driver.clock = lambda: frozen
    ada = driver.user(ADA)
    ada.command("slots")
    found = finder.find(finder.surfaces(fake, ADA, "message"), "Ben", finder.is_button("Book"))
    assert found is not None
    ada.press(found)
    first = driver.last_sent
    ada.press(found)
    second = driver.last_sent
    assert first is not None and second is not None
    assert first.timestamp == second.timestamp and first.body != second.body
    assert first.signature != second.signature
    stamps = [body["actions"][0]["action_ts"] for body in log]
    assert stamps == [f"{frozen:.6f}", f"{frozen + 0.000001:.6f}"]
    assert log[0]["trigger_id"] != log[1]["trigger_id"]


def test_pick_an_option(bolt: tuple[SlackDriver, list[dict]], fake: FakeSlack) -> None:
    """Ada picks "Later" from an overflow menu; the app gets it as the selected option."""
    driver, log = bolt
    ada = driver.user(ADA)
    ada.command("slots")
    ada.pick("Later", near="Ada")
    (body,) = log
    action = body["actions"][0]
    assert (action["type"], action["selected_option"]["value"]) == ("overflow", "later")
    with pytest.raises(AssertionError, match="options: message: Later"):
        ada.pick("Sometime")


def test_modal_fill_and_submit(bolt: tuple[SlackDriver, list[dict]], fake: FakeSlack) -> None:
    """A command opens a modal; Ada fills it by label; an untouched select sends its initial."""
    driver, log = bolt
    ada = driver.user(ADA)
    ada.command("signup")
    assert ada.modal() is not None
    ada.fill("Short bio", "Staff engineer who loves mentoring.")
    ada.fill("Code of conduct", True)
    with pytest.raises(AssertionError, match="'Short bio', 'Session length'"):
        ada.fill("Nickname", "ada")
    reply = ada.submit()
    assert reply.status == 200 and reply.errors == {}
    assert ada.modal() is None
    (values,) = log
    bio = {"type": "plain_text_input", "value": "Staff engineer who loves mentoring."}
    assert values["bio"]["bio"] == bio
    assert values["length"]["length"]["selected_option"]["value"] == "30"
    assert [o["value"] for o in values["coc"]["coc"]["selected_options"]] == ["yes"]


def test_submission_errors_by_label(bolt: tuple[SlackDriver, list[dict]], fake: FakeSlack) -> None:
    """A too-short bio comes back as an error on "Short bio", and the modal stays open."""
    driver, _ = bolt
    ada = driver.user(ADA)
    ada.command("signup")
    ada.fill("Short bio", "Hi")
    ada.fill("Session length", "45 minutes")
    reply = ada.submit()
    assert reply.errors == {"Short bio": "Write at least 20 characters."}
    assert ada.modal() is not None
    assert "! Short bio: Write at least 20 characters." in describe(ada.last(), "UTC")


def test_wrong_secret_gets_401(bolt: tuple[SlackDriver, list[dict]], fake: FakeSlack) -> None:
    """A request signed with another secret is refused and nobody sees anything."""
    driver, log = bolt
    body = "command=%2Fmentor&text=help&user_id=U0ADA&team_id=T0SIM"
    reply = driver.post(body, "application/x-www-form-urlencoded", secret="not-it")
    assert reply.status == 401
    assert fake.seen_by(ADA) == [] and log == []


def test_a_message_without_words_for_screen_readers_is_a_problem(
    client: WebClient, fake: FakeSlack
) -> None:
    """Slack takes blocks with no top-level text, or text of emoji alone, and an image with no
    alt text; the simulator records each as a problem so flow tests catch them."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}]
    with pytest.warns(UserWarning, match="top-level `text`"):  # slack_sdk warns as well
        client.chat_postMessage(channel=fake.dm_channel(ADA), blocks=blocks)
    client.chat_postMessage(channel=fake.dm_channel(ADA), text="👋 🎉", blocks=blocks)
    client.chat_postMessage(channel=fake.dm_channel(ADA), text="Hello, Ada", blocks=blocks)
    client.files_upload_v2(channel=fake.dm_channel(ADA), content=b"\x89PNG", filename="c.png")
    client.files_upload_v2(
        channel=fake.dm_channel(ADA), content=b"\x89PNG", filename="d.png", alt_txt="A chart"
    )
    assert fake.problems == [
        "chat.postMessage: text: a message with blocks needs a top-level text "
        "(notifications, screen readers)",
        "chat.postMessage: text: '👋 🎉' has no words (emoji or punctuation alone)",
        "files.completeUploadExternal: c.png: an image needs alt text",
    ]
    fake.problems.clear()
