"""CoCalc's grader, simulated (course/cocalc.py), and the audit of collected notebooks (cocalc-audit).

Every rule measured by running CoCalc's own 2024 code (the course's notes, cocalc.md) is a test of
the simulation on a tiny notebook, against the score CoCalc gave; both timeout behaviours (2024:
restart the kernel; current: keep it) are tested. Then: the simulation gives every demo student
nbgrader's score in every test cell; `python -m course cocalc-audit` flags each trick CoCalc lets
through (forged test cell, edited read-only cell, deleted test cell, duplicated grade_id, string
points) with the right explanation, and turns bad input into one line or a per-student status.
"""
from __future__ import annotations

import ast
import contextlib
import copy
import csv
import functools
import importlib.metadata
import io
import json
import re
import shutil
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from course import cocalc, democlass
from course.common import GRADE_ID, ROOT, parts
from course.doctor import pins

from .conftest import FIXTURES, TINY, source_nb

PARTS = parts()
AUDIT_PART = "02_self_attention"  # the cheapest part to grade (NumPy only): the audit's one real run


# ---------------------------------------------------------------- tiny notebooks

def _meta(gid, **flags):
    return {"nbgrader": {"grade": False, "solution": False, "locked": False, "grade_id": gid,
                         "schema_version": 3, **flags}}


def test_cell(gid, code, points=1, markdown=False):
    new = nbformat.v4.new_markdown_cell if markdown else nbformat.v4.new_code_cell
    return new(code, metadata=_meta(gid, grade=True, locked=True, points=points))


test_cell.__test__ = False  # a helper, not a test


def solution(gid, code):
    return nbformat.v4.new_code_cell(code, metadata=_meta(gid, solution=True))


def given(gid, code):
    return nbformat.v4.new_code_cell(code, metadata=_meta(gid, locked=True))


