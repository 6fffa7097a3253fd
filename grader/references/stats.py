"""Statistics and probability functions of the reference language, exact.

Statistics take one list (``mean(xs)``) or several numbers (``mean(2, 4, 4, 5)``).
``variance``/``std`` are the population ones (divide by n); ``sample_variance`` /
``sample_std`` divide by n - 1. Distributions are written out in sympy, so
``normal_cdf(1.96)`` is the exact ``1/2 + erf(49*sqrt(2)/100)/2`` (≈ 0.975) and
``binomial_pmf(2, 5, 0.3)`` the exact rational 1323/5000.
"""

from __future__ import annotations

import sympy

from grader.references import ops
from grader.references.errors import FormulaError
from grader.references.functions import MAX_FACTORIAL, function
from grader.references.values import data, describe, scalar, whole

# A cdf adds its terms one by one; more is not an exam's distribution.
MAX_CDF_TERMS = 5_000


def _mean(items: list[sympy.Expr]) -> sympy.Expr:
    return sympy.Add(*items) / len(items)


def _squares(items: list[sympy.Expr]) -> sympy.Expr:
    centre = _mean(items)
    return sympy.Add(*[(x - centre) ** 2 for x in items])


@function("mean", 1, None)
def _mean_of(*args):
    return _mean(data(list(args), "mean"))


@function("median", 1, None)
def _median(*args):
    items = data(list(args), "median")
    if not all(x.is_number and x.is_extended_real for x in items):
        raise FormulaError("median needs real numbers (it sorts them)")
    ordered = sorted(items, key=lambda x: (sympy.N(x, 30), sympy.default_sort_key(x)))
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@function("variance", 1, None)
def _variance(*args):
    items = data(list(args), "variance")
    return _squares(items) / len(items)


@function("sample_variance", 1, None)
def _sample_variance(*args):
    items = data(list(args), "sample_variance")
    if len(items) < 2:
        raise FormulaError("sample_variance needs at least 2 values")
    return _squares(items) / (len(items) - 1)


@function("std", 1, None)
def _std(*args):
    return sympy.sqrt(_variance(*args))


@function("sample_std", 1, None)
def _sample_std(*args):
    return sympy.sqrt(_sample_variance(*args))


# ---------------------------------------------------------------- distributions


def _sigma(sigma) -> sympy.Expr:
    sigma = scalar(sigma, "sigma")
    if sigma.is_positive is False:
        raise FormulaError(f"sigma must be positive, not {describe(sigma)}")
    return sigma


@function("normal_pdf", 1, 3, keywords=("mu", "sigma"))
def _normal_pdf(x, mu=sympy.Integer(0), sigma=sympy.Integer(1)):
    x, mu, sigma = scalar(x, "normal_pdf"), scalar(mu, "mu"), _sigma(sigma)
    return sympy.exp(-((x - mu) ** 2) / (2 * sigma ** 2)) / (sigma * sympy.sqrt(2 * sympy.pi))


@function("normal_cdf", 1, 3, keywords=("mu", "sigma"))
def _normal_cdf(x, mu=sympy.Integer(0), sigma=sympy.Integer(1)):
    x, mu, sigma = scalar(x, "normal_cdf"), scalar(mu, "mu"), _sigma(sigma)
    return (1 + sympy.erf((x - mu) / (sigma * sympy.sqrt(2)))) / 2


def _probability(p, name: str) -> sympy.Expr:
    p = scalar(p, name)
    if p.is_number and (p.is_extended_real is False or p < 0 or p > 1):
        raise FormulaError(f"{name}'s p must be a probability from 0 to 1, not {describe(p)}")
    return p


def _binomial_term(k: int, n: int, p: sympy.Expr) -> sympy.Expr:
    # ops.power refuses a power too large to build (n = 10^6 with p = 0.3) before sympy computes it.
    return sympy.binomial(n, k) * ops.power(p, sympy.Integer(k)) * ops.power(1 - p, sympy.Integer(n - k))


@function("binomial_pmf", 3)
def _binomial_pmf(k, n, p):
    n = whole(n, "binomial_pmf's n", 0)
    k, p = whole(k, "binomial_pmf's k"), _probability(p, "binomial_pmf")
    return sympy.Integer(0) if not 0 <= k <= n else _binomial_term(k, n, p)


@function("binomial_cdf", 3)
def _binomial_cdf(k, n, p):
    n = whole(n, "binomial_cdf's n", 0)
    k, p = whole(k, "binomial_cdf's k"), _probability(p, "binomial_cdf")
    last = min(k, n)
    if last + 1 > MAX_CDF_TERMS:
        raise FormulaError(f"binomial_cdf would add {last + 1:,} terms; at most {MAX_CDF_TERMS:,}")
    return sympy.Add(*[_binomial_term(i, n, p) for i in range(0, last + 1)])


def _rate(lam) -> sympy.Expr:
    lam = scalar(lam, "the Poisson rate")
    if lam.is_positive is False:
        raise FormulaError(f"the Poisson rate must be positive, not {describe(lam)}")
    return lam


def _poisson_term(k: int, lam: sympy.Expr) -> sympy.Expr:
    return ops.power(lam, sympy.Integer(k)) * sympy.exp(-lam) / sympy.factorial(k)


@function("poisson_pmf", 2)
def _poisson_pmf(k, lam):
    k, lam = whole(k, "poisson_pmf's k"), _rate(lam)
    if k > MAX_FACTORIAL:
        raise FormulaError(f"poisson_pmf's k is at most {MAX_FACTORIAL:,}")
    return sympy.Integer(0) if k < 0 else _poisson_term(k, lam)


@function("poisson_cdf", 2)
def _poisson_cdf(k, lam):
    k, lam = whole(k, "poisson_cdf's k"), _rate(lam)
    if k > MAX_FACTORIAL:
        raise FormulaError(f"poisson_cdf's k is at most {MAX_FACTORIAL:,}")
    if k < 0:
        return sympy.Integer(0)
    # exp(-lam) times a sum of powers: factored out so the result stays short.
    return sympy.exp(-lam) * sympy.Add(*[ops.power(lam, sympy.Integer(i)) / sympy.factorial(i) for i in range(k + 1)])
