"""The seabed's response: Krone deposition under bed shear stress, and
resuspension of the deposit grid (Partheniades' law) with the budget still closed."""
import numpy as np
import pytest

from helpers import make_scenario, never_sinks
from plume.deposit import Resuspension, SeabedDeposit
from plume.grids import OutputGrid
from plume.kernels import status as st
from plume.solver import Simulation

RHO, CD = 1045.0, 2.5e-3


def stress_for(speed_m_s):
    return RHO * CD * speed_m_s**2


def seabed_scenario(tmp_path, speed_m_s, sediment, duration_h=1.0, count=20000, height_m=0.5,
                    resolution_m=1000, extent=5000):
    """A point release just above a flat bed in a steady quadratic-drag flow of the given speed."""
    return make_scenario(
        tmp_path,
        time={"duration_h": duration_h, "step_s": 60, "output_every_s": 600},
        currents={"synthetic": {"mean_u_m_s": speed_m_s},
                  "bed_stress": {"law": "quadratic", "drag_coefficient": CD}},
        sediment=sediment,
        sources=[{"kind": "discharge", "name": "p", "position_m": [-400, 0], "height_above_bed_m": height_m,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": count, "seed": 11},
        grid={"resolution_m": resolution_m, "extent_m": [-extent, extent, -extent, extent],
              "layers_above_bed_m": [0, 1, 2]},
    )


@pytest.mark.slow
@pytest.mark.parametrize("stress_ratio", [0.25, 0.5, 0.8])
def test_krone_deposition_probability_is_one_minus_tau_over_tau_cd(tmp_path, stress_ratio):
    """Every step each particle at the bed stays with probability P = 1 - tau / tau_cd, else bounces
    back and tries again next step: the share still suspended after n steps is (1 - P)^n."""
    speed = 0.05
    critical = stress_for(speed) / stress_ratio
    sim = Simulation(seabed_scenario(tmp_path, speed, {
        "deposition": {"krone": {"critical_stress_pa": critical}},
        "classes": [{"name": "sand", "mass_fraction": 1.0, "settling_m_s": 0.02}]}, height_m=0.1))
    chance = 1.0 - stress_ratio
    sim.release_due(0.0)
    n = sim.particles.x_m.size
    for step in range(3):
        sim.step(step)
        suspended = np.count_nonzero(sim.particles.status == st.ACTIVE) / n
        expected = (1.0 - chance) ** (step + 1)
        sigma = np.sqrt(expected * (1 - expected) / n)
        assert abs(suspended - expected) < 4 * sigma + 1e-12


@pytest.mark.slow
def test_no_deposition_at_or_above_the_critical_deposition_stress(tmp_path):
    speed = 0.05
    sim = Simulation(seabed_scenario(tmp_path, speed, {
        "deposition": {"krone": {"critical_stress_pa": 0.999 * stress_for(speed)}},
        "classes": [{"name": "sand", "mass_fraction": 1.0, "settling_m_s": 0.02}]}, height_m=0.1, count=2000))
    sim.run()
    assert sim.budget.deposited_kg == 0.0 and sim.budget.series_kg["suspended"][-1] == pytest.approx(1.0, rel=1e-12)


def resuspension_run(tmp_path, speed, critical, fluff=None, consolidation_h=None, rate=1e-5, duration_h=1.0):
    # grains re-enter 0.1 mm above the bed, so they land before drifting out of their 1 km cell
    resuspension = {"critical_stress_pa": critical, "erosion_rate_kg_m2_s": rate, "height_m": 1e-4}
    if fluff is not None:
        resuspension["fluff_critical_stress_pa"] = fluff
    if consolidation_h is not None:
        resuspension["consolidation_time_h"] = consolidation_h
    sediment = {"resuspension": resuspension,
                "classes": [{"name": "silt", "mass_fraction": 1.0, "settling_m_s": 0.01}]}
    sim = Simulation(seabed_scenario(tmp_path, speed, sediment, duration_h=duration_h, count=1000))
    sim.run()
    return sim


@pytest.mark.slow
def test_no_resuspension_below_the_critical_stress(tmp_path):
    speed = 0.05
    sim = resuspension_run(tmp_path, speed, critical=1.01 * stress_for(speed))
    budget = sim.budget
    assert budget.resuspended_kg == 0.0 and np.all(budget.series_kg["resuspended"] == 0.0)
    assert budget.series_kg["deposited"][-1] == pytest.approx(1.0, rel=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("excess", [0.5, 2.0])
def test_a_steady_stress_erodes_at_m_times_tau_over_tau_ce_minus_one(tmp_path, excess):
    """Everything lands in one 1 km cell in the first step; every step after that the flow
    erodes M (tau/tau_ce - 1) A dt from it (resuspended grains settle back within the next
    step, so the cell never runs dry). The emitted mass lags the eroded mass by less than one
    particle, and the budget closes at every output time."""
    speed, rate = 0.05, 1e-9  # 0.03-0.12 kg per step from a 1 kg deposit in a 1 km2 cell
    critical = stress_for(speed) / (1.0 + excess)
    sim = resuspension_run(tmp_path, speed, critical, rate=rate)
    expected = rate * excess * 1000.0**2 * 60.0 * sim.n_steps
    particle = 1.0 / 1000
    assert sim.deposit.eroded_kg == pytest.approx(expected, rel=1e-9)
    budget = sim.budget
    assert sim.deposit.eroded_kg - particle - 1e-12 <= budget.resuspended_kg <= sim.deposit.eroded_kg + 1e-12
    assert np.all(np.diff(budget.series_kg["resuspended"]) > 0)
    assert np.max(np.abs(budget.residual_kg)) <= 1e-12 * budget.series_kg["released"][-1]
    # the deposit grid holds exactly the net deposited mass
    assert sim.deposit.total_kg().sum() == pytest.approx(budget.deposited_kg, rel=1e-12)


@pytest.mark.slow
def test_consolidated_deposit_resists_a_stress_that_erodes_fluff(tmp_path):
    """tau between the fluff's and the consolidated deposit's critical stress: fluff that never
    consolidates erodes at the fluff rate; fluff that consolidates within seconds barely erodes."""
    speed, rate = 0.05, 1e-9  # 0.03-0.12 kg per step from a 1 kg deposit in a 1 km2 cell
    tau = stress_for(speed)
    fluff_only = resuspension_run(tmp_path, speed, critical=2 * tau, fluff=tau / 2, rate=rate)
    expected = rate * 1.0 * 1000.0**2 * 60.0 * fluff_only.n_steps
    assert fluff_only.deposit.eroded_kg == pytest.approx(expected, rel=1e-9)
    hardening = resuspension_run(tmp_path, speed, critical=2 * tau, fluff=tau / 2, consolidation_h=1e-3, rate=rate)
    assert hardening.deposit.eroded_kg < 1e-6 * expected


def test_erosion_takes_classes_in_proportion_and_stops_when_the_cell_is_empty():
    grid = OutputGrid(0.0, 20.0, 0.0, 10.0, 10.0, np.array([0.0, 1.0]), None)
    deposit = SeabedDeposit(grid, 2, Resuspension(0.1, 0.1, 1e-3, None, 0.1, np.array([1e-3, 1e-3])))
    deposit.fluff_kg[:, 0, 0] = [0.3, 0.1]  # cell (0, 0): 0.4 kg, three quarters class 0
    tau = np.array([[0.3, 0.05]])  # the second cell is below critical (and empty anyway)
    deposit.erode_step(tau, 1.0)  # capacity 1e-3 * 2 * 100 * 1 = 0.2 kg
    assert deposit.pending_kg[:, 0, 0] == pytest.approx([0.15, 0.05], rel=1e-12)
    deposit.erode_step(tau, 10.0)  # capacity 2 kg > what is left
    assert np.all(deposit.fluff_kg == 0.0) and deposit.eroded_kg == pytest.approx(0.4, rel=1e-12)
    assert deposit.total_kg().sum() == pytest.approx(0.4, rel=1e-12)


def test_resuspension_keys_are_checked(tmp_path):
    from plume.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"sediment.resuspension.critical_stress_pa: required key missing"):
        make_scenario(tmp_path, sediment={"resuspension": {"consolidation_time_h": 2}})
    with pytest.raises(ScenarioError, match=r"sediment.resuspension.critical_stress_pa: .*> 0"):
        make_scenario(tmp_path, sediment={"resuspension": {"critical_stress_pa": -1}})
    with pytest.raises(ScenarioError, match=r"sediment.critical_shear_stress_pa: this key moved into a block"):
        make_scenario(tmp_path, sediment={"critical_shear_stress_pa": 0.1})


@pytest.mark.slow
def test_per_class_deposit_adds_up_and_follows_flocculation(tmp_path):
    """output.per_class: deposit_mass_by_class sums to deposit_mass; a class that flocculates fast
    deposits as its floc class, and the per-class metrics appear."""
    scenario = make_scenario(
        tmp_path, time={"duration_h": 1, "step_s": 60, "output_every_s": 600},
        sediment={"classes": [{"name": "fine", "mass_fraction": 0.4, "settling_m_s": 0.0},
                              {"name": "sand", "mass_fraction": 0.6, "settling_m_s": 0.05},
                              {"name": "floc", "mass_fraction": 0.0, "settling_m_s": 0.05}],
                  "flocculation": [{"from": "fine", "to": "floc", "rate_per_h": 3600,
                                    "concentration_exponent": 0}],
                  "delayed_sinking": never_sinks("fine")},  # one compiled step with the others (helpers)
        sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": 10,
                  "mass_kg": 2.0, "start_h": 0}],
        particles={"count": 3000, "seed": 2}, output={"directory": "out", "per_class": True})
    import plume

    ds = plume.run(scenario, write=False).dataset
    by_class = ds.deposit_mass_by_class.isel(time=-1)
    assert list(ds.sediment_class_name.values) == ["fine", "sand", "floc"]
    assert np.allclose(by_class.sum("sediment_class"), ds.deposit_mass.isel(time=-1), rtol=1e-6, atol=0)
    cell = 100.0  # 10 m cells
    totals = by_class.sum(("y", "x")).values * cell
    # k dt = 60: every fine particle flocculates in the first step and lands as floc
    assert totals == pytest.approx([0.0, 1.2, 0.8], rel=1e-6, abs=1e-9)
    assert "deposit_area_by_class" in ds and ds.deposit_area_by_class.sizes["sediment_class"] == 3
