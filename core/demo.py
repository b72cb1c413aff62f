"""`flask demo seed`: a believable city for trying the site. Each pillar adds its own part."""
import click
from flask.cli import AppGroup
from sqlalchemy import delete, func, select

from .extensions import db
from .outbox import EMAIL, OutboxMessage

demo_cli = AppGroup("demo", help="Demo data (never on a real site).")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_command(if_empty):
    """Create demo units, organisations, one user per role, and complaints."""
    from accounts import demo as accounts_demo
    from accounts.models import User
    from complaints import demo as complaints_demo
    from forum import demo as forum_demo
    from training import demo as training_demo

    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("Database already has data; demo seed skipped.")
            return
        raise click.ClickException("The database already has users; seed only an empty database.")
    users = accounts_demo.seed()
    db.session.commit()
    complaints = complaints_demo.seed(users)
    forum_demo.seed(users)
    db.session.commit()
    training_demo.seed(users)
    from scorecard import demo as scorecard_demo
    scorecard_demo.seed(users)  # a year of history across units, then the figures built from it
    # The demo's e-mails would only fill the terminal: keep the forward messages, drop the e-mails.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.kind == EMAIL))
    db.session.commit()
    click.echo(f"Demo data created. Every demo account's password: {accounts_demo.DEMO_PASSWORD}")
    for _role, email, *_ in accounts_demo.USERS:
        click.echo(f"  {email}")
    click.echo(f"{len(complaints)} demo complaints filed; 3 demo consultations (open, follow-up, completed); "
               "the shipped training modules, with a certificate for the demo ASN.")
