"""The pinned environment: requirements.txt and environment.yml agree; every pin is explained."""
import re

from course.common import ROOT


def pins(text):
    return dict(re.findall(r"^\s*(?:-\s+)?([A-Za-z0-9_.-]+)==([^\s#]+)", text, re.M))


def test_requirements_pin_every_dependency_with_a_reason():
    """Each requirement is pinned with == and has a comment above it saying why it is there."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    for i, line in enumerate(lines):
        if line.strip() and not line.startswith("#"):
            assert re.match(r"^[A-Za-z0-9_.-]+==\S+$", line.strip()), f"not pinned exactly: {line}"
            assert lines[i - 1].startswith("#"), f"no comment explains {line}"


def test_environment_yml_names_the_same_versions():
    """conda's environment.yml pins exactly what requirements.txt pins."""
    req = pins((ROOT / "requirements.txt").read_text())
    env = pins((ROOT / "environment.yml").read_text())
    assert req == env, f"requirements.txt {req} != environment.yml {env}"
    assert req.get("torch") == "2.13.0", "torch must stay 2.13.0 (the CPU build this course is tested with)"
    assert "python=3.11" in (ROOT / "environment.yml").read_text()
