"""Vertical mixing: a random walk in height above the bed with the drift dK/dh.

Block: ``turbulence.vertical`` (``constant``, ``table`` or ``boundary_layer``).

The Ito equation dh = K'(h) dt + sqrt(2 K(h)) dW, whose drift K' (Visser 1997, Mar. Ecol.
Prog. Ser. 158, 275-281) keeps a well-mixed cloud well mixed where K varies, integrated
with the Milstein scheme (Grawe 2011, Ocean Modelling 36, 80-89):

    dh = K' dt + sqrt(2 K dt) g + (1/2) K' dt (g^2 - 1),   g ~ N(0, 1)

Bottom boundary layer (``boundary_layer``): the parabolic profile
P(h) = kappa u* h (1 - h / delta) over a layer of thickness delta (or, ``law_of_the_wall``,
kappa u* h saturating smoothly at the parabola's peak kappa u* delta / 4 and tapering to
zero at the top), joined to the background diffusivity K_b without kinks:

    K(h) = sqrt(K_b^2 + P(h)^2)

so K and K' are continuous everywhere (the max(P, K_b) of earlier versions had kinks at
the joins that broke the well-mixed condition at a 60 s step). u* is given, or comes from
the local flow each step (the bed shear stress field, u* = sqrt(tau / rho)).

Where K curves sharply (the joins, over a height K_b / (kappa u*), a few cm), one step is
split into sub-steps so that dt_sub |K''| <= 0.3 (Visser's condition dt << 1 / |K''|; 0.3 keeps the
closed-column test within 4 % at a 60 s step, 1.0 did not: 11 %);
``substeps`` says how many a particle needs from where it starts.
"""
import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ..environment.boundary_layer import VON_KARMAN
from ..kernels.interpolate import irregular_index
from ..scenario.environment import BoundaryLayerDiffusivity
from ..scenario.environment import TurbulenceSpec as Block  # noqa: F401  (its `vertical` key)
from .draws import MAX_SUBSTEPS

DRAW_SLOTS = (2,)
SLOT = 2
CURVATURE_STEP = 0.3  # sub-steps keep dt_sub |K''| at or below this


class VerticalMixingParams(NamedTuple):
    boundary_layer: bool  # True: the boundary-layer formula; False: the piecewise-linear table
    u_star_from_flow: bool  # u* from the bed shear stress of the local flow, else `u_star_m_s`
    u_star_m_s: float
    thickness_m: float
    background_m2_s: float
    law_of_the_wall: bool
    height_above_bed_m: np.ndarray  # (nk,) table heights, increasing; one node: constant K
    vertical_m2_s: np.ndarray  # (nk,) K at those heights, constant beyond the ends


Params = VerticalMixingParams  # the name every process module gives its parameters


def params_from_spec(vertical) -> Params:
    """The kernels' view of a ``turbulence.vertical`` block."""
    none = np.zeros(1)
    if isinstance(vertical, BoundaryLayerDiffusivity):
        from_flow = vertical.friction_velocity_m_s == "from_flow"
        return Params(True, from_flow, 0.0 if from_flow else float(vertical.friction_velocity_m_s),
                      float(vertical.thickness_m), float(vertical.background_m2_s),
                      vertical.shape == "law_of_the_wall", none, none.copy())
    if vertical.profile == "constant":
        heights, values = np.zeros(1), np.array([float(vertical.value_m2_s)])
    else:
        heights = np.asarray(vertical.height_above_bed_m, dtype=float)
        values = np.asarray(vertical.value_m2_s, dtype=float)
    return Params(False, False, 0.0, 0.0, 0.0, False, heights, values)


def params_from_scenario(scenario) -> Params:
    return params_from_spec(scenario.turbulence.vertical)


@njit(cache=True, inline="always")
def layer_shape(u_star, height_m, thickness_m, law_of_the_wall):
    """P(h), P'(h), P''(h) of the boundary layer's turbulent diffusivity (0 outside the layer)."""
    if height_m <= 0.0 or height_m >= thickness_m:
        return 0.0, 0.0, 0.0
    scale = VON_KARMAN * u_star
    if not law_of_the_wall:
        return (scale * height_m * (1.0 - height_m / thickness_m), scale * (1.0 - 2.0 * height_m / thickness_m),
                -2.0 * scale / thickness_m)
    cap = 0.25 * scale * thickness_m
    a = scale * height_m
    g = a * cap / (a + cap)  # kappa u* h near the bed, saturating at the cap
    g1 = scale * cap * cap / ((a + cap) * (a + cap))
    g2 = -2.0 * scale * g1 / (a + cap)
    taper = 1.0 - height_m / thickness_m
    return g * taper, g1 * taper - g / thickness_m, g2 * taper - 2.0 * g1 / thickness_m


