"""How every ``pytest-looker`` command reports a user-caused error (DESIGN.md §4).

One line on stderr and the contract's exit code: 2 for bad usage or configuration, 1 when the
checked thing failed. Any other exception is a bug in pytest-looker and keeps its traceback.
Shared by the command modules so that every subcommand behaves the same.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from pytest_looker.errors import ConfigurationError, LookerError

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(function: F) -> F:
    """Turn :class:`LookerError` into one line on stderr and exit 2 (configuration) or 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ConfigurationError as exc:
            click.echo(f"pytest-looker: error: {exc}", err=True)
            sys.exit(2)
        except LookerError as exc:
            click.echo(f"pytest-looker: error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
