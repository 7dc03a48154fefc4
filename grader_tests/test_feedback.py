"""Feedback that teaches: likely mistakes named from lessons/mistakes/, model answers, quiz explanations.

The demo class's feedback is generated (nbgrader generate_feedback, as `make demo`) on the graded
demo course of conftest.py; the assertions read the HTML a student receives.
"""
from __future__ import annotations

import html
import re
import runpy

import nbformat
import pytest

from course import democlass, feedback
from course.build import lesson_to_notebook
from course.common import LESSONS, ROOT, parts
from course.grade import grade_class
from course.validate import block_lines

from .conftest import source_nb

PARTS = parts()
UNCATALOGUED_PART = "02_self_attention"
# Without a mask it averages the keys instead of the values (masked attention is right): no catalogued mistake
# fails exactly the checks this fails.
UNCATALOGUED = '''def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = attention_scores(Q, K)
    if mask is None:
        weights = softmax(scores, axis=-1)
        return weights @ np.asarray(K), weights
    mask = np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)
    any_allowed = mask.any(axis=-1, keepdims=True)
    scores = np.where(any_allowed, np.where(mask, scores, -np.inf), 0.0)
    weights = np.where(mask, softmax(scores, axis=-1), 0.0)
    return weights @ np.asarray(V), weights
'''


def generate(course, part, students) -> None:
    """nbgrader generate_feedback for these students, as `make demo` does for the whole class."""
    from course.nbgrader_api import api_for
    api = api_for(course)
    for student in students:
        result = api.generate_feedback(part, student, force=True)
        assert result.get("success"), f"generate_feedback {part} {student}: {(result.get('error') or '')[-500:]}"


@pytest.fixture(scope="module")
def taught(graded):
    """The graded demo course with alice's, bob's and carol's feedback for every part."""
    course, outcomes = graded
    for part in PARTS:
        generate(course, part, democlass.MISTAKE_STUDENTS)
    return course, outcomes


def page(course, student, part) -> str:
    return (course / "feedback" / student / part / f"{part}.html").read_text()


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def boxes(page_html: str, kind: str) -> list[str]:
    """The HTML inside every feedback box of one kind (likely-mistake, because, model-answer, quiz-answer)."""
    out = []
    for m in re.finditer(rf'<div class="alert [^"]*\b{kind}\b[^"]*"[^>]*>', page_html):
        depth, i = 1, m.end()
        for t in re.finditer(r"<div\b|</div>", page_html[m.end():]):
            depth += 1 if t.group() == "<div" else -1
            if depth == 0:
                i = m.end() + t.start()
                break
        out.append(page_html[m.end():i])
    return out


