"""Transformer Internals course tooling: build, validate, grade and demo, wrapping nbgrader."""
import os as _os
import sys as _sys

# nbgrader runs tools of its own environment (alembic, jupyter) by name: put them on PATH.
_bin = _os.path.dirname(_sys.executable)
if _bin not in _os.environ.get("PATH", "").split(_os.pathsep):
    _os.environ["PATH"] = _bin + _os.pathsep + _os.environ.get("PATH", "")
