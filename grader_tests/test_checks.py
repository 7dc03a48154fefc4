"""The course's own checks (lint, leak detection) catch what they claim to catch."""
import nbformat
import pytest

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


HONEST_CODE = '''\
import math, re, time
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
torch.manual_seed(0)
rng = np.random.default_rng(1)
pattern = re.compile(r"\\w+")   # re.compile is not compile()
model = nn.Linear(3, 4)
model.eval()                      # .eval() is not eval()
x = torch.compile if False else None
scores = np.where(mask, scores, -np.inf) if False else None
weights = F.softmax(torch.zeros(2, 3), dim=-1)
equal = np.allclose(weights.sum(-1).numpy(), 1.0)
# os.kill(0, 9) in a comment is not code
torch.backends.cudnn.deterministic = True
t0 = time.perf_counter()
'''

TRICKS = {
    "get_ipython().input_transformers_post.append(f)": "IPython",
    "get_ipython().ast_transformers.append(t)": "IPython",
    "import builtins": "builtins",
    "__builtins__['exec'] = f": "builtins",
    "    def __eq__(self, other): return True": "comparison",
    "numpy.allclose = lambda *a, **k: True": "library",
    "np.testing.assert_allclose = f": "library",
    "setattr(np, 'allclose', f)": "library",
    "src = sys._getframe(1).f_code": "interpreter",
    "frame = inspect.currentframe().f_back": "interpreter",
    "open(HOME + '/.ipython/profile_default/startup/x.py', 'w')": "startup",
    "import ctypes": "ctypes",
    "os.kill(os.getppid(), 9)": "kills",
    "signal.signal(signal.SIGINT, signal.SIG_IGN)": "signals",
    "subprocess.run(['ls'])": "programs",
    "socket.create_connection(('example.org', 80))": "network",
    "sqlite3.connect('../../../gradebook.db')": "database",
    "exec(code)": "generated code",
}


def _nb(*sources):
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s, metadata={"nbgrader": {"grade_id": f"c{i}", "solution": True}})
                for i, s in enumerate(sources)]
    return nb


def test_code_scan_finds_every_kind_of_trick():
    """Each construct that can subvert grading is reported, with its cell and line."""
    from course.scan import scan
    missed = {code: why for code, why in TRICKS.items()
              if not any(why in f for f in scan(_nb("x = 1\n" + code), _nb()))}
    assert not missed, f"the scan misses: {missed}"
    found = scan(_nb("x = 1\nimport ctypes"), _nb())
    assert found == ["cell c0, line 2: uses ctypes (can crash or patch the interpreter): import ctypes"], found


def test_code_scan_raises_no_alarm_on_honest_code_or_locked_cells():
    """Ordinary course code is not flagged; neither are locked cells (nbgrader restores them)."""
    from course.scan import scan
    assert scan(_nb(HONEST_CODE), _nb()) == []
    locked = _nb("import ctypes")
    locked.cells[0].metadata.nbgrader["locked"] = True
    assert scan(_nb("import ctypes"), locked) == []


def test_demo_reset_removes_graded_work_but_keeps_committed_files(tmp_path):
    """Re-running the demo clears its old output, never the repository's own autograded/README.md."""
    from course.demo import reset
    (tmp_path / "autograded" / "alice" / "p").mkdir(parents=True)
    (tmp_path / "autograded" / "README.md").write_text("committed")
    (tmp_path / "submitted" / "alice").mkdir(parents=True)
    (tmp_path / "grades.csv").write_text("old")
    reset(tmp_path)
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == ["autograded", "autograded/README.md"], left


# The student's view of a lesson: names the tests read, "seed" wording, time estimates.

TIMED = '''\
# %% [markdown]
# # A tiny timed lesson
# *Time: about 25 min core + 10 min going further (optional).*
#
# ## 1. Adding (~15 min)
# ### Exercise 1 — the answer (1 point)
# PROMPT

# %% nbgrader={"solution": true, "grade_id": "answer"}
STUB### BEGIN SOLUTION
answer = 3
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_answer", "points": 1}
"""The answer is 3."""
assert answer == 3, f"answer should be 3, got {answer}"

# %% [markdown]
# ## 2. Quiz (~10 min)
#
# ## Going further: more adding (~10 min, optional)
#
# ## Key takeaways
'''


def student_view_of(tmp_path, text):
    """student_view() of a lesson text, with its release generated by nbgrader."""
    import shutil

    from course.build import generate_release, normalise_release, write_source
    from course.common import ROOT
    from course.validate import student_view
    lesson = tmp_path / "tiny_view.py"
    lesson.write_text(text)
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    write_source("tiny_view", tmp_path, lesson)
    normalise_release(generate_release(tmp_path, "tiny_view"))
    return student_view(lesson_to_notebook("tiny_view", lesson), release_nb(tmp_path, "tiny_view"))


