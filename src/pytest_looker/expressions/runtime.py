"""What compiled expressions run on: a column-at-a-time evaluation context.

Assert expressions are table calculations, and many Lexp functions (aggregates, ``offset``,
``running_total``) look at other rows. Evaluating every node to a whole *column* (one value per
result row) makes those functions ordinary: an aggregate reduces its argument column and
broadcasts the result, ``offset`` shifts it. Row-wise functions simply map over rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .types import LexpType

Column = list[object]
"""One value per result row, in result order."""

NullLogic = Literal["sql", "two_valued"]
"""How comparisons and logic treat null: SQL three-valued logic, or Looker's literal doc wording."""


@dataclass
class Context:
    """Everything an evaluation may depend on besides the expression."""

    row_count: int
    now: datetime
    null_logic: NullLogic = "sql"
    rng: random.Random = field(default_factory=random.Random)

    def constant(self, value: object) -> Column:
        return [value] * self.row_count


@dataclass(frozen=True)
class Typed:
    """A compiled, type-checked expression node.

    ``run`` produces the node's column; ``element`` is the element type when ``type`` is a list.
    """

    type: LexpType
    run: Callable[[Context], Column]
    element: LexpType = LexpType.ANY
