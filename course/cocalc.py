"""CoCalc's nbgrader, simulated: the rules CoCalc grades a notebook by, as a library.

CoCalc re-implements nbgrader (repository sagemathinc/cocalc, `src/packages/`). Every rule here
was measured by running CoCalc's own 2024 code on crafted notebooks (the course's notes,
`cocalc.md`) and is a test in grader_tests/test_cocalc.py:

- Handing out: CoCalc copies the assignment's whole `student/` folder (made by "Generate student
  version") into each student's project and grades there (`distribute`).
- Restoring (`autograde_notebook`, CoCalc's create_autograde_ipynb): only test cells (nbgrader
  `grade` and not `solution`) are restored from the instructor's notebook: cell type, metadata and
  source. A test cell the student deleted, or re-typed (turned into a solution, read-only or plain
  cell), is appended at the end of the notebook. Locked read-only cells, solution cells and cells
  the student added stay as the student left them; with a grade_id used twice, the last copy is
  restored and the earlier ones keep the student's text.
- Running (`run_notebook`, CoCalc's jupyter-run.ts): the kernel of the notebook's kernelspec with
  PYTHONWARNINGS=ignore, cells one by one, 60 s per cell and 10 min in all (course settings).
  A kernel that dies is restarted (later cells lose the earlier state). A cell past the per-cell
  limit is interrupted (SIGINT); a cell that ignores SIGINT is killed about 4 s later. Then the
  2024 code restarts the kernel (TIMEOUT_2024, later cells lose the state); current CoCalc keeps
  the kernel and the cell ends in KeyboardInterrupt (TIMEOUT_CURRENT: read in its source, not
  run). Once the total has passed, every remaining cell gets an error and scores 0 (no restart).
  Output past 500,000 characters per cell or 4,000,000 per notebook is cut (never a traceback).
- Scoring (`extract_scores`, CoCalc's extract_auto_scores): every cell whose nbgrader `points` is
  truthy (`points: 0` is not scored at all); a test cell scores its points unless one of its
  outputs is an error (a traceback): no partial credit, stderr ignored; points are taken as they
  are (the string "3" is scored as the string "3"); a Markdown test cell is never run and so
  gets full points; a cell added by the student with test metadata is scored like any other.
  The total (`total`, CoCalc's get_nbgrader_score) adds with JavaScript's `+`, so one string
  turns it into text.

`unrestored_dependencies` decides from the code whether a test relies on a name that only a
locked non-test cell defines (CoCalc would run the test against the student's edit of it).
`python -m course cocalc-audit` (course/cocalc_audit.py) uses all of this on collected notebooks.
"""
from __future__ import annotations

import argparse
import ast
import builtins
import copy
import json
import os
import queue
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

