"""The shape of Slack's envelopes, checked before Bolt's matchers and our listeners read them.

Slack always sends these fields with these types; a correctly signed body that lacks one (an
`actions` list that is empty, a view without `type`, a `state` that is not an object) is a bug
or a forgery, and Bolt's matchers or our listeners would raise on it. Only the envelope is
checked here: values people or the app chose (button values, typed text, private_metadata)
stay the listeners' and services' job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NUL = "\x00"

Check = Callable[[dict[str, Any]], str | None]


def strip_nuls(value: Any) -> Any:
    """`value` with NUL characters removed from every string, keys included.

    PostgreSQL refuses NUL in text columns; Slack never needs one, so it goes at the edge.
    """
    if isinstance(value, str):
        return value.replace(NUL, "") if NUL in value else value
    if isinstance(value, dict):
        return {strip_nuls(k): strip_nuls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_nuls(item) for item in value]
    return value


def kind_of(body: dict[str, Any]) -> str:
    """The kind of request: "command" for a slash command, else the payload's `type` (or "")."""
    if "command" in body and "type" not in body:
        return "command"
    kind = body.get("type")
    return kind if isinstance(kind, str) else ""


def problem(body: dict[str, Any]) -> str | None:
    """What is wrong with the envelope, in a few words for the log; None if nothing.

    Whatever its kind, a body must say what it is, and a `view` must be an object: Bolt reads
    both even to log a request that no listener handles.
    """
    kind = kind_of(body)
    if not kind:
        return "neither a string type nor a command"
    if "view" in body and not isinstance(body["view"], dict):
        return "view is not an object"
    check = CHECKS.get(kind)
    return None if check is None else check(body)


def _text(
    holder: dict[str, Any],
    name: str,
    *,
    required: bool = True,
    empty: bool = False,
    where: str = "",
) -> str | None:
    """A required field must be a string (non-empty unless `empty`); an optional one, if
    present, a string."""
    if name not in holder:
        return f"no {where}{name}" if required else None
    value = holder[name]
    if not isinstance(value, str):
        return f"{where}{name} is not a string"
    if required and not empty and not value:
        return f"{where}{name} is empty"
    return None


def _object(holder: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    if name not in holder:
        return f"no {name}" if required else None
    return None if isinstance(holder[name], dict) else f"{name} is not an object"


def _first(*problems: Callable[[], str | None]) -> str | None:
    for found in problems:
        if (text := found()) is not None:
            return text
    return None


def _user(body: dict[str, Any]) -> str | None:
    return _object(body, "user") or _text(body["user"], "id", where="user.")


def _state(holder: dict[str, Any], where: str) -> str | None:
    """`state.values` maps block ids to objects mapping action ids to objects."""
    if "state" not in holder:
        return None
    state = holder["state"]
    if not isinstance(state, dict):
        return f"{where}state is not an object"
    values = state.get("values", {})
    if not isinstance(values, dict):
        return f"{where}state.values is not an object"
    for block in values.values():
        if not isinstance(block, dict) or not all(isinstance(e, dict) for e in block.values()):
            return f"{where}state.values holds a block that is not an object of objects"
    return None


def _view(body: dict[str, Any], *, required: bool) -> str | None:
    if (found := _object(body, "view", required=required)) is not None or "view" not in body:
        return found
    view = body["view"]
    return _first(
        lambda: _text(view, "type", where="view."),
        lambda: _text(view, "id", required=False, where="view."),
        lambda: _text(view, "callback_id", required=False, where="view."),
        lambda: _text(view, "private_metadata", required=False, where="view."),
        lambda: _state(view, "view."),
    )


def _actions(body: dict[str, Any]) -> str | None:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        return "actions is not a non-empty list"
    for action in actions:
        if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
            return "an action has no string action_id"
        if not isinstance(action.get("block_id", ""), str):
            return "an action's block_id is not a string"
    return None


def _optional_objects(body: dict[str, Any], *names: str) -> str | None:
    return _first(*(lambda name=name: _object(body, name, required=False) for name in names))


def _block_actions(body: dict[str, Any]) -> str | None:
    return _first(
        lambda: _user(body),
        lambda: _text(body, "trigger_id"),
        lambda: _actions(body),
        lambda: _optional_objects(body, "container", "channel", "message", "team"),
        lambda: _text(body, "response_url", required=False),
        lambda: _state(body, ""),
        lambda: _view(body, required=False),
    )


def _view_submission(body: dict[str, Any]) -> str | None:
    return _first(
        lambda: _user(body),
        lambda: _text(body, "trigger_id"),
        lambda: _view(body, required=True),
        lambda: _text(body["view"], "callback_id", empty=True, where="view."),
        lambda: _optional_objects(body, "team"),
    )


def _view_closed(body: dict[str, Any]) -> str | None:
    return _first(
        lambda: _user(body),
        lambda: _view(body, required=True),
        lambda: _text(body["view"], "callback_id", empty=True, where="view."),
    )


def _block_suggestion(body: dict[str, Any]) -> str | None:
    return _first(
        lambda: _user(body),
        lambda: _text(body, "action_id"),
        lambda: _text(body, "block_id", required=False),
        lambda: _text(body, "value", required=False),
        lambda: _view(body, required=False),
    )


def _shortcut(body: dict[str, Any]) -> str | None:
    return _first(
        lambda: _user(body), lambda: _text(body, "trigger_id"), lambda: _text(body, "callback_id")
    )


def _command(body: dict[str, Any]) -> str | None:
    return _first(
        lambda: _text(body, "command"),
        lambda: _text(body, "user_id"),
        lambda: _text(body, "trigger_id"),
        lambda: _text(body, "response_url"),
        lambda: _text(body, "text", required=False),
    )


def _event_callback(body: dict[str, Any]) -> str | None:
    return _first(
        lambda: _object(body, "event"),
        lambda: _text(body["event"], "type", where="event."),
        lambda: _text(body, "event_id", required=False),
    )


CHECKS: dict[str, Check] = {
    "command": _command,
    "block_actions": _block_actions,
    "view_submission": _view_submission,
    "view_closed": _view_closed,
    "block_suggestion": _block_suggestion,
    "shortcut": _shortcut,
    "message_action": _shortcut,
    "event_callback": _event_callback,
}
