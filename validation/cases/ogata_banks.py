"""Ogata-Banks: 1-D advection-dispersion from a boundary held at C0 (Ogata & Banks 1961, USGS PP 411-A).

    C(x, t) / C0 = 1/2 [erfc((x - U t) / (2 sqrt(D t))) + exp(U x / D) erfc((x + U t) / (2 sqrt(D t)))]

for x > 0, C(x, 0) = 0 and C(0, t) = C0. By linearity C = C0 - C', where C' starts uniform (C0)
on x > 0 and vanishes at x = 0: an absorbing boundary. That is a problem particles solve directly:
particles start uniformly over 0 < x < L, drift at U, spread with Kh = D, and leave through the
model's domain edge at x = 0 (where the model removes them: an absorbing edge). Then
C / C0 = 1 - n(x) / n0. L reaches five spreading lengths beyond the compared range, so the cut at
L does not reach it.

The domain edge is checked at the end of each step, so excursions out and back within a step are
missed: an O(sqrt(dt)) error near x = 0 (as for the seabed in the first-passage case).
Error: the RMS over 10 m bins of C/C0 (model minus exact); tolerance: three times the RMS sampling
error of the bins plus 0.01.
"""
from __future__ import annotations

import numpy as np
from scipy.special import erfc, erfcx

from plume.solver import Simulation

from ..common import (
    CaseResult,
    Timer,
    active,
    convergence_axes,
    figure,
    run_steps,
    save,
    scenario,
)

U_M_S, D_M2_S, DURATION_S = 0.01, 0.1, 7200.0
X_MAX_M, BIN_M = 220.0, 10.0
L_M = X_MAX_M + 5 * np.sqrt(2 * D_M2_S * DURATION_S)


def ogata_banks(x, t, u=U_M_S, d=D_M2_S):
    s = 2.0 * np.sqrt(d * t)
    a = (x + u * t) / s
    return 0.5 * (erfc((x - u * t) / s) + np.exp(u * x / d - a * a) * erfcx(a))


def model_profile(step_s: float, count: int, seed: int = 21):
    sc = scenario(
        name="ogata-banks",
        time={"duration_h": DURATION_S / 3600, "step_s": step_s, "output_every_s": DURATION_S},
        currents={"synthetic": {"mean_u_m_s": U_M_S}},
        turbulence={"horizontal_m2_s": D_M2_S},
        sources=[{"kind": "discharge", "name": "p", "position_m": [100, 0], "height_above_bed_m": 50,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": count, "seed": seed},
        grid={"resolution_m": 20, "extent_m": [0, 800, -1000, 1000]},
    )
    sim = Simulation(sc)
    sim.release_due(0.0)
    rng = np.random.default_rng(seed)
    sim.particles.x_m[:count] = rng.uniform(0.0, L_M, count)  # C' = C0 uniform on (0, L)
    run_steps(sim)
    x = sim.particles.x_m[: sim.particles.n_released][active(sim)]
    edges = np.arange(0.0, X_MAX_M + BIN_M / 2, BIN_M)
    counts, _ = np.histogram(x, bins=edges)
    n0 = count / L_M * BIN_M
    return edges, 1.0 - counts / n0, n0


def exact_bins(edges):
    fine = np.linspace(edges[0], edges[-1], (edges.size - 1) * 50 + 1)
    values = ogata_banks(np.maximum(fine, 1e-9), DURATION_S)
    mid = 0.5 * (values[1:] + values[:-1])
    return mid.reshape(edges.size - 1, 50).mean(axis=1)


def run(folder, reduced=False) -> CaseResult:
    res = CaseResult("ogata_banks", "Ogata-Banks advection-dispersion from a boundary held at C0", "exact",
                     "Concentration profile after 2 h of advection (U) and dispersion (D) into a half-space "
                     "whose boundary is held at C0, against Ogata & Banks (1961).")
    steps = [40.0, 180.0] if reduced else [10.0, 40.0, 180.0, 720.0]  # whole divisors of the 2 h run
    count = 20000 if reduced else 100000
    res.inputs = (f"U = {U_M_S} m/s, D = Kh = {D_M2_S} m2/s, t = {DURATION_S / 3600:g} h, compared over "
                  f"0-{X_MAX_M:g} m in {BIN_M:g} m bins; {count} particles over L = {L_M:.0f} m; steps {steps} s.")
    with Timer() as timer:
        runs = {dt: model_profile(dt, count) for dt in steps}
    edges = runs[steps[0]][0]
    exact = exact_bins(edges)
    n0 = runs[steps[0]][2]
    # sampling error of 1 - n/n0 in a bin: sqrt(n) / n0 with n = n0 (1 - C/C0)
    noise = float(np.sqrt(np.mean(n0 * (1 - exact)))) / n0
    tol = 3 * noise + 0.01
    rms = [float(np.sqrt(np.mean((runs[dt][1] - exact) ** 2))) for dt in steps]
    near = [float(abs(runs[dt][1][0] - exact[0])) for dt in steps]
    res.check(f"RMS error of C/C0 over 0-{X_MAX_M:g} m (dt = {steps[0]:g} s)", rms[0], "0", rms[0], tol)
    sizes = [n for n in (2000, 5000, 20000, 100000) if n <= count]
    by_n = [float(np.sqrt(np.mean((model_profile(steps[0], n, seed=33)[1] - exact) ** 2))) for n in sizes[:-1]]
    by_n.append(rms[0])
    fig, ax = figure(folder, ncols=3, width=13.5)
    mid = 0.5 * (edges[1:] + edges[:-1])
    xs = np.linspace(0.01, X_MAX_M, 300)
    ax[0].plot(xs, ogata_banks(xs, DURATION_S), "k-", label="Ogata-Banks")
    for dt in steps:
        ax[0].plot(mid, runs[dt][1], "o", ms=3, label=f"plume, dt = {dt:g} s")
    ax[0].set_xlabel("x (m)")
    ax[0].set_ylabel("C / C0")
    ax[0].legend(fontsize=7)
    convergence_axes(ax[1], steps, {"RMS over bins": rms, "first bin (0-10 m)": near}, tolerance=tol,
                     xlabel="time step dt (s)")
    ax[1].set_title(f"error vs dt ({count} particles)", fontsize=9)
    convergence_axes(ax[2], sizes, {"RMS over bins": by_n}, tolerance=tol, xlabel="particles",
                     slope=(-0.5, by_n[0]))
    ax[2].set_title(f"error vs particle count (dt = {steps[0]:g} s)", fontsize=9)
    res.figures.append(save(fig, folder, "ogata_banks.png"))
    res.notes = "RMS error at each dt: " + ", ".join(f"{dt:g} s: {e:.4f}" for dt, e in zip(steps, rms)) + "."
    res.run_time_s = timer.seconds
    return res
