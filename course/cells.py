"""What a notebook cell's code defines and uses, read from its syntax tree (never run).

Shared by the mutation run (which cells can see which) and the lesson checks (which names a test
reads that the student must define).
"""
from __future__ import annotations

import ast


def names(source: str) -> tuple[set, set | None]:
    """(names a cell defines at module level, names it uses); uses is None if it does not parse."""
    text = "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set(), None
    defined, used = set(), set()

    def visit(node, local):
        """Collect the names read from the module's globals (a function's own names are local)."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            params = {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs} | \
                {x.arg for x in (a.vararg, a.kwarg) if x}
            body = node.body if isinstance(node.body, list) else [node.body]
            declared = {n for b in body for g in ast.walk(b) if isinstance(g, (ast.Global, ast.Nonlocal))
                        for n in g.names}
            stored = {n.id for b in body for n in ast.walk(b)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} | \
                {n.name for b in body for n in ast.walk(b) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
            for outer in a.defaults + [d for d in a.kw_defaults if d] + getattr(node, "decorator_list", []):
                visit(outer, local)
            for b in body:
                visit(b, (local | params | stored) - declared)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            targets = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
            for child in ast.iter_child_nodes(node):
                visit(child, local | targets)
            return
        if isinstance(node, ast.Name) and node.id not in local:
            used.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            used.add(node.value)  # globals()["name"], getattr(module, "name")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            defined.update(node.names)
        for child in ast.iter_child_nodes(node):
            visit(child, local)

    visit(tree, set())

    def top(nodes):
        for n in nodes:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(n.name)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                defined.update((a.asname or a.name).split(".")[0] for a in n.names)
            else:
                for sub in ast.walk(n):
                    if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                        defined.add(sub.id)
                for attr in ("body", "orelse", "finalbody", "handlers"):
                    if isinstance(getattr(n, attr, None), list):
                        top(getattr(n, attr))
    top(tree.body)
    return defined, used


def imports(source: str) -> set:
    """Names a cell binds with import statements at its top level."""
    text = "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    return {(a.asname or a.name).split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names}
