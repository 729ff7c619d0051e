"""The well-mixed condition at the default step: a uniform cloud in a closed column taller than the
bottom boundary layer stays uniform under the default profile driven by the default flow."""
from __future__ import annotations

import numpy as np
import pytest

from plume.kernels import status as st
from plume.processes.vertical_mixing import layer_diffusivity
from plume.scenario import scenario_from_dict
from plume.solver import Simulation

from helpers import scenario_dict

COLUMN_M = 30.0


def relative_concentration(height_m, bins):
    counts, _ = np.histogram(height_m, bins=bins)
    widths = np.diff(bins)
    return counts / widths / (height_m.size / COLUMN_M)


def test_boundary_layer_diffusivity_and_its_slope_are_continuous_at_the_joins():
    """K = sqrt(K_b^2 + P^2) has no kink: K' is continuous at the bed side and at the layer top."""
    u_star, delta, background = 0.0033, 20.0, 1e-4
    for join in (1e-9, delta):
        below = layer_diffusivity(u_star, join - 1e-7, delta, background, False)
        above = layer_diffusivity(u_star, join + 1e-7, delta, background, False)
        assert above[0] == pytest.approx(below[0], rel=1e-5, abs=1e-12)
        assert above[1] == pytest.approx(below[1], abs=1e-6)
    h = np.linspace(0.0, 25.0, 20001)
    k = np.array([layer_diffusivity(u_star, x, delta, background, False)[0] for x in h])
    slope = np.array([layer_diffusivity(u_star, x, delta, background, False)[1] for x in h])
    assert k.min() == pytest.approx(background) and k.max() == pytest.approx(0.41 * u_star * delta / 4, rel=1e-3)
    assert np.allclose(np.gradient(k, h)[1:-1], slope[1:-1], atol=2e-5)  # K' is the derivative of K


@pytest.mark.slow
def test_closed_column_stays_uniform_at_the_default_step(tmp_path):
    data = scenario_dict(
        time={"duration_h": 42, "step_s": 60, "output_every_s": 3600},
        bathymetry={"flat_depth_m": COLUMN_M},
        currents={"synthetic": {"preset": "ccz"}, "bed_stress": {"law": "log", "reference_height_m": 1.0}},
        sediment={"classes": [{"name": "tracer", "mass_fraction": 1.0, "settling_m_s": 0.0}],
                  "deposition": {"condition": "reflecting"}},
        sources=[{"kind": "discharge", "name": "point", "position_m": [0, 0], "height_above_bed_m": 10,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": 120000, "seed": 5},
        # the drift (about 7 km in 42 h) stays inside; coarse cells: nothing here reads the fields, and the
        # per-step binning over a fine 100 km grid would cost more than the particles
        grid={"resolution_m": 10000, "extent_m": [-50000, 50000, -50000, 50000], "layers_above_bed_m": [0, 1, 2, 5]},
    )
    # the default scenario's profile, u* from the default flow at every step
    data["turbulence"]["vertical"] = {"profile": "boundary_layer", "thickness_m": 20, "background_m2_s": 1.0e-4}
    sim = Simulation(scenario_from_dict(data, tmp_path))
    rng = np.random.default_rng(0)
    sim.release_due(0.0)
    p = sim.particles
    p.z_m[:] = -COLUMN_M * rng.uniform(size=p.z_m.size)  # start uniform over the column
    for step in range(sim.n_steps):
        sim.step(step)
    assert np.all(p.status == st.ACTIVE)
    height = p.z_m + COLUMN_M
    assert height.min() >= 0.0 and height.max() <= COLUMN_M
    # bins fine at the bed (where the joins are) and through the layer top; >= 4,000 particles each
    # (1.6 % sampling noise)
    bins = np.array([0.0, 1.0, 2.0, 4.0, 8.0, 12.0, 16.0, 19.0, 21.0, 25.0, 30.0])
    deviation = np.abs(relative_concentration(height, bins) - 1.0)
    assert deviation.max() < 0.05, deviation
