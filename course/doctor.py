"""`python -m course doctor`: is this machine ready for the course? One line per requirement.

OK, WARN (works, with less: the fix is optional) or FAIL (the fix is needed), each with the
fix. Exit status 1 if anything FAILs. `--lab` checks what JupyterLab needs for students:
grading's requirements (bubblewrap, cgroups) and the browser test's (chromium) only warn there.
"""
from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .common import ROOT

HELP = "check the environment (Python, pinned packages, sandbox, JupyterLab extension, course folder)"
REQUIREMENTS = ROOT / "requirements.txt"
PYTHON = (3, 11)
INSTALL = ".venv/bin/python -m pip install -r requirements.txt"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def add_arguments(parser):
    parser.add_argument("--course", default=str(ROOT), help="course folder to check (default: this repository)")
    parser.add_argument("--lab", action="store_true",
                        help="check for JupyterLab only (what `make lab` runs): grading and browser-test "
                             "requirements WARN instead of FAIL")


def run(args) -> int:
    course = Path(args.course).resolve()
    results = checks(course, lab=args.lab)
    for level, what, detail, fix in results:
        print(f"{level:<4} {what}: {detail}" + (f"\n       fix: {fix}" if fix and level != "OK" else ""))
    fails = sum(r[0] == "FAIL" for r in results)
    warns = sum(r[0] == "WARN" for r in results)
    print(f"{len(results)} checks: {fails} FAIL, {warns} WARN"
          + ("" if not fails else " - fix the FAIL lines above and run `python -m course doctor` again"))
    return 1 if fails else 0


def checks(course: Path, lab: bool = False) -> list[tuple[str, str, str, str]]:
    """(level, requirement, what was found, fix) for every requirement, in order."""
    grading = "WARN" if lab else "FAIL"
    out = [check_python()]
    out += check_pins(REQUIREMENTS)
    out.append(check_torch())
    out.append(check_bwrap(grading))
    out.append(check_cgroups())
    out.append(check_lab_extension())
    out.append(check_course(course))
    out.append(check_chromium())
    return out


def check_python():
    got = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] == PYTHON:
        return ("OK", "Python 3.11", got, "")
    return ("FAIL", "Python 3.11", f"this is Python {got} ({sys.executable})",
            "install Python 3.11, then `rm -rf .venv && make PYTHON=python3.11 lab` (or use environment.yml)")


def pins(path: Path) -> list[tuple[str, str]]:
    """(distribution, version) for every `name==version` line of a requirements file."""
    out = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*==\s*([^\s;]+)", line)
        if m:
            out.append((m.group(1), m.group(3)))
    return out


def check_pins(path: Path) -> list:
    if not path.is_file():
        return [("FAIL", "pinned packages", f"{path} not found", "run from the course repository")]
    out = []
    for name, want in pins(path):
        try:
            got = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out.append(("FAIL", f"{name}=={want}", "not installed", INSTALL))
            continue
        if got.split("+")[0] != want.split("+")[0]:
            out.append(("FAIL", f"{name}=={want}", f"version {got} is installed",
                        f".venv/bin/python -m pip install {name}=={want}  (or: {INSTALL})"))
        else:
            out.append(("OK", f"{name}=={want}", got, ""))
    return out


def check_torch():
    fix = ("pip install torch==<pinned> --index-url https://download.pytorch.org/whl/cpu  "
           "(the CPU build; the course needs no GPU)")
    try:
        import torch
        x = torch.ones(2, 3) @ torch.ones(3, 2)
    except Exception as exc:  # a broken install: say what happened
        return ("FAIL", "torch CPU build imports", f"{type(exc).__name__}: {exc}", fix)
    if torch.version.cuda is not None or float(x.sum()) != 12.0:
        return ("FAIL", "torch CPU build imports", f"{torch.__version__} is a CUDA build "
                f"(cuda {torch.version.cuda}): a large download students do not need", fix)
    return ("OK", "torch CPU build imports", torch.__version__, "")


