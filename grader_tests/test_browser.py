"""Students' view: every notebook opens, runs and shows its plots in JupyterLab in a real browser.

One JupyterLab server on a temporary copy of source/ (the solved notebooks), one on a copy of
release/ (what students get), one headless chromium; each part is opened, Run All, saved, and
judged from what the page rendered and what JupyterLab saved. Helpers: grader_tests/browser.py.

Each student notebook is photographed at its first exercise after Run All (README's "What
students see"). Screenshots go to a temporary folder; to refresh the committed ones in
docs/screenshots/:

    COURSE_SCREENSHOTS=1 .venv/bin/python -m pytest grader_tests/test_browser.py
"""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from course.common import ROOT, parts

from . import browser as br

PARTS = parts()
SOURCE = ROOT / "source"
RELEASE = ROOT / "release"
SCREENSHOTS = ROOT / "docs" / "screenshots"
INTEGRITY_ID = "integrity_check"


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def label(i: int, cell) -> str:
    return f"cell {i} ({nbgrader(cell).get('grade_id') or 'unnamed'})"


def errors(cell) -> list[str]:
    return [f"{o.ename}: {o.evalue}"[:200] for o in cell.get("outputs", []) if o.output_type == "error"]


def is_exercise(cell) -> bool:
    """Solution cells, graded test cells and the unlocked "try it" cells may fail in the release."""
    meta = nbgrader(cell)
    return bool(meta.get("solution") or meta.get("grade") or not meta.get("locked"))


def given_cell_problems(nb) -> list[str]:
    """Errors of the locked cells students cannot change (setup, given code, integrity check).

    Such a cell may only stop at an unsolved exercise (NotImplementedError from a stub it
    calls, e.g. part 6's `experiment` training the student's model); anything else is a bug
    in the notebook that no student can fix.
    """
    return [f"{label(i, c)} is locked given code but raised {e}"
            for i, c in enumerate(nb.cells) if c.cell_type == "code" and not is_exercise(c)
            for e in errors(c) if not e.startswith("NotImplementedError")]


