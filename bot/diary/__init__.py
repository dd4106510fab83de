"""What a linked family reads on request: grades, schedule with changes, homework."""
