"""Probability distributions in pure Python (no SciPy in our dependencies).

Looker's statistical table-calculation functions follow the Excel functions of the same names
(``NORM.DIST``, ``T.DIST``, ``T.TEST`` …): left-tailed CDFs, Excel parameter orders. The special
functions are the textbook ones — regularized incomplete gamma by series/continued fraction,
regularized incomplete beta by a Lentz continued fraction — and inverses are found by bisection,
which is slow but robust and far more precise than any assert compares. Invalid parameters raise
``ValueError``; the registry turns that into null.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

_EPS = 1e-15
_TINY = 1e-300
_STANDARD = NormalDist()


def _require(condition: bool) -> None:
    if not condition:
        raise ValueError("parameter outside the distribution's domain")


def lower_gamma_regularized(a: float, x: float) -> float:
    """P(a, x) = γ(a, x) / Γ(a)."""
    _require(a > 0 and x >= 0)
    if x == 0:
        return 0.0
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        denominator = a
        for _ in range(10_000):
            denominator += 1
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return min(1.0, total * math.exp(log_prefix))
    # Continued fraction for Q(a, x), modified Lentz.
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return max(0.0, 1.0 - math.exp(log_prefix) * h)


def _beta_fraction(a: float, b: float, x: float) -> float:
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (_TINY if abs(d) < _TINY else d)
    h = d
    for m in range(1, 10_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (_TINY if abs(d) < _TINY else d)
            c = 1 + numerator / c
            c = _TINY if abs(c) < _TINY else c
            h *= d * c
        if abs(d * c - 1) < _EPS:
            break
    return h


def beta_regularized(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularized incomplete beta function."""
    _require(a > 0 and b > 0 and 0 <= x <= 1)
    if x in (0, 1):
        return float(x)
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1 - math.exp(log_front) * _beta_fraction(b, a, 1 - x) / b


def invert(cdf: Callable[[float], float], p: float, low: float, high: float | None) -> float:
    """The x with cdf(x) = p by bisection; ``high=None`` means unbounded above."""
    _require(0 < p < 1)
    if high is None:
        high = max(1.0, low + 1)
        while cdf(high) < p:
            high *= 2
            _require(high < 1e300)
    for _ in range(300):
        middle = (low + high) / 2
        if cdf(middle) < p:
            low = middle
        else:
            high = middle
        if high - low <= 1e-14 * max(1.0, abs(middle)):
            break
    return (low + high) / 2


# --- continuous -------------------------------------------------------------------------------


def norm_dist(x: float, mean: float, sd: float, cumulative: bool) -> float:
    _require(sd > 0)
    dist = NormalDist(mean, sd)
    return dist.cdf(x) if cumulative else dist.pdf(x)


def norm_inv(p: float, mean: float, sd: float) -> float:
    _require(sd > 0 and 0 < p < 1)
    return NormalDist(mean, sd).inv_cdf(p)


def t_cdf(t: float, dof: float) -> float:
    _require(dof > 0)
    tail = 0.5 * beta_regularized(dof / 2, 0.5, dof / (dof + t * t))
    return 1 - tail if t > 0 else tail


def t_dist(t: float, dof: float, cumulative: bool) -> float:
    _require(dof > 0)
    if cumulative:
        return t_cdf(t, dof)
    log_pdf = (
        math.lgamma((dof + 1) / 2)
        - math.lgamma(dof / 2)
        - 0.5 * math.log(dof * math.pi)
        - (dof + 1) / 2 * math.log1p(t * t / dof)
    )
    return math.exp(log_pdf)


def t_inv(p: float, dof: float) -> float:
    _require(dof > 0 and 0 < p < 1)
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_inv(1 - p, dof)
    return invert(lambda t: t_cdf(t, dof), p, 0.0, None)


def gamma_dist(x: float, alpha: float, beta: float, cumulative: bool) -> float:
    _require(x >= 0 and alpha > 0 and beta > 0)
    if cumulative:
        return lower_gamma_regularized(alpha, x / beta)
    if x == 0:
        return 0.0 if alpha > 1 else (1 / beta if alpha == 1 else math.inf)
    return math.exp((alpha - 1) * math.log(x) - x / beta - math.lgamma(alpha) - alpha * math.log(beta))


