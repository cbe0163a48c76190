"""Bar charts as PNG for staff, readable on a phone: large type, one chart per picture.

matplotlib's object API with the Agg canvas: no pyplot, so no global figure state, and each
call can run in a worker thread. Text is drawn without shaping, so right-to-left scripts
would come out broken: callers pass text in a left-to-right language.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from domain.stats import Chart

# 9 by 7 inches at 120 dpi: 1080 px wide, a phone screen's width, so nothing is scaled down.
SIZE = (9.0, 7.0)
DPI = 120
TITLE_SIZE = 26
TEXT_SIZE = 18
COLOURS = ("#1f5fa8", "#d9822b", "#3a9d5d", "#8e44ad")


def bar_chart(chart: Chart) -> bytes:
    figure = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    count = len(chart.series)
    width = 0.8 / count
    positions = range(len(chart.labels))
    for index, (name, values) in enumerate(chart.series):
        offset = (index - (count - 1) / 2) * width
        bars = axes.bar(
            [p + offset for p in positions],
            values,
            width,
            label=name,
            color=COLOURS[index % len(COLOURS)],
        )
        axes.bar_label(bars, labels=[str(v) if v else "" for v in values], fontsize=TEXT_SIZE)
    axes.set_title(chart.title, fontsize=TITLE_SIZE, pad=16)
    axes.set_xticks(list(positions), chart.labels, rotation=45, ha="right", fontsize=TEXT_SIZE)
    axes.tick_params(axis="y", labelsize=TEXT_SIZE)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.margins(y=0.15)  # room for the numbers on the highest bar
    axes.spines[["top", "right"]].set_visible(False)
    if count > 1:
        axes.legend(fontsize=TEXT_SIZE, frameon=False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
