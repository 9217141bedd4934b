"""What runs beside the student: the lessons' public cells and what a notebook run in the sandbox needs.

Everything here holds no answer, and imports neither the exercise registry (``grading.exercises``),
the student's process of a hidden test, the judge nor the instructor's commands: the import-linter
contract ``answer-free`` in pyproject.toml says so, and is the single statement of what is answer-free.
So this subpackage is taken whole, as it is, by the student copy and the class server's install
(:mod:`~backprop_core.grading.judge.student_copy`), a whole-notebook run's package and every hidden
test's build (:mod:`~backprop_core.grading.judge.exam_build`). The lessons' cells import it through
``backprop_core.grading`` (``public_test``, ``expect_close``, ...).

- :mod:`.compare`, :mod:`.describe`: comparing an answer with the reference's, and values, in words;
- :mod:`.notebook`: what public cells call; :mod:`.questions`: understanding questions' forms;
- :mod:`.in_place`: the in-place rule; :mod:`.lesson_references`: what public cells need of the registry,
  looked up through the registry the course's ``grading`` hands it (none in a student copy or a build);
- :mod:`.references`: switching references off while a student's function runs;
- :mod:`.limits`: time limits, numerics, warnings kept off stderr;
- :mod:`.run_notebook`, :mod:`.cell_guard`, :mod:`.kernel_output`: a whole notebook run in the sandbox.
"""
