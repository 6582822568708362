"""Model registry resolution and verification, sample manifest, without network."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from formcheck import samples
from formcheck.errors import InputError, ModelIntegrityError, ModelNotFoundError
from formcheck.pose.mediapipe import models


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(models.MODEL_DIR_ENV, raising=False)
    monkeypatch.setattr(models, "cache_dir", lambda: tmp_path / "cache")
    return tmp_path


def test_every_model_has_an_official_url_and_an_accepted_checksum() -> None:
    for spec in models.REGISTRY.values():
        assert spec.url.startswith("https://storage.googleapis.com/mediapipe-models/")
        assert spec.url.endswith(spec.filename)
        assert spec.accepted_sha256 and all(len(h) == 64 for h in spec.accepted_sha256)


def test_env_dir_is_searched_first(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = models.REGISTRY["lite"]
    env_dir, local_dir = isolated / "env", isolated / "models"
    for d in (env_dir, local_dir):
        d.mkdir()
        (d / spec.filename).write_bytes(b"x")
    monkeypatch.setenv(models.MODEL_DIR_ENV, str(env_dir))
    assert models.find_local(spec) == env_dir / spec.filename


def test_wrong_checksum_is_refused(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = models.REGISTRY["full"]
    (isolated / "models").mkdir()
    (isolated / "models" / spec.filename).write_bytes(b"not a model")
    with pytest.raises(ModelIntegrityError, match="not a known full model"):
        models.resolve_model("full", allow_download=False)


def test_accepted_checksum_passes(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = models.REGISTRY["full"]
    payload = b"pretend model"
    fake = models.ModelSpec("full", spec.filename, spec.url,
                            hashlib.sha256(payload).hexdigest())
    monkeypatch.setitem(models.REGISTRY, "full", fake)
    (isolated / "models").mkdir()
    (isolated / "models" / spec.filename).write_bytes(payload)
    assert models.resolve_model("full").name == spec.filename


def test_offline_without_model_says_where_to_put_it(isolated: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import pooch

    def no_network(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ConnectionError("no route to host")

    monkeypatch.setattr(pooch, "retrieve", no_network)
    with pytest.raises(ModelNotFoundError) as err:
        models.resolve_model("heavy")
    text = str(err.value)
    assert "pose_landmarker_heavy.task" in text and models.MODEL_DIR_ENV in text


def test_download_runs_with_its_progress_bar(isolated: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The real pooch download path runs (only the transfer is faked): its progress bar needs
    tqdm, which once was missing and broke every download on connected machines."""
    import pooch

    payload = b"pretend model"
    spec = models.REGISTRY["lite"]
    fake = models.ModelSpec("lite", spec.filename, spec.url, hashlib.sha256(payload).hexdigest())
    monkeypatch.setitem(models.REGISTRY, "lite", fake)

    def transfer(self, url, output_file, pooch_obj, check_only=False):  # noqa: ANN001, ANN202
        Path(output_file).write_bytes(payload)

    monkeypatch.setattr(pooch.HTTPDownloader, "__call__", transfer)
    assert models.resolve_model("lite").read_bytes() == payload


def test_unknown_model_name() -> None:
    with pytest.raises(ModelNotFoundError, match="Unknown model"):
        models.get_spec("medium")


def test_sample_manifest_entries_are_complete() -> None:
    entries = samples.load_manifest()
    assert entries
    for s in entries:
        assert s.url.startswith("https://") and len(s.sha256) == 64 and s.licence


def test_unknown_sample_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="no sample called"):
        samples.resolve_video_argument("sample:nope")
