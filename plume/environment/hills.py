"""Seeded synthetic abyssal hills: an anisotropic von Karman random field (Goff & Jordan, 1988)
rolled off below a documented horizontal scale.

Spectrum. Abyssal-hill relief is modelled, after Goff, J. A. & Jordan, T. H. (1988),
"Stochastic modeling of seafloor morphology: inversion of Sea Beam data for
second-order statistics", J. Geophys. Res. 93(B11), 13589-13608, and Goff & Jordan
(1989, Geophys. Res. Lett. 16, 45-48, "a parameterized Gaussian model"), as a
stationary Gaussian random field with the 2-D von Karman power spectrum

    P(k) ∝ (1 + k_n^2) ** -(H + 1) * exp(-(k * rolloff_wavelength_m / (2 pi))^2),
    k_n^2 = (k_across * a_across)^2 + (k_along * a_along)^2,

where ``k_across`` / ``k_along`` are the wavenumber components (rad/m) across and
along strike, ``a_*`` the characteristic (correlation) lengths (m), ``H`` the
Hurst exponent (0 < H <= 1; larger is smoother; fractal dimension D = 3 - H) and
``k`` = |k|. Without the last factor (``rolloff_wavelength_m`` = 0) this is Goff &
Jordan's spectrum and its autocorrelation is

    C(r) = 2 ** (1 - H) / Gamma(H) * u ** H * K_H(u),   u = sqrt((r_across/a_across)^2 + (r_along/a_along)^2),

with ``K_H`` the modified Bessel function of the second kind.

Why the roll-off. The slope spectrum of the von Karman field, k^2 P(k), falls only
as k^-2H per unit area of the wavenumber plane, so its rms slope grows without bound
(asymptotically as dx^-(1 - H)) when the grid is refined, and is set by the grid, not by the
seafloor. The Goff & Jordan parameters were fitted to Sea Beam swaths whose beam
footprint at abyssal depths is a few hundred metres (2.67 degree beams: about 200 m
at 4,500 m), and in the CCZ the basement relief is draped by 100 m or more of pelagic
sediment that smooths the shortest scales; the model says nothing below that scale.
The Gaussian factor removes it: the power is down by 1/e at the wavelength
``rolloff_wavelength_m`` and by e^-4 at half of it, so the rms slope converges: it no
longer depends on the grid once the grid resolves the roll-off (see Synthesis).

Definition of the wavelengths used here: ``wavelength_*_m = 2 * pi * a_*``, i.e.
the wavelength of the spectral corner (k = 1/a) along each principal axis, so
``a_across = wavelength_across_m / (2 pi)``. Along a principal axis the
autocorrelation (without roll-off) falls to 1/e at the lag ``efolding_factor(H) * a``
(about 1.545 a = 0.246 wavelength for H = 0.9); the ratio of the e-folding lags
along and across strike is ``wavelength_along_m / wavelength_across_m``.

Synthesis. The field is a sum of Fourier modes of a periodic domain twice the
window in each direction (so the periodicity stays outside the window), evaluated
at the grid nodes by one FFT along each axis. The white-noise amplitude of every mode is
drawn from a stream keyed by (seed, mode row), so the same seed and extent give the
same hills on any grid that resolves the roll-off (spacing up to about
``rolloff_wavelength_m / 9``); a coarser grid keeps the modes up to its Nyquist
wavenumber, sampled from the same streams. Pure numpy; the noise comes from
``numpy.random.default_rng([seed, row])``, so a seed gives the same field on every
machine and numpy version that keeps the PCG64 stream.

Default CCZ statistics (``CCZ_HILLS``) and where each number comes from are in
docs/environment.md.
"""
from __future__ import annotations

import math

import numpy as np

# Defaults for the eastern Clarion-Clipperton Zone; sources and the statistics of the
# generated seabed are in docs/environment.md and the AbyssalHills scenario model.
CCZ_HILLS = {
    "rms_height_m": 30.0,           # 150-210 m of relief in 10 km (CCZ surveys: 50-270 m)
    "wavelength_across_m": 4000.0,  # hills a few km wide ...
    "wavelength_along_m": 15000.0,  # ... and 10-20 km long
    "azimuth_deg": 0.0,             # ridges strike north-south, normal to the Clarion/Clipperton FZs
    "hurst": 0.9,                   # fractal dimension D = 3 - H = 2.1
    "rolloff_wavelength_m": 500.0,  # twice the Sea Beam footprint at 4.5 km: the fits' smallest scale
}

# Modes are kept up to the wavenumber k = ROLLOFF_MODES * 2 pi / rolloff_wavelength_m, where
# the roll-off has cut the amplitude to exp(-ROLLOFF_MODES^2 / 2) = 4e-5: nothing a slope feels.
ROLLOFF_MODES = 4.5


