"""Values inside their physical range that look like a unit slip: a warning that names the likely unit.

The hard ranges (the ``num(ge=, le=)`` of every key, listed in docs/scenario_ranges.md) refuse what
cannot be physical. Between the typical values and those limits lie the values that a habit from
another unit system produces: a dry density of 0.3 (g/cm3), a grain diameter of 2e-5 (metres in a
micrometre key), a settling speed of 0.1 (mm/s in an m/s key), a concentration of 500 kg/m3 (mg/L).
Those still run (a user may mean them), but each gets one warning line naming the key and the unit.
"""
from __future__ import annotations

from .errors import show

# (bound, typical range and source) of each check; the warning text says what the value would be in
# the unit that was probably meant.
DRY_DENSITY_MIN_KG_M3 = 10.0  # deposits: fluff 50-300, consolidated mud to 1500 kg/m3 (Winterwerp & van Kesteren 2004)
GRAIN_DENSITY_MIN_KG_M3 = 500.0  # minerals: 2000-5000 kg/m3; CCZ clays about 2650
WATER_DENSITY_MIN_KG_M3 = 900.0  # sea water: 1020-1050 kg/m3
DIAMETER_MIN_UM = 0.1  # clay platelets are 0.1-2 um; smaller is a molecule, not a grain
SETTLING_MAX_M_S = 0.05  # 0.05 m/s is a 0.5 mm sand grain (Soulsby 1997); CCZ fines settle at 1e-5 to 1e-3 m/s
CONCENTRATION_MAX_KG_M3 = 100.0  # 100 kg/m3 is 100 g/L, a slurry; discharges carry 0.1-10 kg/m3
VISCOSITY_MAX_PA_S = 0.01  # sea water 1.0e-3 to 1.9e-3 Pa s


def _sediment(scenario) -> list[str]:
    sed = scenario.sediment
    out = []
    if sed.deposit_dry_density_kg_m3 < DRY_DENSITY_MIN_KG_M3:
        v = sed.deposit_dry_density_kg_m3
        out.append(f"sediment.deposit_dry_density_kg_m3: {show(v)} kg/m3 is lighter than air; if that was g/cm3, "
                   f"write {show(v * 1000)} (kg/m3)")
    if sed.grain_density_kg_m3 < GRAIN_DENSITY_MIN_KG_M3:
        v = sed.grain_density_kg_m3
        out.append(f"sediment.grain_density_kg_m3: {show(v)} kg/m3 is lighter than any mineral; if that was g/cm3, "
                   f"write {show(v * 1000)} (kg/m3)")
    if sed.water_density_kg_m3 < WATER_DENSITY_MIN_KG_M3:
        v = sed.water_density_kg_m3
        out.append(f"sediment.water_density_kg_m3: {show(v)} kg/m3 is not sea water; if that was g/cm3, "
                   f"write {show(v * 1000)} (kg/m3)")
    if sed.water_viscosity_pa_s > VISCOSITY_MAX_PA_S:
        v = sed.water_viscosity_pa_s
        out.append(f"sediment.water_viscosity_pa_s: {show(v)} Pa s is ten times sea water's; if that was mPa s "
                   f"(centipoise), write {show(v / 1000)} (Pa s)")
    hindered = sed.hindered_settling
    if hindered is not None and hindered.reference_concentration_kg_m3 is not None \
            and hindered.reference_concentration_kg_m3 < 1.0:
        v = hindered.reference_concentration_kg_m3
        out.append(f"sediment.hindered_settling.reference_concentration_kg_m3: {show(v)} kg/m3 hinders settling "
                   f"at dilute concentrations; if that was g/cm3, write {show(v * 1000)} (kg/m3)")
    for i, c in enumerate(sed.classes):
        at = f"sediment.classes[{i}]"
        if c.diameter_um is not None and c.diameter_um < DIAMETER_MIN_UM:
            out.append(f"{at}.diameter_um: {show(c.diameter_um)} um is smaller than a clay platelet; if that was "
                       f"metres, write {show(c.diameter_um * 1e6)} (um); if millimetres, {show(c.diameter_um * 1e3)}")
        if c.settling_m_s is not None and c.settling_m_s > SETTLING_MAX_M_S:
            out.append(f"{at}.settling_m_s: {show(c.settling_m_s)} m/s is the settling speed of sand or gravel; "
                       f"if that was mm/s, write {show(c.settling_m_s / 1000)} (m/s)")
    return out


def _sources(scenario) -> list[str]:
    out = []
    for i, s in enumerate(scenario.sources):
        near_field = getattr(s, "near_field", None)
        c = getattr(near_field, "discharge_concentration_kg_m3", None)
        if c is not None and c > CONCENTRATION_MAX_KG_M3:
            out.append(f"sources[{i}].near_field.discharge_concentration_kg_m3: {show(c)} kg/m3 is a slurry; "
                       f"if that was mg/L (g/m3), write {show(c / 1000)} (kg/m3)")
    return out


def unit_slip_warnings(scenario) -> list[str]:
    """One line per value that looks like a unit slip (empty when none does)."""
    return _sediment(scenario) + _sources(scenario)


def numeric_ranges(model=None, prefix: str = "") -> dict[str, tuple[float | None, float | None]]:
    """Every numeric key of the scenario (dotted path; ``[]`` for list items) -> (lowest, highest) value
    accepted, from the models' bounds: the table of docs/scenario_ranges.md."""
    import typing

    from annotated_types import Interval
    from pydantic import BaseModel

    from .model import Scenario

    model = Scenario if model is None else model
    out: dict[str, tuple[float | None, float | None]] = {}

    def visit(path: str, annotation, metadata=()) -> None:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            base, *extra = typing.get_args(annotation)
            visit(path, base, (*metadata, *extra))
            return
        intervals = [m for m in metadata if isinstance(m, Interval)]
        if annotation in (int, float) and intervals:
            i = intervals[0]
            low = i.ge if i.ge is not None else i.gt
            high = i.le if i.le is not None else i.lt
            out[path] = (low, high)
            return
        if annotation in (int, float):
            out[path] = (None, None)
            return
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if path.count(".") > 6:
                return
            for name, field in annotation.model_fields.items():
                visit(f"{path}.{field.alias or name}" if path else (field.alias or name), field.annotation,
                      tuple(field.metadata))
            return
        args = typing.get_args(annotation)
        if origin in (list, tuple):
            for a in args:
                if a is not Ellipsis:
                    visit(f"{path}[]", a)
            return
        for a in args:  # Union / Optional / Literal members
            if a is not type(None) and not isinstance(a, str):
                visit(path, a, metadata)

    visit(prefix, model)
    return out
