"""Stage 1: raw RFC 5322 bytes into a :class:`~otpbridge.extract.parse.document.Document`
(MIME tree, charsets, RFC 2047 headers, HTML to text with anchors and emphasis)."""
