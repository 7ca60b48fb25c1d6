"""Every user-facing string exists in Vietnamese and English."""

from __future__ import annotations

import unicodedata

import pytest

from matcher.i18n import LANGS, STRINGS, domain_label, t


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_in_both_languages(key):
    """Both languages present, non-empty, NFC, and the same placeholders."""
    import string

    entry = STRINGS[key]
    assert set(entry) == set(LANGS)
    fields = []
    for lang in LANGS:
        text = entry[lang]
        assert text.strip()
        assert unicodedata.normalize("NFC", text) == text
        fields.append({f for _, f, _, _ in string.Formatter().parse(text) if f})
    assert fields[0] == fields[1]


def test_unknown_language_is_an_error():
    """t() refuses a language it has no strings for."""
    with pytest.raises(ValueError):
        t("title", "fr")


def test_domain_labels():
    """Default domains are translated; other domains show as written."""
    assert domain_label("land", "vi") == "Đất đai"
    assert domain_label("budget", "en") == "budget"
