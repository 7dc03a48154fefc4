"""`python -m course grade --cluster ADDRESS`: grading on a Dask cluster, one task per submission.

Dask distributed does the scheduling, the queue, retries and the wire protocol; this module only
says what one task is. The design:

- The instructor's machine checks and repairs each submission (course/grade.py's stage) and
  sends a task that carries everything a worker needs: the repaired submission's files, the
  assignment's non-notebook source files (nbgrader copies them over the student's), the
  course's nbgrader_config.py, the gradebook URL, the sandbox flag and the time limit. A worker
  needs no shared folder: it grades in a temporary course folder of its own.
- The worker runs the same worker process as one machine (`python -m course.worker autograde
  ... --sandbox`, the kernel in bubblewrap; a worker without bubblewrap refuses) and nbgrader
  writes the scores straight into the gradebook, as it does on one machine. nbgrader's
  autograde needs the gradebook anyway (it reads the assignment's cells, points and checksums
  from it), so the gradebook must be one every worker reaches: PostgreSQL (`COURSE_DB_URL` or
  `c.CourseDirectory.db_url`). With `local:N` the workers share this machine, so SQLite works.
- The task returns what grading produced: the autograded folder's files, nbgrader's result and
  log, the worker's address and time. The instructor writes the autograded notebook, reads the
  outcome (kernel death, timeouts, the integrity tripwire) and the scores from the gradebook,
  and records each outcome in reports/grading.json as soon as it is known, as on one machine.
- Faults. A worker that dies mid-submission takes its grading process with it (PR_SET_PDEATHSIG:
  the grading process gets SIGTERM and removes its sandbox); Dask runs the task again on another
  worker; nbgrader's autograde with force re-grades the same submission row, so the gradebook
  holds one set of scores; every start is logged as a Dask event, and the outcome names the
  retry. A scheduler lost mid-run cancels every task: what was recorded stays, and --resume
  grades the rest. A database restart mid-run: grading waits for it (course/grade.py,
  DB_RETRY_WAITS), then goes on or records the submission as interrupted for --resume.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

from .common import CourseError

EVENTS = "course-grade"  # Dask event topic: one event per task start {"key", "worker"}
CONNECT_TIMEOUT = 10  # seconds to reach the scheduler
MAX_TASK_BYTES = 64 * 1024 ** 2  # a submission folder bigger than this is not sent


def _dask():
    try:
        import distributed
    except ImportError:
        raise CourseError("--cluster needs Dask distributed: pip install -r requirements.txt") from None
    return distributed


# ---------------------------------------------------------------- files in a task

def pack(folder: Path) -> dict[str, bytes]:
    """Every regular file below `folder` (no symbolic links), by relative path."""
    files, total = {}, 0
    if not folder.is_dir():
        return files
    for top, dirs, names in os.walk(folder):
        for name in names:
            p = Path(top) / name
            if p.is_symlink() or not p.is_file():
                continue
            data = p.read_bytes()
            total += len(data)
            if total > MAX_TASK_BYTES:
                raise CourseError(f"{folder} holds more than {MAX_TASK_BYTES >> 20} MB: too big to send to a worker")
            files[str(p.relative_to(folder))] = data
    return files


def unpack(files: dict[str, bytes], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    for rel, data in files.items():
        dest = (folder / rel).resolve()
        if root not in dest.parents:  # a task's paths are relative and stay inside
            raise CourseError(f"refusing to write {rel!r} outside {folder}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


def replace_folder(files: dict[str, bytes], folder: Path) -> None:
    """Make `folder` hold exactly `files`, switched in at once (never half written)."""
    import shutil
    tmp = folder.with_name(f".{folder.name}.incoming")
    shutil.rmtree(tmp, ignore_errors=True)
    unpack(files, tmp)
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- on the worker

_RUNNING: set = set()  # grading processes of this Dask worker (Ctrl-C on the instructor's side stops them)
_RUNNING_LOCK = threading.Lock()


def _die_with_parent():
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: a killed Dask worker stops its grading


def grade_task(task: dict) -> dict:
    """Grade one submission on this Dask worker, in a temporary course folder of its own."""
    from .grade import DB_RETRY_WAITS, STAGED, gradebook_lost, run_worker_process
    from .sandbox import GRADER_PID_ENV, bwrap

    distributed = _dask()
    try:
        worker = distributed.get_worker()
        address = worker.address
        worker.log_event(EVENTS, {"key": task["key"], "worker": address})
    except ValueError:  # not in a Dask worker (called directly)
        worker, address = None, "local"

    def cancelled() -> bool:
        """Did the scheduler cancel this task (Ctrl-C on the instructor's side, or its client gone)?"""
        ts = worker.state.tasks.get(task["key"]) if worker is not None else None
        return worker is not None and (ts is None or ts.state in ("cancelled", "released", "forgotten"))
    if task["sandbox"] and not bwrap():
        raise CourseError(f"worker {address}: bubblewrap (bwrap) is not installed, it refuses to grade "
                          "(install it on every worker, or --unsafe for trusted code only)")
    t0 = time.monotonic()
    student, assignment = task["student"], task["assignment"]
    with tempfile.TemporaryDirectory(prefix="course-task-") as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        (course / "nbgrader_config.py").write_text(task["config"])
        unpack(task["submission"], course / STAGED / student / assignment)
        unpack(task["source_files"], course / "source" / assignment)
        argv = ["autograde", str(course), assignment, student, "--submitted-dir", STAGED, "--db-url", task["db_url"]]
        if task["sandbox"]:
            argv.append("--sandbox")
        root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ, **{GRADER_PID_ENV: str(os.getpid())})
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env.pop("COURSE_DB_URL", None)  # the task's gradebook only
        for wait in DB_RETRY_WAITS:  # the gradebook's server restarting: wait for it, then grade again
            result, err = run_worker_process([sys.executable, "-m", "course.worker", *argv], course, env,
                                             Path(tmp), task["timeout"], _RUNNING, _RUNNING_LOCK, _die_with_parent,
                                             cancelled)
            if not gradebook_lost(result) or wait is None or cancelled():
                break
            time.sleep(wait)
        autograded = pack(course / "autograded" / student / assignment)
    return {"result": result, "err": err, "autograded": autograded, "worker": address,
            "seconds": round(time.monotonic() - t0, 1)}


