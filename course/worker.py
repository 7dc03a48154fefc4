"""Worker process: runs one nbgrader job (autograde or feedback) for one submission.

`python -m course.worker autograde COURSE ASSIGNMENT STUDENT [--submitted-dir D] [--sandbox]`
runs a job by hand and prints its result as one JSON line. `course grade` calls `start()`
instead: the same job, in a process forked from a fork server (`python -m course.worker serve`,
started once per grading run) that has already imported nbgrader, so a submission does not pay
the ~1 s of imports a fresh Python needs. Each worker is still a process of its own, in a session
of its own, with the grader's current environment and its output in files: a submission that
crashes nbgrader, kills its parent or hangs costs only its own grade. With --sandbox the worker
owns the kernel's sandbox (course/sandbox.py) and removes it when it ends, also when it is
stopped with SIGTERM (grade does that when a submission runs past its time limit).
"""
from __future__ import annotations

import argparse
import json
import os
import selectors
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
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["serve"]:
        return serve()
    p = argparse.ArgumentParser(prog="python -m course.worker",
                                epilog="`python -m course.worker serve` runs the fork server that course grade uses")
    p.add_argument("job", choices=("autograde", "feedback"))
    p.add_argument("course")
    p.add_argument("assignment")
    p.add_argument("student")
    p.add_argument("--submitted-dir", default=None, help="where the submissions are (course-relative)")
    p.add_argument("--sandbox", action="store_true", help="run the kernel in the bubblewrap sandbox")
    p.add_argument("--db-url", default=None, help="the gradebook (nbgrader's CourseDirectory.db_url); default: "
                                                   "the course's (a --cluster worker gets the instructor's)")
    args = p.parse_args(argv)

    course = Path(args.course)
    overrides = Config()
    if args.submitted_dir:
        overrides.CourseDirectory.submitted_directory = args.submitted_dir
    if args.db_url:
        overrides.CourseDirectory.db_url = args.db_url
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


# ---------------------------------------------------------------- the fork server

def serve() -> int:
    """Read one job per line on stdin ({"id", "argv", "cwd", "env", "folder"}), fork a worker for
    each and answer {"id", "pid"}; when a worker ends, {"pid", "code"} (code as Popen.returncode).
    Ends when stdin closes (the grader is gone); running workers finish on their own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to handle
    sel = selectors.DefaultSelector()
    sel.register(0, selectors.EVENT_READ)
    buffer, running, open_ = b"", set(), True
    while open_ or running:
        if open_ and sel.select(timeout=0.05):
            chunk = os.read(0, 1 << 16)
            open_ = bool(chunk)
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in filter(None, lines):
                job = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    os._exit(_worker(job))
                running.add(pid)
                _answer({"id": job["id"], "pid": pid})
        elif not open_:
            time.sleep(0.05)
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            running.discard(pid)
            if open_:
                _answer({"pid": pid, "code": os.waitstatus_to_exitcode(status)})
    return 0


def _answer(msg: dict) -> None:
    try:
        os.write(1, (json.dumps(msg) + "\n").encode())
    except OSError:  # the grader is gone: the workers finish on their own
        pass


def _worker(job: dict) -> int:
    """In the forked worker: a session of its own, the grader's environment, output to files."""
    try:
        os.setsid()
        os.environ.clear()
        os.environ.update(job["env"])
        tempfile.tempdir = None  # TMPDIR may differ from the server's
        os.chdir(job["cwd"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            f = os.open(os.path.join(job["folder"], name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(f, fd)
            os.close(f)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        code = main(job["argv"])
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - the worker ends with its code whatever its streams do
            pass
    return code


class Worker:
    """A worker started by the fork server, with the part of subprocess.Popen's interface grade uses."""

    def __init__(self, folder: Path):
        self.folder, self.pid, self.returncode = Path(folder), None, None
        self.lost = False  # True when its fork server ended first: its result is unknown
        self.started, self.done = threading.Event(), threading.Event()

    def lose(self):
        """Its fork server ended: its outcome cannot be known (grade stops what is left of it)."""
        self.lost, self.returncode = True, -1
        self.started.set()
        self.done.set()

    def poll(self):
        return self.returncode

    def wait(self, timeout=None):
        if not self.done.wait(timeout):
            raise subprocess.TimeoutExpired("course.worker", timeout)
        return self.returncode

    def output(self, name: str, limit: int = 4 << 20) -> str:
        """The last `limit` bytes the worker wrote to `name` ("stdout" or "stderr")."""
        try:
            with open(self.folder / name, "rb") as f:
                f.seek(max(0, f.seek(0, os.SEEK_END) - limit))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


class _Server:
    """The grader's side of the fork server: sends jobs, and a thread reads the answers."""

    def __init__(self):
        root = str(Path(__file__).resolve().parent.parent)
        self.proc = subprocess.Popen([sys.executable, "-m", "course.worker", "serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=root), cwd=root)
        self.lock, self.n, self.closed = threading.Lock(), 0, False
        self.pending: dict[int, Worker] = {}  # job id -> worker not yet forked
        self.running: dict[int, Worker] = {}  # pid -> worker
        threading.Thread(target=self._read, name="course-fork-server", daemon=True).start()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def start(self, argv, cwd, env, folder) -> Worker:
        w = Worker(folder)
        with self.lock:
            if self.closed:  # died since start() looked: this worker fails like the server's others
                w.lose()
                return w
            self.n += 1
            self.pending[self.n] = w
            job = {"id": self.n, "argv": argv, "cwd": str(cwd), "env": env, "folder": str(folder)}
            try:
                self.proc.stdin.write((json.dumps(job) + "\n").encode())
                self.proc.stdin.flush()
            except OSError:
                pass  # the server is gone: _read has ended (or will end) every pending worker
        w.started.wait()
        return w

    def _read(self):
        for line in self.proc.stdout:
            msg = json.loads(line)
            with self.lock:
                if "id" in msg:
                    w = self.pending.pop(msg["id"])
                    w.pid = msg["pid"]
                    self.running[w.pid] = w
                    w.started.set()
                    continue
                w = self.running.pop(msg["pid"], None)
            if w is not None:
                w.returncode = msg["code"]
                w.done.set()
        with self.lock:  # the server died: nothing it started can be followed any more
            self.closed = True
            lost = list(self.pending.values()) + list(self.running.values())
            self.pending.clear()
            self.running.clear()
        for w in lost:
            w.lose()


_SERVER: _Server | None = None
_SERVER_LOCK = threading.Lock()


def start(argv: list[str], cwd: Path, env: dict, folder: Path) -> Worker:
    """Start `main(argv)` in a worker forked from the fork server (started on first use); its
    stdout and stderr go to files in `folder`."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None or not _SERVER.alive():
            _SERVER = _Server()
        server = _SERVER
    return server.start(argv, cwd, env, folder)


if __name__ == "__main__":
    sys.exit(main())
