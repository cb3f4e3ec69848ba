"""Measuring a trend chart's SVG: every text's box, and what it overlaps (tests only).

Boxes come from DejaVu Sans's own metrics at each text's font size, independently of the
chart's layout code; lines, markers and the amber band are read from the SVG's paths.
"""

from __future__ import annotations

import re

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def charts_of(html: str, kind: str = "trend") -> dict[str, str]:
    """The page's trend charts (or `kind="xmr"`: its XmR charts) by indicator code."""
    found = re.findall(rf'(<svg class="{kind}-chart".*?</svg>)', html, flags=re.S)
    prefix = "chart" if kind == "trend" else kind
    return {
        re.search(rf'aria-labelledby="{prefix}-([a-z0-9-]+)-title', s).group(1): s for s in found
    }


def _text_boxes(root) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """(group id, text, (left, top, right, bottom)) of every <text>, in SVG units (y down).

    The width, height and descent are DejaVu Sans's own metrics at the element's font size
    (the font the page and the PDF use), measured independently of the chart's layout code.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure = TextToPath()
    boxes = []

    def walk(element, group):
        group = element.get("id", group) if element.tag == f"{SVG}g" else group
        if element.tag == f"{SVG}text":
            style = dict(
                part.split(":", 1) for part in element.get("style").split(";") if ":" in part
            )
            style = {k.strip(): v.strip() for k, v in style.items()}
            size = float(style["font-size"].removesuffix("px"))
            transform = element.get("transform", "")
            assert re.fullmatch(r"(rotate\(-?0 [\d. -]+\))?|translate\([\d. -]+\)", transform), (
                f"unexpected text transform {transform!r}"
            )
            if transform.startswith("translate"):
                x, y = (float(v) for v in transform[10:-1].split())
            else:
                x, y = float(element.get("x")), float(element.get("y"))
            width, height, descent = measure.get_text_width_height_descent(
                element.text, FontProperties(family="DejaVu Sans", size=size), ismath=False
            )
            anchor = style.get("text-anchor", "start")
            left = x - {"start": 0, "middle": width / 2, "end": width}[anchor]
            boxes.append(
                (group, element.text, (left, y - height + descent, left + width, y + descent))
            )
        for child in element:
            walk(child, group)

    walk(root, "")
    return boxes


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _polylines(d: str) -> list[list[tuple[float, float]]]:
    """The straight-line subpaths of an SVG path (M, L and z only, as matplotlib writes lines)."""
    lines: list[list[tuple[float, float]]] = []
    for command, numbers in re.findall(r"([MLz])([^MLz]*)", d):
        values = [float(v) for v in numbers.split()]
        points = list(zip(values[::2], values[1::2], strict=True))
        if command == "M":
            lines.append(points)
        elif command == "L":
            lines[-1].extend(points)
        else:
            lines[-1].append(lines[-1][0])
    return lines


def _segment_meets_box(p, q, box) -> bool:
    """Liang-Barsky: does the segment p-q pass through the rectangle?"""
    left, top, right, bottom = box
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for edge_p, edge_q in (
        (-dx, p[0] - left),
        (dx, right - p[0]),
        (-dy, p[1] - top),
        (dy, bottom - p[1]),
    ):
        if edge_p == 0:
            if edge_q < 0:
                return False
            continue
        t = edge_q / edge_p
        if edge_p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def _inside(point, polygon) -> bool:
    x, y = point
    crossings = 0
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def _marks(root, group_id: str) -> tuple[list, list]:
    """The polylines and marker boxes drawn in the group `group_id` (a series)."""
    group = next((g for g in root.iter(f"{SVG}g") if g.get("id") == group_id), None)
    if group is None:
        return [], []
    drawn = [path for path in group.iter(f"{SVG}path") if not path.get("id")]  # not marker defs
    lines = [line for path in drawn for line in _polylines(path.get("d", ""))]
    defs = {p.get("id"): p.get("d") for p in root.iter(f"{SVG}path") if p.get("id")}
    markers = []
    for use in group.iter(f"{SVG}use"):
        shape = [float(v) for v in re.findall(r"-?\d+\.?\d*", defs[use.get(f"{XLINK}href")[1:]])]
        half = max(abs(v) for v in shape)
        x, y = float(use.get("x")), float(use.get("y"))
        markers.append((x - half, y - half, x + half, y + half))
    return lines, markers


def label_problems(svg: str) -> list[str]:
    """Every text that leaves the chart or overlaps another text, a line, a marker or the band."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    prefix = root.get("aria-labelledby").split()[0].removesuffix("-title")
    boxes = _text_boxes(root)
    problems = [
        f"{text!r} leaves the chart {box}"
        for _, text, box in boxes
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height
    ]
    for i, (_, text, box) in enumerate(boxes):
        for _, other, other_box in boxes[i + 1 :]:
            if overlap(box, other_box):
                problems.append(f"{text!r} overlaps {other!r}")
    series = {
        name: _marks(root, f"{prefix}-{name}")
        for name in ("council-value", "target", "london-average")
    }
    band = _marks(root, f"{prefix}-amber-band")[0]
    for group, text, box in boxes:
        if "-value-label-" not in group:
            continue
        for name, (lines, markers) in series.items():
            if any(
                _segment_meets_box(p, q, box)
                for line in lines
                for p, q in zip(line, line[1:], strict=False)
            ):
                problems.append(f"value label {text!r} crosses the {name} line")
            if any(overlap(box, marker) for marker in markers):
                problems.append(f"value label {text!r} covers a {name} marker")
        corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
        on_band = any(
            _segment_meets_box(p, q, box)
            for polygon in band
            for p, q in zip(polygon, polygon[1:], strict=False)
        ) or any(_inside(corner, polygon) for polygon in band for corner in corners)
        if on_band:
            problems.append(f"value label {text!r} sits on the amber band")
    return problems
