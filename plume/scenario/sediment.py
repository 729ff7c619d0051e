"""Scenario models of the released sediment: grain classes and material properties."""
import math

from typing import Literal

from pydantic import Field, model_validator

from .errors import fail, show
from .values import Text, exactly_one, StrictModel, num


class SedimentClass(StrictModel):
    """One grain class: its share of the released mass and one of: a given settling
    velocity (m/s), a grain diameter (micrometres; settling from Stokes' law) or a
    ``floc`` (settling from floc size and fractal dimension, Winterwerp 1998)."""

    class Floc(StrictModel):
        """A floc of ``size_um`` built of primary particles of ``primary_diameter_um``
        with fractal dimension ``fractal_dimension`` (3: solid; 1.7-2.3: typical muds)."""

        size_um: num(gt=0, le=100_000) = Field(description="Floc diameter; >= primary_diameter_um.")
        fractal_dimension: num(gt=1, le=3) = Field(description="Fractal dimension (3: solid; 1.7-2.3: typical muds).")
        primary_diameter_um: num(gt=0, le=10_000) = Field(
            4.0, description="Diameter of the primary particles (CCZ clay-silt primaries: a few micrometres).")

    name: Text = Field(description="Name of the class (unique).")
    mass_fraction: num(ge=0, le=1) = Field(
        description="Share of the released mass in this class; the classes sum to 1 (0: a class that only gains mass "
                    "by flocculation).")
    settling_m_s: num(ge=0, le=1) | None = Field(
        None, description="Given settling velocity; give one of settling_m_s, diameter_um or floc.")
    diameter_um: num(gt=0, le=10000) | None = Field(
        None, description="Grain diameter; settling velocity from Stokes' law.")
    floc: Floc | None = Field(
        None, description="A floc; settling velocity from floc size and fractal dimension (Winterwerp 1998).")

    @model_validator(mode="after")
    def _one_speed(self) -> "SedimentClass":
        given = [k for k in ("settling_m_s", "diameter_um", "floc") if getattr(self, k) is not None]
        if len(given) == 2:  # name just the two that clash
            raise fail(f"give either {given[0]} or {given[1]}, not both")
        exactly_one(self, "settling_m_s", "diameter_um", "floc")
        if self.floc is not None and self.floc.size_um < self.floc.primary_diameter_um:
            raise fail(f"must be >= primary_diameter_um ({show(self.floc.primary_diameter_um)}), "
                       f"got {show(self.floc.size_um)}", at=["floc", "size_um"])
        return self


class Flocculation(StrictModel):
    """Class ``from`` aggregates into the faster-settling class ``to`` at rate
    k = ``rate_per_h`` (C / ``reference_concentration_mg_l``)^``concentration_exponent`` (per hour;
    exponent 0: a constant rate). Defaults: flocs of hundreds of microns form within about an hour
    at 100 mg/L in CCZ sediment (10-135 min at 35-500 mg/L: Gillard et al. 2019, Elementa 7, 5)."""

    model_config = {**StrictModel.model_config, "populate_by_name": True}  # model_dump() round-trips

    from_class: Text = Field(alias="from", description="Class that aggregates.")
    to_class: Text = Field(alias="to", description="Faster-settling class it aggregates into.")
    rate_per_h: num(ge=0, le=3600) = Field(
        1.0, description="Rate k at the reference concentration (flocs form within about an hour at 100 mg/L in CCZ "
                         "sediment: Gillard et al. 2019).")
    reference_concentration_mg_l: num(gt=0, le=1e6) = Field(100.0, description="Concentration at which the rate is rate_per_h.")
    concentration_exponent: num(ge=0, le=4) = Field(
        1.0, description="Exponent of (C / reference) in the rate; 0: a constant rate.")


class HinderedSettling(StrictModel):
    """Richardson-Zaki hindered settling w = w0 (1 - C / C_ref)^n: ``exponent`` n (4.65 for small
    grains, Richardson & Zaki 1954) and ``reference_concentration_kg_m3`` C_ref (null: the grain
    density, i.e. the solid volume fraction; a gelling concentration of about 100 kg/m3 for flocs)."""

    exponent: num(gt=0, le=20) = Field(
        4.65, description="Richardson-Zaki exponent n (4.65 for small grains, Richardson & Zaki 1954).")
    reference_concentration_kg_m3: num(gt=0, le=3000) | None = Field(
        None, description="Reference concentration C_ref; null: the grain density (about 100 kg/m3, a gelling "
                          "concentration, suits flocs).")


