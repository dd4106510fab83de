"""The school office console: server-rendered pages for school admins and class teachers
(issue 16), signed in by one-time links from the bot or the command line."""
