"""What every lesson widget shares: the canvas, the controls, the student toggle.

The student toggle
------------------
A widget that can use a student's function declares it once, on its class::

    class NudgeExplorer(LessonWidget):
        student_toggle = StudentToggle("use my sigmoid_prime", lambda widget, fn: fn(np.array([0.0, 1.0])))

and, building its controls, places ``*self._student_switch(student)`` where the
checkbox belongs. The base does the rest: the checkbox stays disabled until the
function runs, ticking it recomputes (:meth:`LessonWidget._student_toggled`),
and :meth:`LessonWidget.student_function` gives the function to use, or None
for the reference.

How a widget stays smooth
-------------------------
The figure is drawn once. A control's callback recomputes the numbers, writes
them into the existing artists (see :mod:`backprop_core.viz.plots`) and asks the
canvas to redraw. How the pixels reach the page depends on the *backend*:

``"ipympl"`` (default when ipympl is installed)
    The figure lives on an ipympl canvas, itself a widget: ``draw_idle`` sends
    only the changed part of the image to JupyterLab. No ``%matplotlib widget``
    magic is needed, and nothing is shown twice by the inline backend, because
    the figure never passes through pyplot. Without a front end (nbclient,
    nbgrader) the messages go nowhere and nothing waits for them.
``"image"``
    The figure is rendered to PNG into an ``ipywidgets.Image`` after every
    change: slower, but needs only ipywidgets in the front end.
``"none"``
    No display canvas (tests and benchmarks): the figure keeps its Agg canvas.

Set ``BACKPROP_WIDGETS_BACKEND`` to choose for a whole session.

Nothing here ever waits for a person: no ``input()``, no ``interact_manual``,
no event loop; every callback returns as soon as it has redrawn.
"""
from __future__ import annotations

import html
import importlib.util
import io
import os
import sys
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from backprop_core.nn.network import Network
from backprop_core.course.weights import weight_names
from backprop_core.viz.style import COLORS

BACKENDS = ("ipympl", "image", "none")
_figure_numbers = iter(range(10_000, 10**9))  # ipympl managers want a number; keep clear of pyplot's


def choose_backend(backend: str = "auto") -> str:
    """``backend`` itself, or for ``"auto"`` the environment's choice, else ipympl when installed, else image."""
    if backend == "auto":
        backend = os.environ.get("BACKPROP_WIDGETS_BACKEND", "")
        if not backend:
            backend = "ipympl" if importlib.util.find_spec("ipympl") is not None else "image"
    if backend not in BACKENDS:
        raise ValueError(f"backend must be 'auto' or one of {', '.join(BACKENDS)}, got {backend!r}")
    return backend


def canvas_widget(fig: Figure, backend: str) -> widgets.Widget | None:
    """Attach a display canvas for ``backend`` to ``fig`` and return the widget that shows it."""
    if backend == "ipympl":
        from ipympl.backend_nbagg import Canvas, FigureManager

        canvas = Canvas(fig)
        FigureManager(canvas, next(_figure_numbers))
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.toolbar_visible = False
        canvas.resizable = False
        canvas.capture_scroll = False
        return canvas
    if backend == "image":
        return widgets.Image(format="png", layout=widgets.Layout(width=f"{fig.get_figwidth() * fig.dpi:.0f}px"))
    return None


def freeze_layout(fig: Figure) -> None:
    """Lay the figure out once, then keep that layout.

    Constrained layout measures every text on every draw, which is about half
    of a redraw's time; the widgets' texts change but their boxes barely move.
    """
    fig.canvas.draw()
    fig.set_layout_engine("none")


@dataclass(frozen=True)
class StudentToggle:
    """A widget's "use my implementation" toggle, declared on its class (:attr:`LessonWidget.student_toggle`).

    Attributes
    ----------
    label : str
        The checkbox's text, e.g. ``"use my sigmoid_prime"``.
    probe : callable(widget, function) -> None
        Calls the student's function on a sample input; raising NotImplementedError
        means "not written yet" (see :class:`StudentSwitch`).
    """

    label: str
    probe: Callable[[Any, Callable], Any]


