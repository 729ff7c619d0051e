"""A tidal-ellipse trajectory: the time integration alone.

A neutral particle in a uniform mean flow (U, V) plus a rotary M2 tide,
u = U + A cos(w t - phi), v = V + B cos(w t - phi_v) (phi_v = phi - 90 deg: clockwise, the model's
default), follows

    x(t) = U t + (A / w) [sin(w t - phi) + sin(phi)],   y(t) = V t + (B / w) [sin(w t - phi_v) + sin(phi_v)].

No diffusion and no settling, so the only error is the RK4 integration's, which is fourth order in
dt. Error: the largest distance from the exact path over 25 h (two tidal cycles). Tolerance: 1 mm at
the default 60 s step, and an observed order of convergence between 3.5 and 4.5 (fitted over the
steps whose error is above round-off).
"""
from __future__ import annotations

import numpy as np

from plume.solver import Simulation

from ..common import (
    CaseResult,
    Timer,
    convergence_axes,
    figure,
    run_steps,
    save,
    scenario,
)

U, V, A, B, PHASE_DEG = 0.02, -0.01, 0.08, 0.05, 30.0
M2_PERIOD_S = 12.4206012 * 3600
DURATION_S = 25 * 3600.0


def exact(t):
    w = 2 * np.pi / M2_PERIOD_S
    phi, phi_v = np.radians(PHASE_DEG), np.radians(PHASE_DEG - 90.0)
    return (U * t + A / w * (np.sin(w * t - phi) + np.sin(phi)),
            V * t + B / w * (np.sin(w * t - phi_v) + np.sin(phi_v)))


def path_error(step_s: float, count: int = 1):
    sc = scenario(
        name="tidal-ellipse",
        time={"duration_h": DURATION_S / 3600, "step_s": step_s, "output_every_s": DURATION_S},
        currents={"synthetic": {"mean_u_m_s": U, "mean_v_m_s": V, "tides": [
            {"constituent": "M2", "u_amplitude_m_s": A, "v_amplitude_m_s": B, "phase_deg": PHASE_DEG}]}},
        particles={"count": count, "seed": 1},
        grid={"resolution_m": 100, "extent_m": [-10000, 10000, -10000, 10000]},
    )
    sim = Simulation(sc)
    worst = np.zeros(1)
    track = []

    def watch(s, n):
        t = (n + 1) * s.dt_s
        ex, ey = exact(t)
        p = s.particles
        d = np.hypot(p.x_m[:count] - ex, p.y_m[:count] - ey)
        worst[0] = max(worst[0], float(d.max()))
        track.append((t, float(p.x_m[0]), float(p.y_m[0])))

    run_steps(sim, watch)
    return worst[0], np.array(track)


def run(folder, reduced=False) -> CaseResult:
    res = CaseResult("tidal_ellipse", "Tidal-ellipse trajectory (time integration)", "exact",
                     "The path of a neutral particle in a mean flow plus a rotary M2 tide, against the "
                     "integrated tide.")
    steps = [60.0, 600.0, 1800.0, 3600.0] if reduced else [60.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0]
    with Timer() as timer:
        errors, tracks = {}, {}
        for dt in steps:
            errors[dt], tracks[dt] = path_error(dt)
        many, _ = path_error(600.0, count=1000)
    e = np.array([errors[dt] for dt in steps])
    fit = e > 1e-7  # above round-off of positions of hundreds of metres
    order = float(np.polyfit(np.log(np.array(steps)[fit]), np.log(e[fit]), 1)[0]) if fit.sum() >= 2 else np.nan
    res.check("largest path error at dt = 60 s (m)", errors[60.0], "0", errors[60.0], 1e-3)
    res.check("observed order of convergence", order, "4", order - 4.0, 0.5)
    res.check("1000 particles at dt = 600 s: largest error (m), same as one particle", many, f"{errors[600.0]:.3g}",
              many - errors[600.0], 1e-9)
    res.inputs = (f"U = {U}, V = {V} m/s, M2 amplitudes A = {A}, B = {B} m/s, phase {PHASE_DEG} deg (v: phase - 90), "
                  f"{DURATION_S / 3600:g} h; steps {steps} s.")
    fig, ax = figure(folder, ncols=2, width=10)
    t = np.linspace(0, DURATION_S, 600)
    ex, ey = exact(t)
    ax[0].plot(ex, ey, "k-", label="exact")
    for dt in (steps[0], steps[-1]):
        ax[0].plot(tracks[dt][:, 1], tracks[dt][:, 2], "--", label=f"plume, dt = {dt:g} s")
    ax[0].set_xlabel("x (m)")
    ax[0].set_ylabel("y (m)")
    ax[0].set_aspect("equal", adjustable="datalim")
    ax[0].legend(fontsize=7)
    convergence_axes(ax[1], steps, {"largest path error (m)": e}, tolerance=1e-3, xlabel="time step dt (s)",
                     slope=(4, e[-1] * (steps[0] / steps[-1]) ** 4))
    ax[1].set_title("error vs dt (deterministic: independent of particle count)", fontsize=9)
    res.figures.append(save(fig, folder, "tidal_ellipse.png"))
    res.notes = ("Errors: " + ", ".join(f"{dt:g} s: {errors[dt]:.2e} m" for dt in steps)
                 + ". The particle count plays no part here (no randomness): 1000 particles follow the one path "
                 "to round-off, checked above.")
    res.run_time_s = timer.seconds
    return res
