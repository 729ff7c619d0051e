"""Figures from plume results: impact maps of one run, and comparisons of designs.

Cartopy draws from Natural Earth files shipped in the package; nothing is ever downloaded.

    make_maps(dataset, out_dir, overlays=[...])            -> list of paths (PNG figures and a GIF)
    comparison_figures(datasets, labels, out_dir, table)   -> list of paths
"""
from .comparison import comparison_figures
from .figures import animation_frames, deposit_map, section, ssc_map, time_series
from .files import ANIMATION, FIGURES, default_directory, make_maps, write_animation
from .offline import NATURAL_EARTH_DIR, use_packaged_natural_earth
from .overlays import Overlay, load_overlay
from .result import open_result

use_packaged_natural_earth()  # importing plume.maps is enough to keep cartopy offline

__all__ = ["make_maps", "comparison_figures", "open_result", "load_overlay", "Overlay", "deposit_map",
           "ssc_map", "section", "time_series", "animation_frames", "write_animation", "default_directory",
           "FIGURES", "ANIMATION", "NATURAL_EARTH_DIR", "use_packaged_natural_earth"]
