"""Input threads: inputs, replies, supports, official responses, moderation (being written)."""
