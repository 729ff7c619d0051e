"""Settling: each sediment class sinks at its own speed (m/s, positive down), slowed where crowded."""
from numba import njit


@njit(cache=True, inline="always")
def settling_step(settling_m_s, class_index, dt, hindered_factor=1.0):
    """Change of elevation (m, negative: down) over dt for a particle of the given class."""
    return -settling_m_s[class_index] * hindered_factor * dt
