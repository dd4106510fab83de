"""The HTTP side: health checks, the Telegram webhook, and (later) the exchange API."""
