"""The offline HTML map: one self-contained file, no network, clickable, searchable,
bilingual, and every input name shown as text, never run as markup.

The result folder is solved once per module; browser tests use the system Chromium through
playwright and are skipped (with the reason) when either is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.i18n import t
from matcher.io.resultdir import read_result_dir
from matcher.render.web import SIMPLIFY_TOLERANCE_M, json_for_script, render_html

REPO = Path(__file__).resolve().parents[2]
BOUNDARIES = REPO.parent / "shared" / "data" / "danang_2025" / "boundaries.geojson"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
MAX_BYTES = 3 * 1024 * 1024
TRA_LINH, AN_HAI = "20950", "20275"  # a remote commune and its (locked) lowland partner
HOSTILE = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
DATA_OPEN = '<script type="application/json" id="matcher-data">'


def data_block(html: str) -> tuple[str, str, dict]:
    """(html before the JSON block, html after it, the parsed JSON)."""
    start = html.index(DATA_OPEN) + len(DATA_OPEN)
    end = html.index("</script>", start)
    return html[:start], html[end:], json.loads(html[start:end])


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def result_dir(danang_result_dir) -> Path:
    """The Da Nang default, solved once per session (tests/conftest.py)."""
    return danang_result_dir


@pytest.fixture(scope="module")
def maps(runner, result_dir) -> dict[str, Path]:
    """The Da Nang default as HTML through ``matcher map``: points, and polygons if the
    boundaries file is there."""
    out = {}
    res = runner.invoke(app, ["map", str(result_dir), "--out", str(result_dir.parent / "points.html")])
    assert res.exit_code == 0, res.output
    out["points"] = result_dir.parent / "points.html"
    if BOUNDARIES.exists():
        target = result_dir.parent / "boundaries.html"
        res = runner.invoke(app, ["map", str(result_dir), "--out", str(target), "--boundaries", str(BOUNDARIES)])
        assert res.exit_code == 0, res.output
        out["boundaries"] = target
    return out


@pytest.fixture(scope="module")
def hostile_map(result_dir, tmp_path_factory) -> Path:
    """The result with Trà Linh renamed to a script tag, An Hải to an image with an
    onerror handler, and one name written in decomposed (NFD) Unicode."""
    copy = tmp_path_factory.mktemp("hostile") / "result"
    shutil.copytree(result_dir, copy)
    names = {TRA_LINH: HOSTILE, AN_HAI: HOSTILE_IMG}

    def rewrite(file: str, code_col: str, name_col: str) -> None:
        path = copy / file
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for code, name in names.items():
            frame.loc[frame[code_col] == code, name_col] = name
        frame.to_csv(path, index=False, encoding="utf-8-sig")

    rewrite("units.csv", "code", "name")
    rewrite("pairs.csv", "remote_code", "remote_name")
    rewrite("pairs.csv", "lowland_code", "lowland_name")
    rewrite("remote_summary.csv", "remote_code", "remote_name")
    rewrite("remote_summary.csv", "partners", "partner_names")
    rewrite("lowland_summary.csv", "lowland_code", "lowland_name")
    units = pd.read_csv(copy / "units.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    units.loc[units["name"] == "Hội An", "name"] = unicodedata.normalize("NFD", "Hội An")
    units.to_csv(copy / "units.csv", index=False, encoding="utf-8-sig")
    html = render_html(read_result_dir(copy), None, "vi")
    out = copy.parent / "hostile.html"
    out.write_text(html, encoding="utf-8")
    return out


# ---- the file --------------------------------------------------------------------------


def test_points_map_is_small_self_contained_and_says_no_boundaries(maps):
    html = maps["points"].read_text(encoding="utf-8")
    assert len(html.encode("utf-8")) <= MAX_BYTES
    _, _, data = data_block(html)
    assert data["meta"]["boundaries"] is False and data["polygons"] == []
    assert data["strings"]["no_boundaries"]["en"] == t("no_boundaries", "en")
    assert len(data["units"]) == 94 and len(data["pairs"]) == 60


def test_nothing_is_fetched_from_anywhere(maps):
    for html in (p.read_text(encoding="utf-8") for p in maps.values()):
        urls = set(re.findall(r"\bhttps?://[^\s\"'<>)]+", html))
        assert urls <= {"http://www.w3.org/2000/svg"}  # the SVG namespace, never requested
        targets = re.findall(r"""\b(?:src|href|action)\s*=\s*["']?([^"'\s>]*)""", html, re.I)
        assert all(x.startswith("data:") for x in targets), targets
        assert "@import" not in html and "url(" not in html and "fetch(" not in html
        assert "default-src 'none'" in html
        assert "DejaVu Sans" in html


@pytest.mark.skipif(not BOUNDARIES.exists(), reason=f"{BOUNDARIES} is not there")
def test_boundaries_map_is_under_3_mb_and_states_the_tolerance(maps):
    html = maps["boundaries"].read_text(encoding="utf-8")
    assert len(html.encode("utf-8")) <= MAX_BYTES
    _, _, data = data_block(html)
    assert data["meta"]["boundaries"] is True
    assert data["meta"]["tolerance_m"] == SIMPLIFY_TOLERANCE_M
    assert data["meta"]["missing_polygons"] == 0
    assert {p["code"] for p in data["polygons"]} >= {u["code"] for u in data["units"] if u["role"] != "excluded"}
    assert "{tol} m" in data["strings"]["wm_simplified"]["vi"]


def test_json_for_script_cannot_break_out_and_round_trips():
    value = {"name": HOSTILE + " & " + HOSTILE_IMG + " \u2028 </SCRIPT >"}
    text = json_for_script(value)
    assert not set(text) & {"<", ">", "&", "\u2028"}
    assert json.loads(text) == value


def test_hostile_names_are_data_not_markup(hostile_map):
    html = hostile_map.read_text(encoding="utf-8")
    before, after, data = data_block(html)
    assert HOSTILE not in html and HOSTILE_IMG not in html
    assert "alert(" not in before + after
    assert html.count("<script") == 2 and html.count("</script>") == 2
    names = {u["code"]: u["name"] for u in data["units"]}
    assert names[TRA_LINH] == HOSTILE and names[AN_HAI] == HOSTILE_IMG
    assert "Hội An" in names.values() and unicodedata.normalize("NFD", "Hội An") not in names.values()


def test_unknown_language_is_refused(result_dir):
    with pytest.raises(ValueError, match="language"):
        render_html(read_result_dir(result_dir), None, "fr")


def test_page_assets_are_package_data_read_with_importlib_resources():
    """issue 7: the page's HTML, CSS and JS are files in the package (so in the wheel), read with
    importlib.resources; the module holds no page strings."""
    from importlib.resources import files

    from matcher.render import web

    for name in web.ASSETS:
        text = files("matcher.render").joinpath("web", name).read_text(encoding="utf-8")
        assert text.strip() and web.asset(name) == text
    assert {"%%DATA%%", "%%SCRIPT%%", "%%STYLE%%", "%%CSP%%"} <= set(re.findall(r"%%[A-Z]+%%", web.asset("page.html")))
    assert "D.style.classes" in web.asset("map.js")
    with pytest.raises(ValueError, match="asset"):
        web.asset("../web.py")
    source = Path(web.__file__).read_text(encoding="utf-8")
    assert "<!DOCTYPE" not in source and "function (" not in source and len(source.splitlines()) <= 400


def test_a_placeholder_in_a_name_stays_a_name(result_dir):
    """issue 7: a unit named like a template placeholder (%%SCRIPT%%) is not filled in: the page is
    filled in one pass over the template, never over the data."""
    from dataclasses import replace

    view = read_result_dir(result_dir)
    units = view.units.copy()
    units.loc[units["code"] == TRA_LINH, "name"] = "%%SCRIPT%%"
    units.loc[units["code"] == AN_HAI, "name"] = "%%DATA%% %%STYLE%%"
    html = render_html(replace(view, units=units), None, "vi")
    _, after, data = data_block(html)
    names = {u["code"]: u["name"] for u in data["units"]}
    assert names[TRA_LINH] == "%%SCRIPT%%" and names[AN_HAI] == "%%DATA%% %%STYLE%%"
    assert html.count("<script") == 2 and "%%" not in after


@pytest.fixture(scope="module")
def repairs_map(result_dir, tmp_path_factory) -> Path:
    """The result with 166 repaired rows of one kind recorded in its summary."""
    from dataclasses import replace

    view = read_result_dir(result_dir)
    summary = {**view.summary, "warnings": ["units.csv: 166 codes typed as numbers were zero-padded (rows 2–167)"],
               "warning_details": [{"kind": "code_padded", "source": "units.csv", "count": 166,
                                    "message": "codes typed as numbers were zero-padded", "rows": [2, 167]}]}
    out = tmp_path_factory.mktemp("repairs") / "repairs.html"
    out.write_text(render_html(replace(view, summary=summary), None, "vi"), encoding="utf-8")
    return out


def test_repairs_travel_as_a_count(repairs_map, maps):
    """issue 7: the page gets the number of repairs, not the warning lines."""
    _, _, data = data_block(repairs_map.read_text(encoding="utf-8"))
    assert data["meta"]["repairs"] == 166
    # the page's string catalogue (every key, for the language toggle) may name the kind; the data may not
    assert "zero-padded" not in json.dumps({k: v for k, v in data.items() if k != "strings"})
    assert data_block(maps["points"].read_text(encoding="utf-8"))[2]["meta"]["repairs"] == 0


# ---- in the browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright python package is not installed")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A page with everything that must not happen recorded."""

    def __init__(self, browser, path: Path):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", self._request)
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("document.getElementById('figures').children.length > 0")

    def _request(self, request):
        if not request.url.startswith(("file:", "data:", "about:")):
            self.requests.append(request.url)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def click_unit(self, code: str) -> str:
        self.page.locator(f'circle[data-code="{code}"]').click()
        return self.panel()

    def panel(self) -> str:
        self.page.locator("#panel").wait_for(state="visible")
        return self.page.locator("#panel").inner_text()

    def assert_clean(self):
        assert self.errors == [] and self.requests == [] and self.dialogs == []


@pytest.fixture(params=["points", "boundaries"])
def page(request, browser, maps):
    if request.param not in maps:
        pytest.skip(f"{BOUNDARIES} is not there")
    p = Page(browser, maps[request.param])
    p.variant = request.param
    yield p
    p.page.close()


def test_page_opens_offline_clicks_searches_and_switches_language(page):
    pg = page.page
    assert pg.locator("#map circle").count() == 94
    assert pg.locator("#lines line").count() == 60
    if page.variant == "boundaries":
        assert pg.locator("#polys path").count() >= 93
        assert "50 m" in pg.locator("#foot").inner_text()
    else:
        assert t("no_boundaries", "vi") in pg.locator("#foot").inner_text()

    text = page.click_unit(TRA_LINH)
    assert "Trà Linh" in text and "An Hải" in text and TRA_LINH in text
    assert t("kind_locked", "vi") in text and t("uncovered", "vi") in text

    pg.locator("#close").click()
    pg.locator("#q").fill("tra linh")
    hit = pg.locator(f'#results button[data-code="{TRA_LINH}"]')
    hit.wait_for(state="visible")
    assert "Trà Linh" in hit.inner_text()
    pg.locator("#q").press("Enter")
    assert "Trà Linh" in page.panel()

    pg.locator("#q").fill("dong giang")  # đ folds to d
    assert "Đông Giang" in pg.locator("#results").inner_text()

    heading = pg.locator('[data-i18n="wm_layers"]')
    assert heading.inner_text().strip().lower() == t("wm_layers", "vi").lower()
    pg.locator('button[data-lang="en"]').click()
    assert heading.inner_text().strip().lower() == t("wm_layers", "en").lower()
    assert pg.evaluate("document.documentElement.lang") == "en"
    assert t("uncovered", "en") in page.panel()
    page.assert_clean()


def test_layers_toggle_and_zoom_keeps_working(page):
    pg = page.page
    new_lines = pg.locator("#lines line.new").first
    assert new_lines.is_visible()
    pg.locator('input[data-layer="new"]').uncheck()
    assert not new_lines.is_visible()
    assert pg.locator("#lines line.locked").first.is_visible()
    low_label = pg.locator("#labels text.role-lowland").first
    assert not low_label.is_visible()  # lowland names wait for a closer zoom
    for _ in range(3):
        pg.locator("#zin").click()
    pg.wait_for_timeout(100)
    assert pg.locator("#labels text.role-lowland:not(.off)").count() > 0
    page.assert_clean()


def test_hostile_names_show_as_text_in_the_browser(browser, hostile_map):
    p = Page(browser, hostile_map)
    try:
        text = p.click_unit(TRA_LINH)
        assert HOSTILE in text and HOSTILE_IMG in text
        assert p.page.locator("#panel h2").inner_text() == HOSTILE
        assert p.page.locator("img").count() == 0 and p.page.locator("script").count() == 2
        p.page.locator("#q").fill("script")
        assert HOSTILE in p.page.locator("#results").inner_text()
        p.page.locator("#q").fill("hoi an")
        assert "Hội An" in p.page.locator("#results").inner_text()
        p.assert_clean()
    finally:
        p.page.close()


def rgb(colour: str) -> str:
    """'#d73027' as the browser reports it: 'rgb(215, 48, 39)'."""
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def test_browser_uses_the_style_colours_and_shows_one_repairs_sentence(browser, repairs_map):
    """issue 7: legend, shading and pair lines use matcher.render.style's colours (sent as data); the footer
    carries one sentence about input repairs, in the language shown."""
    from matcher.render.style import COVERAGE_CLASSES, LOCKED_COLOUR, NEW_COLOUR

    p = Page(browser, repairs_map)
    try:
        pg = p.page
        swatches = pg.eval_on_selector_all("#bins .sw", "els => els.map(e => getComputedStyle(e).backgroundColor)")
        assert swatches[:len(COVERAGE_CLASSES)] == [rgb(c) for _, c in COVERAGE_CLASSES]
        stroke = "sel => getComputedStyle(document.querySelector(sel)).stroke"
        assert pg.evaluate(stroke, "#lines line.locked") == rgb(LOCKED_COLOUR)
        assert pg.evaluate(stroke, "#lines line.new") == rgb(NEW_COLOUR)
        foot = pg.locator("#foot").inner_text()
        assert foot.count(t("input_repairs", "vi", n="166")) == 1
        pg.locator('button[data-lang="en"]').click()
        foot = pg.locator("#foot").inner_text()
        assert foot.count(t("input_repairs", "en", n="166")) == 1 and "summary.json" in foot
        p.assert_clean()
    finally:
        p.page.close()


def test_popups_show_flags_the_runner_up_and_one_number_rule(page):
    """issue 11: a flagged pair's units wear a ring and their panel lists the flag; a remote commune's panel names
    each new pair's runner-up with its cost; every km in the panel follows the one rule (177 km, 34,6 km)."""
    pg = page.page
    assert pg.locator("circle.mk.flagged").count() == 8  # 1 pair with no staff, 3 locked beyond the cap: both ends
    ring = pg.evaluate("getComputedStyle(document.querySelector('circle.mk.flagged')).stroke")
    assert ring == rgb("#b2182b")
    text = page.click_unit(TRA_LINH)  # An Hải – Trà Linh: locked, 177 km against the 150 km cap
    assert t("flag_title", "vi").upper() in text.upper() or t("flag_title", "vi") in text
    assert "vượt giới hạn 150 km" in text and "177 km" in text
    assert re.search(r"\b\d{1,2} km\b", text) is None  # no "74 km" beside "53,8 km"
    pg.locator("#close").click()
    text = page.click_unit("20434")  # Tân Hiệp: a new pair, so a runner-up
    assert t("wm_alt", "vi").upper() in text.upper() and "nếu thay Hội An bằng" in text
    pg.locator('button[data-lang="en"]').click()
    assert "if " in page.panel() and " replaced Hội An: " in page.panel()
    page.assert_clean()
