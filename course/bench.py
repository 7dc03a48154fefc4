"""`python -m course bench`: how fast each solution notebook runs, and what grading costs.

Default: executes every source notebook (the instructor's own, trusted code: no sandbox) with
nbclient and reports the wall time of the whole notebook and of its slowest cells, against the
part's budget. With --grading: grades a synthetic class (--students copies of the demo class's
students, cycling complete/alice/bob/carol) three ways in one run — plain `nbgrader autograde`
serially, `course grade --jobs 1` and `course grade --jobs N` (sandboxed) — and prints the plain
execution time per notebook, the grading overhead (grading time / plain execution), the sandbox
overhead (course grade / plain nbgrader) and the parallel speedup. Speed targets live here,
never in timed unit tests.
"""
from __future__ import annotations

import time

import nbformat

from .common import ROOT, CourseError, check_parts
from .build import lesson_to_notebook

HELP = "time every solution notebook against its budget (seconds on 2 CPU cores)"
# Budgets from the course's issues: the whole solution notebook, on 2 CPU cores.
BUDGET = {"01_rnn_limits": 15, "02_self_attention": 10, "03_multi_head_attention": 10,
          "04_positional_encoding": 10, "05_transformer_block": 15, "06_coding_challenge": 90,
          "07_real_models": 30}
# CoCalc's default limits (frontend/course/assignments/consts.ts): 60 s per cell, 10 min per notebook.
# "Well inside" them: every cell under half the per-cell limit.
COCALC_CELL, COCALC_NOTEBOOK = 60, 600


# Grading targets on 2 cores (issue "safe, fair, parallel grading").
MAX_OVERHEAD, MIN_SPEEDUP = 1.2, 1.7
# Plain kernels here talk TCP on loopback, and ipykernel warns about that once per kernel.
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]


def add_arguments(parser):
    parser.add_argument("parts", nargs="*", metavar="PART", help="parts to time (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a notebook is over its budget (with --grading: if a grading target is missed)")
    parser.add_argument("--slowest", type=int, default=3, help="how many of the slowest cells to list (default 3)")
    parser.add_argument("--grading", action="store_true",
                        help="benchmark grading a synthetic class: plain nbgrader vs course grade, serial vs parallel")
    parser.add_argument("--students", type=int, default=8,
                        help="students in the synthetic class of --grading (default 8)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs for --grading (default 2)")