def notebook(*cells) -> dict:
    nb = nbformat.v4.new_notebook(cells=list(cells), metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    return json.loads(nbformat.writes(nb))  # plain JSON, as CoCalc reads it


def run(nb, tmp_path, **kw) -> dict:
    return cocalc.extract_scores(cocalc.run_notebook(copy.deepcopy(nb), tmp_path, **kw))


def points(scores) -> dict:
    return {g: e.get("score") for g, e in scores.items()}


# ---------------------------------------------------------------- each measured rule

@pytest.fixture(scope="module")
def plain_run(tmp_path_factory):
    """One run of the rules that need no kernel trouble: CoCalc's scores of each test cell."""
    nb = notebook(
        test_cell("t_stderr", "import sys\nprint('noise', file=sys.stderr)"),
        test_cell("t_warning", "import warnings\nwarnings.warn('careful')"),
        test_cell("t_traceback_text", "print('Traceback (most recent call last):\\nAssertionError: no')"),
        test_cell("t_fraction", "0.25", points=2),
        test_cell("t_fails", "assert 1 + 1 == 3, 'arithmetic'"),
        test_cell("t_zero", "pass", points=0),
        test_cell("t_string", "pass", points="3"),
        test_cell("t_markdown", "assert False  # never run", points=2, markdown=True),
    )
    return run(nb, tmp_path_factory.mktemp("plain"))


def test_stderr_a_warning_and_traceback_like_text_keep_full_points_in_cocalc(plain_run):
    """CoCalc ignores stderr and text output: only an error zeroes a test cell."""
    got = points(plain_run)
    want = {"t_stderr": 1, "t_warning": 1, "t_traceback_text": 1}
    assert {g: got[g] for g in want} == want, f"got {got}, expected {want}"


def test_a_test_cell_ending_in_a_fraction_gets_all_its_points_in_cocalc(plain_run):
    """No partial credit in CoCalc: a cell whose last value is 0.25 (worth 2) scores 2."""
    assert plain_run["t_fraction"]["score"] == 2, f"got {plain_run['t_fraction']}, expected score 2"


def test_a_failing_assert_scores_zero_in_cocalc(plain_run):
    """A test cell that raises scores 0."""
    assert plain_run["t_fails"]["score"] == 0, f"got {plain_run['t_fails']}, expected score 0"


def test_points_zero_are_not_scored_and_string_points_are_scored_as_strings(plain_run):
    """`points: 0` is not recorded at all; `points: "3"` is scored as the string "3", and CoCalc's
    total (JavaScript '+') turns into text."""
    assert "t_zero" not in plain_run, f"a 0-point cell was scored: {plain_run.get('t_zero')}"
    assert plain_run["t_string"] == {"score": "3", "points": "3", "manual": False}, f"got {plain_run['t_string']}"
    score, total = cocalc.total(plain_run)
    assert isinstance(score, str) and isinstance(total, str), f"CoCalc's total should be text, got {score!r}/{total!r}"
    assert cocalc.total({"a": {"score": 1, "points": 1}, "b": {"score": "3", "points": "3"}}) == ("13", "13")


def test_a_markdown_cell_marked_as_a_test_is_never_run_and_gets_full_points(plain_run):
    """CoCalc runs code cells only: a Markdown test cell keeps its points."""
    assert plain_run["t_markdown"]["score"] == 2, f"got {plain_run['t_markdown']}, expected score 2"


def test_a_dead_kernel_costs_its_cell_and_later_cells_start_fresh(tmp_path):
    """The cell the kernel dies in scores 0; later cells run in a fresh kernel, without the earlier state."""
    nb = notebook(nbformat.v4.new_code_cell("earlier_state = 1"),
                  test_cell("test_dies", "import os\nos._exit(1)"),
                  test_cell("test_after", "assert 'earlier_state' not in globals(), 'not a fresh kernel'"))
    got = points(run(nb, tmp_path))
    assert got == {"test_dies": 0, "test_after": 1}, f"got {got}"


@pytest.mark.parametrize("mode, state_kept", [(cocalc.TIMEOUT_2024, False), (cocalc.TIMEOUT_CURRENT, True)])
def test_a_timed_out_cell_restarts_the_kernel_in_2024_cocalc_and_keeps_it_in_current_cocalc(mode, state_kept, tmp_path):
    """The cell past the per-cell limit scores 0; the 2024 code restarts the kernel (later cells
    lose the state), current CoCalc keeps it (the cell ends in KeyboardInterrupt)."""
    nb = notebook(given("setup", "state = 1"), test_cell("test_slow", "import time\ntime.sleep(60)"),
                  test_cell("test_state", "assert state == 1"))
    ran = cocalc.run_notebook(copy.deepcopy(nb), tmp_path, cell_timeout=1, timeout_mode=mode)
    got = points(cocalc.extract_scores(ran))
    want = {"test_slow": 0, "test_state": 1 if state_kept else 0}
    assert got == want, f"{mode}: got {got}, expected {want}"
    if state_kept:
        assert any(o.get("ename") == "KeyboardInterrupt" for o in ran["cells"][1]["outputs"]), ran["cells"][1]["outputs"]


def test_a_cell_that_ignores_sigint_is_killed_and_later_cells_start_fresh(tmp_path):
    """A timed-out cell that ignores SIGINT is killed (after KILL_AFTER s) and the kernel is fresh
    (measured with the 2024 code; current CoCalc is simulated the same way)."""
    mode = cocalc.TIMEOUT_2024
    nb = notebook(given("setup", "state = 1"),
                  test_cell("test_stubborn", "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                             "time.sleep(60)"),
                  test_cell("test_state", "assert 'state' not in globals(), 'not a fresh kernel'"))
    got = points(run(nb, tmp_path, cell_timeout=1, kill_after=1, timeout_mode=mode))
    assert got == {"test_stubborn": 0, "test_state": 1}, f"{mode}: got {got}"


def test_after_cocalcs_total_time_every_remaining_cell_scores_zero(tmp_path):
    """Once the notebook's total time has passed, every remaining cell scores 0 (Markdown tests too)."""
    nb = notebook(nbformat.v4.new_code_cell("import time\ntime.sleep(2.5)"), test_cell("test_next", "pass"),
                  test_cell("test_markdown", "never run", markdown=True))
    ran = cocalc.run_notebook(copy.deepcopy(nb), tmp_path, cell_timeout=30, total_timeout=2)
    got = points(cocalc.extract_scores(ran))
    assert got == {"test_next": 0, "test_markdown": 0}, f"got {got}"
    assert "Total time limit" in json.dumps(ran["cells"][1]["outputs"]), ran["cells"][1]["outputs"]


# instructor: x is the student's; a later ordinary cell changes it (the state at the end differs)
INSTRUCTOR = notebook(solution("answer", "x = 1"), test_cell("test_x", '"""x is 1."""\nassert x == 1, x'),
                      nbformat.v4.new_code_cell("x = 2  # scratch"))


def test_a_deleted_test_cell_is_appended_at_the_end_and_scored_there(tmp_path):
    """A test cell the student deleted is appended at the end and runs with the notebook's final state."""
    student = copy.deepcopy(INSTRUCTOR)
    del student["cells"][1]
    got = cocalc.grade(INSTRUCTOR, student, tmp_path)
    assert got.appended == ["test_x"] and cocalc.grade_id(got.notebook["cells"][-1]) == "test_x", \
        f"appended {got.appended}, last cell {cocalc.grade_id(got.notebook['cells'][-1])}"
    assert points(got.scores) == {"test_x": 0}, f"at the end x is 2: got {points(got.scores)}, expected 0"


def test_a_test_cell_turned_into_a_solution_cell_is_appended_at_the_end(tmp_path):
    """A re-typed test cell (now a solution cell) is not restored in place: the instructor's copy
    is appended at the end and its score is the one that counts."""
    student = copy.deepcopy(INSTRUCTOR)
    student["cells"][1]["metadata"]["nbgrader"].update(solution=True, locked=False)
    got = cocalc.grade(INSTRUCTOR, student, tmp_path)
    assert got.appended == ["test_x"], f"appended {got.appended}, expected ['test_x']"
    assert got.scores["test_x"] == {"score": 0, "points": 1, "manual": False}, f"got {got.scores}"


def test_a_rewritten_test_cell_is_restored_in_place(tmp_path):
    """A test cell the student rewrote gets the instructor's source back, where it stands."""
    student = copy.deepcopy(INSTRUCTOR)
    student["cells"][0]["source"] = "x = 5"
    student["cells"][1]["source"] = "pass  # rewritten"
    got = cocalc.grade(INSTRUCTOR, student, tmp_path)
    assert got.appended == [] and got.notebook["cells"][1]["source"] == INSTRUCTOR["cells"][1]["source"]
    assert points(got.scores) == {"test_x": 0}, f"x is 5: got {points(got.scores)}, expected 0"


def test_an_edited_locked_read_only_cell_is_kept_by_cocalc(tmp_path):
    """CoCalc restores test cells only: the student's `limit = 100` replaces the given `limit = 1`."""
    instructor = notebook(given("setup", "limit = 1"), solution("answer", "value = 1"),
                          test_cell("test_value", "assert value <= limit, (value, limit)"))
    student = copy.deepcopy(instructor)
    student["cells"][0]["source"] = "limit = 100"
    student["cells"][1]["source"] = "value = 50"
    got = cocalc.grade(instructor, student, tmp_path)
    assert points(got.scores) == {"test_value": 1}, f"got {points(got.scores)}, expected the edit to count"


def test_a_test_cell_the_student_adds_with_100_points_is_scored(tmp_path):
    """A test cell with a new grade_id and `points: 100` that the student added counts in CoCalc."""
    student = copy.deepcopy(INSTRUCTOR)
    student["cells"].append(json.loads(json.dumps(test_cell("test_bonus", "pass", points=100))))
    got = cocalc.grade(INSTRUCTOR, student, tmp_path)
    assert got.scores["test_bonus"] == {"score": 100, "points": 100, "manual": False}, f"got {got.scores}"
    assert cocalc.total(got.scores) == (101, 101), f"CoCalc's total: got {cocalc.total(got.scores)}, expected 101/101"


def test_both_copies_of_a_duplicated_grade_id_run_and_the_last_counts(tmp_path):
    """With a grade_id twice, both cells run: the last is restored and its score is the one
    recorded; the first keeps the student's text."""
    student = copy.deepcopy(INSTRUCTOR)
    student["cells"][0]["source"] = "x = 5"
    student["cells"][1]["source"] = "print('copy 1 ran')"
    student["cells"].insert(2, dict(copy.deepcopy(student["cells"][1]), id="pasted", source="print('copy 2')"))
    got = cocalc.grade(INSTRUCTOR, student, tmp_path)
    first, last = got.notebook["cells"][1], got.notebook["cells"][2]
    assert "copy 1 ran" in json.dumps(first["outputs"]), f"the first copy kept the student's text and ran: {first}"
    assert last["source"] == INSTRUCTOR["cells"][1]["source"], f"the last copy is restored: {last['source']!r}"
    assert points(got.scores) == {"test_x": 0}, f"x is 5: got {points(got.scores)}, expected the last copy's 0"


def test_cocalc_copies_the_whole_student_folder_and_grades_there(tmp_path):
    """Every file of the assignment's student/ folder reaches the student, and grading runs in that folder."""
    assignment = tmp_path / "course-project" / "hw1"
    (assignment / "student" / "data").mkdir(parents=True)
    (assignment / "student" / "data" / "numbers.txt").write_text("41\n")
    nb = notebook(test_cell("test_data", "assert int(open('data/numbers.txt').read()) == 41"))
    (assignment / "student" / "hw1.ipynb").write_text(json.dumps(nb))
    folder = cocalc.distribute(assignment, tmp_path / "student-project", "hw1")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == \
        ["data", "data/numbers.txt", "hw1.ipynb"], f"got {sorted(folder.rglob('*'))}"
    got = cocalc.grade(nb, json.loads((folder / "hw1.ipynb").read_text()), folder)
    assert points(got.scores) == {"test_data": 1}, f"got {points(got.scores)}"


def test_the_check_finds_a_test_that_relies_on_a_name_only_a_locked_cell_defines():
    """unrestored_dependencies reports a planted dependency (a test using the given `np`, `limit`
    and `helper`) and nothing for names the test imports itself or the student's solution defines."""
    nb = notebook(given("setup", "import numpy as np\nlimit = 3\ndef helper(v):\n    return v + 1"),
                  solution("answer", "def double(v):\n    return 2 * v"),
                  nbformat.v4.new_code_cell("scratch = double(2)"),
                  test_cell("test_planted", "assert np.isclose(helper(double(1)), limit), 'uses given names'"),
                  test_cell("test_clean", "import numpy as np\nassert np.isclose(double(1), 2)"),
                  test_cell("test_scratch", "assert scratch == 4"))
    got = [(d.test, d.name, d.cells, d.locked) for d in cocalc.unrestored_dependencies(nb)]
    want = [("test_planted", "helper", ["setup"], True), ("test_planted", "limit", ["setup"], True),
            ("test_planted", "np", ["setup"], True)]
    assert got == want, f"got {got}, expected {want}"
    editable = [(d.test, d.name, d.locked) for d in cocalc.unrestored_dependencies(nb, editable=True) if not d.locked]
    assert editable == [("test_scratch", "scratch", False)], f"names only an ordinary cell defines: {editable}"


# ---------------------------------------------------------------- the course's notebooks

@pytest.fixture(scope="session")
def cocalc_demo(graded, tmp_path_factory):
    """CoCalc's grading (simulated, current CoCalc) of every demo submission: {(student, part): Graded}."""
    course, _ = graded
    tmp = tmp_path_factory.mktemp("cocalc-demo")

    def one(pair):
        student, part = pair
        cwd = tmp / student / part  # the student's assignment folder: what CoCalc handed out (figures, tiny-lm)
        shutil.copytree(course / "release" / part, cwd, ignore=shutil.ignore_patterns("*.ipynb"))
        submitted = json.loads((course / "submitted" / student / part / f"{part}.ipynb").read_text())
        return pair, cocalc.grade(json.loads(json.dumps(source_nb(course, part))), submitted, cwd)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, [(s, p) for p in PARTS for s in democlass.STUDENTS]))


