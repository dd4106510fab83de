"""Pure rules about marks: what a mark counts for, averages and forecasts."""
