"""Why a partition is infeasible (issue 12), in the diagnosis style of :mod:`matcher.analysis.diagnose`:
the rules in force are named, and the partition is re-solved with one rule relaxed at a time
(feasibility only, a small deterministic budget each) to say which rule alone unblocks it.

Rules: ``band`` (sizes LO..HI, relaxed to 1..n with the same k), ``contiguity``, ``pins``,
``separate types``, ``max moves``. A re-solve that ends without an answer within its budget is
reported as not settled, never as a finding.
"""

from __future__ import annotations

from ..result import Status

RELAX_BUDGET = 2.0  # deterministic seconds per re-solve


def rules_in_force(o, size, n: int, previous_idx) -> list[str]:
    """The rules of this run that could make a partition impossible."""
    rules = []
    if size != (1, n):
        rules.append("band")
    if o.contiguous:
        rules.append("contiguity")
    if o.pins:
        rules.append("pins")
    if o.separate_types:
        rules.append("separate types")
    if previous_idx is not None and o.max_moves is not None:
        rules.append("max moves")
    return rules


def diagnose(o, units, k: int, size, neigh, previous_idx, partition):
    """A :class:`~matcher.clusters.cluster_job.ClusterInfeasible` with the rules involved and the
    ones that alone unblock the partition."""
    import inspect

    from .cluster_job import ClusterInfeasible

    n = len(units.codes)
    rules = rules_in_force(o, size, n, previous_idx)
    params = inspect.signature(partition).parameters
    unblocking, unknown = [], []
    for rule in rules:
        kw = dict(k=k, size=size, types=dict(zip(units.codes, units.types, strict=True)),
                  separate_types=o.separate_types, pins={c: v - 1 for c, v in o.pins.items()} or None,
                  contiguous=o.contiguous, max_deterministic_time=RELAX_BUDGET, wall_limit_s=3 * RELAX_BUDGET + 5,
                  seed=0)
        if previous_idx is not None and "previous" in params and o.max_moves is not None:
            kw["previous"], kw["max_moves"] = previous_idx, o.max_moves
        if rule == "band":
            kw["size"] = (1, n)
        elif rule == "contiguity":
            kw["contiguous"] = False
        elif rule == "pins":
            kw["pins"] = None
        elif rule == "separate types":
            kw["separate_types"] = False
        elif rule == "max moves":
            kw.pop("previous", None)
            kw.pop("max_moves", None)
        try:
            got = partition(units.codes, neigh, **kw)
        except Exception:  # a relaxed model the engine refuses settles nothing
            unknown.append(rule)
            continue
        if got.status.has_solution:
            unblocking.append(rule)
        elif got.status is not Status.INFEASIBLE:
            unknown.append(rule)
    return ClusterInfeasible(rules, unblocking, unknown)
