"""Canary release (k8s/canary/README.md): worker v0.2 (section 7's slower one, built and loaded as there) beside v0.1,
with rng at 4 pods so that rng's line does not hide the versions. At 9 + 1 pods the web UI's workers by version are
the replica counts; at 5 + 5, over a window, so are they, and each version's share of the loops (read from Redis: the `loops` of
each `worker:<id>`, at the start and the end of the window) is its share of the pods weighted by its speed (a v0.2
loop takes 2.2 s, a v0.1 loop 0.3 s); a canary as fast as v0.1 (its pause set back to 100 ms) takes its share of the
pods, within 10 points. Then the canary rng: two rng pods, one twice as fast, share the answers by pod count, not by
capacity (about 20 hashes/s, not 30), and a slow one holds everyone back (about 10)."""
import time

from kube import wait_for

NAME = "canary"
TITLE = "a canary's share is its share of the pods (worker v0.2, a faster and a slower rng)"
README = "k8s/canary/README.md"
EXCLUSIVE = True
NEEDS = []

WINDOW = 20
BUILD_V02 = """docker build -t dockercoins-java/worker:v0.2 - <<'EOF'
FROM dockercoins-java/worker:v0.1
ENV WORKER_SLEEP=2s WORKER_VERSION=v0.2
EOF"""
LOAD_V02 = "tests/cluster/load.sh dockercoins-java/worker:v0.2"
FAST_CANARY = "kubectl set env deployment/worker-canary WORKER_SLEEP=100ms"
SLOW_RNG = "sed 's/value: 50ms/value: 200ms/' k8s/canary/rng-canary.yaml | kubectl apply -f -"
# Loops per second of one worker alone: its pause, then rng's and hasher's 0.1 s each.
LOOP_SPEED = {"v0.1": 1 / 0.3, "v0.2": 1 / 2.2}
# Every worker:<id> of Redis with its version and the loops it has done since it started.
LOOPS = ("kubectl exec deploy/redis -- sh -c 'for k in $(redis-cli --scan --pattern \"worker:*\"); do "
         "echo $k $(redis-cli hget $k version) $(redis-cli hget $k loops); done'")


def settled(sc, counts):
    """Each Deployment at its count, every pod Ready and none leaving, then the new JVMs' first seconds."""
    def done():
        for deployment, selector, n in counts:
            pods = sc.pods(selector)
            if len(pods) != n or any(p["metadata"].get("deletionTimestamp") or not all(
                    c.get("ready") for c in p["status"].get("containerStatuses", [{}])) for p in pods):
                return False
        return True
    wait_for("the pods of %s" % ", ".join("%s=%d" % (d, n) for d, _, n in counts), done, timeout=300, every=3)
    time.sleep(10)


def loops_by_worker(sc):
    out = {}
    for line in sc.run(LOOPS).splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[0]] = (parts[1], int(parts[2]))
    return out


def on_page(sc, replicas, what):
    """The page's workers by version, against the replica counts."""
    page = sc.webui().json()
    seen = {}
    for w in page["workers"]:
        seen[w["version"]] = seen.get(w["version"], 0) + 1
    sc.result("%s: workers on the page by version" % what, ", ".join(
        "%d %s" % (seen.get(v, 0), v) for v in sorted(replicas)), ", ".join(
        "%d %s" % (n, v) for v, n in sorted(replicas.items())), seen == replicas)
    return page


def shares(sc, replicas, what, speeds=LOOP_SPEED):
    """Over WINDOW seconds: each version's share of the loops from Redis, against the replica counts (weighted by
    each version's loop speed); the page's workers by version at the end."""
    first = loops_by_worker(sc)
    page_first = sc.webui().json()
    time.sleep(WINDOW)
    last = loops_by_worker(sc)
    page = on_page(sc, replicas, what)
    loops = {}
    for key, (version, n) in last.items():
        if key in first:  # a worker that came or went during the window is left out
            loops[version] = loops.get(version, 0) + n - first[key][1]
    total_loops = sum(loops.values()) or 1
    pods = sum(replicas.values())
    expected = {v: n * speeds[v] for v, n in replicas.items()}
    expected = {v: e / sum(expected.values()) for v, e in expected.items()}
    r = (page["hashes"] - page_first["hashes"]) / (page["now"] - page_first["now"])
    sc.result("%s: the canary's share, %d s" % (what, WINDOW), "%.0f%% of %d loops (Redis), %.0f%% of the pods; "
              "%.2f hashes/s, by version %s" % (100 * loops.get("v0.2", 0) / total_loops, total_loops,
                                                100 * replicas["v0.2"] / pods, r, page["versions"]),
              "%.0f%% of the loops (pods x speed), within 10 points" % (100 * expected["v0.2"]),
              abs(loops.get("v0.2", 0) / total_loops - expected["v0.2"]) <= 0.10)
    return loops, r


