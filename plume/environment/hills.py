"""Seeded synthetic abyssal hills: an anisotropic von Karman random field (Goff & Jordan, 1988).

Abyssal-hill relief is modelled, after Goff, J. A. & Jordan, T. H. (1988),
"Stochastic modeling of seafloor morphology: inversion of Sea Beam data for
second-order statistics", J. Geophys. Res. 93(B11), 13589-13608, as a
stationary Gaussian random field with the 2-D von Karman power spectrum

    P(k) ∝ (1 + k_n^2) ** -(H + 1),
    k_n^2 = (k_across * a_across)^2 + (k_along * a_along)^2,

where ``k_across`` / ``k_along`` are the wavenumber components (rad/m) across and
along strike, ``a_*`` the characteristic (correlation) lengths (m) and ``H`` the
Hurst exponent (0 < H <= 1; larger is smoother). Its autocorrelation is

    C(r) = 2 ** (1 - H) / Gamma(H) * u ** H * K_H(u),   u = sqrt((r_across/a_across)^2 + (r_along/a_along)^2),

with ``K_H`` the modified Bessel function of the second kind.

Definition of the wavelengths used here: ``wavelength_*_m = 2 * pi * a_*``, i.e.
the wavelength of the spectral corner (k = 1/a) along each principal axis, so
``a_across = wavelength_across_m / (2 pi)``. Along a principal axis the
autocorrelation falls to 1/e at the lag ``efolding_factor(H) * a`` (about
1.545 a = 0.246 wavelength for H = 0.9); the ratio of the e-folding lags along and
across strike is ``wavelength_along_m / wavelength_across_m``.

Pure numpy; the white noise comes from ``numpy.random.default_rng(seed)``, so a
seed gives the same field on every machine and numpy version that keeps the
PCG64 stream and FFT stable.
"""
from __future__ import annotations

import math

import numpy as np


def _fft_length(n: int) -> int:
    """Smallest 2^a 3^b 5^c >= n (fast for numpy's pocketfft)."""
    best = 1 << max(0, (n - 1).bit_length())
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            m = p35
            while m < n:
                m *= 2
            best = min(best, m)
            p35 *= 3
        p5 *= 5
    return best


def abyssal_hills(nx: int, ny: int, dx_m: float, dy_m: float, rms_height_m: float,
                  wavelength_across_m: float, wavelength_along_m: float, azimuth_deg: float,
                  seed: int, hurst: float = 0.9) -> np.ndarray:
    """Height anomalies (m, positive up) of seeded anisotropic abyssal hills, shape (ny, nx).

    Row j is y = y0 + j*dy_m (north), column i is x = x0 + i*dx_m (east). The field
    is a Gaussian random field with the Goff & Jordan (1988, JGR 93) von Karman
    spectrum (see the module docstring) with correlation lengths
    ``a_across = wavelength_across_m / (2 pi)`` and ``a_along = wavelength_along_m / (2 pi)``,
    its long (along-strike) axis pointing at ``azimuth_deg`` (compass degrees,
    clockwise from north: 0 = ridges run north-south, 90 = east-west).

    Synthesised by FFT (white noise from ``numpy.random.default_rng(seed)``,
    filtered by sqrt(P)) on a grid at least twice as large in each direction,
    then cropped, which keeps the periodic wrap-around of the FFT out of the
    returned window. The result has zero mean and an rms of exactly
    ``rms_height_m`` (all zeros when that is 0).
    """
    nx, ny = int(nx), int(ny)
    if nx < 1 or ny < 1:
        raise ValueError(f"nx and ny must be >= 1, got {nx}, {ny}")
    if not (dx_m > 0 and dy_m > 0):
        raise ValueError(f"dx_m and dy_m must be > 0, got {dx_m}, {dy_m}")
    if not (wavelength_across_m > 0 and wavelength_along_m > 0):
        raise ValueError(f"wavelengths must be > 0, got {wavelength_across_m}, {wavelength_along_m}")
    if not rms_height_m >= 0:
        raise ValueError(f"rms_height_m must be >= 0, got {rms_height_m}")
    if not 0 < hurst <= 1:
        raise ValueError(f"hurst must be in (0, 1], got {hurst}")
    if rms_height_m == 0 or nx * ny == 1:
        return np.zeros((ny, nx))

    a_across = wavelength_across_m / (2.0 * math.pi)
    a_along = wavelength_along_m / (2.0 * math.pi)
    big_nx, big_ny = _fft_length(2 * nx), _fft_length(2 * ny)

    kx = 2.0 * math.pi * np.fft.rfftfreq(big_nx, dx_m)[None, :]  # rad/m, east
    ky = 2.0 * math.pi * np.fft.fftfreq(big_ny, dy_m)[:, None]  # rad/m, north
    theta = math.radians(azimuth_deg)
    s, c = math.sin(theta), math.cos(theta)
    k_along = kx * s + ky * c  # along-strike unit vector (sin, cos) in (east, north)
    k_across = kx * c - ky * s  # across-strike unit vector (cos, -sin)
    kn2 = (k_across * a_across) ** 2 + (k_along * a_along) ** 2
    amplitude = (1.0 + kn2) ** (-(hurst + 1.0) / 2.0)  # sqrt of the power spectrum
    amplitude[0, 0] = 0.0  # no mean

    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((big_ny, big_nx))
    field = np.fft.irfft2(np.fft.rfft2(noise) * amplitude, s=(big_ny, big_nx))
    del noise
    field = field[:ny, :nx]
    field = field - field.mean()
    rms = float(np.sqrt(np.mean(field * field)))
    if rms == 0.0:
        return np.zeros((ny, nx))
    return np.ascontiguousarray(field * (rms_height_m / rms))


