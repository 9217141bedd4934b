"""Every student can use the course (issue 25), the parts checked without a browser:

- every figure carries a text alternative computed from its data (the network
  drawing's edge values, a loss curve's start, end and shape), and widgets
  rewrite theirs on every redraw;
- every control of every lesson widget is labelled;
- the palette stays distinguishable under a deuteranopia simulation (Machado,
  Oliveira & Fernandes 2009), where red against green would not;
- headings in every lesson never skip a level, and each lesson has one h1.

The browser half (axe-core, the keyboard) is tests/test_accessibility.py.
"""
from __future__ import annotations

import html
import itertools
import re

import ipywidgets
import nbformat
import numpy as np
import pytest
from markdown_it import MarkdownIt

from backprop_core import examples
from backprop_core.viz import plots, widgets
from backprop_core.viz.plots.alt import fmt, shape_of
from backprop_core.viz.style import COLORS, CYCLE, OKABE_ITO
from jupyterlab_driver import ROOT

LESSONS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())


# ------------------------------------------------------------------ text alternatives
def test_network_drawing_names_every_weight_on_its_edge_and_the_output():
    net, x, target = examples.step_by_step()
    trace = net.forward(x)
    drawing = plots.draw_network(net, trace, target=target)
    text = drawing.describe()
    for name, (l, j, i) in plots.weight_names(net).items():
        assert f"{name} = {fmt(net.weights[l][j, i])}" in text, (name, text)
    assert f"o1 = {fmt(trace.output[0])}" in text and f"target {fmt(target[0])}" in text, text
    (l, j, i) = plots.weight_index(net, "w5")
    assert f"w5 = {fmt(net.weights[l][j, i])} from h{i + 1} to o{j + 1}" in text, text


def test_network_drawing_describes_deltas_when_it_shows_them():
    net, x, target = examples.mazur()
    trace = net.forward(x)
    grads = net.backward(trace, target)
    text = plots.draw_network(net, trace, grads, target=target).describe()
    assert f"o1 {fmt(np.ravel(grads.deltas[-1])[0])}" in text, text
    assert f"h2: z = {fmt(trace.pre_activations[0][1])}, a = {fmt(trace.activations[0][1])}" in text, text


def test_loss_curve_says_start_end_and_shape():
    losses = 0.5 * np.exp(-np.arange(40) / 8.0)
    text = plots.loss_curve(losses).describe()
    assert f"from {fmt(losses[0])} at 0 to {fmt(losses[-1])} at 39" in text and "falls" in text, text
    bowl = (np.arange(11) - 6.0) ** 2
    assert shape_of(bowl) == f"falls, then rises (lowest {fmt(0)} at point 6)"
    assert shape_of([1, 3, 2, 5]) == "goes up and down" and shape_of([2, 2, 2]) == "stays flat"


def test_a_plot_in_a_notebook_is_an_img_whose_alt_is_its_description():
    net, x, target = examples.step_by_step()
    drawing = plots.draw_network(net, net.forward(x), target=target)
    bundle = drawing._repr_mimebundle_()
    assert bundle["image/png"].startswith(b"\x89PNG") and bundle["text/plain"] == drawing.describe()
    alt = re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]*)">', bundle["text/html"])
    assert alt and html.unescape(alt.group(1)) == drawing.describe()


def test_a_widget_rewrites_its_text_alternative_when_it_redraws():
    explorer = widgets.forward_explorer("step_by_step", backend="none")
    before = explorer.alt_text
    assert f"w5 = {fmt(explorer.sliders['w5'].value)}" in before and f"o1 = {fmt(explorer.prediction[0])}" in before, before
    assert "Figure: " in explorer.alt.value and html.escape(before) in explorer.alt.value
    explorer.sliders["w5"].value = -0.3
    after = explorer.alt_text
    assert f"w5 = {fmt(-0.3)}" in after and f"o1 = {fmt(explorer.prediction[0])}" in after, after
    assert f"{fmt(explorer.error_value)}" in after  # the read-out under the drawing: the error E


def test_descent_widget_describes_both_paths_as_they_grow():
    explorer = widgets.descent_explorer(backend="none")
    explorer.step_button.click() if hasattr(explorer, "step_button") else explorer.update()
    text = explorer.alt_text
    assert "The error E against weight w5" in text and "Contour map of the error E over weight w5" in text, text
    w, e = explorer.curve.path.get_xdata(), explorer.curve.path.get_ydata()
    assert f"now at {fmt(w[-1])}, E = {fmt(e[-1])}" in text, text


# ------------------------------------------------------------------ every lesson widget
def _every_widget():
    yield "forward_explorer", widgets.forward_explorer(backend="none")
    yield "descent_explorer", widgets.descent_explorer(backend="none")
    yield "nudge_explorer", widgets.nudge_explorer(backend="none")
    yield "factor_stepper", widgets.factor_stepper(backend="none")
    yield "delta_flow", widgets.delta_flow(backend="none")
    yield "shapes_explorer", widgets.shapes_explorer(backend="none")
    yield "training_explorer", widgets.training_explorer(epochs=30, backend="none")
    yield "learning_rate_explorer", widgets.learning_rate_explorer(steps=100, backend="none")
    yield "gradcheck_explorer", widgets.gradcheck_explorer(backend="none")
    yield "depth_explorer", widgets.depth_explorer(backend="none")
    yield "backward_stepper", widgets.backward_stepper(backend="none")


