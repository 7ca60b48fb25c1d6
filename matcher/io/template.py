"""``matcher template``: a units workbook for one or more provinces, pre-filled from the registry.

The workbook (:func:`write_template`) has four sheets, the units sheet first (the sheet the
readers take):

* units: one row per 2025 unit of the provinces (:mod:`matcher.io.registry`): 5-digit code as
  text, name, type, province, a suggested role and its basis (:func:`suggest_role`, a declared rule
  the planner overwrites), the registry's point and area, the former units, empty partner bounds,
  and one ``supply_<d>`` and ``need_<d>`` column per domain, 0 on the suggested role's side;
  dropdowns (data validation) for role and partner bounds, whole numbers >= 0 for staff;
* pairs: ``lowland_code``, ``remote_code``, ``status`` (locked/forbidden dropdown), ``note``;
* instructions in Vietnamese and English: the source, the role rule, the counts it gives and
  whether the default partner bounds can hold, how to solve;
* the column key: each machine name beside its Vietnamese and English label.

Row 1 of the units and pairs sheets holds the Vietnamese labels (``Mã ĐVHC``, ``Vai trò``, ``Số CB
hỗ trợ - Đất đai``, …) and the role cells hold Vietnamese words when the installed reader accepts
them (:func:`reads_vietnamese`, checked by reading a two-row workbook); otherwise row 1 holds the
machine names (``code``, ``role``, ``supply_land``) with the labels in the header comments, and the
role cells hold ``lowland``/``remote``. Either way the file written today is read back by
``matcher solve`` as it is.
"""

from __future__ import annotations

import datetime as dt
import functools
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, ValidationIssue
from ..i18n import domain_label, fmt_number, t
from . import registry
from .cells import _xlsx_value
from .defaults import DEFAULT_RULES
from .files import publish_file

DOMAINS = ("it", "digital", "planning", "construction", "finance", "land")
BASE = ("code", "name", "type", "province", "province_code", "role", "role_basis", "lat", "lon", "area_km2",
        "population", "former_units", "min_partners", "max_partners")
PAIR_COLUMNS = ("lowland_code", "remote_code", "status", "note")
REQUIRED = {"code", "name", "role", "lat", "lon", "lowland_code", "remote_code", "status"}
BOUNDS = "0,1,2,3,4,5"
SPARE_ROWS = 200  # validations reach this many rows below the data (units added by hand, partners abroad)
# role -> (machine word, Vietnamese word the reader accepts); no comma: Excel's list separator
ROLE_WORDS = {"lowland": ("lowland", "đồng bằng"), "remote": ("remote", "vùng sâu vùng xa"),
              "excluded": ("excluded", "không tham gia")}
STATUS_WORDS = {"locked": ("locked", "giữ"), "forbidden": ("forbidden", "cấm")}


def unit_columns(domains=DOMAINS) -> list[str]:
    return [*BASE, *(f"supply_{d}" for d in domains), *(f"need_{d}" for d in domains), "note"]


def label(column: str, lang: str) -> str:
    """The column's header label in ``lang`` (``supply_land`` -> ``Số CB hỗ trợ - Đất đai``)."""
    kind, _, domain = column.partition("_")
    if kind in ("supply", "need") and domain:
        return t(f"tpl_col_{kind}", lang, domain=domain_label(domain, lang))
    return t(f"tpl_col_{column}", lang)


# ---- the suggested role ------------------------------------------------------------------


def _km2(x: float, lang: str) -> str:
    return fmt_number(x, lang, 2)


def suggest_role(unit: registry.RegistryUnit, median_km2: float | None, lang: str = "vi") -> tuple[str, str]:
    """The declared rule: ward -> lowland; special zone -> remote; a commune with an area above
    ``median_km2`` (the median of its province's communes) -> remote, else lowland (also when the
    registry has no area). Returns the role and its basis in ``lang``."""
    if unit.kind == "ward":
        return "lowland", t("tpl_basis_ward", lang)
    if unit.kind == "special_zone":
        return "remote", t("tpl_basis_special_zone", lang)
    if unit.area_km2 is None or median_km2 is None:
        return "lowland", t("tpl_basis_no_area", lang)
    key = "tpl_basis_large" if unit.area_km2 > median_km2 else "tpl_basis_small"
    role = "remote" if unit.area_km2 > median_km2 else "lowland"
    return role, t(key, lang, area=_km2(unit.area_km2, lang), median=_km2(median_km2, lang))


