"""Helpers for the certificate tests: a submitted, passed attempt (no quiz code involved) and its
certificate, issued as the quiz would issue it."""
from datetime import timedelta

from core.extensions import db
from training import certificate_services as services
from training.models import QuizAttempt


def passed_attempt(user, module, now, *, score=90, passed=True):
    attempt = QuizAttempt(user_id=user.id, module_id=module.id, started_at=now - timedelta(minutes=20),
                          submitted_at=now, question_ids=[], option_order={}, answers={}, score=score,
                          passed=passed)
    db.session.add(attempt)
    db.session.commit()
    return attempt


def issued(user, module, now, **kwargs):
    """Pass the module's quiz and issue its certificate, committed as the quiz's transaction would."""
    certificate = services.issue(passed_attempt(user, module, now, **kwargs), now=now)
    db.session.commit()
    return certificate
