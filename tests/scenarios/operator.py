"""The operator on the real API server (k8s/operator/README.md), in the README's namespace coins: the CRD, the
operator and its Role; one DockerCoins resource makes the app; workers 3 -> 10 and rng follows (1 -> 4 pods), the
speed measured at each; worker v0.2 of k8s/README.md section 7 (a 2 s pause a loop) rolled out by the operator, its
pod deleted in the middle of the rollout, and the next pod carrying on from the status to roll v0.2 back, with
nothing lost (no worker pod replaced, the counter never down); rng held at 1 pod, the speed back at rng's ceiling;
a bad spec refused; its ServiceAccount refused what its Role does not grant, by the API server; the resource deleted
and the app with it."""
import re
import time

from kube import Poller, ready, wait_for

NAME = "operator"
TITLE = "one DockerCoins resource runs the app; rng follows the workers; a slower version rolled back"
README = "k8s/operator/README.md"
NAMESPACE = "coins"  # the README's -n coins
EXCLUSIVE = True  # it measures speeds
NEEDS = []

K8S_README = "k8s/README.md"
AS_OPERATOR = "--as=system:serviceaccount:coins:dockercoins-operator"
OPERATOR_POD = "app.kubernetes.io/name=dockercoins-operator"


def run(sc):
    sc.on_cleanup("kubectl delete crd dockercoins.dockercoins.io --ignore-not-found --timeout=60s")
    sc.log("(the runner made namespace coins: the README's `kubectl create namespace coins`)")
    sc.typed("kubectl apply -f k8s/operator/dockercoins-crd.yaml")
    sc.typed("kubectl apply -n coins -f k8s/operator/operator.yaml")
    sc.typed("kubectl rollout status -n coins deployment/dockercoins-operator", timeout=600)

    t0 = time.monotonic()
    sc.typed("kubectl apply -n coins -f k8s/operator/dockercoins.yaml")
    made = wait_for("the operator's Deployments", lambda: deployments(sc) if "worker-v0-1" in deployments(sc) else None,
                    timeout=120)
    objects = sc.typed("kubectl get deployments,services -n coins")
    services = sorted(line.split()[0].split("/")[1] for line in objects.splitlines() if line.startswith("service/"))
    sc.result("kubectl get deployments,services -n coins", "%s; services %s" % (
        " ".join("%s=%d" % kv for kv in sorted(made.items())), " ".join(services)),
        "dockercoins-operator, hasher, redis, rng, webui, worker-v0-1=3; their five Services",
        made == {"dockercoins-operator": 1, "hasher": 1, "redis": 1, "rng": 1, "webui": 1, "worker-v0-1": 3}
        and services == ["hasher", "redis", "rng", "webui", "worker"])
    sc.run("kubectl wait --for=condition=Available deployment --all -n coins --timeout=300s", timeout=320)
    sc.result("from kubectl apply to every Deployment Available", "%.0f s" % (time.monotonic() - t0), "minutes at most", True)
    sc.webui()
    wait_for("the first hashes", lambda: sc.ui.json()["hashes"] > 0, timeout=120)
    time.sleep(15)
    r3 = sc.rate(30)
    sc.result("3 workers, 1 rng (the operator's)", "%.2f hashes/s" % r3, "about 9.9", 8 <= r3 <= 11)
    row = status_row(sc)
    sc.result("kubectl get dockercoins -n coins", row, "WORKERS 3, BOTTLENECK workers, READY Running, RNG 1/1, v0.1",
              re.search(r"\b3\s+workers\s+Running\s+[\d.]+\s+1/1\s+v0\.1$", row) is not None)

    sc.typed("kubectl patch dc dockercoins -n coins --type merge -p '{\"spec\":{\"workers\":10}}'")
    wait_for("rng at 4 pods", lambda: sc.json("deployment rng")["spec"]["replicas"] == 4, timeout=60)
    rng = sc.typed("kubectl get deployment rng -n coins")
    sc.result("kubectl get deployment rng -n coins, 10 workers", "READY " + rng.splitlines()[1].split()[1], "4 replicas",
              rng.splitlines()[1].split()[1].endswith("/4"))
    for d in ("rng", "worker-v0-1"):
        sc.run("kubectl rollout status deployment/%s -n coins --timeout=240s" % d, timeout=260)
    time.sleep(15)
    r10 = sc.rate(30)
    sc.result("10 workers, 4 rng (no command but the patch)", "%.2f hashes/s" % r10, "about 33; past 20", r10 > 20)

    rbac(sc)  # needs no status: shown even when a later step fails
    rollback(sc)
    without_help(sc)
    refused_spec(sc)

    sc.typed("kubectl delete dc dockercoins -n coins")
    wait_for("the garbage collector deleting the app", lambda: set(deployments(sc)) == {"dockercoins-operator"}, timeout=120)
    # The pods go last: each stops in its own time (the workers finish their loop), so wait for them as a learner would.
    wait_for("the app's pods gone", lambda: all("dockercoins-operator" in p["metadata"]["name"] for p in sc.json("pods -n coins")["items"]),
             timeout=120, every=3)
    left = sc.typed("kubectl get all -n coins")
    names = sorted({line.split()[0] for line in left.splitlines() if line and not line.startswith("NAME")})
    sc.result("kubectl get all -n coins, the resource deleted", ", ".join(n.split("-")[0] if n.startswith("pod/") else n for n in names),
              "only the operator (its pod, Deployment, ReplicaSet)",
              all("dockercoins-operator" in n for n in names))


