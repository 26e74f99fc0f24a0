#!/usr/bin/env python3
"""Load benchmark: the app under gunicorn on PostgreSQL with a generated portfolio, driven
by wrk.

    .venv/bin/python scripts/benchmark_load.py --compacts 30
    .venv/bin/python scripts/benchmark_load.py --compacts 300 --duration 5 --rounds 2

It uses (and keeps, so a second run skips the generation) the database ``cpc_bench_<N>`` on
the server of ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432), migrates
it, loads the demo data and ``generate_portfolio --compacts N``. Then it starts gunicorn
with ``gunicorn.conf.py`` and production settings with DEBUG off (a throwaway secret key,
no HTTPS redirect since wrk speaks plain HTTP) and, as in production, one Redis cache
shared by every gunicorn process (``--redis-url``, database 15 of the local server by
default, emptied first; ``--redis-url ''`` for each process's own memory cache), signs in
as ``tip.staff`` and runs wrk (8 connections, ``--duration`` seconds) on each endpoint,
each run preceded by a run on the floor (the anonymous login page), ``--rounds`` times. It
prints requests/s, p50/p95/p99 and errors per endpoint, and each endpoint's p95 divided by
the p95 of the floor runs made beside it in the same run. Last, the floor measured by one
connection: quiet, while 8 connections load the dashboard, and while 8 connections load
the floor itself (what any load that fills the machine costs), ``--floor-rounds`` times
each; and the floor's run that starts as the dashboard's ends (what a slow page leaves
queued).
As the Compose proxy (deploy/nginx.conf) routes them, requests without a sign-in (the floor,
``/healthz``) go to a gunicorn pool of their own, two processes on ``--port`` + 1;
``--no-public-pool`` serves every request from one pool.
Needs ``wrk`` (Debian: apt-get install wrk).
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
FLOOR = "floor: /accounts/login/ (anonymous)"
# The processes of the pool for requests without a sign-in: web-public's GUNICORN_WORKERS
# in docker-compose.yml (tests/test_deploy_config.py holds the two equal).
PUBLIC_POOL_WORKERS = 2

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d p50=%d p95=%d p99=%d "
    .. "socket_errors=%d status_errors=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def run(args, env, **kwargs):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stdout[-2000:]}"
                 f"{result.stderr[-3000:]}")
    return result.stdout


def ensure_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def prepare(env, compacts: int, seed: int) -> None:
    manage = [str(PYTHON), "manage.py"]
    print("Migrating, loading the demo data and the generated portfolio...", flush=True)
    run([*manage, "migrate", "--noinput", "-v0"], env)
    run([*manage, "collectstatic", "--noinput", "-v0"], env)
    run([*manage, "seed_demo", "--force"], env)
    started = time.monotonic()
    out = run([*manage, "generate_portfolio", "--compacts", str(compacts), "--seed", str(seed),
               "--force"], env)
    print(f"  {out.strip().splitlines()[-1]} ({time.monotonic() - started:.0f} s)", flush=True)


def request(port, method, path, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def cookies_of(response) -> dict:
    found = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
    return found


def sign_in(port: int, username: str, password: str) -> str:
    """The Cookie header of a signed-in session (the session cookie is marked Secure, so a
    cookie jar would not send it over plain HTTP; wrk is given the header as it is)."""
    response, page = request(port, "GET", "/accounts/login/")
    jar = cookies_of(response)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token})
    response, _ = request(port, "POST", "/accounts/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        "Origin": f"http://127.0.0.1:{port}", "Referer": f"http://127.0.0.1:{port}/"})
    jar |= cookies_of(response)
    if response.status != 302 or "sessionid" not in jar:
        sys.exit(f"Signing in failed: HTTP {response.status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def wait_until_up(port: int, process) -> None:
    for _ in range(150):
        if process.poll() is not None:
            sys.exit("gunicorn exited before answering.")
        try:
            response, _ = request(port, "GET", "/healthz")
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz within 30 s.")


def wrk_command(port, path, cookie, duration, connections, script) -> list[str]:
    args = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s",
            "--timeout", "30s", "-s", str(script)]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    return [*args, f"http://127.0.0.1:{port}{path}"]


def wrk(port, path, cookie, duration, connections, script) -> dict:
    out = subprocess.run(wrk_command(port, path, cookie, duration, connections, script),
                         capture_output=True, text=True, check=True).stdout
    return wrk_figures(out)


def floor_during(port, floor_port, path, cookie, duration, connections,
                 script) -> tuple[dict, dict]:
    """The floor (on ``floor_port``) measured by one connection while ``connections`` load
    ``path`` (on ``port``): how much a busy page slows the rest of the site. Returns (the
    floor's figures, the page's)."""
    page = subprocess.Popen(wrk_command(port, path, cookie, duration, connections, script),
                            stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)  # the page's load is under way before the floor is measured
    floor = wrk(floor_port, "/accounts/login/", None, max(1, duration - 1), 1, script)
    out, _ = page.communicate()
    if page.returncode != 0:
        sys.exit(f"wrk on {path} failed")
    return floor, wrk_figures(out)


def wrk_figures(out: str) -> dict:
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    fields = dict(item.split("=") for item in line.split()[1:])
    figures = {k: int(v) for k, v in fields.items()}
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def main() -> None:
    options = _options()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    database = f"cpc_bench_{options.compacts}"
    ensure_database(server, database)
    work = Path(tempfile.mkdtemp(prefix="cpc-bench-"))
    password = secrets.token_urlsafe(16)
    env = _environment(options, server, database, work, password)
    prepare(env, options.compacts, options.seed)

    ids = run([str(PYTHON), "manage.py", "shell", "-c",
               "from compacts.models import Compact; "
               "c = Compact.objects.filter(title__startswith='Generated compact', "
               "status='active').order_by('pk').first(); print('ID', c.pk)"], env)
    compact = int(re.search(r"ID (\d+)", ids).group(1))
    endpoints = [
        ("/healthz", False), ("/", True), (f"/compacts/{compact}/", True),
        (f"/indicators/compact/{compact}/", True), (f"/contributions/compacts/{compact}/", True),
        ("/contributions/", True), ("/api/v1/results/", True), ("/api/v1/compacts/", True),
        ("/api/v1/dialogues/", True),
    ]

    script = work / "report.lua"
    script.write_text(WRK_SCRIPT)
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (closed at the end)

    def gunicorn(port, environment):
        return subprocess.Popen(
            [str(GUNICORN), "cpc.wsgi:application", "-c", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)

    servers = [gunicorn(options.port, env)]
    # Where requests without a sign-in go: the same pool, or (as deploy/nginx.conf routes
    # them) a pool of their own.
    public = options.port
    if options.public_pool:
        public = options.port + 1
        servers.append(gunicorn(public, env | {"GUNICORN_WORKERS": str(PUBLIC_POOL_WORKERS)}))
    print(f"Pools: signed-in requests on :{options.port}, the others on :{public} "
          f"({PUBLIC_POOL_WORKERS} processes)"
          if options.public_pool else "Pools: one for every request", flush=True)
    try:
        wait_until_up(options.port, servers[0])
        wait_until_up(public, servers[-1])
        cookie = sign_in(options.port, "tip.staff", password)
        _check_endpoints(options.port, endpoints, cookie, work)
        results, floors_beside = _rounds(options, endpoints, cookie, script)
        floor_runs = _floor_runs(options, public, cookie, script)
        report(results, floors_beside, options)
        _report_floor(options, floor_runs)
        _report_after_dashboard(options, endpoints, results, floors_beside)
    finally:
        for server_process in servers:
            os.killpg(server_process.pid, signal.SIGTERM)
            server_process.wait(timeout=30)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compacts", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--floor-rounds", type=int, default=7,
                        help="rounds of the floor with one connection, quiet and under load "
                        "(single slow requests move one round's p95: the median of several)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--public-pool", action=argparse.BooleanOptionalAction, default=True,
                        help="serve requests without a sign-in (the floor, /healthz) from a "
                        "gunicorn pool of their own on --port + 1, as the Compose proxy does")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15",
                        help="the shared cache, emptied first ('' for per-process memory)")
    return parser.parse_args()


def _environment(options, server: str, database: str, work: Path, password: str) -> dict:
    """Production settings on the benchmark's database, without HTTPS (wrk speaks plain
    HTTP), with the shared cache emptied first."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "cpc.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1:8000",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{server}/{database}",
        "DEMO_PASSWORD": password,
        "PRIVATE_STORAGE_ROOT": str(ROOT / "var" / f"bench-private-{options.compacts}"),
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "CELERY_BROKER_DIR": str(work / "broker"),
        "GUNICORN_ACCESS_LOG": "",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if options.redis_url:
        import redis

        # Emptied: cache keys name the records version, which another benchmark database
        # may share.
        redis.Redis.from_url(options.redis_url).flushdb()
        env["REDIS_URL"] = options.redis_url
    return env