@pytest.mark.parametrize("part", PARTS)
def test_cocalc_gives_every_demo_student_nbgraders_scores(part, graded, cocalc_demo):
    """CoCalc's rules give nbgrader's score in every test cell, with no timeout (so both CoCalc versions agree)."""
    course, outcomes = graded
    tests = {cocalc.grade_id(c) for c in source_nb(course, part).cells if cocalc.is_test(c)}
    differ = []
    for s in democlass.STUDENTS:
        got = points({g: e for g, e in cocalc_demo[(s, part)].scores.items() if not e["manual"]})
        nbgrader = {g: v[0] for g, v in outcomes[(s, part)].cells.items() if g in tests}
        assert set(nbgrader) == set(got), f"{s}: test cells differ: {sorted(set(nbgrader) ^ set(got))}"
        differ += [f"{s} {g}: CoCalc {got[g]:g}, nbgrader {nbgrader[g]}" for g in got if got[g] != nbgrader[g]]
        slow = [cocalc.grade_id(c) or k for k, c in enumerate(cocalc_demo[(s, part)].notebook["cells"])
                if "timeout" in json.dumps(c.get("outputs", [])) or "Total time limit" in json.dumps(c.get("outputs", []))]
        assert not slow, f"{s}: cells timed out in CoCalc's run: {slow}"
    assert not differ, "CoCalc and nbgrader disagree:\n  " + "\n  ".join(differ)


