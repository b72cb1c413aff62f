"""`flask users ...` commands."""
import click
from flask.cli import AppGroup

from core.errors import DomainError

from . import services

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="E-mail address of the admin.")
@click.option("--name", "full_name", prompt="Full name", default="Administrator", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Password (prompted when not given; prefer the prompt to keep it out of shell history).")
def create_admin(email, full_name, password):
    """Create an admin account, or make an existing account an admin."""
    try:
        user = services.create_admin(email=email, password=password, full_name=full_name)
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"Admin ready: {user.email} (id {user.id})")
