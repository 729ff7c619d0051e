"""Bottom boundary layer: law of the wall, bed shear stress, diffusivity profiles."""
import numpy as np
import pytest

from plume.environment.boundary_layer import (
    VON_KARMAN, bed_shear_stress_log_pa, bed_shear_stress_quadratic_pa, boundary_layer_diffusivity,
    friction_velocity_m_s,
)
from plume.processes.vertical_mixing import layer_diffusivity


def test_friction_velocity_is_consistent_between_heights_of_a_log_profile():
    z0, u_star = 1e-4, 0.004
    speed = lambda h: u_star / VON_KARMAN * np.log(h / z0)  # noqa: E731
    for h in (0.5, 1.0, 5.0):
        assert friction_velocity_m_s(speed(h), h, z0) == pytest.approx(u_star, rel=1e-12)


def test_log_and_quadratic_stress_agree_for_the_matching_drag_coefficient():
    z0, h, rho, u = 1e-4, 1.0, 1045.0, 0.1
    cd = (VON_KARMAN / np.log(h / z0)) ** 2
    tau = bed_shear_stress_log_pa(u, h, z0, rho)
    assert tau == pytest.approx(bed_shear_stress_quadratic_pa(u, cd, rho), rel=1e-12)
    # a CCZ-like 10 cm/s at 1 m over z0 = 0.1 mm: u* = 4.5 mm/s, tau = 0.021 Pa
    assert tau == pytest.approx(rho * (VON_KARMAN * u / np.log(1e4)) ** 2)
    assert 0.01 < tau < 0.05


def test_parabolic_profile_peaks_at_mid_layer_with_kappa_ustar_delta_over_4():
    u_star, delta, background = 0.005, 20.0, 1e-5
    k_mid, slope_mid, _ = layer_diffusivity(u_star, delta / 2, delta, background, False)
    assert k_mid == pytest.approx(VON_KARMAN * u_star * delta / 4, rel=1e-3)
    assert abs(slope_mid) < 1e-2 * VON_KARMAN * u_star  # dK/dz = 0 at the peak
    # near the bed K grows as kappa u* h, and never drops below the background
    k_low, slope_low, _ = layer_diffusivity(u_star, 0.05, delta, background, False)
    assert slope_low == pytest.approx(VON_KARMAN * u_star, rel=0.02)
    assert layer_diffusivity(u_star, 50.0, delta, background, False)[0] == background
    heights, values = boundary_layer_diffusivity(u_star, delta, background, "parabolic")
    assert heights.size == values.size
    assert values.min() >= background


def test_law_of_the_wall_profile_is_linear_near_the_bed():
    # K = sqrt(K_b^2 + P^2) with P = kappa u* h saturating smoothly at the parabola's peak
    # (plume.processes.vertical_mixing): linear where K_b << P and h << delta / 4
    u_star, delta, background = 0.004, 10.0, 1e-6
    _, values = boundary_layer_diffusivity(u_star, delta, background, "law_of_the_wall",
                                           heights_m=[0.005, 0.01, 0.02])
    for h, k in zip((0.005, 0.01, 0.02), values):
        assert k == pytest.approx(VON_KARMAN * u_star * h, rel=0.02)
    # and it never exceeds the parabola's peak, handing over to the background above the layer
    _, values = boundary_layer_diffusivity(u_star, delta, background, "law_of_the_wall")
    assert values.max() <= VON_KARMAN * u_star * delta / 4
    assert layer_diffusivity(u_star, delta, delta, background, True)[0] == background
    with pytest.raises(ValueError):
        boundary_layer_diffusivity(0.004, 10.0, 1e-5, "cubic")
