"""Save and load a PoseTrack as a compressed .npz (pose is the slow step; cache it)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from formcheck.track import PoseTrack, VideoInfo


def save_track(track: PoseTrack, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    arrays = {"time_s": track.time_s, "image_xy": track.image_xy,
              "visibility": track.visibility, "world_xyz": track.world_xyz}
    for name in ("back_concavity", "waist_line", "ground_shift"):
        if getattr(track, name) is not None:
            arrays[name] = getattr(track, name)
    meta = {"video": asdict(track.video), "model": track.model,
            "provenance": list(track.provenance)}
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez_compressed(tmp, allow_pickle=False, **arrays)
    tmp.replace(path)


def load_track(path: Path) -> PoseTrack:
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        return PoseTrack(
            time_s=data["time_s"], image_xy=data["image_xy"], visibility=data["visibility"],
            world_xyz=data["world_xyz"], video=VideoInfo(**meta["video"]), model=meta["model"],
            back_concavity=data.get("back_concavity", None),
            waist_line=data.get("waist_line", None),
            ground_shift=data.get("ground_shift", None),
            provenance=tuple(meta["provenance"]))
