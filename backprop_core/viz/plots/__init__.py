r"""Figures of the course, drawn from live objects and updated in place.

Every function returns a small *plot object* holding the figure, the axes and
the artists it drew, with an ``update(...)`` method that changes those
artists' data (``set_text``, ``set_data``, ``set_linewidth`` …) instead of
building a new figure: a slider callback calls ``update`` and then redraws
the canvas, which keeps a slider move well under 100 ms.

A plot object shows itself in a notebook (it has ``_repr_png_``), so
``draw_network(net, net.forward(x))`` as the last line of a cell displays the
drawing. Figures are made with :class:`matplotlib.figure.Figure`, not pyplot,
so that no backend shows them twice. Every plot draws into a given ``ax`` or,
without one, into a new figure of its own size.

One module per kind of figure:

- :mod:`~backprop_core.viz.plots._base`: the shared base, :func:`new_figure`, :func:`fmt`;
- :mod:`~backprop_core.viz.plots.network`: :func:`draw_network`;
- :mod:`~backprop_core.viz.plots.curves`: :func:`error_curve`, :func:`loss_curve`;
- :mod:`~backprop_core.viz.plots.surfaces`: :func:`error_surface`, :func:`decision_boundary`;
- :mod:`~backprop_core.viz.plots.gradcheck`: :func:`gradient_check_bars`;
- :mod:`~backprop_core.viz.plots.graph`: :func:`draw_graph` (an expression's computational graph).

Weights are named as the worked examples name them (``w1, w2, …``); the
helpers that name them and compute the error as they change
(:func:`weight_names`, :func:`weight_index`, :func:`loss_along`,
:func:`loss_grid`) live in :mod:`backprop_core.course.weights` and are
re-exported here for the notebooks.
"""
from backprop_core.course.weights import loss_along, loss_grid, weight_index, weight_names
from ._base import figure_and_axes, fmt, new_figure
from .curves import ErrorCurvePlot, LossCurvePlot, error_curve, loss_curve
from .gradcheck import GradientCheckPlot, gradient_check_bars
from .graph import GraphDrawing, draw_graph
from .network import NetworkDrawing, draw_network
from .surfaces import DecisionBoundaryPlot, ErrorSurfacePlot, decision_boundary, error_surface

__all__ = [
    "draw_network", "NetworkDrawing", "error_curve", "ErrorCurvePlot", "error_surface", "ErrorSurfacePlot",
    "loss_curve", "LossCurvePlot", "decision_boundary", "DecisionBoundaryPlot", "gradient_check_bars",
    "GradientCheckPlot", "weight_names", "weight_index", "loss_along", "loss_grid", "new_figure", "fmt",
    "figure_and_axes", "draw_graph", "GraphDrawing",
]