@pytest.mark.parametrize("part", PARTS)
def test_cell_metadata_is_what_cocalc_reads(part):
    """Every nbgrader cell has schema 3, a unique grade_id of [A-Za-z0-9_-], numeric points; tests are code."""
    problems, seen = [], set()
    for k, cell in enumerate(source_nb(ROOT, part).cells):
        m = cocalc.nbg(cell)
        if not m:
            continue
        gid = m.get("grade_id")
        where = f"cell {k} ({gid!r})"
        if m.get("schema_version") != 3:
            problems.append(f"{where}: schema_version {m.get('schema_version')!r}, expected 3")
        if not isinstance(gid, str) or not GRADE_ID.match(gid):
            problems.append(f"{where}: grade_id must match {GRADE_ID.pattern}")
        if gid in seen:
            problems.append(f"{where}: duplicated grade_id")
        seen.add(gid)
        if m.get("grade"):
            pts = m.get("points")
            if isinstance(pts, bool) or not isinstance(pts, (int, float)) or pts <= 0:
                problems.append(f"{where}: points {pts!r} is not a positive number")
        if cocalc.is_test(cell) and cell.cell_type != "code":
            problems.append(f"{where}: a test cell must be a code cell")
    assert not problems, "\n".join(problems)


@functools.cache
def allowed_modules() -> frozenset:
    """Modules a notebook may import: the standard library and what the pinned packages install
    (with their dependencies), i.e. what any environment built from requirements.txt has."""
    owners = importlib.metadata.packages_distributions()  # module -> distributions
    dists, todo = set(), [n.lower() for n, _ in pins(ROOT / "requirements.txt")]
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in dists:
            continue
        dists.add(name)
        try:
            reqs = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        todo += [re.match(r"[A-Za-z0-9_.\-]+", r).group(0) for r in reqs if "extra ==" not in r]
    mods = {m for m, ds in owners.items() if any(re.sub(r"[-_.]+", "-", d).lower() in dists for d in ds)}
    return frozenset(mods | set(sys.stdlib_module_names))


