"""What accounts announce, for other pillars to act on without accounts knowing them.

Dependencies point down: training (and any later pillar) connects to these signals; accounts
never imports it. Receivers run inside the sender's transaction and must not commit.
"""
from blinker import Namespace

_signals = Namespace()

# Sent as asn_confirmed.send(user, actor=..., now=...) when a moderator or admin confirms an ASN.
asn_confirmed = _signals.signal("asn-confirmed")
