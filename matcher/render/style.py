"""Shared look of every map: the coverage classes and their colours (static and web maps
use the same, so a committee sees the same colour for the same coverage everywhere)."""

from __future__ import annotations

# (upper bound of the class, colour); the last class is full coverage (100 %).
# ColorBrewer RdYlBu: readable in print and for the common colour-vision deficiencies.
COVERAGE_CLASSES: tuple[tuple[float, str], ...] = (
    (0.5, "#d73027"),
    (0.75, "#fc8d59"),
    (0.9, "#fee090"),
    (0.99995, "#91bfdb"),
    (float("inf"), "#4575b4"),
)
NO_DATA = "#bdbdbd"
LOCKED_COLOUR = "#2b2b2b"  # existing twinnings, solid
NEW_COLOUR = "#c51b7d"  # proposed new twinnings, dashed


def coverage_colour(ratio: float | None) -> str:
    """The colour of a coverage ratio."""
    if ratio is None or ratio != ratio:  # NaN
        return NO_DATA
    return next(colour for upper, colour in COVERAGE_CLASSES if ratio < upper)


def coverage_labels() -> list[str]:
    """Class labels, e.g. '< 50%', '50% – < 75%', ..., '100%'."""
    edges = [0.0] + [u for u, _ in COVERAGE_CLASSES[:-1]]
    out = []
    for i, (upper, _) in enumerate(COVERAGE_CLASSES):
        if i == 0:
            out.append(f"< {upper:.0%}")
        elif upper == float("inf"):
            out.append("100%")
        else:
            out.append(f"{edges[i]:.0%} – < {min(upper, 1.0):.0%}")
    return out
