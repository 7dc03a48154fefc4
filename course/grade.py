"""`python -m course grade`: autograde submitted/ safely, one worker process per submission.

For every (student, assignment):
1. check the submission (missing? not a notebook?) and repair its structure against the
   release (duplicated or renamed cells, deleted read-only cells, edited metadata), on a
   staged copy: submitted/ itself is never modified;
2. autograde it with nbgrader in a worker process (kernel in the sandbox unless --unsafe);
3. read what happened (kernel death, timeout, integrity tripwire) and the scores.
One bad submission never stops the others; every outcome lands in reports/grading.json.
"""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from .common import ROOT, CourseError, course_dir, grading_sandbox
from .nbgrader_plugins import KERNEL_DIED
from .scan import scan

HELP = "autograde the submissions in submitted/ (sandboxed, one worker per submission)"
STAGED = ".staged"  # course-relative folder of repaired copies that nbgrader grades
INTEGRITY_ID = "integrity_check"
INTEGRITY_OK = "2/2 expected failures seen"


@dataclass
class Outcome:
    student: str
    assignment: str
    status: str = "ok"  # one of common.STATUSES
    score: float | None = None
    max_score: float | None = None
    notes: list[str] = field(default_factory=list)
    cells: dict = field(default_factory=dict)  # grade_id -> [score, max_score] (None: manual)
    review: list[str] = field(default_factory=list)  # suspicious code found by course/scan.py
    submitted_sha256: str | None = None  # of the notebook graded (--resume skips it if unchanged)
    seconds: float = 0.0


def add_arguments(parser):
    parser.add_argument("--course", default=str(ROOT), help="course folder (default: this repository)")
    parser.add_argument("--assignment", action="append", metavar="PART",
                        help="grade only this assignment (repeatable); default: every one submitted")
    parser.add_argument("--student", action="append", metavar="ID",
                        help="grade only this student (repeatable); default: every student in submitted/")
    parser.add_argument("--jobs", type=int, default=1,
                        help="submissions graded at once (default 1); each takes one core, and the scores are "
                             "those of a serial run (measured: --jobs 2 on 2 cores, 1.9x faster)")
    parser.add_argument("--resume", action="store_true",
                        help="skip submissions that reports/grading.json already records as graded and that "
                             "have not changed since (to finish an interrupted run)")
    parser.add_argument("--timeout", type=int, default=1800,
                        help="seconds one submission may take in all before it is stopped (default 1800)")
    parser.add_argument("--cluster", metavar="ADDRESS",
                        help="grade on a Dask cluster: a scheduler's address (tcp://host:8786), or local:N for "
                             "N local worker processes; one Dask task per submission, the workers need no shared "
                             "folder but must reach the gradebook (a PostgreSQL db_url; see course/cluster.py)")
    parser.add_argument("--unsafe", "--no-sandbox", dest="unsafe", action="store_true",
                        help="run student kernels WITHOUT the bubblewrap sandbox, with your permissions "
                             "(only for trusted code, e.g. your own solution); refused otherwise when "
                             "bubblewrap is missing")


def run(args) -> int:
    course = course_dir(args.course)
    sandbox = grading_sandbox(args, check=not args.cluster)  # on a cluster, every worker is checked instead
    try:
        outcomes = grade_class(course, args.assignment, args.student, jobs=args.jobs,
                               sandbox=sandbox, timeout=args.timeout, resume=args.resume, cluster=args.cluster)
    except Interrupted as stop:
        print_outcomes(stop.outcomes)
        raise CourseError(f"{stop.reason}: {len(stop.outcomes)} submission(s) done, {stop.left} not graded; "
                          "run the same command with --resume to finish") from None
    print_outcomes(outcomes)
    return 0


# ---------------------------------------------------------------- discovery

