"""Checks behind ``otpbridge doctor``: each returns findings with a named fix."""
