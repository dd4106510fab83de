"""Dispatcher middlewares shared by every capability."""
