"""A private iCalendar feed per account: the children's tests, holidays and moved lessons."""
