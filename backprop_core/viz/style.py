"""One look for every figure of the course: palette, fonts, sizes.

The palette is Okabe and Ito's (2008), chosen so that people with the common
forms of colour blindness can still tell every colour apart. Meaning is never
carried by colour alone: signs are also written as numbers, paths also have
markers.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import matplotlib as mpl

#: Okabe–Ito colours by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

#: What each colour means across the course (the same everywhere).
COLORS = {
    "positive": OKABE_ITO["blue"],       # a positive weight
    "negative": OKABE_ITO["vermillion"],  # a negative weight
    "neuron": "#F2F2F2",                 # neuron fill
    "neuron_edge": "#333333",
    "input": "#E8F4FB",                  # input neuron fill (light sky blue)
    "output": "#FFF4DC",                 # output neuron fill (light orange)
    "delta": OKABE_ITO["purple"],         # deltas and backward arrows
    "highlight": OKABE_ITO["green"],      # the thing a step is talking about (not orange: too near vermillion)
    "path": OKABE_ITO["vermillion"],      # a gradient-descent path
    "curve": OKABE_ITO["blue"],           # error curves, loss curves
    "reference": OKABE_ITO["blue"],
    "student": OKABE_ITO["sky_blue"],
    "mistake": OKABE_ITO["vermillion"],
    "threshold": "#555555",
    "text": "#222222",
    "muted": "#888888",
}

#: Colour cycle for several lines on one axes. The order keeps the first five lines apart for a
#: deuteranope too (tests/test_a11y_content.py): orange beside vermillion, or green beside purple,
#: would look alike, so those pairs come late.
CYCLE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "black", "sky_blue", "vermillion", "purple")]

#: Widest figure in inches: fits a laptop screen beside JupyterLab's side bar.
MAX_WIDTH = 8.5
#: Dots per inch of figures shown in the notebook.
DPI = 96

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "axes.prop_cycle": mpl.cycler(color=CYCLE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "image.cmap": "cividis",
}

#: Colour maps for surfaces: sequential and perceptually uniform (readable in grey too).
SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "PuOr_r"


@contextmanager
def course_style() -> Iterator[None]:
    """Apply the course's rc settings inside a ``with`` block (and only there)."""
    with mpl.rc_context(RC):
        yield


def figsize(width: float, height: float) -> tuple[float, float]:
    """``(width, height)`` in inches, the width capped at :data:`MAX_WIDTH` (height scaled with it)."""
    if width > MAX_WIDTH:
        height, width = height * MAX_WIDTH / width, MAX_WIDTH
    return (width, height)
