"""Write the office-style fixtures of this folder (issue 9). Run: ``python tests/data/office/build.py``.

Names, codes, coordinates and figures are illustrative (shaped like a Thanh Hóa table), not
registry facts (the remote units are placed nearer than they are, so the table solves under
the default 150 km cap). ``thanh_hoa.xlsx`` is laid out as a provincial office keeps it; ``thanh_hoa.csv``
is the same table in matcher's own columns: both must read to the same Problem.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

VI_HEADER = ["STT", "Mã", "Tên", "Loại", "Vai trò", "Kinh độ", "Vĩ độ", "Dân số (người)", "Diện tích (km²)",
             "Số CB hỗ trợ - CNTT", "Số CB hỗ trợ - Đất đai", "Nhu cầu CB - CNTT", "Nhu cầu CB - Đất đai", "Ghi chú"]
EN_HEADER = ["stt", "code", "name", "type", "role", "lon", "lat", "population", "area_km2",
             "supply_it", "supply_land", "need_it", "need_land", "note"]
# stt, code, name, type, role word (vi), role (en), lon, lat, population, area, supply it/land, need it/land, note
UNITS = [
    (1, 14755, "Hạc Thành", "Phường", "Đồng bằng", "lowland", 105.7764, 19.8075, 182000, 57.4, 3, 2, None, None, ""),
    (2, 15001, "Thọ Xuân", "Xã", "đồng bằng", "lowland", 105.5312, 19.9268, 41000, 46.2, 2, None, None, None,
     "đã kết nghĩa 2024"),
    (3, 14971, "Sầm Sơn", "Phường", "Hỗ trợ", "lowland", 105.9043, 19.7411, 62000, 44.9, None, 1, None, None, ""),
    (4, 15448, "Quan Sơn", "Xã", "Vùng sâu, vùng xa", "remote", 105.2521, 20.1018, 9800, 210.5, None, None, 2, 1,
     "huyện nghèo (cũ)"),
    (5, 14803, "Mường Lát", "Xã", "vùng sâu, vùng xa", "remote", 105.3072, 20.2251, 7600, 172.4, None, None, 1, None,
     ""),
    (6, 15472, "Na Mèo", "Xã", "Nhận hỗ trợ", "remote", 105.3477, 20.0533, 5400, 98.3, None, None, None, 2,
     "giáp biên giới"),
]


def _text(v) -> str:
    return "" if v is None else str(v)


def official_workbook(path: Path) -> None:
    """Two title rows, Vietnamese headers and words, blanks for zero, numeric codes, a Tổng cộng row with =SUM."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["DANH SÁCH ĐƠN VỊ HÀNH CHÍNH CẤP XÃ THAM GIA KẾT NGHĨA"])
    ws.append(["(Kèm theo Kế hoạch của UBND tỉnh Thanh Hóa — số liệu minh họa)"])
    ws.merge_cells("A1:N1")
    ws.merge_cells("A2:N2")
    ws.append(VI_HEADER)
    for u in UNITS:
        ws.append([u[0], u[1], u[2], u[3], u[4], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14] or None])
    last = 3 + len(UNITS)
    ws.append([None, None, "Tổng cộng", None, None, None, None, f"=SUM(H4:H{last})", None]
              + [f"=SUM({c}4:{c}{last})" for c in "JKLM"])
    wb.save(path)


