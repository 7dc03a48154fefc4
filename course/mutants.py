"""`python -m course mutants`: do the tests catch every common mistake and accept every correct answer?

The catalogue is data, one file per part: lessons/mutants/<part>.py defines
- MUTANTS: realistic wrong answers; each must lose points in at least one test cell of an
  exercise whose solution cell it changes (and, if it lists "fails", in exactly those cells);
- ALTERNATIVES: correct answers written differently; each must get every autograded point.
On top of the catalogue, generic mutants are made for every graded name. A graded function or
class is wrapped so that it returns zeros of the right shape, returns its first input, returns an
object whose ==, <=, abs and - always "agree", returns the right values in the wrong type (NumPy
for torch and back, a float for an int) or the wrong dtype (float32 for float64 and back, 0/1 for
booleans), or ignores one of its arguments (one mutant per argument of the function, of a class's
__init__ and of its forward: the argument's default is used, or, for a required argument, the
value it had on the first call). A plain answer (a number, a multiple-choice letter, True/False)
is answered off by one (the next integer or letter, the other truth value) and in the wrong unit
(a number times 1000). GENERIC_SKIPS below says where one is meaningless, and why.

Everything is graded through nbgrader (course/grade.py, sandboxed) in a throwaway course. To stay
fast, mutants whose exercises cannot see each other (no test cell of one reaches, through the
names it uses, the solution cell of the other) share a submission; alternatives are graded as one
submission per part and index (set 1 holds every cell's first alternative, ...). Any mutant that
survives in a shared submission, any shared submission that did not grade cleanly, and every
alternative of a set that lost points in a test cell that can reach it is graded again on its
own, so the verdicts are those of one submission per case (--one-per-mutant grades mutants that
way from the start). Mutants share a submission only when no test cell can reach the cells of two
of them, so the test cells each mutant fails are its own: `--record` writes them, with each
mistake's about and hint, to lessons/mistakes/<part>.json, from which student feedback names a
likely mistake (course/feedback.py); the mutation suite fails when the records drift.
"""
from __future__ import annotations

import ast
import re
import runpy
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import democlass
from .cells import imports as cell_imports, names as cell_names
from .common import LESSONS, CourseError, check_parts, grading_sandbox

HELP = ("mutation testing: every catalogued mistake must lose points, every correct alternative "
        "must get full marks (lessons/mutants/)")
MUTANT_LESSONS = LESSONS / "mutants"

GENERIC_KINDS = ("zeros", "first_input", "liar", "wrong_type", "wrong_dtype")
GENERIC_ABOUT = {
    "zeros": "returns the expected structure and shape, filled with zeros",
    "first_input": "returns its first input unchanged (in place of the first output)",
    "liar": "returns an object whose ==, <=, abs and - always agree with the expected answer",
    "wrong_type": ("returns the right values in the wrong type (NumPy for torch and back, a float for an int, "
                   "a 1-element array for a float)"),
    "wrong_dtype": ("returns the right values in the wrong dtype (float32 for float64 and back, 0/1 for booleans, "
                    "int32 for an int)"),
    "ignores": "ignores its argument `{arg}` (uses its default, or the value of the first call)",
    "off_by_one": "answers off by one (the next integer or letter, the other truth value)",
    "unit": "answers in the wrong unit (the number times 1000)",
}
IGNORE = "ignores_"   # the kind of the mutant that ignores argument <arg> is "ignores_<arg>"
DATA_KINDS = ("off_by_one", "unit")
# (part, graded name, kind) -> why that generic mutant is not made. Everything else is made.
_NUMBER = ("returns a Python number compared with ==; an object whose == always answers True can only be "
           "written on purpose, and `course grade` puts any __eq__ overload on its review list (course/scan.py)")
_NUMPY_INT = ("returns a count: an np.int32 is the same count as an int, and NumPy integers (np.abs of positions) "
              "are accepted on purpose (the catalogue's alternatives)")
_HEADS_FREE = ("the result does not depend on num_heads, which is the point of the exercise (h heads of size d/h "
               "weigh and cost as much as one head of size d): ignoring it is a correct answer")
_IN_PLACE = ("loads the weights into the block it is given, in place; its return value is not part of the "
             "contract, so a wrapper that replaces the return value changes nothing")
_MODULE_OUT = ("returns an nn.Module: zeros, wrong_type and wrong_dtype return a module unchanged, so the "
               "'mutant' is the solution itself (first_input, liar and every ignored argument are made and caught)")
