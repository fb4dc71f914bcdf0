"""Numbers that measure or locate something: amounts, quantities with a unit, house numbers,
phone numbers. Such a token is no code whatever words surround it, so the scorer drops it
before reading its context.
"""

from __future__ import annotations

import re

__all__ = ["measures_something"]

_CURRENCY_BEFORE = re.compile(r"(?:[$€£¥₹₽₩]|\b(?:usd|eur|gbp|rs\.?|inr|chf|cad|aud|r\$))\s?$")
_UNIT_AFTER = re.compile(
    r"^\s?(?:[%$€£¥₹₽₩]|(?:usd|eur|gbp|chf|jpy|cny|rub|pln|zł|kr|元|円|원|руб|"
    r"min|mins|minutes?|minuten|minutos|minuti|hours?|stunden|days?|tage|seconds?|sec|"
    r"ms|px|pt|kb|mb|gb|tb|km|kg|mm|cm|x\b|times|characters?|zeichen|users?|items?|"
    r"分|秒|小时|时|天|日|月|年|号|點|点|分钟))",
    re.IGNORECASE,
)
# "2261 Market Street", "18 W. Elm Ave": a house number before a street name.
_STREET_AFTER = re.compile(
    r" (?:[A-Z][\w'.-]*\.? ){0,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|"
    r"Drive|Dr|Way|Place|Pl|Court|Ct|Parkway|Pkwy|Square|Sq|Terrace|Highway|Hwy)\b"
)
# "(415) 555-0132", "0151 2345 6789": a phone number.
_PHONE_SHAPE = re.compile(r"^\(?\d{3}\)?[ -]\d{3}[ -]\d{4}$|^\d{2,4}(?: \d{2,4}){3}$")


def measures_something(text: str, start: int, end: int, value: str, display: str) -> bool:
    """The token at [start, end) is an amount, a quantity, a house or a phone number."""
    lower_left = text[max(0, start - 12) : start].lower()
    if _CURRENCY_BEFORE.search(lower_left) or _UNIT_AFTER.match(text[end : end + 14]):
        return True
    if " " in display and _PHONE_SHAPE.match(display):
        return True
    return bool(_STREET_AFTER.match(text, end, min(len(text), end + 60)) and value.isdigit())
