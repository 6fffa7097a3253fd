"""Free-text grading against hand scores: exam-grader's `concepts` rubric and a tf-idf baseline, side by side.

    python benchmarks/free_text.py                      # every set under devsets/free-text/
    python benchmarks/free_text.py devsets/free-text/os --split 5

A set is a folder with `questions.md` (each question's text and model answer), a `rubric/`
written from the model answers before any answer existed, `answers-*.md` (student answers,
``## Qn`` then ``### <id>`` then the text) and `scores-*.csv` (``question,answer,score``, 0–5 by
hand, one file per marker). The hand score of an answer is the markers' mean.

Each answer is graded alone, as the sheet ``n. <answer>``; its score is the question's score
scaled to 0–5. The baseline is the tf-idf cosine similarity of the answer to the model answer
(sublinear term frequency, smoothed idf over the set's answers and model answers), mapped to
0–5 by the least-squares line that fits the hand scores best: the baseline's best case.

Printed, for the engine and the baseline, overall and for the questions before and after
``--split`` (tune on the first, report the second): Pearson, Spearman, RMSE, mean bias
(engine − hand) and the share within ±1 point; also the markers' agreement with each other.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.engine import Grader  # noqa: E402
from grader.rubric.loader import load_rubric  # noqa: E402


def read_answers(folder: Path) -> dict[tuple[int, str], str]:
    answers: dict[tuple[int, str], str] = {}
    for path in sorted(folder.glob("answers-*.md")):
        question = None
        current: str | None = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := re.match(r"^##\s*Q(\d+)\s*$", line):
                question, current = int(m.group(1)), None
            elif m := re.match(r"^###\s*(\S+)\s*$", line):
                current = m.group(1)
                answers[(question, current)] = ""
            elif current is not None and question is not None:
                answers[(question, current)] += line + "\n"
    return {key: text.strip() for key, text in answers.items()}


def read_scores(folder: Path) -> list[dict[tuple[int, str], float]]:
    markers = []
    for path in sorted(folder.glob("scores-*.csv")):
        with path.open(encoding="utf-8") as f:
            markers.append({(int(r["question"]), r["answer"].strip()): float(r["score"]) for r in csv.DictReader(f)})
    return markers


def read_model_answers(folder: Path) -> dict[int, str]:
    text = (folder / "questions.md").read_text(encoding="utf-8")
    found = re.finditer(r"## Q(\d+)\s*\n.*?\*\*Model answer:\*\*\s*(.*?)\n\s*\n", text, re.S)
    return {int(m.group(1)): m.group(2).strip() for m in found}


_WORD = re.compile(r"[a-z0-9]+")


def tfidf_scores(answers: dict[tuple[int, str], str], models: dict[int, str]) -> dict[tuple[int, str], float]:
    """Cosine similarity of each answer to its question's model answer, in tf-idf space."""
    docs = [_WORD.findall(t.lower()) for t in list(answers.values()) + list(models.values())]
    df = Counter(w for doc in docs for w in set(doc))
    idf = {w: math.log((1 + len(docs)) / (1 + n)) + 1 for w, n in df.items()}

    def vector(text: str) -> dict[str, float]:
        counts = Counter(_WORD.findall(text.lower()))
        v = {w: (1 + math.log(c)) * idf.get(w, 1.0) for w, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    model_vectors = {q: vector(t) for q, t in models.items()}
    out = {}
    for (q, aid), text in answers.items():
        a, m = vector(text), model_vectors[q]
        out[(q, aid)] = sum(x * m.get(w, 0.0) for w, x in a.items())
    return out


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x), dtype=float)
    for value in np.unique(x):  # ties share their mean rank
        same = x == value
        ranks[same] = ranks[same].mean()
    return ranks


