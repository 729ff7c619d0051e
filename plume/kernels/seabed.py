"""Geometry of the boundaries: where a path meets the seabed, and the domain edge."""
from numba import njit


@njit(cache=True, inline="always")
def bed_crossing_fraction(height_before_m, height_after_m):
    """Fraction of the step at which a straight path from the old to the new height meets the bed.

    Exact for uniform motion (settling in a uniform current), which is what the
    analytic landing-point test checks.
    """
    span = height_before_m - height_after_m
    if span <= 0.0 or height_before_m <= 0.0:
        return 0.0
    return min(height_before_m / span, 1.0)


@njit(cache=True, inline="always")
def outside_domain(x, y, domain):
    x_min, x_max, y_min, y_max = domain
    return x < x_min or x > x_max or y < y_min or y > y_max