CELL_TIMEOUT = 60          # seconds per cell (CoCalc's default, course setting "nbgrader_cell_timeout_ms")
TOTAL_TIMEOUT = 600        # seconds per notebook (course setting "nbgrader_timeout_ms")
MAX_OUTPUT_PER_CELL = 500_000    # characters of output kept per cell
MAX_OUTPUT = 4_000_000           # ... and per notebook
KILL_AFTER = 4.0           # seconds a cell that ignores SIGINT keeps running before it is killed (measured)
TIMEOUT_2024 = "restart"   # a timed-out cell: the kernel is restarted (CoCalc's 2024 code, measured)
TIMEOUT_CURRENT = "interrupt"  # ... the kernel is kept, the cell gets KeyboardInterrupt (current CoCalc)
TIMEOUT_MODES = (TIMEOUT_2024, TIMEOUT_CURRENT)
# The kernel's environment: CoCalc's ignored warnings, plus one compute thread and a non-GUI
# matplotlib as in the course's own grader (so the scores can be compared with nbgrader's).
KERNEL_ENV = {"PYTHONWARNINGS": "ignore", "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
STUDENT_SUBDIR = "student"  # where CoCalc's "Generate student version" writes the student notebooks


# ---------------------------------------------------------------- cells

def nbg(cell) -> dict:
    return (cell.get("metadata") or {}).get("nbgrader") or {}


def grade_id(cell):
    return nbg(cell).get("grade_id")


def is_test(cell) -> bool:
    """What CoCalc restores and autogrades: nbgrader `grade` and not `solution`, with a grade_id."""
    m = nbg(cell)
    return bool(m.get("grade")) and not m.get("solution") and bool(m.get("grade_id"))


def cell_kind(cell) -> str | None:
    """CoCalc's name for a cell's nbgrader type (its state_to_value): "test", "manual" (a written
    answer), "task", "solution", "readonly", "" (no flag), or None for a mix CoCalc does not know."""
    m = nbg(cell)
    grade, solution, task = bool(m.get("grade")), bool(m.get("solution")), bool(m.get("task"))
    if not (grade or solution or task):
        return "readonly" if m.get("locked") else ""
    return {(True, False, False): "test", (True, True, False): "manual", (False, True, False): "solution",
            (False, False, True): "task"}.get((grade, solution, task))


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


# ---------------------------------------------------------------- handing out and restoring

def distribute(assignment: Path, project: Path, target: str) -> Path:
    """Hand out an assignment as CoCalc does: the whole `student/` folder of the assignment folder
    (every file in it, not only the notebooks) is copied to `target` in the student's project."""
    src = Path(assignment) / STUDENT_SUBDIR
    if not src.is_dir():
        raise FileNotFoundError(f"{src}: no student/ folder (generate the student version first)")
    dest = Path(project) / target
    shutil.copytree(src, dest, dirs_exist_ok=True)
    return dest


def strip(nb: dict) -> dict:
    """A copy of `nb` without outputs (CoCalc strips both notebooks before it restores cells)."""
    nb = copy.deepcopy(dict(nb))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


@dataclass
class Restored:
    notebook: dict                 # what CoCalc runs
    ids: list                      # every graded grade_id of the instructor's notebook, in order
    appended: list = field(default_factory=list)  # test ids put at the end (deleted or re-typed)
    restored: list = field(default_factory=list)  # test ids restored in place


def autograde_notebook(instructor: dict, student: dict) -> Restored:
    """The notebook CoCalc runs: the student's, with the instructor's test cells put back.

    For each test cell of the instructor (in order), the student's LAST test cell with that
    grade_id gets the instructor's cell type, metadata and source; when the student has no test
    cell with that id (deleted, or re-typed into another kind of cell), the instructor's cell is
    appended at the end. Nothing else is touched.
    """
    instructor, nb = strip(instructor), strip(student)
    mine = {}
    for cell in nb["cells"]:
        if is_test(cell):
            mine[grade_id(cell)] = cell  # the last one wins
    out = Restored(nb, [grade_id(c) for c in instructor["cells"] if nbg(c).get("grade") and grade_id(c)])
    for cell in instructor["cells"]:
        if not is_test(cell):
            continue
        gid = grade_id(cell)
        if gid in mine:
            for key in ("cell_type", "metadata", "source"):
                mine[gid][key] = copy.deepcopy(cell[key])
            _fix_fields(mine[gid])
            out.restored.append(gid)
        else:
            nb["cells"].append(copy.deepcopy(cell))
            out.appended.append(gid)
    return out


def _fix_fields(cell) -> None:
    if cell.get("cell_type") == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)


# ---------------------------------------------------------------- running

