"""`python -m course demo`: the course's main job end to end, on this folder's SQLite gradebook.

build source/ and release/ -> demo class in submitted/ -> autograde into autograded/ ->
feedback/ (no hidden tests) -> grades.csv -> a per-student, per-exercise score table, checked
against what the demo class promises (lessons/demo/<part>.py).
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat

from . import democlass
from .common import ROOT, CourseError, check_parts

HELP = "build, grade a demo class, write feedback and grades.csv, print the score table"
# What the demo writes (globs, as in the Makefile's clean): autograded/README.md is committed.
OUTPUTS = ("submitted", "autograded/*/", "feedback", ".staged", "reports", "gradebook.db", "grades.csv")


def add_arguments(parser):
    parser.add_argument("--course", default=str(ROOT),
                        help="course folder to run the demo in (default: this repository)")
    parser.add_argument("--part", action="append", metavar="PART", help="only this part (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    parser.add_argument("--unsafe", "--no-sandbox", dest="unsafe", action="store_true",
                        help="grade the demo class without the bubblewrap sandbox (it is the course's own code)")
    parser.add_argument("--force", action="store_true",
                        help="run even if the gradebook holds students who are not in the demo class")


def run(args) -> int:
    t0 = time.monotonic()
    course = Path(args.course).resolve()
    parts = check_parts(args.part)
    problems = demo(course, parts, jobs=args.jobs, sandbox=not args.unsafe, force=args.force)
    print(f"\nmake demo took {time.monotonic() - t0:.0f} s")
    return 1 if problems else 0


def guard(course: Path, force: bool) -> None:
    """Never wipe a real class: refuse if submitted/ holds anyone outside the demo class."""
    sub = course / "submitted"
    others = sorted(p.name for p in sub.iterdir() if p.is_dir() and p.name not in democlass.STUDENTS) \
        if sub.is_dir() else []
    if others and not force:
        raise CourseError(f"submitted/ holds real students ({', '.join(others[:5])}...): the demo would "
                          "erase their grades; run it in another folder (--course) or pass --force")


def reset(course: Path) -> None:
    for pattern in OUTPUTS:
        for p in course.glob(pattern):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()


def demo(course: Path, parts, jobs=2, sandbox=True, force=False, log=print) -> list[str]:
    from .build import generate_release, normalise_release, write_source
    from .grade import grade_class, print_outcomes
    from .sandbox import bwrap

    if course != ROOT:
        course.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "nbgrader_config.py", course)
    guard(course, force)
    reset(course)
    if sandbox and not bwrap():
        log("warning: bubblewrap is not installed; grading the (trusted) demo class unsandboxed")
        sandbox = False
    log(f"building {len(parts)} part(s) into {course}")
    for part in parts:
        write_source(part, course)
        normalise_release(generate_release(course, part))
        democlass.write_class(course, part)
    log(f"autograding {len(democlass.STUDENTS)} students x {len(parts)} parts "
        f"({'sandboxed' if sandbox else 'no sandbox'}, {jobs} at a time)")
    outcomes = grade_class(course, parts, list(democlass.STUDENTS), jobs=jobs, sandbox=sandbox, log=log)
    print_outcomes(outcomes)
    feedback(course, parts)
    export_csv(course)
    log("feedback/ and grades.csv written")
    write_report(course, parts, log)
    return report(course, parts, outcomes, log)


def write_report(course: Path, parts, log=print) -> None:
    """reports/report.html and CSV (python -m course report); for the whole course in this
    repository also the committed copy docs/demo-report.html that README links to."""
    from . import report as course_report
    from .common import parts as all_parts

    paths = course_report.write(course, list(parts), log=lambda *a: None)
    log(f"report written: {paths[0].relative_to(course)}")
    if course == ROOT and list(parts) == all_parts():
        docs = ROOT / "docs"
        docs.mkdir(exist_ok=True)
        for p in paths:
            shutil.copy(p, docs / p.name.replace("report", "demo-report", 1))
        log("docs/demo-report.html updated")


def feedback(course: Path, parts) -> None:
    from .nbgrader_api import api_for

    api = api_for(course)
    for part in parts:
        result = api.generate_feedback(part, force=True)
        if not result.get("success"):
            raise CourseError(f"nbgrader generate_feedback {part} failed: {(result.get('error') or '')[-300:]}")


def export_csv(course: Path) -> Path:
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    from .nbgrader_api import db_url, load_config
    plugin = CsvExportPlugin(config=load_config(course))
    plugin.to = str(course / "grades.csv")
    with Gradebook(db_url(course)) as gb:
        plugin.export(gb)
    return course / "grades.csv"


def report(course: Path, parts, outcomes, log=print) -> list[str]:
    """Print the per-student, per-exercise table; return differences from the promised scores."""
    problems = []
    by_key = {(o.student, o.assignment): o for o in outcomes}
    for part in parts:
        source_nb = nbformat.read(course / "source" / part / f"{part}.ipynb", as_version=4)
        ex_of = democlass.exercises(source_nb)
        cells = democlass.graded_cells(source_nb)
        exs = list(dict.fromkeys(ex_of.values()))
        auto = [e for e in exs if any(cells[g][1] == "code" for g in ex_of if ex_of[g] == e)]
        manual = sum(p for p, k in cells.values() if k == "manual")
        log(f"\n{part}  (autograded {sum(p for p, k in cells.values() if k == 'code'):g} points"
            f" + {manual:g} graded by hand)")
        width = max([len(e) for e in auto] + [8])
        log(f"  {'exercise':<{width}} " + " ".join(f"{s:>10}" for s in democlass.STUDENTS))
        for e in auto:
            row = []
            for s in democlass.STUDENTS:
                o = by_key[(s, part)]
                got = sum((o.cells.get(g, [0])[0] or 0) for g in ex_of if ex_of[g] == e and cells[g][1] == "code")
                mx = sum(cells[g][0] for g in ex_of if ex_of[g] == e and cells[g][1] == "code")
                row.append(f"{got:g}/{mx:g}")
            log(f"  {e:<{width}} " + " ".join(f"{r:>10}" for r in row))
        totals, auto_max = [], sum(p for p, k in cells.values() if k == "code")
        for s in democlass.STUDENTS:
            o = by_key[(s, part)]
            totals.append(o.status if o.status != "ok" else f"{_fmt(o.score)}/{auto_max:g}")
            problems += [f"{part} {s}: {p}" for p in democlass.mismatches(source_nb, o, part)]
        log(f"  {'TOTAL (auto)':<{width}} " + " ".join(f"{t:>10}" for t in totals))
        for s in democlass.MISTAKE_STUDENTS:
            log(f"    {s}: {democlass.mistakes(part)[s]['about']}")
        log("  likely mistakes their feedback names (lessons/mistakes/):")
        for s in democlass.MISTAKE_STUDENTS:
            log(f"    {s}: {named_mistakes(course, part, by_key[(s, part)])}")
    log("\nevery score is as the demo class promises" if not problems else
        "\nscores that differ from what the demo class promises:\n  " + "\n  ".join(problems))
    return problems


def named_mistakes(course: Path, part: str, outcome) -> str:
    """The likely mistakes a student's feedback names, as `cell: name` (course/feedback.py)."""
    from . import feedback

    record = feedback.load_record(part)
    path = course / "autograded" / outcome.student / part / f"{part}.ipynb"
    if record is None:
        return "none (no record: python -m course mutants --record)"
    if not path.is_file():
        return "none (not graded)"
    nbs = [nbformat.read(course / d / part / f"{part}.ipynb", as_version=4) for d in ("source", "release")]
    failing = {g for g, (score, top) in outcome.cells.items() if score is not None and top and score < top}
    found = feedback.likely_mistakes(record, *nbs, nbformat.read(path, as_version=4), failing)
    return "; ".join(f"{m.cell}: {' or '.join(e['name'] for e in m.mistakes)}" for m in found) or "none"


def _fmt(x):
    return "-" if x is None else f"{x:g}"
