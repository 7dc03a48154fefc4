"""nbgrader's Python API, configured from a course folder's nbgrader_config.py."""
from __future__ import annotations

import logging
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader


def load_config(course: Path, overrides: Config | None = None) -> Config:
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    cfg.CourseDirectory.root = str(course)
    if overrides is not None:
        cfg.merge(overrides)
    return cfg


def db_url(course: Path) -> str:
    """The course's gradebook: nbgrader_config.py's db_url, else gradebook.db in the course folder."""
    return load_config(course).CourseDirectory.get("db_url") or f"sqlite:///{Path(course) / 'gradebook.db'}"


def api_for(course: Path, overrides: Config | None = None):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = load_config(Path(course), overrides)
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    api.log.setLevel(logging.WARNING)
    return api
