"""Assessment validity: the hidden tests catch every catalogued mistake and accept every correct answer.

The catalogue is lessons/mutants/<part>.py; `python -m course mutants` runs the same check and
prints the table.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

from course import mutants
from course.build import write_source
from course.common import ROOT, parts

from .conftest import TINY, cli


@pytest.fixture(scope="session")
def mutation_result(tmp_path_factory):
    """Every part's mutants and alternatives graded (sandboxed, 2 at a time)."""
    assert shutil.which("bwrap"), "bubblewrap is required to grade (apt-get install bubblewrap)"
    return mutants.mutation_run(tmp_path_factory.mktemp("mutants-course"), parts(), jobs=2, sandbox=True,
                                log=lambda *a: None)


def _table(result) -> str:
    lines = []
    mutants.print_table(result, out=lines.append)
    return "\n".join(lines)


@pytest.mark.mutation
def test_every_mutant_is_caught_and_every_alternative_accepted(mutation_result):
    """Every realistic and generic mutant loses points in its exercise; every correct alternative gets full marks."""
    print(_table(mutation_result))  # shown with pytest -rP
    survivors = [f"{c.part}/{c.name}: {c.detail}" for c in mutation_result.cases
                 if c.kind == "mutant" and c.verdict != "caught"]
    rejected = [f"{c.part}/{c.name}: {c.detail}" for c in mutation_result.cases
                if c.kind == "alternative" and c.verdict != "accepted"]
    assert not survivors and not rejected, (
        f"{len(survivors)} surviving mutant(s) (expected 0): {survivors}; "
        f"{len(rejected)} rejected correct alternative(s) (expected 0): {rejected}\n{_table(mutation_result)}")


@pytest.mark.mutation
def test_mistake_records_hold_what_every_mistake_fails_now(mutation_result):
    """lessons/mistakes/<part>.json (feedback names likely mistakes from it) equals what this run observes."""
    drift = mutants.record_drift(mutation_result)
    assert not drift, f"{len(drift)} mistake record(s) drifted from the tests:\n" + "\n".join(drift[:40])


def test_catalogue_has_three_mistakes_and_two_alternatives_per_solution_cell(tmp_path):
    """Each exercise cell has >= 3 catalogued mistakes and >= 2 alternatives, each quiz answer >= 1 mistake; >= 60 in all."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    short, total = [], 0
    for part in parts():
        write_source(part, tmp_path)
        nb = nbformat.read(tmp_path / "source" / part / f"{part}.ipynb", as_version=4)
        found, alts, _ = mutants.part_cases(part, nb)
        catalogued = [c for c in found if not c.generic]
        total += len(catalogued)
        for cell in mutants.solution_cells(nb):
            m = sum(cell in c.cells for c in catalogued)
            a = sum(cell in c.cells for c in alts)
            quiz = cell.startswith("quiz_")  # a multiple-choice answer: a True/False one has one wrong answer
            if (quiz and m < 1) or (not quiz and (m < 3 or a < 2)):
                short.append(f"{part}/{cell}: {m} mistakes, {a} alternatives")
    assert not short, f"cells below 3 mistakes and 2 alternatives (quiz answers: 1 mistake): {short}"
    assert total >= 60, f"the catalogue holds {total} mistakes, expected at least 60"


def test_generic_mutants_cover_every_graded_name(tmp_path):
    """Every graded function and class gets each generic kind and one ignored-argument mutant per argument,
    every plain answer its off-by-one and unit mutants, unless a recorded reason skips one."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    missing = []
    for part in parts():
        write_source(part, tmp_path)
        nb = nbformat.read(tmp_path / "source" / part / f"{part}.ipynb", as_version=4)
        generic, skipped = mutants.generic_cases(part, nb)
        made = {c.name for c in generic}
        skip = {(name, kind) for _, name, kind, reason in skipped if reason}
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
                source = mutants.democlass.solution_text(cell)
                names = mutants.graded_names(source)
                wanted = [(name, kind) for name, _ in names for kind in mutants.GENERIC_KINDS]
                wanted += [(name, mutants.IGNORE + arg) for name, _ in names for _, arg in mutants.arguments(source, name)]
                if not names:
                    wanted += [(name, kind) for name, _ in mutants.plain_answers(source) for kind in mutants.DATA_KINDS]
                missing += [f"{part}/{n}:{k}" for n, k in wanted if f"{n}:{k}" not in made and (n, k) not in skip]
    assert not missing, f"generic mutants neither made nor skipped with a reason: {missing}"


