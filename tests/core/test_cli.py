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


def test_every_demo_account_can_log_in(app, client):
    from accounts.demo import DEMO_PASSWORD, USERS
    app.test_cli_runner().invoke(args=["demo", "seed"])
    for _role, email, *_ in USERS:
        response = client.post("/akun/masuk", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/akun/keluar")
