"""``otpbridge demo``: a private mail stack and an agent receiving a code, on any machine with
Python (no root, no apt, no mailbox)."""
