"""Random-walk diffusion with Gaussian increments.

Horizontal: constant K, so the walk is sqrt(2 K dt) N(0, 1).

Vertical: the Ito equation dz = K'(z) dt + sqrt(2 K(z)) dW, whose drift K'
(Visser 1997, Mar. Ecol. Prog. Ser. 158) keeps a well-mixed cloud well mixed
where K varies; without it particles pile up where K is small. It is
integrated with the Milstein scheme, which adds the term (1/2) K' (dW^2 - dt):

    dz = K' dt + sqrt(2 K dt) g + (1/2) K' dt (g^2 - 1),   g ~ N(0, 1)

Grawe (2011, Ocean Modelling 36) showed it keeps the well-mixed condition
better than Visser's Euler scheme at the same cost; in our closed-column test
with K varying a thousandfold, Visser's scheme put 4-7 % too many particles
next to the walls at dt = 5-10 s, Milstein's about 1 %.
"""
import numpy as np
from numba import njit

from .interpolate import vertical_diffusivity

VON_KARMAN = 0.41
LAW_OF_THE_WALL_RAMP = 0.05  # top fraction of the layer over which the capped K falls to the background


@njit(cache=True, inline="always")
def horizontal_step(horizontal_m2_s, dt, gaussian_x, gaussian_y):
    scale = np.sqrt(2.0 * horizontal_m2_s * dt)
    return scale * gaussian_x, scale * gaussian_y


@njit(cache=True, inline="always")
def boundary_layer_diffusivity(u_star, height_m, thickness_m, background_m2_s, law_of_the_wall):
    """K (m2/s) and dK/dh (m/s) of the bottom boundary layer for friction velocity u* (m/s).

    Parabolic: K = kappa u* h (1 - h / delta). Law of the wall: K = kappa u* h capped at the
    parabola's peak kappa u* delta / 4, falling linearly to the background over the top 5 % of
    the layer (K must stay continuous for the random walk). Never below the background.
    """
    if height_m >= thickness_m or height_m <= 0.0:
        return background_m2_s, 0.0
    scale = VON_KARMAN * u_star
    if law_of_the_wall:
        cap = 0.25 * scale * thickness_m
        ramp_start = (1.0 - LAW_OF_THE_WALL_RAMP) * thickness_m
        if height_m >= ramp_start:
            top = min(scale * ramp_start, cap)
            slope = (background_m2_s - top) / (thickness_m - ramp_start)
            k = top + slope * (height_m - ramp_start)
        elif scale * height_m >= cap:
            k, slope = cap, 0.0
        else:
            k, slope = scale * height_m, scale
    else:
        k = scale * height_m * (1.0 - height_m / thickness_m)
        slope = scale * (1.0 - 2.0 * height_m / thickness_m)
    if k <= background_m2_s:
        return background_m2_s, 0.0
    return k, slope


@njit(cache=True, inline="always")
def vertical_step(turbulence, height_above_bed_m, dt, gaussian, u_star):
    """Change of height above the bed (m) over dt by the Milstein scheme; u_star (m/s) is only
    used when the turbulence is a boundary layer driven by the local flow."""
    if turbulence.layer_thickness_m > 0.0:
        k, slope = boundary_layer_diffusivity(
            u_star, height_above_bed_m, turbulence.layer_thickness_m, turbulence.layer_background_m2_s,
            turbulence.layer_law_of_the_wall)
    else:
        k, slope = vertical_diffusivity(turbulence, height_above_bed_m)
    return 0.5 * slope * dt * (gaussian * gaussian + 1.0) + np.sqrt(2.0 * max(k, 0.0) * dt) * gaussian
