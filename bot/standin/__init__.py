"""A stand-in for Telegram's Bot API, served over real HTTP: the try mode's Telegram and the
test suite's (one implementation for both)."""
