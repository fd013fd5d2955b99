#!/usr/bin/env python3
"""The Kubernetes walkthrough of k8s/README.md, typed as a learner types it, on the real cluster of
tests/cluster/up.sh (run it through tests/k8s-walkthrough.sh). Each command the learner types is first found,
verbatim, in k8s/README.md (or the README it names), then run by bash in a namespace of the test's own (through a
kubeconfig whose context names that namespace), with the cluster's kubectl and stern first on PATH. What a learner
sees is then checked, and the figures are printed in a table at the end:

  deploy     `kubectl apply -f k8s/`, every pod Ready; through `kubectl port-forward service/webui`, 1 worker about
             3.3 hashes/s, 2 about 6.6, 10 about 10 (the ceiling), each from /json over WALK_WINDOW seconds; the
             pods' user, read-only root, capabilities and seccomp as running; `kubectl top pods` under the limits
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
  password   the optional Secret `redis` of "A password for Redis": Redis refuses a client without it, the app mines
  node       one worker node stopped: how long until its pods run on the other node and mining resumes; started
             again, it rejoins Ready

Environment: those of tests/kube.py (KUBECTL, KUBECONFIG, WALK_WINDOW, WALK_PORT), WALK_NAMESPACE (walkthrough),
WALK_HAND_NAMESPACE (by-hand), WALK_PARTS (all of: deploy rng byhand rollout health password node, in that order).
"""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kube import (ADMIN_KUBECONFIG, KUBECTL, ROOT, WINDOW, WORKDIR, Poller, Report, Shell, WebUI,  # noqa: E402
                  WorkerLogs, http_json, node_ips, ready, redis_counts, restarts, settle, wait_for)
from stack import Abort  # noqa: E402

NS = os.environ.get("WALK_NAMESPACE", "walkthrough")
HAND_NS = os.environ.get("WALK_HAND_NAMESPACE", "by-hand")
PARTS = os.environ.get("WALK_PARTS", "deploy rng byhand rollout health password node").split()
DAEMONSET_README = os.path.join(ROOT, "k8s", "daemonset-rng", "README.md")
STOPPED_NODES = []

report = Report("walkthrough")
log = report.log
result = report.result
problem = report.problem


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
    time.sleep(15)  # the JVMs' first seconds go to the JIT
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
    security(sh)
    usage(sh)


def security(sh):
    """The manifests' securityContext, as the running processes have it."""
    for app, uid in (("rng", 185), ("hasher", 185), ("worker", 185), ("webui", 185), ("redis", 999)):
        out = sh.run("kubectl exec deploy/%s -- sh -c 'id -u; touch /probe 2>&1; "
                     "grep -E \"^(CapEff|NoNewPrivs|Seccomp):\" /proc/1/status'" % app, check=False)
        fields = dict(line.split(":\t") for line in out.splitlines() if ":\t" in line)
        ok = (out.split("\n")[0] == str(uid) and "Read-only file system" in out and fields.get("CapEff") == "0" * 16
              and fields.get("NoNewPrivs") == "1" and fields.get("Seccomp") == "2")
        result("%s: user, root filesystem, capabilities, seccomp" % app, "uid %s, %s, CapEff %s, NoNewPrivs %s, Seccomp %s"
               % (out.split("\n")[0], "read-only" if "Read-only" in out else "WRITABLE", fields.get("CapEff"),
                  fields.get("NoNewPrivs"), fields.get("Seccomp")), "uid %d, read-only, none, 1, 2 (filter)" % uid, ok)


def usage(sh):
    """kubectl top pods with ten workers: what each container uses, against the manifests' requests and limits."""
    def top():
        rows = [line.split() for line in sh.run("kubectl top pods --no-headers").splitlines()]
        return rows if len(rows) >= 14 else None
    rows = wait_for("kubectl top pods for every pod", top, timeout=120, every=10)
    by_app = {}
    for name, cpu, mem in rows:
        by_app.setdefault(name.rsplit("-", 2)[0], []).append((int(cpu.rstrip("m")), int(mem.rstrip("Mi"))))
    for app, values in sorted(by_app.items()):
        cpus = [c for c, _ in values]
        mems = [m for _, m in values]
        limit = 128 if app == "redis" else 160
        result("kubectl top pods, 10 workers: %s (%d pod%s)" % (app, len(values), "s" if len(values) > 1 else ""),
               "%d-%dm CPU, %d-%d MiB" % (min(cpus), max(cpus), min(mems), max(mems)),
               "under the limits (%d MiB)" % limit, max(mems) < limit)


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
    hand = Shell(HAND_NS, log)
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
    settle(sh, "worker", 10)
    images = {c["image"] for p in sh.pods("app=worker") if not p["metadata"].get("deletionTimestamp")
              for c in p["spec"]["containers"]}
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
    def rng_restarts():
        n = max((restarts(p) for p in sh.pods("app=rng")), default=0)
        return n if n >= 2 else 0
    climbed = wait_for("rng's RESTARTS to climb", rng_restarts, timeout=300, every=5)
    took = time.monotonic() - t0
    described = sh.run("kubectl describe pod -l app=rng")
    result("liveness on / with 15 workers", "rng restarted %d times in %.0f s" % (climbed, took),
           "RESTARTS climbs: Liveness probe failed", "Liveness probe failed" in described)
    sh.typed("kubectl apply -f k8s/rng.yaml")
    sh.run("kubectl scale deployment worker --replicas=20")
    settle(sh, "rng", 0)
    settle(sh, "worker", 20)
    before = {p["metadata"]["name"]: restarts(p) for p in sh.pods("app")}
    r = ui.rate(60)
    after = {p["metadata"]["name"]: restarts(p) for p in sh.pods("app")}
    restarted = [name for name, n in after.items() if n != before.get(name, n)]
    result("the manifests' probes with 20 workers, 60 s", "%d restarts, %.2f hashes/s" % (len(restarted), r),
           "nothing restarts", not restarted)
    sh.typed("kubectl scale deployment worker --replicas=10")
    settle(sh, "worker", 0)


