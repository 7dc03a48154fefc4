"""`python -m course cocalc-audit FOLDER`: what CoCalc let through in notebooks collected from a CoCalc course.

FOLDER is what an instructor downloads from the CoCalc course project (README, "CoCalc"): the
`<course>-collect/` folder, one assignment's folder inside it, or a .zip of either. CoCalc
collects each student's copy of an assignment into `<course>-collect/<assignment path>/<student
id>/` (the whole assignment folder of the student's project, a `STUDENT - <name>.txt` file, and,
once CoCalc has graded it, `<part>_autograded.ipynb`). Per student and part the audit reports:

- the notebook's structure against the instructor's (`--course`'s source/ and the student
  version): test cells added, removed, re-typed (no longer a test) or duplicated, locked read-only
  cells edited or deleted, points changed, and code to review (course/scan.py) among the cells
  CoCalc runs as the student left them;
- nbgrader's scores: the same notebooks graded by `course grade` (sandboxed) in a throwaway course;
- CoCalc's own scores: from CoCalc's exported grades file (`--grades`, or a grades.json in
  FOLDER), else from the collected `_autograded.ipynb`, else simulated with course/cocalc.py
  (sandboxed too; `--no-simulate` to skip);
- every test cell whose two scores differ, with the reason in one line.

Prints a table and writes a CSV (one row per student and part). Exit status 0 when nothing is
flagged, 1 when something is, 2 on bad input (one line). A missing or broken notebook is a
status in its row, never a crash.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import cocalc
from .common import ROOT, CourseError, course_dir, grading_sandbox

HELP = "audit notebooks collected from a CoCalc course: tricks CoCalc lets through, its scores vs nbgrader's"
STUDENT_FILE = "STUDENT - "      # CoCalc writes "STUDENT - <name>.txt" into each collected folder
AUTOGRADED = "_autograded.ipynb"  # ... and "<part>_autograded.ipynb" once it has graded the notebook
COCALC_FILES = ("GRADE.md", "DUE_DATE.txt")
TIMEOUT_BEHAVIOURS = {"2024": cocalc.TIMEOUT_2024, "current": cocalc.TIMEOUT_CURRENT}
CSV_FIELDS = ["student", "name", "part", "status", "nbgrader_status", "nbgrader_score", "nbgrader_max",
              "cocalc_score", "cocalc_max", "cocalc_source", "tests_added", "tests_removed", "tests_retyped",
              "tests_duplicated", "locked_edited", "points_changed", "review", "differences", "notes"]


def add_arguments(parser):
    parser.add_argument("folder", metavar="FOLDER",
                        help="the CoCalc course's <course>-collect folder (or one assignment's folder in it, or a .zip)")
    parser.add_argument("--course", default=str(ROOT),
                        help="the course whose source/<part>/<part>.ipynb were uploaded to CoCalc (default: this repository)")
    parser.add_argument("--grades", metavar="FILE",
                        help="CoCalc's grades export (course → Grades → Export → JSON: grades.json); "
                             "default: a grades.json found in FOLDER")
    parser.add_argument("--student", action="append", metavar="ID",
                        help="audit only this student (CoCalc's student id, the collected folder's name; repeatable)")
    parser.add_argument("--csv", default="cocalc-audit.csv", help="where to write the CSV (default: ./cocalc-audit.csv)")
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")
    parser.add_argument("--no-simulate", action="store_true",
                        help="when FOLDER holds no CoCalc scores for a notebook, leave them out instead of simulating CoCalc")
    parser.add_argument("--cell-timeout", type=float, default=cocalc.CELL_TIMEOUT,
                        help=f"the CoCalc course's per-cell time limit in seconds, for the simulation (default {cocalc.CELL_TIMEOUT})")
    parser.add_argument("--total-timeout", type=float, default=cocalc.TOTAL_TIMEOUT,
                        help=f"the CoCalc course's per-notebook time limit in seconds (default {cocalc.TOTAL_TIMEOUT})")
    parser.add_argument("--timeout-behaviour", choices=sorted(TIMEOUT_BEHAVIOURS), default="current",
                        help="after a cell times out, 2024 CoCalc restarts the kernel, current CoCalc keeps it (default)")
    parser.add_argument("--unsafe", "--no-sandbox", dest="unsafe", action="store_true",
                        help="run the notebooks WITHOUT the bubblewrap sandbox (trusted notebooks only)")


# ---------------------------------------------------------------- finding the notebooks

@dataclass
class Row:
    student: str
    part: str
    name: str = ""
    status: str = "ok"            # ok, missing, broken
    folder: Path | None = None
    notebook: dict | None = None  # the collected notebook (plain JSON)
    cocalc_nb: dict | None = None  # the notebook CoCalc graded, when known
    cocalc: dict | None = None     # CoCalc's scores (cocalc.extract_scores format)
    cocalc_source: str = ""
    nbgrader: object = None        # course.grade.Outcome
    structure: dict = field(default_factory=dict)
    tests: set = field(default_factory=set)         # the instructor's test cells (grade_ids)
    differences: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def instructor_parts(course: Path) -> list[str]:
    src = course / "source"
    parts = sorted(p.name for p in src.iterdir() if (p / f"{p.name}.ipynb").is_file()) if src.is_dir() else []
    if not parts:
        raise CourseError(f"{course} has no source/<part>/<part>.ipynb: point --course at the course whose "
                          "notebooks were uploaded to CoCalc")
    return parts


def unpack(folder: Path, tmp: Path) -> Path:
    """FOLDER itself, or a .zip of it unpacked (no member may leave the unpacking folder)."""
    if folder.is_dir():
        return folder
    if not folder.exists():
        raise CourseError(f"{folder} does not exist")
    if not zipfile.is_zipfile(folder):
        raise CourseError(f"{folder} is neither a folder nor a .zip: download the CoCalc course's "
                          "<course>-collect folder (see README, CoCalc)")
    dest = tmp / "unzipped"
    with zipfile.ZipFile(folder) as z:
        for member in z.namelist():
            target = (dest / member).resolve()
            if not str(target).startswith(str(dest.resolve()) + os.sep) and target != dest.resolve():
                raise CourseError(f"{folder}: member {member!r} would be written outside the unpacking folder")
        z.extractall(dest)
    return dest


def discover(folder: Path, parts: list[str]) -> list[Row]:
    """One row per (student folder, part) found; a student folder holds a `STUDENT - <name>.txt`
    file or a notebook named after a part."""
    rows = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        here = Path(top)
        names = [f[len(STUDENT_FILE):-4] for f in files if f.startswith(STUDENT_FILE) and f.endswith(".txt")]
        notebooks = sorted(f for f in files if f.endswith(".ipynb") and not f.endswith(AUTOGRADED))
        mine = [f[:-6] for f in notebooks if f[:-6] in parts]
        if not names and not mine:
            continue
        dirs[:] = []  # a student folder: its subfolders are the student's own
        if not mine:
            part = here.parent.name if here.parent.name in parts else "?"
            rows.append(Row(here.name, part, names[0] if names else "", "missing", here,
                            notes=[f"no notebook named after a part in {here.name}/"
                                   + (f" (found: {', '.join(notebooks)})" if notebooks else " (no notebook at all)")]))
            continue
        for part in mine:
            rows.append(Row(here.name, part, names[0] if names else "", folder=here))
    return rows


def read_grades(path: Path) -> dict:
    """CoCalc's grades.json: {(student id, part): scores or an error string}, and the names."""
    try:
        data = json.loads(path.read_text())
        students = data["students"]
        assignments = data["assignments"]
        out, names = {}, {}
        for s in students:
            names[s["id"]] = s.get("name") or ""
            for path_, scores in zip(assignments, s.get("nbgrader") or []):
                for filename, entry in (scores or {}).items():
                    part = Path(filename).stem
                    out[(s["id"], part)] = entry
                    out.setdefault((s["id"], Path(path_).name), entry)
        return {"scores": out, "names": names}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CourseError(f"{path} is not CoCalc's grades export (grades.json with 'assignments' and "
                          f"'students'): {type(exc).__name__}: {exc}") from None


