"""Words around a number that are not about codes at all: what a shop or a booking says
after a price or a count ("2 items", "Flight AZ 1182"), and the verbs one uses with a
one-time code (entering it, signing in), which a booking's reference never gets.
"""

from __future__ import annotations

from otpbridge.extract.lang.patterns import table_pattern

__all__ = ["SHOPPING_CUES", "SIGN_IN_VERBS"]


SHOPPING_CUES = table_pattern("context", "shopping")
SIGN_IN_VERBS = table_pattern("context", "sign_in")
