"""Trying the bot without Telegram: the built-in stand-in, the demo school's people to be,
and the chat page at ``/try`` (``ediary run --try``, or ``make run`` with no token)."""
