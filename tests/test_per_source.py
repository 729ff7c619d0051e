"""Results by source: each source's deposit and mass budget, its metrics, and the discharge jet's trap
in the file, the summary and `plume check`."""
import numpy as np
import pytest
from helpers import make_scenario, scenario_dict, write_scenario
from typer.testing import CliRunner

from plume.cli import app
from plume.kernels import status as st
from plume.solver import Simulation, run
from plume.sources import discharge_jet
from plume.summary import summary_lines

SETTLING = {"classes": [{"name": "sand", "mass_fraction": 1.0, "settling_m_s": 0.02}]}


def two_sources(tmp_path, **changes):
    """1 kg released 500 m west and 3 kg 500 m east, 5 m above a flat bed, settling without mixing:
    each lands under its own source within the first hour."""
    sources = [
        {"kind": "discharge", "name": "west", "position_m": [-500, 0], "height_above_bed_m": 5,
         "mass_kg": 1.0, "start_h": 0},
        {"kind": "discharge", "name": "east", "position_m": [500, 0], "height_above_bed_m": 5,
         "mass_kg": 3.0, "start_h": 0},
    ]
    changes = {"sediment": SETTLING, "particles": {"count": 2000, "seed": 5}, **changes}
    return make_scenario(tmp_path, sources=sources, **changes)


@pytest.mark.slow
def test_each_source_keeps_its_own_deposit_and_budget(tmp_path):
    result = run(two_sources(tmp_path), write=False)
    ds = result.dataset
    released = ds["mass_released_by_source"].values[-1]
    deposited = ds["mass_deposited_by_source"].values[-1]
    assert released == pytest.approx([1.0, 3.0], rel=1e-12)
    assert deposited == pytest.approx([1.0, 3.0], rel=1e-12)  # nothing mixes: all lands within the hour
    # the sources' budgets add up to the totals at every output time
    for name in ("released", "suspended", "deposited", "exited"):
        assert ds[f"mass_{name}_by_source"].sum("source").values == pytest.approx(ds[f"mass_{name}"].values,
                                                                                   rel=1e-12, abs=1e-15)
    by_source = ds["deposit_mass_by_source"].values[-1]  # (source, y, x) kg m-2
    x = ds.x.values
    assert by_source[0][:, x > 0].max() == 0.0 and by_source[1][:, x < 0].max() == 0.0
    cell = float((x[1] - x[0]) ** 2)
    assert by_source.sum(axis=(1, 2)) * cell == pytest.approx([1.0, 3.0], rel=1e-6)  # float32 fields
    assert by_source.sum(axis=0) == pytest.approx(ds["deposit_mass"].values[-1], rel=1e-6, abs=1e-12)
    # the per-source metrics: each source's fraction deposited, and its area above a threshold is the
    # area of its own deposit alone
    assert ds["deposited_fraction_by_source"].values == pytest.approx([1.0, 1.0], rel=1e-12)
    thickness = by_source / float(ds["deposit_dry_density"])
    for s in range(2):
        for k, threshold in enumerate(ds.deposit_threshold.values):
            expected = np.count_nonzero(thickness[s] >= threshold) * cell
            assert float(ds["deposit_area_by_source"][s, k]) == pytest.approx(expected)
    lines = "\n".join(summary_lines(result))
    assert "source 'west': released 1 kg" in lines and "source 'east': released 3 kg" in lines


