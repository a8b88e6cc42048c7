"""Builders for modal input blocks; each reads back as `state.values[block_id]["value"]`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bot.blocks.kit import Block, clip, plain
from bot.ids import Action

Option = tuple[str, str]  # (visible text, value)


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(clip(text, 75)), "value": value}


def _input(block_id: str, label: str, element: Block, *, hint: str | None, optional: bool) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": {**element, "action_id": Action.INPUT.value},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def text_input(
    block_id: str,
    label: str,
    *,
    initial: str = "",
    placeholder: str | None = None,
    multiline: bool = False,
    max_length: int | None = None,
    hint: str | None = None,
    optional: bool = False,
) -> Block:
    element: Block = {"type": "plain_text_input", "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder)
    if max_length:
        element["max_length"] = max_length
    return _input(block_id, label, element, hint=hint, optional=optional)


def url_input(
    block_id: str, label: str, *, initial: str = "", hint: str | None = None, optional: bool = False
) -> Block:
    element: Block = {"type": "url_text_input"}
    if initial:
        element["initial_value"] = initial
    return _input(block_id, label, element, hint=hint, optional=optional)


def number_input(
    block_id: str,
    label: str,
    *,
    initial: int | None,
    minimum: int,
    maximum: int,
    hint: str | None = None,
) -> Block:
    element: Block = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": str(minimum),
        "max_value": str(maximum),
    }
    if initial is not None:
        element["initial_value"] = str(initial)
    return _input(block_id, label, element, hint=hint, optional=False)


def select(
    block_id: str,
    label: str,
    options: Sequence[Option],
    *,
    initial: str | None = None,
    hint: str | None = None,
    optional: bool = False,
) -> Block:
    element: Block = {"type": "static_select", "options": [option(t, v) for t, v in options]}
    chosen = [option(t, v) for t, v in options if v == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return _input(block_id, label, element, hint=hint, optional=optional)


def multi_select(
    block_id: str,
    label: str,
    options: Sequence[Option],
    *,
    initial: Sequence[str] = (),
    placeholder: str | None = None,
    hint: str | None = None,
    optional: bool = False,
) -> Block:
    element: Block = {
        "type": "multi_static_select",
        "options": [option(t, v) for t, v in options[:100]],
    }
    chosen = [option(t, v) for t, v in options[:100] if v in initial]
    if chosen:
        element["initial_options"] = chosen
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return _input(block_id, label, element, hint=hint, optional=optional)


def checkboxes(
    block_id: str,
    label: str,
    options: Sequence[Option],
    *,
    initial: Sequence[str] = (),
    hint: str | None = None,
    optional: bool = False,
) -> Block:
    element: Block = {"type": "checkboxes", "options": [option(t, v) for t, v in options]}
    chosen = [option(t, v) for t, v in options if v in initial]
    if chosen:
        element["initial_options"] = chosen
    return _input(block_id, label, element, hint=hint, optional=optional)


class PickerInput(Protocol):
    def __call__(
        self,
        block_id: str,
        label: str,
        *,
        initial: str | None = None,
        optional: bool = False,
        hint: str | None = None,
    ) -> Block: ...


def _picker(kind: str, initial_key: str) -> PickerInput:
    """An input of one of Slack's pickers (date, time, user), required unless `optional`."""

    def build(
        block_id: str,
        label: str,
        *,
        initial: str | None = None,
        optional: bool = False,
        hint: str | None = None,
    ) -> Block:
        element: Block = {"type": kind}
        if initial:
            element[initial_key] = initial
        return _input(block_id, label, element, hint=hint, optional=optional)

    return build


date_input = _picker("datepicker", "initial_date")
time_input = _picker("timepicker", "initial_time")
_user_picker = _picker("users_select", "initial_user")


def user_input(block_id: str, label: str, *, initial: str | None = None) -> Block:
    """Pick one person of the workspace (a users_select)."""
    return _user_picker(block_id, label, initial=initial)


def people_input(
    block_id: str,
    label: str,
    *,
    initial: Sequence[str] = (),
    most: int | None = None,
    hint: str | None = None,
    optional: bool = False,
) -> Block:
    """Pick several people of the workspace (a multi_users_select), up to `most` if given."""
    element: Block = {"type": "multi_users_select"}
    if most is not None:
        element["max_selected_items"] = most
    if initial:
        element["initial_users"] = list(initial)
    return _input(block_id, label, element, hint=hint, optional=optional)


def modal(
    callback_id: str,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = None,
    close: str = "Cancel",
    private_metadata: str = "",
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(clip(title, 24)),
        "close": plain(close),
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(submit)
    if private_metadata:
        view["private_metadata"] = private_metadata
    return view