class KroneDeposition(StrictModel):
    """Krone (1962, Hydraulic Engineering Laboratory, University of California, Berkeley) deposition:
    the deposition flux is scaled by 1 - tau / tau_cd below ``critical_stress_pa`` tau_cd and is 0
    above it. tau_cd of 0.05-0.1 Pa for fresh fine deposits (Winterwerp & van Kesteren 2004)."""

    critical_stress_pa: num(gt=0, le=100) = Field(description="Critical shear stress for deposition tau_cd.")


class Deposition(StrictModel):
    """The bed condition for particles that reach the seabed. ``flux`` (default): the deposition
    flux ``efficiency`` w_s C_b of sediment-transport models (times Krone's factor with ``krone``),
    a partially absorbing bed whose result does not depend on the step (plume.processes.deposition);
    ``absorbing``: every particle that reaches the bed stays (first-passage problems);
    ``reflecting``: none stays (closed columns, equilibrium profiles)."""

    condition: Literal["flux", "absorbing", "reflecting"] = Field(
        "flux", description="flux: deposition flux e w_s C_b (partially absorbing bed); absorbing: every particle that "
                            "reaches the bed stays; reflecting: none stays.")
    efficiency: num(gt=0, le=1) = Field(1.0, description="Share e of the settling flux w_s C_b that deposits.")
    krone: KroneDeposition | None = Field(None, description="Krone (1962) reduction of deposition by the bed shear "
                                                               "stress; null: off.")


class Resuspension(StrictModel):
    """Erosion of the deposit (Partheniades 1965): E = ``erosion_rate_kg_m2_s`` (tau / tau_ce - 1)
    where the bed shear stress tau exceeds ``critical_stress_pa`` (consolidated deposit; Pa) or
    ``fluff_critical_stress_pa`` (fresh deposit; null: the same). Fluff consolidates with an e-folding
    ``consolidation_time_h`` (null: never); eroded mass re-enters the water up to ``height_m``."""

    critical_stress_pa: num(gt=0, le=100) = Field(description="Critical shear stress for erosion of the "
                                                                 "consolidated deposit.")
    fluff_critical_stress_pa: num(gt=0, le=100) | None = Field(
        None, description="Critical shear stress of fresh (fluff) deposit; null: as consolidated.")
    consolidation_time_h: num(gt=0, le=87_600) | None = Field(
        None, description="e-folding time of fluff becoming consolidated; null: never.")
    erosion_rate_kg_m2_s: num(gt=0, le=1) = Field(
        1.0e-4, description="Erosion rate M of E = M (tau / tau_ce - 1) (1e-5 to 1e-3 for muds, Winterwerp & van "
                            "Kesteren 2004).")
    height_m: num(gt=0, le=100) = Field(0.1, description="Eroded mass re-enters the water up to this height above "
                                                          "the bed.")


class DelayedSinking(StrictModel):
    """Class ``class`` sinks at an extra ``speed_m_s`` (m/s, down) once its particles are ``after_h``
    hours old (plume.processes.delayed_sinking)."""

    model_config = {**StrictModel.model_config, "populate_by_name": True}

    class_name: Text = Field(alias="class", description="Name of the class that sinks.")
    after_h: num(ge=0, le=87_600) = Field(description="Age (hours since release) at which it starts sinking.")
    speed_m_s: num(gt=0, le=1) = Field(description="Extra sinking speed, downward.")


# keys of earlier versions, and the block that replaced each (the message names the new form)
MOVED_SEDIMENT_KEYS = {
    "deposition_probability": "deposition: {efficiency: P}",
    "critical_deposition_stress_pa": "deposition: {krone: {critical_stress_pa: TAU}}",
    "critical_shear_stress_pa": "resuspension: {critical_stress_pa: TAU}",
    "fluff_critical_shear_stress_pa": "resuspension: {fluff_critical_stress_pa: TAU}",
    "consolidation_time_h": "resuspension: {consolidation_time_h: HOURS}",
    "erosion_rate_kg_m2_s": "resuspension: {erosion_rate_kg_m2_s: M}",
    "resuspension_height_m": "resuspension: {height_m: H}",
}


