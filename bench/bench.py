#!/usr/bin/python3
"""eventd's benchmark: every scenario of issue 10 against its reference, in one run.

Started by bench/run (which installs the tools and builds eventd in Release first); see
bench/README.md. Standard library only; talks to the tools it starts through their own
command lines. Everything it makes lives under var/bench/ (ignored by git), except the
results: bench/results/latest.{md,json} and a dated copy of each.
"""
from __future__ import annotations

import concurrent.futures
import datetime
import hashlib
import http.client
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = ROOT / "var" / "bench"
LOGS = VAR / "logs"
RESULTS = BENCH / "results"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_ints(name: str, default: list[int]) -> list[int]:
    value = os.environ.get(name, "")
    return [int(v) for v in value.split(",") if v.strip()] if value.strip() else default


DURATION = env_int("BENCH_DURATION", 10)  # seconds measured, per side and round
WARMUP = env_int("BENCH_WARMUP", 3)  # seconds of the same load before each measurement
ROUNDS = env_int("BENCH_ROUNDS", 3)  # A/B alternations
CONNECTIONS = env_int("BENCH_CONNECTIONS", 64)
WRK_THREADS = env_int("BENCH_WRK_THREADS", 2)
EVENTS = env_int("BENCH_EVENTS", 100_000)
REGISTRATIONS = env_int("BENCH_REGISTRATIONS", 1_000_000)
FEED_IDS = env_int("BENCH_FEED_IDS", 10_000)  # distinct event feeds requested
RADICALE_FEEDS = env_int("BENCH_RADICALE_FEEDS", 200)
IDLE_CONNECTIONS = env_int("BENCH_IDLE_CONNECTIONS", 10_000)
RUSH_CLIENTS = env_ints("BENCH_RUSH_CLIENTS", [64, 256])  # client counts of the rush (wrk connections, pgbench clients)
RUSH_INSTANCES = env_ints("BENCH_RUSH_INSTANCES", [1, 2])  # eventd instances (2: behind nginx, deploy/nginx.conf)
RUSH_SEATS = env_int("BENCH_RUSH_SEATS", 1_000)
RUSH_P99_CLIENTS = env_int("BENCH_RUSH_P99_CLIENTS", 256)  # the rush's p99 goal holds from this many clients on
RUSH_P99_MS = 1000
RUSH_FILL_LIMIT = env_int("BENCH_RUSH_FILL_LIMIT", 180)  # seconds to go on until the event is full
GET_CLIENTS = env_int("BENCH_GET_CLIENTS", 32)
SLOW_HOLDERS = env_int("BENCH_SLOW_HOLDERS", 12)
EVENTD_THREADS = env_int("BENCH_EVENTD_THREADS", 2)
EVENTD_POOL = env_int("BENCH_EVENTD_POOL", 4)
ONLY = {s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()}

PG_PORT = env_int("BENCH_PG_PORT", 54330)
EVENTD_PORT = env_int("BENCH_EVENTD_PORT", 18300)
EVENTD_SMALL_PORT = EVENTD_PORT + 1
NGINX_PORT = EVENTD_PORT + 10
PLATFORMATIC_PORT = EVENTD_PORT + 20
RADICALE_PORT = EVENTD_PORT + 30
CLUSTER_PORTS = (EVENTD_PORT + 2, EVENTD_PORT + 3)  # the rush's two instances behind nginx
CLUSTER_PORT = EVENTD_PORT + 40  # their nginx
DB = "eventd_bench"
DB_SMALL = "eventd_bench_small"
EVENTD = Path(os.environ.get("BENCH_EVENTD", str(ROOT / "build-release" / "src" / "app" / "eventd")))
PUBLIC = (EVENTS // 20) * 19 + sum(1 for n in range(EVENTS // 20 * 20 + 1, EVENTS + 1) if n % 20 != 7)


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


# --------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------

class Service:
    """A server the bench started: stopped (process group and all) when the bench ends."""

    running: list["Service"] = []

    def __init__(self, name: str, command: list[str], env: Optional[dict] = None, cwd: Optional[Path] = None):
        self.name = name
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"{name}.log"
        self.log_file = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, stdout=self.log_file, stderr=subprocess.STDOUT,
                                        env={**os.environ, **(env or {})}, cwd=cwd, start_new_session=True)
        Service.running.append(self)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait()
        self.log_file.close()
        if self in Service.running:
            Service.running.remove(self)

    @classmethod
    def stop_all(cls) -> None:
        for service in list(reversed(cls.running)):
            service.stop()


def wait_for_port(port: int, what: str, timeout: float = 60, process: Optional[Service] = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process and process.process.poll() is not None:
            raise RuntimeError(f"{what} exited: see {process.log_path}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def http_get(port: int, path: str, headers: Optional[dict] = None, method: str = "GET",
             body: Optional[bytes] = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


class Memory:
    """Peak memory of a server while it is measured, in MiB. A single process (eventd) is
    read exactly: its high-water mark (VmHWM), reset at the start. A group of processes
    (nginx, PostgreSQL, ...) is sampled every 100 ms as the sum of their proportional set
    sizes (Pss), which counts shared memory once."""

    def __init__(self, pids: Callable[[], list[int]], single: bool):
        self.pids, self.single = pids, single
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def __enter__(self):
        if self.single:
            pid = self.pids()[0]
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM
            except OSError:
                pass
        else:
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self.pids():
                try:
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            total += int(line.split()[1])
                except OSError:
                    continue
            self.peak_kib = max(self.peak_kib, total)
            self._stop.wait(0.1)

    def __exit__(self, *exc):
        if self.single:
            status = Path(f"/proc/{self.pids()[0]}/status").read_text()
            self.peak_kib = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
        else:
            self._stop.set()
            self._thread.join()

    @property
    def mib(self) -> float:
        return round(self.peak_kib / 1024, 1)


# --------------------------------------------------------------------------------------
# PostgreSQL and the data set
# --------------------------------------------------------------------------------------

def as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--"] + command
    return subprocess.run(command, check=True, **kwargs)


def psql(database: str, sql: Optional[str] = None, file: Optional[Path] = None, variables: Optional[dict] = None,
         quiet: bool = True) -> str:
    command = ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", database, "-X",
               "-v", "ON_ERROR_STOP=1", "-At"]
    for key, value in (variables or {}).items():
        command += ["-v", f"{key}={value}"]
    command += ["-c", sql] if sql is not None else ["-f", str(file)]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return result.stdout.strip()


PG_DIR = VAR / "pg"


def start_postgres() -> None:
    data = PG_DIR / "data"
    PG_DIR.mkdir(parents=True, exist_ok=True)
    if os.getuid() == 0:
        shutil.chown(PG_DIR, "postgres")
    if not (data / "PG_VERSION").exists():
        log("creating the bench's PostgreSQL cluster")
        as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--encoding=UTF8",
                     "--locale=C.UTF-8"], stdout=subprocess.DEVNULL)
    status = subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(data), "status"]
                            if os.getuid() == 0 else [str(PG_BIN / "pg_ctl"), "-D", str(data), "status"],
                            capture_output=True)
    if status.returncode == 0:
        as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL)
    options = " ".join([
        f"-p {PG_PORT}", "-c listen_addresses=127.0.0.1", f"-k {PG_DIR}", "-c max_connections=500",
        "-c shared_buffers=1GB", "-c shared_preload_libraries=pg_stat_statements",
        "-c pg_stat_statements.track_utility=on", "-c max_wal_size=4GB", "-c checkpoint_timeout=30min",
    ])
    as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(PG_DIR / "postgresql.log"), "-w", "-t", "120",
                 "-o", options, "start"], stdout=subprocess.DEVNULL)
    log(f"PostgreSQL 15 on 127.0.0.1:{PG_PORT}")


def stop_postgres() -> None:
    try:
        as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(PG_DIR / "data"), "-m", "fast", "-w", "stop"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        pass


def postmaster_pid() -> int:
    return int((PG_DIR / "data" / "postmaster.pid").read_text().split()[0])


def data_fingerprint(small: bool) -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "schema").glob("*.sql")) + [BENCH / "sql" / "load.sql",
                                                         BENCH / "sql" / "registrations.sql"]:
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(f"{EVENTS} {REGISTRATIONS} {small}".encode())
    return digest.hexdigest()[:16]


