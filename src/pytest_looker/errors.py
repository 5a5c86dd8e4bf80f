"""One error hierarchy for everything pytest-looker reports to a user.

Every error a user can cause (bad LookML, an unknown field, a malformed filter, a wrong
credential) is a :class:`LookerError`. It carries the location in the user's files when there
is one, so the CLI and the pytest plugin can print one clear sentence ``file:line: message``
instead of an internal traceback. Anything that is *not* a ``LookerError`` escaping to the user
is a bug in pytest-looker.
"""

from __future__ import annotations

from pytest_looker.immutable import record


@record
class Location:
    """A place in a user's file: the path as the user would write it and a 1-based line."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


class LookerError(Exception):
    """Base of every user-facing error; ``str()`` is the sentence to show the user."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ConfigurationError(LookerError):
    """Bad settings in pyproject.toml, the environment or the command line."""


class LookMLError(LookerError):
    """The LookML project cannot be used as asked (unknown model, explore or field...)."""


class CompileError(LookerError):
    """A query cannot be compiled to SQL: names the field and, where known, its file:line."""


class FilterSyntaxError(CompileError):
    """A Looker filter expression that does not parse."""


class ExpressionError(LookerError):
    """A Looker expression (data-test assert, table calculation) that cannot be evaluated."""


class BackendError(LookerError):
    """The database or the Looker API refused or failed a request."""


class ReplayOnlyError(LookerError):
    """Live work asked of a run that only replays recordings (``--looker-record=none``)."""


#: The command-line contract's exit codes (DESIGN.md §4).
EXIT_FAILED = 1
EXIT_USAGE = 2


def exit_code(error: LookerError) -> int:
    """2 for bad usage or configuration, 1 when the checked thing failed."""
    return EXIT_USAGE if isinstance(error, ConfigurationError) else EXIT_FAILED


def in_context(context: str, message: str) -> str:
    """``context: message``, unless ``message`` already starts with that context.

    Nested renderers (a field's SQL, its Liquid, a filter inside it) each name what they were
    rendering; an error passing through several of them must say it once, not
    ``orders.x: orders.x: orders.x: …``.
    """
    return message if message.startswith(f"{context}: ") else f"{context}: {message}"
