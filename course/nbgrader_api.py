"""nbgrader's Python API, configured from a course folder's nbgrader_config.py."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader


# The gradebook is nbgrader's CourseDirectory.db_url: set it in nbgrader_config.py, or for one
# command in this variable (e.g. postgresql+psycopg://grader@db.example.org/course); unset, the
# gradebook is gradebook.db (SQLite) in the course folder.
DB_URL_ENV = "COURSE_DB_URL"


def load_config(course: Path, overrides: Config | None = None) -> Config:
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    cfg.CourseDirectory.root = str(course)
    if os.environ.get(DB_URL_ENV):
        cfg.CourseDirectory.db_url = os.environ[DB_URL_ENV]
    if overrides is not None:
        cfg.merge(overrides)
    return cfg


def db_url(course: Path) -> str:
    """The course's gradebook: $COURSE_DB_URL, else nbgrader_config.py's db_url, else gradebook.db in
    the course folder."""
    return load_config(course).CourseDirectory.get("db_url") or f"sqlite:///{Path(course) / 'gradebook.db'}"


def api_for(course: Path, overrides: Config | None = None):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = load_config(Path(course), overrides)
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    api.log.setLevel(logging.WARNING)
    return api
