"""The one writer's gradebook connections (issue 24, item 10): one SQLAlchemy engine per gradebook URL.

nbgrader opens a new ``Gradebook`` (and engine) five times per recorded notebook; ``parallel.one_engine``
makes them share one engine for the course's gradebook during a run, so SQL is compiled once. Checked on
real sqlite gradebooks with nbgrader's own ``Gradebook``: shared for that URL only, still working after a
``Gradebook.close()`` (which disposes of the pool), and nbgrader's own behaviour back afterwards. The whole
path (autograde's grades identical with any number of workers) is tests/test_parallel_grading.py's.
"""
from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

from nbgrader.api import Gradebook

from backprop_core.grading.commands import parallel

COURSE = "backprop-step-by-step"


def test_gradebooks_of_the_course_share_one_engine_and_still_work_after_close(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")  # alembic
    course, scratch = f"sqlite:///{tmp_path / 'gradebook.db'}", f"sqlite:///{tmp_path / 'scratch.db'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with parallel.one_engine(course):
            with Gradebook(course, COURSE) as first:
                first.add_student("ada")
                engine = first.engine
            with Gradebook(course, COURSE) as second, Gradebook(scratch, COURSE) as other:
                assert second.engine is engine, "the course's gradebooks must share one engine"
                assert other.engine is not engine, "another gradebook (a sandbox's scratch copy) keeps its own"
                assert [s.id for s in second.students] == ["ada"], "the engine works again after a close"
                second.add_student("bob")
        with Gradebook(course, COURSE) as after:
            assert after.engine is not engine, "nbgrader's own behaviour is back after the run"
            assert [s.id for s in after.students] == ["ada", "bob"]
