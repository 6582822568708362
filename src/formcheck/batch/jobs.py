"""One clip's work, the same on a local process or a Ray worker: analyse, write results."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formcheck.errors import FormcheckError
from formcheck.pipeline import AnalysisRun, AnalyzeOptions
from formcheck.texts import ui_text

# video, options, per-frame progress → the analysis and the cleaned track it used
Analyzer = Callable[[Path, AnalyzeOptions, Callable[[int, int], None] | None], AnalysisRun]


@dataclass(frozen=True)
class ClipJob:
    path: str
    sha256: str
    out_dir: str
    options: AnalyzeOptions = field(default_factory=AnalyzeOptions)
    report: bool = True


@dataclass(frozen=True)
class ClipOutcome:
    path: str
    sha256: str
    ok: bool
    out_dir: str | None = None
    error: str | None = None


def default_analyzer(path: Path, options: AnalyzeOptions,
                     progress: Callable[[int, int], None] | None) -> AnalysisRun:
    from formcheck.pipeline import analyze_video_run

    return analyze_video_run(path, options, progress)


def process_clip(job: ClipJob, analyzer: Analyzer | None = None,
                 progress_queue: Any = None) -> ClipOutcome:
    """Analyse one clip and write its results atomically; errors become an outcome."""
    from formcheck.outputs import write_outputs

    analyzer = analyzer or default_analyzer

    def report(done: int, total: int) -> None:
        if progress_queue is not None and (done % 30 == 0 or done == total):
            progress_queue.put((job.path, done, total))

    try:
        run = analyzer(Path(job.path), job.options, report)
        write_outputs(run.analysis, Path(job.out_dir), track=run.track, report=job.report,
                      overlay=False)
        return ClipOutcome(job.path, job.sha256, True, job.out_dir)
    except FormcheckError as exc:
        return ClipOutcome(job.path, job.sha256, False, error=exc.text(job.options.lang))
    except Exception as exc:  # one bad clip must not stop the batch: record it
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return ClipOutcome(job.path, job.sha256, False,
                           error=ui_text("batch_internal_error", job.options.lang).format(
                               name=type(exc).__name__, detail=exc,
                               where=f"{Path(last.filename).name}:{last.lineno}"))