class SedimentSpec(StrictModel):
    """Grains, water and deposit properties (kg/m3, Pa s), the sediment classes, and the seabed's
    response: ``deposition`` (the bed condition) and, when given, ``resuspension``."""

    grain_density_kg_m3: num(gt=0, le=25_000) = Field(2650.0, description="Density of the mineral grains.")
    deposit_dry_density_kg_m3: num(ge=0.01, le=3000) = Field(
        300.0, description="Dry density of the deposit, for converting deposited mass to thickness (fluff 50-300, "
                           "consolidated mud to 1500).")
    water_density_kg_m3: num(gt=0, le=1200) = Field(1045.0, description="In-situ density of the water near the CCZ "
                                                                         "seabed.")
    water_viscosity_pa_s: num(gt=0, le=1) = Field(
        1.8e-3, description="Dynamic viscosity of the water (seawater at about 1.5 degC).")
    deposition: Deposition = Field(Deposition(), description="The bed condition for particles that reach the seabed.")
    resuspension: Resuspension | None = Field(None, description="Erosion of the deposit by the flow; null: none.")
    flocculation: list[Flocculation] = Field([], description="Aggregation rules from one class into another.")
    delayed_sinking: list[DelayedSinking] = Field(
        [], description="Classes that sink at an extra speed after a delay (plume.processes.delayed_sinking).")
    hindered_settling: HinderedSettling | None = Field(
        None, description="Richardson-Zaki hindered settling at high concentration; null: off.")
    classes: list[SedimentClass] = Field(min_length=1, description="The grain classes (at least one).")

    @model_validator(mode="before")
    @classmethod
    def _moved_keys(cls, data):
        if isinstance(data, dict):
            for key, new_form in MOVED_SEDIMENT_KEYS.items():
                if key in data:
                    raise fail(f"this key moved into a block; write {new_form}", at=[key])
        return data

    @model_validator(mode="after")
    def _flocculation_rules(self) -> "SedimentSpec":
        names = [c.name for c in self.classes]
        for i, rule in enumerate(self.delayed_sinking):
            if rule.class_name not in names:
                raise fail(f"no sediment class named {show(rule.class_name)} (classes: {', '.join(names)})",
                           at=["delayed_sinking", i, "class"])
        source_of: dict[str, str] = {}
        for i, rule in enumerate(self.flocculation):
            for key, value in (("from", rule.from_class), ("to", rule.to_class)):
                if value not in names:
                    raise fail(f"no sediment class named {show(value)} (classes: {', '.join(names)})",
                               at=["flocculation", i, key])
            if rule.from_class == rule.to_class:
                raise fail(f"a class cannot flocculate into itself, got {show(rule.to_class)}",
                           at=["flocculation", i, "to"])
            if rule.from_class in source_of:
                raise fail(f"class {show(rule.from_class)} already flocculates into "
                           f"{show(source_of[rule.from_class])}", at=["flocculation", i, "from"])
            source_of[rule.from_class] = rule.to_class
        for start in source_of:  # a cycle would shuttle mass between classes forever
            seen, name = {start}, start
            while name in source_of:
                name = source_of[name]
                if name in seen:
                    raise fail(f"flocculation goes round in a cycle through {show(start)}", at=["flocculation"])
                seen.add(name)
        return self

    @model_validator(mode="after")
    def _classes(self) -> "SedimentSpec":
        seen: set[str] = set()
        for i, c in enumerate(self.classes):
            if c.name in seen:
                raise fail(f"duplicate class name {show(c.name)}", at=["classes", i, "name"])
            seen.add(c.name)
        total = math.fsum(c.mass_fraction for c in self.classes)
        if abs(total - 1.0) > 1e-6:
            raise fail(f"mass_fraction values must sum to 1, got {total:.9g}", at=["classes"])
        if any(c.diameter_um is not None for c in self.classes) and \
                self.grain_density_kg_m3 <= self.water_density_kg_m3:
            raise fail(f"must be > water_density_kg_m3 ({show(self.water_density_kg_m3)}) when a class "
                       f"gives diameter_um, got {show(self.grain_density_kg_m3)}", at=["grain_density_kg_m3"])
        return self
