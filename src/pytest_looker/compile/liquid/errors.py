"""The one internal error type of the Liquid renderer.

Looker-specific problems found while rendering (an unknown parameter, an html-only variable,
a missing user attribute, an unsafe parameter value) are raised as a
:class:`liquid.exceptions.LiquidError` subclass rather than as :class:`CompileError` directly:
python-liquid then attaches the template token being rendered, which gives the line and column
that :func:`pytest_looker.compile.liquid.render_liquid` puts into the user-facing
``CompileError``.
"""

from __future__ import annotations

from liquid.exceptions import LiquidError
from liquid.token import Token


class LookerLiquidError(LiquidError):
    """A Looker rule broken by a template; converted to ``CompileError`` at the API boundary."""

    def __init__(self, message: str, token: Token | None = None) -> None:
        super().__init__(message, token=token)
