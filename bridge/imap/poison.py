"""Making sure one mail cannot stop a folder: what a watcher does after it crashed.

Mail is handled per mail wherever it can be (a bad header quarantines that mail), but a bug
can still crash the watcher while some mail is next. Restarting alone would crash on the same
mail for ever, with the checkpoint stuck. So crashes are counted per checkpoint: after
``CAREFUL_AFTER`` crashes at the same checkpoint the watcher routes one mail per transaction
(the checkpoint then stops right before the culprit), and after ``QUARANTINE_AFTER`` it sets the
next mail aside unread (a quarantine record, and the checkpoint moves on). A watcher that keeps
crashing without any progress is given up (``GIVE_UP_AFTER``): the process exits so that
Kubernetes restarts it and a standby can lead. Careful mode lasts ``CAREFUL_MAILS`` mails, so a
culprit deep inside a batch is reached one mail at a time, not one crash per mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["CAREFUL_AFTER", "CAREFUL_MAILS", "GIVE_UP_AFTER", "QUARANTINE_AFTER", "PoisonGuard"]

CAREFUL_AFTER: Final = 2
QUARANTINE_AFTER: Final = 4
GIVE_UP_AFTER: Final = 10
CAREFUL_MAILS: Final = 100


@dataclass
class PoisonGuard:
    """Crash bookkeeping of one watcher (one thread: no lock)."""

    _cursor: int | None = None
    _at_cursor: int = 0
    _careful_left: int = 0
    #: Crashes since the checkpoint last moved.
    without_progress: int = 0

    def crashed(self, cursor: int | None) -> None:
        """The watcher crashed while its checkpoint stood at ``cursor`` (None: unknown)."""
        if cursor is not None and cursor == self._cursor:
            self._at_cursor += 1
        else:
            self._cursor, self._at_cursor = cursor, 1
        self.without_progress += 1
        if self._at_cursor >= CAREFUL_AFTER:
            self._careful_left = CAREFUL_MAILS

    def progressed(self, cursor: int, mails: int) -> None:
        """``mails`` were committed and the checkpoint reached ``cursor``."""
        if self._cursor is None or cursor > self._cursor:
            self._cursor, self._at_cursor, self.without_progress = None, 0, 0
        self._careful_left = max(0, self._careful_left - mails)

    @property
    def careful(self) -> bool:
        """Route one mail per transaction."""
        return self._careful_left > 0

    @property
    def quarantine_next(self) -> bool:
        """Set the next mail after the checkpoint aside unread."""
        return self._at_cursor >= QUARANTINE_AFTER

    @property
    def give_up(self) -> bool:
        return self.without_progress >= GIVE_UP_AFTER
