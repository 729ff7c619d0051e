"""Scenario models of the released sediment: grain classes and material properties."""
import math

from pydantic import Field, field_validator, model_validator

from .errors import fail, show
from .values import Text, _exactly_one, _Model, num


class SedimentClass(_Model):
    """One grain class: its share of the released mass and either a given settling
    velocity (m/s) or a grain diameter (micrometres; settling from Stokes' law)."""

    name: Text
    mass_fraction: num(gt=0, le=1)
    settling_m_s: num(ge=0, le=1) | None = None
    diameter_um: num(gt=0, le=10000) | None = None

    @model_validator(mode="after")
    def _one_speed(self) -> "SedimentClass":
        _exactly_one(self, "settling_m_s", "diameter_um")
        return self


class SedimentSpec(_Model):
    """Grains, water and deposit properties (kg/m3, Pa s) and the sediment classes."""

    grain_density_kg_m3: num(gt=0) = 2650.0
    deposit_dry_density_kg_m3: num(gt=0) = 300.0
    water_density_kg_m3: num(gt=0) = 1045.0  # in-situ density near the CCZ seabed
    water_viscosity_pa_s: num(gt=0) = 1.8e-3  # seawater at about 1.5 degC
    critical_shear_stress_pa: num(gt=0) | None = None
    deposition_probability: num(ge=0, le=1) = 1.0  # else a particle reaching the bed is reflected
    classes: list[SedimentClass] = Field(min_length=1)

    @field_validator("critical_shear_stress_pa")
    @classmethod
    def _no_resuspension_yet(cls, v: float | None) -> None:
        if v is not None:
            raise fail("resuspension is not available yet; use null", with_value=True)
        return None

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
