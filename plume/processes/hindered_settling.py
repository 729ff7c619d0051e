"""Hindered settling (Richardson & Zaki 1954, Trans. Inst. Chem. Eng. 32, 35-53): crowded grains
sink slower, w = w0 (1 - phi)^n with the volume fraction phi = C / C_ref.

Block: ``sediment.hindered_settling`` (optional): ``exponent`` n (4.65 for small grains)
and ``reference_concentration_kg_m3`` C_ref (null: the grain density, i.e. the solid
volume fraction; a gelling concentration of about 100 kg/m3 for flocs). C is the
suspended concentration of the particle's output-grid cell, estimated before the step
(plume.kernels.concentration).
"""
from typing import NamedTuple

from numba import njit

from ..scenario.sediment import HinderedSettling as Block  # noqa: F401

DRAW_SLOTS = ()


class HinderedSettlingParams(NamedTuple):
    exponent: float
    reference_kg_m3: float


Params = HinderedSettlingParams  # the name every process module gives its parameters


def params_from_scenario(scenario) -> "Params | None":
    sediment = scenario.sediment
    block = sediment.hindered_settling
    if block is None:
        return None
    reference = block.reference_concentration_kg_m3
    return Params(float(block.exponent),
                  float(sediment.grain_density_kg_m3 if reference is None else reference))


@njit(cache=True, inline="always")
def factor(params, here, env, dt, stream, counter_base):
    """(1 - phi)^n, phi = C / C_ref clipped to [0, 1]."""
    c = here.concentration_kg_m3
    if c <= 0.0:
        return 1.0
    phi = min(c / params.reference_kg_m3, 1.0)
    return (1.0 - phi) ** params.exponent
