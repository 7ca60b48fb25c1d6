"""Every string a map, web page or review pack shows, in Vietnamese and English.

``t(key, lang, **values)`` formats one. Vietnamese is the default language. A test checks
that every key has both languages, so nothing is hard-coded in one language only.
"""

from __future__ import annotations

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

STRINGS: dict[str, dict[str, str]] = {
    # ---- shared -----------------------------------------------------------------------
    "title": {"vi": "Đề xuất kết nghĩa xã, phường", "en": "Proposed commune twinning"},
    "scenario": {"vi": "Kịch bản: {name}", "en": "Scenario: {name}"},
    "date": {"vi": "Ngày lập: {date}", "en": "Prepared: {date}"},
    "lowland": {"vi": "Xã, phường đồng bằng (bên hỗ trợ)", "en": "Lowland commune/ward (giving)"},
    "remote": {"vi": "Xã vùng sâu, vùng xa (bên nhận)", "en": "Remote commune (receiving)"},
    "locked_pair": {"vi": "Cặp kết nghĩa đã có (giữ nguyên)", "en": "Existing twinning (kept)"},
    "new_pair": {"vi": "Cặp kết nghĩa đề xuất mới", "en": "Proposed new twinning"},
    "coverage": {"vi": "Mức đáp ứng nhu cầu cán bộ", "en": "Share of staff need covered"},
    "north": {"vi": "B", "en": "N"},
    "km": {"vi": "km", "en": "km"},
    "no_boundaries": {
        "vi": "Chưa có ranh giới hành chính chính thức: các đơn vị được thể hiện bằng điểm trung tâm.",
        "en": "Official boundaries were not supplied: units are shown as points.",
    },
    "boundaries_source": {"vi": "Ranh giới: {source}", "en": "Boundaries: {source}"},
    "sources": {"vi": "Nguồn dữ liệu", "en": "Data sources"},
    "assumptions": {"vi": "Giả định", "en": "Assumptions"},
    "inset": {"vi": "Khu vực đô thị trung tâm", "en": "Urban core"},
    "made_with": {"vi": "Lập bằng matcher {version}", "en": "Made with matcher {version}"},
    # ---- headline figures ---------------------------------------------------------------
    "n_pairs": {"vi": "Số cặp kết nghĩa", "en": "Pairs"},
    "n_locked": {"vi": "Trong đó đã có từ trước", "en": "Of which existing"},
    "min_coverage": {"vi": "Mức đáp ứng thấp nhất", "en": "Smallest coverage"},
    "total_shortfall": {"vi": "Tổng nhu cầu chưa đáp ứng", "en": "Total uncovered need"},
    "total_distance": {"vi": "Tổng khoảng cách", "en": "Total distance"},
    "longest_distance": {"vi": "Khoảng cách xa nhất", "en": "Longest distance"},
    "status": {"vi": "Trạng thái lời giải", "en": "Solution status"},
    "status_optimal": {"vi": "tối ưu (đã chứng minh)", "en": "optimal (proven)"},
    "status_feasible": {"vi": "khả thi (chưa chứng minh tối ưu)", "en": "feasible (not proven optimal)"},
    # ---- per-unit details ---------------------------------------------------------------
    "code": {"vi": "Mã", "en": "Code"},
    "name": {"vi": "Tên", "en": "Name"},
    "partners": {"vi": "Đơn vị kết nghĩa", "en": "Partners"},
    "distance": {"vi": "Khoảng cách", "en": "Distance"},
    "need": {"vi": "Nhu cầu", "en": "Need"},
    "covered": {"vi": "Đáp ứng", "en": "Covered"},
    "uncovered": {"vi": "Chưa đáp ứng", "en": "Uncovered"},
    "domain": {"vi": "Lĩnh vực", "en": "Domain"},
    "pair_kind": {"vi": "Loại", "en": "Kind"},
    "kind_locked": {"vi": "đã có", "en": "existing"},
    "kind_new": {"vi": "mới", "en": "new"},
    "staff": {"vi": "Cán bộ hỗ trợ", "en": "Staff seconded"},
    # ---- domains ------------------------------------------------------------------------
    "domain_it": {"vi": "Công nghệ thông tin", "en": "IT"},
    "domain_digital": {"vi": "Chuyển đổi số", "en": "Digital transformation"},
    "domain_planning": {"vi": "Quy hoạch", "en": "Planning"},
    "domain_construction": {"vi": "Xây dựng", "en": "Construction"},
    "domain_finance": {"vi": "Tài chính", "en": "Finance"},
    "domain_land": {"vi": "Đất đai", "en": "Land management"},
}


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
