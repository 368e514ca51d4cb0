"""python -m odoo_emulator --port 8069 --data FILE.sqlite3 [--host 127.0.0.1]
[--odoo-version 15..19] [--latency-ms N] [--today YYYY-MM-DD] [--quiet]
[--fieldservice-project] [--fieldservice-account-analytic] [--fieldservice-timesheet]
[--fieldservice-activity]"""

import argparse
import logging
import sys
import time


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m odoo_emulator",
                                     description="Fieldkit's Odoo emulator")
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--data", default="odoo_emulator.sqlite3",
                        help="SQLite data file (created and seeded if new)")
    parser.add_argument("--odoo-version", type=int, default=17, choices=[15, 16, 17, 18, 19])
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--today", default=None, help="pin 'today' for the demo data")
    parser.add_argument("--quiet", action="store_true", help="no per-RPC log lines")
    parser.add_argument("--fieldservice-project", action="store_true",
                        help="emulate OCA fieldservice_project (orders have a project, so the "
                             "job timer writes timesheet lines)")
    parser.add_argument("--fieldservice-account-analytic", action="store_true",
                        help="emulate OCA fieldservice_account_analytic (15-17): locations "
                             "have an analytic account, lines link to their order")
    parser.add_argument("--fieldservice-timesheet", action="store_true",
                        help="emulate OCA fieldservice_timesheet (18-19): orders list their "
                             "timesheet lines")
    parser.add_argument("--fieldservice-activity", action="store_true",
                        help="emulate OCA fieldservice_activity (15-19): orders get the "
                             "activities (checklist) of their template")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from . import start_in_thread
    from .demo import TOTP_USER, USERS
    from .totp import demo_secret
    started = time.perf_counter()
    handle = start_in_thread(port=args.port, data_path=args.data, version=args.odoo_version,
                             latency_ms=args.latency_ms, today=args.today, quiet=args.quiet,
                             host=args.host, fieldservice_project=args.fieldservice_project,
                             addons=[name for name, on in (
                                 ("fieldservice_account_analytic",
                                  args.fieldservice_account_analytic),
                                 ("fieldservice_timesheet", args.fieldservice_timesheet),
                                 ("fieldservice_activity", args.fieldservice_activity)) if on])
    keys = handle.api_keys
    lines = [f"Odoo emulator (Odoo {handle.version}) listening on {handle.url}",
             f"  database: {handle.db}   data: {handle.data_path}   "
             f"ready in {time.perf_counter() - started:.2f}s",
             "  demo logins (login = password) and API keys:"]
    for login, name, tz, email, _ in USERS:
        lines.append(f"    {login:<8} {keys.get(login, ''):<40} {name} ({tz}"
                     f"{', no email' if not email else ''})")
    lines.append(f"    {TOTP_USER[0]:<8} two-factor login, TOTP secret {demo_secret(TOTP_USER[0])} "
                 f"({TOTP_USER[1]})")
    print("\n".join(lines), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
        handle.stop()


if __name__ == "__main__":
    main()
