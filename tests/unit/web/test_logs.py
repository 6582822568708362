"""The web server's log names requests and jobs without leaking job ids."""

from __future__ import annotations

import logging
from pathlib import Path

from formcheck.web.logs import configure, job_tag
from formcheck.web.store import new_job_id


def test_requests_and_job_changes_are_logged_without_job_ids(tmp_path: Path) -> None:
    log_file = configure(tmp_path)
    job_id = new_job_id()
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/1.1" %d', "127.0.0.1", "GET",
                                             f"/api/jobs/{job_id}/report.html", 200)
    logging.getLogger("formcheck.web").info("%s: analysis started", job_tag(job_id))
    for handler in logging.getLogger("formcheck").handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert job_id not in text
    assert text.count(job_tag(job_id)) == 2  # the request and the state change
    assert "GET /api/jobs/job#" in text and "report.html" in text
    for name in ("formcheck", "uvicorn.error", "uvicorn.access"):  # leave logging as found
        logger = logging.getLogger(name)
        for handler in logger.handlers:
            handler.close()
        logger.handlers.clear()
        logger.propagate = True
