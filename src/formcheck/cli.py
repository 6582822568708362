"""Command line: `formcheck analyze | models | samples | config`. A thin layer over
analyze_video()."""

from __future__ import annotations

import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from formcheck import __version__
from formcheck.config import Config
from formcheck.errors import FormcheckError, exit_code
from formcheck.pose.mediapipe.models import REGISTRY as MODEL_REGISTRY
from formcheck.texts import Lang, cli_text, error_text, ui_text

# Plain help (no rich markup): flags read "--overlay / --no-overlay" without a <bool>, and
# text such as "[pose] model" is shown as written.
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="formcheck — check running form from a phone video.")
console = Console(stderr=True)
out_console = Console()
INTERNAL_ERROR_EXIT = 70
BATCH_FAILED_EXIT = 6  # `batch` finished, but some clips of the folder failed


class ViewChoice(StrEnum):
    auto = "auto"
    side_left = "side_left"
    side_right = "side_right"
    rear = "rear"
    front = "front"


class LangChoice(StrEnum):
    en = "en"
    ja = "ja"


ModelChoice = StrEnum("ModelChoice", {name: name for name in MODEL_REGISTRY})  # type: ignore[misc]
DEFAULT_MODEL = ModelChoice("full")


ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="TOML file of settings (thresholds, model, ...); `formcheck config` "
    "prints every key with its default.")]
ModelOption = Annotated[ModelChoice | None, typer.Option(
    help="Pose model size [default: full, or [pose] model of --config].")]


def _settings(config: Path | None) -> Config:
    """The configuration of --config, or the defaults."""
    from formcheck.config import load_config

    return load_config(config) if config is not None else Config()


def _model(model: ModelChoice | None, config: Config) -> str:
    return model.value if model is not None else config.pose.model


class FramesPerSecond(ProgressColumn):
    def __init__(self, lang: Lang = "en") -> None:
        super().__init__()
        self.unit = cli_text("frames_per_s", lang)

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:5.1f} {self.unit}" if speed else f"  …  {self.unit}", style="cyan")


def _fail(exc: FormcheckError, lang: Lang = "en") -> None:
    from rich.markup import escape

    # escaped: messages name TOML sections like [quality], which rich would take as markup
    console.print(f"[bold red]{ui_text('error', lang)}:[/] {escape(exc.text(lang))}",
                  highlight=False)
    raise typer.Exit(exit_code(exc))


def _run_guarded(fn, *args, error_lang: Lang = "en", **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    """Run a command body: known errors → message (in `error_lang`) + exit code; others →
    short message."""
    try:
        return fn(*args, **kwargs)
    except FormcheckError as exc:
        _fail(exc, error_lang)
    except KeyboardInterrupt:
        console.print(f"[yellow]{cli_text('interrupted', error_lang)}[/]")
        raise typer.Exit(130) from None
    except Exception as exc:
        if os.environ.get("FORMCHECK_DEBUG"):
            raise
        params = {"type": type(exc).__name__, "detail": str(exc)}
        console.print(f"[bold red]{cli_text('internal_error', error_lang)}:[/] "
                      f"{error_text('internal_error', 'message', error_lang, params)}\n"
                      f"  → {error_text('internal_error', 'hint', error_lang, params)}")
        raise typer.Exit(INTERNAL_ERROR_EXIT) from None


@app.command()
def analyze(
    video: Annotated[str, typer.Argument(metavar="VIDEO",
                                         help="Video file, or sample:NAME (see `samples`).")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default "
                                             "formcheck-out/<video name>).")] = None,
    model: ModelOption = None,
    height_cm: Annotated[float | None, typer.Option(min=100, max=230,
                                                    help="Runner's height, for cm.")] = None,
    view: Annotated[ViewChoice, typer.Option(help="Camera view; auto detects it.")
                    ] = ViewChoice.auto,
    lang: Annotated[LangChoice, typer.Option(help="Language of the summary.")] = LangChoice.en,
    workers: Annotated[int, typer.Option(min=0, help="Threads for the pose step (default: all "
                                         "cores; results are the same).")] = 0,
    overlay: Annotated[bool, typer.Option(help="Also write overlay.mp4: the clip with the "
                                          "skeleton, foot strikes and measurements.")] = True,
    config: ConfigOption = None,
    verbose: Annotated[bool, typer.Option(help="Also show MediaPipe's own log lines.")] = False,
) -> None:
    """Analyse one running video: foot strikes, per-stride metrics, summary."""
    if verbose:
        from formcheck.pose.mediapipe import show_native_logs

        show_native_logs()
    _run_guarded(_analyze, video, out, model, height_cm, view, lang, workers, overlay, config,
                 error_lang=lang.value)


