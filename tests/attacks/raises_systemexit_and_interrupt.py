"""The function raises SystemExit and KeyboardInterrupt (turn about), which ``except Exception`` lets through:
the grading code above it must not take that for a pass, nor stop grading the class.

Class: full marks for nothing
0 deserved.
"""
# %% solution
_calls = [0]


def half_squared_error(output, target):
    _calls[0] += 1
    if _calls[0] % 2:
        raise SystemExit(0)
    raise KeyboardInterrupt()
