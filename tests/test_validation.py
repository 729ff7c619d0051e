"""The validation suite (validation/): its finite-volume reference, and the reduced report run end to end."""
import numpy as np
import pytest
from scipy import stats

from validation.finite_volume import deposited_fraction


def first_passage_cdf(t, height, w, k):
    s = np.sqrt(2 * k * t)
    return stats.norm.cdf((w * t - height) / s) + np.exp(w * height / k) * stats.norm.cdf(-(w * t + height) / s)


def test_finite_volume_absorbing_bed_reproduces_the_first_passage_law():
    """With C = 0 at the bed and the surface far away the FV column must give the inverse-Gaussian CDF."""
    t = np.arange(300.0, 7201.0, 300.0)
    fv = deposited_fraction(t, 12.0, 1.0, 1e-3, 1e-4, "absorbing", cells=600)
    assert np.max(np.abs(fv - first_passage_cdf(t, 1.0, 1e-3, 1e-4))) < 2e-3


def test_finite_volume_flux_bed_deposits_less_than_the_absorbing_bed_and_conserves_mass():
    t = np.array([600.0, 3600.0, 36000.0])
    flux = deposited_fraction(t, 5.0, 1.0, 1e-3, 1e-4, "flux", cells=200)
    absorbing = deposited_fraction(t, 5.0, 1.0, 1e-3, 1e-4, "absorbing", cells=200)
    assert np.all(flux[:2] < absorbing[:2])  # the flux bed takes w C_b, less than the absorbing bed's K dC/dz
    assert flux[-1] == pytest.approx(1.0, abs=1e-6)  # after 10 h (> 7 D/w) everything has settled out
    # a zero probability closes the column: nothing deposits
    assert deposited_fraction(t, 5.0, 1.0, 1e-3, 1e-4, "flux", cells=100, probability=0.0)[-1] == pytest.approx(0.0)


def test_finite_volume_flux_bed_without_diffusion_is_pure_settling():
    """K -> 0: the release falls at w and lands at h / w (smeared by one cell)."""
    t = np.array([800.0, 1200.0])
    f = deposited_fraction(t, 5.0, 1.0, 1e-3, 1e-9, "flux", cells=500)
    assert f[0] < 0.01 and f[1] > 0.99


@pytest.fixture(scope="module")
def reduced_report(tmp_path_factory):
    from validation.run import run_all

    folder = tmp_path_factory.mktemp("validation")
    results = run_all(folder, reduced=True, log=lambda *_: None)
    return folder, {r.name: r for r in results}


@pytest.mark.slow
def test_reduced_report_is_written_with_every_case_figure_and_version(reduced_report):
    from validation.cases import ALL

    folder, results = reduced_report
    text = (folder / "README.md").read_text()
    assert "Version: plume " in text and "Run time:" in text
    for name in ALL:
        assert f'<a id="{name}"></a>' in text
        assert not results[name].error, results[name].error
        for figure in results[name].figures:
            assert (folder / figure).stat().st_size > 10_000


def failures(result, checks=None):
    return [(c.quantity, c.model, c.reference, c.error, c.tolerance) for c in (checks or result.checks)
            if not c.passed]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["first_passage", "ogata_banks", "tidal_ellipse", "plumex_2021"])
def test_exact_solutions_and_plumex_pass(reduced_report, name):
    result = reduced_report[1][name]
    assert result.passed, failures(result)


@pytest.mark.slow
def test_settling_equilibria_over_a_reflecting_bed_are_exponential_and_rouse(reduced_report):
    result = reduced_report[1]["well_mixed"]
    assert all(c.passed for c in result.checks[1:]), failures(result, result.checks[1:])


@pytest.mark.slow
def test_default_boundary_layer_keeps_a_uniform_tracer_uniform(reduced_report):
    result = reduced_report[1]["well_mixed"]
    assert result.checks[0].passed, failures(result, result.checks[:1])


@pytest.mark.slow
def test_flux_bed_matches_the_finite_volume_solution(reduced_report):
    result = reduced_report[1]["flux_bed"]
    assert result.passed, failures(result)


@pytest.mark.slow
def test_midwater_jet_reproduces_mtt_with_their_entrainment_coefficient(reduced_report):
    checks = reduced_report[1]["midwater_jet"].checks
    assert all(c.passed for c in checks[:3])  # MTT's 5.0, no drift with F/N^3, alpha^(-1/2)


@pytest.mark.slow
def test_bie_budget_closes_and_field_cases_report_finite_numbers(reduced_report):
    results = reduced_report[1]
    assert all(c.passed for c in results["bie_1993"].checks)
    for name in ("collector_2021", "chain_dredge_2019", "flux_bed"):
        assert results[name].checks and all(np.isfinite(c.model) for c in results[name].checks)