def _check_endpoints(port: int, endpoints, cookie: str, work: Path) -> None:
    for path, signed_in in endpoints:
        response, body = request(port, "GET", path,
                                 headers={"Cookie": cookie} if signed_in else {})
        print(f"  {path}: HTTP {response.status}, {len(body):,} bytes", flush=True)
        if response.status != 200:
            sys.exit(f"{path} answered {response.status}; see {work / 'gunicorn.log'}")


def _rounds(options, endpoints, cookie: str, script: Path) -> tuple[dict, dict]:
    """Every page beside the floor in the same pool (the floor: the site's chrome in the
    same processes as the pages)."""
    results = {FLOOR: []} | {path: [] for path, _ in endpoints}
    floors_beside = {path: [] for path, _ in endpoints}
    for round_number in range(options.rounds):
        print(f"Round {round_number + 1} of {options.rounds}...", flush=True)
        for path, signed_in in endpoints:
            floor = wrk(options.port, "/accounts/login/", None, options.duration,
                        options.connections, script)
            results[FLOOR].append(floor)
            floors_beside[path].append(floor)
            results[path].append(wrk(options.port, path, cookie if signed_in else None,
                                     options.duration, options.connections, script))
    return results, floors_beside


def _floor_runs(options, public: int, cookie: str, script: Path) -> dict:
    """The floor with one connection: quiet, while 8 connections load the dashboard, and
    while 8 connections load the floor itself (what any load that fills the machine costs,
    whatever the page), alternately; in the signed-in pool (what a signed-in reader's cheap
    page suffers) and in the public pool (where the proxy sends it)."""
    pools = {"the signed-in pool": options.port}
    if options.public_pool:
        pools["the public pool"] = public
    floor_runs = {name: ([], [], []) for name in pools}
    for _ in range(options.floor_rounds):
        for name, port in pools.items():
            quiet, during, during_floor = floor_runs[name]
            quiet.append(wrk(port, "/accounts/login/", None, options.duration, 1, script))
            during.append(floor_during(options.port, port, "/", cookie, options.duration,
                                       options.connections, script)[0])
            during_floor.append(floor_during(port, port, "/accounts/login/", None,
                                             options.duration, options.connections,
                                             script)[0])
    return floor_runs


