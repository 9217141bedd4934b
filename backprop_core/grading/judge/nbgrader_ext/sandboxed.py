"""Running and judging a submission: the student's code in a sandbox, the hidden tests judged here.

:class:`SandboxedExecute` takes the place of nbgrader's ``Execute`` in
``nbgrader autograde``. Nothing of the student's runs in the grader's process:

1. **The notebook's outputs, for the feedback.** By default the feedback shows
   the outputs the student's notebook was submitted with (capped): what they
   saw in their own JupyterLab, never scored. With ``run_whole_notebook``, a
   copy of the notebook, with the hidden test cells emptied, runs top to bottom
   in a sandbox (:mod:`..sandbox`: no network, no view of the course, a
   non-root user, memory, process, CPU and output limits) by
   :mod:`..run_notebook`, kernel included, and its outputs are shown instead.
   That sandbox mounts the student copy's package (:func:`_answer_free_package`),
   not the full one: no registry, references of it, answers or hidden cases
   for a cell to print into the feedback.
   Grading never needs it: it costs the lesson's own cells (seconds of
   training in lesson 07) for every submission. Its home starts with
   matplotlib's font list, made once per build cache by a sandbox that runs
   nothing of a student's (:func:`_build_font_list`).
2. **The hidden tests, for the grade.** For each exercise, a fresh sandboxed
   process runs the student's code cells against a build of the package
   without that exercise's references and sends back only what the student's
   function returned (:mod:`..hidden_tests`). The verdicts are written here,
   into the hidden test cells: a pass as its text on stdout, a failure as an
   ``AssertionError``, which nbgrader then scores as usual.

A notebook that cannot run as a whole (it kills its kernel, runs out of
time) is still graded: the hidden tests need only the student's cells.

The notebook's exercises share one time budget (``submission_seconds``, every
sandbox and rerun of its hidden tests together) and the memory of which cell
hung (:class:`..hidden_tests.SubmissionBudget`). An exercise the grader cannot
judge (its results unreadable, the budget spent) makes the submission not
graded, with the reason (:class:`NotGraded`): no grade is written for it, and
the class goes on.
"""
from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_output
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Dict, Float, Integer, Unicode

from .. import case_seeds, hidden_tests, student_copy
from ...answerfree.run_notebook import RUNNER
from ..sandbox import GiB, MiB, SandboxLimits, SandboxUnavailable, UnreadableResult, private_folder, private_scratch, read_result, run_sandboxed
from ...answerfree.cell_guard import output_size

__all__ = ["NotGraded", "SandboxedExecute"]


class NotGraded(RuntimeError):
    """The grader could not judge part of this submission: nbgrader then writes no grade for it."""

NOT_RUN_NOTE = ("(grader) The notebook could not be run as a whole for this feedback ({why}), so its cells show "
                "no output. The hidden tests were graded all the same: they run your code cells on their own.")
UNKNOWN_TEST = "this test cell names no exercise the grader knows (grade id {grade_id!r})"
#: What the student's function printed while one hidden test ran is shown up to this many characters and lines:
#: enough to debug the case the message shows, too little to copy out every hidden case (issue 21, item 3).
PRINTED_CHARS, PRINTED_LINES = 600, 12
PRINTED_CUT = ("(grader) The rest of what your function printed during this test is not shown. The failing case is "
               "in the message below; the cases are drawn anew for every changed submission.")


#: Where matplotlib keeps its font list in a sandbox's home (the scratch folder is $HOME inside).
MATPLOTLIB_CACHE = Path(".cache", "matplotlib")
#: Font lists this process has started to build (each build cache's once), and the lock around it.
_font_lists_started: set[Path] = set()
_font_lists_lock = threading.Lock()


@functools.lru_cache(maxsize=None)
def _matplotlib_version() -> str | None:
    try:
        return importlib.metadata.version("matplotlib")
    except importlib.metadata.PackageNotFoundError:
        return None


def _font_list_folder(cache: Path) -> Path | None:
    """Where ``cache`` keeps the font list of the installed matplotlib (None: no matplotlib)."""
    version = _matplotlib_version()
    return None if version is None else cache / f"matplotlib-{version}-fonts"


