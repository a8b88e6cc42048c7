"""Mentor Bot: a Slack app that runs a company's mentorship program."""
