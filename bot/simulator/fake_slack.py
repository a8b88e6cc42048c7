"""A fake Slack workspace on loopback that the real app's WebClient talks to.

It keeps what each person saw (messages, modals, Home tabs, files) so tests and the demo can
check and print it, refuses what Slack would refuse (Block Kit, auth, used triggers), and can
answer with injected 429s and 5xx errors to exercise the app's retries.
"""

from __future__ import annotations

import copy
import itertools
import json
import secrets
import threading
from collections.abc import Callable, Iterable
from typing import Any

from bot.simulator import web_api
from bot.simulator.blockkit import view_problems
from bot.simulator.http_server import Answer, FakeSlackServer, json_answer
from bot.simulator.records import MESSAGE_KINDS, ApiCall, Seen, SimChannel, SimUser
from bot.simulator.surfaces import with_ids

__all__ = ["ApiCall", "FakeSlack", "Seen", "SimChannel", "SimUser"]

MAX_MODAL_STACK = 3
# API errors a correct app meets in production (people leave, messages and modals go away,
# races); any other refusal means the app did something wrong and is listed in `problems`.
HARMLESS_ERRORS = frozenset(
    {
        "user_not_found", "channel_not_found", "message_not_found", "not_found",
        "hash_conflict", "ratelimited", "internal_error",
        "no_such_subteam",  # a user group id a coordinator mistyped (programmes)
        "missing_scope",  # only when a test withholds a scope (without_scopes)
    }
)  # fmt: skip


