"""`python -m course bench`: how fast each solution notebook runs, against its time budget.

Executes every source notebook (the instructor's own, trusted code: no sandbox) with nbclient
and reports the wall time of the whole notebook and of its slowest cells. Speed targets live
here, never in timed unit tests.
"""
from __future__ import annotations

import time

import nbformat

from .common import check_parts
from .build import lesson_to_notebook

HELP = "time every solution notebook against its budget (seconds on 2 CPU cores)"
# Budgets from the course's issues: the whole solution notebook, on 2 CPU cores.
BUDGET = {"01_rnn_limits": 15, "02_self_attention": 10, "03_multi_head_attention": 10,
          "04_positional_encoding": 10, "05_transformer_block": 15, "06_coding_challenge": 90}


def add_arguments(parser):
    parser.add_argument("parts", nargs="*", metavar="PART", help="parts to time (default: all)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a notebook is over its budget")
    parser.add_argument("--slowest", type=int, default=3, help="how many of the slowest cells to list (default 3)")


def time_notebook(nb) -> tuple[float, list[tuple[float, str]]]:
    """Execute `nb` in a fresh kernel; (total seconds, [(seconds, cell id)] slowest first)."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True)
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
    over = []
    print(f"{'part':<26} {'seconds':>8} {'budget':>7}  slowest cells")
    for part in check_parts(args.parts):
        nb = lesson_to_notebook(part)
        nb = nbformat.from_dict(nb)
        total, cells = time_notebook(nb)
        budget = BUDGET.get(part)
        flag = "" if budget is None or total <= budget else "  OVER BUDGET"
        if flag:
            over.append(part)
        slow = ", ".join(f"{cid} {dt:.1f}s" for dt, cid in cells[:args.slowest])
        print(f"{part:<26} {total:8.1f} {budget if budget else '-':>7}  {slow}{flag}")
    return 1 if (args.check and over) else 0
