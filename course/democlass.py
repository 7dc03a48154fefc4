"""The demo class: who is in it, what each submitted, and the scores each must get.

- `complete`: every solution cell filled with the source's solution (written answers too);
- `untouched`: the release exactly as students receive it;
- `alice`, `bob`, `carol`: the solution except the typical mistakes listed for each part in
  lessons/demo/<part>.py (MISTAKES[name]["cells"]), which must lose the points of exactly the
  test cells listed in MISTAKES[name]["fails"].
"""
from __future__ import annotations

import re
import runpy
from pathlib import Path

import nbformat

from .common import DEMO_LESSONS, CourseError

MISTAKE_STUDENTS = ("alice", "bob", "carol")
STUDENTS = ("complete", "untouched") + MISTAKE_STUDENTS
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def mistakes(part: str) -> dict:
    path = DEMO_LESSONS / f"{part}.py"
    if not path.is_file():
        raise CourseError(f"no demo class for {part}: write {path}")
    data = runpy.run_path(str(path)).get("MISTAKES")
    if not isinstance(data, dict) or set(data) != set(MISTAKE_STUDENTS):
        raise CourseError(f"{path}: MISTAKES must describe exactly {', '.join(MISTAKE_STUDENTS)}")
    return data


def gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_text(cell) -> str:
    """What a student who solved the cell wrote: the source with nbgrader's markers removed."""
    return "\n".join(ln for ln in cell.source.splitlines() if not MARKER.match(ln))


def filled(source_nb, release_nb, cells: dict | None = None):
    """The release with every solution cell answered as in the source, except `cells`
    (grade_id -> what the student wrote there instead)."""
    nb = nbformat.from_dict(release_nb)
    answers = {gid(c): solution_text(c) for c in source_nb.cells
               if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    answers.update(cells or {})
    for cell in nb.cells:
        if gid(cell) in answers:
            cell.source = answers[gid(cell)]
    return nb


def submission(source_nb, release_nb, student: str, part: str):
    """The notebook `student` hands in for `part`."""
    if student == "untouched":
        return nbformat.from_dict(release_nb)
    wrong = mistakes(part)[student]["cells"] if student in MISTAKE_STUDENTS else {}
    solutions = {gid(c) for c in source_nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    unknown = set(wrong) - solutions
    if unknown:
        raise CourseError(f"lessons/demo/{part}.py: {student} edits unknown solution cells {sorted(unknown)}")
    return filled(source_nb, release_nb, wrong)


def write_class(course: Path, part: str, students=STUDENTS) -> None:
    source_nb = nbformat.read(course / "source" / part / f"{part}.ipynb", as_version=4)
    release_nb = nbformat.read(course / "release" / part / f"{part}.ipynb", as_version=4)
    for student in students:
        dest = course / "submitted" / student / part / f"{part}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(submission(source_nb, release_nb, student, part), dest)


def graded_cells(source_nb) -> dict:
    """grade_id -> (points, kind) for every graded cell; kind is 'code' (autograded) or 'manual'."""
    out = {}
    for c in source_nb.cells:
        m = c.get("metadata", {}).get("nbgrader", {})
        if m.get("grade"):
            out[m["grade_id"]] = (float(m["points"]), "manual" if m.get("solution") else "code")
    return out


def expected_scores(source_nb, student: str, part: str) -> dict:
    """grade_id -> expected autograded score (None for cells left to a human)."""
    cells = graded_cells(source_nb)
    fails = set(mistakes(part)[student]["fails"]) if student in MISTAKE_STUDENTS else set()
    unknown = fails - set(cells)
    if unknown:
        raise CourseError(f"lessons/demo/{part}.py: {student} 'fails' names unknown test cells {sorted(unknown)}")
    out = {}
    for g, (points, kind) in cells.items():
        if kind == "manual":
            out[g] = 0.0 if student == "untouched" else None  # nbgrader scores unchanged answers 0
        elif student == "untouched" or g in fails:
            out[g] = 0.0
        else:
            out[g] = points
    return out


def mismatches(source_nb, outcome, part: str) -> list[str]:
    """Differences between a graded demo submission and what the demo class promises."""
    want = expected_scores(source_nb, outcome.student, part)
    problems = [] if outcome.status == "ok" else [f"status {outcome.status}: {'; '.join(outcome.notes)}"]
    for g, score in want.items():
        got = outcome.cells.get(g, [None, None])[0]
        if got != score:
            problems.append(f"{g}: got {got}, expected {score}")
    return problems


def exercises(source_nb) -> dict:
    """grade_id of each graded cell -> the exercise it belongs to (the solution cell before it)."""
    out, current = {}, None
    for c in source_nb.cells:
        m = c.get("metadata", {}).get("nbgrader", {})
        if m.get("solution"):
            current = m["grade_id"]
        if m.get("grade"):
            out[m["grade_id"]] = m["grade_id"] if m.get("solution") else (current or m["grade_id"])
    return out
