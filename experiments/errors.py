"""Domain errors raised by services; pages and the API translate them for people."""


class DomainError(Exception):
    """Base of the errors a service raises for a refused request."""

    status_code = 400

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class Invalid(DomainError):
    """Some fields are invalid; errors maps each field to its messages."""

    status_code = 422

    def __init__(self, errors: dict[str, list[str]], message: str = ""):
        super().__init__(message or "; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors
        self.summary = message  # the refusal as a whole, where the service said one


class FieldConflict(Invalid):
    """Well-formed fields that the stored data refuses (the year's budget has run out, the
    call has closed, a date before the pilot's start): pages show them by field, the API
    answers 409 with the same field messages."""

    status_code = 409


class NotAllowed(DomainError):
    """The user is known but may not do this."""

    status_code = 403


class Conflict(DomainError):
    """The move is not in the table from this state, or the version is stale."""

    status_code = 409


class TooManyAttempts(DomainError):
    """Too many failed attempts lately; retry_after is the seconds to wait (or None)."""

    status_code = 429

    def __init__(self, message: str = "", retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class StaleVersion(Conflict):
    """Someone else changed the record since it was loaded."""


class NeedsConfirmation(DomainError):
    """Allowed, but only once the person has confirmed it (spending over the allocation):
    nothing was written; the same request, confirmed, goes through."""

    status_code = 409


class UnsupportedFile(Invalid):
    """A file of a kind not taken, or whose content is not what its name says."""

    status_code = 415


class TooLarge(Invalid):
    """A file over its own limit, or one that would take its proposal over the proposal's."""

    status_code = 413