def _analyze(video: str, out: Path | None, model: ModelChoice | None, height_cm: float | None,
             view: ViewChoice, lang: LangChoice, workers: int, overlay: bool,
             config: Path | None = None) -> None:
    from formcheck import timings
    from formcheck.outputs import check, write_outputs
    from formcheck.pipeline import AnalyzeOptions, analyze_video_run
    from formcheck.report.terminal import render_summary
    from formcheck.samples import resolve_video_argument
    from formcheck.view import View

    started = time.perf_counter()
    settings = _settings(config)
    path = resolve_video_argument(video)
    out_dir = out or Path("formcheck-out") / path.stem
    check(out_dir)  # fail before minutes of work, not after; create it only to write results
    options = AnalyzeOptions(model=_model(model, settings), height_cm=height_cm,
                             lang=lang.value,
                             view=None if view is ViewChoice.auto else View(view.value),
                             workers=workers or os.cpu_count() or 1, config=settings,
                             keep_preview=overlay)
    with Progress(TextColumn("[bold]{task.description}[/]"), BarColumn(), MofNCompleteColumn(),
                  FramesPerSecond(lang.value), TimeRemainingColumn(), console=console,
                  transient=True) as progress:
        task = progress.add_task(ui_text("cli_pose", lang.value), total=None)

        def on_frame(done: int, total: int) -> None:
            progress.update(task, completed=done, total=max(total, done))

        run = analyze_video_run(path, options, progress=on_frame)
        progress.reset(task, description=ui_text("cli_overlay", lang.value), total=None)
        try:
            written = write_outputs(run.analysis, out_dir, video=path, track=run.track,
                                    overlay=overlay, progress=on_frame, preview=run.preview)
        finally:
            run.close()
    analysis = run.analysis
    render_summary(analysis, out_console, lang.value)
    out_console.print(ui_text("wrote", lang.value) + " " + ", ".join(str(p) for p in written))
    timings.write_if_asked({"command": time.perf_counter() - started})


@app.command()
def export(
    results: Annotated[Path, typer.Argument(
        metavar="RESULTS", help="A folder `formcheck analyze` wrote, or its analysis.json.")],
    out: Annotated[Path | None, typer.Option(help="Folder for the files (default: the "
                                             "results folder).")] = None,
    lang: Annotated[LangChoice, typer.Option(help="Language of messages.")] = LangChoice.en,
) -> None:
    """Write the exports (keypoints.trc, angles.mot, markers.c3d) of a stored analysis again."""
    _run_guarded(_export, results, out, lang.value, error_lang=lang.value)


def _export(results: Path, out: Path | None, lang: Lang) -> None:
    from formcheck.io.results import load_results
    from formcheck.outputs import write_exports

    analysis, track = load_results(results)
    out_dir = out or (results if results.is_dir() else results.parent)
    written = write_exports(analysis, track, out_dir)
    out_console.print(ui_text("wrote", lang) + " " + ", ".join(str(p) for p in written))


@app.command()
def session(
    clips: Annotated[list[str], typer.Argument(
        metavar="CLIP...", help="The clips of one run in the order they were filmed: videos, "
        "sample:NAME, or folders `formcheck analyze` wrote. Any mix of side, rear and front "
        "views.")],
    out: Annotated[Path, typer.Option(help="Session folder: session.html, session.json and "
                                      "each clip's own results under clips/.")
                   ] = Path("formcheck-out/session"),
    model: ModelOption = None,
    height_cm: Annotated[float | None, typer.Option(min=100, max=230,
                                                    help="Runner's height, for cm.")] = None,
    lang: Annotated[LangChoice, typer.Option(help="Language of the reports.")] = LangChoice.en,
    workers: Annotated[int, typer.Option(min=0, help="Threads for the pose step (default: all "
                                         "cores; results are the same).")] = 0,
    overlay: Annotated[bool, typer.Option(help="Also write each clip's overlay.mp4.")] = True,
    config: ConfigOption = None,
) -> None:
    """One report for several clips of one run: each metric from the view that measures it
    best, early against late, and what the session could not measure."""
    _run_guarded(_session, clips, out, model, height_cm, lang, workers, overlay, config,
                 error_lang=lang.value)


