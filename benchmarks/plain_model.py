"""Solver-free index data for the plain peer models (``peer_highs.py``, ``peer_cpsat_plain.py``).

Imports only ``matcher.io.inputs`` and ``matcher.distance`` (never ``matcher.engine.stages``, never a
solver), so each peer script stays a single-solver process.

The plain model, written down once here so both peers build exactly the same thing:

* ``x[k]`` binary for every allowed candidate ``k`` (:func:`matcher.distance.candidates`),
  fixed to 1 when the pair is locked;
* ``y[j]`` for every (candidate, domain) with ``ub = min(supply, need) > 0``, in ``[0, ub]``,
  linked by ``y <= ub * x``;
* staff: ``sum_r y[l,r,d] <= supply[l,d]`` only for lowland units whose max partners > 1;
* need: ``sum_l y[l,r,d] <= need[r,d]`` (rows with a single term are left to the bound);
* partner bounds ``problem.partner_bounds(u)`` for every lowland and remote unit;
* capacity ``sum load * x <= capacity`` where a remote unit gives one (none in the default).

Stages (fixed order balance, shortfall, distance; zero tolerance):
  1. max ``t`` s.t. ``sum_{l,d} y[l,r,d] >= N_r * t`` for remote ``r`` with ``N_r > 0``;
  2. with ``t >= t*``, min shortfall ``sum_r N_r - sum y``;
  3. with shortfall ``<= s*``, min ``sum km * x``.

Instances: ``--scenario PATH`` (default: the embedded Da Nang default) and
``--lowland-max-partners N`` (the CLI override of the same name), shared by every peer.

Budget (equal wall time with matcher): every peer gets the same total ``--time-limit`` as
matcher and splits it itself (:func:`stage_budget`): the balance stage gets 60 % of what is
left after building the model, the shortfall stage half of what is then left, the distance
stage the rest; what a proven stage does not use passes on.

Every peer prints its final plan (``plan``: lowland code, remote code, staff per domain) so
that ``check_plan.py`` recomputes its figures with ``matcher.kpis`` instead of trusting them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from matcher.distance import Candidate, candidates  # noqa: E402
from matcher.io.scenario import load_problem, load_scenario, with_overrides  # noqa: E402
from matcher.model import Problem  # noqa: E402

STAGES = ("balance", "shortfall", "distance")
SHARE = {"balance": 0.6, "shortfall": 0.5, "distance": 1.0}  # of the time still left


def add_instance_args(ap) -> None:
    """The options every peer shares: the instance and the whole-command budget."""
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds for all stages together")
    ap.add_argument("--scenario", default=None, help="scenario .toml (default: the embedded Da Nang default)")
    ap.add_argument("--lowland-max-partners", type=int, default=None, help="override, as matcher's option")


def load_instance(scenario: str | None = None, lowland_max_partners: int | None = None) -> Problem:
    """The problem matcher solves for the same scenario and override."""
    sc = load_scenario(Path(scenario) if scenario else None)
    if lowland_max_partners is not None:
        sc = with_overrides(sc, rules={"lowland_max_partners": lowland_max_partners})
    problem, _ = load_problem(sc)
    return problem


def stage_budget(name: str, time_limit: float, t_start: float, now: float) -> float:
    """Seconds for stage ``name``: its share of what is left of ``time_limit`` since ``t_start``."""
    return max(0.05, (time_limit - (now - t_start)) * SHARE[name])


@dataclass
class Plain:
    problem: Problem
    cands: list[Candidate]
    ykeys: list[tuple[int, str, int]]  # (candidate index, domain, ub)
    staff_rows: list[tuple[list[int], int]] = field(default_factory=list)  # y idx, supply
    need_rows: list[tuple[list[int], int]] = field(default_factory=list)  # y idx, need
    partner_rows: list[tuple[list[int], int, int]] = field(default_factory=list)  # x idx, lo, hi
    capacity_rows: list[tuple[list[int], list[int], int]] = field(default_factory=list)  # x idx, loads, cap
    covered: dict[int, list[int]] = field(default_factory=dict)  # remote index -> y idx
    total_need: dict[int, int] = field(default_factory=dict)  # remote index -> N_r

    @property
    def needy(self) -> list[int]:
        return [r for r, n in self.total_need.items() if n > 0]

    @property
    def y_integral_equivalent(self) -> bool:
        """Every lowland unit takes at most one partner: then, for any choice of pairs, the
        best staff split is integral, so continuous ``y`` has the same stage optima."""
        return all(self.problem.partner_bounds(u)[1] <= 1 for u in self.problem.lowland)

    @property
    def n_total_need(self) -> int:
        return sum(self.total_need.values())


def build_plain(problem: Problem | None = None) -> Plain:
    if problem is None:
        problem = load_instance()
    lows, rems = problem.lowland, problem.remote
    cands = candidates(problem)
    ykeys = []
    for k, c in enumerate(cands):
        for d in problem.domains:
            ub = min(lows[c.li].supply.get(d, 0), rems[c.ri].need.get(d, 0))
            if ub > 0:
                ykeys.append((k, d, ub))
    p = Plain(problem, cands, ykeys)
    by_ld: dict[tuple[int, str], list[int]] = {}
    by_rd: dict[tuple[int, str], list[int]] = {}
    p.covered = {ri: [] for ri in range(len(rems))}
    for j, (k, d, _) in enumerate(ykeys):
        c = cands[k]
        by_ld.setdefault((c.li, d), []).append(j)
        by_rd.setdefault((c.ri, d), []).append(j)
        p.covered[c.ri].append(j)
    for (li, d), idx in by_ld.items():
        if problem.partner_bounds(lows[li])[1] > 1 and len(idx) > 1:
            p.staff_rows.append((idx, lows[li].supply[d]))
    for (ri, d), idx in by_rd.items():
        if len(idx) > 1:
            p.need_rows.append((idx, rems[ri].need[d]))
    by_l = {i: [] for i in range(len(lows))}
    by_r = {i: [] for i in range(len(rems))}
    for k, c in enumerate(cands):
        by_l[c.li].append(k)
        by_r[c.ri].append(k)
    for units, groups in ((lows, by_l), (rems, by_r)):
        for i, u in enumerate(units):
            lo, hi = problem.partner_bounds(u)
            p.partner_rows.append((groups[i], lo, hi))
    for ri, re in enumerate(rems):
        if re.capacity is not None:
            p.capacity_rows.append((by_r[ri], [cands[k].load for k in by_r[ri]], re.capacity))
    p.total_need = {ri: re.total_need for ri, re in enumerate(rems)}
    return p


def plan_rows(p: Plain, xval, yval) -> list[list]:
    """The chosen pairs as ``[lowland code, remote code, {domain: staff}]``. A unit with one
    partner allots it all it can (``min(supply, need)``: what the model's best split gives); a
    splitting unit its ``y`` (integer in every peer)."""
    lows, rems = p.problem.lowland, p.problem.remote
    split = p.problem.splitting
    allot: dict[int, dict[str, int]] = {}
    for j, (k, d, ub) in enumerate(p.ykeys):
        v = round(float(yval[j])) if split[p.cands[k].li] else ub
        if v > 0 and xval[k] > 0.5:
            allot.setdefault(k, {})[d] = v
    return [[lows[c.li].code, rems[c.ri].code, allot.get(k, {})] for k, c in enumerate(p.cands) if xval[k] > 0.5]


def plan_values(p: Plain, xval, yval) -> dict[str, float]:
    """Final-plan figures, the same as matcher's summary.json (min_coverage,
    total_shortfall, total_distance_km), from solution values (x rounded, y as given)."""
    rems = p.problem.remote
    got: dict[tuple[int, str], float] = {}
    for j, (k, d, _) in enumerate(p.ykeys):
        if yval[j] > 1e-9:
            key = (p.cands[k].ri, d)
            got[key] = got.get(key, 0.0) + float(yval[j])
    ratios, short = [], 0.0
    for ri, re in enumerate(rems):
        cov = sum(min(re.need.get(d, 0), got.get((ri, d), 0.0)) for d in p.problem.domains)
        short += re.total_need - cov
        ratios.append(cov / re.total_need if re.total_need else 1.0)
    dist = sum(c.km for k, c in enumerate(p.cands) if xval[k] > 0.5)
    return {
        "min_coverage": min(ratios, default=1.0),
        "total_shortfall": short,
        "total_distance_km": dist,
        "n_pairs": int(sum(1 for v in xval if v > 0.5)),
    }


def emit(solver: str, stages: list[dict], final: dict | None, build_seconds: float,
         solve_seconds: float, extra: dict | None = None, plan: list | None = None) -> None:
    """Print the one JSON line every case returns."""
    statuses = [s["status"] for s in stages]
    if len(stages) == len(STAGES) and all(s == "optimal" for s in statuses):
        overall = "optimal"
    elif final is not None:
        overall = "feasible"
    else:
        overall = statuses[-1] if statuses else "unknown"
    out = {
        "status": overall,
        "stages": stages,
        "final": final,
        "solver": solver,
        "build_seconds": round(build_seconds, 3),
        "solve_seconds": round(solve_seconds, 3),
        "plan": plan,
    }
    out.update(extra or {})
    print(json.dumps(out), flush=True)
