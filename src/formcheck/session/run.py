"""Run a session: analyse (or load) each clip into its own folder, combine, write
session.json and session.html. Used by `formcheck session` and the web app."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from formcheck.errors import FormcheckError, InputError
from formcheck.io.results import atomic_write_text, check_output_dir, read_analysis
from formcheck.outputs import ANALYSIS_JSON, ProgressFn, check, write_outputs
from formcheck.pipeline import AnalyzeOptions, analyze_video_run
from formcheck.schema import Analysis
from formcheck.session.combine import ClipResult, combine
from formcheck.session.report import render_session
from formcheck.session.schema import SessionAnalysis, SessionClip

SESSION_JSON = "session.json"
SESSION_HTML = "session.html"
CLIPS_DIR = "clips"
SESSION_NAMES = (SESSION_JSON, SESSION_HTML, CLIPS_DIR)


@dataclass(frozen=True)
class SessionItem:
    """One argument of a session: a video to analyse, or a stored analysis to reuse."""

    index: int  # 1-based: the clip's id
    video: Path | None = None
    stored: Path | None = None  # a results folder's analysis.json

    @property
    def id(self) -> str:
        return str(self.index)

    def folder(self, out_dir: Path) -> Path:
        """Where a video's own results go: clips/01-<name>."""
        assert self.video is not None
        stem = re.sub(r"[^\w.-]+", "_", self.video.stem)[:60] or "clip"
        return out_dir / CLIPS_DIR / f"{self.index:02d}-{stem}"


def resolve_items(arguments: list[str]) -> list[SessionItem]:
    """Videos (paths or sample:NAME) and results folders / analysis.json files, checked
    before any work."""
    from formcheck.io.video import check_video_path
    from formcheck.samples import SAMPLE_PREFIX, resolve_video_argument

    items = []
    for index, argument in enumerate(arguments, start=1):
        path = Path(argument).expanduser()
        if path.is_dir():
            stored = path / ANALYSIS_JSON.name
            if not stored.is_file():
                raise InputError.coded("session_not_a_clip", path=str(path))
            items.append(SessionItem(index, stored=stored))
        elif path.suffix.lower() == ".json":
            if not path.is_file():
                raise InputError.coded("session_not_a_clip", path=str(path))
            items.append(SessionItem(index, stored=path))
        else:
            video = resolve_video_argument(argument) if argument.startswith(SAMPLE_PREFIX) \
                else path
            check_video_path(video)  # a typo stops here, not after the other clips' minutes
            items.append(SessionItem(index, video=video))
    return items


def _record(item: SessionItem, analysis: Analysis | None, results: Path | None,
            out_dir: Path, error: str | None = None) -> SessionClip:
    path = item.video if item.video is not None else Path(analysis.video.path) \
        if analysis is not None else item.stored
    assert path is not None
    return SessionClip(
        id=item.id, name=path.name, path=str(path),
        results=None if results is None else os.path.relpath(results, out_dir),
        view=None if analysis is None else analysis.view,
        view_confidence=None if analysis is None else analysis.view_confidence,
        duration_s=None if analysis is None else analysis.video.duration_s,
        cadence_spm=None if analysis is None else analysis.cadence_spm,
        n_strides=0 if analysis is None else len(analysis.strides), error=error)


ClipStartFn = Callable[[SessionItem, int], None]


def run_session(arguments: list[str], out_dir: Path, options: AnalyzeOptions, *,
                overlay: bool = True, on_clip: ClipStartFn | None = None,
                progress: ProgressFn | None = None,
                on_failure: Callable[[SessionItem, FormcheckError], None] | None = None,
                ) -> SessionAnalysis:
    """Analyse each video into `out_dir/clips/NN-name/` (every output of `analyze`), reuse
    each stored analysis where it is, and write the session's files. A clip that cannot be
    analysed is recorded with its reason and the others go on; none at all is an error."""
    items = resolve_items(arguments)
    check_output_dir(out_dir, SESSION_JSON, SESSION_NAMES)
    for item in items:
        if item.video is not None:
            check(item.folder(out_dir))
    results: list[ClipResult] = []
    for item in items:
        if on_clip is not None:
            on_clip(item, len(items))
        if item.stored is not None:
            analysis = read_analysis(item.stored)
            results.append(ClipResult(_record(item, analysis, item.stored.parent, out_dir),
                                      analysis))
            continue
        assert item.video is not None
        try:
            run = analyze_video_run(item.video, replace(options, keep_preview=overlay),
                                    progress=progress)
        except FormcheckError as exc:
            if on_failure is not None:
                on_failure(item, exc)
            results.append(ClipResult(_record(item, None, None, out_dir,
                                              exc.text(options.lang)), None))
            continue
        try:
            folder = item.folder(out_dir)
            write_outputs(run.analysis, folder, video=item.video, track=run.track,
                          overlay=overlay, progress=progress, preview=run.preview)
        finally:
            run.close()
        results.append(ClipResult(_record(item, run.analysis, folder, out_dir), run.analysis))
    if all(r.analysis is None for r in results):
        raise InputError.coded("session_all_failed", n=len(results))
    session = combine(results, options.lang, options.config.findings)
    write_session(session, out_dir)
    return session


def write_session(session: SessionAnalysis, out_dir: Path) -> list[Path]:
    """session.json and session.html, atomically."""
    from formcheck.io.results import prepare_output_dir

    # clips/ was checked before the clips' analyses (`run_session`) and holds their results
    prepare_output_dir(out_dir, SESSION_JSON, (SESSION_JSON, SESSION_HTML))
    written = [out_dir / SESSION_JSON, out_dir / SESSION_HTML]
    atomic_write_text(written[0], session.model_dump_json(indent=2))
    atomic_write_text(written[1], render_session(session))
    return written
