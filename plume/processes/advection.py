"""Advection by the current: classical fourth-order Runge-Kutta in the time-varying 3-D flow.

Block: ``currents`` (always present). The flow at a point (gridded and uniform parts, the
log layer, the near-bed and midwater flows, and the terrain-following vertical velocity)
is ``plume.kernels.advect.velocity``; this module integrates it over the step.
"""
from typing import NamedTuple

from numba import njit

from ..kernels.advect import velocity
from ..scenario.environment import Currents as Block

DRAW_SLOTS = ()


class AdvectionParams(NamedTuple):
    """Advection needs nothing beyond the environment; kept for the shared signature."""

    runge_kutta_order: int = 4


Params = AdvectionParams  # the name every process module gives its parameters


def params_from_scenario(scenario) -> Params:
    return Params()


@njit(cache=True, inline="always")
def rk4_displacement(currents, seabed, clock, x, y, z, dt):
    """Displacement (m) over one step dt (s) by classical RK4; stages 0, 1, 2 are t, t + dt/2, t + dt.

    A loop over the four evaluations (one inlined copy of the velocity lookup, not four:
    numba's compile time grows with each inlined copy): evaluation s is taken at stage
    (s + 1) // 2, from the previous slope times 0, dt/2, dt/2, dt, and weighted 1, 2, 2, 1.
    """
    sum_u = 0.0
    sum_v = 0.0
    sum_w = 0.0
    u = 0.0
    v = 0.0
    w = 0.0
    for s in range(4):
        lead = 0.0 if s == 0 else (0.5 * dt if s < 3 else dt)
        u, v, w = velocity(currents, seabed, clock, (s + 1) // 2, x + lead * u, y + lead * v, z + lead * w)
        weight = 2.0 if (s == 1 or s == 2) else 1.0
        sum_u += weight * u
        sum_v += weight * v
        sum_w += weight * w
    sixth = dt / 6.0
    return sixth * sum_u, sixth * sum_v, sixth * sum_w


@njit(cache=True, inline="always")
def displacement(params, here, env, dt, stream, counter_base):
    """(dx, dy, dz) in metres over the step."""
    return rk4_displacement(env.currents, env.seabed, env.clock, here.x_m, here.y_m, here.z_m, dt)


__all__ = ["Block", "Params", "DRAW_SLOTS", "params_from_scenario", "displacement", "rk4_displacement"]