def gamma_inv(p: float, alpha: float, beta: float) -> float:
    _require(alpha > 0 and beta > 0)
    return invert(lambda x: gamma_dist(x, alpha, beta, True), p, 0.0, None)


def chisq_dist(x: float, dof: float, cumulative: bool) -> float:
    _require(dof >= 1)
    return gamma_dist(x, dof / 2, 2, cumulative)


def chisq_inv(p: float, dof: float) -> float:
    _require(dof >= 1)
    return gamma_inv(p, dof / 2, 2)


def beta_dist(x: float, a: float, b: float, cumulative: bool) -> float:
    _require(0 <= x <= 1 and a > 0 and b > 0)
    if cumulative:
        return beta_regularized(a, b, x)
    if x in (0, 1):
        _require((x == 0 and a >= 1) or (x == 1 and b >= 1))
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    return (
        math.exp((a - 1) * math.log(x) + (b - 1) * math.log1p(-x) - log_beta)
        if 0 < x < 1
        else (1 / math.exp(log_beta) if (a == 1 and x == 0) or (b == 1 and x == 1) else 0.0)
    )


def beta_inv(p: float, a: float, b: float) -> float:
    _require(a > 0 and b > 0)
    return invert(lambda x: beta_regularized(a, b, x), p, 0.0, 1.0)


def f_dist(x: float, d1: float, d2: float, cumulative: bool) -> float:
    _require(x >= 0 and d1 >= 1 and d2 >= 1)
    if cumulative:
        return beta_regularized(d1 / 2, d2 / 2, d1 * x / (d1 * x + d2))
    if x == 0:
        return 0.0 if d1 > 2 else (1.0 if d1 == 2 else math.inf)
    log_beta = math.lgamma(d1 / 2) + math.lgamma(d2 / 2) - math.lgamma((d1 + d2) / 2)
    log_pdf = (
        (d1 / 2) * math.log(d1 * x)
        + (d2 / 2) * math.log(d2)
        - ((d1 + d2) / 2) * math.log(d1 * x + d2)
        - math.log(x)
        - log_beta
    )
    return math.exp(log_pdf)


def f_inv(p: float, d1: float, d2: float) -> float:
    _require(d1 >= 1 and d2 >= 1)
    return invert(lambda x: f_dist(x, d1, d2, True), p, 0.0, None)


def expon_dist(x: float, rate: float, cumulative: bool) -> float:
    _require(x >= 0 and rate > 0)
    return -math.expm1(-rate * x) if cumulative else rate * math.exp(-rate * x)


def weibull_dist(x: float, shape: float, scale: float, cumulative: bool) -> float:
    _require(x >= 0 and shape > 0 and scale > 0)
    power = math.pow(x / scale, shape)
    if cumulative:
        return -math.expm1(-power)
    return shape / scale * math.pow(x / scale, shape - 1) * math.exp(-power)


# --- discrete ---------------------------------------------------------------------------------


# Discrete CDFs sum term by term; beyond this many terms we return null rather than stall.
_MAX_TERMS = 1_000_000


def _count(value: float) -> int:
    _require(0 <= value <= _MAX_TERMS)
    return int(value)


def binom_pmf(k: int, n: int, p: float) -> float:
    return math.comb(n, k) * p**k * (1 - p) ** (n - k) if 0 <= k <= n else 0.0


def binom_dist(k: float, n: float, p: float, cumulative: bool) -> float:
    successes, trials = _count(k), _count(n)
    _require(successes <= trials and 0 <= p <= 1)
    if cumulative:
        return min(1.0, math.fsum(binom_pmf(i, trials, p) for i in range(successes + 1)))
    return binom_pmf(successes, trials, p)


def binom_inv(n: float, p: float, target: float) -> int:
    """Smallest k whose cumulative binomial probability reaches ``target`` (Excel BINOM.INV)."""
    trials = _count(n)
    _require(0 <= p <= 1 and 0 <= target <= 1)
    total = 0.0
    for k in range(trials + 1):
        total += binom_pmf(k, trials, p)
        if total >= target - 1e-12:
            return k
    return trials


