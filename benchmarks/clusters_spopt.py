"""Peer: spopt's regionalisation heuristics on a cluster instance (issue 12 benchmark).

``SPOPT_PYTHON INSTANCE.json [--methods skater,kmeans,azp] [--seed 0]``

spopt is not a dependency of matcher: it runs from a throwaway environment, e.g.
``python3 -m venv --system-site-packages /tmp/spopt_venv && /tmp/spopt_venv/bin/pip install spopt``
(``clusters_bench.py --spopt-python /tmp/spopt_venv/bin/python``). The neighbour graph is the
instance's (a binary ``libpysal.weights.W`` from its neighbour dict, units in instance order), the
attribute the population, ``n_clusters`` = k:

- ``skater``: :class:`spopt.region.Skater` (spanning-tree pruning), ``floor`` = the band's lower
  end (a minimum region size; spopt has no upper size);
- ``kmeans``: :class:`spopt.region.RegionKMeansHeuristic` (contiguous k-means on the population);
- ``azp``: :class:`spopt.region.AZP` (automatic zoning, seeded).

These methods make regions homogeneous in the attribute; none balances totals or takes a size
band, so the caller reports the sizes and the deviation they give. Prints one JSON line per
method: ``solver``, ``instance``, ``status`` ("done" or "error: ..."), ``seconds`` (the solve
call), ``clusters`` (code -> region, relabelled 0.. by first unit). Imports neither ortools nor
``matcher``.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd


def _labels(codes, labels) -> dict:
    remap, out = {}, {}
    for code, lab in zip(codes, labels, strict=True):
        out[code] = remap.setdefault(int(lab), len(remap))
    return out


def run(inst: dict, method: str, seed: int = 0) -> dict:
    """One spopt method on ``inst``; the outcome as a dict (see the module docstring)."""
    import libpysal
    from spopt import region

    codes, k = inst["codes"], inst["k"]
    idx = {c: i for i, c in enumerate(codes)}
    neigh = {i: sorted({idx[v] for v in inst["neighbours"][c] if v in idx and v != c}) for i, c in enumerate(codes)}
    w = libpysal.weights.W(neigh, silence_warnings=True)
    df = pd.DataFrame({"population": np.asarray(inst["population"], dtype=float)})
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "skater":
                model = region.Skater(df, w, ["population"], n_clusters=k, floor=inst["lo"])
            elif method == "kmeans":
                model = region.RegionKMeansHeuristic(df[["population"]].to_numpy(), k, w, seed=seed)
            elif method == "azp":
                model = region.AZP(df, w, ["population"], n_clusters=k, random_state=seed)
            else:
                raise ValueError(f"unknown method {method}")
            model.solve()
        clusters, status = _labels(codes, model.labels_), "done"
    except Exception as e:
        clusters, status = None, f"error: {type(e).__name__}: {e}"
    return {"solver": f"spopt-{method}", "instance": inst["name"], "status": status,
            "seconds": round(time.perf_counter() - t0, 4), "clusters": clusters, "spopt": _version()}


def _version() -> str | None:
    try:
        from importlib.metadata import version

        return version("spopt")
    except Exception:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instance", type=Path)
    ap.add_argument("--methods", default="skater,kmeans,azp")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    inst = json.loads(args.instance.read_text())
    for method in args.methods.split(","):
        print(json.dumps(run(inst, method.strip(), args.seed), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