def time_notebook(nb, folder=None) -> tuple[float, list[tuple[float, str]]]:
    """Execute `nb` in a fresh kernel in `folder` (its files beside it); (total seconds, [(seconds, cell id)] slowest first)."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                            extra_arguments=QUIET_KERNEL,
                            resources={"metadata": {"path": str(folder)}} if folder else {})
    t0 = time.monotonic()
    client.execute()
    total = time.monotonic() - t0
    cells = []
    for cell in nb.cells:
        t = cell.metadata.get("execution", {})
        if "shell.execute_reply" in t and "iopub.execute_input" in t:
            from datetime import datetime
            dt = (datetime.fromisoformat(t["shell.execute_reply"].rstrip("Z")) -
                  datetime.fromisoformat(t["iopub.execute_input"].rstrip("Z"))).total_seconds()
            cells.append((dt, cell.get("id", "?")))
    return total, sorted(cells, reverse=True)


def run(args) -> int:
    if args.grading:
        if args.students < 1 or args.jobs < 2:
            raise CourseError("--grading needs --students >= 1 and --jobs >= 2")
        return grading_bench(check_parts(args.parts), args.students, args.jobs, args.check)
    over = []
    print(f"{'part':<26} {'seconds':>8} {'budget':>7} {'CoCalc':>7}  slowest cells")
    for part in check_parts(args.parts):
        nb = lesson_to_notebook(part)
        nb = nbformat.from_dict(nb)
        total, cells = time_notebook(nb, ROOT / "source" / part)
        budget = BUDGET.get(part)
        flag = "" if budget is None or total <= budget else "  OVER BUDGET"
        if flag:
            over.append(part)
        cocalc = "ok" if (not cells or cells[0][0] < COCALC_CELL / 2) and total < COCALC_NOTEBOOK else "RAISE"
        slow = ", ".join(f"{cid} {dt:.1f}s" for dt, cid in cells[:args.slowest])
        print(f"{part:<26} {total:8.1f} {budget if budget else '-':>7} {cocalc:>7}  {slow}{flag}")
    print(f"CoCalc: 'ok' = every cell under {COCALC_CELL // 2} s (half CoCalc's {COCALC_CELL} s per cell) and the "
          f"notebook under {COCALC_NOTEBOOK // 60} min; 'RAISE' = raise the course's limits (README, CoCalc)")
    return 1 if (args.check and over) else 0


def _synthetic_class(root, parts, n: int):
    """A course folder with source/, release/ and n students per part (demo submissions, cycled)."""
    from . import democlass
    from .validate import make_course

    root.mkdir(parents=True)
    make_course(root, parts, students=())
    kinds = ("complete",) + democlass.MISTAKE_STUDENTS
    for part in parts:
        src = nbformat.read(root / "source" / part / f"{part}.ipynb", as_version=4)
        rel = nbformat.read(root / "release" / part / f"{part}.ipynb", as_version=4)
        for i in range(n):
            dest = root / "submitted" / f"s{i:03d}" / part / f"{part}.ipynb"
            dest.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(democlass.submission(src, rel, kinds[i % len(kinds)], part), dest)
    return root


def grading_bench(parts, n: int, jobs: int, check: bool) -> int:
    import shutil
    import tempfile
    from pathlib import Path

    from .grade import grade_class
    from .nbgrader_api import api_for
    from .sandbox import check_available

    check_available()
    import os

    from .sandbox import KERNEL_THREADS
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = KERNEL_THREADS  # the unsandboxed kernels compute like the sandboxed ones
    import warnings
    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy chatter of in-process autograde
    quiet = lambda *a: None  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        base = _synthetic_class(Path(tmp) / "base", parts, n)
        plain_nb = {}
        for part in parts:  # plain execution, once per notebook (all students run the same code)
            plain_nb[part], _ = time_notebook(nbformat.read(base / "source" / part / f"{part}.ipynb", as_version=4))
        plain = n * sum(plain_nb.values())
        runs = {}
        for mode in ("nbgrader", "serial", "parallel"):
            course = Path(tmp) / mode
            shutil.copytree(base, course)
            print(f"grading {n} students x {len(parts)} parts: {mode}...", flush=True)
            t0 = time.monotonic()
            if mode == "nbgrader":
                from traitlets.config import Config
                quiet_kernels = Config()
                quiet_kernels.Execute.extra_arguments = QUIET_KERNEL
                api = api_for(course, quiet_kernels)
                for part in parts:
                    for i in range(n):
                        result = api.autograde(part, f"s{i:03d}", force=True, create=True)
                        if not result.get("success"):
                            raise CourseError(f"plain nbgrader failed on s{i:03d}/{part}")
            else:
                outcomes = grade_class(course, parts, jobs=1 if mode == "serial" else jobs, log=quiet)
                bad = [f"{o.student}/{o.assignment}: {o.status}" for o in outcomes if o.status != "ok"]
                if bad:
                    raise CourseError(f"course grade ({mode}) did not grade cleanly: {bad[:3]}")
            runs[mode] = time.monotonic() - t0
    print(f"\n{'part':<26} {'plain run (s)':>13}")
    for part in parts:
        print(f"{part:<26} {plain_nb[part]:13.1f}")
    overhead = runs["nbgrader"] / plain
    sandbox = runs["serial"] / runs["nbgrader"]
    speedup = runs["serial"] / runs["parallel"]
    print(f"\n{n * len(parts)} submissions; plain execution {plain:.0f} s in all")
    print(f"plain nbgrader autograde, serial : {runs['nbgrader']:7.0f} s  overhead {overhead:.2f}x plain execution")
    print(f"course grade --jobs 1 (sandboxed): {runs['serial']:7.0f} s  {sandbox:.2f}x plain nbgrader "
          f"(sandbox + worker), {runs['serial'] / plain:.2f}x plain execution")
    print(f"course grade --jobs {jobs} (sandboxed): {runs['parallel']:7.0f} s  speedup {speedup:.2f}x over --jobs 1")
    ok = runs["serial"] / plain <= MAX_OVERHEAD and speedup >= MIN_SPEEDUP
    print(f"targets: grading <= {MAX_OVERHEAD}x plain execution, speedup >= {MIN_SPEEDUP}x: "
          f"{'met' if ok else 'MISSED'}")
    return 1 if (check and not ok) else 0
