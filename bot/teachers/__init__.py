"""The class teacher's side: broadcasts to families and the family ↔ teacher relay (duty 11)."""
