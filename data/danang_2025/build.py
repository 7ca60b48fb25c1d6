"""Rebuild ``units.csv`` and ``pairs.csv`` of the Da Nang 2025 default from ../shared.

    python data/danang_2025/build.py [SHARED_DATA_DIR]

Facts (codes, names, types, coordinates, area, population, 2017 count, role and its
basis) are carried as published, with their sources in ``data/README.md``. Staff supply
and need per domain are NOT public: they are derived here by the deterministic rule
below and are illustrative only. Replace the ``supply_*``/``need_*`` columns with Department
of Home Affairs figures to plan for real.

Rule (P = population in thousands, A = natural area in km2, K = former communes on the
2017 extremely-difficult list, ward = 1 for a phường; floor division throughout):

  remote need      it = 1 + K//2          digital = 1 + P//8      planning = 1 + A//200
                   construction = 1 + A//200 + K//2   finance = 1 + P//12   land = 1 + A//150
  lowland supply   it = P//40 + ward      digital = P//30         planning = 1 + P//50
                   construction = 1 + P//50           finance = P//40 + ward land = 1 + P//40

Avương has no published population ("being updated"): the median population of the
remote units stands in for it, and its ``notes`` column says so.
"""

from __future__ import annotations

import csv
import statistics
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOMAINS = ("it", "digital", "planning", "construction", "finance", "land")
FACT_COLUMNS = [
    "code", "name", "name_ascii", "unit_type", "former_district", "lat", "lon",
    "area_km2", "population", "n_dbkk_2017", "role", "role_basis",
]


def need(p: float, a: float, k: int) -> dict[str, int]:
    return {
        "it": 1 + k // 2,
        "digital": 1 + int(p // 8),
        "planning": 1 + int(a // 200),
        "construction": 1 + int(a // 200) + k // 2,
        "finance": 1 + int(p // 12),
        "land": 1 + int(a // 150),
    }


def supply(p: float, ward: int) -> dict[str, int]:
    return {
        "it": int(p // 40) + ward,
        "digital": int(p // 30),
        "planning": 1 + int(p // 50),
        "construction": 1 + int(p // 50),
        "finance": int(p // 40) + ward,
        "land": 1 + int(p // 40),
    }


def build(shared: Path, out: Path) -> None:
    with open(shared / "units.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    remote_pops = [float(r["population"]) for r in rows if r["role"] == "remote" and r["population"]]
    median_pop = statistics.median(remote_pops)
    fields = FACT_COLUMNS + [f"supply_{d}" for d in DOMAINS] + [f"need_{d}" for d in DOMAINS]
    fields += ["staff_figures", "notes"]
    out_rows = []
    for r in rows:
        row = {c: unicodedata.normalize("NFC", r[c]) for c in FACT_COLUMNS}
        notes = []
        for d in DOMAINS:
            row[f"supply_{d}"] = row[f"need_{d}"] = ""
        if r["role"] == "remote":
            pop = float(r["population"]) if r["population"] else median_pop
            if not r["population"]:
                notes.append(
                    f"population not published; median of remote units ({median_pop:.0f}) used for the staff rule"
                )
            for d, v in need(pop / 1000, float(r["area_km2"]), int(r["n_dbkk_2017"])).items():
                row[f"need_{d}"] = v
        elif r["role"] == "lowland":
            ward = int(r["unit_type"] == "ward")
            for d, v in supply(float(r["population"]) / 1000, ward).items():
                row[f"supply_{d}"] = v
        row["staff_figures"] = "illustrative (derived by data/danang_2025/build.py)" if r["role"] != "excluded" else ""
        row["notes"] = "; ".join(notes)
        out_rows.append(row)
    with open(out / "units.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(out_rows)
    with open(shared / "known_pairs.csv", encoding="utf-8") as f:
        pairs = list(csv.DictReader(f))
    with open(out / "pairs.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["lowland_code", "lowland_name", "remote_code", "remote_name",
                                          "status", "note", "source"], lineterminator="\n")
        w.writeheader()
        for p in pairs:
            w.writerow({
                "lowland_code": p["lowland_code"], "lowland_name": p["lowland_name"],
                "remote_code": p["remote_code"], "remote_name": p["remote_name"],
                "status": "locked", "note": p["evidence"], "source": p["source"],
            })


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "data" / "danang_2025"
    dst = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE
    build(src, dst)
    print(f"wrote {dst / 'units.csv'} and {dst / 'pairs.csv'}")
