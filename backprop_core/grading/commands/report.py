"""The class at a glance (issue 24, item 9): ``make report`` -> ``class-report.html``.

Run from the course root (the directory of ``nbgrader_config.py``)::

    python -m backprop_core.grading.commands.instructor report [--to class-report.html] [--roster roster.csv]

One job in two steps:

1. :func:`read_class` reads the class into plain records (:class:`ClassData`):
   each lesson's status per student (:mod:`.gradesheet`: graded, not graded and
   why, not submitted), each hidden test's score from nbgrader's gradebook, the
   known mistakes each failed test saw (the grader's structured record in the
   test cell's metadata, ``backprop.verdict``, written by
   :class:`~.nbgrader_ext.sandboxed.SandboxedExecute`; never the prose), and the
   copying report's groups (:mod:`.similarity`: the connected components of the
   pairs of students at or above its threshold).
2. :func:`write_page` draws the figures with matplotlib and writes one
   self-contained HTML page: figures as inline PNG ``data:`` URIs, no
   JavaScript, nothing fetched; every figure has alt text with its key numbers
   and a table of the numbers behind it.

Student content is data: every student id, name and message is HTML-escaped in
the page, and ``$`` is escaped in figure labels (matplotlib would read math there).
The grades are the gradebook's: a submission that could not be graded is listed
with its reason and counted in no score or pass rate.
"""
from __future__ import annotations

import base64
import html
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from backprop_core.course.mistakes import MISTAKES

from . import gradesheet, similarity
from .completion import Records

__all__ = ["TestResult", "CopyGroup", "Absence", "ClassData", "read_class", "copy_groups", "absences",
           "write_page", "PALETTE"]

#: Okabe & Ito's colour-blind-safe palette (grading may not import viz's course style).
PALETTE = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
           "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "grey": "#999999"}
#: Longest message excerpt shown as a mistake's example: characters, lines.
EXAMPLE_CHARS, EXAMPLE_LINES = 600, 8


# ====================================================================== records
@dataclass(frozen=True)
class TestResult:
    """One hidden test of one graded submission: its score from the gradebook, what the grader saw."""

    student: str
    lesson: str
    test: str  # the test cell's grade id
    score: float
    max_score: float
    mistakes: tuple[str, ...] = ()  # keys of MISTAKES, from the cell's backprop.verdict
    message: str = ""  # the grader's message in the cell's output (a failure's text)
    recorded: bool = True  # whether the cell holds the grader's verdict record (older gradings do not)

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score


@dataclass(frozen=True)
class CopyGroup:
    """Students whose solutions to one lesson are near-identical (pairs at or above the threshold, joined)."""

    lesson: str
    students: tuple[str, ...]
    exercises: tuple[str, ...]
    top_score: float


@dataclass(frozen=True)
class Absence:
    """A student who dropped out or missed two lessons or more in a row (in lesson order)."""

    student: str
    kind: str  # "dropped", "missed in a row" or "submitted nothing"
    lessons: tuple[str, ...]  # the lessons not submitted


@dataclass
class ClassData:
    """The class as plain records: what :func:`write_page` draws."""

    course: str
    lessons: list[str]
    max_scores: dict[str, float]  # lesson -> its points
    students: list[str]
    statuses: list[gradesheet.LessonStatus]  # one per student and lesson
    tests: list[TestResult] = field(default_factory=list)
    groups: list[CopyGroup] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # student -> name, from a roster
    threshold: float = similarity.DEFAULT_THRESHOLD

    def __post_init__(self) -> None:
        self._by_key = {(s.student, s.lesson): s for s in self.statuses}

    def status(self, student: str, lesson: str) -> gradesheet.LessonStatus:
        return self._by_key[(student, lesson)]