def imports(nb) -> set:
    """Top-level modules every code cell imports (magics and shell lines skipped)."""
    out = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                out |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("part", PARTS)
def test_notebooks_are_self_contained(part):
    """CoCalc hands out the whole student/ folder and nbgrader every file of the assignment: beside
    the notebook only what lessons/files/<part>/ holds (figures, a model), and it imports nothing
    outside requirements.txt."""
    files = ROOT / "lessons" / "files" / part
    given = sorted(str(p.relative_to(files)) for p in files.rglob("*") if p.is_file()) if files.is_dir() else []
    for folder in ("source", "release"):
        extra = sorted(str(p.relative_to(ROOT / folder / part)) for p in (ROOT / folder / part).rglob("*")
                       if p.is_file() and p.name != f"{part}.ipynb" and ".ipynb_checkpoints" not in p.parts)
        assert extra == given, f"{folder}/{part}/ holds {extra} besides the notebook, lessons/files/{part}/ gives {given}"
    nb = source_nb(ROOT, part)
    outside = sorted(imports(nb) - allowed_modules())
    assert not outside, f"{part} imports modules the pinned environment does not provide: {outside}"
    magic = [ln for c in nb.cells for ln in c.source.splitlines() if re.match(r"\s*%(run|load)\b", ln)]
    assert not magic, f"{part} loads code from files: {magic}"


# ---------------------------------------------------------------- cocalc-audit

def _cells_of(nb) -> list:
    return nb["cells"]


def _with_test(nb, gid, pts, code="pass"):
    nb = copy.deepcopy(nb)
    nb["cells"].append(json.loads(json.dumps(test_cell(gid, '"""A bonus, by the student."""\n' + code, pts))))
    return nb


def tricks(submitted: dict) -> dict:
    """One hostile submission per trick, made from the demo class's notebooks of AUDIT_PART."""
    complete, alice = submitted["complete"], submitted["alice"]
    out = {"forger": _with_test(complete, "test_bonus", 100)}
    edited = copy.deepcopy(alice)  # alice's mistakes, and a read-only cell that hides failing asserts
    setup = next(c for c in edited["cells"] if cocalc.grade_id(c) == "setup")
    setup["source"] += "\nget_ipython().set_custom_exc((AssertionError,), lambda *args, **kwargs: None)\n"
    out["editor"] = edited
    deleter = copy.deepcopy(complete)
    deleter["cells"] = [c for c in deleter["cells"] if cocalc.grade_id(c) != "test_softmax_rows_sum_to_one"]
    deleter["cells"].append(json.loads(json.dumps(nbformat.v4.new_code_cell("softmax = None  # scratch"))))
    out["deleter"] = deleter
    duplicator = copy.deepcopy(complete)
    twin = next(c for c in duplicator["cells"] if cocalc.grade_id(c) == "test_n_connections_the_cat_sat")
    duplicator["cells"].insert(0, dict(copy.deepcopy(twin), id="pasted-copy"))  # a pasted cell gets a new id
    out["duplicator"] = duplicator
    out["stringer"] = _with_test(complete, "test_extra", "5")
    return out


