"""The wheel installs everything under ``lms_roi`` and nothing at the top level."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("lms_roi-*.whl"))


def test_wheel_holds_only_the_lms_roi_namespace(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_levels = {name.split("/")[0] for name in names}
    assert {t for t in top_levels if not t.endswith(".dist-info")} == {"lms_roi"}
    for expected in (
        "lms_roi/models/__init__.py",
        "lms_roi/models/outcomes.py",
        "lms_roi/blueprints/admin.py",
        "lms_roi/templates/lms_roi/base.html",
        "lms_roi/templates/lms_roi/admin/people.html",
        "lms_roi/migrations/env.py",
        "lms_roi/migrations/script.py.mako",
        "lms_roi/migrations/versions/0001_initial_schema.py",
        "lms_roi/static/lms_roi.css",
    ):
        assert expected in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "lms-roi = lms_roi.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_imports_lms_roi_models_but_not_models(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import lms_roi.models, lms_roi.blueprints;"
        "assert lms_roi.models.__file__.startswith(sys.argv[1]), lms_roi.models.__file__;"
        "import importlib.util as u;"
        "print(u.find_spec('models'), u.find_spec('blueprints'))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None None"