# ====================================================================== reading
def read_class(root: Path, db_url: str, course_id: str, roster: dict[str, dict] | None = None,
               threshold: float = similarity.DEFAULT_THRESHOLD) -> ClassData:
    """Read the class of the course at ``root`` from its gradebook, ``autograded/`` and ``submitted/``.

    Students on ``roster`` (:func:`.canvas.read_roster`) who handed in nothing are in it, as not submitted.
    """
    with Records(db_url, course_id) as records:
        statuses = gradesheet.lesson_statuses(records, root / "submitted")
        max_scores = {a.name: float(a.max_score) for a in records.gradebook.assignments}
        lessons = sorted(max_scores)
        tests = [test for row in statuses if row.graded
                 for test in _test_results(records.gradebook, root, row.student, row.lesson)]
    students = sorted({row.student for row in statuses} | set(roster or ()))
    on_record = {(row.student, row.lesson) for row in statuses}
    statuses += [gradesheet.LessonStatus(student, lesson, gradesheet.NOT_SUBMITTED, None, max_scores[lesson])
                 for student in students for lesson in lessons if (student, lesson) not in on_record]
    statuses.sort(key=lambda row: (row.student, row.lesson))
    names = {student: row.get("name", "") for student, row in (roster or {}).items() if row.get("name")}
    groups = copy_groups(similarity.build_report(root, lessons, threshold)) if lessons else []
    return ClassData(course_id, lessons, max_scores, students, statuses, tests, groups, names, threshold)


def _test_results(gradebook, root: Path, student: str, lesson: str) -> list[TestResult]:
    """The autograded test cells of one graded submission: scores from the gradebook, the verdict
    records and messages from ``autograded/<student>/<lesson>/<notebook>.ipynb``."""
    submission = gradebook.find_submission(lesson, student)
    results = []
    for notebook in submission.notebooks:
        cells = _graded_cells(root / "autograded" / student / lesson / f"{notebook.name}.ipynb")
        for grade in sorted(notebook.grades, key=lambda g: g.name):
            if grade.auto_score is None:  # (a cell graded by hand is no test)
                continue
            verdict, message = cells.get(grade.name, ({}, ""))
            mistakes = tuple(str(k) for k in verdict.get("mistakes", ()) if isinstance(k, str))
            results.append(TestResult(student, lesson, grade.name, float(grade.score), float(grade.max_score),
                                      mistakes, message, "passed" in verdict))
    gradebook.db.commit()
    return results


def _graded_cells(path: Path) -> dict[str, tuple[dict, str]]:
    """grade id -> (the grader's verdict record, the cell's failure message) for the notebook's cells."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return {}  # (its scores still come from the gradebook; only the mistakes are unknown)
    found = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if not grade_id or cell.get("cell_type") != "code":
            continue
        verdict = cell.metadata.get("backprop", {}).get("verdict", {})
        errors = [o.get("evalue", "") for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        found[grade_id] = (verdict if isinstance(verdict, dict) else {}, str(errors[-1]) if errors else "")
    return found


def copy_groups(report: similarity.Report) -> list[CopyGroup]:
    """The copying report's flagged pairs of students, joined per lesson into groups (connected components);
    pairs with the package's reference are not copying between students and are left out."""
    by_lesson: dict[str, list[similarity.Pair]] = defaultdict(list)
    for pair in report.flagged:
        if not pair.other.startswith("reference"):
            by_lesson[pair.lesson].append(pair)
    groups = []
    for lesson, pairs in sorted(by_lesson.items()):
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        for pair in pairs:
            parent[find(pair.student)] = find(pair.other)
        members: dict[str, set[str]] = defaultdict(set)
        for student in parent:
            members[find(student)].add(student)
        for group in members.values():
            inside = [p for p in pairs if p.student in group]
            groups.append(CopyGroup(lesson, tuple(sorted(group)), tuple(sorted({p.exercise for p in inside})),
                                    max(p.score for p in inside)))
    return sorted(groups, key=lambda g: (g.lesson, -len(g.students), g.students))


def absences(data: ClassData) -> list[Absence]:
    """Who dropped (nothing handed in from some lesson on, having handed in before; at least the last
    two lessons), who missed two lessons or more in a row, and who handed in nothing at all."""
    found = []
    for student in data.students:
        missed = [not data.status(student, lesson).submitted for lesson in data.lessons]
        if all(missed):
            found.append(Absence(student, "submitted nothing", tuple(data.lessons)))
            continue
        start = None
        for k, gap in enumerate(missed + [False]):
            if gap and start is None:
                start = k
            elif not gap and start is not None:
                if k - start >= 2:
                    kind = "dropped" if k == len(missed) else "missed in a row"
                    found.append(Absence(student, kind, tuple(data.lessons[start:k])))
                start = None
    return found


