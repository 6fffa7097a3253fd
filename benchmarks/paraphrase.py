"""How much of a bundled exam's free text a fully correct sheet in other words earns.

    python benchmarks/paraphrase.py            # every set under devsets/paraphrase/

Each folder devsets/paraphrase/<exam>/ holds sheets written by helpers who saw only the
exam's paper (never the rubric): fully correct answers, in their own words. Each sheet is
graded with rubrics/<exam>; printed: the share of the points of its `concepts` items it
earns (issue 13 asks ≥ 95%), and every such item that lost points, with its detail.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.engine import Grader  # noqa: E402
from grader.rubric.loader import load_rubric  # noqa: E402


def report(folder: Path) -> tuple[float, float]:
    rubric = load_rubric(ROOT / "rubrics" / folder.name)
    free_text = {(q.id, i.id) for q in rubric.questions for i in q.items if i.qtype.name == "concepts" and i.spec.points > 0}
    grader = Grader(rubric)
    earned_all = possible_all = 0.0
    print(f"\n## {folder.name}: {len(free_text)} free-text items\n")
    for sheet in sorted(folder.glob("*.md")):
        result = grader.grade_file(sheet)
        earned = possible = 0.0
        lost = []
        for question in result.questions:
            for item in question.items:
                if (question.id, item.id) not in free_text:
                    continue
                earned, possible = earned + item.score, possible + item.max
                if item.score < item.max:
                    lost.append(f"{question.id}.{item.id} {item.score:g}/{item.max:g}: {item.detail}")
        earned_all, possible_all = earned_all + earned, possible_all + possible
        print(f"- {sheet.name}: {earned:g} / {possible:g} ({100 * earned / possible:.0f}%) of the free-text points; "
              f"whole sheet {result.score:g} / {result.max:g}")
        for line in lost:
            print(f"  - {line}")
    return earned_all, possible_all


def main() -> None:
    sets = sorted(p for p in (ROOT / "devsets" / "paraphrase").iterdir() if p.is_dir())
    total = [report(folder) for folder in sets]
    earned, possible = sum(t[0] for t in total), sum(t[1] for t in total)
    print(f"\nall sets: {earned:g} / {possible:g} ({100 * earned / possible:.0f}%) of the free-text points")


if __name__ == "__main__":
    main()
