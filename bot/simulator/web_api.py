"""The Web API methods the app may call, each answering as Slack does (or refusing as it does).

Each method takes the FakeSlack and the decoded parameters and returns the answer's fields
beyond "ok"; a refusal raises ApiError with Slack's error code. FakeSlack holds the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.simulator.accessibility import file_gaps, message_gaps
from bot.simulator.blockkit import message_problems
from bot.simulator.records import Seen, SimChannel
from bot.simulator.surfaces import with_ids

if TYPE_CHECKING:
    from bot.simulator.fake_slack import FakeSlack


class ApiError(Exception):
    """Slack's `{"ok": false, "error": ...}` answer."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


Method = Callable[["FakeSlack", dict[str, Any]], dict[str, Any]]
METHODS: dict[str, Method] = {}


def method(name: str) -> Callable[[Method], Method]:
    def register(function: Method) -> Method:
        METHODS[name] = function
        return function

    return register


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _required(params: dict[str, Any], *names: str) -> None:
    missing = [name for name in names if params.get(name) in (None, "")]
    if missing:
        raise ApiError("invalid_arguments", response_metadata={"messages": [
            f"[ERROR] missing required field: {name}" for name in missing
        ]})  # fmt: skip


def _resolve(fake: FakeSlack, channel: Any) -> tuple[str, str | None]:
    """(channel id, the person when it is their DM with the bot); a user id means their DM."""
    channel = str(channel or "")
    if channel[:1] in ("U", "W"):
        if not fake.has_user(channel):
            raise ApiError("channel_not_found")
        return fake.dm_channel(channel), channel
    person = fake.dm_user(channel)
    if person is not None:
        return channel, person
    if channel[:1] in ("C", "G"):
        return channel, None
    raise ApiError("channel_not_found")


def _checked_message(fake: FakeSlack, params: dict[str, Any], *, where: str) -> tuple[str, list]:
    """The text and blocks to store, or a refusal for empty or invalid content."""
    text, blocks = params.get("text"), params.get("blocks")
    if not text and not blocks and not params.get("attachments"):
        raise ApiError("no_text")
    problems = message_problems(text, blocks)
    if problems:
        fake.problems.extend(f"{where}: {problem}" for problem in problems)
        raise ApiError("invalid_blocks", errors=problems)
    fake.problems.extend(f"{where}: {gap}" for gap in message_gaps(text, blocks))
    return str(text or ""), with_ids(blocks) if isinstance(blocks, list) else []


def message_json(fake: FakeSlack, seen: Seen) -> dict[str, Any]:
    """A stored message as Slack shows it in answers and interaction payloads."""
    return {
        "type": "message",
        "user": fake.bot_user_id,
        "bot_id": fake.bot_id,
        "app_id": fake.app_id,
        "team": fake.team_id,
        "ts": seen.ts,
        "text": seen.text,
        "blocks": seen.blocks,
    }


@method("auth.test")
def auth_test(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": "https://sim.slack.invalid/",
        "team": "Simulated Workspace",
        "user": "mentor-bot",
        "team_id": fake.team_id,
        "user_id": fake.bot_user_id,
        "bot_id": fake.bot_id,
        "is_enterprise_install": False,
    }


