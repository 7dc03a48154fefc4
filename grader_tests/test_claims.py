"""Claims: every lesson's demos show what the lesson says, on a busy machine too."""
from __future__ import annotations

import shutil

import nbformat
import pytest

from course.build import generate_release, lesson_to_notebook, normalise_release, write_source
from course.claims import busy_cores, check
from course.common import ROOT, parts

from .conftest import FIXTURES

TINY = FIXTURES / "tiny_claims.py"


def test_a_false_claim_is_reported_and_a_true_one_is_not():
    """`check` runs the claim cells with the lesson and names the claim that does not hold."""
    n, problems = check("tiny_claims", TINY)
    assert n == 2, f"the tiny lesson has 2 claim cells, check counted {n}"
    assert len(problems) == 1 and "adding takes over 1000 s" in problems[0], problems


def test_claim_cells_never_reach_source_or_release(tmp_path):
    """Students and nbgrader never see claim cells: build leaves them out of source/ and release/."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    src = write_source("tiny_claims", tmp_path, TINY)
    rel = write_release_from(tmp_path)
    for path in (src, rel):
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        assert "_two == 2" not in text and "a false claim" not in text, f"{path.name} shows a claim cell"
    with_claims = lesson_to_notebook("tiny_claims", TINY, claims=True)
    assert sum("_two == 2" in c.source for c in with_claims.cells) == 1, "claims=True must keep the claim cells"


def write_release_from(course):
    folder = generate_release(course, "tiny_claims")
    normalise_release(folder)
    return folder / "tiny_claims.ipynb"


def test_busy_cores_are_busy_and_gone_afterwards():
    """--busy starts one spinning process per core and leaves none behind."""
    import time
    with busy_cores(2) as procs:
        time.sleep(0.5)
        assert all(p.poll() is None for p in procs), "a busy process ended early"
        ticks = [int(open(f"/proc/{p.pid}/stat").read().split()[13]) for p in procs]
        assert all(t > 0 for t in ticks), f"busy processes used no CPU time: {ticks}"
    assert all(p.poll() is not None for p in procs), "busy processes are still running"


@pytest.mark.parametrize("part", parts())
def test_every_claim_holds_on_a_busy_machine(part):
    """The solution notebook's claim cells all hold while every core is kept busy by another process."""
    import os
    with busy_cores(os.cpu_count() or 1):
        n, problems = check(part)
    assert n >= 1, f"{part} has no claim cell: the numbers its demos print back no checked sentence"
    assert not problems, f"{part}:\n" + "\n".join(problems)
