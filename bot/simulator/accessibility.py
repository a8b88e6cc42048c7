"""What a screen reader or a notification would miss in a message: the simulator's a11y check.

Slack accepts a message with blocks and no top-level `text`, but then notifications and screen
readers have nothing to say; an image uploaded without alt text is a picture nobody can hear.
Each gap is recorded as a problem (the call still succeeds, as on Slack), so every flow test,
whose fixture asserts no problems, checks every message and file the app sends.
"""

from __future__ import annotations

import unicodedata
from typing import Any

IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def message_gaps(text: Any, blocks: Any) -> list[str]:
    """A message with blocks needs a top-level text that says something in words."""
    if not blocks:
        return []
    if not isinstance(text, str) or not text.strip():
        return [
            "text: a message with blocks needs a top-level text (notifications, screen readers)"
        ]
    if not any(unicodedata.category(c)[0] in "LN" for c in text):
        return [f"text: {text!r} has no words (emoji or punctuation alone)"]
    return []


def file_gaps(name: str, alt_text: str) -> list[str]:
    """An image needs alt text."""
    if name.lower().endswith(IMAGE_TYPES) and not alt_text.strip():
        return [f"{name}: an image needs alt text"]
    return []
