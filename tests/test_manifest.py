"""app_manifest.yml is a valid Slack manifest, in its HTTP and Socket Mode forms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot import manifest
from bot.cli import main

SCHEMA = json.loads(
    (Path(__file__).parent / "vendor" / "slack" / "manifest.schema.2.0.0.json").read_text()
)


def problems(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_manifest_file_matches_slacks_schema() -> None:
    """The file as committed passes Slack's official manifest schema."""
    assert problems(manifest.load_manifest()) == []


def test_schema_check_catches_mistakes() -> None:
    """The check has teeth: a wrongly typed setting and an overlong name are reported."""
    document = manifest.load_manifest()
    document["settings"]["socket_mode_enabled"] = "yes"
    document["display_information"]["name"] = "M" * 40
    assert len(problems(document)) >= 2


def test_manifest_declares_what_the_bot_uses() -> None:
    """One slash command, Home and Messages tabs, the two events, and only the scopes used."""
    document = manifest.load_manifest()
    assert [c["command"] for c in document["features"]["slash_commands"]] == ["/mentor"]
    assert document["features"]["app_home"]["home_tab_enabled"] is True
    assert document["features"]["app_home"]["messages_tab_enabled"] is True
    assert set(document["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "user_change",
    }
    assert document["settings"]["interactivity"]["is_enabled"] is True
    assert set(document["oauth_config"]["scopes"]["bot"]) == {
        "channels:read",  # conversations.info and .members on a public coordinators' channel
        "groups:read",  # the same on a private one
        "chat:write",
        "commands",
        "files:write",
        "mpim:write",  # the group DM of a mentorship pair
        "im:write",
        "usergroups:read",  # a programme open to a user group's members
        "users:read",
        "users:read.email",  # organizer and attendee e-mails of calendar invites
    }


def test_manifest_command_fills_the_url(capsys: pytest.CaptureFixture[str]) -> None:
    """`mentor-bot manifest --url` points every request URL at the host's /slack/events."""
    assert main(["manifest", "--url", "https://mentor.example.org/"]) == 0

    printed = yaml.safe_load(capsys.readouterr().out)
    url = "https://mentor.example.org/slack/events"
    assert printed["features"]["slash_commands"][0]["url"] == url
    assert printed["settings"]["event_subscriptions"]["request_url"] == url
    assert printed["settings"]["interactivity"]["request_url"] == url
    assert printed["settings"]["socket_mode_enabled"] is False
    assert problems(printed) == []


def test_socket_mode_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    """`mentor-bot manifest --socket-mode` drops the URLs and turns Socket Mode on."""
    assert main(["manifest", "--socket-mode"]) == 0

    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["settings"]["socket_mode_enabled"] is True
    assert "url" not in printed["features"]["slash_commands"][0]
    assert problems(printed) == []


def test_manifest_refuses_a_plain_http_url(capsys: pytest.CaptureFixture[str]) -> None:
    """Slack only calls https URLs, so an http one is refused with a clear line and status 2."""
    assert main(["manifest", "--url", "http://insecure.example.org"]) == 2
    assert "https://" in capsys.readouterr().err
