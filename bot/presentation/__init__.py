"""How texts are laid out for Telegram: escaping and splitting."""
