"""What the pulse, changing-course and closing forms share: field errors and text limits."""

from __future__ import annotations

from bot.services.errors import FieldErrors
from bot.services.mentorship_view import MentorshipError

TEXT_MAX = 1000
STARS_MIN, STARS_MAX = 1, 5


class InvalidForm(FieldErrors, MentorshipError):
    """One message per form field that needs fixing, keyed by the field's name."""


def check_stars(errors: dict[str, str], field: str, stars: int | None) -> None:
    if stars is None or not STARS_MIN <= stars <= STARS_MAX:
        errors[field] = f"Choose from {STARS_MIN} to {STARS_MAX} stars."


def check_text(
    errors: dict[str, str], field: str, value: str, *, required: str | None = None
) -> None:
    """A free text: required (with this message) or not, and never over TEXT_MAX."""
    length = len(value.strip())
    if required and not length:
        errors[field] = required
    elif length > TEXT_MAX:
        errors[field] = f"Keep this to {TEXT_MAX} characters (it has {length})."


def optional_text(value: str) -> str | None:
    return value.strip() or None
