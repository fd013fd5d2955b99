#!/usr/bin/env python3
"""Fault drill of DockerCoins under Docker Compose (issue 7). Run it through tests/drill.sh.

One fault at a time, with several workers mining; after each fault a *checkpoint* proves:
  - no worker container exited or restarted on its own (same ids, StartedAt, RestartCount; all running);
  - mining resumed, and how many seconds after the dependency came back;
  - the counter in Redis never went down (sampled every 0.5 s, except the deliberate wipe);
  - ledger: `hashes` in Redis == loops the workers did, `HLEN wallet` == coins they stored, exactly;
  - no coin stored twice ("We already had that coin" lines, HLEN vs coins stored);
  - /json answered 503 (and only 503) while Redis was down, and 200 again after.

Accounting (see docs/reliability.md): a worker's metrics die with its container, so every worker container's
log is kept (a `docker logs -f` per container, restarted when the container is, plus a snapshot at each
checkpoint). Each "N units of work done, updating hash counter" line is one INCRBY of N; it failed if the
miner's next line says "keeping N loops" (or "Could not write to Redis on shutdown"), else it succeeded.
The sum of the successful ones is what the container added to `hashes`. At a checkpoint the drill makes the
workers quiescent (rng stopped: no loop can complete; the workers write what they counted within ~2 s), then
checks, for every live worker, metrics == log (loops_total == loops_written_total == sum of its successful
writes in this run, unwritten == 0), and for the whole app: hashes in Redis == sum over every container that
ever ran (removed ones included) of its successful writes, minus the offset recorded when Redis lost its data.
"""
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time

from stack import (COMPOSE, HASHER_PORT, REGISTRY, RNG_PORT, START, TAG, WEBUI_PORT, Abort, container_ids, logger,
                   parse_runs, run)
from stack import inspect as inspect_containers

PROJECT = os.environ.get("DRILL_PROJECT", "dc-drill")
WORKERS = int(os.environ.get("DRILL_WORKERS", "10"))
OUTAGE = float(os.environ.get("DRILL_OUTAGE_SECONDS", "15"))
NEW_TAG = os.environ.get("DRILL_NEW_TAG", TAG + "-drill")
PASSWORD = os.environ.get("REDIS_PASSWORD", "")
WORKDIR = os.environ.get("DRILL_WORKDIR", "/tmp/%s-%d" % (PROJECT, os.getpid()))
RECOVERY_LIMIT = float(os.environ.get("DRILL_RECOVERY_LIMIT", "10"))  # "a few seconds": FAIL above this
# Faults that stop the workers themselves: recovery includes starting new JVMs (several at once on 2 cores).
WORKER_START_LIMIT = float(os.environ.get("DRILL_WORKER_START_LIMIT", "90"))
LOGDIR = os.path.join(WORKDIR, "logs")
os.makedirs(LOGDIR, exist_ok=True)

FAILURES = []
ROWS = []


log = logger("drill")


def problem(msg):
    """A failed expectation: recorded, printed, and the drill goes on so that the table is complete."""
    FAILURES.append(msg)
    log("FAIL: " + msg)


def compose(*args, timeout=180, tag=None, check=True):
    env = dict(os.environ, DOCKERCOINS_WEBUI_PORT=str(WEBUI_PORT), DOCKERCOINS_RNG_PORT=str(RNG_PORT),
               DOCKERCOINS_HASHER_PORT=str(HASHER_PORT), REGISTRY=REGISTRY, TAG=tag or TAG,
               REDIS_PASSWORD=PASSWORD)
    return run(COMPOSE + ["-p", PROJECT] + list(args), timeout=timeout, env=env, check=check)


def ids(service, all_states=False):
    return container_ids(PROJECT, service, all_states)


def one(service):
    found = ids(service)
    if len(found) != 1:
        raise Abort("expected one running %s container, found %d" % (service, len(found)))
    return found[0]


