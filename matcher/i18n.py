"""Every string a map, web page or review pack shows, in Vietnamese and English.

The catalogue is the data file ``strings.toml`` beside this module (package data).

``t(key, lang, **values)`` formats one. Vietnamese is the default language. A test checks
that every key has both languages, so nothing is hard-coded in one language only.
"""

from __future__ import annotations

import tomllib
from importlib import resources

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

def _load_strings() -> dict[str, dict[str, str]]:
    text = resources.files(__package__).joinpath("strings.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


STRINGS: dict[str, dict[str, str]] = _load_strings()


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def domain_label(domain: str, lang: str = DEFAULT_LANG) -> str:
    """A domain's name; domains outside the default six show as written in the tables."""
    key = f"domain_{domain}"
    return t(key, lang) if key in STRINGS else domain


DASH = "–"


def fmt_number(x, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """``x`` with grouped thousands: vi ``4.884,8``, en ``4,884.8``; a dash for no value.

    Fixed-point always (never ``1.151e+04``, whatever the size), ``∞`` for an infinite
    value, and no ``-0``. Half-way cases round as Python's ``format`` does."""
    if x is None or x != x:  # None or NaN
        return DASH
    x = float(x)
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    decimals = max(0, int(decimals))
    s = f"{x:,.{decimals}f}"
    if s.lstrip("-").strip("0.,") == "":  # -0, -0.0: no sign on a zero
        s = s.lstrip("-")
    return s.translate(str.maketrans(",.", ".,")) if lang == "vi" else s


def tell_apart(fmt, x: float, other, decimals: int, most: int) -> int:
    """``decimals``, or up to ``most`` decimals when needed to tell ``x`` from a different ``other``."""
    if other is None or other != other or x == other:
        return decimals
    while decimals < most and fmt(x, decimals) == fmt(float(other), decimals):
        decimals += 1
    return decimals


def km_decimals(x) -> int:
    """The one rule for km: one decimal under 100 km, none from 100 km up (on the rounded value)."""
    return 1 if abs(round(float(x), 1)) < 100 else 0


def fmt_km(x, lang: str = DEFAULT_LANG, decimals: int | None = None, other=None) -> str:
    """Kilometres by the one rule (:func:`km_decimals`): vi ``53,8 km``, ``177 km``, ``4.885 km``;
    en ``53.8 km``. ``other``: a figure this one is set beside (before/after): a decimal or two
    more only when the rule would show two different figures the same. ``decimals`` overrides."""
    if x is None or x != x:
        return DASH
    x = float(x)
    if decimals is None:
        decimals = km_decimals(x) if x not in (float("inf"), float("-inf")) else 0
        decimals = tell_apart(lambda v, d: fmt_number(v, lang, d), x, other, decimals, decimals + 2)
    return f"{fmt_number(x, lang, decimals)} {t('km', lang)}"


def fmt_percent(ratio, lang: str = DEFAULT_LANG, decimals: int | None = None, other=None) -> str:
    """A ratio as a percentage with no decimal unless needed: vi ``75%``, ``72,7%``... a decimal
    (up to two) only so that a ratio strictly between 0 and 1 never shows as ``0%`` or ``100%``,
    and (with ``other``) so that two different ratios do not show the same. ``decimals`` overrides."""
    if ratio is None or ratio != ratio:
        return DASH
    pct = 100 * float(ratio)
    if decimals is None:
        decimals = 0
        while decimals < 2 and 0 < pct < 100 and fmt_number(pct, "en", decimals) in ("0", "100", "100.0", "0.0"):
            decimals += 1
        decimals = tell_apart(lambda v, d: fmt_number(v, lang, d), pct, None if other is None or other != other
                               else 100 * float(other), decimals, decimals + 2)
    return f"{fmt_number(pct, lang, decimals)}%"


def fmt_date(iso: str, lang: str = DEFAULT_LANG) -> str:
    """``2025-10-09`` as dd/mm/yyyy (vi) or as written (en, ISO)."""
    parts = iso[:10].split("-")
    if lang == "vi" and len(parts) == 3:
        return "/".join(reversed(parts))
    return iso[:10]
