"""The flux bed condition (plume.processes.deposition) converges in dt: the deposited fraction in a
1-D column matches a finite-volume solution of the same advection-diffusion equation with the same
flux condition at the bed, at steps of 6, 60 and 300 s, for constant and profiled K."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import solve_banded

from plume.processes.vertical_mixing import params_from_spec, profile_m2_s
from plume.solver import Simulation

from plume.scenario import scenario_from_dict

from helpers import scenario_dict

COLUMN_M = 20.0
RELEASE_HEIGHT_M = 2.0
SETTLING_M_S = 1.0e-4
HOURS = 12
CONSTANT = {"profile": "constant", "value_m2_s": 1.0e-4}
PROFILED = {"profile": "boundary_layer", "friction_velocity_m_s": 0.003, "thickness_m": 15.0,
            "background_m2_s": 1.0e-4}


def finite_volume_deposited_fraction(vertical: dict, efficiency: float, cells: int = 2000, dt_s: float = 5.0) -> float:
    """dC/dt = d/dz (K dC/dz + w C) on [0, H] (z up), a unit mass released in the cell at the release height;
    the bed takes the flux e w C_b out of the bottom cell, the surface none. Backward Euler, upwind settling
    (cell Peclet number w dz / K = 0.01: no numerical diffusion to speak of)."""
    dz = COLUMN_M / cells
    faces = np.arange(1, cells) * dz
    k_faces = profile_m2_s(params_from_spec(_vertical_model(vertical)), faces, 0.003)
    w = SETTLING_M_S
    c = np.zeros(cells)
    c[int(RELEASE_HEIGHT_M / dz)] = 1.0 / dz
    # interior face f between cells f and f+1: downward flux w C_{f+1} + K (C_{f+1} - C_f) / dz
    upper = np.zeros(cells)  # coefficient of C_{i+1} in dC_i/dt
    lower = np.zeros(cells)  # coefficient of C_{i-1}
    diag = np.zeros(cells)
    diffusion = k_faces / dz**2
    upper[:-1] += diffusion + w / dz
    diag[:-1] -= diffusion
    diag[1:] -= diffusion + w / dz
    lower[1:] += diffusion
    diag[0] -= efficiency * w / dz  # the bed's deposition flux e w C_b
    banded = np.zeros((3, cells))
    banded[0, 1:] = -dt_s * upper[:-1]
    banded[1] = 1.0 - dt_s * diag
    banded[2, :-1] = -dt_s * lower[1:]
    deposited = 0.0
    for _ in range(int(HOURS * 3600 / dt_s)):
        c = solve_banded((1, 1), banded, c)
        deposited += dt_s * efficiency * w * c[0]
    return deposited


def _vertical_model(vertical: dict):
    from plume.scenario.environment import TurbulenceSpec

    return TurbulenceSpec(vertical=vertical).vertical


def particle_deposited_fraction(tmp_path, vertical: dict, efficiency: float, step_s: float, n: int) -> float:
    data = scenario_dict(
        time={"duration_h": HOURS, "step_s": step_s, "output_every_s": HOURS * 3600},
        bathymetry={"flat_depth_m": COLUMN_M},
        currents={"synthetic": {"mean_u_m_s": 0.0, "mean_v_m_s": 0.0}, "terrain_following": None},
        turbulence={"horizontal_m2_s": 0.0, "vertical": vertical},
        sediment={"classes": [{"name": "fine", "mass_fraction": 1.0, "settling_m_s": SETTLING_M_S}],
                  "deposition": {"condition": "flux", "efficiency": efficiency}},
        sources=[{"kind": "discharge", "name": "point", "position_m": [0, 0],
                  "height_above_bed_m": RELEASE_HEIGHT_M, "mass_kg": 1.0, "start_h": 0}],
        particles={"count": n, "seed": 3},
        # a column: no horizontal motion, so a coarse output grid (the per-step binning is then cheap)
        grid={"resolution_m": 1000, "extent_m": [-1000, 1000, -1000, 1000], "layers_above_bed_m": [0, 1]},
    )
    data["turbulence"]["vertical"] = vertical  # replace, not merge, the base scenario's profile
    sim = Simulation(scenario_from_dict(data, tmp_path))
    sim.run()
    return sim.budget.deposited_kg / sim.budget.released_kg


@pytest.mark.slow
@pytest.mark.parametrize("vertical", [CONSTANT, PROFILED], ids=["constant_K", "boundary_layer_K"])
@pytest.mark.parametrize("efficiency", [1.0, 0.1])
def test_deposited_fraction_matches_finite_volume_at_every_step(tmp_path, vertical, efficiency):
    reference = finite_volume_deposited_fraction(vertical, efficiency)
    n = 10000
    for step_s in (6.0, 60.0, 300.0):
        fraction = particle_deposited_fraction(tmp_path, vertical, efficiency, step_s, n)
        noise = 3.0 * np.sqrt(reference * (1.0 - reference) / n)  # three binomial standard deviations
        assert abs(fraction - reference) <= 0.03 * reference + noise, (step_s, fraction, reference)
