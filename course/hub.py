"""`python -m course hub`: the class on a real JupyterHub on this machine.

JupyterHub (pinned in requirements.txt) with configurable-http-proxy (pinned in package.json,
installed with `npm ci`), PAM logins for real Unix accounts (an instructor and N students, made
on request, passwords generated and printed), LocalProcessSpawner, nbgrader's exchange with the
permissions nbgrader documents (submission folders closed to other students: PrivateSubmit), a
copy of the course folder as the instructor's course directory (`~/course`, with the gradebook;
home and course in group root for the sandboxed grader, nothing for others), a world-readable
Python for the users' servers, and nbgrader's lab extensions per role:
students get Assignments and Validate, the instructor Formgrader, Course List and Create
Assignment. Loopback only, free ports. Ctrl-C or SIGTERM stops the hub, the proxy and every
single-user server (and checks that no process of theirs is left).

The accounts stay when the hub stops (their work with them: a restart picks it up);
`python -m course hub --remove-accounts` deletes the accounts this command made, homes included.
"""
from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .common import ROOT, CourseError

HELP = "run the class on a real JupyterHub: Unix accounts, nbgrader exchange, per-role extensions"

COURSE_ID = "transformer-internals"
MARKER = "transformer-internals course hub account"    # the GECOS field of every account we make
VENV_BIN = Path(sys.executable).parent                  # jupyterhub-singleuser, nbgrader, python
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
DEFAULT_DIR = Path("/srv/transformer-internals-hub")
# What the instructor's course directory is made of (copied from the course folder).
COURSE_FILES = ("nbgrader_config.py", "course", "source", "release")
START_S = 120          # hub + proxy up; a cold start on a busy 2-core machine takes ~5-15 s
STOP_S = 60

# nbgrader's JupyterLab plugins and its server extensions, per role.
LAB_PLUGINS = {
    "student": {"assignment-list", "validate-assignment", "menu"},
    "instructor": {"formgrader", "course-list", "create-assignment", "menu"},
}
ALL_LAB_PLUGINS = {"assignment-list", "validate-assignment", "menu", "formgrader", "course-list",
                   "create-assignment"}
SERVER_EXTENSIONS = {
    "student": {"assignment_list", "validate_assignment"},
    "instructor": {"formgrader", "course_list"},
}
ALL_SERVER_EXTENSIONS = {"assignment_list", "validate_assignment", "formgrader", "course_list"}


@dataclass
class Account:
    name: str
    role: str                 # "instructor" or "student"
    password: str = field(repr=False)

    @property
    def home(self) -> Path:
        return Path(pwd.getpwnam(self.name).pw_dir)

    @property
    def uid(self) -> int:
        return pwd.getpwnam(self.name).pw_uid


# --------------------------------------------------------------------------- accounts

def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def made_by_us(name: str) -> bool:
    return account_exists(name) and pwd.getpwnam(name).pw_gecos == MARKER


def new_password() -> str:
    return secrets.token_urlsafe(12)


def _run(cmd: list[str], input: str | None = None, env: dict | None = None) -> None:
    done = subprocess.run(cmd, input=input, text=True, capture_output=True, env=env)
    if done.returncode:
        raise CourseError(f"{' '.join(cmd[:2])} failed: {(done.stderr or done.stdout).strip()}")


def ensure_account(name: str, role: str) -> Account:
    """Make the Unix account (home 0700) if missing, or reuse one we made; a fresh password."""
    if account_exists(name) and not made_by_us(name):
        raise CourseError(f"account {name!r} exists and was not made by `course hub`: "
                          "choose other names with --prefix")
    if not account_exists(name):
        _run(["useradd", "--create-home", "--shell", "/bin/bash", "--comment", MARKER, name])
    account = Account(name, role, new_password())
    _run(["chpasswd"], input=f"{name}:{account.password}\n")
    os.chmod(account.home, 0o700)
    return account


