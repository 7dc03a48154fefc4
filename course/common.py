"""Paths, the list of parts, and the error type every verb reports in one line."""
from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
DEMO_LESSONS = LESSONS / "demo"
GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")


# Every (student, assignment) grading ends in one of these (course/grade.py; README's status table).
STATUSES = ("ok", "timeout", "kernel-died", "tampered", "missing", "broken", "error", "interrupted")
# ...and these have their scores in the gradebook.
GRADED = ("ok", "timeout", "kernel-died", "tampered")


class CourseError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def parts() -> list[str]:
    """Every part of the course, in order: one lesson file per part."""
    return sorted(p.stem for p in LESSONS.glob("[0-9][0-9]_*.py"))


def check_part(name: str) -> str:
    """Return `name` if it is a part of the course, else raise a CourseError naming the parts."""
    known = parts()
    if name not in known:
        raise CourseError(f"unknown assignment {name!r}; the parts are: {', '.join(known)}")
    return name


def check_parts(names: list[str] | None) -> list[str]:
    """The parts asked for (all when none are named), each checked."""
    return [check_part(n) for n in names] if names else parts()


def lesson_path(part: str) -> Path:
    return LESSONS / f"{part}.py"


def course_dir(path: str | os.PathLike) -> Path:
    """A course folder given on the command line: it must exist and hold nbgrader_config.py."""
    p = Path(path).resolve()
    if not p.is_dir():
        raise CourseError(f"course folder {p} does not exist")
    if not (p / "nbgrader_config.py").is_file():
        raise CourseError(f"{p} is not a course folder (no nbgrader_config.py)")
    return p


def grading_sandbox(args, check: bool = True) -> bool:
    """Check a grading verb's --jobs and --unsafe up front; True if kernels run in the sandbox
    (then, with `check`, bubblewrap must work here: a one-line CourseError says how to fix it)."""
    if args.jobs < 1:
        raise CourseError(f"--jobs must be at least 1, got {args.jobs}")
    if not args.unsafe and check:
        from .sandbox import check_available
        check_available()
    return not args.unsafe
