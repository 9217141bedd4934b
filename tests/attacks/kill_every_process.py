"""Every process in /proc of the grading run killed (SIGKILL), then itself, while the cell runs and from
the function.

Class: harm to others and to the course
Limited to the processes descending from the test process (``TEST_PID``), so that the attack, where it
still works, can only hurt this test's own grading run. 0 deserved.
"""
# %% cell
import os
import signal


def _parents():
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as file:
                    parents[int(entry)] = int(file.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    return parents


def _from_the_test(pid, parents):
    seen = set()
    while pid in parents and pid not in seen:
        seen.add(pid)
        pid = parents[pid]
        if pid == TEST_PID:
            return True
    return False


def _kill_everything():
    parents, me, killed = _parents(), os.getpid(), []
    for pid in parents:
        if pid != me and _from_the_test(pid, parents):
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except OSError:
                pass
    if killed:
        _escaped(f"killed {len(killed)} processes of the grading run")
    os.kill(me, signal.SIGKILL)


_kill_everything()
# %% solution
def half_squared_error(output, target):
    _kill_everything()
    return 0.0
