"""The one number rule (matcher.i18n): fixed point always, km with one decimal under 100 and none from
100 up, thousands grouped, percent without a decimal unless needed; the HTML map's port of it gives
the same strings, and the popups and the markdown use it."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.analysis.compare import fmt_stage
from matcher.i18n import fmt_km, fmt_number, fmt_percent
from matcher.render.web import asset

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=400, deadline=None)
@given(FLOATS, st.sampled_from(["vi", "en"]), st.integers(0, 3))
def test_no_scientific_notation_ever(x, lang, decimals):
    """issue 11: no 'e' in any formatted number, whatever the float (huge, tiny, inf, nan)."""
    for text in (fmt_number(x, lang, decimals), fmt_km(x, lang), fmt_percent(x, lang)):
        assert "e" not in text.replace("km", "").lower() or text == "–"


@settings(max_examples=400, deadline=None)
@given(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), st.sampled_from(["vi", "en"]))
def test_km_one_decimal_under_100_none_from_100(x, lang):
    """issue 11: km below 100 (as rounded) show one decimal, from 100 up none; vi groups with '.' and
    separates decimals with ','."""
    text = fmt_km(x, lang)
    assert text.endswith(" km")
    number = text[:-3]
    dec_sep, group = (",", ".") if lang == "vi" else (".", ",")
    whole, _, frac = number.lstrip("-").partition(dec_sep)
    value = float(whole.replace(group, "") + ("." + frac if frac else ""))
    if abs(round(x, 1)) < 100:
        assert len(frac) == 1
    else:
        assert frac == ""
        assert re.fullmatch(r"\d{1,3}(" + re.escape(group) + r"\d{3})*", whole)
    assert abs(value - abs(x)) <= (0.05 if frac else 0.5) + 1e-9


def test_the_examples_of_the_rule():
    """issue 11: vi 53,8 km / 177 km / 4.885 km; percent 75%, 72,7% only when needed (never 100% below 1)."""
    assert [fmt_km(v, "vi") for v in (53.84, 177.2, 4884.75, 99.96, 11510.0)] == [
        "53,8 km", "177 km", "4.885 km", "100 km", "11.510 km"]
    assert fmt_km(53.84, "en") == "53.8 km" and fmt_km(None) == "–"
    assert [fmt_percent(v, "vi") for v in (0.75, 0.7273, 0.999, 0.001, 1.0, 0.0)] == [
        "75%", "73%", "99,9%", "0,1%", "100%", "0%"]
    assert fmt_percent(0.751, "en", other=0.754) == "75.1%"
    assert fmt_km(4884.75, "vi", other=4884.80) == "4.884,75 km"  # two different figures never look the same
    assert fmt_stage("distance", "km", 11510.3, "en") == "11,510 km"
    assert fmt_stage("balance", "ratio", 0.75, "vi") == "75%"
    assert fmt_number(-0.01, "en", 1) == "0.0" and fmt_number(float("inf")) == "∞"


def _js_block() -> str:
    js = asset("map.js")
    start = js.index("// ---- numbers: the one rule")
    return js[start:js.index("// ---- end of numbers")]


VALUES = [0.0, 0.04, 0.05, 0.25, 0.35, 2.5, 3.5, 53.84, 74.0, 99.94, 99.96, 100.0, 100.5, 101.5, 152.2, 177.2,
          999.5, 1234.5, 4884.75, 11510.3, 1e15, 1e22, -3.25, -0.01, 12345678.9]
RATIOS = [0.0, 0.001, 0.005, 0.25, 0.5, 0.6667, 0.7273, 0.75, 0.999, 0.9999, 1.0]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_map_script_formats_like_python():
    """issue 11: the HTML map's port of the rule (map.js) gives exactly Python's strings, in both languages."""
    code = ("var lang = 'vi'; function t(k) { return 'km'; }\n" + _js_block() + "\nvar out = {};\n"
            f"var V = {json.dumps(VALUES)}, R = {json.dumps(RATIOS)};\n"
            "['vi', 'en'].forEach(function (L) { out[L] = {km: V.map(function (x) { return fmtKm(x, L); }),"
            " n1: V.map(function (x) { return fmtNumber(x, 1, L); }),"
            " n0: V.map(function (x) { return fmtNumber(x, 0, L); }),"
            " pct: R.map(function (r) { return fmtPct(r, L); })}; });\nconsole.log(JSON.stringify(out));\n")
    run = subprocess.run(["node", "-e", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    for lang in ("vi", "en"):
        assert got[lang]["km"] == [fmt_km(x, lang) for x in VALUES]
        assert got[lang]["n1"] == [fmt_number(x, lang, 1) for x in VALUES]
        assert got[lang]["n0"] == [fmt_number(x, lang, 0) for x in VALUES]
        assert got[lang]["pct"] == [fmt_percent(r, lang) for r in RATIOS]


def _data(html: str) -> dict:
    opening = '<script type="application/json" id="matcher-data">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start:html.index("</script>", start)])


def test_html_popups_and_markdown_use_the_rule(danang_result_dir):
    """issue 11: the map's data carries every pair's km, each coverage and the figures formatted by fmt_km/fmt_percent;
    the what-if markdown's distances follow the rule too."""
    from matcher.io.resultdir import read_result_dir
    from matcher.render.web import render_html

    view = read_result_dir(danang_result_dir)
    data = _data(render_html(view, None, "vi"))
    for p, row in zip(data["pairs"], view.pairs.to_dict("records"), strict=True):
        assert p["km_text"] == {"vi": fmt_km(row["distance_km"], "vi"), "en": fmt_km(row["distance_km"], "en")}
    texts = [p["km_text"]["vi"] for p in data["pairs"]]
    assert all(re.fullmatch(r"\d{1,2},\d km", x) or re.fullmatch(r"\d{3} km", x) for x in texts)
    assert data["meta"]["figures"]["longest_distance_km"]["vi"] == "177 km"
    assert all(math.isfinite(r["ratio"]) and r["ratio_text"]["vi"] == fmt_percent(r["ratio"], "vi")
               for r in data["remote"].values())

    from matcher.render.text import _dist

    assert _dist(53.84, "vi") == "53,8 km" and _dist(126, "en") == "126 km"  # the diagnosis and what-if words
