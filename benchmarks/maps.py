"""Map benchmarks (issue: maps and the committee review pack).

    python benchmarks/maps.py [--runs 5]

Times, each run a fresh `python -m matcher map ...` subprocess (interpreter start and
imports included), median of the runs:
  1. the Da Nang default static map with boundaries (PNG; target <= 3 s),
  2. the same as an A3 PDF,
  3. the offline HTML map with boundaries (size; target <= 3 MB),
  4. a national map of all 3,321 units (target <= 15 s).
The national result is SYNTHETIC (no national plan exists yet): lowland = every phường,
remote = every xã of more than 150 km2, each remote unit paired with its nearest phường,
coverage ratio a deterministic function of area. Codes are the national merger map's
internal ids, not official codes. Only drawing speed is measured on it.
Writes its section of benchmarks/RESULTS.md between the markers <!-- maps:begin/end -->.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
BOUNDARIES = SHARED / "danang_2025" / "boundaries.geojson"
NATIONAL = SHARED / "vietnam_2025" / "units_bando_2025-07-17.csv"
BEGIN, END = "<!-- maps:begin -->", "<!-- maps:end -->"


def national_result(folder: Path) -> None:
    """A synthetic result folder for all 3,321 units (see the module docstring)."""
    d = pd.read_csv(NATIONAL)
    d["code"] = d["ma"].astype(str).str.zfill(5)
    d["role"] = np.where(d["loai"] == "phường", "lowland",
                         np.where((d["loai"] == "xã") & (d["dientichkm2"] > 150), "remote", "excluded"))
    units = pd.DataFrame({"code": d["code"], "name": d["tenhc"], "role": d["role"],
                          "lat": d["vido"], "lon": d["kinhdo"]})
    low, rem = units[units.role == "lowland"], units[units.role == "remote"]
    lat0 = np.radians(16.0)
    lx, ly = low["lon"].to_numpy() * np.cos(lat0), low["lat"].to_numpy()
    rx, ry = rem["lon"].to_numpy() * np.cos(lat0), rem["lat"].to_numpy()
    nearest = np.argmin((rx[:, None] - lx[None, :]) ** 2 + (ry[:, None] - ly[None, :]) ** 2, axis=1)
    km = np.hypot(rx - lx[nearest], ry - ly[nearest]) * 111.2
    pairs = pd.DataFrame({
        "lowland_code": low["code"].to_numpy()[nearest], "lowland_name": low["name"].to_numpy()[nearest],
        "remote_code": rem["code"].to_numpy(), "remote_name": rem["name"].to_numpy(),
        "distance_km": km.round(1), "locked": False, "pair_status": "new", "domains_covered": "",
    })
    area = d.set_index("code").loc[rem["code"], "dientichkm2"].to_numpy()
    cov = (0.5 + 0.5 * (np.argsort(np.argsort(area)) / max(1, len(area) - 1))).round(4)
    remote = pd.DataFrame({"remote_code": rem["code"], "remote_name": rem["name"], "partners": "",
                           "partner_names": "", "n_partners": 1, "coverage_ratio": cov})
    lowland = pd.DataFrame({"lowland_code": low["code"], "lowland_name": low["name"], "partners": ""})
    for name, frame in (("units", units), ("pairs", pairs), ("remote_summary", remote), ("lowland_summary", lowland)):
        frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
    summary = {"status": "synthetic", "scenario": {"name": "SYNTHETIC national map benchmark"},
               "n_pairs": len(pairs), "n_locked_pairs": 0, "min_coverage": float(cov.min()),
               "total_shortfall": 0, "total_distance_km": float(km.sum()), "longest_distance_km": float(km.max()),
               "created": "2026-11-22", "assumptions": ["SYNTHETIC plan for a drawing benchmark only."],
               "sources": ["National merger map, sapnhap.bando.com.vn, 2025-07-17 (via vietnamadminunits)."]}
    (folder / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")


def timed(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "matcher", *args], check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        da_nang, national = tmp / "danang", tmp / "national"
        national.mkdir()
        subprocess.run([sys.executable, "-m", "matcher", "solve", "--out", str(da_nang), "--quiet"], check=True)
        national_result(national)
        cases = [
            ("Da Nang static map, boundaries, PNG", ["map", str(da_nang), "--boundaries", str(BOUNDARIES),
                                                     "--out", str(tmp / "m.png")], 3.0, tmp / "m.png"),
            ("Da Nang static map, boundaries, A3 PDF", ["map", str(da_nang), "--boundaries", str(BOUNDARIES),
                                                        "--out", str(tmp / "m.pdf")], None, tmp / "m.pdf"),
            ("Da Nang offline HTML, boundaries", ["map", str(da_nang), "--boundaries", str(BOUNDARIES),
                                                  "--out", str(tmp / "m.html")], None, tmp / "m.html"),
            ("National map, 3,321 units (synthetic plan), PNG", ["map", str(national), "--out",
                                                                  str(tmp / "n.png")], 15.0, tmp / "n.png"),
        ]
        rows = []
        for label, cmd, target, out in cases:
            times = [timed(cmd) for _ in range(args.runs)]
            med = statistics.median(times)
            size = out.stat().st_size / 1e6
            verdict = "" if target is None else ("met" if med <= target else "NOT met")
            rows.append((label, med, min(times), max(times), size, target, verdict))
            print(f"{label}: median {med:.2f} s, {size:.2f} MB", flush=True)
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo if ln.startswith("model name")), "?")
    lines = [BEGIN, "## Maps", "",
             f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"{args.runs} runs each, {time.strftime('%Y-%m-%d')}. Each run is a fresh "
             "`python -m matcher map ...` (interpreter start, imports, reading, drawing, writing). "
             "Reproduce: `python benchmarks/maps.py`.", "",
             "| case | median s | min | max | output MB | target | verdict |",
             "|---|---:|---:|---:|---:|---|---|"]
    for label, med, lo, hi, size, target, verdict in rows:
        tgt = "" if target is None else f"<= {target:g} s"
        lines.append(f"| {label} | {med:.2f} | {lo:.2f} | {hi:.2f} | {size:.2f} | {tgt} | {verdict} |")
    html = next(r for r in rows if "HTML" in r[0])
    lines += ["", f"HTML size target <= 3 MB: {html[4]:.2f} MB, **{'met' if html[4] <= 3 else 'NOT met'}**.",
              "The national plan is synthetic (every phường lowland, every xã over 150 km2 remote, nearest "
              "pairs); it measures drawing only.", END]
    res = ROOT / "benchmarks" / "RESULTS.md"
    text = res.read_text(encoding="utf-8") if res.exists() else ""
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + text[text.index(END) + len(END):].lstrip("\n")
    res.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {res}")


if __name__ == "__main__":
    main()