def _session(clips: list[str], out: Path, model: ModelChoice | None, height_cm: float | None,
             lang: LangChoice, workers: int, overlay: bool, config: Path | None) -> None:
    from rich.markup import escape

    from formcheck.pipeline import AnalyzeOptions
    from formcheck.session.run import SESSION_HTML, SESSION_JSON, run_session
    from formcheck.session.terminal import render_session_summary

    settings = _settings(config)
    options = AnalyzeOptions(model=_model(model, settings), height_cm=height_cm,
                             lang=lang.value, workers=workers or os.cpu_count() or 1,
                             config=settings)
    with Progress(TextColumn("[bold]{task.description}[/]"), BarColumn(), MofNCompleteColumn(),
                  FramesPerSecond(lang.value), TimeRemainingColumn(), console=console,
                  transient=True) as progress:
        task = progress.add_task("", total=None)

        def on_clip(item, n: int) -> None:  # noqa: ANN001
            name = (item.video or item.stored).name
            progress.reset(task, total=None, description=ui_text("session_cli_clip", lang.value)
                           .format(i=item.index, n=n, name=name))

        def on_failure(item, exc: FormcheckError) -> None:  # noqa: ANN001
            console.print(f"[yellow]{item.index}: {escape(exc.text(lang.value))}[/]")

        result = run_session(clips, out, options, overlay=overlay, on_clip=on_clip,
                             progress=lambda d, t: progress.update(task, completed=d,
                                                                   total=max(t, d)),
                             on_failure=on_failure)
    render_session_summary(result, out_console, lang.value)
    out_console.print(ui_text("wrote", lang.value) + " "
                      + ", ".join(str(out / n) for n in (SESSION_HTML, SESSION_JSON)))


@app.command()
def compare(
    early: Annotated[str, typer.Argument(
        metavar="EARLY", help="Earlier clip (video, sample:NAME or its analysis.json).")],
    late: Annotated[str, typer.Argument(metavar="LATE", help="Later clip of the same run.")],
    out: Annotated[Path | None, typer.Option(help="Folder for compare.json.")] = None,
    model: ModelOption = None,
    lang: Annotated[LangChoice, typer.Option(help="Language.")] = LangChoice.en,
    config: ConfigOption = None,
) -> None:
    """Compare two clips of one run (e.g. km 5 and km 35, or before and after a session)."""
    _run_guarded(_compare, early, late, out, model, lang, config, error_lang=lang.value)


def _load_or_analyze(arg: str, model: ModelChoice | None, lang: LangChoice,  # noqa: ANN202
                     settings: Config | None = None):
    from formcheck.io.results import read_analysis
    from formcheck.pipeline import AnalyzeOptions, analyze_video
    from formcheck.samples import resolve_video_argument

    if arg.endswith(".json"):
        return read_analysis(Path(arg))
    path = resolve_video_argument(arg)
    with Progress(TextColumn(f"[bold]{path.name}[/]"), BarColumn(), MofNCompleteColumn(),
                  FramesPerSecond(lang.value), console=console, transient=True) as progress:
        task = progress.add_task("pose", total=None)
        settings = settings or Config()
        return analyze_video(path, AnalyzeOptions(model=_model(model, settings),
                                                  lang=lang.value, config=settings),
                             progress=lambda d, t: progress.update(task, completed=d,
                                                                   total=max(t, d)))


def _compare(early: str, late: str, out: Path | None, model: ModelChoice | None,
             lang: LangChoice, config: Path | None = None) -> None:
    import json

    from formcheck.compare import compare_analyses
    from formcheck.errors import InputError
    from formcheck.io.results import atomic_write_text, prepare_output_dir
    from formcheck.texts import metric_label, view_text

    settings = _settings(config)
    a = _load_or_analyze(early, model, lang, settings)
    b = _load_or_analyze(late, model, lang, settings)
    if a.view != b.view:
        raise InputError.coded("compare_views_differ",
                               a={"en": a.view, "ja": view_text(a.view, "ja")},
                               b={"en": b.view, "ja": view_text(b.view, "ja")})
    result = compare_analyses(a, b, settings.findings.min_strides)
    table = Table(title=f"{Path(a.video.path).name} → {Path(b.video.path).name} "
                        f"({view_text(a.view, lang.value)})")
    for col in ("term_metric", "cmp_early", "cmp_late", "cmp_change", "cmp_n"):
        table.add_column(ui_text(col, lang.value))
    table.add_column("")
    changed = ui_text("cmp_changed", lang.value)
    for metric, d in result.items():
        table.add_row(metric_label(metric, lang.value), f"{d.early:.1f}", f"{d.late:.1f}",
                      _change_text(d.change, d.ci95),
                      f"{d.n_early}/{d.n_late}", f"[bold red]{changed}[/]" if d.flagged else "")
    out_console.print(table)
    if out is not None:
        prepare_output_dir(out, marker="compare.json", names=("compare.json",))
        target = out / "compare.json"
        atomic_write_text(target, json.dumps({
            "early": a.video.path, "late": b.video.path, "view": a.view,
            "metrics": {m: d.model_dump() for m, d in result.items()}}, indent=2))
        out_console.print(f"{ui_text('wrote', lang.value)} {target}")


