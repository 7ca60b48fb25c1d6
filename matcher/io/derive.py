"""Needs and supplies derived from indicator columns by a rule the scenario states.

A scenario may declare, per figure, a weighted sum of indicator columns of the units table::

    [derive.need_it]
    weights = { population = 1, area_km2 = 1, poverty_rate = 0.1, region = 1, border = 2 }
    per = { population = 10000, area_km2 = 100 }    # population per 10,000, area per 100 km²
    classes = { region = { I = 0, II = 1, III = 2 } }  # words of a class column as numbers
    constant = 0
    round = "nearest"     # or "up", "down"
    min = 0               # clip (default 0); max optional
    replace = "blank"     # the default: only blank cells; "all" overwrites every cell
    note = "..."          # optional, copied into the assumption line

``need_<d>`` is derived on remote rows, ``supply_<d>`` on lowland rows; the column is made
if the table lacks it. A figure = round(constant + sum(weight x value / per)), clipped.
Indicator cells: numbers (decimal comma and a trailing ``%`` allowed: ``30,02%`` is 30.02),
flag words (``x``, ``có``, ``yes``, ``true`` = 1; ``không``, ``no``, ``false`` = 0) or a word of
``classes``. Every derived figure is marked: its row's ``staff_figures`` note names the
rule, and the run's assumptions say how many figures the rule gave (``summary.json``).

Bad rules are exit 2 naming the scenario key (``scenario.toml: key
'derive.need_it.weights.popul': value 'popul': no such column in units.csv``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..errors import MatcherWarning, ValidationIssue
from ..model import Role

RULE_KEYS = {"weights", "per", "classes", "constant", "round", "min", "max", "replace", "note"}
ROUNDING = ("nearest", "up", "down")
REPLACE = ("blank", "all")
TARGET = re.compile(r"^(need|supply)_[A-Za-z0-9][A-Za-z0-9_]*$")
FLAGS = {"x": 1.0, "có": 1.0, "co": 1.0, "yes": 1.0, "true": 1.0, "không": 0.0, "khong": 0.0, "no": 0.0,
         "false": 0.0}


@dataclass(frozen=True)
class DeriveRule:
    """One ``[derive.<target>]`` table of a scenario, checked."""

    target: str  # need_it, supply_land, ...
    weights: tuple[tuple[str, float], ...]
    per: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    constant: float = 0.0
    rounding: str = "nearest"
    minimum: float = 0.0
    maximum: float | None = None
    replace: str = "blank"
    note: str = ""
    source: str = "scenario.toml"

    @property
    def key(self) -> str:
        return f"derive.{self.target}"

    @property
    def role(self) -> Role:
        return Role.REMOTE if self.target.startswith("need_") else Role.LOWLAND

    def formula(self) -> str:
        """``round(2 + 1 x population/10000 + 0.1 x poverty_rate), clipped to 0..20``."""
        terms = [f"{_num(self.constant)}"] if self.constant else []
        terms += [f"{_num(w)} x {c}" + (f"/{_num(self.per[c])}" if c in self.per else "") for c, w in self.weights]
        top = "" if self.maximum is None else _num(self.maximum)
        how = {"nearest": "round", "up": "ceil", "down": "floor"}[self.rounding]
        return f"{how}({' + '.join(terms)}), clipped to {_num(self.minimum)}..{top}"

    def value(self, cells: dict[str, float]) -> int:
        v = self.constant + sum(w * cells[c] / self.per.get(c, 1.0) for c, w in self.weights)
        v = {"nearest": math.floor(v + 0.5), "up": math.ceil(v - 1e-9), "down": math.floor(v + 1e-9)}[self.rounding]
        v = max(v, math.ceil(self.minimum))
        return int(v if self.maximum is None else min(v, math.floor(self.maximum)))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def parse_derive(data, bad, source: str = "scenario.toml") -> tuple[DeriveRule, ...]:
    """The ``derive`` table of a scenario as rules; every bad key reported through ``bad(key, value, msg)``."""
    if not isinstance(data, dict):
        bad("derive", data, "must be a table of [derive.need_<domain>] / [derive.supply_<domain>] rules")
        return ()
    rules = []
    for target, spec in data.items():
        key = f"derive.{target}"
        if not TARGET.match(str(target)):
            bad(key, None, "a derived figure is need_<domain> or supply_<domain>")
            continue
        if not isinstance(spec, dict):
            bad(key, spec, "must be a table with weights = { column = number, ... }")
            continue
        ok = True
        for k in spec:
            if k not in RULE_KEYS:
                bad(f"{key}.{k}", None, f"unknown key; known keys: {', '.join(sorted(RULE_KEYS))}")
                ok = False
        weights = spec.get("weights")
        if not isinstance(weights, dict) or not weights:
            bad(f"{key}.weights", None if weights is None else weights, "required: a table { column = number, ... }")
            weights, ok = {}, False
        for col, w in weights.items():
            if not _number(w):
                bad(f"{key}.weights.{col}", w, "the weight must be a finite number")
                ok = False
        per = spec.get("per", {})
        if not isinstance(per, dict):
            bad(f"{key}.per", per, "must be a table { column = number > 0, ... }")
            per, ok = {}, False
        for col, d in per.items():
            if col not in weights:
                bad(f"{key}.per.{col}", col, "names no column of weights")
                ok = False
            elif not _number(d) or d <= 0:
                bad(f"{key}.per.{col}", d, "must be a finite number > 0")
                ok = False
        classes = spec.get("classes", {})
        if not isinstance(classes, dict) or not all(isinstance(m, dict) for m in classes.values()):
            bad(f"{key}.classes", classes, "must be a table { column = { word = number, ... }, ... }")
            classes, ok = {}, False
        for col, words in classes.items():
            for word, v in words.items():
                if not _number(v):
                    bad(f"{key}.classes.{col}.{word}", v, "must be a finite number")
                    ok = False
        for k in ("constant", "min", "max"):
            if k in spec and not _number(spec[k]):
                bad(f"{key}.{k}", spec[k], "must be a finite number")
                ok = False
        if ok and "max" in spec and spec["max"] < spec.get("min", 0):
            bad(f"{key}.max", spec["max"], f"must be >= min ({spec.get('min', 0)})")
            ok = False
        for k, allowed in (("round", ROUNDING), ("replace", REPLACE)):
            if k in spec and spec[k] not in allowed:
                bad(f"{key}.{k}", spec[k], f"use one of {', '.join(allowed)}")
                ok = False
        if "note" in spec and not isinstance(spec["note"], str):
            bad(f"{key}.note", spec["note"], "expected a string")
            ok = False
        if ok:
            rules.append(DeriveRule(
                str(target), tuple((str(c), float(w)) for c, w in weights.items()),
                {str(c): float(d) for c, d in per.items()},
                {str(c): {str(w).casefold(): float(v) for w, v in m.items()} for c, m in classes.items()},
                float(spec.get("constant", 0)), spec.get("round", "nearest"), float(spec.get("min", 0)),
                None if "max" not in spec else float(spec["max"]), spec.get("replace", "blank"),
                spec.get("note", ""), source))
    return tuple(rules)


def _role(text: str) -> Role | None:
    try:
        from .headers import role_word  # Vietnamese role words (issue 9, reading)
    except ImportError:  # pragma: no cover - before the reading part lands
        role_word = None
    if role_word is not None:
        return role_word(text)
    try:
        return Role(text.strip().lower())
    except ValueError:
        return None


def _indicator(rule: DeriveRule, col: str, raw: str) -> float | None:
    text = str(raw).strip()
    words = rule.classes.get(col)
    if words is not None and text.casefold() in words:
        return words[text.casefold()]
    if text.casefold() in FLAGS:
        return FLAGS[text.casefold()]
    try:
        v = float(text.removesuffix("%").strip().replace(",", "."))
    except ValueError:
        return None
    return v if math.isfinite(v) else None


@dataclass
class Derived:
    """What the rules did to one table: rule key -> (rule, spreadsheet rows given a derived figure)."""

    rows: dict = field(default_factory=dict)


def derive_hook(rules: tuple[DeriveRule, ...], record: Derived):
    """A function of a read :class:`~matcher.io.tables.Table` that fills its derived cells
    (before the units are parsed), adding issues and warnings to the table."""

    def fill(table) -> None:
        df = table.frame
        for rule in rules:
            missing = [c for c, _ in rule.weights if c not in df.columns]
            for c in missing:
                table.issues.append(ValidationIssue(rule.source, None, f"{rule.key}.weights.{c}", c,
                                                    f"no such column in {table.name}", column_label="key"))
            if missing:
                continue
            if rule.target not in df.columns:
                df[rule.target] = ""
            if "staff_figures" not in df.columns:
                df["staff_figures"] = ""
            done = []
            for i, rec in enumerate(df.to_dict("records")):
                if _role(str(rec.get("role", ""))) is not rule.role:
                    continue
                if rule.replace == "blank" and str(rec[rule.target]).strip() != "":
                    continue
                cells, bad = {}, False
                for c, _ in rule.weights:
                    v = _indicator(rule, c, rec[c])
                    if v is None:
                        what = "empty cell" if str(rec[c]).strip() == "" else "not a number, flag or class word"
                        table.issues.append(table.issue(i, c, rec[c], f"{what}; {rule.key} needs it for "
                                                                     f"{rule.target}"))
                        bad = True
                    cells[c] = v
                if bad:
                    continue
                df.iat[i, df.columns.get_loc(rule.target)] = str(rule.value(cells))
                old = str(rec.get("staff_figures", "")).strip()
                mark = f"{rule.target} derived by {rule.key} ({rule.source})"
                df.iat[i, df.columns.get_loc("staff_figures")] = f"{old}; {mark}" if old else mark
                done.append(table.rows[i])
            record.rows[rule.key] = (rule, done)
            if done:
                table.warnings.append(MatcherWarning(
                    "derived", f"{rule.target} figure{'s' if len(done) > 1 else ''} derived by {rule.key}: "
                               f"{rule.formula()}", table.name, tuple(done)))

    return fill


def derived_assumptions(derived, table: str) -> dict[str, list[str]]:
    """One assumption line per derive rule that gave figures, in English and Vietnamese."""
    from ..i18n import t

    out: dict[str, list[str]] = {"en": [], "vi": []}
    for rule, rows in derived.rows.values():
        if rows:
            for lang in out:
                out[lang].append(t("assumption_derived", lang, target=rule.target, n=len(rows), rule=rule.key,
                                   file=rule.source, table=table, formula=rule.formula(),
                                   scope=t(f"derived_{rule.replace}", lang), note=f" {rule.note}" if rule.note else ""))
    return out
