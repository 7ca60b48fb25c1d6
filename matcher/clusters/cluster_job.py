"""The flow of ``matcher cluster`` (issue 12): check every input, build the neighbour graph, solve the
partition on the engine, label the clusters, and publish the folder (:mod:`.cluster_out`).

Order: options and tables are read and checked first (one InputError with every problem, exit 2);
the k/size arithmetic (the engine's :func:`~matcher.engine.clusters.choose_k`) before any heavy work;
then the neighbour graph, and pins that cannot share a contiguous cluster (exit 2, the hop count said).
An infeasible partition raises :class:`ClusterInfeasible` (exit 3) with the rules involved and, from
re-solves with one rule relaxed at a time (:mod:`.cluster_diag`), the rules that alone unblock it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, ValidationIssue, group_warnings
from ..result import Status
from .cluster_io import ClusterOptions, ClusterUnits, read_previous, read_units

WALL_FACTOR = 3.0  # the wall clock guards at 3x the deterministic budget
SCALE = 100  # attributes to integers for the engine (area_km2 to 0.01 km2)


@dataclass
class ClusterRun:
    """A solved grouping: labels 1..k per code, the host per label, the engine's result."""

    options: ClusterOptions
    units: ClusterUnits
    adjacency: object
    k: int
    size: tuple[int, int]
    result: object
    labels: dict[str, int] = field(default_factory=dict)
    hosts: dict[int, str] = field(default_factory=dict)
    previous: dict[str, str] | None = None
    moves: int | None = None
    years: range | None = None
    polygons: object = None
    assumptions: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    terms: list = field(default_factory=list)
    previous_in_engine: bool = False  # the engine took the previous grouping (its moves stage / max_moves)


class ClusterInfeasible(Exception):
    """No partition satisfies the rules: ``rules`` involved, ``unblocking`` those that alone unblock it."""

    def __init__(self, rules: list[str], unblocking: list[str], unknown: list[str]):
        super().__init__("infeasible")
        self.rules, self.unblocking, self.unknown = rules, unblocking, unknown


def hops_from(start: str, neigh: dict[str, list[str]]) -> dict[str, int]:
    """Breadth-first hop counts from ``start`` on the neighbour graph."""
    seen, queue = {start: 0}, deque([start])
    while queue:
        u = queue.popleft()
        for v in neigh.get(u, ()):
            if v not in seen:
                seen[v] = seen[u] + 1
                queue.append(v)
    return seen


def _option_issues(o: ClusterOptions) -> list[ValidationIssue]:
    issues = []
    if o.k is None and o.size is None:
        issues.append(ValidationIssue("--k", None, None, None, "give --k N or --size LO..HI"))
    if o.max_moves is not None and o.from_plan is None:
        issues.append(ValidationIssue("--max-moves", None, None, o.max_moves, "needs --from-plan (the grouping to "
                                                                              "keep)"))
    if o.max_moves is not None and o.max_moves < 0:
        issues.append(ValidationIssue("--max-moves", None, None, o.max_moves, "must be 0 or more"))
    if not (isinstance(o.time_limit, int | float) and math.isfinite(o.time_limit) and o.time_limit > 0):
        issues.append(ValidationIssue("--time-limit", None, None, o.time_limit, "must be a number of seconds > 0"))
    from ..i18n import LANGS

    if o.lang not in LANGS:
        issues.append(ValidationIssue("--lang", None, None, o.lang, f"use one of {', '.join(LANGS)}"))
    if o.deputies < 0:
        issues.append(ValidationIssue("--deputies", None, None, o.deputies, "must be 0 or more"))
    return issues


