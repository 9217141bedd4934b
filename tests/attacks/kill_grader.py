"""The grader killed: ``os.kill(os.getppid(), SIGKILL)`` while the cell runs and again from the function.

Class: harm to others and to the course
Before: the kernel's parent was the grader, so every later student was silently never graded.
0 deserved (the function returns 0.0).
"""
# %% cell
import os
import signal

try:
    os.kill(os.getppid(), signal.SIGKILL)
except OSError as _error:
    print("could not kill the parent:", _error)
# %% solution
def half_squared_error(output, target):
    try:
        os.kill(os.getppid(), signal.SIGKILL)
    except OSError:
        pass
    return 0.0
