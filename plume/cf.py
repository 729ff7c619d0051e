"""CF attributes from a registry entry, so every variable's units and names come from one table."""
from __future__ import annotations


def cf_attributes(entry: tuple, comment: str | None = None) -> dict:
    """{units, long_name[, standard_name][, comment]} from (units, standard_name or None, long_name)."""
    units, standard_name, long_name = entry
    attrs = {"units": units, "long_name": long_name}
    if standard_name:
        attrs["standard_name"] = standard_name
    if comment:
        attrs["comment"] = comment
    return attrs