class LessonWidget:
    """Base of every lesson's widget: a figure, controls, a status line, and redraws.

    Subclasses build their figure and controls, then call :meth:`_finish`, and
    implement :meth:`recompute` (numbers -> artists). :meth:`update` is the
    callback every control is wired to. A subclass that can use the student's
    function declares :attr:`student_toggle` and lays out :meth:`_student_switch`.

    Attributes
    ----------
    widget : ipywidgets.Widget
        What to display; displaying the object itself works too.
    fig : matplotlib Figure
    status : ipywidgets.HTML
        A line of text under the figure (messages, errors of the student's code).
    backend : str
    switch : StudentSwitch or None
        The student toggle, when the widget was given a student's function.
    """

    fig: Figure
    #: The widget's "use my implementation" toggle; None: the widget has none.
    student_toggle: ClassVar[StudentToggle | None] = None
    switch: StudentSwitch | None = None

    def _finish(self, controls: Sequence[widgets.Widget], backend: str, below: Sequence[widgets.Widget] = ()) -> None:
        """Attach the canvas, lay out controls above the figure, wire the callbacks, draw once."""
        self.backend = choose_backend(backend)
        self.status = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.error: BaseException | None = None
        self.recompute()
        freeze_layout(self.fig)
        self._canvas = canvas_widget(self.fig, self.backend)
        parts = list(controls) + ([self._canvas] if self._canvas is not None else []) + list(below) + [self.status]
        self.widget = widgets.VBox(parts, layout=widgets.Layout(max_width="880px"))
        self.update()

    # -- wiring
    def _observe(self, *controls: widgets.Widget) -> None:
        for control in controls:
            control.observe(self._on_change, names="value")

    def _on_change(self, change: Any = None) -> None:
        """Callback for the controls: like :meth:`update`, but shows an error instead of raising it."""
        try:
            self.update()
        except Exception as error:  # a callback's exception would vanish into the log: show it instead
            self.error = error
            self.say(f"{type(error).__name__}: {error}", error=True)

    # -- the student toggle
    def _student_switch(self, student: Callable | str | None) -> list[widgets.Widget]:
        """Wire :attr:`student_toggle` for ``student``; the widgets to lay out ([] when ``student`` is None).

        Sets :attr:`switch`; ticking or unticking the checkbox calls :meth:`_student_toggled`.
        """
        if student is None:
            self.switch = None
            return []
        toggle = self.student_toggle
        if toggle is None:  # pragma: no cover - a widget passing a student's function declares its toggle
            raise TypeError(f"{type(self).__name__} declares no student_toggle")
        self.switch = StudentSwitch(student, lambda fn: toggle.probe(self, fn), toggle.label)
        self.switch.checkbox.observe(lambda change: self._student_toggled(), names="value")
        return [self.switch.widget]

    def _student_toggled(self) -> None:
        """The toggle changed: recompute and redraw (a widget whose runs depend on it restarts instead)."""
        self._on_change()

    def student_function(self) -> Callable | None:
        """The student's function when its toggle is ticked and it runs, else None: use the reference."""
        return None if self.switch is None else self.switch.active()

    def update(self, change: Any = None) -> None:
        """Recompute from the controls' values and redraw the figure."""
        self.error = None
        self.recompute()
        self.redraw()

    def recompute(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def redraw(self) -> None:
        """Push the changed artists to the page (or just render, without a display canvas)."""
        if self.backend == "ipympl":
            canvas = self.fig.canvas
            if getattr(canvas, "syncing_data_url", True):
                canvas.draw_idle()  # the page has not connected yet: keep ipympl's own start-up handshake
            else:
                # Render now and push the image: draw_idle() would only ask the page to ask back
                # for a drawing, one more browser <-> kernel round trip on every slider move.
                canvas.draw()
                canvas.manager.refresh_all()
        elif self.backend == "image":
            buffer = io.BytesIO()
            self.fig.savefig(buffer, format="png")
            self._canvas.value = buffer.getvalue()

    def say(self, message: str, error: bool = False) -> None:
        colour = COLORS["mistake"] if error else COLORS["text"]
        self.status.value = f'<span style="color:{colour}">{html.escape(message)}</span>'

    # -- display
    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# ------------------------------------------------------------------ controls


def weight_sliders(net: Network, low: float = -1.0, high: float = 1.0, step: float = 0.01,
                   readout: str = ".2f") -> dict[str, widgets.FloatSlider]:
    """One slider per weight, named and ordered as the seeds number them (``w1`` …)."""
    sliders = {}
    for name, (l, j, i) in weight_names(net).items():
        value = float(net.weights[l][j, i])
        sliders[name] = widgets.FloatSlider(
            value=value, min=min(low, value), max=max(high, value), step=step, description=name,
            continuous_update=True, readout_format=readout, layout=widgets.Layout(width="260px"),
            style={"description_width": "32px"},
        )
    return sliders


def slider_grid(net: Network, sliders: dict[str, widgets.Widget]) -> widgets.Widget:
    """Sliders in one column per weight layer, headed "into layer k"."""
    columns = []
    names = weight_names(net)
    for l in range(len(net.weights)):
        title = "weights into the hidden layer" if l < len(net.weights) - 1 else "weights into the output layer"
        items = [sliders[n] for n, index in names.items() if index[0] == l]
        columns.append(widgets.VBox([widgets.HTML(f"<b>{title}</b>")] + items))
    return widgets.HBox(columns)


def set_weights_from(net: Network, sliders: dict[str, widgets.FloatSlider]) -> None:
    """Copy the sliders' values into ``net``'s weights, in place."""
    for name, (l, j, i) in weight_names(net).items():
        net.weights[l][j, i] = sliders[name].value


def learning_rate_slider(value: float, low: float = 1e-3, high: float = 10.0, description: str = "learning rate α") -> widgets.FloatLogSlider:
    """A log-scale learning-rate slider from about ``low`` to ``high``, ``value`` on its grid of steps."""
    # The browser snaps the slider to min + k·step (in log10): the grid starts where ``value`` lies on it,
    # so 0.05 reads 0.05, not the 10^-1.30 = 0.0501 of a grid started at log10(low).
    step = 0.01
    start = np.log10(value) - step * np.ceil(round((np.log10(value) - np.log10(low)) / step, 6))
    return widgets.FloatLogSlider(
        value=value, base=10, min=start, max=np.log10(high), step=step, description=description,
        continuous_update=True, readout_format=".3g", layout=widgets.Layout(width="420px"),
        style={"description_width": "110px"},
    )


def button(description: str, tooltip: str = "") -> widgets.Button:
    return widgets.Button(description=description, tooltip=tooltip or description, layout=widgets.Layout(width="auto"))


# ------------------------------------------------------------------ student code


class StudentSwitch:
    """The "use my implementation" toggle.

    Parameters
    ----------
    student : callable, str or None
        The student's function, or its name in the notebook's namespace
        (looked up afresh on every check, so a redefined function is picked up).
    probe : callable(function) -> None
        Calls the function on a sample input; raising NotImplementedError
        means "not written yet".

    The checkbox stays disabled until the function runs without raising
    NotImplementedError; until it is ticked the widget uses the reference.
    """

    def __init__(self, student: Callable | str | None, probe: Callable[[Callable], Any],
                 description: str = "use my implementation") -> None:
        self.student = student
        self.probe = probe
        self.checkbox = widgets.Checkbox(value=False, description=description, disabled=True, indent=False,
                                         layout=widgets.Layout(width="auto"))
        self.note = widgets.HTML()
        self.widget = widgets.HBox([self.checkbox, self.note])
        self.problem = ""
        self.check()

    @property
    def present(self) -> bool:
        return self.student is not None

    def function(self) -> Callable | None:
        """The student's function as it is now, or None."""
        if isinstance(self.student, str):
            found = getattr(sys.modules.get("__main__"), self.student, None)
            return found if callable(found) else None
        return self.student

    def check(self) -> bool:
        """Probe the student's function; enable the checkbox if it runs. True when usable."""
        fn = self.function()
        usable, self.problem = False, ""
        if fn is None:
            self.problem = "no function of yours found yet"
        else:
            try:
                self.probe(fn)
                usable = True
            except NotImplementedError:
                self.problem = "not written yet (it raises NotImplementedError): the widget uses the reference"
            except Exception as error:  # the student's code may raise anything; say what, keep the reference
                self.problem = f"your function raised {type(error).__name__}: {error}"
        self.checkbox.disabled = not usable
        if not usable and self.checkbox.value:
            self.checkbox.value = False
        self.note.value = "" if usable else f'<span style="color:{COLORS["muted"]}">{html.escape(self.problem)}</span>'
        return usable

    def active(self) -> Callable | None:
        """The student's function when the box is ticked and it runs, else None (use the reference)."""
        if not self.present:
            return None
        if not self.check() or not self.checkbox.value:
            return None
        return self.function()
