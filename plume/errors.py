"""Errors that reach the user as one clear line (the CLI prints them without a traceback)."""


class PlumeError(Exception):
    """Base class: bad input that the user can fix. The message is the whole story."""

    exit_code = 2  # the CLI's exit status: 2 bad input, 1 a fault


class ScenarioError(PlumeError):
    """The scenario file is malformed or inconsistent."""


class InputDataError(PlumeError):
    """An input data file (bathymetry, currents) is missing, malformed or does not cover the run."""


class OutputError(PlumeError):
    """The result could not be written (a full disk, a quota, a file system fault): a fault, not bad
    input, so the CLI exits with status 1. The message says what was and was not written."""

    exit_code = 1
