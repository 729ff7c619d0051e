"""Checkpoint and resume: a run interrupted after a checkpoint and resumed writes the same file, bit for
bit, as an uninterrupted run; the interruption leaves the checkpoint and no result."""
import numpy as np
import pytest
import xarray as xr
from helpers import make_scenario

from plume.checkpoint import checkpoint_path
from plume.errors import PlumeError
from plume.solver import Simulation, run

RHO, CD, SPEED = 1045.0, 2.5e-3, 0.1


def scenario(base, folder: str = "out", **changes):
    """Two sources, mixing, settling, a flux bed and resuspension (the run's own generator draws too)."""
    sources = [
        {"kind": "discharge", "name": "west", "position_m": [-300, 0], "height_above_bed_m": 5,
         "mass_kg": 1.0, "start_h": 0},
        {"kind": "discharge", "name": "east", "position_m": [300, 0], "height_above_bed_m": 3,
         "rate_kg_s": 1e-3, "start_h": 0, "stop_h": 1.5},
    ]
    settings = dict(
        time={"duration_h": 2, "step_s": 60, "output_every_s": 600},
        currents={"synthetic": {"mean_u_m_s": SPEED}, "bed_stress": {"law": "quadratic", "drag_coefficient": CD}},
        turbulence={"horizontal_m2_s": 0.05, "vertical": {"profile": "constant", "value_m2_s": 1e-3}},
        sediment={"classes": [{"name": "silt", "mass_fraction": 1.0, "settling_m_s": 2e-3}],
                  "resuspension": {"critical_stress_pa": 0.5 * RHO * CD * SPEED**2, "erosion_rate_kg_m2_s": 1e-6,
                                   "height_m": 0.5}},
        sources=sources, particles={"count": 1500, "seed": 9},
        grid={"resolution_m": 50, "extent_m": [-1000, 3000, -1000, 1000], "layers_above_bed_m": [0, 1, 2]},
        output={"directory": folder, "checkpoint_every_h": 0.5},
    )
    settings.update(changes)
    base.mkdir(parents=True, exist_ok=True)
    return make_scenario(base, **settings)


class Stop(KeyboardInterrupt):
    pass


@pytest.mark.slow
def test_an_interrupted_run_resumes_to_the_same_file_bit_for_bit(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # equal runs give equal bytes
    whole = run(scenario(tmp_path / "whole"))  # the same scenario text in two folders
    assert not checkpoint_path(whole.path).exists()  # a finished run leaves no checkpoint

    resumed_scenario = scenario(tmp_path / "resumed")
    target = tmp_path / "resumed" / "out" / "case.nc"
    original_step = Simulation.step

    def step_until_75(self, step_index):
        if step_index == 75:  # after the checkpoint before step 60, before the next one (90)
            raise Stop()
        original_step(self, step_index)

    monkeypatch.setattr(Simulation, "step", step_until_75)
    with pytest.raises(Stop):
        run(resumed_scenario)
    assert not target.exists() and checkpoint_path(target).exists()  # the checkpoint, and no result

    monkeypatch.setattr(Simulation, "step", original_step)
    resumed = run(resumed_scenario, resume=True)
    assert resumed.simulation.resumed_at_step == 60
    assert not checkpoint_path(target).exists()
    assert resumed.simulation.budget.resuspended_kg > 0.0  # the generator's state was carried over
    assert target.read_bytes() == whole.path.read_bytes()
    a, b = xr.open_dataset(whole.path), xr.open_dataset(target)
    for name in ("ssc", "deposit_mass", "mass_suspended", "ssc_exceedance_time"):
        np.testing.assert_array_equal(a[name].values, b[name].values)
    a.close()
    b.close()


def test_a_checkpoint_of_another_scenario_is_refused(tmp_path):
    sim = Simulation(scenario(tmp_path))
    path = tmp_path / "case.checkpoint"
    from plume.checkpoint import restore, save

    save(sim, 30, path)
    assert restore(Simulation(scenario(tmp_path)), path) == 30
    other = Simulation(scenario(tmp_path, particles={"count": 1600, "seed": 9}))
    with pytest.raises(PlumeError, match="written for a different scenario"):
        restore(other, path)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(PlumeError, match="cannot read the checkpoint"):
        restore(sim, path)
