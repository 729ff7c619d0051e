"""Well-mixed and equilibrium profiles of the vertical random walk.

1. Well-mixed condition (Thomson 1987; Visser 1997): a uniform cloud of neutral tracer in a closed
   column stays uniform whatever K(z). Tested under the default scenario's bottom boundary layer
   (configs/default.yaml: parabolic K(h) = kappa u* h (1 - h/20 m) over a 1e-4 m2/s background,
   u* from the CCZ tidal flow at every step) at the default 60 s step, in a 50 m column.
2. Settling w against constant K over a reflecting bed: the equilibrium is C ~ exp(-w z / K).
3. Settling against the parabolic K = kappa u* z (1 - z/D): the Rouse (1937) profile
   C ~ ((D - z) / z)^P, P = w / (kappa u*), whose normalised integral is the regularised incomplete
   beta function I_{z/D}(1 - P, 1 + P).

Particles start uniform (cases 2 and 3 relax to equilibrium over more than ten relaxation times).
Error: the total-variation distance between the model's and the exact fraction of particles in
each height bin, 0.5 sum |p_model - p_exact|; tolerance: the sum of three binomial standard errors
of the bins plus 0.01 for the O(dt) error of the walk and the reflections. For case 1 every bin is
held to its own tolerance, |C/C_mean - 1| <= 3 binomial standard errors + 0.03, and the reported
error is the worst bin's ratio of the two (pass when <= 1).
"""
from __future__ import annotations

import numpy as np
from scipy.special import betainc

from plume.environment.boundary_layer import VON_KARMAN
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

# case 1: the default boundary layer
BL_DEPTH_M = 50.0
BL_EDGES_M = np.array([0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0])
# case 2: exponential
EXP_DEPTH_M, EXP_W, EXP_K = 4.0, 1e-3, 1e-3
# case 3: Rouse
ROUSE_DEPTH_M, ROUSE_USTAR, ROUSE_P = 10.0, 0.01, 0.5


def column(name, depth_m, step_s, duration_h, count, turbulence, settling_m_s, currents=None, seed=7):
    changes = dict(
        name=name,
        time={"duration_h": duration_h, "step_s": step_s, "output_every_s": duration_h * 3600},
        bathymetry={"flat_depth_m": depth_m},
        turbulence=turbulence,
        sediment={"deposition": {"condition": "reflecting"},
                  "classes": [{"name": "c", "mass_fraction": 1.0, "settling_m_s": settling_m_s}]},
        sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": depth_m / 2,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": count, "seed": seed},
        grid={"resolution_m": 100, "extent_m": [-6000, 6000, -6000, 6000], "layers_above_bed_m": [0, 1, 2, 5]},
    )
    if currents is not None:
        changes["currents"] = currents
    sim = Simulation(scenario(**changes))
    sim.release_due(0.0)
    rng = np.random.default_rng(seed)
    sim.particles.z_m[:count] = -depth_m + depth_m * rng.uniform(size=count)  # start uniform
    run_steps(sim)
    p = sim.particles
    return p.z_m[: p.n_released][active(sim)] + depth_m


def bin_fractions(heights, edges):
    counts, _ = np.histogram(heights, bins=edges)
    return counts / heights.size


def tv_tolerance(p_exact, count, allowance=0.01):
    return 0.5 * float(np.sum(3 * np.sqrt(p_exact * (1 - p_exact) / count))) + allowance


def boundary_layer_run(step_s, count, duration_h):
    return column("well-mixed-bl", BL_DEPTH_M, step_s, duration_h, count,
                  {"horizontal_m2_s": 0.1, "vertical": {"profile": "boundary_layer", "thickness_m": 20,
                                                        "background_m2_s": 1e-4}},
                  0.0, currents={"synthetic": {"preset": "ccz"},
                                 "bed_stress": {"law": "log", "reference_height_m": 1.0}})


