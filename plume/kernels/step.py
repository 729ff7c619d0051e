"""One time step for every particle: the per-particle kernels composed in one parallel loop.

Order within the step: flocculation -> advect (RK4) -> horizontal walk ->
vertical walk and settling -> seabed (deposit with Krone's probability, or
reflect) -> surface -> domain edge. Fusing them keeps each particle's state in
registers for the whole step.
"""
import numpy as np
from numba import njit, prange

from . import status as st
from .advect import rk4_displacement
from .bedstress import stress_at
from .diffuse import horizontal_step, vertical_step
from .interpolate import seabed_depth
from .random import draw_bits, gaussian, particle_stream, two_uniforms
from .seabed import bed_crossing_fraction, outside_domain, reflect_at_surface
from .sediment import concentration_at, flocculation_chance, hindered_settling_factor
from .settle import settling_step

DRAWS_PER_STEP = 4  # three Gaussians (x, y, z) and one uniform pair (deposition, flocculation)


@njit(cache=True, inline="always")
def deposition_chance(sediment, stress, x, y):
    """Probability that a particle reaching the bed at (x, y) deposits (Krone 1962 when on)."""
    chance = sediment.deposition_probability
    if sediment.critical_deposition_stress_pa > 0.0:
        chance *= max(0.0, 1.0 - stress_at(stress, x, y) / sediment.critical_deposition_stress_pa)
    return chance


@njit(cache=True, parallel=True, fastmath={"contract", "arcp", "nsz"})
def step_particles(
    x, y, z, status, class_index, particle_id, n_released,
    seabed, currents, turbulence, stress, clock, sediment, concentration,
    domain, dt, key, step_index,
):
    """Advance particles [0, n_released) by dt seconds; only ACTIVE ones move.

    Particles that reach the bed get JUST_DEPOSITED at the point where their
    path met the bed; particles that leave the domain get JUST_EXITED.
    """
    counter = DRAWS_PER_STEP * step_index
    for p in prange(n_released):
        if status[p] != st.ACTIVE:
            continue
        x0 = x[p]
        y0 = y[p]
        z0 = z[p]
        stream = particle_stream(key, particle_id[p])
        chance_draw, floc_draw = two_uniforms(draw_bits(stream, counter + 3))

        local_c = 0.0
        if concentration.active:
            depth0 = seabed_depth(seabed, x0, y0)
            local_c = concentration_at(concentration, x0, y0, z0 + depth0, -z0)
        c = class_index[p]
        if floc_draw < flocculation_chance(sediment, c, local_c, dt):
            c = sediment.floc_target[c]
            class_index[p] = c

        dx, dy, dz = rk4_displacement(currents, seabed, clock, x0, y0, z0, dt)

        wx, wy = horizontal_step(
            turbulence.horizontal_m2_s, dt, gaussian(stream, counter), gaussian(stream, counter + 1)
        )
        x1 = x0 + dx + wx
        y1 = y0 + dy + wy
        depth1 = seabed_depth(seabed, x1, y1)
        height1 = z0 + dz + depth1
        u_star = 0.0
        if turbulence.layer_thickness_m > 0.0:  # u* = sqrt(tau / rho) of the flow over this cell
            u_star = np.sqrt(stress_at(stress, x0, y0) / stress.water_density_kg_m3)
        height1 += vertical_step(turbulence, height1, dt, gaussian(stream, counter + 2), u_star)
        height1 += settling_step(sediment.settling_m_s, c, dt, hindered_settling_factor(sediment, local_c))

        if height1 <= 0.0:
            height0 = z0 + seabed_depth(seabed, x0, y0)  # only needed here: not computed every step
            f = bed_crossing_fraction(height0, height1)
            xd = x0 + f * (x1 - x0)
            yd = y0 + f * (y1 - y0)
            chance = deposition_chance(sediment, stress, xd, yd)
            if chance >= 1.0 or chance_draw < chance:
                x[p] = xd
                y[p] = yd
                if outside_domain(xd, yd, domain):
                    status[p] = st.JUST_EXITED
                else:
                    z[p] = -seabed_depth(seabed, xd, yd)
                    status[p] = st.JUST_DEPOSITED
                continue
            height1 = -height1  # reflected by the bed

        x[p] = x1
        y[p] = y1
        z[p] = reflect_at_surface(height1 - depth1)
        if outside_domain(x1, y1, domain):
            status[p] = st.JUST_EXITED
