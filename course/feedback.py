"""Feedback that teaches: the likely mistake, model answers and quiz explanations.

nbgrader's `generate_feedback` runs the preprocessor `course.nbgrader_plugins.TeachingFeedback`
(nbgrader_config.py), which calls `teach()` here on each graded notebook before it becomes HTML.
`teach()` adds, as plain markdown cells (nbgrader's own feedback template renders them):

- after a solution cell E, a "likely mistake" box when the student's failing test cells, restricted
  to those that can reach E (`course.mutants.reach`), are exactly the test cells a catalogued
  mistake at E fails when it is the only mistake (lessons/mistakes/<part>.json, written by
  `python -m course mutants --record`), and the student's E differs from the stub and from the
  solution. Several mistakes with that failing set: "one of these". For a plain answer (a quiz
  letter, a number), the answer must also be the mistake's answer. No exact match, no guess;
  failing checks of other exercises that the mistake explains say "because Exercise E is wrong";
- after every written answer graded by hand, the model answer (the source notebook's cell);
- after every quiz test cell, the correct answer (the source solution) and the message of the
  hidden assert of that test: its text, never its code.
"""
from __future__ import annotations

import ast
import html
import json
import re
import textwrap
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from nbformat.notebooknode import NotebookNode

from .common import LESSONS

MISTAKES = LESSONS / "mistakes"
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
HIDDEN = re.compile(r"^\s*### BEGIN HIDDEN TESTS\s*$(.*?)^\s*### END HIDDEN TESTS\s*$", re.M | re.S)
BOX = "course-feedback"


# ---------------------------------------------------------------- reading

def load_record(part: str, folder: Path | None = None) -> dict | None:
    path = Path(folder or MISTAKES) / f"{part}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text())


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def gid(cell) -> str | None:
    return _meta(cell).get("grade_id")


def literal_answers(source: str) -> dict | None:
    """{name: value} of every name set at the top level of a cell to a literal (the last value
    wins); None when a name is set to anything else or the cell does not parse. Never runs code."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if not isinstance(target, ast.Name):
                    return None
                try:
                    out[target.id] = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    return None
        elif not isinstance(node, (ast.Expr, ast.Pass)):
            return None
    return out


def norm(value):
    """A JSON value that two answers the tests treat alike share ("d " and "D", 8 and 8.0)."""
    import numbers
    if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        return bool(value)
    if isinstance(value, str):
        return value.strip().upper()
    if isinstance(value, numbers.Number):
        try:
            return float(f"{float(value):.9g}")
        except (TypeError, ValueError):
            return repr(value)
    if isinstance(value, dict):
        return {str(k): norm(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        seq = value.tolist() if hasattr(value, "tolist") else value
        return [norm(v) for v in seq] if isinstance(seq, (list, tuple)) else norm(seq)
    return None if value is None else repr(value)


def between_markers(source: str) -> str:
    """The solution part of a source cell (between nbgrader's markers), else the cell without them."""
    lines, inside, found = [], False, False
    for ln in source.splitlines():
        m = MARKER.match(ln)
        if m:
            inside, found = m.group(1) == "BEGIN", True
        elif inside:
            lines.append(ln)
    if not found:
        lines = [ln for ln in source.splitlines() if not MARKER.match(ln)]
    return "\n".join(lines).strip()


def hidden_messages(test_source: str) -> list[str]:
    """The messages of the hidden asserts of a test cell that are plain strings (never f-strings,
    which would quote code)."""
    out = []
    for block in HIDDEN.findall(test_source):
        try:
            tree = ast.parse(textwrap.dedent(block))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assert) and isinstance(node.msg, ast.Constant) and isinstance(node.msg.value, str):
                out.append(node.msg.value.strip())
    return out


def exercise_labels(source_nb) -> dict:
    """solution grade_id -> how the lesson names its exercise ("Exercise 3 — softmax", "Question 2")."""
    heading = re.compile(r"^\s*#{1,6}\s+(.+?)\s*$|^\s*\*\*(Question \d+)\.?\*\*", re.M)
    out, last = {}, None
    for cell in source_nb.cells:
        if cell.cell_type == "markdown" and not _meta(cell).get("solution"):
            found = [m.group(1) or m.group(2) for m in heading.finditer(cell.source)]
            if found:
                last = found[-1]
        if _meta(cell).get("solution") and cell.cell_type == "code":
            label = re.sub(r"\s*\((?:[^()]*points?|~\s*\d+ min)[^()]*\)", "", last or "").strip(" .:")
            g = gid(cell)
            out[g] = (label if g in label else f"{label} (`{g}`)") if label else f"`{g}`"
    return out


# ---------------------------------------------------------------- matching

