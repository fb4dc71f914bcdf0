"""A tiny local sign-up/login web app that mails codes and magic links (browser tests)."""

from webapp.server import SignupApp

__all__ = ["SignupApp"]
