"""`app_manifest.yml`, adapted for HTTP mode (request URLs on a host) or for Socket Mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from bot.server import EVENTS_PATH

MANIFEST_PATH = Path(__file__).resolve().parent.parent / "app_manifest.yml"


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def for_http(manifest: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Point every request URL at `base_url` + /slack/events, where `mentor-bot serve` listens."""
    parsed = urlparse(base_url)
    if parsed.scheme != "https" or not parsed.netloc:
        raise ValueError(f"--url must be an https:// URL that Slack can reach, got {base_url!r}")
    url = f"https://{parsed.netloc}{parsed.path.rstrip('/')}{EVENTS_PATH}"
    for command in manifest["features"].get("slash_commands", []):
        command["url"] = url
    manifest["settings"]["event_subscriptions"]["request_url"] = url
    manifest["settings"]["interactivity"]["request_url"] = url
    manifest["settings"]["socket_mode_enabled"] = False
    return manifest


def for_socket_mode(manifest: dict[str, Any]) -> dict[str, Any]:
    """Socket Mode needs no public URL: Slack delivers everything over the app's WebSocket."""
    for command in manifest["features"].get("slash_commands", []):
        command.pop("url", None)
    manifest["settings"]["event_subscriptions"].pop("request_url", None)
    manifest["settings"]["interactivity"].pop("request_url", None)
    manifest["settings"]["socket_mode_enabled"] = True
    return manifest


def dump(manifest: dict[str, Any]) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
