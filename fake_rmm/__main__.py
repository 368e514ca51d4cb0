"""python -m fake_rmm --port 8180 [--token demo-token]: a fake RMM API for the demo."""
import argparse
import time

from . import DEMO_TOKEN, start_in_thread


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8180)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--token", default=DEMO_TOKEN)
    args = parser.parse_args()
    handle = start_in_thread(port=args.port, token=args.token, host=args.host)
    print(f"Fake RMM API at {handle.url} (token {args.token!r}); Ctrl+C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        handle.stop()


if __name__ == "__main__":
    main()
