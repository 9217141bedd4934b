"""Course content that the visuals and the grading both use.

- :mod:`~backprop_core.course.examples`: the four worked examples as networks;
- :mod:`~backprop_core.course.mistakes`: the known mistakes, named once;
- :mod:`~backprop_core.course.buggy`: a gallery of backward passes, each with one mistake.

Imports :mod:`backprop_core.nn` and nothing of ``viz`` or ``grading``.
"""
from . import examples, mistakes
from .mistakes import MISTAKES

__all__ = ["examples", "mistakes", "MISTAKES"]
