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
    # ---- diagnosis ----
    "dx_title": {"vi": "Chẩn đoán: vì sao không lập được phương án", "en": "Diagnosis: why no plan is possible"},
    "dx_verdict_infeasible": {
        "vi": "Không có phương án nào thỏa mãn đồng thời mọi quy tắc; điều này đã được chứng minh.",
        "en": "No plan can meet every rule at once; this is proven.",
    },
    "dx_verdict_feasible": {
        "vi": "Mọi quy tắc có thể được thỏa mãn đồng thời: không có gì cần chẩn đoán.",
        "en": "Every rule can hold at once: there is nothing to diagnose.",
    },
    "dx_verdict_unknown": {
        "vi": "Bộ giải chưa xác định được trong thời gian cho phép liệu có phương án hay không.",
        "en": "The solver could not decide within the time limit whether a plan exists.",
    },
    "dx_findings": {"vi": "Nguyên nhân phát hiện qua kiểm tra nhanh", "en": "Causes found by quick checks"},
    "dx_conflict": {"vi": "Tập quy tắc mâu thuẫn tối thiểu", "en": "Minimal set of conflicting rules"},
    "dx_conflict_note": {
        "vi": "Các quy tắc dưới đây không thể cùng được thỏa mãn, kể cả khi mọi quy tắc khác được nới bỏ; "
              "bỏ bất kỳ một quy tắc nào trong số này thì các quy tắc còn lại của tập có thể cùng được thỏa mãn.",
        "en": "The rules below cannot all hold together, even with every other rule lifted; "
              "drop any one of them and the rest of the set can hold.",
    },
    "dx_conflict_not_minimal": {
        "vi": "Một số lần kiểm tra của bộ giải chưa có kết luận: tập này có thể chưa tối thiểu.",
        "en": "Some solver checks were undecided: this set may not be minimal.",
    },
    "dx_fixes": {"vi": "Cách khắc phục đã kiểm tra", "en": "Verified fixes"},
    "dx_fixes_note": {
        "vi": "Mỗi cách dưới đây được áp dụng riêng lẻ, giữ nguyên mọi quy tắc khác, và bộ giải đã tìm được phương án.",
        "en": "Each fix below is applied on its own, every other rule unchanged, and the solver found a plan with it.",
    },
    "dx_no_fix": {
        "vi": "Chỉ thay đổi quy tắc “{rule}” thì chưa đủ để có phương án.",
        "en": "Changing “{rule}” alone is not enough for a plan.",
    },
    "dx_no_fixes": {
        "vi": "Không có thay đổi đơn lẻ nào ở các quy tắc trên đủ để có phương án; "
              "cần thay đổi nhiều quy tắc cùng lúc.",
        "en": "No single change to these rules is enough for a plan; several must change together.",
    },
    "dx_info": {"vi": "Thông tin thêm (không phải nguyên nhân)", "en": "For information (not causes)"},
    "dx_checks": {
        "vi": "Số lần kiểm tra khả thi bằng bộ giải: {total} (tìm tập mâu thuẫn: {conflict}; "
              "kiểm tra cách khắc phục: {fixes}). Thời gian: {seconds} giây.",
        "en": "Feasibility checks by the solver: {total} (conflict search: {conflict}; fixes: {fixes}). "
              "Time: {seconds} s.",
    },
    "dx_unit": {"vi": "{name} ({code})", "en": "{name} ({code})"},
    "dx_pair": {"vi": "{lowland}–{remote}", "en": "{lowland}–{remote}"},
    "dx_more": {"vi": "và {n} đơn vị khác", "en": "and {n} more"},
    "dx_n_partners_one": {"vi": "{n} đơn vị kết nghĩa", "en": "{n} partner"},
    "dx_n_partners": {"vi": "{n} đơn vị kết nghĩa", "en": "{n} partners"},
    "dx_minutes": {"vi": "{n} phút", "en": "{n} min"},
    "dx_f_totals_remote": {
        "vi": "Các xã vùng sâu, vùng xa cần tổng cộng ít nhất {need} đơn vị kết nghĩa ({units}), "
              "nhưng các xã, phường đồng bằng chỉ được có tổng cộng tối đa {room} ({others}).",
        "en": "Remote communes need at least {need} partners in total ({units}), "
              "but lowland units may have at most {room} in total ({others}).",
    },
    "dx_f_totals_lowland": {
        "vi": "Các xã, phường đồng bằng cần tổng cộng ít nhất {need} đơn vị kết nghĩa ({units}), "
              "nhưng các xã vùng sâu, vùng xa chỉ được có tổng cộng tối đa {room} ({others}).",
        "en": "Lowland units need at least {need} partners in total ({units}), "
              "but remote communes may have at most {room} in total ({others}).",
    },
    "dx_f_nobody": {
        "vi": "{unit} cần ít nhất {partners} nhưng không có đơn vị nào ghép được "
              "(trong giới hạn, không bị cấm và chưa đủ số đơn vị kết nghĩa vì các cặp đã có).",
        "en": "{unit} needs at least {partners} but nobody can be paired with it "
              "(within the caps, not forbidden and not already full through existing pairs).",
    },
    "dx_f_too_few": {
        "vi": "{unit} cần ít nhất {partners} nhưng chỉ có {available} đơn vị ghép được "
              "(trong giới hạn, không bị cấm và chưa đủ số đơn vị kết nghĩa vì các cặp đã có).",
        "en": "{unit} needs at least {partners} but only {available} can be paired with it "
              "(within the caps, not forbidden and not already full through existing pairs).",
    },
    "dx_f_committed": {
        "vi": "Trong giới hạn có {units}, nhưng đã đủ số đơn vị kết nghĩa tối đa vì các cặp đã có.",
        "en": "Within the caps: {units}, but already at their maximum of partners through existing pairs.",
    },
    "dx_f_forbidden_near": {
        "vi": "Trong giới hạn có {units}, nhưng các cặp này bị cấm.",
        "en": "Within the caps: {units}, but these pairs are forbidden.",
    },
    "dx_f_nearest": {
        "vi": "Đơn vị gần nhất còn có thể ghép là {nearest}, cách {dist}.",
        "en": "The nearest unit that could still be paired is {nearest}, {dist} away.",
    },
    "dx_f_locked_over_max": {
        "vi": "{unit} có {n} cặp đã có phải giữ nguyên ({units}) nhưng chỉ được có tối đa {partners}.",
        "en": "{unit} has {n} existing pairs that must be kept ({units}) but may have at most {partners}.",
    },
    "dx_f_locked_over_capacity": {
        "vi": "Các cặp đã có của {unit} ({units}) có tổng tải {load}, vượt sức chứa {capacity}.",
        "en": "The existing pairs of {unit} ({units}) carry a load of {load}, above its capacity of {capacity}.",
    },
    "dx_f_locked_beyond_cap": {
        "vi": "Cặp đã có {pair} cách nhau {dist}, vượt giới hạn {cap}; các cặp đã có được miễn giới hạn này "
              "nên đây không phải nguyên nhân.",
        "en": "The existing pair {pair} is {dist} apart, beyond the cap of {cap}; existing pairs are exempt "
              "from the cap, so this is not a cause.",
    },
    "dx_r_min_partners": {"vi": "{unit} cần ít nhất {partners}", "en": "{unit} needs at least {partners}"},
    "dx_r_max_partners": {"vi": "{unit} chỉ được có tối đa {partners}", "en": "{unit} may have at most {partners}"},
    "dx_r_locked": {"vi": "giữ nguyên cặp đã có {pair}", "en": "keep the existing pair {pair}"},
    "dx_r_forbidden": {"vi": "cấm ghép cặp {pair}", "en": "the pair {pair} is forbidden"},
    "dx_r_distance_cap": {"vi": "giới hạn khoảng cách {dist}", "en": "distance cap {dist}"},
    "dx_r_minutes_cap": {"vi": "giới hạn thời gian di chuyển {dist}", "en": "travel time cap {dist}"},
    "dx_r_capacity": {"vi": "sức chứa của {unit} là {capacity}", "en": "capacity of {unit}: {capacity}"},
    "dx_x_distance_cap": {"vi": "nâng giới hạn khoảng cách lên {dist}", "en": "raise the distance cap to {dist}"},
    "dx_x_minutes_cap": {
        "vi": "nâng giới hạn thời gian di chuyển lên {dist}",
        "en": "raise the travel time cap to {dist}",
    },
    "dx_x_max_partners": {"vi": "cho phép {unit} có {partners}", "en": "allow {unit} {partners}"},
    "dx_x_min_partners": {
        "vi": "giảm số đơn vị kết nghĩa tối thiểu của {unit} xuống {n}",
        "en": "lower the minimum number of partners of {unit} to {n}",
    },
    "dx_x_min_partners_zero": {
        "vi": "cho phép {unit} không có đơn vị kết nghĩa",
        "en": "let {unit} have no partner",
    },
    "dx_x_locked": {"vi": "bỏ giữ nguyên cặp {pair}", "en": "unlock {pair}"},
    "dx_x_forbidden": {"vi": "cho phép ghép cặp {pair}", "en": "allow the pair {pair}"},
    "dx_x_capacity": {
        "vi": "nâng sức chứa của {unit} lên {capacity}",
        "en": "raise the capacity of {unit} to {capacity}",
    },
    "dx_x_checked": {"vi": "đã kiểm tra: có phương án", "en": "checked: a plan exists"},
    # ---- what-if and why ----
    "wi_title": {"vi": "Nếu thay đổi thì sao?", "en": "What if?"},
    "wi_force": {"vi": "Buộc kết nghĩa: {pair}", "en": "Force the pair: {pair}"},
    "wi_forbid": {"vi": "Không cho kết nghĩa: {pair}", "en": "Forbid the pair: {pair}"},
    "wi_release": {"vi": "Bỏ quy tắc của kịch bản với cặp: {pair}", "en": "Lift the scenario's rule on: {pair}"},
    "wi_possible": {
        "vi": "Có phương án giữ được mọi quy tắc với thay đổi này.",
        "en": "A plan keeps every rule with this change.",
    },
    "wi_impossible": {"vi": "Không thể thực hiện thay đổi này.", "en": "This change is impossible."},
    "wi_unknown": {"vi": "Chưa có kết luận.", "en": "Undecided."},
    "wi_cost": {"vi": "Chi phí theo từng bước tối ưu", "en": "Cost per objective stage"},
    "wi_before": {"vi": "Hiện tại", "en": "Now"},
    "wi_after": {"vi": "Sau thay đổi", "en": "With the change"},
    "wi_change": {"vi": "Chênh lệch", "en": "Difference"},
    "wi_no_cost": {
        "vi": "Không mất gì: mọi bước tối ưu giữ nguyên giá trị.",
        "en": "No cost: every objective stage keeps its value.",
    },
    "wi_moved": {"vi": "Các cặp thay đổi", "en": "Pairs that moved"},
    "wi_none_moved": {"vi": "Không có cặp nào thay đổi.", "en": "No pair moves."},
    "wi_added": {"vi": "Thêm: {pair}, {km}", "en": "New: {pair}, {km}"},
    "wi_removed": {"vi": "Bỏ: {pair}, {km}", "en": "Dropped: {pair}, {km}"},
    "wi_requested": {"vi": "theo yêu cầu", "en": "as requested"},
    "wi_notes": {"vi": "Ghi chú", "en": "Notes"},
    "wi_none": {"vi": "không có", "en": "none"},
    "wi_tag_existing": {"vi": "đã có", "en": "existing"},
    "wi_tag_forced": {"vi": "buộc", "en": "forced"},
    "wi_r_max": {
        "vi": "{unit} chỉ được có tối đa {max} đơn vị kết nghĩa, nhưng thay đổi này buộc {n}: {partners}.",
        "en": "{unit} may have at most {max} partner(s), but this change would force {n}: {partners}.",
    },
    "wi_r_min": {
        "vi": "{unit} cần ít nhất {min} đơn vị kết nghĩa, nhưng sau thay đổi này chỉ còn {n} đơn vị "
              "ghép được: {partners}.",
        "en": "{unit} needs at least {min} partner(s), but after this change only {n} can still be "
              "paired with it: {partners}.",
    },
    "wi_r_capacity": {
        "vi": "{unit} có sức chứa {cap}, nhưng các cặp bị buộc có tổng tải {load}.",
        "en": "{unit} has a capacity of {cap}, but the pairs it must keep carry a load of {load}.",
    },
    "wi_r_forbidden": {
        "vi": "Cặp {pair} bị cấm trong bảng cặp của kịch bản.",
        "en": "The pair {pair} is forbidden in the scenario's pairs table.",
    },
    "wi_r_locked": {
        "vi": "Cặp {pair} là cặp kết nghĩa đã có, phải giữ nguyên theo kịch bản.",
        "en": "The pair {pair} is an existing twinning, which the scenario keeps.",
    },
    "wi_r_general": {
        "vi": "Không có phương án nào giữ được mọi quy tắc với thay đổi này (đã chứng minh).",
        "en": "No plan keeps every rule with this change (proven).",
    },
    "wi_r_time": {
        "vi": "Bộ giải chưa tìm được phương án trong thời gian cho phép ({seconds} giây).",
        "en": "The solver found no plan within the time limit ({seconds} s).",
    },
    "wi_already_locked": {
        "vi": "{pair} đã là cặp kết nghĩa có sẵn.",
        "en": "{pair} is already an existing twinning.",
    },
    "wi_already_in_plan": {"vi": "{pair} đã có trong phương án.", "en": "{pair} is already in the plan."},
    "wi_not_in_plan": {
        "vi": "{n} cặp bị cấm vốn không có trong phương án hiện tại: {pairs}.",
        "en": "{n} forbidden pair(s) are not in the current plan anyway: {pairs}.",
    },
    "wi_dropped_partners": {"vi": "Đơn vị kết nghĩa bị bỏ", "en": "Partners dropped"},
    "wi_new_partners": {"vi": "Đơn vị kết nghĩa mới", "en": "New partners"},
    "wi_beyond_cap": {
        "vi": "{pair} cách nhau {km}, vượt giới hạn {cap}; cặp bị buộc được miễn giới hạn như các cặp đã có.",
        "en": "{pair} is {km} apart, beyond the cap of {cap}; a forced pair is exempt, like an existing twinning.",
    },
    "wi_reuse": {
        "vi": "Phương án hiện tại đã đáp ứng thay đổi này và vẫn tối ưu, nên không cần giải lại.",
        "en": "The current plan already meets this change and stays optimal, so no re-solve was needed.",
    },
    "wi_ties": {
        "vi": "Mọi bước giữ nguyên giá trị nhưng vẫn có cặp thay đổi: nhiều phương án tốt ngang nhau, "
              "các cặp này đổi chỗ mà không mất gì.",
        "en": "Every stage keeps its value, yet some pairs moved: several plans are equally good, "
              "and these pairs move at no cost.",
    },
    "wi_not_proven": {
        "vi": "Phương án mới chưa được chứng minh là tối ưu trong thời gian cho phép.",
        "en": "The new plan was not proven optimal within the time limit.",
    },
    "wi_workers": {
        "vi": "Bộ giải chạy {workers} luồng nên kết quả có thể khác giữa các lần chạy.",
        "en": "The solver ran {workers} workers, so results may differ between runs.",
    },
    "why_covers": {"vi": "Đáp ứng {domains}", "en": "Covers {domains}"},
    "why_covers_nothing": {
        "vi": "Không đáp ứng nhu cầu nào của xã",
        "en": "Covers none of the commune's need",
    },
    "why_sole": {"vi": "chỉ đơn vị này đáp ứng {domains}", "en": "the only partner covering {domains}"},
    "why_rank": {"vi": "gần thứ {rank}/{n}", "en": "distance rank {rank}/{n}"},
    "why_balance": {
        "vi": "bỏ cặp này thì mức đáp ứng thấp nhất giảm ({before} → {after})",
        "en": "without it the smallest coverage falls ({before} → {after})",
    },
    "why_shortfall": {
        "vi": "bỏ cặp này thì tổng nhu cầu chưa đáp ứng tăng ({before} → {after})",
        "en": "without it the total uncovered need rises ({before} → {after})",
    },
    "why_distance": {
        "vi": "bỏ cặp này thì tổng khoảng cách tăng thêm {delta} ({before} → {after})",
        "en": "without it the total distance grows by {delta} ({before} → {after})",
    },
    "why_sole_all": {"vi": "là đơn vị duy nhất đáp ứng các lĩnh vực này", "en": "the only partner covering them"},
    "why_tie": {
        "vi": "có phương án khác tốt ngang bằng mà không cần cặp này",
        "en": "an equally good plan exists without it",
    },
    "why_locked": {"vi": "cặp kết nghĩa đã có, được giữ nguyên", "en": "existing twinning, kept"},
    "why_required": {
        "vi": "bỏ cặp này thì không có phương án nào giữ được mọi quy tắc",
        "en": "without it no plan keeps every rule",
    },
    "why_unknown": {
        "vi": "chưa kết luận được khi bỏ cặp này (hết {seconds} giây)",
        "en": "undecided without it (the {seconds} s budget ran out)",
    },
    "why_better": {
        "vi": "bỏ cặp này lại tìm được phương án tốt hơn (phương án hiện tại chưa được chứng minh tối ưu)",
        "en": "without it a better plan was found (the current plan was not proven optimal)",
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
