"""Counter-based random numbers: each draw is a pure function of (seed, particle id, step, draw).

No generator state is carried, so results do not depend on the number of
threads or on which thread handles a particle. The mixer is SplitMix64's
finaliser (Steele, Lea & Flood 2014), which passes BigCrush as a counter hash.
"""
import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TWO_PI = 2.0 * np.pi
_INV_2_32 = 1.0 / 4294967296.0


@njit(cache=True, inline="always")
def mix64(z):
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def seed_key(seed: int) -> np.uint64:
    """The 64-bit key of a run's random streams, from the scenario seed."""
    return np.uint64(int(mix64(np.uint64(seed))))


@njit(cache=True, inline="always")
def particle_stream(key, particle_id):
    """The base of one particle's stream; streams of different particles start far apart."""
    return mix64(key + np.uint64(particle_id) * _GOLDEN)


@njit(cache=True, inline="always")
def draw_bits(stream, counter):
    """64 random bits: draw number `counter` of a particle's stream (SplitMix64 at that position)."""
    return mix64(stream + (np.uint64(counter) + np.uint64(1)) * _GOLDEN)


@njit(cache=True, inline="always")
def two_uniforms(bits):
    """Two uniforms in the open interval (0, 1) from the high and low 32 bits."""
    hi = np.float64(bits >> np.uint64(32))
    lo = np.float64(bits & np.uint64(0xFFFFFFFF))
    return (hi + 0.5) * _INV_2_32, (lo + 0.5) * _INV_2_32


@njit(cache=True, inline="always")
def two_gaussians(bits):
    """Two independent standard normals by Box-Muller (exact, no rejection loop)."""
    u1, u2 = two_uniforms(bits)
    r = np.sqrt(-2.0 * np.log(u1))
    a = _TWO_PI * u2
    return r * np.cos(a), r * np.sin(a)
