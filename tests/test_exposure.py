"""Exposure (ssc_max, time above a threshold) is resolved on the model step: a cloud carried through a
row of cells is above the threshold in each for exactly the time it takes to cross it."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import make_scenario

from plume.solver import Simulation

SPEED_M_S = 0.5
CELL_M = 50.0


@pytest.mark.slow
def test_exceedance_time_of_a_moving_cloud_is_the_cell_crossing_time(tmp_path):
    """A point cloud (no mixing, no settling) drifts east at 0.5 m/s: each 50 m cell on its path holds
    it for 100 s, so its time above a threshold far below the cloud's concentration is 100 s (to one
    step), although outputs are an hour apart; cells off the path never exceed."""
    scenario = make_scenario(
        tmp_path, time={"duration_h": 1, "step_s": 10, "output_every_s": 3600},
        currents={"synthetic": {"mean_u_m_s": SPEED_M_S, "mean_v_m_s": 0.0}},
        sources=[{"kind": "discharge", "name": "cloud", "position_m": [-975.0, 25.0], "height_above_bed_m": 0.5,
                  "mass_kg": 1.0, "start_h": 0}],
        grid={"resolution_m": CELL_M, "extent_m": [-1000, 1000, -500, 500], "layers_above_bed_m": [0, 1, 2, 5]},
        thresholds={"deposit_mm": [0.001], "ssc_mg_l": [0.1, 1]},
        particles={"count": 100, "seed": 1},
        output={"directory": "out", "ssc_estimator": "histogram"})  # each particle in its own cell
    sim = Simulation(scenario)
    sim.run()
    acc = sim.accumulators
    row = 10  # y from 0 to 50 m
    crossed = acc.exceedance_s[0, 0, row, 1:36]  # whole cells crossed (the first holds the release point)
    assert np.allclose(crossed, CELL_M / SPEED_M_S, atol=10.0 + 1e-6)
    assert np.all(acc.exceedance_s[:, :, :row] == 0) and np.all(acc.exceedance_s[:, :, row + 1:] == 0)
    # the maximum is the cloud's whole mass in one 50 m x 50 m x 1 m cell, seen although no snapshot caught it
    assert acc.ssc_max_kg_m3[0, row, 1:36] == pytest.approx(np.full(35, 1.0 / (CELL_M * CELL_M * 1.0)), rel=1e-6)
