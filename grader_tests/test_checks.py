"""The course's own checks (lint, leak detection) catch what they claim to catch."""
import nbformat

from course.build import lesson_to_notebook
from course.validate import leaks, lint

from .conftest import FIXTURES, release_nb


def tiny_source():
    return lesson_to_notebook("tiny", FIXTURES / "tiny.py")


def test_clean_tiny_assignment_passes_lint_and_leak_check(tiny_course):
    """The tiny fixture is well formed and its generated release leaks nothing."""
    assert lint(tiny_source()) == []
    assert leaks(tiny_source(), release_nb(tiny_course)) == []


def test_leak_check_catches_hidden_test_and_solution_lines(tiny_course):
    """A release showing a hidden test line, the solution or a marker is reported."""
    rel = release_nb(tiny_course)
    rel.cells.append(nbformat.v4.new_code_cell(
        'assert np.allclose(add(np.arange(3), np.ones(3)), np.array([1.0, 2.0, 3.0])), "add must add arrays elementwise"'))
    rel.cells.append(nbformat.v4.new_code_cell("### BEGIN SOLUTION\nreturn a + b\n### END SOLUTION"))
    problems = leaks(tiny_source(), rel)
    assert any("hidden tests block" in p for p in problems), problems
    assert any("BEGIN SOLUTION" in p for p in problems), problems


def test_lint_catches_broken_structure():
    """Points that do not add up, a solution without a test, a test without docstring, a duplicate id."""
    nb = tiny_source()
    nb.cells[0].source = nb.cells[0].source.replace("(2 points)", "(3 points)")
    test = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_add_small"][0]
    test.source = test.source.split("\n", 1)[1]  # drop the docstring
    dup = nbformat.from_dict(test)
    nb.cells.append(dup)
    nb.cells.append(nbformat.v4.new_code_cell("def f():\n    pass", metadata={"nbgrader": {
        "solution": True, "grade": False, "locked": False, "grade_id": "lonely", "schema_version": 3}}))
    problems = "\n".join(lint(nb))
    for needle in ("promises 3 points", "one-line docstring", "used twice", "'lonely' has no graded test"):
        assert needle in problems, f"{needle!r} not reported in:\n{problems}"
