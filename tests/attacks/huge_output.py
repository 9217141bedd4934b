"""A huge output: 300 MiB printed by a cell, and 8 MiB to stdout and to stderr on every call of the function.

Class: harm to others and to the course
Cut by the grader's caps; the autograded notebook stays small; the function returns 0.0: 0 deserved.
"""
# %% cell
import sys

_MEBIBYTE_LINE = "x" * (1 << 20) + "\n"
for _ in range(300):
    sys.stdout.write(_MEBIBYTE_LINE)
# %% solution
def half_squared_error(output, target):
    sys.stdout.write("y" * (8 << 20))
    sys.stderr.write("z" * (8 << 20))
    return 0.0
