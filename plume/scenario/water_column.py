"""Scenario model of the water column's stratification: a potential-density profile."""
from pydantic import Field, model_validator

from .errors import fail, show
from .values import is_increasing, StrictModel, num

# Default: an eastern-CCZ profile (near 10.4 N, 116.9 W). Rounded temperature and salinity
# typical of the World Ocean Atlas annual climatology of the eastern tropical North Pacific
# were converted with TEOS-10 (gsw) to the buoyancy frequency N, and N^2 was integrated down
# from the surface density (rho(z) = rho(0) + int rho_0 N^2 / g dz): the profile is
# therefore a potential density whose gradient gives N, about 2e-3 s-1 at 1000-1500 m,
# 1e-3 s-1 near 2500 m and less than 5e-4 s-1 in the bottom few hundred metres.
# These are representative values, not a download: use a local CTD cast where you have one.
CCZ_DEPTH_M = [0.0, 50.0, 100.0, 150.0, 200.0, 300.0, 400.0, 500.0, 750.0, 1000.0, 1250.0, 1500.0,
               2000.0, 2500.0, 3000.0, 3500.0, 4000.0, 4500.0, 6000.0]
CCZ_DENSITY_KG_M3 = [1021.731, 1022.963, 1025.749, 1026.311, 1026.466, 1026.703, 1026.903, 1027.049,
                     1027.324, 1027.486, 1027.631, 1027.728, 1027.871, 1027.941, 1027.985, 1028.016,
                     1028.034, 1028.043, 1028.045]


class WaterColumn(StrictModel):
    """Stratification as potential density (kg/m3) at depths (m below the surface, increasing).

    Potential density, not in-situ density: buoyancy comes from its vertical gradient
    (N^2 = g / rho * d rho / d depth); in-situ density also grows with pressure, which does
    not make water buoyant. Between depths the density is linear; above the first and below
    the last depth it is held constant. The profile must be stable (density never falling
    with depth). The default is an eastern-CCZ profile (see ``CCZ_DEPTH_M``).
    """

    depth_m: list[num(ge=0, le=12000)] = Field(
        default_factory=lambda: list(CCZ_DEPTH_M), min_length=2,
        description="Depths of the profile, below the surface (increasing).")
    density_kg_m3: list[num(gt=900, lt=1200)] = Field(
        default_factory=lambda: list(CCZ_DENSITY_KG_M3), min_length=2,
        description="Potential density at each depth (never falling with depth); default: an eastern-CCZ profile "
                    "from World Ocean Atlas climatology via TEOS-10.")

    @model_validator(mode="after")
    def _stable(self) -> "WaterColumn":
        if len(self.density_kg_m3) != len(self.depth_m):
            raise fail(f"must have one value per depth_m ({len(self.depth_m)}), got {len(self.density_kg_m3)}",
                       at=["density_kg_m3"])
        if not is_increasing(self.depth_m):
            raise fail(f"must be strictly increasing, got {show(self.depth_m)}", at=["depth_m"])
        for i, (a, b) in enumerate(zip(self.density_kg_m3, self.density_kg_m3[1:])):
            if b < a:
                raise fail(f"must not decrease with depth (an unstable column): {show(b)} at "
                           f"{show(self.depth_m[i + 1])} m is below {show(a)} at {show(self.depth_m[i])} m",
                           at=["density_kg_m3"])
        return self
