"""Settling: each sediment class sinks at its own still-water speed.

Block: ``sediment.classes`` (a given ``settling_m_s``, Stokes' law from ``diameter_um``,
or a floc's speed from its size and fractal dimension: plume.sediment).
"""
from typing import NamedTuple

import numpy as np
from numba import njit

from ..scenario.sediment import SedimentClass as Block  # noqa: F401

DRAW_SLOTS = ()


class SettlingParams(NamedTuple):
    settling_m_s: np.ndarray  # (n_class,) positive down


Params = SettlingParams  # the name every process module gives its parameters


def params_from_scenario(scenario) -> Params:
    from ..sediment import settling_speeds

    return Params(np.asarray(settling_speeds(scenario.sediment), dtype=float))


@njit(cache=True, inline="always")
def speed_m_s(params, class_index):
    """Still-water settling speed (m/s, positive down) of a class."""
    return params.settling_m_s[np.uint64(class_index)]
