"""Latency in the browser: a keyboard move of each lesson's main slider until its
figure's pixels change, in JupyterLab in headless Chromium (as a student sees it).

Timed inside the page: from the keydown on the slider handle to the first
animation frame at which the figure canvas differs. Baseline, measured in the
same session: a bare ipympl figure whose slider only moves one line, i.e. the
round trip browser -> kernel -> browser with almost no work. Target: median
≤ 150 ms per lesson.
"""
from __future__ import annotations

import statistics
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from ._table import Row  # noqa: E402

MOVES = 9
TARGET_MS = 150.0

BASELINE_CELL = """\
import ipywidgets as widgets
import numpy as np
from backprop_core.viz.plots import new_figure
from backprop_core.viz.widgets._base import canvas_widget, freeze_layout

fig, ax = new_figure(6.0, 3.0)
x = np.linspace(0, 1, 50)
(line,) = ax.plot(x, x)
freeze_layout(fig)
slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0, step=0.1, description="slope")
slider.observe(lambda change: (line.set_ydata(change["new"] * x), fig.canvas.draw_idle()), names="value")
widgets.VBox([slider, canvas_widget(fig, "ipympl")])
"""

ARM_JS = """(output) => {
    const canvas = output.querySelector('.jupyter-matplotlib-figure canvas');
    const ctx = canvas.getContext('2d');
    window.__snap = () => {
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let h = 0;
        for (let i = 0; i < d.length; i += 61) h = (h * 31 + d[i]) | 0;
        return h;
    };
    window.__before = window.__snap();
    const handle = output.querySelector('.noUi-handle');
    handle.addEventListener('keydown', () => { window.__t0 = performance.now(); }, {capture: true, once: true});
}"""

WAIT_JS = """() => new Promise(resolve => {
    const tick = () => {
        const elapsed = performance.now() - window.__t0;
        if (window.__snap() !== window.__before) resolve(elapsed);
        else if (elapsed > 20000) resolve(-1);
        else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
})"""


def _latencies(page, output, moves: int = MOVES) -> list[float]:
    from jupyterlab_driver import figure_of, wait_until_settled

    figure = figure_of(output)
    handle = output.locator(".noUi-handle").first
    times = []
    for move in range(moves):
        wait_until_settled(figure, quiet_s=0.5)
        output.evaluate(ARM_JS)
        handle.press("ArrowRight" if move % 2 == 0 else "ArrowLeft")
        elapsed = page.evaluate(WAIT_JS)
        if elapsed < 0:
            raise RuntimeError("the figure did not change within 20 s of a slider move")
        times.append(elapsed)
    return times


def run() -> list[Row]:
    from jupyterlab_driver import (LabServer, find_chromium, launch_args, open_notebook, run_all_cells,
                                   widget_outputs)
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        print("bench_browser: no Chromium found, skipped", file=sys.stderr)
        return []
    server = LabServer(folders=("solutions",), files=())
    baseline_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BASELINE_CELL)])
    baseline_nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(baseline_nb, server.workdir / "baseline.ipynb")
    lessons = sorted(p.name for p in (server.workdir / "solutions").iterdir() if p.is_dir())
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=launch_args())
            page = browser.new_page(viewport={"width": 1400, "height": 1000})

            def main_widget_latency(path: str) -> float:
                open_notebook(page, server, path)
                run_all_cells(page)
                outputs = widget_outputs(page)
                main = next(outputs.nth(i) for i in range(outputs.count())
                            if outputs.nth(i).locator(".noUi-handle").count())
                return statistics.median(_latencies(page, main))

            print("bench_browser: baseline", file=sys.stderr, flush=True)
            baseline = main_widget_latency("baseline.ipynb")
            for lesson in lessons:
                print(f"bench_browser: {lesson}", file=sys.stderr, flush=True)
                median = main_widget_latency(f"solutions/{lesson}/{lesson}.ipynb")
                rows.append(Row(f"{lesson}: slider → figure in the browser", "median of moves", median,
                                "bare ipympl slider", baseline, "ms", f"≤ {TARGET_MS:.0f} ms", median <= TARGET_MS))
            browser.close()
    finally:
        server.stop()
    return rows
