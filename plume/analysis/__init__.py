"""Impact metrics from a run's accumulated fields: areas, distances, exposure, mass fractions.

``fields``: pure numpy functions; ``geometry``: source geometry and distances
to it; ``metrics``: the metric variables of a result Dataset; ``table``: the
same as one flat row of named numbers (metrics files, comparison table).
"""
from .fields import area_at_or_above, exceedance_time, exposure, mass_within, max_distance
from .geometry import distance_field, distance_to_segments, distance_to_sources, source_geometry
from .metrics import DEFAULT_DISTANCES_M, METRICS, add_metrics, metrics_dataset
from .table import Metric, metric_rows

__all__ = [
    "area_at_or_above", "exceedance_time", "exposure", "mass_within", "max_distance",
    "distance_field", "distance_to_segments", "distance_to_sources", "source_geometry",
    "DEFAULT_DISTANCES_M", "METRICS", "add_metrics", "metrics_dataset", "Metric", "metric_rows",
]