def test_generic_mutant_kinds_are_made_for_functions_classes_and_answers():
    """A class's __init__ and forward arguments are found; plain answers are read as values, and get the kinds that fit."""
    source = ("class Net:\n    def __init__(self, d_model, eps=1e-5):\n        pass\n    def forward(self, x, mask=None):\n"
              "        return x\n")
    assert mutants.arguments(source, "Net") == [("__init__", "d_model"), ("__init__", "eps"),
                                                 ("forward", "x"), ("forward", "mask")]
    answers = dict(mutants.plain_answers('quiz = None\nquiz = "C"\nsteps = 3 * 33\nflag = True\nrows = {"a": 1}\n'
                                         'n = len([1])\n'))
    assert answers == {"quiz": "C", "steps": 99, "flag": True, "rows": None, "n": None}, answers
    assert [mutants.data_kinds(answers[k])[0] for k in ("quiz", "steps", "flag", "rows")] == \
        [["off_by_one"], ["off_by_one", "unit"], ["off_by_one"], []]


TINY_CATALOGUE = '''
MUTANTS = [
    {"name": "subtracts", "about": "a - b", "hint": "look at the sign", "cells": {"add": "def add(a, b):\\n    return a - b\\n"}},
    {"name": "wrong_only_for_huge_numbers", "about": "no test tries a = 12345",
     "cells": {"add": "def add(a, b):\\n    return 0 if np.any(np.asarray(a) == 12345) else a + b\\n"}},
]
ALTERNATIVES = [
    {"name": "np_add", "about": "np.add", "cells": {"add": "def add(a, b):\\n    return np.add(a, b)\\n"}},
    {"name": "not_really_correct", "about": "a wrong 'alternative'", "cells": {"add": "def add(a, b):\\n    return a * b\\n"}},
]
'''


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """The tiny catalogue above graded on the tiny course (grader_tests/fixtures/tiny.py)."""
    from course.build import generate_release, normalise_release

    from .conftest import FIXTURES
    course = tmp_path_factory.mktemp("tiny-mutants")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    write_source(TINY, course, FIXTURES / "tiny.py")
    normalise_release(generate_release(course, TINY))
    folder = course / "catalogue"
    folder.mkdir()
    (folder / f"{TINY}.py").write_text(TINY_CATALOGUE)
    return mutants.run_cases(course, [TINY], jobs=2, sandbox=bool(shutil.which("bwrap")),
                             log=lambda *a: None, folder=folder)


def test_survivors_and_rejected_alternatives_fail_the_run(tiny_run):
    """A mutant no test catches and a wrong 'alternative' are named, and the run is not ok."""
    result = tiny_run
    verdicts = {c.name: c.verdict for c in result.cases}
    expected = {"subtracts": "caught", "wrong_only_for_huge_numbers": "survived",
                "np_add": "accepted", "not_really_correct": "rejected",
                "add:zeros": "caught", "add:first_input": "caught",
                "add:liar": "survived",  # np.allclose(liar, x) is True: the fixture's tests are fooled
                "add:wrong_type": "survived", "add:wrong_dtype": "survived",  # its tests never look at types
                "add:ignores_a": "caught", "add:ignores_b": "caught"}  # add(1, 2) first, then arrays
    assert verdicts == expected, f"verdicts {verdicts}, expected {expected}"
    assert not result.ok, "a run with a survivor and a rejected alternative must not be ok"
    table = _table(result)
    assert "wrong_only_for_huge_numbers" in table and "not_really_correct" in table, table


