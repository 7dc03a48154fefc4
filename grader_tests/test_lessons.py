"""Every part: structure, no leaks, no drift, and the demo class grades exactly as promised."""
from __future__ import annotations

import re

import nbformat
import pytest

from course import democlass
from course.build import lesson_to_notebook, notebook_text, write_release, write_source
from course.common import ROOT, parts
from course.readable import accessibility
from course.robust import robustness
from course.validate import block_lines, leaks, lint, student_view

from .conftest import source_nb

PARTS = parts()


def test_course_has_parts():
    """The lessons folder defines the course's parts."""
    assert PARTS, "no lessons/NN_*.py found"


@pytest.mark.parametrize("part", PARTS)
def test_nbgrader_metadata_is_valid(part):
    """Unique grade ids, a test after every solution, docstrings, points in headings add up."""
    problems = lint(lesson_to_notebook(part))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("part", PARTS)
def test_source_and_release_are_what_the_build_produces(part, tmp_path):
    """source/ and release/ in the repository match a fresh build of lessons/ byte for byte, files included."""
    write_source(part, tmp_path)
    write_release(part, tmp_path)
    for kind in ("source", "release"):
        built, committed = tree(tmp_path / kind / part), tree(ROOT / kind / part)
        assert f"{part}.ipynb" in committed, f"{kind}/{part}/{part}.ipynb is missing: run `python -m course build`"
        differ = sorted(name for name in set(built) | set(committed) if built.get(name) != committed.get(name))
        assert not differ, (f"{kind}/{part} drifted from lessons/ in {differ[:5]}: "
                            f"run `python -m course build --part {part}`")


def tree(folder) -> dict:
    """relative path -> bytes of every file under `folder`."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("part", PARTS)
def test_release_leaks_nothing(part):
    """No solution code, hidden test, model answer or marker in the student's notebook, no outputs."""
    rel = nbformat.read(ROOT / "release" / part / f"{part}.ipynb", as_version=4)
    problems = leaks(lesson_to_notebook(part), rel)
    problems += [f"cell {c.get('id')} has outputs" for c in rel.cells if c.get("outputs")]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("part", PARTS)
def test_student_meets_every_graded_name_before_its_test(part):
    """The release names every variable its tests read before they are due, never says "seed", and its times add up."""
    rel = nbformat.read(ROOT / "release" / part / f"{part}.ipynb", as_version=4)
    problems = student_view(lesson_to_notebook(part), rel)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("part", PARTS)
def test_every_picture_and_heading_is_readable(part):
    """Headings in order; every image has alt text and exists; every plot has a title, axis labels, a safe colour map and a caption."""
    problems = accessibility(lesson_to_notebook(part), ROOT / "source" / part)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("part", PARTS)
def test_notebook_grades_the_same_on_cocalc_and_checks_its_environment(part):
    """No test reads a name only a locked non-test cell defines (CoCalc restores test cells only); the first cell checks the pins."""
    problems = robustness(lesson_to_notebook(part))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("part", PARTS)
def test_solution_scores_full_marks(part, graded):
    """The source notebook's solutions execute cleanly and earn every autograded point."""
    course, outcomes = graded
    o = outcomes[("complete", part)]
    assert o.status == "ok", f"{o.status}: {o.notes}"
    auto = {g: p for g, (p, kind) in democlass.graded_cells(source_nb(course, part)).items() if kind == "code"}
    lost = {g: o.cells.get(g) for g, p in auto.items() if o.cells.get(g, [None])[0] != p}
    assert not lost, f"the solution loses points in {lost}"


@pytest.mark.parametrize("part", PARTS)
def test_untouched_release_scores_zero(part, graded):
    """The release as students receive it scores 0 on every code exercise (and every question)."""
    course, outcomes = graded
    o = outcomes[("untouched", part)]
    assert o.status == "ok", f"{o.status}: {o.notes}"
    earned = {g: s for g, (s, _) in o.cells.items() if s}
    assert not earned, f"an untouched release earns points in {earned}"
    assert o.score == 0, f"untouched release scored {o.score}"


@pytest.mark.parametrize("student", democlass.MISTAKE_STUDENTS)
@pytest.mark.parametrize("part", PARTS)
def test_each_mistake_loses_points_exactly_in_its_tests(part, student, graded):
    """A typical mistake fails the tests that target it and no other."""
    course, outcomes = graded
    problems = democlass.mismatches(source_nb(course, part), outcomes[(student, part)], part)
    about = democlass.mistakes(part)[student]["about"]
    assert not problems, f"{student} ({about}):\n" + "\n".join(problems)


@pytest.mark.parametrize("part", PARTS)
def test_every_test_cell_is_seen_failing(part, graded):
    """Each graded test cell fails for at least one wrong submission (untouched or a mistake)."""
    course, outcomes = graded
    cells = democlass.graded_cells(source_nb(course, part))
    never = [g for g, (p, kind) in cells.items() if kind == "code" and all(
        (outcomes[(s, part)].cells.get(g, [p])[0] or 0) >= p for s in ("untouched",) + democlass.MISTAKE_STUDENTS)]
    assert not never, f"test cells no wrong submission fails: {never}"


