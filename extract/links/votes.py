"""From the purposes that words name to the kind of link they vote for."""

from __future__ import annotations

from otpbridge.extract.links.cues import Purpose
from otpbridge.extract.model import LinkKind

__all__ = ["purposes_kinds", "strongest", "vote"]

_TIE_ORDER: tuple[LinkKind, ...] = ("reset_link", "confirm_link", "magic_link")
_PURPOSE_KIND: dict[Purpose, LinkKind] = {
    "magic": "magic_link",
    "confirm": "confirm_link",
    "reset": "reset_link",
}


def purposes_kinds(purposes: frozenset[Purpose]) -> set[LinkKind]:
    kinds = {_PURPOSE_KIND[p] for p in purposes if p in _PURPOSE_KIND}
    if "restore" in purposes and "account" in purposes:
        kinds.add("reset_link")  # "Recover your account"; a password joins just below
    # "Change password" reads as a reset; "password" with a sign-in word does not.
    if "password" in purposes and not kinds - {"reset_link"}:
        kinds.add("reset_link")
    if "reset_link" in kinds and "confirm_link" in kinds:
        kinds.discard("confirm_link")  # "confirm password reset" is a reset
    if "confirm_link" in kinds and "magic_link" in kinds:
        # "Anmeldung bestätigen", "verify your sign-up": a sign-in word as the object of a
        # confirming verb names the registration being confirmed.
        kinds.discard("magic_link")
    return kinds


def strongest(votes: dict[LinkKind, float]) -> LinkKind | None:
    best: LinkKind | None = None
    # A fixed order breaks ties (never set order, which varies with the hash seed): the
    # more specific purpose first.
    for kind in _TIE_ORDER:
        if kind in votes and (best is None or votes[kind] > votes[best]):
            best = kind
    return best


def vote(votes: dict[LinkKind, float], kinds: set[LinkKind], weight: float) -> None:
    for kind in kinds:
        votes[kind] = votes.get(kind, 0.0) + weight
