"""`python -m course validate PART...`: check lessons the way the course's tests do.

For each part, in a throwaway course folder: build the source notebook and the release, lint the
nbgrader structure, check the release leaks nothing, then grade the demo class (complete,
untouched, and the three students with typical mistakes) and compare every test cell's score
with what the demo class promises. Prints each problem; exit status 1 if there is any.
"""
from __future__ import annotations

import builtins
import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from . import democlass
from .cells import names as cell_names
from .common import ROOT, check_parts
from .readable import accessibility
from .robust import robustness

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


def _kind(cell) -> str:
    m = cell.metadata.get("nbgrader", {})
    if m.get("grade") and not m.get("solution") and cell.cell_type == "code":
        return "test"
    if m.get("solution") and cell.cell_type == "code":
        return "solution"
    if m.get("locked") and cell.cell_type == "code":
        return "given"
    return cell.cell_type if not m else "other"


def unintroduced(source_nb, release_nb) -> list[str]:
    """Names a test cell reads that the student must define but the release never shows them first.

    A name a solution cell defines and a test cell (hidden part included) reads must appear in the
    student's notebook at or before the solution cell that defines it: in the stub or in code given
    before it (as a word), or in a prompt (inside `code`). A name that only a test cell, a later cell
    or nothing at all mentions is a guessing game for the student.
    """
    defined_by = {}
    for cell in source_nb.cells:
        if _kind(cell) == "solution":
            for name in cell_names(cell.source)[0]:
                defined_by.setdefault(name, cell.metadata["nbgrader"]["grade_id"])
    position = {c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(release_nb.cells)}
    known = set(dir(builtins))
    problems, seen = [], set()
    for cell in source_nb.cells:
        if _kind(cell) != "test":
            continue
        bound, read = cell_names(cell.source)
        for name in sorted((read or set()) - bound - known):
            where = defined_by.get(name)
            if where is None or (name, where) in seen or where not in position:
                continue
            seen.add((name, where))
            if not _shown(name, release_nb.cells[:position[where] + 1]):
                problems.append(f"test {cell.metadata['nbgrader']['grade_id']!r} reads `{name}` (defined in "
                                f"{where!r}), which the student's notebook never introduces before or in that "
                                f"solution cell: name it in the prompt or the stub")
    return problems


def _shown(name: str, cells) -> bool:
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    in_code_span = re.compile(rf"`[^`\n]*(?<![\w.]){re.escape(name)}\b[^`\n]*`")
    for cell in cells:
        kind = _kind(cell)
        if kind == "markdown" and in_code_span.search(cell.source):
            return True
        if kind in ("solution", "given") and word.search(cell.source):
            return True
    return False


# Wording that speaks of the documents the course was written from, which students never see.
# (A random seed is fine: "the same seed", `manual_seed`, `seed=`.)
SEED_WORDING = re.compile(r"\bseeds?['’]s?(?!\w)|\bseeds?['’](?=\s)|\bseed (?:notes?|documents?|lessons?|outline|"
                          r"activity|material|text|version|table|question|challenge|example|check|says|lists)\b|"
                          r"\bseed activity\b", re.I)


def seed_wording(release_nb) -> list[str]:
    """Every place in the student's notebook that speaks of "the seed" documents."""
    return [f"cell {i + 1}: {m.group(0)!r} in {cell.source[max(0, m.start() - 30):m.end() + 30]!r}"
            for i, cell in enumerate(release_nb.cells) for m in SEED_WORDING.finditer(cell.source)]


TITLE_TIME = re.compile(r"Time: about (\d+) min core \+ (\d+) min going further \(optional\)")
SECTION_TIME = re.compile(r"^## (.+?)\(([^()]*?)~(\d+) min(, optional)?\)\s*$", re.M)
UNTIMED = re.compile(r"^## (Key takeaways|Readings)", re.M)


def time_estimates(nb) -> tuple[int, int] | None:
    """(core, going further) minutes stated by the title, or None."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = TITLE_TIME.search(cell.source)
            if m:
                return int(m.group(1)), int(m.group(2))
    return None


def time_problems(nb) -> list[str]:
    """The title states core and going-further minutes; every section says its own, and they add up."""
    stated = time_estimates(nb)
    if stated is None:
        return ["the title does not say 'Time: about C min core + G min going further (optional)'"]
    core = further = 0
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if not line.startswith("## ") or UNTIMED.match(line):
                continue
            m = SECTION_TIME.match(line)
            if not m:
                problems.append(f"section {line[3:60]!r} states no time: end it with '(~N min)' or '(~N min, optional)'")
                continue
            optional = bool(m.group(4))
            if optional != line[3:].startswith("Going further"):
                problems.append(f"section {line[3:60]!r}: optional sections, and only they, start with 'Going further'")
            if optional:
                further += int(m.group(3))
            else:
                core += int(m.group(3))
    if (core, further) != stated:
        problems.append(f"the title says {stated[0]} min core + {stated[1]} min going further, "
                        f"the sections add up to {core} + {further}")
    return problems


def student_view(source_nb, release_nb) -> list[str]:
    """What a student meets in the release: unnamed test names, 'seed' wording, times that do not add up."""
    return unintroduced(source_nb, release_nb) + seed_wording(release_nb) + time_problems(release_nb)


def validate(tmp: Path, parts, sandbox=True, jobs=2, log=print) -> dict:
    from .grade import grade_class

    course = make_course(tmp, parts)
    problems = {}
    for part in parts:
        source_nb = nbformat.read(course / "source" / part / f"{part}.ipynb", as_version=4)
        release_nb = nbformat.read(course / "release" / part / f"{part}.ipynb", as_version=4)
        problems[part] = (lint(source_nb) + leaks(source_nb, release_nb) + student_view(source_nb, release_nb)
                          + accessibility(source_nb, course / "source" / part) + robustness(source_nb))
    outcomes = grade_class(course, parts, list(democlass.STUDENTS), jobs=jobs, sandbox=sandbox, log=log)
    for o in outcomes:
        source_nb = nbformat.read(course / "source" / o.assignment / f"{o.assignment}.ipynb", as_version=4)
        problems[o.assignment] += [f"{o.student}: {p}" for p in democlass.mismatches(source_nb, o, o.assignment)]
    return problems
