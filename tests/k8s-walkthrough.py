#!/usr/bin/env python3
"""The Kubernetes walkthrough of k8s/README.md, typed as a learner types it, on the real cluster of
tests/cluster/up.sh (run it through tests/k8s-walkthrough.sh). Each command the learner types is first found,
verbatim, in k8s/README.md (or the README it names), then run by bash in a namespace of the test's own (through a
kubeconfig whose context names that namespace), with the cluster's kubectl and stern first on PATH. What a learner
sees is then checked, and the figures are printed in a table at the end:

  deploy     `kubectl apply -f k8s/`, every pod Ready; through `kubectl port-forward service/webui`, 1 worker about
             3.3 hashes/s, 2 about 6.6, 10 about 10 (the ceiling), each from /json over WALK_WINDOW seconds
  rng        `kubectl get pods -l app=rng`, `kubectl get endpoints rng -w` while rng scales to 3 (10 workers past 20
             hashes/s, the rng pods on different nodes), `kubectl logs -l app=rng --prefix`, `stern -l app`; then
             the DaemonSet of section 6: one rng per worker node, past 20 hashes/s
  by hand    the hand-made path in a second namespace while the first keeps mining: with the images loaded in the
             nodes, then through the in-cluster registry the workshop runs itself; its web UI answers on the
             NodePort of every node
  rollout    worker v0.2 by `kubectl set image` + `rollout status`: the counter never goes down, /json answers every
             request (counted), no loop is lost (the workers' logs, kept by stern, against Redis); the broken v0.3
             stalls with the old pods mining; `rollout undo` brings it back
  health     liveness on `/` with 15 workers: the kubelet restarts rng; the manifests' own probes with 20 workers:
             nothing restarts
  node       one worker node stopped: how long until its pods run on the other node and mining resumes; started
             again, it rejoins Ready

Environment: KUBECTL, KUBECONFIG (what up.sh prints), WALK_NAMESPACE (walkthrough), WALK_HAND_NAMESPACE (by-hand),
WALK_WINDOW (30: seconds of each speed measurement), WALK_PORT (8000: the port of `kubectl port-forward
service/webui 8000:80`), WALK_PARTS (all of: deploy rng byhand rollout health node), CLUSTER_NAME (dockercoins).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stack import Abort, logger, parse_runs  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "k8s", "README.md")
KUBECTL = os.environ["KUBECTL"]
ADMIN_KUBECONFIG = os.environ["KUBECONFIG"]
NS = os.environ.get("WALK_NAMESPACE", "walkthrough")
HAND_NS = os.environ.get("WALK_HAND_NAMESPACE", "by-hand")
WINDOW = float(os.environ.get("WALK_WINDOW", "30"))
PORT = int(os.environ.get("WALK_PORT", "8000"))
PARTS = os.environ.get("WALK_PARTS", "deploy rng byhand rollout health node").split()
CLUSTER = os.environ.get("CLUSTER_NAME", "dockercoins")
WORKDIR = tempfile.mkdtemp(prefix="k8s-walkthrough-")

log = logger("walkthrough")
FAILURES = []
RESULTS = []  # (what, figure, expected)


def problem(msg):
    FAILURES.append(msg)
    log("FAIL: " + msg)


def result(what, figure, expected, ok=True):
    RESULTS.append((what, figure, expected, "ok" if ok else "FAIL"))
    log("%s: %s (expected %s)%s" % (what, figure, expected, "" if ok else "  <-- FAIL"))
    if not ok:
        FAILURES.append("%s: %s, expected %s" % (what, figure, expected))


# ---------------------------------------------------------------------------------------------------------------
# Running what the learner types.

def kubeconfig_for(namespace):
    """A copy of the admin kubeconfig whose context names the namespace: the learner's commands run unchanged."""
    path = os.path.join(WORKDIR, "kubeconfig-" + namespace)
    shutil.copy(ADMIN_KUBECONFIG, path)
    subprocess.run([KUBECTL, "--kubeconfig", path, "config", "set-context", "--current", "--namespace", namespace],
                   check=True, capture_output=True)
    return path