def words(text: str) -> str:
    """What a reader sees of a plain text in a page: markdown marks dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"[`*]", "", text)).strip()


def catalogue_sources(part: str) -> dict:
    return {e["name"]: e["cells"] for e in runpy.run_path(str(LESSONS / "mutants" / f"{part}.py"))["MUTANTS"]}


def record_of(part: str) -> dict:
    record = feedback.load_record(part)
    assert record is not None, f"no lessons/mistakes/{part}.json: run `python -m course mutants --record --part {part}`"
    return record


def failing(outcome) -> set:
    return {g for g, (score, top) in outcome.cells.items() if score is not None and top and score < top
            and not g.startswith("q_")}


@pytest.mark.parametrize("part", PARTS)
def test_demo_students_are_told_each_catalogued_mistake_with_its_hint(part, taught):
    """alice, bob and carol: each demo mistake that is a catalogue entry, and whose failures no other mistake
    of theirs blurs (or which, with another of their mistakes, makes up exactly their failures), is named in a
    likely-mistake box with its about and hint; an entangled one is not guessed.
    (A wrong quiz or table answer explains its own test, so that test is left out when it also reaches the cell.)"""
    from course.mutants import graded_names
    course, outcomes = taught
    record, sources = record_of(part), catalogue_sources(part)
    src_nb = source_nb(course, part)
    owner = democlass.exercises(src_nb)
    plain = {democlass.gid(c) for c in src_nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get(
        "solution") and not graded_names(democlass.solution_text(c))}
    named, missing, guessed = 0, [], []
    for student in democlass.MISTAKE_STUDENTS:
        shown = " ".join(text_of(b) for b in boxes(page(course, student, part), "likely-mistake"))
        changed = democlass.mistakes(part)[student]["cells"]
        for cell, src in changed.items():
            blurred = {t for t, o in owner.items() if o != cell and o in changed and o in plain}
            fails = failing(outcomes[(student, part)]) - blurred
            for e in record["mistakes"]:
                if e["generic"] or e["cell"] != cell or sources.get(e["name"], {}).get(cell, "").strip() != src.strip():
                    continue
                about = words(feedback.mistake_plain(e))
                hint = words(e.get("hint", ""))
                told = about in words(shown) and hint in words(shown)
                if set(e["fails"]) - blurred == fails & set(record["reach"].get(cell, [])) or \
                        _explained_together(e, cell, changed, record, sources, owner, plain, failing(outcomes[(student, part)])):
                    named += told
                    if not told:
                        missing.append(f"{student}/{cell}: {e['name']} ({about!r}, hint {hint!r})")
                elif about in words(shown):
                    guessed.append(f"{student}/{cell}: {e['name']}: the student also fails "
                                   f"{sorted(fails & set(record['reach'].get(cell, [])) - set(e['fails']))}")
    assert not missing, f"{part}: catalogued demo mistakes not named with about and hint: {missing}"
    assert not guessed, f"{part}: mistakes named although other failures blur them (a guess): {guessed}"
    assert named, f"{part}: no demo mistake is a catalogue entry whose failures can be told apart"


def _explained_together(e, cell, changed, record, sources, owner, plain, failed) -> bool:
    """e and the student's catalogued mistake in another cell, each explaining a failure the other does
    not, make up exactly the student's failures where either cell reaches."""
    for other, src in changed.items():
        if other == cell:
            continue
        blurred = {t for t, o in owner.items() if o not in (cell, other) and o in changed and o in plain}
        seen = (failed - blurred) & (set(record["reach"].get(cell, [])) | set(record["reach"].get(other, [])))
        for e2 in record["mistakes"]:
            if e2["generic"] or e2["cell"] != other or sources.get(e2["name"], {}).get(other, "").strip() != src.strip():
                continue
            a, b = set(e["fails"]) - blurred, set(e2["fails"]) - blurred
            if a | b == seen and not a <= b and not b <= a:
                return True
    return False


def test_an_uncatalogued_wrong_answer_gets_the_plain_messages_and_no_guess(taught):
    """A wrong answer whose failures match no recorded mistake: its failed check and message, no likely-mistake box."""
    from course.mutants import write_submission
    course, _ = taught
    part, student = UNCATALOGUED_PART, "dave"
    write_submission(course, part, student, {"scaled_dot_product_attention": UNCATALOGUED})
    (o,) = grade_class(course, [part], [student], jobs=1, sandbox=True, log=lambda *a: None)
    fails = failing(o)
    assert "test_sdpa_matches_pytorch" in fails and fails <= {"test_sdpa_matches_pytorch", "test_sdpa_shapes_and_rows"}, \
        f"dave should fail the unmasked attention checks only, fails {sorted(fails)}"
    record = record_of(part)
    same = [e["name"] for e in record["mistakes"] if set(e["fails"]) == fails]
    assert not same, f"the 'uncatalogued' answer fails like recorded mistakes {same}: pick another answer"
    generate(course, part, [student])
    page_html = page(course, student, part)
    assert not boxes(page_html, "likely-mistake") and not boxes(page_html, "because"), \
        f"dave's feedback guesses a mistake: {[text_of(b) for b in boxes(page_html, 'likely-mistake')]}"
    text = text_of(page_html)
    assert "Grade cell: test_sdpa_matches_pytorch" in text and "output row 0 should be" in text, \
        "dave's feedback does not show the failed check and its message"


