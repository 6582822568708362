"""Batch: ledger, resume after kill -9, failures recorded, unchanged clips never redone,
summary table and index, and the same jobs on a local Ray instance."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from batch_helpers import fake_analyzer, make_clips

from formcheck.batch.ledger import Ledger
from formcheck.batch.runner import LEDGER_NAME, BatchOptions, run_batch
from formcheck.io.results import load_analysis

HERE = Path(__file__).resolve().parents[1]  # tests/unit: the shared helpers


def _complete(row) -> bool:  # noqa: ANN001
    out = Path(row.out_dir)
    analysis = load_analysis(out / "analysis.json")
    return (out / "strides.csv").read_text().count("\n") == len(analysis.strides) + 1 and \
        (out / "report.html").read_text().endswith("</html>")


@pytest.mark.slow
def test_batch_summary_skip_and_change(tmp_path: Path) -> None:
    clips = make_clips(tmp_path / "season", 5)
    (tmp_path / "season" / "athlete0" / "2026-09").mkdir()
    corrupt = tmp_path / "season" / "athlete0" / "2026-09" / "corrupt.mp4"
    corrupt.write_bytes(b"broken")
    out = tmp_path / "out"
    first = run_batch([str(tmp_path / "season")], out, BatchOptions(workers=2),
                      analyzer=fake_analyzer)
    assert (first.total, first.done, first.failed) == (6, 5, 1)
    ledger = Ledger(out / LEDGER_NAME)
    failed = ledger.rows("failed")
    assert len(failed) == 1 and "no runner" in failed[0].error
    assert all(_complete(r) for r in ledger.rows("done"))
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert {r["athlete"] for r in rows} == {"athlete0", "athlete1"}
    assert pq.read_table(out / "summary.parquet").num_rows == 6
    index = (out / "index.html").read_text()
    assert index.count("report.html") == 5 and "<svg" in index
    trends = list(csv.DictReader((out / "trends.csv").open()))
    athletes_with_two_sessions = {r["athlete"] for r in trends}
    assert athletes_with_two_sessions and all(r["session_previous"] != r["session_latest"]
                                              for r in trends)
    # an unchanged clip is never analysed again
    second = run_batch([str(tmp_path / "season")], out, BatchOptions(workers=2),
                       analyzer=fake_analyzer)
    assert (second.done, second.skipped) == (0, 6)
    # a changed clip is analysed again, and only it
    clips[0].write_bytes(os.urandom(4096))
    third = run_batch([str(tmp_path / "season")], out, BatchOptions(workers=2),
                      analyzer=fake_analyzer)
    assert (third.done, third.skipped) == (1, 5)
    ledger.close()


@pytest.mark.slow
def test_kill_minus_nine_then_resume(tmp_path: Path) -> None:
    """Kill the whole batch (driver and workers) partway; the rerun finishes the rest, and
    no clip is completed twice."""
    make_clips(tmp_path / "clips", 10)
    out = tmp_path / "out"
    script = (f"import sys; sys.path.insert(0, {str(HERE)!r});"
              "from pathlib import Path; from batch_helpers import fake_analyzer;"
              "from formcheck.batch.runner import BatchOptions, run_batch;"
              f"run_batch([{str(tmp_path / 'clips')!r}], Path({str(out)!r}),"
              " BatchOptions(workers=2), analyzer=fake_analyzer)")
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True,
                            env={**os.environ, "FAKE_DELAY": "0.6"})
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline and done < 3:
        time.sleep(0.2)
        if (out / LEDGER_NAME).exists():
            try:
                done = len(Ledger(out / LEDGER_NAME).rows("done"))
            except Exception:  # the database may be mid-creation
                done = 0
    assert done >= 3, "the batch did not progress"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed = Ledger(out / LEDGER_NAME)
    assert len(killed.rows("done")) < 10, "killed too late to test resuming"
    killed.close()
    result = run_batch([str(tmp_path / "clips")], out, BatchOptions(workers=2),
                       analyzer=fake_analyzer)
    ledger = Ledger(out / LEDGER_NAME)
    rows = ledger.rows()
    assert len(rows) == 10 and all(r.state == "done" for r in rows)
    assert all(r.completions == 1 for r in rows), "a finished clip was analysed again"
    assert result.skipped == done or result.skipped >= 3
    assert all(_complete(r) for r in rows)
    # no half-written file is left behind
    assert not list(out.rglob(".*.tmp"))
    ledger.close()


@pytest.mark.slow
def test_batch_on_a_local_ray_instance(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    make_clips(tmp_path / "clips", 4)
    # Ray's session files go to a short folder of our own (its sockets need a short path),
    # removed afterwards, instead of piling up in /tmp/ray
    session = tempfile.mkdtemp(prefix="fcray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _temp_dir=session,
             runtime_env={"env_vars": {"PYTHONPATH": f"{HERE}:{os.environ.get('PYTHONPATH', '')}"}})
    try:
        result = run_batch([str(tmp_path / "clips")], tmp_path / "out",
                           BatchOptions(engine="ray"), analyzer=fake_analyzer)
    finally:
        ray.shutdown()
        shutil.rmtree(session, ignore_errors=True)
    assert (result.done, result.failed) == (4, 0)
    ledger = Ledger(tmp_path / "out" / LEDGER_NAME)
    assert all(_complete(r) for r in ledger.rows("done"))
    ledger.close()


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    import fcntl

    from formcheck.errors import OutputError

    out = tmp_path / "out"
    out.mkdir()
    with (out / ".formcheck-batch.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(OutputError, match="already writing"):
            run_batch([str(tmp_path)], out, analyzer=fake_analyzer)


def test_index_speaks_the_batch_language() -> None:
    """index.html in Japanese: headings, counts, states and views from the data files."""
    import re

    from formcheck.batch.summary import render_index

    rows = [{"athlete": "athlete0", "session": "2026-09", "clip": "/x/a.mp4", "state": "done",
             "view": "side_left", "cadence_spm": 171.0, "findings_flag": 1,
             "findings_watch": 2, "drift_flagged": "trunk_lean_deg", "report": "a/report.html",
             "error": None},
            {"athlete": "athlete0", "session": "2026-09", "clip": "/x/b.mp4", "state": "failed",
             "error": "壊れた動画"}]
    html = render_index(rows, [], "ja")
    text = re.sub(r"<[^>]+>|[\w./-]+\.(mp4|html)|athlete0|formcheck", " ", html.split("<body>")[1])
    assert "分析済み 1 本" in text and "失敗" in text and "横（左側）" in text
    assert not re.findall(r"[A-Za-z]{3,}", text), re.findall(r"[A-Za-z]{3,}", text)


def test_a_failed_clip_is_recorded_in_the_batch_language(tmp_path: Path) -> None:
    """The ledger (and so index.html) keeps the error as the batch's language renders it."""
    from formcheck.batch.jobs import ClipJob, process_clip
    from formcheck.pipeline import AnalyzeOptions

    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    for lang, words in (("ja", "は空のファイルです（0 バイト）。"), ("en", "is empty (0 bytes).")):
        job = ClipJob(str(empty), "0" * 64, str(tmp_path / "out"), AnalyzeOptions(lang=lang))
        outcome = process_clip(job)
        assert not outcome.ok and words in (outcome.error or "")
