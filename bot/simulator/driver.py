"""People using Slack: signed slash commands, events, clicks, modal fills and submissions.

Everything reaches the real app as Slack would send it (signed HTTP, Slack's payload shapes),
and what Slack does with the app's HTTP answers (showing an ack, closing or updating a modal)
is applied before the app's background work is waited for, as it would be in Slack.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bot.simulator import finder, forms
from bot.simulator.accessibility import message_gaps
from bot.simulator.blockkit import message_problems
from bot.simulator.fake_slack import FakeSlack
from bot.simulator.records import Seen, SimUser
from bot.simulator.surfaces import input_blocks, text_of, with_ids
from bot.simulator.web_api import message_json

FORM = "application/x-www-form-urlencoded"
VERIFICATION_TOKEN = "sim-verification-token"
# Loopback requests must never go through a proxy set in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Reply:
    """The app's HTTP answer to one request."""

    status: int
    body: str
    json: dict | None
    view: dict | None = field(default=None, repr=False)  # the submitted view, for labels

    @property
    def errors(self) -> dict[str, str]:
        """response_action "errors" keyed by each input's label text ({} otherwise)."""
        if not self.json or self.json.get("response_action") != "errors":
            return {}
        blocks = (self.view or {}).get("blocks") or []
        labels = {b.get("block_id"): text_of(b.get("label")) for b in input_blocks(blocks)}
        errors = self.json.get("errors") or {}
        return {
            labels.get(block_id, block_id): str(message) for block_id, message in errors.items()
        }


@dataclass(frozen=True)
class Signed:
    """One request exactly as it went out: what a replay or one of Slack's retries resends."""

    body: str
    content_type: str
    timestamp: int
    signature: str


def _parse(body: str) -> dict | None:
    try:
        loaded = json.loads(body)
    except ValueError:
        return None
    return loaded if isinstance(loaded, dict) else None


