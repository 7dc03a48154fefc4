"""A scan of the code a student wrote for what could subvert grading (the tripwire's second half).

The tripwire cell (course/build.py) catches tampering that changes how `assert` and NumPy's
comparisons behave; it cannot see an object whose `==` always answers True, a function that
reads its caller's frame (where the hidden test's code is), or a patched library function the
tests happen not to use. This scan reads the code cells the student controls (solution cells
and cells they added; locked cells are restored by nbgrader anyway) and reports each construct
that an honest answer to this course never needs. A finding does not change a score: it puts
the submission on the instructor's review list, with the cell and the line.
"""
from __future__ import annotations

import re

# (pattern, what it can do). Patterns are matched per line, comments stripped.
SUSPICIOUS = [
    (r"\b(input_transformers\w*|ast_transformers|set_custom_exc|showtraceback|showsyntaxerror|"
     r"run_cell|events\s*\.\s*register|register_magic_function)\b",
     "changes how IPython runs or reports cells"),
    (r"\b__builtins__\b|\bimport\s+builtins\b|\bfrom\s+builtins\s+import\b", "touches Python's builtins"),
    (r"\bdef\s+__(eq|ne|lt|le|gt|ge|bool|float|array|array_ufunc|array_function|instancecheck)__\b|"
     r"\b__(eq|ne|lt|le|gt|ge|bool)__\s*=", "defines comparison operators (an object that equals anything?)"),
    (r"^\s*(np|numpy|torch|math|F|nn|unittest|pytest)\s*\.(?!backends\b)[\w.]+\s*=(?!=)",
     "replaces a library function"),
    (r"\bsetattr\s*\(\s*(np|numpy|torch|math|F|nn|builtins)\b", "replaces a library function"),
    (r"\bsys\s*\.\s*(modules|meta_path|path_hooks|settrace|setprofile|_getframe|excepthook)\b|"
     r"\binspect\s*\.\s*(stack|currentframe|getouterframes|getsource)\b|\bgc\s*\.\s*get_(objects|referrers)\b"
     r"|\bf_back\b|\bf_globals\b", "inspects or rewires the interpreter (could read the hidden tests)"),
    (r"profile_default|site-packages|\bpurelib\b|sitecustomize|usercustomize", "writes startup files"),
    (r"\bctypes\b", "uses ctypes (can crash or patch the interpreter)"),
    (r"\bos\s*\.\s*(kill|killpg|_exit|fork|setsid)\b|\bsignal\s*\.\s*signal\b",
     "kills, forks or ignores signals"),
    (r"\bsubprocess\b|\bos\s*\.\s*(system|popen|exec\w*|spawn\w*)\b", "runs other programs"),
    (r"\bsocket\b|\burllib\b|\brequests\s*\.|\bhttp\.client\b", "uses the network"),
    (r"\bsqlite3\b|gradebook", "opens a database or the gradebook"),
    (r"(?<![\w.])(exec|eval|compile|__import__)\s*\(", "runs generated code"),
]
_PATTERNS = [(re.compile(p), why) for p, why in SUSPICIOUS]


def _code(line: str) -> str:
    """The line without its comment (a '#' inside a string is rare enough in student code)."""
    return line.split("#", 1)[0]


def scan(nb, release) -> list[str]:
    """Findings, one per (cell, reason): 'cell add, line 3: changes how IPython ...: <code>'."""
    locked = {c.metadata.nbgrader["grade_id"] for c in release.cells
              if c.get("metadata", {}).get("nbgrader", {}).get("locked")}
    found = []
    for i, cell in enumerate(nb.cells):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("cell_type") != "code" or gid in locked:
            continue
        seen = set()
        for n, line in enumerate(cell.get("source", "").splitlines(), 1):
            for pattern, why in _PATTERNS:
                if why not in seen and pattern.search(_code(line)):
                    seen.add(why)
                    found.append(f"cell {gid or i + 1}, line {n}: {why}: {line.strip()[:80]}")
    return found
