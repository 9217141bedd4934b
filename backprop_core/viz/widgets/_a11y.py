"""What a screen reader needs from a widget and ipywidgets does not give: a name on every slider.

ipywidgets draws a slider's handle (the element that takes the focus and the
arrow keys, ``role="slider"``) without an accessible name: its description is a
``<label>`` beside it, tied to nothing, so a screen reader says "slider, 0.11"
and never "w1". axe-core reports it as ``aria-input-field-name`` (serious).
ipywidgets has no option for it, so :class:`SliderNames`, an invisible widget
placed in every lesson widget, names each handle after its slider's
description, in the page, and again whenever a slider is redrawn.

It is an anywidget: its few lines of JavaScript come from here, no JupyterLab
extension of the course's own to build or install.
"""
from __future__ import annotations

import anywidget

#: The class of a lesson widget's outer box: the helper names the sliders inside it.
CONTAINER_CLASS = "backprop-widget"

_ESM = """
function nameHandles(root) {
    for (const slider of root.querySelectorAll('.widget-slider')) {
        const label = slider.querySelector('.widget-label');
        const name = label ? label.textContent.trim() : '';
        if (!name) continue;
        for (const handle of slider.querySelectorAll('.noUi-handle')) {
            if (handle.getAttribute('aria-label') !== name) handle.setAttribute('aria-label', name);
        }
    }
}

export default {
    render({ el }) {
        el.style.display = 'none';
        let tries = 0, observer = null;
        // The box is attached to the page after this view renders: wait for it, then watch it.
        const start = () => {
            const root = el.isConnected ? el.closest('.%s') : null;
            if (!root) { if (tries++ < 200) setTimeout(start, 50); return; }
            nameHandles(root);
            observer = new MutationObserver(() => nameHandles(root));
            observer.observe(root, { childList: true, subtree: true });
        };
        start();
        return () => { if (observer) observer.disconnect(); };
    },
};
""" % CONTAINER_CLASS


class SliderNames(anywidget.AnyWidget):
    """An invisible widget that gives every slider handle of its lesson widget its slider's description
    as ``aria-label``; see the module's docstring."""

    _esm = _ESM
