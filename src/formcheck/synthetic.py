"""A procedural side-view runner with analytically known answers, for tests and fixtures.

Geometry (image pixels, y down, ground at `ground_y`): each foot has a gait phase in [0, 1)
with initial contact at 0 and toe-off at `duty_factor`. In stance the heel (then the toe)
rests on the ground and moves backward at constant speed, as on a treadmill; in swing it
travels forward on an arc, leaving the ground with it and landing a little faster. The knee
comes from two-link inverse kinematics (knee forward).
Everything the metrics should find is known from the parameters:

- IC / TO instants: phase 0 / duty_factor; cadence: `cadence_spm`;
- overstride: `overstride_leg` (heel ahead of the hip midpoint at IC, in leg lengths);
- trunk lean: `trunk_lean_deg`; foot-strike angle: `foot_strike_deg`;
- knee flexion at IC: law of cosines on the hip-ankle distance (see `SideTruth`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck import landmarks as L
from formcheck.track import PoseTrack, VideoInfo


@dataclass(frozen=True)
class SyntheticRunner:
    fps: float = 60.0
    duration_s: float = 12.0
    cadence_spm: float = 170.0
    duty_factor: float = 0.36
    leg_px: float = 300.0  # hip-joint height standing = thigh + shank + ankle height
    overstride_leg: float = 0.10
    stance_travel_leg: float = 0.55  # heel travel from IC to TO
    trunk_lean_deg: float = 6.0
    foot_strike_deg: float = 10.0  # + = toes up at contact
    # The foot's forward speed over the ground at contact, as a share of the running speed.
    # On the hand-labelled GaitLab contacts MediaPipe's heel shows 0.38–0.42 in the labelled
    # frame (the first frame on the ground, so at or after the contact) and ~0.7 half a frame
    # earlier: the contact instant lies between. 0.5 is inside that range (and is the
    # detector's threshold; its agreement with real contacts is checked on the labels).
    landing_speed_of_running: float = 0.5
    vertical_oscillation_leg: float = 0.07
    hip_height_leg: float = 0.955  # mean hip height while running
    facing_right: bool = True
    start_phase: float = 0.15
    noise_px: float = 0.0
    seed: int = 0
    swap_frames: tuple[tuple[int, int], ...] = ()  # [start, stop) ranges with legs swapped
    dropout_frames: tuple[tuple[int, int], ...] = ()  # [start, stop) ranges with no pose
    timestamp_jitter: float = 0.0  # VFR: frame intervals vary by ± this share
    width: int = 1280
    height: int = 720
    back_concavity: float = 0.03
    extra: dict = field(default_factory=dict)

    @property
    def thigh_px(self) -> float:
        return 0.465 * self.leg_px

    @property
    def shank_px(self) -> float:
        return 0.465 * self.leg_px

    @property
    def ankle_height_px(self) -> float:
        return 0.07 * self.leg_px


@dataclass(frozen=True)
class SideTruth:
    ic_times: dict[str, np.ndarray]
    to_times: dict[str, np.ndarray]
    ic_frames: dict[str, np.ndarray]  # first frame at or after each IC instant
    knee_flexion_ic_deg: float
    contact_time_ms: float
    flight_time_ms: float


FOOT_LENGTH = 0.27  # heel → toe, leg lengths
HEEL_HEIGHT = 0.03  # heel landmark above the sole
ANKLE_FORWARD = 0.06  # ankle ahead of the heel landmark
SWING_LIFT = 0.35
TO_FOOT_ANGLE = -30.0  # foot pitched toes-down at toe-off


def _times(r: SyntheticRunner) -> np.ndarray:
    n = int(round(r.duration_s * r.fps))
    dt = np.full(n, 1.0 / r.fps)
    if r.timestamp_jitter:
        rng = np.random.default_rng(r.seed + 1)
        dt *= 1 + rng.uniform(-r.timestamp_jitter, r.timestamp_jitter, n)
    return np.concatenate([[0.0], np.cumsum(dt[:-1])])


def _foot(r: SyntheticRunner, phase: np.ndarray, hip_x: float, ground: float, fwd: int):  # noqa: ANN202
    """Heel, toe and ankle (T, 2) for one foot from its phase."""
    leg, d = r.leg_px, r.duty_factor
    ic_x = hip_x + fwd * r.overstride_leg * leg
    to_x = ic_x - fwd * r.stance_travel_leg * leg
    flen, heel_h = FOOT_LENGTH * leg, HEEL_HEIGHT * leg
    stance = phase < d
    s = np.where(stance, phase / d, 0.0)
    u = np.where(stance, 0.0, (phase - d) / (1 - d))
    # Swing: a cubic Hermite from toe-off to contact. The foot leaves the ground moving with
    # it and lands still moving forward over it at `landing_speed_of_running` × the running
    # speed (the stance speed in the image), as MediaPipe's heel does on real footage.
    ground_step = (to_x - ic_x) / d * (1 - d)  # the ground's travel over one swing
    landing_step = ground_step * (1.0 - r.landing_speed_of_running)
    heel_x = np.where(stance, ic_x + (to_x - ic_x) * s,
                      (2 * u**3 - 3 * u**2 + 1) * to_x + (u**3 - 2 * u**2 + u) * ground_step
                      + (-2 * u**3 + 3 * u**2) * ic_x + (u**3 - u**2) * landing_step)
    # foot angle: strike angle → flat by 15% of stance; flat; heel rise from 65% to TO
    angle = np.interp(s, [0, 0.15, 0.65, 1.0], [r.foot_strike_deg, 0, 0, TO_FOOT_ANGLE])
    angle = np.where(stance, angle, TO_FOOT_ANGLE + (r.foot_strike_deg - TO_FOOT_ANGLE)
                     * (0.5 - 0.5 * np.cos(np.pi * u)))
    a = np.radians(angle)
    # the heel sits heel_h above the ground; while the foot is pitched toes-down the toe is
    # the lowest point and rests on (stance) or clears (swing) the ground
    heel_y = ground - heel_h - flen * np.sin(np.maximum(-a, 0.0))
    heel_y = heel_y - np.where(stance, 0.0, SWING_LIFT * leg * np.sin(np.pi * u))
    toe = np.stack([heel_x + fwd * flen * np.cos(a), heel_y - flen * np.sin(a)], axis=1)
    heel = np.stack([heel_x, heel_y], axis=1)
    # ankle: above and slightly ahead of the heel, rotating with the foot
    ax, ay = ANKLE_FORWARD * leg, r.ankle_height_px - heel_h
    ankle = heel + np.stack([fwd * (ax * np.cos(a) - ay * np.sin(a)),
                             -(ax * np.sin(a) + ay * np.cos(a))], axis=1)
    return heel, toe, ankle


def _knee(hip: np.ndarray, ankle: np.ndarray, thigh: float, shank: float, fwd: int,
          ) -> np.ndarray:
    """Two-link IK: the knee on the forward side of the hip-ankle line."""
    v = ankle - hip
    d = np.clip(np.linalg.norm(v, axis=1), 1e-6, thigh + shank - 1e-6)
    along = (thigh**2 - shank**2 + d**2) / (2 * d)
    across = np.sqrt(np.maximum(thigh**2 - along**2, 0))
    unit = v / d[:, None]
    normal = np.stack([-unit[:, 1], unit[:, 0]], axis=1)
    normal *= np.sign(normal[:, 0] * fwd)[:, None]  # toward the direction of travel
    return hip + unit * along[:, None] + normal * across[:, None]


def knee_flexion_from_distance(d: float, thigh: float, shank: float) -> float:
    cos_inner = (thigh**2 + shank**2 - d**2) / (2 * thigh * shank)
    inner = np.degrees(np.arccos(np.clip(cos_inner, -1.0, 1.0)))  # straight leg if out of reach
    return float(180.0 - inner)


def synthetic_side_track(r: SyntheticRunner = SyntheticRunner()) -> tuple[PoseTrack, SideTruth]:
    """A PoseTrack of a runner filmed from the side, and its known answers."""
    t = _times(r)
    n = len(t)
    fwd = 1 if r.facing_right else -1
    freq = r.cadence_spm / 120.0  # strides per second
    leg = r.leg_px
    ground = 0.85 * r.height
    hip_x = r.width / 2
    phase = {"right": (t * freq + r.start_phase) % 1.0,
             "left": (t * freq + r.start_phase + 0.5) % 1.0}
    # hip lowest at each midstance (twice per stride)
    hip_y = ground - r.hip_height_leg * leg + 0.5 * r.vertical_oscillation_leg * leg * np.cos(
        4 * np.pi * (phase["right"] - r.duty_factor / 2))
    hip = np.stack([np.full(n, hip_x), hip_y], axis=1)
    xy = np.zeros((n, L.N_LANDMARKS, 2))
    depth = {"left": -1 if not r.facing_right else 1, "right": 1 if not r.facing_right else -1}
    for side, (ih, ik, ia, ihe, ito) in (("left", L.LEG[L.Side.LEFT]),
                                          ("right", L.LEG[L.Side.RIGHT])):
        heel, toe, ankle = _foot(r, phase[side], hip_x, ground, fwd)
        side_hip = hip + [depth[side] * 2.0, 0.0]  # hip joints 4 px apart in the image
        knee = _knee(side_hip, ankle, r.thigh_px, r.shank_px, fwd)
        xy[:, ih], xy[:, ik], xy[:, ia], xy[:, ihe], xy[:, ito] = side_hip, knee, ankle, heel, toe
    lean = np.radians(r.trunk_lean_deg)
    trunk = 0.62 * leg
    shoulder = hip + trunk * np.array([fwd * np.sin(lean), -np.cos(lean)])
    xy[:, L.LEFT_SHOULDER] = shoulder + [2.0, 0]
    xy[:, L.RIGHT_SHOULDER] = shoulder - [2.0, 0]
    head = shoulder + np.array([fwd * 0.05 * leg, -0.25 * leg])
    for i in L.FACE:
        xy[:, i] = head + [fwd * 0.07 * leg * (i == L.NOSE), 0.0]
    xy[:, L.LEFT_EAR] = head - [fwd * 0.04 * leg, 0]
    xy[:, L.RIGHT_EAR] = head - [fwd * 0.04 * leg, 0]
    for i in range(13, 23):  # arms: hanging near the trunk
        xy[:, i] = shoulder + [fwd * 0.1 * leg * ((i % 2) - 0.5), 0.3 * leg]
    rng = np.random.default_rng(r.seed)
    if r.noise_px:
        xy += rng.normal(0, r.noise_px, xy.shape)
    for start, stop in r.swap_frames:
        for a, b in L.SWAP_PAIRS:
            xy[start:stop, [a, b]] = xy[start:stop, [b, a]]
    vis = np.full((n, L.N_LANDMARKS), 0.95)
    world = np.zeros((n, L.N_LANDMARKS, 3))
    world[..., :2] = (xy - hip[:, None, :]) / leg
    world[:, [L.LEFT_HIP, L.LEFT_SHOULDER, L.LEFT_KNEE], 2] = depth["left"] * 0.1
    world[:, [L.RIGHT_HIP, L.RIGHT_SHOULDER, L.RIGHT_KNEE], 2] = depth["right"] * 0.1
    concavity = np.full((n, 2), r.back_concavity)
    for start, stop in r.dropout_frames:
        xy[start:stop], vis[start:stop], world[start:stop] = np.nan, 0.0, np.nan
        concavity[start:stop] = np.nan
    info = VideoInfo(path="synthetic-side", width=r.width, height=r.height, fps=r.fps,
                     n_frames=n, duration_s=float(t[-1] + 1 / r.fps))
    track = PoseTrack(time_s=t, image_xy=xy, visibility=vis, world_xyz=world, video=info,
                      model="synthetic", back_concavity=concavity,
                      provenance=("synthetic side-view runner",))
    return track, _truth(r, t)


def _truth(r: SyntheticRunner, t: np.ndarray) -> SideTruth:
    freq = r.cadence_spm / 120.0
    period = 1.0 / freq
    ics, tos, frames = {}, {}, {}
    for side, offset in (("right", r.start_phase), ("left", r.start_phase + 0.5)):
        first = ((-offset) % 1.0) * period
        ic = np.arange(first, t[-1], period)
        ics[side] = ic
        tos[side] = ic + r.duty_factor * period
        frames[side] = np.searchsorted(t, ic - 1e-9)
    leg = r.leg_px
    hip_h = r.hip_height_leg * leg - 0.5 * r.vertical_oscillation_leg * leg * np.cos(
        4 * np.pi * (0 - r.duty_factor / 2))
    a = np.radians(r.foot_strike_deg)
    ax, ay = ANKLE_FORWARD * leg, r.ankle_height_px - HEEL_HEIGHT * leg
    ankle_dx = r.overstride_leg * leg + ax * np.cos(a) - ay * np.sin(a)
    ankle_h = HEEL_HEIGHT * leg + ax * np.sin(a) + ay * np.cos(a)
    d = float(np.hypot(ankle_dx, hip_h - ankle_h))
    stride_ms = 1000.0 * period
    return SideTruth(
        ic_times=ics, to_times=tos, ic_frames=frames,
        knee_flexion_ic_deg=knee_flexion_from_distance(d, r.thigh_px, r.shank_px),
        contact_time_ms=r.duty_factor * stride_ms,
        flight_time_ms=(0.5 - r.duty_factor) * stride_ms)


@dataclass(frozen=True)
class FrontalRunner:
    """A runner filmed from behind (`front=False`) or in front, with known frontal answers.

    At each foot's midstance the pelvis is tilted by `pelvic_drop_deg` (swing side lower),
    the stance knee sits `knee_fppa_deg` inside the hip-ankle line (+ valgus), the trunk leans
    `sway_deg` toward the stance side, the stance foot points `toe_out_deg` outward and lands
    `step_width_hip` hip widths from the other foot. The picture is rolled by `roll_deg`.
    """

    front: bool = False
    fps: float = 60.0
    duration_s: float = 10.0
    cadence_spm: float = 170.0
    duty_factor: float = 0.36
    leg_px: float = 300.0
    hip_width_leg: float = 0.19
    pelvic_drop_deg: float = 6.0
    knee_fppa_deg: float = 8.0
    sway_deg: float = 3.0
    toe_out_deg: float = 10.0
    step_width_hip: float = 0.4
    roll_deg: float = 0.0
    width: int = 1280
    height: int = 720


def _bump(phase: np.ndarray, duty: float) -> np.ndarray:
    """1 at midstance, falling to 0 at contact and toe-off, 0 in swing."""
    s = phase / duty
    return np.where(phase < duty, np.sin(np.pi * np.clip(s, 0, 1)), 0.0)


def synthetic_frontal_track(r: FrontalRunner = FrontalRunner()) -> tuple[PoseTrack, dict]:
    """A rear/front PoseTrack and its truth: midstance frames and the per-stance values."""
    n = int(round(r.duration_s * r.fps))
    t = np.arange(n) / r.fps
    freq = r.cadence_spm / 120.0
    leg, hw = r.leg_px, r.hip_width_leg * r.leg_px
    left_sign = 1 if r.front else -1  # image-x sign of the runner's left
    out = {"left": left_sign, "right": -left_sign}
    phase = {"right": (t * freq) % 1.0, "left": (t * freq + 0.5) % 1.0}
    bump = {s: _bump(phase[s], r.duty_factor) for s in ("left", "right")}
    ground = 0.85 * r.height
    x0 = r.width / 2
    # pelvis lowest at each midstance
    hip_y = ground - 0.93 * leg + 0.035 * leg * (bump["left"] + bump["right"])
    # + tilt = runner's right side lower: left stance drops the right side
    tilt = np.radians(r.pelvic_drop_deg) * (bump["left"] - bump["right"])
    xy = np.zeros((n, L.N_LANDMARKS, 2))
    for side, sign in (("left", 1.0), ("right", -1.0)):
        hip_i, knee_i, ankle_i, heel_i, toe_i = L.LEG[L.Side(side)]
        hx = x0 + out[side] * hw / 2
        hy = hip_y + sign * np.sin(tilt) * hw / 2  # right lower when tilt > 0
        ankle_x = x0 + out[side] * r.step_width_hip * hw / 2
        lift = 0.3 * leg * np.where(phase[side] >= r.duty_factor, np.sin(
            np.pi * (phase[side] - r.duty_factor) / (1 - r.duty_factor)), 0.0)
        ay = ground - 0.07 * leg - lift
        half = 0.5 * (ay - hy)
        fppa = np.radians(r.knee_fppa_deg) * bump[side]
        medial = -out[side]
        kx = 0.5 * (hx + ankle_x) + medial * half * np.tan(fppa / 2)
        xy[:, hip_i] = np.stack([np.full(n, hx), hy], axis=1)
        xy[:, knee_i] = np.stack([kx, hy + half], axis=1)
        xy[:, ankle_i] = np.stack([np.full(n, ankle_x), ay], axis=1)
        xy[:, heel_i] = xy[:, ankle_i] + [0.0, 0.05 * leg]
        foot = FOOT_LENGTH * leg
        toe_dx = out[side] * foot * np.sin(np.radians(r.toe_out_deg))
        toe_dy = (1 if r.front else -1) * 0.25 * foot  # foreshortened forward component
        xy[:, toe_i] = xy[:, heel_i] + [toe_dx, toe_dy]
    hip_mid = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    sway = np.radians(r.sway_deg) * (out["left"] * bump["left"] + out["right"] * bump["right"])
    shoulder_mid = hip_mid + 0.62 * leg * np.stack([np.sin(sway), -np.cos(sway)], axis=1)
    for side in ("left", "right"):
        xy[:, L.LEFT_SHOULDER if side == "left" else L.RIGHT_SHOULDER] = \
            shoulder_mid + [out[side] * 0.2 * leg, 0.0]
    head = shoulder_mid + [0.0, -0.25 * leg]
    for i in L.FACE:
        xy[:, i] = head
    xy[:, L.LEFT_EAR] = head + [out["left"] * 0.05 * leg, 0]
    xy[:, L.RIGHT_EAR] = head + [out["right"] * 0.05 * leg, 0]
    for i in range(13, 23):
        side = "left" if i % 2 else "right"
        xy[:, i] = shoulder_mid + [out[side] * 0.25 * leg, 0.3 * leg]
    centre = (r.width / 2, r.height / 2)
    from formcheck.metrics.geometry import rotate_points

    xy = rotate_points(xy, r.roll_deg, centre)
    world = np.zeros((n, L.N_LANDMARKS, 3))
    world[..., :2] = (xy - hip_mid[:, None, :]) / leg
    world[:, L.NOSE, 2] = -0.3 if r.front else 0.3
    waist = np.stack([np.degrees(tilt) * -left_sign + r.roll_deg * -1.0, np.full(n, 60.0)],
                     axis=1)
    info = VideoInfo(path="synthetic-frontal", width=r.width, height=r.height, fps=r.fps,
                     n_frames=n, duration_s=float(n / r.fps))
    track = PoseTrack(time_s=t, image_xy=xy, visibility=np.full((n, L.N_LANDMARKS), 0.95),
                      world_xyz=world, video=info, model="synthetic",
                      back_concavity=np.full((n, 2), np.nan), waist_line=waist,
                      provenance=("synthetic frontal runner",))
    period = 1 / freq
    mids = {s: np.searchsorted(t, np.arange(((-off) % 1.0) * period + r.duty_factor / 2 * period,
                                            t[-1], period))
            for s, off in (("right", 0.0), ("left", 0.5))}
    return track, {"midstance_frames": mids}
