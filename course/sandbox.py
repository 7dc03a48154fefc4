"""The grading kernel's sandbox (bubblewrap): what it guarantees, and what it does not.

How it runs. For each submission the grade worker (course/worker.py) enters `kernel_sandbox()`:
a private run folder (kernelspec, IPC socket folder) and, where the machine allows, a pids and a
memory cgroup. nbgrader then starts the kernelspec "course-sandbox", whose argv is
`python -m course.sandbox CONNECTION_FILE ...`: that launcher joins the cgroups, sets rlimits and
runs ipykernel inside bubblewrap as its child. When the submission is graded (or the worker is
stopped with SIGTERM, as grade does at its per-submission time limit) the worker kills whatever
is left in the cgroups and removes them and the run folder. grader_tests/test_hostile.py attacks
each point below that a submission can reach.

Guaranteed
- Files. The kernel sees read-only /usr and Python environment, its connection file (read-only)
  and two writable, size-limited tmpfs (TMPFS_SIZE): /tmp, which is also HOME, and its working
  folder, mounted at the path of the submission's autograded folder and holding read-only binds
  of the submission's other files (not the notebook being graded: nbgrader has put the hidden
  tests back into it). The course folder, the gradebook, source/, release/, other students'
  submissions, the grader's HOME and the repository are not in its world, so it can neither
  read them nor leave code there for later kernels. Nothing it writes reaches the autograded
  folder: nbgrader writes the graded notebook itself, and the symlinks or huge files a kernel
  makes vanish with the sandbox. The one host folder it can write is its IPC socket folder:
  when the worker runs as root the run folder is a tmpfs of RUN_SIZE seen only by the worker
  and its children; otherwise a folder in /tmp, each file capped by RLIMIT_FSIZE.
- Network. Its own namespace with only loopback: outgoing connections fail.
- Processes. Its own pid namespace and session, no capabilities: it cannot see or signal the
  grader. `--die-with-parent` ends the sandbox with the launcher, and a pid namespace ends with
  its first process: no daemon outlives the kernel.
- Limits. Address space per process (MEMORY_LIMIT: a big allocation raises MemoryError); RAM
  plus tmpfs of the whole sandbox (RAM_LIMIT, memory cgroup: beyond it the OOM killer kills its
  biggest process, often the kernel: "kernel-died"); processes and threads (MAX_PIDS, pids
  cgroup); CPU seconds, open files, file size; no core dumps.
- Output. Bytes a kernel writes to its own stdout/stderr (past IPython's capture) are relayed
  to the worker's stderr up to RELAY_BYTES and the rest discarded. Output through IPython
  (print, display) is held by the worker (about 5 bytes of memory per byte printed), whose
  address space is capped (WORKER_MEMORY_LIMIT): a submission printing gigabytes ends its own
  grading with an error instead of exhausting the machine.

Not guaranteed
- The cgroup limits need writable cgroup v1 `pids` and `memory` hierarchies (root on cgroup v1,
  as on the CI machines; the sandbox's cgroups nest in the grader's own). Without them
  `python -m course grade` warns, and the process count and the sandbox's total memory are not
  limited (RLIMIT_NPROC is no substitute: it ignores root).
- The kernel's uid is 65534 inside a user namespace that maps it to the grader's own uid (root
  when the grader runs as root). It holds no capabilities and sees only the mounts above, but
  per-user kernel quotas (e.g. inotify instances) are shared with the grader's user.
- Inside the kernel everything is the student's: a submission can change what the test cells
  do. The integrity tripwire (course/build.py, checked in course/grade.py) flags generic
  tampering (patched numpy.allclose or builtins.exec, AST or input transformers); targeted
  tricks, such as rebinding a test's global `np` or returning an object that equals anything,
  are not detected: tests should import what they use and convert the student's results
  (np.asarray(x, dtype=float), float(x)).
- Hidden tests are visible to student code while they run (a function a test calls can read
  its caller's source); whatever it prints lands in the graded notebook.
- Output below WORKER_MEMORY_LIMIT is not capped: it is stored in the graded notebook, which
  grade reads back (nbgrader's LimitOutput only cuts the number of lines).
- Wall time is bounded by nbgrader's per-cell timeout and grade's per-submission timeout; the
  CPU share is not (a kernel can keep its cores busy until then).
- bubblewrap is namespaces, not a virtual machine: a Linux kernel exploit escapes it.
"""
from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .common import CourseError

