"""The collector's near field: its discharge collapses into a turbidity current on the bed.

Behind a nodule collector the sediment-laden discharge is denser than the bottom water,
so instead of mixing upward it collapses into a thin turbidity current that spreads
sideways over the bed. In the 2021 in-situ trials in the CCZ (Munoz-Royo et al. 2022,
Science Advances 8, eabn1219) 92-98 % of the sediment mass stayed below 2 m above the
bed and 2-8 % was found higher, where it stayed suspended for hours; Ouillon et al. (2022,
Flow 2, E23, "Part 2: collector plumes") show that this near field sets how much mass the
far-field plume starts with, and where. This module turns the collector's discharge into
a source term: heights and cross-track offsets for the released particles. The particles
then settle, deposit and drift in the far-field model; this module only places them.

Two estimates, both from the front condition of a gravity current, U = Fr sqrt(g' h)
(Benjamin 1968, J. Fluid Mech. 31; Fr = 1.19 for a current much thinner than the water
depth, Huppert & Simpson 1980, J. Fluid Mech. 99):

- Height, in the vehicle's frame: the discharge of volume flux Q over width W feeds a
  steady current with buoyancy flux per unit width B = g' Q / W. With q = Q / W = U h,
  U = (Fr^2 B)^(1/3) and h = (q^2 / (Fr^2 g'))^(1/3).
- Run-out, in the ground frame: the vehicle (speed V) leaves a strip of dense water of
  cross-section A = Q / V, which slumps to both sides. A box model of a particle-laden
  current of constant volume (per side A / 2, initial half-width x0 = W / 2; as in
  Bonnecaze, Huppert & Lister 1993, J. Fluid Mech. 250, and Dade & Huppert 1995): with
  dx/dt = Fr sqrt(g' phi h), h x = A / 2 and d phi/dt = -w_s phi / h, the suspended fraction
  phi reaches zero at x_max^(5/2) = x0^(5/2) + 5 Fr sqrt(g' (A/2)^3) / w_s.

Here g' = g (rho_mix - rho_w) / rho_w with the excess density of the discharge
C (1 - rho_w / rho_s) (plus any excess of the carrier water), C = rate / Q, and w_s is
the mass-weighted settling speed of the sediment classes. The lofted fraction (default
0.05, the middle of the trials' 2-8 %) is lofted between the current's top and a given
height. Pure numpy: physics only, no scenario parsing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

GRAVITY_M_S2 = 9.81
FROUDE_THIN_CURRENT = 1.19  # Huppert & Simpson (1980), current depth < 0.075 of the water depth


@dataclass(frozen=True)
class TurbidityCurrent:
    """The collector's turbidity current (SI units)."""

    concentration_kg_m3: float  # sediment in the discharge
    reduced_gravity_m_s2: float  # g' = g (rho_mix - rho_w) / rho_w
    height_m: float  # steady current height behind the discharge
    front_speed_m_s: float
    half_width_m: float  # cross-track half-width reached when the current stops (x_max)
    run_out_m: float  # lateral run-out beyond the discharge's edge, x_max - W / 2


def turbidity_current(rate_kg_s: float, flow_m3_s: float, width_m: float, vehicle_speed_m_s: float,
                      grain_density_kg_m3: float, water_density_kg_m3: float, settling_m_s: float,
                      froude: float = FROUDE_THIN_CURRENT, carrier_excess_kg_m3: float = 0.0) -> TurbidityCurrent:
    """Height, front speed and lateral extent of a collector's turbidity current (see the module text).

    A zero ``settling_m_s`` gives an unbounded half-width (inf): the caller must then supply one.
    """
    concentration = rate_kg_s / flow_m3_s
    excess = concentration * (1.0 - water_density_kg_m3 / grain_density_kg_m3) + carrier_excess_kg_m3
    g_reduced = GRAVITY_M_S2 * excess / water_density_kg_m3
    q = flow_m3_s / width_m
    height = (q * q / (froude * froude * g_reduced)) ** (1.0 / 3.0)
    speed = (froude * froude * g_reduced * q) ** (1.0 / 3.0)
    half_area = 0.5 * flow_m3_s / vehicle_speed_m_s
    x0 = 0.5 * width_m
    if settling_m_s > 0.0:
        half_width = (x0 ** 2.5 + 5.0 * froude * math.sqrt(g_reduced * half_area ** 3) / settling_m_s) ** 0.4
    else:
        half_width = math.inf
    return TurbidityCurrent(concentration, g_reduced, height, speed, half_width, half_width - x0)


def exact_layers(fractions, n: int, rng: np.random.Generator) -> np.ndarray:
    """Layer index of each of n equal-mass particles: counts proportional to ``fractions``
    (largest remainder, so each layer's share is exact to one particle), order shuffled so
    that every layer is fed all through the release."""
    fractions = np.asarray(fractions, dtype=float)
    share = n * fractions / fractions.sum()
    counts = np.floor(share).astype(np.int64)
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    layers = np.repeat(np.arange(fractions.size), counts)
    return rng.permutation(layers)


def layered_heights(bounds_m, fractions, n: int, rng: np.random.Generator) -> np.ndarray:
    """Heights above the bed: ``fractions[k]`` of n particles uniform in [bounds[k], bounds[k+1]]."""
    bounds = np.asarray(bounds_m, dtype=float)
    k = exact_layers(fractions, n, rng)
    return bounds[k] + rng.uniform(0.0, 1.0, n) * (bounds[k + 1] - bounds[k])


def current_layers(current_height_m: float, lofted_fraction: float, lofted_height_m: float):
    """(bounds, fractions): the current's mass evenly over [0, h], the lofted mass over [h, lofted height].

    Even in height because the current is well mixed over its depth (the box model's
    assumption); the lofted mass evenly because its vertical profile was not resolved.
    """
    if lofted_fraction > 0.0:
        return [0.0, current_height_m, lofted_height_m], [1.0 - lofted_fraction, lofted_fraction]
    return [0.0, current_height_m], [1.0]


def cross_track_offsets(half_width_m: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Offsets (m) across the track, even over [-half width, half width]: a box-model current
    carries its sediment evenly over its length, and it spreads to both sides."""
    return rng.uniform(-1.0, 1.0, n) * half_width_m
