"""`python -m course report`: what a lecturer asks after a deadline, in one HTML page and CSV files.

Reads the gradebook (nbgrader's Gradebook API) and reports/grading.json (written by
`python -m course grade`: status, notes and review findings of every submission), and writes to
--out (default <course>/reports):

- report.html: self-contained (plots embedded as PNG, no external CSS or JavaScript): status
  counts and the submissions to look at, then per assignment the distribution of autograded
  points and the item analysis (every test cell with the share of students who got full marks
  and the mean score, most-failed first, with the test's one-line docstring from source/),
  then the catalogued mistakes seen in the class (how many students' failures match each exactly,
  as their feedback names it: course/feedback.py, lessons/mistakes/), then one row per student;
- report-status.csv, report-items.csv, report-students.csv, report-mistakes.csv: the same numbers
  (report-mistakes.csv lists every recorded mistake, seen or not).

Nothing in the output depends on the time or on where the course folder is, so re-running it on
the same gradebook gives the same files.
"""
from __future__ import annotations

import ast
import base64
import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .common import GRADED, ROOT, STATUSES, CourseError, course_dir

HELP = "write a grading report (HTML with plots, and CSV) from the gradebook and reports/grading.json"
FILES = ("report.html", "report-status.csv", "report-items.csv", "report-students.csv", "report-mistakes.csv")


def add_arguments(parser):
    parser.add_argument("--course", default=str(ROOT), help="course folder (default: this repository)")
    parser.add_argument("--assignment", action="append", metavar="PART",
                        help="report only this assignment (repeatable); default: every one in the gradebook")
    parser.add_argument("--out", metavar="FOLDER",
                        help="folder to write report.html and the CSV files to (default: <course>/reports)")
    parser.add_argument("--mistakes", metavar="FOLDER",
                        help="folder of the mistake records <part>.json (default: lessons/mistakes, which the "
                             "mutation run writes when asked to record)")


def run(args) -> int:
    course = course_dir(args.course)
    out = Path(args.out).resolve() if args.out else course / "reports"
    if out.exists() and not out.is_dir():
        raise CourseError(f"--out {out} is a file, not a folder")
    mistakes = Path(args.mistakes).resolve() if args.mistakes else None
    if mistakes is not None and not mistakes.is_dir():
        raise CourseError(f"--mistakes {mistakes} is not a folder")
    paths = write(course, args.assignment, out, mistakes=mistakes)
    print(f"report written: {paths[0]} (and {', '.join(p.name for p in paths[1:])})")
    return 0


# ---------------------------------------------------------------- reading

@dataclass
class Item:
    """One autograded test cell of an assignment."""
    assignment: str
    grade_id: str
    points: float
    doc: str = ""
    order: int = 0
    scores: list = field(default_factory=list)  # one per graded submission

    @property
    def full(self) -> int:
        return sum(s >= self.points for s in self.scores)

    @property
    def pass_rate(self) -> float | None:
        return self.full / len(self.scores) if self.scores else None

    @property
    def mean(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None


@dataclass
class Row:
    """One student's result on one assignment."""
    student: str
    assignment: str
    status: str
    auto: float | None = None
    auto_max: float = 0.0
    total: float | None = None
    total_max: float = 0.0
    needs_manual: bool = False
    notes: list = field(default_factory=list)
    review: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)   # test grade_id -> autograded score
    points: dict = field(default_factory=dict)   # test grade_id -> its points


def _db_url(course: Path) -> str:
    """The gradebook's url; a missing SQLite gradebook is a one-line error (nothing was graded)."""
    from .nbgrader_api import db_url
    url = db_url(course)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        raise CourseError(f"no gradebook ({url[len('sqlite:///'):]}): grade first (python -m course grade)")
    return url


def docstrings(course: Path, assignment: str, notebook: str) -> dict:
    """grade_id -> (position in the source notebook, first line of the test cell's docstring)."""
    path = course / "source" / assignment / f"{notebook}.ipynb"
    if not path.is_file():
        return {}
    import nbformat
    out = {}
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid:
            out[gid] = (i, first_doc_line(cell.source) if cell.cell_type == "code" else "")
    return out