def check_inputs(o: ClusterOptions) -> tuple[ClusterUnits, int, tuple[int, int], dict | None, range | None]:
    """Read and check everything that needs no solve; one InputError with every problem."""
    from ..engine.clusters import choose_k
    from .rotation_io import parse_years

    issues = _option_issues(o)
    units = previous = years = None
    try:
        units = read_units(o.units, o.balance)
    except InputError as e:
        issues += e.issues
    if o.years is not None:
        try:
            years = parse_years(str(o.years))
        except InputError as e:
            issues += e.issues
    if units is not None and o.from_plan is not None:
        try:
            previous = read_previous(o.from_plan, units)
        except InputError as e:
            issues += e.issues
    if units is None:
        raise InputError(issues)
    n = len(units.codes)
    size = o.size if o.size is not None else (1, n)
    if years is not None:  # a head and the deputies (and no one heading two years running) need members
        need = max(o.deputies + 1, 2)
        if o.size is not None and size[0] < need:
            issues.append(ValidationIssue("--size", None, None, f"{size[0]}..{size[1]}",
                                          f"a rotation with a head and {o.deputies} deputy(ies), nobody heading two "
                                          f"years running, needs clusters of at least {need} members: use --size "
                                          f"{need}..{max(size[1], need)}"))
        elif o.size is None and o.k is not None and o.k * need > n:
            issues.append(ValidationIssue("--deputies", None, None, o.deputies,
                                          f"{n} units in {o.k} clusters leave some cluster at most {n // o.k} "
                                          f"member(s): a head and {o.deputies} deputy(ies), nobody heading two "
                                          f"years running, need {need}"))
        elif o.size is None:
            size = (min(need, n), n)
    k = None
    if o.k is not None or o.size is not None:
        counts = []
        if o.separate_types:
            counts = [units.types.count(t) for t in sorted(set(units.types))]
            if "" in units.types:
                issues.append(ValidationIssue(units.path.name, None, "unit_type", None, "--separate-types needs a "
                                              "unit_type in every row"))
        try:
            k = choose_k(n, size[0], size[1], o.k, counts)
        except InputError as e:
            option = {"k": "--k", "size": "--size", "separate_types": "--separate-types"}
            issues += [ValidationIssue(option.get(i.column, "--k"), None, None, i.value, i.message)
                       for i in e.issues]
    known = units.index()
    for code, label in o.pins.items():
        if code not in known:
            issues.append(ValidationIssue("--pin", None, None, f"{code}={label}",
                                          f"unknown code {code}: not a unit of {units.path.name}"))
        elif k is not None and not 1 <= label <= k:
            issues.append(ValidationIssue("--pin", None, None, f"{code}={label}", f"cluster must be 1..{k}"))
    if issues:
        raise InputError(issues)
    return units, k, size, previous, years


def check_pins_contiguous(o: ClusterOptions, units: ClusterUnits, neigh: dict, hi: int) -> None:
    """Two units pinned to one cluster farther apart than ``hi - 1`` neighbour hops cannot share a
    contiguous cluster: exit 2 naming both and the hop count."""
    if not o.contiguous:
        return
    names = dict(zip(units.codes, units.names, strict=True))
    by_label: dict[int, list[str]] = {}
    for code, label in o.pins.items():
        by_label.setdefault(label, []).append(code)
    issues = []
    for label, codes in sorted(by_label.items()):
        for i, a in enumerate(codes):
            reach = hops_from(a, neigh)
            for b in codes[i + 1:]:
                h = reach.get(b)
                if h is None or h > hi - 1:
                    far = "are not connected on the neighbour graph" if h is None else f"are {h} neighbour hops apart"
                    issues.append(ValidationIssue(
                        "--pin", None, None, f"{a}={label},{b}={label}",
                        f"{a} {names[a]} and {b} {names[b]} {far}; a contiguous cluster of at most {hi} units spans "
                        f"at most {hi - 1} hops"))
    if issues:
        raise InputError(issues)


def _engine_kwargs(o, units, k, size, neigh, dist, previous_idx, budget, partition) -> dict:
    attrs = {a: [round(v * SCALE) for v in vals] for a, vals in units.attrs.items()}
    kw = dict(k=k, size=size, attributes=attrs, types=dict(zip(units.codes, units.types, strict=True)),
              separate_types=o.separate_types, pins={c: v - 1 for c, v in o.pins.items()} or None, distance_m=dist,
              contiguous=o.contiguous, max_deterministic_time=budget, wall_limit_s=WALL_FACTOR * budget + 5, seed=0)
    if previous_idx is not None:
        kw["previous"] = previous_idx
        kw["max_moves"] = o.max_moves
    return kw


def _previous_index(previous: dict[str, str] | None, k: int) -> dict[str, int] | None:
    """A previous grouping's labels as engine indices (numbered as :mod:`.cluster_label` numbers them);
    an index >= k (a previous cluster beyond the new count) counts every member as moved."""
    from .cluster_label import prev_labels

    if previous is None:
        return None
    num = prev_labels(previous)
    return {c: num[v] - 1 for c, v in previous.items()}


