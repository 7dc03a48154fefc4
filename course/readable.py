"""Can every student read the notebook's pictures and follow its outline? Read from the text, never run.

- Headings: one `#` title first, and no level skipped (`##` then `####` loses screen-reader users).
- Pictures in markdown (`![alt](figures/x.svg)`, `<img>`): alt text of a sentence, and the file exists.
- Figures drawn by code: a title, both axes labelled (unless the axes are off, as in a diagram), only
  colour maps that colour-blind readers can use, and right after the drawing cell a markdown caption
  starting `**Figure.**` that says in a sentence what the figure shows (the alt text of a plot:
  JupyterLab gives a plot's image no alt text of its own).

A function a cell defines that draws (a plotting helper) counts as drawing where it is called, and its
own body must carry the title and labels.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

# Perceptually uniform or colour-blind-safe maps (matplotlib names), with their reversed forms.
COLOUR_MAPS = {m + r for m in ("viridis", "cividis", "magma", "inferno", "plasma", "Greys", "gray", "binary",
                               "RdBu", "PuOr") for r in ("", "_r")}
DRAWS = {"subplots", "figure", "subplot", "plot", "imshow", "matshow", "bar", "barh", "hist", "scatter",
         "pcolormesh", "show", "semilogy", "loglog", "errorbar", "fill_between", "heatmap"}
CAPTION = re.compile(r"^\*\*Figure\.\*\*\s+(.+)", re.S)
MIN_WORDS = 6
HEADING = re.compile(r"^(#{1,6})\s+\S")
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.I)


def accessibility(nb, files: Path | None = None) -> list[str]:
    """Every problem of headings, pictures and figures in the notebook, one line each."""
    return headings(nb) + pictures(nb, files) + figures(nb)


def headings(nb) -> list[str]:
    problems, last = [], 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith("```"):
                fenced = not fenced
            m = None if fenced else HEADING.match(line)
            if not m:
                continue
            level = len(m.group(1))
            if last == 0 and level != 1:
                problems.append(f"cell {i + 1}: the first heading {line[:50]!r} is not the `# ` title")
            elif last and level == 1:
                problems.append(f"cell {i + 1}: a second `# ` title {line[:50]!r}: use `## ` for sections")
            elif level > last + 1:
                problems.append(f"cell {i + 1}: heading {line[:50]!r} skips from level {last} to {level}")
            last = level
    return problems


def pictures(nb, files: Path | None = None) -> list[str]:
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for alt, target in MD_IMAGE.findall(cell.source):
            if len(alt.split()) < MIN_WORDS:
                problems.append(f"cell {i + 1}: image {target} has no alt text of a sentence "
                                f"(got {alt!r}): say what it shows in `![...]`")
            if files is not None and "://" not in target and not (files / target).is_file():
                problems.append(f"cell {i + 1}: image {target} is not in {files}")
        for tag in HTML_IMAGE.findall(cell.source):
            alt = re.search(r'\balt\s*=\s*"([^"]*)"', tag)
            if not alt or len(alt.group(1).split()) < MIN_WORDS:
                problems.append(f"cell {i + 1}: {tag[:60]} has no alt text of a sentence")
    return problems


def figures(nb) -> list[str]:
    drawing_functions, problems = {}, []
    trees = [_tree(c) if c.cell_type == "code" else None for c in nb.cells]
    for tree in trees:
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _draws(node, set()):
                drawing_functions[node.name] = node
    for name, fn in drawing_functions.items():
        problems += [f"function {name}(): {p}" for p in _labels(fn)]
    for i, (cell, tree) in enumerate(zip(nb.cells, trees)):
        if tree is None or _is_test(cell):
            continue
        top = ast.Module(body=[n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.ClassDef))],
                         type_ignores=[])
        if not _draws(top, set(drawing_functions)):
            continue
        if _draws(top, set()):
            problems += [f"cell {i + 1} ({_first_line(cell)}): {p}" for p in _labels(top)]
        problems += [f"cell {i + 1} ({_first_line(cell)}): {p}" for p in _colour_maps(top)]
        caption = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        m = CAPTION.match(caption.source.strip()) if caption is not None and caption.cell_type == "markdown" else None
        if not m or len(m.group(1).split()) < MIN_WORDS:
            problems.append(f"cell {i + 1} ({_first_line(cell)}) draws a figure but the next cell is no "
                            "`**Figure.**` caption saying in a sentence what it shows (its alt text)")
    for fn in drawing_functions.values():
        problems += [f"function {fn.name}(): {p}" for p in _colour_maps(fn)]
    return problems


def _first_line(cell) -> str:
    lines = [ln for ln in cell.source.splitlines() if ln.strip()]
    return repr(lines[0][:50]) if lines else "empty"


def _tree(cell):
    text = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


def _is_test(cell) -> bool:
    m = cell.metadata.get("nbgrader", {})
    return bool(m.get("grade")) and not m.get("solution")


def _called(node) -> str | None:
    f = node.func if isinstance(node, ast.Call) else None
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def _draws(tree, helpers: set) -> bool:
    for node in ast.walk(tree):
        name = _called(node)
        if name in helpers:
            return True
        if name in DRAWS and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if name in ("plot", "hist", "bar", "barh", "scatter", "show") and \
                    not (isinstance(owner, ast.Name) and owner.id in ("plt", "ax", "axes", "fig", "axs")) and \
                    not isinstance(owner, ast.Subscript):
                continue  # `df.plot`, `x.hist` ... are not matplotlib calls we can read
            return True
    return False


def _labels(tree) -> list[str]:
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    called = {_called(c) for c in calls}
    keywords = {k.arg for c in calls if _called(c) == "set" for k in c.keywords}
    text = ast.unparse(tree)
    off = "set_axis_off" in called or re.search(r"""axis\(\s*["']off["']""", text)
    problems = []
    if not ({"set_title", "title", "suptitle"} & called or "title" in keywords):
        problems.append("the figure has no title (set_title / suptitle / ax.set(title=...))")
    if not off:
        for axis in "xy":
            if not ({f"set_{axis}label", f"{axis}label", f"sup{axis}label"} & called or f"{axis}label" in keywords):
                problems.append(f"the figure's {axis} axis has no label")
    return problems


def _colour_maps(tree) -> list[str]:
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            values = [k.value for k in node.keywords if k.arg in ("cmap", "colormap")]
            if _called(node) in ("get_cmap", "colormaps", "set_cmap") and node.args:
                values.append(node.args[0])
            for v in values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value not in COLOUR_MAPS:
                    problems.append(f"colour map {v.value!r} is hard for colour-blind readers: use one of "
                                    "viridis, cividis, magma, inferno, plasma, Greys, RdBu, PuOr")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and \
                node.value.attr == "cm" and node.attr not in COLOUR_MAPS:
            problems.append(f"colour map cm.{node.attr} is hard for colour-blind readers")
    return problems