# ====================================================================== figures
def _figure_png(fig) -> str:
    """The figure as a PNG ``data:`` URI (the figure is closed)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _label(text: str, limit: int = 28) -> str:
    """A student's or test's text as a figure label: ``$`` escaped (matplotlib reads math between two),
    shortened to ``limit`` characters (the table beside the figure has it whole)."""
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return text.replace("$", r"\$")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def score_histogram(scores: list[float], max_score: float) -> str:
    """Bar chart of how many graded submissions got each score (0 .. ``max_score``, in whole points)."""
    plt = _pyplot()
    counts = Counter(scores)
    values = sorted(set(counts) | {float(k) for k in range(int(max_score) + 1)})
    fig, ax = plt.subplots(figsize=(4.5, 2.4))
    ax.bar([f"{v:g}" for v in values], [counts.get(v, 0) for v in values], color=PALETTE["blue"])
    ax.set_xlabel(f"score (of {max_score:g} points)")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    return _figure_png(fig)


def pass_rate_chart(rates: list[tuple[str, int, int]]) -> str:
    """Horizontal bars: each test's share of graded submissions that passed it; ``rates`` is (test, passed, of)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 0.6 + 0.4 * len(rates)))
    labels = [_label(test, 40) for test, _, _ in rates]
    shares = [100 * passed / total if total else 0 for _, passed, total in rates]
    bars = ax.barh(labels, shares, color=PALETTE["green"])
    for bar, (_, passed, total) in zip(bars, rates):
        ax.text(min(bar.get_width() + 1, 101), bar.get_y() + bar.get_height() / 2, f"{passed}/{total}",
                va="center", fontsize=9)
    ax.set_xlim(0, 112)
    ax.set_xlabel("passed (% of graded submissions)")
    ax.invert_yaxis()
    ax.spines[["top", "right"]].set_visible(False)
    return _figure_png(fig)


