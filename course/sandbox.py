"""The grading kernel's sandbox (bubblewrap).

The grade worker tells nbgrader to start kernels from the kernelspec "course-sandbox", whose
argv is `python -m course.sandbox CONNECTION_FILE ...`. That launcher runs ipykernel inside
bubblewrap: no network, its own pid namespace, an unprivileged uid, only the Python
environment (read-only) and the submission's own autograded folder (its working directory)
visible; /tmp and HOME are empty tmpfs. The gradebook, source/, other students and the real home
are not in its world. The kernel talks to nbgrader over IPC sockets in a private folder.
Memory (address space), open files and CPU time are limited; the process count is limited with
a cgroup when one can be made.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .common import CourseError

KERNEL_NAME = "course-sandbox"
MEMORY_LIMIT = 6 * 1024 ** 3     # bytes of address space (torch maps a lot it never touches)
CPU_SECONDS = 1800               # hard CPU-time limit of the kernel
MAX_FILES = 1024
MAX_PIDS = 256


def bwrap() -> str | None:
    return shutil.which("bwrap")


def check_available() -> None:
    if not bwrap():
        raise CourseError("bubblewrap (bwrap) is not installed: install it (apt-get install bubblewrap) "
                          "or pass --no-sandbox to grade trusted submissions only")


def kernel_config(course: Path):
    """Config for one worker: a private runtime folder, IPC transport, the sandbox kernelspec."""
    from traitlets.config import Config

    check_available()
    run_dir = Path(tempfile.mkdtemp(prefix="course-kernel-"))
    os.chmod(run_dir, 0o711)
    spec_dir = run_dir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "course.sandbox", "{connection_file}"],
        "display_name": "Python 3 (course sandbox)", "language": "python",
        "interrupt_mode": "message",
        "env": {"PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    }))
    sockets = run_dir / "sockets"
    sockets.mkdir()
    os.chmod(sockets, 0o777)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(sockets)
    os.environ["JUPYTER_PATH"] = str(run_dir)
    c = Config()
    c.Execute.kernel_name = KERNEL_NAME
    c.KernelManager.transport = "ipc"
    c.KernelManager.ip = str(sockets / "kernel")
    c.KernelSpecManager.kernel_dirs = [str(run_dir / "kernels")]
    c.KernelSpecManager.ensure_native_kernel = False
    return c


def _pids_cgroup() -> Path | None:
    """A fresh cgroup (v1 pids controller) limiting the kernel's process count, if we may make one."""
    base = Path("/sys/fs/cgroup/pids")
    try:
        cg = Path(tempfile.mkdtemp(prefix="course-kernel-", dir=base))
        (cg / "pids.max").write_text(str(MAX_PIDS))
        return cg
    except OSError:
        return None


def command(connection_file: str, extra: list[str], cwd: str) -> list[str]:
    conn = Path(connection_file).resolve()
    info = json.loads(conn.read_text())
    if info.get("transport") != "ipc":
        raise SystemExit("course.sandbox: the kernel must use the ipc transport (see kernel_config)")
    sockets = Path(info["ip"]).parent  # the private socket folder, never the whole of /tmp
    os.chmod(conn, 0o644)
    # the kernel (an unprivileged uid) writes the submission's folder: outputs, plots, files
    os.chmod(cwd, 0o777)
    for p in Path(cwd).rglob("*"):
        os.chmod(p, 0o777 if p.is_dir() else 0o666)
    prefixes = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    cmd = [bwrap(), "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
           "--uid", "65534", "--gid", "65534", "--hostname", "sandbox",
           "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
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
    cmd += ["--bind", str(sockets), str(sockets), "--ro-bind", str(conn), str(conn),
            "--bind", cwd, cwd, "--chdir", cwd,
            "--clearenv", "--setenv", "HOME", "/tmp", "--setenv", "PATH", f"{venv}/bin:/usr/bin:/bin",
            "--setenv", "NBGRADER_EXECUTION", "autograde", "--setenv", "MPLBACKEND", "Agg",
            "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib", "--setenv", "PYTHONWARNINGS", "ignore",
            "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "OMP_NUM_THREADS", "2",
            "--setenv", "LANG", "C.UTF-8", "--"]
    cmd += [os.path.join(venv, "bin", "python"), "-m", "ipykernel_launcher", "-f", str(conn), *extra]
    return cmd


def main(argv=None) -> int:
    """Kernel launcher: limits, cgroup, then exec bubblewrap (nbgrader passes the connection file)."""
    import resource

    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m course.sandbox CONNECTION_FILE [ipykernel args]", file=sys.stderr)
        return 2
    cmd = command(argv[0], argv[1:], os.getcwd())
    cg = _pids_cgroup()
    if cg is not None:
        (cg / "cgroup.procs").write_text(str(os.getpid()))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_NOFILE, (MAX_FILES, MAX_FILES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.execv(cmd[0], cmd)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