def submissions(course: Path, assignments=None, students=None) -> list[tuple[str, str]]:
    """(student, assignment) pairs to grade; unknown names are an error, not a silent skip."""
    sub = course / "submitted"
    if not sub.is_dir():
        raise CourseError(f"no submitted/ folder in {course}")
    known_students = sorted(p.name for p in sub.iterdir() if p.is_dir() and not p.name.startswith("."))
    known_parts = sorted(p.name for p in (course / "source").iterdir() if p.is_dir()) \
        if (course / "source").is_dir() else []
    for s in students or []:
        if s not in known_students:
            raise CourseError(f"unknown student {s!r}: no folder submitted/{s}")
    for a in assignments or []:
        if a not in known_parts:
            raise CourseError(f"unknown assignment {a!r}; the assignments are: {', '.join(known_parts)}")
    pairs = []
    for s in students or known_students:
        for a in assignments or known_parts:
            if assignments or (sub / s / a).is_dir():
                pairs.append((s, a))
    return pairs


# ---------------------------------------------------------------- repair

def _gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def repair(sub, rel) -> list[str]:
    """Make the submission's nbgrader structure match the release; return what was changed.

    Cells are matched by grade_id. Unknown or duplicated ids lose their nbgrader metadata (the
    cell stays, as the student's own code); known cells get the release's metadata back;
    deleted read-only and graded cells are put back where they were. Deleted solution cells are
    not re-inserted (a stub would overwrite code the student moved elsewhere).
    """
    notes = []
    ref = {_gid(c): c for c in rel.cells if _gid(c)}
    seen = set()
    for cell in sub.cells:
        meta = cell.get("metadata", {})
        if "nbgrader" not in meta:
            continue
        gid = _gid(cell)
        if gid not in ref or gid in seen:
            notes.append(f"cell {gid!r} {'duplicated' if gid in seen else 'is not in the release'}:"
                         " graded as the student's own code")
            del meta["nbgrader"]
            continue
        seen.add(gid)
        want = ref[gid]
        if meta["nbgrader"] != want.metadata.nbgrader:
            changed = sorted(k for k in set(meta["nbgrader"]) | set(want.metadata.nbgrader)
                             if k != "checksum" and meta["nbgrader"].get(k) != want.metadata.nbgrader.get(k))
            if changed:
                notes.append(f"cell {gid!r}: metadata {', '.join(changed)} restored")
            meta["nbgrader"] = copy.deepcopy(want.metadata.nbgrader)
        if cell.cell_type != want.cell_type:
            notes.append(f"cell {gid!r}: cell type restored to {want.cell_type}")
            _set_type(cell, want.cell_type)
    # put back deleted cells that the student could not legitimately remove
    out, present = [], {_gid(c) for c in sub.cells if _gid(c)}
    inserts: dict = {}
    anchor = None
    for cell in rel.cells:
        gid = _gid(cell)
        if not gid:
            continue
        nbg = cell.metadata.nbgrader
        if gid not in present and (nbg.get("locked") or nbg.get("grade")):
            inserts.setdefault(anchor, []).append(copy.deepcopy(cell))
            notes.append(f"cell {gid!r} was deleted: restored")
        elif gid in present:
            anchor = gid
    out.extend(inserts.pop(None, []))
    for cell in sub.cells:
        out.append(cell)
        gid = _gid(cell)
        if gid in inserts:
            out.extend(inserts.pop(gid))
    sub.cells = out
    return notes