def _report_floor(options, floor_runs: dict) -> None:
    for name, (quiet, during, during_floor) in floor_runs.items():
        quiet_p95 = statistics.median(r["p95"] for r in quiet)
        print(f"\nThe floor with 1 connection in {name}: p95 {quiet_p95 / 1000:.1f} ms "
              f"quiet (errors {sum(r['socket_errors'] + r['status_errors'] for r in quiet)})")
        for label, runs in (("the dashboard", during),
                            (f"the floor itself in {name}", during_floor)):
            p95 = statistics.median(r["p95"] for r in runs)
            each = ", ".join(f"{r['p95'] / quiet_p95:.1f}" for r in runs)
            print(f"  while {options.connections} connections load {label}: p95 "
                  f"{p95 / 1000:.1f} ms, {p95 / quiet_p95:.1f}x quiet (rounds: {each}; errors "
                  f"{sum(r['socket_errors'] + r['status_errors'] for r in runs)})")


def _report_after_dashboard(options, endpoints, results: dict, floors_beside: dict) -> None:
    """What a slow page leaves behind (requests still queued when its run ends): the floor
    run that starts as the dashboard's ends, against every floor run."""
    paths = [path for path, _ in endpoints]
    after = statistics.median(r["p95"] for r in floors_beside[paths[paths.index("/") + 1]])
    every = statistics.median(r["p95"] for r in results[FLOOR])
    print(f"\nThe floor ({options.connections} connections) right after the dashboard's "
          f"run: p95 {after / 1000:.1f} ms against {every / 1000:.1f} ms for every floor "
          f"run: {after / every:.1f}x")


def report(results, floors_beside, options) -> None:
    def median(runs, key):
        return statistics.median(run[key] for run in runs)

    print(f"\n{options.compacts} generated compacts (plus the demo's), wrk "
          f"{options.connections} connections, {options.rounds} x {options.duration} s per "
          f"endpoint, each beside a floor run; cache: "
          f"{options.redis_url or 'per-process memory'}; the floor in the pages' pool\n")
    # Beside: against the floor runs just before the endpoint's; all: against every floor
    # run of the benchmark (steadier when other work shares the machine).
    floor_p95 = median(results[FLOOR], "p95")
    print("| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | p95 / floor p95 beside "
          "| p95 / floor p95 all |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for path, runs in results.items():
        errors = sum(r["socket_errors"] + r["status_errors"] for r in runs)
        beside = "1.0" if path == FLOOR else (
            f"{median(runs, 'p95') / median(floors_beside[path], 'p95'):.1f}")
        print(f"| {path} | {statistics.mean(r['rps'] for r in runs):.0f} | "
              f"{median(runs, 'p50') / 1000:.1f} | {median(runs, 'p95') / 1000:.1f} | "
              f"{median(runs, 'p99') / 1000:.1f} | {errors} | {beside} | "
              f"{median(runs, 'p95') / floor_p95:.1f} |")


if __name__ == "__main__":
    main()
