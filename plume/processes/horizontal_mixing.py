"""Horizontal mixing: a Gaussian random walk, with an optional scale-dependent part.

Block: ``turbulence.horizontal_m2_s`` (a constant K_h, m2/s) and the optional
``turbulence.horizontal_scale_dependent`` block. Constant K_h: each step adds
sqrt(2 K_h dt) N(0, 1) in x and in y, so a cloud's variance grows as 2 K_h t.

Scale-dependent (Okubo 1971, Deep-Sea Research 18, 789-802): dye patches in the ocean
grow faster than diffusively, their radial variance following
sigma_rc^2 = a t^m with a = 0.0108 cm2 s^-m and m = 2.34 (t in s), equivalent to an
apparent diffusivity of about 0.5 m2/s at a 1 km scale and several m2/s at 10 km (the
"4/3 law"). With sigma_rc^2 = 2 sigma_x^2, a particle of age t (since release) gets, over
[t, t + dt], the exact variance increment (a / 2)((t + dt)^m - t^m) per axis on top of the
constant part: a point release then spreads as Okubo's law says at any step.
"""
from typing import NamedTuple

import numpy as np
from numba import njit

from ..kernels.random import gaussian
from ..scenario.environment import TurbulenceSpec as Block  # noqa: F401  (horizontal_m2_s and horizontal_scale_dependent)

DRAW_SLOTS = (0, 1)
SLOT_X = 0
SLOT_Y = 1
CM2_TO_M2 = 1.0e-4


class HorizontalMixingParams(NamedTuple):
    horizontal_m2_s: float  # the constant part
    scale_dependent: bool
    variance_coefficient_m2: float  # a in sigma_rc^2 = a t^m, in m2 s^-m
    variance_exponent: float  # m


Params = HorizontalMixingParams  # the name every process module gives its parameters


def params_from_scenario(scenario) -> Params:
    spec = scenario.turbulence
    okubo = spec.horizontal_scale_dependent
    if okubo is None:
        return Params(float(spec.horizontal_m2_s), False, 0.0, 1.0)
    return Params(float(spec.horizontal_m2_s), True, float(okubo.variance_coefficient_cm2) * CM2_TO_M2,
                  float(okubo.variance_exponent))


@njit(cache=True, inline="always")
def variance_increment_m2(params, age_s, dt):
    """Variance (m2) one axis gains over [age, age + dt]: 2 K_h dt plus Okubo's growth when on."""
    variance = 2.0 * params.horizontal_m2_s * dt
    if params.scale_dependent:
        age = max(age_s, 0.0)
        m = params.variance_exponent
        variance += 0.5 * params.variance_coefficient_m2 * ((age + dt) ** m - age ** m)
    return variance


@njit(cache=True, inline="always")
def displacement(params, here, env, dt, stream, counter_base):
    """(dx, dy, 0) in metres: the walk of one step."""
    scale = np.sqrt(variance_increment_m2(params, here.age_s, dt))
    return (scale * gaussian(stream, counter_base + SLOT_X), scale * gaussian(stream, counter_base + SLOT_Y), 0.0)