class FakeSlack:
    """The simulated workspace: state, the HTTP server, and questions tests ask about it."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-sim-token",
        team_id: str = "T0SIM",
        bot_user_id: str = "U0BOT",
    ) -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = "B0SIM"
        self.app_id = "A0SIM"
        self.base_url = ""
        self.root_url = ""
        self.calls: list[ApiCall] = []
        self.problems: list[str] = []
        self._lock = threading.RLock()
        self._counter = itertools.count(1)
        self._users: dict[str, SimUser] = {}
        self._dm_users: dict[str, str] = {}
        self._seen: list[Seen] = []
        self._messages: dict[tuple[str, str], Seen] = {}
        self._ephemeral: set[tuple[str, str]] = set()
        self._stacks: dict[str, list[dict]] = {}
        self._homes: dict[str, dict] = {}
        self._triggers: dict[str, str] = {}
        self._responses: dict[str, tuple[str, str, tuple[str, str] | None]] = {}
        self._uploads: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, list[tuple[int, int | None]]] = {}
        self._listeners: list[Callable[[Seen], None]] = []
        self._channels: dict[str, SimChannel] = {}
        self._groups: dict[str, tuple[str, ...]] = {}
        self.user_groups: dict[str, tuple[str, ...]] = {}  # usergroup id -> member ids
        self.withheld_scopes: set[str] = set()
        self._server: FakeSlackServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Serve on an ephemeral loopback port in a daemon thread."""
        server = FakeSlackServer(self)
        self._server = server
        self.root_url = f"http://127.0.0.1:{server.server_address[1]}"
        self.base_url = f"{self.root_url}/api/"
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="fake-slack", daemon=True
        )  # a short poll interval makes stop() quick
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- people and ids ----------------------------------------------------------------------

    def add_user(self, id: str, real_name: str, tz: str, name: str | None = None) -> SimUser:
        """Add a person; `name` defaults to a handle made from the first name, and their
        profile's e-mail is that handle at example.com."""
        handle = name or real_name.split()[0].lower()
        user = SimUser(
            id=id, name=handle, real_name=real_name, tz=tz, email=f"{handle}@example.com"
        )
        with self._lock:
            self._users[id] = user
            self.dm_channel(id)
        return user

    def user(self, id: str) -> SimUser:
        with self._lock:
            if id not in self._users:
                raise KeyError(f"no simulated user {id}")
            return self._users[id]

    def has_user(self, id: str) -> bool:
        with self._lock:
            return id in self._users

    def user_info(self, id: str) -> dict:
        """The users.info `user` object for a person, as events like user_change carry it."""
        return self.user(id).to_api(self.team_id)

    def dm_channel(self, user_id: str) -> str:
        """The stable id of the bot's DM with a person ("U0ADA" -> "D0ADA")."""
        channel = "D" + (user_id[1:] if user_id[:1] in ("U", "W") else user_id)
        with self._lock:
            self._dm_users[channel] = user_id
        return channel

    def dm_user(self, channel_id: str) -> str | None:
        """Whose DM with the bot a channel is, if it is one."""
        with self._lock:
            return self._dm_users.get(channel_id)

    # -- channels ----------------------------------------------------------------------------

    def add_channel(
        self, id: str, name: str, *, private: bool, members: Iterable[str] = ()
    ) -> SimChannel:
        """A public or private channel with its members (the bot is one only if listed)."""
        channel = SimChannel(id=id, name=name, is_private=private, members=list(members))
        with self._lock:
            self._channels[id] = channel
        return channel

    def add_user_group(self, id: str, members: Iterable[str]) -> None:
        """A user group (a "subteam", id S...) and its members, for usergroups.users.list."""
        with self._lock:
            self.user_groups[id] = tuple(members)

    def open_group(self, people: Iterable[str]) -> str:
        """The group DM of these people and the bot (the same one each time it is opened)."""
        members = tuple(sorted(set(people)))
        channel = "G" + "".join(p[1:] for p in members)[:20]
        with self._lock:
            self._groups[channel] = members
        return channel

    def group_members(self, channel_id: str) -> tuple[str, ...]:
        """Who is in a group DM the bot opened (empty for any other channel)."""
        with self._lock:
            return self._groups.get(channel_id, ())

    def channel(self, id: str) -> SimChannel | None:
        with self._lock:
            return self._channels.get(id)

    def without_scopes(self, *scopes: str) -> None:
        """Answer as Slack does for an app installed without these scopes: missing_scope."""
        with self._lock:
            self.withheld_scopes.update(scopes)

    def new_ts(self) -> str:
        """A unique, increasing message timestamp."""
        number = next(self._counter)
        return f"{1_700_000_000 + number // 10_000}.{(number % 10_000) * 100:06d}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}0SIM{next(self._counter):06d}"

    def new_response_url(self, user_id: str, channel_id: str, source: Seen | None = None) -> str:
        """A response_url for a person; with `source`, replace/delete_original act on it."""
        token = secrets.token_hex(8)
        key = (source.channel, source.ts) if source and source.channel and source.ts else None
        with self._lock:
            self._responses[token] = (user_id, channel_id, key)
        return f"{self.root_url}/response/{self.team_id}/{token}"

    def new_trigger_id(self, user_id: str) -> str:
        """A single-use trigger_id, as each interaction gets."""
        trigger = f"{next(self._counter)}.{secrets.randbelow(10**9)}.{secrets.token_hex(8)}"
        with self._lock:
            self._triggers[trigger] = user_id
        return trigger

    def use_trigger(self, trigger_id: str) -> str | None:
        """Spend a trigger; whose it was, or None if unknown or already used."""
        with self._lock:
            return self._triggers.pop(trigger_id, None)

    # -- failure injection and listeners ----------------------------------------------------

    def fail(
        self, method: str, status: int, *, times: int = 1, retry_after: int | None = None
    ) -> None:
        """Make the next `times` calls to `method` answer HTTP `status` without doing anything."""
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, retry_after)] * times)

    def subscribe(self, listener: Callable[[Seen], None]) -> None:
        """Be told of everything anyone sees, as it happens."""
        with self._lock:
            self._listeners.append(listener)

    def report(self, problem: str) -> None:
        """Note something the app did that real Slack would refuse."""
        with self._lock:
            self.problems.append(problem)

    # -- what people saw ---------------------------------------------------------------------

    def record(self, seen: Seen) -> None:
        """Note that someone saw something; messages get a ts and can later be clicked."""
        with self._lock:
            if seen.kind in MESSAGE_KINDS and seen.channel and seen.ts is None:
                seen.ts = self.new_ts()
            if seen.kind in MESSAGE_KINDS and seen.channel and seen.ts:
                key = (seen.channel, seen.ts)
                self._messages[key] = seen
                if seen.kind in ("ephemeral", "ack", "response"):
                    self._ephemeral.add(key)
            self._emit(seen)

    def store_message(self, seen: Seen, *, ephemeral: bool) -> None:
        """Keep a message's current content (posting, updating, replacing) and tell listeners."""
        assert seen.channel and seen.ts
        with self._lock:
            key = (seen.channel, seen.ts)
            self._messages[key] = seen
            if ephemeral:
                self._ephemeral.add(key)
            self._emit(seen)

    def remove_message(self, channel: str, ts: str) -> Seen | None:
        with self._lock:
            self._ephemeral.discard((channel, ts))
            return self._messages.pop((channel, ts), None)

    def is_ephemeral(self, channel: str, ts: str) -> bool:
        with self._lock:
            return (channel, ts) in self._ephemeral

    def _emit(self, seen: Seen) -> None:
        with self._lock:
            self._seen.append(seen)
            for listener in list(self._listeners):
                listener(seen)

    def seen_all(self) -> list[Seen]:
        """Everything anyone (or any channel) saw, in order."""
        with self._lock:
            return list(self._seen)

    def seen_by(self, user_id: str) -> list[Seen]:
        """Everything that person saw, in order."""
        with self._lock:
            return [seen for seen in self._seen if seen.audience == user_id]

    def channel_messages(self, channel_id: str) -> list[Seen]:
        """The channel's messages as they stand now (edits applied, deletions gone)."""
        with self._lock:
            return [
                seen
                for key, seen in sorted(self._messages.items(), key=lambda item: float(item[0][1]))
                if key[0] == channel_id and key not in self._ephemeral
            ]

    def message(self, channel: str, ts: str) -> Seen | None:
        with self._lock:
            return self._messages.get((channel, ts))

    def visible_messages(self, user_id: str) -> list[Seen]:
        """Messages the person can still see and click, newest first, as they stand now."""
        with self._lock:
            found: list[Seen] = []
            done: set[tuple[str, str]] = set()
            for seen in reversed(self._seen):
                if seen.kind not in MESSAGE_KINDS or not seen.channel or not seen.ts:
                    continue
                if seen.audience != user_id and seen.audience[:1] not in ("C", "G"):
                    continue
                key = (seen.channel, seen.ts)
                if key in done or key not in self._messages:
                    continue
                done.add(key)
                found.append(self._messages[key])
            return found

    # -- views -------------------------------------------------------------------------------

    def home(self, user_id: str) -> dict | None:
        """The Home view last published for the person."""
        with self._lock:
            return self._homes.get(user_id)

    def modal(self, user_id: str) -> dict | None:
        """The view on top of the person's modal stack, if a modal is open."""
        with self._lock:
            stack = self._stacks.get(user_id) or []
            return stack[-1] if stack else None

    def modal_stack(self, user_id: str) -> list[dict]:
        with self._lock:
            return list(self._stacks.get(user_id) or [])

    def make_view(self, view: dict, *, view_id: str | None = None, root: str | None = None,
                  previous: str | None = None) -> dict:  # fmt: skip
        """A stored view as Slack returns it: ids, hash, empty state, filled-in defaults."""
        full = copy.deepcopy(view)
        full["blocks"] = with_ids(view.get("blocks"))
        new_id = view_id or self.new_id("V")
        for key, default in (
            ("private_metadata", ""), ("callback_id", ""), ("external_id", ""),
            ("clear_on_close", False), ("notify_on_close", False),
        ):  # fmt: skip
            full.setdefault(key, default)
        full.update(
            id=new_id,
            team_id=self.team_id,
            app_id=self.app_id,
            bot_id=self.bot_id,
            hash=f"{self.new_ts()}.{secrets.token_hex(4)}",
            state={"values": {}},
            root_view_id=root or new_id,
            previous_view_id=previous,
        )
        return full

    def check_view(self, view: dict, kind: str, where: str) -> list[str]:
        """Problems Slack would refuse a view for, also recorded in `problems`."""
        problems = view_problems(view)
        if not problems and view.get("type") != kind:
            problems = [f"view.type: {view.get('type')!r} where {kind!r} is needed"]
        with self._lock:
            self.problems.extend(f"{where}: {problem}" for problem in problems)
        return problems

    def push_modal(self, user_id: str, view: dict) -> dict | None:
        """Put a view on top of the person's modal stack (None if Slack would refuse it)."""
        with self._lock:
            stack = self._stacks.setdefault(user_id, [])
            if self.check_view(view, "modal", "views.push"):
                return None
            if len(stack) >= MAX_MODAL_STACK:
                self.problems.append(f"views.push: more than {MAX_MODAL_STACK} stacked modals")
                return None
            root = stack[0]["id"] if stack else None
            full = self.make_view(view, root=root, previous=stack[-1]["id"] if stack else None)
            stack.append(full)
            self._emit(Seen("modal", user_id, view=full, blocks=full["blocks"]))
            return full

    def replace_top_modal(self, user_id: str, view: dict) -> dict | None:
        """Swap the top modal's content, keeping its id (response_action "update")."""
        with self._lock:
            stack = self._stacks.get(user_id) or []
            if not stack:
                self.problems.append("update of a modal that is not open")
                return None
            if self.check_view(view, "modal", "response_action update"):
                return None
            return self.put_view(user_id, stack[-1], view)

    def put_view(self, user_id: str, old: dict, view: dict) -> dict:
        """Replace a stored modal or Home view with new content, wherever it is."""
        with self._lock:
            full = self.make_view(
                view, view_id=old["id"], root=old.get("root_view_id"),
                previous=old.get("previous_view_id"),
            )  # fmt: skip
            if self._homes.get(user_id) is old:
                self._homes[user_id] = full
                self._emit(Seen("home", user_id, view=full, blocks=full["blocks"]))
                return full
            stack = self._stacks.get(user_id) or []
            stack[[v["id"] for v in stack].index(old["id"])] = full
            self._emit(Seen("modal", user_id, view=full, blocks=full["blocks"]))
            return full

    def publish_home(self, user_id: str, view: dict) -> dict:
        with self._lock:
            old = self._homes.get(user_id)
            full = self.make_view(view, view_id=old["id"] if old else None)
            self._homes[user_id] = full
            self._emit(Seen("home", user_id, view=full, blocks=full["blocks"]))
            return full

    def find_view(self, view_id: str | None, external_id: str | None) -> tuple[str, dict] | None:
        """Whose view it is and the view, by id or external_id, among modals and Homes."""
        with self._lock:
            views = [(u, v) for u, stack in self._stacks.items() for v in stack]
            views += list(self._homes.items())
            for user_id, view in views:
                if (view_id and view["id"] == view_id) or (
                    external_id and view.get("external_id") == external_id
                ):
                    return user_id, view
            return None

    def close_top_modal(self, user_id: str) -> None:
        with self._lock:
            stack = self._stacks.get(user_id) or []
            if stack:
                stack.pop()

    def clear_modals(self, user_id: str) -> None:
        with self._lock:
            self._stacks[user_id] = []

    # -- files -------------------------------------------------------------------------------

    def new_upload(self, filename: str, length: int, *, alt_text: str = "") -> tuple[str, str]:
        """Reserve an upload: (file id, the URL the bytes go to)."""
        file_id = self.new_id("F")
        with self._lock:
            self._uploads[file_id] = {
                "name": filename,
                "length": length,
                "content": None,
                "alt_txt": alt_text,
            }
        return file_id, f"{self.root_url}/upload/{file_id}"

    def upload(self, file_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._uploads.get(file_id)

    # -- HTTP entry points -------------------------------------------------------------------

    def handle_api(self, method: str, params: dict[str, Any], token: str | None) -> Answer:
        """Answer one Web API call as Slack would, recording it."""
        with self._lock:
            queued = self._failures.get(method)
            if queued:
                status, retry_after = queued.pop(0)
                return self._injected(method, params, status, retry_after)
            if token != self.bot_token:
                return self._refuse(method, params, "invalid_auth", {})
            handler = web_api.METHODS.get(method)
            if handler is None:
                return self._refuse(method, params, "unknown_method", {})
            try:
                body = handler(self, params)
            except web_api.ApiError as error:
                return self._refuse(method, params, error.error, error.extra)
            self.calls.append(ApiCall(method, params, 200, True, None))
            return json_answer(200, {"ok": True, **body})

    def _injected(self, method: str, params: dict, status: int, retry_after: int | None) -> Answer:
        error = "ratelimited" if status == 429 else "internal_error"
        self.calls.append(ApiCall(method, params, status, False, error))
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        if status == 429 and not headers:
            headers = {"Retry-After": "1"}
        return json_answer(status, {"ok": False, "error": error}, headers)

    def _refuse(self, method: str, params: dict, error: str, extra: dict) -> Answer:
        self.calls.append(ApiCall(method, params, 200, False, error))
        if error not in HARMLESS_ERRORS and not extra.get("errors"):
            self.problems.append(f"{method}: {error} ({_brief(params)})")
        return json_answer(200, {"ok": False, "error": error, **extra})

    def handle_response_url(self, path: str, body: bytes) -> Answer:
        """A POST to a response_url: a private reply, or a replacement of the source message."""
        token = path.rsplit("/", 1)[-1]
        with self._lock:
            target = self._responses.get(token)
            if target is None:
                return json_answer(404, {"ok": False, "error": "no_such_response_url"})
            payload = json.loads(body.decode("utf-8") or "{}")
            if not isinstance(payload, dict):
                raise ValueError("a response_url body must be a JSON object")
            error = web_api.respond(self, target, payload)
            if error:
                return json_answer(
                    400 if error != "not_found" else 404, {"ok": False, "error": error}
                )
            return json_answer(200, {"ok": True})

    def handle_upload(self, file_id: str, body: bytes) -> Answer:
        """The bytes of a file, sent to the URL files.getUploadURLExternal gave."""
        with self._lock:
            upload = self._uploads.get(file_id)
            if upload is None:
                return json_answer(404, {"ok": False, "error": "not_found"})
            upload["content"] = body
        return 200, {"Content-Type": "text/plain"}, f"OK - {len(body)}".encode()


def _brief(params: dict) -> str:
    """Parameters short enough for a problem line."""
    text = json.dumps(params, default=str)
    return text if len(text) <= 200 else text[:197] + "..."
