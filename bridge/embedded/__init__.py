"""Throw-away local servers (Redis, Dovecot) for the demo, the tests and the benchmarks.

They bind to loopback on free ports inside a private directory and never touch system
instances or default ports.
"""

from otpbridge.bridge.embedded.dovecot import DovecotServer
from otpbridge.bridge.embedded.ports import free_port
from otpbridge.bridge.embedded.redis_server import RedisServer, SentinelServer

__all__ = ["DovecotServer", "RedisServer", "SentinelServer", "free_port"]
