"""`python -m course report` on a tiny graded class whose every number is known in advance."""
from __future__ import annotations

import base64
import csv
import re
import shutil

import pytest

from course.build import generate_release, normalise_release, write_source
from course.common import ROOT
from course.grade import grade_class

from .conftest import FIXTURES, SOLVED, TINY, cli, release_nb, submit, with_cell

# the class: what each student hands in, and what the report must say about them
HARDCODED = "import ctypes  # puts the submission on the review list\ndef add(a, b):\n    return 3\n"


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """A tiny course, graded (unsandboxed: the code is ours), reported with the CLI into out/."""
    course = tmp_path_factory.mktemp("report-course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    write_source(TINY, course, FIXTURES / "tiny.py")
    normalise_release(generate_release(course, TINY))
    submit(course, "full", with_cell(release_nb(course), "add", SOLVED))        # 2/2
    submit(course, "half", with_cell(release_nb(course), "add", HARDCODED))     # 1/2, review
    submit(course, "blank", release_nb(course))                                 # 0/2
    submit(course, "broken", '{"cells": [ not json')                            # broken
    (course / "submitted" / "ghost" / TINY).mkdir(parents=True)
    (course / "submitted" / "ghost" / TINY / "Untitled.ipynb").write_text("{}")  # missing
    grade_class(course, [TINY], jobs=1, sandbox=False, log=lambda *a: None)
    out = course / "out"
    r = cli("report", "--course", str(course), "--out", str(out))
    assert r.returncode == 0, f"report failed: {r.stdout}{r.stderr}"
    return course, out


def read_csv(path) -> list[dict]:
    with path.open() as f:
        return list(csv.DictReader(f))


def test_item_analysis_gives_pass_rates_most_failed_first(reported):
    """Per test cell: graded submissions, full marks, pass rate, mean; the most-failed test first."""
    _, out = reported
    rows = read_csv(out / "report-items.csv")
    got = [(r["test"], r["points"], r["graded"], r["full_marks"], r["pass_rate"], r["mean_score"]) for r in rows]
    want = [("test_add_arrays", "1", "3", "1", "0.333", "0.333"),   # only `full` adds arrays
            ("test_add_small", "1", "3", "2", "0.667", "0.667")]    # `full` and `half`
    assert got == want, f"items: got {got}, expected {want}"
    docs = {r["test"]: r["checks"] for r in rows}
    assert docs == {"test_add_arrays": "add works on arrays (hidden).",
                    "test_add_small": "add works on small integers."}, f"docstrings: {docs}"


def test_status_counts_include_broken_missing_and_review(reported):
    """Status counts: 3 graded ok, 1 broken, 1 missing, 1 on the review list, of 5 students."""
    _, out = reported
    (row,) = read_csv(out / "report-status.csv")
    got = {k: row[k] for k in ("students", "ok", "broken", "missing", "timeout", "kernel-died", "tampered",
                               "review")}
    want = {"students": "5", "ok": "3", "broken": "1", "missing": "1", "timeout": "0", "kernel-died": "0",
            "tampered": "0", "review": "1"}
    assert got == want, f"status counts: got {got}, expected {want}"


def test_student_table_has_every_students_score_and_status(reported):
    """One row per student: autograded points of the 2, status, review findings."""
    _, out = reported
    got = {r["student"]: (r["status"], r["autograded"], r["autograded_max"], r["review"] != "0")
           for r in read_csv(out / "report-students.csv")}
    want = {"full": ("ok", "2", "2", False), "half": ("ok", "1", "2", True), "blank": ("ok", "0", "2", False),
            "broken": ("broken", "", "2", False), "ghost": ("missing", "", "2", False)}
    assert got == want, f"students: got {got}, expected {want}"


def test_html_report_is_self_contained_and_has_the_plot(reported):
    """report.html loads nothing from outside, embeds one PNG plot per assignment and names the failed tests."""
    _, out = reported
    text = (out / "report.html").read_text()
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//[^"'\s>]*""", text)
    assert not external, f"external references: {external}"
    assert "<script" not in text and "<link" not in text, "the report must not load scripts or stylesheets"
    pngs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(pngs) == 1, f"expected one embedded plot (one assignment), found {len(pngs)}"
    assert base64.b64decode(pngs[0])[:8] == b"\x89PNG\r\n\x1a\n", "the embedded plot is not a PNG"
    for needle in ("test_add_arrays", "add works on arrays (hidden).", "broken", "uses ctypes"):
        assert needle in text, f"{needle!r} is not in the report"


def test_report_is_identical_when_written_again(reported, tmp_path):
    """No timestamps or paths inside: the same gradebook gives byte-identical files (no churn in git)."""
    course, out = reported
    r = cli("report", "--course", str(course), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    differ = [f.name for f in out.iterdir() if f.read_bytes() != (tmp_path / f.name).read_bytes()]
    assert not differ, f"files differ between two runs: {differ}"


def test_no_gradebook_or_unknown_assignment_gives_one_line_errors(reported, tmp_path):
    """Without a gradebook, or with an assignment it does not hold, report says so in one line (exit 2)."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    r = cli("report", "--course", str(tmp_path))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no gradebook" in r.stderr, \
        f"exit {r.returncode}, stderr {r.stderr!r}"
    course, _ = reported
    r = cli("report", "--course", str(course), "--assignment", "nope", "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "'nope'" in r.stderr, \
        f"exit {r.returncode}, stderr {r.stderr!r}"


TINY_RECORD = {"part": TINY, "reach": {"add": ["test_add_arrays", "test_add_small"]}, "mistakes": [
    {"name": "hard_codes_the_example", "cell": "add", "cells": ["add"], "about": "returns 3, the example's answer",
     "hint": "", "generic": False, "fails": ["test_add_arrays"]},
    {"name": "subtracts", "cell": "add", "cells": ["add"], "about": "a - b", "hint": "", "generic": False,
     "fails": ["test_add_arrays", "test_add_small"]},
]}


def test_report_counts_the_students_who_made_each_catalogued_mistake(reported):
    """Per assignment, each recorded mistake with how many students' failures match it exactly (HTML and CSV);
    the blank release and the solution count for none."""
    import json
    course, _ = reported
    folder = course / "mistakes"
    folder.mkdir(exist_ok=True)
    (folder / f"{TINY}.json").write_text(json.dumps(TINY_RECORD))
    out = course / "out-mistakes"
    r = cli("report", "--course", str(course), "--out", str(out), "--mistakes", str(folder))
    assert r.returncode == 0, r.stderr
    got = {row["mistake"]: (row["students"], row["who"]) for row in read_csv(out / "report-mistakes.csv")}
    want = {"hard_codes_the_example": ("1", "half"), "subtracts": ("0", "")}
    assert got == want, f"mistakes: got {got}, expected {want}"
    text = (out / "report.html").read_text()
    assert "Catalogued mistakes seen" in text and "returns 3, the example&#x27;s answer" in text \
        and "1 other recorded mistake was seen in no submission" in text, "the report's mistake table is missing"
    r = cli("report", "--course", str(course), "--out", str(out), "--mistakes", str(folder / "nope"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--mistakes" in r.stderr, \
        f"exit {r.returncode}, stderr {r.stderr!r}"
