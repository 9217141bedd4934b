"""The judge: what decides a grade, outside the student's process.

- :mod:`.checker`: :func:`~backprop_core.grading.check`, a student's function against the registry's
  cases (``grading.exercises``, the registry, belongs to the judge too);
- :mod:`.hidden_tests`: a hidden test run in the sandbox (:mod:`.sandbox`) against a build of the package
  without the answers (:mod:`.exam_build`), with per-submission seeds (:mod:`.case_seeds`);
- :mod:`.student_copy`: the answer-free package a student copy and a whole-notebook run hold;
- :mod:`.nbgrader_ext`: nbgrader's plug-ins, one module per step.

It imports the answer-free part and the registry, never the instructor's commands.
"""
