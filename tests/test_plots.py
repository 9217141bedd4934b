"""Figures of backprop_core.viz.plots: the artists carry the live network's numbers, and update in place."""
from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from backprop_core import examples, gradient_check
from backprop_core.viz import plots, widgets
from backprop_core.viz.style import COLORS, MAX_WIDTH

matplotlib.use("Agg")


def texts_of(ax) -> str:
    return "\n".join(t.get_text() for t in ax.texts)


@pytest.fixture
def mazur():
    net, x, target = examples.mazur()
    trace = net.forward(x)
    return net, x, target, trace, net.backward(trace, target)


def test_weight_names_follow_the_seeds_numbering(mazur):
    net = mazur[0]
    names = plots.weight_names(net)
    assert list(names) == [f"w{k}" for k in range(1, 9)]
    # seed 002: w1 = .15 and w2 = .20 go into h1, w5 = .40, w6 = .45 into o1
    values = {n: net.weights[l][j, i] for n, (l, j, i) in names.items()}
    assert [values[n] for n in ("w1", "w2", "w5", "w6", "w8")] == [0.15, 0.20, 0.40, 0.45, 0.55]
    with pytest.raises(ValueError, match="weight must be one of"):
        plots.weight_index(net, "w9")


def test_draw_network_labels_every_weight_with_its_value(mazur):
    net = mazur[0]
    drawing = plots.draw_network(net)
    for name, (l, j, i) in plots.weight_names(net).items():
        label = drawing.edge_labels[name].get_text()
        assert f"w_{{{name[1:]}}}" in label and plots.fmt(net.weights[l][j, i]) in label
    assert len(drawing.neurons) == 6 and len(drawing.edges) == 8
    # positive weights blue, line width grows with |w|
    assert matplotlib.colors.to_hex(drawing.edges["w8"].get_color()) == COLORS["positive"].lower()
    assert drawing.edges["w8"].get_linewidth() > drawing.edges["w1"].get_linewidth()
    assert drawing.fig.get_figwidth() <= MAX_WIDTH


def test_draw_network_shows_seed_002_activations_and_deltas(mazur):
    net, x, target, trace, grads = mazur
    drawing = plots.draw_network(net, trace, grads, target=target)
    hidden, output = drawing.values[(1, 0)].get_text(), drawing.values[(2, 0)].get_text()
    assert plots.fmt(trace.activations[0][0]) in hidden and hidden.count("0.593") == 1
    assert "0.7514" in output and plots.fmt(trace.pre_activations[1][0]) in output
    assert plots.fmt(grads.deltas[1][0]) in drawing.deltas[(2, 0)].get_text()  # δ_o1 = 0.1385
    assert "0.1385" in drawing.deltas[(2, 0)].get_text()
    assert all(arrow.get_visible() for name, arrow in drawing.arrows.items() if plots.weight_names(net)[name][0] == 1)
    assert not any(arrow.get_visible() for name, arrow in drawing.arrows.items() if plots.weight_names(net)[name][0] == 0)
    assert "0.01" in drawing.target_texts[0].get_text()


def test_draw_network_update_changes_the_existing_artists(mazur):
    net, x, target, trace, grads = mazur
    drawing = plots.draw_network(net, trace, grads)
    label, value_text = drawing.edge_labels["w5"], drawing.values[(2, 0)]
    n_artists = len(drawing.ax.get_children())
    net.weights[1][0, 0] = -0.9
    new_trace = net.forward(x)
    drawing.update(net, new_trace)  # no grads: deltas and arrows vanish
    assert drawing.edge_labels["w5"] is label and "−0.9" in label.get_text()
    assert plots.fmt(new_trace.activations[1][0]) in value_text.get_text()
    assert matplotlib.colors.to_hex(drawing.edges["w5"].get_color()) == COLORS["negative"].lower()
    assert not any(a.get_visible() for a in drawing.arrows.values())
    assert len(drawing.ax.get_children()) == n_artists
    with pytest.raises(ValueError, match="layer sizes"):
        drawing.update(examples.step_by_step()[0])


def test_linear_network_shows_one_number_per_neuron():
    net, x, target = examples.step_by_step()
    drawing = plots.draw_network(net, net.forward(x), show_gradients=True)
    assert drawing.values[(1, 0)].get_text() == "0.85" and drawing.values[(2, 0)].get_text() == "0.191"


def test_highlight_marks_and_then_restores(mazur):
    net, x, target, trace, grads = mazur
    drawing = plots.draw_network(net, trace, grads)
    width = drawing.edges["w5"].get_linewidth()
    drawing.highlight(edges=["w5"], neurons=[(2, 0)])
    assert matplotlib.colors.to_hex(drawing.edges["w5"].get_color()) == COLORS["highlight"].lower()
    drawing.highlight()
    assert drawing.edges["w5"].get_linewidth() == width
    assert matplotlib.colors.to_hex(drawing.edges["w5"].get_color()) == COLORS["positive"].lower()


