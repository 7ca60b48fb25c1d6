"""The seeded random family of issue 8: Da Nang-size instances with other staff figures.

Each instance keeps the embedded default's 94 real units (codes, names, coordinates, roles,
150 km x 1.5 cap, partner bounds) and replaces the staff figures:

* needs 0-4 per domain for each remote unit, uniform;
* supplies 0-3 per domain for each lowland unit, a third of them zero (P(0) = 1/3, else 1-3
  uniform);
* ``locked``: the 15 reported twinnings are kept as locked pairs (else no pairs table);
* ``split``: 4-6 lowland units (drawn) get ``max_partners = 2`` and so split their staff.

Seeds are fixed here: ``SEEDS`` (ten instances; the kind follows from the seed). The figures are
SYNTHETIC, for benchmarking only. ``python benchmarks/random_family.py OUT_DIR`` writes one
scenario folder per seed (``OUT_DIR/rand-<seed>-<kind>/scenario.toml``).
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO / "data" / "danang_2025"
DOMAINS = ("it", "digital", "planning", "construction", "finance", "land")
SEEDS = tuple(range(10))


def kind(seed: int) -> tuple[bool, bool]:
    """(locked, split) for a seed: locked on odd seeds, splitting on seeds 2, 3, 6, 7."""
    return seed % 2 == 1, (seed // 2) % 2 == 1


def name(seed: int) -> str:
    locked, split = kind(seed)
    return f"rand-{seed}-" + ("locked" if locked else "free") + ("-split" if split else "")


def write(seed: int, out: Path) -> Path:
    """Write instance ``seed`` under ``out``; returns its scenario.toml."""
    locked, split = kind(seed)
    rng = np.random.default_rng(1000 + seed)
    folder = out / name(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with open(DEFAULT / "units.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    lowland = [i for i, r in enumerate(rows) if r["role"] == "lowland"]
    splitters = set()
    if split:
        k = int(rng.integers(4, 7))
        splitters = {lowland[j] for j in rng.choice(len(lowland), size=k, replace=False)}
    fields = ["code", "name", "unit_type", "lat", "lon", "role", "max_partners"]
    fields += [f"supply_{d}" for d in DOMAINS] + [f"need_{d}" for d in DOMAINS]
    out_rows = []
    for i, r in enumerate(rows):
        rec = {k: r[k] for k in ("code", "name", "unit_type", "lat", "lon", "role")}
        rec["max_partners"] = "2" if i in splitters else ""
        for d in DOMAINS:
            rec[f"supply_{d}"] = rec[f"need_{d}"] = ""
        if r["role"] == "lowland":
            for d in DOMAINS:
                rec[f"supply_{d}"] = str(0 if rng.random() < 1 / 3 else int(rng.integers(1, 4)))
        elif r["role"] == "remote":
            for d in DOMAINS:
                rec[f"need_{d}"] = str(int(rng.integers(0, 5)))
        out_rows.append(rec)
    with open(folder / "units.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(out_rows)
    if locked:
        shutil.copyfile(DEFAULT / "pairs.csv", folder / "pairs.csv")
    lines = [f'name = "{name(seed)} (synthetic staff figures, seed {seed})"', 'units = "units.csv"']
    if locked:
        lines.append('pairs = "pairs.csv"')
    lines += [
        "max_distance_km = 150", "detour_factor = 1.5", 'distance_metric = "km"',
        'objectives = ["balance", "shortfall", "distance"]',
        f'assumptions = ["SYNTHETIC staff figures drawn by benchmarks/random_family.py, seed {seed}."]',
        "[partners]", "lowland_min = 1", "lowland_max = 1", "remote_min = 1", "remote_max = 3",
    ]
    (folder / "scenario.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "scenario.toml"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "benchmarks/instances")
    for s in SEEDS:
        print(write(s, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
