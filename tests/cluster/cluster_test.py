#!/usr/bin/env python3
"""The `cluster` test: eventd as deployed, through nginx (deploy/nginx.conf) in front of two
instances over one PostgreSQL, all started by deploy/cluster on loopback.

It shows, in order:
  seats     300 concurrent registrations for 20 seats, spread over both instances: exactly 20
            confirmed (in the answers and in SQL)
  feeds     a change through instance a is in the feed fetched from instance b within a second,
            with b's cache warm, also right after the listening connections were cut, and
            while their backends hang
  kill -9   of one instance under a steady load of reads and registrations: every 201 is in
            the database, reads keep succeeding (nginx retries them on the other instance),
            registrations are never sent twice
  SIGTERM   of one instance under load: no request fails
  database  PostgreSQL restarted under load: 503 (problem+json) meanwhile, then success again
            with the same eventd processes, and every 201 is in the database
  logs      one line per request with the caller's key id, never a key or a token

Python 3 standard library only. Usage (ctest passes these):
  cluster_test.py --root SOURCE_DIR --eventd BINARY --dir WORK_DIR
Ports: free ones picked by the kernel, or EVENTD_CLUSTER_TEST_PORT_BASE (four from there on).
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

FAILURES = []


def check(condition, message):
    status = "ok  " if condition else "FAIL"
    print(f"  [{status}] {message}", flush=True)
    if not condition:
        FAILURES.append(message)
    return condition


def free_ports(count):
    base = os.environ.get("EVENTD_CLUSTER_TEST_PORT_BASE")
    if base:
        return [int(base) + i for i in range(count)]
    sockets, ports = [], []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


class Response:
    def __init__(self, status, headers=None, body=b"", error=None):
        self.status = status  # 0: no HTTP answer at all
        self.headers = {k.lower(): v for k, v in (headers or [])}
        self.body = body
        self.error = error

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Client:
    """One keep-alive connection, reopened after an error."""

    def __init__(self, port, timeout=15):
        self.port = port
        self.timeout = timeout
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.connection.request(method, path, body=body, headers=headers)
            answer = self.connection.getresponse()
            data = answer.read()
            result = Response(answer.status, answer.getheaders(), data)
            if answer.getheader("Connection", "").lower() == "close":
                self.close()
            return result
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return Response(0, error=repr(error))

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Cluster:
    def __init__(self, args):
        self.root = args.root
        self.dir = args.dir
        self.port, self.port_a, self.port_b, self.pg_port = free_ports(4)
        self.env = dict(os.environ)
        self.env.update({
            "EVENTD_CLUSTER_DIR": self.dir,
            "EVENTD_CLUSTER_PORT": str(self.port),
            "EVENTD_CLUSTER_PORT_A": str(self.port_a),
            "EVENTD_CLUSTER_PORT_B": str(self.port_b),
            "EVENTD_CLUSTER_PG_PORT": str(self.pg_port),
            "EVENTD_BINARY": args.eventd,
            # One client address (loopback) makes all the load: no rate limit here.
            "EVENTD_RATE_LIMIT_PER_MINUTE": "0",
            "EVENTD_LOG_FORMAT": "json",
            "EVENTD_SHUTDOWN_GRACE_S": "20",
            "EVENTD_THREADS": "2",
        })

    def run(self, *command, timeout=120):
        started = time.monotonic()
        done = subprocess.run([os.path.join(self.root, "deploy", "cluster"), *command], env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, text=True)
        if done.returncode != 0:
            print(done.stdout)
            raise RuntimeError(f"deploy/cluster {' '.join(command)} failed ({done.returncode})")
        return time.monotonic() - started, done.stdout

    def start(self):
        if os.path.exists(self.dir):
            shutil.rmtree(self.dir)
        took, output = self.run("start")
        print(output.rstrip())
        print(f"  (started in {took:.1f} s)")
        with open(os.path.join(self.dir, "admin-key")) as f:
            self.admin_key = f.read().strip()

    def stop(self):
        try:
            self.run("stop", timeout=60)
        except Exception as error:  # keep the first failure visible
            print(f"stopping the cluster: {error}")

    def pid(self, name):
        with open(os.path.join(self.dir, f"{name}.pid")) as f:
            return int(f.read().strip())

    def instance_port(self, name):
        return {"a": self.port_a, "b": self.port_b}[name]

    def sql(self, query):
        done = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "-d", "eventd",
                               "-qtAX", "-v", "ON_ERROR_STOP=1", "-c", query],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30, check=True)
        return [line for line in done.stdout.splitlines() if line]

    def log_lines(self, name):
        lines = []
        with open(os.path.join(self.dir, f"{name}.log"), encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    lines.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        return lines

    def log_text(self, name):
        with open(os.path.join(self.dir, f"{name}.log"), encoding="utf-8", errors="replace") as f:
            return f.read()


def alive(pid):
    """Running, not ended (a zombie: whoever adopted the instance may not reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(seconds, done, step=0.01):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(step)
    return done()


def metric(port, name):
    r = Client(port, timeout=5).request("GET", "/metrics")
    for line in r.text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


class World:
    """The organisation, keys and events the scenarios use."""

    def __init__(self, cluster):
        self.cluster = cluster
        admin = {"Authorization": "Bearer " + cluster.admin_key}
        c = Client(cluster.port)
        r = c.request("POST", "/v1/organisations", {"slug": "klustret", "name": "Klustret", "kind": "civil_society"},
                      admin)
        assert r.status == 201, r.text
        r = c.request("POST", "/v1/api-keys", {"name": "cluster test", "role": "organiser",
                                               "organisation_id": "klustret"}, admin)
        assert r.status == 201, r.text
        self.key = r.json()["key"]
        self.key_id = r.json()["id"]
        self.auth = {"Authorization": "Bearer " + self.key}
        self.event_ids = {}

    def event_slug(self, prefix, capacity=None):
        """A new event (without a seat limit unless given), under a slug of its own."""
        self.made = getattr(self, "made", 0) + 1
        slug = f"{prefix}-{self.made}"
        self.event_ids[slug] = self.event(slug, capacity)
        return slug

    def event(self, slug, capacity):
        body = {"slug": slug, "title": f"Klustrets {slug}", "language": "sv", "kind": "seminar",
                "format": "in_person", "status": "published", "timezone": "Europe/Stockholm", "all_day": False,
                "starts_at": "2031-11-08T13:00:00+01:00", "ends_at": "2031-11-08T16:00:00+01:00",
                "venue": {"city": "Uddevalla", "country": "SE"}, "organiser_id": "klustret",
                "capacity": capacity, "waitlist": False, "media_policy": "open"}
        r = Client(self.cluster.port).request("POST", "/v1/events", body, self.auth)
        assert r.status == 201, r.text
        return r.json()["id"]


def registration_body(email):
    return {"name": "Deltagare " + email.split("@")[0], "email": email, "consent": True}


def scenario_seats(cluster, world):
    print("seats: 300 concurrent registrations for 20 seats through nginx", flush=True)
    slug = world.event_slug("tjugo-platser", capacity=20)
    event_id = world.event_ids[slug]
    before = {name: sum(1 for line in cluster.log_lines(name) if line.get("method") == "POST"
                        and line.get("route") == "/v1/events/{id}/registrations") for name in "ab"}
    gate = threading.Barrier(300)

    def register(i):
        client = Client(cluster.port, timeout=60)
        gate.wait()
        r = client.request("POST", f"/v1/events/{slug}/registrations",
                           registration_body(f"plats{i}@example.se"))
        client.close()
        return r

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=300) as pool:
        answers = list(pool.map(register, range(300)))
    took = time.monotonic() - started
    statuses = {}
    for r in answers:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    print(f"  answers in {took:.1f} s: {dict(sorted(statuses.items()))}")
    confirmed = [r for r in answers if r.status == 201 and r.json().get("status") == "confirmed"]
    check(len(confirmed) == 20, f"exactly 20 answers are 201 confirmed ({len(confirmed)})")
    check(statuses.get(409, 0) == 280, f"the other 280 are 409, event full ({statuses.get(409, 0)})")
    in_sql = cluster.sql(f"SELECT count(*) FROM registrations WHERE event_id = '{event_id}' "
                         "AND status = 'confirmed'")[0]
    check(in_sql == "20", f"exactly 20 confirmed registrations in SQL ({in_sql})")
    all_rows = cluster.sql(f"SELECT count(*) FROM registrations WHERE event_id = '{event_id}'")[0]
    check(all_rows == "20", f"and no other registration rows for the event ({all_rows})")
    ids = {r.json()["id"] for r in confirmed}
    rows = set(cluster.sql(f"SELECT id FROM registrations WHERE event_id = '{event_id}'"))
    check(ids == rows, "the 20 confirmed in the answers are the 20 in the database")
    served = {name: sum(1 for line in cluster.log_lines(name) if line.get("method") == "POST"
                        and line.get("route") == "/v1/events/{id}/registrations") - before[name] for name in "ab"}
    check(served["a"] > 0 and served["b"] > 0 and served["a"] + served["b"] == 300,
          f"both instances took registrations (a {served['a']}, b {served['b']})")


