"""Linking a Telegram account to a student: consent register, one-time codes, redemption.

The capability of issue #4; the tables it works on (consent_record, link_code,
account_link) are part of the initial schema.
"""
