"""Sample clips: a manifest (URL, sha256, licence) fetched on demand into a cache.

`$FORMCHECK_DATA_DIR` (e.g. ../shared/data) is searched first, so offline machines work.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

from formcheck.errors import InputError
from formcheck.io.hashing import sha256_of
from formcheck.texts import error_list

DATA_DIR_ENV = "FORMCHECK_DATA_DIR"
SAMPLE_PREFIX = "sample:"


@dataclass(frozen=True)
class Sample:
    name: str
    description: str
    url: str
    sha256: str
    licence: str
    local_name: str
    filename: str


def load_manifest() -> list[Sample]:
    text = resources.files("formcheck").joinpath("data/samples.json").read_text("utf-8")
    return [Sample(**entry) for entry in json.loads(text)["samples"]]


def get_sample(name: str) -> Sample:
    samples = {s.name: s for s in load_manifest()}
    if name not in samples:
        raise InputError.coded("sample_unknown", name=name, names=error_list(samples))
    return samples[name]


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("formcheck")) / "samples"


def _verified(path: Path, sample: Sample) -> bool:
    return path.is_file() and sha256_of(path) == sample.sha256


def fetch_sample(name: str) -> Path:
    """Local data dir → cache → download (sha256-checked)."""
    sample = get_sample(name)
    if env := os.environ.get(DATA_DIR_ENV):
        local = Path(env).expanduser() / sample.local_name
        if _verified(local, sample):
            return local
    cached = cache_dir() / sample.filename
    if _verified(cached, sample):
        return cached
    import pooch

    try:
        fetched = pooch.retrieve(sample.url, known_hash=f"sha256:{sample.sha256}",
                                 fname=sample.filename, path=cache_dir(), progressbar=True)
    except Exception as exc:  # any network or checksum failure
        raise InputError.coded(
            "sample_download_failed", name=name, detail=type(exc).__name__, url=sample.url,
            env=DATA_DIR_ENV, filename=sample.local_name, cache=str(cache_dir())) from exc
    return Path(fetched)


def resolve_video_argument(arg: str) -> Path:
    """`sample:NAME` → the sample's local path; anything else is a path."""
    if arg.startswith(SAMPLE_PREFIX):
        return fetch_sample(arg[len(SAMPLE_PREFIX):])
    return Path(arg).expanduser()