@pytest.mark.slow
def test_resuspended_sediment_keeps_its_source(tmp_path):
    """A flow strong enough to erode the deposit: eroded particles re-enter the water with the source
    of the pool they came from, so every source's budget still closes (MassBudget.record checks it at
    every output time) and the resuspended mass splits by source."""
    rho, cd, speed = 1045.0, 2.5e-3, 0.1
    scenario = two_sources(
        tmp_path, currents={"synthetic": {"mean_u_m_s": speed},
                            "bed_stress": {"law": "quadratic", "drag_coefficient": cd}},
        sediment={**SETTLING, "resuspension": {"critical_stress_pa": 0.5 * rho * cd * speed**2,
                                               "erosion_rate_kg_m2_s": 1e-6, "height_m": 0.5}},
        grid={"resolution_m": 100, "extent_m": [-5000, 5000, -5000, 5000], "layers_above_bed_m": [0, 1, 2]})
    sim = Simulation(scenario)
    sim.run()
    budget = sim.budget
    resuspended = budget.by_source_kg["resuspended"]
    assert budget.resuspended_kg > 0.0 and np.all(resuspended > 0.0)
    assert resuspended.sum() == pytest.approx(budget.resuspended_kg, rel=1e-12)
    # the erosion capacity M (tau/tau_ce - 1) A dt is per cell, not per kg, and neither deposit runs out:
    # the two sources, under the same flow, lose about the same mass although one holds three times more
    assert resuspended[0] == pytest.approx(resuspended[1], rel=0.2)
    # particles in the water carry the source they were released by, or eroded from
    p = sim.particles
    active = p.status[: p.n_released] == st.ACTIVE
    suspended = np.bincount(p.source_index[: p.n_released][active], weights=p.mass_kg[: p.n_released][active],
                            minlength=2)
    assert budget.series_by_source_kg["suspended"][-1] == pytest.approx(suspended, rel=1e-12)
    assert sim.deposit.by_source_kg().sum(axis=(1, 2)) == pytest.approx(budget.by_source_kg["deposited"],
                                                                         rel=1e-9)


def jet_case():
    collector = {"kind": "collector", "name": "vehicle", "rate_kg_s": 1.0, "start_h": 0, "stop_h": 0.2,
                 "release_height_m": 1, "release_width_m": 4,
                 "track": {"origin_m": [0, 0], "heading_deg": 0, "lanes": 1, "lane_length_m": 200,
                           "lane_spacing_m": 10, "speed_m_s": 0.5}}
    riser = {"kind": "discharge", "name": "riser", "position_m": [0, 0], "depth_m": 1200, "rate_kg_s": 5.0,
             "start_h": 0, "stop_h": 0.2, "outlet": {"diameter_m": 0.4, "flow_m3_s": 0.5, "direction": "down"}}
    return scenario_dict(bathymetry={"flat_depth_m": 4000}, sources=[collector, riser],
                         particles={"count": 400, "seed": 3}, time={"duration_h": 0.2})


def test_the_jet_trap_is_in_the_simulation_and_the_file(tmp_path):
    from plume.output import build_dataset

    scenario = make_scenario(tmp_path, **{k: v for k, v in jet_case().items() if k != "name"})
    sim = Simulation(scenario)
    expected = discharge_jet(scenario, 1, sim.environment.seabed)
    assert sim.jets[0] is None and sim.jets[1] == expected
    # the riser's particles start in the jet's spreading layer, the collector's near the bed
    p = sim.particles
    depth = -p.z_m[p.source_index == 1]
    assert np.all(np.abs(depth - expected.trap_depth_m) <= 0.5 * expected.thickness_m + 1e-9)
    assert np.all(-p.z_m[p.source_index == 0] > 3990.0)
    sim.run()
    ds = build_dataset(sim)
    assert np.isnan(ds["source_jet_trap_depth"].values[0])
    assert float(ds["source_jet_trap_depth"][1]) == expected.trap_depth_m
    assert float(ds["source_jet_dilution"][1]) == expected.dilution
    assert float(ds["source_jet_radius"][1]) == expected.radius_m
    assert ds["source_jet_trap_depth"].attrs["units"] == "m" and ds["source_jet_trap_depth"].attrs["positive"] \
        == "down"


def test_plume_check_prints_the_jet_trap(tmp_path):
    path = write_scenario(tmp_path / "jet.yaml", jet_case())
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "jet 'riser': traps at" in result.output and "dilution" in result.output