class EngineChoice(StrEnum):
    local = "local"
    ray = "ray"


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(
        metavar="INPUTS", help="Clips, folders (searched recursively) or quoted globs.")],
    out: Annotated[Path, typer.Option(help="Batch folder: results, ledger, summary, index.")],
    workers: Annotated[int, typer.Option(min=0, help="Parallel clips (default: all cores).")
                       ] = 0,
    engine: Annotated[EngineChoice, typer.Option(help="local processes or a Ray cluster.")
                      ] = EngineChoice.local,
    address: Annotated[str | None, typer.Option(help="Ray cluster address (with --engine "
                                                "ray); default starts a local Ray.")] = None,
    meta: Annotated[Path | None, typer.Option(help="CSV with columns path, athlete, "
                                              "session.")] = None,
    retry_failed: Annotated[bool, typer.Option(help="Analyse clips that failed before.")
                            ] = False,
    model: ModelOption = None,
    lang: Annotated[LangChoice, typer.Option(help="Language of the reports.")] = LangChoice.en,
    config: ConfigOption = None,
) -> None:
    """Analyse a folder of clips: resumable, parallel, one summary table across clips."""
    failed = _run_guarded(_batch, inputs, out, workers, engine, address, meta, retry_failed,
                          model, lang, config, error_lang=lang.value)
    if failed:
        raise typer.Exit(BATCH_FAILED_EXIT)


def _batch(inputs: list[str], out: Path, workers: int, engine: EngineChoice,
           address: str | None, meta: Path | None, retry_failed: bool,
           model: ModelChoice | None, lang: LangChoice, config: Path | None = None) -> int:
    """Run the batch; the number of clips of the folder that failed (earlier runs too)."""
    from formcheck.batch.runner import BatchOptions, run_batch
    from formcheck.pipeline import AnalyzeOptions

    settings = _settings(config)  # travels inside each job to the worker processes / Ray
    options = BatchOptions(workers=workers, engine=engine.value, ray_address=address,
                           retry_failed=retry_failed,
                           analyze=AnalyzeOptions(model=_model(model, settings),
                                                  lang=lang.value, config=settings))
    with Progress(TextColumn("[bold]{task.description}[/]"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console) as progress:
        clips_task = progress.add_task(ui_text("cli_batch_clips", lang.value), total=None)
        frame_tasks: dict[str, TaskID] = {}

        def hook(event: str, data: dict) -> None:
            if event == "start":
                progress.update(clips_task, total=data["jobs"])
                if data["skipped"]:
                    console.print(ui_text("cli_batch_skipped_before", lang.value).format(
                        n=data["skipped"]))
            elif event == "frames":
                task = frame_tasks.get(data["path"])
                if task is None:
                    task = frame_tasks[data["path"]] = progress.add_task(
                        Path(data["path"]).name[:28], total=data["total"])
                progress.update(task, completed=data["done"], total=data["total"])
            elif event == "clip":
                progress.advance(clips_task)
                if data["path"] in frame_tasks:
                    progress.remove_task(frame_tasks.pop(data["path"]))
                if not data["ok"]:
                    first = (data["error"] or "").splitlines()[0]
                    console.print(f"[yellow]{ui_text('cli_batch_failed_clip', lang.value)}[/] "
                                  f"{data['path']}: {first}")

        result = run_batch(inputs, out, options, meta=meta, hook=hook)
    out_console.print(
        ui_text("cli_batch_result", lang.value).format(
            total=result.total, done=result.done, skipped=result.skipped, failed=result.failed)
        + (ui_text("cli_batch_resumed", lang.value).format(n=result.recovered)
           if result.recovered else "")
        + ui_text("cli_batch_failed_total", lang.value).format(n=result.failed_total))
    out_console.print(ui_text("cli_batch_summary", lang.value).format(
        csv=out / "summary.csv", parquet=out / "summary.parquet", index=out / "index.html"))
    return result.failed_total


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    data: Annotated[Path, typer.Option(help="Folder for uploads, jobs and results.")
                    ] = Path("formcheck-web"),
    workers: Annotated[int, typer.Option(min=1, help="Analyses at once; more jobs queue.")
                       ] = 1,
    max_upload_mb: Annotated[float, typer.Option(min=1, help="Largest accepted upload (MB).")
                             ] = 500.0,
    config: ConfigOption = None,
) -> None:
    """Start the web app: runners upload a clip in the browser and read their report."""
    _run_guarded(_serve, host, port, data, workers, max_upload_mb, config)


