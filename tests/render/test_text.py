"""matcher.render.text: the words of diagnoses and what-ifs, from plain data, without the engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from matcher.analysis.compare import Moved, StageCost
from matcher.analysis.findings import Diagnosis, Finding, Fix, Rule
from matcher.analysis.whatif import Said, WhatIf
from matcher.model import STAGES
from matcher.render.text import (
    diagnosis_dict,
    diagnosis_markdown,
    fmt_stage,
    md_escape,
    rule_text,
    stage_label,
    whatif_markdown,
)

REPO = Path(__file__).resolve().parents[2]


def test_render_text_never_imports_the_engine():
    """issue 7: importing matcher.render.text (and the diagnosis data it reads) loads no ortools,
    checked transitively in a fresh interpreter."""
    code = ("import sys, matcher.render.text, matcher.analysis.findings, matcher.analysis.compare; "
            "bad = sorted({m.split('.')[0] for m in sys.modules} & {'ortools', 'highspy', 'pandas'}); "
            "eng = [m for m in sys.modules if m.startswith('matcher.engine')]; "
            "print(bad + eng); sys.exit(1 if bad or eng else 0)")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr


def _diagnosis(**kw) -> Diagnosis:
    cap = Rule("distance_cap", (), 80)
    least = Rule("min_partners", ("20950",), 1)
    finding = Finding("no_partner", True, ("20950",), {
        "unit": "20950", "min": 1, "available": 0, "committed": (), "forbidden_near": (),
        "nearest": "20506", "nearest_km": 125.4}, (least, cap))
    base = dict(scenario="Thử *nghiệm*", status="infeasible", lang="en", findings=(finding,),
                conflict=(cap, least), fixes=(Fix(cap, 126, "optimal", 3),),
                names={"20950": "Trà_Linh [x]", "20506": "Sơn Trà"}, n_rules=5, calls_conflict=4, calls_fixes=3)
    return Diagnosis(**{**base, **kw})


def test_diagnosis_markdown_from_plain_data_escapes_names():
    """A diagnosis built by hand (no solver) reads as sentences; Markdown in names is escaped."""
    md = diagnosis_markdown(_diagnosis(), "en")
    assert md.startswith("# Diagnosis: why no plan is possible")
    assert "Trà\\_Linh \\[x\\] (20950)" in md and "Thử \\*nghiệm\\*" in md
    assert "distance cap 80.0 km" in md and "126 km" in md  # issue 11: one decimal under 100 km
    vi = diagnosis_markdown(_diagnosis(), "vi")
    assert "nâng giới hạn khoảng cách lên 126 km" in vi
    with pytest.raises(ValueError):
        diagnosis_markdown(_diagnosis(), "fr")


def test_diagnosis_dict_keeps_names_plain_and_counts_calls():
    """The JSON text is not Markdown-escaped; the calls add up; to_dict carries no sentences."""
    d = _diagnosis()
    data = diagnosis_dict(d, "en")
    assert data["conflict"][0]["text"] == "distance cap 80.0 km"
    assert "Trà_Linh [x] (20950)" in data["findings"][0]["text"]
    assert data["feasibility_calls"] == {"total": 7, "conflict": 4, "fixes": 3, "undecided": 0}
    assert d.to_dict()["lang"] == "en" and "text" not in d.to_dict()["conflict"][0]
    assert rule_text(Rule("locked", ("20950", "20506")), d.names, "en", md_escape).count("\\_") == 1


def test_md_escape():
    """Every Markdown special character is backslash-escaped, other text kept."""
    assert md_escape("a*b_c[d]<e>#|~`\\") == "a\\*b\\_c\\[d\\]\\<e\\>\\#\\|\\~\\`\\\\"
    assert md_escape("Sơn Trà") == "Sơn Trà"


def test_fmt_stage_units_and_decimals():
    """Ratio with 2 decimals, need units as integers, km and minutes with their unit; more
    decimals only when needed to tell two figures apart (beyond the stage's eps)."""
    assert fmt_stage("balance", "ratio", 0.75, "vi") == "75%"  # issue 11: the one number rule
    assert fmt_stage("balance", "ratio", 0.7512, "en", other=0.7498) == "75.1%"
    assert fmt_stage("shortfall", "need units", 22.0, "en") == "22"
    assert fmt_stage("distance", "km", 4884.84, "vi") == "4.885 km"
    assert fmt_stage("distance", "km", 53.84, "vi") == "53,8 km"
    assert fmt_stage("distance", "minutes", 312.2, "en").startswith("312 ")
    assert fmt_stage("distance", "km", -3.25, "en", signed=True) == "−3.2 km"
    assert fmt_stage("distance", "km", 1.0, "en", other=1.0 + STAGES["distance"].eps / 2) == "1.0 km"
    assert fmt_stage("balance", "ratio", None, "en") == "–"


def test_stage_labels_come_from_the_stage_table():
    """Each stage's label is its STAGES label key in the catalogue."""
    from matcher.i18n import t

    for name, stage in STAGES.items():
        for lang in ("vi", "en"):
            assert stage_label(name, lang) == t(stage.label_key, lang)


def test_whatif_markdown_from_plain_data():
    """A possible what-if built by hand: cost table, the moved pairs (requested one starred), notes."""
    stages = (StageCost("balance", "ratio", 0.5, 0.5), StageCost("distance", "km", 10.0, 12.5))
    w = WhatIf(force=(("L1", "R1"),), forbid=(), release=(), status="possible", stages=stages,
               added=(Moved("L1", "Xã L1", "R1", "Xã R1", 12.5, True),),
               removed=(Moved("L2", "Xã L2", "R1", "Xã R1", 10.0, False),),
               notes=(Said("ties", "ghi chú", "a note"),), labels={("L1", "R1"): "Xã L1 (L1) – Xã R1 (R1)"})
    md = whatif_markdown(w, "en")
    assert "Xã L1 (L1) – Xã R1 (R1)" in md
    assert "| Xã R1 (R1) | Xã L2 (L2), 10.0 km | Xã L1 (L1), 12.5 km * |" in md
    assert "+2.5 km" in md and "| = |" not in md.split("\n")[0]
    assert md.rstrip().endswith("- a note") and "- ghi chú" in whatif_markdown(w, "vi")
    no = WhatIf(force=(("L1", "R1"),), forbid=(), release=(), status="impossible", stages=(),
                reasons=(Said("forbidden", "bị cấm", "is forbidden"),))
    assert "- is forbidden" in whatif_markdown(no, "en")