def scenario_feeds(cluster, world):
    print("feeds: a change through instance a, in instance b's cached feed within a second", flush=True)
    slug = world.event_slug("flodet")
    feed = f"/v1/events/{slug}/calendar.ics"
    a = Client(cluster.port_a)
    b = Client(cluster.port_b)
    patch_headers = dict(world.auth, **{"Content-Type": "application/merge-patch+json"})
    took_all = []

    def warm_b():
        # Until a request is answered from b's cache (a rendering that overlaps a change is not kept).
        def hit():
            hits = metric(cluster.port_b, "eventd_feed_cache_hits_total")
            b.request("GET", feed)
            return metric(cluster.port_b, "eventd_feed_cache_hits_total") == hits + 1
        return wait_until(3, hit, step=0.02)

    def change_and_watch(title, cut_listeners):
        if cut_listeners:
            ended = cluster.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE application_name = 'eventd-listener'")[0]
            if not check(ended == "2", f"both instances' listening connections were ended ({ended})"):
                return None
        r = a.request("PATCH", f"/v1/events/{slug}", json.dumps({"title": title}), patch_headers)
        assert r.status == 200, r.text
        changed = time.monotonic()
        if not wait_until(1.0, lambda: title in b.request("GET", feed).text, step=0.01):
            return None
        return time.monotonic() - changed

    for round_ in range(5):
        if not check(warm_b(), f"round {round_ + 1}: b answers the feed from its cache"):
            continue
        took = change_and_watch(f"Flödet version {round_ + 1}", cut_listeners=False)
        check(took is not None, f"round {round_ + 1}: b's feed shows the change within 1 s"
                                f"{'' if took is None else f' ({took * 1000:.0f} ms)'}")
        if took is not None:
            took_all.append(took)
    for round_ in range(3):
        # The listeners are cut just before the change: b must not serve its cached copy
        # while it cannot hear, and must come back (cache on again) by itself.
        check(wait_until(5, lambda: metric(cluster.port_b, "eventd_feed_cache_enabled") == 1),
              f"cut {round_ + 1}: b's cache is on")
        warm_b()
        took = change_and_watch(f"Flödet avbrott {round_ + 1}", cut_listeners=True)
        check(took is not None, f"cut {round_ + 1}: with its listener cut, b's feed shows the change within 1 s"
                                f"{'' if took is None else f' ({took * 1000:.0f} ms)'}")
    for round_ in range(2):
        # Worse than a cut: the listeners' backends hang (SIGSTOP). Their connections stay
        # open and the kernel keeps answering TCP for them, so nothing says they are lost;
        # b must find out by itself, in time, and stop trusting its cache.
        check(wait_until(5, lambda: metric(cluster.port_b, "eventd_feed_cache_enabled") == 1),
              f"hang {round_ + 1}: b's cache is on")
        warm_b()
        frozen = [int(p) for p in cluster.sql("SELECT pid FROM pg_stat_activity "
                                              "WHERE application_name = 'eventd-listener'")]
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        try:
            took = change_and_watch(f"Flödet hängt {round_ + 1}", cut_listeners=False)
        finally:
            for pid in frozen:
                os.kill(pid, signal.SIGCONT)
            cluster.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN (%s)" %
                        ",".join(str(p) for p in frozen))
        check(len(frozen) == 2 and took is not None,
              f"hang {round_ + 1}: with its listener's backend stopped, b's feed shows the change within 1 s"
              f"{'' if took is None else f' ({took * 1000:.0f} ms)'}")
    check(wait_until(5, lambda: metric(cluster.port_b, "eventd_feed_cache_enabled") == 1),
          "b's cache is on again after the cuts")
    if took_all:
        print(f"  change visible on b after {min(took_all) * 1000:.0f}-{max(took_all) * 1000:.0f} ms")


