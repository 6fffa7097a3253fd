"""The deep-learning pack's OCR repairs of BPTT chains: each fires only where the damaged reading makes no sense, and is named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy

from grader.mathtext.atoms import Partial
from grader.mathtext.latex import read_math, settle, unroll
from grader.domains.deep_learning.chain_repair import repair, time_index

SHEET = Path(__file__).resolve().parents[3] / "submissions" / "dl-exam" / "cs17btech11037.md"
E, H, O = (sympy.IndexedBase(n) for n in ("E", "H", "O"))
W, U, V, k, j, K = sympy.symbols("W U V k j K")


def _sheet_math(number: int) -> str:
    line = SHEET.read_text(encoding="utf-8").splitlines()[number - 1]
    return re.search(r"\$\$(.*)\$\$", line).group(1)


def _chain(t, upper, lower_var, last):
    link = sympy.Product(Partial(H[j], H[j - 1]), (j, lower_var + 1, upper))
    return sympy.Sum(Partial(E[t], O[t]) * Partial(O[t], H[t]) * link * Partial(H[lower_var], last), (lower_var, 0, 2))


@pytest.mark.parametrize("number, names, right", [
    (67, ["kappa-as-k", "subscript-E34-as-E3", "product-from-frac-1-over-1"], _chain(3, 3, k, W)),
    (69, ["kappa-as-k", "product-from-frac-1-over-1"], _chain(3, 3, k, W)),
    (61, ["product-from-frac-1-over-J"], _chain(2, 2, K, W)),
    (57, [], None),
    (71, [], None),
])
def test_sheet_lines(number, names, right):
    statement = read_math(_sheet_math(number))
    repaired, applied = repair(statement)
    assert applied == names
    if right is None:
        assert repaired == statement
    else:
        assert settle(repaired.sides[1]) == settle(right)


def test_line_67_unrolls_to_the_bptt_chain_after_repair():
    repaired, _ = repair(read_math(_sheet_math(67)))
    total = unroll(repaired.sides[1])
    assert Partial(H[3], H[2]) in total.atoms(Partial)
    assert not total.atoms(sympy.Product, sympy.Sum)


@pytest.mark.parametrize("src, step", [
    (r"\frac{\partial E_3}{\partial W} = \frac{\partial E_3}{\partial O_3} \frac{\partial O_3}{\partial H_3}", 3),
    (r"\frac{\partial E_2}{\partial W} = \frac{\partial E_3}{\partial W}", None),  # a tie: no time index
    (r"x + y", None),
])
def test_time_index(src, step):
    assert time_index(read_math(src)) == step


@pytest.mark.parametrize("src", [
    r"\sum_{\kappa=0}^{2} x_\kappa",                       # κ is used in the body: a real index
    r"\frac{1}{1} \frac{\partial H_j}{\partial H_{j-1}}",  # no enclosing sum: the product's bounds are unknown
    r"\frac{\partial E_{34}}{\partial W}",                  # no chain time index to compare with
    r"\sum_{k=0}^{2} \frac{1}{x} \frac{\partial H_j}{\partial H_{j-1}} \frac{\partial E_2}{\partial O_2}",
])
def test_no_repair_where_another_reading_makes_sense(src):
    statement = read_math(src)
    repaired, names = repair(statement)
    assert names == [] and repaired == statement


def test_the_pack_registers_its_repair_for_generic_types():
    from grader.mathtext.repairs import apply_repairs, registered

    assert "bptt-chain" in registered()
    statement = read_math(_sheet_math(67))
    assert apply_repairs(statement) == repair(statement)


def test_the_generic_reader_holds_no_bptt_vocabulary():
    folder = Path(__file__).resolve().parents[3] / "grader" / "mathtext"
    for module in folder.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        for word in ("CHAIN_BASES", "PRODUCT_DENOMINATOR_NAMES", "def time_index", "\"kappa\": \"k\""):
            assert word not in text, f"{module.name} holds {word}"
