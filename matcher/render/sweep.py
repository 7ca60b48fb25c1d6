"""A sweep's table and trade-off plot, from its runs' rows (never solves).

:func:`runs_frame` is ``runs.csv`` (machine column names, status as the solver gives it) and
:func:`runs_sheet` the ``runs.xlsx`` sheet in the sweep's language (Vietnamese headers and
status words by default); :func:`tradeoff_figure` draws the first swept setting on x against
the smallest coverage (left axis, solid) and the total distance (right axis, dashed), one
colour per value of the other swept settings; a run without a plan is a cross on the x axis.
:func:`write_tables` and :func:`write_plot` publish the files (:func:`matcher.io.files.publish_file`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..i18n import STRINGS, t
from ..io.cells import FILE_MODE, write_csv, write_xlsx
from ..io.files import publish_file
from ..model import STAGES

FIGURES = ("min_coverage", "total_shortfall", "total_distance_km", "longest_distance_km", "n_pairs",
           "n_pairs_no_staff", "solve_seconds", "run_seconds")
STATUS_WORDS = {"optimal": "status_optimal", "feasible": "status_feasible", "infeasible": "status_infeasible",
                "unknown": "status_unknown", "error": "sw_status_error"}
STYLE = {"font.family": "DejaVu Sans", "pdf.fonttype": 42, "svg.fonttype": "none"}  # as the maps: real text
PNG_DPI = 150


def shown(value) -> str:
    """A setting's value as typed: ``60`` not ``60.0``, ``none``, ``balance+distance``."""
    if value is None:
        return "none"
    if isinstance(value, (tuple, list)):
        return "+".join(map(str, value))
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def figures(problem, result) -> dict:
    """A run's status, per-stage status and headline figures (None where there is no plan)."""
    from ..kpis import kpis

    out: dict = {"status": result.status.value}
    out.update({f"stage_{s.name}": s.status.value for s in result.stages})
    # the --time-limit deadline cut the counted work (a busy machine): this plan may differ from an idle run's
    out["stopped_by_wall_clock"] = bool(result.params.get("stopped_by_wall_clock", False))
    keys = ("min_coverage", "total_shortfall", "total_distance_km", "longest_distance_km", "n_pairs",
            "n_pairs_no_staff")
    if not result.status.has_solution:
        return {**out, **dict.fromkeys(keys)}
    k = kpis(problem, result)
    return {**out, "min_coverage": round(k.min_coverage, 4), "total_shortfall": k.total_shortfall,
            "total_distance_km": round(k.total_distance_km, 3), "longest_distance_km": round(k.longest_km, 3),
            "n_pairs": k.n_pairs, "n_pairs_no_staff": sum(1 for p in result.pairs if not any(p.allot.values()))}


def _numeric(values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values)


def _setting_column(values: list) -> pd.Series:
    """Numbers stay numbers (whole numbers as integers); anything else is text as typed."""
    if _numeric(values):
        if all(float(v).is_integer() for v in values):
            return pd.Series([int(v) for v in values], dtype="Int64")
        return pd.Series([float(v) for v in values], dtype="float64")
    return pd.Series([shown(v) for v in values], dtype=object)


def runs_frame(rows: Sequence[dict], keys: Sequence[str]) -> pd.DataFrame:
    """``runs.csv``: one row per run (run order): id, the swept settings (``keys``), status,
    each stage's status, the headline figures, seconds and folder (and the error, if any run failed)."""
    stages = [s for s in STAGES if any(f"stage_{s}" in r for r in rows)]
    cols = {"run_id": pd.Series([str(r["run_id"]) for r in rows], dtype=object)}
    for k in keys:
        cols[k] = _setting_column([r.get(k) for r in rows])
    cols["status"] = pd.Series([r.get("status") for r in rows], dtype=object)
    for s in stages:
        cols[f"stage_{s}"] = pd.Series([r.get(f"stage_{s}") for r in rows], dtype=object)
    for f in FIGURES:
        values = [r.get(f) for r in rows]
        integral = f.startswith("n_") or f == "total_shortfall"
        cols[f] = pd.Series(values, dtype="Int64" if integral else "float64")
    cols["stopped_by_wall_clock"] = pd.Series([r.get("stopped_by_wall_clock") for r in rows], dtype=object)
    cols["folder"] = pd.Series([r.get("folder") for r in rows], dtype=object)
    if any(r.get("error") for r in rows):
        cols["error"] = pd.Series([r.get("error") for r in rows], dtype=object)
    return pd.DataFrame(cols)


def setting_label(key: str, lang: str) -> str:
    """A swept setting's name in words (``Giới hạn khoảng cách (km)``); the key itself if unknown."""
    name = f"sw_set_{key.replace('.', '_')}"
    return t(name, lang) if name in STRINGS else key


def _header(col: str, keys: Sequence[str], lang: str) -> str:
    if lang == "en":
        return col  # the machine name, as plan.xlsx in English
    if col in keys:
        return setting_label(col, lang)
    if col.startswith("stage_"):
        return t("sw_col_stage", lang, stage=t(f"sw_stage_{col[6:]}", lang))
    return t(f"sw_col_{col}", lang)


def runs_sheet(frame: pd.DataFrame, keys: Sequence[str], lang: str) -> dict[str, pd.DataFrame]:
    """The ``runs.xlsx`` sheet: the table with headers and status words in ``lang``."""
    out = frame.copy()
    if lang != "en":
        for col in [c for c in out.columns if c == "status" or c.startswith("stage_")]:
            out[col] = out[col].map(lambda v: t(STATUS_WORDS[v], lang) if v in STATUS_WORDS else v).astype(object)
    return {t("sw_sheet_runs", lang): out.rename(columns={c: _header(c, keys, lang) for c in out.columns})}