def inspect(cids):
    res = {}
    for cid, name, status, started, restarts, oom, code in inspect_containers(
            cids, "{{.Id}} {{.Name}} {{.State.Status}} {{.State.StartedAt}} {{.RestartCount}} {{.State.OOMKilled}} {{.State.ExitCode}}"):
        res[cid] = dict(name=name.lstrip("/"), status=status, started=started, restarts=int(restarts), oom=oom, code=code)
    return res


def redis_cli(*args, timeout=5):
    cmd = ["docker", "exec"]
    if PASSWORD:
        cmd += ["-e", "REDISCLI_AUTH=" + PASSWORD]
    cmd += [one("redis"), "redis-cli", "--no-auth-warning"] + list(args)
    return run(cmd, timeout=timeout).strip()


def redis_counts():
    """(hashes, HLEN wallet) read in one MULTI-less EVAL, so both come from the same instant."""
    out = redis_cli("eval", "return {redis.call('get','hashes') or '0', redis.call('hlen','wallet')}", "0")
    h, c = out.split()
    return int(h), int(c)


METRIC_RE = re.compile(r'^(worker_[a-z_]+(?:\{cause="[a-z]+"\})?) ([0-9.eE+-]+)$', re.M)


def worker_metrics(cid):
    out = run(["docker", "exec", cid, "bash", "-c",
               'exec 3<>/dev/tcp/127.0.0.1/80; printf "GET /q/metrics HTTP/1.0\\r\\n\\r\\n" >&3; cat <&3'], timeout=10)
    m = {k: int(float(v)) for k, v in METRIC_RE.findall(out)}
    if "worker_loops_total" not in m:
        raise Abort("no worker_loops_total in the metrics of %s" % cid[:12])
    return m


def http_get(port, path, timeout=2.0):
    """(status, body) or (None, error text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as e:
        return None, type(e).__name__
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------------------------
# Background: /json poller (every 0.5 s) and the worker log keeper.

class Poller(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.samples = []  # (monotonic, status or None, hashes or None)
        self.lock = threading.Lock()
        self.stop_flag = False

    def run(self):
        while not self.stop_flag:
            t = time.monotonic()
            # 5 s, longer than webui's Redis timeout (2 s): while Redis' container is stopped, webui's pooled
            # connection hangs until that timeout before /json answers 503, and that 503 is what must be seen.
            status, body = http_get(WEBUI_PORT, "/json", timeout=5.0)
            hashes = None
            if status == 200:
                try:
                    hashes = int(json.loads(body).get("hashes") or 0)
                except (ValueError, AttributeError):
                    status = "bad-json"
            with self.lock:
                self.samples.append((t, status, hashes))
            time.sleep(max(0.0, 0.5 - (time.monotonic() - t)))

    def since(self, t0):
        with self.lock:
            return [s for s in self.samples if s[0] >= t0]

    def last_hashes(self):
        with self.lock:
            for s in reversed(self.samples):
                if s[2] is not None:
                    return s[2]
        return None


class LogKeeper(threading.Thread):
    """Keeps a `docker logs -f -t` on every running worker container; files logs/<id>.<n>.log (each a full copy)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.followers = {}  # cid -> Popen
        self.n = 0
        self.stop_flag = False
        self.lock = threading.Lock()

    def sweep(self):
        with self.lock:
            for cid in ids("worker"):
                p = self.followers.get(cid)
                if p is None or p.poll() is not None:
                    self.n += 1
                    f = open(os.path.join(LOGDIR, "%s.%d.log" % (cid, self.n)), "w")
                    self.followers[cid] = subprocess.Popen(["docker", "logs", "-f", "-t", cid], stdout=f,
                                                           stderr=subprocess.STDOUT)
                    f.close()

    def run(self):
        while not self.stop_flag:
            try:
                self.sweep()
            except Exception as e:  # noqa: BLE001 - keep following whatever happens
                log("log keeper: %s" % e)
            time.sleep(0.5)

    def snapshot(self):
        """A full copy of the log of every worker container that still exists (running or not)."""
        for cid in ids("worker", all_states=True):
            with open(os.path.join(LOGDIR, "%s.snap%d.log" % (cid, int(time.time() * 1000))), "w") as f:
                subprocess.run(["docker", "logs", "-t", cid], stdout=f, stderr=subprocess.STDOUT, timeout=30)

    def close(self):
        self.stop_flag = True
        with self.lock:
            for p in self.followers.values():
                if p.poll() is None:
                    p.terminate()
            for p in self.followers.values():
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()


