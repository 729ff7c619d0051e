"""Write the figures of one run into a folder, each atomically (temporary name, then rename)."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import PlumeError
from . import figures
from .offline import use_packaged_natural_earth
from .overlays import load_overlay
from .result import check_result, check_values
from .style import RC, save_figure

FIGURES = {  # file name -> builder
    "deposit_thickness.png": figures.deposit_map,
    "ssc_max_near_bed.png": figures.ssc_map,
    "section_along_current.png": figures.section,
    "time_series.png": figures.time_series,
}
ANIMATION = "ssc_near_bed.gif"


def default_directory(result_path) -> Path:
    """Beside the result: <name>_maps/."""
    from ..output import maps_folder_name

    result_path = Path(result_path)
    return result_path.with_name(maps_folder_name(result_path))


def prepare_directory(out_dir) -> Path:
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise PlumeError(f"maps: cannot create {out_dir}: {err.strerror or err}") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise PlumeError(f"maps: cannot write to {out_dir}")
    return out_dir


def make_maps(ds, out_dir, overlays=(), progress=None) -> list[Path]:
    """Every figure of one run into `out_dir`; `overlays` are paths (GeoJSON or shapefile) or loaded layers.

    Returns the paths written. Overlays are read first, so a broken one fails before any drawing.
    """
    import matplotlib

    check_result(ds)
    check_values(ds)
    layers = [o if hasattr(o, "features") else load_overlay(o) for o in overlays]
    out_dir = prepare_directory(out_dir)
    use_packaged_natural_earth()
    written = []
    for name, build in FIGURES.items():
        fig = build(ds, layers)
        with matplotlib.rc_context(RC):
            written.append(save_figure(fig, out_dir / name))
        if progress:
            progress(written[-1])
    written.append(write_animation(ds, out_dir / ANIMATION, layers))
    if progress:
        progress(written[-1])
    return written


ANIMATION_WIDTH_PX = 1050  # large enough to read on a screen; the figure is drawn at a column's width


def write_animation(ds, path: Path, layers=(), fps: float = 4.0) -> Path:
    """A GIF of near-bed SSC, one frame per output time, about ANIMATION_WIDTH_PX pixels wide."""
    import matplotlib
    from matplotlib.animation import PillowWriter

    from ..output import written_atomically

    fig, draw, n = figures.animation_frames(ds, layers)
    writer = PillowWriter(fps=fps)
    dpi = ANIMATION_WIDTH_PX / fig.get_figwidth()
    # frames must all have one size: no tight bounding box here
    with written_atomically(path, suffix=".gif") as tmp, \
            matplotlib.rc_context({**RC, "savefig.bbox": "standard"}), writer.saving(fig, tmp, dpi):
        for i in range(n):
            draw(i)
            writer.grab_frame()
    return path
