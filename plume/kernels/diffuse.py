"""Random-walk diffusion with Gaussian increments.

Horizontal: constant K, so the walk is sqrt(2 K dt) N(0, 1).
Vertical: the scheme of Visser (1997, Mar. Ecol. Prog. Ser. 158), which adds
the drift dK/dz dt and evaluates K half a drift step away; without the drift a
cloud in variable K piles up where K is small (the well-mixed condition fails).
"""
import numpy as np
from numba import njit

from .interpolate import vertical_diffusivity


@njit(cache=True, inline="always")
def horizontal_step(horizontal_m2_s, dt, gaussian_x, gaussian_y):
    scale = np.sqrt(2.0 * horizontal_m2_s * dt)
    return scale * gaussian_x, scale * gaussian_y


@njit(cache=True, inline="always")
def vertical_step(turbulence, height_above_bed_m, dt, gaussian):
    """Change of height above the bed (m) over dt by the Visser scheme."""
    _, slope = vertical_diffusivity(turbulence, height_above_bed_m)
    k_shifted, _ = vertical_diffusivity(turbulence, height_above_bed_m + 0.5 * slope * dt)
    return slope * dt + np.sqrt(2.0 * max(k_shifted, 0.0) * dt) * gaussian