# ---------------------------------------------------------------------------------------------------------------
# The ledger: what every worker container wrote, from its log.

def container_logs():
    """cid -> list of runs, from the most complete copy of each container's log."""
    best = {}
    for name in os.listdir(LOGDIR):
        cid = name.split(".")[0]
        path = os.path.join(LOGDIR, name)
        size = os.path.getsize(path)
        if cid not in best or size > best[cid][0]:
            best[cid] = (size, path)
    res = {}
    for cid, (_, path) in best.items():
        with open(path, errors="replace") as f:
            res[cid] = parse_runs(f.read())
    return res


def ledger(live):
    """Totals over every worker container ever seen. live: cid -> metrics of running workers (current run).
    Returns dict(written, stored, dups, lost_loops, lost_coins, dropped, late, per_container_check)."""
    logs = container_logs()
    tot = dict(written=0, stored=0, dups=0, lost_loops=0, lost_coins=0, dropped=0, late=0, mismatches=[])
    for cid, runs in logs.items():
        for i, r in enumerate(runs):
            current = cid in live and i == len(runs) - 1
            if current:
                m = live[cid]
                if m["worker_loops_written_total"] != r["written"]:
                    tot["mismatches"].append("%s: metrics say %d loops written, its log %d"
                                             % (cid[:12], m["worker_loops_written_total"], r["written"]))
                tot["written"] += m["worker_loops_written_total"]
                tot["stored"] += m["worker_coins_stored_total"]
            else:
                tot["written"] += r["written"]
                tot["stored"] += r["coins"] - r["lost_coins"] - r["dropped"]
            for k in ("dups", "lost_loops", "lost_coins", "dropped", "late"):
                tot[k] += r[k]
    for cid in live:
        if cid not in logs or not logs[cid]:
            tot["mismatches"].append("%s: no log kept" % cid[:12])
    return tot


# ---------------------------------------------------------------------------------------------------------------
# The drill.

