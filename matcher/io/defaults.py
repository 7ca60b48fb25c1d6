"""The documented defaults, and the effective settings of a run (each default or given).

One set of defaults, used everywhere (``solve``, ``validate``, ``evaluate``, ``diagnose``,
and a what-if rebuilt from a result): a setting that neither the scenario file nor the
command line gives takes the value of the documented default scenario,
``data/danang_2025/scenario.toml``: road km = geodesic km x 1.5, a 150 road-km cap, the km
metric, one partner per lowland unit and 1-3 per remote unit, 60 s of solver work. A bare
units table (no scenario file) gets exactly these. ``max_minutes`` has no default (no
time cap). A scenario file lifts the distance cap with ``max_distance_km = "none"``.

:func:`effective_settings` gives what ``summary.json`` records under ``settings`` and
:func:`settings_block` the short block every solve prints.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULTS_FROM = "matcher's documented default (as data/danang_2025/scenario.toml)"

# Rules fields -> the documented default (the model's own defaults are wider: no cap, x 1.0)
DEFAULT_RULES = {
    "max_distance_km": 150.0,
    "detour_factor": 1.5,
    "distance_metric": "km",
    "lowland_min_partners": 1,
    "lowland_max_partners": 1,
    "remote_min_partners": 1,
    "remote_max_partners": 3,
}
DEFAULT_PARAMS = {"time_limit_s": 60.0}

# the settings every run states: name in summary.json -> (rules./params. field(s))
STATED = {
    "max_distance_km": ("rules.max_distance_km",),
    "max_minutes": ("rules.max_minutes",),
    "detour_factor": ("rules.detour_factor",),
    "distance_metric": ("rules.distance_metric",),
    "lowland_partners": ("rules.lowland_min_partners", "rules.lowland_max_partners"),
    "remote_partners": ("rules.remote_min_partners", "rules.remote_max_partners"),
    "time_limit_s": ("params.time_limit_s",),
}


def _value(sc, field: str):
    owner, name = field.split(".")
    return getattr(sc.rules if owner == "rules" else sc.params, name)


def effective_settings(sc) -> dict:
    """``{setting: {"value", "origin": "default" | "given", "from"}}`` for a
    :class:`~matcher.io.scenario.Scenario` (``from``: the scenario file, the option, or the
    documented default). Partner bounds are ``[min, max]``."""
    origins: Mapping[str, str] = getattr(sc, "origins", {}) or {}
    out = {}
    for name, fields in STATED.items():
        values = [_value(sc, f) for f in fields]
        given = [origins[f] for f in fields if f in origins]
        out[name] = {
            "value": values if len(values) > 1 else values[0],
            "origin": "given" if given else "default",
            "from": "; ".join(dict.fromkeys(given)) if given else (
                DEFAULTS_FROM if name != "max_minutes" else "matcher's default (no time cap)"),
        }
    return {**out, **_stage_settings(sc, origins)}


def _stage_settings(sc, origins: Mapping[str, str]) -> dict:
    """The stage order (with ``changes`` where a published plan puts it), and the published
    plan and its change cap when given."""
    from .baseline import stage_order

    plan = getattr(sc, "from_plan", None)
    order = stage_order(sc.rules.objectives, plan is not None, sc.rules.max_changes)
    given = origins.get("rules.objectives")
    placed = plan is not None and "changes" not in sc.rules.objectives  # matcher put 'changes' in
    how = "; 'changes' placed right after balance (published plan given)" if placed else ""
    out = {"objectives": {"value": ", ".join(order), "origin": "given" if given else "default",
                          "from": (given + how) if given else (f"matcher's default{how}" if plan else DEFAULTS_FROM)}}
    if plan is not None:
        out["from_plan"] = {"value": str(plan), "origin": "given", "from": origins.get("from_plan", "--from-plan")}
        cap = sc.rules.max_changes
        out["max_changes"] = {"value": cap, "origin": "given" if cap is not None else "default",
                              "from": origins.get("rules.max_changes", "none: no cap on changes")}
    return out


def _shown(name: str, value) -> str:
    if name.endswith("_partners"):
        return f"{value[0]}..{value[1]}"
    if value is None:
        return "none"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    unit = {"max_distance_km": " km", "max_minutes": " min", "time_limit_s": " s"}.get(name, "")
    return f"{value}{unit}"


LABELS = {
    "max_distance_km": "distance cap", "detour_factor": "detour x", "distance_metric": "metric",
    "max_minutes": "time cap", "lowland_partners": "partners: lowland", "remote_partners": "remote",
    "time_limit_s": "time limit", "objectives": "stages", "from_plan": "published plan", "max_changes": "max changes",
}


def settings_block(settings: Mapping[str, Mapping]) -> str:
    """Three lines: each effective setting, ``[default]`` or where it was given (``[--time-limit]``)."""
    def item(name):
        s = settings[name]
        how = "default" if s["origin"] == "default" else s["from"].removeprefix("scenario file ")
        return f"{LABELS[name]} {_shown(name, s['value'])} [{how}]"

    first = [n for n in ("max_distance_km", "detour_factor", "distance_metric", "max_minutes") if n in settings]
    second = [n for n in ("lowland_partners", "remote_partners", "time_limit_s") if n in settings]
    third = [n for n in ("objectives", "from_plan", "max_changes") if n in settings] if (
        "from_plan" in settings or settings.get("objectives", {}).get("origin") == "given") else []
    return "\n".join(["settings ([default] = the documented default, as data/danang_2025/scenario.toml):",
                      *("- " + ", ".join(map(item, names)) for names in (first, second, third) if names)])
