"""Domain errors: each carries a sentence fit to show the user."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A rule of the program refused the request; `str(error)` is the user-facing reason.
    `field` names the form input it belongs to, when a form sent it."""

    field: str | None = None

    def by_field(self) -> dict[str, str]:
        """The refusal as a form shows it: its field ("" when it names none) → its sentence."""
        return {self.field or "": str(self)}


class FieldErrors(DomainError):
    """A form refused field by field: one message per field that needs fixing, keyed by the
    service's name for the field. Each service's form error derives from it, so one helper
    (`handlers.forms.submit_or_errors`) shows any of them on the modal's own inputs."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)
        self.field = next(iter(errors), None)

    def by_field(self) -> dict[str, str]:
        return dict(self.errors)