def commune_medians(units: list[registry.RegistryUnit]) -> dict[str, float | None]:
    """Each province's median commune area (km²), over the communes whose area is known."""
    areas: dict[str, list[float]] = {}
    for u in units:
        areas.setdefault(u.province_code, [])
        if u.kind == "commune" and u.area_km2 is not None:
            areas[u.province_code].append(u.area_km2)
    return {p: (statistics.median(a) if a else None) for p, a in areas.items()}


def _former_text(u: registry.RegistryUnit, lang: str) -> str:
    out = []
    for f in u.former:
        text = f"{f.name} ({f.district})" if f.district else f.name
        if registry.key(f.province).removeprefix("tinh").removeprefix("thanhpho") != registry.key(u.province):
            text += f", {f.province}"
        out.append(text + (f" ({t('tpl_part', lang)})" if f.split else ""))
    return "; ".join(out)


def unit_rows(units: list[registry.RegistryUnit], lang: str, vi_words: bool,
              domains=DOMAINS) -> list[dict[str, object]]:
    """The units sheet's rows, by machine column name."""
    medians = commune_medians(units)
    rows = []
    for u in units:
        role, basis = suggest_role(u, medians[u.province_code], lang)
        row: dict[str, object] = {
            "code": u.code, "name": u.name, "type": t(f"tpl_type_{u.kind}", lang), "province": u.province,
            "province_code": u.province_code, "role": ROLE_WORDS[role][vi_words], "role_basis": basis,
            "lat": u.lat, "lon": u.lon, "area_km2": u.area_km2, "population": None,
            "former_units": _former_text(u, lang), "min_partners": None, "max_partners": None,
        }
        for d in domains:
            row[f"supply_{d}"] = 0 if role == "lowland" else None
            row[f"need_{d}"] = 0 if role == "remote" else None
        row["note"] = None
        rows.append(row)
    return rows


# ---- what the reader accepts today -------------------------------------------------------------


@functools.cache
def reads_vietnamese() -> bool:
    """Whether the installed units reader takes this template's Vietnamese labels and role words:
    a two-row workbook written with them is read, and must give the right roles and staff."""
    from ..model import Role
    from .inputs import read_units

    rows = [dict(code="00001", name="A", role=ROLE_WORDS["lowland"][1], lat=16.0, lon=108.0, supply_land=2),
            dict(code="00002", name="B", role=ROLE_WORDS["remote"][1], lat=16.1, lon=108.1, need_land=1)]
    cols = ["code", "name", "role", "lat", "lon", "supply_land", "need_land"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.xlsx"
        wb = _workbook()
        ws = wb.active
        ws.append([label(c, "vi") for c in cols])
        for r in rows:
            ws.append([r.get(c, 0) for c in cols])
        wb.save(path)
        try:
            units, domains, _ = read_units(path)
        except (InputError, KeyError, ValueError):
            return False
    return (domains == ("land",) and [u.role for u in units] == [Role.LOWLAND, Role.REMOTE]
            and units[0].supply.get("land") == 2 and units[1].need.get("land") == 1)


# ---- the workbook --------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """What :func:`write_template` wrote."""

    path: Path
    provinces: tuple[registry.Province, ...]
    n_units: int
    counts: dict[str, int]
    labels: bool  # row 1 holds the labels (else the machine names) and role cells Vietnamese words
    source: registry.Source

    @property
    def bounds_can_hold(self) -> bool:
        """remote <= lowland <= 3 x remote: the default partner bounds (lowland 1..1, remote 1..3) can hold."""
        low, rem = self.counts["lowland"], self.counts["remote"]
        return 0 < rem <= low <= 3 * rem


def _workbook():
    from openpyxl import Workbook

    return Workbook()


def _put(ws, row: int, col: int, value, text: bool = False):
    """One typed cell (:func:`matcher.io.cells._xlsx_value`): text never a formula, codes as text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = _xlsx_value(value)
    c = ws.cell(row=row, column=col)
    if isinstance(value, str):
        c.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        c.data_type = "s"
    else:
        c.value = value
    if text:
        c.number_format = "@"
    return c


def _sheet(ws, columns: list[str], rows: list[dict], lang: str, labels: bool, text_cols: set[str]) -> None:
    """Header (bold, frozen, filtered, commented), rows, widths."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for j, col in enumerate(columns, 1):
        head = label(col, lang) if labels else col
        c = _put(ws, 1, j, head)
        c.font = bold
        note = col if labels else f"{label(col, 'vi')}\n{label(col, 'en')}"
        c.comment = Comment(note, "matcher")
        width = max([len(head), *(len(str(r.get(col) or "")) for r in rows[:400])]) + 2
        ws.column_dimensions[get_column_letter(j)].width = min(max(width, 8), 48)
        if col in text_cols:
            for i in range(2, len(rows) + SPARE_ROWS + 2):
                ws.cell(row=i, column=j).number_format = "@"
    for i, r in enumerate(rows, 2):
        for j, col in enumerate(columns, 1):
            _put(ws, i, j, r.get(col), text=col in text_cols)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows), 1) + 1}"