class Load:
    """Readers and registration writers through nginx until stopped; every answer recorded."""

    def __init__(self, cluster, slug, readers=6, writers=3):
        self.cluster = cluster
        self.slug = slug
        self.stop_flag = threading.Event()
        self.lock = threading.Lock()
        self.results = []  # (kind, started, ended, Response, email)
        self.threads = [threading.Thread(target=self.read, args=(i,)) for i in range(readers)]
        self.threads += [threading.Thread(target=self.write, args=(i,)) for i in range(writers)]

    def record(self, kind, started, response, email=None):
        with self.lock:
            self.results.append((kind, started, time.monotonic(), response, email))

    def read(self, i):
        client = Client(self.cluster.port)
        paths = [f"/v1/events/{self.slug}", "/v1/events", f"/v1/events/{self.slug}/calendar.ics"]
        n = 0
        while not self.stop_flag.is_set():
            started = time.monotonic()
            self.record("read", started, client.request("GET", paths[(i + n) % len(paths)]))
            n += 1

    def write(self, i):
        client = Client(self.cluster.port)
        while not self.stop_flag.is_set():
            email = f"{uuid.uuid4().hex[:16]}@example.se"
            started = time.monotonic()
            self.record("write", started, client.request("POST", f"/v1/events/{self.slug}/registrations",
                                                         registration_body(email)), email)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for t in self.threads:
            t.join()

    def of(self, kind, since=None, until=None):
        return [r for r in self.results if r[0] == kind and (since is None or r[1] >= since)
                and (until is None or r[1] < until)]


