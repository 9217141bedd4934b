"""An endless loop that nothing stops from inside: SIGINT, SIGTERM, SIGALRM and SIGXCPU ignored, every
exception (KeyboardInterrupt, a timer's exception) swallowed, the interval timer cleared on every turn.

Class: harm to others and to the course
Bounded at 120 s per call, so that a grader that cannot stop it still ends; the grader's limits must
stop it long before. 0 deserved.
"""
# %% cell
import signal

for _signal in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGXCPU):
    try:
        signal.signal(_signal, signal.SIG_IGN)
    except (OSError, ValueError):
        pass
# %% solution
import time


def half_squared_error(output, target):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sum(range(100_000))
        except BaseException:
            pass
    return 0.0