class Drill:
    def __init__(self):
        self.poller = Poller()
        self.logs = LogKeeper()
        self.offset_loops = 0
        self.offset_coins = 0
        self.prev = dict(d_loops=0, d_coins=0, dups=0, lost_loops=0, failures={})
        self.wiped_at = None  # poller time of the deliberate wipe
        self.workers = WORKERS
        self.tag = TAG

    # -- waiting ----------------------------------------------------------------------------------------------
    def health_states(self):
        """Each container's health; "healthy" for a running one without a healthcheck (compose checks no worker)."""
        return dict(inspect_containers(container_ids(PROJECT, all_states=True),
                                       "{{.Name}} {{if .State.Health}}{{.State.Health.Status}}"
                                       "{{else if eq .State.Status \"running\"}}healthy{{else}}{{.State.Status}}{{end}}"))

    def wait_healthy(self, timeout=180):
        """Every container healthy; or, on a loaded machine where a 3 s healthcheck can time out although the
        service works, every container running and past its start period with rng, hasher and webui answering
        their readiness check from the host and Redis answering PING."""
        deadline = time.monotonic() + timeout
        while True:
            states = self.health_states()
            if states and all(s == "healthy" for s in states.values()):
                return
            if states and all(s in ("healthy", "unhealthy") for s in states.values()):
                ok = all(http_get(p, "/q/health/ready", timeout=5)[0] == 200 for p in (RNG_PORT, HASHER_PORT, WEBUI_PORT))
                try:
                    ok = ok and redis_cli("ping") == "PONG"
                except Abort:
                    ok = False
                if ok:
                    log("some healthchecks time out (loaded machine?) but the services answer: %s" % states)
                    return
            if time.monotonic() > deadline:
                raise Abort("not all healthy within %ds: %s" % (timeout, states))
            time.sleep(1)

    def wait_http(self, port, path, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if http_get(port, path)[0] == 200:
                return time.monotonic()
            time.sleep(0.2)
        raise Abort("http://localhost:%d%s did not answer 200 within %ds" % (port, path, timeout))

    def wait_redis(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if redis_cli("ping", timeout=3) == "PONG":
                    return time.monotonic()
            except Abort:
                pass
            time.sleep(0.2)
        raise Abort("redis did not answer PING within %ds" % timeout)

    def wait_all_mining(self, t0, timeout=180):
        """Seconds from t0 until every running worker has done a loop (new JVMs included)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if all(worker_metrics(c)["worker_loops_total"] > 0 for c in ids("worker")):
                    return time.monotonic() - t0
            except Abort:
                pass  # a JVM still starting: no metrics yet
            time.sleep(1)
        problem("not every worker mines %ds after they were started" % timeout)
        return None

    def wait_growth(self, t_back, timeout=60):
        """Seconds from t_back until /json shows hashes above their value at t_back (or the first value seen)."""
        deadline = time.monotonic() + timeout
        base = None
        while time.monotonic() < deadline:
            status, body = http_get(WEBUI_PORT, "/json")
            if status == 200:
                h = int(json.loads(body).get("hashes") or 0)
                if base is None:
                    base = h
                elif h > base:
                    return time.monotonic() - t_back
            time.sleep(0.25)
        problem("mining did not resume within %ds" % timeout)
        return None

    # -- the checkpoint ---------------------------------------------------------------------------------------
    def worker_states(self):
        return inspect(ids("worker", all_states=True))

    def check_workers_untouched(self, before, fault):
        after = self.worker_states()
        for cid, b in before.items():
            a = after.get(cid)
            if a is None:
                problem("%s: worker %s disappeared" % (fault, b["name"]))
            elif a["status"] != "running" or a["started"] != b["started"] or a["restarts"] != b["restarts"]:
                problem("%s: worker %s exited or restarted on its own (%s, started %s -> %s, restarts %d -> %d, exit %s, oom %s)"
                        % (fault, b["name"], a["status"], b["started"], a["started"], b["restarts"], a["restarts"], a["code"], a["oom"]))
        for cid, a in after.items():
            if cid not in before:
                problem("%s: unexpected new worker %s" % (fault, a["name"]))

    def check_all_running(self, fault):
        st = inspect(container_ids(PROJECT, all_states=True))
        bad = ["%s %s exit %s oom %s" % (s["name"], s["status"], s["code"], s["oom"]) for s in st.values() if s["status"] != "running"]
        if bad:
            problem("%s: containers not running: %s" % (fault, ", ".join(bad)))
        n = sum(1 for s in st.values() if s["status"] == "running" and "_worker_" in s["name"])
        if n != self.workers:
            problem("%s: %d workers running, expected %d" % (fault, n, self.workers))

    def quiesce(self):
        """rng paused (frozen, not restarted: no JVM start-up to wait for): no loop can complete; each worker's
        call to rng times out (WORKER_READ_TIMEOUT, 10 s), then it writes all it counted. Wait for that."""
        run(["docker", "pause", one("rng")], timeout=30)
        deadline = time.monotonic() + 45
        last = None
        while True:
            live = {cid: worker_metrics(cid) for cid in ids("worker")}
            snap = {c: (m["worker_loops_total"], m["worker_loops_unwritten"], m["worker_coins_unstored"]) for c, m in live.items()}
            settled = all(u == 0 and cu == 0 for _, u, cu in snap.values())
            if settled and snap == last:
                return live
            if time.monotonic() > deadline:
                raise Abort("workers did not settle (unwritten loops/coins) within 45 s of rng pausing: %s" % snap)
            last = snap
            time.sleep(1.0)

    def checkpoint(self, fault, recovery, t_fault, expect_503=False, wiped=None, require_503=False, limit=RECOVERY_LIMIT):
        """Quiescent ledger check, then rng back and mining again. Appends the table row."""
        fails = {}
        for cid in ids("worker"):
            m = worker_metrics(cid)
            for cause in ("rng", "hasher", "redis"):
                fails[(cid, cause)] = m.get('worker_failures_total{cause="%s"}' % cause, 0)
        live = self.quiesce()
        hashes, coins = redis_counts()
        self.logs.sweep()
        self.logs.snapshot()
        led = ledger(live)
        for m in led["mismatches"]:
            problem("%s: %s" % (fault, m))
        exp_loops = led["written"] - self.offset_loops
        exp_coins = led["stored"] - led["dups"] - self.offset_coins
        d_loops, d_coins = hashes - exp_loops, coins - exp_coins
        dd = d_loops - self.prev["d_loops"]
        lost = max(0, -dd) + (led["lost_loops"] - self.prev["lost_loops"])
        double = max(0, dd)
        dups = (led["dups"] - self.prev["dups"]) + max(0, -(d_coins - self.prev["d_coins"]))
        coins_missing = max(0, d_coins - self.prev["d_coins"])
        if d_loops != 0 or d_coins != 0:
            problem("%s: Redis has hashes=%d coins=%d, the workers' ledger says %d and %d"
                    % (fault, hashes, coins, exp_loops, exp_coins))
        for what, n in (("loops lost", lost), ("loops counted twice", double), ("coins duplicated", dups),
                        ("coins missing", coins_missing), ("coins dropped", led["dropped"]), ("late loops", led["late"])):
            if n:
                problem("%s: %s: %d" % (fault, what, n))
        # worker failures by cause during the fault (before the checkpoint's own pause of rng)
        fsum = {c: sum(v - self.prev["failures"].get(k, 0) for k, v in fails.items() if k[1] == c and v >= self.prev["failures"].get(k, 0))
                for c in ("rng", "hasher", "redis")}
        # /json over the fault window: 5xx must be the documented 503 while Redis is down, nothing else
        samples = self.poller.since(t_fault)
        n5 = sum(1 for s in samples if isinstance(s[1], int) and s[1] >= 500)
        n503 = sum(1 for s in samples if s[1] == 503)
        ndown = sum(1 for s in samples if s[1] is None)
        if n5 != n503 or (n503 and not expect_503):
            problem("%s: /json answered %d 5xx (%d of them 503) while Redis was %s" % (fault, n5, n503, "down" if expect_503 else "up"))
        if require_503 and n503 == 0:
            problem("%s: /json never said 503 while Redis was down (the gap is not shown honestly)" % fault)
        # the counter never goes down (except at the deliberate wipe)
        seq = [s for s in samples if s[2] is not None]
        for (t1, _, h1), (t2, _, h2) in zip(seq, seq[1:]):
            if h2 < h1 and not (wiped and t1 <= wiped[1] and t2 >= wiped[0]):
                problem("%s: hashes went down from %d to %d" % (fault, h1, h2))
                break
        row = dict(fault=fault, recovery=recovery, limit=limit, lost=lost, double=double, dups=dups, n5=n5, n503=n503,
                   refused=ndown, fails=fsum, hashes=hashes, coins=coins, wiped=wiped[2] if wiped else None)
        ROWS.append(row)
        log("checkpoint after '%s': hashes=%d coins=%d (ledger %d / %d), recovery %s s, lost %d, double %d, dup coins %d, /json 5xx %d, failures %s"
            % (fault, hashes, coins, exp_loops, exp_coins, "-" if recovery is None else "%.1f" % recovery, lost, double, dups, n5, fsum))
        self.prev = dict(d_loops=d_loops, d_coins=d_coins, dups=led["dups"], lost_loops=led["lost_loops"])
        # rng back; mining must resume
        run(["docker", "unpause", one("rng")], timeout=30)
        if self.wait_growth(time.monotonic()) is None:
            raise Abort("mining did not resume after the checkpoint")
        self.prev["failures"] = {}
        for cid in ids("worker"):
            m = worker_metrics(cid)
            for cause in ("rng", "hasher", "redis"):
                self.prev["failures"][(cid, cause)] = m.get('worker_failures_total{cause="%s"}' % cause, 0)

    # -- faults -----------------------------------------------------------------------------------------------
    def kill9(self, service):
        fault = "kill -9 %s" % service
        before = self.worker_states()
        t0 = time.monotonic()
        run(["docker", "kill", "-s", "KILL", one(service)], timeout=30)
        time.sleep(2)
        compose("start", service, timeout=60)
        recovery = self.back_and_growth(service)
        self.check_workers_untouched(before, fault)
        self.check_all_running(fault)
        self.checkpoint(fault, recovery, t0)

    def restart(self, service):
        fault = "compose restart %s" % service
        before = self.worker_states()
        t0 = time.monotonic()
        compose("restart", service, timeout=90)
        recovery = self.back_and_growth(service)
        self.check_workers_untouched(before, fault)
        self.check_all_running(fault)
        self.checkpoint(fault, recovery, t0, expect_503=False)

    def back_and_growth(self, service):
        port = {"rng": RNG_PORT, "hasher": HASHER_PORT, "webui": WEBUI_PORT}[service]
        t_back = self.wait_http(port, "/q/health/ready" if service != "webui" else "/json")
        return self.wait_growth(t_back)

    def pause(self, service):
        fault = "pause %s %ds" % (service, OUTAGE)
        before = self.worker_states()
        t0 = time.monotonic()
        cid = one(service)
        run(["docker", "pause", cid], timeout=30)
        time.sleep(OUTAGE)
        run(["docker", "unpause", cid], timeout=30)
        t_back = time.monotonic()
        recovery = self.wait_growth(t_back)
        self.check_workers_untouched(before, fault)
        self.check_all_running(fault)
        self.checkpoint(fault, recovery, t0)

    def redis_outage(self):
        fault = "stop redis %ds, start" % OUTAGE
        before = self.worker_states()
        t0 = time.monotonic()
        compose("stop", "redis", timeout=60)
        time.sleep(OUTAGE)
        compose("start", "redis", timeout=60)
        recovery = self.wait_growth(self.wait_redis())
        self.check_workers_untouched(before, fault)
        self.check_all_running(fault)
        self.checkpoint(fault, recovery, t0, expect_503=True, require_503=True)

    def redis_restart_kept(self):
        fault = "restart redis (volume kept)"
        before = self.worker_states()
        h0, _ = redis_counts()
        t0 = time.monotonic()
        compose("restart", "redis", timeout=60)
        recovery = self.wait_growth(self.wait_redis())
        h1, _ = redis_counts()
        if h1 < h0:
            problem("%s: hashes went from %d to %d across the restart" % (fault, h0, h1))
        self.check_workers_untouched(before, fault)
        self.check_all_running(fault)
        self.checkpoint(fault, recovery, t0, expect_503=True)

    def redis_restart_wiped(self):
        """Redis comes back empty (its volume is gone): the workers carry on, the counter starts again from 0.
        The ledger restarts from what the workers had written when Redis went down (their written counters
        cannot move while Redis is down)."""
        fault = "recreate redis without its volume"
        before = self.worker_states()
        t0 = time.monotonic()
        h_before, c_before = redis_counts()
        compose("stop", "redis", timeout=60)
        t_down = time.monotonic()
        time.sleep(3)  # writes in flight fail (2 s Redis timeout)
        live = {cid: worker_metrics(cid) for cid in ids("worker")}
        time.sleep(1)
        live2 = {cid: worker_metrics(cid) for cid in ids("worker")}
        if any(live[c]["worker_loops_written_total"] != live2[c]["worker_loops_written_total"] for c in live):
            problem("%s: a worker's written count moved while Redis was down" % fault)
        self.logs.snapshot()
        led = ledger(live2)
        compose("rm", "-f", "redis", timeout=60)
        run(["docker", "volume", "rm", PROJECT + "_redis-data"], timeout=30)
        self.offset_loops = led["written"]
        self.offset_coins = led["stored"] - led["dups"]
        self.prev["d_loops"] = 0
        self.prev["d_coins"] = 0
        compose("up", "-d", "--no-deps", "redis", timeout=90)
        t_back = self.wait_redis()
        h_now, _ = redis_counts()
        recovery = self.wait_growth(t_back)
        log("%s: hashes %d (coins %d) before, %d right after, workers' written totals at the wipe: %d"
            % (fault, h_before, c_before, h_now, self.offset_loops))
        self.check_workers_untouched(before, fault)
        self.check_all_running(fault)
        self.checkpoint(fault, recovery, t0, expect_503=True, wiped=(t_down, t_back, h_before))

    def stop_start_workers(self):
        fault = "compose stop worker (SIGTERM), start"
        t0 = time.monotonic()
        pre = {cid: worker_metrics(cid) for cid in ids("worker")}
        t_stop = time.monotonic()
        compose("stop", "worker", timeout=120)
        stop_s = time.monotonic() - t_stop
        log("%s: %d workers stopped in %.1f s" % (fault, len(pre), stop_s))
        if stop_s > 15:
            problem("%s: stopping the workers took %.1f s (each should exit within a few seconds)" % (fault, stop_s))
        st = self.worker_states()
        for cid, s in st.items():
            if s["status"] != "exited" or s["code"] not in ("0", "143"):
                problem("%s: %s did not exit cleanly on SIGTERM (%s, exit %s)" % (fault, s["name"], s["status"], s["code"]))
        self.logs.snapshot()
        led_runs = container_logs()
        for cid, m in pre.items():
            last = led_runs.get(cid, [{}])[-1]
            if last.get("written", -1) < m["worker_loops_total"]:
                problem("%s: %s had done %d loops before SIGTERM, its log shows only %d written"
                        % (fault, cid[:12], m["worker_loops_total"], last.get("written", -1)))
        t_start = time.monotonic()
        compose("start", "worker", timeout=180)
        recovery = self.wait_growth(t_start, timeout=180)
        self.wait_healthy()
        self.check_all_running(fault)
        self.checkpoint(fault, recovery, t0, limit=WORKER_START_LIMIT)

    def scale(self, low):
        fault = "scale worker %d -> %d -> %d" % (self.workers, low, self.workers)
        t0 = time.monotonic()
        high = self.workers
        compose("up", "-d", "--no-recreate", "--scale", "worker=%d" % low, "worker", timeout=180, tag=self.tag)
        self.workers = low
        time.sleep(5)
        self.check_all_running(fault + " (down)")
        if self.wait_growth(time.monotonic(), timeout=30) is None:  # the one left goes on mining
            problem("%s: the remaining worker does not mine" % fault)
        t_up = time.monotonic()
        compose("up", "-d", "--no-recreate", "--scale", "worker=%d" % high, "worker", timeout=240, tag=self.tag)
        self.workers = high
        recovery = self.wait_all_mining(t_up)
        self.wait_healthy()
        self.check_all_running(fault)
        self.checkpoint(fault, recovery, t0, limit=WORKER_START_LIMIT)

    def new_tag(self):
        fault = "workers replaced by TAG=%s" % NEW_TAG
        old, new = "%s/worker:%s" % (REGISTRY, self.tag), "%s/worker:%s" % (REGISTRY, NEW_TAG)
        created = subprocess.call(["docker", "image", "inspect", new], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0
        if created:
            run(["docker", "tag", old, new], timeout=30)
        self.created_tag = new if created else None
        before = set(ids("worker"))
        t0 = time.monotonic()
        compose("up", "-d", "--no-deps", "--scale", "worker=%d" % self.workers, "worker", timeout=240, tag=NEW_TAG)
        self.tag = NEW_TAG
        recovery = self.wait_growth(t0, timeout=180)
        self.wait_healthy()
        after = ids("worker")
        imgs = set(run(["docker", "inspect", "-f", "{{.Config.Image}}"] + after, timeout=30).split())
        if before & set(after) or imgs != {new}:
            problem("%s: workers not all replaced (images now %s)" % (fault, imgs))
        self.check_all_running(fault)
        self.checkpoint(fault, recovery, t0, limit=WORKER_START_LIMIT)

    # -- main -------------------------------------------------------------------------------------------------
    def main(self):
        log("project %s, %d workers, images %s/*:%s, outages %ds, work dir %s" % (PROJECT, WORKERS, REGISTRY, TAG, OUTAGE, WORKDIR))
        compose("down", "-v", "--remove-orphans", timeout=120, check=False)
        for port in (WEBUI_PORT, RNG_PORT, HASHER_PORT):
            if http_get(port, "/", timeout=0.5)[1] != "ConnectionRefusedError":
                raise Abort("port %d is already taken on this host (set DOCKERCOINS_*_PORT)" % port)
        if os.environ.get("DRILL_SKIP_BUILD") != "1":
            log("building the images")
            compose("build", timeout=1800)
        log("starting the app with %d workers" % WORKERS)
        compose("up", "-d", "--scale", "worker=%d" % WORKERS, timeout=300)
        self.wait_healthy(240)
        self.poller.start()
        self.logs.sweep()
        self.logs.start()
        self.wait_growth(time.monotonic(), timeout=60)
        time.sleep(3)

        for s in ("rng", "hasher", "webui"):
            self.kill9(s)
        for s in ("rng", "hasher", "webui"):
            self.restart(s)
        self.pause("rng")
        self.pause("hasher")
        self.redis_outage()
        self.redis_restart_kept()
        self.redis_restart_wiped()
        self.stop_start_workers()
        self.scale(1)
        self.new_tag()


def table():
    lines = ["", "| fault | recovery (s) | loops lost | loops counted twice | coins duplicated | /json 5xx (503 while Redis down) | worker failures rng/hasher/redis |",
             "|---|---|---|---|---|---|---|"]
    for r in ROWS:
        lost = str(r["lost"]) + (" (counter wiped on purpose: %d)" % r["wiped"] if r["wiped"] is not None else "")
        lines.append("| %s | %s | %s | %d | %d | %d | %d/%d/%d |" % (
            r["fault"], "-" if r["recovery"] is None else "%.1f" % r["recovery"], lost, r["double"], r["dups"], r["n5"],
            r["fails"]["rng"], r["fails"]["hasher"], r["fails"]["redis"]))
    return "\n".join(lines)


def main():
    drill = Drill()
    rc = 0
    try:
        drill.main()
        for r in ROWS:
            if r["recovery"] is None or r["recovery"] > r["limit"]:
                problem("%s: mining resumed %s s after the dependency came back (limit %.0f s)" % (r["fault"], r["recovery"], r["limit"]))
        if ROWS:
            last = ROWS[-1]
            log("end: hashes=%d coins=%d in Redis, equal to the workers' ledger" % (last["hashes"], last["coins"]))
    except Abort as e:
        problem("aborted: %s" % e)
    except KeyboardInterrupt:
        problem("interrupted")
    finally:
        drill.poller.stop_flag = True
        drill.logs.close()
        if FAILURES:
            try:
                sys.stderr.write(compose("ps", timeout=30, check=False))
                sys.stderr.write(compose("logs", "--tail=20", timeout=60, check=False)[-6000:])
            except Abort:
                pass
        if getattr(drill, "created_tag", None):
            subprocess.call(["docker", "rmi", drill.created_tag], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(table())
    if FAILURES:
        print("\nFAIL (%d):\n  %s" % (len(FAILURES), "\n  ".join(FAILURES)))
        rc = 1
    else:
        print("\nPASS in %d s (%d workers; logs in %s)" % (time.monotonic() - START, WORKERS, WORKDIR))
    return rc


if __name__ == "__main__":
    sys.exit(main())
