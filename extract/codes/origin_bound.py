"""The origin-bound one-time code line of the WICG sms-one-time-codes format
("@example.com #482913"): a machine-readable statement of the code, read before any scoring.
"""

from __future__ import annotations

import re

from otpbridge.extract.model import CodeCandidate
from otpbridge.extract.parse.document import Document

__all__ = ["origin_bound"]

# Origin-bound one-time code line (WICG sms-one-time-codes): "@host #code [@embedded]".
_ORIGIN_BOUND = re.compile(
    r"(?:^|\s)@([A-Za-z0-9.-]+\.[A-Za-z]{2,}) #([A-Za-z0-9-]{4,12})(?: @[A-Za-z0-9.-]+)?[ \t]*$",
    re.MULTILINE,
)


def origin_bound(doc: Document) -> CodeCandidate | None:
    for text in (doc.plain_text, doc.html_text):
        # The format puts the line last; only the tail is searched, the last match wins.
        matches = list(_ORIGIN_BOUND.finditer(text[-2000:]))
        if matches:
            m = matches[-1]
            code = m.group(2)
            return CodeCandidate(
                value=code.replace("-", ""),
                score=0.99,
                reason=f"origin-bound line for @{m.group(1)}",
                display=code,
            )
    return None