def _check(nx, ny, dx_m, dy_m, rms_height_m, wavelength_across_m, wavelength_along_m, hurst,
           rolloff_wavelength_m) -> None:
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
    if not rolloff_wavelength_m >= 0:
        raise ValueError(f"rolloff_wavelength_m must be >= 0 (0 = none), got {rolloff_wavelength_m}")


def spectral_amplitude(kx, ky, wavelength_across_m: float, wavelength_along_m: float, azimuth_deg: float,
                       hurst: float = 0.9, rolloff_wavelength_m: float = 0.0):
    """sqrt of the (unnormalised) power spectrum at wavenumbers kx (east), ky (north), rad/m."""
    a_across = wavelength_across_m / (2.0 * math.pi)
    a_along = wavelength_along_m / (2.0 * math.pi)
    theta = math.radians(azimuth_deg)
    s, c = math.sin(theta), math.cos(theta)
    k_along = kx * s + ky * c  # along-strike unit vector (sin, cos) in (east, north)
    k_across = kx * c - ky * s  # across-strike unit vector (cos, -sin)
    kn2 = (k_across * a_across) ** 2 + (k_along * a_along) ** 2
    amplitude = (1.0 + kn2) ** (-(hurst + 1.0) / 2.0)
    if rolloff_wavelength_m > 0:
        b = rolloff_wavelength_m / (2.0 * math.pi)
        amplitude = amplitude * np.exp(-0.5 * (kx * kx + ky * ky) * b * b)
    return amplitude


def _mode_count(period_m: float, spacing_m: float, rolloff_wavelength_m: float) -> int:
    """Highest mode index kept along one axis: the roll-off's cut, at most the grid's Nyquist."""
    nyquist = math.floor(period_m / (2.0 * spacing_m) + 1e-9) - 1  # below Nyquist: see _evaluate
    if rolloff_wavelength_m > 0:
        return min(nyquist, math.ceil(ROLLOFF_MODES * period_m / rolloff_wavelength_m))
    return nyquist


def _mode_noise(seed: int, rows: np.ndarray, n_columns: int) -> np.ndarray:
    """Complex unit white noise, one stream per mode row: row m's first n values do not depend
    on how many columns are drawn, so a coarser grid keeps the same modes as a finer one."""
    noise = np.empty((rows.size, n_columns), dtype=complex)
    for r, m in enumerate(rows):
        key = 2 * int(m) if m >= 0 else -2 * int(m) - 1
        pairs = np.random.default_rng([int(seed), key]).standard_normal(2 * n_columns)
        noise[r] = (pairs[0::2] + 1j * pairs[1::2]) / math.sqrt(2.0)
    return noise


def _evaluate(coefficients: np.ndarray, my: int, ny: int, nx: int) -> np.ndarray:
    """Re sum_{m, n} C[m, n] exp(2 pi i (m j / Ny + n i / Nx)) at nodes j < ny, i < nx, where
    Ny = 2 (ny - 1), Nx = 2 (nx - 1) are the periods in nodes: row r of ``coefficients``
    is the mode m = r - my, column n the mode n >= 0 (n < Nx / 2). Two 1-D FFTs, no
    (Ny, Nx) complex array."""
    period_y, period_x = 2 * max(ny - 1, 1), 2 * max(nx - 1, 1)
    rows = np.zeros((period_y, coefficients.shape[1]), dtype=complex)
    rows[np.arange(-my, my + 1) % period_y] = coefficients
    partial = np.fft.ifft(rows, axis=0)[:ny] * period_y  # sum over the rows' modes
    # Re sum_n B_n e^{i theta n} = irfft(X) * Nx with X_0 = B_0 and X_n = B_n / 2 for 0 < n < Nx / 2
    partial[:, 1:] *= 0.5
    return np.fft.irfft(partial, n=period_x, axis=1)[:, :nx] * period_x