def exponential_run(step_s, count):
    return column("equilibrium-exp", EXP_DEPTH_M, step_s, 4.0, count,
                  {"vertical": {"profile": "constant", "value_m2_s": EXP_K}}, EXP_W)


def rouse_w():
    return ROUSE_P * VON_KARMAN * ROUSE_USTAR


def rouse_run(step_s, count):
    return column("equilibrium-rouse", ROUSE_DEPTH_M, step_s, 10.0, count,
                  {"vertical": {"profile": "boundary_layer", "friction_velocity_m_s": ROUSE_USTAR,
                                "thickness_m": ROUSE_DEPTH_M, "background_m2_s": 1e-7}}, rouse_w())


def exponential_cdf(z):
    a = EXP_W / EXP_K
    return (1 - np.exp(-a * z)) / (1 - np.exp(-a * EXP_DEPTH_M))


def rouse_cdf(z):
    return betainc(1 - ROUSE_P, 1 + ROUSE_P, np.clip(z / ROUSE_DEPTH_M, 0, 1))


def run(folder, reduced=False) -> CaseResult:
    res = CaseResult("well_mixed", "Well-mixed condition and equilibrium profiles (exp(-w z/K), Rouse)", "exact",
                     "A uniform tracer stays uniform under the default boundary layer at the default step; "
                     "settling against diffusion over a reflecting bed reaches exp(-w z / K) for constant K and "
                     "the Rouse profile for the parabolic K.")
    count = 10000 if reduced else 20000
    bl_hours = 6.0 if reduced else 12.0
    steps = [20.0, 60.0] if reduced else [10.0, 30.0, 120.0]
    exp_edges = np.linspace(0.0, EXP_DEPTH_M, 9)
    rouse_edges = np.array([0.0, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9.5, 10.0])
    p_exp = np.diff(exponential_cdf(exp_edges))
    p_rouse = np.diff(rouse_cdf(rouse_edges))
    with Timer() as timer:
        bl = boundary_layer_run(60.0, count, bl_hours)
        exp_runs = {dt: exponential_run(dt, count) for dt in steps}
        rouse_runs = {dt: rouse_run(dt, count) for dt in steps}
    widths = np.diff(BL_EDGES_M)
    p_uniform = widths / BL_DEPTH_M
    # each bin against its own tolerance: three binomial standard errors plus 0.03 for the O(dt) error
    bin_tol = 3 * np.sqrt(p_uniform * (1 - p_uniform) / count) / p_uniform + 0.03
    rel = bin_fractions(bl, BL_EDGES_M) / p_uniform
    worst = int(np.argmax(np.abs(rel - 1) / bin_tol))
    res.check(f"well-mixed, default boundary layer, dt = 60 s, {bl_hours:g} h: largest |C/C_mean - 1| over its bin's "
              f"tolerance (worst bin {BL_EDGES_M[worst]:g}-{BL_EDGES_M[worst + 1]:g} m: {rel[worst]:.3f})",
              float(np.abs(rel[worst] - 1) / bin_tol[worst]), "0", float(np.abs(rel[worst] - 1) / bin_tol[worst]), 1.0)
    rel_fine = None
    if not reduced:  # what was tried: the same column at a 10 s step
        rel_fine = bin_fractions(boundary_layer_run(10.0, count, bl_hours), BL_EDGES_M) / p_uniform
    tv_exp = [0.5 * float(np.sum(np.abs(bin_fractions(exp_runs[dt], exp_edges) - p_exp))) for dt in steps]
    tv_rouse = [0.5 * float(np.sum(np.abs(bin_fractions(rouse_runs[dt], rouse_edges) - p_rouse))) for dt in steps]
    tol_exp, tol_rouse = tv_tolerance(p_exp, count), tv_tolerance(p_rouse, count)
    res.check(f"exp(-w z/K) equilibrium, total-variation distance (dt = {steps[0]:g} s)", tv_exp[0], "0",
              tv_exp[0], tol_exp)
    res.check(f"Rouse equilibrium (P = {ROUSE_P}), total-variation distance (dt = {steps[0]:g} s)",
              tv_rouse[0], "0", tv_rouse[0], tol_rouse)
    res.inputs = (f"{count} particles. (1) CCZ preset currents, boundary layer 20 m over 1e-4 m2/s, u* from the "
                  f"flow, {BL_DEPTH_M:g} m column, {bl_hours:g} h at 60 s. (2) D = {EXP_DEPTH_M} m, w = {EXP_W} m/s, "
                  f"K = {EXP_K} m2/s (K/w = 1 m), 4 h. (3) D = delta = {ROUSE_DEPTH_M} m, u* = {ROUSE_USTAR} m/s, "
                  f"kappa = {VON_KARMAN}, w = {rouse_w():.2e} m/s (P = {ROUSE_P}), background K 1e-7 m2/s, 10 h. "
                  f"Steps {steps} s for (2) and (3). Every bed and the surface reflect.")
    sizes = [n for n in (2500, 5000, 10000, 20000) if n <= count]
    by_n_exp = [0.5 * float(np.sum(np.abs(bin_fractions(exponential_run(steps[0], n), exp_edges) - p_exp)))
                for n in sizes[:-1]] + [tv_exp[0]]
    fig, ax = figure(folder, ncols=4, width=17)
    mid = 0.5 * (BL_EDGES_M[1:] + BL_EDGES_M[:-1])
    ax[0].plot(rel, mid, "o-", label="plume, dt = 60 s")
    if rel_fine is not None:
        ax[0].plot(rel_fine, mid, "s--", label="plume, dt = 10 s")
    ax[0].axvline(1.0, color="k", lw=0.8, label="uniform (exact)")
    ax[0].set_xlim(0.6, 1.4)
    ax[0].set_xlabel("C / C_mean")
    ax[0].set_ylabel("height above bed (m)")
    ax[0].set_title("well-mixed, default boundary layer", fontsize=9)
    ax[0].legend(fontsize=7)
    for a, edges, p_ex, runs, title in ((ax[1], exp_edges, p_exp, exp_runs, "exp(-w z / K)"),
                                         (ax[2], rouse_edges, p_rouse, rouse_runs, f"Rouse, P = {ROUSE_P}")):
        mids = 0.5 * (edges[1:] + edges[:-1])
        dz = np.diff(edges)
        a.semilogx(p_ex / dz, mids, "k-", label="exact")
        for dt in steps:
            a.semilogx(bin_fractions(runs[dt], edges) / dz, mids, "o", ms=3, label=f"plume, dt = {dt:g} s")
        a.set_xlabel("fraction per metre")
        a.set_ylabel("height above bed (m)")
        a.set_title(title, fontsize=9)
        a.legend(fontsize=7)
    convergence_axes(ax[3], steps, {"exp: TV vs dt": tv_exp, "Rouse: TV vs dt": tv_rouse}, tolerance=tol_exp,
                     xlabel="time step dt (s)")
    ax3b = ax[3].twiny()
    ax3b.loglog(sizes, by_n_exp, "s--", color="C3", label="exp: TV vs particles")
    ax3b.set_xlabel("particles (red)")
    ax3b.legend(fontsize=7, loc="lower right")
    res.figures.append(save(fig, folder, "well_mixed.png"))
    profile = ", ".join(f"{a:g}-{b:g} m: {r:.3f}" for a, b, r in zip(BL_EDGES_M, BL_EDGES_M[1:], rel))
    res.notes = (f"Default boundary layer, C/C_mean by bin at dt = 60 s: {profile}. "
                 + ("" if rel_fine is None else "At dt = 10 s: " + ", ".join(f"{r:.3f}" for r in rel_fine) + ". ")
                 + "Total-variation distance at each dt, exp: " + ", ".join(f"{e:.4f}" for e in tv_exp)
                 + "; Rouse: " + ", ".join(f"{e:.4f}" for e in tv_rouse) + ".")
    res.run_time_s = timer.seconds
    return res
