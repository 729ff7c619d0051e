"""Every SSC and deposit metric carries a standard error from independent particle groups (delete-a-group
jackknife, plume.analysis.uncertainty): it must cover the true value in about the stated share of runs."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import make_scenario
from scipy.special import erf

from plume.analysis import metric_rows
from plume.analysis.uncertainty import differ, jackknife_se
from plume.output import build_dataset
from plume.solver import Simulation

K_M2_S = 0.5  # horizontal diffusivity
HEIGHT_M = 5.1  # release height above the bed
W_M_S = 0.01  # settling velocity
CELL_M = 10.0
RADIUS_M = 20.0


def test_the_jackknife_of_a_linear_metric_is_the_batch_means_standard_error():
    """For a mean (linear in the field) the delete-a-group jackknife equals std over groups / sqrt(G)."""
    groups = np.random.default_rng(3).normal(size=(8, 5))
    without = (groups.sum(axis=0) - groups) / 7.0
    np.testing.assert_allclose(jackknife_se(without), groups.std(axis=0, ddof=1) / np.sqrt(8), rtol=1e-12)
    assert differ(10.0, 1.0, 13.0, 1.0) and not differ(10.0, 1.0, 12.0, 1.0)
    assert differ(10.0, float("nan"), 13.0, 1.0) is None


def _cloud(seed: int, tmp_path):
    """A 1 kg point release 5.1 m above a flat bed, settling at 1 cm/s through horizontal diffusion
    K = 0.5 m2/s: it lands after T = 510 s as a Gaussian of variance 2 K T on each axis."""
    return make_scenario(
        tmp_path, time={"duration_h": 0.2, "step_s": 5, "output_every_s": 720},
        turbulence={"horizontal_m2_s": K_M2_S, "vertical": {"profile": "constant", "value_m2_s": 0.0}},
        sediment={"classes": [{"name": "only", "mass_fraction": 1.0, "settling_m_s": W_M_S}],
                  "deposition": {"condition": "absorbing"}},
        sources=[{"kind": "discharge", "name": "point", "position_m": [0.0, 0.0], "height_above_bed_m": HEIGHT_M,
                  "mass_kg": 1.0, "start_h": 0}],
        grid={"resolution_m": CELL_M, "extent_m": [-200, 200, -200, 200], "layers_above_bed_m": [0, 1, 2]},
        particles={"count": 1000, "seed": seed, "groups": 8},
        output={"directory": "out", "metric_distances_m": [RADIUS_M]})


def _true_fraction_within(radius_m: float) -> float:
    """The share of a centred Gaussian (variance 2 K T per axis) that lands in cells whose centre lies
    within the radius of the release point: the metric's own rule, integrated exactly over each cell."""
    sigma = np.sqrt(2.0 * K_M2_S * HEIGHT_M / W_M_S)
    edges = np.arange(-200.0, 200.0 + CELL_M, CELL_M)
    share = np.diff(0.5 * (1.0 + erf(edges / (sigma * np.sqrt(2.0)))))  # per cell along one axis
    centres = 0.5 * (edges[1:] + edges[:-1])
    inside = np.hypot(*np.meshgrid(centres, centres)) <= radius_m
    return float((np.outer(share, share) * inside).sum())


@pytest.mark.slow
def test_the_uncertainty_covers_the_true_deposited_fraction_in_the_stated_share_of_runs(tmp_path):
    """20 seeds: the true fraction lies within 2 standard errors in about 95 % of runs, and the mean
    standard error matches the spread of the estimates across seeds."""
    truth = _true_fraction_within(RADIUS_M)
    name = f"deposited_fraction_within_{RADIUS_M:g}m"
    values, errors = [], []
    for seed in range(20):
        sim = Simulation(_cloud(seed, tmp_path))
        sim.run()
        row = next(m for m in metric_rows(build_dataset(sim)) if m.name == name)
        values.append(row.value)
        errors.append(row.uncertainty)
    values, errors = np.array(values), np.array(errors)
    assert np.all(np.isfinite(errors)) and np.all(errors > 0)
    covered = np.abs(values - truth) <= 2.0 * errors
    assert covered.sum() >= 16  # 95 % of 20 is 19; 16 or fewer has a chance below 2 % if it is right
    spread = values.std(ddof=1)
    assert 0.6 < errors.mean() / spread < 1.6  # the stated error is the real one (20 seeds: +-25 %)