def read_notebook(row: Row) -> None:
    path = row.folder / f"{row.part}.ipynb"
    try:
        with warnings.catch_warnings():  # nbformat repairs duplicated cell ids with a warning
            warnings.simplefilter("ignore")
            nb = nbformat.reads(path.read_text(), as_version=4)
            nbformat.validate(nb)
        row.notebook = _plain(nb)
    except Exception as exc:
        row.status = "broken"
        row.notes.append(f"{row.part}.ipynb is not a readable notebook: {type(exc).__name__}: "
                         f"{str(exc).splitlines()[0][:200] if str(exc) else ''}")


def _plain(nb) -> dict:
    """A notebook as plain JSON data, each cell's source one string."""
    return json.loads(json.dumps(nb))


def _read(path: Path) -> dict:
    return _plain(nbformat.read(path, as_version=4))


# ---------------------------------------------------------------- structure

def structure(instructor: dict, release: dict, student: dict) -> dict:
    """What the student changed that CoCalc treats differently from nbgrader."""
    from .scan import scan

    graded = {cocalc.grade_id(c): c for c in instructor["cells"] if cocalc.nbg(c).get("grade") and cocalc.grade_id(c)}
    tests = {g for g, c in graded.items() if cocalc.is_test(c)}
    given = {cocalc.grade_id(c): c for c in release["cells"] if cocalc.cell_kind(c) == "readonly" and cocalc.grade_id(c)}
    shown = {cocalc.grade_id(c): c for c in release["cells"] if cocalc.grade_id(c)}
    known = {cocalc.grade_id(c) for c in instructor["cells"] if cocalc.grade_id(c)}
    cells = student["cells"]
    count: dict = {}
    for c in cells:
        if cocalc.grade_id(c):
            count[cocalc.grade_id(c)] = count.get(cocalc.grade_id(c), 0) + 1
    first = {}
    for c in cells:
        first.setdefault(cocalc.grade_id(c), c)
    out = {"added": [], "removed": [], "retyped": [], "duplicated": [], "locked_edited": [],
           "points_changed": [], "tests_edited": [], "review": []}
    for c in cells:
        gid, points = cocalc.grade_id(c), cocalc.nbg(c).get("points")
        if gid and gid not in known and points and cocalc.cell_kind(c) is not None and \
                (cocalc.nbg(c).get("grade") or cocalc.nbg(c).get("task")):
            out["added"].append((gid, points, cocalc.cell_kind(c)))
    for gid in sorted(tests, key=list(graded).index):
        if gid not in count:
            out["removed"].append(gid)
        elif not any(cocalc.is_test(c) for c in cells if cocalc.grade_id(c) == gid):
            out["retyped"].append((gid, cocalc.cell_kind(first[gid]) or "a cell of no known kind"))
        elif gid in shown and cocalc._source(first[gid]) != cocalc._source(shown[gid]):
            out["tests_edited"].append(gid)
    out["duplicated"] = [(g, n) for g, n in count.items() if n > 1]
    for gid, cell in given.items():
        if gid not in first:
            out["locked_edited"].append((gid, "deleted"))
        elif cocalc._source(first[gid]) != cocalc._source(cell):
            out["locked_edited"].append((gid, "edited"))
    for gid, cell in graded.items():
        theirs = cocalc.nbg(first[gid]).get("points") if gid in first else None
        mine = cocalc.nbg(cell).get("points")
        if gid in first and (theirs != mine or type(theirs) is not type(mine)):
            out["points_changed"].append((gid, mine, theirs))
    nb = nbformat.from_dict(student)
    rel = nbformat.from_dict(release)
    out["review"] = scan(nb, rel)
    edited = {g for g, how in out["locked_edited"] if how == "edited"}
    for i, c in enumerate(nb.cells):  # scan skips locked cells; CoCalc runs the student's edit of them
        if cocalc.grade_id(c) in edited and c.cell_type == "code":
            fake = nbformat.from_dict({"cells": [c], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
            out["review"] += [f.replace("cell ", "locked cell ", 1) for f in scan(fake, nbformat.from_dict(
                {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))]
    return out


def extra_files(folder: Path, part: str) -> list[str]:
    """Review lines for files the student left next to the notebook that shadow a module: CoCalc
    grades in that folder, so a `numpy.py` (or a `torch/` folder) there is what `import numpy` loads."""
    import importlib.util

    found = []
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if name == f"{part}.ipynb" or _cocalc_file(name) or name.startswith("."):
            continue
        module = name[:-3] if name.endswith(".py") else name if entry.is_dir() else None
        shadows = module is not None and module.isidentifier() and (
            module in sys.stdlib_module_names or importlib.util.find_spec(module) is not None)
        if shadows:
            found.append(f"{name}{'/' if entry.is_dir() else ''} next to the notebook shadows the module "
                         f"{module!r}: the kernel imports it from the grading folder instead")
    return found


def flagged(s: dict) -> bool:
    return any(s.get(k) for k in ("added", "removed", "retyped", "duplicated", "locked_edited",
                                  "points_changed", "review"))


# ---------------------------------------------------------------- explaining differences

def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, str):
        return repr(x)
    return cocalc.js_str(float(x)) if isinstance(x, (int, float)) else str(x)


def _outputs_say(nb: dict | None, gid: str, *words) -> bool:
    if nb is None:
        return False
    for cell in nb.get("cells", []):
        if cocalc.grade_id(cell) == gid:
            text = json.dumps(cell.get("outputs") or [])
            if any(w in text for w in words):
                return True
    return False


def _graded_cell(course: Path, row: Row):
    path = course / "autograded" / row.student / row.part / f"{row.part}.ipynb"
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return {}
    return {cocalc.grade_id(c): c for c in nb.cells if cocalc.grade_id(c)}


def explain(row: Row, gid: str, c, n, instructor: dict, release: dict, nbg_cells: dict) -> str:
    """One line: why CoCalc's score `c` and nbgrader's `n` for test `gid` differ."""
    s = row.structure
    added = {g: (p, k) for g, p, k in s["added"]}
    graded = {cocalc.grade_id(x): x for x in instructor["cells"] if cocalc.grade_id(x)}
    if gid in added:
        pts = added[gid][0]
        text = ", a string: CoCalc scores it as text, and its total becomes text" if isinstance(pts, str) else ""
        return (f"a {'Markdown ' if _is_markdown(row.notebook, gid) else ''}test cell the student added "
                f"(points {_fmt(pts)}{text}): CoCalc scores every test cell it finds, nbgrader only the instructor's")
    if gid in graded and not cocalc.nbg(graded[gid]).get("points"):
        return "worth 0 points in the instructor's notebook: CoCalc does not score it, nbgrader records 0/0"
    if isinstance(c, str):
        return (f"its points are the string {c!r}: CoCalc scores it as text, and its total becomes text "
                "(JavaScript '+')")
    dup = dict(s["duplicated"])
    if gid in dup:
        return (f"the grade_id appears {dup[gid]} times in the student's notebook: CoCalc runs every copy and "
                "scores the last one (restored in place), nbgrader grades the first one and runs the others as "
                "the student's code")
    if gid in s["removed"]:
        return ("the student deleted this test cell: CoCalc appended the instructor's copy at the end of the "
                "notebook (it ran with the notebook's final state), nbgrader put it back in place")
    retyped = dict(s["retyped"])
    if gid in retyped:
        return (f"the student turned this test cell into a {retyped[gid]} cell: CoCalc appended the instructor's "
                "copy at the end of the notebook (it ran with the final state), nbgrader restored it in place")
    o = row.nbgrader
    if o is not None and o.status not in ("ok",):
        return f"nbgrader: {o.status}: {'; '.join(o.notes)[:300]}"
    if _outputs_say(row.cocalc_nb, gid, "Total time limit"):
        return "CoCalc's time limit for the whole notebook ran out before this cell: it scores 0 there"
    if _outputs_say(row.cocalc_nb, gid, "Error: timeout", "KeyboardInterrupt"):
        return "the cell ran past CoCalc's per-cell time limit there (nbgrader's limit is the course's own)"
    if _outputs_say(row.cocalc_nb, gid, "Error: the kernel died"):
        return "the kernel died in CoCalc's run (CoCalc restarts it; later cells lose the earlier state)"
    cell = nbg_cells.get(gid)
    if cell is not None and n == 0 and any(out.get("name") == "stderr" for out in cell.get("outputs", [])) and \
            not any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
        return "the cell wrote to stderr: nbgrader scores that 0, CoCalc ignores stderr"
    if isinstance(n, (int, float)) and isinstance(c, (int, float)) and 0 < n < c:
        return "nbgrader gave partial credit from the number the cell printed last; CoCalc gives all or nothing"
    if s["locked_edited"]:
        edited = [g for g, how in s["locked_edited"] if how == "edited"]
        reads = cocalc.names(cocalc._source(graded[gid]))[0] if gid in graded else set()
        defined = set()
        for x in release["cells"]:
            if cocalc.grade_id(x) in edited:
                defined |= cocalc.names(cocalc._source(x))[1]
        link = sorted(reads & defined)
        return (f"locked cell{'s' if len(s['locked_edited']) > 1 else ''} "
                f"{', '.join(repr(g) + (' (deleted)' if h == 'deleted' else '') for g, h in s['locked_edited'])} "
                "changed by the student: CoCalc runs the student's version, nbgrader restores it"
                + (f" (this test reads {', '.join('`' + x + '`' for x in link)}, which that cell defines)" if link else ""))
    return ("no rule explains it: compare CoCalc's graded notebook with nbgrader's (the audit's throwaway "
            "course, kept with COURSE_DEBUG=1)")


def _is_markdown(nb: dict | None, gid: str) -> bool:
    return any(cocalc.grade_id(c) == gid and c.get("cell_type") == "markdown" for c in (nb or {}).get("cells", []))


def _autograded(row: Row) -> dict:
    """nbgrader's scores of the instructor's test cells (not the written answers it scores 0
    when left unchanged: CoCalc leaves those to a human)."""
    cells = row.nbgrader.cells if row.nbgrader else {}
    return {g: v for g, v in ((g, v[0]) for g, v in cells.items() if g in row.tests) if v is not None}


def compare(row: Row, instructor: dict, release: dict, nbg_cells: dict) -> None:
    """Fill row.differences: one line per test cell whose scores differ."""
    c_cells = {g: e["score"] for g, e in (row.cocalc or {}).items() if not e.get("manual")}
    n_cells = _autograded(row)
    if row.cocalc is None or row.nbgrader is None or row.nbgrader.status in ("missing", "broken", "error"):
        return
    points = {cocalc.grade_id(x): cocalc.nbg(x).get("points") for x in instructor["cells"] if cocalc.grade_id(x)}
    for gid in list(dict.fromkeys([*n_cells, *c_cells])):
        c, n = c_cells.get(gid), n_cells.get(gid)
        if c is not None and n is not None and not isinstance(c, str) and float(c) == float(n):
            continue
        if c is None and n == 0 and not points.get(gid):
            continue  # worth 0: CoCalc does not record it, nbgrader records 0/0
        row.differences.append(f"{gid}: CoCalc {_fmt(c)}, nbgrader {_fmt(n)}: "
                               + explain(row, gid, c, n, instructor, release, nbg_cells))
    for gid, mine, theirs in row.structure["points_changed"]:
        entry = (row.cocalc or {}).get(gid)
        if entry and entry.get("manual") and entry.get("points") == theirs:
            row.differences.append(f"{gid}: the student changed its points from {_fmt(mine)} to {_fmt(theirs)}: "
                                   "CoCalc keeps the student's points for cells graded by hand, nbgrader restores them")


# ---------------------------------------------------------------- grading

def build_course(tmp: Path, course: Path, rows: list[Row]) -> Path:
    """A throwaway course: the instructor's source notebooks, their release, the collected notebooks."""
    from .build import generate_release, normalise_release

    shutil.copy(course / "nbgrader_config.py", tmp)
    for part in sorted({r.part for r in rows}):
        shutil.copytree(course / "source" / part, tmp / "source" / part,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        normalise_release(generate_release(tmp, part))
    for r in rows:
        dest = tmp / "submitted" / r.student / r.part
        dest.mkdir(parents=True, exist_ok=True)
        for entry in r.folder.iterdir():
            if _cocalc_file(entry.name) or entry.is_symlink() or entry.name.startswith("."):
                continue
            if entry.is_dir():
                shutil.copytree(entry, dest / entry.name, symlinks=True)
            else:
                shutil.copy2(entry, dest / entry.name)
    return tmp


def _cocalc_file(name: str) -> bool:
    return name.startswith(STUDENT_FILE) or name.endswith(AUTOGRADED) or name in COCALC_FILES or name.endswith("~")


def cocalc_scores(row: Row, instructor: dict, grades: dict | None, simulate: bool, sandbox: bool, run: dict,
                  tmp: Path) -> None:
    """Fill row.cocalc from the grades export, CoCalc's graded notebook, or a simulation."""
    if grades and (row.student, row.part) in grades["scores"]:
        entry = grades["scores"][(row.student, row.part)]
        if isinstance(entry, str):
            row.notes.append(f"CoCalc's grading failed: {entry[:200]}")
            row.cocalc_source = "grades file (error)"
            return
        # the export drops CoCalc's "manual" flag: a cell is by hand when the instructor's is not a test
        kinds = {cocalc.grade_id(c): cocalc.cell_kind(c) for c in instructor["cells"] if cocalc.grade_id(c)}
        row.cocalc = {g: dict(e, manual=kinds[g] != "test" if g in kinds else "score" not in e)
                      for g, e in entry.items() if isinstance(e, dict)}
        row.cocalc_source = "grades file"
        return
    graded = row.folder / f"{row.part}{AUTOGRADED}"
    if graded.is_file():
        try:
            row.cocalc_nb = json.loads(graded.read_text())
            row.cocalc, row.cocalc_source = cocalc.extract_scores(row.cocalc_nb), "CoCalc's graded notebook"
            return
        except (ValueError, OSError) as exc:
            row.notes.append(f"{graded.name} is unreadable ({type(exc).__name__}): CoCalc's scores simulated instead")
    if not simulate:
        row.cocalc_source = "not available"
        return
    cwd = tmp / "cocalc" / row.student / row.part
    cwd.mkdir(parents=True)
    for entry in row.folder.iterdir():
        if entry.is_file() and not entry.is_symlink() and not _cocalc_file(entry.name) and entry.suffix != ".ipynb":
            shutil.copy2(entry, cwd / entry.name)
    try:
        result = (cocalc.grade_sandboxed if sandbox else cocalc.grade)(instructor, row.notebook, cwd, **run)
    except Exception as exc:
        row.notes.append(f"the CoCalc simulation failed: {type(exc).__name__}: {str(exc)[:200]}")
        row.cocalc_source = "simulation failed"
        return
    row.cocalc, row.cocalc_nb = result.scores, result.notebook
    row.cocalc_source = f"simulated ({'2024' if run['timeout_mode'] == cocalc.TIMEOUT_2024 else 'current'} CoCalc)"


def audit(folder: Path, course: Path, tmp: Path, grades_file: Path | None = None, students=None, jobs: int = 1,
          simulate: bool = True, sandbox: bool = True, run: dict | None = None, log=None) -> list[Row]:
    from .grade import grade_class

    log = log or (lambda *a: print(*a, file=sys.stderr))
    run = run or {}
    parts = instructor_parts(course)
    root = unpack(folder, tmp)
    rows = discover(root, parts)
    if grades_file is None:
        found = sorted(root.rglob("grades.json"))
        grades_file = found[0] if found else None
    grades = read_grades(grades_file) if grades_file else None
    if not rows and not (grades and students):
        raise CourseError(f"{folder} is not a CoCalc collection: no folder in it holds a 'STUDENT - <name>.txt' "
                          f"file or a notebook named after a part ({', '.join(parts)}); download the CoCalc course's "
                          "<course>-collect folder (see README, CoCalc)")
    if grades:
        have = {(r.student, r.part) for r in rows}
        collected_parts = {r.part for r in rows}
        for (sid, part) in grades["scores"]:
            if part in collected_parts and (sid, part) not in have:
                rows.append(Row(sid, part, grades["names"].get(sid, ""), "missing",
                                notes=["in CoCalc's grades file but not in the collection (not collected?)"]))
                have.add((sid, part))
        for r in rows:
            r.name = r.name or grades["names"].get(r.student, "")
    if students:
        wanted = set(students)
        for s in sorted(wanted - {r.student for r in rows}):
            rows.append(Row(s, "?", status="missing", notes=[f"no collected folder for student {s!r}"]))
        rows = [r for r in rows if r.student in wanted]
    rows.sort(key=lambda r: (r.part, r.name or r.student, r.student))
    for r in rows:
        if r.status == "ok":
            read_notebook(r)
    ok = [r for r in rows if r.status == "ok"]
    if not ok:
        return rows
    seen = set()
    for r in ok:
        if (r.student, r.part) in seen:
            raise CourseError(f"student {r.student!r} appears twice for {r.part} in {folder}: audit one collection at a time")
        seen.add((r.student, r.part))
    (tmp / "course").mkdir()
    nb_course = build_course(tmp / "course", course, ok)
    instructor = {p: _read(nb_course / "source" / p / f"{p}.ipynb") for p in {r.part for r in ok}}
    release = {p: _read(nb_course / "release" / p / f"{p}.ipynb") for p in instructor}
    for r in ok:
        r.tests = {cocalc.grade_id(c) for c in instructor[r.part]["cells"] if cocalc.is_test(c)}
        r.structure = structure(instructor[r.part], release[r.part], r.notebook)
        r.structure["review"] += extra_files(r.folder, r.part)
    log(f"grading {len(ok)} notebook(s) with nbgrader (course grade{', sandboxed' if sandbox else ', UNSAFE'})...")
    outcomes = grade_class(nb_course, None, None, jobs=jobs, sandbox=sandbox, log=log)
    by_pair = {(o.student, o.assignment): o for o in outcomes}
    for r in ok:
        r.nbgrader = by_pair.get((r.student, r.part))
    need = [r for r in ok if not (grades and (r.student, r.part) in grades["scores"])
            and not (r.folder / f"{r.part}{AUTOGRADED}").is_file()]
    if need and simulate:
        log(f"simulating CoCalc's grading of {len(need)} notebook(s) it has not graded...")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(lambda r: cocalc_scores(r, instructor[r.part], grades, simulate, sandbox, run, tmp), ok))
    for r in ok:
        compare(r, instructor[r.part], release[r.part], _graded_cell(nb_course, r))
    return rows


# ---------------------------------------------------------------- output

def _list(items) -> str:
    return "; ".join(items)


def row_fields(r: Row) -> dict:
    s, o = r.structure, r.nbgrader
    c_score = c_max = ""
    if r.cocalc is not None:
        score, points = cocalc.total(r.cocalc, autograded_only=True)
        c_score, c_max = cocalc.js_str(score), cocalc.js_str(points)
    auto = {g: v for g, v in (o.cells if o else {}).items() if g in r.tests and v[0] is not None}
    return {
        "student": r.student, "name": r.name, "part": r.part, "status": r.status,
        "nbgrader_status": o.status if o else "",
        "nbgrader_score": cocalc.js_str(float(sum(v[0] for v in auto.values()))) if o and auto else "",
        "nbgrader_max": cocalc.js_str(float(sum(v[1] for v in auto.values()))) if o and auto else "",
        "cocalc_score": c_score, "cocalc_max": c_max, "cocalc_source": r.cocalc_source,
        "tests_added": _list(f"{g} ({_fmt(p)} points{', ' + k if k != 'test' else ''})" for g, p, k in s.get("added", [])),
        "tests_removed": _list(s.get("removed", [])),
        "tests_retyped": _list(f"{g} (now {k})" for g, k in s.get("retyped", [])),
        "tests_duplicated": _list(f"{g} ({n} times)" for g, n in s.get("duplicated", [])),
        "locked_edited": _list(f"{g} ({how})" for g, how in s.get("locked_edited", [])),
        "points_changed": _list(f"{g} ({_fmt(a)} -> {_fmt(b)})" for g, a, b in s.get("points_changed", [])),
        "review": _list(s.get("review", [])),
        "differences": _list(r.differences),
        "notes": _list(r.notes + ((o.notes if o else []) if o and o.status != "ok" else [])),
    }


def write_csv(rows: list[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        for r in rows:
            w.writerow(row_fields(r))


def print_table(rows: list[Row]) -> None:
    head = f"{'student':<24} {'part':<26} {'status':<8} {'nbgrader':>10} {'CoCalc':>12}  CoCalc's scores from"
    print(head)
    print("-" * len(head))
    for r in rows:
        f = row_fields(r)
        who = (r.name or r.student)[:24]
        nbg_ = f"{f['nbgrader_score']}/{f['nbgrader_max']}" if f["nbgrader_score"] != "" else (f["nbgrader_status"] or "-")
        coc = f"{f['cocalc_score']}/{f['cocalc_max']}" if f["cocalc_score"] != "" else "-"
        status = r.status if r.status != "ok" or not r.nbgrader or r.nbgrader.status == "ok" else r.nbgrader.status
        print(f"{who:<24} {r.part:<26} {status:<8} {nbg_:>10} {coc:>12}  {r.cocalc_source or '-'}")
        for key, label in (("tests_added", "test cells added"), ("tests_removed", "test cells removed"),
                           ("tests_retyped", "test cells re-typed"), ("tests_duplicated", "grade_ids duplicated"),
                           ("locked_edited", "locked cells changed"), ("points_changed", "points changed")):
            if f[key]:
                print(f"    {label}: {f[key]}")
        for line in r.structure.get("review", []):
            print(f"    review: {line}")
        for line in r.differences:
            print(f"    differs: {line}")
        for line in r.notes + (r.nbgrader.notes if r.nbgrader and r.nbgrader.status != "ok" else []):
            print(f"    note: {line}")


def run(args) -> int:
    course = course_dir(args.course)
    sandbox = grading_sandbox(args)
    run_opts = {"cell_timeout": args.cell_timeout, "total_timeout": args.total_timeout,
                "timeout_mode": TIMEOUT_BEHAVIOURS[args.timeout_behaviour]}
    grades = Path(args.grades) if args.grades else None
    if grades is not None and not grades.is_file():
        raise CourseError(f"grades file {grades} does not exist")
    tmp = Path(tempfile.mkdtemp(prefix="course-cocalc-audit-"))
    try:
        rows = audit(Path(args.folder).resolve(), course, tmp, grades, args.student, args.jobs,
                     not args.no_simulate, sandbox, run_opts)
    finally:
        if os.environ.get("COURSE_DEBUG"):
            print(f"throwaway course kept: {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print_table(rows)
    out = Path(args.csv)
    write_csv(rows, out)
    bad = [r for r in rows if r.status != "ok" or flagged(r.structure) or r.differences
           or (r.nbgrader is not None and r.nbgrader.status != "ok")]
    print(f"\n{len(rows)} notebook(s) audited: {len(bad)} to look at "
          f"({sum(bool(r.differences) for r in rows)} where CoCalc's scores differ from nbgrader's); CSV: {out}")
    return 1 if bad else 0
