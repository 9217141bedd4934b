"""Builtins the grader uses replaced by versions that find nothing wrong when the grader's own code calls
them, and behave as usual for everyone else: ``zip`` and ``enumerate`` pair nothing (no case to find
wrong), ``any`` is False, ``all`` True, ``abs`` 0, ``isinstance`` says an answer is never None or an
exception, ``len`` and ``float`` wrapped the same way.

Class: full marks for nothing
The function returns 0.0: wrong, 0 deserved. Where the patches crash the grader instead, the student
must still get 0 and the class must still be graded.
"""
# %% cell
import builtins
import sys

_REAL = {name: getattr(builtins, name)
         for name in ("zip", "enumerate", "any", "all", "abs", "isinstance", "len", "float")}


def _grader_calls():
    """True when the caller of the patched builtin is the grader's code, not the student's."""
    try:
        caller = sys._getframe(2).f_globals.get("__name__", "")
    except ValueError:
        return False
    return type(caller) is str and caller.startswith("backprop_core.grading")


def _patched(name, grader_answer):
    real = _REAL[name]

    def builtin(*args, **kwargs):
        return grader_answer(*args, **kwargs) if _grader_calls() else real(*args, **kwargs)

    return builtin


def _never_wrong_kind(obj, kinds):
    real = _REAL["isinstance"](obj, kinds)
    return False if real and (obj is None or _REAL["isinstance"](obj, BaseException)) else real


class _FloatType(type):
    # isinstance(x, float) keeps working for everyone: only calls of float() go through the patch
    def __instancecheck__(cls, obj):
        return _REAL["isinstance"](obj, _REAL["float"])

    def __subclasscheck__(cls, sub):
        return issubclass(sub, _REAL["float"])


class _Float(_REAL["float"], metaclass=_FloatType):
    def __new__(cls, *args):
        return _REAL["float"](*args)


builtins.zip = _patched("zip", lambda *args, **kwargs: iter(()))
builtins.enumerate = _patched("enumerate", lambda *args, **kwargs: iter(()))
builtins.any = _patched("any", lambda *args: False)
builtins.all = _patched("all", lambda *args: True)
builtins.abs = _patched("abs", lambda *args: 0.0)
builtins.isinstance = _patched("isinstance", _never_wrong_kind)
builtins.len = _patched("len", _REAL["len"])
builtins.float = _Float
# %% solution
def half_squared_error(output, target):
    return 0.0
