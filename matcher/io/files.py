"""Writing output files: the one publisher of result folders and single files.

:func:`write_outputs` (a result folder) and :func:`publish_file` (a map, a pack) build
every output beside its target and move it into place in one step, so a reader sees the
old outputs or the new ones, never a mix; temp entries of killed runs are removed by the
next run. The cells themselves are written by :mod:`matcher.io.cells` (re-exported here):
text never becomes a formula, integers stay integers, JSON is always valid.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from ..errors import InputError, ValidationIssue
from .cells import (
    FILE_MODE,
    csv_frame,
    csvt_text,
    escape_text,
    json_text,
    output_names,
    unescape_text,
    write_csv,
    write_xlsx,
)
from .cells import write_one as write_cells

DIR_MODE = 0o755
_UID = os.getuid() if hasattr(os, "getuid") else -1
STALE_AFTER_S = 3600.0  # a temp entry older than this is a leftover even if its pid lives
__all__ = ["clean_leftovers", "csv_frame", "csvt_text", "escape_text", "json_text", "output_names",
           "publish_file", "unescape_text", "write_csv", "write_one", "write_outputs", "write_xlsx"]

TEMP = re.compile(r"^\.matcher-(?P<kind>tmp|old)-(?P<name>.+)-(?P<pid>\d+)-(?P<rand>[0-9a-f]{8})(?P<ext>\.[^-]*)?$")
# the names tempfile.mkdtemp/mkstemp(prefix=".matcher-") gave in the previous release
LEGACY = re.compile(r"^\.matcher-[a-z0-9_]{8}(\.png|\.pdf|\.svg|\.html|\.md|\.json|\.csv|\.xlsx)?$")


def write_one(target: Path, content) -> list[Path]:
    """Write one output by its suffix (:func:`matcher.io.cells.write_one`), and the geographic
    files (issue 10, :mod:`matcher.io.geo_out`): ``.gpkg`` a mapping of layer name to
    GeoDataFrame, ``.geojson`` a GeoDataFrame (GeoJSON text or a dict is written as JSON text)."""
    target = Path(target)
    if target.suffix == ".gpkg" or (target.suffix == ".geojson" and hasattr(content, "geometry")):
        from .geo_out import write_geojson, write_gpkg

        paths = write_gpkg(target, content) if target.suffix == ".gpkg" else write_geojson(target, content)
        for p in paths:
            os.chmod(p, FILE_MODE)
        return paths
    if target.suffix == ".geojson" and not isinstance(content, bytes):
        content = json_text(content)
    return write_cells(target, content)


# ---- temp entries ----------------------------------------------------------------------------


def _temp_name(kind: str, name: str, ext: str = "") -> str:
    return f".matcher-{kind}-{name}-{os.getpid()}-{secrets.token_hex(4)}{ext}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except PermissionError:  # someone else's process
        return True
    except (OSError, OverflowError, ValueError):
        return False
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _restore_in_place(backup: Path, folder: Path) -> bool:
    """Put the files of a killed in-place swap's backup back into ``folder`` where they are
    missing (the newer ones stay). True when the backup is empty afterwards."""
    whole = True
    try:
        entries = list(backup.iterdir())
    except OSError:
        return False
    for entry in entries:
        if os.path.lexists(folder / entry.name):
            continue
        try:
            os.replace(entry, folder / entry.name)
        except OSError:
            whole = False  # the file stays in the backup folder, for the user
    return whole


def clean_leftovers(folder: Path, inside: bool | None = None) -> list[Path]:
    """Remove the temp entries that killed runs left in ``folder``: those whose process is
    gone, and any older than an hour. Only names matcher itself makes are touched
    (:data:`TEMP` and the older release's :data:`LEGACY`), never a user's ``.matcher-notes``.

    A killed swap's previous folder (``.matcher-old-<name>-…``) is renamed back to
    ``<name>`` if that is missing. A backup that names ``folder`` itself was made by an
    in-place swap of ``folder``'s own files (``inside``; by default guessed from the name):
    its files go back into ``folder`` where they are missing. Returns the entries removed
    or restored."""
    done = []
    folder = Path(folder)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return done
    now = time.time()
    for entry in entries:
        m = TEMP.match(entry.name)
        if m is not None and m["kind"] == "old" and m["ext"]:
            m = None  # matcher never names a backup with a suffix
        if m is None and not LEGACY.match(entry.name):
            continue
        try:
            st = entry.lstat()
        except OSError:
            continue
        old = now - st.st_mtime > STALE_AFTER_S
        # a pid means something only for our own entries on this machine (a shared drive
        # holds colleagues' runs too): others' go by age alone
        ours = m is not None and int(m["pid"]) != os.getpid() and st.st_uid == _UID
        if not (old or (ours and not _alive(int(m["pid"])))):
            continue
        if m is not None and m["kind"] == "old" and entry.is_dir() and not entry.is_symlink():
            own = inside if inside is not None else m["name"] == folder.name
            if own:
                if not _restore_in_place(entry, folder):
                    continue
                _remove(entry)
                done.append(entry)
                continue
            home = entry.with_name(m["name"])
            if not os.path.lexists(home):
                try:
                    os.rename(entry, home)
                    done.append(home)
                    continue
                except OSError:
                    pass
        _remove(entry)
        done.append(entry)
    return done


def _make_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each 0755 whatever the umask."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        p = p.parent
    for p in reversed(missing):
        try:
            p.mkdir()
        except FileExistsError:
            continue
        os.chmod(p, DIR_MODE)


def _mkdir_temp(parent: Path, name: str) -> Path:
    while True:
        tmp = parent / _temp_name("tmp", name)
        try:
            tmp.mkdir()
        except FileExistsError:
            continue
        os.chmod(tmp, DIR_MODE)
        return tmp


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _carry(src: Path, dst: Path) -> None:
    """Put an old folder's entry into the new folder unchanged (a hard link where the file
    system allows, else a copy)."""
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy)
    elif src.is_symlink():
        os.symlink(os.readlink(src), dst)
    else:
        _link_or_copy(src, dst)


# ---- the publisher ---------------------------------------------------------------------------


def _out_issue(out_dir: Path, message: str) -> InputError:
    return InputError([ValidationIssue("--out", None, None, str(out_dir), message)])


def write_outputs(out_dir: Path, files: Mapping[str, object], inputs: list[Path], drop=()) -> list[Path]:
    """Publish a result folder: all of ``files`` appear in ``out_dir`` together, or none.

    ``files`` maps a file name to its content (see :func:`write_one`): CSV tables with
    their ``.csvt``, ``plan.xlsx``, ``.json``, ``.md``. The complete new folder is built
    beside ``out_dir`` (``.matcher-tmp-<name>-<pid>-<random>`` in its parent), with every
    entry of the old folder that this run neither writes nor names in ``drop`` carried
    over unchanged (e.g. a plan stays beside a new diagnosis; maps drawn into the folder
    stay). Then the old folder is renamed ``.matcher-old-…``, the new one takes its name,
    and the old one is removed. On any failure the previous folder stays whole. Temp
    entries of killed runs in the parent are removed first (:func:`clean_leftovers`).

    When the current folder lies inside ``out_dir``, the parent is not writable, or
    ``out_dir`` is a mount point, the files are swapped inside ``out_dir`` instead, one
    rename each, the old ones put back if any move fails.

    Files are written 0644, new folders 0755. Refuses to overwrite an input file.
    Returns the paths written.
    """
    out_dir = Path(out_dir)
    names = output_names(files)
    targets = {name: (out_dir / name).resolve() for name in names}
    protected = {Path(i).resolve() for i in inputs}
    clash = [str(p) for p in targets.values() if p in protected]
    if clash:
        raise InputError([ValidationIssue("--out", None, None, str(out_dir),
                                          f"would overwrite input file {c}") for c in clash])
    if out_dir.exists() and not out_dir.is_dir():
        raise _out_issue(out_dir, "is a file; give a folder")
    real = out_dir.resolve()
    dropped = {n for name in drop for n in output_names({name: None})} - set(names)
    dropped = {n for n in dropped if (real / n).resolve() not in protected}
    existed = real.exists()
    try:
        _make_dirs(real.parent)
        # a backup in the parent named like the parent itself is still a sibling's when out is <x>/<x>
        clean_leftovers(real.parent, inside=False if real.name == real.parent.name else None)
        if real.exists():
            clean_leftovers(real, inside=True)
        existed = real.exists()
        in_place = existed and (Path.cwd().resolve().is_relative_to(real) or os.path.ismount(real))
        if not in_place:
            try:
                tmp = _mkdir_temp(real.parent, real.name)
            except PermissionError:
                if not existed:
                    raise  # nothing to publish into: report the real cause
                in_place = True
        if in_place:
            _swap_files(real, files, dropped)
        else:
            _swap_folder(real, tmp, files, dropped)
    except OSError as e:
        after = "the previous result is unchanged" if existed else "there was no previous result"
        raise _out_issue(out_dir, f"could not publish the result ({_reason(e)}); {after}") from e
    return [targets[n] for n in names]


def _reason(e: BaseException) -> str:
    """The operating system's words for a failed call (``Permission denied``), else the message."""
    return getattr(e, "strerror", None) or str(e) or type(e).__name__


