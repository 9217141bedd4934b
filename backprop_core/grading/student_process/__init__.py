"""The student's process of a hidden test: what runs in the sandbox beside the student's function.

- :mod:`.student_side`: the process itself (``python -m backprop_core.grading.student_process.student_side``);
- :mod:`.wire`: what crosses to the judge and back, as plain data;
- :mod:`.case_functions`: functions handed to a student's function as a case's arguments.

It imports only the answer-free part (import-linter's contract ``student-process``). Unlike that part it is
not shipped to students: a case function may compute another exercise's answer (lesson 09's gradients,
handed to ``train``), so each hidden test's build (:mod:`~backprop_core.grading.judge.exam_build`) takes this
subpackage whole and withholds those, exercise by exercise.
"""
