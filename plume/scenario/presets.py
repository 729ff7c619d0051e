"""Documented CCZ near-bed current values: what `currents.synthetic.preset: ccz` fills in.

Every value a scenario gives itself wins; the preset only fills the keys left out.

Sources, with the statistics they report for the abyssal CCZ (4,000-5,000 m):
- Munoz-Royo et al. (2022, Science Advances 8, eabn1219): ADCPs 7-10 m above the
  bed during the 2021 collector trials in the eastern CCZ (NORI-D area, about
  4,500 m): mean speeds 3.6-6.5 cm/s, at most 12 cm/s, flow toward the south to
  south-west.
- Aleynik et al. (2017, Scientific Reports 7, 16959), eastern CCZ moorings:
  near-bed flow dominated by semidiurnal (M2) tides with diurnal and
  spring-neap modulation; mean speeds of a few cm/s; passing surface eddies
  raise the abyssal kinetic energy several-fold for weeks, with peaks of
  15-20 cm/s.
- Roughness: a nodule-covered bed (nodules 3-10 cm) has a Nikuradse roughness
  k_s of a few cm; z0 = k_s / 30 (Soulsby 1997, Dynamics of Marine Sands,
  section 3.3) gives about 2 mm.

The tidal amplitudes are chosen so that, with the mean flow, the speed at the top
of the log layer has a mean of 5.7 cm/s and peaks of 10 cm/s at spring tide
(over 60 days), and semidiurnal tides carry most of the tidal variance; an eddy
episode with energy gain 4 (not in the preset: episodes depend on the dates)
lifts the peaks to 18 cm/s.
tests/test_ccz_currents.py checks these statistics.

Midwater flow (1,000-1,500 m, where return water is discharged): a weak westward mean
flow of 3 cm/s with the same (barotropic) tides, reached 1,000 m above the bed and blended
linearly from the near-bed flow upward of 200 m above the bed. This is an order of
magnitude, not a CCZ mooring record: intermediate-depth flows in the eastern tropical
North Pacific are weak (a few cm/s) and westward-tending below the North Equatorial
Current (Kessler 2006, Progress in Oceanography 69, 181-217, for the circulation above;
the PLUMEX midwater plume of Munoz-Royo et al. 2021, Communications Earth & Environment
2, 148, drifted at several cm/s). Give site data in ``midwater`` where you have it.
"""
from __future__ import annotations

CCZ_SYNTHETIC_CURRENTS: dict = {
    # toward the SSW (200 deg) at 4.5 cm/s: the ADCPs' direction, inside their range of mean speeds
    "mean_u_m_s": -0.015,
    "mean_v_m_s": -0.042,
    # semidiurnal dominant (M2 > S2 > K1 > O1); v lags u by 90 deg: clockwise rotary tides
    "tides": [
        {"constituent": "M2", "u_amplitude_m_s": 0.045, "v_amplitude_m_s": 0.035, "phase_deg": 0.0},
        {"constituent": "S2", "u_amplitude_m_s": 0.013, "v_amplitude_m_s": 0.011, "phase_deg": 30.0},
        {"constituent": "K1", "u_amplitude_m_s": 0.008, "v_amplitude_m_s": 0.008, "phase_deg": 60.0},
        {"constituent": "O1", "u_amplitude_m_s": 0.006, "v_amplitude_m_s": 0.005, "phase_deg": 120.0},
    ],
    "bottom_roughness_m": 0.002,  # nodule-covered bed, k_s / 30
    "log_layer_height_m": 10.0,  # the mean and tides above are the flow at the top of the log layer
    # weak westward flow at intermediate depths (see the module docstring: an order of magnitude)
    "midwater": {"mean_u_m_s": -0.03, "mean_v_m_s": 0.0, "from_height_m": 200.0, "to_height_m": 1000.0},
}
