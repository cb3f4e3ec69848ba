"""The variation and assurance symbols, drawn here as small inline SVGs.

Our own drawings, not an icon set: shape, fill and an arrow each carry meaning, so
they read in greyscale print, and every symbol sits beside its words (the SVG
itself is hidden from screen readers, the words are not).

- Variation: a circle with an arrow for special-cause improvement (blue), a
  diamond with an arrow for special-cause concern (orange), a grey circle with an
  arrow for a change in an indicator with no preferred direction; the arrow
  points the way the number moved. Common cause: an outlined circle with a wave.
- Assurance: a blue square with a tick (consistently passes), an orange square
  with a cross (consistently fails), an outlined square half filled (hit and miss).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

IMPROVEMENT = "#1f5fa8"
CONCERN = "#a14b00"
NEUTRAL = "#4a4a4a"

_UP = "10,3.5 15.5,10 11.6,10 11.6,16.5 8.4,16.5 8.4,10 4.5,10"
_DOWN = "10,16.5 15.5,10 11.6,10 11.6,3.5 8.4,3.5 8.4,10 4.5,10"


@dataclass(frozen=True)
class Symbol:
    svg: Markup  # aria-hidden drawing
    short: str  # the words shown beside it (and read out)
    words: str  # the key's explanation
    css: str


def _svg(body: str, title: str) -> Markup:
    """Hidden from screen readers beside its words; its <title> is the tagged PDF's
    alternative text (PDF/UA wants one on every figure)."""
    return Markup(
        '<svg class="sym" viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" '
        f'focusable="false"><title>{escape(title)}</title>{body}</svg>'
    )


def _symbol(body: str, short: str, words: str, css: str) -> Symbol:
    return Symbol(_svg(body, short), short, words, css)


def _arrow(side: str) -> str:
    return f'<polygon fill="#fff" points="{_UP if side == "high" else _DOWN}"/>'


def _side(variation: str, polarity: str) -> str:
    """Which way the number moved: 'high' or 'low'."""
    if variation.endswith(("high", "low")):
        return variation.rsplit(" ", 1)[1]
    improved = variation.endswith("improvement")
    if polarity == "lower":
        return "low" if improved else "high"
    return "high" if improved else "low"


def variation_symbol(variation: str | None, polarity: str) -> Symbol | None:
    if variation is None:
        return None
    if variation == "common cause":
        body = (
            f'<circle cx="10" cy="10" r="8.6" fill="#fff" stroke="{NEUTRAL}" stroke-width="1.6"/>'
            f'<polyline points="4.5,11 7.2,8 10,12 12.8,8 15.5,11" fill="none" '
            f'stroke="{NEUTRAL}" stroke-width="1.6"/>'
        )
        return _symbol(
            body,
            "Common cause",
            "common cause: the value moves within its usual range; no sign of real change",
            "var-common",
        )
    side = _side(variation, polarity)
    way = "unusually high" if side == "high" else "unusually low"
    if variation.endswith("improvement"):
        body = f'<circle cx="10" cy="10" r="9" fill="{IMPROVEMENT}"/>{_arrow(side)}'
        return _symbol(
            body,
            f"Improvement ({'high' if side == 'high' else 'low'})",
            f"special-cause improvement: a real change for the better (value {way})",
            "var-improvement",
        )
    if variation.endswith("concern"):
        body = f'<polygon fill="{CONCERN}" points="10,0.5 19.5,10 10,19.5 0.5,10"/>{_arrow(side)}'
        return _symbol(
            body,
            f"Concern ({'high' if side == 'high' else 'low'})",
            f"special-cause concern: a real change for the worse (value {way})",
            "var-concern",
        )
    body = f'<circle cx="10" cy="10" r="9" fill="{NEUTRAL}"/>{_arrow(side)}'
    return _symbol(
        body,
        f"Special cause ({side})",
        f"special cause, no preferred direction: a real change (value {way})",
        "var-neutral",
    )


def assurance_symbol(assurance: str | None) -> Symbol | None:
    if assurance == "consistently passes":
        body = (
            f'<rect x="1" y="1" width="18" height="18" rx="3" fill="{IMPROVEMENT}"/>'
            '<polyline points="5,10.5 8.5,14 15,6" fill="none" stroke="#fff" stroke-width="2.4"/>'
        )
        return _symbol(
            body,
            "Passes",
            "consistently passes: every value the process makes meets the target",
            "ass-pass",
        )
    if assurance == "consistently fails":
        body = (
            f'<rect x="1" y="1" width="18" height="18" rx="3" fill="{CONCERN}"/>'
            '<path d="M6 6 L14 14 M14 6 L6 14" stroke="#fff" stroke-width="2.4"/>'
        )
        return _symbol(
            body,
            "Fails",
            "consistently fails: the process will not meet the target without a change",
            "ass-fail",
        )
    if assurance == "hit and miss":
        body = (
            f'<rect x="1.8" y="1.8" width="16.4" height="16.4" rx="3" fill="#fff" '
            f'stroke="{NEUTRAL}" stroke-width="1.6"/>'
            f'<polygon points="2.6,17.4 17.4,2.6 17.4,17.4" fill="{NEUTRAL}"/>'
        )
        return _symbol(
            body,
            "Hit and miss",
            "hit and miss: the target lies within the process limits, so it will be met "
            "in some quarters and missed in others",
            "ass-hitmiss",
        )
    return None


def key() -> tuple[list[Symbol], list[Symbol]]:
    """Every symbol once, for the report's key."""
    variations = [
        variation_symbol(v, p)
        for v, p in (
            ("common cause", "higher"),
            ("special cause improvement", "higher"),
            ("special cause improvement", "lower"),
            ("special cause concern", "higher"),
            ("special cause concern", "lower"),
            ("special cause high", "none"),
            ("special cause low", "none"),
        )
    ]
    assurances = [
        assurance_symbol(a) for a in ("consistently passes", "consistently fails", "hit and miss")
    ]
    return variations, assurances