def part_password(sh, ui):
    """The README's "A password for Redis": the optional Secret, then Redis, the workers and webui restarted."""
    sh.typed("kubectl create secret generic redis --from-literal=password=\"$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n')\"")
    sh.typed("kubectl rollout restart deployment/redis deployment/worker deployment/webui")
    for d in ("redis", "worker", "webui"):
        sh.run("kubectl rollout status deployment/%s --timeout=300s" % d, timeout=320)
    ping = sh.typed("kubectl exec deployment/redis -- sh -c 'REDISCLI_AUTH= redis-cli ping'   # NOAUTH Authentication required.",
                    check=False)
    ui.proc and ui.proc.terminate()
    ui.proc = None
    ui.forward()
    wait_for("mining with the password", lambda: ui.json()["hashes"] > 20, timeout=120)
    r = ui.rate()
    result("Redis with a password: redis-cli without it", ping.strip(), "NOAUTH Authentication required.",
           "NOAUTH" in ping)
    result("Redis with a password: 10 workers", "%.2f hashes/s" % r, "about 10", 8.5 <= r <= 11)


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
    # How long the pods tolerate a lost node: the API server's default (300 s; tests/cluster/ sets less).
    grace = next((t.get("tolerationSeconds") for t in pods[0]["spec"].get("tolerations", [])
                  if t.get("key") == "node.kubernetes.io/unreachable"), None)
    log("stopping node %s (%s)" % (victim, ", ".join(sorted(by_node[victim]))))
    t0 = time.monotonic()
    subprocess.run(["docker", "stop", victim], check=True, capture_output=True)
    STOPPED_NODES.append(victim)

    def node_status():
        return sh.run("kubectl get node %s -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'" % victim)

    wait_for("node NotReady", lambda: node_status() != "True", timeout=180, every=2)
    not_ready = time.monotonic() - t0

    def back():
        deployments = sh.json("deployments")["items"]
        if any(d["status"].get("availableReplicas", 0) < d["spec"]["replicas"] for d in deployments):
            return False
        # Pods of the lost node stay listed as Terminating (and, stale, as Ready) until it comes back.
        return all(p["spec"]["nodeName"] != victim for p in sh.pods("app")
                   if ready(p) and not p["metadata"].get("deletionTimestamp"))

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
           % (not_ready, moved, resumed), "pods come back on the other node (tolerations: %s s)" % grace, True)
    t1 = time.monotonic()
    subprocess.run(["docker", "start", victim], check=True, capture_output=True)
    STOPPED_NODES.remove(victim)
    wait_for("node Ready again", lambda: node_status() == "True", timeout=180, every=2)
    result("node %s started again" % victim, "Ready after %.0f s" % (time.monotonic() - t1), "rejoins Ready", True)
    ui.proc and ui.proc.terminate()
    ui.proc = None


def main():
    sh = Shell(NS, log)
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
            elif part == "password":
                part_password(sh, ui)
            elif part == "node":
                part_node(sh, ui)
            else:
                raise Abort("unknown part %s (WALK_PARTS: deploy rng byhand rollout health password node)" % part)
    except Abort as e:
        problem(str(e))
        subprocess.run(["bash", "-c", "kubectl get pods -o wide; kubectl get events --sort-by=.lastTimestamp | tail -n 15; "
                        "kubectl logs -l 'app in (worker,webui)' --prefix --tail 8"],
                       env=sh.env, cwd=ROOT)
    finally:
        for node in STOPPED_NODES:  # a part that failed midway leaves no node down
            subprocess.run(["docker", "start", node], capture_output=True)
        if workers:
            workers.close()
        ui.close()
        subprocess.run([KUBECTL, "--kubeconfig", ADMIN_KUBECONFIG, "delete", "namespace", NS, HAND_NS,
                        "--ignore-not-found", "--wait=false"], capture_output=True)
    report.table()
    log("%s in %.0f s" % ("PASS" if not report.failures else "FAIL (%d)" % len(report.failures), time.monotonic() - t0))
    shutil.rmtree(WORKDIR, ignore_errors=True)
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
