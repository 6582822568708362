"""Shared fixtures. Integration tests need the real model and clips from ../shared.

In CI (CI=true) a missing model or data directory is a failure, not a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"


def _dir_from_env(name: str, default: Path) -> Path | None:
    path = Path(os.environ.get(name, default))
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def model_dir() -> Path:
    path = _dir_from_env("FORMCHECK_MODEL_DIR", DEFAULT_SHARED / "models")
    if path is None or not (path / "pose_landmarker_full.task").is_file():
        if os.environ.get("CI"):
            pytest.fail("FORMCHECK_MODEL_DIR with pose_landmarker_full.task is required in CI")
        pytest.skip("no pose model directory (set FORMCHECK_MODEL_DIR)")
    os.environ["FORMCHECK_MODEL_DIR"] = str(path)
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = _dir_from_env("FORMCHECK_DATA_DIR", DEFAULT_SHARED / "data")
    if path is None or not (path / "real").is_dir():
        if os.environ.get("CI"):
            pytest.fail("FORMCHECK_DATA_DIR (../shared/data) is required in CI")
        pytest.skip("no data directory (set FORMCHECK_DATA_DIR)")
    os.environ["FORMCHECK_DATA_DIR"] = str(path)
    return path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every integration test is also `slow`: `pytest -m "not slow"` is the quick loop."""
    for item in items:
        if item.get_closest_marker("integration") is not None:
            item.add_marker(pytest.mark.slow)
