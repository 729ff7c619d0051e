"""Synthetic currents: a uniform mean flow plus tidal constituents, with an optional log bottom layer.

The uniform part is evaluated once per RK4 stage time for all particles (it
does not depend on position); the log layer scales it by height above the bed
inside the kernel. Tidal phases are relative to the run's start time:

    u(t) = mean_u + sum_k A_u,k cos(w_k t - phi_k)
    v(t) = mean_v + sum_k A_v,k cos(w_k t - phi_v,k)

with phi_v,k = phi_k - 90 deg by default (clockwise rotation, the sense of
free rotary currents in the northern hemisphere).

Eddy episodes: when a surface mesoscale eddy passes over the CCZ the abyssal
flow strengthens for weeks (Aleynik et al. 2017, Sci. Rep. 7, 16959). Each
episode multiplies the kinetic energy of the whole uniform flow by a factor
that rises and falls smoothly, E(t) = 1 + (gain - 1) sin^2(pi (t - t0) / D)
over its duration D, so the velocity is scaled by sqrt(E(t)).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .fields import CurrentGrid, with_log_layer


@dataclass(frozen=True)
class UniformFlow:
    """The spatially uniform part of the current: mean plus tides (m/s)."""

    mean_u_m_s: float = 0.0
    mean_v_m_s: float = 0.0
    angular_frequency_rad_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    u_amplitude_m_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    u_phase_rad: np.ndarray = field(default_factory=lambda: np.zeros(0))
    v_amplitude_m_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    v_phase_rad: np.ndarray = field(default_factory=lambda: np.zeros(0))
    episode_start_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    episode_duration_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    episode_energy_gain: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # the midwater flow's mean (m/s); None: the near-bed flow at every depth
    midwater_u_m_s: float | None = None
    midwater_v_m_s: float | None = None

    def energy_factor(self, time_s) -> np.ndarray:
        """E(t): the eddy episodes' multiplier of the flow's kinetic energy (1 outside episodes)."""
        t = np.asarray(time_s, dtype=float)[..., None]
        phase = (t - self.episode_start_s) / np.maximum(self.episode_duration_s, 1e-300)
        inside = (phase >= 0.0) & (phase <= 1.0)
        bumps = np.where(inside, (self.episode_energy_gain - 1.0) * np.sin(np.pi * phase) ** 2, 0.0)
        return 1.0 + np.sum(bumps, axis=-1)

    def at(self, time_s) -> tuple[np.ndarray, np.ndarray]:
        """(u, v) at times (s since start); accepts scalars or arrays."""
        t = np.asarray(time_s, dtype=float)[..., None]
        w = self.angular_frequency_rad_s
        u = self.mean_u_m_s + np.sum(self.u_amplitude_m_s * np.cos(w * t - self.u_phase_rad), axis=-1)
        v = self.mean_v_m_s + np.sum(self.v_amplitude_m_s * np.cos(w * t - self.v_phase_rad), axis=-1)
        if self.episode_start_s.size:
            scale = np.sqrt(self.energy_factor(time_s))
            u, v = u * scale, v * scale
        return u, v

    def midwater_at(self, time_s) -> tuple[np.ndarray, np.ndarray]:
        """(u, v) of the midwater flow at times (s since start): its own mean with the same tides
        (barotropic) and no eddy episodes (those are measured near the bed); the near-bed flow when
        there is no midwater flow."""
        if self.midwater_u_m_s is None:
            return self.at(time_s)
        t = np.asarray(time_s, dtype=float)[..., None]
        w = self.angular_frequency_rad_s
        u = self.midwater_u_m_s + np.sum(self.u_amplitude_m_s * np.cos(w * t - self.u_phase_rad), axis=-1)
        v = self.midwater_v_m_s + np.sum(self.v_amplitude_m_s * np.cos(w * t - self.v_phase_rad), axis=-1)
        return u, v


def uniform_flow_from_spec(spec) -> UniformFlow:
    """The mean flow and tides of a `currents.synthetic` scenario block."""
    tides = spec.tides
    return UniformFlow(
        mean_u_m_s=float(spec.mean_u_m_s),
        mean_v_m_s=float(spec.mean_v_m_s),
        angular_frequency_rad_s=np.array([2.0 * np.pi / t.period_s for t in tides]),
        u_amplitude_m_s=np.array([t.u_amplitude_m_s for t in tides], dtype=float),
        u_phase_rad=np.radians([t.phase_deg for t in tides]),
        v_amplitude_m_s=np.array([t.v_amplitude_m_s for t in tides], dtype=float),
        v_phase_rad=np.radians([t.v_phase for t in tides]),
        episode_start_s=np.array([e.start_h * 3600.0 for e in spec.eddies]),
        episode_duration_s=np.array([e.duration_h * 3600.0 for e in spec.eddies]),
        episode_energy_gain=np.array([e.energy_gain for e in spec.eddies], dtype=float),
        midwater_u_m_s=None if spec.midwater is None else float(spec.midwater.mean_u_m_s),
        midwater_v_m_s=None if spec.midwater is None else float(spec.midwater.mean_v_m_s),
    )


def empty_current_grid(bottom_roughness_m: float = 0.0, log_layer_height_m: float = 0.0) -> CurrentGrid:
    """A one-node zero grid: the synthetic current lives entirely in the uniform part."""
    zeros = np.zeros((1, 1, 1, 1), dtype=np.float32)
    return with_log_layer(CurrentGrid(
        time_s=np.zeros(1), x0_m=0.0, dx_m=1.0, y0_m=0.0, dy_m=1.0, z_m=np.zeros(1),
        u_m_s=zeros, v_m_s=zeros.copy(), w_m_s=zeros.copy(),
        bottom_roughness_m=0.0, log_layer_height_m=0.0, has_vertical_velocity=False,
    ), bottom_roughness_m, log_layer_height_m)


def time_index_and_fraction(time_s: np.ndarray, t: float) -> tuple[int, float]:
    """Where t falls between the current snapshots (clamped at the ends)."""
    n = time_s.size
    if n == 1:
        return 0, 0.0
    i = int(np.clip(np.searchsorted(time_s, t, side="right") - 1, 0, n - 2))
    fraction = (t - time_s[i]) / (time_s[i + 1] - time_s[i])
    return i, float(np.clip(fraction, 0.0, 1.0))
