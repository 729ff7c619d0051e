"""One time step for every particle: the per-particle kernels composed in one parallel loop.

Order within the step: advect (RK4) -> horizontal walk -> vertical walk and
settling -> seabed -> surface -> domain edge. Fusing them keeps each
particle's state in registers for the whole step.
"""
from numba import njit, prange

from . import status as st
from .advect import rk4_displacement
from .diffuse import horizontal_step, vertical_step
from .interpolate import seabed_depth
from .random import draw_bits, gaussian, particle_stream, two_uniforms
from .seabed import bed_crossing_fraction, outside_domain, reflect_at_surface
from .settle import settling_step

DRAWS_PER_STEP = 4  # three Gaussians (x, y, z) and one uniform pair per particle and step


@njit(cache=True, parallel=True, fastmath={"contract", "arcp", "nsz"})
def step_particles(
    x, y, z, status, class_index, particle_id, n_released,
    seabed, currents, turbulence, clock, settling_m_s, deposition_probability,
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

        dx, dy, dz = rk4_displacement(currents, seabed, clock, x0, y0, z0, dt)

        stream = particle_stream(key, particle_id[p])
        wx, wy = horizontal_step(
            turbulence.horizontal_m2_s, dt, gaussian(stream, counter), gaussian(stream, counter + 1)
        )
        x1 = x0 + dx + wx
        y1 = y0 + dy + wy
        depth1 = seabed_depth(seabed, x1, y1)
        height1 = z0 + dz + depth1
        height1 += vertical_step(turbulence, height1, dt, gaussian(stream, counter + 2))
        height1 += settling_step(settling_m_s, class_index[p], dt)

        if height1 <= 0.0:
            deposits = deposition_probability >= 1.0
            if not deposits:
                chance, _ = two_uniforms(draw_bits(stream, counter + 3))
                deposits = chance < deposition_probability
            if deposits:
                height0 = z0 + seabed_depth(seabed, x0, y0)  # only needed here: not computed every step
                f = bed_crossing_fraction(height0, height1)
                xd = x0 + f * (x1 - x0)
                yd = y0 + f * (y1 - y0)
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
