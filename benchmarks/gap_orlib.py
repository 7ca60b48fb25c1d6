"""OR-Library gap1–gap12 through matcher's engine: every problem, both senses, against best_known.csv.

Runs each problem ``--runs`` times (in this process, after one warm-up import) and writes the
median seconds per problem, the status and the objective against the published optimum to
``benchmarks/GAP.md``. No peers yet (issue 8 asks for HiGHS beside it).

    python benchmarks/gap_orlib.py --runs 5
"""

from __future__ import annotations

import argparse
import csv
import platform
import statistics
import time
from pathlib import Path

from matcher.analysis.gap import solve_gap
from matcher.model import SolveParams

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "gap"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--out", default=str(HERE / "GAP.md"))
    args = ap.parse_args()
    with open(SHARED / "best_known.csv", encoding="utf-8") as fh:
        best = {(r["instance"], r["sense"]): float(r["best_known"]) for r in csv.DictReader(fh)}
    rows: dict[tuple[str, str], list] = {}
    for _ in range(args.runs):
        for sense in ("min", "max"):
            for k in range(1, 13):
                path = SHARED / "instances" / "orlib" / f"gap{k}.txt"
                for r in solve_gap(path, sense=sense, params=SolveParams(time_limit_s=args.time_limit)):
                    rows.setdefault((r.instance, sense), []).append(r)
    lines = [
        "# OR-Library GAP (gap1–gap12) through matcher's engine", "",
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}; "
        f"{args.runs} runs per problem, median seconds (problem build + solve, in-process); "
        f"time limit {args.time_limit:g} s; {time.strftime('%Y-%m-%d')}. Reproduce: `python benchmarks/gap_orlib.py`.",
        "Best known values: `../shared/gap/best_known.csv` (all proven optima). No peer yet.", "",
    ]
    table = ["| problem | sense | m × n | status (all runs) | objective | best known | median s |",
             "|---|---|---|---|---:|---:|---:|"]
    over, wrong = [], []
    for (name, sense), rs in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        med = statistics.median(r.seconds for r in rs)
        statuses = sorted({r.status for r in rs})
        obj = rs[-1].objective
        if statuses != ["optimal"] or obj != best[(name, sense)]:
            wrong.append(name)
        if med > 1.0:
            over.append(f"{name} ({sense}, {med:.2f} s)")
        table.append(f"| {name} | {sense} | {rs[0].m} × {rs[0].n} | {'/'.join(statuses)} | {obj:g} | "
                     f"{best[(name, sense)]:g} | {med:.3f} |")
    n = len(rows)
    lines += [f"**{n} problem-senses; proven optimal at the published value: {n - len(wrong)}; "
              f"median over 1 s: {len(over)}** ({', '.join(over) or 'none'}). "
              "Target (issue 8): each of the 60 problems proven optimal in <= 1 s.", ""]
    Path(args.out).write_text("\n".join(lines + table) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {n} problems, {len(wrong)} wrong or unproven, {len(over)} over 1 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
