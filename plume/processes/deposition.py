"""Deposition and the bed condition: what a particle that reaches the seabed does.

Block: ``sediment.deposition`` (always present; its defaults are the flux condition).

``condition: flux`` (the default): the bed takes the deposition flux of sediment
transport models, D = e w_s C_b (Krone 1962: times 1 - tau / tau_cd below the critical
stress for deposition, 0 above it, when ``krone`` is given; e: ``efficiency``, 1 by
default), and reflects the rest. In a random walk this is a partially absorbing
(Robin) boundary: a particle that crosses the bed in a step of length dt is absorbed
with probability

    P = kappa dt / E,   kappa = e w_s (1 - tau / tau_cd),

where E C_b is the mass that crosses the bed in one step (``expected_crossing_m``: the
crossing probability of a particle at height h, Phi((mu - h) / sigma) with mu = w_s dt and
sigma = sqrt(2 K_b dt), K_b the diffusivity at the bed, weighted by the near-bed profile
exp(-a h) that the condition itself sets, a = (1 - kappa / w_s) w_s / K_b). Without
settling this is the mapping of Erban & Chapman (2007, Phys. Biol. 4, 16-28),
P = kappa sqrt(pi dt / K_b); with settling alone it is P = e. The deposited flux is then
kappa C_b whatever the step, so the deposited fraction converges as dt shrinks
(tests/test_bed_condition.py: within 3 % of a finite-volume solution at 6, 60 and 300 s).

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
    return Params(block.condition == "absorbing", block.condition == "reflecting", float(block.efficiency),
                  krone is not None, float(krone.critical_stress_pa) if krone is not None else 0.0)


@njit(cache=True, inline="always")
def krone_factor(params, stress_pa):
    """1 - tau / tau_cd below the critical stress for deposition, 0 above; 1 without Krone."""
    if not params.krone:
        return 1.0
    return max(0.0, 1.0 - stress_pa / params.critical_stress_pa)


@njit(cache=True, inline="always")
def _scaled_upper_tail(t):
    """exp(t^2 / 2) Phi(-t) for t >= 0, without overflow (the asymptotic series of erfcx above 5)."""
    if t < 5.0:
        return math.exp(0.5 * t * t) * 0.5 * math.erfc(t * _INV_SQRT_2)
    y2 = t * t
    return _INV_SQRT_2PI / t * (1.0 - 1.0 / y2 + 3.0 / (y2 * y2) - 15.0 / (y2 * y2 * y2))


@njit(cache=True, inline="always")
def expected_crossing_m(settling_m_s, bed_diffusivity_m2_s, dt, profile_scale_per_m):
    """The depth-weighted mass (per unit C_b, m) that crosses the bed in one step of dt.

    Particles at height h above the bed cross it in one step with probability
    Phi((mu - h) / sigma) (mu = w dt, sigma = sqrt(2 K_b dt)); weighted by the near-bed profile
    C(h) = C_b exp(-a h) that the bed condition itself sets (a = (1 - e) w / K_b: uniform when the
    bed takes all the settling flux, the reflecting equilibrium when it takes none):

        E = integral_0^inf exp(-a h) Phi((mu - h) / sigma) dh
          = [Phi(mu / sigma) - exp(-a mu + (a sigma)^2 / 2) Phi(mu / sigma - a sigma)] / a,

    which is mu Phi(mu / sigma) + sigma phi(mu / sigma) for a -> 0 (and sqrt(K_b dt / pi) without
    settling, Erban and Chapman's case).
    """
    mu = settling_m_s * dt
    sigma = math.sqrt(2.0 * max(bed_diffusivity_m2_s, 0.0) * dt)
    if sigma <= 0.0:
        return mu
    x = mu / sigma
    s = profile_scale_per_m * sigma
    if s < 1.0e-3:
        return mu * 0.5 * (1.0 + math.erf(x * _INV_SQRT_2)) + sigma * _INV_SQRT_2PI * math.exp(-0.5 * x * x)
    t = s - x
    if t < 5.0:
        tail = math.exp(s * (0.5 * s - x)) * 0.5 * math.erfc(t * _INV_SQRT_2)
    else:
        tail = math.exp(-0.5 * x * x) * _scaled_upper_tail(t)
    return (0.5 * (1.0 + math.erf(x * _INV_SQRT_2)) - tail) / profile_scale_per_m


@njit(cache=True, inline="always")
def contact_probability(params, settling_m_s, bed_diffusivity_m2_s, stress_pa, dt):
    """Probability that a particle crossing the bed during a step of dt stays there."""
    if params.reflecting:
        return 0.0
    krone = krone_factor(params, stress_pa)
    if params.absorbing:
        return krone
    share = params.efficiency * krone
    rate = share * settling_m_s  # kappa, m/s
    if rate <= 0.0:
        return 0.0
    scale = (1.0 - share) * settling_m_s / bed_diffusivity_m2_s if bed_diffusivity_m2_s > 0.0 else 0.0
    crossing = expected_crossing_m(settling_m_s, bed_diffusivity_m2_s, dt, scale)
    if crossing <= 0.0:
        return 1.0
    return min(1.0, rate * dt / crossing)
