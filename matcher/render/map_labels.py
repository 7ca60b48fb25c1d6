"""Labels of the static map: pair numbers, partner colours, and a placer that never overlaps.

Every remote commune gets a number (1, 2, ... in Vietnamese alphabetical order of its name, so
the key table is also an index); its label reads ``12 Trà Linh`` and each lowland partner's
``Hải Châu →12``. Lowland markers take a colour of their remote partner (neighbouring remote
communes get different colours where the palette allows), a second cue beside the number.

:class:`Placer` puts labels one by one, in display pixels, at the first free spot around the
unit (right, left, above, below, the diagonals), then further out on growing rings with a leader
line; a spot is free when the label's box does not meet an earlier label, a marker, an
obstacle (north arrow, scale bar) or the axes edge. Long labels that find no room nearby are
shortened to the number alone before going further out. No label is ever dropped for lack of
room while the axes has any: it goes further out.
"""

from __future__ import annotations

import math

import numpy as np

from .common import vi_sort_key

# Okabe-Ito and Dark2 colours without the coverage classes' reds and blues
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#e6ab02", "#666666")
ARROW = "→"
FLAG = "!"


def remote_numbers(view) -> dict[str, int]:
    """Remote commune code -> its number on the map and in the key (1.., alphabetical by name)."""
    rem = view.units[view.units["role"] == "remote"]
    order = sorted(zip(rem["name"].astype(str), rem["code"].astype(str), strict=True),
                   key=lambda nc: (vi_sort_key(nc[0]), nc[1]))
    return {code: i + 1 for i, (_, code) in enumerate(order)}


def partner_colours(pts, numbers: dict[str, int]) -> dict[str, str]:
    """Remote code -> a palette colour; greedy, in number order: the colour least used among the
    six nearest remote communes already coloured (ties to the palette's order)."""
    codes = sorted(numbers, key=numbers.get)
    xy = {c: (float(pts.loc[c, "x"]), float(pts.loc[c, "y"])) for c in codes if c in pts.index}
    out: dict[str, str] = {}
    for c in codes:
        if c not in xy:
            out[c] = PALETTE[0]
            continue
        done = sorted(out, key=lambda d: math.dist(xy[c], xy.get(d, (math.inf, math.inf))))[:6]
        used = [sum(out[d] == p for d in done) for p in PALETTE]
        out[c] = PALETTE[int(np.argmin(used))]
    return out


def partners_of(view) -> dict[str, list[str]]:
    """Lowland code -> its remote partners' codes, in pair order."""
    out: dict[str, list[str]] = {}
    for lc, rc in zip(view.pairs["lowland_code"].astype(str), view.pairs["remote_code"].astype(str), strict=True):
        out.setdefault(lc, []).append(rc)
    return out


def flagged_remote(summary) -> dict[str, list[str]]:
    """Remote code -> the kinds of the flags that name it (``summary["flags"]``; absent -> {})."""
    out: dict[str, list[str]] = {}
    flags = (summary or {}).get("flags") or []
    for f in flags if isinstance(flags, list) else []:
        if not isinstance(f, dict) or f.get("kind") not in ("low_coverage", "no_staff", "locked_beyond_cap"):
            continue
        if f.get("remote_code"):
            out.setdefault(str(f["remote_code"]), []).append(str(f["kind"]))
    return out


def flagged_pairs(summary) -> set[tuple[str, str]]:
    """(lowland, remote) codes of pair flags (no staff, locked beyond the cap)."""
    flags = (summary or {}).get("flags") or []
    return {(str(f["lowland_code"]), str(f["remote_code"])) for f in flags if isinstance(flags, list)
            and isinstance(f, dict) and f.get("kind") in ("no_staff", "locked_beyond_cap")
            and f.get("lowland_code") and f.get("remote_code")}


