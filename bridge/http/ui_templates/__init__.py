"""HTML, CSS and the live script of the ``/ui`` timeline pages (``bridge/http/ui.py`` serves
them), plus the pure fold of an inbox's events into one row per mail."""

__all__: list[str] = []
