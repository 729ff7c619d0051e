"""numba kernels: small pure functions on arrays. No I/O, no YAML, no exceptions inside.

interpolate -> advect -> diffuse -> settle -> seabed are per-particle functions;
`step` composes them in one parallel loop over particles; `accumulate` bins
particles onto the output grids.
"""
from .cache import install as _cache_on_all_kernel_sources
from .compile_time import install as _shorter_compilation

_shorter_compilation()  # before any kernel compiles: numba's copy propagation without deep copies
_cache_on_all_kernel_sources()  # before any kernel is decorated: a change to any kernel source recompiles