def _set_type(cell, cell_type):
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def stage(course: Path, student: str, assignment: str, outcome: Outcome) -> bool:
    """Copy the submission to the staging folder, repaired; False if there is nothing to grade."""
    src_dir = course / "submitted" / student / assignment
    dst_dir = course / STAGED / student / assignment
    if dst_dir.exists():
        shutil.rmtree(dst_dir)
    nb_path = src_dir / f"{assignment}.ipynb"
    if _links_out(course, nb_path):
        outcome.status = "broken"
        outcome.notes.append(f"submitted/{student}/{assignment}/{nb_path.name} is (or is in) a symbolic "
                             "link: not graded")
        return False
    if not nb_path.is_file():
        outcome.status = "missing"
        found = sorted(p.name for p in src_dir.glob("*.ipynb")) if src_dir.is_dir() else []
        outcome.notes.append(f"no {assignment}.ipynb in submitted/{student}/{assignment}"
                             + (f" (found: {', '.join(found)})" if found else ""))
        return False
    try:
        sub = nbformat.read(nb_path, as_version=4)
        nbformat.validate(sub)
    except Exception as exc:
        outcome.status = "broken"
        outcome.notes.append(f"not a readable notebook: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        return False
    outcome.submitted_sha256 = _sha256(nb_path)
    rel = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    outcome.notes.extend(repair(sub, rel))
    outcome.review = scan(sub, rel)
    links = sorted(str(p.relative_to(src_dir)) for p in _walk(src_dir) if p.is_symlink())
    if links:
        outcome.notes.append(f"symbolic links in the submission were not copied: {', '.join(links)}")
    shutil.copytree(src_dir, dst_dir, ignore=_ignore)
    nbformat.write(sub, dst_dir / f"{assignment}.ipynb")
    return True


def _sha256(path: Path) -> str:
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _links_out(course: Path, path: Path) -> bool:
    """Is `path` (or a folder of it below submitted/) a symbolic link? Staging follows none."""
    return path.resolve() != (course / "submitted").resolve() / path.relative_to(course / "submitted")


def _walk(folder: Path):
    for top, dirs, files in os.walk(folder):  # does not descend into linked folders
        yield from (Path(top) / n for n in dirs + files)


def _ignore(folder, names):
    return [n for n in names if n.startswith(".") or n == "__pycache__" or os.path.islink(os.path.join(folder, n))]


# ---------------------------------------------------------------- grading

@contextmanager
def _setup_lock(course: Path):
    import fcntl
    (course / STAGED).mkdir(exist_ok=True)
    with open(course / STAGED / ".setup.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_gradebook(course: Path) -> None:
    """Create the gradebook's tables and course row once, before any worker opens it: graders
    starting at once on a new PostgreSQL gradebook would otherwise race to create them."""
    from nbgrader.api import Gradebook

    from .nbgrader_api import db_url, load_config
    course_id = load_config(course).CourseDirectory.course_id
    for cid in (course_id, "default_course"):  # the second: what Gradebook(url) without a course id adds
        _retry_race(lambda: Gradebook(db_url(course), cid).close())


def ensure_assignment(course: Path, assignment: str) -> None:
    """The gradebook must know the assignment's cells before autograde can score it."""
    from nbgrader.api import Gradebook, MissingEntry

    from .nbgrader_api import db_url

    def known():
        with Gradebook(db_url(course)) as gb:
            try:
                gb.find_notebook(assignment, assignment)
                return True
            except MissingEntry:
                return False
    if _retry_race(known):
        return
    from .build import generate_release, normalise_release
    # another grader may add it at the same moment (a shared PostgreSQL gradebook): then use theirs
    _retry_race(lambda: known() or normalise_release(generate_release(course, assignment)))


def ensure_students(course: Path, students) -> None:
    """Add the students to the gradebook before any worker runs: two workers grading one new
    student's parts at once would both try to add them, and one would fail."""
    from nbgrader.api import Gradebook

    from .nbgrader_api import db_url

    def add():
        with Gradebook(db_url(course)) as gb:
            known = {s.id for s in gb.students}
            for student in students:
                if student not in known:
                    gb.add_student(student)
    _retry_race(add)  # another grader adding the same student first is no error


def _retry_race(fn, tries: int = 5):
    """fn(), again when a concurrent grader's write to the same gradebook made it fail (a unique
    row or table the other one created first: nbgrader reports it as InvalidEntry, SQLAlchemy as
    IntegrityError/ProgrammingError)."""
    from nbgrader.api import InvalidEntry
    from sqlalchemy.exc import IntegrityError, ProgrammingError
    for i in range(tries):
        try:
            return fn()
        except (InvalidEntry, IntegrityError, ProgrammingError, CourseError):
            if i == tries - 1:
                raise
            time.sleep(0.2 * (i + 1))


def run_worker(course: Path, job: str, assignment: str, student: str, sandbox: bool, timeout: int):
    """Run one nbgrader job in a worker process: (its JSON result, its stderr), or
    (None, "timeout") / (None, "interrupted") when it was stopped."""
    from . import worker
    from .sandbox import GRADER_PID_ENV

    argv = [job, str(course), assignment, student]
    if job == "autograde":
        argv += ["--submitted-dir", STAGED]
    if sandbox:
        argv.append("--sandbox")
    env = dict(os.environ, **{GRADER_PID_ENV: str(os.getpid())})
    with tempfile.TemporaryDirectory(prefix="course-worker-") as folder:
        with _LIVE_LOCK:
            if _STOPPING.is_set():
                return None, "interrupted"
            proc = worker.start(argv, course, env, Path(folder))
            _LIVE.add(proc)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_worker(proc)
            return None, "timeout"
        finally:
            with _LIVE_LOCK:
                _LIVE.discard(proc)
        stdout, stderr = proc.output("stdout"), proc.output("stderr")
    if _STOPPING.is_set() and proc.returncode != 0:
        return None, "interrupted"
    if proc.lost:  # may still run: stopped (it then removes its sandbox), so it writes no results later
        stop_worker(proc)
        return {"success": False, "log": stdout[-2000:], "error": stderr[-2000:] + "\ngrading worker lost: "
                "the fork server that started it ended while it ran (grade this student again)"}, stderr
    return worker_result(stdout, stderr), stderr


def run_worker_process(cmd, cwd: Path, env: dict, folder: Path, timeout: int, live: set, lock, preexec=None,
                       cancelled=lambda: False):
    """One worker as a plain subprocess (what a Dask task runs: no fork server), in a session of
    its own, output to files in `folder`: (its JSON result, its stderr), or (None, "timeout") /
    (None, "interrupted") when it ran too long / `cancelled()` became true (checked twice a second)."""
    with open(folder / "stdout", "wb") as out, open(folder / "stderr", "wb") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True, preexec_fn=preexec)
    with lock:
        live.add(proc)
    end = time.monotonic() + timeout
    try:
        while proc.poll() is None:
            if cancelled():
                stop_worker(proc)
                return None, "interrupted"
            if time.monotonic() > end:
                stop_worker(proc)
                return None, "timeout"
            try:
                proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
    finally:
        with lock:
            live.discard(proc)
    stdout, stderr = (_tail(folder / name) for name in ("stdout", "stderr"))
    return worker_result(stdout, stderr), stderr


def _tail(path: Path, limit: int = 4 << 20) -> str:
    with open(path, "rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - limit))
        return f.read().decode("utf-8", "replace")


def worker_result(stdout: str, stderr: str) -> dict:
    """The JSON result a worker prints as its last line; a failure holding its output if none."""
    last = stdout.strip().splitlines()[-1:] if stdout.strip() else []
    try:
        return json.loads(last[0])
    except (IndexError, json.JSONDecodeError):
        return {"success": False, "log": stdout[-2000:], "error": stderr[-2000:]}


# Workers run in sessions of their own (a submission that kills its process group must not hit
# the grader), so Ctrl-C does not reach them: an interrupted run stops them itself.
_LIVE: set = set()
_LIVE_LOCK = threading.Lock()
_STOPPING = threading.Event()


class Interrupted(Exception):
    """Grading was stopped (Ctrl-C or SIGTERM); `outcomes` are the submissions finished before."""

    def __init__(self, outcomes, left, reason="interrupted"):
        super().__init__(f"{reason}: {left} submission(s) not graded")
        self.outcomes, self.left, self.reason = outcomes, left, reason


def _signal_session(proc, sig) -> None:
    """`sig` to the worker's session (its kernel and the kernel's children included)."""
    if proc.pid is None:  # never started (its fork server was gone)
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:  # not yet (or no longer) the leader of a session of its own
        try:
            os.kill(proc.pid, sig)
        except ProcessLookupError:
            pass


def stop_worker(proc, grace: float = 10) -> None:
    """SIGTERM to the worker's session (the worker then removes its kernel's sandbox), SIGKILL after `grace` s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        _signal_session(proc, sig)
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            pass


def grade_one(course: Path, student: str, assignment: str, sandbox: bool, timeout: int) -> Outcome:
    outcome = Outcome(student, assignment)
    t0 = time.monotonic()
    if stage(course, student, assignment, outcome):
        for wait in DB_RETRY_WAITS:  # the gradebook's server restarting: wait for it, then grade again
            result, err = run_worker(course, "autograde", assignment, student, sandbox, timeout)
            if not gradebook_lost(result) or wait is None or _STOPPING.wait(wait):
                break
        if gradebook_lost(result):
            return gradebook_unreachable(outcome, result, t0)
        if result is None and err == "interrupted":
            outcome.status = "interrupted"
            outcome.notes.append("grading was interrupted before this submission was done: not graded")
            shutil.rmtree(course / "autograded" / student / assignment, ignore_errors=True)
            try:
                (course / "autograded" / student).rmdir()  # only if nothing else was graded for them
            except OSError:
                pass
            outcome.seconds = round(time.monotonic() - t0, 1)
            return outcome
        if result is None:
            outcome.status = "timeout"
            outcome.notes.append(f"grading took longer than {timeout} s and was stopped")
        else:
            read_result(course, result, outcome)
    if not read_scores_retrying(course, outcome):
        return gradebook_unreachable(outcome, None, t0)
    outcome.seconds = round(time.monotonic() - t0, 1)
    return outcome


# A gradebook on a database server (PostgreSQL) can be restarted mid-run; SQLite can be locked.
# Seconds to wait before each new try (None: give up); ~1 min in all.
DB_RETRY_WAITS = (2, 4, 8, 15, 30, None)
DB_LOST = re.compile(r"OperationalError|DisconnectionError|server closed the connection|"
                     r"connection (?:failed|refused|is closed)|database is locked|terminating connection")


def gradebook_lost(result) -> bool:
    """Did this nbgrader job fail because the gradebook could not be reached?"""
    return bool(result) and not result.get("success") and \
        bool(DB_LOST.search(result.get("error", "") + result.get("log", "")))


def gradebook_unreachable(outcome: Outcome, result, t0) -> Outcome:
    """Not graded: the gradebook was unreachable. Recorded as interrupted, so --resume grades it."""
    outcome.status = "interrupted"
    last = [ln for ln in ((result or {}).get("error", "") or "").splitlines() if ln.strip()][-1:]
    outcome.notes.append("the gradebook could not be reached (database down or locked)"
                         + (f": {last[0][:200]}" if last else "") + "; not graded, --resume grades it")
    outcome.seconds = round(time.monotonic() - t0, 1)
    return outcome


def read_scores_retrying(course: Path, outcome: Outcome) -> bool:
    """read_scores, waiting for a restarting database server; False if it stays unreachable."""
    from sqlalchemy.exc import DBAPIError
    for wait in DB_RETRY_WAITS:
        try:
            read_scores(course, outcome)
            return True
        except DBAPIError:
            if wait is None or _STOPPING.wait(wait):
                return False
    return False


def read_result(course: Path, result: dict, outcome: Outcome) -> None:
    text = result.get("log", "") + "\n" + result.get("error", "")
    if not result.get("success") and re.search(r"DeadKernelError|Kernel died|kernel died", text):
        outcome.status = "kernel-died"
        outcome.notes.append("the kernel died while running the notebook (os._exit, a crash or the "
                             "memory limit): nbgrader could not grade it")
    elif re.search(r"CellTimeoutError|Cell execution timed out|TimeoutError", text):
        outcome.status = "timeout"
        outcome.notes.append("a cell ran past the per-cell time limit")
    elif not result.get("success"):
        outcome.status = "error"
        lines = [ln for ln in text.strip().splitlines() if ln.strip()]
        log = save_log(course, outcome, text)
        outcome.notes.append("nbgrader failed: " + (lines[-1][:300] if lines else "no message")
                             + f" (its whole log: {log})")
        return
    nb_path = course / "autograded" / outcome.student / outcome.assignment / f"{outcome.assignment}.ipynb"
    if outcome.status == "ok" and nb_path.is_file():
        nb = nbformat.read(nb_path, as_version=4)
        timed_out = [_gid(c) or f"cell {i + 1}" for i, c in enumerate(nb.cells)
                     if any(o.get("ename") == "CellTimeoutError" for o in c.get("outputs", []))]
        if timed_out:
            outcome.status = "timeout"
            outcome.notes.append(f"a cell ran past the per-cell time limit and was interrupted: "
                                 f"{', '.join(map(str, timed_out))}")
        died = [_gid(c) or f"cell {i + 1}" for i, c in enumerate(nb.cells)
                if any(o.get("ename") == KERNEL_DIED for o in c.get("outputs", []))]
        if died:
            outcome.status = "kernel-died"
            outcome.notes.append(f"the kernel died in {died[0]} (os._exit, a crash or the memory limit): "
                                 "that cell and every cell after it scored 0, earlier cells kept their points")
            return
        check_integrity(nb, outcome)


def save_log(course: Path, outcome: Outcome, text: str) -> str:
    """Keep nbgrader's log of a failed submission in reports/logs/; its course-relative path."""
    path = course / "reports" / "logs" / outcome.student / f"{outcome.assignment}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path.relative_to(course))


def check_integrity(nb, outcome: Outcome) -> None:
    """The tripwire cell must have failed exactly as an honest kernel makes it fail."""
    cells = [c for c in nb.cells if _gid(c) == INTEGRITY_ID]
    if not cells:
        outcome.status = "tampered"
        outcome.notes.append("integrity check cell missing after grading")
        return
    errors = [o for o in cells[0].get("outputs", []) if o.get("output_type") == "error"]
    before = nb.cells[:nb.cells.index(cells[0])]
    if errors and errors[-1].get("ename") == "CellTimeoutError" and any(
            o.get("ename") == "CellTimeoutError" for c in before for o in c.get("outputs", [])):
        return  # the kernel was still busy with an earlier cell: a timeout, reported as such
    if not (errors and errors[0].get("ename") == "IntegrityCheck" and errors[0].get("evalue") == INTEGRITY_OK):
        got = f"{errors[0].get('ename')}: {errors[0].get('evalue')}" if errors else "no error"
        outcome.status = "tampered"
        outcome.notes.append(f"integrity check failed ({got}): the kernel's assert or numpy "
                             "comparisons were altered; scores are not trustworthy")


def read_scores(course: Path, outcome: Outcome) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    from .nbgrader_api import db_url
    with Gradebook(db_url(course)) as gb:
        try:
            nb = gb.find_submission_notebook(outcome.assignment, outcome.assignment, outcome.student)
        except MissingEntry:
            return
        for g in nb.grades:
            outcome.cells[g.name] = [None if g.score is None or g.needs_manual_grade else float(g.score),
                                     float(g.max_score)]
        outcome.score, outcome.max_score = float(nb.score), float(nb.max_score)


def grade_class(course: Path, assignments=None, students=None, jobs=1, sandbox=True, timeout=1800,
                log=print, resume=False, cluster=None) -> list[Outcome]:
    """Grade every (student, assignment) pair; each outcome lands in reports/grading.json as soon
    as it is known, so an interrupted run loses nothing it finished (raises Interrupted).
    `cluster`: a Dask scheduler address or "local:N" (course/cluster.py) instead of local workers."""
    pairs = submissions(course, assignments, students)
    session = None
    if cluster:  # connect (and check the workers) before anything is written
        from .cluster import Session
        session = Session.open(course, cluster, sandbox, log)
    if resume:
        done = finished(course)
        skipped = [p for p in pairs if p in done]
        pairs = [p for p in pairs if p not in done]
        log(f"resuming: {len(skipped)} submission(s) already graded and unchanged, {len(pairs)} to grade")
    with _setup_lock(course):  # graders sharing this course folder set it up one at a time
        ensure_gradebook(course)
        for a in sorted({a for _, a in pairs}):
            ensure_assignment(course, a)
        ensure_students(course, sorted({s for s, _ in pairs}))
    backup_gradebook(course)
    progress = Progress(len(pairs), log)
    report_lock = threading.Lock()
    _STOPPING.clear()

    def record(o):
        with report_lock:
            write_report(course, [o])
        progress.done(f"{o.student:>12} {o.assignment:<26} {o.status:<11} "
                      f"{_fmt(o.score)}/{_fmt(o.max_score)}  ({o.seconds:.1f} s)")
        return o

    def work(pair):
        return record(grade_one(course, pair[0], pair[1], sandbox, timeout))

    if session is not None:
        with session:
            return session.grade(pairs, timeout, record)

    pool = ThreadPoolExecutor(max_workers=jobs)
    futures = [pool.submit(work, p) for p in pairs]
    previous = signal.signal(signal.SIGTERM, _raise_interrupt) \
        if threading.current_thread() is threading.main_thread() else None
    try:
        outcomes = [f.result() for f in futures]
    except KeyboardInterrupt:
        log("interrupted: stopping the running workers...")
        _STOPPING.set()
        pool.shutdown(wait=False, cancel_futures=True)
        with _LIVE_LOCK:
            live = list(_LIVE)
        for proc in live:  # their threads are waiting for them: only signal them here
            _signal_session(proc, signal.SIGTERM)
        end = time.monotonic() + 10
        while any(p.poll() is None for p in live) and time.monotonic() < end:
            time.sleep(0.1)
        for proc in live:
            _signal_session(proc, signal.SIGKILL)
        pool.shutdown(wait=True)
        done = [f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None]
        done = [o for o in done if o.status != "interrupted"]
        raise Interrupted(done, len(pairs) - len(done)) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        pool.shutdown(wait=True)
    return outcomes


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def finished(course: Path) -> set:
    """(student, assignment) pairs reports/grading.json records as graded, whose notebook is unchanged."""
    path = course / "reports" / "grading.json"
    report = json.loads(path.read_text()) if path.is_file() else {}
    out = set()
    for entry in report.values():
        nb = course / "submitted" / entry["student"] / entry["assignment"] / f"{entry['assignment']}.ipynb"
        if entry.get("status") != "interrupted" and entry.get("submitted_sha256") and nb.is_file() \
                and _sha256(nb) == entry["submitted_sha256"]:
            out.add((entry["student"], entry["assignment"]))
    return out


class Progress:
    """One line per graded submission: how many are done, and when the rest should be."""

    def __init__(self, total: int, log):
        self.total, self.log, self.n = total, log, 0
        self.t0, self.lock = time.monotonic(), threading.Lock()

    def done(self, what: str) -> None:
        with self.lock:
            self.n += 1
            elapsed = time.monotonic() - self.t0
            left = elapsed / self.n * (self.total - self.n)
            eta = f", about {left:.0f} s left" if self.n < self.total else f", {elapsed:.0f} s in all"
            self.log(f"  [{self.n:>{len(str(self.total))}}/{self.total}] {what}{eta}")


def backup_gradebook(course: Path) -> None:
    db = course / "gradebook.db"
    if db.is_file():
        (course / "reports").mkdir(exist_ok=True)
        shutil.copy2(db, course / "reports" / "gradebook.before-grading.db")


def write_report(course: Path, outcomes: list[Outcome]) -> Path:
    import fcntl
    path = course / "reports" / "grading.json"
    path.parent.mkdir(exist_ok=True)
    # several graders may share the course folder (e.g. on different students, one PostgreSQL
    # gradebook): each read-modify-write of the report holds the lock, so no outcome is lost
    with open(path.parent / ".grading.json.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = json.loads(path.read_text()) if path.is_file() else {}
        for o in outcomes:
            old[f"{o.student}/{o.assignment}"] = asdict(o)
        tmp = path.with_suffix(f".json.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(dict(sorted(old.items())), indent=1) + "\n")
        os.replace(tmp, path)  # a reader (or a crash) never sees half a report
    return path


def _fmt(x):
    return "-" if x is None else f"{x:g}"


def print_outcomes(outcomes: list[Outcome]) -> None:
    bad = [o for o in outcomes if o.status != "ok" or o.notes or o.review]
    print(f"graded {len(outcomes)} submission(s); {sum(o.status == 'ok' for o in outcomes)} ok"
          + (f"; {sum(bool(o.review) for o in outcomes)} to review for suspicious code"
             if any(o.review for o in outcomes) else ""))
    for o in bad:
        print(f"  {o.student}/{o.assignment}: {o.status.upper()}" + (" (REVIEW)" if o.review else ""))
        for n in o.notes:
            print(f"    - {n}")
        for n in o.review:
            print(f"    - review: {n}")
