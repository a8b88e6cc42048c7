"""What the bot sends on its own: everything that calls Slack's Web API outside a listener.

`client` builds the Web API client with our retries; `due_senders` says what each kind of due
work sends when its time comes; `digest_post` posts a digest and its chart; `directory` reads
people from Slack into the store; `coordinator_channel` asks Slack who can read the digest.
Listeners (what answers a user) live in `handlers/`; the rules they all follow in `services/`.
"""