@method("users.info")
def users_info(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    _required(params, "user")
    if not fake.has_user(params["user"]):
        raise ApiError("user_not_found")
    user = fake.user_info(params["user"])
    if "users:read.email" in fake.withheld_scopes:  # Slack leaves the e-mail out, no error
        user["profile"].pop("email", None)
    return {"user": user}


@method("conversations.open")
def conversations_open(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("channel"):
        channel, _ = _resolve(fake, params["channel"])
        return {"channel": {"id": channel}, "no_op": True, "already_open": True}
    _required(params, "users")
    people = [p.strip() for p in str(params["users"]).split(",") if p.strip()]
    for person in people:
        if not fake.has_user(person):
            raise ApiError("user_not_found")
    if len(people) == 1:
        return {"channel": {"id": fake.dm_channel(people[0])}}
    return {"channel": {"id": fake.open_group(people)}}


def _known_channel(fake: FakeSlack, params: dict[str, Any]) -> SimChannel:
    """The channel a conversations.* call names, as a bot with channels:read and groups:read
    sees it: a private channel only when the bot is a member, else channel_not_found."""
    _required(params, "channel")
    channel = fake.channel(str(params["channel"]))
    if channel is None or (channel.is_private and fake.bot_user_id not in channel.members):
        raise ApiError("channel_not_found")
    needed = "groups:read" if channel.is_private else "channels:read"
    if needed in fake.withheld_scopes:
        raise ApiError("missing_scope", needed=needed, provided="chat:write,commands")
    return channel


@method("conversations.info")
def conversations_info(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    return {"channel": _known_channel(fake, params).to_api()}


@method("conversations.members")
def conversations_members(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    """One page of members; `cursor` is the index of the first one, as an opaque string."""
    members = _known_channel(fake, params).members
    start = int(params.get("cursor") or 0)
    limit = max(1, min(int(params.get("limit") or 100), 1000))
    following = str(start + limit) if start + limit < len(members) else ""
    return {
        "members": members[start : start + limit],
        "response_metadata": {"next_cursor": following},
    }


@method("usergroups.users.list")
def usergroups_users_list(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    """A user group's members; an unknown group is Slack's `no_such_subteam`."""
    _required(params, "usergroup")
    if "usergroups:read" in fake.withheld_scopes:
        raise ApiError("missing_scope", needed="usergroups:read")
    members = fake.user_groups.get(str(params["usergroup"]))
    if members is None:
        raise ApiError("no_such_subteam")
    return {"users": list(members)}


def _tell_group(fake: FakeSlack, seen: Seen) -> None:
    """A message in a group DM is seen by each of its members, as kind "group" (or "update")."""
    for member in fake.group_members(seen.channel or ""):
        kind = "group" if seen.kind == "channel" else seen.kind
        fake.record(Seen(kind, member, channel=seen.channel, ts=seen.ts, text=seen.text,
                         blocks=seen.blocks))  # fmt: skip


@method("chat.postMessage")
def chat_post_message(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    _required(params, "channel")
    channel, person = _resolve(fake, params["channel"])
    text, blocks = _checked_message(fake, params, where="chat.postMessage")
    kind, audience = ("dm", person) if person else ("channel", channel)
    seen = Seen(kind, audience, channel=channel, ts=fake.new_ts(), text=text, blocks=blocks)
    fake.store_message(seen, ephemeral=False)
    _tell_group(fake, seen)
    return {"channel": channel, "ts": seen.ts, "message": message_json(fake, seen)}


@method("chat.postEphemeral")
def chat_post_ephemeral(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    _required(params, "channel", "user")
    if not fake.has_user(params["user"]):
        raise ApiError("user_not_found")
    channel, _ = _resolve(fake, params["channel"])
    text, blocks = _checked_message(fake, params, where="chat.postEphemeral")
    seen = Seen(
        "ephemeral", params["user"], channel=channel, ts=fake.new_ts(), text=text, blocks=blocks
    )
    fake.store_message(seen, ephemeral=True)
    return {"message_ts": seen.ts}


def _existing(fake: FakeSlack, params: dict[str, Any]) -> tuple[str, str, str]:
    """(channel, ts, audience) of a stored, non-ephemeral message the app wants to change."""
    _required(params, "channel", "ts")
    channel, person = _resolve(fake, params["channel"])
    ts = str(params["ts"])
    if fake.message(channel, ts) is None or fake.is_ephemeral(channel, ts):
        raise ApiError("message_not_found")
    return channel, ts, person or channel


@method("chat.update")
def chat_update(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    channel, ts, audience = _existing(fake, params)
    text, blocks = _checked_message(fake, params, where="chat.update")
    seen = Seen("update", audience, channel=channel, ts=ts, text=text, blocks=blocks)
    fake.store_message(seen, ephemeral=False)
    _tell_group(fake, seen)
    return {"channel": channel, "ts": ts, "text": text, "message": message_json(fake, seen)}


@method("chat.delete")
def chat_delete(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    channel, ts, audience = _existing(fake, params)
    fake.remove_message(channel, ts)
    fake.record(Seen("delete", audience, channel=channel, ts=ts))
    return {"channel": channel, "ts": ts}


def _view_param(fake: FakeSlack, params: dict[str, Any], kind: str, where: str) -> dict:
    _required(params, "view")
    view = params["view"]
    if not isinstance(view, dict):
        fake.problems.append(f"{where}: view: must be a JSON object")
        raise ApiError("invalid_arguments", errors=["view: must be a JSON object"])
    problems = fake.check_view(view, kind, where)
    if problems:
        raise ApiError(
            "invalid_arguments",
            errors=problems,
            response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
        )
    return view


def _open_modal(fake: FakeSlack, params: dict[str, Any], where: str) -> dict[str, Any]:
    _required(params, "trigger_id")
    view = _view_param(fake, params, "modal", where)
    person = fake.use_trigger(str(params["trigger_id"]))
    if person is None:
        raise ApiError("invalid_trigger_id")
    full = fake.push_modal(person, view)
    if full is None:
        raise ApiError("push_limit_reached")
    return {"view": full}


@method("views.open")
def views_open(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    return _open_modal(fake, params, "views.open")


@method("views.push")
def views_push(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    return _open_modal(fake, params, "views.push")


@method("views.update")
def views_update(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    if not params.get("view_id") and not params.get("external_id"):
        _required(params, "view_id")
    found = fake.find_view(params.get("view_id"), params.get("external_id"))
    if found is None:
        raise ApiError("not_found")
    person, old = found
    view = _view_param(fake, params, old["type"], "views.update")
    if params.get("hash") and params["hash"] != old["hash"]:
        raise ApiError("hash_conflict")
    return {"view": fake.put_view(person, old, view)}


@method("views.publish")
def views_publish(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    _required(params, "user_id")
    if not fake.has_user(params["user_id"]):
        raise ApiError("user_not_found")
    view = _view_param(fake, params, "home", "views.publish")
    old = fake.home(params["user_id"])
    if params.get("hash") and old is not None and params["hash"] != old["hash"]:
        raise ApiError("hash_conflict")
    return {"view": fake.publish_home(params["user_id"], view)}


@method("files.getUploadURLExternal")
def files_get_upload_url_external(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    _required(params, "filename", "length")
    file_id, url = fake.new_upload(
        str(params["filename"]), int(params["length"]), alt_text=str(params.get("alt_txt") or "")
    )
    return {"upload_url": url, "file_id": file_id}


@method("files.completeUploadExternal")
def files_complete_upload_external(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    _required(params, "files")
    files = params["files"]
    if not isinstance(files, list) or not all(isinstance(f, dict) and "id" in f for f in files):
        fake.problems.append("files.completeUploadExternal: files must be a JSON list")
        raise ApiError("invalid_arguments", errors=["files: a JSON list of {id, title}"])
    target = params.get("channel_id") or str(params.get("channels") or "").split(",")[0]
    channel, person = _resolve(fake, target) if target else ("", None)
    answers = []
    for entry in files:
        upload = fake.upload(str(entry["id"]))
        if upload is None or upload["content"] is None:
            raise ApiError("file_not_found")
        info = {
            "id": entry["id"],
            "name": upload["name"],
            "title": entry.get("title") or upload["name"],
            "size": len(upload["content"]),
            "alt_txt": upload["alt_txt"],
            "channels": [channel] if channel else [],
        }
        answers.append(info)
        fake.problems.extend(
            f"files.completeUploadExternal: {gap}"
            for gap in file_gaps(upload["name"], upload["alt_txt"])
        )
        if channel:
            seen_file = {**info, "content": upload["content"]}
            text = str(params.get("initial_comment") or "")
            fake.record(Seen("file", person or channel, channel=channel, text=text, file=seen_file))
    return {"files": answers}


def respond(fake: FakeSlack, target: tuple[str, str, tuple[str, str] | None], payload: dict) -> str:
    """Apply a response_url POST; an error code, or "" when it worked."""
    person, channel, source = target
    if _flag(payload.get("delete_original")):
        if source is None or fake.remove_message(*source) is None:
            return "not_found"
        fake.record(Seen("delete", person, channel=source[0], ts=source[1]))
        return ""
    text, blocks = payload.get("text"), payload.get("blocks")
    if not text and not blocks:
        fake.problems.append(f"response_url: no_text ({payload})")
        return "no_text"
    problems = message_problems(text, blocks)
    if problems:
        fake.problems.extend(f"response_url: {problem}" for problem in problems)
        return "invalid_blocks"
    fake.problems.extend(f"response_url: {gap}" for gap in message_gaps(text, blocks))
    blocks = with_ids(blocks) if isinstance(blocks, list) else []
    if _flag(payload.get("replace_original")) and source and fake.message(*source):
        ephemeral = fake.is_ephemeral(*source)
        seen = Seen("response", person, channel=source[0], ts=source[1], text=str(text or ""),
                    blocks=blocks)  # fmt: skip
        fake.store_message(seen, ephemeral=ephemeral)
        return ""
    in_channel = payload.get("response_type") == "in_channel"
    seen = Seen("response", person, channel=channel, ts=fake.new_ts(), text=str(text or ""),
                blocks=blocks)  # fmt: skip
    fake.store_message(seen, ephemeral=not in_channel)
    return ""
