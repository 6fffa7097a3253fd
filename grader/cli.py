"""The `grader` command: grade, check, render, validate, variant.

The only module that prints or exits. The library raises its own errors; here they
become one-line messages and the exit codes of SPEC §2: 0 everything graded,
1 some submissions could not be graded (they are still reported), 2 a usage or
rubric error (nothing graded).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from grader import __version__
from grader.errors import GraderError, RubricError
from grader.flags import for_audience, needs_review
from grader.inputs import terminal_safe
from grader.model import SubmissionResult

EXIT_OK, EXIT_SOME_FAILED, EXIT_INVALID = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C: the usual 128 + SIGINT

_RUBRIC_ARG = click.argument("rubric", type=click.Path(exists=True, file_okay=False, path_type=Path))


def _err_console() -> Console:
    # soft_wrap: a message is one line whatever the terminal's width, so scripts can read it.
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _load(folder: Path):
    """Load a rubric or exit 2 with every problem as FILE:LINE: message."""
    from grader.rubric.loader import load_rubric

    try:
        return load_rubric(folder)
    except RubricError as exc:
        for line in exc.lines():
            click.echo(line, err=True)
        sys.exit(EXIT_INVALID)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
def main() -> None:
    """Grade OCR'd exam answer sheets against a YAML rubric."""


@main.command()
@_RUBRIC_ARG
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"), show_default=True, help="Folder for results.json, grades.csv and the HTML reports.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--audience", type=click.Choice(["ta", "student"]), default="ta", show_default=True, help="Who the HTML pages are for: 'student' hides hidden items and references.")
@click.option("--export", type=click.Choice(["canvas", "moodle"]), default=None, help="Also write a gradebook CSV for this LMS.")
def grade(rubric: Path, paths: tuple[Path, ...], out: Path, jobs: int | None, audience: str, export: str | None) -> None:
    """Grade every submission file under PATHS with the RUBRIC folder.

    Each result is journaled in OUT/.partial as it arrives: after Ctrl-C or a killed
    run, the same command grades only what is left.
    """
    from grader.batch import default_jobs, run_batch
    from grader.inputs import collect
    from grader.publish import finish_batch

    loaded = _load(rubric)
    try:
        collection = collect(list(paths), exclude=[out])
    except GraderError as exc:
        raise click.UsageError(terminal_safe(str(exc))) from None
    console = _err_console()
    for skipped in collection.skipped:
        console.print(f"skipped {terminal_safe(skipped.file)}: {skipped.reason}", markup=False)
    submissions = list(collection.submissions)
    if not submissions:
        raise click.UsageError("no submission files found under " + ", ".join(terminal_safe(str(p)) for p in paths))
    done = 0
    try:
        # No auto-refresh thread: workers are forked while this runs, and forking a threaded process is unsafe.
        with Progress(
            TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=console, disable=not console.is_terminal, transient=True, auto_refresh=False,
        ) as progress:
            task = progress.add_task("grading", total=len(submissions))

            def advance(_: str) -> None:
                nonlocal done
                done += 1
                progress.advance(task)
                progress.refresh()

            run_batch(loaded, submissions, out, jobs or default_jobs(), advance)
        results = finish_batch(loaded, submissions, out, audience, export)
    except KeyboardInterrupt:
        console.print(f"interrupted: {done} of {len(submissions)} sheets are kept in {terminal_safe(str(out))}/.partial; run the same command again to finish", markup=False)
        sys.exit(EXIT_INTERRUPTED)
    except GraderError as exc:
        console.print(f"error: {terminal_safe(str(exc))}", markup=False)
        sys.exit(EXIT_INVALID)
    _summary(console, results, out, kept=len(results) - len(submissions))
    this_run = {s.id for s in submissions}  # sheets kept from an earlier run do not decide this run's exit
    sys.exit(EXIT_SOME_FAILED if any(r.status == "error" and r.id in this_run for r in results) else EXIT_OK)


@main.command()
@click.argument("out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--audience", type=click.Choice(["ta", "student"]), default="ta", show_default=True, help="Who the HTML pages are for.")
@click.option("--export", type=click.Choice(["canvas", "moodle"]), default=None, help="Also write a gradebook CSV for this LMS.")
def render(out: Path, audience: str, export: str | None) -> None:
    """Re-render every page, the class report and the exports from OUT/results.json, grading nothing."""
    from grader.publish import render as render_results

    try:
        results = render_results(out, audience, export)
    except GraderError as exc:
        _err_console().print(f"error: {terminal_safe(str(exc))}", markup=False)
        sys.exit(EXIT_INVALID)
    _summary(_err_console(), results, out)


def _summary(console: Console, results: list[SubmissionResult], out: Path, kept: int = 0) -> None:
    graded = [r for r in results if r.status == "graded"]
    flagged = sum(1 for r in graded if needs_review(r.flags + tuple(n for q in r.questions for n in q.flags)))
    mean = sum(r.score for r in graded) / len(graded) if graded else 0.0
    maximum = graded[0].max if graded else 0
    also = f" ({kept} kept from the earlier run in it)" if kept > 0 else ""
    console.print(f"graded {len(graded)}, errors {len(results) - len(graded)}, flagged {flagged}, mean {mean:.2f}/{maximum:g} → "
                  f"{terminal_safe(str(out))}/{also}", markup=False)
    for result in results:
        if result.status == "error":
            console.print(Text.assemble(("error ", "red"), terminal_safe(f"{result.file}: {result.error}")))


