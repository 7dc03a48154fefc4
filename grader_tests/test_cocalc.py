"""CoCalc grades the course's notebooks as nbgrader does.

CoCalc re-implements nbgrader (notes: /work/shared/notes/grading-sandbox.md, "CoCalc's grader
differs"): it restores only the test cells (hidden tests included) into the student's notebook,
starts the kernel with warnings ignored, ignores stderr, scores each test cell all-or-nothing
(full points when it raised no error), and restarts a kernel that died (later cells then run
without the earlier state). `cocalc_scores` simulates exactly that with nbclient; the tests check
that it gives every demo student nbgrader's score in every test cell, and that the notebooks are
what CoCalc needs (valid metadata, self-contained).
"""
from __future__ import annotations

import ast
import functools
import importlib.metadata
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from course import democlass
from course.common import GRADE_ID, ROOT, parts
from course.doctor import pins

from .conftest import SOLVED, TINY, release_nb, source_nb, with_cell

PARTS = parts()
CELL_TIMEOUT = 60  # CoCalc's limit per cell (seconds)
# the kernel's environment: CoCalc's ignored warnings; one compute thread, as in the course's grader
KERNEL_ENV = {"PYTHONWARNINGS": "ignore", "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def nbg(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test(cell) -> bool:
    return bool(nbg(cell).get("grade")) and not nbg(cell).get("solution")


def cocalc_notebook(source, submitted):
    """What CoCalc runs: the submission with its test cells replaced by the source's (hidden tests
    included); every other cell, locked or not, stays as the student left it."""
    tests = {nbg(c)["grade_id"]: c.source for c in source.cells if is_test(c)}
    nb = nbformat.from_dict(submitted)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if nbg(cell).get("grade_id") in tests:
            cell.source = tests[nbg(cell)["grade_id"]]
    return nb


def cocalc_scores(nb, cwd: Path) -> dict:
    """Run `nb` as CoCalc does and score its test cells: grade_id -> points, or 0 if the cell
    raised (stderr does not count); a kernel that dies is restarted for the next cell."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": str(cwd)}})
    env = dict(os.environ, **KERNEL_ENV)
    i, failed = 0, set()
    while i < len(nb.cells):
        with client.setup_kernel(env=env):
            while i < len(nb.cells):
                i += 1
                try:
                    client.execute_cell(nb.cells[i - 1], i - 1)
                except CellTimeoutError:
                    failed.add(i - 1)
                except DeadKernelError:
                    failed.add(i - 1)
                    break  # leave the context (the dead kernel is cleaned up), start a new one
    scores = {}
    for k, cell in enumerate(nb.cells):
        if is_test(cell):
            raised = k in failed or any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            scores[nbg(cell)["grade_id"]] = 0.0 if raised else float(nbg(cell)["points"])
    return scores


def cocalc_grade(course: Path, part: str, student: str, tmp: Path) -> dict:
    """CoCalc's scores for the notebook `student` handed in (democlass.submission, as nbgrader graded it)."""
    submitted = nbformat.read(course / "submitted" / student / part / f"{part}.ipynb", as_version=4)
    cwd = tmp / student / part
    cwd.mkdir(parents=True)
    return cocalc_scores(cocalc_notebook(source_nb(course, part), submitted), cwd)


@pytest.mark.parametrize("part", PARTS)
def test_cocalc_gives_every_demo_student_nbgraders_scores(part, graded, tmp_path):
    """CoCalc's rules (test cells restored, warnings ignored, all-or-nothing) give nbgrader's score per cell."""
    course, outcomes = graded
    with ThreadPoolExecutor(max_workers=2) as pool:
        got = dict(zip(democlass.STUDENTS, pool.map(lambda s: cocalc_grade(course, part, s, tmp_path),
                                                     democlass.STUDENTS)))
    differ = []
    for s in democlass.STUDENTS:
        nbgrader = {g: v[0] for g, v in outcomes[(s, part)].cells.items() if g in got[s]}
        assert set(nbgrader) == set(got[s]), f"{s}: test cells differ: {sorted(set(nbgrader) ^ set(got[s]))}"
        differ += [f"{s} {g}: CoCalc {got[s][g]:g}, nbgrader {nbgrader[g]}" for g in got[s] if got[s][g] != nbgrader[g]]
    assert not differ, "CoCalc and nbgrader disagree:\n  " + "\n  ".join(differ)


def test_cocalc_simulation_ignores_stderr(tiny_course, tmp_path):
    """The simulation itself: a solution that writes to stderr keeps full marks (nbgrader would zero it)."""
    nb = with_cell(release_nb(tiny_course), "add", SOLVED + "import sys\nprint('noise', file=sys.stderr)\n")
    scores = cocalc_scores(cocalc_notebook(source_nb(tiny_course, TINY), nb), tmp_path)
    assert scores == {"test_add_small": 1.0, "test_add_arrays": 1.0}, f"got {scores}"


def test_cocalc_simulation_restarts_a_dead_kernel(tmp_path):
    """The simulation itself: the cell the kernel dies in scores 0; later cells run in a fresh kernel."""
    def test_cell(gid, code):
        return nbformat.v4.new_code_cell(code, metadata={"nbgrader": {
            "grade": True, "solution": False, "locked": True, "grade_id": gid, "points": 1, "schema_version": 3}})
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("earlier_state = 1"),
        test_cell("test_dies", "import os\nos._exit(1)"),
        test_cell("test_after", "assert 'earlier_state' not in globals(), 'not a fresh kernel'"),
    ])
    scores = cocalc_scores(nb, tmp_path)
    assert scores == {"test_dies": 0.0, "test_after": 1.0}, f"got {scores}"


# ---------------------------------------------------------------- what CoCalc needs of the notebooks

@pytest.mark.parametrize("part", PARTS)
def test_cell_metadata_is_what_cocalc_reads(part):
    """Every nbgrader cell has schema 3, a unique grade_id of [A-Za-z0-9_-], numeric points; tests are code."""
    problems, seen = [], set()
    for k, cell in enumerate(source_nb(ROOT, part).cells):
        m = nbg(cell)
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
        if is_test(cell) and cell.cell_type != "code":
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
    """CoCalc copies only the notebook: no helper files next to it, no imports outside requirements.txt."""
    for folder in ("source", "release"):
        extra = sorted(p.name for p in (ROOT / folder / part).iterdir()
                       if p.name != f"{part}.ipynb" and p.name != ".ipynb_checkpoints")
        assert not extra, f"{folder}/{part}/ holds files besides the notebook: {extra}"
    nb = source_nb(ROOT, part)
    outside = sorted(imports(nb) - allowed_modules())
    assert not outside, f"{part} imports modules the pinned environment does not provide: {outside}"
    magic = [ln for c in nb.cells for ln in c.source.splitlines() if re.match(r"\s*%(run|load)\b", ln)]
    assert not magic, f"{part} loads code from files: {magic}"
