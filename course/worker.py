"""Worker process: runs one nbgrader job and prints its result as one JSON line.

`python -m course.worker autograde COURSE ASSIGNMENT STUDENT [--sandbox]`
`python -m course.worker feedback COURSE ASSIGNMENT STUDENT`

The grade verb starts one worker per submission in its own session, so a submission that
crashes nbgrader, kills its parent or hangs costs only its own grade. With --sandbox the worker
owns the kernel's sandbox (course/sandbox.py) and removes it when it ends, also when it is
stopped with SIGTERM (grade does that when a submission runs past its time limit).
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
from contextlib import ExitStack
from pathlib import Path

from traitlets.config import Config

# One worker per submission pays nbgrader's import time each time. jsonschema, which nbformat
# imports, loads rfc3987_syntax (via jupyter-events) when it is installed, and that builds a
# grammar at import: 0.9 s of the ~2 s. nbformat validates without a format checker, so the
# IRI formats that package checks are never used here: the worker does without it.
sys.modules.setdefault("rfc3987_syntax", None)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m course.worker")
    p.add_argument("job", choices=("autograde", "feedback"))
    p.add_argument("course")
    p.add_argument("assignment")
    p.add_argument("student")
    p.add_argument("--submitted-dir", default=None, help="where the submissions are (course-relative)")
    p.add_argument("--sandbox", action="store_true", help="run the kernel in the bubblewrap sandbox")
    args = p.parse_args(argv)

    from .nbgrader_api import api_for

    course = Path(args.course)
    overrides = Config()
    if args.submitted_dir:
        overrides.CourseDirectory.submitted_directory = args.submitted_dir
    signal.signal(signal.SIGTERM, _stop)
    with ExitStack() as stack:
        if args.sandbox:
            import resource

            from .sandbox import WORKER_MEMORY_LIMIT, kernel_sandbox
            # nbclient keeps all the kernel's output in this process: a submission printing
            # gigabytes must fail its own grading (MemoryError), not exhaust the machine
            resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_LIMIT, resource.getrlimit(resource.RLIMIT_AS)[1]))
            overrides.merge(stack.enter_context(kernel_sandbox(course)))
        api = api_for(course, overrides)
        if args.job == "autograde":
            result = api.autograde(args.assignment, args.student, force=True, create=True)
        else:
            result = api.generate_feedback(args.assignment, args.student, force=True)
    out = {"success": bool(result.get("success")), "log": result.get("log") or "",
           "error": result.get("error") or ""}
    sys.stdout.write("\n" + json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0 if out["success"] else 1


def _stop(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through kernel_sandbox, which cleans up


if __name__ == "__main__":
    sys.exit(main())