def processes_of(uids: set[int]) -> list[tuple[int, str]]:
    """(pid, command line) of every process owned by one of `uids`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            uid = proc.stat().st_uid
            if uid in uids:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append((int(proc.name), cmd.strip()))
        except OSError:
            continue
    return found


def kill_processes_of(uids: set[int], timeout: float = 10) -> list[tuple[int, str]]:
    """SIGTERM, then SIGKILL, every process of `uids`; returns those that had to be ended."""
    found = processes_of(uids)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid, _ in processes_of(uids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while processes_of(uids) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not processes_of(uids):
            break
    return found


def remove_account(name: str) -> None:
    """Delete an account we made, its home and processes (an account we did not make: refused)."""
    if not account_exists(name):
        return
    if not made_by_us(name):
        raise CourseError(f"account {name!r} was not made by `course hub`; not removing it")
    kill_processes_of({pwd.getpwnam(name).pw_uid})
    _run(["userdel", "--remove", name])
    with contextlib.suppress(KeyError):   # Debian's userdel removes the user's own group too
        grp.getgrnam(name)
        _run(["groupdel", name])


def our_accounts() -> list[str]:
    return sorted(p.pw_name for p in pwd.getpwall() if p.pw_gecos == MARKER)


def run_as(account: Account, cmd: list[str], layout: "Layout | None" = None, cwd: str | Path | None = None,
           env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `cmd` as the Unix user (runuser), with that user's HOME; output captured.

    With the hub's `layout`, the environment is the one of a terminal in the user's JupyterLab:
    the users' Python first on PATH and their role's Jupyter/nbgrader config.
    """
    home = pwd.getpwnam(account.name).pw_dir
    full_env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "USER": account.name,
                "LOGNAME": account.name, "LANG": "C.UTF-8"}
    if layout is not None:
        full_env["PATH"] = f"{user_env(layout)}:{full_env['PATH']}"
        full_env["JUPYTER_CONFIG_PATH"] = str(layout.role_config(account.role))
        if layout.python_base.exists():
            full_env["LD_LIBRARY_PATH"] = str(layout.python_base / "lib")
    full_env.update(env or {})
    return subprocess.run([shutil.which("runuser") or "/usr/sbin/runuser", "-u", account.name, "--", *cmd],
                          cwd=cwd or home, env=full_env, capture_output=True, text=True, timeout=timeout)


# --------------------------------------------------------------------------- the exchange

def _private_submit_class():
    from nbgrader.exchange.default.submit import ExchangeSubmit

    class PrivateSubmit(ExchangeSubmit):
        """nbgrader's submit, with the submission's folder closed to other students.

        Stock nbgrader leaves the submission folder 0777 and its files world-readable, relying
        on the inbound folder (2733) being unlistable and on a random part in the folder's name.
        The inbound folder is setgid with the instructor's group, so the submission folder
        belongs to that group: 0770 keeps it open to the student (owner) and the instructor
        (group) only, whatever its files' modes.
        """

        def copy_files(self):
            super().copy_files()
            os.chmod(os.path.join(self.inbound_path, self.assignment_filename), 0o770)

    return PrivateSubmit


def __getattr__(name):          # nbgrader imports course.hub.PrivateSubmit only when it submits
    if name == "PrivateSubmit":
        return _private_submit_class()
    raise AttributeError(name)


def lock_repository(root: Path = ROOT) -> list[str]:
    """Students' servers run from this folder's .venv; nothing else of it may be readable.

    Every entry but .venv, course/ (the exchange's PrivateSubmit) and node_modules loses its
    permissions for others: source/ and lessons/ hold the solutions and hidden tests. (The
    folder itself stays listable: Python cannot import course/ from a folder it cannot list.)
    Returns what was changed.
    """
    changed = []
    for entry in root.iterdir():
        if entry.name in (".venv", "course", "node_modules") or entry.is_symlink():
            continue
        if entry.stat().st_mode & 0o007:
            os.chmod(entry, entry.stat().st_mode & ~0o007)
            changed.append(entry.name)
    return changed


# --------------------------------------------------------------------------- the hub's files