def read_polygons(path: Path, code_column: str | None, codes: list[str]):
    """The boundaries (:func:`matcher.io.geo.read_boundaries`). For units with 2-digit (province)
    codes, a file's ``provinces`` layer is read when it has one, and codes are compared as 2 digits."""
    from ..io.geo import read_boundaries

    short = all(len(c) <= 2 for c in codes)
    layers = []
    if short:
        try:
            import pyogrio

            layers = [str(n) for n, _ in pyogrio.list_layers(path)]
        except Exception:  # read_boundaries says what is wrong with the file
            layers = []
    if short and "provinces" in layers and len(layers) > 1:
        import geopandas as gpd

        gdf = gpd.read_file(path, layer="provinces")
        column = {c.lower(): c for c in gdf.columns}.get((code_column or "code").lower())
        if column is None:
            raise InputError([ValidationIssue(Path(path).name, 1, code_column or "code", None,
                                              "required column is missing in layer 'provinces'")])
        gdf = gdf.rename(columns={column: "code"})[["code", "geometry"]].to_crs(4326)
    else:
        gdf = read_boundaries(path, code_column)
    if short:
        gdf["code"] = [str(c)[-2:] if str(c).isdigit() and int(c) < 100 else str(c) for c in gdf["code"]]
    return gdf


def solve(o: ClusterOptions, progress: Callable[[str], None] = lambda s: None) -> ClusterRun:
    """Check, build the neighbour graph, solve and label; raises InputError or ClusterInfeasible."""
    from ..engine.clusters import partition
    from .adjacency import geodesic_matrix_m, neighbours
    from .cluster_label import label_clusters

    units, k, size, previous, years = check_inputs(o)
    for w in group_warnings(units.warnings):  # what reading repaired: said on screen and in summary.json
        progress(f"warning: {w}")
    polygons = None
    if o.boundaries is not None:
        polygons = read_polygons(o.boundaries, o.boundaries_code, units.codes)
        missing = sorted(set(units.codes) - set(polygons["code"]))
        if missing:
            raise InputError([ValidationIssue(Path(o.boundaries).name, None, "code", None,
                                              f"no polygon for {len(missing)} unit(s): {', '.join(missing[:5])}")])
    progress(f"neighbours: {len(units.codes)} units, " + ("shared borders" if polygons is not None else "Delaunay"))
    adj = neighbours(units.codes, units.lats, units.lons, polygons, "code")
    n_edges = sum(len(v) for v in adj.neighbours.values()) // 2
    progress(f"neighbours: {n_edges} links ({len(adj.island_links)} by the island rule)")
    check_pins_contiguous(o, units, adj.neighbours, size[1])
    dist = geodesic_matrix_m(units.lats, units.lons)
    previous_idx = _previous_index(previous, k)
    kw = _engine_kwargs(o, units, k, size, adj.neighbours, dist, previous_idx, float(o.time_limit), partition)
    progress(f"partition: {k} clusters of {size[0]}..{size[1]}, budget {o.time_limit:g} deterministic s")
    result = partition(units.codes, adj.neighbours, **kw)
    for st in result.stages:
        progress(f"stage {st.name}: {st.status.value}, value {st.value}, bound {st.bound} {st.unit}".rstrip())
    if result.status is Status.INFEASIBLE:
        from .cluster_diag import diagnose

        raise diagnose(o, units, k, size, adj.neighbours, previous_idx, partition)
    run = ClusterRun(o, units, adj, k, size, result, previous=previous, years=years, polygons=polygons,
                     previous_in_engine="previous" in kw)
    if not result.clusters:
        return run
    run.labels, run.hosts, run.moves = label_clusters(units, result, o.pins, previous)
    return run


def run_cluster(o: ClusterOptions, out: Path, progress: Callable[[str], None] = lambda s: None) -> ClusterRun:
    """Solve and publish the folder ``out`` (nothing is written on bad input or when no grouping is found)."""
    from ..io.history import finish_record, now_utc, run_record
    from ..io.outpaths import check_out_dir, refuse_inputs
    from .cluster_out import CLUSTER_FILES, ROTATION_FILE, input_paths, publish

    check_out_dir(out)
    names = [*CLUSTER_FILES, ROTATION_FILE, "clusters.csvt", "cluster_summary.csvt", "neighbours.csvt",
             "rotation.csvt"]
    refuse_inputs(out, input_paths(o), names)
    started = now_utc()
    run = solve(o, progress)
    if not run.labels:
        return run
    if run.previous is not None and o.max_moves is not None and not run.previous_in_engine:
        met = "met" if run.moves is not None and run.moves <= o.max_moves else "NOT met"
        progress(f"warning: --max-moves {o.max_moves} is not enforced by this engine version: {run.moves} units "
                 f"moved ({met}); labels matched to the previous grouping afterwards")
    extra = [(role, Path(p)) for role, p in (("units", o.units), ("from-plan", o.from_plan),
                                             ("boundaries", o.boundaries)) if p is not None]
    if o.scenario is not None:
        extra.insert(0, ("scenario", Path(o.scenario)))
    record = finish_record(run_record(None, started=started, extra=extra),
                           {"solver": "CP-SAT (matcher.engine.clusters)"})
    progress("writing the folder")
    run.files = publish(run, Path(out), o.lang, record)
    return run