def write_tables(out: Path, sweep, rows: Sequence[dict], protect=()) -> list[Path]:
    """Publish ``runs.csv`` (+ ``.csvt``) and ``runs.xlsx`` in ``out``, each atomically."""
    out = Path(out)
    keys = [a.key for a in sweep.axes]
    frame = runs_frame(rows, keys)

    def csv(p: Path) -> None:
        _, tmp_csvt = write_csv(p, frame)
        os.chmod(tmp_csvt, FILE_MODE)
        os.replace(tmp_csvt, out / "runs.csvt")  # the sidecar first: the types the table will have

    written = [publish_file(out / "runs.csv", csv, protect), out / "runs.csvt"]
    written.append(publish_file(out / "runs.xlsx", lambda p: write_xlsx(p, runs_sheet(frame, keys, sweep.lang)),
                                protect))
    return written


# ---- the trade-off plot ----------------------------------------------------------------------


def _series(rows: Sequence[dict], keys: Sequence[str]) -> dict[tuple, list[dict]]:
    """Rows grouped by the values of every swept setting but the first (run order kept)."""
    out: dict[tuple, list[dict]] = {}
    for r in rows:
        out.setdefault(tuple(shown(r.get(k)) for k in keys[1:]), []).append(r)
    return out


def tradeoff_figure(rows: Sequence[dict], keys: Sequence[str], lang: str = "vi", name: str = ""):
    """The trade-off plot of a sweep's rows (a matplotlib Figure, no pyplot)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    x_key = keys[0]
    xs = list(dict.fromkeys(shown(r.get(x_key)) for r in rows))
    numeric = _numeric([r.get(x_key) for r in rows])
    where = {shown(r.get(x_key)): (float(r[x_key]) if numeric else xs.index(shown(r.get(x_key)))) for r in rows}
    colours = matplotlib.colormaps["tab10"]
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(10, 6.6))
        ax = fig.add_axes((0.09, 0.25, 0.8, 0.67))
        km_ax = ax.twinx()
        handles = []
        for i, (values, group) in enumerate(_series(rows, keys).items()):
            colour = colours(i % 10)
            ordered = sorted(group, key=lambda r: where[shown(r.get(x_key))])
            x = [where[shown(r.get(x_key))] for r in ordered]
            cov = [100 * r["min_coverage"] if r.get("min_coverage") is not None else math.nan for r in ordered]
            km = [r["total_distance_km"] if r.get("total_distance_km") is not None else math.nan for r in ordered]
            ax.plot(x, cov, "-o", color=colour, lw=1.8, ms=5, zorder=3)
            km_ax.plot(x, km, "--s", color=colour, lw=1.4, ms=4, zorder=3)
            label = ", ".join(f"{setting_label(k, lang)} = {v}" for k, v in zip(keys[1:], values, strict=True))
            if label:
                handles.append(Line2D([], [], color=colour, lw=6, label=label))
            bad = [xi for xi, r in zip(x, ordered, strict=True) if r.get("min_coverage") is None]
            ax.plot(bad, [0.02] * len(bad), "x", color=colour, ms=9, mew=2, transform=ax.get_xaxis_transform(),
                    clip_on=False, zorder=4)
        handles += [Line2D([], [], color="#333333", ls="-", marker="o", label=t("sw_plot_legend_coverage", lang)),
                    Line2D([], [], color="#333333", ls="--", marker="s", label=t("sw_plot_legend_km", lang))]
        if any(r.get("min_coverage") is None for r in rows):
            handles.append(Line2D([], [], color="#333333", ls="none", marker="x", mew=2, ms=9,
                                  label=t("sw_plot_no_plan", lang)))
        if numeric:
            ax.set_xticks(sorted(set(where.values())), [shown(v) for v in sorted(set(where.values()))])
        else:
            ax.set_xticks(range(len(xs)), xs)
        ax.set_xlabel(setting_label(x_key, lang))
        ax.set_ylabel(t("sw_plot_coverage", lang))
        km_ax.set_ylabel(t("sw_plot_km", lang))
        ax.set_ylim(bottom=0, top=max(105, *(100 * r["min_coverage"] + 5 for r in rows
                                            if r.get("min_coverage") is not None)))
        ax.grid(True, color="#dddddd", lw=0.6)
        ax.set_title(t("sw_plot_title", lang, setting=setting_label(x_key, lang)), loc="left", fontsize=13)
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, 0.045), ncol=2, fontsize=8.5,
                   frameon=False)
        fig.text(0.02, 0.015, t("sw_plot_note", lang, name=name, n=len(rows)), ha="left", va="bottom",
                 fontsize=7.5, color="#555555")
    return fig


def write_plot(out: Path, sweep, rows: Sequence[dict], protect=()) -> list[Path]:
    """Publish ``tradeoff.png`` and ``tradeoff.pdf`` in ``out``; nothing when no run has a plan."""
    import matplotlib

    if not any(r.get("min_coverage") is not None for r in rows):
        return []
    fig = tradeoff_figure(rows, [a.key for a in sweep.axes], sweep.lang, sweep.scenario.name)
    written = []
    with matplotlib.rc_context(STYLE):
        for suffix in (".png", ".pdf"):
            kw = {"dpi": PNG_DPI} if suffix == ".png" else {}
            written.append(publish_file(Path(out) / f"tradeoff{suffix}",
                                        lambda p, s=suffix, kw=kw: fig.savefig(p, format=s[1:], **kw), protect))
    return written
