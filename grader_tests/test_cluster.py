"""Grading beyond one machine: a PostgreSQL gradebook and a Dask cluster, against the real things.

A real PostgreSQL server (Debian's postgresql package; started here as an unprivileged user on a
free loopback port in a temp folder) and a real `dask scheduler` with `dask worker` processes,
each in a temp folder of its own (no shared course folder). Every cluster run is compared, cell
for cell, with a serial one-machine run on SQLite.
"""
from __future__ import annotations

import glob
import json
import os
import re
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from course.common import ROOT
from course.grade import grade_class

from .conftest import SOLVED, TINY, interruptible, release_nb, submit, with_cell

# real PostgreSQL and Dask processes, minutes of grading: `make integration` (CI runs it after `make test`)
pytestmark = pytest.mark.integration

pytest.importorskip("distributed", reason="pip install -r requirements.txt (dask distributed)")
psycopg = pytest.importorskip("psycopg", reason="pip install -r requirements.txt (psycopg)")

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
WRONG = "def add(a, b):\n    return 3\n"
# a tiny class with the statuses that matter: honest scores, a dead kernel, a tampered kernel,
# an unreadable file and a missing notebook (grader_tests/test_hostile.py has the whole suite)
CLASS = {"a_solved": SOLVED, "b_wrong": WRONG, "c_error": "def add(a, b):\n    return a +\n",
         "d_exit": "import os\nos._exit(1)\n",
         "e_allclose": "import numpy\nnumpy.allclose = lambda *a, **k: True\n" + WRONG}


