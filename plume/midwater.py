"""The return-water discharge as a buoyant jet in a stratified ocean (an integral entrainment model).

A riser outlet discharges sediment-laden water, denser than the water around it because of
its sediment load (and possibly because the carrier water came from the cold, dense bottom
water). Within tens to hundreds of metres the jet entrains ambient water, dilutes, and
stops where its momentum is spent; the diluted water then spreads sideways around its
level of neutral buoyancy. That is where the far-field particles start.

The model follows Morton, Taylor & Turner (1956, Proc. R. Soc. A 234, 1-23): top-hat
profiles of speed ``u`` and density over a radius ``b``; the inflow of ambient water is
``alpha`` times the jet speed (entrainment hypothesis), with ``alpha`` about 0.1 for top-hat
profiles (0.08-0.12 in the literature; a Gaussian-profile alpha is about 1/sqrt(2) of it).
Along the jet's path ``s``, with the volume flux ``Q = pi b^2 u``, the momentum flux vector
``M = pi b^2 u^2 (cos theta, sin theta)`` and the density-anomaly flux ``R = Q (rho - rho_ref)``::

    dQ/ds  = 2 pi alpha b u = 2 alpha sqrt(pi |M|)           (entrainment)
    dMx/ds = 0                                               (no ambient current, no drag)
    dMz/ds = pi b^2 g' = Q^2 g' / |M|,  g' = g (rho_a(z) - rho) / rho_ref
    dR/ds  = (rho_a(z) - rho_ref) dQ/ds                      (entrained water has the ambient density)
    dx/ds, dz/ds = M / |M|

In a uniformly stratified ocean (buoyancy frequency N) a pure plume of buoyancy flux
``F = g' Q`` stops at z_max = 1.37 alpha^(-1/2) (F / N^3)^(1/4) from the source and its
level of neutral buoyancy is z_n = 1.04 alpha^(-1/2) (F / N^3)^(1/4) (0.76 z_max): with
alpha = 0.1, z_n = 3.28 (F / N^3)^(1/4). This is MTT's classic z_max = 5.0 (F' / N^3)^(1/4)
for their Gaussian alpha = 0.093 (top-hat alpha = 0.093 sqrt 2) and F' = F / pi
(checked in tests/test_midwater.py). The volume flux at the neutral level grows as
F^(3/4) N^(-5/4) (0.79 F^(3/4) N^(-5/4) for alpha = 0.1).

Simplifications: no ambient current (a cross-flow bends and dilutes the jet faster, so the
trap depth is conservative), the sediment stays in the jet (its settling speed, mm/s, is
tiny against the jet speed), Boussinesq. Pure numpy: physics only, no scenario parsing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

GRAVITY_M_S2 = 9.81
DIRECTIONS = ("down", "up", "horizontal")


@dataclass(frozen=True)
class JetResult:
    """Where the discharge ends up (depths in m below the surface, positive down)."""

    trap_depth_m: float  # centre of the spreading layer: the level of neutral buoyancy
    stop_depth_m: float  # where the vertical momentum is spent (the overshoot)
    thickness_m: float  # vertical thickness of the spreading layer
    radius_m: float  # jet radius at the trap
    dilution: float  # volume flux at the trap over the discharged flow
    horizontal_offset_m: float  # horizontal travel from the outlet to the trap (horizontal discharges)
    found_neutral_level: bool  # False: a fountain stopped by its momentum, or the bed/surface was reached
    reached_bed: bool


def ambient_density(depth_m, profile_depth_m, profile_density_kg_m3):
    """Profile density at depths (linear between levels, constant beyond the ends)."""
    return np.interp(depth_m, profile_depth_m, profile_density_kg_m3)


def buoyancy_frequency(profile_depth_m, profile_density_kg_m3) -> tuple[np.ndarray, np.ndarray]:
    """(mid-depths, N in s-1) of a potential-density profile: N^2 = g / rho * d rho / d depth."""
    d = np.asarray(profile_depth_m, dtype=float)
    r = np.asarray(profile_density_kg_m3, dtype=float)
    n2 = GRAVITY_M_S2 / (0.5 * (r[1:] + r[:-1])) * np.diff(r) / np.diff(d)
    return 0.5 * (d[1:] + d[:-1]), np.sqrt(np.maximum(n2, 0.0))


def sediment_density_excess(concentration_kg_m3: float, grain_density_kg_m3: float,
                            water_density_kg_m3: float) -> float:
    """Density excess (kg/m3) of water carrying C kg/m3 of grains: C (1 - rho_w / rho_s)."""
    return concentration_kg_m3 * (1.0 - water_density_kg_m3 / grain_density_kg_m3)


def integrate_jet(depth_m: float, flow_m3_s: float, momentum_m4_s2: tuple[float, float],
                  density_kg_m3: float, profile_depth_m, profile_density_kg_m3,
                  alpha: float = 0.1, bed_depth_m: float = math.inf) -> JetResult:
    """Integrate the MTT equations from given source fluxes until the vertical momentum is spent.

    ``momentum_m4_s2`` is (horizontal, vertical) with vertical positive up; ``density_kg_m3``
    is the discharged water's density. Steps are a small fraction of the jet radius and of
    the distance over which the vertical momentum changes, with classic RK4.
    """
    zd = np.asarray(profile_depth_m, dtype=float)
    rd = np.asarray(profile_density_kg_m3, dtype=float)
    rho_ref = float(np.interp(depth_m, zd, rd))
    g_over = GRAVITY_M_S2 / rho_ref
    sqrt_pi = math.sqrt(math.pi)

    def rates(y):
        q, mx, mz, r, _, z = y
        m = max(math.hypot(mx, mz), 1e-30)
        rho_a = float(np.interp(-z, zd, rd))
        gp = g_over * (rho_a - (rho_ref + r / q))
        dq = 2.0 * alpha * sqrt_pi * math.sqrt(m)
        return np.array([dq, 0.0, q * q * gp / m, (rho_a - rho_ref) * dq, mx / m, mz / m]), gp

    def radius(y):
        return y[0] / math.sqrt(math.pi * max(math.hypot(y[1], y[2]), 1e-30))

    y = np.array([flow_m3_s, momentum_m4_s2[0], momentum_m4_s2[1], flow_m3_s * (density_kg_m3 - rho_ref),
                  0.0, -depth_m])
    _, gp0 = rates(y)
    if gp0 == 0.0 and momentum_m4_s2[1] == 0.0:  # neutral and level: it spreads where it leaves
        b = radius(y)
        return JetResult(depth_m, depth_m, 2 * b, b, 1.0, 0.0, True, False)
    sigma = math.copysign(1.0, momentum_m4_s2[1]) if momentum_m4_s2[1] != 0.0 else math.copysign(1.0, gp0)
    buoyancy_sign = math.copysign(1.0, gp0)
    neutral = None  # (depth, radius, dilution, x) at the first neutral crossing
    reached_bed = False
    for _ in range(200_000):
        d1, gp = rates(y)
        b = radius(y)
        ds = 0.05 * b
        if d1[2] != 0.0:
            ds = min(ds, max(0.05 * math.hypot(y[1], y[2]) / abs(d1[2]), 1e-3 * b))
        k2, _ = rates(y + 0.5 * ds * d1)
        k3, _ = rates(y + 0.5 * ds * k2)
        k4, _ = rates(y + ds * k3)
        new = y + ds / 6.0 * (d1 + 2.0 * k2 + 2.0 * k3 + k4)
        _, gp_new = rates(new)
        if neutral is None and gp0 != 0.0 and gp_new * buoyancy_sign <= 0.0:
            f = gp / (gp - gp_new)
            at = y + f * (new - y)
            neutral = (-at[5], radius(at), at[0] / flow_m3_s, at[4])
        if sigma * new[2] < 0.0:  # the vertical momentum is spent
            f = y[2] / (y[2] - new[2])
            y = y + f * (new - y)
            break
        y = new
        if -y[5] >= bed_depth_m or y[5] >= 0.0:
            reached_bed = -y[5] >= bed_depth_m
            break
    stop_depth = float(min(max(-y[5], 0.0), bed_depth_m))
    if neutral is not None:
        trap, b, dilution, x = neutral
        thickness = max(abs(stop_depth - trap), b)
        found = True
    else:  # a fountain or a jet that hit the bed or the surface: it spreads where it stopped
        b, dilution, x = radius(y), y[0] / flow_m3_s, y[4]
        thickness, trap, found = b, stop_depth, False
    if reached_bed or (neutral is not None and trap + 0.5 * thickness > bed_depth_m):
        thickness = min(thickness, max(bed_depth_m - depth_m, 1e-3))
        trap = bed_depth_m - 0.5 * thickness  # a layer on the bed: it goes on as a density current
    trap = max(trap, 0.5 * thickness)
    return JetResult(float(trap), stop_depth, float(thickness), float(b), float(dilution), float(x),
                     found, reached_bed)


def buoyant_jet(depth_m: float, diameter_m: float, flow_m3_s: float, density_excess_kg_m3: float,
                direction: str, profile_depth_m, profile_density_kg_m3, alpha: float = 0.1,
                bed_depth_m: float = math.inf) -> JetResult:
    """A round outlet of ``diameter_m`` at ``depth_m`` discharging ``flow_m3_s`` of water
    ``density_excess_kg_m3`` denser than the ambient there, pointing down, up or horizontally."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    area = 0.25 * math.pi * diameter_m ** 2
    momentum = flow_m3_s * flow_m3_s / area
    vector = {"down": (0.0, -momentum), "up": (0.0, momentum), "horizontal": (momentum, 0.0)}[direction]
    rho_ambient = float(np.interp(depth_m, profile_depth_m, profile_density_kg_m3))
    return integrate_jet(depth_m, flow_m3_s, vector, rho_ambient + density_excess_kg_m3,
                         profile_depth_m, profile_density_kg_m3, alpha, bed_depth_m)