def first_doc_line(source: str) -> str:
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        doc = ast.get_docstring(ast.parse("\n".join(lines))) or ""
    except SyntaxError:
        return ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def collect(course: Path, assignments=None):
    """(items, rows, students, assignments) from the gradebook and reports/grading.json."""
    from nbgrader.api import Gradebook, MissingEntry

    url = _db_url(course)
    path = course / "reports" / "grading.json"
    try:
        outcomes = json.loads(path.read_text()) if path.is_file() else {}
    except json.JSONDecodeError as exc:
        raise CourseError(f"{path} is not valid JSON ({exc}): re-run python -m course grade") from None
    items, rows = [], []
    with Gradebook(url) as gb:
        known = [a.name for a in sorted(gb.assignments, key=lambda a: a.name)]
        if not known:
            raise CourseError(f"the gradebook {url} has no assignments: build and grade first")
        for a in assignments or []:
            if a not in known:
                raise CourseError(f"assignment {a!r} is not in the gradebook; it has: {', '.join(known)}")
        chosen = assignments or known
        students = sorted({s.id for s in gb.students}
                          | {o["student"] for o in outcomes.values() if o["assignment"] in chosen})
        if not students:
            raise CourseError(f"the gradebook {url} has no students: grade first (python -m course grade)")
        for a in chosen:
            assignment = gb.find_assignment(a)
            tests = []
            for nb in assignment.notebooks:
                docs = docstrings(course, a, nb.name)
                manual = {c.name for c in nb.solution_cells}
                for c in nb.grade_cells:
                    if c.name in manual:
                        continue
                    gid = c.name if len(assignment.notebooks) == 1 else f"{nb.name}:{c.name}"
                    order, doc = docs.get(c.name, (len(docs) + len(tests), ""))
                    tests.append((nb.name, c.name, Item(a, gid, float(c.max_score), doc, order)))
            tests.sort(key=lambda t: (t[0], t[2].order, t[2].grade_id))
            items += [t[2] for t in tests]
            auto_max = sum(t[2].points for t in tests)
            for s in students:
                o = outcomes.get(f"{s}/{a}", {})
                row = Row(s, a, o.get("status", "ok"), auto_max=auto_max, total_max=float(assignment.max_score),
                          notes=list(o.get("notes", [])), review=list(o.get("review", [])))
                try:
                    sub = gb.find_submission(a, s)
                except MissingEntry:
                    sub = None
                if sub is None or row.status not in GRADED:
                    if sub is None and row.status in GRADED:
                        row.status = "missing"
                        row.notes.append("no submission in the gradebook")
                    rows.append(row)
                    continue
                grades = {}
                for snb in sub.notebooks:
                    grades.update({(snb.name, g.name): g for g in snb.grades})
                row.auto = 0.0
                for nb_name, gid, item in tests:
                    g = grades.get((nb_name, gid))
                    score = float(g.score) if g is not None and g.score is not None else 0.0
                    item.scores.append(score)
                    row.auto += score
                    row.scores[gid], row.points[gid] = score, item.points
                row.total, row.needs_manual = float(sub.score), bool(sub.needs_manual_grade)
                rows.append(row)
    from .nbgrader_api import load_config
    course_id = load_config(course).CourseDirectory.get("course_id") or course.name
    return items, rows, students, list(chosen), course_id


# ---------------------------------------------------------------- numbers

def status_counts(rows, assignments) -> list[dict]:
    out = []
    for a in assignments:
        mine = [r for r in rows if r.assignment == a]
        d = {"assignment": a, "students": len(mine)}
        d.update({s: sum(r.status == s for r in mine) for s in STATUSES})
        d["review"] = sum(bool(r.review) for r in mine)
        out.append(d)
    return out


def items_sorted(items, assignment) -> list[Item]:
    """The assignment's test cells, most-failed first (lowest share of full marks, then mean)."""
    mine = [i for i in items if i.assignment == assignment]
    return sorted(mine, key=lambda i: (i.pass_rate if i.pass_rate is not None else 2,
                                       (i.mean / i.points if i.points and i.mean is not None else 2), i.order))


def _num(x, digits=3):
    return "" if x is None else f"{round(x, digits):g}"


def write_csv(path: Path, header, rows) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