@dataclass
class Match:
    cell: str                     # the solution cell the mistake is in
    label: str                    # how the lesson names its exercise
    mistakes: list                # record entries with exactly this failing set (one, or "one of these")
    fails: list                   # the student's failing test cells this explains
    elsewhere: list = field(default_factory=list)  # ...of them, those in other exercises


def failing_tests(nb) -> set:
    """Autograded test cells that scored below their points (GetGrades put score and points in)."""
    out = set()
    for cell in nb.cells:
        m = _meta(cell)
        if m.get("grade") and not m.get("solution") and m.get("score") is not None \
                and float(m["score"]) < float(m.get("points") or 0):
            out.add(m["grade_id"])
    return out


def likely_mistakes(record: dict, source_nb, release_nb, student_nb, failing: set) -> list[Match]:
    """The catalogued mistakes whose failing set a student's failures match exactly, per solution cell."""
    from . import democlass
    from .mutants import reach

    if not record or not failing:
        return []
    src = {gid(c): c for c in source_nb.cells if _meta(c).get("solution") and c.cell_type == "code"}
    stub = {gid(c): c.source for c in release_nb.cells if gid(c) in src}
    mine = {gid(c): c.source for c in student_nb.cells if gid(c) in src}
    # Test cells that can reach a cell: as recorded (the catalogue's variants), and through what the
    # student wrote (their code may call other cells): more tests is more conservative.
    reached = reach(source_nb, {g: [s] for g, s in mine.items()})["affected"]
    exercise = democlass.exercises(source_nb)
    labels = exercise_labels(source_nb)
    # A plain answer (a quiz letter, a number) that is not the solution's explains its own test's
    # failure, even where that test can also reach E: such tests say nothing about E.
    wrong = {g for g in src if g in mine and _wrong_answer(mine[g], democlass.solution_text(src[g]))}
    by_cell = {}
    for e in record.get("mistakes", []):
        if len(e.get("cells", [e["cell"]])) == 1 and e.get("fails"):
            by_cell.setdefault(e["cell"], []).append(e)
    allowed, tests = {}, {}
    for g, entries in by_cell.items():
        text = mine.get(g, "").strip()
        if g not in mine or text in (stub.get(g, "").strip(), democlass.solution_text(src[g]).strip()):
            continue
        tests[g] = set(record.get("reach", {}).get(g, [])) | reached.get(g, set())
        allowed[g] = _same_answer(entries, text)

    def blurred(*cells):
        return {t for t, owner in exercise.items() if owner in wrong and owner not in cells}

    def match(g, found, seen):
        fails = sorted(seen)
        return Match(g, labels.get(g, f"`{g}`"), found, fails, [t for t in fails if exercise.get(t) != g])

    out = []
    for g, entries in allowed.items():
        b = blurred(g)
        seen = (failing & tests[g]) - b
        found = _realistic([e for e in entries if set(e["fails"]) - b == seen and seen])
        if found:
            out.append(match(g, found, seen))
    # Two mistakes that feed the same later checks (a wrong split_heads in the attention that uses
    # it; a missing check in head_dim next to a wrong scale in the attention): named together only
    # when exactly one pair of recorded failing sets, each explaining a failure the other does not,
    # makes up the student's failures where either cell reaches. (Mistakes that interact, such as a
    # plain reshape in both split and merge, which undo each other in the round trip, add up to no
    # pair: no guess.)
    done = {m.cell: m.mistakes for m in out}
    for g1, g2 in combinations(list(allowed), 2):
        if g1 in done and g2 in done:
            continue
        b = blurred(g1, g2)
        seen = (failing & (tests[g1] | tests[g2])) - b
        pairs = _realistic_pairs([(e1, e2) for e1 in done.get(g1, allowed[g1]) for e2 in done.get(g2, allowed[g2])
                                  if (set(e1["fails"]) | set(e2["fails"])) - b == seen
                                  and not set(e1["fails"]) - b <= set(e2["fails"])
                                  and not set(e2["fails"]) - b <= set(e1["fails"])])
        if seen and len({(frozenset(e1["fails"]), frozenset(e2["fails"])) for e1, e2 in pairs}) == 1:
            for g, i in ((g1, 0), (g2, 1)):
                if g not in done:
                    found = list({id(p[i]): p[i] for p in pairs}.values())
                    out.append(match(g, found, (failing & tests[g]) - b))
                    done[g] = found
    return out


def _same_answer(entries: list, text: str) -> list:
    """The entries a plain answer (a quiz letter, a number) can be: those with the student's answer."""
    if not any("answer" in e for e in entries):
        return entries
    answers = literal_answers(text)
    if answers is None:
        return [e for e in entries if "answer" not in e]
    mine_norm = {n: norm(v) for n, v in answers.items()}
    return [e for e in entries if "answer" not in e or all(mine_norm.get(n) == v for n, v in e["answer"].items())]


