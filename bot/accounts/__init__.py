"""Telegram accounts: who talks to the bot, in which language, and whether they still can."""