def statuses(results):
    counts = {}
    for r in results:
        counts[r[3].status] = counts.get(r[3].status, 0) + 1
    return dict(sorted(counts.items()))


def check_registrations_kept(cluster, load, label):
    created = {r[3].json()["id"] for r in load.of("write") if r[3].status == 201}
    if not created:
        return check(False, f"{label}: registrations were answered 201")
    ids = ",".join(f"'{i}'" for i in created)
    found = int(cluster.sql(f"SELECT count(*) FROM registrations WHERE id IN ({ids})")[0])
    return check(found == len(created), f"{label}: every registration answered 201 is in the database "
                                        f"({found} of {len(created)})")


def scenario_kill(cluster, world):
    print("kill -9: instance a dies under a steady load of reads and registrations", flush=True)
    slug = world.event_slug("last-och-fall")
    with Load(cluster, slug) as load:
        time.sleep(2)
        killed_at = time.monotonic()
        os.kill(cluster.pid("a"), signal.SIGKILL)
        time.sleep(3)
    reads, writes = load.of("read"), load.of("write")
    print(f"  reads {statuses(reads)}, registrations {statuses(writes)}")
    check(all(r[3].status == 200 for r in reads), f"every read succeeded ({len(reads)} reads)")
    after = load.of("read", since=killed_at + 0.01)
    check(len(after) > 50 and all(r[3].status == 200 for r in after),
          f"reads went on through b after the kill ({len(after)})")
    writes_after = [r for r in load.of("write", since=killed_at + 0.5)]
    check(writes_after and all(r[3].status == 201 for r in writes_after),
          f"registrations went on through b after the kill ({len(writes_after)})")
    failed = [r for r in writes if r[3].status != 201]
    # A registration that was sent to a dying instance is answered 502 and never sent again:
    # a second attempt would be a 409 (the same e-mail) or a second registration.
    check(all(r[3].status == 502 for r in failed) and len(failed) <= 3 * 3,
          f"the registrations lost in flight are 502, not retried ({len(failed)})")
    check_registrations_kept(cluster, load, "kill -9")
    emails = ",".join(f"'{r[4]}'" for r in writes)
    duplicates = cluster.sql(f"SELECT count(*) FROM (SELECT lower(email) FROM registrations WHERE lower(email) IN "
                             f"({emails}) GROUP BY 1 HAVING count(*) > 1) d")[0]
    check(duplicates == "0", "no registration was made twice")
    committed = [r[4] for r in failed]
    if committed:
        listed = ",".join(f"'{e}'" for e in committed)
        n = cluster.sql(f"SELECT count(*) FROM registrations WHERE lower(email) IN ({listed})")[0]
        print(f"  of the {len(failed)} answered 502, {n} had been committed before the instance died")
    took, _ = cluster.run("instance", "a", "start")
    print(f"  instance a started again in {took:.1f} s")


