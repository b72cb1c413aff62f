"""'A confirmed ASN of this unit': one predicate for the rules, and its SQL twin for the queries."""
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from core.permissions import ASN, CITIZEN, MODERATOR, ReporterPass, can, is_confirmed_asn


def test_a_confirmed_asn_is_an_active_asn_confirmed_for_their_unit(make_user, make_unit):
    unit, other = make_unit(), make_unit(name="Dinas Perhubungan", short_name="Dishub")
    confirmed = make_user(ASN, unit=unit)
    assert is_confirmed_asn(confirmed) and is_confirmed_asn(confirmed, unit.id)
    assert not is_confirmed_asn(confirmed, other.id)
    assert not is_confirmed_asn(confirmed, None)  # a complaint routed nowhere has no ASN
    for nobody in (make_user(ASN, unit=unit, confirmed=False), make_user(ASN, unit=unit, active=False),
                   make_user(ASN, unit=None), make_user(MODERATOR), make_user(CITIZEN, unit=unit),
                   None, AnonymousUserMixin(), ReporterPass(1)):
        assert not is_confirmed_asn(nobody) and not is_confirmed_asn(nobody, unit.id)


def test_the_sql_twin_picks_the_same_people(make_user, make_unit):
    unit, other = make_unit(), make_unit(name="Dinas Perhubungan", short_name="Dishub")
    people = [make_user(ASN, unit=unit), make_user(ASN, unit=other), make_user(ASN, unit=unit, confirmed=False),
              make_user(ASN, unit=unit, active=False), make_user(ASN, unit=None), make_user(MODERATOR),
              make_user(CITIZEN, unit=unit)]
    for unit_id in (unit.id, other.id, None):
        in_sql = set(db.session.scalars(select(User.id).where(User.confirmed_asn(unit_id))))
        assert in_sql == {user.id for user in people if is_confirmed_asn(user, unit_id)}
    in_sql = set(db.session.scalars(select(User.id).where(User.confirmed_asn())))
    assert in_sql == {user.id for user in people if is_confirmed_asn(user)} == {people[0].id, people[1].id}


def test_the_rules_that_name_a_unit_ask_the_predicate(make_user, make_unit):
    unit, other = make_unit(), make_unit(name="Dinas Perhubungan", short_name="Dishub")
    confirmed, pending = make_user(ASN, unit=unit), make_user(ASN, unit=unit, confirmed=False)
    for action in ("complaint.queue", "consultation.create"):
        assert can(confirmed, action) and not can(pending, action)
    assert can(confirmed, "unit.act_for", unit) and not can(confirmed, "unit.act_for", other)
    assert not can(pending, "unit.act_for", unit)
    manager = make_user(ASN, unit=unit, unit_manager=True)
    assert can(manager, "training.report", unit) and can(manager, "training.report", None)
    assert not can(manager, "training.report", other) and not can(confirmed, "training.report", unit)
