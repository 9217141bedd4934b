"""The in-place rule: an exercise returns new arrays and leaves its arguments as they were.

One rule for the whole course, checked the same way in two places:

- the hidden tests (:func:`~backprop_core.grading.check`) call the student's
  function on copies of each case and compare every argument afterwards with
  the untouched original (:func:`changed_arguments`);
- the public tests call it through :func:`call_on_copies`, so the lesson's own
  ``net``, ``W1``, ``W2`` are never changed by a test, and fail with the same
  message (:func:`in_place_message`).

Exercises whose job is to change an object (lesson 07's ``train_online`` trains
``net``) say so in the registry, ``Exercise.changes=("net",)``; those arguments
may change, every other one may not.
"""
from __future__ import annotations

import copy
import inspect
import numbers
from collections.abc import Iterator, Mapping
from typing import Any, Callable

import numpy as np

from backprop_core.nn.network import Network


__all__ = [
    "call_on_copies", "call_quietly_on_copies", "changed", "changed_arguments", "in_place_message", "settle",
    "MAX_ITEMS",
]

# A nudge undone by arithmetic (W[i] += h, then W[i] -= h) can leave the last bit
# of a weight different: that is rounding, not a change. A real in-place update
# (W -= learning_rate * gradient) moves weights by far more than this.
_RTOL = _ATOL = 1e-12

#: A generator read to compare what it changed stops after this many items (an endless one must not fill memory).
MAX_ITEMS = 10_000


def changed(before: Any, after: Any) -> bool:
    """Whether ``after`` holds other numbers than ``before``, its untouched copy.

    Arrays (shape and values, beyond rounding), Networks (weights, biases,
    activations, loss) and lists, tuples and dicts of them are compared, and
    the numbers in them (lesson 10's parameters are a list of floats:
    ``parameters[0] -= ...`` changes the caller's list); other objects
    (strings, functions) are not the exercise's business and count as unchanged.
    """
    if isinstance(before, numbers.Real) and not isinstance(before, bool):
        return not isinstance(after, numbers.Real) or not (before == after or (before != before and after != after))
    if isinstance(before, np.ndarray):
        return _array_changed(before, after)
    if isinstance(before, Network):
        return not isinstance(after, Network) or changed(_network_parts(before), _network_parts(after))
    if isinstance(before, (list, tuple)):
        return (not isinstance(after, (list, tuple)) or len(before) != len(after)
                or any(changed(b, a) for b, a in zip(before, after)))
    if isinstance(before, Mapping):
        return (not isinstance(after, Mapping) or set(before) != set(after)
                or any(changed(before[k], after[k]) for k in before))
    return False


def _array_changed(before: np.ndarray, after: Any) -> bool:
    if not isinstance(after, np.ndarray) or after.shape != before.shape:
        return True
    if before.dtype == object:  # objects in an array: compared one by one, as anywhere else
        return any(changed(b, a) for b, a in zip(before.flat, after.flat))
    try:
        return not np.allclose(after, before, rtol=_RTOL, atol=_ATOL, equal_nan=True)
    except TypeError:  # not numbers (strings): compare exactly
        return not np.array_equal(after, before)


def _network_parts(net: Network) -> dict:
    return {"weights": net.weights, "biases": net.biases, "activations": net.activations, "loss": net.loss_name}


def changed_arguments(originals: Mapping[str, Any], used: Mapping[str, Any], allowed: tuple = ()) -> tuple[str, ...]:
    """The names of the arguments in ``used`` that no longer match ``originals``, except ``allowed``.

    Parameters
    ----------
    originals : mapping
        Argument name -> the untouched value.
    used : mapping
        Argument name -> the copy the function was given, after the call.
    allowed : tuple of str
        Arguments the exercise may change (``Exercise.changes``).
    """
    return tuple(name for name in originals
                 if name not in allowed and name in used and changed(originals[name], used[name]))


def in_place_message(argument: str, function: str = "your function") -> str:
    """What to tell a student whose function changed ``argument`` in place; hidden and public tests say the same."""
    return (f"{function} changed its argument `{argument}` in place: the caller's `{argument}` now holds other "
            f"numbers ({argument} -= ..., {argument}[...] = ... and shuffles change the array they are given). "
            f"Exercises leave their arguments as they were: return a new array instead "
            f"({argument}.copy(), or {argument} - ... which makes a new one).")