@dataclass
class Layout:
    """Where a hub keeps its state: `dir` (root-owned), the exchange, the per-role config."""
    dir: Path

    @property
    def exchange(self) -> Path:
        return self.dir / "exchange"

    def role_config(self, role: str) -> Path:
        return self.dir / "config" / role

    @property
    def python(self) -> Path:
        """The Python every user's server and kernels run (see user_env)."""
        return self.dir / "python"

    @property
    def python_base(self) -> Path:
        return self.dir / "python-base"

    @property
    def bin(self) -> Path:
        return self.python / "bin"

    @property
    def hub_config(self) -> Path:
        return self.dir / "jupyterhub_config.py"

    @property
    def log(self) -> Path:
        return self.dir / "jupyterhub.log"


def course_root(instructor: Account | str) -> Path:
    name = instructor.name if isinstance(instructor, Account) else instructor
    return Path(pwd.getpwnam(name).pw_dir) / "course"


def readable_by_all(path: Path) -> bool:
    """Whether a user other than the owner can reach and read `path` (every folder above: o+x)."""
    path = path.resolve()
    if not os.stat(path).st_mode & 0o004:
        return False
    return all(os.stat(p).st_mode & 0o001 for p in path.parents)


def user_env(layout: Layout) -> Path:
    """A Python environment every user can run: the course's packages, a reachable interpreter.

    The course's .venv is used as it is when its base interpreter is readable by everyone. When
    it is not (a pyenv Python under root's 0700 home), the interpreter and its standard library
    (not its site-packages) are copied once to `<dir>/python-base` and a venv made from that copy
    sees the course's site-packages through a .pth file, with `share/` and `etc/` linked so that
    JupyterLab, its extensions and kernels are found. (Debian's own python3.11 is 3.11.2, on
    which nbconvert's HTML export fails: the same interpreter as the course's is needed.)
    """
    base = Path(os.path.realpath(sys.executable))
    stdlib = Path(os.__file__).parent
    if readable_by_all(base) and readable_by_all(stdlib) and readable_by_all(VENV_BIN):
        return VENV_BIN
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    venv, env, copy = Path(sys.prefix), layout.python, layout.python_base
    site = venv / "lib" / version / "site-packages"
    marker = env / "lib" / version / "site-packages" / "course-venv.pth"
    if marker.exists() and marker.read_text().strip() == str(site):
        return env / "bin"
    shutil.rmtree(env, ignore_errors=True)
    shutil.rmtree(copy, ignore_errors=True)
    prefix = Path(sys.base_prefix)
    (copy / "bin").mkdir(parents=True)
    (copy / "lib").mkdir()
    shutil.copy2(base, copy / "bin" / version)
    for lib in (prefix / "lib").glob("libpython*"):
        shutil.copy2(lib, copy / "lib" / lib.name, follow_symlinks=False)
    shutil.copytree(prefix / "lib" / version, copy / "lib" / version, symlinks=True,
                    ignore=shutil.ignore_patterns("site-packages", "test", "idlelib", "tkinter", "lib2to3"))
    (copy / "lib" / version / "site-packages").mkdir(exist_ok=True)
    _run([str(copy / "bin" / version), "-m", "venv", "--without-pip", str(env)], env=user_ld(layout))
    marker.write_text(f"{site}\n")
    for name in ("share", "etc"):
        if (venv / name).exists():
            (env / name).symlink_to(venv / name)
    for script in VENV_BIN.iterdir():     # the course's commands (nbgrader, alembic, ...)
        wrapper = env / "bin" / script.name
        if wrapper.exists() or script.is_symlink() or not script.is_file():
            continue
        with open(script, "rb") as f:
            if f.read(2 + len(str(VENV_BIN))) != b"#!" + str(VENV_BIN).encode():
                continue
        wrapper.write_text(f'#!/bin/sh\nexport LD_LIBRARY_PATH="{copy}/lib"\n'
                           f'exec "{env}/bin/python" "{script}" "$@"\n')
        os.chmod(wrapper, 0o755)
    for top in (copy, env):
        for path in [top, *top.rglob("*")]:
            if not path.is_symlink():
                mode = path.stat().st_mode & 0o777
                os.chmod(path, mode | (0o755 if path.is_dir() or mode & 0o100 else 0o444))
    return env / "bin"