GENERIC_SKIPS = {
    **{("07_real_models", name, kind): _IN_PLACE
       for name in ("load_bert_layer", "load_gpt2_block")
       for kind in ("zeros", "first_input", "liar", "wrong_type", "wrong_dtype")},
    **{("07_real_models", "block_for", kind): _MODULE_OUT for kind in ("zeros", "wrong_type", "wrong_dtype")},
    ("03_multi_head_attention", "mha_param_count", "ignores_num_heads"): _HEADS_FREE,
    ("03_multi_head_attention", "mha_multiply_adds", "ignores_num_heads"): _HEADS_FREE,
    ("05_transformer_block", "encoder_param_count", "ignores_num_heads"): _HEADS_FREE,
    ("01_rnn_limits", "rnn_path_length", "wrong_dtype"): _NUMPY_INT,
    ("01_rnn_limits", "attention_path_length", "wrong_dtype"): _NUMPY_INT,
    ("01_rnn_limits", "rnn_path_length", "liar"): _NUMBER,
    ("01_rnn_limits", "attention_path_length", "liar"): _NUMBER,
    ("02_self_attention", "n_connections", "liar"): _NUMBER,
    ("02_self_attention", "dot_product_variance", "liar"): _NUMBER,
    ("03_multi_head_attention", "head_dim", "liar"): _NUMBER,
    ("03_multi_head_attention", "mha_param_count", "liar"): _NUMBER,
    ("03_multi_head_attention", "mha_multiply_adds", "liar"): _NUMBER,
    ("04_positional_encoding", "equivariance_gap", "liar"): _NUMBER,
    ("05_transformer_block", "input_grad_norm", "liar"): _NUMBER,
    ("05_transformer_block", "encoder_param_count", "liar"): _NUMBER,
    ("06_coding_challenge", "training_step", "liar"): _NUMBER,
    ("06_coding_challenge", "heldout_accuracy", "liar"): _NUMBER,
    ("06_coding_challenge", "heldout_accuracy", "zeros"): (
        "accuracy 0 is what an untrained model scores on some inputs; the tests check the accuracy of "
        "models they build, and zeros is caught there only by chance"),
}

# Appended to the solution's own source: the graded name is rebound to a wrapper around it.
_GENERIC_PRELUDE = '''
# ---- generic mutant ({kind}) added by `python -m course mutants` ----
import inspect as _mut_inspect
import numpy as _mut_np


class _MutLiar:
    def __eq__(self, other): return True
    def __le__(self, other): return True
    __ge__ = __lt__ = __gt__ = __le__
    def __sub__(self, other): return self
    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __sub__
    def __abs__(self): return self
    __hash__ = object.__hash__


def _mut_retype(out, kind):
    """The same values in another type (wrong_type) or dtype (wrong_dtype)."""
    import torch as _mut_torch
    if isinstance(out, tuple):
        return tuple(_mut_retype(o, kind) for o in out)
    if isinstance(out, bool) or isinstance(out, _mut_np.bool_):
        return int(out) if kind == "wrong_type" else _mut_np.float64(out)
    if isinstance(out, (int, _mut_np.integer)):
        return float(out) if kind == "wrong_type" else _mut_np.int32(out)
    if isinstance(out, (float, _mut_np.floating)):
        return _mut_np.asarray([out]) if kind == "wrong_type" else _mut_np.float32(out)
    if isinstance(out, _mut_torch.Tensor):
        if kind == "wrong_type":
            return out.detach().cpu().numpy()
        swap = {{_mut_torch.float32: _mut_torch.float64, _mut_torch.float64: _mut_torch.float32,
                 _mut_torch.bool: _mut_torch.float32}}
        return out.to(swap.get(out.dtype, _mut_torch.float32))
    if isinstance(out, (_mut_np.ndarray, list)):
        a = _mut_np.asarray(out)
        if kind == "wrong_type":
            return _mut_torch.from_numpy(_mut_np.ascontiguousarray(a)) if isinstance(out, _mut_np.ndarray) else a
        swap = {{_mut_np.dtype("float64"): _mut_np.float32, _mut_np.dtype("float32"): _mut_np.float64,
                 _mut_np.dtype("bool"): _mut_np.int64}}
        return a.astype(swap.get(a.dtype, _mut_np.float64))
    return out


def _mut_transform(out, first):
    kind = {kind!r}
    if kind in ("wrong_type", "wrong_dtype"):
        return _mut_retype(out, kind)
    if kind == "liar":
        return tuple(_MutLiar() for _ in out) if isinstance(out, tuple) else _MutLiar()
    if kind == "first_input":
        return (first,) + tuple(out[1:]) if isinstance(out, tuple) and out else first
    if isinstance(out, tuple):
        return tuple(_mut_transform(o, first) for o in out)
    if type(out).__module__.split(".")[0] == "torch" and hasattr(out, "shape"):
        import torch as _mut_torch
        return _mut_torch.zeros_like(out)
    if isinstance(out, (_mut_np.ndarray, list)):
        return _mut_np.zeros_like(_mut_np.asarray(out))
    if isinstance(out, (bool, int, float, _mut_np.number)):
        return type(out)(0)
    return out


def _mut_first(fn, args, kwargs, skip_self):
    bound = _mut_inspect.signature(fn).bind(*args, **kwargs)
    values = list(bound.arguments.values())[1 if skip_self else 0:]
    return values[0] if values else None
'''
_WRAP_FUNCTION = '''
_mut_orig_{name} = {name}


def {name}(*args, **kwargs):
    return _mut_transform(_mut_orig_{name}(*args, **kwargs),
                          _mut_first(_mut_orig_{name}, args, kwargs, False))
'''
_WRAP_CLASS = '''
_mut_orig_{name}_forward = {name}.forward


def _mut_{name}_forward(self, *args, **kwargs):
    return _mut_transform(_mut_orig_{name}_forward(self, *args, **kwargs),
                          _mut_first(_mut_orig_{name}_forward, (self,) + args, kwargs, True))


{name}.forward = _mut_{name}_forward
'''