@dataclass
class Seen:
    """One recorded mistake of an assignment, and the students whose failures match it."""
    assignment: str
    cell: str
    name: str
    about: str
    generic: bool
    alone: list = field(default_factory=list)    # feedback names this mistake alone
    among: list = field(default_factory=list)    # ...as one of several with the same failures


def mistakes_seen(course: Path, rows, assignments, folder: Path | None = None) -> tuple[list, dict]:
    """([Seen] for every recorded mistake, {assignment: why there is no count}) from each graded
    student's autograded notebook and scores, matched as their feedback does."""
    import nbformat

    from . import feedback

    seen, missing = [], {}
    for a in assignments:
        record = feedback.load_record(a, folder)
        paths = [course / d / a / f"{a}.ipynb" for d in ("source", "release")]
        if record is None or not all(p.is_file() for p in paths):
            missing[a] = ("no mistake record (python -m course mutants --record)" if record is None
                          else "no source/ or release/ notebook")
            continue
        source_nb, release_nb = (nbformat.read(p, as_version=4) for p in paths)
        mine = {e["name"]: Seen(a, e["cell"], e["name"], feedback.mistake_plain(e), bool(e.get("generic")))
                for e in record.get("mistakes", [])}
        for r in rows:
            path = course / "autograded" / r.student / a / f"{a}.ipynb"
            if r.assignment != a or r.status not in GRADED or r.auto is None or not path.is_file():
                continue
            nb = nbformat.read(path, as_version=4)
            failing = {t for t, score in r.scores.items() if score < r.points.get(t, 0)}
            for m in feedback.likely_mistakes(record, source_nb, release_nb, nb, failing):
                for e in m.mistakes:
                    (mine[e["name"]].alone if len(m.mistakes) == 1 else mine[e["name"]].among).append(r.student)
        seen += list(mine.values())
    return seen, missing


# ---------------------------------------------------------------- plots

def histogram_png(scores, maximum: float, title: str) -> str:
    """A bar chart of how many students got each autograded score, as base64 PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    top = max(maximum, max(scores, default=0))
    width = 1.0 if top <= 40 else float(np.ceil(top / 40))
    edges = np.arange(0, top + width + 1e-9, width)
    counts, edges = np.histogram(scores, bins=edges)
    fig, ax = plt.subplots(figsize=(6.4, 2.4), dpi=80)
    ax.bar(edges[:-1], counts, width=width * 0.9, align="edge", color="#3b6ea5")
    ax.set_xlim(0, edges[-1])
    ax.set_xlabel("autograded points")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})  # no version string: stable bytes
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


# ---------------------------------------------------------------- writing

CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;color:#222;line-height:1.4}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.2em .5em;text-align:right;vertical-align:top}
th{background:#f0f0f0}td.l,th.l{text-align:left}td.n{white-space:nowrap}
.bar{display:inline-block;height:.8em;background:#3b6ea5;vertical-align:middle}
.bad{background:#fde2e1}.warn{background:#fff4cc}.muted{color:#777}
code{font-size:90%}
"""


def _e(x) -> str:
    return html.escape(str(x))


