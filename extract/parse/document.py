"""The parsed, normalised view of one mail that every extractor stage reads.

Contract between the stages: the MIME/HTML layer builds a :class:`Document`; ``otp`` and
``links`` only read it. ``extract.parse.reader.parse_document`` (the MIME/HTML layer) builds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Anchor", "Document"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """One link seen in the mail: an HTML ``<a href>`` or a bare URL in the text."""

    href: str  # HTML-unescaped, whitespace/QP-artifacts removed, trailing punctuation cut
    text: str  # visible anchor text ('' for bare URLs and image-only anchors)
    context: str  # visible text of the enclosing block (sentence/paragraph/cell), normalised
    position: int  # order of appearance in the rendered document (0-based)
    source: str = "html"  # "html" (anchor tag) | "text" (URL in text/plain or HTML text)
    hidden: bool = False  # inside an invisible element
    is_image: bool = False  # the anchor wraps only an <img>
    title: str = ""  # title/aria-label attributes, if any


@dataclass(frozen=True, slots=True)
class Document:
    subject: str = ""
    from_addr: str = ""  # bare address, lowercased
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> first value
    plain_text: str = ""  # decoded text/plain parts, normalised
    html_text: str = ""  # visible text of the HTML parts (html2text + structure), normalised
    preheader: str = ""  # text of hidden elements (kept only as corroboration)
    anchors: tuple[Anchor, ...] = ()
    list_unsubscribe: tuple[str, ...] = ()  # URLs from the List-Unsubscribe header
    language: str | None = None  # BCP-47-ish primary tag: "en", "de", "zh", ...
    emphasized: tuple[str, ...] = ()  # visible text of bold/large/monospace/<code> elements

    @property
    def text(self) -> str:
        """The best visible text: the HTML rendering when there is one, else text/plain."""
        return self.html_text or self.plain_text
