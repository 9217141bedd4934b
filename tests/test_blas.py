"""Issue 22: the lessons pin numpy's BLAS to one thread (``backprop_core.course.blas``), measured by ``make bench
ARGS=lessons``. Each check runs in a fresh interpreter, where numpy starts the threads it starts for a student."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from notebooks import source

PROBE = """
import json
import numpy
from threadpoolctl import threadpool_info
before = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
from backprop_core.course.blas import one_blas_thread
limited = one_blas_thread()
after = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
print(json.dumps({"before": before, "limited": limited, "after": after}))
"""


def _probe(**env) -> dict:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BACKPROP_BLAS_THREADS")}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env={**clean, **env},
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_one_blas_thread_limits_numpys_blas_to_one_thread():
    got = _probe(OPENBLAS_NUM_THREADS="2")  # two threads to begin with, even on a one-core runner
    assert got["before"] and all(n == 2 for n in got["before"]), got
    assert got["limited"] == len(got["before"]) and got["after"] == [1] * len(got["before"]), got


def test_backprop_blas_threads_default_leaves_the_threads_as_they_are():
    got = _probe(OPENBLAS_NUM_THREADS="2", BACKPROP_BLAS_THREADS="default")
    assert got["limited"] == 0 and got["after"] == got["before"] == [2] * len(got["before"]), got


@pytest.mark.parametrize("lesson", ["06-matrix-form", "07-training", "08-gradient-checking", "09-your-own-network"])
def test_the_lessons_with_matrix_work_pin_in_their_first_code_cell(lesson):
    import nbformat

    first = next(c for c in nbformat.read(source(lesson), as_version=4).cells if c.cell_type == "code")
    assert "one_blas_thread()" in first.source, first.source
