"""Colours of emulation clusters on a map (issue 12): neighbouring clusters never share one.

:data:`CLUSTER_PALETTE` has 20 light qualitative colours (ColorBrewer Set3 and the light half
of Tableau 20) under which dark text stays legible. :func:`cluster_colours` colours the
cluster adjacency graph greedily (Welsh–Powell: most neighbours first), each cluster taking,
among the colours none of its already coloured neighbours has, the least used one (ties to
the palette's order): with at most 20 clusters every cluster gets its own colour, and with
more, neighbours still differ whenever a cluster has fewer than 20 neighbouring clusters.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CLUSTER_PALETTE", "cluster_colours"]

CLUSTER_PALETTE: tuple[str, ...] = (
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#bc80bd",
    "#ccebc5", "#ffed6f", "#aec7e8", "#e5d8bd", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2",
    "#dbdb8d", "#d9d9d9",
)


def cluster_colours(clusters: Iterable[int], adjacent: Iterable[tuple[int, int]],
                    palette: tuple[str, ...] = CLUSTER_PALETTE) -> dict[int, str]:
    """Cluster label -> colour; ``adjacent`` are pairs of neighbouring clusters."""
    labels = sorted(set(clusters))
    neigh: dict[int, set[int]] = {c: set() for c in labels}
    for a, b in adjacent:
        if a in neigh and b in neigh and a != b:
            neigh[a].add(b)
            neigh[b].add(a)
    used = dict.fromkeys(palette, 0)
    out: dict[int, str] = {}
    for c in sorted(labels, key=lambda c: (-len(neigh[c]), c)):
        taken = {out[n] for n in neigh[c] if n in out}
        free = [p for p in palette if p not in taken] or list(palette)  # >= 20 neighbours: cannot avoid one
        pick = min(free, key=lambda p: (used[p], palette.index(p)))
        out[c] = pick
        used[pick] += 1
    return out