def rollback(sc):
    """worker v0.2 rolled out by the operator; its pod deleted mid-rollout; the next one rolls v0.2 back."""
    sc.typed("docker build -t dockercoins-java/worker:v0.2 - <<'EOF'\nFROM dockercoins-java/worker:v0.1\n"
             "ENV WORKER_SLEEP=2s WORKER_VERSION=v0.2\nEOF", readme=K8S_README, timeout=300)
    sc.typed("tests/cluster/load.sh dockercoins-java/worker:v0.2", readme=K8S_README, timeout=300)
    v01 = sorted(p["metadata"]["name"] for p in sc.pods("dockercoins.io/worker-version=v0.1"))
    poller = Poller(sc.webui().url)
    poller.start()
    try:
        sc.typed("kubectl patch dc dockercoins -n coins --type merge -p '{\"spec\":{\"workerVersion\":\"v0.2\"}}'")
        wait_for("worker-v0-2 asked for", lambda: "worker-v0-2" in deployments(sc), timeout=60)
        split = deployments(sc)
        before = sc.json("dc dockercoins").get("status", {}).get("rollout") or {}
        old_pod = sc.pods(OPERATOR_POD)[0]["metadata"]["name"]
        sc.typed("kubectl delete pod -n coins -l app.kubernetes.io/name=dockercoins-operator")
        sc.run("kubectl rollout status -n coins deployment/dockercoins-operator --timeout=240s", timeout=260)
        new_pod = sc.pods(OPERATOR_POD)[0]["metadata"]["name"]
        after = sc.typed("kubectl get dc dockercoins -n coins -o jsonpath='{.status.rollout}{\"\\n\"}'")
        sc.result("the operator's pod deleted during step 1 of the rollout", "%s -> %s; rollout %s" % (
            old_pod, new_pod, after.strip()[:120]), "the same rollout, carried on from the status",
            new_pod != old_pod and before.get("stepStartedAt", "?") in after and '"toVersion":"v0.2"' in after)

        def rolled_back():
            conditions = sc.json("dc dockercoins").get("status", {}).get("conditions", [])
            return next((c for c in conditions if c["type"] == "RolledBack" and c["status"] == "True"), None)
        wait_for("the operator rolling v0.2 back", rolled_back, timeout=300, every=5)
        message = sc.typed("kubectl get dc dockercoins -n coins -o jsonpath='{.status.conditions[?(@.type==\"RolledBack\")].message}{\"\\n\"}'")
        m = re.search(r"v0\.2 mined ([\d.]+) hashes/s per worker, below 50% of v0\.1's ([\d.]+)", message)
        sc.result("RolledBack (worker-v0-1 %d, worker-v0-2 %d during the step)" % (split.get("worker-v0-1", 0), split.get("worker-v0-2", 0)),
                  message.strip()[:110], "v0.2 mined about 0.45 hashes/s per worker, below 50% of v0.1's ...; back on v0.1",
                  bool(m) and float(m.group(1)) < float(m.group(2)) / 2 and "back on v0.1" in message)
        wait_for("worker-v0-2 gone", lambda: "worker-v0-2" not in deployments(sc), timeout=60)
        time.sleep(5)
    finally:
        poller.stop()
    now = sorted(p["metadata"]["name"] for p in sc.pods("dockercoins.io/worker-version=v0.1") if ready(p))
    sc.result("after the rollback: worker Deployments, v0.1 pods", "%s; %d of the %d v0.1 pods from before" % (
        " ".join("%s=%d" % kv for kv in sorted(deployments(sc).items()) if kv[0].startswith("worker")),
        len(set(now) & set(v01)), len(v01)), "worker-v0-1=10; the 9 v0.1 pods that never left, and the one moved back",
        {k: v for k, v in deployments(sc).items() if k.startswith("worker")} == {"worker-v0-1": 10}
        and len(set(now) & set(v01)) >= 9)
    sc.result("/json during the rollout and the operator's restart", "%d requests, %d failed, counter down %d times" % (
        poller.sent, poller.failed, poller.drops), "never down", poller.drops == 0)


