r"""Lexicographic twinning model on OR-Tools (GLOP, SCIP, CP-SAT). The only package that imports ortools.

Modules: :mod:`.formulation` (index of allowed pairs, one builder per constraint family,
``build()``), :mod:`.backends` (the three solvers, their deterministic budgets, progress),
:mod:`.plan` (plans from solutions, completion, rule checks), :mod:`.balance` (the max–min
stage), :mod:`.lns` (its neighbourhood search), :mod:`.stages` (the stage loop, minimising
stages; :func:`solve`, :func:`evaluate`, :func:`feasible`), :mod:`.parts` (independent
parts solved apart).

Formulation
-----------
Sets: lowland units :math:`L`, remote units :math:`R`, domains :math:`D`, allowed pairs
:math:`A \subseteq L \times R` (from :func:`matcher.distance.candidates`: within the
distance/time caps and not forbidden, or locked).

Data: supply :math:`s_{ld}`, need :math:`n_{rd}` (non-negative integers), total need
:math:`N_r = \sum_d n_{rd}`, partner bounds :math:`[a_u, b_u]`, optional capacity
:math:`c_r` and pair load :math:`w_{lr}` (default 1), pair cost :math:`t_{lr}` in integer
metres (or seconds when the scenario measures minutes), locked pairs :math:`K \subseteq A`.

Variables:
  :math:`x_{lr} \in \{0,1\}` for :math:`(l,r) \in A` (pair chosen);
  :math:`y_{lrd} \in \{0..\min(s_{ld}, n_{rd})\}` staff of :math:`l` allotted to :math:`r`
  in :math:`d`, only where both are positive.

Constraints (one builder function each, in :mod:`.formulation`):
  locked        :math:`x_{lr} = 1` for :math:`(l,r) \in K`
  partners      :math:`a_u \le \sum x \le b_u` for every unit :math:`u`
  link          :math:`y_{lrd} \le \min(s_{ld}, n_{rd})\, x_{lr}`
  staff         :math:`\sum_r y_{lrd} \le s_{ld}` (no person counted twice; only for units
                that may take several partners, otherwise implied by link)
  need          :math:`\sum_l y_{lrd} \le n_{rd}`, so covered need
                :math:`C_{rd} = \sum_l y_{lrd} = \min(n_{rd}, \text{allotted})` at no loss
  capacity      :math:`\sum_l w_{lr} x_{lr} \le c_r` where :math:`c_r` is given
  fixed         :math:`x_{lr} = 1` for every pair of a given plan (``evaluate``), in place
                of locked, partners, capacity and the holder cuts

Objectives, lexicographic in the scenario's order (default balance, shortfall, distance);
each stage's optimum (loosened by its relative tolerance) is kept as a constraint in the
later stages, and its solution hints the next:
  balance    maximise :math:`\min_r C_r / N_r` over :math:`N_r > 0` (a remote unit with no
             need counts as fully covered); kept as the integer floors
             :math:`C_r \ge k_r = \lceil v^* N_r \rceil`;
  shortfall  minimise :math:`\sum_{r,d} (n_{rd} - C_{rd})`, in the tables' own units;
  distance   minimise :math:`\sum t_{lr} x_{lr}` (metres or seconds; reported in km or min).

How the stages are proven (the maximin stage defeats a plain model)
-------------------------------------------------------------------
*Holder cuts.* Given floors :math:`k_r`, remote :math:`r` may lose at most
:math:`N_r - k_r` need units. For every domain set :math:`Q` with
:math:`\sum_{d \in Q} n_{rd} > N_r - k_r`, it therefore needs at least one partner that
supplies some domain of :math:`Q`: :math:`\sum_{l \in H_Q} x_{lr} \ge 1`. These integer
roundings carry the pigeonhole argument (31 IT holders cannot serve 33 communes) that the
LP relaxation otherwise spreads away; only minimal :math:`Q` are added.

*Balance: start, bisect, improve, prove* (:mod:`.balance`, :mod:`.lns`). A probe at
level :math:`v` asks for :math:`C_r \ge \lceil v N_r \rceil` at every remote unit, with
the holder cuts of those floors. (1) When some lowland units may split their staff, the
stage is first solved with them held to one partner: that plan is valid under the looser
rule, so relaxing a rule never starts lower. Otherwise a probe asks for any plan.
(2) A few probes bisect between the best plan's exact ratio and 1 on small budgets; an
undecided level bounds only this phase. (3) Large-neighbourhood search: free the pairs of
a few remote units around one still at the lowest level, fix the rest, and let CP-SAT lift
as many freed units as possible above that level; repeat (deterministic, seeded). (4) A
probe asks for anything strictly better than the best plan
(:math:`C_r \ge \lfloor v N_r \rfloor + 1`): out of reach proves the optimum, a plan found
goes back to (3). At every new level the LP with holder cuts is asked first: on Da Nang it
is infeasible just above the optimum 0.75, where the plain LP allows 1.0. An unproven
stage reports as its bound the lowest level whose LP with holder cuts is infeasible.

*LP first, then SCIP, then CP-SAT.* Each minimising stage (and each balance probe) first
solves its LP relaxation (GLOP, with all kept constraints and holder cuts). An infeasible
LP proves the stage infeasible; an integral LP solution is completed (directly, or by
CP-SAT with :math:`x` fixed when staff is split) and is optimal when it meets
:math:`\lceil z_{LP} \rceil`. Otherwise SCIP
(bundled with OR-Tools) gets 80 % of the remaining work on the same model: its branch and
cut closes in milliseconds stages where CP-SAT's search stalls (Da Nang with a 120 km cap:
SCIP 0.05 s, CP-SAT not in 30 s). Whatever is still open goes to CP-SAT with the best
bound as a constraint and the best plan as a hint.

Reproducibility
---------------
Every budget is *work*, counted from the solvers' deterministic counters and never from
the clock (:mod:`.backends`): ``time_limit_s`` is split over the stages (balance
weighted 4, the others 1; what a stage leaves passes on), and a stage's share over its
probes and solvers, by the work already charged.
With ``workers == 1`` the
decisive limits are CP-SAT's ``max_deterministic_time`` (with ``num_workers`` and
``random_seed`` set), SCIP's ``limits/totalnodes`` and GLOP's ``max_number_of_iterations``;
so a fixed seed gives the same plan on an idle and on a busy machine, on every run of the
same build. The wall clock is a deadline, not a budget: ``time_limit_s`` after the solve
starts (candidates included), every call gets at most the time left, and a run the machine
slows too much stops there; then ``Result.params["stopped_by_wall_clock"]`` is true and the
plan may differ. With more workers CP-SAT's portfolio runs on wall time and runs may differ
(see the README, *Workers*).
"""

from ..kpis import min_ratio  # re-exported: the one definition lives in matcher.kpis
from .backends import SOLVER_NAME
from .formulation import build
from .stages import evaluate, feasible, solve

__all__ = ["SOLVER_NAME", "build", "evaluate", "feasible", "min_ratio", "solve"]