def grades_export(entries: dict, part: str) -> dict:
    """CoCalc's grades.json (course -> Grades -> Export): {student: scores} for one assignment."""
    return {"course": "Transformer Internals", "exported": "2025-01-01T00:00:00.000Z", "assignments": [part],
            "students": [{"name": s.title(), "id": s, "email": f"{s}@example.org",
                          "grades": [cocalc.grade_string(sc)], "comments": [""],
                          "nbgrader": [{f"{part}.ipynb": {g: {k: v for k, v in e.items() if k != "manual"}
                                                          for g, e in sc.items()}}]}
                         for s, sc in entries.items()]}


def collect(folder: Path, student: str, part: str, nb, cocalc_graded=None) -> Path:
    """A collected folder as CoCalc makes it: <assignment>/<student id>/ with the notebook, the
    STUDENT file and, once CoCalc graded it, <part>_autograded.ipynb."""
    d = folder / student
    d.mkdir(parents=True)
    (d / f"STUDENT - {student.title()}.txt").write_text(f"This student is {student.title()}.")
    if nb is not None:
        (d / f"{part}.ipynb").write_text(nb if isinstance(nb, str) else json.dumps(nb, indent=1))
    if cocalc_graded is not None:
        (d / f"{part}_autograded.ipynb").write_text(json.dumps(cocalc_graded))
    return d


def audit_cli(*args) -> tuple[int, str, str]:
    """`python -m course cocalc-audit ARGS`, run in this process: (exit status, stdout, stderr)."""
    from course.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["cocalc-audit", *args])
    return code, out.getvalue(), err.getvalue()


def read_csv(path: Path) -> dict:
    with open(path, newline="") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def audited(graded, cocalc_demo, tmp_path_factory):
    """The demo class and one hostile submission per trick, collected from CoCalc for AUDIT_PART
    (CoCalc's scores: its graded notebooks, or its grades export for two students), then audited."""
    course, _ = graded
    part, tmp = AUDIT_PART, tmp_path_factory.mktemp("audit")
    folder = tmp / "Transformer-Internals-collect" / part
    submitted = {s: json.loads((course / "submitted" / s / part / f"{part}.ipynb").read_text())
                 for s in democlass.STUDENTS}
    by_export = ("complete", "untouched")
    for s in democlass.STUDENTS:
        collect(folder, s, part, submitted[s], None if s in by_export else cocalc_demo[(s, part)].notebook)
    (tmp / "grades.json").write_text(json.dumps(grades_export(
        {s: cocalc_demo[(s, part)].scores for s in by_export}, part)))
    hostile = tricks(submitted)
    instructor = json.loads(json.dumps(source_nb(course, part)))

    def simulate(item):
        student, nb = item
        cwd = tmp / "cocalc" / student
        cwd.mkdir(parents=True)
        return student, cocalc.grade(instructor, nb, cwd)

    with ThreadPoolExecutor(max_workers=2) as pool:
        simulated = dict(pool.map(simulate, hostile.items()))
    for student, nb in hostile.items():
        collect(folder, student, part, nb, simulated[student].notebook)
    out = tmp / "audit.csv"
    code, stdout, stderr = audit_cli(str(folder.parent), "--course", str(course), "--grades", str(tmp / "grades.json"),
                                     "--csv", str(out), "--jobs", "2")
    assert code == 1 and out.is_file(), f"exit {code}: {stderr[-2000:]}"
    return {"simulated": simulated, "rows": read_csv(out), "stdout": stdout,
            "expected": {s: cocalc_demo[(s, part)] for s in democlass.STUDENTS}}


def _row(audited, student):
    return audited["rows"][student]


def _differs(row, gid) -> str:
    found = [d for d in row["differences"].split("; ") if d.startswith(gid + ":")]
    return found[0] if found else f"(no difference listed for {gid}: {row['differences']!r})"


def test_the_audit_finds_nothing_to_flag_in_the_demo_class(audited):
    """Honest students: no trick flagged, CoCalc's scores (graded notebooks or grades export) equal nbgrader's."""
    for s in democlass.STUDENTS:
        row = _row(audited, s)
        flags = {k: row[k] for k in ("tests_added", "tests_removed", "tests_retyped", "tests_duplicated",
                                     "locked_edited", "points_changed", "review", "differences") if row[k]}
        assert not flags, f"{s}: flagged {flags}"
        assert (row["cocalc_score"], row["cocalc_max"]) == (row["nbgrader_score"], row["nbgrader_max"]), \
            f"{s}: CoCalc {row['cocalc_score']}/{row['cocalc_max']}, nbgrader {row['nbgrader_score']}/{row['nbgrader_max']}"
        want = "grades file" if s in ("complete", "untouched") else "CoCalc's graded notebook"
        assert row["cocalc_source"] == want, f"{s}: CoCalc's scores from {row['cocalc_source']!r}, expected {want!r}"