def user_ld(layout: Layout) -> dict:
    """LD_LIBRARY_PATH for the copied interpreter (its RUNPATH points into root's home)."""
    lib = layout.python_base / "lib"
    return {**os.environ, "LD_LIBRARY_PATH": str(lib)} if lib.exists() else dict(os.environ)


def check_exchange(exchange: Path) -> None:
    """nbgrader's documented setup: the exchange root is writable by everyone (ugo+rwx)."""
    mode = exchange.stat().st_mode & 0o777
    if mode & 0o777 != 0o777:
        raise CourseError(f"the exchange {exchange} has mode {mode:o}; nbgrader needs everyone to "
                          f"write there: chmod ugo+rwx {exchange}")
    for parent in exchange.parents:
        if parent.stat().st_mode & 0o001 == 0:
            raise CourseError(f"students cannot reach the exchange: {parent} is not searchable by "
                              f"others (chmod o+x {parent})")


def prepare_exchange(layout: Layout) -> None:
    layout.dir.mkdir(parents=True, exist_ok=True)
    if layout.dir.stat().st_mode & 0o001 == 0:
        os.chmod(layout.dir, 0o711)     # students pass through to the exchange, list nothing
    if not layout.exchange.exists():
        layout.exchange.mkdir()
        os.chmod(layout.exchange, 0o777)   # as nbgrader's docs say: chmod ugo+rw (and x)
    check_exchange(layout.exchange)


def grant_grader(instructor: Account, root: Path) -> None:
    """The instructor owns the course; group root (the grader) may read it; students nothing.

    `python -m course grade` runs as root, but its sandboxed kernels have no capabilities: they
    reach their folder by the group bits. Folders are setgid so new files stay in group root.
    """
    user = pwd.getpwnam(instructor.name)
    os.chown(user.pw_dir, user.pw_uid, 0)
    os.chmod(user.pw_dir, 0o750)
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        os.chown(path, user.pw_uid, 0)
        os.chmod(path, 0o2770 if path.is_dir() else (path.stat().st_mode & 0o770) | 0o640)


