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


@njit(cache=True, inline="always")
def horizontal_step(horizontal_m2_s, dt, gaussian_x, gaussian_y):
    scale = np.sqrt(2.0 * horizontal_m2_s * dt)
    return scale * gaussian_x, scale * gaussian_y


@njit(cache=True, inline="always")
def vertical_step(turbulence, height_above_bed_m, dt, gaussian):
    """Change of height above the bed (m) over dt by the Milstein scheme."""
    k, slope = vertical_diffusivity(turbulence, height_above_bed_m)
    return 0.5 * slope * dt * (gaussian * gaussian + 1.0) + np.sqrt(2.0 * max(k, 0.0) * dt) * gaussian
