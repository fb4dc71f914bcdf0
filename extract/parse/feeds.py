"""What a link to a feed or a calendar looks like: a URL a reader subscribes to and fetches
again and again, so neither the link nor the key it carries acts once (sign in, confirm,
reset). Codes read it to refuse the key ("Your token: AjcM7ghM" beside
"…/feed.xml?token=AjcM7ghM"); links read it to exclude the link."""

from __future__ import annotations

import re

__all__ = ["feed_query"]

#: The path ends in a feed file or a feed route ("…/feed.xml", "/calendar.ics", "/rss/42",
#: "webcal://…"); what follows is its query or fragment.
_FEED_LINK = re.compile(
    r"^(?:webcal://[^?#]*|https?://[^?#]*?(?:\.(?:xml|rss|atom|ics|ical|opml)"
    r"|/(?:feeds?|rss|atom|ical|icalendar|calendar)(?:/[^/?#]*)?))(?=[?#]|$)",
    re.IGNORECASE,
)


def feed_query(url: str) -> str | None:
    """The query and fragment of a feed or calendar link (``""`` when it has none); ``None``
    for any other link."""
    match = _FEED_LINK.match(url)
    return None if match is None else url[match.end() :]
