#!/usr/bin/env python3
"""The `cluster` test: eventd as deployed, through nginx (deploy/nginx.conf) in front of two
instances over one PostgreSQL, all started by deploy/cluster on loopback.

It shows, in order:
  seats     300 concurrent registrations for 20 seats, spread over both instances: exactly 20
            confirmed (in the answers and in SQL)
  feeds     a change through instance a is in the feed fetched from instance b within a second,
            with b's cache warm, also right after the listening connections were cut, and
            while their backends hang
  kill -9   of one instance under steady reads and a rush (48 clients signing up for one event
            of 30 seats with a waitlist, through nginx and straight to b): reads keep succeeding
            (nginx retries them on the other instance), the sign-ups the instance had in flight
            are 502 and never sent twice, the others 201
  SIGTERM   of one instance under the same load: no request fails
  database  PostgreSQL restarted under the same load (clients also straight to each instance):
            503 (problem+json) meanwhile, then success again with the same eventd processes
            After each of these three faults, the rush's outcome in the database: every 201
            there as answered (id, status, waitlist position), exactly 30 confirmed and those
            the first decided (registrations.seq), the waitlist 1..N in the order of the
            decisions, no address twice, each registration's message in mail_outbox; and the
            sign-ups were decided in batches (/metrics)
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

    def event_slug(self, prefix, capacity=None, waitlist=False):
        """A new event (without a seat limit unless given), under a slug of its own."""
        self.made = getattr(self, "made", 0) + 1
        slug = f"{prefix}-{self.made}"
        self.event_ids[slug] = self.event(slug, capacity, waitlist)
        return slug

    def event(self, slug, capacity, waitlist):
        body = {"slug": slug, "title": f"Klustrets {slug}", "language": "sv", "kind": "seminar",
                "format": "in_person", "status": "published", "timezone": "Europe/Stockholm", "all_day": False,
                "starts_at": "2031-11-08T13:00:00+01:00", "ends_at": "2031-11-08T16:00:00+01:00",
                "venue": {"city": "Uddevalla", "country": "SE"}, "organiser_id": "klustret",
                "capacity": capacity, "waitlist": waitlist, "media_policy": "open"}
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
    """Readers and registration writers until stopped; every answer recorded.

    Each writer signs up a new address after another, all for the one event. A writer goes
    through nginx unless write_ports names where writer i goes (write_ports[i % len]); the
    writers begin together, and one whose sign-up failed waits a moment before the next, as
    a client would (it does not send the same sign-up again)."""

    def __init__(self, cluster, slug, readers=6, writers=3, write_ports=None):
        self.cluster = cluster
        self.slug = slug
        self.write_ports = write_ports or [cluster.port]
        self.stop_flag = threading.Event()
        self.lock = threading.Lock()
        self.gate = threading.Barrier(writers)
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
        client = Client(self.write_ports[i % len(self.write_ports)])
        self.gate.wait()
        while not self.stop_flag.is_set():
            email = f"{uuid.uuid4().hex[:16]}@example.se"
            started = time.monotonic()
            r = client.request("POST", f"/v1/events/{self.slug}/registrations", registration_body(email))
            self.record("write", started, r, email)
            if r.status != 201:
                self.stop_flag.wait(0.1)

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


# A rush: this many clients signing up for one event at once (the registration desk decides
# the sign-ups of one event that arrive together in one transaction, docs/REGISTRATION_RUSH.md),
# for an event of this capacity with a waitlist, so that every sign-up that is decided is a
# 201, confirmed or waitlisted.
RUSH_CLIENTS = 48
RUSH_CAPACITY = 30


def rush(cluster, slug, write_ports):
    """The load of a rush on the event, beside the readers."""
    return Load(cluster, slug, writers=RUSH_CLIENTS, write_ports=write_ports)


def batch_counts(cluster, name):
    port = cluster.instance_port(name)
    return (metric(port, "eventd_registration_signups_total") or 0,
            metric(port, "eventd_registration_batches_total") or 0)


def wait_for_rush_on(cluster, name, counted, began, seconds=2):
    """Until `seconds` of the rush (begun at `began`) have passed and the instance has decided
    a share of it since batch_counts gave `counted`: more than nginx's one probe (nginx avoids
    an instance for 5 s after it failed, so a restarted one may not have its share yet). From
    then on it has sign-ups in flight at any moment, in its batch or waiting for the next."""
    took_part = wait_until(10, lambda: batch_counts(cluster, name)[0] >= counted[0] + 5, step=0.05)
    check(took_part, f"instance {name} takes part in the rush ({time.monotonic() - began:.1f} s after it began)")
    time.sleep(max(0.0, began + seconds - time.monotonic()))


def check_rush(cluster, world, slug, load, label, counted=None):
    """What a rush must leave in the database, whatever happened during it: every 201 there
    as answered, exactly the capacity confirmed, the waitlist in the order of the decisions,
    one registration per address, every registration's message in the outbox.
    counted: {instance: its batch_counts when the rush began}, to show that it made batches."""
    writes = load.of("write")
    created = {}
    for r in writes:
        if r[3].status == 201:
            created[r[3].json()["id"]] = r[3].json()
    check_registrations_kept(cluster, load, label)
    event_id = world.event_ids[slug]
    rows = [line.split("|") for line in cluster.sql(
        f"SELECT id, status, seq FROM registrations WHERE event_id = '{event_id}' ORDER BY seq")]
    confirmed = [row[0] for row in rows if row[1] == "confirmed"]
    waitlisted = [row[0] for row in rows if row[1] == "waitlisted"]
    print(f"  {label}: {len(created)} answered 201 ({sum(1 for a in created.values() if a['status'] == 'confirmed')}"
          f" confirmed), {len(rows)} registrations in the database")
    check(len(rows) > RUSH_CAPACITY and len(confirmed) == min(RUSH_CAPACITY, len(rows))
          and len(confirmed) + len(waitlisted) == len(rows),
          f"{label}: exactly the capacity is confirmed in the database, the others waitlisted "
          f"({len(confirmed)} of {RUSH_CAPACITY} seats, {len(waitlisted)} waitlisted)")
    check([row[1] for row in rows] == ["confirmed"] * len(confirmed) + ["waitlisted"] * len(waitlisted),
          f"{label}: the seats went to the first decided (every waitlisted seq above every confirmed seq)")
    status_of = {row[0]: row[1] for row in rows}
    wrong = [i for i, a in created.items() if a["status"] != status_of.get(i)]
    check(not wrong, f"{label}: every 201 says the status its registration has in the database ({len(wrong)} wrong)")
    position_of = {row_id: n + 1 for n, row_id in enumerate(waitlisted)}
    positions = [a["waitlist_position"] for a in created.values() if a["status"] == "waitlisted"]
    mismatched = [i for i, a in created.items()
                  if a["waitlist_position"] != position_of.get(i)]  # None for a confirmed one
    check(len(positions) == len(set(positions)) and not mismatched,
          f"{label}: the waitlist positions answered are distinct, 1..N in the order of the decisions "
          f"({len(positions)} waitlisted answers, {len(mismatched)} out of place)")
    twice = cluster.sql(f"SELECT count(*) FROM (SELECT lower(email) FROM registrations WHERE event_id = '{event_id}' "
                        f"GROUP BY 1 HAVING count(*) > 1) d")[0]
    sent = {r[4].lower() for r in writes}
    stored = set(cluster.sql(f"SELECT lower(email) FROM registrations WHERE event_id = '{event_id}'"))
    check(twice == "0" and stored <= sent, f"{label}: no registration was made twice, none that was not asked for")
    mails = {}
    for line in cluster.sql("SELECT o.registration_id, o.kind FROM mail_outbox o JOIN registrations r "
                            f"ON r.id = o.registration_id WHERE r.event_id = '{event_id}'"):
        registration_id, kind = line.split("|")
        mails.setdefault(registration_id, []).append(kind)
    unmailed = [row[0] for row in rows if mails.get(row[0]) != [f"registration_{row[1]}"]]
    check(not unmailed, f"{label}: each registration has its one message in the outbox, confirmed or waitlisted "
                        f"({len(unmailed)} without)")
    if counted:
        for name, (signups, batches) in counted.items():
            signups_now, batches_now = batch_counts(cluster, name)
            signups, batches = signups_now - signups, batches_now - batches
            check(batches > 0 and signups >= 2 * batches,
                  f"{label}: instance {name} decided the rush in batches "
                  f"({signups:.0f} sign-ups in {batches:.0f} transactions)")


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
    print(f"kill -9: instance a dies under reads and a rush of {RUSH_CLIENTS} clients on one event", flush=True)
    slug = world.event_slug("rusning-och-fall", capacity=RUSH_CAPACITY, waitlist=True)
    counted = {name: batch_counts(cluster, name) for name in "ab"}
    # Two of three clients through nginx (to both instances), one of three straight to b.
    with rush(cluster, slug, [cluster.port, cluster.port, cluster.port_b]) as load:
        wait_for_rush_on(cluster, "a", counted.pop("a"), time.monotonic())
        killed_at = time.monotonic()
        os.kill(cluster.pid("a"), signal.SIGKILL)
        time.sleep(3)
    reads, writes = load.of("read"), load.of("write")
    print(f"  reads {statuses(reads)}, registrations {statuses(writes)}")
    check(all(r[3].status == 200 for r in reads), f"every read succeeded ({len(reads)} reads)")
    after = load.of("read", since=killed_at + 0.01)
    check(len(after) > 50 and all(r[3].status == 200 for r in after),
          f"reads went on through b after the kill ({len(after)})")
    before = [r for r in writes if r[2] < killed_at]
    check(before and all(r[3].status == 201 for r in before), f"before the kill, every sign-up was 201 ({len(before)})")
    writes_after = [r for r in load.of("write", since=killed_at + 0.5)]
    check(writes_after and all(r[3].status == 201 for r in writes_after),
          f"registrations went on through b after the kill ({len(writes_after)})")
    failed = [r for r in writes if r[3].status != 201]
    # A registration that was sent to a dying instance is answered 502 and never sent again:
    # a second attempt would be a 409 (the same e-mail) or a second registration. At most one
    # per client: the one it had in flight. In a rush a has some at any moment (in its batch
    # or waiting for it).
    check(failed and all(r[3].status == 502 for r in failed) and len(failed) <= RUSH_CLIENTS,
          f"the sign-ups a had in flight are 502, not retried ({len(failed)})")
    check_rush(cluster, world, slug, load, "kill -9", counted)
    committed = [r[4] for r in failed]
    if committed:
        listed = ",".join(f"'{e}'" for e in committed)
        n = cluster.sql(f"SELECT count(*) FROM registrations WHERE lower(email) IN ({listed})")[0]
        print(f"  of the {len(failed)} answered 502, {n} had been committed before the instance died")
    took, _ = cluster.run("instance", "a", "start")
    print(f"  instance a started again in {took:.1f} s")


def scenario_sigterm(cluster, world):
    print(f"SIGTERM: instance a stops under reads and a rush of {RUSH_CLIENTS} clients on one event; "
          "no request may fail", flush=True)
    slug = world.event_slug("rusning-och-stopp", capacity=RUSH_CAPACITY, waitlist=True)
    counted = {name: batch_counts(cluster, name) for name in "ab"}
    pid = cluster.pid("a")
    error_log = os.path.join(cluster.dir, "nginx", "error.log")
    error_log_start = os.path.getsize(error_log)
    with rush(cluster, slug, [cluster.port, cluster.port, cluster.port_b]) as load:
        wait_for_rush_on(cluster, "a", counted.pop("a"), time.monotonic())
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
    check_rush(cluster, world, slug, load, "SIGTERM", counted)
    took, _ = cluster.run("instance", "a", "start")
    print(f"  instance a started again in {took:.1f} s")


def scenario_database_restart(cluster, world):
    print(f"database: PostgreSQL restarted under reads and a rush of {RUSH_CLIENTS} clients on one event; "
          "503s, then success with the same processes", flush=True)
    slug = world.event_slug("rusning-och-databas", capacity=RUSH_CAPACITY, waitlist=True)
    pids = (cluster.pid("a"), cluster.pid("b"))
    counted = {name: batch_counts(cluster, name) for name in "ab"}
    # Half the clients through nginx, a quarter straight to each instance.
    with rush(cluster, slug, [cluster.port, cluster.port_a, cluster.port, cluster.port_b]) as load:
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
    check(any(r[3].status == 503 for r in load.of("write")), "sign-ups of the rush among them")
    check(all(r[3].headers.get("content-type", "").startswith("application/problem+json") and
              "retry-after" in r[3].headers for r in unavailable),
          "each 503 is problem+json with Retry-After")
    others = [r for r in everything if r[3].status not in (200, 201, 503)]
    check(not others, f"no answer other than 200/201/503 ({statuses(others)})")
    for r in others[:3]:
        print(f"    {r[3].status} {r[3].error or r[3].text[:200]}")
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
    check_rush(cluster, world, slug, load, "database restart", counted)
    failed = [r[4] for r in load.of("write") if r[3].status != 201]
    if failed:
        listed = ",".join(f"'{e}'" for e in failed)
        n = cluster.sql(f"SELECT count(*) FROM registrations WHERE lower(email) IN ({listed})")[0]
        print(f"  of the {len(failed)} sign-ups answered 503, {n} had been committed")
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
