"""Per-stride series over the run, as inline SVG (matplotlib, no files, no network)."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")
# Keep text as text: the browser draws it with its own fonts (Japanese included).
matplotlib.rcParams["svg.fonttype"] = "none"
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from formcheck.schema import Analysis, CycleAngle  # noqa: E402
from formcheck.texts import Lang, side_text, ui_text, unit_text  # noqa: E402

SIDE_COLOURS = {"left": "#1f77b4", "right": "#d62728"}


def metric_series(analysis: Analysis, metric: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per foot: (IC times in s, values)."""
    out = {}
    for foot in ("left", "right"):
        pts = [(s.ic_time_s, s.metrics[metric]) for s in analysis.strides
               if s.foot == foot and s.metrics.get(metric) is not None]
        if pts:
            t, v = np.array(pts).T
            out[foot] = (t, v)
    return out


def plot_metric_svg(analysis: Analysis, metric: str, title: str,
                    lang: Lang = "en") -> str | None:
    series = metric_series(analysis, metric)
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(5.0, 2.6), dpi=100)
    g = analysis.metrics.get(metric)
    if g is not None and (g.ok_min is not None or g.ok_max is not None):
        lo = g.ok_min if g.ok_min is not None else ax.get_ylim()[0]
        all_v = np.concatenate([v for _, v in series.values()])
        lo = g.ok_min if g.ok_min is not None else min(all_v.min(), g.ok_max or 0) - 1
        hi = g.ok_max if g.ok_max is not None else max(all_v.max(), g.ok_min or 0) + 1
        ax.axhspan(lo, hi, color="#9e9e9e", alpha=0.15, lw=0)
    times = np.sort(np.concatenate([t for t, _ in series.values()]))
    drift = analysis.drift.get(metric)
    if drift is not None and drift.n_early and len(times) >= drift.n_early + drift.n_late:
        ax.axvspan(times[0], times[drift.n_early - 1], color="#90caf9", alpha=0.25, lw=0)
        ax.axvspan(times[-drift.n_late], times[-1], color="#ffcc80", alpha=0.35, lw=0)
        if drift.slope_per_min is not None:
            all_t = np.concatenate([t for t, _ in series.values()])
            all_v = np.concatenate([v for _, v in series.values()])
            centre = np.median(all_v) - drift.slope_per_min * np.median(all_t) / 60
            ax.plot(times, centre + drift.slope_per_min * times / 60,
                    color="#e65100" if drift.flagged else "#616161", lw=1.5,
                    ls="-" if drift.flagged else "--")
    for foot, (t, v) in series.items():
        ax.plot(t, v, "o", ms=3.5, color=SIDE_COLOURS[foot], label=side_text(foot, lang))
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel(ui_text("plot_time", lang), fontsize=8)
    ax.set_ylabel(unit_text(g.unit, lang) if g is not None else "", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7, loc="best", frameon=False)
    ax.grid(alpha=0.3)
    return svg_of(fig)


def svg_of(fig: plt.Figure) -> str:
    """The figure as an inline <svg> element; closes the figure."""
    buffer = io.StringIO()
    with warnings.catch_warnings():  # layout uses DejaVu metrics for CJK titles; harmless
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.tight_layout()
        fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def plot_cycle_svg(analysis: Analysis, angle: str, lang: Lang = "en") -> str | None:
    """One angle of an analysis over the gait cycle (`cycle_svg`)."""
    cycle = analysis.gait_cycle.get(angle)
    return None if cycle is None else cycle_svg(cycle, angle, lang)


def cycle_svg(cycle: CycleAngle, angle: str, lang: Lang = "en",
              sources: dict[str, str] | None = None) -> str | None:
    """One angle over the gait cycle as gait labs draw it: left and right means with ±1 SD
    bands, each side's toe-off as a dashed line, stance and swing named along the top.
    `sources`: per side, where its curve comes from (a session's clip), added to the legend."""
    sides = [(foot, c) for foot in ("left", "right") if (c := cycle.side(foot)) is not None]
    if not sides:
        return None
    fig, ax = plt.subplots(figsize=(4.6, 2.9), dpi=100)
    pct = np.arange(len(sides[0][1].mean))
    for foot, c in sides:
        mean = np.array(c.mean, dtype=float)  # None → NaN
        sd = np.array(c.sd, dtype=float)
        colour = SIDE_COLOURS[foot]
        label = f"{side_text(foot, lang)} (n={c.n_cycles})"
        if c.low_confidence:
            label += " " + ui_text("cycle_low_confidence_short", lang)
        if sources and foot in sources:
            label += f" · {sources[foot]}"
        ax.fill_between(pct, mean - sd, mean + sd, color=colour, alpha=0.18, lw=0)
        ax.plot(pct, mean, color=colour, lw=1.8, label=label,
                ls="--" if c.low_confidence else "-")
        if c.stance_pct is not None:
            ax.axvline(c.stance_pct, color=colour, lw=1.0, ls=":")
    if ax.get_ylim()[0] < 0 < ax.get_ylim()[1]:
        ax.axhline(0.0, color="#616161", lw=0.6)
    _phase_bar(ax, [c.stance_pct for _, c in sides if c.stance_pct is not None], lang)
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 20))
    ax.set_title(ui_text(f"cycle_{angle}", lang), fontsize=10, loc="left", pad=16)
    ax.set_xlabel(ui_text("cycle_x", lang), fontsize=8)
    ax.set_ylabel(unit_text(cycle.unit, lang), fontsize=8)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7, loc="best", frameon=False)
    ax.grid(alpha=0.3)
    return svg_of(fig)


def _phase_bar(ax: plt.Axes, stance_pcts: list[float], lang: Lang) -> None:
    """A thin bar just above the plot: stance (dark) up to the mean toe-off, swing after."""
    if not stance_pcts:
        return
    toe_off = float(np.mean(stance_pcts))
    blend = ax.get_xaxis_transform()  # x in data (%), y in axes fractions
    for start, stop, colour, key in ((0.0, toe_off, "#546e7a", "cycle_stance"),
                                     (toe_off, 100.0, "#cfd8dc", "cycle_swing")):
        ax.add_patch(plt.Rectangle((start, 1.01), stop - start, 0.05, transform=blend,
                                   color=colour, clip_on=False, lw=0))
        ax.text((start + stop) / 2, 1.035, ui_text(key, lang), transform=blend, fontsize=7,
                ha="center", va="center", color="white" if key == "cycle_stance" else "#263238",
                clip_on=False)
