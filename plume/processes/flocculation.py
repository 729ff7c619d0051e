"""Flocculation between classes: a particle of a class that flocculates turns, as a whole, into
its target (floc) class with probability 1 - exp(-k dt) per step, so mass moves between
classes and is never lost; for a constant rate k the unflocculated share is exp(-k t).

Block: ``sediment.flocculation`` (a list of rules; optional). The rate grows with the local
concentration C, as collisions do: k = k_ref (C / C_ref)^a (a = 0: constant). Defaults:
flocs of hundreds of microns form within about an hour at 100 mg/L in CCZ sediment
(10-135 min at 35-500 mg/L: Gillard et al. 2019, Elementa 7, 5).
"""
from typing import NamedTuple

import numpy as np
from numba import njit

from ..kernels.random import draw_bits, two_uniforms
from ..scenario.sediment import Flocculation as Block  # noqa: F401

DRAW_SLOTS = (4,)
SLOT = 4


class FlocculationParams(NamedTuple):
    target: np.ndarray  # (n_class,) int64 class each one flocculates into, -1: none
    rate_per_s: np.ndarray  # (n_class,) k_ref
    reference_kg_m3: np.ndarray  # (n_class,) C_ref
    exponent: np.ndarray  # (n_class,) a


Params = FlocculationParams  # the name every process module gives its parameters


def params_from_scenario(scenario) -> "Params | None":
    sediment = scenario.sediment
    if not sediment.flocculation:
        return None
    names = [c.name for c in sediment.classes]
    n = len(names)
    target = np.full(n, -1, dtype=np.int64)
    rate, reference, exponent = np.zeros(n), np.ones(n), np.zeros(n)
    for rule in sediment.flocculation:
        c = names.index(rule.from_class)
        target[c] = names.index(rule.to_class)
        rate[c] = rule.rate_per_h / 3600.0
        reference[c] = rule.reference_concentration_mg_l / 1000.0  # mg/L = g/m3
        exponent[c] = rule.concentration_exponent
    return Params(target, rate, reference, exponent)


@njit(cache=True, inline="always")
def chance(params, class_index, concentration_kg_m3, dt):
    """Probability that a particle of this class flocculates during dt (0 if it cannot)."""
    if params.target[class_index] < 0:
        return 0.0
    rate = params.rate_per_s[class_index]
    exponent = params.exponent[class_index]
    if exponent != 0.0:
        rate *= (max(concentration_kg_m3, 0.0) / params.reference_kg_m3[class_index]) ** exponent
    return 1.0 - np.exp(-rate * dt)


@njit(cache=True, inline="always")
def new_class(params, here, env, dt, stream, counter_base):
    """The particle's class after the step's flocculation draw."""
    c = here.class_index
    draw, _ = two_uniforms(draw_bits(stream, counter_base + SLOT))
    if draw < chance(params, c, here.concentration_kg_m3, dt):
        return params.target[c]
    return c