def clean_csv(path: Path) -> None:
    """The same table in matcher's own column names, roles in English, zeros typed."""
    lines = [",".join(EN_HEADER)]
    for u in UNITS:
        row = [u[0], u[1], u[2], u[3], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14]]
        lines.append(",".join(_text(v) for v in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def pairs_files() -> None:
    """Existing and forbidden pairs by name with giữ / cấm (office), and by code (clean)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Cặp"
    ws.append(["CÁC CẶP KẾT NGHĨA ĐÃ CÓ VÀ CẶP KHÔNG GHÉP"])
    ws.append(["Xã đồng bằng", "Xã vùng sâu, vùng xa", "Trạng thái", "Ghi chú"])
    ws.append(["Thọ Xuân", "Quan Sơn", "Giữ", "đã kết nghĩa 2024"])
    ws.append(["sam son", "Muong Lat", "cấm", ""])
    wb.save(HERE / "thanh_hoa_pairs.xlsx")
    (HERE / "thanh_hoa_pairs.csv").write_text(
        "lowland_code,remote_code,status,note\n15001,15448,locked,đã kết nghĩa 2024\n14971,14803,forbidden,\n",
        encoding="utf-8")


def csv_variants() -> None:
    """The clean table as Vietnamese-locale Excel saves it (';', decimal comma) and as UTF-16."""
    text = (HERE / "thanh_hoa.csv").read_text(encoding="utf-8")
    semi = [";".join(c.replace(".", ",") if c.replace(".", "").isdigit() and "." in c else c
                     for c in line.split(",")) for line in text.splitlines()]
    (HERE / "thanh_hoa_semicolon.csv").write_bytes(("\r\n".join(semi) + "\r\n").encode("utf-8-sig"))
    (HERE / "thanh_hoa_utf16.csv").write_bytes(text.encode("utf-16"))


def bad_files() -> None:
    """One bad file per new failure mode (see README.md)."""
    header = ["Mã", "Tên", "Vai trò", "Vĩ độ", "Kinh độ", "Nhu cầu CB - CNTT", "Số CB hỗ trợ - CNTT"]
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    ws.append(["14755", "Hạc Thành", "đồng bằng", 19.8075, 105.7764, None, 2])
    ws.append([dt.datetime(2024, 5, 1), "Thọ Xuân", "đồng bằng", 19.9268, 105.5312, None, 1])
    ws.append(["15448", "Quan Sơn", "vùng sâu, vùng xa", 20.2418, 104.9121, 2, None])
    wb.save(HERE / "bad_date_in_code.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    ws.append(["14755", "Hạc Thành", "đồng bằng", 19.8075, 105.7764, None, 2])
    ws.append(["15448", "Quan Sơn", "vùng sâu, vùng xa", 20.2418, 104.9121, "=1+1", None])
    wb.save(HERE / "bad_formula_no_value.xlsx")

    (HERE / "bad_no_header.csv").write_text(
        "Danh sách xã,,,,\nSố hiệu,Đơn vị HC,Nhóm xã,Toạ độ Y,Toạ độ X\n14755,Hạc Thành,đồng bằng,19.8,105.7\n",
        encoding="utf-8")
    (HERE / "bad_alias_twice.csv").write_text(
        "Mã,code,Tên,Vai trò,Vĩ độ,Kinh độ\n14755,14755,Hạc Thành,đồng bằng,19.8,105.7\n", encoding="utf-8")
    (HERE / "same_names.csv").write_text(
        "code,name,role,lat,lon,province,supply_it,need_it\n"
        "14755,Tân Lập,lowland,19.80,105.77,Thanh Hóa,2,\n"
        "09001,Tân Lập,lowland,21.30,105.20,Phú Thọ,1,\n"
        "15448,Quan Sơn,remote,20.24,104.91,Thanh Hóa,,2\n", encoding="utf-8")
    (HERE / "bad_pairs_ambiguous_name.csv").write_text(
        "lowland_code,remote_code,status\nTân Lập,Quan Sơn,giữ\n", encoding="utf-8")

    wb = Workbook()  # a stale hidden first sheet, the visible current one active
    stale = wb.active
    stale.title = "Cũ"
    stale.append(["code", "name", "role", "lat", "lon", "supply_it", "need_it"])
    stale.append(["14755", "Hạc Thành", "lowland", 19.8075, 105.7764, 1, None])
    stale.sheet_state = "hidden"
    current = wb.create_sheet("Mới")
    current.append(["code", "name", "role", "lat", "lon", "supply_it", "need_it"])
    for code, name, role, lat, lon, s, n in (("14755", "Hạc Thành", "lowland", 19.8, 105.7, 2, None),
                                             ("15001", "Thọ Xuân", "lowland", 19.9, 105.5, 1, None),
                                             ("15448", "Quan Sơn", "remote", 20.2, 104.9, None, 2)):
        current.append([code, name, role, lat, lon, s, n])
    current.row_dimensions[3].hidden = True
    wb.active = 1
    wb.save(HERE / "hidden_sheet.xlsx")


if __name__ == "__main__":
    official_workbook(HERE / "thanh_hoa.xlsx")
    clean_csv(HERE / "thanh_hoa.csv")
    pairs_files()
    csv_variants()
    bad_files()
