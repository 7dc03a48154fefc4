"""The grader on a tiny assignment: scores in the gradebook, and bad input handled safely."""
from __future__ import annotations

import os

import nbformat

from course.common import ROOT
from course.grade import grade_class

from .conftest import SOLVED, TINY, cli, interruptible, processes_in, release_nb, submit, with_cell


def grade(course, **kw):
    return {o.student: o for o in grade_class(course, [TINY], jobs=1, sandbox=True, log=lambda *a: None, **kw)}


def test_blank_release_scores_zero_and_solution_full(tiny_course):
    """Untouched release: 0 on every cell; a correct answer: every autograded point."""
    submit(tiny_course, "blank", release_nb(tiny_course))
    submit(tiny_course, "solved", with_cell(release_nb(tiny_course), "add", SOLVED))
    out = grade(tiny_course)
    assert out["blank"].cells == {"test_add_small": [0.0, 1.0], "test_add_arrays": [0.0, 1.0],
                                  "q_why": [0.0, 1.0]}, out["blank"].cells
    assert out["solved"].cells["test_add_small"] == [1.0, 1.0]
    assert out["solved"].cells["test_add_arrays"] == [1.0, 1.0]
    assert out["solved"].status == "ok" and out["solved"].score == 2.0


def test_hidden_test_catches_what_the_visible_one_does_not(tiny_course):
    """A solution that only handles the visible example loses the hidden test's point."""
    submit(tiny_course, "hardcoded", with_cell(release_nb(tiny_course), "add",
                                               "def add(a, b):\n    return 3\n"))
    out = grade(tiny_course)["hardcoded"]
    assert out.cells["test_add_small"][0] == 1.0 and out.cells["test_add_arrays"][0] == 0.0, out.cells


def test_broken_notebook_is_reported_and_the_class_still_graded(tiny_course):
    """A file that is not a notebook is flagged 'broken'; the next student is graded normally."""
    submit(tiny_course, "a_broken", '{"cells": [ this is not json')
    submit(tiny_course, "b_fine", with_cell(release_nb(tiny_course), "add", SOLVED))
    out = grade(tiny_course)
    assert out["a_broken"].status == "broken" and "not a readable notebook" in out["a_broken"].notes[0]
    assert out["b_fine"].status == "ok" and out["b_fine"].score == 2.0


def test_missing_notebook_is_reported(tiny_course):
    """A submission folder without the notebook is reported as missing, naming what was found."""
    d = tiny_course / "submitted" / "lost" / TINY
    d.mkdir(parents=True)
    nbformat.write(release_nb(tiny_course), d / "Untitled.ipynb")
    out = grade(tiny_course)["lost"]
    assert out.status == "missing" and "Untitled.ipynb" in out.notes[0], out


def test_duplicated_test_cell_does_not_abort_grading(tiny_course):
    """A copy-pasted test cell (same grade_id twice) is repaired, not a crash (nbgrader #1083)."""
    nb = with_cell(release_nb(tiny_course), "add", SOLVED)
    dup = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_add_small"][0]
    nb.cells.append(nbformat.from_dict(dup))
    submit(tiny_course, "dup", nb)
    out = grade(tiny_course)["dup"]
    assert out.status == "ok" and out.score == 2.0, out
    assert any("duplicated" in n for n in out.notes), out.notes


def test_deleted_test_cell_is_restored_and_counted(tiny_course):
    """Deleting a failing test cell does not remove it from grading."""
    nb = with_cell(release_nb(tiny_course), "add", "def add(a, b):\n    return 3\n")
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_add_arrays"]
    submit(tiny_course, "deleter", nb)
    out = grade(tiny_course)["deleter"]
    assert out.cells["test_add_arrays"] == [0.0, 1.0], out.cells
    assert any("deleted" in n for n in out.notes), out.notes


def test_renamed_and_regraded_cells_are_restored(tiny_course):
    """Renaming a test's grade_id or marking it ungraded/zero points does not dodge it."""
    nb = with_cell(release_nb(tiny_course), "add", "def add(a, b):\n    return 3\n")
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "test_add_arrays":
            meta["grade_id"] = "renamed"
        if meta.get("grade_id") == "test_add_small":
            meta["points"] = 0
            meta["grade"] = False
    submit(tiny_course, "renamer", nb)
    out = grade(tiny_course)["renamer"]
    assert out.status == "ok", out
    assert out.cells["test_add_arrays"] == [0.0, 1.0] and out.cells["test_add_small"] == [1.0, 1.0], out.cells