def load_database(name: str, small: bool) -> None:
    """Creates and loads `name` unless it holds this very data set already (same schema,
    same generator, same sizes): loading takes minutes, and a rerun should not."""
    fingerprint = data_fingerprint(small)
    exists = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    if exists:
        try:
            if psql(name, "SELECT value FROM bench_meta WHERE key = 'fingerprint'") == fingerprint:
                log(f"{name}: data set already loaded ({fingerprint})")
                return
        except subprocess.CalledProcessError:
            pass
        psql("postgres", f"DROP DATABASE {name} WITH (FORCE)")
    log(f"{name}: loading {'~1,000' if small else f'{EVENTS:,}'} events ...")
    started = time.time()
    psql("postgres", f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
    url = f"postgresql://postgres@127.0.0.1:{PG_PORT}/{name}"
    subprocess.run([str(EVENTD), "migrate", "--database-url", url], check=True, capture_output=True)
    psql(name, file=BENCH / "sql" / "load.sql", variables={"events": EVENTS, "small": int(small)})
    if (ROOT / "schema" / "004_registrations.sql").exists():
        # The same registrations per event in both databases: base or base + 1 each.
        base, extra = divmod(REGISTRATIONS, PUBLIC)
        psql(name, file=BENCH / "sql" / "registrations.sql",
             variables={"base": base, "extra": extra, "public": PUBLIC})
    psql(name, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; "
               "CREATE TABLE bench_meta (key text PRIMARY KEY, value text); "
               f"INSERT INTO bench_meta VALUES ('fingerprint', '{fingerprint}')")
    psql(name, "VACUUM ANALYZE")
    counts = psql(name, "SELECT (SELECT count(*) FROM events) || ' events, ' || (SELECT count(*) FROM sessions) "
                        "|| ' sessions, ' || (SELECT count(*) FROM session_speakers) || ' speaker slots, ' || "
                        "(SELECT count(*) FROM organisations) || ' organisations, ' || "
                        "coalesce((SELECT count(*) FROM registrations)::text, 'no') || ' registrations'")
    log(f"{name}: {counts} in {time.time() - started:.0f} s")


def md5_uuid(text: str) -> str:
    """PostgreSQL's md5(text)::uuid, as bench/sql/load.sql makes ids."""
    h = hashlib.md5(text.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def event_id(n: int) -> str:
    return md5_uuid(f"bench-event-{n}")


RUSH_ORGANISER = md5_uuid("bench-org-1")


def public_event_numbers() -> list[int]:
    """The same mapping as bench/sql/get_event.pgbench: k in [0, PUBLIC) → n (skipping drafts)."""
    out = []
    for k in range(PUBLIC):
        r = k % 19
        out.append((k // 19) * 20 + r + 1 + (1 if r >= 6 else 0))
    return out


# --------------------------------------------------------------------------------------
# The servers
# --------------------------------------------------------------------------------------

def start_eventd(name: str, port: int, database: str, extra_env: Optional[dict] = None) -> Service:
    env = {
        "EVENTD_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{PG_PORT}/{database}",
        "EVENTD_LISTEN": f"127.0.0.1:{port}",
        "EVENTD_THREADS": str(EVENTD_THREADS),
        "EVENTD_DB_POOL": str(EVENTD_POOL),
        # one client address registers thousands of times a second here
        "EVENTD_RATE_LIMIT_PER_MINUTE": "0",
        # the idle scenario holds IDLE_CONNECTIONS open beside the active load (EVENTD_MAX_CONNECTIONS
        # would refuse the active load's connections at its default of 10,000)
        "EVENTD_MAX_CONNECTIONS": str(IDLE_CONNECTIONS + 4 * CONNECTIONS),
        **(extra_env or {}),
    }
    service = Service(name, [str(EVENTD), "serve"], env=env)
    wait_for_port(port, name, process=service)
    for _ in range(100):
        if http_get(port, "/readyz")[0] == 200:
            break
        time.sleep(0.2)
    return service


def start_nginx(root: Path) -> Service:
    prefix = VAR / "nginx"
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    config = prefix / "nginx.conf"
    config.write_text(f"""
user root;
worker_processes {EVENTD_THREADS};
pid {prefix}/nginx.pid;
error_log {LOGS}/nginx-error.log warn;
events {{ worker_connections 20000; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  open_file_cache max=50000 inactive=120s;
  open_file_cache_valid 120s;
  types {{ text/calendar ics; }}
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/calendar;
  client_body_temp_path {prefix}/tmp/body;
  proxy_temp_path {prefix}/tmp/proxy;
  fastcgi_temp_path {prefix}/tmp/fastcgi;
  uwsgi_temp_path {prefix}/tmp/uwsgi;
  scgi_temp_path {prefix}/tmp/scgi;
  server {{
    listen 127.0.0.1:{NGINX_PORT};
    root {root};
    location / {{ add_header Cache-Control "public, max-age=300"; }}
  }}
}}
""")
    service = Service("nginx", ["nginx", "-c", str(config), "-p", str(prefix), "-g", "daemon off;"])
    wait_for_port(NGINX_PORT, "nginx", process=service)
    return service


def start_cluster_nginx() -> Service:
    """nginx in front of the rush's two instances: deploy/nginx.conf itself (the file
    deploy/cluster renders and the `cluster` test runs through), with the bench's ports on
    its three lines marked "# cluster: ...", inside a main configuration like deploy/cluster's
    (one worker process), access log off."""
    prefix = VAR / "nginx-cluster"
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    marks = {"# cluster: instance a": (r"127\.0\.0\.1:\d+", f"127.0.0.1:{CLUSTER_PORTS[0]}"),
             "# cluster: instance b": (r"127\.0\.0\.1:\d+", f"127.0.0.1:{CLUSTER_PORTS[1]}"),
             "# cluster: listen": (r"listen \d+;", f"listen 127.0.0.1:{CLUSTER_PORT};")}
    lines, replaced = [], 0
    for line in (ROOT / "deploy" / "nginx.conf").read_text().splitlines():
        for mark, (pattern, value) in marks.items():
            if line.rstrip().endswith(mark):
                line, n = re.subn(pattern, value, line)
                replaced += n
        lines.append(line)
    if replaced != len(marks):
        raise RuntimeError("deploy/nginx.conf lost a '# cluster:' marker; cannot render it")
    (prefix / "eventd.conf").write_text("\n".join(lines) + "\n")
    config = prefix / "nginx.conf"
    config.write_text(f"""
user root;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {LOGS}/nginx-cluster-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/tmp/body;
  proxy_temp_path {prefix}/tmp/proxy;
  fastcgi_temp_path {prefix}/tmp/fastcgi;
  uwsgi_temp_path {prefix}/tmp/uwsgi;
  scgi_temp_path {prefix}/tmp/scgi;
  include {prefix}/eventd.conf;
}}
""")
    service = Service("nginx-cluster", ["nginx", "-c", str(config), "-p", str(prefix), "-g", "daemon off;"])
    wait_for_port(CLUSTER_PORT, "nginx (cluster)", process=service)
    return service


def nginx_etag(path: Path) -> str:
    stat = path.stat()
    return f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'


def start_radicale(feeds: list[tuple[str, Path]]) -> Service:
    home = VAR / "radicale"
    shutil.rmtree(home, ignore_errors=True)
    (home / "collections").mkdir(parents=True)
    (home / "config").write_text(f"""[server]
hosts = 127.0.0.1:{RADICALE_PORT}
max_connections = 256
[auth]
type = none
[rights]
type = authenticated
[storage]
filesystem_folder = {home}/collections
[web]
type = none
[logging]
level = warning
""")
    service = Service("radicale", ["/usr/bin/radicale", "--config", str(home / "config")])
    wait_for_port(RADICALE_PORT, "Radicale", process=service)
    status = http_get(RADICALE_PORT, "/bench/", method="MKCOL")[0]
    if status != 201:
        raise RuntimeError(f"Radicale: MKCOL /bench/ answered {status}")
    for identifier, path in feeds:
        status = http_get(RADICALE_PORT, f"/bench/{identifier}/", method="PUT", body=path.read_bytes(),
                          headers={"Content-Type": "text/calendar; charset=utf-8"})[0]
        if status not in (200, 201):
            raise RuntimeError(f"Radicale: PUT /bench/{identifier}/ answered {status}")
    return service


def start_platformatic() -> Service:
    home = VAR / "platformatic"
    home.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        source = BENCH / "platformatic" / name
        if not (home / name).exists() or (home / name).read_bytes() != source.read_bytes():
            shutil.copy(source, home / name)
            shutil.rmtree(home / "node_modules", ignore_errors=True)
    if not (home / "node_modules" / "@platformatic" / "db").exists():
        log("installing @platformatic/db (npm ci) ...")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=home, check=True,
                       capture_output=True)
    (home / "migrations").mkdir(exist_ok=True)
    (home / "platformatic.json").write_text(json.dumps({
        "server": {"hostname": "127.0.0.1", "port": PLATFORMATIC_PORT, "logger": {"level": "warn"}},
        "db": {"connectionString": f"postgres://postgres@127.0.0.1:{PG_PORT}/{DB}", "graphql": False,
               "openapi": True, "events": False},
        "migrations": {"dir": "./migrations", "autoApply": False},
    }, indent=2))
    service = Service("platformatic", ["node", "node_modules/@platformatic/db/db.mjs", "start", "-c",
                                       "platformatic.json"], cwd=home)
    wait_for_port(PLATFORMATIC_PORT, "@platformatic/db", timeout=180, process=service)
    return service


# --------------------------------------------------------------------------------------
# Load generators
# --------------------------------------------------------------------------------------

@dataclass
class Measurement:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    peak_rss_mib: Optional[float] = None
    extra: dict = field(default_factory=dict)


def wrk(port: int, path: str, script: str, args: list[str], connections: int, seconds: int) -> Measurement:
    result = VAR / "wrk-result.json"
    result.unlink(missing_ok=True)
    threads = max(1, min(WRK_THREADS, connections))
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(BENCH / "wrk" / script), f"http://127.0.0.1:{port}{path}", "--", *args]
    run = subprocess.run(command, env={**os.environ, "WRK_RESULT": str(result)}, capture_output=True, text=True,
                         timeout=seconds + 120)
    if run.returncode != 0 or not result.exists():
        raise RuntimeError(f"wrk failed: {run.stderr or run.stdout}")
    data = json.loads(result.read_text())
    errors = sum(data["errors"].values())
    extra = {"errors": data["errors"]}
    for key in ("statuses", "decisions"):  # register.lua's
        if key in data:
            extra[key] = data[key]
    return Measurement(requests_per_s=data["requests"] / (data["duration_us"] / 1e6),
                       p50_ms=data["latency_us"]["p50"] / 1000, p99_ms=data["latency_us"]["p99"] / 1000,
                       requests=data["requests"], errors=errors, extra=extra)


def rush_wrk(port: int, identifier: str, tag: str, clients: int, seconds: int) -> Measurement:
    """wrk's registration rush for one event. The rate counts registrations (answers 201,
    confirmed or waitlisted), not answers; every other answer and every socket error or
    timeout is an error, counted by status in extra["statuses"]."""
    m = wrk(port, f"/v1/events/{identifier}/registrations", "register.lua", [tag], clients, seconds)
    statuses = m.extra.get("statuses", {})
    created = statuses.get("201", 0)
    seconds_measured = m.requests / m.requests_per_s if m.requests_per_s else float(seconds)
    socket_errors = sum(v for k, v in m.extra["errors"].items() if k != "status")
    m.extra["answers_per_s"] = round(m.requests_per_s, 1)
    m.extra["seconds"] = round(seconds_measured, 2)
    m.requests_per_s = created / seconds_measured if seconds_measured else 0.0
    m.errors = m.requests - created + socket_errors
    return m


def pgbench(script: str, clients: int, seconds: int, database: str, variables: dict) -> Measurement:
    logs = VAR / "pgbench"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    # pgbench's -T counts the time its clients take to connect (2-3 s for 256 on a busy
    # machine), which its rate leaves out: that time is added, so the rate is measured over
    # about `seconds`.
    connecting = math.ceil(clients / 100)
    command = ["pgbench", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-n", "-M", "prepared",
               "-c", str(clients), "-j", str(min(2, clients)), "-T", str(seconds + connecting),
               "-f", str(BENCH / "sql" / script),
               "-l", "--log-prefix", str(logs / "tx")]
    for key, value in variables.items():
        command += ["-D", f"{key}={value}"]
    run = subprocess.run(command + [database], capture_output=True, text=True, timeout=seconds + connecting + 120)
    if run.returncode != 0:
        raise RuntimeError(f"pgbench failed: {run.stderr}")
    found = re.search(r"tps = ([\d.]+) \(without initial connection time\)", run.stdout)
    if not found:
        raise RuntimeError(f"pgbench: no rate in its output: {run.stdout[-500:]} {run.stderr[-500:]}")
    tps = float(found.group(1))
    failed = re.search(r"number of failed transactions: (\d+)", run.stdout)
    latencies = []
    for path in logs.iterdir():
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[2].isdigit():
                latencies.append(int(parts[2]))
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] / 1000 if latencies else 0.0

    return Measurement(requests_per_s=tps, p50_ms=pct(0.50), p99_ms=pct(0.99), requests=len(latencies),
                       errors=int(failed.group(1)) if failed else 0)


# --------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------

@dataclass
class Side:
    label: str
    run: Callable[[int], Measurement]  # seconds → measurement
    pids: Callable[[], list[int]]  # whose memory is measured ([]: not measured)
    single_process: bool = True
    setup: Optional[Callable[[], None]] = None
    teardown: Optional[Callable[[Measurement], None]] = None  # may add to measurement.extra


@dataclass
class Scenario:
    key: str
    title: str
    goal: str
    a: Side
    b: Side
    check: Optional[Callable[[dict], tuple[Optional[bool], str]]] = None  # summary → (met, why)
    notes: list[str] = field(default_factory=list)


@dataclass
class Row:
    """One line of the table: side `a` (eventd) against side `b` (its reference), both
    sides named by their key in the Group."""
    key: str
    title: str
    goal: str
    a: str
    b: str
    check: Optional[Callable[[dict], tuple[Optional[bool], str]]] = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Group:
    """Several rows measured together: each round runs every side once, in the order
    given, so a side several rows compare with (a reference at one client count) is
    measured once per round. A Scenario is a group of two sides and one row."""
    key: str
    title: str
    sides: dict[str, Side]
    rows: list[Row]
    cleanup: Optional[Callable[[], None]] = None


def measure(side: Side, seconds: int, warmup: int) -> Measurement:
    if side.setup:
        side.setup()
    measurement: Optional[Measurement] = None
    try:
        if warmup:
            side.run(warmup)
        with Memory(side.pids, side.single_process) as memory:
            measurement = side.run(seconds)
        measurement.peak_rss_mib = memory.mib
        return measurement
    finally:
        if side.teardown:
            side.teardown(measurement if measurement else Measurement(0, 0, 0, 0, 0))


def summarise(rounds: list[Measurement]) -> dict:
    return {
        "requests_per_s": round(statistics.median(m.requests_per_s for m in rounds), 1),
        "p50_ms": round(statistics.median(m.p50_ms for m in rounds), 3),
        "p99_ms": round(statistics.median(m.p99_ms for m in rounds), 3),
        "peak_rss_mib": max((m.peak_rss_mib or 0) for m in rounds),
        "errors": sum(m.errors for m in rounds),
        "rounds": [{"requests_per_s": round(m.requests_per_s, 1), "p50_ms": round(m.p50_ms, 3),
                    "p99_ms": round(m.p99_ms, 3), "requests": m.requests, "errors": m.errors,
                    "peak_rss_mib": m.peak_rss_mib, **m.extra} for m in rounds],
    }


def run_scenario(scenario: Scenario) -> dict:
    return run_group(Group(scenario.key, scenario.title, {"a": scenario.a, "b": scenario.b},
                           [Row(scenario.key, scenario.title, scenario.goal, "a", "b", scenario.check,
                                scenario.notes)]))[0]


def run_group(group: Group) -> list[dict]:
    log(f"scenario {group.key}: {group.title}")
    rounds: dict[str, list[Measurement]] = {key: [] for key in group.sides}
    width = max(22, max(len(side.label) for side in group.sides.values()))
    try:
        for round_number in range(1, ROUNDS + 1):
            for key, side in group.sides.items():
                m = measure(side, DURATION, WARMUP)
                rounds[key].append(m)
                log(f"  round {round_number} {side.label:>{width}}: {m.requests_per_s:10.1f} req/s  p50 "
                    f"{m.p50_ms:8.3f} ms  p99 {m.p99_ms:8.3f} ms  peak {m.peak_rss_mib} MiB  errors {m.errors}")
    finally:
        if group.cleanup:
            group.cleanup()
    summaries = []
    for row in group.rows:
        a, b = group.sides[row.a], group.sides[row.b]
        summary = {"key": row.key, "title": row.title, "goal": row.goal,
                   "eventd_label": a.label, "reference_label": b.label,
                   "eventd": summarise(rounds[row.a]), "reference": summarise(rounds[row.b]), "notes": row.notes}
        reference = summary["reference"]["requests_per_s"]
        summary["ratio"] = round(summary["eventd"]["requests_per_s"] / reference, 3) if reference else None
        met, why = row.check(summary) if row.check else (None, "")
        summary["goal_met"], summary["goal_detail"] = met, why
        if len(group.rows) > 1:
            log(f"  {row.key}: {a.label} vs {b.label}")
        log(f"  → ratio {summary['ratio']}  goal {row.goal}: {'met' if met else 'MISSED' if met is False else '—'} "
            f"{why}")
        summaries.append(summary)
    return summaries


def ratio_at_least(limit: float) -> Callable[[dict], tuple[Optional[bool], str]]:
    def check(summary: dict) -> tuple[Optional[bool], str]:
        ratio = summary["ratio"] or 0
        return ratio >= limit, f"ratio {ratio:.2f} (goal ≥ {limit})"
    return check


def raise_file_limit(wanted: int) -> None:
    """Open files for eventd (and the idle-connection holder): they inherit this limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(wanted, soft), max(wanted, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        log(f"WARNING: only {soft} open files allowed; the idle-connection scenario needs {wanted}")


class Bench:
    def __init__(self):
        self.eventd: Optional[Service] = None
        self.small: Optional[Service] = None
        self.platformatic: Optional[Service] = None
        self.radicale: Optional[Service] = None
        self.cluster: list[Service] = []  # the rush's two instances and their nginx
        self.cluster_instances: list[Service] = []
        self.results: list[dict] = []
        self.skipped: list[dict] = []
        self.checks: dict = {}

    # -- data the scenarios use ----------------------------------------------------------

    def prepare_paths(self) -> None:
        numbers = public_event_numbers()
        self.events_file = VAR / "events.txt"
        self.events_file.write_text("".join(f"/v1/events/{event_id(n)}\n" for n in numbers))
        # A fixed "random" choice of events for the feeds: the same every run.
        chosen = sorted(numbers, key=lambda n: hashlib.md5(f"feed-{n}".encode()).hexdigest())[:FEED_IDS]
        self.feed_ids = [event_id(n) for n in chosen]
        self.feeds_file = VAR / "feeds.txt"
        self.feeds_file.write_text("".join(f"/v1/events/{i}/calendar.ics\n" for i in self.feed_ids))
        self.platformatic_file = VAR / "platformatic.txt"
        self.platformatic_file.write_text("".join(f"/events/{event_id(n)}\n" for n in numbers))
        lists = []
        # Seven-month windows within 2024 (which the small database holds whole for these
        # organisations): about 58 events each, so every list is a full page of 50.
        for organisation in range(1, 6):
            for month in range(1, 6):
                frm = f"2024-{month:02d}-01T00:00:00Z"
                to = f"2024-{month + 7:02d}-01T00:00:00Z"
                query = urllib.parse.urlencode({"organiser": f"bench-org-{organisation:03d}", "from": frm, "to": to,
                                                "limit": 50})
                lists.append(f"/v1/events?{query}")
        self.lists = lists
        self.lists_file = VAR / "lists.txt"
        self.lists_file.write_text("".join(f"{p}\n" for p in lists))

    def dump_feeds(self) -> None:
        """Fetches every chosen feed from eventd (which also fills its cache) and keeps the
        bytes as the static files nginx serves; notes both servers' entity tags."""
        www = VAR / "www"  # files of an earlier run are overwritten, not removed first (slow)
        etags: dict[str, str] = {}

        def fetch(identifier: str) -> None:
            path = f"/v1/events/{identifier}/calendar.ics"
            status, headers, body = http_get(EVENTD_PORT, path)
            if status != 200:
                raise RuntimeError(f"eventd answered {status} for {path}")
            target = www / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            etags[path] = headers["etag"]

        log(f"fetching {len(self.feed_ids):,} event feeds from eventd for nginx's files ...")
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(fetch, self.feed_ids))
        self.www = www
        self.revalidate_eventd = VAR / "feeds-304-eventd.txt"
        self.revalidate_eventd.write_text("".join(f"{p}\t{etags[p]}\n" for p in sorted(etags)))
        self.revalidate_nginx = VAR / "feeds-304-nginx.txt"
        self.revalidate_nginx.write_text(
            "".join(f"{p}\t{nginx_etag(www / p.lstrip('/'))}\n" for p in sorted(etags)))
        total = sum(f.stat().st_size for f in www.rglob("*.ics"))
        log(f"  {len(etags):,} feeds, {total / len(etags):,.0f} bytes on average")

    # -- checks that make the comparisons fair --------------------------------------------

    def check_same_bytes(self) -> None:
        path = f"/v1/events/{self.feed_ids[0]}/calendar.ics"
        a, b = http_get(EVENTD_PORT, path), http_get(NGINX_PORT, path)
        same = a[0] == b[0] == 200 and a[2] == b[2]
        e304 = http_get(EVENTD_PORT, path, {"If-None-Match": a[1]["etag"]})[0]
        n304 = http_get(NGINX_PORT, path, {"If-None-Match": b[1]["etag"]})[0]
        self.checks["feed_bytes_identical"] = same
        self.checks["revalidation_statuses"] = {"eventd": e304, "nginx": n304}
        if not same or e304 != 304 or n304 != 304:
            raise RuntimeError(f"feed check failed: same bytes {same}, 304s {e304}/{n304}")

    def statements_per_request(self, database: str, run: Callable[[], None], count: int) -> list[str]:
        """The statements (as pg_stat_statements normalises them) that `run` executed
        `count` times or a multiple of it."""
        psql(database, "SELECT pg_stat_statements_reset()")
        run()
        # (BEGIN and COMMIT are left out: pg_stat_statements does not see pgbench's, which it
        # sends as prepared statements; both sides run their transactions the same way.)
        rows = psql(database, f"SELECT calls, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements "
                              f"WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                              f"AND calls >= {count} AND query NOT LIKE '%pg_stat_statements%' "
                              f"AND query NOT IN ('BEGIN', 'COMMIT') ORDER BY query")
        out = []
        for line in rows.splitlines():
            calls, query = line.split("|", 1)
            out += [query] * round(int(calls) / count)
        return out

    @staticmethod
    def shape(query: str) -> str:
        """A statement with its values taken out: eventd binds values where pgbench computes
        them in SQL (md5(...), 'x' || :n), and pg_stat_statements keeps the literals of a
        statement prepared before its counters were reset; so values, literals and
        expressions made only of them all become one placeholder."""
        q = re.sub(r"'(?:[^']|'')*'", "?", query)
        q = re.sub(r"\$\d+", "?", q)
        q = re.sub(r"(?<![\w.?])\d+(?![\w])", "?", q)
        q = re.sub(r"\bNULL\b", "?", q)
        q = re.sub(r"(RETURNING \S+) AS \w+$", r"\1", q)  # pgbench's \gset needs a column name
        for _ in range(5):
            q = re.sub(r"md5\(\?\)", "?", q)
            q = re.sub(r"repeat\(\?, \?\)", "?", q)
            q = re.sub(r"\? \|\| \?", "?", q)
        return q.strip()

    def compare_statements(self, key: str, eventd_run: Callable[[], None], pgbench_script: str,
                           variables: dict, count: int = 50, database: str = DB) -> None:
        ours = self.statements_per_request(database, eventd_run, count)

        def reference_run() -> None:
            command = ["pgbench", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-n", "-M", "prepared",
                       "-c", "1", "-t", str(count), "-f", str(BENCH / "sql" / pgbench_script)]
            for k, v in variables.items():
                command += ["-D", f"{k}={v}"]
            subprocess.run(command + [database], check=True, capture_output=True)

        theirs = self.statements_per_request(database, reference_run, count)
        same = sorted(map(self.shape, ours)) == sorted(map(self.shape, theirs))
        self.checks[f"{key}_same_statements"] = {"same": same, "eventd": ours, "pgbench": theirs}
        log(f"  same statements per request as pgbench: {same} ({len(ours)} vs {len(theirs)})")

    # -- the scenarios --------------------------------------------------------------------

    def eventd_side(self, label: str, path_file: Path, connections: int = CONNECTIONS, port: int = EVENTD_PORT,
                    service: Optional[Callable[[], Service]] = None, **kwargs) -> Side:
        service = service or (lambda: self.eventd)
        return Side(label, lambda s: wrk(port, "/", "paths.lua", [str(path_file)], connections, s),
                    lambda: [service().pid], True, **kwargs)

    def nginx_side(self, path_file: Path) -> Side:
        return Side("nginx (static files)", lambda s: wrk(NGINX_PORT, "/", "paths.lua", [str(path_file)],
                                                           CONNECTIONS, s),
                    lambda: process_tree(self.nginx.pid), False)

    def scenario_feed(self) -> Scenario:
        return Scenario("feed", "public event feed, cached (/v1/events/{id}/calendar.ics, random ids)", "≥ 0.7×",
                        self.eventd_side("eventd", self.feeds_file), self.nginx_side(self.feeds_file),
                        ratio_at_least(0.7),
                        [f"{len(self.feed_ids):,} distinct feeds, {CONNECTIONS} connections; nginx serves the bytes "
                         "eventd rendered, with sendfile and open_file_cache, access log off"])

    def scenario_revalidate(self) -> Scenario:
        return Scenario("revalidate", "feed revalidation (If-None-Match → 304)", "≥ 0.7×",
                        self.eventd_side("eventd", self.revalidate_eventd), self.nginx_side(self.revalidate_nginx),
                        ratio_at_least(0.7), ["each request carries the current entity tag of its server"])

    def scenario_get_event(self) -> Scenario:
        def eventd_run() -> None:
            for n in public_event_numbers()[:50]:
                http_get(EVENTD_PORT, f"/v1/events/{event_id(n)}")

        self.compare_statements("get_event", eventd_run, "get_event.pgbench", {"published": 50}, 50)
        same = self.checks["get_event_same_statements"]["same"]
        return Scenario(
            "get_event", "GET /v1/events/{id} (random ids, not cached)", "≥ 0.5×",
            self.eventd_side("eventd", self.events_file, GET_CLIENTS),
            Side(f"pgbench -M prepared", lambda s: pgbench("get_event.pgbench", GET_CLIENTS, s, DB,
                                                           {"published": PUBLIC}),
                 lambda: process_tree(postmaster_pid()), False),
            ratio_at_least(0.5),
            [f"{GET_CLIENTS} clients on both sides, over all {PUBLIC:,} public events; same statements per "
             f"request (pg_stat_statements): {same}"])

    def scenario_event_page(self) -> Scenario:
        """The event page in one request (?include=) against the five requests it replaces
        (event, organiser, sessions, speakers, partner), both on eventd: pages per second."""
        rows = psql(DB, "SELECT e.id, e.organiser_id, p.organisation_id FROM events e JOIN event_partners p "
                        "ON p.event_id = e.id AND p.status = 'accepted' WHERE e.status = 'published' "
                        "ORDER BY md5(e.id::text) LIMIT 2000")
        pages = [line.split("|") for line in rows.splitlines() if line]
        if not pages:
            raise RuntimeError("no published events with a partner for the event-page scenario")
        one = VAR / "event-page-one.txt"
        one.write_text("".join(f"/v1/events/{e}?include=organiser,partners,sessions,speakers\n" for e, _, _ in pages))
        five = VAR / "event-page-five.txt"
        five.write_text("".join(f"/v1/events/{e}\n/v1/organisations/{o}\n/v1/events/{e}/sessions\n"
                                f"/v1/events/{e}/speakers\n/v1/organisations/{p}\n" for e, o, p in pages))
        same = self.same_page_data(pages[0])
        self.checks["event_page_same_data"] = same
        if not same:
            raise RuntimeError("the included records differ from their own routes' answers")

        def per_page(m: Measurement) -> Measurement:
            # Five requests make one page (wrk picks them at random from the same set).
            return Measurement(requests_per_s=m.requests_per_s / 5, p50_ms=m.p50_ms, p99_ms=m.p99_ms,
                               requests=m.requests // 5, errors=m.errors, extra=m.extra)
        return Scenario(
            "event_page", "the event page: one request with ?include= vs the five it replaces (pages/s)", "≥ 1.0×",
            self.eventd_side("eventd, ?include=organiser,partners,sessions,speakers", one, GET_CLIENTS),
            Side("eventd, five requests", lambda s: per_page(wrk(EVENTD_PORT, "/", "paths.lua", [str(five)],
                                                                   GET_CLIENTS, s)),
                 lambda: [self.eventd.pid], True),
            ratio_at_least(1.0),
            [f"{len(pages):,} published events with an accepted partner, {GET_CLIENTS} connections; the reference "
             "side's rate is its requests / 5; latencies are per request; the included records equal their own "
             f"routes' answers: {same}"])

    def same_page_data(self, page: list[str]) -> bool:
        event, organiser, partner = page
        status, _, body = http_get(EVENTD_PORT, f"/v1/events/{event}?include=organiser,partners,sessions,speakers")
        if status != 200:
            return False
        included = json.loads(body)["included"]
        if included.pop("truncated", []) != []:  # nothing of a bench event is cut
            return False
        own = {
            "organiser": json.loads(http_get(EVENTD_PORT, f"/v1/organisations/{organiser}")[2]),
            "partners": [json.loads(http_get(EVENTD_PORT, f"/v1/organisations/{partner}")[2])],
            "sessions": json.loads(http_get(EVENTD_PORT, f"/v1/events/{event}/sessions?limit=200")[2])["items"],
            "speakers": json.loads(http_get(EVENTD_PORT, f"/v1/events/{event}/speakers?limit=200")[2])["items"],
        }
        return included == own

    def scenario_list(self) -> Optional[Scenario]:
        small = start_eventd("eventd-small", EVENTD_SMALL_PORT, DB_SMALL)
        self.small = small
        different = []
        for path in self.lists:
            for attempt in range(3):  # a busy machine may time a request out: ask again
                a, b = http_get(EVENTD_PORT, path), http_get(EVENTD_SMALL_PORT, path)
                why = None
                if a[0] != 200 or b[0] != 200:
                    why = f"statuses {a[0]} / {b[0]}"
                elif a[2] != b[2]:
                    why = f"bodies differ ({len(a[2])} / {len(b[2])} bytes)"
                elif len(json.loads(a[2])["items"]) != 50:
                    why = f"{len(json.loads(a[2])['items'])} items, not 50"
                if why is None:
                    break
            if why:
                different.append({"path": path, "why": why})
        self.checks["lists_identical_at_both_sizes"] = not different
        if different:
            self.checks["lists_different"] = different
            log(f"  WARNING: {len(different)} lists differ between the two databases, e.g. {different[0]}")
        small_events = psql(DB_SMALL, "SELECT count(*) FROM events")
        return Scenario(
            "list", f"event list, 50 rows, date range + organiser, at {EVENTS:,} events",
            "≥ 0.8×",
            self.eventd_side(f"eventd, {EVENTS:,} events", self.lists_file),
            self.eventd_side(f"eventd, {int(small_events):,} events", self.lists_file, port=EVENTD_SMALL_PORT,
                             service=lambda: self.small),
            ratio_at_least(0.8),
            [f"the reference is the same eventd build over a database of {int(small_events):,} of the same events; "
             f"the {len(self.lists)} lists (5 organisers × 5 seven-month windows of 2024) are byte-identical at both "
             f"sizes: {not different}"])

    def new_rush_event(self, tag: str) -> str:
        identifier = event_id(10_000_000 + int(time.time() * 1000) % 1_000_000_000)
        psql(DB, f"""
            INSERT INTO events (id, slug, title, kind, format, status, timezone, starts_at, ends_at, venue_name,
                                venue_city, organiser_id, capacity, waitlist, registration_opens_at,
                                registration_closes_at)
            VALUES ('{identifier}', 'bench-rush-{identifier[:8]}', 'Rusningen {tag}', 'conference', 'in_person',
                    'published', 'Europe/Stockholm', now() + interval '60 days', now() + interval '60 days 8 hours',
                    'Svenska mässan', 'Göteborg', '{RUSH_ORGANISER}', {RUSH_SEATS}, true,
                    now() - interval '1 hour', now() + interval '30 days');
            INSERT INTO event_registration_counts (event_id) VALUES ('{identifier}');""")
        return identifier

    def scenario_rush(self) -> Optional[Group]:
        """The registration rush (issue 20, docs/REGISTRATION_RUSH.md): every request registers
        a new participant for one fresh event. At each client count of BENCH_RUSH_CLIENTS,
        over one instance and over two behind nginx, against the commit rate PostgreSQL
        reaches for a one-row INSERT at the same client count (bench/sql/insert_one.pgbench);
        at the first count also against the registration transaction itself, serialised on
        the event's lock (bench/sql/register.pgbench: issue 10's reference). Every round
        of eventd's checks the event in the database (check_rush_event)."""
        if not (ROOT / "schema" / "004_registrations.sql").exists():
            self.skipped.append({"key": "rush", "why": "no registrations in this eventd (schema/004_registrations.sql)"})
            return None
        # The one-row INSERT's table: small, logged (its commits go through the WAL as the
        # registrations' do), emptied before each run.
        psql(DB, "CREATE TABLE IF NOT EXISTS bench_rush_commits (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                 "client int NOT NULL, at timestamptz NOT NULL DEFAULT now())")
        durability = {name: psql(DB, f"SHOW {name}") for name in
                      ("fsync", "synchronous_commit", "wal_sync_method", "commit_delay", "full_page_writes")}
        self.checks["rush_durability"] = durability

        def eventd_statements() -> None:
            identifier = self.new_rush_event("statements")
            for i in range(50):
                body = json.dumps({"name": f"Kontroll {i}", "email": f"kontroll{i}@example.org", "organisation": "B",
                                   "country": "SE", "consent": True}).encode()
                status = http_get(EVENTD_PORT, f"/v1/events/{identifier}/registrations", method="POST", body=body,
                                  headers={"Content-Type": "application/json"})[0]
                if status != 201:
                    raise RuntimeError(f"registering answered {status}")

        self.compare_statements("rush", eventd_statements, "register.pgbench",
                                {"event": self.new_rush_event("statements-pgbench"), "organiser": RUSH_ORGANISER,
                                 "seats": RUSH_SEATS})
        same = self.checks["rush_same_statements"]["same"]

        if any(n > 1 for n in RUSH_INSTANCES):
            self.start_cluster()

        def stop_cluster() -> None:
            for service in self.cluster:
                service.stop()
            self.cluster = []

        sides: dict[str, Side] = {}
        rows: list[Row] = []
        first = RUSH_CLIENTS[0]
        seats = f"{RUSH_SEATS:,}"
        for clients in RUSH_CLIENTS:
            sides[f"insert{clients}"] = Side(
                f"pgbench: one-row INSERT, {clients} clients",
                lambda s, c=clients: self.one_row_inserts(c, s), lambda: [], False)
            for instances in RUSH_INSTANCES:
                sides[f"eventd{instances}x{clients}"] = self.rush_eventd_side(instances, clients)
            if clients == first:
                sides[f"serialised{clients}"] = self.rush_serialised_side(clients)
        serialised_on = 1 if 1 in RUSH_INSTANCES else RUSH_INSTANCES[0]
        for clients in RUSH_CLIENTS:
            p99 = clients >= RUSH_P99_CLIENTS
            for instances in RUSH_INSTANCES:
                where = "1 instance" if instances == 1 else f"{instances} instances behind nginx"
                rows.append(Row(
                    "rush" if (instances, clients) == (RUSH_INSTANCES[0], first) else f"rush_{instances}x{clients}",
                    f"registration rush: {where}, {clients} clients, one event of {seats} seats",
                    f"≥ 0.5×{', p99 < 1 s' if p99 else ''}; exactly {seats} confirmed, waitlist in order",
                    f"eventd{instances}x{clients}", f"insert{clients}", self.rush_check(instances, clients, 0.5, p99),
                    [f"registrations/s: answers 201 (confirmed or waitlisted) per second, {clients} connections"
                     + (f" to nginx in front of {instances} eventd instances (deploy/nginx.conf), each with "
                        f"{EVENTD_THREADS} threads and {EVENTD_POOL} database connections" if instances > 1 else "")
                     + f"; the reference: pgbench -M prepared, {clients} clients, each transaction one INSERT of one "
                     "row into a small logged table (bench/sql/insert_one.pgbench), on the same PostgreSQL "
                     f"(fsync {durability['fsync']}, synchronous_commit {durability['synchronous_commit']}, "
                     f"commit_delay {durability['commit_delay']})"]))
                if clients == first and instances == serialised_on:
                    rows.append(Row(
                        f"rush_serialised_{clients}",
                        f"registration rush, {clients} clients: the same eventd rounds vs the registration "
                        "transaction, one commit each",
                        "≥ 0.5×", f"eventd{instances}x{clients}", f"serialised{clients}",
                        self.rush_check(instances, clients, 0.5, False),
                        [f"the eventd rounds of the row above; the reference (issue 10's): pgbench -M prepared, "
                         f"{clients} clients, the registration transaction's SQL (bench/sql/register.pgbench), each "
                         "its own commit behind the event's row lock; same statements per request as pgbench "
                         f"(pg_stat_statements): {same}"]))
        return Group("rush", f"registration rush: one event of {seats} seats, "
                             f"{', '.join(map(str, RUSH_CLIENTS))} clients, "
                             f"{' and '.join(map(str, RUSH_INSTANCES))} instance(s)",
                     sides, rows, cleanup=stop_cluster)

    def start_cluster(self) -> None:
        """The rush's two instances (on the bench's database, each with the bench's threads
        and pool), behind nginx configured by deploy/nginx.conf."""
        env = {"EVENTD_TRUSTED_PROXIES": "127.0.0.1", "EVENTD_PUBLIC_URL": f"http://127.0.0.1:{CLUSTER_PORT}"}
        self.cluster = [start_eventd(f"eventd-{name}", port, DB, env) for name, port in zip("ab", CLUSTER_PORTS)]
        self.cluster.append(start_cluster_nginx())
        self.cluster_instances = self.cluster[:2]
        status = http_get(CLUSTER_PORT, "/readyz")[0]
        if status != 200:
            raise RuntimeError(f"nginx in front of the two instances answered {status} for /readyz")

    def one_row_inserts(self, clients: int, seconds: int) -> Measurement:
        psql(DB, "TRUNCATE bench_rush_commits")
        return pgbench("insert_one.pgbench", clients, seconds, DB, {})

    @staticmethod
    def desk_counters(ports: list[int]) -> list[tuple[int, int]]:
        """(batches, sign-ups) decided by each instance's registration desk so far."""
        out = []
        for port in ports:
            text = http_get(port, "/metrics")[2].decode()
            values = []
            for name in ("eventd_registration_batches_total", "eventd_registration_signups_total"):
                found = re.search(rf"^{name} (\d+)", text, re.M)
                values.append(int(found.group(1)) if found else 0)
            out.append((values[0], values[1]))
        return out

    def rush_eventd_side(self, instances: int, clients: int) -> Side:
        state: dict = {}
        if instances == 1:
            port, ports, label = EVENTD_PORT, [EVENTD_PORT], f"eventd, {clients} clients"
            services = lambda: [self.eventd]
        else:
            port, ports = CLUSTER_PORT, list(CLUSTER_PORTS[:instances])
            label = f"eventd ×{instances} + nginx, {clients} clients"
            services = lambda: self.cluster_instances

        def run(seconds: int) -> Measurement:
            identifier = self.new_rush_event(f"eventd {instances}×{clients}")
            state["event"] = identifier
            before = self.desk_counters(ports)
            m = rush_wrk(port, identifier, identifier[:8], clients, seconds)
            after = self.desk_counters(ports)
            m.extra["signups_per_instance"] = [a[1] - b[1] for a, b in zip(after, before)]
            batches = sum(a[0] - b[0] for a, b in zip(after, before))
            m.extra["mean_batch"] = round(sum(m.extra["signups_per_instance"]) / batches, 1) if batches else None
            return m

        def teardown(m: Measurement) -> None:
            identifier = state.pop("event", None)
            if identifier:
                self.fill_past_capacity(identifier, port, clients, m)
                self.check_rush_event(identifier, m)

        # Memory: one instance's own high-water mark; two instances' summed Pss (nginx not counted).
        return Side(label, run, lambda: [s.pid for s in services()], instances == 1, teardown=teardown)

    def rush_serialised_side(self, clients: int) -> Side:
        state: dict = {}

        def run(seconds: int) -> Measurement:
            identifier = self.new_rush_event("pgbench")
            state["event"] = identifier
            return pgbench("register.pgbench", clients, seconds, DB,
                           {"event": identifier, "organiser": RUSH_ORGANISER, "seats": RUSH_SEATS})

        def teardown(m: Measurement) -> None:
            identifier = state.pop("event", None)
            if identifier:
                self.check_rush_event(identifier, m)

        return Side(f"pgbench: registration transaction, {clients} clients", run, lambda: [], False,
                    teardown=teardown)

    def fill_past_capacity(self, identifier: str, port: int, clients: int, m: Measurement) -> None:
        """The measured seconds need not fill the event (the rate depends on the machine's
        load): go on registering, unmeasured, until more have registered than there are seats
        (by at least one request per client), so that "exactly as many confirmed as seats" and
        the waitlist's order are tested, not assumed. Each chunk lasts about as long as the
        rate measured says the rest needs."""
        started, chunk = time.time(), 0
        statuses: dict[str, int] = {}
        rate = max(m.requests_per_s, 20.0)
        while time.time() - started < RUSH_FILL_LIMIT:
            total = int(psql(DB, f"SELECT count(*) FROM registrations WHERE event_id = '{identifier}'"))
            missing = RUSH_SEATS + clients - total
            if missing <= 0:
                break
            chunk += 1
            seconds = min(10, max(2, math.ceil(missing / rate) + 1))
            f = rush_wrk(port, identifier, f"{identifier[:8]}-fill{chunk}", clients, seconds)
            for code, n in f.extra.get("statuses", {}).items():
                statuses[code] = statuses.get(code, 0) + n
            rate = max(f.requests_per_s, 20.0)
        m.extra["fill_seconds"] = round(time.time() - started, 1)
        m.extra["fill_statuses"] = statuses

    def check_rush_event(self, identifier: str, m: Measurement) -> None:
        """The event in the database after a round: exactly min(seats, registrations)
        confirmed; every registration confirmed or waitlisted; every waitlisted one decided
        after every confirmed one (its seq greater); waitlist positions, computed as eventd
        computes waitlist_position (the number of waitlisted rows of the event with seq <=
        its own; here as a window count, the same number), exactly 1..N; the counts the
        trigger keeps equal to the rows."""
        row = psql(DB, f"""
            WITH r AS (SELECT status, seq FROM registrations WHERE event_id = '{identifier}'),
                 w AS (SELECT count(*) OVER (ORDER BY seq RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                              AS position FROM r WHERE status = 'waitlisted')
            SELECT (SELECT capacity FROM events WHERE id = '{identifier}'),
                   (SELECT count(*) FROM r),
                   (SELECT count(*) FROM r WHERE status = 'confirmed'),
                   (SELECT count(*) FROM r WHERE status = 'waitlisted'),
                   coalesce((SELECT max(seq) FROM r WHERE status = 'confirmed'), 0),
                   coalesce((SELECT min(seq) FROM r WHERE status = 'waitlisted'), 9223372036854775807),
                   (SELECT count(DISTINCT position) FROM w),
                   coalesce((SELECT min(position) FROM w), 0),
                   coalesce((SELECT max(position) FROM w), 0),
                   coalesce((SELECT confirmed FROM event_registration_counts WHERE event_id = '{identifier}'), -1),
                   coalesce((SELECT waitlisted FROM event_registration_counts WHERE event_id = '{identifier}'), -1)""")
        (capacity, total, confirmed, waitlisted, last_confirmed, first_waitlisted, distinct, low, high,
         counted_confirmed, counted_waitlisted) = map(int, row.split("|"))
        positions = distinct == waitlisted and (waitlisted == 0 or (low == 1 and high == waitlisted))
        m.extra["database"] = {
            "capacity": capacity, "registrations": total, "confirmed": confirmed, "waitlisted": waitlisted,
            "last_confirmed_seq": last_confirmed, "first_waitlisted_seq": first_waitlisted if waitlisted else None,
            "waitlist_positions": {"distinct": distinct, "min": low, "max": high},
            "counts_row": {"confirmed": counted_confirmed, "waitlisted": counted_waitlisted}}
        m.extra["confirmed"], m.extra["registrations"] = confirmed, total
        m.extra["exactly_capacity"] = confirmed == min(capacity, total) and confirmed + waitlisted == total
        m.extra["waitlist_in_order"] = last_confirmed < first_waitlisted and positions
        m.extra["counts_agree"] = (counted_confirmed, counted_waitlisted) == (confirmed, waitlisted)

    @staticmethod
    def rush_check(instances: int, clients: int, limit: float, p99_goal: bool) -> Callable[[dict], tuple[Optional[bool], str]]:
        def check(summary: dict) -> tuple[Optional[bool], str]:
            rounds = summary["eventd"]["rounds"]
            ratio = summary["ratio"] or 0
            exact = all(r.get("exactly_capacity") for r in rounds)
            filled = all(r.get("registrations", 0) > RUSH_SEATS for r in rounds)
            order = all(r.get("waitlist_in_order") for r in rounds)
            counts = all(r.get("counts_agree") for r in rounds)
            met = ratio >= limit and exact and filled and order and counts
            parts = [f"ratio {ratio:.2f} (goal ≥ {limit})"]
            if p99_goal:
                p99 = summary["eventd"]["p99_ms"]
                met = met and p99 < RUSH_P99_MS
                parts.append(f"p99 {p99:,.0f} ms (goal < {RUSH_P99_MS:,})")
            if instances > 1:
                both = all(min(r.get("signups_per_instance") or [0]) > 0 for r in rounds)
                met = met and both
                parts.append(f"both instances decided sign-ups in every round: {both}")
            parts.append(f"in every round (in the database): more registrations than {RUSH_SEATS:,} seats: {filled}; "
                         f"confirmed = min(seats, registrations), the rest waitlisted: {exact}; every waitlisted one "
                         f"after every confirmed one, positions 1..N: {order}; the counts row agrees: {counts}")
            other: dict[str, int] = {}
            for r in rounds:
                for code, n in list(r.get("statuses", {}).items()) + list(r.get("fill_statuses", {}).items()):
                    if code != "201":
                        other[code] = other.get(code, 0) + n
            for r in rounds:
                errors = r.get("errors")
                for kind, n in (errors.items() if isinstance(errors, dict) else []):
                    if kind != "status" and n:
                        other[kind] = other.get(kind, 0) + n
            batches = [r["mean_batch"] for r in rounds if r.get("mean_batch")]
            if batches:
                parts.append(f"mean batch {statistics.median(batches):.1f} sign-ups")
            parts.append("answers other than 201: " + (", ".join(f"{k} × {v:,}" for k, v in sorted(other.items()))
                                                        if other else "none"))
            return met, "; ".join(parts)
        return check

    def scenario_slow_queries(self) -> Scenario:
        state: dict = {}

        def setup() -> None:
            # One transaction holds an exclusive lock on events; requests that need the table
            # (GET /v1/events/{id}) then wait in the database until statement_timeout, holding
            # every connection of eventd's pool. The feeds are answered from the cache.
            state["lock"] = subprocess.Popen(
                ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", DB, "-X", "-q", "-c",
                 "BEGIN; LOCK TABLE events IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(3600);"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                env={**os.environ, "PGAPPNAME": "eventd-bench-lock"})
            time.sleep(0.5)
            stop = threading.Event()
            state["stop"] = stop
            numbers = public_event_numbers()

            def hold(i: int) -> None:
                while not stop.is_set():
                    try:
                        http_get(EVENTD_PORT, f"/v1/events/{event_id(numbers[i * 7919 % len(numbers)])}")
                    except OSError:
                        time.sleep(0.1)

            state["holders"] = [threading.Thread(target=hold, args=(i,), daemon=True) for i in range(SLOW_HOLDERS)]
            for t in state["holders"]:
                t.start()
            deadline = time.time() + 10
            while time.time() < deadline:
                metrics = http_get(EVENTD_PORT, "/metrics")[2].decode()
                in_use = re.search(r"^eventd_db_pool_connections_in_use (\d+)", metrics, re.M)
                if in_use and int(in_use.group(1)) >= EVENTD_POOL:
                    state["held"] = int(in_use.group(1))
                    return
                time.sleep(0.1)
            state["held"] = 0

        def teardown(m: Measurement) -> None:
            metrics = http_get(EVENTD_PORT, "/metrics")[2].decode()
            in_use = re.search(r"^eventd_db_pool_connections_in_use (\d+)", metrics, re.M)
            m.extra["pool_in_use_before"] = state.get("held")
            m.extra["pool_in_use_after"] = int(in_use.group(1)) if in_use else None
            # The server goes on sleeping when its client dies: end the transaction there.
            psql(DB, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'eventd-bench-lock'")
            state["lock"].wait()
            state["stop"].set()
            for t in state["holders"]:
                t.join(timeout=15)

        def check(summary: dict) -> tuple[Optional[bool], str]:
            ratio = summary["ratio"] or 0
            p99 = summary["eventd"]["p99_ms"] / max(summary["reference"]["p99_ms"], 1e-9)
            held = all(r.get("pool_in_use_before") == EVENTD_POOL and r.get("pool_in_use_after") == EVENTD_POOL
                       for r in summary["eventd"]["rounds"])
            return ratio >= 0.8 and p99 <= 2 and held, (f"ratio {ratio:.2f} (goal ≥ 0.8), p99 {p99:.2f}× (goal ≤ 2×); "
                                                        f"all {EVENTD_POOL} pool connections held throughout: {held}")

        return Scenario(
            "slow_queries", "cached feed while slow queries hold every pool connection", "≥ 0.8×, p99 ≤ 2×",
            self.eventd_side("eventd, pool held", self.feeds_file, setup=setup, teardown=teardown),
            self.eventd_side("eventd, feed alone", self.feeds_file), check,
            [f"a transaction holds LOCK TABLE events; {SLOW_HOLDERS} clients keep asking GET /v1/events/{{id}}, whose "
             f"queries wait on it until statement_timeout, so all {EVENTD_POOL} connections stay busy"])

    def scenario_idle(self) -> Scenario:
        state: dict = {}

        def setup() -> None:
            holder = subprocess.Popen([sys.executable, str(BENCH / "idle_connections.py"), str(EVENTD_PORT),
                                       str(IDLE_CONNECTIONS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      stdin=subprocess.PIPE, text=True, start_new_session=True)
            line = holder.stdout.readline().strip()
            if not line.startswith("ready"):
                holder.kill()
                raise RuntimeError(f"idle connections: {line} {holder.stderr.read()}")
            state["holder"], state["ready"] = holder, line

        def teardown(m: Measurement) -> None:
            metrics = http_get(EVENTD_PORT, "/metrics")[2].decode()
            open_now = re.search(r"^eventd_http_open_connections (\d+)", metrics, re.M)
            m.extra["open_connections_at_end"] = int(open_now.group(1)) if open_now else None
            m.extra["holder"] = state.get("ready")
            holder = state.get("holder")
            if holder:
                holder.stdin.close()
                try:
                    holder.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    holder.kill()

        def check(summary: dict) -> tuple[Optional[bool], str]:
            ratio = summary["ratio"] or 0
            rss = summary["eventd"]["peak_rss_mib"]
            held = all((r.get("open_connections_at_end") or 0) >= IDLE_CONNECTIONS for r in summary["eventd"]["rounds"])
            return ratio >= 0.8 and rss <= 200 and held, (f"ratio {ratio:.2f} (goal ≥ 0.8), peak RSS {rss} MiB "
                                                          f"(goal ≤ 200); {IDLE_CONNECTIONS:,} connections open "
                                                          f"throughout: {held}")

        return Scenario(
            "idle", f"{IDLE_CONNECTIONS:,} idle keep-alive connections held open", "RSS ≤ 200 MiB, ≥ 0.8×",
            self.eventd_side(f"eventd + {IDLE_CONNECTIONS:,} idle", self.feeds_file, setup=setup, teardown=teardown),
            self.eventd_side("eventd alone", self.feeds_file), check,
            [f"each idle connection made one request (GET /healthz) and stays open; the active load is the cached "
             f"feed scenario's ({CONNECTIONS} connections)"])

    def scenario_platformatic(self) -> Optional[Scenario]:
        try:
            self.platformatic = start_platformatic()
            probe = http_get(PLATFORMATIC_PORT, f"/events/{self.feed_ids[0]}")
            if probe[0] != 200:
                raise RuntimeError(f"GET /events/{{id}} answered {probe[0]}")
        except Exception as error:  # a peer that does not run is reported, not fatal
            self.skipped.append({"key": "platformatic", "why": f"@platformatic/db did not start: {error}"})
            return None
        return Scenario(
            "platformatic", "peer: GET one event by id, eventd vs @platformatic/db (same events table)", "report",
            self.eventd_side("eventd", self.events_file, GET_CLIENTS),
            Side("@platformatic/db 2.61", lambda s: wrk(PLATFORMATIC_PORT, "/", "paths.lua",
                                                        [str(self.platformatic_file)], GET_CLIENTS, s),
                 lambda: process_tree(self.platformatic.pid), False),
            None, [f"{GET_CLIENTS} connections; @platformatic/db's generated REST route /events/{{id}} over the same "
                   "database (its own default columns and connection pool)"])

    def scenario_radicale(self) -> Optional[Scenario]:
        chosen = self.feed_ids[:RADICALE_FEEDS]
        try:
            self.radicale = start_radicale([(i, self.www / f"v1/events/{i}/calendar.ics") for i in chosen])
        except Exception as error:
            self.skipped.append({"key": "radicale", "why": f"Radicale did not start: {error}"})
            return None
        ours, theirs = VAR / "radicale-eventd.txt", VAR / "radicale.txt"
        ours.write_text("".join(f"/v1/events/{i}/calendar.ics\n" for i in chosen))
        theirs.write_text("".join(f"/bench/{i}/\n" for i in chosen))
        clients = 16
        return Scenario(
            "radicale", "peer: GET one event's calendar, eventd vs Radicale (same calendars)", "report",
            self.eventd_side("eventd", ours, clients),
            Side("Radicale 3", lambda s: wrk(RADICALE_PORT, "/", "paths.lua", [str(theirs)], clients, s),
                 lambda: process_tree(self.radicale.pid), False),
            None, [f"{len(chosen)} calendars PUT into Radicale from eventd's feeds; {clients} connections (Radicale "
                   "answers HTTP/1.0 and closes each connection)"])

    # -- the run --------------------------------------------------------------------------

    def run(self) -> None:
        raise_file_limit(IDLE_CONNECTIONS + 5_000)
        started = time.time()
        load_before = os.getloadavg()
        start_postgres()
        load_database(DB, small=False)
        load_database(DB_SMALL, small=True)
        self.prepare_paths()
        self.eventd = start_eventd("eventd", EVENTD_PORT, DB)
        self.dump_feeds()
        self.nginx = start_nginx(self.www)
        self.check_same_bytes()

        builders = [
            ("feed", self.scenario_feed), ("revalidate", self.scenario_revalidate),
            ("get_event", self.scenario_get_event), ("event_page", self.scenario_event_page),
            ("list", self.scenario_list), ("rush", self.scenario_rush),
            ("slow_queries", self.scenario_slow_queries), ("idle", self.scenario_idle),
            ("platformatic", self.scenario_platformatic), ("radicale", self.scenario_radicale),
        ]
        for key, build in builders:
            if ONLY and key not in ONLY:
                continue
            scenario = build()
            if scenario is None:
                continue
            try:
                if isinstance(scenario, Group):
                    self.results.extend(run_group(scenario))
                else:
                    self.results.append(run_scenario(scenario))
            except Exception as error:
                log(f"scenario {key} failed: {error}")
                self.skipped.append({"key": key, "why": f"failed: {error}"})
            for name in ("small", "platformatic", "radicale"):
                service = getattr(self, name, None)
                if service is not None and key in ("list", "platformatic", "radicale"):
                    service.stop()
                    setattr(self, name, None)
        self.write(started, load_before)

    def write(self, started: float, load_before: tuple) -> None:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        meta = {
            "commit": commit + ("+uncommitted" if dirty else ""),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} cores ({cpu.group(1).strip() if cpu else 'unknown CPU'}), "
                       f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB",
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "minutes": round((time.time() - started) / 60, 1),
            "settings": {"duration_s": DURATION, "warmup_s": WARMUP, "rounds": ROUNDS, "connections": CONNECTIONS,
                         "wrk_threads": WRK_THREADS, "events": EVENTS, "registrations": REGISTRATIONS,
                         "eventd_threads": EVENTD_THREADS, "eventd_db_pool": EVENTD_POOL, "eventd_binary": str(EVENTD),
                         "rush_clients": RUSH_CLIENTS, "rush_instances": RUSH_INSTANCES, "rush_seats": RUSH_SEATS},
            "checks": self.checks,
        }
        document = {"meta": meta, "scenarios": self.results, "skipped": self.skipped}
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M")
        markdown = render_markdown(document)
        for name in ("latest", f"{stamp}-{commit}"):
            (RESULTS / f"{name}.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            (RESULTS / f"{name}.md").write_text(markdown)
        print()
        print(markdown)
        log(f"results: {RESULTS / 'latest.md'} and {RESULTS / 'latest.json'}")


def render_rush_rounds(document: dict) -> list[str]:
    """The registration rush round by round: each eventd run against the one-row INSERT
    reference of its round, and what the database held afterwards."""
    rows = [s for s in document["scenarios"] if s["key"] == "rush" or s["key"].startswith("rush_")
            and not s["key"].startswith("rush_serialised")]
    if not rows:
        return []
    out = ["", "The registration rush, round by round (registrations/s = answers 201 per second; the reference is "
           "the one-row INSERT's commits per second at the same client count, in the same round; then what the "
           "database held for the round's event, after it was filled past its seats):", "",
           "| eventd | round | registrations/s | one-row INSERTs/s | ratio | p50 / p99 ms | mean batch | "
           "other answers | registrations | confirmed | waitlisted | confirmed = min(seats, registrations) | "
           "waitlist in decision order, positions 1..N |",
           "|---|---:|---:|---:|---:|---|---:|---|---:|---:|---:|---|---|"]
    yes = {True: "yes", False: "**no**", None: "—"}
    for s in rows:
        for number, (a, b) in enumerate(zip(s["eventd"]["rounds"], s["reference"]["rounds"]), 1):
            other = {k: v for k, v in a.get("statuses", {}).items() if k != "201"}
            errors = a.get("errors")
            if isinstance(errors, dict):
                other.update({k: v for k, v in errors.items() if k != "status" and v})
            database = a.get("database", {})
            ratio = a["requests_per_s"] / b["requests_per_s"] if b["requests_per_s"] else 0
            out.append(
                f"| {s['eventd_label']} | {number} | {a['requests_per_s']:,.0f} | {b['requests_per_s']:,.0f} | "
                f"{ratio:.2f} | {a['p50_ms']:.0f} / {a['p99_ms']:.0f} | {a.get('mean_batch') or '—'} | "
                f"{', '.join(f'{k} × {v}' for k, v in sorted(other.items())) or 'none'} | "
                f"{database.get('registrations', 0):,} | {database.get('confirmed', 0):,} | "
                f"{database.get('waitlisted', 0):,} | {yes[a.get('exactly_capacity')]} | "
                f"{yes[a.get('waitlist_in_order')]} |")
    return out


def render_markdown(document: dict) -> str:
    meta = document["meta"]
    lines = [
        "# eventd benchmark",
        "",
        f"Commit `{meta['commit']}`, {meta['date']}, {meta['machine']}. "
        f"{meta['settings']['rounds']} alternating A/B rounds of {meta['settings']['duration_s']} s after "
        f"{meta['settings']['warmup_s']} s of warm-up each; medians. Load average before/after: "
        f"{meta['load_average_before'][0]} / {meta['load_average_after'][0]} — the machine is shared (others "
        "build while this runs), so only ratios within this run mean much. Whole run: "
        f"{meta['minutes']} min.",
        "",
        "| scenario | eventd req/s | reference | reference req/s | ratio | goal | met | eventd p50 / p99 ms | "
        "reference p50 / p99 ms | peak RSS eventd / reference MiB |",
        "|---|---:|---|---:|---:|---|---|---|---|---|",
    ]
    def mib(value: Optional[float]) -> str:
        return f"{value:.0f}" if value else "—"

    for s in document["scenarios"]:
        a, b = s["eventd"], s["reference"]
        met = {True: "yes", False: "**no**", None: "—"}[s["goal_met"]]
        ratio = f"{s['ratio']:.2f}" if s["ratio"] is not None else "—"
        lines.append(
            f"| {s['title']} | {a['requests_per_s']:,.0f} | {s['reference_label']} | {b['requests_per_s']:,.0f} | "
            f"{ratio} | {s['goal']} | {met} | {a['p50_ms']:.2f} / {a['p99_ms']:.2f} | "
            f"{b['p50_ms']:.2f} / {b['p99_ms']:.2f} | {mib(a['peak_rss_mib'])} / {mib(b['peak_rss_mib'])} |")
    lines += render_rush_rounds(document)
    lines += ["", "Details:", ""]
    for s in document["scenarios"]:
        detail = f" {s['goal_detail']}." if s["goal_detail"] else ""
        lines.append(f"- **{s['key']}** ({s['eventd_label']} vs {s['reference_label']}):{detail} "
                     + " ".join(n.rstrip(".") + "." for n in s["notes"])
                     + (f" Errors: eventd {s['eventd']['errors']}, reference {s['reference']['errors']}."
                        if s["eventd"]["errors"] or s["reference"]["errors"] else ""))
    for skipped in document["skipped"]:
        lines.append(f"- **{skipped['key']}**: not measured — {skipped['why']}")
    lines += ["", "Peak RSS: eventd's own high-water mark (VmHWM) during the measured seconds; for a reference made "
              "of several processes (nginx, PostgreSQL behind pgbench, Node, Radicale) the peak sum of their "
              "proportional set sizes, sampled every 100 ms. All rounds, the statements compared and the settings: "
              "the JSON file of the same name.", ""]
    return "\n".join(lines)


def main() -> int:
    if not EVENTD.exists():
        print(f"no eventd binary at {EVENTD}: run bench/run, which builds it", file=sys.stderr)
        return 2
    bench = Bench()
    try:
        bench.run()
    finally:
        Service.stop_all()
        if os.environ.get("BENCH_KEEP_POSTGRES") != "1":
            stop_postgres()
    return 0


if __name__ == "__main__":
    sys.exit(main())
