"""The PLUMEX midwater discharge test (Munoz-Royo et al. 2021, Communications Earth & Environment 2, 148).

Published (the reference): sediment-laden water discharged in midwater was diluted about 80 times
30 m from the outlet, and 280 to 2,700 times 500 m away, reached after about 2 hours with the
observed drift of about 0.07 m/s and horizontal diffusivity of about 0.1 m2/s.

The model starts from the observed state at 30 m: a plume cross-section with a dilution of 80.
Its size is assumed: the radius of a pure jet 30 m from its outlet, b = 2 alpha s = 6 m with the
top-hat alpha = 0.1 of plume.midwater, taken as a Gaussian of the same area (sigma_0 = b / sqrt 2).
Known: Kh = 0.1 m2/s, drift 0.07 m/s. Assumed: vertical diffusivity 1e-5 m2/s (a stratified upper
ocean), settling 1e-5 m/s (fine particles; it does not change the spreading).

Particles start on that Gaussian cross-section at the 30 m point and are carried 470 m downstream
by the model. In a steady, slender plume the centreline concentration is (mass flux / U) /
(2 pi sigma_y sigma_z), so the dilution grows as the cross-section does:
S(500 m) = 80 sigma_y sigma_z / sigma_0^2, with sigma_y, sigma_z the particles' spread after the
travel time 470 m / U. Check: S(500 m) within the observed 280-2,700; the sensitivity to the assumed
sigma_0 is reported.
"""
from __future__ import annotations

import numpy as np

from plume.solver import Simulation

from ..common import (
    CaseResult,
    Timer,
    active,
    band_check,
    figure,
    run_steps,
    save,
    scenario,
)

S30, S_LOW, S_HIGH = 80.0, 280.0, 2700.0
U_M_S, KH_M2_S, KZ_M2_S, W_M_S = 0.07, 0.1, 1e-5, 1e-5
DISTANCE_M = 500.0 - 30.0
ALPHA = 0.1
SIGMA0_M = 2 * ALPHA * 30.0 / np.sqrt(2.0)
DEPTH_M = 60.0  # outlet depth assumed; the sea floor (4,000 m) plays no part


def spread(count, sigma0, step_s=60.0, seed=13):
    travel_s = DISTANCE_M / U_M_S
    sc = scenario(
        name="plumex-2021",
        time={"duration_h": travel_s / 3600, "step_s": travel_s / round(travel_s / step_s),
              "output_every_s": travel_s / round(travel_s / step_s) * round(travel_s / step_s)},
        bathymetry={"flat_depth_m": 4000},
        currents={"synthetic": {"mean_u_m_s": U_M_S}},
        turbulence={"horizontal_m2_s": KH_M2_S, "vertical": {"profile": "constant", "value_m2_s": KZ_M2_S}},
        sediment={"classes": [{"name": "fine", "mass_fraction": 1.0, "settling_m_s": W_M_S}]},
        sources=[{"kind": "discharge", "name": "plumex", "position_m": [0, 0], "depth_m": DEPTH_M,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": count, "seed": seed},
        grid={"resolution_m": 20, "extent_m": [-500, 1500, -1000, 1000], "layers_above_bed_m": [0, 1]},
    )
    sim = Simulation(sc)
    sim.release_due(0.0)
    rng = np.random.default_rng(seed)
    p = sim.particles
    p.y_m[:count] = sigma0 * rng.standard_normal(count)
    p.z_m[:count] = -DEPTH_M + sigma0 * rng.standard_normal(count)
    run_steps(sim)
    live = active(sim)
    return p.x_m[: p.n_released][live], p.y_m[: p.n_released][live], p.z_m[: p.n_released][live]


def run(folder, reduced=False) -> CaseResult:
    res = CaseResult("plumex_2021", "PLUMEX midwater discharge (Munoz-Royo et al. 2021)", "field",
                     "Dilution 500 m from a midwater discharge, starting from the observed dilution of 80 at 30 m, "
                     "against the observed 280-2,700.")
    count = 5000 if reduced else 40000
    with Timer() as timer:
        x, y, z = spread(count, SIGMA0_M)
        sensitivity = {s: spread(count // 4, s, seed=17) for s in (SIGMA0_M / 2, SIGMA0_M * 2)}
    sy, sz = y.std(), z.std()
    dilution = S30 * sy * sz / SIGMA0_M ** 2
    travel = DISTANCE_M / U_M_S
    exact_sy = np.sqrt(SIGMA0_M ** 2 + 2 * KH_M2_S * travel)
    band_check(res, "dilution 500 m from the outlet", dilution, S_LOW, S_HIGH)
    res.check("plume centre after the travel time (m from the 30 m point)", x.mean(), f"{DISTANCE_M:g}",
              (x.mean() - DISTANCE_M) / DISTANCE_M, 0.01)
    res.check("lateral spread sigma_y (m) vs sqrt(sigma_0^2 + 2 Kh t)", sy, f"{exact_sy:.1f}",
              (sy - exact_sy) / exact_sy, 3 * np.sqrt(0.5 / count) + 0.01)
    others = {s: S30 * v[1].std() * v[2].std() / s ** 2 for s, v in sensitivity.items()}
    res.inputs = (f"Start: dilution {S30:g} at 30 m, Gaussian cross-section sigma_0 = {SIGMA0_M:.2f} m (jet radius "
                  f"2 alpha s, alpha = {ALPHA}); drift {U_M_S} m/s, Kh = {KH_M2_S} m2/s, Kz = {KZ_M2_S} m2/s "
                  f"(assumed), travel {travel / 3600:.2f} h; {count} particles, dt about 60 s.")
    res.notes = (f"sigma_y = {sy:.1f} m, sigma_z = {sz:.2f} m after {travel / 3600:.2f} h: dilution {dilution:.0f}. "
                 "Sensitivity to the assumed starting size: "
                 + ", ".join(f"sigma_0 = {s:.1f} m: {v:.0f}" for s, v in others.items())
                 + ". The band holds for sigma_0 between about 1 and 10 m; the check rests on Kh and on that "
                 "assumption, not on the jet model.")
    fig, ax = figure(folder, ncols=2, width=10)
    ax[0].scatter(y[::4], z[::4] + DEPTH_M, s=1, alpha=0.4)
    ax[0].set_xlabel("y across the plume (m)")
    ax[0].set_ylabel("z - outlet depth (m)")
    ax[0].set_title(f"cross-section at 500 m: sigma_y {sy:.0f} m, sigma_z {sz:.1f} m", fontsize=9)
    sig = np.array([SIGMA0_M / 2, SIGMA0_M, SIGMA0_M * 2])
    dil = np.array([others[sig[0]], dilution, others[sig[2]]])
    ax[1].loglog(sig, dil, "o-", label="plume: dilution at 500 m")
    ax[1].axhspan(S_LOW, S_HIGH, color="g", alpha=0.15, label="observed 280-2,700")
    ax[1].set_xlabel("assumed sigma_0 at 30 m (m)")
    ax[1].set_ylabel("dilution")
    ax[1].legend(fontsize=7)
    res.figures.append(save(fig, folder, "plumex_2021.png"))
    res.run_time_s = timer.seconds
    return res