def _controls(widget):
    """Every widget a student operates (not boxes, texts, images) inside ``widget``."""
    passive = (ipywidgets.Box, ipywidgets.HTML, ipywidgets.HTMLMath, ipywidgets.Label, ipywidgets.Image,
               ipywidgets.Output)
    if not isinstance(widget, passive) and isinstance(widget, ipywidgets.DOMWidget):
        if hasattr(widget, "value") or isinstance(widget, ipywidgets.Button):
            yield widget
    for child in getattr(widget, "children", ()):
        yield from _controls(child)


def test_every_widget_has_labelled_controls_and_a_text_alternative():
    unlabelled, silent = [], []
    for name, made in _every_widget():
        if len(made.alt_text) < 40 or not any(ch.isdigit() for ch in made.alt_text):
            silent.append((name, made.alt_text))
        for control in _controls(made.widget):
            label = (getattr(control, "description", "") or "").strip()
            if not label and not (getattr(control, "tooltip", "") or "").strip():
                unlabelled.append((name, type(control).__name__))
    assert not unlabelled, f"controls with no label: {unlabelled}"
    assert not silent, f"widgets whose text alternative says no number: {silent}"


# ------------------------------------------------------------------ colour vision
#: Machado, Oliveira & Fernandes (2009), deuteranopia at severity 1.0, on linear RGB.
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968],
                         [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])
#: CIE76 ΔE under which two colours side by side are hard to tell apart for the simulated eye.
MIN_DELTA_E = 20.0


def to_linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0, 1)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def simulate_deuteranopia(srgb: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1], shape (..., 3), as a deuteranope sees it (sRGB, same shape)."""
    return to_srgb(to_linear(np.asarray(srgb, dtype=float)) @ DEUTERANOPIA.T)


def lab(srgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of sRGB colours, shape (..., 3)."""
    xyz = to_linear(np.asarray(srgb, dtype=float)) @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                                                              [0.0193, 0.1192, 0.9505]]).T
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[k:k + 2], 16) for k in (1, 3, 5)]) / 255.0


def seen_apart(a: str, b: str) -> float:
    """ΔE (CIE76) between two colours as a deuteranope sees them."""
    return float(np.linalg.norm(lab(simulate_deuteranopia(rgb(a))) - lab(simulate_deuteranopia(rgb(b)))))


#: Colours the figures tell apart: the same figure shows both, and the difference means something.
DISTINGUISHED = [("positive", "negative"), ("reference", "mistake"), ("reference", "student"), ("curve", "path"),
                 ("delta", "positive"), ("highlight", "negative"), ("highlight", "positive")]


@pytest.mark.parametrize("a, b", DISTINGUISHED)
def test_colours_a_figure_tells_apart_stay_apart_under_deuteranopia(a, b):
    assert seen_apart(COLORS[a], COLORS[b]) > MIN_DELTA_E, (a, b, seen_apart(COLORS[a], COLORS[b]))


def test_the_first_five_lines_of_a_plot_stay_apart_under_deuteranopia():
    for a, b in itertools.combinations(CYCLE[:5], 2):
        assert seen_apart(a, b) > MIN_DELTA_E, (a, b, seen_apart(a, b))


def test_the_simulation_would_catch_red_against_green():
    """The check can fail: a red and a green of the same lightness collapse for a deuteranope."""
    red, green = "#D62728", "#2CA02C"  # matplotlib's tab:red and tab:green
    assert np.linalg.norm(lab(rgb(red)) - lab(rgb(green))) > 5 * MIN_DELTA_E  # far apart for the typical eye
    assert seen_apart(red, green) < MIN_DELTA_E, seen_apart(red, green)  # together for a deuteranope
    assert OKABE_ITO["vermillion"] == COLORS["negative"]


def test_the_network_drawing_signs_differ_in_the_rendered_pixels_too():
    """Rendered, simulated: a positive and a negative edge of the drawing keep their difference."""
    net, x, target = examples.step_by_step()
    net.weights[1][0, 1] = -0.15  # w6 negative, w5 positive
    drawing = plots.draw_network(net, net.forward(x), target=target)
    drawing.fig.canvas.draw()
    pixels = np.asarray(drawing.fig.canvas.buffer_rgba())[..., :3] / 255.0
    seen = lab(simulate_deuteranopia(pixels))

    def colour_of(name: str) -> np.ndarray:  # the simulated colour at the middle of the edge's line
        line = drawing.edges[name]
        xs, ys = line.get_xdata(), line.get_ydata()
        px, py = drawing.ax.transData.transform((np.mean(xs) * 0.8 + xs[1] * 0.2, np.mean(ys) * 0.8 + ys[1] * 0.2))
        return seen[pixels.shape[0] - int(round(py)), int(round(px))]

    assert np.linalg.norm(colour_of("w5") - colour_of("w6")) > MIN_DELTA_E


# ------------------------------------------------------------------ headings
def headings(nb) -> list[tuple[int, str]]:
    """(level, text) of every heading in the notebook's markdown cells, in order."""
    parser = MarkdownIt()
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        tokens = parser.parse(cell.source)
        for k, token in enumerate(tokens):
            if token.type == "heading_open":
                found.append((int(token.tag[1]), tokens[k + 1].content))
    return found


@pytest.mark.parametrize("lesson", LESSONS + ["index"])
def test_headings_never_skip_a_level_and_there_is_one_h1(lesson):
    path = ROOT / "index.ipynb" if lesson == "index" else ROOT / "solutions" / lesson / f"{lesson}.ipynb"
    found = headings(nbformat.read(path, as_version=4))
    assert [level for level, _ in found].count(1) == 1 and found[0][0] == 1, found[:3]
    skips = [(a, b) for a, b in zip(found, found[1:]) if b[0] > a[0] + 1]
    assert not skips, f"{lesson}: a heading skips a level: {skips}"
