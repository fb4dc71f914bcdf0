"""RQ extraction workers: raw mail in Redis → extractor → ``extracted`` event."""