def scenario_sigterm(cluster, world):
    print("SIGTERM: instance a stops under load; no request may fail", flush=True)
    slug = world.event_slug("last-och-stopp")
    pid = cluster.pid("a")
    error_log = os.path.join(cluster.dir, "nginx", "error.log")
    error_log_start = os.path.getsize(error_log)
    with Load(cluster, slug) as load:
        time.sleep(2)
        signalled = time.monotonic()
        os.kill(pid, signal.SIGTERM)
        stopped = wait_until(25, lambda: not alive(pid), step=0.05)
        exit_time = time.monotonic() - signalled
        time.sleep(1.5)
    reads, writes = load.of("read"), load.of("write")
    print(f"  reads {statuses(reads)}, registrations {statuses(writes)}")
    check(stopped, f"instance a ended within its grace ({exit_time:.1f} s after SIGTERM)")
    log = cluster.log_text("a")
    check('"msg":"stopped"' in log, "instance a logged its orderly stop")
    check(all(r[3].status == 200 for r in reads), f"every read succeeded ({len(reads)})")
    check(all(r[3].status == 201 for r in writes), f"every registration succeeded ({len(writes)})")
    check(len(load.of("read", since=signalled + 0.5)) > 50, "the load went on after the signal")
    # nginx retries a GET that a stopping instance dropped, so the answers alone could hide
    # one: its error log tells. A refused connection is fine (nothing was sent); a connection
    # closed or reset under a request that had been sent is a dropped request.
    with open(error_log, encoding="utf-8", errors="replace") as f:
        f.seek(error_log_start)
        dropped = [line for line in f if f"127.0.0.1:{cluster.port_a}" in line and "[error]" in line
                   and "Connection refused" not in line]
    check(not dropped, f"instance a dropped no request it had been sent ({len(dropped)})")
    for line in dropped[:3]:
        print("    " + line.strip()[:240])
    check_registrations_kept(cluster, load, "SIGTERM")
    took, _ = cluster.run("instance", "a", "start")
    print(f"  instance a started again in {took:.1f} s")


