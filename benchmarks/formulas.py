"""Formula equivalence: exam-grader's `expression` check and Math-Verify on one case table, side by side.

    python benchmarks/formulas.py                       # benchmarks/formula_cases.yaml
    python benchmarks/formulas.py --cases FILE --show 20

Each case is (reference, answer, verdict): must a careful grader accept the answer? The table
is the project's own (see its header), across numbers, fractions, percent, sets, intervals,
tuples, equations, inequalities, matrices, calculus, linear algebra, probability and prose
answers with a final value, with the known traps of both tools.

Both tools get the answer as a sheet holds it: a formula in ``$…$`` (the table writes bare
LaTeX), a prose answer as it is. exam-grader grades it as a student's text against an `expression` item whose
reference is the case's LaTeX (`check: {latex: …}`), the path a real sheet takes; a reference
it cannot read, an unreadable answer or a time-out is an error. Math-Verify (an optional
benchmark extra: ``pip install math-verify``, never a runtime dependency) runs
``verify(parse(reference), parse(answer))``; when it is not installed its column says so.

Printed for each tool, overall and per kind: agreement with the verdicts, false accepts, false
rejects, errors, and the median and 95th-percentile time per case; ``--show N`` lists the first
N disagreements of exam-grader.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.errors import BudgetExceeded, RubricError  # noqa: E402
from grader.limits import run_limited  # noqa: E402
from grader.model import Outcome, Segment  # noqa: E402
from grader.types import get_type  # noqa: E402

SECONDS = 5.0  # per case, per tool


def ours(reference: str, answer: str) -> bool | None:
    """exam-grader's verdict (None: an error — the reference or the answer could not be read)."""
    expression = get_type("expression")
    try:
        params = expression.Params.model_validate({"latex": reference})
    except Exception:  # noqa: BLE001 — a reference our schema refuses is an error of ours
        return None
    if expression.check_params(params, {}):
        return None
    segment = Segment.from_text("q", answer)
    ctx = expression.prepare("q", segment, {}, params)
    parsed = expression.parse(ctx, params)
    if parsed is None or not hasattr(parsed, "value"):
        return None
    return expression.compare(parsed, ctx, params).outcome == Outcome.CORRECT


def math_verify() -> Callable[[str, str], bool | None] | None:
    try:
        from math_verify import parse, verify
    except ImportError:
        return None

    def check(reference: str, answer: str) -> bool | None:
        # its parser extracts math from delimiters: a bare reference is given them, as its docs show
        gold = reference if "$" in reference or "\\boxed" in reference else f"${reference}$"
        try:
            return bool(verify(parse(gold), parse(answer)))
        except Exception:  # noqa: BLE001 — its own failure on a case is counted as an error
            return None

    return check


def written(case: dict) -> str:
    """The answer as a sheet holds it: a formula in $…$ (the table writes bare LaTeX), prose as it is."""
    answer = str(case["answer"])
    return answer if case["kind"] == "prose" or "$" in answer else f"${answer}$"


def run(tool: Callable[[str, str], bool | None], cases: list[dict]) -> list[tuple[bool | None, float]]:
    results = []
    for case in cases:
        start = time.perf_counter()
        try:
            verdict = run_limited(tool, str(case["reference"]), written(case), seconds=SECONDS)
        except (BudgetExceeded, RubricError):
            verdict = None
        except Exception:  # noqa: BLE001 — a crash on one case is that case's error
            verdict = None
        results.append((verdict, time.perf_counter() - start))
    return results


def summary(cases: list[dict], results: list[tuple[bool | None, float]]) -> dict[str, float]:
    n = len(cases)
    agree = sum(v is c["verdict"] for c, (v, _) in zip(cases, results))
    false_accept = sum(v is True and c["verdict"] is False for c, (v, _) in zip(cases, results))
    false_reject = sum(v is False and c["verdict"] is True for c, (v, _) in zip(cases, results))
    errors = sum(v is None for v, _ in results)
    times = sorted(t for _, t in results)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else 0.0
    return {"n": n, "agree": agree / n if n else 0.0, "false_accept": false_accept, "false_reject": false_reject,
            "errors": errors, "median_ms": 1000 * statistics.median(times) if times else 0.0, "p95_ms": 1000 * p95}


def _row(name: str, s: dict[str, float]) -> str:
    return (f"| {name} | {s['n']:.0f} | {100 * s['agree']:.1f}% | {s['false_accept']:.0f} | {s['false_reject']:.0f} | "
            f"{s['errors']:.0f} | {s['median_ms']:.1f} | {s['p95_ms']:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "benchmarks" / "formula_cases.yaml")
    parser.add_argument("--show", type=int, default=0, help="list this many of exam-grader's disagreements")
    args = parser.parse_args()
    cases = yaml.safe_load(args.cases.read_text(encoding="utf-8"))
    tools = {"exam-grader": ours}
    other = math_verify()
    if other is not None:
        tools["Math-Verify"] = other
    results = {name: run(tool, cases) for name, tool in tools.items()}
    print(f"{len(cases)} cases from {args.cases.relative_to(ROOT) if args.cases.is_relative_to(ROOT) else args.cases}"
          + ("" if other else "; Math-Verify is not installed (pip install math-verify) and is left out"))
    print("\n| tool | cases | agreement | false accepts | false rejects | errors | median ms | p95 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for name, result in results.items():
        print(_row(name, summary(cases, result)))
    kinds: dict[str, list[int]] = defaultdict(list)
    for index, case in enumerate(cases):
        kinds[case["kind"]].append(index)
    print("\n| kind | cases | " + " | ".join(f"{name} agreement" for name in results) + " |")
    print("|---|---|" + "---|" * len(results))
    for kind, indices in sorted(kinds.items()):
        picked = [cases[i] for i in indices]
        cells = [f"{100 * summary(picked, [r[i] for i in indices])['agree']:.0f}%" for r in results.values()]
        print(f"| {kind} | {len(indices)} | " + " | ".join(cells) + " |")
    if args.show:
        print("\nexam-grader's disagreements:")
        shown = 0
        for case, (verdict, _) in zip(cases, results["exam-grader"]):
            if verdict is not case["verdict"] and shown < args.show:
                shown += 1
                print(f"- {case['id']} ({case['kind']}): {case['reference']!r} vs {case['answer']!r}: "
                      f"expected {case['verdict']}, got {'error' if verdict is None else verdict} — {case.get('note', '')}")


if __name__ == "__main__":
    main()
