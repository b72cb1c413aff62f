"""Completion reports: per unit and module, who has not completed a mandatory module, CSV.

"Completed" means holding a valid certificate (not revoked, not expired). The ASN of a unit are
its active, confirmed ASN accounts. Every figure is an aggregate (GROUP BY) over the units of one
page, so a page costs the same few queries however many people and attempts there are.
"""

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from accounts.models import Unit, User
from core import audit, clock, csv_export, permissions
from core.errors import DomainError
from core.extensions import db
from core.i18n import gettext as _
from core.permissions import ASN

from .models import Certificate, QuizAttempt, TrainingModule

REPORT_AUDIENCES = ("asn", "semua")


def report_unit_for(user, requested_unit_id=None):
    """The unit a report shows: any (or all, None) for staff; always their own for a unit manager."""
    permissions.require(user, "training.report")
    if permissions.is_staff(user):
        return db.session.get(Unit, requested_unit_id) if requested_unit_id else None
    own = db.session.get(Unit, user.unit_id)
    if requested_unit_id and requested_unit_id != own.id:
        permissions.require(user, "training.report", db.session.get(Unit, requested_unit_id))
    return own


def unit_choices():
    return db.session.scalars(select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.name)).all()


def report_modules():
    """The published modules ASN are expected to take (for ASN, or for everyone)."""
    return db.session.scalars(select(TrainingModule).where(
        TrainingModule.published.is_(True), TrainingModule.audience.in_(REPORT_AUDIENCES))
        .order_by(TrainingModule.mandatory_for_asn.desc(), TrainingModule.title, TrainingModule.id)).all()


def mandatory_modules():
    return db.session.scalars(select(TrainingModule).where(TrainingModule.mandatory_for_asn.is_(True))
                              .order_by(TrainingModule.title, TrainingModule.id)).all()


def units_query(unit=None):
    """The units a completion report lists (one unit, or every active unit), for paginate()."""
    query = select(Unit).order_by(Unit.name, Unit.id)
    if unit is not None:
        return query.where(Unit.id == unit.id)
    return query.where(Unit.is_active.is_(True))


def _valid_certificate(now):
    return and_(Certificate.revoked_at.is_(None),
                or_(Certificate.expires_at.is_(None), Certificate.expires_at > now))


def completion(units, modules, *, now=None):
    """Rows for a units × modules table: one dict per (unit, module) with counts and percent.

    Three aggregate queries whatever the number of people: ASN per unit, valid certificates per
    unit and module, submitted attempts (count, average score, passes) per unit and module.
    """
    now = now or clock.now()
    unit_ids = [unit.id for unit in units]
    module_ids = [module.id for module in modules]
    if not unit_ids:
        return []
    asn_counts = dict(db.session.execute(
        select(User.unit_id, func.count(User.id)).where(User.confirmed_asn(), User.unit_id.in_(unit_ids))
        .group_by(User.unit_id)).all())
    done, attempts = {}, {}
    if module_ids:
        for unit_id, module_id, count in db.session.execute(
                select(User.unit_id, Certificate.module_id, func.count(func.distinct(User.id)))
                .join(User, User.id == Certificate.user_id)
                .where(User.confirmed_asn(), User.unit_id.in_(unit_ids), Certificate.module_id.in_(module_ids),
                       _valid_certificate(now))
                .group_by(User.unit_id, Certificate.module_id)):
            done[unit_id, module_id] = count
        for unit_id, module_id, count, average, passes in db.session.execute(
                select(User.unit_id, QuizAttempt.module_id, func.count(QuizAttempt.id),
                       func.avg(QuizAttempt.score), func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)))
                .join(User, User.id == QuizAttempt.user_id)
                .where(User.confirmed_asn(), User.unit_id.in_(unit_ids), QuizAttempt.module_id.in_(module_ids),
                       QuizAttempt.submitted_at.is_not(None))
                .group_by(User.unit_id, QuizAttempt.module_id)):
            attempts[unit_id, module_id] = (count, average, passes or 0)
    rows = []
    for unit in units:
        total = asn_counts.get(unit.id, 0)
        for module in modules:
            completed = done.get((unit.id, module.id), 0)
            count, average, passes = attempts.get((unit.id, module.id), (0, None, 0))
            rows.append({
                "unit": unit, "module": module, "asn": total, "completed": completed,
                "percent": round(100 * completed / total) if total else None,
                "attempts": count, "average": round(float(average), 1) if average is not None else None,
                "passes": passes,
            })
    return rows


