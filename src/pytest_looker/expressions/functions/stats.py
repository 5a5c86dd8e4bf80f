"""Registers the statistical-distribution functions (formulas live in :mod:`.distributions`).

Scalar distribution functions are row-wise; ``t_test``, ``z_test`` and ``chisq_test`` reduce
columns (or lists) like any aggregate. ``cumulative`` arguments are yesno.
"""

from __future__ import annotations

from collections.abc import Callable

from ..types import NUMBER, YESNO, clean_number
from . import distributions as dist
from .aggregates import Param, aggregate, numbers, pairs
from .registry import scalar

_N = frozenset({NUMBER})
_YN = frozenset({YESNO})


_TABLE: list[tuple[str, Callable[..., float], int, bool]] = [
    ("norm_dist", dist.norm_dist, 3, True),
    ("norm_inv", dist.norm_inv, 3, False),
    ("t_dist", dist.t_dist, 2, True),
    ("t_inv", dist.t_inv, 2, False),
    ("chisq_dist", dist.chisq_dist, 2, True),
    ("chisq_inv", dist.chisq_inv, 2, False),
    ("f_dist", dist.f_dist, 3, True),
    ("f_inv", dist.f_inv, 3, False),
    ("beta_dist", dist.beta_dist, 3, True),
    ("beta_inv", dist.beta_inv, 3, False),
    ("gamma_dist", dist.gamma_dist, 3, True),
    ("gamma_inv", dist.gamma_inv, 3, False),
    ("binom_dist", dist.binom_dist, 3, True),
    ("binom_inv", dist.binom_inv, 3, False),
    ("negbinom_dist", dist.negbinom_dist, 3, True),
    ("hypgeom_dist", dist.hypgeom_dist, 4, True),
    ("poisson_dist", dist.poisson_dist, 2, True),
    ("expon_dist", dist.expon_dist, 2, True),
    ("weibull_dist", dist.weibull_dist, 3, True),
    ("confidence_norm", dist.confidence_norm, 3, False),
    ("confidence_t", dist.confidence_t, 3, False),
]
for _name, _fn, _numbers, _cumulative in _TABLE:
    scalar(_name, [_N] * _numbers + ([_YN] if _cumulative else []), NUMBER, _fn)

scalar("norm_s_dist", [_N, _YN], NUMBER, lambda v, cum: dist.norm_dist(v, 0, 1, cum))
scalar("norm_s_inv", [_N], NUMBER, lambda p: dist.norm_inv(p, 0, 1))


def _t_test(columns: list[list[object]], values: list[object]) -> object:
    tails, kind = (float(v) for v in values)  # type: ignore[arg-type]
    if kind == 1:
        first, second = pairs(columns[0], columns[1])
    else:
        first, second = numbers(columns[0]), numbers(columns[1])
    return clean_number(dist.t_test(first, second, tails, kind))


def _z_test(columns: list[list[object]], values: list[object]) -> object:
    sd = float(values[1]) if len(values) > 1 else None  # type: ignore[arg-type]
    return clean_number(dist.z_test(numbers(columns[0]), float(values[0]), sd))  # type: ignore[arg-type]


def _chisq_test(columns: list[list[object]], _: list[object]) -> object:
    actual, expected = pairs(columns[0], columns[1])
    return clean_number(dist.chisq_test(actual, expected))


_COLUMN = Param(_N)
_VALUE = Param(_N, column=False)
aggregate("t_test", [_COLUMN, _COLUMN, _VALUE, _VALUE], NUMBER, _t_test)
aggregate("z_test", [_COLUMN, _VALUE, _VALUE], NUMBER, _z_test, optional=1)
aggregate("chisq_test", [_COLUMN, _COLUMN], NUMBER, _chisq_test)