def test_backward_arrows_of_crossing_edges_stay_beside_their_own_edge(mazur):
    """Issue 22: w6 and w7 cross half-way; their w·δ arrows end nearer their δ's neuron than the crossing."""
    net, x, target, trace, grads = mazur
    drawing = plots.draw_network(net, trace, grads, target=target)
    crossing = np.mean([drawing.positions[1][0], drawing.positions[2][1]], axis=0)   # w7 (h1 -> o2) meets w6 half-way
    for name in ("w6", "w7"):
        l, j, i = drawing.edge_index[name]
        head, tail = (np.array(p) for p in drawing.arrows[name]._posA_posB[::-1])
        receiving = np.array(drawing.positions[l + 1][j])
        assert np.hypot(*(head - crossing)) > 0.5 and np.hypot(*(tail - receiving)) < np.hypot(*(tail - crossing)), name


def test_error_curve_has_its_minimum_where_the_loss_is_least_and_a_path(mazur):
    net, x, target = mazur[:3]
    values = np.linspace(-2, 4, 121)
    errors = plots.loss_along(net, x, target, "w5", values)
    assert net.weights[1][0, 0] == 0.40  # left unchanged
    assert errors[np.argmin(np.abs(values - 0.4))] == pytest.approx(net.loss(x, target))
    plot = plots.error_curve(values, errors, path=[[0.4, 0.2984], [0.35, 0.29]], weight_label="w_5")
    assert list(plot.curve.get_ydata()) == list(errors)
    assert list(plot.current.get_xdata()) == [0.35]
    plot.update(path=[[1.0, 0.1]])
    assert list(plot.path.get_xdata()) == [1.0]
    assert "w_5" in plot.ax.get_xlabel() and plot.ax.get_ylabel()
    assert plot.png()[:4] == b"\x89PNG"


def test_descent_paths_mark_their_start_and_their_last_step_and_the_legend_names_the_weight():
    """Issue 22: the legend says E(w_5) where the axis is w_5; a path shows where it began and where it is now."""
    values = np.linspace(-0.5, 1.5, 41)
    curve = plots.error_curve(values, values ** 2, path=[[0.14, 0.3], [0.2, 0.2], [0.3, 0.1]], weight_label="w_5")
    assert curve.curve.get_label() == "$E(w_5)$"
    assert list(curve.start.get_xdata()) == [0.14] and list(curve.current.get_xdata()) == [0.3]
    assert {"start", "last step"} <= {t.get_text() for t in curve.ax.get_legend().get_texts()}
    surface = plots.error_surface(values, values, np.add.outer(values ** 2, values ** 2), path=[[0.14, 0.15], [0.2, 0.3]])
    assert list(surface.start.get_xdata()) == [0.14] and list(surface.current.get_ydata()) == [0.3]
    assert {"start", "last step"} <= {t.get_text() for t in surface.ax.get_legend().get_texts()}


def test_error_surface_grid_matches_the_network_and_path_updates():
    net, x, target = examples.step_by_step()
    a, b = np.linspace(-0.5, 1.0, 7), np.linspace(-0.5, 1.0, 5)
    grid = plots.loss_grid(net, x, target, "w5", "w6", a, b)
    assert grid.shape == (5, 7)
    probe = net.copy()
    probe.weights[1][0] = [a[3], b[2]]
    assert grid[2, 3] == pytest.approx(probe.loss(x, target))
    plot = plots.error_surface(a, b, grid, path=[[0.14, 0.15]])
    plot.update(path=[[0.14, 0.15], [0.17, 0.17]])
    assert list(plot.path.get_ydata()) == [0.15, 0.17]
    assert plot.ax.get_xlabel() and plot.ax.get_ylabel() and plot.colorbar is not None


def test_loss_curve_log_scale_and_update():
    plot = plots.loss_curve([1.0, 0.5, 0.25])
    assert plot.ax.get_yscale() == "log"
    plot.update({"loss": [1.0, 0.1, 0.01, 0.001], "other": [2.0, 1.0]})
    assert list(plot.lines["loss"].get_ydata()) == [1.0, 0.1, 0.01, 0.001]
    assert list(plot.lines["loss"].get_xdata()) == [0, 1, 2, 3]  # losses[k]: after k epochs
    assert plots.loss_curve([1.0, 0.0], log=False).ax.get_yscale() == "linear"


def test_decision_boundary_colours_the_plane_by_the_output():
    net, X, Y = examples.xor()
    plot = plots.decision_boundary(net, X, Y, resolution=21)
    image = plot.image.get_array()
    # corner (0, 0) of the grid is at lim (-0.5, -0.5): the network's output there
    assert image[0, 0] == pytest.approx(net.forward([-0.5, -0.5]).output[0])
    net.weights[1][0, 0] = 3.0
    plot.update(net)
    assert plot.image.get_array()[0, 0] == pytest.approx(net.forward([-0.5, -0.5]).output[0])
    with pytest.raises(ValueError, match="2 inputs"):
        plots.decision_boundary(examples.mazur()[0].copy().__class__([np.ones((2, 3)), np.ones((1, 2))]), X, Y)


