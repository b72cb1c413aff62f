"""Demo training for `flask demo seed`: the shipped modules, and the demo ASN's first certificate."""
from datetime import timedelta

from sqlalchemy import select

from core import clock
from core.demo import seed_step
from core.extensions import db
from core.permissions import ASN, SYSTEM
from core.web import links_context

from . import certificate_services
from .content import load_content
from .models import LessonProgress, QuizAttempt, TrainingModule


def seed(users, now=None):
    """Load the shipped modules; the demo ASN has read and passed the code-of-ethics module."""
    now = now or clock.now()
    load_content(actor=SYSTEM)
    asn = users.get(ASN)
    module = db.session.scalar(select(TrainingModule).order_by(TrainingModule.slug).where(
        TrainingModule.slug == "kode-etik-asn"))
    if asn is None or module is None:
        return
    passed_at = now - timedelta(days=40)
    db.session.add_all([LessonProgress(user_id=asn.id, module_id=module.id, lesson_id=lesson.id, read_at=passed_at)
                        for lesson in module.lessons])
    certify(asn, module, passed_at)
    db.session.commit()


def certify(user, module, passed_at):
    """A full-marks attempt at `module` submitted at `passed_at`, and its certificate (the caller commits).

    Goes through the certificate service, so a demo certificate is made as a real one is.
    """
    questions = [q for q in module.questions if q.active][:module.questions_per_quiz]
    attempt = QuizAttempt(user_id=user.id, module_id=module.id, started_at=passed_at - timedelta(minutes=12),
                          submitted_at=passed_at, question_ids=[q.id for q in questions],
                          option_order={str(q.id): [o.id for o in q.options] for q in questions},
                          answers={str(q.id): [o.id for o in q.options if o.correct] for q in questions},
                          score=100, passed=True)
    db.session.add(attempt)
    db.session.flush()
    with links_context():
        return certificate_services.issue(attempt, now=passed_at)


@seed_step(order=40)
def seed_training(city):
    seed(city["users"])
    return ["The shipped training modules, with a certificate for the demo ASN."]