def _validate(ws, columns: list[str], col: str, last: int, **kw) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(columns.index(col) + 1)
    dv = DataValidation(allow_blank=True, showInputMessage=True, showErrorMessage=True, **kw)
    dv.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(dv)


def _prompt(text: str) -> str:
    return text[:250]  # Excel's limit for an input message is 255 characters


def _help_rows(tpl: Template, file: str, sheets: dict[str, str]) -> list[tuple[str, str]]:
    names = ", ".join(p.name for p in tpl.provinces)
    today = dt.date.today().isoformat()
    out = []
    for lang in ("vi", "en"):
        words = " / ".join(w[tpl.labels] for w in ROLE_WORDS.values())
        check = t("tpl_check_ok" if tpl.bounds_can_hold else "tpl_check_not_ok", lang)
        head = "tpl_help_headers_labels" if tpl.labels else "tpl_help_headers_machine"
        lines = [
            t("tpl_help_title", lang, provinces=names, n=tpl.n_units, date=today),
            t("tpl_help_source", lang, source=tpl.source.cite()),
            t("tpl_help_population", lang),
            t("tpl_help_rule", lang),
            t("tpl_help_roles", lang, words=words) + " " + t("tpl_role_prompt", lang),
            t("tpl_help_staff", lang),
            t("tpl_help_bounds", lang),
            t("tpl_help_counts", lang, check=check, **tpl.counts),
            t("tpl_help_distance", lang, cap=fmt_number(DEFAULT_RULES["max_distance_km"], lang),
              detour=fmt_number(DEFAULT_RULES["detour_factor"], lang, 1)),
            t("tpl_help_pairs", lang, sheet=sheets["pairs"], file=file),
            t("tpl_help_run", lang, file=file, sheet=sheets["units"]),
            t(head, lang, sheet=sheets["units"], keysheet=sheets["key"]),
        ]
        if len(tpl.provinces) > 1:
            lines.insert(9, t("tpl_help_provinces", lang))
        out.append(lines)
    return list(zip(*out, strict=True))


