"""Settling: each sediment class sinks at its own speed (m/s, positive down)."""
from numba import njit


@njit(cache=True, inline="always")
def settling_step(settling_m_s, class_index, dt):
    """Change of elevation (m, negative: down) over dt for a particle of the given class."""
    return -settling_m_s[class_index] * dt
