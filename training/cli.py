"""`flask training ...` commands."""
import click
from flask.cli import AppGroup

from core.errors import DomainError
from core.permissions import SYSTEM

from . import content

training_cli = AppGroup("training", help="Training modules: the shipped content.")


@training_cli.command("load-content")
@click.option("--replace", is_flag=True,
              help="Overwrite modules that already exist (by slug) instead of skipping them.")
def load_content_command(replace):
    """Load the shipped training modules (training/content/*.json)."""
    try:
        results = content.load_content(actor=SYSTEM, replace=replace)
    except DomainError as error:
        raise click.ClickException(f"Training content not loaded: {error.message}") from None
    for slug, outcome in results:
        click.echo(f"{outcome}: {slug}")
    loaded = sum(1 for _, outcome in results if outcome == content.LOADED)
    click.echo(f"{loaded} module(s) loaded, {len(results) - loaded} skipped.")