def test_a_name_only_a_test_reads_is_reported(tmp_path):
    """A variable the tests read but the release never names before its solution cell is reported."""
    problems = student_view_of(tmp_path, TIMED.replace("PROMPT", "Work it out.").replace("STUB", ""))
    assert len(problems) == 1 and "`answer`" in problems[0] and "test_answer" in problems[0], problems


def test_a_name_given_only_after_its_solution_cell_is_reported(tmp_path):
    """Naming the variable in a read-only cell after the exercise is too late."""
    text = TIMED.replace("PROMPT", "Work it out.").replace("STUB", "").replace(
        '# %% nbgrader={"grade": true', '# %% nbgrader={"locked": true, "grade_id": "later"}\nprint(answer)\n\n'
        '# %% nbgrader={"grade": true', 1)
    problems = student_view_of(tmp_path, text)
    assert any("`answer`" in p for p in problems), problems


@pytest.mark.parametrize("prompt, stub", [("Set `answer` to the sum.", ""),
                                          ("Work it out.", "answer = None  # an int: the sum\n")])
def test_a_name_in_the_prompt_or_the_stub_is_introduced(tmp_path, prompt, stub):
    """Naming the variable in the prompt (as code) or in the stub (outside the solution block) is enough."""
    assert student_view_of(tmp_path, TIMED.replace("PROMPT", prompt).replace("STUB", stub)) == []


@pytest.mark.parametrize("text", ["the seed's question", "(the seeds' reading quiz)", "the six steps of the seed notes",
                                  "Seed activity: follow it", "despite what the seed says", "fill in the seed’s table"])
def test_seed_wording_is_reported(text):
    """Students never read of "the seed" documents."""
    from course.validate import seed_wording
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"Now {text}.")])
    assert seed_wording(nb), f"not reported: {text!r}"


def test_random_seed_wording_is_not_reported():
    """Random seeds are fine: `seed=`, `manual_seed`, "the same seed", "seeds 0 to 5"."""
    from course.validate import seed_wording
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Every run with the same seed gives the same accuracy; over seeds 0 – 5 it held."),
        nbformat.v4.new_code_cell("torch.manual_seed(0)\nrng = np.random.default_rng(seed=3)\n"
                                  "def f(seed):  # seed of the generator, not the training seed\n    pass")])
    assert seed_wording(nb) == []


@pytest.mark.parametrize("change, needle", [
    (("(~15 min)", "(~20 min)"), "sections add up to 30 + 10"),
    (("## 2. Quiz (~10 min)", "## 2. Quiz"), "states no time"),
    (("Going further: more adding (~10 min, optional)", "More adding (~10 min, optional)"), "start with 'Going further'"),
    (("*Time: about 25 min core", "*Time: about 25 minutes"), "the title does not say"),
])
def test_time_estimates_must_add_up(change, needle):
    """The title's core and going-further minutes equal the sums of the sections' own estimates."""
    from course.validate import time_problems
    md = ("# A lesson\n*Time: about 25 min core + 10 min going further (optional).*\n\n## 1. Adding (~15 min)\n"
          "### Exercise 1 (1 point)\n\n## 2. Quiz (~10 min)\n\n## Going further: more adding (~10 min, optional)\n\n"
          "## Key takeaways\n\n## Readings for this part\n")
    assert time_problems(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(md)])) == []
    bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(md.replace(*change))])
    problems = time_problems(bad)
    assert any(needle in p for p in problems), problems


# ---- pictures and headings a student can read (course/readable.py)

def _md(text):
    return nbformat.v4.new_markdown_cell(text)


def _code(text, **nbgrader):
    return nbformat.v4.new_code_cell(text, metadata={"nbgrader": nbgrader} if nbgrader else {})


PLOT = ('fig, ax = plt.subplots()\nax.plot([1, 2], [3, 4])\n'
        'ax.set(title="Loss falls", xlabel="step", ylabel="loss")\nplt.show()')
CAPTION = "**Figure.** The loss falls from 3 to 4 over two steps of training."


def readable_notebook(*cells):
    return nbformat.v4.new_notebook(cells=[_md("# Title\n\n## Section (~5 min)")] + list(cells))


