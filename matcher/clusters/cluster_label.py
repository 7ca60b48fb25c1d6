"""Cluster labels 1..k for ``matcher cluster`` (issue 12), deterministic.

- Without pins or a previous grouping: cluster 1 is the one whose first member in Vietnamese name
  order comes first, and so on (ties by code).
- Pinned clusters keep the label they were pinned to (``--pin CODE=3``: the unit is in Cụm 3); the
  other clusters take the free labels in the same name order.
- With a previous grouping (``--from-plan``), clusters are matched to the previous labels to keep
  the most units where they were (an assignment on the overlap counts); moves = units whose label
  changed. Clusters left unmatched take the free labels in name order.
"""

from __future__ import annotations

from ..render.common import vi_sort_key


def _cluster_key(members: list[tuple[str, str]]) -> tuple:
    return min((vi_sort_key(name), code) for code, name in members)


def prev_labels(previous: dict[str, str]) -> dict[str, int]:
    """Previous labels as numbers: 1..k as written when they are, else in sorted order."""
    labels = sorted(set(previous.values()), key=lambda v: (0, int(v), v) if v.isdigit() else (1, 0, v))
    if all(v.isdigit() and int(v) >= 1 for v in labels):
        return {v: int(v) for v in labels}
    return {v: i + 1 for i, v in enumerate(labels)}


def label_clusters(units, result, pins: dict[str, int], previous: dict[str, str] | None):
    """(code -> label, label -> host code, moves or None)."""
    names = dict(zip(units.codes, units.names, strict=True))
    groups: dict[int, list[tuple[str, str]]] = {}
    for code in units.codes:
        groups.setdefault(result.clusters[code], []).append((code, names[code]))
    k = result.k
    fixed: dict[int, int] = {}  # engine index -> label
    for code, label in pins.items():
        fixed[result.clusters[code]] = label
    moves = None
    if previous is not None and not pins:
        from scipy.optimize import linear_sum_assignment

        num = prev_labels(previous)
        engines = sorted(groups)
        span = sorted(set(num.values()) | set(range(1, k + 1)))
        overlap = [[sum(1 for c, _ in groups[e] if num.get(previous.get(c, ""), 0) == lab) for lab in span]
                   for e in engines]
        rows, cols = linear_sum_assignment([[-v for v in r] for r in overlap])
        for r, c in zip(rows, cols, strict=True):
            fixed[engines[r]] = span[c]
    free = sorted(set(range(1, k + 1)) - set(fixed.values()))
    if any(v > k for v in fixed.values()):  # previous labels beyond k: renumber in name order
        fixed = {e: v for e, v in fixed.items() if v <= k}
        free = sorted(set(range(1, k + 1)) - set(fixed.values()))
    rest = sorted((e for e in groups if e not in fixed), key=lambda e: _cluster_key(groups[e]))
    fixed.update(dict(zip(rest, free, strict=True)))
    labels = {code: fixed[result.clusters[code]] for code in units.codes}
    hosts = {fixed[e]: h for e, h in enumerate(result.hosts) if h is not None and e in fixed}
    if previous is not None:
        num = prev_labels(previous)
        moves = sum(1 for c in units.codes if num.get(previous.get(c, ""), 0) != labels[c])
    return labels, hosts, moves