def abyssal_hills(nx: int, ny: int, dx_m: float, dy_m: float, rms_height_m: float,
                  wavelength_across_m: float, wavelength_along_m: float, azimuth_deg: float,
                  seed: int, hurst: float = CCZ_HILLS["hurst"],
                  rolloff_wavelength_m: float = CCZ_HILLS["rolloff_wavelength_m"]) -> np.ndarray:
    """Height anomalies (m, positive up) of seeded anisotropic abyssal hills, shape (ny, nx).

    Row j is y = y0 + j*dy_m (north), column i is x = x0 + i*dx_m (east). The field
    is a Gaussian random field with the Goff & Jordan (1988, JGR 93) von Karman
    spectrum rolled off below ``rolloff_wavelength_m`` (0 = no roll-off; see the module
    docstring) with correlation lengths ``a_across = wavelength_across_m / (2 pi)`` and
    ``a_along = wavelength_along_m / (2 pi)``, its long (along-strike) axis pointing at
    ``azimuth_deg`` (compass degrees, clockwise from north: 0 = ridges run north-south,
    90 = east-west).

    Synthesised as a sum of the Fourier modes of a periodic domain twice the window
    (which keeps the wrap-around out of the window), evaluated at the nodes by FFT,
    with per-row noise streams from
    ``seed``: the same seed and window give the same hills on grids of any spacing
    below about ``rolloff_wavelength_m / 9``. The result has zero mean and an rms of
    exactly ``rms_height_m`` over the window (all zeros when that is 0).
    """
    nx, ny = int(nx), int(ny)
    _check(nx, ny, dx_m, dy_m, rms_height_m, wavelength_across_m, wavelength_along_m, hurst, rolloff_wavelength_m)
    if rms_height_m == 0 or nx * ny == 1:
        return np.zeros((ny, nx))

    period_x = 2.0 * max(nx - 1, 1) * dx_m
    period_y = 2.0 * max(ny - 1, 1) * dy_m
    mx = _mode_count(period_x, dx_m, rolloff_wavelength_m)
    my = _mode_count(period_y, dy_m, rolloff_wavelength_m)
    columns = np.arange(mx + 1)  # kx >= 0: the field is the real part of the sum
    rows = np.arange(-my, my + 1)
    kx = 2.0 * math.pi * columns[None, :] / period_x
    ky = 2.0 * math.pi * rows[:, None] / period_y
    amplitude = spectral_amplitude(kx, ky, wavelength_across_m, wavelength_along_m, azimuth_deg, hurst,
                                   rolloff_wavelength_m)
    amplitude[my, 0] = 0.0  # no mean
    # the kx = 0 column holds each real mode twice (at +ky and -ky); the other columns once
    amplitude[:, 0] *= math.sqrt(0.5)
    coefficients = amplitude * _mode_noise(seed, rows, mx + 1)

    field = _evaluate(coefficients, my, ny, nx)
    field = field - field.mean()
    rms = float(np.sqrt(np.mean(field * field)))
    if rms == 0.0:
        return np.zeros((ny, nx))
    return np.ascontiguousarray(field * (rms_height_m / rms))


def slope_statistics(field: np.ndarray, dx_m: float, dy_m: float) -> dict[str, float]:
    """Slope statistics of a height field (ny, nx) from centred differences (np.gradient).

    Returns the rms height (m), the rms of the slope magnitude |grad h| and its angle
    (deg), the 50th, 90th and 99th percentiles of the slope angle (deg), and the rms of
    dh/dx and dh/dy (east, north; their ratio measures the anisotropy).
    """
    f = np.asarray(field, dtype=float)
    gy, gx = np.gradient(f, dy_m, dx_m)
    magnitude = np.hypot(gx, gy)
    angle = np.degrees(np.arctan(magnitude))
    rms_slope = float(np.sqrt(np.mean(magnitude ** 2)))
    p50, p90, p99 = (float(v) for v in np.percentile(angle, [50, 90, 99]))
    return {"rms_height_m": float(np.sqrt(np.mean((f - f.mean()) ** 2))), "rms_slope": rms_slope,
            "rms_slope_deg": math.degrees(math.atan(rms_slope)), "p50_slope_deg": p50, "p90_slope_deg": p90,
            "p99_slope_deg": p99, "rms_dhdx": float(np.sqrt(np.mean(gx ** 2))),
            "rms_dhdy": float(np.sqrt(np.mean(gy ** 2)))}


def predicted_slope_rms(rms_height_m: float, wavelength_across_m: float, wavelength_along_m: float,
                        azimuth_deg: float, hurst: float = 0.9, rolloff_wavelength_m: float = 0.0,
                        n: int = 1024) -> tuple[float, float]:
    """The ensemble rms of dh/dx and dh/dy (east, north) of the infinite field, from its spectrum:
    <(dh/dx)^2> = rms^2 * sum kx^2 P / sum P over a wavenumber grid fine enough to resolve the
    spectral corner and wide enough to hold the roll-off (needs rolloff_wavelength_m > 0)."""
    if not rolloff_wavelength_m > 0:
        raise ValueError("the rms slope of the von Karman field without roll-off is unbounded")
    k_max = 2.0 * ROLLOFF_MODES * 2.0 * math.pi / rolloff_wavelength_m
    k_min = 2.0 * math.pi / (8.0 * max(wavelength_along_m, wavelength_across_m))
    # log-spaced radial grid (corner and roll-off may be decades apart), uniform in angle
    k = np.geomspace(k_min / 64.0, k_max, n)[:, None]
    phi = np.linspace(0.0, 2.0 * math.pi, 720, endpoint=False)[None, :]
    kx, ky = k * np.sin(phi), k * np.cos(phi)
    power = spectral_amplitude(kx, ky, wavelength_across_m, wavelength_along_m, azimuth_deg, hurst,
                               rolloff_wavelength_m) ** 2 * k * k  # k dk dphi with dk = k dlnk
    total = power.sum()
    return (rms_height_m * math.sqrt(float((power * kx * kx).sum() / total)),
            rms_height_m * math.sqrt(float((power * ky * ky).sum() / total)))


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
