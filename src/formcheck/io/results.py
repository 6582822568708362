"""Writing and reading results: atomic writes, a results folder that never takes a user's
files, loading an analysis. Which files exist and how they are made: `formcheck.outputs`."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from formcheck.errors import InputError, OutputError
from formcheck.schema import Analysis
from formcheck.track import PoseTrack


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename over the target."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over the target."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    make_ordinary(Path(tmp))  # mkstemp makes 0600; results are ordinary files
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def prepare_output_dir(out_dir: Path, marker: str, names: tuple[str, ...]) -> None:
    """Create the folder after `check_output_dir`'s checks."""
    check_output_dir(out_dir, marker, names)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError.coded("out_cannot_create", path=str(out_dir),
                                detail=str(exc.strerror)) from exc


def check_output_dir(out_dir: Path, marker: str, names: tuple[str, ...]) -> None:
    """Refuse, before any work and without creating anything, a results folder that is a
    file, that cannot be written (or created), whose `marker` file was not written by
    formcheck, or (no marker yet) where any of our `names` is already taken."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError.coded("out_not_a_folder", path=str(out_dir))
    writable_here = out_dir if out_dir.exists() else _nearest_existing(out_dir)
    if not writable_here.is_dir():  # e.g. --out under a file: mkdir would fail the same way
        raise OutputError.coded("out_cannot_create", path=str(out_dir),
                                detail=os.strerror(errno.ENOTDIR))
    if not os.access(writable_here, os.W_OK | os.X_OK):
        raise OutputError.coded("out_not_writable", path=str(out_dir), where=str(writable_here))
    if not out_dir.exists():
        return
    existing = out_dir / marker
    if existing.exists() and '"tool_version"' not in existing.read_text(errors="ignore")[:4000]:
        raise OutputError.coded("out_foreign_file", path=str(existing))
    if not existing.exists():  # not a formcheck folder: none of our names may be taken
        for name in names:
            if name != marker and (out_dir / name).exists():
                raise OutputError.coded("out_foreign_file", path=str(out_dir / name))


def _nearest_existing(path: Path) -> Path:
    """The closest ancestor of `path` that exists (where the folder would be created)."""
    for parent in path.absolute().parents:
        if parent.exists():
            return parent
    return Path(path.absolute().anchor)


def make_ordinary(path: Path) -> None:
    """Give a file made by mkstemp (0600) the permissions of an ordinary new file."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def load_analysis(path: Path) -> Analysis:
    return Analysis.model_validate_json(path.read_text(encoding="utf-8"))


def read_analysis(json_path: Path) -> Analysis:
    """A stored analysis.json given by a user: a clear InputError when it cannot be read or
    is not an analysis."""
    from pydantic import ValidationError

    try:
        return load_analysis(json_path)
    except (OSError, UnicodeDecodeError, ValidationError) as exc:
        detail = type(exc).__name__ if isinstance(exc, ValidationError) else str(exc)
        raise InputError.coded("results_unreadable", path=str(json_path),
                               detail=detail) from exc


def load_results(where: Path) -> tuple[Analysis, PoseTrack]:
    """A results folder's (or its analysis.json's) analysis and the track beside it; a clear
    InputError when either is missing or unreadable."""
    from formcheck.io.track_store import load_track

    json_path = where / "analysis.json" if where.is_dir() else where
    analysis = read_analysis(json_path)
    track_path = json_path.parent / "track.npz"
    if not track_path.is_file():
        raise InputError.coded("track_missing", path=str(json_path))
    try:
        return analysis, load_track(track_path)
    except (OSError, KeyError, ValueError) as exc:
        raise InputError.coded("results_unreadable", path=str(track_path),
                               detail=str(exc)) from exc
