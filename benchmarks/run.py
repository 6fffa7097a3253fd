"""Benchmark exam-grader on generated submissions and print a table for the README.

    python benchmarks/run.py            # the full run (a few minutes on 2 cores)
    python benchmarks/run.py --quick    # smaller batches, for a smoke test

Measures (SPEC §8): submissions per second for `grader grade` with 1 and 2
workers (whole command, start-up included), milliseconds per submission warm (in
process, the real sheet), cold start of `grader check`, and the peak memory (RSS
of the whole process tree) of a large batch.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

RUBRIC = ROOT / "rubrics" / "dl-exam"
REAL_SHEET = ROOT / "submissions" / "dl-exam" / "cs17btech11037.md"
GRADER = [sys.executable, "-m", "grader"]


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_measured(command: list[str]) -> tuple[float, int, int]:
    """Run ``command``; return (seconds, exit code, peak RSS of its process tree in KiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss_kib(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = process.wait()
    sampler.join()
    return time.perf_counter() - started, code, peak


def throughput(folder: Path, count: int, jobs: int, out: Path) -> tuple[float, int]:
    seconds, code, peak = run_measured([*GRADER, "grade", str(RUBRIC), str(folder), "-o", str(out), "--jobs", str(jobs)])
    print(f"  grade {count} sheets --jobs {jobs}: {seconds:.1f} s, peak RSS {peak / 1024:.0f} MB", file=sys.stderr, flush=True)
    if code not in (0, 1):
        raise SystemExit(f"grade failed with exit code {code}")
    return count / seconds, peak


def warm_ms(repeats: int) -> float:
    from grader.engine import Grader
    from grader.rubric.loader import load_rubric

    grader = Grader(load_rubric(RUBRIC), cache_size=0)  # no memo: every repeat grades the sheet afresh
    grader.grade_file(REAL_SHEET)  # warm caches and imports
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        grader.grade_file(REAL_SHEET)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def cold_check(repeats: int) -> float:
    times = [run_measured([*GRADER, "check", str(RUBRIC), str(REAL_SHEET), "--json"])[0] for _ in range(repeats)]
    return statistics.median(times)


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> str:
    try:
        kib = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal:"))
        return f"{kib / 1024 / 1024:.0f}"
    except (OSError, StopIteration):
        return "?"


def main() -> None:
    global RUBRIC
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small batches (a smoke test, not the README numbers)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rubric", type=Path, default=RUBRIC, help="rubric folder (default: the bundled dl-exam)")
    args = parser.parse_args()
    RUBRIC = args.rubric.resolve()
    started = time.perf_counter()
    batch, big = (40, 200) if args.quick else (1000, 10_000)

    work = Path(tempfile.mkdtemp(prefix="grader-bench-"))
    try:
        folder = work / "batch"
        generate(folder, batch, args.seed)
        rows = []
        for jobs in (1, 2):
            rate, _ = throughput(folder, batch, jobs, work / f"out{jobs}")
            rows.append((f"grade, {batch} generated sheets, --jobs {jobs}", f"{rate:.1f} submissions/s", "≥ 100/s on 2 cores" if jobs == 2 else ""))
        rows.append(("warm, real sheet, per submission", f"{warm_ms(20 if args.quick else 50):.1f} ms", "≤ 25 ms"))
        rows.append(("cold `grader check` of the real sheet", f"{cold_check(3 if args.quick else 5):.2f} s", "≤ 1.5 s"))
        large = work / "large"
        generate(large, big, args.seed + 1)
        rate, peak = throughput(large, big, 2, work / "out-large")
        rows.append((f"grade, {big} generated sheets, --jobs 2: peak RSS", f"{peak / 1024:.0f} MB ({rate:.1f}/s)", "≤ 500 MB for 10,000"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"machine: {_cpu_name()}, {os.cpu_count()} cores, {_memory_gb()} GB RAM, Python {platform.python_version()}, {platform.system()} {platform.release()}")
    print(f"rubric: {RUBRIC.relative_to(ROOT) if RUBRIC.is_relative_to(ROOT) else RUBRIC}; benchmark took {time.perf_counter() - started:.0f} s")
    print("| measure | result | target |")
    print("|---|---|---|")
    for name, result, target in rows:
        print(f"| {name} | {result} | {target} |")


if __name__ == "__main__":
    main()
