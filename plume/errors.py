"""Errors that reach the user as one clear line (the CLI prints them without a traceback)."""


class PlumeError(Exception):
    """Base class: bad input that the user can fix. The message is the whole story."""


class ScenarioError(PlumeError):
    """The scenario file is malformed or inconsistent."""


class InputDataError(PlumeError):
    """An input data file (bathymetry, currents) is missing, malformed or does not cover the run."""