def check_bwrap(level: str = "FAIL"):
    what = "bubblewrap (sandbox for grading)"
    exe = shutil.which("bwrap")
    if not exe:
        return (level, what, "bwrap not found on PATH",
                "apt-get install bubblewrap  (or grade only trusted notebooks with `grade --unsafe`)")
    cmd = [exe, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
           "--uid", "65534", "--gid", "65534", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
           sys.executable, "-c", "pass"]  # this Python starts in a sandbox like the grading kernel's
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return (level, what, f"{exe} did not run: {exc}", "reinstall bubblewrap")
    if r.returncode != 0:
        msg = (r.stderr.strip().splitlines() or ["no message"])[-1]
        return (level, what, f"{exe} is installed but cannot make a sandbox: {msg}",
                "allow unprivileged user namespaces (sysctl -w kernel.unprivileged_userns_clone=1; "
                "in a container: run it with --privileged or a seccomp profile that allows unshare)")
    return ("OK", what, f"{exe} runs a sandbox", "")


def check_cgroups():
    what = "cgroup limits (sandbox's process and memory caps)"
    from .sandbox import CGROUP_LIMITS, CGROUP_ROOT, _make_cgroups, _remove_cgroup
    made = _make_cgroups(f"course-doctor-probe-{os.getpid()}")
    for cg in made:
        _remove_cgroup(cg)
    have = sorted({cg.relative_to(CGROUP_ROOT).parts[0] for cg in made})
    missing = sorted(set(CGROUP_LIMITS) - set(have))
    if missing:
        return ("WARN", what, f"no writable {' or '.join(missing)} cgroup (v1) here: grading works, but a "
                "kernel's process count and total memory are not capped",
                "grade as root on a machine with cgroup v1 (as CI does)")
    return ("OK", what, ", ".join(have), "")


def _jupyter(*args) -> str:
    exe = Path(sys.executable).with_name("jupyter")
    cmd = [str(exe) if exe.exists() else "jupyter", *args]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"could not run {' '.join(cmd)}: {exc}"
    return ANSI.sub("", r.stdout + r.stderr)


def check_lab_extension():
    what = "nbgrader JupyterLab extension (Validate button, Formgrader)"
    text = _jupyter("labextension", "list")
    line = next((ln.strip() for ln in text.splitlines() if "@jupyter/nbgrader" in ln), None)
    fix = "jupyter labextension enable @jupyter/nbgrader  (it is installed with nbgrader: " + INSTALL + ")"
    if line is None:
        return ("FAIL", what, "not installed (not in `jupyter labextension list`)", fix)
    if "enabled" not in line or "OK" not in line:
        return ("FAIL", what, line, fix)
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager
    server = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
    if not server.get("nbgrader.server_extensions.validate_assignment"):
        return ("FAIL", what, f"{line}, but the server extension validate_assignment is not enabled",
                "jupyter server extension enable --sys-prefix nbgrader.server_extensions.validate_assignment")
    return ("OK", what, line, "")


def check_course(course: Path):
    what = "course folder"
    if not (course / "nbgrader_config.py").is_file():
        return ("FAIL", what, f"{course} has no nbgrader_config.py", "pass --course with the course folder")
    try:
        from .nbgrader_api import load_config
        load_config(course)
    except Exception as exc:
        return ("FAIL", what, f"nbgrader_config.py does not load: {type(exc).__name__}: {exc}",
                "fix the error in nbgrader_config.py")
    src = sorted(p.name for p in (course / "source").iterdir() if p.is_dir()) if (course / "source").is_dir() else []
    if not src:
        return ("FAIL", what, "no notebooks in source/", "python -m course build")
    missing = [f"source/{p}/{p}.ipynb" for p in src if not (course / "source" / p / f"{p}.ipynb").is_file()]
    missing += [f"release/{p}/{p}.ipynb" for p in src if not (course / "release" / p / f"{p}.ipynb").is_file()]
    if missing:
        return ("FAIL", what, f"not built: {', '.join(missing)}", "python -m course build")
    return ("OK", what, f"{course.name}: nbgrader_config.py, source/ and release/ for {len(src)} part(s)", "")


def check_chromium():
    what = "chromium (only for the browser test)"
    exe = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
    if not exe:
        return ("WARN", what, "not found: the JupyterLab browser test cannot run", "apt-get install chromium")
    return ("OK", what, exe, "")
