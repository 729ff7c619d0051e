"""numba kernels: small pure functions on arrays. No I/O, no YAML, no exceptions inside.

interpolate -> advect -> diffuse -> settle -> seabed are per-particle functions;
`step` composes them in one parallel loop over particles; `accumulate` bins
particles onto the output grids.
"""