class _Kernel:
    """One kernel and its client (jupyter_client), started in `cwd`."""

    def __init__(self, name: str, cwd: Path, env: dict, config=None):
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name=name, **({"config": config} if config is not None else {}))
        self.km.start_kernel(cwd=str(cwd), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             extra_arguments=["--IPKernelApp.log_level=ERROR"])
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=120)
        except RuntimeError:
            self.close()
            raise
        # the course's grader tells kernels they are being graded; CoCalc does not
        setup = self.kc.execute("__import__('os').environ.pop('NBGRADER_EXECUTION', None)", silent=True,
                                store_history=False)
        self._wait_idle(setup, 30)

    def _wait_idle(self, msg_id, timeout) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                continue
            if msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle" and \
                    msg["parent_header"].get("msg_id") == msg_id:
                return True
        return False

    def execute(self, code: str, timeout: float, kill_after: float, sink) -> str:
        """Run `code`; each output message goes to `sink(msg)`. Returns "ok", "dead", "timeout"
        (SIGINT stopped it) or "killed" (it ignored SIGINT for `kill_after` s)."""
        msg_id = self.kc.execute(code, store_history=True, allow_stdin=False, stop_on_error=False)
        deadline, interrupted = time.monotonic() + timeout, False
        while True:
            now = time.monotonic()
            if now >= deadline:
                if interrupted:
                    return "killed"
                interrupted = True
                self.km.interrupt_kernel()
                deadline = now + kill_after
            try:
                msg = self.kc.get_iopub_msg(timeout=min(0.5, max(0.01, deadline - now)))
            except queue.Empty:
                if not self.km.is_alive():
                    return "dead"
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status":
                if msg["content"].get("execution_state") == "idle":
                    return "timeout" if interrupted else "ok"
                continue
            sink(msg)

    def close(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # already gone
                pass


def run_notebook(nb: dict, cwd: Path, *, cell_timeout: float = CELL_TIMEOUT,
                 total_timeout: float = TOTAL_TIMEOUT, timeout_mode: str = TIMEOUT_CURRENT,
                 kill_after: float = KILL_AFTER, max_output_per_cell: int = MAX_OUTPUT_PER_CELL,
                 max_output: int = MAX_OUTPUT, kernel_name: str | None = None, config=None,
                 env: dict | None = None) -> dict:
    """Run every cell of `nb` (a dict, changed in place and returned) as CoCalc's jupyter-run does.

    Outputs are stored as CoCalc stores them: the content of each message (a stream is
    {"name", "text"}, an error {"ename", "evalue", "traceback"}), and a cell that failed for a
    reason of the runner's (timeout, dead kernel, total time passed) gets {"traceback": [why]}.
    """
    if timeout_mode not in TIMEOUT_MODES:
        raise ValueError(f"timeout_mode must be one of {TIMEOUT_MODES}, got {timeout_mode!r}")
    name = kernel_name or ((nb.get("metadata") or {}).get("kernelspec") or {}).get("name") or "python3"
    kernel_env = dict(os.environ, **KERNEL_ENV, **(env or {}))
    kernel_env.pop("NBGRADER_EXECUTION", None)
    start = time.monotonic()
    total_chars = 0
    kernel = _Kernel(name, cwd, kernel_env, config)
    try:
        for k, cell in enumerate(nb["cells"]):
            if time.monotonic() - start >= total_timeout:
                cell.setdefault("outputs", []).append(
                    {"traceback": [f"Error: Total time limit (={round(total_timeout)} seconds) exceeded"]})
                continue  # no restart once the total has passed: every remaining cell scores 0
            if cell.get("cell_type") != "code":
                continue
            outputs, cell_chars = [], 0

            def sink(msg):
                nonlocal outputs, cell_chars, total_chars
                if msg["msg_type"] == "clear_output":
                    outputs = []
                content = {k: v for k, v in msg["content"].items()
                           if k not in ("execution_state", "execution_count", "payload", "code", "status", "source")
                           and not (isinstance(v, dict) and not v)}
                if not content or "comm_id" in content:
                    return
                n = len(json.dumps(content))
                total_chars += n
                cell_chars += n
                if "traceback" in content:
                    outputs.append(content)  # always kept
                elif cell_chars > max_output_per_cell:
                    outputs.append({"name": "stdout", "output_type": "stream", "text": [
                        f"Output truncated since it exceeded the cell output limit of {max_output_per_cell} characters"]})
                elif total_chars > max_output:
                    outputs.append({"name": "stdout", "output_type": "stream", "text": [
                        f"Output truncated since it exceeded the global output limit of {max_output} characters"]})
                else:
                    outputs.append(content)

            state = kernel.execute(_source(cell), cell_timeout, kill_after, sink)
            cell["outputs"] = outputs
            if state == "ok":
                continue
            if state == "timeout" and timeout_mode == TIMEOUT_CURRENT:
                continue  # the kernel is kept; the cell's KeyboardInterrupt error is in its outputs
            why = {"dead": "Error: the kernel died", "timeout": f"Error: timeout after {cell_timeout} s",
                   "killed": f"Error: timeout after {cell_timeout} s (the cell ignored SIGINT and was killed)"}[state]
            cell["outputs"].append({"traceback": [why]})
            kernel.close()
            if time.monotonic() - start < total_timeout:  # a fresh kernel: later cells lose the state
                kernel = _Kernel(name, cwd, kernel_env, config)
            else:
                kernel = None
                for rest in nb["cells"][k + 1:]:
                    rest.setdefault("outputs", []).append(
                        {"traceback": [f"Error: Total time limit (={round(total_timeout)} seconds) exceeded"]})
                break
    finally:
        if kernel is not None:
            kernel.close()
    return nb


# ---------------------------------------------------------------- scoring

def failed(output: dict) -> bool:
    """An output that zeroes a test cell: a traceback or an error (stderr text does not count)."""
    return any(k in output for k in ("traceback", "ename", "evalue")) or output.get("output_type") == "error"


def extract_scores(nb: dict) -> dict:
    """grade_id -> {"score", "points", "manual"} for every cell CoCalc scores; a later cell with
    the same grade_id replaces an earlier one. Manual cells have no "score"."""
    scores = {}
    for cell in nb.get("cells", []):
        m = nbg(cell)
        points = m.get("points")
        if not m or not points:  # no points, or 0: not scored, not even recorded
            continue
        kind = cell_kind(cell)
        if kind is None:
            continue  # a mix of flags CoCalc does not know: "malformed", ignored
        if kind != "test":  # anything else with points is left to a human, whatever its flags
            scores[m.get("grade_id")] = {"points": points, "manual": True}
            continue
        score = 0 if any(failed(o) for o in cell.get("outputs") or []) else points
        scores[m.get("grade_id")] = {"score": score, "points": points, "manual": False}
    return scores


def js_str(x) -> str:
    """JavaScript's String(x) for the numbers and strings CoCalc adds."""
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)


