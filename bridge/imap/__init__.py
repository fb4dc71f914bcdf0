"""The IMAP side of the bridge: watch catch-all folders, route each new mail to its inbox."""

from otpbridge.bridge.imap.supervisor import Bridge

__all__ = ["Bridge"]
