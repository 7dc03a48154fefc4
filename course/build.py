"""`python -m course build`: lessons/*.py -> source/<part>/<part>.ipynb -> release/<part>/<part>.ipynb.

The source notebook is a pure function of the lesson text (no outputs, stable metadata, cell ids
derived from content), so rebuilding produces no diff. The release is nbgrader's
generate_assignment run on it in a throwaway course folder.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import jupytext
import nbformat

from .common import GRADE_ID, LESSONS, ROOT, CourseError, check_parts, lesson_path
from .robust import ENVIRONMENT_ID, environment_source

HELP = "build source/ and release/ notebooks from the lesson texts in lessons/"

NBGRADER_FLAGS = ("grade", "solution", "locked")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

# Appended to every notebook. It does nothing while a student works; while nbgrader grades
# (NBGRADER_EXECUTION is "autograde") it must end in IntegrityCheck with "2/2". A kernel whose asserts
# or numpy comparisons were tampered with cannot produce that (see course/grade.py).
INTEGRITY_ID = "integrity_check"
INTEGRITY_SOURCE = '''\
# Grading integrity check (read-only). While you work it does nothing. During grading it
# must stop with "IntegrityCheck: 2/2 expected failures seen": that message is normal.
import os as _os
if _os.environ.get("NBGRADER_EXECUTION") == "autograde":
    import numpy as _np
    _seen = 0
    try:
        assert 1 + 1 == 3
    except AssertionError:
        _seen += 1
    if not _np.allclose(_np.zeros(3), _np.ones(3)):
        _seen += 1
    class IntegrityCheck(Exception):
        pass
    raise IntegrityCheck(f"{_seen}/2 expected failures seen")'''


def add_arguments(parser):
    parser.add_argument("--part", action="append", metavar="PART",
                        help="build only this part (repeatable); default: every part")
    parser.add_argument("--no-release", action="store_true",
                        help="write source/ only, skip nbgrader generate_assignment")


def run(args) -> int:
    for part in check_parts(args.part):
        path = write_source(part, ROOT)
        print(f"built {path.relative_to(ROOT)}")
        if not args.no_release:
            rel = write_release(part, ROOT)
            print(f"built {rel.relative_to(ROOT)}")
    return 0


def _nbgrader_meta(meta: dict, where: str) -> dict:
    """Complete an nbgrader cell header: schema 3, explicit flags, a valid grade_id."""
    meta = dict(meta)
    for flag in NBGRADER_FLAGS:
        meta[flag] = bool(meta.get(flag, False))
    meta["schema_version"] = 3
    gid = meta.get("grade_id")
    if not isinstance(gid, str) or not GRADE_ID.match(gid):
        raise CourseError(f"{where}: nbgrader cell needs a grade_id of letters, digits, _ and -, got {gid!r}")
    if meta["grade"]:
        if not isinstance(meta.get("points"), (int, float)) or meta["points"] < 0:
            raise CourseError(f"{where}: graded cell {gid} needs non-negative points")
    else:
        meta.pop("points", None)
    return {k: meta[k] for k in sorted(meta)}


def _cell_id(cell, taken: set) -> str:
    """Stable id: the grade_id for nbgrader cells, else a hash of the text."""
    gid = cell.metadata.get("nbgrader", {}).get("grade_id")
    base = gid or "c" + hashlib.sha1(cell.source.encode()).hexdigest()[:10]
    cid, n = base[:60], 2
    while cid in taken:
        cid, n = f"{base[:56]}-{n}", n + 1
    taken.add(cid)
    return cid


# A lesson cell tagged "claim" (`# %% tags=["claim"]`) asserts what the demo just before it prints
# and the text says. Claim cells are for the course's own checks (`python -m course claims`): they are
# not part of source/ or release/, so students and nbgrader never run them.
CLAIM_TAG = "claim"


def is_claim(cell) -> bool:
    return CLAIM_TAG in cell.metadata.get("tags", [])


def lesson_to_notebook(part: str, path: Path | None = None, claims: bool = False):
    """The instructor notebook for `part`, built from its lesson text (lessons/<part>.py by default).

    With `claims`, the lesson's claim cells are kept (untagged code cells where they stand). The build
    adds the environment check before the first code cell of a course part (lessons/, not the test
    fixtures) and the integrity check at the end of every notebook.
    """
    path = path or lesson_path(part)
    try:
        nb = jupytext.read(path, fmt="py:percent")
    except Exception as exc:  # jupytext raises many types for bad text
        raise CourseError(f"{path}: cannot read lesson: {exc}") from None
    cells = []
    for i, cell in enumerate(nb.cells):
        where = f"{path.name} cell {i + 1}"
        if is_claim(cell):
            if cell.cell_type != "code" or "nbgrader" in cell.metadata:
                raise CourseError(f"{where}: a claim cell is a plain code cell (no nbgrader metadata)")
            if not claims:
                continue
        meta = {"tags": [CLAIM_TAG]} if is_claim(cell) else {}
        if "nbgrader" in cell.metadata:
            meta["nbgrader"] = _nbgrader_meta(cell.metadata["nbgrader"], where)
        new = (nbformat.v4.new_markdown_cell if cell.cell_type == "markdown"
               else nbformat.v4.new_code_cell)(source=cell.source.strip("\n"), metadata=meta)
        cells.append(new)
    if path.resolve().parent == LESSONS.resolve():  # a part of the course (test fixtures live elsewhere)
        first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
        cells.insert(first_code, nbformat.v4.new_code_cell(
            source=environment_source(c.source for c in cells if c.cell_type == "code"),
            metadata={"nbgrader": _nbgrader_meta({"locked": True, "grade_id": ENVIRONMENT_ID}, "environment cell")}))
    cells.append(nbformat.v4.new_code_cell(source=INTEGRITY_SOURCE, metadata={"nbgrader": _nbgrader_meta(
        {"locked": True, "grade_id": INTEGRITY_ID}, "integrity cell")}))
    taken: set = set()
    for cell in cells:
        cell.id = _cell_id(cell, taken)
    out = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    out.nbformat, out.nbformat_minor = 4, 5
    nbformat.validate(out)
    return out


def notebook_text(nb) -> str:
    return nbformat.writes(nb) + "\n"


def write_source(part: str, root: Path, lesson: Path | None = None) -> Path:
    """source/<part>/: the notebook and a copy of lessons/files/<part>/ (figures, a model), nothing else."""
    dest = root / "source" / part / f"{part}.ipynb"
    if dest.parent.exists():
        shutil.rmtree(dest.parent)
    dest.parent.mkdir(parents=True)
    dest.write_text(notebook_text(lesson_to_notebook(part, lesson)))
    files = assets(part, lesson)
    if files.is_dir():
        shutil.copytree(files, dest.parent, dirs_exist_ok=True)
    return dest


def assets(part: str, lesson: Path | None = None) -> Path:
    """The folder whose contents go beside the part's notebook (nbgrader copies them to students)."""
    return (lesson or lesson_path(part)).parent / "files" / part


def generate_release(course: Path, part: str) -> Path:
    """Run nbgrader generate_assignment for `part` inside the course folder `course`."""
    from .nbgrader_api import api_for

    result = api_for(course).generate_assignment(part, force=True, create=True)
    if not result.get("success"):
        raise CourseError(f"nbgrader generate_assignment {part} failed: "
                          f"{(result.get('error') or result.get('log') or '').strip().splitlines()[-1:]}")
    return course / "release" / part


def normalise_release(folder: Path) -> None:
    """Make nbgrader's output byte-stable (same notebook text convention as source/)."""
    for nb_path in folder.glob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        nb_path.write_text(notebook_text(nb))


def write_release(part: str, root: Path) -> Path:
    """Generate release/<part>/ in a throwaway course so no gradebook is touched."""
    with tempfile.TemporaryDirectory(prefix="course-build-") as tmp:
        course = Path(tmp)
        shutil.copy(ROOT / "nbgrader_config.py", course)
        write_source(part, course)
        generated = generate_release(course, part)
        normalise_release(generated)
        dest = root / "release" / part
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(generated, dest)
    return dest / f"{part}.ipynb"
