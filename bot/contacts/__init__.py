"""Contact data the families give the school (issue 17): e-mail addresses with their history,
the agreed form of delivery per family, and the rule that decides the effective form.

The first slice: the register, its command line, /privacy and erasure. Sending e-mail and
the confirmation from /settings come later and build on :mod:`bot.contacts.channels`.
"""
