"""Switching reference functions off while a student's function is graded.

Switching a reference off swaps its code object for a stub that raises
:class:`ReferenceDisabledError`. Every name bound to the function (an
``import ... as`` alias, a re-export, a bound method, a copy made with
``types.FunctionType``) runs the stub, so no alias escapes; the code is put
back when the block ends.

Exercises name what they switch off by the function objects themselves
(``replaces=(Network.backward, layers.dense_backward)``), never by dotted
strings: a renamed reference then fails at import, not silently at grading.
"""
from __future__ import annotations

import contextlib
import gc
import types
from typing import Any, Iterable, Iterator

__all__ = ["ReferenceDisabledError", "disabled", "reference_name", "as_function"]


class ReferenceDisabledError(RuntimeError):
    """Raised by a reference function called while a student's function is graded.

    Attributes
    ----------
    path : str
        The reference's readable name, ``module.qualname``
        (``"backprop_core.nn.network.Network.backward"``).
    """

    def __init__(self, path: str):
        self.path = path
        super().__init__(
            f"{path} is switched off while your function is graded: calling the reference "
            "earns nothing. Compute the answer yourself (numpy is fine)."
        )


def reference_name(function: types.FunctionType) -> str:
    """``module.qualname`` of a function: how messages name a switched-off reference."""
    return f"{function.__module__}.{function.__qualname__}"


def as_function(reference: Any) -> types.FunctionType:
    """The Python function behind ``reference``.

    ``reference`` is a function, or what a class dict holds for a method
    (``staticmethod``, ``classmethod``, ``property``: their function is switched off).

    Raises
    ------
    TypeError
        ``reference`` is anything else, e.g. a dotted name as a string.
    """
    if isinstance(reference, (staticmethod, classmethod)):
        reference = reference.__func__
    if isinstance(reference, property):
        reference = reference.fget
    if not isinstance(reference, types.FunctionType):
        hint = " (pass the function itself, not its name)" if isinstance(reference, str) else ""
        raise TypeError(f"replaces: each reference must be a Python function{hint}, got {reference!r}")
    return reference


def _stub_code(path: str, code: types.CodeType) -> types.CodeType:
    """A code object that raises ReferenceDisabledError(path), fitting ``code``'s closure."""
    free = [f"_free{i}" for i in range(len(code.co_freevars))]
    lines = ["def _outer():"]
    lines += [f"    {name} = None" for name in free]
    lines.append("    def _disabled(*args, **kwargs):")
    if free:
        lines.append(f"        ({', '.join(free)},)")  # makes them free variables of the stub
    # By import path, not a closure: the stub must run in any function's globals.
    lines.append(
        "        raise __import__('backprop_core.grading', fromlist=['_']).ReferenceDisabledError("
        f"{path!r})"
    )
    lines.append("    return _disabled")
    namespace: dict = {}
    exec(compile("\n".join(lines), f"<{path}, switched off by the grader>", "exec"), namespace)
    stub = namespace["_outer"]().__code__
    return stub.replace(co_name=code.co_name, co_qualname=getattr(code, "co_qualname", code.co_name))


def _functions_to_disable(references: Iterable[Any], extra: Iterable[Any]) -> list[types.FunctionType]:
    """``references``, the Python functions among ``extra``, and the functions they wrap."""
    found = [as_function(reference) for reference in references]
    found += [function for function in extra if isinstance(function, types.FunctionType)]
    # functools.wraps: the wrapped original is reachable as __wrapped__.
    for function in list(found):
        while isinstance(getattr(function, "__wrapped__", None), types.FunctionType):
            function = function.__wrapped__
            found.append(function)
    return found


@contextlib.contextmanager
def disabled(references: Iterable[Any], extra: Iterable[Any] = ()) -> Iterator[None]:
    """Switch ``references`` (and the Python functions among ``extra``) off.

    Parameters
    ----------
    references : iterable of functions
        The functions themselves (``Network.backward``, ``losses.half_squared_error``);
        see :func:`as_function`.
    extra : iterable
        Switched off too when they are Python functions (an exercise's own
        reference may be a builtin or a callable object).

    Inside the block every call of them, under any name, raises
    :class:`ReferenceDisabledError`; they work again afterwards, also when
    the block raises or is interrupted.
    """
    by_code: dict[int, tuple[str, types.CodeType]] = {}
    for function in _functions_to_disable(references, extra):
        by_code.setdefault(id(function.__code__), (reference_name(function), function.__code__))
    # Every function sharing an original code object: the references and any
    # copies made of them (types.FunctionType(ref.__code__, ...)).
    sharing = [f for f in gc.get_referrers(*(code for _, code in by_code.values()))
               if isinstance(f, types.FunctionType) and id(f.__code__) in by_code]
    swapped: list[tuple[types.FunctionType, types.CodeType]] = []
    try:
        for function in sharing:
            path, original = by_code[id(function.__code__)]
            function.__code__ = _stub_code(path, original)
            swapped.append((function, original))
        yield
    finally:
        for function, original in reversed(swapped):
            function.__code__ = original
