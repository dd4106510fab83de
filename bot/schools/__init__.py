"""Schools: creation, their exchange API tokens."""
