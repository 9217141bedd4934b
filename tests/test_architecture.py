"""The package's layering (issue 10), enforced by import-linter.

The contracts live in pyproject.toml (``[tool.importlinter]``): ``grading | viz``
above ``course`` above ``nn``, grading and viz independent of each other, every
subpackage placed in a layer (importing the package root counts as importing
every part it loads). These tests run the real ``lint-imports`` of the venv, and
prove on a scratch copy of the package that a forbidden import does break it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"  # the venv's, installed by the `test` extra


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    """Run ``lint-imports`` on the package and pyproject.toml found in ``project``."""
    # The project's own folder first on the path, so a scratch copy is analysed, not the installed package.
    # Wide lines: lint-imports (rich) wraps at 80 columns, which would cut the longer messages in two.
    env = dict(os.environ, PYTHONPATH=str(project), COLUMNS="200")
    return subprocess.run([str(LINT_IMPORTS), "--no-logo", "--no-cache"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_package_keeps_its_import_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, f"lint-imports found a broken contract:\n{result.stdout}{result.stderr}"
    assert "0 broken" in result.stdout, result.stdout


# ------------------------------------------------------------------ the contracts can fail
@pytest.fixture
def scratch_project(tmp_path: Path) -> Path:
    """A copy of the package and its pyproject.toml that a test may break."""
    shutil.copytree(ROOT / "backprop_core", tmp_path / "backprop_core",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


FORBIDDEN = {
    # the module that gains the import: the import, and what lint-imports must say
    "nn imports viz": ("nn/losses.py", "from backprop_core.viz import style",
                       "backprop_core.nn is not allowed to import backprop_core.viz"),
    "nn imports grading": ("nn/network.py", "import backprop_core.grading.judge.checker",
                           "backprop_core.nn is not allowed to import backprop_core.grading"),
    "nn imports course": ("nn/training.py", "from backprop_core.course.mistakes import MISTAKES",
                          "backprop_core.nn is not allowed to import backprop_core.course"),
    "nn imports the root": ("nn/activations.py", "from backprop_core import examples",
                            "backprop_core.nn is not allowed to import backprop_core.course"),
    "course imports grading": ("course/examples.py", "from backprop_core.grading import exercises",
                               "backprop_core.course is not allowed to import backprop_core.grading"),
    "viz imports grading": ("viz/style.py", "from backprop_core.grading import check",
                            "backprop_core.viz is not allowed to import backprop_core.grading"),
    "grading imports viz": ("grading/judge/checker.py", "from backprop_core.viz import plots",
                            "backprop_core.grading is not allowed to import backprop_core.viz"),
    # inside grading (issue 23): the answer-free part, the student's process, the judge, the commands' trip
    "answerfree imports the registry": ("grading/answerfree/notebook.py", "from backprop_core.grading import exercises",
                                        "backprop_core.grading.answerfree is not allowed to import "
                                        "backprop_core.grading.exercises"),
    "the student's process imports the judge": ("grading/student_process/wire.py",
                                                "from backprop_core.grading.judge import checker",
                                                "backprop_core.grading.student_process is not allowed to import "
                                                "backprop_core.grading.judge"),
    "the judge imports a command": ("grading/judge/case_seeds.py", "from backprop_core.grading.commands import runlock",
                                    "backprop_core.grading.judge is not allowed to import backprop_core.grading.commands"),
    "parallel imports the instructor": ("grading/commands/parallel.py",
                                        "from backprop_core.grading.commands import instructor",
                                        "backprop_core.grading.commands.parallel is not allowed to import "
                                        "backprop_core.grading.commands.instructor"),
}


@pytest.mark.parametrize("case", FORBIDDEN)
def test_a_forbidden_import_breaks_a_contract(case, scratch_project):
    module, statement, message = FORBIDDEN[case]
    with open(scratch_project / "backprop_core" / module, "a") as file:
        file.write(f"\n{statement}  # forbidden: the test expects lint-imports to fail\n")
    result = lint_imports(scratch_project)
    assert result.returncode != 0, f"lint-imports let '{case}' through:\n{result.stdout}"
    assert message in result.stdout, result.stdout


def test_a_new_subpackage_must_be_placed_in_a_layer(scratch_project):
    (scratch_project / "backprop_core" / "judge").mkdir()
    (scratch_project / "backprop_core" / "judge" / "__init__.py").write_text('"""Not placed in a layer yet."""\n')
    result = lint_imports(scratch_project)
    assert result.returncode != 0 and "backprop_core.judge" in result.stdout, result.stdout
