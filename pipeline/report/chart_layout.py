"""Where a trend chart's value axis runs, and where its labels go so that none overlaps.

Labels are placed in display coordinates after everything else is drawn: each
value label tries a few spots round its point and takes the first that is clear
of the other labels, of every line, marker and filled band on the axes, and of
the plot's edges. Series names at the right-hand end are spread apart and kept
inside the figure. Whatever another feature draws on the axes (more lines, more
bands) is avoided the same way, without changes here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

# Offsets (points) tried for a value label, relative to its point, nearest first: above,
# below, to either side, then further out (off a band the point lies in).
CANDIDATES = tuple(
    (dx, sign * dy) for dy in (7, 13, 19, 25, 31, 37) for dx in (0, -12, 12) for sign in (1, -1)
)
CLEARANCE = 1.0  # pixels kept between a label and anything else
# Matplotlib measures a line of text about 1 em tall; browsers and PDF readers box it by
# the font's ascent and descent (DejaVu Sans: 1.164 em). Labels keep apart by that box.
EM_BOX_MARGIN = 0.1  # em added above and below


def value_locator() -> MaxNLocator:
    """Round ticks (steps of 1, 2 or 5 times a power of ten) for the value axis."""
    return MaxNLocator(nbins=5, steps=[1, 2, 5, 10])


def value_axis(values: Iterable[float], unit: str) -> tuple[float, float]:
    """The value axis's (bottom, top): the data and target with room for labels above.

    The axis starts at 0 when the data come near it (the lowest point is under half the
    highest), so magnitudes compare; otherwise it is scaled to the data, so a trend
    between 89% and 95% is not flattened into a line. A percentage axis stays within
    0-100% when the data do. Limits are round tick values.
    """
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return 0.0, 1.0
    low, high = min(finite), max(finite)
    span = high - low or max(abs(high), 1.0) * 0.1
    if 0 <= low <= high / 2:
        bottom, top = 0.0, high + span * 0.3
    else:
        bottom, top = low - span * 0.3, high + span * 0.45
        if low >= 0 > bottom:
            bottom = 0.0
    if unit == "percent" and 0 <= low and high <= 100:
        bottom, top = max(bottom, 0.0), min(top, 100.0) if high < 100 else 100.0
    ticks = value_locator().tick_values(bottom, top)
    bottom = max(t for t in ticks if t <= bottom + 1e-9)
    top = min(t for t in ticks if t >= top - 1e-9)
    if unit == "percent" and high <= 100 < top:
        top = 100.0
    return float(bottom), float(top)


def _renderer(fig: Figure) -> RendererBase:
    """A renderer that measures text as the saved chart will (Agg, at the figure's dpi)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def _obstacle_paths(ax: Axes, skip: set[int]) -> tuple[list[Path], list[Path], list[Bbox]]:
    """Every line (as polylines), filled band (as polygons) and marker (as boxes), in pixels."""
    lines: list[Path] = []
    fills: list[Path] = []
    markers: list[Bbox] = []
    for line in ax.get_lines():
        if id(line) in skip or not line.get_visible():
            continue
        points = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        finite = np.isfinite(points).all(axis=1)
        start = None
        for index, ok in enumerate([*finite, False]):
            if ok and start is None:
                start = index
            elif not ok and start is not None:
                if index - start > 1:
                    lines.append(Path(points[start:index]))
                start = None
        if line.get_marker() not in (None, "None", "", " "):
            half = line.get_markersize() * ax.figure.dpi / 72 / 2 + 1
            markers += [
                Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in points[finite]
            ]
    for collection in ax.collections:
        if isinstance(collection, Collection) and collection.get_visible():
            transform = collection.get_transform()
            fills += [path.transformed(transform) for path in collection.get_paths()]
    return lines, fills, markers


def _em_box(label: Text, renderer: RendererBase) -> Bbox:
    """The label's box as a browser or PDF reader draws it (see EM_BOX_MARGIN)."""
    box = label.get_window_extent(renderer)
    margin = EM_BOX_MARGIN * label.get_fontsize() * label.figure.dpi / 72
    return Bbox.from_extents(box.x0, box.y0 - margin, box.x1, box.y1 + margin)


def _clear(
    box: Bbox,
    placed: Sequence[Bbox],
    obstacles: tuple[list[Path], list[Path], list[Bbox]],
    inside: Bbox,
) -> bool:
    box = box.padded(CLEARANCE)
    if not (inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0):
        return False
    if box.y1 > inside.y1:
        return False
    lines, fills, markers = obstacles
    if any(box.overlaps(other) for other in [*placed, *markers]):
        return False
    if any(path.intersects_bbox(box, filled=False) for path in lines):
        return False
    return not any(path.intersects_bbox(box, filled=True) for path in fills)


def place_value_labels(fig: Figure, ax: Axes, labels: Sequence[Text]) -> list[bool]:
    """Move each value label (an annotation at its point) to the first clear spot.

    Returns, per label, whether a clear spot was found; a label with none stays above
    its point (the chart test then fails, so it cannot pass unseen).
    """
    renderer = _renderer(fig)
    obstacles = _obstacle_paths(ax, skip=set())
    inside = ax.get_window_extent(renderer)
    placed: list[Bbox] = []
    found = []
    for label in labels:
        best = None
        for dx, dy in CANDIDATES:
            label.set_position((dx, dy))
            label.set_verticalalignment("bottom" if dy > 0 else "top")
            label.set_horizontalalignment("center" if dx == 0 else ("right" if dx < 0 else "left"))
            box = _em_box(label, renderer)
            if _clear(box, placed, obstacles, inside):
                best = (dx, dy, box)
                break
        if best is None:
            label.set_position(CANDIDATES[0])
            label.set_verticalalignment("bottom")
            label.set_horizontalalignment("center")
            placed.append(_em_box(label, renderer))
            found.append(False)
            continue
        dx, dy, box = best
        label.set_position((dx, dy))
        placed.append(box)
        found.append(True)
    return found


def end_label(
    ax: Axes, y: float, text: str, colour: str, *, fontsize: float, gid: str | None = None
) -> Text:
    """A series' name just right of the plot at its last value (`spread_end_labels` spaces them)."""
    return ax.annotate(
        text,
        (1.0, y),
        xycoords=("axes fraction", "data"),
        xytext=(8, 0),
        textcoords="offset points",
        va="center",
        fontsize=fontsize,
        color=colour,
        annotation_clip=False,
        gid=gid,
    )


def spread_end_labels(fig: Figure, ax: Axes, labels: Sequence[Text], gap_px: float = 2.0) -> None:
    """Move the series names at the right-hand end apart, keeping them inside the figure.

    Each is first at its series' last value; they are then pushed apart in the order of
    their values and, if the stack leaves the figure, shifted back in as a block.
    """
    if not labels:
        return
    renderer = _renderer(fig)
    figure_box = fig.bbox
    to_pixels = ax.transData
    items = []
    for label in labels:
        box = _em_box(label, renderer)
        items.append([box.y0 + box.height / 2, box.height, label])
    items.sort(key=lambda item: item[0])
    for lower, upper in zip(items, items[1:], strict=False):
        least = lower[0] + (lower[1] + upper[1]) / 2 + gap_px
        upper[0] = max(upper[0], least)
    overflow = items[-1][0] + items[-1][1] / 2 - (figure_box.y1 - gap_px)
    if overflow > 0:
        for item in items:
            item[0] -= overflow
    underflow = (figure_box.y0 + gap_px) - (items[0][0] - items[0][1] / 2)
    if underflow > 0:
        for item in items:
            item[0] += underflow
    for centre, _, label in items:
        _, y = to_pixels.inverted().transform((0, centre))
        x, _ = label.xy
        label.xy = (x, y)
