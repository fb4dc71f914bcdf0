"""Identifiers a mail prints are no secret: "Account ID: a4d91480-9509-…" above a link to
"https://app.example/a4d91480-9509-…" shows that the link opens the account's page, as
anyone who knows the id could; a token is secret because the mail shows it nowhere else. A
code the mail hands over and also puts in its link ("?secret=emcdgq") keeps the link's
secret: only a value the mail labels as an identifier (``[link] id_label``) loses it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlsplit

from otpbridge.extract.lang.patterns import alternation
from otpbridge.extract.links.url_signatures import analyse_url

__all__ = ["only_printed_ids"]

_ID_LABEL = re.compile(
    rf"(?<![^\W_]){alternation('link', 'id_label')}[ \t\u00a0]*[:：]?[ \t\u00a0]*$",
    re.IGNORECASE,
)
_SHORTEST = 6
_LABEL_REACH = 40
_MAX_SEEN = 5  # occurrences of one value looked at


def only_printed_ids(url: str, *texts: str) -> bool:
    """Every secret-looking value of ``url`` is one that one of ``texts`` (the rendered text,
    the text part) prints as an identifier: with them blanked out, the URL carries none."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    values = [s for s in parts.path.split("/") if s] + [v for _, v in parse_qsl(parts.query)]
    printed = {v for v in values if len(v) >= _SHORTEST and any(_labelled(v, t) for t in texts)}
    if not printed:
        return False
    path = "/".join("id" if s in printed else s for s in parts.path.split("/"))
    query = "&".join(
        f"{quote(k)}={'id' if v in printed else quote(v)}" for k, v in parse_qsl(parts.query)
    )
    facts = analyse_url(parts._replace(path=path, query=query).geturl())
    return facts is not None and not facts.secret


def _labelled(value: str, text: str) -> bool:
    at = text.find(value)
    for _ in range(_MAX_SEEN):
        if at < 0:
            return False
        if _ID_LABEL.search(text, max(0, at - _LABEL_REACH), at):
            return True
        at = text.find(value, at + 1)
    return False
