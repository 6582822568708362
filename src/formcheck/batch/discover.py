"""Find the clips to analyse and who/when they are (athlete, session)."""

from __future__ import annotations

import csv
import glob
from dataclasses import dataclass
from pathlib import Path

from formcheck.errors import InputError
from formcheck.io.video import VIDEO_SUFFIXES
from formcheck.texts import error_list


@dataclass(frozen=True)
class Clip:
    path: Path
    athlete: str
    session: str


def _expand(argument: str) -> list[tuple[Path, Path]]:
    """(file, root it was found under) for a file, a folder (recursive) or a glob."""
    path = Path(argument).expanduser()
    if path.is_dir():
        return [(p, path) for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES]
    if path.is_file():
        return [(path, path.parent)]
    matches = sorted(glob.glob(str(path), recursive=True))
    if not matches:
        raise InputError.coded("batch_no_match", argument=argument)
    root = Path(glob.escape(argument).split("*")[0] or ".").parent
    return [(Path(m), root) for m in matches
            if Path(m).is_file() and Path(m).suffix.lower() in VIDEO_SUFFIXES]


def labels_from_path(path: Path, root: Path) -> tuple[str, str]:
    """athlete/session from the folders: ROOT/athlete/session/clip, ROOT/athlete/clip."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = (path.name,)
    if len(parts) >= 3:
        return parts[0], parts[1]
    if len(parts) == 2:
        return parts[0], path.stem
    return "unknown", path.stem


def read_meta(path: Path) -> dict[str, tuple[str, str]]:
    """A coach's CSV with columns path, athlete, session (path relative to the CSV or absolute)."""
    out = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"path", "athlete", "session"} - set(reader.fieldnames or [])
        if missing:
            raise InputError.coded("batch_meta_columns", path=str(path),
                                   columns=error_list(sorted(missing)))
        for row in reader:
            clip = Path(row["path"])
            clip = clip if clip.is_absolute() else (path.parent / clip)
            out[str(clip.resolve())] = (row["athlete"], row["session"])
    return out


def discover(inputs: list[str], meta: Path | None = None) -> list[Clip]:
    labels = read_meta(meta) if meta else {}
    seen: dict[Path, Clip] = {}
    for argument in inputs:
        for path, root in _expand(argument):
            resolved = path.resolve()
            athlete, session = labels.get(str(resolved), labels_from_path(path, root))
            seen.setdefault(resolved, Clip(resolved, athlete, session))
    return list(seen.values())
