"""Following consultations and threads, e-mail notices, idle units (being written)."""


def notify_response(forum_input):
    """An official response appeared (or changed): tell the thread's and consultation's followers."""


def notify_minutes(consultation):
    """A berita acara was published: tell the consultation's followers."""


def notify_action(action):
    """A follow-up action changed: tell the consultation's followers."""
