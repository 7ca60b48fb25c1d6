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
    "assumption_geodesic": {
        "vi": "Khoảng cách là khoảng cách trắc địa (km) giữa các điểm trung tâm nhân hệ số đường đi {detour} "
              "(không có bảng khoảng cách đường bộ cho các cặp này).",
        "en": "Distances are geodesic km between the units' points x detour factor {detour} "
              "(no travel table for these pairs).",
    },
    "assumption_travel_table": {
        "vi": "Khoảng cách lấy từ bảng khoảng cách đường bộ nếu có, nếu không là khoảng cách trắc địa "
              "nhân hệ số đường đi {detour}.",
        "en": "Distances come from the travel table where given, else geodesic km x detour factor {detour}.",
    },
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
    "why": {"vi": "Vì sao chọn đơn vị này", "en": "Why this partner"},
    # ---- domains ------------------------------------------------------------------------
    "domain_it": {"vi": "Công nghệ thông tin", "en": "IT"},
    "domain_digital": {"vi": "Chuyển đổi số", "en": "Digital transformation"},
    "domain_planning": {"vi": "Quy hoạch", "en": "Planning"},
    "domain_construction": {"vi": "Xây dựng", "en": "Construction"},
    "domain_finance": {"vi": "Tài chính", "en": "Finance"},
    "domain_land": {"vi": "Đất đai", "en": "Land management"},
    # ---- review pack --------------------------------------------------------------------
    "pack_subtitle": {"vi": "Tài liệu trình xem xét", "en": "Review pack"},
    "pack_contents": {"vi": "Nội dung", "en": "Contents"},
    "pack_page": {"vi": "Trang {page}/{pages}", "en": "Page {page} of {pages}"},
    "pack_key_figures": {"vi": "Các chỉ số chính", "en": "Key figures"},
    "pack_n_new": {"vi": "Trong đó đề xuất mới", "en": "Of which new"},
    "pack_n_lowland": {"vi": "Số xã, phường đồng bằng", "en": "Lowland communes and wards"},
    "pack_n_remote": {"vi": "Số xã vùng sâu, vùng xa", "en": "Remote communes"},
    "pack_of_total": {"vi": "{part} trên tổng số {total}", "en": "{part} of {total}"},
    "pack_mode_evaluate": {
        "vi": "Tài liệu này đánh giá một phương án lập sẵn, không phải phương án do phần mềm đề xuất.",
        "en": "This pack assesses a given plan, not one proposed by the software.",
    },
    "pack_n_broken": {"vi": "Số quy tắc bị vi phạm", "en": "Rules broken"},
    "pack_assumptions_note": {
        "vi": "Kết quả phụ thuộc vào các giả định nêu ở trang {page}.",
        "en": "These results rest on the assumptions listed on page {page}.",
    },
    "pack_map": {"vi": "Bản đồ các cặp kết nghĩa", "en": "Map of the twinnings"},
    "pack_pairs": {"vi": "Danh sách các cặp kết nghĩa", "en": "List of twinnings"},
    "pack_pairs_note": {"vi": "Xếp theo tên xã vùng sâu, vùng xa.", "en": "Sorted by remote commune."},
    "pack_coverage": {
        "vi": "Mức đáp ứng nhu cầu cán bộ của từng xã vùng sâu, vùng xa",
        "en": "Staff need covered in each remote commune",
    },
    "pack_coverage_note": {"vi": "Xếp theo mức đáp ứng, từ thấp đến cao.", "en": "Sorted by coverage, lowest first."},
    "pack_locked": {"vi": "Các cặp kết nghĩa đã có được giữ nguyên", "en": "Existing twinnings kept"},
    "pack_locked_note": {
        "vi": "{n} cặp kết nghĩa đã có được giữ nguyên trong phương án.",
        "en": "{n} existing twinnings are kept in the plan.",
    },
    "pack_notes": {"vi": "Giả định, nguồn dữ liệu và lời giải", "en": "Assumptions, data sources and solution"},
    "pack_rules": {"vi": "Quy tắc ghép cặp", "en": "Pairing rules"},
    "pack_rule_distance": {
        "vi": "Khoảng cách tối đa giữa hai đơn vị kết nghĩa mới: {km} (không áp dụng cho các cặp đã có).",
        "en": "Longest distance allowed for a new pair: {km} (existing twinnings are exempt).",
    },
    "pack_rule_minutes": {
        "vi": "Thời gian di chuyển tối đa giữa hai đơn vị kết nghĩa mới: {minutes} phút "
        "(không áp dụng cho các cặp đã có).",
        "en": "Longest travel time allowed for a new pair: {minutes} minutes (existing twinnings are exempt).",
    },
    "pack_rule_lowland": {
        "vi": "Mỗi xã, phường đồng bằng kết nghĩa với {range} xã vùng sâu, vùng xa.",
        "en": "Each lowland commune or ward twins with {range} remote commune(s).",
    },
    "pack_rule_remote": {
        "vi": "Mỗi xã vùng sâu, vùng xa có {range} đơn vị kết nghĩa.",
        "en": "Each remote commune has {range} partner(s).",
    },
    "pack_range": {"vi": "từ {lo} đến {hi}", "en": "{lo} to {hi}"},
    "pack_warnings": {"vi": "Cảnh báo khi đọc dữ liệu", "en": "Warnings on the input data"},
    "pack_broken_rules": {"vi": "Quy tắc bị vi phạm", "en": "Rules broken"},
    "pack_none": {"vi": "Không có.", "en": "None."},
    "pack_stages": {"vi": "Các bước tối ưu của lời giải", "en": "Optimisation stages"},
    "pack_stage": {"vi": "Bước", "en": "Stage"},
    "pack_value": {"vi": "Giá trị đạt được", "en": "Value reached"},
    "pack_bound": {"vi": "Cận đã chứng minh", "en": "Proven bound"},
    "pack_solver": {"vi": "Phần mềm giải: {solver}", "en": "Solver: {solver}"},
    "pack_minutes": {"vi": "phút", "en": "min"},
    "stage_balance": {"vi": "Cân bằng: nâng mức đáp ứng thấp nhất", "en": "Balance: raise the smallest coverage"},
    "stage_shortfall": {"vi": "Giảm tổng nhu cầu chưa đáp ứng", "en": "Reduce the total uncovered need"},
    "stage_distance": {"vi": "Giảm tổng khoảng cách", "en": "Reduce the total distance"},
    "status_unknown": {"vi": "chưa xác định", "en": "unknown"},
    "status_infeasible": {"vi": "không khả thi", "en": "infeasible"},
    "pack_row": {"vi": "STT", "en": "No."},
    "pack_total": {"vi": "Tổng cộng", "en": "Total"},
    "pack_coverage_pct": {"vi": "Tỷ lệ đáp ứng", "en": "Coverage"},
    "pack_uncovered_by_domain": {"vi": "Nhu cầu chưa đáp ứng theo lĩnh vực", "en": "Uncovered need, by domain"},
    "pack_domains_covered": {"vi": "Lĩnh vực hỗ trợ (số cán bộ)", "en": "Domains covered (staff)"},
    "pack_continued": {"vi": "{title} (tiếp theo)", "en": "{title} (continued)"},
    # ---- web map ------------------------------------------------------------------------
    "wm_search": {"vi": "Tìm xã, phường theo tên…", "en": "Find a commune or ward by name…"},
    "wm_search_label": {"vi": "Tìm kiếm", "en": "Search"},
    "wm_no_match": {"vi": "Không tìm thấy đơn vị nào", "en": "No unit found"},
    "wm_layers": {"vi": "Lớp hiển thị", "en": "Layers"},
    "wm_boundaries": {"vi": "Ranh giới hành chính", "en": "Administrative boundaries"},
    "wm_labels": {"vi": "Tên đơn vị", "en": "Unit names"},
    "wm_legend": {"vi": "Chú giải", "en": "Legend"},
    "wm_zoom_in": {"vi": "Phóng to", "en": "Zoom in"},
    "wm_zoom_out": {"vi": "Thu nhỏ", "en": "Zoom out"},
    "wm_reset": {"vi": "Xem toàn bộ", "en": "Show everything"},
    "wm_close": {"vi": "Đóng", "en": "Close"},
    "wm_role": {"vi": "Vai trò", "en": "Role"},
    "wm_excluded": {"vi": "Không tham gia phương án", "en": "Not part of the plan"},
    "wm_no_partner": {"vi": "Chưa có đơn vị kết nghĩa", "en": "No partner"},
    "wm_no_data": {"vi": "không có số liệu", "en": "no data"},
    "wm_language": {"vi": "Ngôn ngữ", "en": "Language"},
    "wm_available": {"vi": "Hiện có", "en": "Available"},
    "wm_total": {"vi": "Tổng", "en": "Total"},
    "wm_plan": {"vi": "Thông tin phương án", "en": "About this plan"},
    "wm_hint": {
        "vi": "Bấm vào một xã, phường để xem chi tiết. Lăn chuột để phóng to, kéo để di chuyển.",
        "en": "Click a commune or ward for details. Scroll to zoom, drag to pan.",
    },
    "wm_lowland_labels": {
        "vi": "Tên xã, phường đồng bằng hiện khi phóng to hoặc rê chuột.",
        "en": "Lowland names appear when zoomed in or on hover.",
    },
    "wm_simplified": {
        "vi": "Ranh giới đã được đơn giản hoá (Douglas–Peucker, giữ topo) với dung sai {tol} m; chỉ để minh hoạ.",
        "en": "Boundaries simplified (Douglas–Peucker, topology preserved) with a tolerance of {tol} m; "
              "for illustration only.",
    },
    "wm_missing_polygons": {
        "vi": "{n} đơn vị không có ranh giới trong tệp và được thể hiện bằng điểm.",
        "en": "{n} units have no polygon in the boundaries file and are shown as points.",
    },
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
