"""Delayed sinking: a class starts sinking at a constant extra speed some time after release.

Block: ``sediment.delayed_sinking`` (optional), a list of
``{class: NAME, after_h: HOURS, speed_m_s: W}``. A particle of class NAME older than
``after_h`` hours sinks at W m/s on top of its settling, as when fine grains are packaged
into faster-sinking aggregates (marine snow, faecal pellets) some time after they enter
the water. It is also the worked example of docs/adding-a-process.md.
"""
from typing import NamedTuple

import numpy as np
from numba import njit

from ..scenario.sediment import DelayedSinking as Block  # noqa: F401

DRAW_SLOTS = ()  # deterministic: no random draws


class DelayedSinkingParams(NamedTuple):
    delay_s: np.ndarray  # (n_class,) age after which the class sinks; inf: never
    speed_m_s: np.ndarray  # (n_class,) extra sinking speed, positive down


Params = DelayedSinkingParams  # the name every process module gives its parameters


def params_from_scenario(scenario) -> "Params | None":
    sediment = scenario.sediment
    if not sediment.delayed_sinking:
        return None
    names = [c.name for c in sediment.classes]
    delay = np.full(len(names), np.inf)
    speed = np.zeros(len(names))
    for rule in sediment.delayed_sinking:
        c = names.index(rule.class_name)
        delay[c] = rule.after_h * 3600.0
        speed[c] = rule.speed_m_s
    return Params(delay, speed)


@njit(cache=True, inline="always")
def displacement(params, here, env, dt, stream, counter_base):
    """(0, 0, dz): the sinking over the part of the step after the delay."""
    c = here.class_index
    sinking_s = min(dt, max(here.age_s + dt - params.delay_s[c], 0.0))
    return 0.0, 0.0, -params.speed_m_s[c] * sinking_s
