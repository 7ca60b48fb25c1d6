"""The words offices write: Vietnamese column names, domain names, role and status words.

Every comparison is made on :func:`fold` of the text: NFC, case-folded, without diacritics
(``đ`` as ``d``), punctuation between words as one space, so ``Mã ĐVHC``, ``MA DVHC`` and
``mã đvhc`` are one header, and ``Vùng sâu, vùng xa`` is ``vung sau vung xa``.

:func:`machine_name` maps a header to the name the readers use (``code``, ``supply_it``, …)
or ``None`` for a column matcher does not know (it is kept as it is, lower-case);
:func:`find_header` picks the header row under title rows.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import PairStatus, Role

HEADER_SCAN_ROWS = 15  # the header is looked for in this many rows from the top
MIN_HEADER_MATCHES = 2  # a row naming fewer known columns is not taken as the header


def fold(text: str) -> str:
    """``'Vùng sâu, vùng xa'`` -> ``'vung sau vung xa'``: no case, no diacritics, no punctuation runs."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").casefold()
    text = re.sub(r"[\s,;./\\|'\"’`()\[\]]+", " ", text)
    return text.strip()


def _folded(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {fold(alias): name for name, aliases in table.items() for alias in (name, *aliases)}


# ---- domains ---------------------------------------------------------------------------

DOMAIN_WORDS = _folded({
    "it": ("công nghệ thông tin", "CNTT", "tin học"),
    "digital": ("chuyển đổi số", "CĐS"),
    "planning": ("quy hoạch",),
    "construction": ("xây dựng",),
    "finance": ("tài chính", "tài chính - kế toán", "kế toán"),
    "land": ("đất đai", "địa chính", "quản lý đất đai"),
    "budget": ("ngân sách", "kinh phí"),
})


def domain_name(text: str) -> str:
    """``'CNTT'`` -> ``'it'``; a domain matcher does not know becomes a slug (``'Y tế'`` -> ``'y_te'``)."""
    key = fold(text)
    return DOMAIN_WORDS.get(key) or re.sub(r"[^0-9a-z]+", "_", key).strip("_")


SUPPLY_PREFIXES = {fold(p) for p in (
    "supply", "số CB hỗ trợ", "số cán bộ hỗ trợ", "CB hỗ trợ", "cán bộ hỗ trợ", "số CB cử", "CB cử", "hỗ trợ",
    "khả năng hỗ trợ", "số CB có thể cử")}
NEED_PREFIXES = {fold(p) for p in (
    "need", "nhu cầu CB", "nhu cầu cán bộ", "nhu cầu", "số CB cần", "CB cần", "cần CB", "số cán bộ cần")}

# ---- columns ---------------------------------------------------------------------------

COLUMN_ALIASES = _folded({
    "code": ("mã", "mã ĐVHC", "mã xã", "mã đơn vị", "mã đơn vị hành chính", "mã số", "ma_xa"),
    "name": ("tên", "tên ĐVHC", "tên xã", "tên đơn vị", "tên đơn vị hành chính", "đơn vị", "xã, phường"),
    "role": ("vai trò", "vai trò kết nghĩa", "nhóm", "phân loại"),
    "lat": ("vĩ độ", "latitude", "vĩ độ (N)"),
    "lon": ("kinh độ", "longitude", "lng", "kinh độ (E)"),
    "min_partners": ("số đối tác tối thiểu", "đối tác tối thiểu", "tối thiểu"),
    "max_partners": ("số đối tác tối đa", "đối tác tối đa", "tối đa"),
    "capacity": ("sức chứa", "khả năng tiếp nhận"),
    "lowland_code": ("mã xã đồng bằng", "mã đồng bằng", "xã đồng bằng", "đơn vị đồng bằng", "mã xã hỗ trợ",
                     "xã hỗ trợ", "đơn vị hỗ trợ", "lowland"),
    "remote_code": ("mã xã vùng sâu vùng xa", "mã vùng sâu vùng xa", "xã vùng sâu vùng xa", "mã xã nhận hỗ trợ",
                    "xã nhận hỗ trợ", "đơn vị nhận hỗ trợ", "xã miền núi", "remote"),
    "status": ("trạng thái", "tình trạng"),
    "km": ("khoảng cách", "khoảng cách (km)", "quãng đường", "quãng đường (km)", "cự ly", "cự ly (km)"),
    "minutes": ("phút", "thời gian (phút)", "thời gian di chuyển (phút)", "thời gian"),
    # the planner's own columns, kept on every unit under these names
    "stt": ("số thứ tự", "tt"),
    "type": ("loại", "loại đơn vị", "loại ĐVHC", "loại hình", "cấp"),
    "province": ("tỉnh", "tỉnh/thành phố", "tỉnh/TP", "tỉnh thành", "tỉnh, thành phố"),
    "province_code": ("mã tỉnh",),
    "population": ("dân số", "dân số (người)", "số dân"),
    "area_km2": ("diện tích", "diện tích (km²)", "diện tích (km2)", "diện tích km2"),
    "note": ("ghi chú",),
})

_SPLIT = re.compile(r"\s*[-–—:]\s*|_")


def machine_name(header: str) -> str | None:
    """The reader's name for ``header`` (``'Nhu cầu CB - Đất đai'`` -> ``'need_land'``), else None."""
    key = fold(header)
    if key in COLUMN_ALIASES:
        return COLUMN_ALIASES[key]
    bare = fold(re.sub(r"\([^)]*\)", " ", str(header)))  # 'Dân số (người)' -> 'dan so'
    if bare in COLUMN_ALIASES:
        return COLUMN_ALIASES[bare]
    parts = _SPLIT.split(str(header).strip(), maxsplit=1)
    if len(parts) == 2 and parts[1].strip():
        prefix = fold(parts[0])
        kind = "supply" if prefix in SUPPLY_PREFIXES else "need" if prefix in NEED_PREFIXES else None
        if kind and domain_name(parts[1]):
            return f"{kind}_{domain_name(parts[1])}"
    return None


def header_names(cells: list[str]) -> list[tuple[str, bool]]:
    """Each header cell's name and whether it was an alias (read under another name than its own)."""
    from .tables import CONTROL, LINE_BREAK

    out = []
    for raw in cells:
        own = unicodedata.normalize("NFC", str(raw)).strip().lower()
        bad = CONTROL.search(str(raw)) or LINE_BREAK.search(str(raw).strip())
        if bad:  # a header with a control character is kept as it is, to be refused by the text check
            out.append((unicodedata.normalize("NFC", str(raw)).strip(" ").lower(), False))
            continue
        name = machine_name(raw)
        out.append((name, name != own) if name else (own, False))
    return out


def header_score(cells: list[str]) -> int:
    """How many cells of a row name a column matcher knows."""
    return len({machine_name(c) for c in cells if str(c).strip()} - {None})


def find_header(grid: list[list[str]]) -> tuple[int, int]:
    """``(index, score)`` of the row naming the most known columns among the first rows.

    On a tie the lower row wins (a machine-name row under a Vietnamese one). A best score
    below :data:`MIN_HEADER_MATCHES` means no header was recognised: the caller keeps the
    first row and says which row looks like one (:func:`looks_like_header`)."""
    best, score = 0, -1
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        s = header_score(row)
        if s >= score and s > 0:
            best, score = i, s
    return (best, max(score, 0)) if score >= MIN_HEADER_MATCHES else (0, max(score, 0))


def two_row_header(top: list[str], sub: list[str]) -> list[str] | None:
    """A group header over sub-headers (``Số CB hỗ trợ`` merged over ``CNTT | Đất đai``) as one row
    (``Số CB hỗ trợ - CNTT``), when that names more known columns than ``top`` alone; else None."""
    if not any(str(c).strip() for c in sub) or any(re.fullmatch(r"[-+]?[\d.,]+", str(c).strip()) for c in sub):
        return None
    width = max(len(top), len(sub))
    top = [str(c) for c in top] + [""] * (width - len(top))
    sub = [str(c) for c in sub] + [""] * (width - len(sub))
    out, group = [], ""
    for t, b in zip(top, sub, strict=True):
        if t.strip():
            group = t.strip()
        elif not b.strip():
            group = ""
        out.append(f"{group} - {b.strip()}" if b.strip() and group else (t or b))
    return out if header_score(out) > header_score(top) else None


def looks_like_header(grid: list[list[str]]) -> int | None:
    """The index of the first row with the most non-empty text (not number) cells, if any."""
    def texts(row):
        return sum(1 for c in row if str(c).strip() and not re.fullmatch(r"[-+]?[\d.,]+", str(c).strip()))

    counts = [texts(r) for r in grid[:HEADER_SCAN_ROWS]]
    if not counts or max(counts) < 2:
        return None
    return counts.index(max(counts))


# ---- rows and values -------------------------------------------------------------------

TOTAL_WORDS = {fold(w) for w in ("tổng cộng", "tổng", "cộng", "tổng số", "total", "totals", "grand total",
                                 "sum", "cộng chung", "tổng hợp")}


def is_total(cell: str) -> bool:
    """A cell saying the row is a totals row (``Tổng cộng``, ``Cộng:``, ``Total``)."""
    return 0 < len(cell) <= 20 and not any(ch.isdigit() for ch in cell) and fold(cell) in TOTAL_WORDS


ROLE_WORDS = _folded({
    Role.LOWLAND.value: ("đồng bằng", "hỗ trợ", "xã hỗ trợ", "đơn vị hỗ trợ", "bên hỗ trợ", "xã đồng bằng"),
    Role.REMOTE.value: ("vùng sâu, vùng xa", "vùng sâu vùng xa", "vùng sâu", "vùng xa", "nhận hỗ trợ",
                        "được hỗ trợ", "xã nhận hỗ trợ", "miền núi", "xã miền núi", "vùng khó khăn"),
    Role.EXCLUDED.value: ("không tham gia", "loại trừ", "bỏ qua", "loại"),
})

STATUS_WORDS = _folded({
    PairStatus.LOCKED.value: ("giữ", "khóa", "khoá", "giữ nguyên", "đã kết nghĩa", "hiện có", "existing", "lock"),
    PairStatus.FORBIDDEN.value: ("cấm", "không ghép", "không được ghép", "forbid"),
})


def role_word(text: str) -> Role | None:
    """``'Vùng sâu, vùng xa'`` -> ``Role.REMOTE``; None for a word that is not a role."""
    value = ROLE_WORDS.get(fold(text))
    return Role(value) if value else None


def status_word(text: str) -> PairStatus | None:
    """``'giữ'`` -> ``PairStatus.LOCKED``, ``'cấm'`` -> ``PairStatus.FORBIDDEN``; else None."""
    value = STATUS_WORDS.get(fold(text))
    return PairStatus(value) if value else None
