"""plume's validation suite: the model against exact solutions and published CCZ field results.

    python -m validation            # the full report, validation/report/README.md (a few minutes warm)
    python -m validation --reduced  # fewer particles and steps (the form the test suite runs)
"""