def write_template(out: Path, provinces: list[str], lang: str = "vi", labels: bool | None = None) -> Template:
    """Write the template workbook for ``provinces`` (names or codes, see
    :func:`registry.find_province`) to ``out`` (``.xlsx``), atomically. ``labels``: Vietnamese (or
    English) labels in row 1 and Vietnamese role words; default: when :func:`reads_vietnamese`."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError([ValidationIssue("--out", None, None, str(out), "the template is an .xlsx file")])
    found = [registry.find_province(p) for p in provinces]
    chosen = tuple(dict.fromkeys(found))
    if not chosen:
        raise InputError([ValidationIssue("--province", None, None, None, "name at least one province")])
    units = registry.units([p.code for p in chosen])
    if labels is None:
        labels = lang == "vi" and reads_vietnamese()
    vi_words = bool(labels)
    rows = unit_rows(units, lang, vi_words)
    counts = {r: sum(1 for x in rows if x["role"] == ROLE_WORDS[r][vi_words]) for r in ROLE_WORDS}
    tpl = Template(out, chosen, len(rows), counts, bool(labels), registry.source())
    publish_file(out, lambda p: _write(p, tpl, rows, lang))
    return tpl


def _write(path: Path, tpl: Template, rows: list[dict], lang: str) -> None:
    from openpyxl.styles import Alignment, Font

    wb = _workbook()
    sheets = {k: t(f"tpl_sheet_{k}", lang) for k in ("units", "pairs", "help", "key")}
    cols, words = unit_columns(), tpl.labels
    ws = wb.active
    ws.title = sheets["units"]
    _sheet(ws, cols, rows, lang, tpl.labels, {"code", "province_code"})
    last = len(rows) + SPARE_ROWS + 1
    roles = ",".join(w[words] for w in ROLE_WORDS.values())
    _validate(ws, cols, "role", last, type="list", formula1=f'"{roles}"',
              promptTitle=label("role", lang)[:32], prompt=_prompt(t("tpl_role_prompt", lang)))
    for c in ("min_partners", "max_partners"):
        _validate(ws, cols, c, last, type="list", formula1=f'"{BOUNDS}"',
                  promptTitle=label(c, lang)[:32], prompt=_prompt(t("tpl_bounds_prompt", lang)))
    for c in cols:
        if c.startswith(("supply_", "need_")):
            _validate(ws, cols, c, last, type="whole", operator="greaterThanOrEqual", formula1="0",
                      promptTitle=label(c, lang)[:32], prompt=_prompt(t("tpl_staff_prompt", lang)))
    _validate(ws, cols, "lat", last, type="decimal", operator="between", formula1="-90", formula2="90")
    _validate(ws, cols, "lon", last, type="decimal", operator="between", formula1="-180", formula2="180")

    wp = wb.create_sheet(sheets["pairs"])
    _sheet(wp, list(PAIR_COLUMNS), [], lang, tpl.labels, {"lowland_code", "remote_code"})
    statuses = ",".join(w[words] for w in STATUS_WORDS.values())
    _validate(wp, list(PAIR_COLUMNS), "status", SPARE_ROWS + 1, type="list", formula1=f'"{statuses}"',
              promptTitle=label("status", lang)[:32], prompt=_prompt(t("tpl_status_prompt", lang)))

    wh = wb.create_sheet(sheets["help"])
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, head in enumerate(("Tiếng Việt", "English"), 1):
        _put(wh, 1, j, head).font = Font(bold=True)
        wh.column_dimensions["AB"[j - 1]].width = 90
    for i, pair in enumerate(_help_rows(tpl, tpl.path.name, sheets), 2):
        for j, text in enumerate(pair, 1):
            _put(wh, i, j, text).alignment = wrap

    wk = wb.create_sheet(sheets["key"])
    heads = (t("tpl_key_machine", "vi") + " / " + t("tpl_key_machine", "en"), "Tiếng Việt", "English",
             "bắt buộc / required")
    for j, head in enumerate(heads, 1):
        _put(wk, 1, j, head).font = Font(bold=True)
        wk.column_dimensions["ABCD"[j - 1]].width = (20, 40, 40, 20)[j - 1]
    for i, col in enumerate([*cols, *(c for c in PAIR_COLUMNS if c != "note")], 2):
        for j, v in enumerate((col, label(col, "vi"), label(col, "en"), "x" if col in REQUIRED else ""), 1):
            _put(wk, i, j, v)
    _put(wk, len(cols) + len(PAIR_COLUMNS) + 2, 1, tpl.source.cite())
    wb.properties.creator = "matcher template"
    wb.properties.description = f"Units from {tpl.source.cite()}"
    wb.active = 0
    wb.save(path)