@pytest.mark.parametrize("part", PARTS)
def test_written_answers_are_followed_by_the_model_answer(part, taught):
    """After every hand-graded written answer comes the source notebook's model answer."""
    course, _ = taught
    page_html = page(course, "alice", part)
    src = source_nb(course, part)
    questions = [c for c in src.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")]
    shown = boxes(page_html, "model-answer")
    assert len(shown) == len(questions), f"{part}: {len(shown)} model answers for {len(questions)} written questions"
    for cell, box in zip(questions, shown):
        plain = re.findall(r"[A-Za-z][A-Za-z ,;'-]{30,}", re.sub(r"\$[^$]*\$|\*|`", "|", cell.source))
        assert plain and all(p.strip() in text_of(box) for p in plain[:3]), \
            f"{part}/{democlass.gid(cell)}: model answer not shown; box says {text_of(box)[:200]!r}"


@pytest.mark.parametrize("part", PARTS)
def test_quiz_tests_are_followed_by_the_answer_and_why(part, taught):
    """After every quiz test cell: the correct answer from the source and the hidden assert's message as text."""
    course, _ = taught
    page_html = page(course, "bob", part)
    src = source_nb(course, part)
    owner = democlass.exercises(src)
    by_id = {democlass.gid(c): c for c in src.cells}
    quizzes = [g for g, o in owner.items() if o.startswith("quiz_") and g != o]
    shown = boxes(page_html, "quiz-answer")
    assert len(shown) == len(quizzes), f"{part}: {len(shown)} quiz answers for {len(quizzes)} quiz tests"
    for g, box in zip([g for c in src.cells for g in [democlass.gid(c)] if g in quizzes], shown):
        answer = feedback.between_markers(by_id[owner[g]].source)
        why = feedback.hidden_messages(by_id[g].source)
        assert answer and answer in text_of(box), f"{part}/{g}: correct answer {answer!r} not in {text_of(box)!r}"
        assert why and all(words(w) in words(text_of(box)) for w in why), \
            f"{part}/{g}: explanation {why} not in {text_of(box)!r}"


@pytest.mark.parametrize("part", PARTS)
def test_feedback_with_boxes_shows_no_hidden_test_code(part, taught):
    """No demo student's feedback shows a hidden-test line or marker, boxes included."""
    course, _ = taught
    hidden = [ln.strip() for kind, ln in block_lines(source_nb(course, part)) if kind == "hidden tests"]
    for student in democlass.MISTAKE_STUDENTS:
        page_html = page(course, student, part)
        text = html.unescape(re.sub(r"<[^>]+>", "", page_html))
        assert "HIDDEN TESTS" not in text, f"{student}/{part}: a hidden-test marker is shown"
        # a hidden line as a line of the page, or anywhere in a box (a visible line may extend a hidden one:
        # `except Exception as _e:  # noqa: BLE001 - ...`)
        lines = {ln.strip() for ln in text.splitlines()}
        in_boxes = " ".join(html.unescape(re.sub(r"<[^>]+>", "", b)) for kind in (
            "likely-mistake", "because", "model-answer", "quiz-answer") for b in boxes(page_html, kind))
        shown = [ln for ln in hidden if ln in lines or ln in in_boxes]
        assert not shown, f"{student}/{part}: feedback shows hidden test lines: {shown[:3]}"


def test_likely_mistakes_need_the_exact_failing_set_and_the_same_quiz_answer():
    """Matching rules on Part 2: exact failing set only, 'one of these' for ties, a quiz answer must be the
    mistake's answer, an unchanged cell is never blamed."""
    part = "02_self_attention"
    src = lesson_to_notebook(part)
    release = nbformat.from_dict(src)
    for c in release.cells:
        if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code":
            c.source = "raise NotImplementedError()"
    wrong = {"n_connections": "def n_connections(n):\n    return n * (n - 1)\n", "quiz_scale_divisor": "quiz_scale_divisor = 64\n"}
    student = democlass.filled(src, release, wrong)
    record = {"reach": {"n_connections": ["test_a", "test_b"], "quiz_scale_divisor": ["test_q"]}, "mistakes": [
        {"name": "no_self", "cell": "n_connections", "cells": ["n_connections"], "about": "n (n - 1)", "hint": "h1",
         "generic": False, "fails": ["test_a", "test_b"]},
        {"name": "pairs", "cell": "n_connections", "cells": ["n_connections"], "about": "pairs", "hint": "",
         "generic": False, "fails": ["test_a", "test_b"]},
        {"name": "n_connections:zeros", "cell": "n_connections", "cells": ["n_connections"], "about": "zeros",
         "hint": "", "generic": True, "fails": ["test_a", "test_b"]},
        {"name": "q64", "cell": "quiz_scale_divisor", "cells": ["quiz_scale_divisor"], "about": "d_k", "hint": "",
         "generic": False, "fails": ["test_q"], "answer": {"quiz_scale_divisor": 64.0}},
        {"name": "q9", "cell": "quiz_scale_divisor", "cells": ["quiz_scale_divisor"], "about": "off by one",
         "hint": "", "generic": True, "fails": ["test_q"], "answer": {"quiz_scale_divisor": 9.0}},
        {"name": "softmax_bug", "cell": "softmax", "cells": ["softmax"], "about": "s", "hint": "",
         "generic": False, "fails": ["test_a"]},
    ]}
    found = {m.cell: sorted(e["name"] for e in m.mistakes)
             for m in feedback.likely_mistakes(record, src, release, student, {"test_a", "test_b", "test_q"})}
    assert found == {"n_connections": ["no_self", "pairs"], "quiz_scale_divisor": ["q64"]}, found
    found = {m.cell for m in feedback.likely_mistakes(record, src, release, student, {"test_a", "test_q"})}
    assert found == {"quiz_scale_divisor"}, f"a subset of a mistake's failures matched: {found}"
    record["reach"]["n_connections"].append("test_quiz_scale_divisor")  # a quiz test that also reaches the cell
    found = {m.cell: sorted(e["name"] for e in m.mistakes) for m in feedback.likely_mistakes(
        record, src, release, student, {"test_a", "test_b", "test_quiz_scale_divisor"})}
    assert found.get("n_connections") == ["no_self", "pairs"], \
        f"a wrong quiz answer's own failure hid the n_connections mistake: {found}"
    student = democlass.filled(src, release, {"quiz_scale_divisor": "quiz_scale_divisor = 32\n"})
    found = feedback.likely_mistakes(record, src, release, student, {"test_q"})
    assert not found, f"a quiz answer no mistake gives was matched: {[e['name'] for m in found for e in m.mistakes]}"


def test_the_grading_workers_feedback_job_teaches_too(taught):
    """`python -m course.worker feedback` (the grading path's job) writes the same boxes as `make demo`."""
    import subprocess
    import sys
    course, _ = taught
    part = UNCATALOGUED_PART
    path = course / "feedback" / "bob" / part / f"{part}.html"
    path.unlink()
    r = subprocess.run([sys.executable, "-m", "course.worker", "feedback", str(course), part, "bob"],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0 and path.is_file(), f"worker feedback failed: {r.stdout[-500:]}{r.stderr[-500:]}"
    page_html = path.read_text()
    assert boxes(page_html, "quiz-answer") and boxes(page_html, "model-answer") and \
        boxes(page_html, "likely-mistake"), "the worker's feedback has no quiz, model-answer or likely-mistake box"