def module_stats(modules, *, unit=None, now=None):
    """Per module: submitted attempts, average score, pass rate, valid certificates (in one unit or all)."""
    now = now or clock.now()
    module_ids = [module.id for module in modules]
    if not module_ids:
        return []
    attempts = select(QuizAttempt.module_id, func.count(QuizAttempt.id), func.avg(QuizAttempt.score),
                      func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)),
                      func.count(func.distinct(QuizAttempt.user_id))).where(
        QuizAttempt.module_id.in_(module_ids), QuizAttempt.submitted_at.is_not(None))
    certificates = select(Certificate.module_id, func.count(func.distinct(Certificate.user_id))).where(
        Certificate.module_id.in_(module_ids), _valid_certificate(now))
    if unit is not None:
        attempts = attempts.join(User, User.id == QuizAttempt.user_id).where(User.unit_id == unit.id)
        certificates = certificates.join(User, User.id == Certificate.user_id).where(User.unit_id == unit.id)
    by_module = {row[0]: row[1:] for row in db.session.execute(attempts.group_by(QuizAttempt.module_id))}
    holders = dict(db.session.execute(certificates.group_by(Certificate.module_id)).all())
    rows = []
    for module in modules:
        count, average, passes, people = by_module.get(module.id, (0, None, 0, 0))
        rows.append({"module": module, "attempts": count, "people": people, "passes": passes or 0,
                     "average": round(float(average), 1) if average is not None else None,
                     "pass_rate": round(100 * (passes or 0) / count) if count else None,
                     "certified": holders.get(module.id, 0)})
    return rows


def incomplete_query(module, *, unit=None, now=None):
    """The ASN (of one unit, or all) without a valid certificate of a mandatory module, for paginate()."""
    now = now or clock.now()
    if not module.mandatory_for_asn:
        raise DomainError(_("Modul ini tidak diwajibkan bagi ASN."))
    has_certificate = exists().where(Certificate.user_id == User.id, Certificate.module_id == module.id,
                                     _valid_certificate(now))
    query = (select(User).where(User.confirmed_asn(), ~has_certificate).options(selectinload(User.unit))
             .order_by(User.full_name, User.id))
    if unit is not None:
        query = query.where(User.unit_id == unit.id)
    else:
        query = query.where(User.unit_id.is_not(None))
    return query


def attempt_summary(users, module):
    """{user id: (submitted attempts, best score)} for a page of people, in one query."""
    ids = [user.id for user in users]
    if not ids:
        return {}
    return {user_id: (count, best) for user_id, count, best in db.session.execute(
        select(QuizAttempt.user_id, func.count(QuizAttempt.id), func.max(QuizAttempt.score))
        .where(QuizAttempt.user_id.in_(ids), QuizAttempt.module_id == module.id,
               QuizAttempt.submitted_at.is_not(None))
        .group_by(QuizAttempt.user_id))}


# --- CSV ---------------------------------------------------------------------------------------

# The cells and the file: core.csv_export (shared with the scorecard's open data).
csv_cell, to_csv = csv_export.csv_cell, csv_export.to_csv


def completion_csv(unit=None, *, now=None, batch=200):
    """The completion table of every unit in scope as CSV text (units in batches: bounded queries each)."""
    modules = report_modules()
    header = [_("Unit"), _("Modul"), _("Wajib bagi ASN"), _("Jumlah ASN"), _("Selesai (sertifikat berlaku)"),
              _("Persentase selesai"), _("Jumlah percobaan"), _("Rata-rata nilai"), _("Percobaan lulus")]
    units = db.session.scalars(units_query(unit)).all()
    rows = []
    for start in range(0, len(units), batch):
        for row in completion(units[start:start + batch], modules, now=now):
            rows.append([row["unit"].name, row["module"].title, _("Ya") if row["module"].mandatory_for_asn else _("Tidak"),
                         row["asn"], row["completed"], row["percent"], row["attempts"], row["average"], row["passes"]])
    return to_csv(header, rows)


def incomplete_csv(module, unit=None, *, now=None):
    """Who has not completed a mandatory module, as CSV text."""
    users = db.session.scalars(incomplete_query(module, unit=unit, now=now)).all()
    summary = {}
    for start in range(0, len(users), 500):
        summary.update(attempt_summary(users[start:start + 500], module))
    header = [_("Nama"), _("NIP"), _("E-mail"), _("Unit"), _("Modul"), _("Jumlah percobaan"), _("Nilai terbaik")]
    rows = []
    for user in users:
        count, best = summary.get(user.id, (0, None))
        rows.append([user.full_name, user.nip, user.email, user.unit.name if user.unit else None, module.title,
                     count, best])
    return to_csv(header, rows)


# --- unit managers -----------------------------------------------------------------------------

def set_unit_manager(actor, user, value, *, now=None):
    """Mark (or unmark) a confirmed ASN as their unit's manager, who sees the unit's reports."""
    permissions.require(actor, "user.manage", user)
    now = now or clock.now()
    value = bool(value)
    if value and (user.role != ASN or user.unit_id is None):
        raise DomainError(_("Hanya ASN yang punya unit kerja yang dapat menjadi pengelola unit."))
    if user.unit_manager == value:
        return user
    user.unit_manager = value
    audit.record(actor, "user.unit_manager_set" if value else "user.unit_manager_unset", user, now=now,
                 unit_id=user.unit_id)
    db.session.commit()
    return user
