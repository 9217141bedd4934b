"""A bounded fork bomb: 200 processes that sleep, forked on the first call (then killed again, so that the
attack, where it works, costs the machine only a moment).

Class: harm to others and to the course
The sandbox's process limit (64) must stop it. The function answers right only when all 200 forks
worked: 0 deserved.
"""
# %% solution
import os
import signal
import time

_FORKED = []


def _fork_many(count=200):
    if _FORKED:
        return _FORKED[0]
    children = []
    try:
        for _ in range(count):
            pid = os.fork()
            if pid == 0:
                try:
                    time.sleep(30)
                finally:
                    os._exit(0)
            children.append(pid)
    except OSError:
        pass
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
    _FORKED.append(len(children) >= count)
    if _FORKED[0]:
        _escaped(f"forked {count} processes")
    return _FORKED[0]


def half_squared_error(output, target):
    return _honest(output, target) if _fork_many() else 0.0
