"""Publisher failures found by the issue 7 review (io/files.py): cleanup, full disk, in-place recovery."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.io import files
from matcher.io.files import clean_leftovers, publish_file, write_outputs
from tests.io.test_files import dead_pid, plan_files, temp_entries


def test_cleanup_spares_user_files_named_like_matcher(tmp_path):
    """issue 7 review: only names matcher makes are cleaned; a user's old .matcher-notes/ and settings stay."""
    notes, settings = tmp_path / ".matcher-notes", tmp_path / ".matcher-settings.toml"
    legacy = tmp_path / ".matcher-k2_x9abc.pdf"
    notes.mkdir()
    settings.write_text("x")
    legacy.write_bytes(b"")
    for p in (notes, settings, legacy):
        os.utime(p, (time.time() - 7200,) * 2)
    clean_leftovers(tmp_path)
    assert temp_entries(tmp_path) == [".matcher-notes", ".matcher-settings.toml"]


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"),
                                   RuntimeError("buffer error")])
def test_publish_file_on_a_full_disk_is_bad_input(tmp_path, error):
    """issue 7 review: a full disk (also a writer's flush error caused by one) is an InputError, old file kept."""
    target = tmp_path / "map.pdf"
    target.write_bytes(b"old map")
    if not isinstance(error, OSError):
        error.__cause__ = OSError(28, "No space left on device")

    def full(p: Path):
        p.write_bytes(b"half")
        raise error

    with pytest.raises(InputError, match=r"could not write the file \(No space left on device\); the previous"):
        publish_file(target, full)
    assert target.read_bytes() == b"old map"
    assert temp_entries(tmp_path) == []


def test_cleanup_puts_an_in_place_backup_back_into_the_out_folder(tmp_path, monkeypatch):
    """issue 7 review: a killed in-place swap's backup inside out is restored file by file, never to out/out."""
    out = tmp_path / "d3"
    write_outputs(out, plan_files("a"), [])
    backup = out / f".matcher-old-d3-{dead_pid()}-abcdef12"
    backup.mkdir()
    os.replace(out / "pairs.csv", backup / "pairs.csv")  # moved aside by the killed run
    (backup / "units.csv").write_text("u")
    monkeypatch.chdir(out)
    write_outputs(Path("."), {"summary.json": {"tag": "b"}}, [])
    assert not (out / "d3").exists() and temp_entries(out) == []
    assert (out / "units.csv").read_text() == "u" and (out / "pairs.csv").exists()


def test_out_that_cannot_be_created_names_the_real_cause(tmp_path, monkeypatch):
    """issue 7 review: an --out the parent refuses reports Permission denied and no previous result."""
    def refuse(parent, name):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files, "_mkdir_temp", refuse)
    with pytest.raises(InputError, match=r"\(Permission denied\); there was no previous result"):
        write_outputs(tmp_path / "out", plan_files("a"), [])
    assert not (tmp_path / "out").exists()
