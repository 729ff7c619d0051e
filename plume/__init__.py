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
    """Open a run's NetCDF output as an xarray Dataset, with its impact metrics (plume.result)."""
    from .result import open_result as open_checked

    return open_checked(path)


# imported here, not lazily: importing the submodule later would rebind `plume.compare` to the module
from .compare import compare  # noqa: E402
from . import accessor  # noqa: E402,F401  (registers ds.plume on xarray Datasets)


__all__ = ["__version__", "load_scenario", "run", "open_result", "compare", "PlumeError", "ScenarioError",
           "InputDataError"]