def test_a_forged_test_cell_is_scored_by_cocalc_and_flagged_by_the_audit(audited):
    """A test cell the student added with 100 points: CoCalc gives 100, the audit names it."""
    got = audited["simulated"]["forger"].scores["test_bonus"]
    assert got == {"score": 100, "points": 100, "manual": False}, f"CoCalc's score of the forged cell: {got}"
    row = _row(audited, "forger")
    assert row["tests_added"] == "test_bonus (100 points)", f"tests added: {row['tests_added']!r}"
    assert _differs(row, "test_bonus") == ("test_bonus: CoCalc 100, nbgrader -: a test cell the student added "
                                           "(points 100): CoCalc scores every test cell it finds, nbgrader only "
                                           "the instructor's"), row["differences"]
    assert float(row["cocalc_score"]) == float(row["nbgrader_score"]) + 100, (row["cocalc_score"], row["nbgrader_score"])


def test_an_edited_read_only_cell_is_kept_by_cocalc_and_flagged_by_the_audit(audited):
    """alice's setup cell edited to hide failing asserts: CoCalc runs the edit (full points for her
    mistakes), nbgrader restores the cell; the audit names the cell and the code to review."""
    fails = democlass.mistakes(AUDIT_PART)["alice"]["fails"]
    got = audited["simulated"]["editor"].scores
    lost = {g: got[g]["score"] for g in fails if got[g]["score"] != got[g]["points"]}
    assert not lost, f"CoCalc should give alice's failing tests full points once setup is edited: {lost}"
    row = _row(audited, "editor")
    assert row["locked_edited"] == "setup (edited)", f"locked cells changed: {row['locked_edited']!r}"
    assert "locked cell setup" in row["review"] and "changes how IPython runs or reports cells" in row["review"], \
        f"review: {row['review']!r}"
    for gid in fails:
        line = _differs(row, gid)
        assert re.search(r": CoCalc \d+, nbgrader 0: locked cell 'setup' changed by the student: CoCalc runs the "
                         r"student's version, nbgrader restores it", line), line


def test_a_deleted_test_cell_is_scored_at_the_end_by_cocalc_and_flagged_by_the_audit(audited):
    """A deleted test cell runs at the end in CoCalc (after the student's scratch rebinds softmax):
    0 there, full in nbgrader, which puts it back in place; the audit explains why."""
    got = audited["simulated"]["deleter"]
    assert got.appended == ["test_softmax_rows_sum_to_one"], f"appended: {got.appended}"
    assert got.scores["test_softmax_rows_sum_to_one"]["score"] == 0, got.scores["test_softmax_rows_sum_to_one"]
    row = _row(audited, "deleter")
    assert row["tests_removed"] == "test_softmax_rows_sum_to_one", f"tests removed: {row['tests_removed']!r}"
    assert _differs(row, "test_softmax_rows_sum_to_one") == (
        "test_softmax_rows_sum_to_one: CoCalc 0, nbgrader 1: the student deleted this test cell: CoCalc appended "
        "the instructor's copy at the end of the notebook (it ran with the notebook's final state), nbgrader put it "
        "back in place"), row["differences"]


def test_a_duplicated_grade_id_is_scored_by_its_last_copy_in_cocalc_and_flagged_by_the_audit(audited):
    """A copy of a test cell above its exercise: CoCalc scores the last copy (1), nbgrader the first (0)."""
    gid = "test_n_connections_the_cat_sat"
    got = audited["simulated"]["duplicator"].scores[gid]
    assert got["score"] == got["points"] == 1, f"CoCalc's score: {got}"
    row = _row(audited, "duplicator")
    assert row["tests_duplicated"] == f"{gid} (2 times)", f"duplicated: {row['tests_duplicated']!r}"
    assert _differs(row, gid) == (
        f"{gid}: CoCalc 1, nbgrader 0: the grade_id appears 2 times in the student's notebook: CoCalc runs every "
        "copy and scores the last one (restored in place), nbgrader grades the first one and runs the others as "
        "the student's code"), row["differences"]


def test_string_points_are_scored_as_text_by_cocalc_and_flagged_by_the_audit(audited):
    """An added test cell with `points: "5"`: CoCalc scores the string "5" and its total becomes text."""
    got = audited["simulated"]["stringer"]
    assert got.scores["test_extra"] == {"score": "5", "points": "5", "manual": False}, got.scores["test_extra"]
    row = _row(audited, "stringer")
    assert row["tests_added"] == "test_extra ('5' points)", f"tests added: {row['tests_added']!r}"
    assert _differs(row, "test_extra") == (
        "test_extra: CoCalc '5', nbgrader -: a test cell the student added (points '5', a string: CoCalc scores it "
        "as text, and its total becomes text): CoCalc scores every test cell it finds, nbgrader only the "
        "instructor's"), row["differences"]
    assert row["cocalc_score"] == row["nbgrader_score"] + "5", \
        f"CoCalc's total is text: got {row['cocalc_score']!r}, expected {row['nbgrader_score'] + '5'!r}"


