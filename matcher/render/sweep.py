"""A sweep's table and trade-off plot, from its runs' rows (never solves).

:func:`runs_frame` is ``runs.csv`` (machine column names, status as the solver gives it) and
:func:`runs_sheet` the ``runs.xlsx`` sheet in the sweep's language (Vietnamese headers and
status words by default); :func:`tradeoff_figure` draws the first swept setting on x against
the smallest coverage (left axis, solid) and the total distance (right axis, dashed), one
colour per value of the other swept settings; a series equal to one drawn before is shifted a
little, dotted, with other markers, and its legend entry says which one it equals; a plan not
proven optimal (``feasible``) is a hollow marker; a run without a plan is a cross on the x axis.
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
    """Numbers stay numbers (whole numbers as integers, ``none`` a blank cell); anything else is text as typed."""
    given = [v for v in values if v is not None]
    if _numeric(given):  # every value none: a blank number column too
        if all(float(v).is_integer() for v in given):
            return pd.Series([None if v is None else int(v) for v in values], dtype="Int64")
        return pd.Series([math.nan if v is None else float(v) for v in values], dtype="float64")
    return pd.Series([shown(v) for v in values], dtype=object)


def _stages(rows: Sequence[dict]) -> list[str]:
    """The stages in the order the runs solved them (the scenario's objectives, 'changes' where it
    sat), first run first; a stage only a later run had goes after."""
    seen = dict.fromkeys(k[6:] for r in rows for k in r if k.startswith("stage_") and k[6:] in STAGES)
    return list(seen)


def runs_frame(rows: Sequence[dict], keys: Sequence[str]) -> pd.DataFrame:
    """``runs.csv``: one row per run (run order): id, the swept settings (``keys``; a number
    setting's ``none`` is a blank cell and True in ``<key>_none``), status, each stage's status
    (in the objectives' order), the headline figures, the changes against the published plan
    (when a run had one or ``max_changes`` is swept), seconds and folder (and the error, if any run failed)."""
    cols = {"run_id": pd.Series([str(r["run_id"]) for r in rows], dtype=object)}
    for k in keys:
        values = [r.get(k) for r in rows]
        cols[k] = _setting_column(values)
        if cols[k].dtype != object and None in values:  # 'none' (no cap) said in words beside the number
            cols[f"{k}_none"] = pd.Series([v is None for v in values], dtype=object)
    cols["status"] = pd.Series([r.get("status") for r in rows], dtype=object)
    for s in _stages(rows):
        cols[f"stage_{s}"] = pd.Series([r.get(f"stage_{s}") for r in rows], dtype=object)
    if "max_changes" in keys or any(r.get("changes") is not None for r in rows):
        cols["changes"] = pd.Series([r.get("changes") for r in rows], dtype="Int64")
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
    if col.endswith("_none") and col[:-5] in keys:
        return t("sw_col_none", lang, setting=setting_label(col[:-5], lang))
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
        span = (max(where.values()) - min(where.values())) or 1.0
        drawn: dict[tuple, str] = {}  # a series' points -> the label of the first series drawn with them
        repeats: dict[tuple, int] = {}  # how many series drew those points before this one
        for i, (values, group) in enumerate(_series(rows, keys).items()):
            colour = colours(i % 10)
            ordered = sorted(group, key=lambda r: where[shown(r.get(x_key))])
            x = [where[shown(r.get(x_key))] for r in ordered]
            cov = [100 * r["min_coverage"] if r.get("min_coverage") is not None else math.nan for r in ordered]
            km = [r["total_distance_km"] if r.get("total_distance_km") is not None else math.nan for r in ordered]
            label = ", ".join(f"{setting_label(k, lang)} = {v}" for k, v in zip(keys[1:], values, strict=True))
            points = (tuple(x), tuple(map(str, cov)), tuple(map(str, km)))
            same = drawn.get(points)
            drawn.setdefault(points, label)
            repeats[points] = repeats.get(points, -1) + 1
            # a series equal to one drawn before: shifted a little, dotted, other markers, said in the legend
            shift = 0.012 * span * repeats[points]
            xs_i = [xi + shift for xi in x]
            marks = ("^", "v") if same is not None else ("o", "s")
            ls = (":", ":") if same is not None else ("-", "--")
            ax.plot(xs_i, cov, ls=ls[0], color=colour, lw=1.8, zorder=3)
            km_ax.plot(xs_i, km, ls=ls[1], color=colour, lw=1.4, zorder=3)
            for axis, ys, mark, size in ((ax, cov, marks[0], 6), (km_ax, km, marks[1], 5)):
                for proven in (True, False):  # a plan not proven optimal: a hollow marker
                    pts = [(xi, y) for xi, y, r in zip(xs_i, ys, ordered, strict=True)
                           if not math.isnan(y) and (r.get("status") != "feasible") == proven]
                    if pts:
                        axis.plot(*zip(*pts, strict=True), ls="none", marker=mark, ms=size, color=colour,
                                  mfc=colour if proven else "white", mew=1.4, zorder=4,
                                  gid="proven" if proven else "unproven")
            if same is not None:
                label = f"{label} ({t('sw_plot_same_as', lang, other=same or '-')})" if label else label
            if label:
                handles.append(Line2D([], [], color=colour, lw=6, label=label))
            bad = [xi for xi, r in zip(xs_i, ordered, strict=True) if r.get("min_coverage") is None]
            ax.plot(bad, [0.02] * len(bad), "x", color=colour, ms=9, mew=2, transform=ax.get_xaxis_transform(),
                    clip_on=False, zorder=4)
        handles += [Line2D([], [], color="#333333", ls="-", marker="o", label=t("sw_plot_legend_coverage", lang)),
                    Line2D([], [], color="#333333", ls="--", marker="s", label=t("sw_plot_legend_km", lang))]
        if any(r.get("status") == "feasible" for r in rows):
            handles.append(Line2D([], [], color="#333333", ls="none", marker="o", mfc="white", mew=1.4,
                                  label=t("sw_plot_unproven", lang)))
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
