"""A unit given by name or by code: pairs tables, hand plans and ``--force/--forbid/--release``.

:class:`UnitNames` looks ``text`` up, in this order: the exact code (after the spreadsheet
repairs of :func:`~matcher.io.tables.repair_code`), the name (NFC, case-folded), the name
without diacritics, the name without its type word (``Xã``, ``Phường``, ``Đặc khu``, …).
The first step that finds anything decides; when it finds several units the ones of the
wanted role are kept, and several left is an error listing the candidates with their codes
(and provinces, where the units table has a province column). A name matched only without
diacritics or without its type word is said in a note (kind ``name_matched``).

``legacy`` is the hook for the registry: called with a text no unit matches (and not a code),
it returns ``(code, note)`` of the 2025 unit a former (pre-July-2025) name became, or None.
The default asks :func:`matcher.io.registry.legacy_unit` when the registry is installed; the
match is used only if that 2025 unit is in the units table, and its note says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from ..model import Role, Unit
from .headers import fold
from .tables import repair_code

TYPE_WORDS = re.compile(r"^(xa|phuong|dac khu|thi tran|thi xa|huyen|commune|ward)\s+")
PROVINCE_COLUMNS = ("province", "province_name", "tỉnh")


def _casefold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def _bare(text: str) -> str:
    return TYPE_WORDS.sub("", fold(text))


def registry_legacy(text: str) -> tuple[str, str] | None:
    """``(code, note)`` of the 2025 unit the former unit ``text`` became, from the registry; None if unknown
    or ambiguous, or when the registry is not installed."""
    try:
        from . import registry

        hit = registry.legacy_unit(text)
    except Exception:  # the registry package is missing or its data unreadable: no legacy lookup
        return None
    return None if hit is None else (hit[0], hit[2])


class UnitNames:
    """Find units by code or name (see the module docstring)."""

    def __init__(self, units: Iterable[Unit],
                 legacy: Callable[[str], tuple[str, str] | None] | None = registry_legacy):
        self.units = list(units)
        self.by_code = {u.code: u for u in self.units}
        self.legacy = legacy
        self.keys: list[tuple[str, Callable[[str], str], dict[str, list[Unit]]]] = []
        for how, key in (("name", _casefold), ("name without diacritics", fold),
                         ("name without its type word", _bare)):
            index: dict[str, list[Unit]] = {}
            for u in self.units:
                index.setdefault(key(u.name), []).append(u)
            self.keys.append((how, key, index))

    def label(self, unit: Unit) -> str:
        """``Tân Lập (12345, Thanh Hóa)``: name, code and province where known."""
        province = next((str(unit.attrs[c]) for c in PROVINCE_COLUMNS if str(unit.attrs.get(c, "")).strip()), "")
        return f"{unit.name} ({unit.code}{', ' + province if province else ''})"

    def find(self, text: str, role: Role | None = None) -> tuple[Unit | None, str | None, str | None]:
        """``(unit, error, note)``: the unit ``text`` names, else an error message; a note when matched loosely."""
        text = str(text).strip()
        code = repair_code(text)
        if code in self.by_code:
            return self.by_code[code], None, None
        if not text:
            return None, "empty: give a unit code or name", None
        for step, (how, key, index) in enumerate(self.keys):
            found = index.get(key(text), [])
            if not found:
                continue
            if len(found) > 1 and role is not None:
                found = [u for u in found if u.role is role] or found
            if len(found) > 1:
                names = "; ".join(self.label(u) for u in found)
                return None, f"name matches {len(found)} units: {names}; write the code instead", None
            note = None if step == 0 else f"'{text}' read as {self.label(found[0])} (matched by {how})"
            return found[0], None, note
        if self.legacy is not None and not code.isdigit():
            hit = self.legacy(text)
            if hit is not None and hit[0] in self.by_code:
                return self.by_code[hit[0]], None, hit[1]
        return None, "unknown unit code or name (not in the units table)", None

    def code(self, text: str, role: Role | None = None) -> str:
        """The code of the unit ``text`` names; raises ``KeyError`` with the error message otherwise."""
        unit, error, _ = self.find(text, role)
        if unit is None:
            raise KeyError(error)
        return unit.code