def test_records_say_which_tests_each_mistake_fails_and_name_drift(tiny_run, tmp_path):
    """--record writes, for every mistake, exactly the test cells it fails, its about and hint, byte-stable;
    a record that no longer matches the run is named with its part, mistake and the fix."""
    import json
    (path,) = mutants.write_records(tiny_run, tmp_path)
    first = path.read_bytes()
    record = json.loads(first)
    got = {e["name"]: (e["fails"], e["hint"]) for e in record["mistakes"]}
    want = {"subtracts": (["test_add_arrays", "test_add_small"], "look at the sign"),
            "wrong_only_for_huge_numbers": ([], ""), "add:zeros": (["test_add_arrays", "test_add_small"], ""),
            "add:ignores_a": (["test_add_arrays"], ""), "add:liar": ([], "")}  # add(1, 2) first: the same
    assert {k: got.get(k) for k in want} == want, f"recorded {got}"
    assert record["reach"] == {"add": ["test_add_arrays", "test_add_small"]}, record["reach"]
    assert mutants.record_drift(tiny_run, tmp_path) == [], mutants.record_drift(tiny_run, tmp_path)
    mutants.write_records(tiny_run, tmp_path)
    assert path.read_bytes() == first, "writing the same run's records twice gives different bytes"
    for e in record["mistakes"]:
        if e["name"] == "subtracts":
            e["fails"] = ["test_add_small"]
    path.write_text(json.dumps(record))
    drift = mutants.record_drift(tiny_run, tmp_path)
    assert len(drift) == 1 and drift[0].startswith(f"{TINY}/subtracts: recorded fails ['test_add_small'], observed "
                                                   "['test_add_arrays', 'test_add_small']") \
        and "--record" in drift[0], f"drift: {drift}"


def test_mutants_verb_rejects_bad_input_in_one_line():
    """`python -m course mutants` with an unknown part or --jobs 0 stops with one error line."""
    for args in (["mutants", "--part", "99_nope"], ["mutants", "--jobs", "0"]):
        r = cli(*args)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), \
            f"{args}: exit {r.returncode}, stderr {r.stderr!r} (expected exit 2 and one 'error:' line)"


def test_mutants_share_a_submission_only_when_their_exercises_cannot_see_each_other(tmp_path):
    """Part 2: attention's tests reach softmax and attention_scores, so their mutants are never graded together."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    part = "02_self_attention"
    write_source(part, tmp_path)
    nb = nbformat.read(tmp_path / "source" / part / f"{part}.ipynb", as_version=4)
    found, alts, _ = mutants.part_cases(part, nb)
    deps = mutants.reach(nb, mutants.variants_of(found + alts))
    want = {"softmax", "attention_scores", "scaled_dot_product_attention"}
    assert want <= deps["reach"]["scaled_dot_product_attention"], \
        f"attention's tests reach {sorted(deps['reach']['scaled_dot_product_attention'])}, expected at least {sorted(want)}"
    assert deps["reach"]["n_connections"] == {"n_connections"}, \
        f"n_connections' tests reach {sorted(deps['reach']['n_connections'])}, expected only itself"
    together = [sorted({g for m in group for g in m.cells})
                for group in mutants.group_mutants(found, {part: deps})
                if "scaled_dot_product_attention" in {g for m in group for g in m.cells}
                and {"softmax", "attention_scores"} & {g for m in group for g in m.cells}]
    assert not together, f"attention mutants share a submission with the cells it calls: {together}"


def test_a_module_imported_again_or_a_generic_wrapper_creates_no_dependency(tmp_path):
    """Part 5: LayerNorm's tests reach only LayerNorm, although other cells import torch again and
    generic wrappers name arguments such as 'x' that try-it cells define."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    part = "05_transformer_block"
    write_source(part, tmp_path)
    nb = nbformat.read(tmp_path / "source" / part / f"{part}.ipynb", as_version=4)
    found, alts, _ = mutants.part_cases(part, nb)
    assert any(c.generic and "'x'" in c.cells.get("LayerNorm", "") for c in found), "no generic wrapper names 'x'"
    deps = mutants.reach(nb, mutants.variants_of(found + alts))
    assert deps["reach"]["LayerNorm"] == {"LayerNorm"}, \
        f"LayerNorm's tests reach {sorted(deps['reach']['LayerNorm'])}, expected only LayerNorm"