@pytest.fixture
def tiny_source(tmp_path):
    """A course folder with the tiny assignment's source notebook only (enough for bad input)."""
    from course.build import write_source

    course = tmp_path / "tiny-course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    write_source(TINY, course, FIXTURES / "tiny.py")
    return course


def test_the_audit_simulates_cocalc_in_the_sandbox_when_cocalc_has_not_graded(tiny_source, tmp_path):
    """A zipped collection without CoCalc's scores: the audit runs CoCalc's rules itself (sandboxed)."""
    source = source_nb(tiny_source, TINY)
    solved = json.loads(json.dumps(democlass.filled(source, source)))  # solved, as a student hands it in
    for cell in solved["cells"]:  # the student never saw the hidden tests
        cell["source"] = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", "", cell["source"], flags=re.S)
    folder = tmp_path / "Course-collect" / TINY
    collect(folder, "forger", TINY, _with_test(solved, "test_bonus", 100))
    archive = tmp_path / "Course-collect.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in sorted(folder.parent.rglob("*")):
            z.write(p, p.relative_to(tmp_path).as_posix())
    out = tmp_path / "audit.csv"
    code, _, stderr = audit_cli(str(archive), "--course", str(tiny_source), "--csv", str(out))
    assert code == 1 and out.is_file(), f"exit {code}: {stderr[-2000:]}"
    row = read_csv(out)["forger"]
    assert row["cocalc_source"] == "simulated (current CoCalc)", f"CoCalc's scores from {row['cocalc_source']!r}"
    assert (row["cocalc_score"], row["nbgrader_score"]) == ("102", "2"), (row["cocalc_score"], row["nbgrader_score"])
    assert row["differences"].startswith("test_bonus: CoCalc 100, nbgrader -: a test cell the student added"), \
        row["differences"]


def test_the_audit_refuses_a_folder_that_is_not_a_cocalc_collection(tiny_source, tmp_path):
    """Not a collection, not a folder, a bad grades file: one line on stderr, exit 2, no traceback."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "grades.json").write_text('{"students": 3}')
    collect(tmp_path / "c" / TINY, "someone", TINY, None)
    cases = {("empty",): "is not a CoCalc collection", ("notes.txt",): "is neither a folder nor a .zip",
             ("c", "--grades", str(tmp_path / "grades.json")): "is not CoCalc's grades export"}
    for args, words in cases.items():
        code, _, stderr = audit_cli(str(tmp_path / args[0]), *args[1:], "--csv", str(tmp_path / "out.csv"),
                                    "--course", str(tiny_source))
        lines = stderr.strip().splitlines()
        assert code == 2 and len(lines) == 1 and words in lines[0], \
            f"{args}: exit {code}, stderr {stderr!r}, expected one line with {words!r}"


def test_a_missing_student_and_a_broken_notebook_are_statuses_not_a_crash(tiny_source, tmp_path):
    """A broken notebook, a folder without the notebook, a student in the grades export but not
    collected and an unknown --student: one row each with its status, exit 1."""
    folder = tmp_path / "Course-collect" / TINY
    collect(folder, "broken", TINY, '{"cells": [')
    collect(folder, "empty", TINY, None)
    (tmp_path / "grades.json").write_text(json.dumps(grades_export({"absent": {}}, TINY)))
    out = tmp_path / "audit.csv"
    code, _, stderr = audit_cli(str(folder.parent), "--course", str(tiny_source), "--grades",
                                str(tmp_path / "grades.json"), "--csv", str(out),
                                *[f"--student={s}" for s in ("broken", "empty", "absent", "nobody")])
    assert code == 1 and "Traceback" not in stderr, f"exit {code}: {stderr[-2000:]}"
    rows = read_csv(out)
    want = {"broken": ("broken", "tiny.ipynb is not a readable notebook: NotJSONError"),
            "empty": ("missing", "no notebook named after a part in empty/"),
            "absent": ("missing", "in CoCalc's grades file but not in the collection"),
            "nobody": ("missing", "no collected folder for student 'nobody'")}
    got = {s: (r["status"], r["notes"]) for s, r in rows.items()}
    assert set(got) == set(want) and all(got[s][0] == want[s][0] and got[s][1].startswith(want[s][1]) for s in want), \
        f"got {got}, expected {want}"