def heat_map(data: ClassData) -> str:
    """Students × lessons: each graded lesson's score as a share of its points; not submitted and not
    graded are drawn as such (hatched or dotted, with a word), never as a colour of the scale."""
    import numpy as np

    plt = _pyplot()
    from matplotlib.patches import Rectangle

    students, lessons = data.students, data.lessons
    share = np.full((len(students), len(lessons)), np.nan)
    for i, student in enumerate(students):
        for j, lesson in enumerate(lessons):
            row = data.status(student, lesson)
            if row.graded and row.max_score:
                share[i, j] = row.score / row.max_score
    width = 3.2 + 0.9 * len(lessons)
    fig, ax = plt.subplots(figsize=(width, 1.2 + 0.32 * len(students)))
    image = ax.imshow(np.ma.masked_invalid(share), cmap="cividis", vmin=0, vmax=1, aspect="auto",
                      interpolation="nearest")
    for i, student in enumerate(students):
        for j, lesson in enumerate(lessons):
            row = data.status(student, lesson)
            if row.graded:
                ax.text(j, i, f"{row.score:g}", ha="center", va="center", fontsize=8,
                        color="black" if share[i, j] > 0.6 else "white")
                continue
            missing = not row.submitted
            # White underneath: the scale's middle is grey itself, so a missing cell must not be filled grey.
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white", edgecolor="#bbbbbb",
                                   hatch="///" if missing else "..", linewidth=0.5))
            ax.text(j, i, "missing" if missing else "not graded", ha="center", va="center", fontsize=7,
                    color=PALETTE["vermillion"] if not missing else "black",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    ax.set_xticks(range(len(lessons)), [_label(lesson, 24) for lesson in lessons], rotation=30, ha="right")
    ax.set_yticks(range(len(students)), [_label(student) for student in students], fontsize=8)
    ax.tick_params(length=0)
    colorbar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    colorbar.set_label("score / points")
    return _figure_png(fig)


# ====================================================================== the page
def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _table(table_id: str, caption: str, header: list[str], rows: list[list], kind: str = "") -> str:
    head = "".join(f"<th scope='col'>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f"<table id='{_esc(table_id)}' class='{kind}'><caption>{_esc(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _figure(uri: str, alt: str, caption: str) -> str:
    return (f"<figure><img src='{uri}' alt='{_esc(alt)}'><figcaption>{_esc(caption)}</figcaption></figure>")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text)


def _percent(passed: int, total: int) -> str:
    return f"{100 * passed / total:.0f}%" if total else "–"


def pass_rates(data: ClassData, lesson: str) -> list[tuple[str, int, int]]:
    """(test, passed, graded submissions) for each test of ``lesson``, in grade-id order."""
    by_test: dict[str, list[TestResult]] = defaultdict(list)
    for test in data.tests:
        if test.lesson == lesson:
            by_test[test.test].append(test)
    return [(name, sum(t.passed for t in tests), len(tests)) for name, tests in sorted(by_test.items())]


def mistakes_seen(data: ClassData, lesson: str) -> list[tuple[str, str, int, str]]:
    """(mistake key, test, how many submissions, an example message) for ``lesson``, most seen first."""
    seen: dict[tuple[str, str], list[TestResult]] = defaultdict(list)
    for test in data.tests:
        if test.lesson == lesson and not test.passed:
            for key in test.mistakes:
                seen[(key, test.test)].append(test)
    rows = [(key, name, len(tests), tests[0].message) for (key, name), tests in seen.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))


def _lesson_section(data: ClassData, lesson: str) -> str:
    rows = [data.status(student, lesson) for student in data.students]
    graded = [r for r in rows if r.graded]
    not_graded = [r for r in rows if r.submitted and not r.graded]
    missing = [r for r in rows if not r.submitted]
    points = data.max_scores[lesson]
    parts = [f"<section id='lesson-{_slug(lesson)}'><h2>Lesson {_esc(lesson)}</h2>",
             f"<p class='counts'>{len(graded)} graded, {len(not_graded)} not graded, {len(missing)} not submitted "
             f"(of {len(rows)} students); {points:g} points.</p>"]

    parts.append("<h3>Scores</h3>")
    if graded:
        scores = [r.score for r in graded]
        counts = Counter(scores)
        mean = sum(scores) / len(scores)
        alt = (f"Bar chart of the scores of the {len(graded)} graded submissions of {lesson}, out of {points:g} "
               f"points: " + ", ".join(f"{counts[s]} scored {s:g}" for s in sorted(counts)) + f"; mean {mean:.2f}.")
        parts.append(_figure(score_histogram(scores, points), alt, f"Scores of the graded submissions (mean "
                                                                   f"{mean:.2f} of {points:g})."))
        parts.append(_table(f"scores-{_slug(lesson)}", "Graded submissions per score", ["score", "submissions"],
                            [[f"{s:g}", counts[s]] for s in sorted(counts)]))
    else:
        parts.append("<p>No graded submission: no score to show.</p>")

    parts.append("<h3>Each test's pass rate</h3>")
    rates = pass_rates(data, lesson)
    if rates:
        alt = (f"Horizontal bar chart of the share of the graded submissions of {lesson} that passed each test: "
               + "; ".join(f"{t} {p} of {n} ({_percent(p, n)})" for t, p, n in rates) + ".")
        parts.append(_figure(pass_rate_chart(rates), alt, "Share of graded submissions passing each hidden test."))
        parts.append(_table(f"pass-rates-{_slug(lesson)}", "Pass rate per test",
                            ["test", "passed", "graded submissions", "pass rate"],
                            [[t, p, n, _percent(p, n)] for t, p, n in rates]))
    else:
        parts.append("<p>No graded test: no pass rate to show.</p>")

    parts.append("<h3>Known mistakes seen</h3>")
    seen = mistakes_seen(data, lesson)
    if seen:
        parts.append(_table(f"mistakes-{_slug(lesson)}", "Known mistakes the failed tests named, with an example",
                            ["mistake", "test", "submissions", "example message"],
                            [[MISTAKES.get(key, key), test, n, _excerpt(message)] for key, test, n, message in seen],
                            kind="mistakes"))
    else:
        parts.append("<p>No failed test named a known mistake.</p>")
    unknown = [t for t in data.tests if t.lesson == lesson and not t.passed and not t.recorded]
    if unknown:
        parts.append(f"<p class='warning'>Not counted: {len(unknown)} failed test(s) of "
                     f"{len({t.student for t in unknown})} submission(s) hold no verdict record (graded before "
                     "the grader wrote one, or their notebook in autograded/ is missing); "
                     "make autograde ARGS=--force regrades them.</p>")

    parts.append("<h3>Not graded</h3>")
    if not_graded:
        parts.append(_table(f"not-graded-{_slug(lesson)}", "Submissions the grader could not judge, and why",
                            ["student", "why"], [[_who(data, r.student), _reason(r.status)] for r in not_graded]))
    else:
        parts.append("<p>Every submission was graded.</p>")
    parts.append("</section>")
    return "".join(parts)


def _excerpt(message: str) -> str:
    """The start of a message: its first :data:`EXAMPLE_LINES` lines, at most :data:`EXAMPLE_CHARS` characters."""
    lines = message.strip().splitlines()
    text = "\n".join(lines[:EXAMPLE_LINES]) + ("\n…" if len(lines) > EXAMPLE_LINES else "")
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1] + "…"


def _reason(status: str) -> str:
    prefix = f"{gradesheet.NOT_GRADED}: "
    return status[len(prefix):] if status.startswith(prefix) else status


def _who(data: ClassData, student: str) -> str:
    name = data.names.get(student)
    return f"{student} ({name})" if name else student


def _class_section(data: ClassData) -> str:
    parts = ["<section id='class'><h2>Across lessons</h2><h3>Students × lessons</h3>"]
    cells = [data.status(s, l) for s in data.students for l in data.lessons]
    graded = [c for c in cells if c.graded]
    missing = sum(not c.submitted for c in cells)
    not_graded = sum(c.submitted and not c.graded for c in cells)
    if data.students and data.lessons:
        mean = sum(c.score / c.max_score for c in graded if c.max_score) / len(graded) if graded else 0
        alt = (f"Heat map of {len(data.students)} students by {len(data.lessons)} lessons: each graded lesson's "
               f"score as a share of its points ({len(graded)} graded cells, mean share {mean:.0%}); "
               f"{missing} cells hatched and marked missing (not submitted), {not_graded} dotted and marked not graded.")
        parts.append(_figure(heat_map(data), alt, "Each student's score per lesson (darker is lower); hatched: "
                                                  "missing; dotted: handed in but not graded."))
        rows = [[_who(data, s)] + [_cell_text(data.status(s, l)) for l in data.lessons] for s in data.students]
        parts.append(_table("heat-map", "Scores per student and lesson", ["student", *data.lessons], rows))
    else:
        parts.append("<p>No student or no lesson in the gradebook yet.</p>")

    parts.append("<h3>Dropped or missed two lessons in a row</h3>")
    gone = absences(data)
    if gone:
        parts.append(_table("absences", "Students who dropped or missed two lessons or more in a row",
                            ["student", "what", "lessons not submitted"],
                            [[_who(data, a.student), a.kind, ", ".join(a.lessons)] for a in gone]))
    else:
        parts.append("<p>Nobody missed two lessons in a row.</p>")

    parts.append("<h3>The copying report's groups</h3>")
    if data.groups:
        parts.append(f"<p>Students whose solutions are near-identical (similarity at least {data.threshold:g}, "
                     "make similarity); the report informs and changes no grade.</p>")
        parts.append(_table("copy-groups", "Groups of near-identical solutions",
                            ["lesson", "students", "exercises", "highest similarity"],
                            [[g.lesson, ", ".join(_who(data, s) for s in g.students), ", ".join(g.exercises),
                              f"{g.top_score:.3f}"] for g in data.groups]))
    else:
        parts.append(f"<p>No two students' solutions are near-identical (similarity at least {data.threshold:g}).</p>")
    parts.append("</section>")
    return "".join(parts)


def _cell_text(row: gradesheet.LessonStatus) -> str:
    if row.graded:
        return f"{row.score:g} / {row.max_score:g}"
    return "missing" if not row.submitted else "not graded"


_STYLE = """
body { font-family: sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; color: #111; }
figure { margin: 0.5rem 0; } img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #333; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding: 0.2rem 0; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
td { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 36rem; }
.mistakes td:nth-child(4) { font-family: monospace; font-size: 0.8rem; }
section { border-top: 2px solid #0072B2; margin-top: 1.5rem; }
"""


def render(data: ClassData) -> str:
    """The whole page, as text."""
    title = f"{data.course}: the class at a glance"
    toc = "".join(f"<li><a href='#lesson-{_slug(l)}'>Lesson {_esc(l)}</a></li>" for l in data.lessons)
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
            f"<title>{_esc(title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{_esc(title)}</h1>"
            f"<p>{len(data.students)} students, {len(data.lessons)} lessons. Scores are the gradebook's; a "
            "submission that could not be graded counts in no score or pass rate and is listed with its reason.</p>"
            f"<nav><ul><li><a href='#class'>Across lessons</a></li>{toc}</ul></nav>"
            + _class_section(data) + "".join(_lesson_section(data, lesson) for lesson in data.lessons)
            + "</body></html>")


def write_page(data: ClassData, path: Path) -> Path:
    """Write the page to ``path`` (its folder is made); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data), encoding="utf-8")
    return path
