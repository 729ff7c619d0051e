"""Deposition and the bed condition: what a particle that reaches the seabed does.

Block: ``sediment.deposition`` (always present; its defaults are the flux condition).

``condition: flux`` (the default): the bed takes the deposition flux of sediment
transport models, D = e w_s C_b (Krone 1962: times 1 - tau / tau_cd below the critical
stress for deposition, 0 above it, when ``krone`` is given; e: ``efficiency``, 1 by
default), and reflects the rest. In a random walk this is a partially absorbing
(Robin) boundary: a particle that crosses the bed in a step of length dt is absorbed
with probability

    P = kappa dt / E[(-dz)^+],   kappa = e w_s (1 - tau / tau_cd),

where E[(-dz)^+] = mu Phi(mu / sigma) + sigma phi(mu / sigma) is the expected depth a
particle at the bed crosses in one step (mu = w_s dt, sigma = sqrt(2 K_b dt), K_b the
diffusivity at the bed). Without settling this is the mapping of Erban & Chapman (2007,
Phys. Biol. 4, 16-28), P = kappa sqrt(pi dt / K_b); with settling alone it is P = e. The
deposited flux is then kappa C_b whatever the step, so the deposited fraction converges
as dt shrinks (tests/test_bed_condition.py checks it against a finite-volume solution).

``condition: absorbing``: every particle that reaches the bed stays there (times Krone's
factor when given): the first-passage problem of the analytic tests. It deposits far
more of a slowly settling class than the flux condition, since it also absorbs what
turbulence brings to the bed.

``condition: reflecting``: no particle stays (a closed column: equilibrium profiles).
"""
import math
from typing import NamedTuple

from numba import njit

from ..scenario.sediment import Deposition as Block  # noqa: F401

DRAW_SLOTS = (3,)
SLOT = 3
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class DepositionParams(NamedTuple):
    absorbing: bool
    reflecting: bool
    efficiency: float  # e, the share of w_s C_b that deposits
    krone: bool
    critical_stress_pa: float  # tau_cd, when krone


Params = DepositionParams  # the name every process module gives its parameters


def params_from_scenario(scenario) -> Params:
    block = scenario.sediment.deposition
    krone = block.krone
    return Params(block.condition == "absorbing", block.condition == "reflecting", float(block.efficiency), krone is not None,
                  float(krone.critical_stress_pa) if krone is not None else 0.0)


@njit(cache=True, inline="always")
def krone_factor(params, stress_pa):
    """1 - tau / tau_cd below the critical stress for deposition, 0 above; 1 without Krone."""
    if not params.krone:
        return 1.0
    return max(0.0, 1.0 - stress_pa / params.critical_stress_pa)


@njit(cache=True, inline="always")
def expected_crossing_m(settling_m_s, bed_diffusivity_m2_s, dt):
    """E[(-dz)^+] (m): the mean depth below the bed that a particle at the bed reaches in dt."""
    mu = settling_m_s * dt
    sigma = math.sqrt(2.0 * max(bed_diffusivity_m2_s, 0.0) * dt)
    if sigma <= 0.0:
        return mu
    x = mu / sigma
    return mu * 0.5 * (1.0 + math.erf(x * _INV_SQRT_2)) + sigma * _INV_SQRT_2PI * math.exp(-0.5 * x * x)


@njit(cache=True, inline="always")
def contact_probability(params, settling_m_s, bed_diffusivity_m2_s, stress_pa, dt):
    """Probability that a particle crossing the bed during a step of dt stays there."""
    if params.reflecting:
        return 0.0
    krone = krone_factor(params, stress_pa)
    if params.absorbing:
        return krone
    rate = params.efficiency * settling_m_s * krone  # kappa, m/s
    if rate <= 0.0:
        return 0.0
    crossing = expected_crossing_m(settling_m_s, bed_diffusivity_m2_s, dt)
    if crossing <= 0.0:
        return 1.0
    return min(1.0, rate * dt / crossing)