# ---------------------------------------------------------------- statistics (for checks and tests)


def _bessel_k(nu: float, x: np.ndarray) -> np.ndarray:
    """K_nu(x) for x > 0, from K_nu(x) = integral_0^inf exp(-x cosh t) cosh(nu t) dt."""
    x = np.atleast_1d(np.asarray(x, dtype=float))
    t = np.linspace(0.0, 20.0, 8001)
    integrand = np.exp(-x[:, None] * np.cosh(t)[None, :]) * np.cosh(nu * t)[None, :]
    return np.trapezoid(integrand, t, axis=1) if hasattr(np, "trapezoid") else np.trapz(integrand, t, axis=1)


def von_karman_correlation(u, hurst: float = 0.9) -> np.ndarray:
    """The von Karman autocorrelation C(u) = 2^(1-H)/Gamma(H) u^H K_H(u) at scaled lag u = r/a (C(0) = 1)."""
    u = np.atleast_1d(np.asarray(u, dtype=float))
    out = np.ones_like(u)
    pos = u > 0
    out[pos] = 2.0 ** (1.0 - hurst) / math.gamma(hurst) * u[pos] ** hurst * _bessel_k(hurst, u[pos])
    return out


def efolding_factor(hurst: float = 0.9) -> float:
    """The scaled lag u = r/a at which the von Karman autocorrelation is 1/e (about 1.545 for H = 0.9)."""
    lo, hi = 1e-6, 50.0
    for _ in range(60):  # C is decreasing in u: bisection
        mid = 0.5 * (lo + hi)
        if von_karman_correlation(mid, hurst)[0] > math.exp(-1.0):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def correlation_lengths(field: np.ndarray, dx_m: float, dy_m: float) -> tuple[float, float]:
    """E-folding lags (m) of the autocorrelation of ``field`` (ny, nx) along x and along y.

    The autocorrelation is computed by FFT with zero padding (no wrap-around) and
    divided by the number of overlapping pairs at each lag (the unbiased
    estimate); the lag where it first falls below 1/e is interpolated linearly.
    Returns ``inf`` along an axis where it never does.
    """
    f = np.asarray(field, dtype=float)
    f = f - f.mean()
    ny, nx = f.shape
    spectrum = np.fft.rfft2(f, s=(2 * ny, 2 * nx))
    acf = np.fft.irfft2(spectrum * np.conj(spectrum), s=(2 * ny, 2 * nx))
    ones = np.fft.rfft2(np.ones_like(f), s=(2 * ny, 2 * nx))
    pairs = np.fft.irfft2(ones * np.conj(ones), s=(2 * ny, 2 * nx))
    along_x = acf[0, :nx] / np.maximum(pairs[0, :nx], 0.5)
    along_y = acf[:ny, 0] / np.maximum(pairs[:ny, 0], 0.5)
    return _efold(along_x, dx_m), _efold(along_y, dy_m)


def _efold(acf: np.ndarray, spacing: float) -> float:
    c = acf / acf[0]
    target = math.exp(-1.0)
    below = np.nonzero(c < target)[0]
    if below.size == 0:
        return math.inf
    i = int(below[0])
    frac = (c[i - 1] - target) / (c[i - 1] - c[i])
    return (i - 1 + frac) * spacing
