"""An unconfirmed ASN may study, but an ASN module's certificate waits for the confirmation; no
certificate ever carries a NIP nobody confirmed."""
import pytest
from sqlalchemy import func, select

from accounts import services as account_services
from core.extensions import db
from core.permissions import ASN
from training import certificate_services as services
from training.models import Certificate

from .certificate_helpers import passed_attempt


@pytest.fixture
def pending_asn(make_user, unit):
    return make_user(ASN, unit=unit, confirmed=False, email="asn.baru@example.com", nip="199001012015031002",
                     full_name="Rina Wulandari")


def certificates_of(user):
    return db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)).all()


def test_an_unconfirmed_asn_passes_an_asn_module_and_the_certificate_waits(client, login, pending_asn,
                                                                          make_module, now):
    module = make_module(audience="asn")
    attempt = passed_attempt(pending_asn, module, now)
    assert services.issue(attempt, now=now) is None
    db.session.commit()
    assert certificates_of(pending_asn) == []
    login(pending_asn)
    page = client.get(f"/pelatihan/kuis/{attempt.id}/hasil").get_data(as_text=True)
    assert "Kelulusan Anda tersimpan" in page and "setelah moderator mengonfirmasi status ASN" in page


def test_confirming_the_asn_issues_the_waiting_certificate_once_per_module(pending_asn, moderator, make_module,
                                                                           now, in_request, sent_mail,
                                                                           deliver_outbox):
    module, other = make_module(audience="asn"), make_module(audience="asn")
    passed_attempt(pending_asn, module, now)
    newest = passed_attempt(pending_asn, module, now.replace(hour=11), score=95)
    passed_attempt(pending_asn, other, now)
    passed_attempt(pending_asn, make_module(audience="asn"), now, score=40, passed=False)
    account_services.confirm_asn(moderator, pending_asn, now=now.replace(hour=12))
    certificates = certificates_of(pending_asn)
    assert sorted(c.module_id for c in certificates) == sorted([module.id, other.id])
    first = next(c for c in certificates if c.module_id == module.id)
    assert first.attempt_id == newest.id and first.score == 95
    assert first.holder_nip == "199001012015031002"
    assert first.issued_at == now.replace(hour=12)
    deliver_outbox()
    assert sum(1 for m in sent_mail if m.subject.startswith("Sertifikat")) == 2
    # Confirming again is refused, and nothing more is issued.
    with pytest.raises(account_services.DomainError):
        account_services.confirm_asn(moderator, pending_asn, now=now)
    assert db.session.scalar(select(func.count(Certificate.id))) == 2


def test_an_unconfirmed_asn_gets_a_community_certificate_without_the_nip(pending_asn, make_module, now):
    attempt = passed_attempt(pending_asn, make_module(audience="komunitas"), now)
    certificate = services.issue(attempt, now=now)
    assert certificate is not None and certificate.holder_nip is None


def test_a_confirmed_asn_gets_the_certificate_with_the_nip_at_once(asn, make_module, now):
    certificate = services.issue(passed_attempt(asn, make_module(audience="asn"), now), now=now)
    assert certificate.holder_nip == "198503122010011003"


def test_an_admin_making_the_user_asn_also_issues_the_waiting_certificate(pending_asn, admin, make_module, now,
                                                                         in_request):
    module = make_module(audience="asn")
    passed_attempt(pending_asn, module, now)
    account_services.change_role(admin, pending_asn, ASN, now=now)
    assert [c.module_id for c in certificates_of(pending_asn)] == [module.id]
