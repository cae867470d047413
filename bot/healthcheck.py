"""`python -m bot.healthcheck [--wait SECONDS]`: ask the running bot's /healthz.

For systemd (deploy/): exit 0 when the bot answers 200, 1 when it answers 503 or not at all
(the line printed says what fails). It reads the same settings as the bot (the environment
and `.env`): the webhook's address, or METRICS_HOST and METRICS_PORT. Where neither is set
there is nothing to ask: it says so and exits 0. With --wait it asks again each second for
that long until the bot is healthy, for the time the bot needs to start.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request

from dotenv import load_dotenv

from bot.config import ConfigError, load_monitoring, load_webhook

REQUEST_TIMEOUT_S = 5.0
# A server listening on every address is asked on this machine's own.
ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1"}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.healthcheck")
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait for health")
    wait = parser.parse_args().wait
    load_dotenv()
    try:
        url = healthz_url()
    except ConfigError as error:
        print(f"mentorbro: {error}", file=sys.stderr)
        return 2
    if url is None:
        print("mentorbro: no METRICS_PORT and no webhook: there is no /healthz to ask")
        return 0
    deadline = time.monotonic() + wait
    while True:
        healthy, said = ask(url)
        if healthy or time.monotonic() >= deadline:
            print(f"mentorbro: {said}", file=sys.stdout if healthy else sys.stderr)
            return 0 if healthy else 1
        time.sleep(1)


def healthz_url() -> str | None:
    webhook = load_webhook(os.environ)
    monitoring = load_monitoring(os.environ)
    if webhook is not None:
        host, port = webhook.listen, webhook.port
    elif monitoring is not None:
        host, port = monitoring.host, monitoring.port
    else:
        return None
    host = ANY_ADDRESS.get(host, host)
    return f"http://[{host}]:{port}/healthz" if ":" in host else f"http://{host}:{port}/healthz"


def ask(url: str) -> tuple[bool, str]:
    """Whether /healthz answered 200, and its body (or why there was none)."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_S) as response:
            return True, response.read().decode()
    except urllib.error.HTTPError as error:
        return False, error.read().decode()
    except OSError as error:
        return False, f"{url}: {error}"


if __name__ == "__main__":
    sys.exit(main())
