"""The pose-model registry: where each MediaPipe bundle comes from and which files we accept.

Resolution order: explicit path → $FORMCHECK_MODEL_DIR → ./models → user cache → download.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from formcheck.errors import ModelIntegrityError, ModelNotFoundError
from formcheck.io.hashing import sha256_of
from formcheck.texts import error_list

MODEL_DIR_ENV = "FORMCHECK_MODEL_DIR"
_BASE_URL = "https://storage.googleapis.com/mediapipe-models/pose_landmarker"


@dataclass(frozen=True)
class ModelSpec:
    """One pose bundle: its file name, official URL and every sha256 we accept.

    `official_sha256` is Google's file; `offline_sha256` are known-good rebuilds of the same
    network (../shared/models/README.md) for machines that cannot reach Google's storage.
    """

    name: str
    filename: str
    url: str
    official_sha256: str | None
    offline_sha256: tuple[str, ...] = ()
    ms_per_frame_2core: float = 0.0

    @property
    def accepted_sha256(self) -> tuple[str, ...]:
        official = (self.official_sha256,) if self.official_sha256 else ()
        return official + self.offline_sha256


def _spec(name: str, official: str | None, offline: tuple[str, ...], ms: float) -> ModelSpec:
    filename = f"pose_landmarker_{name}.task"
    url = f"{_BASE_URL}/pose_landmarker_{name}/float16/latest/{filename}"
    return ModelSpec(name, filename, url, official, offline, ms)


REGISTRY: dict[str, ModelSpec] = {
    "lite": _spec("lite", None,
                  ("d0a1b0fe67be865758387676590d35eda3d5a09928173c06051911c8fe70612b",), 13.0),
    "full": _spec("full", "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad",
                  (), 19.0),
    "heavy": _spec("heavy", None,
                   ("64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b",), 62.0),
}
DEFAULT_MODEL = "full"


def get_spec(name: str) -> ModelSpec:
    if name not in REGISTRY:
        raise ModelNotFoundError.coded("model_unknown", name=name, names=error_list(REGISTRY))
    return REGISTRY[name]


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("formcheck")) / "models"


def search_dirs() -> list[Path]:
    """Directories searched for model files, in order."""
    dirs = []
    if env := os.environ.get(MODEL_DIR_ENV):
        dirs.append(Path(env).expanduser())
    dirs += [Path.cwd() / "models", cache_dir()]
    return dirs


def verify(spec: ModelSpec, path: Path) -> str:
    """Return 'official' or 'offline copy' if the file's sha256 is accepted, else raise."""
    digest = sha256_of(path)
    if digest == spec.official_sha256:
        return "official"
    if digest in spec.offline_sha256:
        return "offline copy"
    if spec.official_sha256 is None and _looks_like_task_bundle(path):
        return "unverified download (no official checksum recorded)"
    raise ModelIntegrityError.coded("model_bad_checksum", path=str(path), digest=digest[:16],
                                    model=spec.name)


def _looks_like_task_bundle(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.endswith(".tflite") for n in zf.namelist())
    except zipfile.BadZipFile:
        return False


def find_local(spec: ModelSpec) -> Path | None:
    for directory in search_dirs():
        candidate = directory / spec.filename
        if candidate.is_file():
            return candidate
    return None


def download(spec: ModelSpec, progress: bool = True) -> Path:
    """Fetch the official bundle into the user cache and verify it."""
    import pooch

    target = cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    try:
        fetched = pooch.retrieve(
            spec.url,
            known_hash=f"sha256:{spec.official_sha256}" if spec.official_sha256 else None,
            fname=spec.filename, path=target, progressbar=progress,
        )
    except Exception as exc:  # network errors come in many types; all mean "not reachable"
        raise ModelNotFoundError.coded(
            "model_download_failed", model=spec.name, detail=type(exc).__name__, url=spec.url,
            filename=spec.filename, dirs=error_list(str(d) for d in search_dirs()),
            env=MODEL_DIR_ENV) from exc
    path = Path(fetched)
    verify(spec, path)
    return path


def resolve_model(name_or_path: str = DEFAULT_MODEL, allow_download: bool = True) -> Path:
    """Find a verified model file for a registry name, or accept an explicit .task path."""
    as_path = Path(name_or_path).expanduser()
    if as_path.suffix == ".task":
        if not as_path.is_file():
            raise ModelNotFoundError.coded("model_file_missing", path=str(as_path))
        return as_path
    spec = get_spec(name_or_path)
    local = find_local(spec)
    if local is not None:
        verify(spec, local)
        return local
    if not allow_download:
        raise ModelNotFoundError.coded(
            "model_not_found", model=spec.name, filename=spec.filename,
            dirs=error_list(str(d) for d in search_dirs()), env=MODEL_DIR_ENV)
    return download(spec)
