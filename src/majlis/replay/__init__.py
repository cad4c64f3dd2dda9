"""Election night, replayed: station-level results made up from official constituency totals."""

from ._synthesis import Stations, Totals, fit, synthesise

__all__ = ["Stations", "Totals", "fit", "synthesise"]