def prepare_course(instructor: Account, source: Path = ROOT) -> Path:
    """Copy the course folder into the instructor's home once (never over their work)."""
    root = course_root(instructor)
    if not (root / "nbgrader_config.py").exists():
        root.mkdir(parents=True, exist_ok=True)
        for name in COURSE_FILES:
            src = source / name
            if src.is_dir():
                shutil.copytree(src, root / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
            elif src.exists():
                shutil.copy2(src, root / name)
    grant_grader(instructor, root)
    return root


def write_role_config(layout: Layout, role: str, course: Path | None) -> Path:
    """JUPYTER_CONFIG_PATH folder of one role: nbgrader config, server and lab extensions."""
    d = layout.role_config(role)
    (d / "labconfig").mkdir(parents=True, exist_ok=True)
    lines = ["import sys",
             f"sys.path.insert(0, {str(ROOT)!r})  # course.hub.PrivateSubmit",
             "c = get_config()  # noqa: F821",
             f"c.CourseDirectory.course_id = {COURSE_ID!r}",
             f"c.Exchange.root = {str(layout.exchange)!r}",
             "# a submission readable by its student and the instructor's group only, not by everyone",
             "c.ExchangeFactory.submit = 'course.hub.PrivateSubmit'"]
    if course is not None:
        lines.append(f"c.CourseDirectory.root = {str(course)!r}")
    (d / "nbgrader_config.py").write_text("\n".join(lines) + "\n")
    server = {f"nbgrader.server_extensions.{e}": e in SERVER_EXTENSIONS[role]
              for e in sorted(ALL_SERVER_EXTENSIONS)}
    (d / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": server}}, indent=1))
    disabled = {f"@jupyter/nbgrader:{p}": True for p in sorted(ALL_LAB_PLUGINS - LAB_PLUGINS[role])}
    (d / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}, indent=1))
    for path in [d, *d.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return d


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


HUB_CONFIG = '''\
# Written by `python -m course hub`: JupyterHub for the course on one machine.
import os
c = get_config()  # noqa: F821

c.JupyterHub.ip = "127.0.0.1"                 # loopback only
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {pid_file!r}
c.JupyterHub.db_url = "sqlite:///{dir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{dir}/jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True            # stopping the hub stops every single-user server
c.JupyterHub.cleanup_proxy = True

# Real Unix accounts, logged in with their passwords through PAM.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {users!r}
c.Authenticator.admin_users = {admins!r}

# Each user's JupyterLab runs as that user, from the course's environment.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {environment!r}

ROLES = {roles!r}
ROLE_CONFIG = {role_config!r}


def pre_spawn_hook(spawner):
    """nbgrader's config and extensions of the user's role (students / instructor)."""
    role = ROLES[spawner.user.name]
    spawner.environment["JUPYTER_CONFIG_PATH"] = ROLE_CONFIG[role]


c.Spawner.pre_spawn_hook = pre_spawn_hook
'''


def write_hub_config(layout: Layout, accounts: list[Account], port: int, bin: Path) -> Path:
    roles = {a.name: a.role for a in accounts}
    text = HUB_CONFIG.format(
        port=port, hub_port=free_port(), proxy_api_port=free_port(), proxy=str(PROXY),
        pid_file=str(layout.dir / "proxy.pid"), dir=layout.dir,
        users=sorted(roles), admins=sorted(n for n, r in roles.items() if r == "instructor"),
        singleuser=str(bin / "jupyterhub-singleuser"),
        environment={"PATH": f"{bin}:/usr/local/bin:/usr/bin:/bin",
                     **({"LD_LIBRARY_PATH": str(layout.python_base / "lib")} if layout.python_base.exists() else {})},
        roles=roles,
        role_config={r: str(layout.role_config(r)) for r in set(roles.values())})
    layout.hub_config.write_text(text)
    os.chmod(layout.hub_config, 0o600)
    return layout.hub_config


# --------------------------------------------------------------------------- the hub

def check_machine() -> None:
    """One line with the fix for each thing the hub cannot run without."""
    if sys.platform != "linux":
        raise CourseError("course hub runs on Linux (Unix accounts, PAM)")
    if os.geteuid() != 0:
        raise CourseError("course hub makes Unix accounts and starts servers as them: run it as root "
                          "(sudo .venv/bin/python -m course hub)")
    if not shutil.which("node") and not shutil.which("nodejs"):
        raise CourseError("Node.js is missing (the hub's proxy runs on it): apt-get install -y nodejs npm")
    if not os.access(PROXY, os.X_OK):
        raise CourseError(f"configurable-http-proxy is not installed ({PROXY} missing): "
                          f"run `npm ci` in {ROOT} (make hub does it)")
    if not (VENV_BIN / "jupyterhub-singleuser").exists():
        raise CourseError("jupyterhub is not installed: .venv/bin/pip install -r requirements.txt")
    if not shutil.which("runuser") or not shutil.which("useradd"):
        raise CourseError("useradd/runuser missing: apt-get install -y passwd util-linux")


class Hub:
    """A running JupyterHub (a context manager: always stopped, nothing left running)."""

    def __init__(self, layout: Layout, accounts: list[Account], port: int = 0):
        self.layout, self.accounts = layout, accounts
        if port and not port_free(port):
            raise CourseError(f"port {port} is in use: choose another with --port, or leave it out "
                              "(a free port is picked)")
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.leftovers: list[tuple[int, str]] = []

    @property
    def uids(self) -> set[int]:
        return {a.uid for a in self.accounts}

    def __enter__(self) -> "Hub":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        config = write_hub_config(self.layout, self.accounts, self.port, user_env(self.layout))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "NBGRADER"))}
        env["PATH"] = f"{VENV_BIN}:{PROXY.parent}:{env.get('PATH', '/usr/bin:/bin')}"
        with open(self.layout.log, "ab") as log:
            self.proc = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)],
                                         cwd=self.layout.dir, env=env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         preexec_fn=_stop_with_parent)
        try:
            self._wait_up()
        except BaseException:
            self.stop()
            raise

    def _wait_up(self) -> None:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CourseError(f"JupyterHub exited with {self.proc.returncode}: "
                                  f"{self.log_tail(1)} (log: {self.layout.log})")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise CourseError(f"JupyterHub not up after {START_S} s (log: {self.layout.log})")

    def log_tail(self, n: int = 30) -> str:
        lines = self.layout.log.read_text(errors="replace").splitlines() if self.layout.log.exists() else []
        return "\n".join(lines[-n:])

    def proxy_pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int((self.layout.dir / "proxy.pid").read_text().strip())
        return None

    def stop(self) -> None:
        """SIGTERM the hub (it stops the single-user servers and the proxy), then make sure."""
        if self.proc is None:
            return
        proxy = self.proxy_pid()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)     # anything of the hub's session left
        if proxy and _alive(proxy):
            os.kill(proxy, signal.SIGTERM)
        self.leftovers = kill_processes_of(self.uids)