# ---------------------------------------------------------------- servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throwaway PostgreSQL server: initdb in a temp folder, loopback only, trust auth."""

    def __init__(self):
        assert PG_BIN, "PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)"
        self.bin = Path(PG_BIN[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="course-pg-"))
        self.data, self.port = self.dir / "data", free_port()
        self.user = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: an unprivileged user owns the folder
            self.user = "nobody"
            os.chmod(self.dir, 0o755)
            shutil.chown(self.dir, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def _run(self, tool, *args, check=True):
        cmd = [str(self.bin / tool), *args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120, cwd=self.dir)

    def start(self):
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, db="postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"

    def new_database(self, name: str) -> str:
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres():
    pg = Postgres()
    yield pg
    pg.close()


class DaskCluster:
    """`dask scheduler` and `dask worker`s as separate processes, each in a folder of its own."""

    def __init__(self, workers=2):
        self.dir = Path(tempfile.mkdtemp(prefix="course-dask-"))
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.env = dict(os.environ, PYTHONPATH=str(ROOT))  # the course's code, not its folder
        self.env.pop("COURSE_DB_URL", None)
        self.scheduler = self._spawn("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                                   "--no-dashboard"])
        self.workers = [self.add_worker() for _ in range(workers)]
        self.wait_for(workers)

    def _spawn(self, name, args):
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.dir))
        log = open(folder / "log", "wb")
        return subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=folder, env=self.env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def add_worker(self):
        return self._spawn("worker", ["worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                      "--host", "127.0.0.1", "--death-timeout", "30"])

    def wait_for(self, n):
        from distributed import Client
        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(n, timeout=120)

    def kill_scheduler(self):
        os.kill(self.scheduler.pid, signal.SIGKILL)
        self.scheduler.wait()

    def close(self):
        for p in [self.scheduler, *self.workers]:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def dask_cluster():
    c = DaskCluster()
    yield c
    c.close()


# ---------------------------------------------------------------- courses and gradebooks

def make_class(course: Path, students: dict) -> None:
    for student, code in students.items():
        submit(course, student, with_cell(release_nb(course), "add", code))


def gradebook(url: str) -> dict:
    """{(student, assignment): {grade_id: (auto, manual, max)}} and the number of submissions."""
    from nbgrader.api import Gradebook
    out = {}
    with Gradebook(url) as gb:
        for a in gb.assignments:
            for sub in a.submissions:
                for nb in sub.notebooks:
                    out[(sub.student.id, a.name, nb.name)] = {
                        g.name: (g.auto_score, g.manual_score, g.max_score) for g in nb.grades}
        n = sum(len(a.submissions) for a in gb.assignments)
    return out, n


def statuses(course: Path) -> dict:
    path = course / "reports" / "grading.json"
    report = json.loads(path.read_text()) if path.is_file() else {}
    return {k: (v["status"], v["cells"]) for k, v in report.items()}


def grade_cli(course: Path, *args, db=None, timeout=900, wait=True):
    env = dict(os.environ, COURSE_DEBUG="1")  # an unexpected exception shows its traceback here
    env.pop("COURSE_DB_URL", None)
    if db:
        env["COURSE_DB_URL"] = db
    cmd = [sys.executable, "-m", "course", "grade", "--course", str(course), *args]
    if not wait:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=interruptible)
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The tiny class graded serially on one machine, SQLite: (course, its gradebook, statuses)."""
    from .conftest import FIXTURES
    from course.build import generate_release, normalise_release, write_source
    course = tmp_path_factory.mktemp("reference")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    write_source(TINY, course, FIXTURES / "tiny.py")
    normalise_release(generate_release(course, TINY))
    make_class(course, CLASS)
    submit(course, "f_broken", '{"cells": [ not json')
    (course / "submitted" / "g_missing" / TINY).mkdir(parents=True)
    pristine = tmp_path_factory.mktemp("pristine") / "course"
    shutil.copytree(course, pristine)
    (pristine / "gradebook.db").unlink()  # a new gradebook gets the assignment on first use
    grade_class(course, [TINY], jobs=1, log=lambda *a: None)
    return pristine, gradebook(f"sqlite:///{course / 'gradebook.db'}"), statuses(course)


@pytest.fixture
def fresh(reference, tmp_path):
    """A copy of the reference class, never graded."""
    course = tmp_path / "course"
    shutil.copytree(reference[0], course)
    return course


def test_reference_class_has_every_status(reference):
    """The serial reference itself: the statuses this file compares runs on are all there."""
    got = {k.split("/")[0]: v[0] for k, v in reference[2].items()}
    assert got == {"a_solved": "ok", "b_wrong": "ok", "c_error": "ok", "d_exit": "kernel-died",
                   "e_allclose": "tampered", "f_broken": "broken", "g_missing": "missing"}, got


# ---------------------------------------------------------------- PostgreSQL gradebook

def test_concurrent_graders_on_one_postgres_gradebook_lose_nothing(postgres, fresh, reference, monkeypatch):
    """Three `course grade` runs at once on one new PostgreSQL gradebook (different students):
    no lock error, no lost row, the serial SQLite scores cell for cell; report, feedback and
    export then work on it."""
    db = postgres.new_database("concurrent")
    groups = (["a_solved", "d_exit"], ["b_wrong", "e_allclose", "g_missing"], ["c_error", "f_broken"])
    procs = [grade_cli(fresh, *[x for s in g for x in ("--student", s)], db=db, wait=False) for g in groups]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, (p.returncode, err[-2000:])
        assert not re.search(r"database is locked|deadlock|LockNotAvailable|Traceback", err), err[-3000:]
    assert gradebook(db) == reference[1], (gradebook(db), reference[1])
    assert statuses(fresh) == reference[2]
    assert not (fresh / "gradebook.db").exists(), "the PostgreSQL run must not write a SQLite gradebook"

    from course import demo, report
    monkeypatch.setenv("COURSE_DB_URL", db)
    demo.feedback(fresh, [TINY])
    assert (fresh / "feedback" / "a_solved" / TINY / f"{TINY}.html").is_file()
    rows = demo.export_csv(fresh).read_text().splitlines()
    assert len(rows) == 1 + 7 and any(r.startswith(f"{TINY},") and ",a_solved," in r for r in rows), rows
    paths = report.write(fresh, [TINY], log=lambda *a: None)
    assert all(p.is_file() for p in paths)


# ---------------------------------------------------------------- Dask cluster

def test_cluster_run_equals_one_machine_cell_for_cell(postgres, dask_cluster, fresh, reference):
    """`course grade --cluster` on a real scheduler and two workers (no shared folder), PostgreSQL
    gradebook: the same grades cell for cell and the same statuses as the serial SQLite run."""
    db = postgres.new_database("cluster")
    r = grade_cli(fresh, "--cluster", dask_cluster.address, db=db)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "2 worker(s)" in r.stdout and "graded 7 submission(s)" in r.stdout, r.stdout
    assert gradebook(db) == reference[1], (gradebook(db), reference[1])
    assert statuses(fresh) == reference[2]
    for s in ("a_solved", "d_exit", "e_allclose"):  # the graded notebooks came back from the workers
        assert (fresh / "autograded" / s / TINY / f"{TINY}.ipynb").is_file(), s
    # the workers graded in folders of their own: nothing of the course in theirs
    assert not list(dask_cluster.dir.rglob("submitted")) and not list(dask_cluster.dir.rglob("autograded"))


def test_cluster_refuses_sqlite_and_unreachable_scheduler_in_one_line(fresh):
    """A remote cluster with a SQLite gradebook, or no scheduler at the address: one line, exit 2,
    nothing graded or written."""
    r = grade_cli(fresh, "--cluster", "tcp://127.0.0.1:9")
    assert r.returncode == 2 and "postgresql" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = grade_cli(fresh, "--cluster", f"tcp://127.0.0.1:{free_port()}", db="postgresql+psycopg://x@127.0.0.1:9/x")
    assert r.returncode == 2 and "cannot reach the Dask scheduler" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (fresh / "reports").exists() and not (fresh / "autograded").exists()


def test_cluster_worker_without_bubblewrap_refuses(fresh, tmp_path):
    """A worker that has no bubblewrap refuses: one line naming the worker and the cause, nothing
    graded (here local:1, whose worker inherits a PATH without bwrap)."""
    bare = tmp_path / "bin"
    bare.mkdir()
    env = dict(os.environ, PATH=str(bare), HOME=str(tmp_path))
    env.pop("COURSE_DB_URL", None)
    r = subprocess.run([sys.executable, "-m", "course", "grade", "--course", str(fresh), "--cluster", "local:1"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "workers that cannot grade" in lines[0] and "bubblewrap" in lines[0], r.stderr
    assert not (fresh / "autograded").exists() and not (fresh / "reports").exists()


def _grading_processes():
    """{pid: (parent pid, command line)} of the course's grading worker processes."""
    out = {}
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            if proc.name.isdigit() and b"course.worker" in cmd and b"autograde" in cmd:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
                out[int(proc.name)] = (ppid, [c.decode() for c in cmd])
        except (OSError, ValueError, IndexError):
            pass
    return out


def test_killed_worker_submission_is_graded_once_and_named(postgres, dask_cluster, fresh, reference):
    """SIGKILL to the Dask worker in the middle of a submission: Dask runs it again on the other
    worker, the gradebook holds it once with the serial scores, the report names the retry."""
    db = postgres.new_database("killed")
    slow = with_cell(release_nb(fresh), "add", "import time\ntime.sleep(8)\n" + SOLVED)
    submit(fresh, "a_solved", slow)
    proc = grade_cli(fresh, "--cluster", dask_cluster.address, "--student", "a_solved", "--student", "b_wrong",
                     db=db, wait=False)
    victim, end = None, time.monotonic() + 300
    while victim is None and time.monotonic() < end:
        for pid, (ppid, cmd) in _grading_processes().items():
            if "a_solved" in cmd and ppid in {w.pid for w in dask_cluster.workers}:
                victim = ppid
        time.sleep(0.2)
    assert victim, "the slow submission never started on a worker"
    time.sleep(2)  # well into the submission
    os.kill(victim, signal.SIGKILL)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    report = json.loads((fresh / "reports" / "grading.json").read_text())
    notes = report[f"a_solved/{TINY}"]["notes"]
    assert any(n.startswith("retried:") for n in notes), notes
    assert report[f"a_solved/{TINY}"]["status"] == "ok"
    book, n = gradebook(db)
    assert n == 2, f"{n} submissions in the gradebook, expected 2 (a_solved graded exactly once)"
    for key in [("a_solved", TINY, TINY), ("b_wrong", TINY, TINY)]:
        assert book[key] == reference[1][0][key], (key, book[key], reference[1][0][key])
    time.sleep(1)
    assert not [p for p, (pp, c) in _grading_processes().items() if "a_solved" in c], \
        "the killed worker's grading process outlived it"


def test_lost_scheduler_stops_cleanly_and_resume_finishes(postgres, dask_cluster, fresh, reference):
    """The scheduler killed mid-run: one line, exit 2, every recorded outcome whole; a new
    scheduler and --resume finish the class with the serial scores."""
    db = postgres.new_database("lost")
    slow = with_cell(release_nb(fresh), "add", "import time\ntime.sleep(6)\n" + WRONG)
    submit(fresh, "b_wrong", slow)
    proc = grade_cli(fresh, "--cluster", dask_cluster.address, db=db, wait=False)
    report, end = fresh / "reports" / "grading.json", time.monotonic() + 300
    while time.monotonic() < end and not (report.is_file() and len(json.loads(report.read_text())) >= 3):
        time.sleep(0.2)
    dask_cluster.kill_scheduler()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2, (proc.returncode, out[-2000:], err[-2000:])
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "lost the Dask scheduler" in lines[0] and "--resume" in lines[0], err
    done = statuses(fresh)
    assert 3 <= len(done) < 7, done
    for key, value in done.items():  # nothing half-written: what is recorded is what the reference says
        assert value == reference[2][key], (key, value, reference[2][key])
    for c in dask_cluster.workers:
        c.kill()
    again = DaskCluster(workers=1)
    try:
        r = grade_cli(fresh, "--cluster", again.address, "--resume", db=db)
    finally:
        again.close()
    assert r.returncode == 0, r.stderr[-3000:]
    assert statuses(fresh) == reference[2]
    assert gradebook(db) == reference[1]


def test_postgres_restart_mid_run_loses_and_duplicates_nothing(postgres, dask_cluster, fresh, reference):
    """PostgreSQL stopped while a worker grades a submission, and started again only after that
    grading process has ended (so it certainly met the outage): the run waits for the server
    and finishes; every score is there once, as in the serial run."""
    db = postgres.new_database("restart")
    proc = grade_cli(fresh, "--cluster", dask_cluster.address, db=db, wait=False)
    victim, end = None, time.monotonic() + 300
    while victim is None and time.monotonic() < end:
        victim = next((pid for pid, (_, c) in _grading_processes().items() if "a_solved" in c), None)
        time.sleep(0.1)
    assert victim, "a_solved never started grading"
    postgres.stop("fast")
    try:
        while Path(f"/proc/{victim}").exists() and time.monotonic() < end:
            time.sleep(0.2)
    finally:
        postgres.start()
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    got = statuses(fresh)
    if any(s == "interrupted" for s, _ in got.values()):  # it may stop cleanly instead: --resume finishes
        r = grade_cli(fresh, "--cluster", dask_cluster.address, "--resume", db=db)
        assert r.returncode == 0, r.stderr[-3000:]
    assert statuses(fresh) == reference[2]
    assert gradebook(db) == reference[1]


def test_ctrl_c_on_a_cluster_run_stops_its_workers_and_resume_finishes(postgres, dask_cluster, fresh, reference):
    """SIGINT to `course grade --cluster` mid-run: one line naming --resume, the grading processes
    on the workers stopped, recorded outcomes whole; --resume finishes with the serial scores."""
    db = postgres.new_database("ctrlc")
    slow = with_cell(release_nb(fresh), "add", "import time\ntime.sleep(30)\n" + WRONG)
    submit(fresh, "b_wrong", slow)
    proc = grade_cli(fresh, "--cluster", dask_cluster.address, db=db, wait=False)
    end = time.monotonic() + 300
    while time.monotonic() < end and not any("b_wrong" in c for _, c in _grading_processes().values()):
        time.sleep(0.2)
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, (proc.returncode, out[-2000:], err[-2000:])
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: interrupted") and "--resume" in lines[0], err
    end = time.monotonic() + 30  # SIGTERM: the grading process removes its sandbox, then ends
    while time.monotonic() < end and [p for p, (_, c) in _grading_processes().items() if "b_wrong" in c]:
        time.sleep(0.2)
    assert not [p for p, (_, c) in _grading_processes().items() if "b_wrong" in c], \
        "Ctrl-C left the submission grading on its worker"
    for key, value in statuses(fresh).items():
        assert value == reference[2][key], (key, value, reference[2][key])
    submit(fresh, "b_wrong", with_cell(release_nb(fresh), "add", WRONG))
    r = grade_cli(fresh, "--cluster", dask_cluster.address, "--resume", db=db)
    assert r.returncode == 0, r.stderr[-3000:]
    assert statuses(fresh) == reference[2]
    assert gradebook(db) == reference[1]
