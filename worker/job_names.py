"""Jobs queued before the package was renamed still run (for one release).

Until 0.1 the extraction jobs were queued by dotted path as ``worker.jobs.extract_job``; since
the code installs as one package they live at ``otpbridge.worker.jobs``. A rolling upgrade can
leave old jobs in the queue (or in a retry), so the workers' job class maps the old names.
Remove after the next release.
"""

from __future__ import annotations

from typing import Any, Final

from rq.job import Job
from rq.utils import import_attribute

__all__ = ["ExtractionJob", "current_name"]

_OLD: Final = "worker.jobs."
_NEW: Final = "otpbridge.worker.jobs."


def current_name(name: str) -> str:
    """The importable name of a job function or callback queued under ``name``."""
    return _NEW + name.removeprefix(_OLD) if name.startswith(_OLD) else name


class ExtractionJob(Job):
    """RQ's job, resolving the pre-rename names of our functions and callbacks."""

    @property
    def func(self) -> Any:
        name = self.func_name
        if name is None or self.instance is not None:
            return super().func
        return import_attribute(current_name(name))

    @property
    def failure_callback(self) -> Any:
        if self._failure_callback_name:
            self._failure_callback_name = current_name(self._failure_callback_name)
        return super().failure_callback