def without_help(sc):
    sc.typed("kubectl patch dc dockercoins -n coins --type merge -p '{\"spec\":{\"autoscaleRng\":false,\"rngReplicas\":1}}'")
    wait_for("rng back to 1 pod", lambda: len([p for p in sc.pods("app=rng") if not p["metadata"].get("deletionTimestamp")]) == 1,
             timeout=120)
    time.sleep(15)
    r = sc.rate(30)
    row = wait_for("the status' bottleneck rng", lambda: status_row(sc).split()[1:2] == ["rng"] and status_row(sc), timeout=60)
    sc.result("10 workers, rng held at 1 pod (autoscaleRng false)", "%.2f hashes/s; %s" % (r, row),
              "about 10, BOTTLENECK rng", 7 <= r <= 11.5)


def refused_spec(sc):
    sc.typed("kubectl patch dc dockercoins -n coins --type merge -p '{\"spec\":{\"workers\":-3}}'")
    wait_for("READY InvalidSpec", lambda: "InvalidSpec" in status_row(sc), timeout=60)
    message = sc.run("kubectl get dc dockercoins -n coins -o jsonpath='{.status.conditions[?(@.type==\"SpecValid\")].message}'")
    kept = deployments(sc).get("worker-v0-1")
    sc.result("workers: -3 (kubectl get dc -n coins)", "%s; worker-v0-1 still %s" % (message[:70], kept),
              "InvalidSpec, spec.workers is -3 ...; the app as it was", "spec.workers is -3" in message and kept == 10)
    sc.run("kubectl patch dc dockercoins -n coins --type merge -p '{\"spec\":{\"workers\":10}}'")


def rbac(sc):
    """The operator's ServiceAccount, as the API server's authorizer answers for it (impersonated by the admin)."""
    answers = []
    ok = True
    for line in open(sc.readme).read().splitlines():
        if line.startswith("kubectl auth can-i ") and AS_OPERATOR in line:
            cmd, _, expected = line.partition("#")
            cmd = cmd.strip()
            got = sc.typed(cmd, check=False).strip()
            answers.append("%s %s" % (" ".join(cmd.split()[3:5]), got))
            ok &= got == expected.strip()
    sc.result("kubectl auth can-i ... %s" % AS_OPERATOR, "; ".join(answers), "as the README's comments say", ok and bool(answers))
    forbidden = "kubectl get secrets -n coins %s" % AS_OPERATOR
    sc.sh.in_readme(forbidden)
    denied = sc.run(forbidden + " 2>&1", check=False)  # the refusal is on stderr
    sc.result("kubectl get secrets as the operator", denied.strip()[:110] or "(allowed)", "Error from server (Forbidden)",
              "Forbidden" in denied)
    logs = sc.run("kubectl logs -n coins deployment/dockercoins-operator", check=False)
    refused = [line for line in logs.splitlines() if "Forbidden" in line or " 403" in line]
    sc.result("the operator's log: refusals of the API server", "%d lines" % len(refused), "none (its Role is enough)",
              not refused)


def deployments(sc):
    return {d["metadata"]["name"]: d["spec"].get("replicas", 0) for d in sc.json("deployments -n coins")["items"]}


def status_row(sc):
    out = sc.typed("kubectl get dc -n coins", check=False).splitlines()
    return " ".join(out[1].split()[2:]) if len(out) > 1 else ""