def write(course: Path, assignments=None, out: Path | None = None, log=print, mistakes: Path | None = None) -> list[Path]:
    """Write report.html and the CSV files; returns their paths (report.html first)."""
    out = out or course / "reports"
    log(f"reading the gradebook and reports/grading.json of {course}")
    items, rows, students, assignments, course_id = collect(course, assignments)
    out.mkdir(parents=True, exist_ok=True)
    counts = status_counts(rows, assignments)
    seen, no_record = mistakes_seen(course, rows, assignments, mistakes)

    write_csv(out / "report-status.csv", ["assignment", "students", *STATUSES, "review"],
              [[c["assignment"], c["students"], *[c[s] for s in STATUSES], c["review"]] for c in counts])
    write_csv(out / "report-items.csv",
              ["assignment", "test", "points", "graded", "full_marks", "pass_rate", "mean_score", "checks"],
              [[i.assignment, i.grade_id, f"{i.points:g}", len(i.scores), i.full, _num(i.pass_rate),
                _num(i.mean), i.doc] for a in assignments for i in items_sorted(items, a)])
    write_csv(out / "report-students.csv",
              ["student", "assignment", "status", "autograded", "autograded_max", "total", "total_max",
               "needs_manual_grading", "review", "notes"],
              [[r.student, r.assignment, r.status, _num(r.auto), f"{r.auto_max:g}", _num(r.total),
                f"{r.total_max:g}", int(r.needs_manual), len(r.review), " | ".join(r.notes)] for r in rows])

    write_csv(out / "report-mistakes.csv",
              ["assignment", "cell", "mistake", "about", "generic", "students", "students_among_several",
               "who", "who_among_several"],
              [[m.assignment, m.cell, m.name, m.about, int(m.generic), len(m.alone), len(m.among),
                " ".join(m.alone), " ".join(m.among)] for m in seen])

    h = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         f"<title>Grading report: {_e(course_id)}</title><style>{CSS}</style></head><body>",
         f"<h1>Grading report: {_e(course_id)}</h1>",
         f"<p>{len(students)} students, {len(assignments)} assignment(s). Autograded points are the "
         "locked test cells; totals add the hand-graded answers given so far. Written by "
         "<code>python -m course report</code> from the gradebook and <code>reports/grading.json</code>.</p>",
         "<h2 id=\"status\">Status</h2>",
         _table(["assignment", "students", *STATUSES, "on review list"],
                [[c["assignment"], c["students"], *[c[s] or "" for s in STATUSES], c["review"] or ""]
                 for c in counts], left=1),
         "<p class=\"muted\">ok: graded; timeout: a cell was interrupted; kernel-died: graded up to the "
         "cell where the kernel died; tampered: the tripwire fired, scores untrustworthy; missing: "
         "nothing handed in; broken: not a readable notebook; error: nbgrader failed; interrupted: not "
         "graded yet. The review list holds code an honest answer never needs (it changes no score).</p>"]
    look = [r for r in rows if r.status != "ok" or r.review]
    if look:
        h.append("<h3>Submissions to look at</h3><ul>")
        for r in look:
            detail = "".join(f"<li>{_e(n)}</li>" for n in r.notes) + \
                "".join(f"<li>review: {_e(n)}</li>" for n in r.review)
            h.append(f"<li><b>{_e(r.student)}</b> / {_e(r.assignment)}: {_e(r.status)}"
                     + (" (review)" if r.review else "") + (f"<ul>{detail}</ul>" if detail else "") + "</li>")
        h.append("</ul>")

    for a in assignments:
        log(f"  {a}: plot and item analysis")
        mine = [r for r in rows if r.assignment == a]
        scored = sorted(r.auto for r in mine if r.auto is not None)
        auto_max = mine[0].auto_max if mine else 0.0
        h.append(f"<h2 id=\"{_e(a)}\">{_e(a)}</h2>")
        if scored:
            mean = sum(scored) / len(scored)
            mid = len(scored) // 2
            median = scored[mid] if len(scored) % 2 else (scored[mid - 1] + scored[mid]) / 2
            h.append(f"<p>{len(scored)} graded submission(s) of {len(mine)} students; autograded points: "
                     f"mean {mean:.1f}, median {median:g}, of {auto_max:g}.</p>")
            png = histogram_png(scored, auto_max, f"{a}: autograded points (n={len(scored)})")
            h.append(f"<img alt=\"distribution of autograded points in {_e(a)}\" "
                     f"src=\"data:image/png;base64,{png}\">")
        else:
            h.append("<p>No graded submissions.</p>")
        body = []
        for i in items_sorted(items, a):
            rate = i.pass_rate
            cls = "" if rate is None or rate >= 0.8 else (" class=\"warn\"" if rate >= 0.5 else " class=\"bad\"")
            bar = "" if rate is None else f"<span class=\"bar\" style=\"width:{rate * 6:.2f}em\"></span> "
            body.append(f"<tr{cls}><td class=\"l\"><code>{_e(i.grade_id)}</code></td><td class=\"l\">{_e(i.doc)}</td>"
                        f"<td>{i.points:g}</td><td class=\"l n\">{bar}{'' if rate is None else f'{rate:.0%}'}"
                        f" ({i.full}/{len(i.scores)})</td><td>{_num(i.mean, 2)}</td></tr>")
        h.append("<h3>Item analysis (most-failed tests first)</h3>"
                 "<table><tr><th class=\"l\">test cell</th><th class=\"l\">what it checks</th><th>points</th>"
                 "<th class=\"l\">full marks</th><th>mean score</th></tr>" + "".join(body) + "</table>")
        h += mistakes_html(a, [m for m in seen if m.assignment == a], no_record.get(a))

    h.append("<h2 id=\"students\">Students</h2>")
    head = ["student"] + [f"{a} (of {next((r.auto_max for r in rows if r.assignment == a), 0):g})"
                          for a in assignments] + ["autograded total"]
    body = []
    for s in students:
        cells, total = [], 0.0
        for a in assignments:
            r = next(r for r in rows if r.student == s and r.assignment == a)
            total += r.auto or 0.0
            text = "" if r.auto is None else f"{r.auto:g}"
            if r.status != "ok":
                text += f" {r.status}"
            if r.review:
                text += " review"
            if r.needs_manual:
                text += " <span class=\"muted\">+hand</span>"
            cls = " class=\"bad\"" if r.status not in ("ok",) else (" class=\"warn\"" if r.review else "")
            cells.append(f"<td{cls}>{text.strip()}</td>")
        body.append(f"<tr><td class=\"l\">{_e(s)}</td>{''.join(cells)}<td>{total:g}</td></tr>")
    h.append(_table(head, [], left=1).replace("</table>", "".join(body) + "</table>"))
    h.append("<p class=\"muted\">+hand: written answers still to be graded by hand (nbgrader formgrade). "
             "The same numbers are in report-status.csv, report-items.csv, report-students.csv and "
             "report-mistakes.csv.</p>")
    h.append("</body></html>\n")
    (out / "report.html").write_text("\n".join(h))
    return [out / f for f in FILES]


