"""Consultations and their participants: every state change (being written)."""


def move_to_follow_up(consultation, *, actor, now):
    """Called when the berita acara is published: closed → follow_up (no commit; the caller commits)."""
    raise NotImplementedError


def complete_if_done(consultation, *, now):
    """Called after a follow-up action finishes: all actions finished → completed (no commit)."""
    raise NotImplementedError
