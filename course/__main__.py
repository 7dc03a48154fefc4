"""`python -m course <verb>`: thin command line over the course's verbs (one module each)."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from .common import CourseError

VERBS = ("build", "validate", "grade", "demo", "bench", "report", "doctor", "mutants", "claims", "cocalc-audit", "hub")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    sub = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    modules = {}
    for verb in VERBS:
        name = f"course.{verb.replace('-', '_')}"  # the verb cocalc-audit lives in course/cocalc_audit.py
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        modules[verb] = mod
        p = sub.add_parser(verb, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
    args = parser.parse_args(argv)
    try:
        return modules[args.verb].run(args) or 0
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug or an environment problem: still one line, unless asked
        if os.environ.get("COURSE_DEBUG"):
            raise
        print(f"error: {type(exc).__name__}: {exc} (set COURSE_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