class Shell:
    """bash in one namespace, with the cluster's kubectl and stern first on PATH, from the repository's root."""

    def __init__(self, namespace, readme=README):
        self.namespace = namespace
        self.readme = readme
        self.env = dict(os.environ, KUBECONFIG=kubeconfig_for(namespace),
                        PATH=os.path.dirname(KUBECTL) + ":/usr/bin:" + os.environ.get("PATH", ""))
        self.env.pop("REGISTRY", None)
        self.env.pop("TAG", None)

    def run(self, cmd, timeout=120, check=True, env=None):
        """stdout of a bash command line."""
        try:
            p = subprocess.run(["bash", "-c", cmd], cwd=ROOT, env=dict(self.env, **(env or {})), capture_output=True,
                               text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Abort("timed out after %ds: %s" % (timeout, cmd))
        if check and p.returncode != 0:
            raise Abort("failed (%d): %s\n%s%s" % (p.returncode, cmd, p.stdout[-1500:], p.stderr[-1500:]))
        return p.stdout

    def in_readme(self, cmd, readme=None):
        readme = readme or self.readme
        with open(readme) as f:
            if cmd not in f.read():
                raise Abort("not in %s as typed: %s" % (os.path.relpath(readme, ROOT), cmd))
        log("$ " + cmd)

    def typed(self, cmd, timeout=180, check=True, env=None, readme=None):
        """A command of the walkthrough, exactly as the README has it."""
        self.in_readme(cmd, readme)
        return self.run(cmd, timeout=timeout, check=check, env=env)

    def background(self, cmd, out):
        return subprocess.Popen(["bash", "-c", "exec " + cmd], cwd=ROOT, env=self.env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)

    def json(self, what):
        return json.loads(self.run("kubectl get %s -o json" % what))

    def pods(self, selector):
        return self.json("pods -l " + selector)["items"]


def ready(pod):
    return pod["status"].get("phase") == "Running" and all(
        c.get("ready") for c in pod["status"].get("containerStatuses", []))


def restarts(pod):
    return sum(c.get("restartCount", 0) for c in pod["status"].get("containerStatuses", []))


def wait_for(what, test, timeout=180, every=2):
    """test's first true value; an exception counts as "not yet" (a pod that is not listening yet)."""
    deadline = time.monotonic() + timeout
    error = None
    while True:
        try:
            value = test()
            if value:
                return value
        except (Abort, OSError, ValueError, KeyError) as e:
            error = e
        if time.monotonic() > deadline:
            raise Abort("%s: not within %ds%s" % (what, timeout, " (last error: %s)" % error if error else ""))
        time.sleep(every)


def http_json(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read())


def node_ips():
    nodes = json.loads(subprocess.run([KUBECTL, "--kubeconfig", ADMIN_KUBECONFIG, "get", "nodes", "-o", "json"],
                                      check=True, capture_output=True, text=True).stdout)["items"]
    return {n["metadata"]["name"]: next(a["address"] for a in n["status"]["addresses"] if a["type"] == "InternalIP")
            for n in nodes}


# ---------------------------------------------------------------------------------------------------------------
# What the web UI shows.

class WebUI:
    """/json through `kubectl port-forward service/webui 8000:80` (started again if the forward dies)."""

    def __init__(self, sh):
        self.sh = sh
        self.proc = None
        self.url = "http://127.0.0.1:%d/json" % PORT

    def forward(self):
        if self.proc and self.proc.poll() is None:
            return
        cmd = "kubectl port-forward service/webui 8000:80"
        self.sh.in_readme(cmd)
        self.out = open(os.path.join(WORKDIR, "port-forward.log"), "a")
        self.proc = self.sh.background(cmd.replace("8000:80", "%d:80" % PORT), self.out)
        wait_for("port-forward to webui", self.answers, timeout=30, every=0.5)

    def answers(self):
        try:
            http_json(self.url, timeout=2)
            return True
        except Exception:
            return False

    def json(self):
        for attempt in range(5):
            try:
                return http_json(self.url)
            except Exception:
                if self.proc.poll() is not None:
                    self.proc = None
                    self.forward()
                time.sleep(1)
        raise Abort("webui's /json does not answer through port-forward")

    def rate(self, window=WINDOW):
        """hashes per second over window seconds, by /json's own clock."""
        a = self.json()
        time.sleep(window)
        b = self.json()
        return (b["hashes"] - a["hashes"]) / (b["now"] - a["now"])

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()


class Poller(threading.Thread):
    """/json every half second, as a browser would poll it: counts answers and failures, and each drop of the counter."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url = url
        self.sent = self.failed = self.drops = 0
        self.last = None
        self.stop_flag = False
        self.errors = []

    def run(self):
        while not self.stop_flag:
            self.sent += 1
            try:
                h = http_json(self.url, timeout=2)["hashes"]
                if self.last is not None and h < self.last:
                    self.drops += 1
                self.last = h
            except Exception as e:  # noqa: BLE001 - every failure counts
                self.failed += 1
                self.errors.append(str(e))
            time.sleep(0.5)

    def stop(self):
        self.stop_flag = True
        self.join(5)


def settle(sh, deployment, seconds=10):
    """Waits until the Deployment's pods are all Ready, then lets the new workers reach their pace."""
    sh.run("kubectl rollout status deployment/%s --timeout=240s" % deployment, timeout=260)
    time.sleep(seconds)


# ---------------------------------------------------------------------------------------------------------------
# The parts.

def part_deploy(sh, ui):
    sh.run("kubectl create namespace %s" % NS, env={"KUBECONFIG": ADMIN_KUBECONFIG})
    t0 = time.monotonic()
    sh.typed("kubectl apply -f k8s/")
    sh.typed("kubectl wait --for=condition=Available deployment --all --timeout=180s", timeout=200)
    pods = sh.typed("kubectl get pods")
    not_ready = [p["metadata"]["name"] for p in sh.pods("app") if not ready(p)]
    result("apply -f k8s/: pods Ready", "%d pods in %.0f s" % (len(pods.splitlines()) - 1, time.monotonic() - t0),
           "5 pods, all Ready", not not_ready and len(pods.splitlines()) == 6)
    ui.forward()
    wait_for("the first hashes", lambda: ui.json()["hashes"] > 0, timeout=60)
    time.sleep(5)
    r = ui.rate()
    result("1 worker", "%.2f hashes/s" % r, "about 3.3", 2.8 <= r <= 3.7)
    sh.typed("kubectl scale deployment worker --replicas=2")
    settle(sh, "worker")
    r = ui.rate()
    result("2 workers", "%.2f hashes/s" % r, "about 6.6", 5.6 <= r <= 7.3)
    sh.typed("kubectl scale deployment worker --replicas=10")
    sh.typed("kubectl get pods -l app=worker")
    settle(sh, "worker", 15)
    r = ui.rate()
    result("10 workers, 1 rng (the ceiling)", "%.2f hashes/s" % r, "about 10", 8.5 <= r <= 11)


def part_rng(sh, ui):
    sh.typed("kubectl get pods -l app=rng")
    endpoints_log = os.path.join(WORKDIR, "endpoints-w.log")
    with open(endpoints_log, "w") as out:
        watch = sh.background("kubectl get endpoints rng -w", out)
        time.sleep(2)
        sh.typed("kubectl scale deployment rng --replicas=3")
        settle(sh, "rng", 15)
        watch.terminate()
    with open(endpoints_log) as f:
        lines = [line for line in f.read().splitlines() if line.startswith("rng ")]
    counts = [len(re.findall(r"\d+\.\d+\.\d+\.\d+:\d+", line)) + int((re.findall(r"\+ (\d+) more", line) or [0])[0])
              for line in lines]
    result("kubectl get endpoints rng -w while rng scales to 3", " -> ".join(map(str, counts)) + " endpoints",
           "1 growing to 3", bool(counts) and counts[0] == 1 and counts[-1] == 3)
    wide = sh.typed("kubectl get pods -l app=rng -o wide")
    nodes = {p["spec"]["nodeName"] for p in sh.pods("app=rng")}
    result("rng pods' nodes (kubectl get pods -l app=rng -o wide)", ", ".join(sorted(nodes)), "more than one node",
           len(nodes) > 1)
    log(wide)
    r = ui.rate()
    result("10 workers, 3 rng pods", "%.2f hashes/s" % r, "past 20 (about 25-30)", r > 20)
    prefixed = sh.typed("kubectl logs -l app=rng --prefix --tail 2")
    result("kubectl logs -l app=rng --prefix", "%d lines from %d pods" % (
        len(prefixed.splitlines()), len({line.split(" ")[0] for line in prefixed.splitlines()})),
        "request lines of every rng pod", '"GET /32 HTTP/1.1" 200' in prefixed
        and len({line.split(" ")[0] for line in prefixed.splitlines()}) == 3)
    stern = sh.run("timeout 8 stern -l app --tail 5 --no-follow", check=False)
    result("stern -l app", "%d lines" % len(stern.splitlines()), "rng's and hasher's request lines",
           '"GET /32 HTTP/1.1" 200' in stern and '"POST / HTTP/1.1" 200' in stern)
    stern = sh.run("timeout 8 stern worker --tail 3 --no-follow", check=False)
    result("stern worker", "%d lines" % len(stern.splitlines()), "units of work done", "units of work done" in stern)

    sh.typed("kubectl scale deployment rng --replicas=1")
    settle(sh, "rng", 0)
    sh.typed("kubectl apply -f k8s/daemonset-rng/rng-daemonset.yaml", readme=DAEMONSET_README)
    sh.run("kubectl rollout status daemonset/rng --timeout=180s", timeout=200)
    ds = sh.json("daemonset rng")["status"]
    workers = [n for n in node_ips() if "control-plane" not in n]
    ds_nodes = sorted(p["spec"]["nodeName"] for p in sh.pods("app.kubernetes.io/instance=rng-daemonset"))
    result("DaemonSet rng: one pod per node that takes pods", "%d desired, on %s" % (
        ds["desiredNumberScheduled"], ", ".join(ds_nodes)), "%d, one per worker node" % len(workers),
        ds["desiredNumberScheduled"] == len(workers) and sorted(ds_nodes) == sorted(workers))
    time.sleep(10)
    r = ui.rate()
    result("10 workers, rng Deployment + DaemonSet (%d pods)" % (1 + len(workers)), "%.2f hashes/s" % r, "past 20",
           r > 20)
    sh.typed("kubectl delete -f k8s/daemonset-rng/rng-daemonset.yaml", readme=DAEMONSET_README)
    sh.typed("kubectl apply -f k8s/rng.yaml", readme=DAEMONSET_README)
    sh.typed("kubectl scale deployment rng --replicas=1", readme=DAEMONSET_README)


DAEMONSET_README = os.path.join(ROOT, "k8s", "daemonset-rng", "README.md")
HAND_MADE = """kubectl create deployment redis --image=redis
kubectl create deployment hasher --image=$REGISTRY/hasher:$TAG
kubectl create deployment rng --image=$REGISTRY/rng:$TAG
kubectl create deployment webui --image=$REGISTRY/webui:$TAG
kubectl create deployment worker --image=$REGISTRY/worker:$TAG
kubectl expose deployment redis --port 6379
kubectl expose deployment rng --port 80
kubectl expose deployment hasher --port 80
kubectl expose deploy/webui --type=NodePort --port=80
kubectl get svc webui"""


def hand_made(hand, ui, how, registry):
    """The workshop's typed deployment; registry names the images' prefix."""
    env = {"REGISTRY": registry, "TAG": "v0.1"}
    for cmd in HAND_MADE.splitlines():
        hand.typed(cmd, env=env)
    hand.typed("kubectl scale deployment worker --replicas=2")
    hand.run("kubectl wait --for=condition=Available deployment --all --timeout=240s", timeout=260)
    nodeport = hand.json("service webui")["spec"]["ports"][0]["nodePort"]
    ips = node_ips()
    url = "http://%s:%d/json" % (next(iter(ips.values())), nodeport)
    wait_for("the hand-made app mining", lambda: http_json(url)["hashes"] > 0, timeout=90)
    answered = []
    for name, ip in sorted(ips.items()):
        try:
            http_json("http://%s:%d/json" % (ip, nodeport))
            answered.append(name)
        except Exception as e:  # noqa: BLE001
            log("NodePort %d on %s (%s): %s" % (nodeport, name, ip, e))
    result("by hand (%s): web UI on the NodePort of every node" % how, "%d of %d nodes" % (len(answered), len(ips)),
           "every node", len(answered) == len(ips))
    time.sleep(10)
    first_runs = "deploy" in PARTS
    a = http_json(url)
    first = ui.json() if first_runs else None
    time.sleep(WINDOW)
    b = http_json(url)
    r = (b["hashes"] - a["hashes"]) / (b["now"] - a["now"])
    result("by hand (%s): 2 workers" % how, "%.2f hashes/s" % r, "about 6.6", 5.3 <= r <= 7.3)
    if first_runs:
        second = ui.json()
        r_first = (second["hashes"] - first["hashes"]) / (second["now"] - first["now"])
        result("while by hand (%s): the first namespace, 10 workers" % how, "%.2f hashes/s" % r_first,
               "still mining, about 10", r_first > 7)
    logs = hand.typed("kubectl logs -l app=rng --tail 1")
    result("by hand (%s): kubectl logs -l app=rng --tail 1" % how, logs.strip()[-60:], "an access-log line",
           '"GET /32 HTTP/1.1" 200' in logs)
    env_lines = hand.run("kubectl exec deploy/worker -- env")
    result("by hand (%s): service links in a worker" % how,
           (re.findall(r"^REDIS_PORT=.*$", env_lines, re.M) or ["none"])[0], "REDIS_PORT=tcp://...",
           bool(re.search(r"^REDIS_PORT=tcp://", env_lines, re.M)))
    hand.typed("kubectl delete deployment redis hasher rng webui worker")
    hand.typed("kubectl delete service redis rng hasher webui")


def part_byhand(sh, ui):
    hand = Shell(HAND_NS)
    hand.run("kubectl create namespace %s" % HAND_NS, env={"KUBECONFIG": ADMIN_KUBECONFIG})
    hand_made(hand, ui, "images loaded in the nodes", "dockercoins-java")

    # The workshop's own registry, in the cluster; Docker on this machine pushes to it through a port-forward.
    hand.typed("kubectl create deployment registry --image=registry")
    hand.typed("kubectl expose deploy/registry --port=5000 --type=NodePort")
    hand.run("kubectl wait --for=condition=Available deployment/registry --timeout=120s", timeout=140)
    nodeport = hand.typed("kubectl get svc/registry -o jsonpath='{.spec.ports[0].nodePort}'").strip()
    forward_log = open(os.path.join(WORKDIR, "registry-forward.log"), "w")
    hand.in_readme("kubectl port-forward service/registry $NODEPORT:5000 &")
    forward = hand.background("kubectl port-forward service/registry %s:5000" % nodeport, forward_log)
    try:
        wait_for("the registry's port-forward", lambda: hand.run(
            "curl -fs 127.0.0.1:%s/v2/" % nodeport, check=False) is not None and hand.run(
            "curl -fs -o /dev/null -w %%{http_code} 127.0.0.1:%s/v2/" % nodeport, check=False) == "200",
            timeout=30, every=1)
        env = {"REGISTRY": "127.0.0.1:" + nodeport, "TAG": "v0.1", "DOCKER_BUILDKIT": "1", "COMPOSE_DOCKER_CLI_BUILD": "1"}
        t0 = time.monotonic()
        hand.typed("docker compose build", env=env, timeout=1800)
        hand.typed("docker compose push", env=env, timeout=900)
        catalog = hand.run("curl -s 127.0.0.1:%s/v2/_catalog" % nodeport)
        result("in-cluster registry: docker compose build && push", "%s in %.0f s" % (catalog.strip(), time.monotonic() - t0),
               "hasher, rng, webui, worker", all(s in catalog for s in ("hasher", "rng", "webui", "worker")))
    finally:
        forward.terminate()
    hand_made(hand, ui, "from the in-cluster registry", "127.0.0.1:" + nodeport)
    images = {c["image"] for p in hand.pods("app=rng") for c in p["spec"]["containers"]}
    log("hand-made rng image: %s" % ", ".join(images))
    hand.run("kubectl delete namespace %s --wait=false" % HAND_NS, env={"KUBECONFIG": ADMIN_KUBECONFIG})
    for s in ("hasher", "rng", "webui", "worker"):
        subprocess.run(["docker", "rmi", "127.0.0.1:%s/%s:v0.1" % (nodeport, s)], capture_output=True)


class WorkerLogs:
    """Every worker pod's log, from its first line, kept by `stern` while pods come and go."""

    def __init__(self, sh):
        self.path = os.path.join(WORKDIR, "workers.log")
        self.out = open(self.path, "w")
        self.proc = sh.background("stern -l app=worker --since 1h --color never --template "
                                  "'{{.PodName}} {{.Message}}{{\"\\n\"}}'", self.out)

    def ledger(self):
        """(loops written, coins stored) by every worker pod that ever ran, from its log."""
        by_pod = {}
        with open(self.path, errors="replace") as f:
            for line in f:
                pod, _, message = line.partition(" ")
                by_pod.setdefault(pod, []).append(message)
        loops = coins = 0
        for pod, lines in by_pod.items():
            for run in parse_runs("".join(lines)):
                loops += run["written"]
                coins += run["coins"] - run["lost_coins"] - run["dropped"]
        return loops, coins, len(by_pod)

    def close(self):
        self.proc.terminate()


def redis_counts(sh):
    out = sh.run("kubectl exec deploy/redis -- sh -c 'redis-cli get hashes; redis-cli hlen wallet'").split()
    return int(out[0] or 0), int(out[1])


def quiescent_ledger(sh, workers, what):
    """rng stopped: no loop can complete, each worker writes what it counted; then Redis against the logs."""
    sh.run("kubectl scale deployment rng --replicas=0")
    wait_for("rng gone", lambda: not sh.pods("app=rng"), timeout=60)
    time.sleep(6)
    loops, coins, pods = workers.ledger()
    hashes, wallet = redis_counts(sh)
    result("ledger after %s (%d worker pods' logs)" % (what, pods),
           "Redis hashes=%d wallet=%d, logs %d loops %d coins" % (hashes, wallet, loops, coins),
           "equal: no loop lost or counted twice", hashes == loops and wallet == coins)
    sh.run("kubectl scale deployment rng --replicas=1")
    settle(sh, "rng", 5)


def part_rollout(sh, ui, workers):
    subprocess.run(["bash", "-c", "docker build -q -t dockercoins-java/worker:v0.2 - <<'EOF'\n"
                    "FROM dockercoins-java/worker:v0.1\nENV WORKER_SLEEP=2s WORKER_VERSION=v0.2\nEOF"],
                   check=True, capture_output=True)
    sh.typed("tests/cluster/load.sh dockercoins-java/worker:v0.2", timeout=300)
    poller = Poller(ui.url)
    poller.start()
    t0 = time.monotonic()
    sh.typed("kubectl set image deployment/worker worker=dockercoins-java/worker:v0.2")
    sh.typed("kubectl rollout status deployment/worker", timeout=600)
    took = time.monotonic() - t0
    time.sleep(10)
    poller.stop()
    result("rollout to v0.2: /json during it", "%d requests, %d failed, counter down %d times, %.0f s" % (
        poller.sent, poller.failed, poller.drops, took), "0 failed, never down", poller.failed == 0 and poller.drops == 0)
    if poller.errors:
        log("first errors: %s" % poller.errors[:3])
    r = ui.rate()
    result("10 workers on v0.2 (2 s pause)", "%.2f hashes/s" % r, "about 4.5", 3.6 <= r <= 5.4)
    quiescent_ledger(sh, workers, "the rollout to v0.2")

    sh.typed("kubectl set image deployment/worker worker=dockercoins-java/worker:v0.3")
    out = subprocess.run(["bash", "-c", "kubectl rollout status deployment/worker --timeout=60s"], cwd=ROOT,
                         env=sh.env, capture_output=True, text=True, timeout=90)
    pods = sh.pods("app=worker")
    waiting = sorted({c["state"].get("waiting", {}).get("reason", "") for p in pods
                      for c in p["status"].get("containerStatuses", []) if "waiting" in c["state"]})
    old = [p for p in pods if ready(p)]
    sh.typed("kubectl get pods -l app=worker")
    r = ui.rate(min(WINDOW, 20))
    result("broken v0.3: rollout status --timeout=60s", "exit %d; %d new pods %s, %d old Ready; %.2f hashes/s" % (
        out.returncode, len(pods) - len(old), "/".join(waiting), len(old), r),
        "stalls (non-zero), ErrImagePull/ImagePullBackOff, 10 old mining",
        out.returncode != 0 and len(old) == 10 and set(waiting) <= {"ErrImagePull", "ImagePullBackOff"} and r > 3)
    events = sh.run("kubectl get events --field-selector reason=Failed -o jsonpath='{.items[*].message}'")
    result("broken v0.3: the pull error names our image", (re.findall(r'"[^"]*worker:v0\.3"', events) or ["-"])[0],
           "docker.io/dockercoins-java/worker:v0.3", "dockercoins-java/worker:v0.3" in events)
    sh.typed("kubectl rollout undo deployment/worker")
    sh.typed("kubectl rollout history deployment/worker")
    sh.run("kubectl rollout status deployment/worker --timeout=300s", timeout=320)
    sh.typed("kubectl rollout undo deployment/worker --to-revision=1")
    sh.typed("kubectl rollout status deployment/worker", timeout=600)
    images = {c["image"] for p in sh.pods("app=worker") for c in p["spec"]["containers"]}
    settle(sh, "worker", 10)
    r = ui.rate()
    result("rollout undo --to-revision=1", "%s, %.2f hashes/s" % (", ".join(sorted(images)), r), "v0.1, about 10",
           images == {"dockercoins-java/worker:v0.1"} and 8.5 <= r <= 11)
    quiescent_ledger(sh, workers, "v0.3 and the undos")


def part_health(sh, ui):
    patch = ("kubectl patch deployment rng --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/template/spec/"
             "containers/0/livenessProbe/httpGet/path\",\"value\":\"/\"},{\"op\":\"replace\",\"path\":\"/spec/template/"
             "spec/containers/0/livenessProbe/timeoutSeconds\",\"value\":1}]'")
    sh.typed(patch)
    settle(sh, "rng", 0)
    sh.typed("kubectl scale deployment worker --replicas=15")
    t0 = time.monotonic()
    climbed = wait_for("rng's RESTARTS to climb", lambda: max((restarts(p) for p in sh.pods("app=rng")), default=0) >= 2,
                       timeout=300, every=5)
    took = time.monotonic() - t0
    described = sh.run("kubectl describe pod -l app=rng")
    result("liveness on / with 15 workers", "rng restarted %d times in %.0f s" % (climbed, took),
           "RESTARTS climbs: Liveness probe failed", "Liveness probe failed" in described)
    sh.typed("kubectl apply -f k8s/rng.yaml")
    sh.run("kubectl scale deployment worker --replicas=20")
    settle(sh, "rng", 0)
    settle(sh, "worker", 20)
    before = {p["metadata"]["name"]: restarts(p) for p in sh.pods("app")}
    r = ui.rate(120)
    after = {p["metadata"]["name"]: restarts(p) for p in sh.pods("app")}
    restarted = [name for name, n in after.items() if n != before.get(name, n)]
    result("the manifests' probes with 20 workers, 120 s", "%d restarts, %.2f hashes/s" % (len(restarted), r),
           "nothing restarts", not restarted)
    sh.typed("kubectl scale deployment worker --replicas=10")
    settle(sh, "worker", 0)


def part_node(sh, ui):
    """One worker node stopped (the one holding most of the app), then started again."""
    pods = sh.pods("app")
    by_node = {}
    for p in pods:
        by_node.setdefault(p["spec"]["nodeName"], []).append(p["metadata"]["labels"]["app"])
    victim = max((n for n in by_node if "control-plane" not in n), key=lambda n: len(by_node[n]))
    ips = node_ips()
    other = next(ip for name, ip in ips.items() if name != victim and "control-plane" not in name)
    nodeport = sh.json("service webui")["spec"]["ports"][0]["nodePort"]
    url = "http://%s:%d/json" % (other, nodeport)
    log("stopping node %s (%s)" % (victim, ", ".join(sorted(by_node[victim]))))
    t0 = time.monotonic()
    subprocess.run(["docker", "stop", victim], check=True, capture_output=True)

    def node_status():
        return sh.run("kubectl get node %s -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'" % victim)

    wait_for("node NotReady", lambda: node_status() != "True", timeout=180, every=2)
    not_ready = time.monotonic() - t0

    def back():
        deployments = sh.json("deployments")["items"]
        if any(d["status"].get("availableReplicas", 0) < d["spec"]["replicas"] for d in deployments):
            return False
        return all(p["spec"]["nodeName"] != victim for p in sh.pods("app") if ready(p))

    wait_for("every Deployment available on the other nodes", back, timeout=600, every=5)
    moved = time.monotonic() - t0

    def mining():
        try:
            a = http_json(url)["hashes"]
            time.sleep(3)
            return http_json(url)["hashes"] > a
        except Exception:  # noqa: BLE001
            return False

    wait_for("mining again", mining, timeout=180, every=2)
    resumed = time.monotonic() - t0
    result("node %s stopped" % victim, "NotReady after %.0f s, its pods elsewhere after %.0f s, mining after %.0f s"
           % (not_ready, moved, resumed), "pods come back on the other node (default tolerations: 300 s)", True)
    t1 = time.monotonic()
    subprocess.run(["docker", "start", victim], check=True, capture_output=True)
    wait_for("node Ready again", lambda: node_status() == "True", timeout=180, every=2)
    result("node %s started again" % victim, "Ready after %.0f s" % (time.monotonic() - t1), "rejoins Ready", True)
    ui.proc and ui.proc.terminate()
    ui.proc = None


def main():
    sh = Shell(NS)
    ui = WebUI(sh)
    workers = None
    t0 = time.monotonic()
    try:
        for part in PARTS:
            log("==== " + part)
            if part == "deploy":
                part_deploy(sh, ui)
                workers = WorkerLogs(sh)
            elif part == "rng":
                part_rng(sh, ui)
            elif part == "byhand":
                part_byhand(sh, ui)
            elif part == "rollout":
                if workers is None:
                    raise Abort("the rollout part needs the deploy part first (the workers' logs from the start)")
                part_rollout(sh, ui, workers)
            elif part == "health":
                part_health(sh, ui)
            elif part == "node":
                part_node(sh, ui)
            else:
                raise Abort("unknown part %s (WALK_PARTS: deploy rng byhand rollout health node)" % part)
    except Abort as e:
        problem(str(e))
        subprocess.run(["bash", "-c", "kubectl get pods -o wide; kubectl get events --sort-by=.lastTimestamp | tail -n 15"],
                       env=sh.env, cwd=ROOT)
    finally:
        if workers:
            workers.close()
        ui.close()
        subprocess.run([KUBECTL, "--kubeconfig", ADMIN_KUBECONFIG, "delete", "namespace", NS, HAND_NS,
                        "--ignore-not-found", "--wait=false"], capture_output=True)
    print("\n%-62s | %-58s | %s" % ("what the learner sees", "measured", "expected"))
    for what, figure, expected, status in RESULTS:
        print("%-62s | %-58s | %s%s" % (what, figure, expected, "" if status == "ok" else "  FAIL"))
    log("%s in %.0f s" % ("PASS" if not FAILURES else "FAIL (%d)" % len(FAILURES), time.monotonic() - t0))
    shutil.rmtree(WORKDIR, ignore_errors=True)
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