@njit(cache=True, inline="always")
def layer_diffusivity(u_star, height_m, thickness_m, background_m2_s, law_of_the_wall):
    """K (m2/s), dK/dh (m/s) and d2K/dh2 (1/s) of the boundary layer: sqrt(K_b^2 + P^2)."""
    p, p1, p2 = layer_shape(u_star, height_m, thickness_m, law_of_the_wall)
    k = math.sqrt(background_m2_s * background_m2_s + p * p)
    if k <= 0.0:
        return 0.0, 0.0, 0.0
    k1 = p * p1 / k
    return k, k1, (p1 * p1 + p * p2) / k - k1 * k1 / k


@njit(cache=True, inline="always")
def table_diffusivity(params, height_m):
    """K (m2/s) and dK/dh (1/s) of the piecewise-linear table."""
    heights = params.height_above_bed_m
    values = params.vertical_m2_s
    n = heights.size
    if n == 1 or height_m <= heights[0]:
        return values[0], 0.0
    if height_m >= heights[n - 1]:
        return values[n - 1], 0.0
    k, f = irregular_index(height_m, heights)
    slope = (values[k + 1] - values[k]) / (heights[k + 1] - heights[k])
    return values[k] + f * (values[k + 1] - values[k]), slope


@njit(cache=True, inline="always")
def diffusivity(params, height_m, u_star):
    """K (m2/s) and dK/dh (m/s) at a height above the bed; u_star (m/s) is the local flow's."""
    if params.boundary_layer:
        k, k1, _ = layer_diffusivity(u_star, height_m, params.thickness_m, params.background_m2_s,
                                     params.law_of_the_wall)
        return k, k1
    return table_diffusivity(params, height_m)


@njit(cache=True, inline="always")
def friction_velocity(params, stress_pa, water_density_kg_m3):
    """u* (m/s) of the walk: the given one, or sqrt(tau / rho) of the local flow."""
    if params.u_star_from_flow:
        return math.sqrt(max(stress_pa, 0.0) / water_density_kg_m3)
    return params.u_star_m_s


@njit(cache=True, inline="always")
def substeps(params, height_m, u_star, damping, dt):
    """How many sub-steps a particle starting at this height needs so that dt_sub |K''| <= CURVATURE_STEP.

    |K''| peaks at the joins of the boundary layer (the bed and the layer top) at
    (kappa u*)^2 / K_b; a particle within four standard deviations of a step's reach of
    either join takes sub-steps, others take one step.
    """
    if not params.boundary_layer or params.background_m2_s <= 0.0:
        return 1
    k, _, _ = layer_diffusivity(u_star, height_m, params.thickness_m, params.background_m2_s,
                                params.law_of_the_wall)
    reach = 4.0 * math.sqrt(2.0 * (k + params.background_m2_s) * damping * dt)
    if height_m > reach and abs(height_m - params.thickness_m) > reach:
        return 1
    scale = VON_KARMAN * u_star
    curvature = damping * scale * scale / params.background_m2_s
    n = int(math.ceil(dt * curvature / CURVATURE_STEP))
    return min(max(n, 1), MAX_SUBSTEPS)


@njit(cache=True, inline="always")
def milstein_increment(k, slope, dt, gaussian):
    """Change of height (m) over dt by the Milstein scheme, for K and dK/dh at the start."""
    return 0.5 * slope * dt * (gaussian * gaussian + 1.0) + math.sqrt(2.0 * max(k, 0.0) * dt) * gaussian


def profile_m2_s(params: Params, heights_m, u_star_m_s: float | None = None) -> np.ndarray:
    """K (m2/s) at the given heights above the bed, for checks and figures outside the kernels; u* is
    the block's own when it gives one, else `u_star_m_s` (the flow's)."""
    u_star = params.u_star_m_s if not params.u_star_from_flow else float(u_star_m_s or 0.0)
    return np.array([diffusivity(params, float(h), u_star)[0] for h in np.atleast_1d(heights_m)])