class Placer:
    """Places texts on one axes without overlap (display pixels of the axes' figure)."""

    def __init__(self, ax, renderer, points_px: np.ndarray, marker_px: float, obstacles=()):
        self.ax = ax
        self.renderer = renderer
        bb = ax.get_window_extent(renderer)
        self.frame = (bb.x0 + 2, bb.y0 + 2, bb.x1 - 2, bb.y1 - 2)
        half = marker_px / 2
        pts = np.asarray(points_px, dtype=float).reshape(-1, 2)
        self.boxes = [np.column_stack([pts[:, 0] - half, pts[:, 1] - half, pts[:, 0] + half, pts[:, 1] + half])]
        self.boxes += [np.asarray([o], dtype=float) for o in obstacles]
        self._all = None
        self.gap = 0.25 * ax.figure.dpi / 72 * 4  # about 1 pt between a marker and its label
        self.leaders: list[tuple[float, float, float, float]] = []

    def _stack(self) -> np.ndarray:
        if self._all is None:
            self._all = np.vstack(self.boxes) if self.boxes else np.zeros((0, 4))
        return self._all

    def _free(self, box) -> bool:
        x0, y0, x1, y1 = box
        f = self.frame
        if x0 < f[0] or y0 < f[1] or x1 > f[2] or y1 > f[3]:
            return False
        b = self._stack()
        if not len(b):
            return True
        return not bool(np.any((b[:, 0] < x1) & (b[:, 2] > x0) & (b[:, 1] < y1) & (b[:, 3] > y0)))

    def _candidates(self, ax_, ay_, w, h, ring: int):
        g = self.gap + ring * max(h, 6.0) * 1.2
        yield ax_ + g, ay_ - h / 2  # right
        yield ax_ - g - w, ay_ - h / 2  # left
        yield ax_ - w / 2, ay_ + g  # above
        yield ax_ - w / 2, ay_ - g - h  # below
        yield ax_ + g * 0.7, ay_ + g * 0.7  # upper right
        yield ax_ - g * 0.7 - w, ay_ + g * 0.7
        yield ax_ + g * 0.7, ay_ - g * 0.7 - h
        yield ax_ - g * 0.7 - w, ay_ - g * 0.7 - h
        if ring:
            for k in range(12):
                a = math.pi * (k + 0.5) / 6
                cx, cy = ax_ + (g + w / 2) * math.cos(a), ay_ + (g + h / 2) * math.sin(a)
                yield cx - w / 2, cy - h / 2

    def size(self, text) -> tuple[float, float]:
        ext = text.get_window_extent(self.renderer)
        return ext.width + 3, ext.height + 2  # the light box behind the text

    def place(self, text, anchor_px, short: str | None = None, near_rings: int = 3, max_rings: int = 60) -> bool:
        """Move ``text`` (drawn at its anchor, ha/va left/bottom) to a free spot; with ``short``,
        try that shorter text beyond ``near_rings`` rings. False (text hidden) only when the
        whole axes is full."""
        ax_, ay_ = anchor_px
        texts = [(text.get_text(), range(0, near_rings if short else max_rings))]
        if short:
            texts.append((short, range(0, max_rings)))
        for content, rings in texts:
            text.set_text(content)
            w, h = self.size(text)
            for ring in rings:
                for x, y in self._candidates(ax_, ay_, w, h, ring):
                    box = (x, y, x + w, y + h)
                    if self._free(box):
                        self._put(text, box, anchor_px, ring)
                        return True
        text.set_visible(False)
        return False

    def _put(self, text, box, anchor, ring: int) -> None:
        x0, y0, x1, y1 = box
        inv = self.ax.transData.inverted()
        tx, ty = inv.transform((x0 + 1.5, y0 + 1))
        text.set_position((tx, ty))
        text.set_ha("left")
        text.set_va("bottom")
        self.boxes.append(np.asarray([box]))
        self._all = None
        if ring >= 2:  # far from its unit: a leader line to the nearest side of the box
            px = min(max(anchor[0], x0), x1)
            py = min(max(anchor[1], y0), y1)
            a, b = inv.transform(anchor), inv.transform((px, py))
            self.leaders.append((a[0], a[1], b[0], b[1]))

    def draw_leaders(self, **style) -> None:
        """One line collection for every leader line."""
        if not self.leaders:
            return
        from matplotlib.collections import LineCollection

        segs = [[(a, b), (c, d)] for a, b, c, d in self.leaders]
        self.ax.add_collection(LineCollection(segs, **style))
