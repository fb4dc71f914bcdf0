"""The IMAP watcher, the agent SDK and the command line (``otpbridge.bridge``).

The public names live on the top-level package: ``from otpbridge import Client, totp``.
"""
