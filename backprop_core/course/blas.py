"""One BLAS thread for the lessons: their arrays are small, and threads only cost them time.

numpy's OpenBLAS starts one thread per core and splits a matrix product across them. The lessons
multiply arrays of a few dozen numbers (a 2-8-1 network, batches of 10, the 64-64-10 digits network),
where handing the work to a thread costs more than the product itself; idle threads also spin for a
while after each product, taking a core from the kernel's own thread. On a busy 2-core machine lesson
09's training ran 5–10 s with the default threads and about a second with one (issue 22; ``make bench
ARGS=lessons`` measures every lesson both ways).

The variables ``OPENBLAS_NUM_THREADS`` and friends act only before numpy is loaded, which a lesson cannot
promise (the kernel may have imported it already), so the limit is set at run time with threadpoolctl.
"""
from __future__ import annotations

import os

#: ``BACKPROP_BLAS_THREADS=default`` leaves numpy's threads as they are (the benchmark's comparison run).
ENVIRONMENT_VARIABLE = "BACKPROP_BLAS_THREADS"

_limits = None  # the threadpoolctl limiter, kept so that the limit is not restored by garbage collection


def one_blas_thread() -> int:
    """Limit the BLAS libraries numpy uses to one thread, for the rest of the kernel's life.

    Returns
    -------
    int
        The number of BLAS thread pools limited (0 when ``BACKPROP_BLAS_THREADS=default`` asks to leave
        them, or none is loaded).
    """
    global _limits
    if os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() == "default":
        return 0
    import numpy  # noqa: F401 (loads the BLAS library, so that there is a pool to limit)
    from threadpoolctl import threadpool_info, threadpool_limits

    _limits = threadpool_limits(limits=1, user_api="blas")
    return sum(1 for pool in threadpool_info() if pool["user_api"] == "blas")