def test_unknown_names_and_folders_give_one_line_errors(tiny_course, tmp_path):
    """Unknown assignment, unknown student, missing course folder: one line, exit 2, no traceback."""
    submit(tiny_course, "s1", release_nb(tiny_course))
    cases = [("grade", "--course", str(tiny_course), "--assignment", "nope"),
             ("grade", "--course", str(tiny_course), "--student", "nobody"),
             ("grade", "--course", str(tmp_path / "absent")),
             ("build", "--part", "99_nope"),
             ("validate", "99_nope")]
    for args in cases:
        r = cli(*args)
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.stderr, (args, r.stderr)


def test_every_verb_and_option_has_help():
    """`python -m course <verb> --help` works and documents every option."""
    from course.__main__ import VERBS
    for verb in VERBS:
        r = cli(verb, "--help")
        assert r.returncode == 0, (verb, r.stderr)
        import re
        options = re.findall(r"^\s+(--[\w-]+)", r.stdout, re.M)
        for opt in options:
            block = r.stdout.split(opt, 1)[1].split("\n  -", 1)[0]
            assert len(block.strip()) > 3, f"{verb} {opt} has no help text"


def test_grading_refuses_without_bubblewrap_unless_unsafe(tiny_course, tmp_path):
    """No bwrap on PATH: grade stops with one line naming the fix; --unsafe grades anyway."""
    import subprocess
    import sys
    submit(tiny_course, "s1", with_cell(release_nb(tiny_course), "add", SOLVED))
    bare = tmp_path / "bin"  # a PATH without bwrap
    bare.mkdir()
    env = {"PATH": str(bare), "HOME": str(tmp_path)}
    run = lambda *extra: subprocess.run([sys.executable, "-m", "course", "grade", "--course", str(tiny_course),
                                         *extra], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    r = run()
    assert r.returncode == 2 and "bubblewrap" in r.stderr and "--unsafe" in r.stderr, (r.returncode, r.stderr)
    assert not (tiny_course / "autograded").exists(), "nothing may be graded without the sandbox"
    r = run("--unsafe")
    assert r.returncode == 0, r.stderr
    assert "graded 1 submission(s); 1 ok" in r.stdout, r.stdout


def _gradebook_cells(course):
    """{student: {grade_id: (auto, manual, comment)}} straight from gradebook.db."""
    from nbgrader.api import Gradebook
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for s in gb.students:
            nb = gb.find_submission_notebook(TINY, TINY, s.id)
            comments = {c.name: c.manual_comment for c in nb.comments}
            out[s.id] = {g.name: (g.auto_score, g.manual_score, comments.get(g.name)) for g in nb.grades}
    return out


def test_parallel_grading_gives_exactly_the_serial_scores(tiny_course, tmp_path):
    """--jobs 2 writes the same gradebook, cell by cell, as grading one submission at a time."""
    import shutil
    answers = {"p_solved": SOLVED, "p_wrong": "def add(a, b):\n    return 3\n",
               "p_zero": "def add(a, b):\n    return 0\n", "p_error": "def add(a, b):\n    return a +\n"}
    for student, code in answers.items():
        submit(tiny_course, student, with_cell(release_nb(tiny_course), "add", code))
    twin = tmp_path / "twin"
    shutil.copytree(tiny_course, twin)
    serial = {o.student: (o.status, o.cells) for o in grade_class(tiny_course, [TINY], jobs=1, log=lambda *a: None)}
    parallel = {o.student: (o.status, o.cells) for o in grade_class(twin, [TINY], jobs=2, log=lambda *a: None)}
    assert parallel == serial, (serial, parallel)
    assert _gradebook_cells(twin) == _gradebook_cells(tiny_course)
    assert {s: c["test_add_small"][0] + c["test_add_arrays"][0] for s, c in _gradebook_cells(twin).items()} == \
        {"p_solved": 2.0, "p_wrong": 1.0, "p_zero": 0.0, "p_error": 0.0}


def test_one_new_students_parts_graded_at_once_are_all_graded(tiny_course):
    """--jobs 2 on two parts of the same new students: every part graded (the workers do not race to add them)."""
    from course.build import generate_release, normalise_release, write_source

    from .conftest import FIXTURES
    write_source("tiny2", tiny_course, FIXTURES / "tiny.py")
    normalise_release(generate_release(tiny_course, "tiny2"))
    for student in ("n1", "n2", "n3"):
        for part in (TINY, "tiny2"):
            submit(tiny_course, student, with_cell(release_nb(tiny_course, part), "add", SOLVED), part)
    got = {(o.student, o.assignment): (o.status, o.score) for o in grade_class(tiny_course, jobs=2, log=lambda *a: None)}
    want = {(s, p): ("ok", 2.0) for s in ("n1", "n2", "n3") for p in (TINY, "tiny2")}
    assert got == want, f"got {got}, expected every part ok with 2 points"


def test_a_killed_fork_server_costs_only_the_submission_in_flight(tiny_course):
    """The workers' fork server killed mid-run: the submission it was grading is an error that says
    why, and the next one is graded by a new server."""
    import signal
    import threading
    import time

    from course import worker
    submit(tiny_course, "a_slow", with_cell(release_nb(tiny_course), "add", "import time\ntime.sleep(5)\n" + SOLVED))
    submit(tiny_course, "b_fine", with_cell(release_nb(tiny_course), "add", SOLVED))

    def kill_the_server_once_a_worker_runs():
        end = time.monotonic() + 60
        while time.monotonic() < end:
            server = worker._SERVER
            if server is not None and server.running:
                os.kill(server.proc.pid, signal.SIGKILL)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_server_once_a_worker_runs)
    killer.start()
    out = grade(tiny_course)
    killer.join()
    assert out["a_slow"].status == "error" and "fork server" in out["a_slow"].notes[0], out["a_slow"]
    assert out["b_fine"].status == "ok" and out["b_fine"].score == 2.0, out["b_fine"]
    end = time.monotonic() + 15  # a stopped sandbox's processes take a moment to go on a busy machine
    while (left := processes_in(tiny_course / "autograded" / "a_slow")) and time.monotonic() < end:
        time.sleep(0.2)
    assert left == [], f"the lost worker's kernel is still running 15 s after grading ended: pids {left}"


