"""How every ``pytest-looker`` command reports a user-caused error (DESIGN.md §4).

One line on stderr, secrets scrubbed, and the contract's exit code: 2 for bad usage or
configuration (and a missing optional dependency), 1 when the checked thing failed. Any other
exception is a bug in pytest-looker and keeps its traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from pytest_looker.errors import EXIT_USAGE, LookerError, exit_code

__all__ = ["fail", "user_errors"]

F = TypeVar("F", bound=Callable[..., Any])

#: The top-level module of an optional dependency → the extra that installs it.
_EXTRAS = {"looker_sdk": "looker", "starlette": "serve", "uvicorn": "serve", "psycopg": "postgres"}


def fail(message: str, code: int) -> None:
    """Print ``message`` as the one error line and exit with ``code``."""
    from pytest_looker.secrets import scrub  # its patterns (and logging) load only when an error is shown

    click.echo(f"pytest-looker: error: {scrub(message)}", err=True)
    sys.exit(code)


def user_errors(function: F) -> F:
    """Turn :class:`LookerError` (and a missing optional dependency) into one line and an exit code."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except LookerError as exc:
            fail(str(exc), exit_code(exc))
        except ImportError as exc:
            extra = _EXTRAS.get((exc.name or "").split(".")[0])
            if extra is None:
                raise
            fail(f"this command needs the '{extra}' extra: pip install 'pytest-looker[{extra}]' ({exc})", EXIT_USAGE)

    return wrapper  # type: ignore[return-value]
