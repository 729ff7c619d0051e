"""One time step for every particle: the processes of plume.processes composed in one parallel loop.

Order within the step:
  flocculation (class change) ->
  advection + horizontal mixing (movers: their displacements are summed) ->
  the vertical column at the new position: vertical mixing (with density damping), settling
  (with hindered settling) and the bed condition, sub-stepped together where K curves sharply ->
  sea surface (reflect) -> domain edge (exit).

Fusing them keeps each particle's state in registers for the whole step. An optional
process arrives as None when its scenario block is absent; numba prunes its branch, so
the step is compiled with only the processes a scenario switches on.
"""
from numba import njit, prange

from ..processes import advection, delayed_sinking, deposition, density_damping, flocculation, hindered_settling
from ..processes import horizontal_mixing, settling, vertical_mixing
from ..processes.draws import MAX_DRAWS, MAX_SUBSTEPS, substream
from . import status as st
from .bedstress import stress_at
from .concentration import concentration_at
from .interpolate import seabed_depth
from .particle import Here, StepEnvironment
from .random import draw_bits, gaussian, particle_stream, two_uniforms
from .seabed import bed_crossing_fraction, outside_domain

# Particles per iteration of the parallel loop. Building the step's environment takes a reference to
# each of its ~20 arrays and drops it again, by atomic increments that both threads make on the same
# counters; built once per particle, that cost 12 % of the kernel's time in the default scenario and
# 15-25 % on the common workload (1e6 particles, 2 threads, 2026-12-07). Once per 256 particles it is
# nothing, and 256 still gives each thread hundreds of chunks at 1e5 particles.
CHUNK_PARTICLES = 256


@njit(cache=True, parallel=True, fastmath={"contract", "arcp", "nsz"})
def step_particles(
    x, y, z, status, class_index, particle_id, release_time_s, n_released,
    seabed, currents, clock, stress, concentration,
    advection_params, horizontal_params, vertical_params, settling_params, deposition_params,
    hindered_params, flocculation_params, damping_params, delayed_sinking_params,
    water_density_kg_m3, domain, dt, t_s, key, step_index,
):
    """Advance particles [0, n_released) by dt seconds from time t_s; only ACTIVE ones move.

    Particles that reach the bed and stay get JUST_DEPOSITED at the point where their path
    met the bed; particles that leave the domain get JUST_EXITED.
    """
    counter_base = MAX_DRAWS * step_index
    sub_counter = MAX_SUBSTEPS * step_index
    n_chunks = (n_released + CHUNK_PARTICLES - 1) // CHUNK_PARTICLES
    for chunk in prange(n_chunks):
        # the step's environment comes as separate arguments: numba's parallel loop rebuilds a named
        # tuple only from an argument or a constructor call, not from one nested in another. Built once
        # per chunk of particles, not once per particle (CHUNK_PARTICLES says why).
        env = StepEnvironment(seabed, currents, clock, stress, concentration)
        for p in range(chunk * CHUNK_PARTICLES, min((chunk + 1) * CHUNK_PARTICLES, n_released)):
            if status[p] != st.ACTIVE:
                continue
            x0 = x[p]
            y0 = y[p]
            z0 = z[p]
            depth0 = seabed_depth(env.seabed, x0, y0)
            height0 = z0 + depth0
            local_c = 0.0
            # only flocculation and hindered settling read the particle's own cell (density damping reads
            # the gradient): without them the look-up cost 8 % of a 1e6-particle step's kernel time
            if env.concentration.active and (flocculation_params is not None or hindered_params is not None):
                local_c = concentration_at(env.concentration, x0, y0, height0, -z0)
            here = Here(x0, y0, z0, height0, depth0, class_index[p], t_s - release_time_s[p], local_c)
            stream = particle_stream(key, particle_id[p])

            c = here.class_index
            if flocculation_params is not None:
                c = flocculation.new_class(flocculation_params, here, env, dt, stream, counter_base)
                class_index[p] = c

            ax, ay, az = advection.displacement(advection_params, here, env, dt, stream, counter_base)
            hx, hy, _ = horizontal_mixing.displacement(horizontal_params, here, env, dt, stream, counter_base)
            if delayed_sinking_params is not None:
                az += delayed_sinking.displacement(delayed_sinking_params, here, env, dt, stream, counter_base)[2]
            x1 = x0 + ax + hx
            y1 = y0 + ay + hy
            depth1 = seabed_depth(env.seabed, x1, y1)

            # the vertical column, in height above the bed at the new position
            stress0 = stress_at(env.stress, x0, y0)
            u_star = vertical_mixing.friction_velocity(vertical_params, stress0, water_density_kg_m3)
            damping = 1.0
            if damping_params is not None:
                damping = density_damping.factor(damping_params, here, env, u_star)
            w_s = settling.speed_m_s(settling_params, c)
            if hindered_params is not None:
                w_s *= hindered_settling.factor(hindered_params, here, env, dt, stream, counter_base)
            h = z0 + az + depth1
            n_sub = vertical_mixing.substeps(vertical_params, h, u_star, damping, dt)
            dt_sub = dt / n_sub
            k_bed, _ = vertical_mixing.diffusivity(vertical_params, 0.0, u_star)
            # the bed's contact probability (erf, erfc, exp) only for particles that reach the bed: computed
            # for every particle, it took 8 % of the kernel's time (a 1e6-particle step, 2026-12-07)
            chance = -1.0
            walk_stream = substream(stream, vertical_mixing.SLOT)
            bed_stream = substream(stream, deposition.SLOT)
            landed_at = -1.0  # fraction of the step at which the particle deposited
            for i in range(n_sub):
                if n_sub == 1:
                    g = gaussian(stream, counter_base + vertical_mixing.SLOT)
                else:
                    g = gaussian(walk_stream, sub_counter + i)
                k, slope = vertical_mixing.diffusivity(vertical_params, h, u_star)
                h_next = h + vertical_mixing.milstein_increment(damping * k, damping * slope, dt_sub, g) - w_s * dt_sub
                if h_next <= 0.0:
                    if chance < 0.0:
                        chance = deposition.contact_probability(deposition_params, w_s, damping * k_bed, stress0,
                                                                dt_sub)
                    if chance > 0.0:
                        if n_sub == 1:
                            draw, _ = two_uniforms(draw_bits(stream, counter_base + deposition.SLOT))
                        else:
                            draw, _ = two_uniforms(draw_bits(bed_stream, sub_counter + i))
                        if chance >= 1.0 or draw < chance:
                            landed_at = (i + bed_crossing_fraction(h, h_next)) / n_sub
                            break
                    h_next = -h_next  # reflected by the bed
                if h_next > depth1:
                    h_next = 2.0 * depth1 - h_next  # reflected by the sea surface
                h = h_next

            if landed_at >= 0.0:
                xd = x0 + landed_at * (x1 - x0)
                yd = y0 + landed_at * (y1 - y0)
                x[p] = xd
                y[p] = yd
                if outside_domain(xd, yd, domain):
                    status[p] = st.JUST_EXITED
                else:
                    z[p] = -seabed_depth(env.seabed, xd, yd)
                    status[p] = st.JUST_DEPOSITED
                continue
            x[p] = x1
            y[p] = y1
            z[p] = h - depth1
            if outside_domain(x1, y1, domain):
                status[p] = st.JUST_EXITED