def negbinom_dist(failures: float, successes: float, p: float, cumulative: bool) -> float:
    f, s = _count(failures), _count(successes)
    _require(s >= 1 and 0 <= p <= 1)

    def pmf(i: int) -> float:
        return math.comb(i + s - 1, s - 1) * p**s * (1 - p) ** i

    return min(1.0, math.fsum(pmf(i) for i in range(f + 1))) if cumulative else pmf(f)


def hypgeom_dist(sample_s: float, sample: float, population_s: float, population: float, cumulative: bool) -> float:
    k, n, big_k, big_n = (_count(v) for v in (sample_s, sample, population_s, population))
    _require(n <= big_n and big_k <= big_n and k <= min(n, big_k))

    def pmf(i: int) -> float:
        if i < max(0, n - (big_n - big_k)):
            return 0.0
        return math.comb(big_k, i) * math.comb(big_n - big_k, n - i) / math.comb(big_n, n)

    return min(1.0, math.fsum(pmf(i) for i in range(k + 1))) if cumulative else pmf(k)


def poisson_dist(x: float, mean: float, cumulative: bool) -> float:
    k = _count(x)
    _require(mean >= 0)

    def pmf(i: int) -> float:
        if mean == 0:
            return 1.0 if i == 0 else 0.0
        return math.exp(i * math.log(mean) - mean - math.lgamma(i + 1))

    return min(1.0, math.fsum(pmf(i) for i in range(k + 1))) if cumulative else pmf(k)


# --- confidence intervals and tests -----------------------------------------------------------


def confidence_norm(alpha: float, sd: float, n: float) -> float:
    _require(0 < alpha < 1 and sd > 0 and n >= 1)
    return _STANDARD.inv_cdf(1 - alpha / 2) * sd / math.sqrt(int(n))


def confidence_t(alpha: float, sd: float, n: float) -> float:
    _require(0 < alpha < 1 and sd > 0 and n >= 2)
    return t_inv(1 - alpha / 2, int(n) - 1) * sd / math.sqrt(int(n))


def _mean_var(values: list[float]) -> tuple[float, float]:
    _require(len(values) >= 2)
    mean = math.fsum(values) / len(values)
    return mean, math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def t_test(first: list[float], second: list[float], tails: float, kind: float) -> float:
    """Excel T.TEST: p-value of a paired (1), equal-variance (2) or Welch (3) t-test."""
    _require(tails in (1, 2) and kind in (1, 2, 3))
    if kind == 1:
        _require(len(first) == len(second))
        mean, var = _mean_var([a - b for a, b in zip(first, second, strict=True)])
        _require(var > 0)
        t, dof = mean / math.sqrt(var / len(first)), len(first) - 1.0
    else:
        (m1, v1), (m2, v2) = _mean_var(first), _mean_var(second)
        n1, n2 = len(first), len(second)
        if kind == 2:
            dof = n1 + n2 - 2.0
            pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / dof
            scale = pooled * (1 / n1 + 1 / n2)
        else:
            a, b = v1 / n1, v2 / n2
            scale = a + b
            dof = scale**2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
        _require(scale > 0)
        t = (m1 - m2) / math.sqrt(scale)
    return tails * (1 - t_cdf(abs(t), dof))


def z_test(data: list[float], value: float, sd: float | None) -> float:
    """Excel Z.TEST: one-tailed p-value that the mean exceeds ``value``."""
    mean, var = _mean_var(data)
    sigma = math.sqrt(var) if sd is None else sd
    _require(sigma > 0)
    return 1 - _STANDARD.cdf((mean - value) / (sigma / math.sqrt(len(data))))


def chisq_test(actual: list[float], expected: list[float]) -> float:
    """Excel CHISQ.TEST for one row or column: p-value with n − 1 degrees of freedom."""
    _require(len(actual) >= 2 and all(e > 0 for e in expected))
    statistic = math.fsum((a - e) ** 2 / e for a, e in zip(actual, expected, strict=True))
    return 1 - chisq_dist(statistic, len(actual) - 1, True)
