"""Domain rules as plain functions: primitives and a session in, frozen dataclasses out.

A service never opens or commits the session and never imports Slack; it raises `DomainError`
subclasses that handlers turn into friendly words.
"""
