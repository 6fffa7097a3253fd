import threading
import time

import pytest

from grader.errors import BudgetExceeded
from grader.limits import run_limited


def spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "finished"


def test_returns_the_result_within_budget():
    assert run_limited(spin, 0.01, seconds=2) == "finished"


def test_stops_python_code_past_its_budget():
    started = time.monotonic()
    with pytest.raises(BudgetExceeded):
        run_limited(spin, 10, seconds=0.2)
    assert time.monotonic() - started < 5


def test_errors_of_the_work_propagate_unchanged():
    def boom():
        raise ValueError("bug")

    with pytest.raises(ValueError, match="bug"):
        run_limited(boom, seconds=1)


def test_an_inner_budget_cannot_extend_the_outer_one():
    def outer():
        return run_limited(spin, 10, seconds=5)

    with pytest.raises(BudgetExceeded):
        run_limited(outer, seconds=0.2)


def test_the_outer_budget_still_holds_after_an_inner_call():
    def outer():
        run_limited(spin, 0.01, seconds=0.05)
        return spin(10)

    with pytest.raises(BudgetExceeded):
        run_limited(outer, seconds=0.3)


def test_the_timer_is_disarmed_afterwards():
    run_limited(spin, 0.01, seconds=0.05)
    assert spin(0.1) == "finished"


def test_outside_the_main_thread_a_child_process_is_killed_at_the_deadline():
    outcome = {}

    def in_thread():
        try:
            outcome["result"] = run_limited(spin, 10, seconds=0.3)
        except BudgetExceeded as exc:
            outcome["error"] = exc
        outcome["quick"] = run_limited(spin, 0.01, seconds=5)

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(timeout=20)
    assert isinstance(outcome.get("error"), BudgetExceeded)
    assert outcome["quick"] == "finished"


@pytest.mark.parametrize("seconds", [0, -1])
def test_no_budget_left_refuses_at_once(seconds):
    with pytest.raises(BudgetExceeded):
        run_limited(spin, 0, seconds=seconds)
