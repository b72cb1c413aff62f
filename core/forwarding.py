"""The channel to the national complaint system (SP4N-LAPOR!): signed HTTP POST, or e-mail.

Called by the outbox for `forward` and `forward_update` messages; raises the outbox's
RetryLater / Undeliverable / NotConfigured to say what should happen next.
"""
from .outbox import NotConfigured


def forward(payload):
    raise NotConfigured("national forwarding not implemented yet")
