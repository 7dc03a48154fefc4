"""Worker process: runs one nbgrader job (autograde or feedback) for one submission.

`python -m course.worker autograde COURSE ASSIGNMENT STUDENT [--submitted-dir D] [--sandbox]`
runs a job by hand and prints its result as one JSON line. `course grade` calls `start()`
instead: the same job, in a process forked from a server that has already imported nbgrader
(multiprocessing's forkserver with this module preloaded), so a submission does not pay the
~1 s of imports a fresh Python needs. Each worker is still a process of its own, in a session of
its own, with the grader's current environment and its output in files: a submission that
crashes nbgrader, kills its parent or hangs costs only its own grade. With --sandbox the worker
owns the kernel's sandbox (course/sandbox.py) and removes it when it ends, also when it is
stopped with SIGTERM (grade does that when a submission runs past its time limit).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

# jsonschema, which nbformat imports, loads rfc3987_syntax (via jupyter-events) when it is
# installed, and that builds a grammar at import: 0.9 s. nbformat validates without a format
# checker, so the IRI formats that package checks are never used here: the worker does without it.
sys.modules.setdefault("rfc3987_syntax", None)

from traitlets.config import Config  # noqa: E402

# What every job needs, imported once by the fork server (and at once by the command line).
import nbgrader.apps  # noqa: E402,F401
import nbgrader.converters  # noqa: E402,F401
import nbgrader.preprocessors  # noqa: E402,F401
import nbclient  # noqa: E402,F401
import jupyter_client.manager  # noqa: E402,F401

from . import nbgrader_api, nbgrader_plugins, sandbox  # noqa: E402,F401


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m course.worker")
    p.add_argument("job", choices=("autograde", "feedback"))
    p.add_argument("course")
    p.add_argument("assignment")
    p.add_argument("student")
    p.add_argument("--submitted-dir", default=None, help="where the submissions are (course-relative)")
    p.add_argument("--sandbox", action="store_true", help="run the kernel in the bubblewrap sandbox")
    args = p.parse_args(argv)

    course = Path(args.course)
    overrides = Config()
    if args.submitted_dir:
        overrides.CourseDirectory.submitted_directory = args.submitted_dir
    signal.signal(signal.SIGTERM, _stop)
    with ExitStack() as stack:
        if args.sandbox:
            import resource
            # nbclient keeps all the kernel's output in this process: a submission printing
            # gigabytes must fail its own grading (MemoryError), not exhaust the machine
            resource.setrlimit(resource.RLIMIT_AS, (sandbox.WORKER_MEMORY_LIMIT,
                                                    resource.getrlimit(resource.RLIMIT_AS)[1]))
            overrides.merge(stack.enter_context(sandbox.kernel_sandbox(course)))
        api = nbgrader_api.api_for(course, overrides)
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


# ---------------------------------------------------------------- started by course grade

_CONTEXT = None
# Reading a worker's exit status consumes it (multiprocessing's forkserver sends it once, and a
# second reader records 255): every read, and every start(), which reads finished workers', holds this.
_STATUS_LOCK = threading.Lock()


def _context():
    global _CONTEXT
    if _CONTEXT is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        _CONTEXT = ctx
    return _CONTEXT


def start(argv: list[str], cwd: Path, env: dict, folder: Path) -> "Worker":
    """Start `main(argv)` in a new worker process; its stdout and stderr go to files in `folder`."""
    proc = _context().Process(target=_job, args=(argv, str(cwd), env, str(folder)), daemon=False)
    with _STATUS_LOCK:  # start() reads the exit status of finished workers too
        proc.start()
    return Worker(proc, folder)


def _job(argv, cwd, env, folder):
    """In the forked worker: a session of its own, the grader's environment, output to files."""
    os.setsid()
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None  # TMPDIR may differ from the fork server's
    os.chdir(cwd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        f = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(f, fd)
        os.close(f)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # the fork server ignores it; grade stops us with SIGTERM
    sys.exit(main(argv))


class Worker:
    """A started worker, with the part of subprocess.Popen's interface grade uses (thread-safe:
    grade's main thread polls the workers its threads wait for when a run is interrupted)."""

    def __init__(self, proc, folder: Path):
        self._proc, self.pid, self.folder = proc, proc.pid, Path(folder)

    @property
    def returncode(self):
        return self.poll()

    def poll(self):
        with _STATUS_LOCK:
            return self._proc.exitcode

    def wait(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired("course.worker", timeout)
            multiprocessing.connection.wait([self._proc.sentinel], timeout=None if left is None else min(left, 1.0))
        return code

    def output(self, name: str, limit: int = 4 << 20) -> str:
        """The last `limit` bytes the worker wrote to `name` ("stdout" or "stderr")."""
        path = self.folder / name
        try:
            with open(path, "rb") as f:
                size = f.seek(0, os.SEEK_END)
                f.seek(max(0, size - limit))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


if __name__ == "__main__":
    sys.exit(main())