KERNEL_NAME = "course-sandbox"
# One compute thread per kernel: a submission's score must not depend on how many were graded at
# once (float sums in torch/BLAS change with the thread count), and --jobs N then uses N cores.
KERNEL_THREADS = "1"
MEMORY_LIMIT = 6 * 1024 ** 3     # bytes of address space per process (torch maps a lot it never touches)
RAM_LIMIT = 4 * 1024 ** 3        # bytes of RAM + tmpfs of the whole sandbox (memory cgroup)
TMPFS_SIZE = 512 * 1024 ** 2     # bytes in each of /tmp (HOME) and the working folder
RUN_SIZE = 4 * 1024 ** 2         # bytes in the private run folder (kernelspec, sockets)
FILE_SIZE = 1024 ** 3            # bytes per file written (RLIMIT_FSIZE)
CPU_SECONDS = 1800               # hard CPU-time limit of the kernel
MAX_FILES = 1024
MAX_PIDS = 256                   # processes + threads in the sandbox (pids cgroup)
RELAY_BYTES = 64 * 1024          # raw kernel stdout/stderr passed on to the worker's stderr
WORKER_MEMORY_LIMIT = 4 * 1024 ** 3  # address space of a sandboxed grade worker (it holds the output)
CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_LIMITS = {"pids": {"pids.max": MAX_PIDS},
                 "memory": {"memory.limit_in_bytes": RAM_LIMIT, "memory.memsw.limit_in_bytes": RAM_LIMIT}}
CGROUP_ENV = "COURSE_SANDBOX_CGROUP"  # tells the launcher the name of the worker's cgroups
GRADER_PID_ENV = "COURSE_GRADER_PID"  # set by grade for its workers: their sandboxes are named after it


def bwrap() -> str | None:
    return shutil.which("bwrap")


def check_available() -> None:
    """bubblewrap must be there; a warning on stderr if the cgroup limits cannot be had."""
    if not bwrap():
        raise CourseError("bubblewrap (bwrap) is not installed: install it (apt-get install bubblewrap) "
                          "or pass --unsafe to grade trusted submissions only")
    made = _make_cgroups(f"course-kernel-probe-{os.getpid()}")
    for cg in made:
        _remove_cgroup(cg)
    missing = sorted(set(CGROUP_LIMITS) - {cg.relative_to(CGROUP_ROOT).parts[0] for cg in made})
    if missing:
        print(f"warning: no {' or '.join(missing)} cgroup can be made here (cgroup v1 and root are needed): "
              "the kernels' process count or total memory will not be limited", file=sys.stderr)


@contextmanager
def kernel_sandbox(course: Path):
    """For one worker: yields the nbgrader config (IPC transport, the sandbox kernelspec); on exit
    kills what is left of the sandbox and removes its cgroups and run folder."""
    from traitlets.config import Config

    if not bwrap():
        check_available()  # raises
    # named after the grading process, so concurrent graders can tell theirs apart
    grader = os.environ.get(GRADER_PID_ENV) or os.getppid()
    run_dir = Path(tempfile.mkdtemp(prefix=f"course-kernel-{grader}-"))
    mounted, cgroups = False, []
    try:
        mounted = _private_tmpfs(run_dir, RUN_SIZE)
        cgroups = _make_cgroups(run_dir.name)
        os.chmod(run_dir, 0o711)
        spec_dir = run_dir / "kernels" / KERNEL_NAME
        spec_dir.mkdir(parents=True)
        (spec_dir / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "course.sandbox", "{connection_file}"],
            "display_name": "Python 3 (course sandbox)", "language": "python",
            "interrupt_mode": "message",
            "env": {"PYTHONPATH": str(Path(__file__).resolve().parent.parent), CGROUP_ENV: run_dir.name},
        }))
        sockets = run_dir / "sockets"
        sockets.mkdir()
        os.environ["JUPYTER_RUNTIME_DIR"] = str(sockets)
        os.environ["JUPYTER_PATH"] = str(run_dir)
        c = Config()
        c.Execute.kernel_name = KERNEL_NAME
        c.KernelManager.transport = "ipc"
        c.KernelManager.ip = str(sockets / "kernel")
        c.KernelSpecManager.kernel_dirs = [str(run_dir / "kernels")]
        c.KernelSpecManager.ensure_native_kernel = False
        yield c
    finally:
        for cg in cgroups:
            _remove_cgroup(cg)
        if mounted:
            _libc().umount2(str(run_dir).encode(), 2)  # MNT_DETACH
        shutil.rmtree(run_dir, ignore_errors=True)


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _private_tmpfs(path: Path, size: int) -> bool:
    """Mount a small tmpfs on `path`, seen only by this process and its children (a private mount
    namespace): the kernel can then fill at most `size` bytes of the host. Needs root and a
    single-threaded process; False (nothing changed) when that is not possible."""
    if threading.active_count() > 1 or os.geteuid() != 0:
        return False
    libc = _libc()
    if libc.unshare(0x00020000) != 0:  # CLONE_NEWNS
        return False
    if libc.mount(b"none", b"/", None, 0x4000 | 0x80000, None) != 0:  # MS_REC | MS_SLAVE
        return False
    opts = f"size={size},mode=0711".encode()
    return libc.mount(b"tmpfs", str(path).encode(), b"tmpfs", 0x2 | 0x4 | 0x8, opts) == 0  # nosuid,nodev,noexec


