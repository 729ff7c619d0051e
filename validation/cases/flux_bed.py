"""The seabed as a flux (partially absorbing) condition, against a finite-volume solution.

The same column as the first-passage case, closed by the sea surface 5 m above the bed, with the
seabed taking the settling flux w_s C_b of the water touching it and no diffusive flux into it
(validation/finite_volume.py). The model is run with the scenario's default seabed rule, which is
the rule under test: DESIGN.md section 7 asks for the flux condition by default, with the fully
absorbing bed as an explicit option. The finite-volume solution of the absorbing bed is drawn too,
so the report shows which rule the model follows today.

Error: the largest difference over the output times between the model's deposited fraction and
the finite-volume one. Tolerance: three binomial standard errors at the worst time plus 0.01 for
the O(dt) error of the particle scheme at the finest step.
"""
from __future__ import annotations

import numpy as np

from plume.solver import run as run_model

from ..common import CaseResult, Timer, convergence_axes, figure, save, scenario
from ..finite_volume import deposited_fraction

DEPTH_M, H_M, W_M_S, K_M2_S = 5.0, 1.0, 1e-3, 1e-4
DURATION_S, OUTPUT_S = 34 * 320.0, 320.0  # whole multiples of every step tried (1-64 s)
CELLS = 400


def model_fraction(step_s: float, count: int, seed: int = 3):
    sc = scenario(
        name="flux-bed",
        time={"duration_h": DURATION_S / 3600, "step_s": step_s, "output_every_s": OUTPUT_S},
        bathymetry={"flat_depth_m": DEPTH_M},
        turbulence={"vertical": {"profile": "constant", "value_m2_s": K_M2_S}},
        sediment={"classes": [{"name": "silt", "mass_fraction": 1.0, "settling_m_s": W_M_S}]},
        sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": H_M,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": count, "seed": seed},
    )
    ds = run_model(sc, write=False).dataset
    return (ds.mass_deposited / ds.mass_released).values


def run(folder, reduced=False) -> CaseResult:
    res = CaseResult("flux_bed", "Flux (partially absorbing) seabed against a finite-volume solution", "exact",
                     "Fraction of a release deposited over time in a closed 5 m column with settling and "
                     "diffusion, the seabed taking w_s C_b, against a finite-volume solution of the same "
                     "problem (matrix-exponential in time, so exact in time).")
    steps = [4.0, 16.0, 64.0] if reduced else [1.0, 4.0, 16.0, 64.0]
    count = 5000 if reduced else 20000
    times = np.arange(0.0, DURATION_S + 1.0, OUTPUT_S)
    with Timer() as timer:
        flux = deposited_fraction(times, DEPTH_M, H_M, W_M_S, K_M2_S, "flux", CELLS)
        flux_coarse = deposited_fraction(times, DEPTH_M, H_M, W_M_S, K_M2_S, "flux", CELLS // 2)
        absorbing = deposited_fraction(times, DEPTH_M, H_M, W_M_S, K_M2_S, "absorbing", CELLS)
        model = {dt: model_fraction(dt, count) for dt in steps}
    res.inputs = (f"Column {DEPTH_M} m deep (surface reflecting), release {H_M} m above the bed, w = {W_M_S} m/s, "
                  f"K = {K_M2_S} m2/s, {count} particles, steps {steps} s, outputs every {OUTPUT_S:g} s for "
                  f"{DURATION_S / 3600:g} h; finite volumes: {CELLS} cells (grid check at {CELLS // 2}: largest "
                  f"difference {np.max(np.abs(flux - flux_coarse)):.1e}).")
    err_flux = [np.max(np.abs(model[dt] - flux)) for dt in steps]
    err_abs = [np.max(np.abs(model[dt] - absorbing)) for dt in steps]
    finest = steps[0]
    sigma = np.sqrt(np.maximum(flux * (1 - flux), 1e-12) / count)
    tol = 3 * float(np.max(sigma)) + 0.01
    res.check(f"max |deposited fraction - FV flux bed| (dt = {finest:g} s)", err_flux[0], "0", err_flux[0], tol)
    res.check("finite-volume grid check (400 vs 200 cells)", np.max(np.abs(flux - flux_coarse)), "0",
              np.max(np.abs(flux - flux_coarse)), 1e-3)
    # convergence with particle count: the particles' mean at the time of the largest spread
    sizes = [c for c in (1000, 2000, 5000, 10000, 20000) if c <= count]
    by_n = [np.max(np.abs(model_fraction(finest, n, seed=5) - flux)) for n in sizes[:-1]] + [err_flux[0]]
    fig, ax = figure(folder, ncols=3, width=13.5)
    ax[0].plot(times / 3600, flux, "k-", label="finite volume, flux bed (w C_b)")
    ax[0].plot(times / 3600, absorbing, "k:", label="finite volume, absorbing bed")
    for dt in steps:
        ax[0].plot(times / 3600, model[dt], "--", label=f"plume, dt = {dt:g} s")
    ax[0].set_xlabel("time (h)")
    ax[0].set_ylabel("fraction deposited")
    ax[0].legend(fontsize=7)
    convergence_axes(ax[1], steps, {"vs flux-bed FV": err_flux, "vs absorbing FV": err_abs}, tolerance=tol,
                     xlabel="time step dt (s)")
    ax[1].set_title(f"max error vs dt ({count} particles)", fontsize=9)
    convergence_axes(ax[2], sizes, {"vs flux-bed FV": by_n}, tolerance=tol, xlabel="particles",
                     slope=(-0.5, by_n[0]))
    ax[2].set_title(f"max error vs particle count (dt = {finest:g} s)", fontsize=9)
    res.figures.append(save(fig, folder, "flux_bed.png"))
    follows = "absorbing" if err_abs[0] < err_flux[0] else "flux"
    res.notes = (f"At dt = {finest:g} s the model is {err_flux[0]:.3f} from the flux-bed solution and "
                 f"{err_abs[0]:.3f} from the absorbing-bed one: today it follows the **{follows}** bed. "
                 "This case is the acceptance test of the flux-condition seabed rule (DESIGN.md section 7); "
                 "re-run it after that rule lands. Tolerance not changed.")
    res.run_time_s = timer.seconds
    return res