def js_add(a, b):
    """JavaScript's a + b: text as soon as one side is text."""
    if isinstance(a, str) or isinstance(b, str):
        return js_str(a) + js_str(b)
    return a + b


def total(scores: dict, autograded_only: bool = False) -> tuple:
    """(score, points) as CoCalc's get_nbgrader_score adds them (JavaScript `+`: a string point
    turns the sum into text). With `autograded_only`, written answers are left out."""
    score, points = 0, 0
    for entry in scores.values():
        if autograded_only and entry.get("manual"):
            continue
        if entry.get("score"):
            score = js_add(score, entry["score"])
        points = js_add(points, entry["points"])
    return score, points


def grade_string(scores: dict) -> str:
    """The grade CoCalc writes for a student ("score/points")."""
    score, points = total(scores)
    return f"{js_str(score)}/{js_str(points)}"


@dataclass
class Graded:
    scores: dict      # extract_scores of the notebook CoCalc ran
    notebook: dict    # the notebook CoCalc ran, with its outputs (CoCalc's "_autograded" notebook)
    appended: list    # test ids CoCalc appended at the end


def grade(instructor: dict, student: dict, cwd: Path, **run) -> Graded:
    """Grade `student` (a notebook dict) against `instructor` as CoCalc does, in folder `cwd`
    (the student's assignment folder: the kernel's working folder). `run` goes to run_notebook."""
    restored = autograde_notebook(instructor, student)
    ran = run_notebook(restored.notebook, Path(cwd), **run)
    return Graded(extract_scores(ran), ran, restored.appended)


