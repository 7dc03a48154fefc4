"""Notebooks that grade the same wherever they run: checks read from the code, never run.

- CoCalc restores test cells only, so no test may read a name that only a locked non-test cell defines
  (`course.cocalc.unrestored_dependencies`).
- The first code cell checks the environment: it names the pinned version (requirements.txt) of every
  third-party package the notebook imports. `course build` writes it (the text below) into every
  notebook, so lessons hold no copy of it; the check catches a notebook built otherwise.
"""
from __future__ import annotations

import ast
import json
import re

from .cocalc import unrestored_dependencies
from .common import ROOT

ENVIRONMENT_ID = "environment"
ENVIRONMENT_CELL = '''\
# Checks that this notebook runs on the versions the course was tested with (README: "Install").
import sys
from importlib.metadata import PackageNotFoundError, version

def _check_environment(tested):
    """Raise if a package is missing; warn (do not stop) if a version differs from the tested one."""
    differ = [] if sys.version_info[:2] == (3, 11) else [f"Python {sys.version.split()[0]} (tested: 3.11)"]
    for package, pin in tested.items():
        try:
            found = version(package)
        except PackageNotFoundError:
            raise ModuleNotFoundError(f"{package} is missing: run `pip install {package}=={pin}` "
                                      "(or `make lab` in the course folder), then restart the kernel") from None
        if found.split("+")[0] != pin:  # a local build label (2.13.0+cpu) is the same release
            differ.append(f"{package} {found} (tested: {pin})")
    print("Environment OK." if not differ else
          "This notebook should work, but these versions differ from the tested ones: " + "; ".join(differ))

_check_environment({pins})'''
# Import name -> distribution name, for the packages a notebook may import, in the order the cell lists them.
DISTRIBUTIONS = {"numpy": "numpy", "matplotlib": "matplotlib", "torch": "torch", "threadpoolctl": "threadpoolctl",
                 "tqdm": "tqdm", "transformers": "transformers", "safetensors": "safetensors",
                 "tokenizers": "tokenizers"}


def pins() -> dict:
    """distribution -> version pinned in requirements.txt."""
    found = re.findall(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)", (ROOT / "requirements.txt").read_text(), re.M)
    return {name.lower(): version for name, version in found}


def expected_pins(sources) -> dict:
    """The pins of the third-party packages the code cells `sources` import, in DISTRIBUTIONS order."""
    imported = set()
    for source in sources:
        try:
            tree = ast.parse("\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        imported |= {(a.name if isinstance(n, ast.Import) else n.module or "").split(".")[0]
                     for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    pinned = pins()
    return {d: pinned.get(d, "?") for m, d in DISTRIBUTIONS.items() if m in imported}


def environment_source(sources) -> str:
    """The environment check cell for a notebook whose code cells are `sources` (`course build` adds it)."""
    return ENVIRONMENT_CELL.replace("{pins}", json.dumps(expected_pins(sources)))


def environment_problems(nb) -> list[str]:
    """The first code cell is the environment check, naming the pins of exactly the packages the notebook imports."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code or code[0].metadata.get("nbgrader", {}).get("grade_id") != ENVIRONMENT_ID:
        return [f"the first code cell is not the environment check (grade_id {ENVIRONMENT_ID!r})"]
    cell = code[0]
    problems = [] if cell.metadata["nbgrader"].get("locked") else ["the environment check cell is not locked"]
    head, _, call = cell.source.rstrip().rpartition("\n_check_environment(")
    if head + "\n" != ENVIRONMENT_CELL.rpartition("_check_environment({pins})")[0]:
        return problems + ["the environment check differs from course/robust.py ENVIRONMENT_CELL: copy it from there"]
    try:
        listed = ast.literal_eval(call.rstrip(")"))
    except (ValueError, SyntaxError):
        return problems + [f"the environment check's last line does not pass a dict literal: {call[:60]!r}"]
    expected = expected_pins(c.source for c in code)
    if listed != expected:
        problems.append(f"the environment check lists {listed}, expected the pins of what the notebook imports: "
                        f"{dict(sorted(expected.items()))}")
    return problems


def cocalc_problems(nb) -> list[str]:
    """Test cells that read a name only a locked non-test cell defines (CoCalc would not restore it)."""
    return [f"test {d.test!r} reads `{d.name}`, which only locked cell(s) {', '.join(d.cells)} define: CoCalc "
            f"restores test cells only, so import or define it in the test cell (or an earlier test cell)"
            for d in unrestored_dependencies(nb)]


def robustness(nb) -> list[str]:
    return environment_problems(nb) + cocalc_problems(nb)