def test_a_readable_notebook_has_no_accessibility_problem(tmp_path):
    """Title, sections in order, a labelled plot with a caption, an image with alt text: nothing to report."""
    from course.readable import accessibility

    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "rnn.svg").write_text("<svg/>")
    nb = readable_notebook(_code(PLOT), _md(CAPTION), _md("### Sub\n![An RNN unrolled over five steps, one weight matrix shared](figures/rnn.svg)"),
                           _code('ax.imshow(w, cmap="viridis")\nax.set_axis_off()\nax.set_title("weights")'), _md(CAPTION))
    assert accessibility(nb, tmp_path) == []


@pytest.mark.parametrize("change, needle", [
    (lambda cells: cells.pop(1), "caption"),                                          # figure without alt text
    (lambda cells: cells.__setitem__(1, _md("**Figure.** A plot.")), "caption"),      # alt text of two words
    (lambda cells: cells.__setitem__(2, _md("#### Sub")), "skips from level 2 to 4"),  # skipped heading level
    (lambda cells: cells.__setitem__(2, _md("# Another title")), "second `# ` title"),
    (lambda cells: cells.__setitem__(2, _md("![rnn](figures/rnn.svg)")), "no alt text"),
    (lambda cells: cells.__setitem__(2, _md('<img src="figures/rnn.svg">')), "no alt text"),
    (lambda cells: cells.__setitem__(2, _md("![An RNN unrolled over five steps of time](figures/gone.svg)")), "is not in"),
    (lambda cells: cells.__setitem__(0, _code(PLOT.replace('title="Loss falls", ', ""))), "no title"),
    (lambda cells: cells.__setitem__(0, _code(PLOT.replace('ylabel="loss"', 'ylim=(0, 5)'))), "y axis has no label"),
    (lambda cells: cells.__setitem__(0, _code(PLOT + '\nax.imshow(w, cmap="jet")')), "colour map 'jet'"),
    (lambda cells: cells.__setitem__(0, _code(PLOT + "\nax.imshow(w, cmap=plt.cm.rainbow)")), "cm.rainbow"),
])
def test_an_unreadable_picture_or_outline_is_reported(tmp_path, change, needle):
    """A figure without caption, a skipped heading level, an image without alt text, a bad colour map ... are named."""
    from course.readable import accessibility

    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "rnn.svg").write_text("<svg/>")
    cells = [_code(PLOT), _md(CAPTION), _md("### Sub\n![An RNN unrolled over five steps, one weight matrix shared](figures/rnn.svg)")]
    change(cells)
    problems = accessibility(readable_notebook(*cells), tmp_path)
    assert any(needle in p for p in problems), f"expected a problem mentioning {needle!r}, got {problems}"


def test_a_plotting_helper_counts_where_it_is_called():
    """A cell that calls a drawing function needs a caption; the function itself needs title and labels."""
    from course.readable import accessibility

    helper = _code("def show_weights(w):\n    fig, ax = plt.subplots()\n    ax.imshow(w)\n    plt.show()", locked=True, grade_id="setup")
    problems = accessibility(readable_notebook(helper, _code("show_weights(w)")))
    assert any("show_weights(): the figure has no title" in p for p in problems), problems
    assert any("draws a figure but the next cell is no" in p for p in problems), problems


# ---- the environment check cell and CoCalc robustness (course/robust.py)

def _environment_nb(pins_text, *more):
    from course.robust import ENVIRONMENT_CELL

    cell = _code(ENVIRONMENT_CELL.replace("{pins}", pins_text), locked=True, grade_id="environment")
    return nbformat.v4.new_notebook(cells=[_md("# T"), cell, _code("import numpy as np\nimport matplotlib.pyplot as plt"), *more])


def test_the_environment_check_names_the_pins_of_what_the_notebook_imports():
    """The right cell with requirements.txt's numpy and matplotlib pins passes; a stale pin or a missing package does not."""
    from course.robust import environment_problems, pins

    p = pins()
    good = f'{{"numpy": "{p["numpy"]}", "matplotlib": "{p["matplotlib"]}"}}'
    assert environment_problems(_environment_nb(good)) == []
    stale = environment_problems(_environment_nb(good.replace(p["numpy"], "1.26.4")))
    assert stale and "expected the pins" in stale[0], stale
    missing = environment_problems(_environment_nb(good, _code("import torch")))
    assert missing and "'torch'" in missing[0], missing
    edited = _environment_nb(good)
    edited.cells[1].source = edited.cells[1].source.replace("Environment OK.", "OK")
    assert "differs from course/robust.py" in environment_problems(edited)[0]
    moved = _environment_nb(good)
    moved.cells.insert(1, _code("x = 1"))
    assert "first code cell is not the environment check" in environment_problems(moved)[0]