def not_run(nb) -> list[str]:
    return [label(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.execution_count is None]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Debian chromium driven by Playwright (never `playwright install`)."""
    why = br.missing_requirements()
    if why:
        pytest.fail(why, pytrace=False)
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    try:
        chromium = br.launch_browser(pw, tmp_path_factory.mktemp("chromium"))
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        pw.stop()


def serve(kind_dir: Path, tmp: Path, tag_all: bool):
    """JupyterLab on a copy of kind_dir's notebooks; after it stops, no kernel may be left."""
    root = tmp / "notebooks"
    br.copy_notebooks(kind_dir, root, PARTS)
    if tag_all:
        for nb in root.glob("*/*.ipynb"):
            br.tag_raises_exception(nb)
    lab = br.Lab(root, tmp / "lab")
    with lab:
        yield lab
    left = lab.leftover_kernels()
    assert not left, f"kernels left running after the server stopped: {left}"


@pytest.fixture(scope="module")
def source_lab(tmp_path_factory):
    yield from serve(SOURCE, tmp_path_factory.mktemp("lab-source"), tag_all=False)


@pytest.fixture(scope="module")
def release_lab(tmp_path_factory):
    yield from serve(RELEASE, tmp_path_factory.mktemp("lab-release"), tag_all=True)


def open_and_run(browser, lab, kind_dir: Path, part: str, **screenshot):
    nb = kind_dir / part / f"{part}.ipynb"
    assert nb.is_file(), f"{nb.relative_to(ROOT)} is missing: run `python -m course build --part {part}`"
    run = br.run_notebook(browser, lab, f"{part}/{part}.ipynb", **screenshot)
    print(f"{kind_dir.name}/{part}: {run.seconds:.1f} s ({run.timing()}), {run.figures} figures")
    return run


def common_problems(run) -> list[str]:
    problems = [f"JavaScript error: {e}" for e in run.js_errors]
    if not run.validate_button:
        problems.append(f"nbgrader's Validate button is missing ({br.VALIDATE_BUTTON})")
    if run.leftover_kernels:
        problems.append(f"kernel still running after the notebook was closed: {run.leftover_kernels}")
    return problems


def test_chromium_and_playwright_are_installed():
    """The browser test's tools are here: Debian's chromium and the pinned playwright."""
    why = br.missing_requirements()
    assert why is None, why


def solved_problems(run) -> list[str]:
    """What is wrong with a notebook with solutions after Run All: every cell runs, none errs
    (the integrity check does nothing outside grading), one figure per cell calling plt.show()."""
    nb = run.notebook
    problems = common_problems(run)
    problems += [f"{label(i, c)} raised {e}" for i, c in enumerate(nb.cells) for e in errors(c)]
    skipped = not_run(nb)
    if skipped:
        problems.append(f"{len(skipped)} code cells never ran, first {skipped[0]}")
    shows = sum(c.cell_type == "code" and "plt.show()" in c.source for c in nb.cells)
    if run.figures < shows:
        problems.append(f"{run.figures} figures rendered on the page, expected at least {shows} "
                        f"(one per cell calling plt.show())")
    return problems


def release_problems(run) -> list[str]:
    """What is wrong with a student's notebook after Run All: errors only from unsolved exercises."""
    nb = run.notebook
    problems = common_problems(run) + given_cell_problems(nb)
    skipped = not_run(nb)
    if skipped:
        problems.append(f"{len(skipped)} code cells never ran, first {skipped[0]}")
    if not any(errors(c) for c in nb.cells):
        problems.append("no cell failed: a release notebook's exercises should raise NotImplementedError")
    return problems


@pytest.mark.parametrize("part", PARTS)
def test_solved_notebook_runs_top_to_bottom_with_its_plots(part, browser, source_lab):
    """source/<part> (with solutions): Run All in JupyterLab errs nowhere and renders every plot."""
    run = open_and_run(browser, source_lab, SOURCE, part)
    problems = solved_problems(run)
    integrity = [c for c in run.notebook.cells if nbgrader(c).get("grade_id") == INTEGRITY_ID]
    if len(integrity) != 1 or integrity[0].execution_count is None:
        problems.append(f"the {INTEGRITY_ID} cell did not run once (found {len(integrity)})")
    assert not problems, f"{part} in JupyterLab:\n" + "\n".join(problems)


@pytest.mark.parametrize("part", PARTS)
def test_release_notebook_fails_only_in_exercise_cells(part, browser, release_lab, tmp_path):
    """release/<part> as handed out: an error comes from an unsolved exercise, never from given code."""
    shots = SCREENSHOTS if os.environ.get("COURSE_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    run = open_and_run(browser, release_lab, RELEASE, part, screenshot=shots / f"{part}.jpg",
                       focus="exercise")
    assert (shots / f"{part}.jpg").stat().st_size > 10_000, "the screenshot is missing or empty"
    problems = release_problems(run)
    assert not problems, f"{part} in JupyterLab:\n" + "\n".join(problems)


BROKEN_CELLS = [
    ("setup", {"locked": True, "grade": False, "solution": False},
     "import numpy as np\nimport no_such_module  # a broken setup cell"),
    (None, {}, "from IPython.display import HTML\n"
               "HTML(\"<script>throw new Error('injected by the browser test')</script>\")"),
    (None, {}, "import matplotlib.pyplot as plt\nplt.show()  # nothing drawn: no figure"),
    ("exercise", {"locked": False, "grade": False, "solution": True},
     "raise NotImplementedError()"),
]


def test_browser_check_catches_broken_setup_javascript_error_and_missing_plot(browser, release_lab):
    """A notebook with a broken setup cell, a JavaScript error and an empty plt.show() is rejected."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    for grade_id, flags, source in BROKEN_CELLS:
        cell = nbformat.v4.new_code_cell(source)
        if grade_id:
            cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, **flags}
        nb.cells.append(cell)
    path = release_lab.root / "broken" / "broken.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    br.tag_raises_exception(path)
    run = br.run_notebook(browser, release_lab, "broken/broken.ipynb")
    found = "\n".join(release_problems(run) + solved_problems(run))
    for expected in ["cell 0 (setup) is locked given code but raised ModuleNotFoundError",
                     "injected by the browser test", "0 figures rendered on the page, expected at least 1"]:
        assert expected in found, f"expected a problem {expected!r}; the check reported:\n{found}"
    assert "cell 3 (exercise)" not in "\n".join(release_problems(run)), found
