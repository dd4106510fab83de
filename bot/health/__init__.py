"""What a process knows about its own health: failures logged without flooding, and who
runs the scheduler."""
