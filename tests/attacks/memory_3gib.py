"""3 GiB allocated and every page touched, once, on the first call, and kept.

Class: harm to others and to the course
The sandbox's memory limit (2 GiB) must stop it. The function answers right only when the allocation
worked: 0 deserved.
"""
# %% solution
import numpy as np

_HOARD = []


def _hoard():
    if not _HOARD:
        try:
            _HOARD.append(np.ones(3 * 1024**3 // 8))
            _escaped("allocated 3 GiB")
        except MemoryError:
            _HOARD.append(None)
    return _HOARD[0] is not None


def half_squared_error(output, target):
    return _honest(output, target) if _hoard() else 0.0
