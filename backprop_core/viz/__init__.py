"""The course's pictures and widgets: matplotlib figures and ipywidgets.

- :mod:`~backprop_core.viz.style`: one look for every figure;
- :mod:`~backprop_core.viz.plots`: network drawings, curves, surfaces, bars;
- :mod:`~backprop_core.viz.widgets`: one interactive widget per lesson;
- :mod:`~backprop_core.viz.tables`: small tables of numbers, shown as Markdown.

Uses :mod:`backprop_core.nn` and :mod:`backprop_core.course`; never the grading.
"""