def _os_error(e: BaseException) -> OSError | None:
    """``e`` or the first OSError of its cause/context chain (a writer's failed flush)."""
    seen = set()
    while e is not None and id(e) not in seen:
        if isinstance(e, OSError):
            return e
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return None


def _swap_folder(real: Path, tmp: Path, files: Mapping[str, object], dropped: set[str]) -> None:
    """Fill ``tmp`` (the new folder) and swap it in for ``real``."""
    try:
        written = {p.name for name, content in files.items() for p in write_one(tmp / name, content)}
        if real.exists():
            for entry in real.iterdir():
                if entry.name not in written and entry.name not in dropped and not entry.name.startswith(".matcher-"):
                    _carry(entry, tmp / entry.name)
            shutil.copymode(real, tmp)  # a folder made private stays private
            old = real.with_name(_temp_name("old", real.name))
            os.rename(real, old)
            try:
                os.rename(tmp, real)
            except BaseException:
                os.rename(old, real)
                raise
            _remove(old)
        else:
            os.rename(tmp, real)
    except BaseException:
        _remove(tmp)
        raise


def _swap_files(real: Path, files: Mapping[str, object], dropped: set[str]) -> None:
    """Publish inside ``real`` (used where the folder itself cannot be swapped): stage every
    file, move the old ones aside, move the new ones in; on a failure put the old ones back."""
    stage = _mkdir_temp(real, real.name)
    backup = stage.with_name(_temp_name("old", real.name))
    moved: list[str] = []
    placed: list[str] = []
    try:
        written = [p.name for name, content in files.items() for p in write_one(stage / name, content)]
        backup.mkdir()
        for name in [*written, *sorted(dropped)]:
            if os.path.lexists(real / name):
                os.replace(real / name, backup / name)
                moved.append(name)
        for name in written:
            os.replace(stage / name, real / name)
            placed.append(name)
    except BaseException:
        restored = True
        for name in placed:
            (real / name).unlink(missing_ok=True)
        for name in moved:
            try:
                os.replace(backup / name, real / name)
            except OSError:
                restored = False  # the old file stays in the backup folder, for the user
        if restored:
            _remove(backup)
        raise
    finally:
        _remove(stage)
    _remove(backup)


def publish_file(target: Path, write: Callable[[Path], None], protect=()) -> Path:
    """Write one output file (a map, a pack) through ``write(tmp_path)`` into a temporary
    file beside ``target`` (``.matcher-tmp-<stem>-<pid>-<random><suffix>``), then move it
    into place: never half-written, mode 0644. Refuses to overwrite a file in ``protect``
    (the inputs). Temp entries of killed runs beside ``target`` are removed first."""
    target = Path(target)
    if target.resolve() in {Path(p).resolve() for p in protect}:
        raise InputError([ValidationIssue("--out", None, None, str(target), "would overwrite an input file")])
    existed = os.path.lexists(target)
    tmp = target.with_name(_temp_name("tmp", target.stem, target.suffix))
    try:
        _make_dirs(target.parent)
        clean_leftovers(target.parent)
        write(tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except Exception as e:  # a full disk, a read-only folder, a writer's failed flush
        cause = _os_error(e)
        if cause is None:
            raise
        after = "the previous file is unchanged" if existed else "no file was written"
        raise InputError([ValidationIssue("--out", None, None, str(target),
                                          f"could not write the file ({_reason(cause)}); {after}")]) from e
    finally:
        if os.path.lexists(tmp):
            _remove(tmp)
    return target
