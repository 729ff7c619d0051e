"""One module per validation case; each exposes ``run(folder, reduced) -> CaseResult``."""
EXACT = ["first_passage", "flux_bed", "ogata_banks", "well_mixed", "tidal_ellipse", "midwater_jet"]
FIELD = ["collector_2021", "chain_dredge_2019", "plumex_2021", "bie_1993"]
ALL = EXACT + FIELD
