from sqlalchemy import func, select

from accounts.models import Organisation, Unit, User
from core.extensions import db
from core.permissions import ADMIN, ROLES


def test_create_admin_makes_a_verified_admin(app):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "--email", "Kepala@Example.com",
                                                "--name", "Kepala Dinas", "--password", "sandi-admin-kuat"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.role) == ("kepala@example.com", ADMIN)
    assert user.email_verified_at is not None and user.check_password("sandi-admin-kuat")


def test_create_admin_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "--email", "a@example.com",
                                                "--name", "A", "--password", "123"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_demo_seed_builds_a_city_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Unit.id))) >= 12
    assert db.session.scalar(select(func.count(Organisation.id)).where(Organisation.status == "verified")) >= 3
    assert set(db.session.scalars(select(User.role))) == set(ROLES)
    assert runner.invoke(args=["demo", "seed", "--if-empty"]).exit_code == 0
    users = db.session.scalar(select(func.count(User.id)))
    assert runner.invoke(args=["demo", "seed"]).exit_code != 0
    assert db.session.scalar(select(func.count(User.id))) == users  # nothing seeded twice


def test_every_demo_account_can_log_in(client, demo_city_rows):
    from accounts.demo import DEMO_PASSWORD, USERS
    for _role, email, *_ in USERS:
        response = client.post("/akun/masuk", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/akun/keluar")


def test_the_demo_city_put_back_for_a_later_test_is_the_seeded_one_and_takes_new_rows(client, demo_city_rows):
    # In the file's order test_every_demo_account_can_log_in seeded the city in this process, so here
    # the rows are put back: they must be the same, and new ids must go on from the highest.
    from tests.conftest import _demo_rows
    for table in db.metadata.sorted_tables:
        assert db.session.scalar(select(func.count()).select_from(table)) == len(_demo_rows[table.name]), table.name
    highest = max(row["id"] for row in _demo_rows["user"])
    response = client.post("/akun/daftar", data={
        "full_name": "Warga Baru", "email": "warga.baru@example.com", "password": "kopi-pagi-di-teras",
        "password_confirm": "kopi-pagi-di-teras", "account_type": "citizen", "agree": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(User.id).where(User.email == "warga.baru@example.com")) == highest + 1
