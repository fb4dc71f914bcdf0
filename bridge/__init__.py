"""otpbridge: the IMAP IDLE bridge, the agent SDK and the command line."""
