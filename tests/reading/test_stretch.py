"""The segmenter's Viterbi (``_Stretch``) against the plain algorithm it computes faster.

``_Stretch`` takes O(states) per line instead of O(states²) and counts, rather than computes,
the steps of a run of lines that score alike once the run has settled. Both must give exactly
the path and best state of the plain recurrence below, ties included.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from grader.reading.segment import LABELLED_EXTRA, START_COST, SWITCH_COST, _Stretch


def plain_viterbi(start, ids, labelled, emissions):
    """(best state, path): every predecessor tried for every state; staying wins ties, then the
    first state in order; "no question" is left for good once a question starts."""
    states = [None, *ids] if start is None else list(ids)

    def cost(prev, state):
        if state is None:
            return math.inf
        if prev is None:
            return START_COST
        return SWITCH_COST + (LABELLED_EXTRA if state in labelled else 0.0)

    score = {s: 0.0 if s == start else -math.inf for s in states}
    backs = []
    for emission in emissions:
        new, back = {}, {}
        for state in states:
            best, best_prev = score[state], state
            for prev in states:
                if prev != state and score[prev] - cost(prev, state) > best:
                    best, best_prev = score[prev] - cost(prev, state), prev
            new[state] = best + (emission[ids.index(state)] if state is not None else 0)
            back[state] = best_prev
        score = new
        backs.append(back)
    top = max(score.values())
    state = start if score[start] == top else next(s for s in states if score[s] == top)
    best_state, path = state, []
    for back in reversed(backs):
        path.append(state)
        state = back[state]
    return best_state, path[::-1]


@st.composite
def stretches(draw):
    ids = [f"q{i}" for i in range(draw(st.integers(1, 6)))]
    start = draw(st.sampled_from([None, *ids]))
    labelled = set(draw(st.lists(st.sampled_from(ids), unique=True)))
    fit = st.tuples(*[st.sampled_from([0, 0, 0, 1, 2, 3])] * len(ids))
    runs = draw(st.lists(st.tuples(fit, st.sampled_from([1, 2, 3, 8, 30])), max_size=6))
    return start, ids, labelled, runs


@settings(max_examples=400, deadline=None)
@given(stretches())
def test_the_same_path_and_best_state_as_the_plain_recurrence(case):
    start, ids, labelled, runs = case
    stretch = _Stretch(start, ids, labelled)
    emissions = []
    for fit, times in runs:
        for _ in range(times):
            stretch.push(len(emissions), fit)
            emissions.append(fit)
        assert stretch.current() == plain_viterbi(start, ids, labelled, emissions)[0]
    best, path = plain_viterbi(start, ids, labelled, emissions)
    assert stretch.decode() == path and stretch.current() == best
    assert list(stretch.lines) == list(range(len(emissions)))


def test_a_long_run_settles_and_ends_where_the_evidence_changes():
    ids = ["q1", "q2", "q3"]
    stretch = _Stretch(None, ids, set())
    emissions = [(0, 1, 0)] * 10_000 + [(0, 0, 2)] * 5 + [(0, 1, 0)] * 3
    for k, fit in enumerate(emissions):
        stretch.push(k, fit)
    best, path = plain_viterbi(None, ids, set(), emissions)
    assert stretch.decode() == path and stretch.current() == best == "q2"
