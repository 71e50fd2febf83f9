"""Opportunity catalogue (D1.1) and missions files: pure checks returning records and problems."""

from .fields import Checked, Column
from .missions import MISSION_TYPES, check_missions
from .opportunities import MARKET_MATURITIES, check_opportunities

__all__ = ["Checked", "Column", "MARKET_MATURITIES", "MISSION_TYPES", "check_missions", "check_opportunities"]
