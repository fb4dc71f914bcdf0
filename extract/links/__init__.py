"""Stage 3: links — every anchor and bare URL, what it asks for, the primary link."""