def _serve(host: str, port: int, data: Path, workers: int, max_upload_mb: float,
           config: Path | None = None) -> None:
    import uvicorn

    from formcheck.web.app import create_app
    from formcheck.web.logs import configure
    from formcheck.web.store import lock_data_dir

    settings = _settings(config)  # before the lock: a bad file fails fast
    lock = lock_data_dir(data)  # held while serving: one server per data folder
    try:
        app_ = create_app(data, max_upload_mb=max_upload_mb, workers=workers,
                          config=settings)
        log_file = configure(data)
        out_console.print(f"formcheck web app on http://{host}:{port}/ (data in {data}, "
                          f"{workers} analysis at a time, uploads up to {max_upload_mb:g} MB; "
                          f"log in {log_file})")
        uvicorn.run(app_, host=host, port=port, log_level="info", log_config=None)
    finally:
        lock.close()


models_app = typer.Typer(help="List, verify and fetch the pose models.", no_args_is_help=False,
                         rich_markup_mode=None,
                         invoke_without_command=True)
app.add_typer(models_app, name="models")


@models_app.callback()
def models_list(ctx: typer.Context) -> None:
    """List the models, where each is found and whether its checksum is accepted."""
    if ctx.invoked_subcommand is not None:
        return
    from formcheck.pose.mediapipe.models import REGISTRY, find_local, search_dirs, verify

    table = Table(title="Pose models")
    for col in ("name", "ms/frame (2 cores)", "file", "status"):
        table.add_column(col)
    for spec in REGISTRY.values():
        path = find_local(spec)
        if path is None:
            status = "[yellow]not found[/] (run `formcheck models fetch " + spec.name + "`)"
        else:
            try:
                status = "[green]ok[/] " + verify(spec, path)
            except FormcheckError as exc:
                status = f"[red]bad[/] {exc.message}"
        table.add_row(spec.name, f"{spec.ms_per_frame_2core:.0f}", str(path or "–"), status)
    out_console.print(table)
    out_console.print("searched: " + ", ".join(str(d) for d in search_dirs()))


@models_app.command("fetch")
def models_fetch(name: Annotated[ModelChoice, typer.Argument()] = DEFAULT_MODEL) -> None:
    """Download a model from Google's official URL into the cache and verify it."""
    from formcheck.pose.mediapipe.models import resolve_model

    path = _run_guarded(resolve_model, name.value)
    out_console.print(f"{name.value}: {path}")


@app.command()
def samples() -> None:
    """List the sample clips (use one as `formcheck analyze sample:NAME`)."""
    from formcheck.samples import load_manifest

    table = Table(title="Sample clips")
    for col in ("name", "licence", "description"):
        table.add_column(col)
    for s in load_manifest():
        table.add_row(f"sample:{s.name}", s.licence, s.description)
    out_console.print(table)


@app.command("config")
def config_example() -> None:
    """Print the commented example configuration (every key, its default and why).

    Save it, keep the keys you change, and pass it with --config:
    `formcheck config > formcheck.toml`.
    """
    from formcheck.config import example_toml

    sys.stdout.write(example_toml())


@app.command()
def version() -> None:
    """Print the version."""
    out_console.print(f"formcheck {__version__}")


def _change_text(change: float | None, ci95: tuple[float, float] | None) -> str:
    if change is None:
        return "–"
    interval = "" if ci95 is None else f" ({ci95[0]:+.1f} … {ci95[1]:+.1f})"
    return f"{change:+.1f}{interval}"


def main() -> None:  # pragma: no cover
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
