"""Counter-based random numbers: each draw is a pure function of (seed, particle id, step, draw).

No generator state is carried, so results do not depend on the number of
threads or on which thread handles a particle. The mixer is SplitMix64's
finaliser (Steele, Lea & Flood 2014), which passes BigCrush as a counter hash.

Gaussians come from the ziggurat method (Marsaglia & Tsang 2000, J. Stat.
Softw. 5(8)), 128 layers: about 99 % of draws cost one hash, a table look-up
and a multiply, against a logarithm, a square root and a sine and cosine for
Box-Muller, which dominated the cost of a step. The layer index and the value
come from separate bits of the hash (Doornik 2005 showed the classic version's
shared bits correlate). The rare rejections take their further bits from the
same counter's hash chain, so the result is still a function of the counter.
"""
import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
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


def _ziggurat_tables(layers: int = 128, r: float = 3.442619855899, area: float = 9.91256303526217e-3):
    """Marsaglia & Tsang's tables for the normal ziggurat: k (acceptance bounds), w (scales), f (densities)."""
    m1 = 2.0**31
    k = np.zeros(layers, dtype=np.int64)
    w = np.zeros(layers)
    f = np.zeros(layers)
    d = t = r
    q = area / np.exp(-0.5 * d * d)
    k[0] = int(d / q * m1)
    k[1] = 0
    w[0] = q / m1
    w[layers - 1] = d / m1
    f[0] = 1.0
    f[layers - 1] = np.exp(-0.5 * d * d)
    for i in range(layers - 2, 0, -1):
        d = np.sqrt(-2.0 * np.log(area / d + np.exp(-0.5 * d * d)))
        k[i + 1] = int(d / t * m1)
        t = d
        f[i] = np.exp(-0.5 * d * d)
        w[i] = d / m1
    return k, w, f


_ZIG_K, _ZIG_W, _ZIG_F = _ziggurat_tables()
_ZIG_R = 3.442619855899
_ZIG_INV_R = 1.0 / _ZIG_R
_NEXT = np.uint64(0x632BE59BD9B4E019)


@njit(cache=True, inline="always")
def _signed31(bits):
    """A signed integer in [-2^31, 2^31) from the high 32 bits."""
    return np.int64(bits >> np.uint64(32)) - np.int64(2147483648)


@njit(cache=True)
def _gaussian_slow(bits, hz, iz):
    """The ziggurat's rare path (about 1 % of draws): the wedges and the tail."""
    while True:
        x = hz * _ZIG_W[iz]
        bits = mix64(bits + _NEXT)
        u1, u2 = two_uniforms(bits)
        if iz == 0:  # the tail beyond r, by Marsaglia's exponential method
            while True:
                x = -np.log(u1) * _ZIG_INV_R
                y = -np.log(u2)
                if y + y >= x * x:
                    break
                bits = mix64(bits + _NEXT)
                u1, u2 = two_uniforms(bits)
            return _ZIG_R + x if hz > 0 else -_ZIG_R - x
        if _ZIG_F[iz] + u1 * (_ZIG_F[iz - 1] - _ZIG_F[iz]) < np.exp(-0.5 * x * x):
            return x
        bits = mix64(bits + _NEXT)
        hz = _signed31(bits)
        iz = np.int64(bits & np.uint64(127))
        if abs(hz) < _ZIG_K[iz]:
            return hz * _ZIG_W[iz]


@njit(cache=True, inline="always")
def gaussian(stream, counter):
    """One standard normal: draw number `counter` of a particle's stream, by the ziggurat."""
    bits = draw_bits(stream, counter)
    hz = _signed31(bits)
    iz = np.int64(bits & np.uint64(127))
    if abs(hz) < _ZIG_K[iz]:
        return hz * _ZIG_W[iz]
    return _gaussian_slow(bits, hz, iz)
