"""`python -m course doctor`: OK on a ready machine, FAIL with the fix when a requirement is broken."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from course import doctor
from course.common import ROOT

from .conftest import cli


def doctor_cli(*args, path=None):
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "course", "doctor", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def lines(out: str, level: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith(level + " ")]


def test_doctor_finds_nothing_to_fix_on_this_machine():
    """On the machine the course is tested on, every requirement is OK and doctor exits 0."""
    r = cli("doctor")
    assert r.returncode == 0, f"doctor exited {r.returncode}:\n{r.stdout}{r.stderr}"
    assert not lines(r.stdout, "FAIL") and not lines(r.stdout, "WARN"), f"not all OK:\n{r.stdout}"
    for what in ("Python 3.11", "torch==2.13.0", "torch CPU build", "bubblewrap", "cgroup",
                 "nbgrader JupyterLab extension", "course folder", "chromium"):
        assert any(what in ln for ln in lines(r.stdout, "OK")), f"no OK line for {what!r}:\n{r.stdout}"


def test_missing_bubblewrap_fails_with_the_fix_but_lab_only_warns(tmp_path):
    """Without bwrap on PATH doctor FAILs and says how to install it; `doctor --lab` (make lab) only warns."""
    path = str(Path(sys.executable).parent)  # the venv's bin: python and jupyter, no bwrap, no chromium
    assert not any((Path(p) / "bwrap").exists() for p in path.split(os.pathsep)), "bwrap is in the venv?"
    r = doctor_cli(path=path)
    assert r.returncode == 1, f"doctor exited {r.returncode}, expected 1:\n{r.stdout}{r.stderr}"
    fail = lines(r.stdout, "FAIL")
    assert len(fail) == 1 and "bubblewrap" in fail[0], f"expected one FAIL, for bubblewrap; got {fail}"
    assert "fix: apt-get install bubblewrap" in r.stdout, f"no fix line:\n{r.stdout}"
    assert any("chromium" in ln for ln in lines(r.stdout, "WARN")), f"missing chromium must WARN:\n{r.stdout}"
    r = doctor_cli("--lab", path=path)
    assert r.returncode == 0, f"doctor --lab exited {r.returncode}, expected 0 (WARN only):\n{r.stdout}"
    assert any("bubblewrap" in ln for ln in lines(r.stdout, "WARN")), f"bubblewrap must WARN with --lab:\n{r.stdout}"


def test_changed_pin_fails_with_the_pip_command(tmp_path):
    """A package whose installed version differs from requirements.txt FAILs, naming the pip command."""
    req = tmp_path / "requirements.txt"
    text = (ROOT / "requirements.txt").read_text()
    assert "numpy==" in text
    req.write_text(re.sub(r"numpy==\S+", "numpy==1.0.0", text))
    results = doctor.check_pins(req)
    bad = [r for r in results if r[0] != "OK"]
    assert [r[1] for r in bad] == ["numpy==1.0.0"], f"expected only numpy to fail, got {bad}"
    level, _, found, fix = bad[0]
    assert level == "FAIL" and "is installed" in found, f"got {bad[0]}"
    assert "pip install numpy==1.0.0" in fix, f"fix should be the pip command, got {fix!r}"
    assert len(results) == len(doctor.pins(ROOT / "requirements.txt")), "every pin is checked"


def test_make_lab_runs_doctor_before_jupyterlab():
    """`make lab` checks the environment (doctor --lab) before it starts JupyterLab."""
    recipe = (ROOT / "Makefile").read_text().split("\nlab:", 1)[1].split("\n\n", 1)[0]
    steps = [ln.strip() for ln in recipe.splitlines()[1:]]
    assert len(steps) == 2 and "course doctor --lab" in steps[0] and "jupyter lab" in steps[1], \
        f"lab recipe is {steps}"
