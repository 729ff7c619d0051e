"""plume: Lagrangian model of deep-sea mining sediment plumes in the Clarion-Clipperton Zone.

scenario -> environment -> sources -> particles -> kernels -> accumulators -> output
"""
__version__ = "0.1.0"

from .errors import InputDataError, PlumeError, ScenarioError  # noqa: E402


def load_scenario(path):
    """Read and validate a scenario YAML file (raises ScenarioError with one clear line)."""
    from .scenario import load_scenario as _load

    return _load(path)


def run(scenario, **kwargs):
    """Run a scenario (a Scenario or a path to its YAML); see plume.solver.run."""
    from .solver import run as _run

    if not hasattr(scenario, "sources"):
        scenario = load_scenario(scenario)
    return _run(scenario, **kwargs)


def open_result(path):
    """Open a run's NetCDF output as an xarray Dataset, with its impact metrics.

    Files written before the metrics existed get them computed on opening (from the fields; the distance
    metrics need the source geometry variables and are NaN without them).
    """
    import xarray as xr

    from .analysis import add_metrics

    ds = xr.open_dataset(path)
    if "ssc_exposure" not in ds.variables and "ssc" in ds.variables:
        ds = add_metrics(ds)
    return ds


# imported here, not lazily: importing the submodule later would rebind `plume.compare` to the module
from .compare import compare  # noqa: E402
from . import accessor  # noqa: E402,F401  (registers ds.plume on xarray Datasets)


__all__ = ["__version__", "load_scenario", "run", "open_result", "compare", "PlumeError", "ScenarioError",
           "InputDataError"]
