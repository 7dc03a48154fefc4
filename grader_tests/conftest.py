"""Shared fixtures: a graded demo course for the real lessons, and tiny throwaway courses."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course import democlass
from course.build import generate_release, normalise_release, write_source
from course.common import ROOT, parts
from course.grade import grade_class
from course.validate import make_course

FIXTURES = Path(__file__).parent / "fixtures"
TINY = "tiny"


def pytest_report_header(config):
    return f"course parts: {', '.join(parts())}"


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """Every part built in a throwaway course, the demo class graded (sandboxed), as in `make demo`.

    Returns (course folder, {(student, part): Outcome}).
    """
    assert shutil.which("bwrap"), "bubblewrap is required to grade (apt-get install bubblewrap)"
    course = make_course(tmp_path_factory.mktemp("demo-course"), parts())
    outcomes = grade_class(course, parts(), list(democlass.STUDENTS), jobs=2, sandbox=True,
                           log=lambda *a: None)
    return course, {(o.student, o.assignment): o for o in outcomes}


def source_nb(course: Path, part: str):
    return nbformat.read(course / "source" / part / f"{part}.ipynb", as_version=4)


@pytest.fixture
def tiny_course(tmp_path):
    """A course with one tiny assignment (grader_tests/fixtures/tiny.py), release generated."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    write_source(TINY, tmp_path, FIXTURES / "tiny.py")
    normalise_release(generate_release(tmp_path, TINY))
    return tmp_path


def release_nb(course: Path, part: str = TINY):
    return nbformat.read(course / "release" / part / f"{part}.ipynb", as_version=4)


def submit(course: Path, student: str, nb, part: str = TINY) -> Path:
    """Hand in `nb` (a notebook, or raw text for broken files) as `student`."""
    dest = course / "submitted" / student / part / f"{part}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, str):
        dest.write_text(nb)
    else:
        nbformat.write(nb, dest)
    return dest


def with_cell(nb, grade_id: str, source: str):
    """A copy of `nb` whose cell `grade_id` holds `source`."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if democlass.gid(cell) == grade_id:
            cell.source = source
            return nb
    raise KeyError(grade_id)


SOLVED = "def add(a, b):\n    return a + b\n"


def cli(*args, cwd=ROOT, timeout=600):
    """Run `python -m course ...`; returns the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "course", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def processes_in(folder: Path) -> list[int]:
    """Processes whose working folder is inside `folder` (kernels and their children)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and os.readlink(proc / "cwd").startswith(str(folder)):
                found.append(int(proc.name))
        except OSError:
            pass
    return found


def interruptible() -> None:
    """preexec_fn for a command a test stops with SIGINT: Ctrl-C works in it even when the test run
    itself was started in the background (`cmd &` in a shell without job control ignores SIGINT,
    and a child inherits that, so Python would install no KeyboardInterrupt handler)."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_DFL)
