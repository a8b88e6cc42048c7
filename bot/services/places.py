"""Where sessions happen: a video call needs a link, in person a place, a phone call may say
which number. One rule for a mentor's default (their profile) and one session's own."""

from __future__ import annotations

from urllib.parse import urlparse

from store.statuses import MeetingKind

LINK_MAX = 500
PLACE_MAX = 200


def check_place(kind: str, place: str, link: str) -> dict[str, str]:
    """Where sessions happen: a video call needs a link, in person a place (an office, a
    room); a phone call may say which number. Keyed "kind", "place" and "link"."""
    errors: dict[str, str] = {}
    if kind not in {known.value for known in MeetingKind}:
        return {"kind": "Choose a video call, in person or a phone call."}
    link, place = link.strip(), place.strip()
    if (link and not _is_web_link(link)) or (kind == MeetingKind.VIDEO and not link):
        errors["link"] = "Enter your video room as a full link, e.g. https://meet.example.com/ada."
    if kind == MeetingKind.IN_PERSON and not place:
        errors["place"] = "Say where you meet in person: an office, a floor, a room."
    elif len(place) > PLACE_MAX:
        errors["place"] = f"Keep the place to {PLACE_MAX} characters (it has {len(place)})."
    return errors


def _is_web_link(text: str) -> bool:
    parsed = urlparse(text)
    return (
        parsed.scheme in ("http", "https")
        and "." in parsed.netloc
        and " " not in text
        and len(text) <= LINK_MAX
    )