def scenario_database_restart(cluster, world):
    print("database: PostgreSQL restarted under load; 503s, then success with the same processes", flush=True)
    slug = world.event_slug("last-och-databas")
    pids = (cluster.pid("a"), cluster.pid("b"))
    with Load(cluster, slug) as load:
        time.sleep(1.5)
        began = time.monotonic()
        took, _ = cluster.run("pg", "restart")
        back = time.monotonic()
        time.sleep(4)
    print(f"  PostgreSQL restarted in {took:.1f} s")
    everything = load.of("read") + load.of("write")
    print(f"  reads {statuses(load.of('read'))}, registrations {statuses(load.of('write'))}")
    unavailable = [r for r in everything if r[3].status == 503]
    check(len(unavailable) > 0, f"requests during the restart were answered 503 ({len(unavailable)})")
    check(all(r[3].headers.get("content-type", "").startswith("application/problem+json") and
              "retry-after" in r[3].headers for r in unavailable),
          "each 503 is problem+json with Retry-After")
    others = [r for r in everything if r[3].status not in (200, 201, 503)]
    check(not others, f"no answer other than 200/201/503 ({statuses(others)})")
    before = [r for r in everything if r[2] < began]
    check(before and all(r[3].status in (200, 201) for r in before), "before the restart, everything succeeded")
    settled = [r for r in everything if r[1] >= back + 1.0]
    check(len(settled) > 50 and all(r[3].status in (200, 201) for r in settled),
          f"from a second after the database was back, everything succeeded ({len(settled)} requests)")
    recovered = [r for r in everything if r[1] >= back and r[3].status in (200, 201)]
    if recovered:
        print(f"  first success {(recovered[0][1] - back) * 1000:.0f} ms after the database was back")
    check((cluster.pid("a"), cluster.pid("b")) == pids and all(alive(p) for p in pids),
          "the same two eventd processes ran throughout")
    check_registrations_kept(cluster, load, "database restart")
    check(wait_until(10, lambda: metric(cluster.port_a, "eventd_feed_cache_enabled") == 1 and
                     metric(cluster.port_b, "eventd_feed_cache_enabled") == 1),
          "both instances listen for changes again (feed cache on)")


def scenario_logs(cluster, world):
    print("logs: one JSON line per request, with the caller's key id and never a secret", flush=True)
    lines = cluster.log_lines("a") + cluster.log_lines("b")
    requests = [line for line in lines if line.get("msg") == "request"]
    check(len(requests) > 1000, f"request lines logged ({len(requests)})")
    fields = {"request_id", "method", "route", "status", "duration_ms"}
    check(all(fields <= line.keys() for line in requests), "each has request_id, method, route, status, duration_ms")
    patched = [line for line in requests if line.get("method") == "PATCH"]
    check(patched and all(line.get("key_id") == world.key_id for line in patched),
          f"changes made with the organiser key carry its id ({len(patched)})")
    admin = [line for line in requests if line.get("route") == "/v1/api-keys"]
    check(admin and all(line.get("credential") == "admin_key_env" for line in admin),
          "changes made with EVENTD_ADMIN_KEY say so, without an id")
    public = [line for line in requests if line.get("route") == "/v1/events/{id}/registrations"]
    check(public and all("key_id" not in line for line in public), "anonymous requests carry no key id")
    text = cluster.log_text("a") + cluster.log_text("b")
    check(world.key not in text and cluster.admin_key not in text, "no key appears in the logs")
    check("evm_" not in text and "evf_" not in text, "no manage or feed token appears in the logs")


# What AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer write to stderr (the
# instance's log) when the binary is a sanitizer build; an ordinary build never writes them.
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def check_sanitizer_reports(cluster):
    for name in ("a", "b"):
        text = cluster.log_text(name)
        found = [marker for marker in SANITIZER_MARKERS if marker in text]
        check(not found, f"instance {name} logged no sanitizer report ({', '.join(found) or 'none'})")


SCENARIOS = {"seats": scenario_seats, "feeds": scenario_feeds, "kill": scenario_kill, "sigterm": scenario_sigterm,
             "database": scenario_database_restart, "logs": scenario_logs}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--eventd", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS), help="run these scenarios only")
    parser.add_argument("--repeat", type=int, default=1, help="run each scenario this many times")
    args = parser.parse_args()
    started = time.monotonic()
    cluster = Cluster(args)
    try:
        cluster.start()
        world = World(cluster)
        for name, scenario in SCENARIOS.items():
            if args.only and name not in args.only:
                continue
            for _ in range(args.repeat):
                t = time.monotonic()
                scenario(cluster, world)
                print(f"  ({time.monotonic() - t:.1f} s)", flush=True)
    finally:
        cluster.stop()
    check_sanitizer_reports(cluster)
    print(f"cluster test: {time.monotonic() - started:.0f} s, "
          f"{'all checks passed' if not FAILURES else f'{len(FAILURES)} failed'}")
    for failure in FAILURES:
        print(f"  failed: {failure}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