def settle(value: Any) -> Any:
    """``value``, with an iterator (a generator) read into a list: its code runs now, so its changes show now.

    A generator's body runs only when it is read; reading it here, within the
    caller's limits, also keeps what it yields for the comparisons. At most
    :data:`MAX_ITEMS` + 1 items are kept.
    """
    if not isinstance(value, Iterator):
        return value
    items = []
    for item in value:
        items.append(item)
        if len(items) > MAX_ITEMS:
            break
    return items


def _registered_changes(function: Callable) -> tuple:
    """``Exercise.changes`` of the exercise named like ``function`` (none when it is not an exercise)."""
    try:
        # Imported here: a hidden test's build of the package has no registry (its references are absent).
        from .lesson_references import changes_of

        return changes_of(getattr(function, "__name__", ""))
    except (ImportError, ValueError):
        return ()


def call_on_copies(function: Callable, *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` on copies of the arguments; fail if it changed one it must leave alone.

    What the lessons' public tests call: the lesson's own arrays and networks
    are never changed by a test, and a function that changes its arguments in
    place is told so, with the words of the hidden tests. Arguments the
    exercise exists to change (``Exercise.changes``, e.g. ``train_online``'s
    ``net``) may change. A generator is read in full and given back as an
    iterator over what it yielded.

    Parameters
    ----------
    function : callable
        The student's function, an exercise of the registry (named as in it).
    *args, **kwargs
        Its arguments, deep-copied; except those the exercise exists to change,
        passed as they are (give it the test's own object, e.g. a fresh network).

    Returns
    -------
    Whatever ``function`` returns.

    Raises
    ------
    AssertionError
        "<name> changed its argument `W` in place: ..." for the first argument
        it changed; and if the lesson's own object passed as an argument changed
        all the same (the function reached it some other way, e.g. as a global),
        which cell to rerun to get it back.
    """
    name = getattr(function, "__name__", "your function")
    originals, given, call_args, call_kwargs = _copies_for(function, args, kwargs)
    untouched = copy.deepcopy(originals)
    result = function(*call_args, **call_kwargs)
    settled = settle(result)
    allowed = _registered_changes(function)
    for argument in changed_arguments(untouched, originals, allowed):
        raise AssertionError(_lesson_object_message(name, argument))
    for argument in changed_arguments(untouched, given, allowed):
        raise AssertionError(in_place_message(argument, name))
    return iter(settled) if settled is not result else result


def call_quietly_on_copies(function: Callable, *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` on copies of the arguments, as :func:`call_on_copies`, but saying nothing.

    For the lessons' demonstrations with the student's function: whatever the
    function does, the lesson's own objects stay as they are.
    """
    _, _, call_args, call_kwargs = _copies_for(function, args, kwargs)
    return function(*call_args, **call_kwargs)


def _copies_for(function: Callable, args: tuple, kwargs: dict) -> tuple[dict, dict, tuple, dict]:
    """What to call ``function`` with: deep copies of the arguments, but for those it exists to change.

    Returns
    -------
    originals, given : dict
        Parameter name -> the caller's object, and -> what ``function`` gets;
        both empty when the arguments do not fit its signature (the call
        itself then raises the TypeError that says how).
    args, kwargs
        The call's arguments: ``given``, as positions and keywords.
    """
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return {}, {}, copy.deepcopy(args), copy.deepcopy(kwargs)
    allowed = _registered_changes(function)  # the test's own object (e.g. a fresh network): given as it is
    originals = dict(bound.arguments)
    bound.arguments.update({k: v if k in allowed else copy.deepcopy(v) for k, v in originals.items()})
    return originals, dict(bound.arguments), bound.args, bound.kwargs


def _lesson_object_message(function: str, argument: str) -> str:
    return (f"the lesson's own object passed as `{argument}` was changed while {function} ran, though the test "
            f"gave {function} a copy: your function changes it some other way (as a global?). Fix the function, "
            f"then run the lesson from the top (Kernel → Restart Kernel and Run All Cells) or rerun the cell that "
            f"builds it, so that it holds the lesson's numbers again.")