@main.command()
@_RUBRIC_ARG
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the submission's results.json object instead.")
def check(rubric: Path, file: Path, as_json: bool) -> None:
    """Grade one answer sheet and show the feedback (for students checking themselves)."""
    from grader.engine import Grader
    from grader.inputs import collect
    from grader.output import dumps

    loaded = _load(rubric)
    try:
        collection = collect([file])
    except GraderError as exc:
        raise click.UsageError(terminal_safe(str(exc))) from None
    if not collection.submissions:
        raise click.UsageError(f"{terminal_safe(str(file))}: {collection.skipped[0].reason if collection.skipped else 'not a file'}")
    submission = collection.submissions[0]
    result = Grader(loaded).grade_file(submission.path, submission.id, submission.file)
    if as_json:
        click.echo(dumps(result.to_json()), nl=False)
    else:
        _print_feedback(Console(highlight=False), result)
    sys.exit(EXIT_SOME_FAILED if result.status == "error" else EXIT_OK)


def _print_feedback(console: Console, result: SubmissionResult) -> None:
    if result.status == "error":
        console.print(terminal_safe(f"{result.file}: could not be graded: {result.error}"), markup=False)
        return
    table = Table(title=Text(terminal_safe(f"{result.id}: {result.score:g} / {result.max:g}")), show_lines=True)
    for column in ("question", "score", "feedback"):
        table.add_column(column)
    for question in result.questions:
        # A deduction that did not apply (0 of 0 points) has nothing to tell the student.
        shown = [item for item in question.items if not item.hidden and (item.max or item.score)]
        lines = [f"{item.score:g}/{item.max:g}  {item.feedback}" for item in shown]
        flags = for_audience(question.flags, "student")
        if flags:
            lines.append("to check with your TA: " + "; ".join(str(n) for n in flags))
        # Text, not markup: feedback quotes the student, whose brackets must print as written.
        table.add_row(Text(question.id), Text(f"{question.score:g}/{question.max:g}"), Text("\n".join(terminal_safe(line) for line in lines)))
    console.print(table)
    pending = sum(i.max for q in result.questions for i in q.items if i.outcome.value == "not-graded")
    if pending:
        console.print(f"{pending:g} of the points are not graded yet: a TA grades those items.", markup=False)


@main.command()
@_RUBRIC_ARG
def validate(rubric: Path) -> None:
    """Load RUBRIC, run its solvers and self-tests; print what is wrong as FILE:LINE: message.

    Every reference a question computes (its compute: formulas) is printed first,
    as "QUESTION: name = exact ≈ decimal". Each question's model_answer (when it has
    one) must earn full marks, and its statement must render. A concepts phrasing the
    statement itself asserts is a warning (copying the question would earn it)."""
    from grader.model_answers import model_answer_problems
    from grader.rubric.hygiene import question_text_warnings
    from grader.selftest import self_test

    loaded = _load(rubric)
    if any(getattr(q.refs, "computed", None) for q in loaded.questions):
        from grader.references import computed_lines

        for question in loaded.questions:
            for line in computed_lines(question.id, question.refs):
                click.echo(terminal_safe(line))
    failures = self_test(loaded)
    for failure in failures:
        click.echo(f"{failure.file}:{failure.line}: {failure.message()}", err=True)
    answer_problems = model_answer_problems(loaded)
    for file, line, message in answer_problems:
        click.echo(f"{file}:{line}: {terminal_safe(message)}", err=True)
    for file, line, message in question_text_warnings(loaded):
        click.echo(f"{file}:{line}: warning: {terminal_safe(message)}", err=True)
    if failures or answer_problems:
        sys.exit(EXIT_INVALID)
    items = sum(len(q.items) for q in loaded.questions)
    click.echo(f"{rubric}: valid ({_count(len(loaded.questions), 'question')}, {_count(items, 'item')}, "
               f"{loaded.total:g} points; self-tests pass)")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@main.command()
@_RUBRIC_ARG
@click.option("--seed", type=int, required=True, help="Which variant: the same seed gives the same values everywhere.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the variant: rubric/, questions.md and model-answers.md.")
def variant(rubric: Path, seed: int, out: Path) -> None:
    """Make a practice variant of RUBRIC: draw the given values it declares (choose:, range:)
    with SEED, and write the variant's rubric, its paper and its model answers to OUT."""
    from grader.variant import flow_yaml, make_variant

    try:
        made = make_variant(rubric, seed, out)
    except RubricError as exc:
        for line in exc.lines():
            click.echo(terminal_safe(line), err=True)
        sys.exit(EXIT_INVALID)
    except GraderError as exc:
        _err_console().print(f"error: {terminal_safe(str(exc))}", markup=False)
        sys.exit(EXIT_INVALID)
    for question_id, values in made.drawn.items():
        for name, value in values.items():
            click.echo(terminal_safe(f"{question_id}: {name} = {flow_yaml(value)}"))
    for path in made.files:
        click.echo(f"wrote {terminal_safe(str(path))}")
    if made.without_model_answer:
        click.echo(f"no model_answer: {', '.join(made.without_model_answer)} (left out of model-answers.md)")