def _stop_with_parent() -> None:
    """In the hub's process: SIGTERM when `course hub` dies, even by SIGKILL (no orphan hub)."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):
        if (Path(f"/proc/{pid}/stat").read_text().split()[2]) == "Z":
            return False
    return True


def setup(layout: Layout, instructor: str, students: list[str], course: Path = ROOT) -> list[Account]:
    """Accounts, exchange, the instructor's course directory and each role's config."""
    check_machine()
    prepare_exchange(layout)
    for name in [instructor, *students]:
        if name == "root" or not name.replace("-", "").replace("_", "").isalnum():
            raise CourseError(f"{name!r} is not a usable account name (letters, digits, - and _)")
    lock_repository()
    user_env(layout)
    accounts = [ensure_account(instructor, "instructor")] + [ensure_account(s, "student") for s in students]
    root = prepare_course(accounts[0], course)
    write_role_config(layout, "instructor", root)
    write_role_config(layout, "student", None)
    return accounts


# --------------------------------------------------------------------------- command line

def add_arguments(parser):
    parser.add_argument("--students", type=int, default=2, metavar="N", help="student accounts (default 2)")
    parser.add_argument("--prefix", default="ti-", help="account names: PREFIXinstructor, PREFIXstudent1.. (default ti-)")
    parser.add_argument("--dir", default=str(DEFAULT_DIR),
                        help=f"the hub's state: database, exchange, config (default {DEFAULT_DIR})")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--remove-accounts", action="store_true",
                        help="delete the accounts `course hub` made whose names start with --prefix "
                             "(homes and work included) and exit")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run(args) -> int:
    if args.remove_accounts:
        check_machine()
        names = [n for n in our_accounts() if n.startswith(args.prefix)]
        for name in names:
            remove_account(name)
        print(f"removed {len(names)} accounts: {', '.join(names) or '(none)'}")
        return 0
    if args.students < 1:
        raise CourseError("--students must be at least 1")
    if args.port and not port_free(args.port):
        raise CourseError(f"port {args.port} is in use: choose another with --port, or leave it out "
                          "(a free port is picked)")
    layout = Layout(Path(args.dir).resolve())
    students = [f"{args.prefix}student{i}" for i in range(1, args.students + 1)]
    accounts = setup(layout, f"{args.prefix}instructor", students)
    signal.signal(signal.SIGTERM, _interrupt)
    hub = Hub(layout, accounts, args.port)
    try:
        hub.start()
        print(f"JupyterHub for {COURSE_ID}: {hub.url}/hub/login  (log: {layout.log})")
        print(f"exchange: {layout.exchange}   instructor's course directory: {course_root(accounts[0])}")
        for a in accounts:
            print(f"  {a.role:<10} {a.name:<20} password {a.password}")
        print("Ctrl-C stops the hub, its proxy and every user's server; the accounts and their work stay "
              "(python -m course hub --remove-accounts deletes them).", flush=True)
        while hub.proc.poll() is None:
            time.sleep(0.5)
        raise CourseError(f"JupyterHub stopped by itself ({hub.proc.returncode}): {hub.log_tail(1)}")
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        hub.stop()
        left = processes_of(hub.uids)
        print(f"stopped: hub, proxy and single-user servers ({len(hub.leftovers)} stray processes ended, "
              f"{len(left)} left)", flush=True)
    return 0