def stop_running() -> int:
    """SIGTERM to every grading process of this worker (they remove their sandboxes); how many."""
    from .grade import _signal_session
    with _RUNNING_LOCK:
        procs = list(_RUNNING)
    for proc in procs:
        _signal_session(proc, signal.SIGTERM)
    return len(procs)


def check_worker(sandbox: bool) -> str | None:
    """On a worker: why it cannot grade, or None."""
    from .sandbox import bwrap
    if sandbox and not bwrap():
        return "bubblewrap (bwrap) is not installed"
    return None


# ---------------------------------------------------------------- on the instructor's machine

def _quiet_dask() -> None:
    """Dask logs every reconnection attempt with a traceback; grade reports a lost or unreachable
    scheduler itself, in one line."""
    for name in ("distributed", "distributed.client", "distributed.comm", "distributed.core",
                 "distributed.batched", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


class Session:
    """A connection to a Dask cluster (or a LocalCluster it started) for one grading run."""

    def __init__(self, course: Path, address: str, client, cluster, sandbox: bool, db: str, log):
        self.course, self.address, self.client, self.cluster = course, address, client, cluster
        self.sandbox, self.db, self.log = sandbox, db, log

    @classmethod
    def open(cls, course: Path, address: str, sandbox: bool, log=print) -> "Session":
        from .nbgrader_api import db_url
        distributed = _dask()
        _quiet_dask()
        db = db_url(course)
        local = address.startswith("local:")
        if db.startswith("sqlite") and not local:
            raise CourseError("--cluster needs a gradebook every worker can reach: set COURSE_DB_URL (or "
                              "c.CourseDirectory.db_url) to postgresql+psycopg://...; SQLite only works with "
                              "--cluster local:N")
        cluster = None
        try:
            if local:
                try:
                    n = int(address.split(":", 1)[1])
                    if n < 1:
                        raise ValueError
                except ValueError:
                    raise CourseError(f"--cluster {address}: local:N needs a number of workers N >= 1") from None
                # loopback only; the scheduler's HTTP server (always started) on a free port
                cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                   host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                                   silence_logs=logging.ERROR)
                client = distributed.Client(cluster)
            else:
                client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            if cluster is not None:
                cluster.close()
            raise CourseError(f"cannot reach the Dask scheduler at {address}: "
                              f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
        session = cls(course, address, client, cluster, sandbox, db, log)
        try:
            session.check_workers()
        except BaseException:
            session.close()
            raise
        return session

    def check_workers(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise CourseError(f"the Dask scheduler at {self.address} has no workers "
                              f"(none joined in {CONNECT_TIMEOUT} s)") from None
        problems = {w: why for w, why in self.client.run(check_worker, self.sandbox).items() if why}
        if problems:
            raise CourseError("workers that cannot grade: " + "; ".join(f"{w}: {why}" for w, why in problems.items()))
        n = len(self.client.scheduler_info(n_workers=-1)["workers"])
        self.log(f"grading on the Dask cluster {self.address}: {n} worker(s)")

    def close(self) -> None:
        # a lost scheduler makes a polite close wait: closing is bounded
        try:
            self.client.close(timeout=5)
        except Exception:  # noqa: BLE001 - closing a connection to a dead scheduler may fail; nothing is left to save
            pass
        if self.cluster is not None:
            try:
                self.cluster.close(timeout=10)
            except Exception:  # noqa: BLE001
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------ grading

    def task(self, student: str, assignment: str, timeout: int) -> dict:
        from .grade import STAGED
        course = self.course
        source_files = {k: v for k, v in pack(course / "source" / assignment).items() if not k.endswith(".ipynb")}
        key = f"course-grade-{student}-{assignment}-{uuid.uuid4().hex[:8]}"
        return {"key": key, "student": student, "assignment": assignment,
                "submission": pack(course / STAGED / student / assignment), "source_files": source_files,
                "config": (course / "nbgrader_config.py").read_text(), "db_url": self.db,
                "sandbox": self.sandbox, "timeout": timeout}

    def grade(self, pairs, timeout: int, record) -> list:
        """Grade `pairs` on the cluster, `record(outcome)` each as it is known; raise Interrupted
        on Ctrl-C/SIGTERM or when the scheduler is lost."""
        from sqlalchemy.exc import DBAPIError

        from .grade import Interrupted, _raise_interrupt, gradebook_unreachable
        distributed = _dask()
        self.timeout = timeout
        starts = defaultdict(list)  # task key -> workers it started on (a retry starts twice)
        self.client.subscribe_topic(EVENTS, lambda event: starts[event[1]["key"]].append(event[1]["worker"]))
        window = max(4, 2 * sum(self.client.nthreads().values()))  # tasks in flight (staged copies on disk)
        todo, running, outcomes = list(pairs), {}, []
        pending = distributed.as_completed()
        previous = signal.signal(signal.SIGTERM, _raise_interrupt) \
            if threading.current_thread() is threading.main_thread() else None

        def feed():
            while todo and len(running) < window:
                self._submit(todo.pop(0), timeout, running, pending, outcomes, record)

        try:
            feed()
            while running:
                future = next(pending)
                outcome, t0, key = running.pop(future)
                if future.status == "cancelled":  # every task is cancelled when the scheduler is lost
                    running[future] = (outcome, t0, key)
                    lost = len(running) + len(todo)
                    self.log(f"lost the Dask scheduler at {self.address}: {len(outcomes)} submission(s) graded "
                             f"and recorded, {lost} not graded")
                    raise Interrupted(outcomes, lost, reason=f"lost the Dask scheduler at {self.address}")
                try:
                    self._finish(future, outcome, t0, starts.get(key, []))
                except DBAPIError:  # the gradebook went away while this outcome was read: --resume
                    gradebook_unreachable(outcome, None, time.monotonic())
                outcomes.append(record(outcome))
                feed()
        except KeyboardInterrupt:
            self.log("interrupted: stopping the running grading tasks...")
            self.client.cancel(list(running), force=True)
            try:
                self.client.run(stop_running, timeout=10)
            except Exception:  # noqa: BLE001 - workers already gone stop nothing
                pass
            raise Interrupted(outcomes, len(running) + len(todo)) from None
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            try:
                self.client.unsubscribe_topic(EVENTS)
            except Exception:  # noqa: BLE001 - the scheduler may be gone
                pass
        return outcomes

    def _submit(self, pair, timeout, running, pending, outcomes, record) -> None:
        from .grade import Outcome, gradebook_unreachable, read_scores_retrying, stage
        student, assignment = pair
        outcome, t0 = Outcome(student, assignment), time.monotonic()
        if not stage(self.course, student, assignment, outcome):  # missing or broken: nothing to send
            if not read_scores_retrying(self.course, outcome):
                gradebook_unreachable(outcome, None, t0)
            outcome.seconds = round(time.monotonic() - t0, 1)
            outcomes.append(record(outcome))
            return
        task = self.task(student, assignment, timeout)
        future = self.client.submit(grade_task, task, key=task["key"], pure=False)
        running[future] = (outcome, time.monotonic() - t0, task["key"])
        pending.add(future)

    def _finish(self, future, outcome, stage_seconds: float, started_on: list) -> None:
        from .grade import (STAGED, gradebook_lost, gradebook_unreachable, read_result, read_scores_retrying)
        import shutil
        course, s, a = self.course, outcome.student, outcome.assignment
        t0 = time.monotonic()
        if len(started_on) > 1:
            outcome.notes.append(f"retried: the Dask worker grading it ({', '.join(started_on[:-1])}) was lost "
                                 f"mid-submission; graded again on {started_on[-1]}, the gradebook holds that "
                                 "run's scores only")
        if future.status == "error":
            exc = future.exception()
            outcome.status = "error"
            why = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
            outcome.notes.append(f"the grading task failed on the cluster: {type(exc).__name__}: {why}")
            outcome.seconds = round(stage_seconds, 1)
            return
        res = future.result()
        replace_folder(res["autograded"], course / "autograded" / s / a)
        shutil.rmtree(course / STAGED / s / a, ignore_errors=True)
        result = res["result"]
        if result is None and res["err"] == "timeout":
            outcome.status = "timeout"
            outcome.notes.append(f"grading took longer than {self.timeout} s and was stopped")
        elif gradebook_lost(result):
            gradebook_unreachable(outcome, result, t0)
        elif result is None:
            outcome.status = "interrupted"
            outcome.notes.append("grading was interrupted before this submission was done: not graded")
        else:
            read_result(course, result, outcome)
        if outcome.status != "interrupted" and not read_scores_retrying(course, outcome):
            gradebook_unreachable(outcome, None, t0)
        outcome.seconds = round(stage_seconds + res["seconds"], 1)