def readme_points() -> dict:
    """The README's point table: part -> (autograded, by hand)."""
    text = (ROOT / "README.md").read_text()
    return {m[0]: (float(m[1]), float(m[2])) for m in
            re.findall(r"^\| `(\d\d_\w+)` \| (\d+(?:\.\d+)?) \| (\d+(?:\.\d+)?) \|", text, re.M)}


@pytest.mark.parametrize("part", PARTS)
def test_readme_point_table_matches_the_notebook(part):
    """README lists each part with the points its notebook really gives."""
    cells = democlass.graded_cells(lesson_to_notebook(part))
    auto = sum(p for p, k in cells.values() if k == "code")
    manual = sum(p for p, k in cells.values() if k == "manual")
    assert readme_points().get(part) == (auto, manual), \
        f"README says {readme_points().get(part)} for {part}, the notebook gives (auto, manual) = {(auto, manual)}"


def readme_times() -> dict:
    """The README's parts table: part -> (core minutes, going-further minutes)."""
    text = (ROOT / "README.md").read_text()
    return {m[0]: (int(m[1]), int(m[2])) for m in
            re.findall(r"^\| `(\d\d_\w+)` \|.*\| about (\d+) min \+ (\d+) min optional \|$", text, re.M)}


@pytest.mark.parametrize("part", PARTS)
def test_readme_time_table_matches_the_notebook(part):
    """README states each part's core and going-further time as its notebook's title does."""
    from course.validate import time_estimates
    stated = time_estimates(lesson_to_notebook(part))
    assert readme_times().get(part) == stated, \
        f"README says {readme_times().get(part)} for {part}, the notebook's title says (core, going further) = {stated}"


def test_regrading_gives_identical_scores(graded):
    """Autograding the same submissions again gives the same score in every cell."""
    from course.grade import grade_class
    course, outcomes = graded
    part = PARTS[0]
    again = grade_class(course, [part], ["complete", "alice"], jobs=2, sandbox=True, log=lambda *a: None)
    for o in again:
        first = outcomes[(o.student, part)]
        assert o.cells == first.cells, f"{o.student}/{part}: {first.cells} then {o.cells}"


def test_feedback_hides_hidden_tests(graded):
    """Feedback tells students which tests failed, never the hidden tests' code or markers."""
    from course.demo import feedback
    course, outcomes = graded
    part = PARTS[0]
    feedback(course, [part])
    html = (course / "feedback" / "alice" / part / f"{part}.html").read_text()
    assert "BEGIN HIDDEN TESTS" not in html
    hidden = [ln for kind, ln in block_lines(source_nb(course, part)) if kind == "hidden tests"]
    assert hidden, "the part has no hidden test lines to look for"
    import html as _html
    text = _html.unescape(re.sub(r"<[^>]+>", "", html))
    shown = [ln for ln in hidden if ln in text]
    assert not shown, f"feedback shows hidden test lines: {shown[:3]}"


def test_feedback_names_each_failed_check_and_its_message(graded):
    """For every test a student failed, feedback shows the test's name, its 0 score and the error message."""
    import html as _html

    from course.demo import feedback
    course, outcomes = graded
    part = PARTS[0]
    feedback(course, [part])
    text = _html.unescape(re.sub(r"<[^>]+>", "", (course / "feedback" / "alice" / part / f"{part}.html").read_text()))
    graded_nb = nbformat.read(course / "autograded" / "alice" / part / f"{part}.ipynb", as_version=4)
    errors = {democlass.gid(c): o for c in graded_nb.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error" and democlass.gid(c)}
    failed = [g for g, (got, mx) in outcomes[("alice", part)].cells.items() if got == 0 and g in errors]
    assert failed, "alice fails no autograded test with an error in this part"
    missing = [g for g in failed if f"Grade cell: {g}" not in text
               or f"Score: 0.0 / {outcomes[('alice', part)].cells[g][1]}" not in text
               or f"{errors[g]['ename']}: {errors[g]['evalue']}".splitlines()[0] not in text]
    assert not missing, f"feedback does not name these failed checks with score and message: {missing}"


@pytest.mark.parametrize("part", PARTS)
def test_demo_class_raises_no_false_alarm(part, graded):
    """Honest submissions, right or wrong, are never put on the review list for suspicious code."""
    course, outcomes = graded
    flagged = {s: outcomes[(s, part)].review for s in democlass.STUDENTS if outcomes[(s, part)].review}
    assert not flagged, f"honest demo students flagged: {flagged}"


@pytest.mark.parametrize("part", PARTS)
def test_every_test_cell_is_all_or_nothing(part, graded):
    """Each test cell scores 0 or full marks, so CoCalc (all-or-nothing per cell) grades the same."""
    course, outcomes = graded
    partial = [(s, g, got) for (s, p), o in outcomes.items() if p == part
               for g, got in o.cells.items() if got[0] not in (None, 0.0, got[1])]
    assert not partial, f"partial credit inside a cell: {partial}"