def _realistic(found: list) -> list:
    """Generic mutants (zeros, wrong type, ...) probe the tests; a catalogued realistic mistake with
    the same failures is the better explanation."""
    return [e for e in found if not e.get("generic")] or found


def _realistic_pairs(pairs: list) -> list:
    return [p for p in pairs if not p[0].get("generic") and not p[1].get("generic")] or pairs


def _wrong_answer(student: str, solution: str) -> bool:
    """Is a plain-answer cell (literals only) answered otherwise than the solution?"""
    mine, right = literal_answers(student), literal_answers(solution)
    if not mine or not right:
        return False
    return any(norm(mine.get(n)) != norm(v) for n, v in right.items())


# ---------------------------------------------------------------- the feedback cells

def _text(s: str) -> str:
    return html.escape(s.strip(), quote=False)


def mistake_plain(e: dict) -> str:
    """What the mistake is, in words (a generic mutant's words start with the name it changes)."""
    about = e.get("about", "").strip() or e["name"]
    return f"`{e['name'].split(':')[0]}` {about}" if e.get("generic") else about


def mistake_text(e: dict) -> str:
    return _text(mistake_plain(e))


def _box(kind: str, css: str, body: str) -> NotebookNode:
    # An HTML block ends at a blank line, so the markdown between the two tags is rendered (math too).
    source = f'<div class="alert {css} {BOX} {kind}" role="note">\n\n{body.strip()}\n\n</div>'
    return NotebookNode(cell_type="markdown", metadata={"course_feedback": kind}, source=source,
                        id=f"{BOX}-{kind}")


def mistake_box(m: Match) -> NotebookNode:
    checks = ", ".join(f"`{t}`" for t in m.fails)
    said = {}  # catalogue entries that read the same (the same about and hint) are shown once
    for e in m.mistakes:
        said.setdefault((mistake_text(e), e.get("hint", "").strip()), e)
    mistakes = list(said.values())
    if len(mistakes) == 1:
        e = mistakes[0]
        body = f"**Likely mistake in {m.label}:** {mistake_text(e)}"
        if e.get("hint", "").strip():
            body += f"\n\n**Hint:** {_text(e['hint'])}"
    else:
        items = []
        for e in mistakes:
            item = f"- {mistake_text(e)}"
            if e.get("hint", "").strip():
                item += f" — **Hint:** {_text(e['hint'])}"
            items.append(item)
        body = (f"**Likely mistake in {m.label}, one of these** (each fails exactly the same checks):\n\n"
                + "\n".join(items))
    body += (f"\n\n{'This mistake fails' if len(mistakes) == 1 else 'Each of them fails'} exactly the "
             f"checks your answer fails: {checks}.")
    return _box("likely-mistake", "alert-warning", body)


def cascade_box(m: Match) -> NotebookNode:
    return _box("because", "alert-warning",
                f"This check fails because {m.label} is wrong (see the likely mistake there): fix that first.")


def model_answer_box(text: str) -> NotebookNode:
    text = text.strip()
    head = "" if text.lstrip("*_ ").lower().startswith("model answer") else "**Model answer.** "
    return _box("model-answer", "alert-info", head + text)


def quiz_box(answer: str, why: list[str]) -> NotebookNode:
    body = f"**Correct answer:** `{answer}`" if "\n" not in answer else \
        "**Correct answer:**\n\n```python\n" + answer + "\n```"
    if why:
        body += "\n\n**Why:** " + " ".join(_text(w) for w in why)
    return _box("quiz-answer", "alert-info", body)


def teach(nb, source_nb, release_nb, record: dict | None):
    """Insert the feedback cells into a graded notebook (nbgrader's scores already in its metadata)."""
    from . import democlass

    exercise = democlass.exercises(source_nb)
    src = {gid(c): c for c in source_nb.cells if gid(c)}
    matches = likely_mistakes(record, source_nb, release_nb, nb, failing_tests(nb))
    after: dict[str, list] = {}
    for m in matches:
        after.setdefault(m.cell, []).append(mistake_box(m))
        for t in m.elsewhere:
            after.setdefault(t, []).append(cascade_box(m))
    cells, n = [], 0
    for cell in nb.cells:
        cells.append(cell)
        g, meta = gid(cell), _meta(cell)
        extra = list(after.get(g, []))
        source_cell = src.get(g)
        if source_cell is not None and meta.get("grade") and meta.get("solution") and cell.cell_type == "markdown":
            extra.append(model_answer_box(between_markers(source_cell.source)))
        owner = exercise.get(g)
        if source_cell is not None and meta.get("grade") and not meta.get("solution") \
                and owner and owner.startswith("quiz_") and owner in src:
            extra.append(quiz_box(between_markers(src[owner].source), hidden_messages(source_cell.source)))
        for box in extra:
            n += 1
            box["id"] = f"{box['id']}-{n}"
            cells.append(box)
    nb.cells = cells
    return nb
