"""Pushes on schedule and on change: the outbox worker, alerts and forecast digests.

The capability of issue #6; its table (outbox_message) is part of the initial schema.
"""