def run(sc):
    sc.typed(BUILD_V02, readme="k8s/README.md", timeout=600)
    sc.typed(LOAD_V02, readme="k8s/README.md", timeout=600)
    sc.deploy(workers=1)
    sc.typed("kubectl scale deployment rng --replicas=4")
    sc.typed("kubectl scale deployment worker --replicas=9")
    sc.typed("kubectl apply -f k8s/canary/worker-canary.yaml")
    v01, v02 = "app=worker,!app.kubernetes.io/instance", "app.kubernetes.io/instance=worker-canary"
    settled(sc, [("worker", v01, 9), ("worker-canary", v02, 1), ("rng", "app=rng", 4)])
    sc.log(sc.typed("kubectl get pods -l app=worker --label-columns=app.kubernetes.io/version"))
    on_page(sc, {"v0.1": 9, "v0.2": 1}, "1 canary of 10")

    sc.typed("kubectl scale deployment worker --replicas=5")
    sc.typed("kubectl scale deployment worker-canary --replicas=5")
    settled(sc, [("worker", v01, 5), ("worker-canary", v02, 5)])
    shares(sc, {"v0.1": 5, "v0.2": 5}, "5 canaries of 10")

    sc.typed(FAST_CANARY)
    sc.run("kubectl rollout status deployment/worker-canary --timeout=300s", timeout=320)
    settled(sc, [("worker", v01, 5), ("worker-canary", v02, 5)])
    shares(sc, {"v0.1": 5, "v0.2": 5}, "5 canaries as fast as v0.1", {"v0.1": 1, "v0.2": 1})

    sc.typed("kubectl scale deployment worker --replicas=10")
    sc.typed("kubectl delete -f k8s/canary/worker-canary.yaml")
    rng_canary(sc, v01)


def rng_canary(sc, v01):
    """Two rng pods behind one Service, one twice as fast: each gets half of the workers' connections, and the fast
    one, whose workers loop faster, most of the answers."""
    sc.typed("kubectl scale deployment rng --replicas=1")
    sc.typed("kubectl apply -f k8s/canary/rng-canary.yaml")
    fast = "app.kubernetes.io/instance=rng-canary"
    settled(sc, [("worker", v01, 10), ("rng", "app=rng,!app.kubernetes.io/instance", 1), ("rng-canary", fast, 1)])
    time.sleep(5)  # each worker renews its rng connection every 5 s: by now each is a new pick of the two
    spread, r = sc.rng_spread(WINDOW)
    fast_share = max((share for pod, share in spread.items() if "canary" in pod), default=0)
    sc.result("10 workers, rng v0.1 + a canary twice as fast: the answers", percents(spread),
              "the canary about two thirds", len(spread) == 2 and 0.5 <= fast_share <= 0.8)
    sc.result("10 workers, rng v0.1 + a canary twice as fast: the speed", "%.2f hashes/s" % r,
              "about 25, not 30 (connections by pod count)", 20 <= r <= 30)
    sc.typed(SLOW_RNG)
    sc.run("kubectl rollout status deployment/rng-canary --timeout=180s", timeout=200)
    settled(sc, [("rng-canary", fast, 1)])
    spread, r = sc.rng_spread(WINDOW)
    sc.result("10 workers, rng v0.1 + a canary twice as slow: the speed", "%.2f hashes/s (answers %s)" % (
        r, percents(spread)), "about 15: the slow pod's workers held back", 12 <= r <= 18)
    sc.typed("kubectl delete -f k8s/canary/rng-canary.yaml")


def percents(spread):
    return ", ".join("%.0f%%" % (100 * v) for v in spread.values())
