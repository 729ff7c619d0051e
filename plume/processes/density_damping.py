"""Damping of vertical mixing by the plume's own density (sediment-induced stratification).

Block: ``turbulence.density_damping`` (optional). Suspended sediment makes the water
denser where it is more concentrated; a concentration that falls with height is a stable
stratification that damps turbulence, as dredging-plume models include (e.g. Winterwerp
2001, J. Geophys. Res. 106(C10), 22559-22574, for sediment-laden near-bed layers). Here
the eddy diffusivity is multiplied by the Munk-Anderson (1948, J. Mar. Res. 7, 276-295)
factor for scalars

    phi(Ri) = (1 + 3.33 Ri)^(-3/2),   Ri = N^2 / S^2,

with the gradient Richardson number from the local concentration gradient and the
log-layer shear:

    N^2 = -(g / rho_w) (1 - rho_w / rho_s) dC/dz,   S = u* / (kappa h).

dC/dz comes from the output grid's near-bed layers around the particle (the concentration
estimated before the step, particles.local_concentration: plume.kernels.concentration); only a stable
gradient (C falling with height) damps. phi is taken as constant over the step, so it scales K and
dK/dh alike.
"""
import math
from typing import NamedTuple

from numba import njit

from ..environment.boundary_layer import VON_KARMAN
from ..kernels.concentration import concentration_gradient
from ..scenario.environment import DensityDamping as Block  # noqa: F401

DRAW_SLOTS = ()
GRAVITY_M_S2 = 9.81
MUNK_ANDERSON_COEFFICIENT = 3.33
MUNK_ANDERSON_EXPONENT = -1.5  # written out in munk_anderson_factor as 1 / (b sqrt(b))
MIN_HEIGHT_M = 0.01  # the log-layer shear is taken no closer to the bed than this


class DensityDampingParams(NamedTuple):
    buoyancy_per_kg_m3: float  # (g / rho_w)(1 - rho_w / rho_s), m4 kg-1 s-2


Params = DensityDampingParams  # the name every process module gives its parameters


def params_from_scenario(scenario) -> "Params | None":
    if scenario.turbulence.density_damping is None:
        return None
    sediment = scenario.sediment
    rho_w = float(sediment.water_density_kg_m3)
    rho_s = float(sediment.grain_density_kg_m3)
    return Params(GRAVITY_M_S2 / rho_w * (1.0 - rho_w / rho_s))


@njit(cache=True, inline="always")
def munk_anderson_factor(richardson):
    """phi(Ri) = (1 + 3.33 Ri)^(-3/2) for a stable Ri > 0, else 1. The power -3/2 as 1 / (b sqrt(b)):
    a square root instead of pow (pow took about 5 % of a 1e6-particle step's kernel time)."""
    if richardson <= 0.0:
        return 1.0
    base = 1.0 + MUNK_ANDERSON_COEFFICIENT * richardson
    return 1.0 / (base * math.sqrt(base))


@njit(cache=True, inline="always")
def richardson_number(params, concentration_gradient_kg_m4, height_m, u_star):
    """Gradient Richardson number from dC/dz (kg m-4) and the log-layer shear at h."""
    n2 = -params.buoyancy_per_kg_m3 * concentration_gradient_kg_m4
    if n2 <= 0.0 or u_star <= 0.0:
        return 0.0
    shear = u_star / (VON_KARMAN * max(height_m, MIN_HEIGHT_M))
    return n2 / (shear * shear)


@njit(cache=True, inline="always")
def factor(params, here, env, u_star):
    """The damping factor phi for this particle over the step."""
    gradient = concentration_gradient(env.concentration, here.x_m, here.y_m, here.height_m)
    return munk_anderson_factor(richardson_number(params, gradient, here.height_m, u_star))
