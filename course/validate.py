"""`python -m course validate PART...`: check lessons the way the course's tests do.

For each part, in a throwaway course folder: build the source notebook and the release, lint the
nbgrader structure, check the release leaks nothing, then grade the demo class (complete,
untouched, and the three students with typical mistakes) and compare every test cell's score
with what the demo class promises. Prints each problem; exit status 1 if there is any.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from . import democlass
from .common import ROOT, check_parts

HELP = "check lessons: structure, no leaks, demo class grades as promised (in a temp course)"
POINTS_IN_HEADING = re.compile(r"^#+ .*\((\d+(?:\.\d+)?) points?[,)]", re.M)
BLOCK = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)


def add_arguments(parser):
    parser.add_argument("parts", nargs="*", metavar="PART", help="parts to check (default: all)")
    parser.add_argument("--unsafe", "--no-sandbox", dest="unsafe", action="store_true",
                        help="grade the demo class without the bubblewrap sandbox (it is the course's own code)")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the temp course folder and print its path")


def run(args) -> int:
    from .sandbox import bwrap

    parts = check_parts(args.parts)
    tmp = Path(tempfile.mkdtemp(prefix="course-validate-"))
    try:
        problems = validate(tmp, parts, sandbox=bool(bwrap()) and not args.unsafe, jobs=args.jobs)
    finally:
        if args.keep:
            print(f"course folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for part in parts:
        print(f"{part}: {'OK' if not problems[part] else f'{len(problems[part])} problem(s)'}")
        for p in problems[part]:
            print(f"  - {p}")
    return 1 if any(problems.values()) else 0


def make_course(tmp: Path, parts, students=democlass.STUDENTS) -> Path:
    """A course folder with source/, release/ and the demo class's submissions for `parts`."""
    from .build import normalise_release, generate_release, write_source

    shutil.copy(ROOT / "nbgrader_config.py", tmp)
    for part in parts:
        write_source(part, tmp)
        normalise_release(generate_release(tmp, part))
        democlass.write_class(tmp, part, students)
    return tmp


def lint(nb) -> list[str]:
    """nbgrader structure: unique ids, tests after every solution, points in headings add up."""
    problems, ids, pending, heading = [], set(), None, None
    heading_sum = 0.0

    def close_heading():
        if heading is not None and abs(heading[1] - heading_sum) > 1e-9:
            problems.append(f"heading {heading[0]!r} promises {heading[1]:g} points, its cells give {heading_sum:g}")

    for cell in nb.cells:
        m = cell.metadata.get("nbgrader", {})
        gid = m.get("grade_id")
        if gid:
            if gid in ids:
                problems.append(f"grade_id {gid!r} is used twice")
            ids.add(gid)
        if cell.cell_type == "markdown" and not m:
            found = POINTS_IN_HEADING.search(cell.source)
            if found:
                close_heading()
                heading, heading_sum = (found.group(0).lstrip("# "), float(found.group(1))), 0.0
        if m.get("grade"):
            heading_sum += float(m.get("points", 0))
        for kind, _ in BLOCK.findall(cell.source):
            if kind == "SOLUTION" and not m.get("solution"):
                problems.append(f"{gid or 'a cell'}: solution block outside a solution cell")
            if kind == "HIDDEN TESTS" and not (m.get("grade") and not m.get("solution")):
                problems.append(f"{gid or 'a cell'}: hidden tests outside a test cell")
        if m.get("solution") and not m.get("grade") and cell.cell_type == "code":
            if pending:
                problems.append(f"solution cell {pending!r} has no graded test after it")
            pending = gid
        elif m.get("grade") and not m.get("solution"):
            pending = None
            if not cell.source.lstrip().startswith(('"""', "'''")):
                problems.append(f"test {gid!r} does not start with a one-line docstring")
    close_heading()
    if pending:
        problems.append(f"solution cell {pending!r} has no graded test after it")
    return problems


def block_lines(source_nb) -> list[tuple[str, str]]:
    """(kind, line) for the distinctive lines of solution and hidden-test blocks.

    Distinctive: at least 30 characters, not a comment, and not shown anywhere else in the
    source (a `with warnings.catch_warnings():` that visible cells use too gives nothing away).
    """
    visible = {ln.strip() for c in source_nb.cells for ln in BLOCK.sub("", c.source).splitlines()}
    out = []
    for cell in source_nb.cells:
        for kind, body in BLOCK.findall(cell.source):
            out += [(kind.lower(), ln.strip()) for ln in body.splitlines()
                    if len(ln.strip()) >= 30 and not ln.strip().startswith("#") and ln.strip() not in visible]
    return out


def leaks(source_nb, release_nb) -> list[str]:
    """Solution code, hidden tests, model answers or their markers found in the student's notebook."""
    text = "\n".join(c.source for c in release_nb.cells)
    problems = [f"release contains the marker {m!r}" for m in
                ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS") if m in text]
    release_lines = {ln.strip() for ln in text.splitlines()}
    problems += [f"release shows a line of a {kind} block: {ln[:70]!r}"
                 for kind, ln in block_lines(source_nb) if ln in release_lines]
    for cell in source_nb.cells:
        m = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and m.get("solution") and len(cell.source.strip()) >= 30 \
                and cell.source.strip() in text:
            problems.append(f"release shows the model answer of {m.get('grade_id')!r}")
    return problems


def validate(tmp: Path, parts, sandbox=True, jobs=2, log=print) -> dict:
    from .grade import grade_class

    course = make_course(tmp, parts)
    problems = {}
    for part in parts:
        source_nb = nbformat.read(course / "source" / part / f"{part}.ipynb", as_version=4)
        release_nb = nbformat.read(course / "release" / part / f"{part}.ipynb", as_version=4)
        problems[part] = lint(source_nb) + leaks(source_nb, release_nb)
    outcomes = grade_class(course, parts, list(democlass.STUDENTS), jobs=jobs, sandbox=sandbox, log=log)
    for o in outcomes:
        source_nb = nbformat.read(course / "source" / o.assignment / f"{o.assignment}.ipynb", as_version=4)
        problems[o.assignment] += [f"{o.student}: {p}" for p in democlass.mismatches(source_nb, o, o.assignment)]
    return problems
