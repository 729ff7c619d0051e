"""Natural Earth shapefiles shipped inside the package, so that no map ever downloads anything.

cartopy looks in ``pre_existing_data_dir`` before its download folder; the files under
``plume/data/natural_earth`` keep cartopy's own layout (``shapefiles/natural_earth/physical``).
Provenance: plume/data/natural_earth/PROVENANCE.md.
"""
from __future__ import annotations

from pathlib import Path

NATURAL_EARTH_DIR = Path(__file__).resolve().parents[1] / "data" / "natural_earth"
SCALES = ("110m", "50m")  # the only scales shipped; cartopy's "auto" could ask for 10m


def use_packaged_natural_earth() -> None:
    """Point cartopy at the shipped shapefiles (call before any drawing)."""
    import cartopy

    cartopy.config["pre_existing_data_dir"] = NATURAL_EARTH_DIR


def natural_earth(name: str, scale: str):
    """A cartopy feature from the shipped physical shapefiles ('coastline' or 'land')."""
    import cartopy.feature as cfeature

    if scale not in SCALES:
        raise ValueError(f"Natural Earth scale {scale!r} is not shipped; use one of {SCALES}")
    use_packaged_natural_earth()
    style = {"land": dict(facecolor="0.85", edgecolor="none"),
             "coastline": dict(facecolor="none", edgecolor="0.3", linewidth=0.4)}[name]
    return cfeature.NaturalEarthFeature("physical", name, scale, **style)


def scale_for_span(span_deg: float) -> str:
    """Coarser coastlines for wide maps: 110m beyond 30 degrees, else 50m."""
    return "110m" if span_deg > 30 else "50m"