def metrics(predicted: Sequence[float], hand: Sequence[float]) -> dict[str, float]:
    p, h = np.asarray(predicted, float), np.asarray(hand, float)
    pearson = float(np.corrcoef(p, h)[0, 1]) if p.std() and h.std() else float("nan")
    rp, rh = _ranks(p), _ranks(h)
    spearman = float(np.corrcoef(rp, rh)[0, 1]) if rp.std() and rh.std() else float("nan")
    return {"pearson": pearson, "spearman": spearman, "rmse": float(np.sqrt(np.mean((p - h) ** 2))),
            "bias": float(np.mean(p - h)), "within1": float(np.mean(np.abs(p - h) <= 1.0 + 1e-9))}


def grade_all(folder: Path, answers: dict[tuple[int, str], str]) -> dict[tuple[int, str], float]:
    rubric = load_rubric(folder / "rubric")
    grader = Grader(rubric)
    points = {q.id: q.spec.points for q in rubric.questions}
    out = {}
    for (q, aid), text in answers.items():
        result = grader.grade_text(f"{q}. {text}\n", sid=f"q{q}-{aid}")
        question = next(r for r in result.questions if r.id == f"q{q}")
        out[(q, aid)] = 5.0 * question.score / points[f"q{q}"]
    return out


def _row(name: str, m: dict[str, float]) -> str:
    return (f"| {name} | {m['pearson']:.3f} | {m['spearman']:.3f} | {m['rmse']:.2f} | {m['bias']:+.2f} | "
            f"{100 * m['within1']:.0f}% |")


def report(folder: Path, split: int) -> None:
    answers = read_answers(folder)
    markers = read_scores(folder)
    keys = sorted(k for k in answers if all(k in m for m in markers))
    hand = {k: float(np.mean([m[k] for m in markers])) for k in keys}
    engine = grade_all(folder, {k: answers[k] for k in keys})
    similarity = tfidf_scores({k: answers[k] for k in keys}, read_model_answers(folder))
    x = np.array([similarity[k] for k in keys])
    y = np.array([hand[k] for k in keys])
    slope, intercept = np.polyfit(x, y, 1)
    baseline = {k: float(np.clip(slope * similarity[k] + intercept, 0, 5)) for k in keys}
    print(f"\n## {folder.relative_to(ROOT)}: {len(keys)} answers to {len({k[0] for k in keys})} questions, "
          f"{len(markers)} markers (mean hand score {np.mean(y):.2f})\n")
    print("| scorer | Pearson | Spearman | RMSE | bias | within ±1 |")
    print("|---|---|---|---|---|---|")
    groups = [("all", keys)]
    if split:
        groups += [(f"q1–q{split} (tune)", [k for k in keys if k[0] <= split]),
                   (f"q{split + 1}– (held out)", [k for k in keys if k[0] > split])]
    for label, subset in groups:
        h = [hand[k] for k in subset]
        print(_row(f"exam-grader, {label}", metrics([engine[k] for k in subset], h)))
        print(_row(f"tf-idf baseline, {label}", metrics([baseline[k] for k in subset], h)))
    if len(markers) >= 2:
        print(_row("marker 1 vs marker 2", metrics([markers[0][k] for k in keys], [markers[1][k] for k in keys])))
    print("\n| question | exam-grader Pearson | bias | tf-idf Pearson |")
    print("|---|---|---|---|")
    for q in sorted({k[0] for k in keys}):
        subset = [k for k in keys if k[0] == q]
        h = [hand[k] for k in subset]
        m, b = metrics([engine[k] for k in subset], h), metrics([baseline[k] for k in subset], h)
        print(f"| q{q} | {m['pearson']:.2f} | {m['bias']:+.2f} | {b['pearson']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="dev-set folders (default: every one under devsets/free-text)")
    parser.add_argument("--split", type=int, default=5, help="questions up to this number are the tuning half")
    args = parser.parse_args()
    sets = args.sets or sorted(p for p in (ROOT / "devsets" / "free-text").iterdir() if (p / "rubric").is_dir())
    for folder in sets:
        report(folder.resolve(), args.split)


if __name__ == "__main__":
    main()