def mistakes_html(a: str, seen: list, missing: str | None) -> list[str]:
    """The assignment's table of catalogued mistakes and how many students made each."""
    out = ["<h3>Catalogued mistakes seen (most frequent first)</h3>"]
    if missing:
        return out + [f"<p class=\"muted\">Not counted: {_e(missing)}.</p>"]
    rows = sorted((m for m in seen if m.alone or m.among), key=lambda m: (-len(m.alone), -len(m.among), m.cell, m.name))
    if rows:
        body = "".join(
            f"<tr><td class=\"l\"><code>{_e(m.cell)}</code></td><td class=\"l\"><code>{_e(m.name)}</code></td>"
            f"<td class=\"l\">{_code(m.about)}</td><td>{len(m.alone) or ''}</td><td>{len(m.among) or ''}</td>"
            f"<td class=\"l\">{_e(', '.join(m.alone + [s + ' (?)' for s in m.among]))}</td></tr>" for m in rows)
        out.append("<table><tr><th class=\"l\">exercise cell</th><th class=\"l\">mistake</th>"
                   "<th class=\"l\">what it is</th><th>students</th><th>one of several</th>"
                   "<th class=\"l\">who</th></tr>" + body + "</table>")
    else:
        out.append("<p>No submission's failures match a catalogued mistake exactly.</p>")
    unseen = sum(not (m.alone or m.among) for m in seen)
    out.append(f"<p class=\"muted\">A student counts for a mistake when the test cells they fail that can reach the "
               f"exercise are exactly those the mistake fails (lessons/mistakes/{_e(a)}.json); \"one of several\": "
               f"other catalogued mistakes fail the same cells, and their feedback lists them all. "
               f"{unseen} other recorded mistake{'' if unseen == 1 else 's'} {'was' if unseen == 1 else 'were'} seen in no submission "
               f"(all in report-mistakes.csv).</p>")
    return out


def _code(text: str) -> str:
    """Escaped text whose `backticks` become <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


def _table(head, rows, left=0) -> str:
    """An HTML table; the first `left` columns are left-aligned (names), the rest numbers."""
    def cls(k):
        return ' class="l"' if k < left else ""
    th = "".join(f"<th{cls(k)}>{_e(x)}</th>" for k, x in enumerate(head))
    tr = "".join("<tr>" + "".join(f"<td{cls(k)}>{_e(x)}</td>" for k, x in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><tr>{th}</tr>{tr}</table>"
