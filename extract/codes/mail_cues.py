"""Whole-mail cues: what kind of mail this is (a card receipt, a reservation, a meeting
invitation), in every language the extractor reads.

A code word inside such a mail may name something else than a sign-in code: the card slip's
authorisation code, the booking's PIN, the meeting's passcode.
"""

from __future__ import annotations

import re

from otpbridge.extract.lang.patterns import table_pattern

__all__ = [
    "CARD_AUTHORIZATION",
    "EVENT_CUES",
    "GIFT_CARD_CUES",
    "MEETING_CUES",
    "RECEIPT_CUES",
    "RESERVATION_CUES",
    "card_authorization",
    "reports_card_payment",
]


MEETING_CUES = table_pattern("mail", "meeting")
EVENT_CUES = table_pattern("mail", "event")
RESERVATION_CUES = table_pattern("mail", "reservation")
RECEIPT_CUES = table_pattern("mail", "receipt")
CARD_AUTHORIZATION = table_pattern("mail", "card_auth")
GIFT_CARD_CUES = table_pattern("mail", "gift_card")


def card_authorization(text: str, keyword_end: int) -> bool:
    """The code word ending at ``keyword_end`` is, or ends, a card slip's phrase
    ("Authorization code:" is found as its tail "code:")."""
    label = text[max(0, keyword_end - 40) : keyword_end].rstrip(" \t:：")
    return any(m.end() == len(label) for m in CARD_AUTHORIZATION.finditer(label))


# "Kartica: **** 1032", "card xxxx-4821": a masked card number, as a slip prints it.
_MASKED_CARD = re.compile(r"(?:\*{4}|[xX]{4}|•{4})[ -]?\d{4}(?!\d)")


def reports_card_payment(subject: str, text: str) -> bool:
    """The mail reports a card payment: a receipt's words, or a masked card number."""
    return bool(
        RECEIPT_CUES.search(subject) or RECEIPT_CUES.search(text) or _MASKED_CARD.search(text)
    )