@pytest.mark.slow
def test_per_class_per_source_and_exposure_uncertainties_come_from_the_group_fields(tmp_path):
    """Two sources, two classes, the deposit kept per class: the delete-a-group fields of the per-class
    and per-source deposits and of the step-resolved exposure average back to the fields themselves
    (each group's share times G / (G - 1)), and every per-class and per-source metric has its error."""
    scenario = make_scenario(
        tmp_path, time={"duration_h": 0.2, "step_s": 5, "output_every_s": 360},
        turbulence={"horizontal_m2_s": K_M2_S, "vertical": {"profile": "constant", "value_m2_s": 0.0}},
        sediment={"classes": [{"name": "silt", "mass_fraction": 0.6, "settling_m_s": W_M_S},
                              {"name": "sand", "mass_fraction": 0.4, "settling_m_s": 2 * W_M_S}],
                  "deposition": {"condition": "absorbing"}},
        sources=[{"kind": "discharge", "name": "west", "position_m": [-50.0, 0.0], "height_above_bed_m": HEIGHT_M,
                  "mass_kg": 1.0, "start_h": 0},
                 {"kind": "discharge", "name": "east", "position_m": [50.0, 0.0], "height_above_bed_m": 1.5,
                  "mass_kg": 2.0, "start_h": 0}],
        grid={"resolution_m": CELL_M, "extent_m": [-200, 200, -200, 200], "layers_above_bed_m": [0, 1, 2]},
        particles={"count": 2000, "seed": 4, "groups": 8},
        thresholds={"deposit_mm": [0.0005, 0.002], "ssc_mg_l": [0.1, 1]},  # within the deposits' range
        output={"directory": "out", "per_class": True, "metric_distances_m": [RADIUS_M]})
    sim = Simulation(scenario)
    sim.run()
    ds = build_dataset(sim)
    final = ds.isel(time=-1)
    for name, axis in (("deposit_mass_by_class", "sediment_class"), ("deposit_mass_by_source", "source")):
        without = ds[f"{name}_without_group"]
        np.testing.assert_allclose(without.mean("group").values, final[name].transpose(axis, "y", "x").values,
                                   rtol=1e-5, atol=1e-9)
        np.testing.assert_allclose(without.sum(axis).values, ds["deposit_mass_without_group"].values,
                                   rtol=1e-5, atol=1e-9)
    integral = ds["ssc_time_integral"].values
    assert integral.max() > 0
    np.testing.assert_allclose(ds["ssc_time_integral_without_group"].mean("group").values, integral,
                               rtol=1e-4, atol=1e-6 * integral.max())
    np.testing.assert_array_equal(ds["ssc_exposure"].values, integral)  # the exposure is resolved on the step
    for name in ("ssc_exposure", "deposit_area_by_class", "deposit_max_distance_by_class",
                 "deposited_fraction_within_by_class", "deposit_area_by_source", "deposit_max_distance_by_source",
                 "deposit_area_outside_footprint_by_source", "deposited_fraction_by_source"):
        se = ds[f"{name}_uncertainty"].values
        assert np.all(np.isfinite(se) | np.isnan(ds[name].values)) and np.nanmin(se) >= 0, name
        if "distance" not in name:  # a farthest cell that every group reaches has no spread
            assert np.nanmax(se) > 0, name
    rows = {row.name: row for row in metric_rows(ds)}
    for name in ("ssc_exposure_max_kg_s_m3", "deposited_fraction_west", "deposit_area_0.0005mm_m2_east",
                 "deposited_fraction_within_20m_sand"):
        assert np.isfinite(rows[name].uncertainty) and rows[name].uncertainty > 0, name


def test_the_deposit_and_its_estimates_without_each_group_match_their_formula_bit_for_bit(tmp_path):
    """The record's one-pass kernel (deposit_and_without_group) gives exactly the numpy formula: the net
    deposit times the other groups' share of the gross deposit, times G / (G - 1), per cell area; where
    nothing landed the share is (G - 1) / G. Erosion makes the net differ from the gross."""
    from plume.accumulators import groups_innermost, longest_by_group

    sim = Simulation(make_scenario(tmp_path, output={"directory": "out", "per_class": True}))
    acc, g = sim.accumulators, sim.grid
    rng = np.random.default_rng(3)
    group_kg = rng.uniform(0.0, 2.0, acc.deposit_group_kg.shape) * (rng.random(acc.deposit_group_kg.shape) < 0.3)
    acc.deposit_group_kg[...] = group_kg
    shape = sim.deposit.by_pool_kg().shape  # (source, class, y, x)
    pools_kg = rng.uniform(0.0, 1.0, shape) * (rng.random(shape) < 0.5)
    n_g = group_kg.shape[0]
    net = acc.kept_axes(pools_kg)
    gross = group_kg.sum(axis=0)
    others = np.where(gross > 0, (gross - group_kg) / np.where(gross > 0, gross, 1.0), (n_g - 1.0) / n_g)
    expected = np.concatenate([(net / g.cell_area_m2)[None], net * others * (n_g / (n_g - 1.0)) / g.cell_area_m2])
    assert np.any(gross == 0) and np.any(gross > 0)
    np.testing.assert_array_equal(acc.deposit_and_without_group(pools_kg), expected)
    np.testing.assert_array_equal(acc.deposit_without_group(pools_kg), expected[1:])
    # the longest time above a threshold of each group's estimate: the maximum over the cells
    exceedance = groups_innermost((n_g, 2, 3, g.ny, g.nx), np.float32)
    exceedance[...] = rng.uniform(0.0, 3600.0, exceedance.shape)
    np.testing.assert_array_equal(longest_by_group(exceedance), exceedance.reshape(n_g, 2, -1).max(axis=2))
