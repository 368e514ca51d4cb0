"""`flask psa ...`: integration commands, safe for cron (each is idempotent).

    flask psa sync-clients [--dry-run]   new company partners -> RMM organisations
    flask psa sync-seats [--dry-run]     managed-seat quantities <- active asset counts

They act in Odoo as the integration user (ODOO_INTEGRATION_LOGIN / ODOO_INTEGRATION_KEY) and
exit with status 1 when something failed, so cron reports it.
"""
import click
from flask.cli import AppGroup

from app.services import rmm_api, seats
from app.services.odoo_api import OdooError
from app.services.odoo_integration import IntegrationConfigError, integration_client

psa = AppGroup("psa", help="Integrations: the RMM and seat billing.")


def _fail(message):
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


@psa.command("sync-clients")
@click.option("--dry-run", is_flag=True, help="List the organisations to create; create none.")
def sync_clients(dry_run):
    """Create each new company partner as an organisation in the RMM."""
    try:
        report = rmm_api.sync_clients(integration_client(), rmm_api.rmm_client(),
                                      dry_run=dry_run)
    except rmm_api.RMMError as exc:
        _fail(exc.user_message)
    except (OdooError, IntegrationConfigError) as exc:
        _fail(getattr(exc, "user_message", str(exc)))
    verb = "Would create" if dry_run else "Created"
    for name in report["created"]:
        click.echo(f"{verb}: {name}")
    for name, reason in report["failed"]:
        click.echo(f"Failed: {name}: {reason}", err=True)
    click.echo(f"{len(report['created'])} {'to create' if dry_run else 'created'}, "
               f"{report['existing']} already in the RMM, {len(report['failed'])} failed.")
    if report["failed"]:
        raise SystemExit(1)


@psa.command("sync-seats")
@click.option("--dry-run", is_flag=True, help="Print the changes as a table; write nothing.")
def sync_seats(dry_run):
    """Set each running subscription's managed seats to the customer's active assets."""
    try:
        odoo = integration_client()
        changes = seats.plan_seat_changes(odoo)
        if dry_run:
            click.echo(seats.format_table(changes) if changes else "No changes.")
            return
        count = seats.apply_seat_changes(odoo, changes)
    except seats.SeatError as exc:
        _fail(exc.user_message)
    except (OdooError, IntegrationConfigError) as exc:
        _fail(getattr(exc, "user_message", str(exc)))
    for change in changes:
        click.echo(f"{change.subscription} ({change.customer}): "
                   f"{'-' if change.old is None else f'{change.old:g}'} -> {change.new}")
    click.echo(f"{count} subscription(s) updated.")


def init_app(app):
    app.cli.add_command(psa)
