"""`flask psa ...`: integration commands, safe for cron (each is idempotent).

    flask psa sync-clients [--dry-run]   new company partners -> RMM organisations
    flask psa sync-seats [--dry-run]     managed-seat quantities <- active asset counts
    flask odoo-check [--login L] [--fix] what Fieldkit needs from the configured Odoo

They act in Odoo as the integration user (ODOO_INTEGRATION_LOGIN / ODOO_INTEGRATION_KEY) and
exit with status 1 when something failed, so cron reports it.
"""
import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from app.odoo.client import OdooError
from app.odoo.integration import IntegrationConfigError, integration_client
from app.services import rmm_api, seats

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


MARKS = {"ok": "ok     ", "missing": "MISSING", "warning": "warning", "info": "       "}


@click.command("odoo-check")
@click.option("--login", help="Check this user as Fieldkit would log them in (password asked).")
@click.option("--fix", is_flag=True,
              help="Create what is missing where it is safe (administrator login asked).")
@click.option("--admin-login", default=None, help="The administrator for --fix (asked).")
@with_appcontext
def odoo_check_command(login, fix, admin_login):
    """Check the configured Odoo (ODOO_URL, ODOO_DB) for what Fieldkit needs.

    Exit status 0 only when everything needed is there.
    """
    from app.services import assets, odoo_check

    config = current_app.config
    url, db = config["ODOO_URL"], config.get("ODOO_DB")
    password = click.prompt(f"Password of {login}", hide_input=True) if login else None
    integration = (config.get("ODOO_INTEGRATION_LOGIN"), config.get("ODOO_INTEGRATION_KEY"))
    mapping = assets.mapping_from_config(config)
    try:
        report = odoo_check.check(url, db, login, password, integration=integration,
                                  assets=mapping)
    except odoo_check.CheckAborted as exc:
        _print_report(exc.report)
        raise SystemExit(1) from None
    _print_report(report)
    if fix:
        admin_login = admin_login or click.prompt("Administrator login", default="admin")
        admin_password = click.prompt(f"Password of {admin_login}", hide_input=True)
        try:
            grant = False
            if odoo_check.activity_rights_needed(url, db, admin_login, admin_password):
                click.echo(odoo_check.ACTIVITY_GRANT)
                grant = click.confirm("Grant these rights?", default=False)
            changes = odoo_check.fix(url, db, admin_login, admin_password,
                                     grant_activity_rights=grant)
        except OdooError as exc:
            _fail(f"--fix as {admin_login}: {exc.user_message}")
        click.echo("")
        for change in changes:
            click.echo(f"fixed: {change}")
        click.echo(f"{len(changes)} change(s) made." if changes else "Nothing to fix.")
        if changes:  # what is there now, as the user sees it
            click.echo("")
            try:
                report = odoo_check.check(url, db, login, password,
                                          integration=integration, assets=mapping)
            except odoo_check.CheckAborted as exc:
                report = exc.report
            _print_report(report)
    click.echo("")
    click.echo("Everything Fieldkit needs is there." if report.ok
               else "Something Fieldkit needs is missing (MISSING above).")
    raise SystemExit(0 if report.ok else 1)


def _print_report(report):
    for finding in report.findings:
        click.echo(f"{MARKS.get(finding.status, finding.status)}  {finding.subject}"
                   f"{': ' + finding.detail if finding.detail else ''}")


def init_app(app):
    app.cli.add_command(psa)
    app.cli.add_command(odoo_check_command)
