"""Certificates: issue on a passed quiz, PDF, verification, revocation, expiry reminders (being written)."""


def issue(attempt, *, now):
    """Issue the certificate for a passed attempt (no commit: the quiz's transaction commits)."""
    raise NotImplementedError
