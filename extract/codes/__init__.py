"""Stage 2: one-time codes — every code-shaped token, its evidence, precedence, the verdict."""
