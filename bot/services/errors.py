"""Domain errors: each carries a sentence fit to show the user."""


class DomainError(Exception):
    """A rule of the program refused the request; `str(error)` is the user-facing reason."""
