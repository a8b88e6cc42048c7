"""The edge between Slack and the listeners: what every signed request passes before any handler.

`envelope` checks the shape Slack always sends (and strips NUL characters), `deliveries`
remembers what was already handled, and `middleware` plugs both into Bolt. Nothing here knows a
feature; each listener still gets a body shaped as Slack documents it.
"""