class SlackDriver:
    """Sends Slack's requests to the app's events URL and keeps what people typed in modals."""

    def __init__(
        self,
        fake: FakeSlack,
        app_url: str,
        signing_secret: str,
        *,
        settle: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.fake = fake
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.settle = settle
        self.clock = clock
        self.values: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
        self._events = itertools.count(1)
        self._last_ts = 0.0
        self._ts_lock = threading.Lock()
        self.last_sent: Signed | None = None

    def new_ts(self) -> str:
        """A Slack timestamp ("seconds.micros") later than any given before, as each action's
        action_ts and each event's event_ts are: two clicks within one tick of the clock are
        still two different requests, never one replayed."""
        with self._ts_lock:
            self._last_ts = max(self.clock(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def user(self, user_id: str) -> SimActor:
        """The person's simulated Slack client."""
        return SimActor(self, user_id)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        secret: str | None = None,
    ) -> Reply:
        """A raw signed POST (the signature can be forged or stale for security tests)."""
        return self.send(body, content_type, timestamp=timestamp, signature=signature,
                         secret=secret)  # fmt: skip

    def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        secret: str | None = None,
        on_answer: Callable[[Reply], None] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """POST, let Slack act on the answer (`on_answer`), then wait for the app to settle."""
        stamp = int(self.clock()) if timestamp is None else timestamp
        if signature is None:
            key = (secret or self.signing_secret).encode()
            base = f"v0:{stamp}:{body}".encode()
            signature = "v0=" + hmac.new(key, base, hashlib.sha256).hexdigest()
        self.last_sent = Signed(body, content_type, stamp, signature)
        request = urllib.request.Request(
            self.app_url,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": str(stamp),
                "X-Slack-Signature": signature,
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
                **(headers or {}),
            },
        )
        try:
            with _OPENER.open(request, timeout=30) as answer:
                reply = Reply(answer.status, answer.read().decode(), None)
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, error.read().decode(), None)
        reply.json = _parse(reply.body)
        if on_answer is not None:
            on_answer(reply)
        if self.settle is not None:
            self.settle()
        return reply

    def replay(self, sent: Signed) -> Reply:
        """Send a request again byte for byte, signature and timestamp included."""
        return self.send(sent.body, sent.content_type, timestamp=sent.timestamp,
                         signature=sent.signature)  # fmt: skip

    def retry(self, sent: Signed, number: int = 1, reason: str = "http_timeout") -> Reply:
        """Slack's own retry of an event: the same body, signed anew, with the retry headers."""
        headers = {"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": reason}
        return self.send(sent.body, sent.content_type, headers=headers)

    def send_event(self, event: dict, event_id: str | None = None) -> Reply:
        """An Events API callback carrying `event`, as JSON (a fresh event_id unless given)."""
        number = next(self._events)
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.fake.team_id,
            "api_app_id": self.fake.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev0SIM{number:06d}",
            "event_time": int(self.clock()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.fake.team_id,
                    "user_id": self.fake.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        return self.send(json.dumps(envelope), "application/json")

    def interact(self, payload: dict, on_answer: Callable[[Reply], None] | None = None) -> Reply:
        """An interactivity request: form field `payload` holding JSON."""
        return self.send(urlencode({"payload": json.dumps(payload)}), FORM, on_answer=on_answer)

    def view_state(self, view: dict) -> dict:
        return forms.view_state(view, self.values.get(view["id"], {}))


class SimActor:
    """One person's Slack client: what they can type, click, fill and see."""

    def __init__(self, driver: SlackDriver, user_id: str) -> None:
        self.driver = driver
        self.fake = driver.fake
        self.user_id = user_id

    # -- what they see -----------------------------------------------------------------------

    def modal(self) -> dict | None:
        return self.fake.modal(self.user_id)

    def home(self) -> dict | None:
        return self.fake.home(self.user_id)

    def seen(self) -> list[Seen]:
        return self.fake.seen_by(self.user_id)

    def last(self) -> Seen:
        """The newest thing this person saw."""
        seen = self.seen()
        assert seen, f"{self.user_id} has seen nothing yet"
        return seen[-1]

    # -- what they do ------------------------------------------------------------------------

    def _person(self) -> SimUser:
        return self.fake.user(self.user_id)

    def _user_json(self) -> dict[str, str]:
        person = self._person()
        return {"id": person.id, "username": person.name, "name": person.name,
                "team_id": self.fake.team_id}  # fmt: skip

    def _now(self) -> str:
        return self.driver.new_ts()

    def command(
        self, text: str = "", command: str = "/mentor", channel_id: str | None = None
    ) -> Reply:
        """Type a slash command; a text or blocks answer shows as a private "ack"."""
        person = self._person()
        channel = channel_id or self.fake.dm_channel(self.user_id)
        body = urlencode({
            "token": VERIFICATION_TOKEN,
            "team_id": self.fake.team_id,
            "team_domain": "sim",
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else channel.lower(),
            "user_id": person.id,
            "user_name": person.name,
            "command": command,
            "text": text,
            "api_app_id": self.fake.app_id,
            "is_enterprise_install": "false",
            "response_url": self.fake.new_response_url(self.user_id, channel),
            "trigger_id": self.fake.new_trigger_id(self.user_id),
        })  # fmt: skip
        return self.driver.send(body, FORM, on_answer=lambda r: self._show_ack(r, channel))

    def _show_ack(self, reply: Reply, channel: str) -> None:
        if reply.status != 200 or not reply.body.strip():
            return
        data: dict[str, Any] = reply.json if reply.json is not None else {"text": reply.body}
        text, blocks = str(data.get("text") or ""), data.get("blocks") or []
        if not text and not blocks:
            return
        for problem in [*message_problems(text, blocks), *message_gaps(text, blocks)]:
            self.fake.report(f"slash command answer: {problem}")
        shown = with_ids(blocks) if isinstance(blocks, list) else []
        self.fake.record(Seen("ack", self.user_id, channel=channel, text=text, blocks=shown))

    def open_home(self) -> Reply:
        """Open the app's Home tab."""
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": self.user_id,
            "channel": self.fake.dm_channel(self.user_id),
            "tab": "home",
            "event_ts": self._now(),
        }
        home = self.fake.home(self.user_id)
        if home is not None:
            event["view"] = home
        return self.driver.send_event(event)

    def user_change(self, **changes: Any) -> Reply:
        """Change this person's profile (e.g. tz) and tell the app, as Slack does."""
        person = self._person()
        for name, value in changes.items():
            if not hasattr(person, name):
                raise AttributeError(f"SimUser has no field {name!r}")
            setattr(person, name, value)
        event = {
            "type": "user_change",
            "user": self.fake.user_info(self.user_id),
            "cache_ts": int(self.driver.clock()),
            "event_ts": self._now(),
        }
        return self.driver.send_event(event)

    def click(self, text: str, *, near: str | None = None, where: str | None = None) -> Reply:
        """Click the button that reads `text` (near some text, on some surface)."""
        places = finder.surfaces(self.fake, self.user_id, where)
        found = finder.find(places, near, finder.is_button(text.strip()))
        if found is None:
            shown = "; ".join(finder.visible_buttons(places)) or "none"
            raise AssertionError(f"{self.user_id} sees no button {text!r}; buttons: {shown}")
        return self.press(found)

    def press(self, found: finder.Found) -> Reply:
        """Click a button already located, e.g. one picked on one message by a load script
        that cannot afford `click`'s search through everything the person can see."""
        element = found.element
        action: dict[str, Any] = {"type": "button", "text": element.get("text")}
        for key in ("value", "style", "url"):
            if key in element:
                action[key] = element[key]
        return self._act(found, action)

    def pick(self, option_text: str, *, near: str | None = None, where: str | None = None) -> Reply:
        """Choose an option of a select, overflow, radio or checkbox group."""
        places = finder.surfaces(self.fake, self.user_id, where)
        found = finder.find(places, near, finder.has_option(option_text.strip()))
        if found is None:
            shown = "; ".join(finder.visible_options(places)) or "none"
            raise AssertionError(f"{self.user_id} sees no option {option_text!r}; options: {shown}")
        element = found.element
        option = forms.option_by_text(element, option_text)
        action: dict[str, Any] = {"type": element.get("type")}
        if element.get("type") == "checkboxes":
            chosen = [o for o in element.get("initial_options") or [] if o != option]
            if len(chosen) == len(element.get("initial_options") or []):
                chosen.append(option)
            action["selected_options"] = chosen
        else:
            action["selected_option"] = option
        if "placeholder" in element:
            action["placeholder"] = element["placeholder"]
        if found.surface.view is not None:
            entry = {k: v for k, v in action.items() if k != "placeholder"}
            key = (found.block["block_id"], element["action_id"])
            self.driver.values.setdefault(found.surface.view["id"], {})[key] = entry
        return self._act(found, action)

    def _act(self, found: finder.Found, action: dict[str, Any]) -> Reply:
        action = {**action, "action_id": found.element.get("action_id"),
                  "block_id": found.block.get("block_id"), "action_ts": self._now()}  # fmt: skip
        return self.driver.interact(self._action_payload(found.surface, action))

    def _action_payload(self, surface: finder.Surface, action: dict[str, Any]) -> dict:
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user_json(),
            "api_app_id": self.fake.app_id,
            "token": VERIFICATION_TOKEN,
            "team": {"id": self.fake.team_id, "domain": "sim"},
            "enterprise": None,
            "is_enterprise_install": False,
            "trigger_id": self.fake.new_trigger_id(self.user_id),
            "actions": [action],
        }
        if surface.view is not None:
            view = {**surface.view, "state": self.driver.view_state(surface.view)}
            payload["container"] = {"type": "view", "view_id": view["id"]}
            payload["view"] = view
            return payload
        seen = surface.seen
        assert seen is not None and seen.channel and seen.ts
        ephemeral = self.fake.is_ephemeral(seen.channel, seen.ts)
        payload["container"] = {"type": "message", "message_ts": seen.ts,
                                "channel_id": seen.channel, "is_ephemeral": ephemeral}  # fmt: skip
        name = "directmessage" if seen.channel.startswith("D") else seen.channel.lower()
        payload["channel"] = {"id": seen.channel, "name": name}
        if not ephemeral:  # Slack leaves the message out for ephemeral ones
            payload["message"] = message_json(self.fake, seen)
        payload["state"] = {"values": {}}
        payload["response_url"] = self.fake.new_response_url(self.user_id, seen.channel, seen)
        return payload

    # -- modals ------------------------------------------------------------------------------

    def _top_modal(self) -> dict:
        view = self.fake.modal(self.user_id)
        assert view is not None, f"{self.user_id} has no modal open"
        return view

    def fill(self, label: str, value: forms.FillValue) -> None:
        """Set the input labelled `label` in the top modal; kept until submit."""
        view = self._top_modal()
        block = forms.find_input(view, label)
        element = block.get("element") or {}
        entry = forms.entry_for(element, value)
        key = (str(block["block_id"]), str(element.get("action_id")))
        self.driver.values.setdefault(view["id"], {})[key] = entry
        if block.get("dispatch_action"):
            surface = finder.Surface("modal", view["blocks"], view=view)
            found = finder.Found(surface, block, element)
            self._act(found, {k: v for k, v in entry.items()})

    def submit(self) -> Reply:
        """Press the top modal's submit button and let Slack apply the app's answer."""
        view = self._top_modal()
        payload = {
            "type": "view_submission",
            "team": {"id": self.fake.team_id, "domain": "sim"},
            "user": self._user_json(),
            "api_app_id": self.fake.app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.fake.new_trigger_id(self.user_id),
            "view": {**view, "state": self.driver.view_state(view)},
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        reply = self.driver.interact(payload, on_answer=lambda r: self._after_submit(r, view))
        reply.view = view
        return reply

    def close(self) -> None:
        """Press the top modal's close button (Cancel, Done): Slack closes that view. No view of
        the app asks to hear of it (`notify_on_close`), so nothing is sent."""
        view = self._top_modal()
        assert not view.get("notify_on_close"), "view_closed is not simulated"
        self.fake.close_top_modal(self.user_id)

    def _after_submit(self, reply: Reply, view: dict) -> None:
        """What Slack does with a view_submission answer."""
        reply.view = view
        if reply.status != 200:
            return
        data = reply.json or {}
        action = data.get("response_action")
        if not reply.body.strip() or action is None:
            self.fake.close_top_modal(self.user_id)
        elif action == "clear":
            self.fake.clear_modals(self.user_id)
        elif action == "update":
            self.fake.replace_top_modal(self.user_id, data.get("view") or {})
        elif action == "push":
            self.fake.push_modal(self.user_id, data.get("view") or {})
        elif action == "errors":
            self._show_errors(reply, view)
        else:
            self.fake.report(f"view_submission: unknown response_action {action!r}")

    def _show_errors(self, reply: Reply, view: dict) -> None:
        inputs = {b.get("block_id") for b in input_blocks(view.get("blocks") or [])}
        for block_id in (reply.json or {}).get("errors") or {}:
            if block_id not in inputs:
                self.fake.report(f"view_submission errors: {block_id!r} is not an input block")
        lines = "\n".join(f"! {label}: {message}" for label, message in reply.errors.items())
        self.fake.record(Seen("modal", self.user_id, view=view, blocks=view["blocks"], text=lines))