def test_gradient_check_bars_mark_failures(mazur):
    net, x, target = mazur[:3]
    result = gradient_check(net, x, target)
    plot = plots.gradient_check_bars(result)
    assert len(plot.bars) == 4 and all("FAIL" not in t.get_text() for t in plot.labels)

    def broken(net, trace, target):
        grads = net.backward(trace, target)
        grads.weights[0] = grads.weights[0] * 2
        return grads

    plot.update(gradient_check(net, x, target, backward=broken).errors)
    assert "FAIL" in plot.labels[0].get_text() and "FAIL" not in plot.labels[2].get_text()


# ------------------------------------------------------------------ the package's shape


def test_weight_helpers_live_in_course_and_are_re_exported_here():
    from backprop_core.course import weights

    for name in ("weight_names", "weight_index", "loss_along", "loss_grid"):
        assert getattr(plots, name) is getattr(weights, name)


def test_figure_and_axes_makes_a_figure_only_without_an_axes():
    fig, ax = plots.figure_and_axes(None, 4.0, 3.0)
    assert tuple(fig.get_size_inches()) == (4.0, 3.0) and ax.figure is fig
    assert plots.figure_and_axes(ax, 9.0, 9.0) == (fig, ax)  # the size is only for a new figure


def _every_plot(axes):
    """One plot of each of the six kinds, drawn into ``axes[k]`` (None: its own figure)."""
    net, x, target = examples.mazur()
    xor_net, X, Y = examples.xor()
    values = np.linspace(0.0, 1.0, 5)
    grid = np.outer(values, values)
    return [
        plots.draw_network(net, ax=axes[0]),
        plots.error_curve(values, values ** 2, ax=axes[1]),
        plots.error_surface(values, values, grid, ax=axes[2]),
        plots.loss_curve([1.0, 0.5], ax=axes[3]),
        plots.decision_boundary(xor_net, X, Y, ax=axes[4], resolution=5),
        plots.gradient_check_bars(gradient_check(net, x, target), ax=axes[5]),
    ]


def test_every_plot_draws_into_a_given_axes_or_makes_its_own_figure():
    fig, axes = plots.new_figure(8.0, 6.0, ncols=3, nrows=2)
    for ax, plot in zip(axes.ravel(), _every_plot(axes.ravel())):
        assert plot.ax is ax and plot.fig is fig
    for plot in _every_plot([None] * 6):
        assert plot.fig is not fig and plot.ax.figure is plot.fig
        assert plot.fig.get_figwidth() <= MAX_WIDTH and plot.png()[:4] == b"\x89PNG"


def test_draw_network_writes_notes_after_the_deltas(mazur):
    net, x, target, trace, grads = mazur
    drawing = plots.draw_network(net, trace, grads)
    drawing.update(net, trace, grads, delta_notes={(1, 0): " (yours)", (2, 1): "\nσ′(a): 0.1"})
    assert drawing.deltas[(1, 0)].get_text() == f"δ {plots.fmt(grads.deltas[0][0])} (yours)"
    assert drawing.deltas[(2, 1)].get_text() == f"δ {plots.fmt(grads.deltas[1][1])}\nσ′(a): 0.1"
    assert drawing.deltas[(2, 0)].get_text() == f"δ {plots.fmt(grads.deltas[1][0])}"  # no note: δ alone


def test_decision_boundary_marker_size():
    net, X, Y = examples.xor()
    plot = plots.decision_boundary(net, X, Y, resolution=5, marker_size=22)
    assert [list(points.get_sizes()) for points in plot.samples] == [[22.0], [22.0]]
    assert plot.points is plot.samples[1]


def _segment_meets_box(p0, p1, box) -> bool:
    """Whether the segment p0-p1 (display coordinates) passes through the rectangle ``box`` (a Bbox)."""
    t = np.linspace(0.0, 1.0, 400)[:, None]
    points = np.asarray(p0) + t * (np.asarray(p1) - np.asarray(p0))
    return bool(np.any((points[:, 0] > box.x0) & (points[:, 0] < box.x1) & (points[:, 1] > box.y0) & (points[:, 1] < box.y1)))


@pytest.mark.parametrize("compare", [False, True])
def test_delta_labels_cut_no_edge(compare):
    """Issue 22: on lesson 05's widget no δ label (with the slip's note or without) lies across an edge, nor
    within a few points of one (a label grazing an edge reads as cutting it)."""
    flow = widgets.delta_flow("mazur", backend="none")
    flow.compare.value = compare
    drawing = flow.drawing
    drawing.fig.canvas.draw()
    renderer = drawing.fig.canvas.get_renderer()
    for (k, j), label in drawing.deltas.items():
        box = label.get_window_extent(renderer).expanded(1.0, 1.0).padded(6 * drawing.fig.dpi / 72)
        for name, line in drawing.edges.items():
            xy = drawing.ax.transData.transform(np.column_stack(line.get_data()))
            assert not _segment_meets_box(xy[0], xy[1], box), f"the δ label of neuron {(k, j)} ({label.get_text()!r}) cuts {name}"
