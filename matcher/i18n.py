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
    """``x`` with grouped thousands: vi ``4.884,8``, en ``4,884.8``; a dash for no value."""
    if x is None or x != x:  # None or NaN
        return DASH
    s = f"{float(x):,.{decimals}f}"
    return s.translate(str.maketrans(",.", ".,")) if lang == "vi" else s


def fmt_percent(ratio, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """A ratio as a percentage: vi ``75,0%``, en ``75.0%``."""
    if ratio is None or ratio != ratio:
        return DASH
    return f"{fmt_number(100 * float(ratio), lang, decimals)}%"


def fmt_km(x, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    return DASH if x is None or x != x else f"{fmt_number(x, lang, decimals)} {t('km', lang)}"


def fmt_date(iso: str, lang: str = DEFAULT_LANG) -> str:
    """``2025-10-09`` as dd/mm/yyyy (vi) or as written (en, ISO)."""
    parts = iso[:10].split("-")
    if lang == "vi" and len(parts) == 3:
        return "/".join(reversed(parts))
    return iso[:10]