def _build_font_list(folder: Path, limits: SandboxLimits) -> None:
    """Build matplotlib's font list in a fresh sandbox that runs nothing of a student's; keep it at ``folder``.

    The list is what any notebook's sandbox would build: the same fonts are visible in every one.
    Built aside and renamed into place, owned by the grader: two graders building at once never
    see half a list, and the sandbox user cannot change it later. Nothing is kept when the build
    fails: each notebook's sandbox then builds its own, as without this.
    """
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        aside = functools.partial(tempfile.TemporaryDirectory, prefix=".building-", dir=folder.parent,
                                  ignore_cleanup_errors=True)  # staged is gone once renamed
        # The sandbox's own scratch is not in the build cache: nothing of the sandbox user's ever is.
        with private_scratch("font-list-", limits) as scratch, aside() as staged:
            run_sandboxed([sys.executable, "-c", "import matplotlib.font_manager"], scratch, limits)
            built = sorted((Path(scratch) / MATPLOTLIB_CACHE).glob("fontlist-*.json"))
            for path in built:
                (Path(staged) / path.name).write_bytes(path.read_bytes())
            if built:
                os.chmod(staged, 0o755)
                os.rename(staged, folder)  # fails when another grader got there first: theirs is the same
    except (OSError, SandboxUnavailable):
        pass


def printed_excerpt(text: str) -> str:
    """The start of what a student's function printed during a hidden test: :data:`PRINTED_LINES` lines and
    :data:`PRINTED_CHARS` characters at most, then a note that the rest is not shown."""
    lines = text.splitlines(keepends=True)
    shown = "".join(lines[:PRINTED_LINES])[:PRINTED_CHARS]
    if shown == text:
        return text
    return shown.rstrip("\n") + "\n" + PRINTED_CUT + "\n"


def _note(text: str) -> NotebookNode:
    return new_output("stream", name="stdout", text=text + "\n")