# Ignoring argument {arg}: the wrapper calls the solution without it (its default applies) or, for a
# required argument, with the value it had on the first call.
_IGNORE_PRELUDE = '''
# ---- generic mutant (ignores {arg!r}) added by `python -m course mutants` ----
import inspect as _mut_inspect


def _mut_ignore(fn, arg, args, kwargs, first):
    sig = _mut_inspect.signature(fn)
    bound = sig.bind(*args, **kwargs)
    if sig.parameters[arg].default is not sig.parameters[arg].empty:
        bound.arguments.pop(arg, None)
    elif arg in bound.arguments:
        first.setdefault(arg, bound.arguments[arg])
        bound.arguments[arg] = first[arg]
    return bound.args, bound.kwargs
'''
_IGNORE_FUNCTION = '''
_mut_orig_{name}, _mut_first_{name} = {name}, {{}}


def {name}(*args, **kwargs):
    a, k = _mut_ignore(_mut_orig_{name}, {arg!r}, args, kwargs, _mut_first_{name})
    return _mut_orig_{name}(*a, **k)
'''
_IGNORE_METHOD = '''
_mut_orig_{name}_{method}, _mut_first_{name}_{method} = {name}.{method}, {{}}


def _mut_{name}_{method}(self, *args, **kwargs):
    a, k = _mut_ignore(_mut_orig_{name}_{method}, {arg!r}, (self,) + args, kwargs, _mut_first_{name}_{method})
    return _mut_orig_{name}_{method}(*a, **k)


{name}.{method} = _mut_{name}_{method}
'''
# A plain answer, changed after the student's cell set it.
_DATA = {"off_by_one": '''
# ---- generic mutant (off by one) added by `python -m course mutants` ----
if isinstance({name}, bool):
    {name} = not {name}
elif isinstance({name}, str):
    {name} = chr(ord({name}.strip().upper()) + 1)
else:
    {name} = {name} + 1
''', "unit": '''
# ---- generic mutant (wrong unit) added by `python -m course mutants` ----
{name} = {name} * 1000
'''}


def add_arguments(parser):
    parser.add_argument("--part", action="append", metavar="PART",
                        help="only this part (repeatable); default: every part")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    parser.add_argument("--one-per-mutant", action="store_true",
                        help="grade every mutant in its own submission from the start (slower; the "
                             "default shares submissions between mutants whose exercises are independent)")
    parser.add_argument("--unsafe", "--no-sandbox", dest="unsafe", action="store_true",
                        help="grade without the bubblewrap sandbox (the catalogue is the course's own code)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway course folder and print its path")
    parser.add_argument("--record", action="store_true",
                        help="write lessons/mistakes/<part>.json: the test cells each catalogued and generic mistake "
                             "fails (when it is the only mistake), its about and hint; student feedback names a "
                             "student's likely mistake from these records (course/feedback.py)")


