"""Small helpers every renderer (static map, web map, review pack) uses on what it draws.

``printable``
    Text as it may be drawn: NFC, without C0/C1 control characters or U+FEFF. Validation
    refuses those in the inputs, but a hand-edited result folder can still carry them, and
    matplotlib's PDF writer fails on some (U+FEFF) while others give invalid SVG/XML.
``clean_view``
    A :class:`~matcher.io.resultdir.ResultView` whose every text cell and summary string is
    ``printable``.
``vi_sort_key``
    Vietnamese dictionary order of names (letters first, then tones).
``repairs_note``
    The one sentence about input repairs the pack and the maps show (in the page's language),
    or None when nothing was repaired.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..i18n import fmt_number, t

if TYPE_CHECKING:  # pragma: no cover
    from ..io.resultdir import ResultView

__all__ = ["clean", "clean_view", "printable", "repairs_count", "repairs_note", "vi_sort_key"]

# C0 controls except newline (kept: it separates lines in table cells), DEL, C1 controls, BOM
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff]")


def printable(value: Any) -> str:
    """``value`` as drawable text: NFC, CR LF as LF, tab as a space, every other C0/C1
    control character and U+FEFF removed; None is the empty string."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\t", " ")
    return unicodedata.normalize("NFC", _CONTROLS.sub("", text))


def clean(obj: Any) -> Any:
    """``printable`` applied to every string inside lists, tuples and dicts (keys too);
    other values unchanged."""
    if isinstance(obj, str):
        return printable(obj)
    if isinstance(obj, dict):
        return {clean(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    return obj


def _clean_frame(frame):
    from pandas.api.types import is_object_dtype, is_string_dtype

    out = frame.copy()
    for c in out.columns:
        if is_object_dtype(out[c].dtype) or is_string_dtype(out[c].dtype):
            out[c] = out[c].map(lambda v: printable(v) if isinstance(v, str) else v)
    out.columns = [printable(c) for c in out.columns]
    return out


def clean_view(view: ResultView) -> ResultView:
    """A copy of ``view`` whose text cells, column names and summary strings are ``printable``."""
    return replace(view, units=_clean_frame(view.units), pairs=_clean_frame(view.pairs),
                   remote=_clean_frame(view.remote), lowland=_clean_frame(view.lowland),
                   summary=clean(view.summary or {}))


def repairs_count(summary: dict | None) -> int:
    """How many input values were repaired or flagged: the sum of ``count`` over
    ``warning_details``, or the number of ``warnings`` lines in folders written before
    warnings were grouped."""
    summary = summary or {}
    details = summary.get("warning_details")
    if isinstance(details, list):
        n = 0
        for d in details:
            try:
                if isinstance(d, dict) and str(d.get("kind", "")).startswith("flag_"):
                    continue  # a flag of the plan (issue 11: matcher.analysis.flags), not an input repair
                n += max(int(d.get("count", 1)), 0) if isinstance(d, dict) else 1
            except (TypeError, ValueError):
                n += 1
        return n
    warnings = summary.get("warnings")
    return len(warnings) if isinstance(warnings, list) else 0


def repairs_note(summary: dict | None, lang: str) -> str | None:
    """"166 input values were repaired automatically (see summary.json)." or None."""
    n = repairs_count(summary)
    if not n:
        return None
    return t("input_repairs_one" if n == 1 else "input_repairs", lang, n=fmt_number(n, lang))


_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {c: i for i, c in enumerate(_ALPHABET)}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def vi_sort_key(name: str) -> tuple:
    """Vietnamese dictionary order: letters first (a ă â b c d đ e ê ...), tones second."""
    letters, tones = [], []
    for ch in printable(name).lower():
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", d[0] + "".join(m for m in d[1:] if m in _LETTER_MARKS))
        letters.append(-1 if ch.isspace() else _RANK.get(base, 100 + ord(base[0])))
        tones.append(next((_TONES[m] for m in d[1:] if m in _TONES), 0))
    return tuple(letters), tuple(tones)


_FILES = re.compile(r"(?<![\w/])[\w./-]*\w\.(?:py|csv|csvt|toml|xlsx|json|geojson|gpkg|shp)\b")
_COLUMNS = re.compile(r"\b(?:supply|need|staff|covered|uncovered)_[\w*]+(?:\s*/\s*(?:supply|need)_[\w*]+)*")


def committee_text(text: str, lang: str) -> str:
    """``text`` with file names and column names put in words ("the accompanying data files",
    "the staff figures by domain"), for everything a committee reads: the pack, the maps, the
    HTML map (issue 11)."""
    from ..i18n import t

    text = _COLUMNS.sub(t("pack_words_columns", lang), printable(text))
    return _FILES.sub(t("pack_words_files", lang), text)
