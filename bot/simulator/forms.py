"""Modal input values as Slack reports them in `view.state.values`.

A person types words and picks option texts; apps receive typed state entries. This module does
that translation, and fills in the initial values of inputs nobody touched, as Slack does.
"""

from __future__ import annotations

from typing import Any

from bot.simulator.surfaces import input_blocks, options_of, text_of

FillValue = str | list[str] | bool
TEXT_INPUTS = frozenset({"plain_text_input", "url_text_input", "email_text_input", "number_input"})
SINGLE_CHOICE = frozenset({"static_select", "radio_buttons", "external_select"})
MULTI_CHOICE = frozenset({"multi_static_select", "checkboxes", "multi_external_select"})
# Element type -> (state key, initial key) for elements whose value is an id or a string.
PLAIN_VALUES = {
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
    "users_select": ("selected_user", "initial_user"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_users_select": ("selected_users", "initial_users"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
}


def find_input(view: dict, label: str) -> dict:
    """The input block whose label reads `label`; AssertionError naming the labels otherwise."""
    blocks = list(input_blocks(view.get("blocks") or []))
    for block in blocks:
        if text_of(block.get("label")).strip() == label.strip():
            return block
    labels = ", ".join(repr(text_of(block.get("label"))) for block in blocks) or "none"
    raise AssertionError(f"no input labelled {label!r} in the modal; its labels: {labels}")


def option_by_text(element: dict, text: str) -> dict:
    """The option a person picks by what it says (or, failing that, by its value)."""
    options = options_of(element)
    for option in options:
        if text_of(option.get("text")).strip() == text.strip():
            return option
    for option in options:
        if option.get("value") == text:
            return option
    shown = ", ".join(repr(text_of(option.get("text"))) for option in options) or "none"
    raise AssertionError(f"no option {text!r}; the options are: {shown}")


def entry_for(element: dict, value: FillValue) -> dict[str, Any]:
    """The state entry for a person setting `element` to `value`."""
    kind = str(element.get("type"))
    entry: dict[str, Any] = {"type": kind}
    if kind in TEXT_INPUTS:
        entry["value"] = _text(value, kind)
    elif kind in SINGLE_CHOICE:
        entry["selected_option"] = option_by_text(element, _text(value, kind))
    elif kind in MULTI_CHOICE:
        entry["selected_options"] = _many(element, value)
    elif kind in PLAIN_VALUES:
        key = PLAIN_VALUES[kind][0]
        entry[key] = list(value) if key.endswith("s") and isinstance(value, list) else value
        if kind == "datetimepicker":
            entry[key] = int(str(value))
    elif kind == "rich_text_input":
        section = {"type": "rich_text_section", "elements": [{"type": "text", "text": value}]}
        entry["rich_text_value"] = {"type": "rich_text", "elements": [section]}
    else:
        raise AssertionError(f"the simulator cannot fill a {kind} element")
    return entry


def _text(value: FillValue, kind: str) -> str:
    if not isinstance(value, str):
        raise AssertionError(f"a {kind} takes a string, not {value!r}")
    return value


def _many(element: dict, value: FillValue) -> list[dict]:
    if value is True:
        return options_of(element)
    if value is False:
        return []
    texts = [value] if isinstance(value, str) else value
    return [option_by_text(element, text) for text in texts]


def initial_entry(element: dict) -> dict[str, Any]:
    """The state entry of an untouched element: its initial value, or empty."""
    kind = str(element.get("type"))
    entry: dict[str, Any] = {"type": kind}
    if kind in TEXT_INPUTS or kind == "rich_text_input":
        key = "rich_text_value" if kind == "rich_text_input" else "value"
        entry[key] = element.get("initial_value")
    elif kind in SINGLE_CHOICE:
        entry["selected_option"] = element.get("initial_option")
    elif kind in MULTI_CHOICE:
        entry["selected_options"] = list(element.get("initial_options") or [])
    elif kind in PLAIN_VALUES:
        key, initial = PLAIN_VALUES[kind]
        empty: Any = [] if key.endswith("s") else None
        entry[key] = element.get(initial, empty)
    return entry


def view_state(view: dict, filled: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """`view.state` as Slack sends it: every input, plus anything picked elsewhere in the view."""
    values: dict[str, dict[str, Any]] = {}
    for block in input_blocks(view.get("blocks") or []):
        element = block.get("element") or {}
        key = (str(block.get("block_id")), str(element.get("action_id")))
        values.setdefault(key[0], {})[key[1]] = filled.get(key) or initial_entry(element)
    present = {b.get("block_id") for b in view.get("blocks") or [] if isinstance(b, dict)}
    for (block_id, action_id), entry in filled.items():
        if block_id in present:
            values.setdefault(block_id, {}).setdefault(action_id, entry)
    return {"values": values}