def _failure(message: str) -> NotebookNode:
    return new_output("error", ename="AssertionError", evalue=message, traceback=[f"AssertionError: {message}"])


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's Execute step, with the student's code sandboxed and the hidden tests judged outside it."""

    # ------------------------------------------------------------------ settings (nbgrader_config.py)
    timeout = Integer(60, help="Seconds one cell may run before it is interrupted.").tag(config=True)
    stop_grace = Float(5.0, help="Seconds an interrupted cell has to stop before its kernel is restarted.").tag(
        config=True)
    max_output_characters = Integer(1_000_000, help="Output kept per cell (characters).").tag(config=True)
    error_on_timeout = Dict(help="The error a timed-out cell shows (as nbgrader's Execute.error_on_timeout).").tag(
        config=True)
    run_whole_notebook = Bool(False, help=("Run the whole notebook (sandboxed) for the outputs its feedback shows; "
                                           "False: the feedback shows the outputs it was submitted with.")).tag(
        config=True)
    notebook_wall_seconds = Float(900.0, help="Wall-clock seconds the whole-notebook run may take.").tag(config=True)
    memory_bytes = Integer(2 * GiB, help="Memory (address space) of each sandboxed process.").tag(config=True)
    max_processes = Integer(64, help="Processes and threads of the sandbox user.").tag(config=True)
    cpu_seconds = Integer(600, help="CPU seconds of each sandboxed process.").tag(config=True)
    max_output_bytes = Integer(4 * MiB, help="Bytes of stdout and of stderr each sandboxed process may write.").tag(
        config=True)
    max_file_bytes = Integer(64 * MiB, help="Largest file a sandboxed process may write.").tag(config=True)
    tmp_bytes = Integer(64 * MiB, help="Size of each sandbox's private /tmp.").tag(config=True)
    sandbox_uid = Integer(65534, help="Unprivileged uid (and gid) the student's code runs as.").tag(config=True)
    hidden_test_time_limit = Float(10.0, help=("CPU seconds a student's function has at least for all cases of one "
                                               "hidden test (see hidden_test_cpu_factor).")).tag(config=True)
    hidden_test_wall_seconds = Float(300.0, help="Wall-clock seconds of one exercise's hidden-test process.").tag(
        config=True)
    hidden_test_cpu_factor = Float(10.0, help=("A hidden test's CPU limit is max(hidden_test_time_limit, this times "
                                               "the reference's CPU time on the same cases).")).tag(config=True)
    hidden_test_wall_backstop = Float(10.0, help=("Wall-clock backstop of a hidden test or cell, in times its CPU "
                                                 "limit (stops code that waits or sleeps).")).tag(config=True)
    reference_cpu_seconds = Dict(help=("CPU seconds the reference took per '<exercise>/<property>' in this sandbox "
                                       "on this machine (set by the canary, backprop_core.grading.commands.canary).")).tag(
        config=True)
    cpu_times_file = Unicode("", help=("Where to write each hidden test's CPU seconds as JSON lines (the canary "
                                       "measures the reference with it); empty: nowhere.")).tag(config=True)
    case_key = Unicode("", help=("The key of this submission's hidden cases (:mod:`..case_seeds`), set by the "
                                  "coordinator for a grading worker; empty: derived here from the course's secret in "
                                  "the gradebook's folder.")).tag(config=True)
    submission_seconds = Float(1800.0, help=("Wall-clock seconds all the hidden tests of one notebook may take "
                                             "together, reruns included; past it the rest is not graded.")).tag(
        config=True)
    notebook_output_bytes = Integer(64 * MiB, help="Largest executed notebook read back from the whole-notebook run.").tag(
        config=True)
    group_memory_bytes = Integer(3 * GiB, help="Memory of all of one sandbox's processes together (a cgroup).").tag(
        config=True)
    scratch_bytes = Integer(256 * MiB, help="Size of each sandbox's scratch folder (a tmpfs, as root).").tag(
        config=True)
    scratch_inodes = Integer(20_000, help="Files and folders each sandbox's scratch folder may hold.").tag(config=True)
    build_cache = Unicode("", help=("Where the package builds without references (and matplotlib's font list for the "
                                     "notebook's sandbox) are kept (default: a temp dir).")).tag(config=True)

    # ------------------------------------------------------------------ limits
    def _limits(self, wall_seconds: float) -> SandboxLimits:
        return SandboxLimits(memory_bytes=self.memory_bytes, max_processes=self.max_processes,
                             cpu_seconds=self.cpu_seconds, wall_seconds=wall_seconds,
                             max_output_bytes=self.max_output_bytes, max_file_bytes=self.max_file_bytes,
                             tmp_bytes=self.tmp_bytes, uid=self.sandbox_uid, gid=self.sandbox_uid,
                             group_memory_bytes=self.group_memory_bytes, scratch_bytes=self.scratch_bytes,
                             scratch_inodes=self.scratch_inodes)

    def _hidden_test_settings(self) -> hidden_tests.HiddenTestSettings:
        cache = Path(self.build_cache) if self.build_cache else hidden_tests.HiddenTestSettings().build_cache
        return hidden_tests.HiddenTestSettings(limits=self._limits(self.hidden_test_wall_seconds),
                                               time_limit=self.hidden_test_time_limit,
                                               cell_time_limit=float(self.timeout), build_cache=cache,
                                               cpu_factor=self.hidden_test_cpu_factor,
                                               wall_backstop=self.hidden_test_wall_backstop,
                                               reference_cpu=dict(self.reference_cpu_seconds))

    # ------------------------------------------------------------------ the notebook
    def preprocess(self, nb: NotebookNode, resources: dict):
        tests, unknown = hidden_tests.hidden_tests_of(nb)
        for index in [t.index for t in tests] + unknown:
            nb.cells[index].outputs = []
        if not self.run_whole_notebook:
            self._cap_submitted_outputs(nb)
        judged = {t.index for t in tests} | set(unknown)
        # The notebook runs (for the feedback) while the hidden tests are judged: two sandboxes at once.
        with ThreadPoolExecutor(max_workers=1) as background:
            run = background.submit(self._run_whole_notebook, self._copy_to_run(nb, judged),
                                    self._source_notebook(resources)) if self.run_whole_notebook else None
            teaching = self._teaching_sources(resources)
            key = self._case_key(resources)
            by_exercise = defaultdict(list)
            for test in tests:
                by_exercise[test.exercise.name].append(test)
            budget = hidden_tests.SubmissionBudget(self.submission_seconds)
            not_graded = [why for group in by_exercise.values() for why in self._judge(nb, group, teaching, key,
                                                                                       budget)]
            self.log.info("Hidden tests: %d sandboxed runs; cells left out after hanging: %s", budget.runs,
                          sorted(budget.hung) or "none")
            ran, why = run.result() if run is not None else (None, "")
        if not_graded:
            raise NotGraded("; ".join(dict.fromkeys(not_graded)))
        if ran is not None:
            self._take_outputs(nb, ran, judged)
        elif why:
            first = next((c for c in nb.cells if c.cell_type == "code"), None)
            if first is not None:
                first.outputs = [_note(NOT_RUN_NOTE.format(why=why))]
        for index in unknown:
            grade_id = nb.cells[index].metadata["nbgrader"].get("grade_id")
            nb.cells[index].outputs = [_failure(UNKNOWN_TEST.format(grade_id=grade_id))]
            nb.cells[index].metadata.get("backprop", {}).pop("verdict", None)  # (none of the grader's)
        return nb, resources

    def _case_key(self, resources: dict) -> str:
        """This submission's case key: the coordinator's, else derived from the course's secret (made on first use)."""
        if self.case_key:
            return self.case_key
        coursedir = CourseDirectory(parent=self)
        info = resources.get("nbgrader", {})
        secret = case_seeds.course_secret(case_seeds.secret_folder(coursedir.db_url, Path(coursedir.root)))
        return case_seeds.submission_key(secret, str(info.get("student", "")), str(info.get("assignment", "")))

    def _judge(self, nb: NotebookNode, group: list, teaching: set[str], key: str,
               budget: hidden_tests.SubmissionBudget) -> list[str]:
        """Write the verdicts of one exercise's hidden tests into their cells; why any of them is not graded."""
        exercise = group[0].exercise
        cells = hidden_tests.student_cells(nb, group[0].index, teaching)
        # The cases depend on every cell the test runs: a lookup table pasted anywhere above changes them.
        seed = case_seeds.case_seed(key, exercise.name, [cell["source"] for cell in cells])
        # The course's versions of what the function uses from other exercises, after the student's cells.
        cells += [{"source": source, "run": "all"} for source in exercise.graded_with]
        self.log.info("Judging %s (%s) outside the student's process", exercise.name,
                      ", ".join(t.prop for t in group))
        verdicts = hidden_tests.judge_exercise(exercise, [t.prop for t in group], cells, self._hidden_test_settings(),
                                               seed=seed, budget=budget)
        self._note_cpu_times(exercise.name, verdicts)
        not_graded = [f"{exercise.name}: {judged.not_graded}" for judged in verdicts.values() if judged.not_graded]
        for test in group:
            judged = verdicts[test.prop]
            printed = [new_output("stream", name=name, text=printed_excerpt(text)) for name, text in
                       (("stdout", judged.stdout), ("stderr", judged.stderr)) if text]
            result = judged.verdict
            nb.cells[test.index].outputs = printed + [_note(result.text) if result.passed else _failure(result.text)]
            # The verdict as data too, for the class report (grading/report.py): it counts the known
            # mistakes from here, not from the message's prose. Written over whatever the cell held.
            nb.cells[test.index].metadata.setdefault("backprop", {})["verdict"] = {
                "passed": result.passed, "mistakes": list(result.mistakes)}
        return not_graded

    def _source_notebook(self, resources: dict) -> str:
        """The path of the lesson's source notebook in the course (it may be missing)."""
        coursedir = CourseDirectory(parent=self)
        info = resources.get("nbgrader", {})
        return os.path.join(coursedir.format_path(coursedir.source_directory, ".", info.get("assignment", "")),
                            f"{info.get('notebook', '')}.ipynb")

    def _note_cpu_times(self, exercise: str, verdicts: dict) -> None:
        """Append each property's CPU seconds to :attr:`cpu_times_file`, when one is set."""
        if self.cpu_times_file:
            with open(self.cpu_times_file, "a", encoding="utf-8") as file:
                for prop, judged in verdicts.items():
                    file.write(json.dumps({"key": f"{exercise}/{prop}", "cpu": judged.cpu_seconds,
                                           "passed": judged.verdict.passed}) + "\n")

    def _teaching_sources(self, resources: dict) -> set[str]:
        """The teaching code cells of the lesson's source notebook (unchanged ones only run their imports)."""
        path = self._source_notebook(resources)
        try:
            return hidden_tests.teaching_sources_of(nbformat.read(path, as_version=4))
        except (OSError, ValueError) as error:
            self.log.warning("No source notebook at %s (%s): every cell of the student's runs in full", path, error)
            return set()

    @staticmethod
    def _copy_to_run(nb: NotebookNode, judged: set[int]) -> NotebookNode:
        """A copy of the notebook with the judged cells emptied: what the sandboxed run gets."""
        copy = nbformat.from_dict(json.loads(json.dumps(nb)))
        for index in judged:
            copy.cells[index].source = ""
        return copy

    def _font_list(self) -> Path | None:
        """A folder with matplotlib's font list for a notebook's sandbox; None until it is built.

        A sandbox starts with an empty home, where matplotlib's first import scans every font to
        make this list: 0.13 s of each notebook's run. It is made once per build cache instead, in
        the background (:func:`_build_font_list`). Like matplotlib's own cache, it is not remade
        when fonts are installed: delete the build cache then.
        """
        folder = _font_list_folder(private_folder(self._hidden_test_settings().build_cache))
        if folder is None or folder.is_dir():
            return folder
        with _font_lists_lock:
            if folder not in _font_lists_started:
                _font_lists_started.add(folder)
                threading.Thread(target=_build_font_list, args=(folder, self._limits(120.0)),
                                 name="matplotlib font list").start()
        return None

    def _answer_free_package(self, copy: NotebookNode, source: str) -> tuple[Path | None, str]:
        """The package the notebook's sandbox mounts: the student copy's (:func:`..student_copy.answer_free_build`),
        for what the lesson's source notebook imports but its hidden tests (or, without one, the notebook
        run); None and why.

        Never the full package: a cell of the student's could print the registry, the references, the
        questions' answers and the hidden cases into the feedback.
        """
        try:
            lesson = nbformat.read(source, as_version=4)
        except (OSError, ValueError):
            lesson = copy
        tests, unknown = hidden_tests.hidden_tests_of(lesson)
        for index in [t.index for t in tests] + unknown:  # judged outside: they are not run, they need nothing
            lesson.cells[index].source = ""
        with tempfile.TemporaryDirectory(prefix="notebook-needs-") as folder:
            notebook = Path(folder) / "lesson.ipynb"
            nbformat.write(lesson, notebook)
            try:
                return student_copy.answer_free_build([notebook], self._hidden_test_settings().build_cache), ""
            except (RuntimeError, SyntaxError, LookupError, ValueError, OSError) as error:
                self.log.warning("No answer-free package for the whole-notebook run: %s", error)
                return None, f"the package for it could not be made: {str(error)[:300]}"

    def _run_whole_notebook(self, copy: NotebookNode, source: str = "") -> tuple[NotebookNode | None, str]:
        """Run ``copy`` in a sandbox with the answer-free package: the executed notebook, or None and why it
        could not run."""
        package, why = self._answer_free_package(copy, source)
        if package is None:
            return None, why
        limits = self._limits(self.notebook_wall_seconds)
        with private_scratch("notebook-run-", limits) as scratch:
            fonts = self._font_list()
            if fonts is not None:
                shutil.copytree(fonts, scratch / MATPLOTLIB_CACHE)
            nbformat.write(copy, scratch / "in.ipynb")
            settings = {"timeout": self.timeout, "max_output_characters": self.max_output_characters,
                        "stop_grace": self.stop_grace, "error_on_timeout": dict(self.error_on_timeout) or None}
            (scratch / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
            # -P: the runner's folder is not put on sys.path (its modules are not top-level modules).
            result = run_sandboxed([sys.executable, "-P", str(RUNNER), "in.ipynb", "out.ipynb", "settings.json"],
                                   scratch, limits, package=package)
            try:
                ran = self._read_run(scratch / "out.ipynb", len(copy.cells))
            except UnreadableResult as unreadable:
                return None, f"its executed copy could not be read: {unreadable}"
            if ran is None:
                why = result.killed_by_limit or f"exit status {result.returncode}"
                self.log.warning("The whole-notebook run failed (%s): %s", why,
                                 result.stderr[-2000:].decode("utf-8", "replace"))
                return None, why
            return ran, ""

    def _read_run(self, path: Path, n_cells: int) -> NotebookNode | None:
        """The executed copy, if it is there, readable and has the same cells; else None.

        Raises :class:`UnreadableResult` when it is not a regular file of at most ``notebook_output_bytes``.
        """
        limit = min(4 * self.max_output_characters * max(n_cells, 1) + 50 * MiB, self.notebook_output_bytes)
        if not os.path.lexists(path):
            return None
        raw = read_result(path, limit)
        try:
            ran = nbformat.reads(raw.decode("utf-8"), as_version=4)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        return ran if len(ran.cells) == n_cells else None

    def _take_outputs(self, nb: NotebookNode, ran: NotebookNode, judged: set[int]) -> None:
        """Copy each code cell's outputs (capped again here: the run is the student's) but the judged cells'."""
        for index, (cell, done) in enumerate(zip(nb.cells, ran.cells)):
            if cell.cell_type != "code" or done.get("cell_type") != "code" or index in judged:
                continue
            cell.outputs = self._capped(done.get("outputs", []))
            cell.execution_count = done.get("execution_count")

    def _cap_submitted_outputs(self, nb: NotebookNode) -> None:
        """The outputs a notebook was submitted with, each cell's capped (a student can put anything there)."""
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = self._capped(cell.get("outputs", []))

    def _capped(self, outputs: list) -> list:
        kept, total = [], 0
        for output in outputs:
            total += output_size(output)
            if total > self.max_output_characters and output.get("output_type") != "error":
                kept.append(_note(f"(grader) The rest of this cell's output is not shown "
                                  f"(more than {self.max_output_characters} characters)."))
                break
            kept.append(output)
        return kept
