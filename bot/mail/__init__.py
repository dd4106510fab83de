"""E-mail delivery (issue 17): letters rendered from the same messages as Telegram, sent
through the school's relay from the same outbox, with signed links for one-click
unsubscribing and for acknowledging final grades."""
