"""Final grades reaching families within the regulation's 24 hours, their acknowledgement
by the parents, and what the class teacher sees of it (duty 6)."""