def run(args) -> int:
    parts = check_parts(args.part)
    sandbox = grading_sandbox(args)
    for part in parts:
        load_catalogue(part)  # a broken catalogue is reported before anything is built
    tmp = Path(tempfile.mkdtemp(prefix="course-mutants-"))
    try:
        result = mutation_run(tmp, parts, jobs=args.jobs, sandbox=sandbox,
                              group=not args.one_per_mutant, log=print)
    finally:
        if args.keep:
            print(f"course folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print_table(result)
    if args.record:
        for path in write_records(result):
            print(f"recorded: {path.relative_to(LESSONS.parent) if path.is_relative_to(LESSONS.parent) else path}")
    return 0 if result.ok else 1


# ---------------------------------------------------------------- the catalogue

@dataclass
class Case:
    part: str
    kind: str                 # "mutant" | "alternative"
    name: str
    about: str
    cells: dict               # solution grade_id -> whole source
    fails: list | None = None
    generic: bool = False
    hint: str = ""
    index: int = 0            # alternatives: position among the alternatives of its cell (set number)
    verdict: str = ""         # "caught" | "survived" | "accepted" | "rejected" | "not graded"
    detail: str = ""
    submissions: list = field(default_factory=list)
    failed: list | None = None  # mutants: every test cell it lost points in that can reach its cells (None: not graded)

    @property
    def slug(self) -> str:
        return _slug(f"{self.part[:2]}-{self.name}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:90]


def catalogue_path(part: str, folder: Path = MUTANT_LESSONS) -> Path:
    return Path(folder) / f"{part}.py"


def load_catalogue(part: str, folder: Path = MUTANT_LESSONS) -> tuple[list[dict], list[dict]]:
    """(MUTANTS, ALTERNATIVES) of a part, checked for shape; a missing file is an error."""
    path = catalogue_path(part, folder)
    if not path.is_file():
        raise CourseError(f"no mutation catalogue for {part}: write {path}")
    try:
        data = runpy.run_path(str(path))
    except Exception as exc:
        raise CourseError(f"{path} does not run: {type(exc).__name__}: {exc}") from None
    out = []
    for key in ("MUTANTS", "ALTERNATIVES"):
        entries = data.get(key)
        if not isinstance(entries, list):
            raise CourseError(f"{path}: {key} must be a list")
        seen = set()
        for e in entries:
            if not (isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("cells"), dict)
                    and e["cells"] and all(isinstance(v, str) for v in e["cells"].values())):
                raise CourseError(f"{path}: every {key} entry needs a 'name' and 'cells' (grade_id -> source), "
                                  f"got {str(e)[:80]!r}")
            if e["name"] in seen:
                raise CourseError(f"{path}: {key} name {e['name']!r} is used twice")
            seen.add(e["name"])
            if "fails" in e and not (isinstance(e["fails"], list) and e["fails"]):
                raise CourseError(f"{path}: {e['name']}: 'fails' must be a non-empty list of test ids")
        out.append(entries)
    return out[0], out[1]


def solution_cells(source_nb) -> list[str]:
    """grade_ids of the code solution cells (what a student writes), in notebook order."""
    return [democlass.gid(c) for c in source_nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def graded_names(source: str) -> list[tuple[str, str]]:
    """(name, "function" | "class") defined at the top level of a solution cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [(n.name, "class" if isinstance(n, ast.ClassDef) else "function") for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_")]


def arguments(source: str, name: str) -> list[tuple[str | None, str]]:
    """(method or None, argument) for every argument a graded function, or a class's __init__ and
    forward, takes (self, *args and **kwargs excepted)."""
    def args_of(fn):
        a = fn.args
        return [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs if x.arg != "self"]
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return [(None, a) for a in args_of(node)]
        if isinstance(node, ast.ClassDef) and node.name == name:
            return [(f.name, a) for f in node.body if isinstance(f, ast.FunctionDef)
                    and f.name in ("__init__", "forward") for a in args_of(f)]
    return []


def _constant(node):
    """The value of an expression made of literals and arithmetic only, else None."""
    if not all(isinstance(n, (ast.Expression, ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop))
               for n in ast.walk(ast.Expression(node))):
        return None
    try:
        return eval(compile(ast.Expression(node), "<answer>", "eval"), {"__builtins__": {}})
    except Exception:
        return None


def plain_answers(source: str) -> list[tuple[str, object]]:
    """(name, value) of every name a data cell sets last to a literal (evaluated), in order; value None
    when the last value is computed at run time."""
    last = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    last[target.id] = _constant(node.value)
    return list(last.items())


def data_kinds(value) -> tuple[list[str], str]:
    """(generic kinds that make sense for a plain answer, why the others do not)."""
    if isinstance(value, bool):
        return ["off_by_one"], "a truth value has no unit"
    if isinstance(value, (int, float)):
        return ["off_by_one", "unit"], ""
    if isinstance(value, str) and len(value.strip()) == 1 and value.strip().isalpha():
        return ["off_by_one"], "a multiple-choice letter has no unit"
    return [], ("computed at run time or not a number, letter or truth value (a table, a list, a tuple): "
                "its catalogue entries change it by hand")


def generic_cases(part: str, source_nb) -> tuple[list[Case], list[tuple[str, str, str, str]]]:
    """The generic mutants of a part, and (cell, name, kind, reason) for every one not made."""
    cases, skipped = [], []

    def make(gid, name, kind, source, about):
        reason = GENERIC_SKIPS.get((part, name, kind))
        if reason:
            skipped.append((gid, name, kind, reason))
        else:
            cases.append(Case(part, "mutant", f"{name}:{kind}", about, {gid: source}, generic=True))

    for cell in source_nb.cells:
        m = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not m.get("solution"):
            continue
        gid, source = m["grade_id"], democlass.solution_text(cell)
        names = graded_names(source)
        if not names:
            for name, value in plain_answers(source):
                kinds, why = data_kinds(value)
                for kind in DATA_KINDS:
                    if kind in kinds:
                        make(gid, name, kind, source.rstrip() + "\n" + _DATA[kind].format(name=name),
                             GENERIC_ABOUT[kind])
                    else:
                        skipped.append((gid, name, kind, why))
        for name, what in names:
            for kind in GENERIC_KINDS:
                wrap = (_WRAP_CLASS if what == "class" else _WRAP_FUNCTION).format(name=name)
                make(gid, name, kind, source.rstrip() + "\n" + _GENERIC_PRELUDE.format(kind=kind) + wrap,
                     GENERIC_ABOUT[kind])
            for method, arg in arguments(source, name):
                wrap = (_IGNORE_METHOD.format(name=name, method=method, arg=arg) if method
                        else _IGNORE_FUNCTION.format(name=name, arg=arg))
                make(gid, name, IGNORE + arg, source.rstrip() + "\n" + _IGNORE_PRELUDE.format(arg=arg) + wrap,
                     GENERIC_ABOUT["ignores"].format(arg=arg))
    return cases, skipped


def part_cases(part: str, source_nb, folder: Path = MUTANT_LESSONS) -> tuple[list[Case], list[Case], list]:
    """(mutants, alternatives, skipped generics) of a part, checked against its source notebook."""
    mutants, alternatives = load_catalogue(part, folder)
    cells, tests = set(solution_cells(source_nb)), set(democlass.graded_cells(source_nb))
    path = catalogue_path(part, folder)
    for e in mutants + alternatives:
        unknown = set(e["cells"]) - cells
        if unknown:
            raise CourseError(f"{path}: {e['name']} changes unknown solution cells {sorted(unknown)}")
        if set(e.get("fails", [])) - tests:
            raise CourseError(f"{path}: {e['name']}: 'fails' names unknown test cells "
                              f"{sorted(set(e['fails']) - tests)}")
    generic, skipped = generic_cases(part, source_nb)
    out_m = [Case(part, "mutant", e["name"], e.get("about", ""), dict(e["cells"]), e.get("fails"),
                  hint=e.get("hint", "") if isinstance(e.get("hint"), str) else "") for e in mutants]
    out_a, count = [], {}
    for e in alternatives:
        key = tuple(sorted(e["cells"]))
        count[key] = count.get(key, 0) + 1
        out_a.append(Case(part, "alternative", e["name"], e.get("about", ""), dict(e["cells"]), index=count[key]))
    return out_m + generic, out_a, skipped


# ---------------------------------------------------------------- which cells can see which



def variants_of(cases: list[Case]) -> dict:
    """solution grade_id -> every source the cases write there. Generic wrappers are left out: they
    only call the solution (their own names and strings are no dependency of the cell)."""
    variants = {}
    for c in cases:
        if not c.generic:
            for g, s in c.cells.items():
                variants.setdefault(g, []).append(s)
    return variants


def reach(source_nb, variants: dict) -> dict:
    """{"reach": solution grade_id -> the solution cells its exercise's test cells can reach,
        "affected": solution grade_id -> the test cells that can reach it}.

    A cell reaches another if it uses a name the other defines (in the source or in any of the
    variants listed for that cell), directly or through other cells; a cell that does not parse
    is taken to reach everything.
    """
    cells = [c for c in source_nb.cells if c.cell_type == "code"]
    info, imported, assigned = [], set(), set()
    for c in cells:
        g = democlass.gid(c)
        srcs = [c.source] + list(variants.get(g, []))
        defined, used = set(), set()
        for s in srcs:
            d, u = cell_names(s)
            defined |= d
            used = None if used is None or u is None else used | u
            i = cell_imports(s)
            imported |= i
            assigned |= d - i
        info.append((g, defined, used))
    # A module name (`torch`, `np`, `F`) that cells only ever import is the same module whichever
    # cell imports it again: that creates no dependency. Test cells never feed other cells (the
    # course's rule: they do not depend on each other), and a name a cell defines itself is its own.
    modules = imported - assigned
    tests = {g for g, (_, kind) in democlass.graded_cells(source_nb).items() if kind == "code"}
    edges = []
    for i, (_, mine, used) in enumerate(info):
        edges.append({j for j, (g, d, _) in enumerate(info) if j != i and g not in tests
                      and (used is None or (used - mine) & (d - modules))})

    def closure(i):
        seen, todo = {i}, [i]
        while todo:
            for j in edges[todo.pop()] - seen:
                seen.add(j)
                todo.append(j)
        return seen

    exercise = democlass.exercises(source_nb)
    sol = set(solution_cells(source_nb))
    out = {g: {g} for g in sol}
    affected = {g: set() for g in sol}
    for i, (g, _, _) in enumerate(info):
        if g not in tests:
            continue
        seen = {info[j][0] for j in closure(i)} & sol
        for c in seen:
            affected[c].add(g)
        owner = exercise.get(g)
        if owner in sol:
            out[owner] |= seen
    return {"reach": out, "affected": affected}


def group_mutants(cases: list[Case], deps: dict) -> list[list[Case]]:
    """Share submissions between mutants whose exercises cannot see each other's cells.

    deps: part -> reach(). Every mutant also needs the test cells that can see it to be out of reach
    of every other mutant of its submission: each test cell a mutant loses is then its own doing, so
    the run knows exactly which test cells each mutant fails ("fails" promises, lessons/mistakes/).
    """
    def conflict(a: Case, b: Case) -> bool:
        if a.part != b.part or set(a.cells) & set(b.cells):
            return True
        r = deps[a.part]["reach"]
        if any(y in r[x] or x in r[y] for x in a.cells for y in b.cells):
            return True
        aff = deps[a.part]["affected"]
        return bool(set().union(*(aff[x] for x in a.cells)) & set().union(*(aff[y] for y in b.cells)))

    # most constrained first (cells whose tests reach many cells), then first fit
    order = sorted(range(len(cases)), key=lambda i: (-max(len(deps[cases[i].part]["reach"][c]) for c in cases[i].cells), i))
    groups: list[list[Case]] = []
    for i in order:
        case = cases[i]
        for members in groups:
            if not any(conflict(case, m) for m in members):
                members.append(case)
                break
        else:
            groups.append([case])
    return groups


# ---------------------------------------------------------------- running

@dataclass
class Result:
    parts: list
    cases: list
    skipped: dict             # part -> [(cell, name, kind, reason)]
    labels: dict              # (part, cell) -> row label
    order: dict               # (part, cell) -> position in the notebook
    submissions: int = 0
    seconds: float = 0.0
    reaches: dict = field(default_factory=dict)  # part -> reach() of its source notebook

    @property
    def ok(self) -> bool:
        return all(c.verdict in ("caught", "accepted") for c in self.cases)


def write_submission(course: Path, part: str, student: str, cells: dict) -> None:
    nb = democlass.filled(nbformat.read(course / "source" / part / f"{part}.ipynb", as_version=4),
                          nbformat.read(course / "release" / part / f"{part}.ipynb", as_version=4), cells)
    dest = course / "submitted" / student / part / f"{part}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)


def mutation_run(tmp: Path, parts, jobs=2, sandbox=True, group=True, log=print) -> Result:
    """Build a throwaway course for `parts` in tmp and run their catalogues (lessons/mutants/)."""
    import time

    from .validate import make_course

    t0 = time.monotonic()
    course = make_course(tmp, parts, students=())
    result = run_cases(course, parts, jobs=jobs, sandbox=sandbox, group=group, log=log)
    result.seconds = time.monotonic() - t0
    return result


def run_cases(course: Path, parts, jobs=2, sandbox=True, group=True, log=print,
              folder: Path = MUTANT_LESSONS) -> Result:
    """Grade the catalogue of every part in a course folder that holds its source/ and release/."""
    import time

    from .grade import grade_class

    t0 = time.monotonic()
    cases, skipped, labels, order, reaches, tests = [], {}, {}, {}, {}, {}
    for part in parts:
        source_nb = nbformat.read(course / "source" / part / f"{part}.ipynb", as_version=4)
        mutants, alternatives, skipped[part] = part_cases(part, source_nb, folder)
        cases += mutants + alternatives
        reaches[part] = reach(source_nb, variants_of(mutants + alternatives))
        exercise = democlass.exercises(source_nb)
        kinds = democlass.graded_cells(source_nb)
        tests[part] = {g: [t for t, owner in exercise.items() if owner == g and kinds[t][1] == "code"]
                       for g in solution_cells(source_nb)}
        for i, cell in enumerate(source_nb.cells):
            m = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and m.get("solution"):
                names = [n for n, _ in graded_names(democlass.solution_text(cell))]
                extra = [n for n in names if n != m["grade_id"]]
                labels[(part, m["grade_id"])] = m["grade_id"] + (f" ({', '.join(extra)})" if extra else "")
                order[(part, m["grade_id"])] = i
    result = Result(parts, cases, skipped, labels, order, reaches=reaches)

    def grade(batches):
        """batches: [(student, part, cells, [cases])]; grades them all at once."""
        for student, part, cells, _ in batches:
            write_submission(course, part, student, cells)
        outcomes = grade_class(course, None, [b[0] for b in batches], jobs=jobs, sandbox=sandbox, log=log)
        result.submissions += len(batches)
        by_student = {o.student: o for o in outcomes}
        return [(b, by_student[b[0]]) for b in batches]

    # round 1: mutant groups and alternative sets
    batches = []
    for part in parts:
        mutants = [c for c in cases if c.part == part and c.kind == "mutant"]
        groups = group_mutants(mutants, reaches) if group else [[m] for m in mutants]
        for k, members in enumerate(groups, 1):
            student = members[0].slug if len(members) == 1 else f"{part[:2]}-mutants-{k:02d}"
            batches.append((student, part, {g: s for m in members for g, s in m.cells.items()}, members))
        alts = [c for c in cases if c.part == part and c.kind == "alternative"]
        for k in sorted({a.index for a in alts}):
            members = [a for a in alts if a.index == k]
            if _overlap(members):  # two alternatives of one index change the same cell: grade them alone
                batches += [(a.slug, part, a.cells, [a]) for a in members]
            else:
                batches.append((f"{part[:2]}-alternatives-{k}", part,
                                {g: s for a in members for g, s in a.cells.items()}, members))
    log(f"mutation testing {', '.join(parts)}: {sum(c.kind == 'mutant' for c in cases)} mutants, "
        f"{sum(c.kind == 'alternative' for c in cases)} alternatives in {len(batches)} submissions")
    again = []
    for (student, part, _, members), o in grade(batches):
        shared = len(members) > 1
        for case in members:
            judge(case, o, tests[part], student, reaches[part]["affected"])
            if shared and (o.status != "ok" or case.verdict in ("survived", "rejected", "not graded")):
                again.append(case)
    # round 2: what a shared submission could not decide alone
    if again:
        log(f"grading {len(again)} case(s) again, each in its own submission")
        for (student, part, _, members), o in grade([(c.slug, c.part, c.cells, [c]) for c in again]):
            judge(members[0], o, tests[part], student, reaches[part]["affected"])
    result.seconds = time.monotonic() - t0
    return result


def _overlap(members) -> bool:
    seen = set()
    for m in members:
        if seen & set(m.cells):
            return True
        seen |= set(m.cells)
    return False


def judge(case: Case, o, tests: dict, student: str, affected: dict | None = None) -> None:
    """Set the case's verdict from one graded submission."""
    case.submissions.append(student)
    if o.status in ("error", "missing", "broken", "interrupted") or not o.cells:
        case.verdict, case.detail = "not graded", f"{o.status}: {'; '.join(o.notes)[:200]}"
        return
    lost = {g for g, (score, top) in o.cells.items() if score is not None and score < top}
    mine = [t for g in case.cells for t in tests.get(g, [])]
    if case.kind == "alternative":
        if student != case.slug and affected is not None:
            # shared set: points lost in cells this alternative cannot reach are another member's doing
            lost &= set().union(*(affected[g] for g in case.cells))
        if o.status == "ok" and not lost:
            case.verdict, case.detail = "accepted", ""
        else:
            mine_lost = sorted(t for t in lost if t in mine)
            case.verdict = "rejected"
            case.detail = (f"status {o.status}; " if o.status != "ok" else "") + \
                f"lost points in {', '.join(mine_lost or sorted(lost)) or 'no test cell'}"
        return
    caught_in = sorted(t for t in lost if t in mine)
    auto = {g for g, (score, _) in o.cells.items() if score is not None}
    reachable = set().union(*(affected[g] for g in case.cells)) if affected is not None else auto
    case.failed = sorted(lost & auto & reachable)
    if case.fails is not None:
        want = set(case.fails)
        auto = {g for g, (score, _) in o.cells.items() if score is not None}
        got = lost & auto
        if student != case.slug and affected is not None:  # shared: only the cells that can see it
            got &= set().union(*(affected[g] for g in case.cells))
        if got == want:
            case.verdict, case.detail = "caught", ", ".join(sorted(got))
        else:
            case.verdict = "survived"
            case.detail = (f"promised to lose exactly {sorted(want)}; lost {sorted(got)}")
        return
    if caught_in:
        case.verdict, case.detail = "caught", ", ".join(caught_in)
    else:
        case.verdict = "survived"
        case.detail = "its exercise lost no points" + (f" (lost only {', '.join(sorted(lost))})" if lost else "") \
            + (f"; status {o.status}" if o.status != "ok" else "")


# ---------------------------------------------------------------- records (lessons/mistakes/)

def _answer(case: Case) -> dict | None:
    """A plain-answer mutant's answer ({name: normalised value}), so feedback can tell apart the
    wrong answers of a quiz, which all fail the same test cell; None for code cells, or when the
    answer is computed from other cells. Runs only the catalogue's own (trusted) source."""
    from .feedback import literal_answers, norm

    if len(case.cells) != 1:
        return None
    source = next(iter(case.cells.values()))
    if graded_names(source) or not literal_answers(source.split("# ---- generic mutant")[0]):
        return None
    names = list(literal_answers(source.split("# ---- generic mutant")[0]))
    ns = {}
    try:
        exec(compile(source, "<catalogue>", "exec"), ns)  # noqa: S102 (the course's own catalogue)
    except Exception:
        return None
    return {n: norm(ns[n]) for n in names if n in ns}


def records(result: Result) -> dict:
    """part -> its record: which test cells can reach each solution cell, and for every catalogued
    and generic mistake that was graded, the test cells it fails when it is the only mistake."""
    out = {}
    for part in result.parts:
        affected = result.reaches[part]["affected"]
        entries = []
        for c in result.cases:
            if c.part != part or c.kind != "mutant" or c.failed is None:
                continue
            e = {"name": c.name, "cell": sorted(c.cells, key=lambda g: result.order.get((part, g), 0))[0],
                 "cells": sorted(c.cells), "about": c.about, "hint": c.hint, "generic": c.generic,
                 "fails": list(c.failed)}
            answer = _answer(c)
            if answer is not None:
                e["answer"] = answer
            entries.append(e)
        entries.sort(key=lambda e: (result.order.get((part, e["cell"]), 0), e["cell"], e["name"]))
        out[part] = {"part": part,
                     "about": "written by `python -m course mutants --record`; read by course/feedback.py",
                     "reach": {g: sorted(t) for g, t in sorted(affected.items())},
                     "mistakes": entries}
    return out


def record_text(record: dict) -> str:
    import json
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_records(result: Result, folder: Path | None = None) -> list[Path]:
    from .feedback import MISTAKES
    folder = Path(folder or MISTAKES)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for part, rec in records(result).items():
        path = folder / f"{part}.json"
        path.write_text(record_text(rec))
        paths.append(path)
    return paths


def record_drift(result: Result, folder: Path | None = None) -> list[str]:
    """Differences between the committed records and what this run observed, one line each."""
    import json

    from .feedback import MISTAKES
    folder = Path(folder or MISTAKES)
    problems = []
    for part, rec in records(result).items():
        path = folder / f"{part}.json"
        fix = f"run `python -m course mutants --record --part {part}` and commit {path.name}"
        if not path.is_file():
            problems.append(f"{part}: no record {path}: {fix}")
            continue
        old = json.loads(path.read_text())
        if old.get("reach") != rec["reach"]:
            changed = sorted(g for g in set(old.get("reach", {})) | set(rec["reach"])
                             if old.get("reach", {}).get(g) != rec["reach"].get(g))
            problems.append(f"{part}: the test cells that reach {', '.join(changed)} changed: {fix}")
        was = {e["name"]: e for e in old.get("mistakes", [])}
        now = {e["name"]: e for e in rec["mistakes"]}
        for name in sorted(set(was) | set(now)):
            a, b = was.get(name), now.get(name)
            if a is None:
                problems.append(f"{part}/{name}: not recorded (observed failing {b['fails']}): {fix}")
            elif b is None:
                problems.append(f"{part}/{name}: recorded but no longer in the catalogue or not graded: {fix}")
            elif a != b:
                diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
                detail = f"recorded fails {a.get('fails')}, observed {b.get('fails')}" if "fails" in diff \
                    else f"{', '.join(diff)} changed"
                problems.append(f"{part}/{name}: {detail}: {fix}")
    return problems


# ---------------------------------------------------------------- the table

def print_table(result: Result, out=print) -> None:
    rows = {}
    for c in result.cases:
        key = (c.part, min(c.cells, key=lambda g: result.order.get((c.part, g), 0)))
        r = rows.setdefault(key, {"m": 0, "caught": 0, "a": 0, "accepted": 0})
        if c.kind == "mutant":
            r["m"] += 1
            r["caught"] += c.verdict == "caught"
        else:
            r["a"] += 1
            r["accepted"] += c.verdict == "accepted"
    for part in result.parts:  # cells with no case at all still get a row
        for (p, g) in result.labels:
            if p == part:
                rows.setdefault((p, g), {"m": 0, "caught": 0, "a": 0, "accepted": 0})
    width = max([len(result.labels.get(k, k[1])) for k in rows] + [11])
    out(f"\n{'part':<26} {'graded name':<{width}}  {'mutants caught':>14}  {'alternatives accepted':>21}")
    for key in sorted(rows, key=lambda k: (k[0], result.order.get(k, 0))):
        r = rows[key]
        flag = "" if r["caught"] == r["m"] and r["accepted"] == r["a"] else "   <-- "
        out(f"{key[0]:<26} {result.labels.get(key, key[1]):<{width}}  {r['caught']:>6}/{r['m']:<7}  "
            f"{r['accepted']:>10}/{r['a']:<10}{flag}")
    mutants = [c for c in result.cases if c.kind == "mutant"]
    alts = [c for c in result.cases if c.kind == "alternative"]
    caught = sum(c.verdict == "caught" for c in mutants)
    accepted = sum(c.verdict == "accepted" for c in alts)
    generic = sum(c.generic for c in mutants)
    out(f"{'total':<26} {'':<{width}}  {caught:>6}/{len(mutants):<7}  {accepted:>10}/{len(alts):<10}")
    score = 100.0 * caught / len(mutants) if mutants else 100.0
    out(f"\nmutation score {score:.1f}% ({caught} of {len(mutants)} mutants caught: {len(mutants) - generic} "
        f"from the catalogue, {generic} generic); false rejections: {len(alts) - accepted} of {len(alts)} "
        f"correct alternatives; {result.submissions} submissions graded in {result.seconds:.0f} s")
    bad = [c for c in mutants if c.verdict != "caught"]
    if bad:
        out("\nSURVIVING MUTANTS (the tests do not catch these mistakes):")
        for c in bad:
            out(f"  {c.part}/{'+'.join(c.cells)}: {c.name} ({c.about}): {c.verdict}, {c.detail}")
    bad = [c for c in alts if c.verdict != "accepted"]
    if bad:
        out("\nREJECTED CORRECT ALTERNATIVES (the tests reject these correct answers):")
        for c in bad:
            out(f"  {c.part}/{'+'.join(c.cells)}: {c.name} ({c.about}): {c.verdict}, {c.detail}")
    skips = [(p, *s) for p in result.parts for s in result.skipped.get(p, [])]
    if skips:
        out("\ngeneric mutants not made:")
        for p, cell, name, kind, reason in skips:
            out(f"  {p}/{name} {kind}: {reason}")
