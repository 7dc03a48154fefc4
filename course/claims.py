"""`python -m course claims [PART...]`: do the lessons' demos show what their text says?

A lesson backs a sentence with a demo ("one matrix product is faster than the loop", "the
saturated softmax has a smaller gradient") and, right after the demo, a cell tagged `claim` that
asserts it on the demo's own variables. This verb runs each solution notebook with its claim cells
(`build.lesson_to_notebook(part, claims=True)`; source/ and release/ never contain them) and
reports every claim that does not hold and every cell that fails. `--busy` keeps every core busy
with another process meanwhile, as a student's laptop or a shared hub often is: a claim must hold
there too. Exit status 1 if anything failed.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import shutil
import tempfile
import time

from .bench import QUIET_KERNEL
from .build import assets, is_claim, lesson_to_notebook
from .common import CourseError, check_parts

HELP = "run the solution notebooks with their claim cells: every demo shows what its text says"
SPIN = "while True:\n    pass\n"


def add_arguments(parser):
    parser.add_argument("parts", nargs="*", metavar="PART", help="parts to check (default: all)")
    parser.add_argument("--busy", action="store_true",
                        help="keep every CPU core busy with another process while the notebooks run")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run each notebook N times (default 1): a claim must hold every time")


def run(args) -> int:
    if args.repeat < 1:
        raise CourseError(f"--repeat must be at least 1, got {args.repeat}")
    parts = check_parts(args.parts)
    failed = False
    with busy_cores(os.cpu_count() or 1) if args.busy else contextlib.nullcontext():
        for part in parts:
            for i in range(args.repeat):
                t0 = time.monotonic()
                n, problems = check(part)
                again = f" (run {i + 1} of {args.repeat})" if args.repeat > 1 else ""
                broken = sum(p.startswith("claim") for p in problems)
                print(f"{part}{again}: {n - broken}/{n} claims hold, {len(problems) - broken} failing cells "
                      f"({time.monotonic() - t0:.0f} s)")
                for p in problems:
                    print(f"  - {p}")
                failed |= bool(problems)
    return 1 if failed else 0


@contextlib.contextmanager
def busy_cores(n: int):
    """`n` processes that spin at full speed until the block ends (then they are killed)."""
    procs = [subprocess.Popen([sys.executable, "-c", SPIN], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(n)]
    try:
        yield procs
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()


def check(part: str, lesson=None) -> tuple[int, list[str]]:
    """Run `part`'s solution notebook with its claims: (number of claim cells, problems).

    `lesson`: the lesson text to use instead of lessons/<part>.py.
    """
    from nbclient import NotebookClient

    nb = lesson_to_notebook(part, lesson, claims=True)
    claim_ids = {c.id for c in nb.cells if is_claim(c)}
    # The integrity cell ends every notebook and raises only under grading; it runs harmlessly here.
    with tempfile.TemporaryDirectory(prefix="course-claims-") as tmp:
        files = assets(part, lesson)  # what lies beside the notebook for students (figures, a model)
        if files.is_dir():
            shutil.copytree(files, tmp, dirs_exist_ok=True)
        client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": tmp}}, extra_arguments=QUIET_KERNEL)
        client.execute()
    problems = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                msg = f"{out['ename']}: {out['evalue']}".splitlines()[0][:300]
                problems.append(f"claim `{first_line(cell.source)}` does not hold: {msg}" if cell.id in claim_ids
                                else f"cell {cell.id} fails: {msg}")
    return len(claim_ids), problems


def first_line(source: str) -> str:
    return next((ln.strip() for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#")), "")[:60]