def test_regrading_keeps_manual_grades_and_comments(tiny_course):
    """A TA's hand grade and comment survive re-grading, also after the student resubmits."""
    from nbgrader.api import Gradebook
    submit(tiny_course, "s1", with_cell(release_nb(tiny_course), "add", "def add(a, b):\n    return 3\n"))
    grade(tiny_course)
    with Gradebook(f"sqlite:///{tiny_course / 'gradebook.db'}") as gb:
        g = gb.find_grade("q_why", TINY, TINY, "s1")
        g.manual_score = 1.0
        gb.find_comment("q_why", TINY, TINY, "s1").manual_comment = "well argued"
        gb.db.commit()
    submit(tiny_course, "s1", with_cell(release_nb(tiny_course), "add", SOLVED))  # resubmitted, fixed
    out = grade(tiny_course)["s1"]
    cells = _gradebook_cells(tiny_course)["s1"]
    assert cells["q_why"][1:] == (1.0, "well argued"), cells
    assert cells["test_add_arrays"][0] == 1.0, f"the resubmission was not graded: {cells}"
    assert out.score == 3.0, out


def test_interrupted_run_loses_nothing_and_resumes(tiny_course):
    """Ctrl-C mid-run: finished submissions stay recorded, the running one is not half-written,
    and `grade --resume` grades exactly the rest."""
    import json
    import signal
    import subprocess
    import sys
    import time
    slow = "import time\ntime.sleep(60)\n" + SOLVED
    for student, code in [("r1", SOLVED), ("r2", slow), ("r3", SOLVED)]:
        submit(tiny_course, student, with_cell(release_nb(tiny_course), "add", code))
    report = tiny_course / "reports" / "grading.json"
    proc = subprocess.Popen([sys.executable, "-m", "course", "grade", "--course", str(tiny_course)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=interruptible)
    deadline = time.monotonic() + 120
    while not (report.is_file() and "r1/tiny" in report.read_text()) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(4)  # r2's kernel is now sleeping
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "--resume" in err, (proc.returncode, out, err)
    recorded = json.loads(report.read_text())
    assert recorded["r1/tiny"]["status"] == "ok" and recorded["r1/tiny"]["score"] == 2.0, recorded
    assert recorded.get("r2/tiny", {}).get("status") in (None, "interrupted"), recorded
    assert "r3/tiny" not in recorded, recorded
    assert not (tiny_course / "autograded" / "r2").exists(), ("the interrupted submission left results behind", recorded, out, err, list((tiny_course / "autograded" / "r2").rglob("*")))

    submit(tiny_course, "r2", with_cell(release_nb(tiny_course), "add", SOLVED))  # (no longer slow)
    r = cli("grade", "--course", str(tiny_course), "--resume")
    assert r.returncode == 0 and "1 submission(s) already graded and unchanged, 2 to grade" in r.stdout, r.stdout
    assert {s: c["test_add_small"][0] + c["test_add_arrays"][0] for s, c in _gradebook_cells(tiny_course).items()} \
        == {"r1": 2.0, "r2": 2.0, "r3": 2.0}
