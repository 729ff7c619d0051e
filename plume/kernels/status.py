"""Particle status codes: kernels set codes instead of raising; the solver acts on them."""
import numpy as np

WAITING = np.int8(0)  # not yet released
ACTIVE = np.int8(1)  # in the water
DEPOSITED = np.int8(2)  # on the seabed, its mass counted in the deposit grid
EXITED = np.int8(3)  # left the model domain, its mass counted as exited
JUST_DEPOSITED = np.int8(4)  # reached the bed during this step; the accumulator books it
JUST_EXITED = np.int8(5)  # left the domain during this step; the accumulator books it