def cgroup_parent(controller: str) -> Path | None:
    """This process's own cgroup v1 folder for `controller` (the sandbox's cgroups nest in it)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return CGROUP_ROOT / controller / path.lstrip("/")
    return None


def _make_cgroups(name: str) -> list[Path]:
    """A fresh cgroup per v1 controller in CGROUP_LIMITS, nested in ours, limits written; those
    we may not make are skipped."""
    made = []
    for controller, limits in CGROUP_LIMITS.items():
        parent = cgroup_parent(controller)
        if parent is None:
            continue
        cg = parent / name
        try:
            cg.mkdir()
        except OSError:
            continue
        try:
            for i, (knob, value) in enumerate(limits.items()):
                try:
                    (cg / knob).write_text(str(value))
                except OSError:
                    if i == 0:
                        raise  # the main limit is required; the others (e.g. swap accounting) are optional
            made.append(cg)
        except OSError:
            cg.rmdir()
    return made


def _remove_cgroup(cg: Path) -> None:
    """Kill every process still in the cgroup, then remove it."""
    for _ in range(100):
        try:
            pids = (cg / "cgroup.procs").read_text().split()
        except OSError:
            return
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.05)
    for _ in range(100):  # the kernel needs a moment to release a cgroup whose last process just died
        try:
            cg.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.05)


def _join_cgroups(name: str | None) -> None:
    for controller in CGROUP_LIMITS if name else ():
        parent = cgroup_parent(controller)
        if parent is not None and (parent / name / "cgroup.procs").exists():
            (parent / name / "cgroup.procs").write_text(str(os.getpid()))


def command(connection_file: str, extra: list[str], cwd: str) -> list[str]:
    conn = Path(connection_file).resolve()
    info = json.loads(conn.read_text())
    if info.get("transport") != "ipc":
        raise SystemExit("course.sandbox: the kernel must use the ipc transport (see kernel_sandbox)")
    sockets = Path(info["ip"]).parent  # the private socket folder, never the whole of /tmp
    prefixes = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    size = ["--size", str(TMPFS_SIZE)]
    cmd = [bwrap(), "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
           "--uid", "65534", "--gid", "65534", "--hostname", "sandbox",
           "--proc", "/proc", "--dev", "/dev", *size, "--tmpfs", "/tmp",
           "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc/alternatives", "/etc/alternatives",
           "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
           "--ro-bind-try", "/etc/fonts", "/etc/fonts", "--ro-bind-try", "/etc/localtime", "/etc/localtime"]
    for link in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(link):
            cmd += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            cmd += ["--ro-bind", link, link]
    for p in prefixes:
        cmd += ["--ro-bind", p, p]
    venv = os.path.realpath(sys.prefix)
    cmd += ["--bind", str(sockets), str(sockets), "--ro-bind", str(conn), str(conn)]
    # the working folder: a fresh tmpfs at the autograded folder's path, with the submission's
    # other files bound read-only (never symlinks: bwrap would resolve them on the host)
    cmd += [*size, "--tmpfs", cwd]
    for entry in sorted(Path(cwd).iterdir()):
        if entry.is_symlink() or entry.suffix == ".ipynb" or not (entry.is_file() or entry.is_dir()):
            continue
        cmd += ["--ro-bind", str(entry), str(entry)]
    cmd += ["--chdir", cwd,
            "--clearenv", "--setenv", "HOME", "/tmp", "--setenv", "PATH", f"{venv}/bin:/usr/bin:/bin",
            "--setenv", "NBGRADER_EXECUTION", "autograde", "--setenv", "MPLBACKEND", "Agg",
            "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib", "--setenv", "PYTHONWARNINGS", "ignore",
            "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "OMP_NUM_THREADS", KERNEL_THREADS,
            "--setenv", "OPENBLAS_NUM_THREADS", KERNEL_THREADS, "--setenv", "MKL_NUM_THREADS", KERNEL_THREADS,
            "--setenv", "LANG", "C.UTF-8", "--"]
    # -P and ignore_cwd: the working folder is not on sys.path, so a `numpy.py` handed in beside the
    # notebook is never imported in place of the real module
    cmd += [os.path.join(venv, "bin", "python"), "-P", "-m", "ipykernel_launcher", "-f", str(conn),
            "--IPKernelApp.ignore_cwd=True", *extra]
    return cmd


def main(argv=None) -> int:
    """Kernel launcher: cgroups, limits, then bubblewrap, relaying a little of its raw output."""
    import resource

    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m course.sandbox CONNECTION_FILE [ipykernel args]", file=sys.stderr)
        return 2
    parent = os.getppid()
    _libc().prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the worker (and the sandbox with us)
    if os.getppid() != parent:
        return 1
    cmd = command(argv[0], argv[1:], os.getcwd())
    _join_cgroups(os.environ.get(CGROUP_ENV))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_NOFILE, (MAX_FILES, MAX_FILES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE, FILE_SIZE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # bubblewrap is our child: when this launcher is killed (kernel shutdown) or its worker dies,
    # --die-with-parent takes the sandbox down with it
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    left = RELAY_BYTES
    while chunk := os.read(proc.stdout.fileno(), 1 << 16):
        if left > 0:
            sys.stderr.buffer.write(chunk[:left])
            left -= len(chunk)
            if left <= 0:
                sys.stderr.buffer.write(b"\n[course.sandbox: the rest of the kernel's raw output is discarded]\n")
            sys.stderr.buffer.flush()
    return proc.wait()


if __name__ == "__main__":
    sys.exit(main())