def grade_sandboxed(instructor: dict, student: dict, cwd: Path, timeout: float | None = None, **run) -> Graded:
    """`grade`, with the kernel in the course's bubblewrap sandbox (course/sandbox.py), run by a
    worker process (`python -m course.cocalc`): for notebooks whose code is not trusted."""
    import tempfile

    restored = autograde_notebook(instructor, student)
    with tempfile.TemporaryDirectory(prefix="course-cocalc-") as tmp:
        src, dst = Path(tmp) / "in.json", Path(tmp) / "out.json"
        src.write_text(json.dumps({"notebook": restored.notebook, "run": run}))
        limit = timeout or (run.get("total_timeout", TOTAL_TIMEOUT) + run.get("cell_timeout", CELL_TIMEOUT) + 120)
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
        proc = subprocess.Popen([sys.executable, "-m", "course.cocalc", str(src), str(dst), str(cwd)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
            raise RuntimeError(f"the CoCalc simulation took longer than {limit:.0f} s and was stopped")
        if proc.returncode != 0 or not dst.is_file():
            lines = [ln for ln in err.decode(errors="replace").splitlines() if ln.strip()]
            raise RuntimeError(f"the CoCalc simulation failed: {lines[-1] if lines else 'no message'}")
        ran = json.loads(dst.read_text())
    return Graded(extract_scores(ran), ran, restored.appended)


def main(argv=None) -> int:
    """Worker: `python -m course.cocalc IN.json OUT.json CWD` runs IN's notebook sandboxed."""
    from .sandbox import KERNEL_NAME, WORKER_MEMORY_LIMIT, kernel_sandbox

    p = argparse.ArgumentParser(prog="python -m course.cocalc")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("cwd")
    args = p.parse_args(argv)
    job = json.loads(Path(args.input).read_text())
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_LIMIT, resource.getrlimit(resource.RLIMIT_AS)[1]))
    with kernel_sandbox(Path(args.cwd)) as config:
        nb = run_notebook(job["notebook"], Path(args.cwd), kernel_name=KERNEL_NAME, config=config, **job["run"])
    Path(args.output).write_text(json.dumps(nb))
    return 0


# ---------------------------------------------------------------- what CoCalc does not restore

IPYTHON_NAMES = frozenset({"display", "get_ipython", "In", "Out", "exit", "quit", "_", "__", "___"})


@dataclass
class Dependency:
    test: str          # grade_id of the test cell
    name: str          # the name it reads
    cells: list        # grade_ids (or "cell N") of the cells that define it
    locked: bool       # True: only locked read-only cells define it

    def __str__(self):
        where = ", ".join(self.cells)
        kind = "locked read-only cell" if self.locked else "cell the student may edit"
        return (f"{self.test} reads `{self.name}`, which only the {kind}{'s' if len(self.cells) > 1 else ''} "
                f"{where} define{'s' if len(self.cells) == 1 else ''}: import or re-create it in the test")


def names(source: str) -> tuple[set, set]:
    """(names read, names bound) anywhere in a code cell; IPython magics and shell lines skipped.
    A cell that does not parse reads and binds nothing."""
    code = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set()
    read, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0] if node.name != "*" else "*")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
    return read, bound


def unrestored_dependencies(nb, editable: bool = False) -> list[Dependency]:
    """Names a test cell reads that only a locked non-test cell (imports, given helpers, given
    data) defines: CoCalc restores test cells only, so the test would run against the student's
    edit of that cell. A name some solution cell defines is the student's to define (that is what
    tests check); a name the test binds itself is safe. With `editable`, names that only ordinary
    cells (which a student may edit in any grader) define are reported too."""
    definers: dict = {}
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code" or is_test(cell):
            continue
        kind = cell_kind(cell)
        for name in names(_source(cell))[1]:
            definers.setdefault(name, []).append((grade_id(cell) or f"cell {i + 1}", kind))
    known = set(dir(builtins)) | IPYTHON_NAMES
    found = []
    for cell in nb["cells"]:
        if not is_test(cell) or cell.get("cell_type") != "code":
            continue
        read, bound = names(_source(cell))
        for name in sorted(read - bound - known):
            where = definers.get(name, [])
            if not where or any(kind in ("solution", "manual") for _, kind in where):
                continue
            locked = all(kind == "readonly" for _, kind in where)
            if locked or editable:
                found.append(Dependency(grade_id(cell), name, [w for w, _ in where], locked))
    return found


if __name__ == "__main__":
    sys.exit(main())
