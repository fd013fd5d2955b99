"""Bottlenecks across pods per node (k8s/daemonset-rng/README.md): 10 workers, rng pinned to ONE node by a nodeSelector,
1, 2 then 4 pods there: the ceiling rises about 10 -> 20 -> 30 hashes/s (the limit is per rng pod, not per node); a
selector naming no node leaves the new pod Pending beside the old one. Then the DaemonSet (one rng per worker node,
beside the Deployment's pod) and the `active=yes` Service: `kubectl get endpoints rng -w` follows each label, the
speed follows the endpoints, and a pod out of the rotation serves nothing."""
import json
import os
import re
import time

from kube import WORKDIR, node_ips, wait_for

NAME = "rng-per-node"
TITLE = "rng pods on one node raise the ceiling; the DaemonSet and the active=yes label trick"
README = "k8s/daemonset-rng/README.md"
EXCLUSIVE = True
NEEDS = []

WINDOW = 15

PIN = """NODE=$(kubectl get pods -l app=rng -o jsonpath='{.items[0].spec.nodeName}')
kubectl patch deployment rng --type=json -p '[{"op":"add","path":"/spec/template/spec/nodeSelector","value":{"kubernetes.io/hostname":"'$NODE'"}}]'"""
UNPIN = """kubectl patch deployment rng --type=json -p '[{"op":"add","path":"/spec/template/spec/nodeSelector","value":{}}]'"""
DEPLOYMENT_POD_IN = "kubectl label $(kubectl get pods -l 'app=rng,!app.kubernetes.io/instance' -o name) active=yes"
DAEMONSET_PODS_OUT = "kubectl label $(kubectl get pods -l app.kubernetes.io/instance=rng-daemonset -o name) active-"
SERVED = '"GET /32 HTTP/1.1" 200'


def live(sc, selector):
    """The pods of selector that are not on their way out."""
    return [p for p in sc.pods(selector) if not p["metadata"].get("deletionTimestamp")]


def rng_ready(sc, count):
    """Exactly count rng pods, none leaving, all Ready (a rollout or a DaemonSet done)."""
    def done():
        pods = sc.pods("app=rng")
        return len(pods) == count and all(
            not p["metadata"].get("deletionTimestamp") and all(c.get("ready") for c in p["status"].get(
                "containerStatuses", [{}])) for p in pods)
    wait_for("%d rng pods Ready" % count, done, timeout=240, every=2)
    time.sleep(5)  # the workers renew their rng connection every second; kube-proxy has its new rules by then


def endpoints(sc):
    """The rng Service's ready endpoints (pod IPs), as `kubectl get endpoints rng` lists them."""
    ep = json.loads(sc.run("kubectl get endpoints rng -o json 2>/dev/null"))
    return sorted(a["ip"] for s in ep.get("subsets") or [] for a in s.get("addresses", []))


def run(sc):
    sc.deploy(workers=10)
    ceiling_on_one_node(sc)
    daemonset_and_active_label(sc)


def ceiling_on_one_node(sc):
    sc.typed(PIN)
    sc.run("kubectl rollout status deployment/rng --timeout=180s", timeout=200)
    rng_ready(sc, 1)
    node = live(sc, "app=rng")[0]["spec"]["nodeName"]
    sc.log("rng pinned to %s" % node)
    no_such_node(sc)
    bounds = {1: (8.5, 11, "about 10"), 2: (15, 22, "about 20"), 4: (24, 34, "about 30, the workers' 33 at most")}
    for pods in (1, 2, 4):
        if pods > 1:
            sc.typed("kubectl scale deployment rng --replicas=%d" % pods)
            rng_ready(sc, pods)
        where = sorted({p["spec"]["nodeName"] for p in live(sc, "app=rng")})
        r = sc.rate(WINDOW)
        low, high, said = bounds[pods]
        sc.result("10 workers, %d rng pod%s all on %s" % (pods, "s" if pods > 1 else "", node),
                  "%.2f hashes/s (rng on %s)" % (r, ", ".join(where)), said, where == [node] and low <= r <= high)
    sc.typed("kubectl get pods -l app=rng -o wide")
    sc.typed(UNPIN)
    sc.typed("kubectl scale deployment rng --replicas=1")
    sc.run("kubectl rollout status deployment/rng --timeout=180s", timeout=200)
    rng_ready(sc, 1)


def no_such_node(sc):
    """The learner's typo: a node name no node has. The new pod waits Pending, the old one keeps serving."""
    sc.run("kubectl patch deployment rng --type=json -p '[{\"op\":\"add\",\"path\":\"/spec/template/spec/nodeSelector\","
           "\"value\":{\"kubernetes.io/hostname\":\"no-such-node\"}}]'")

    def pending_reason():
        events = sc.run("kubectl get events --field-selector reason=FailedScheduling -o jsonpath='{.items[*].message}'")
        return events if "node affinity/selector" in events else None
    message = wait_for("the FailedScheduling event", pending_reason, timeout=60)
    phases = sorted(p["status"].get("phase", "") for p in sc.pods("app=rng"))
    r = sc.rate(10)
    sc.result("a nodeSelector naming no node", "%s; pods %s; %.1f hashes/s" % (
        re.search(r"0/\d+ nodes are available[^.]*", message).group(0)[:90], "/".join(phases), r),
        "the new pod Pending (didn't match Pod's node affinity/selector), the old one serving",
        phases == ["Pending", "Running"] and r > 7)
    sc.typed("kubectl rollout undo deployment/rng")
    sc.run("kubectl rollout status deployment/rng --timeout=120s", timeout=140)
    rng_ready(sc, 1)


def daemonset_and_active_label(sc):
    sc.typed("kubectl apply -f k8s/daemonset-rng/rng-daemonset.yaml")
    sc.run("kubectl rollout status daemonset/rng --timeout=180s", timeout=200)
    desired = sc.json("daemonset rng")["status"]["desiredNumberScheduled"]
    workers = sorted(n for n in node_ips() if "control-plane" not in n)
    on = sorted(p["spec"]["nodeName"] for p in live(sc, "app.kubernetes.io/instance=rng-daemonset"))
    sc.typed("kubectl get daemonset rng")
    sc.result("kubectl get daemonset rng: DESIRED, and where", "%d, on %s" % (desired, ", ".join(on)),
              "%d: one per worker node, none on the tainted control plane" % len(workers),
              desired == len(workers) and on == workers)
    rng_ready(sc, 1 + len(workers))
    r = sc.rate(WINDOW)
    sc.result("10 workers, the Deployment's rng pod + %d of the DaemonSet" % len(workers), "%.2f hashes/s" % r,
              "about 25-30 (3 rng pods)", 22 <= r <= 34)

    # The README's failure mode: bare yes is a YAML boolean, which a label selector cannot take.
    refused = sc.run("sed 's/active: \"yes\"/active: yes/' k8s/daemonset-rng/rng-service-active.yaml"
                     " | kubectl apply -f - 2>&1", check=False)
    sc.result("the active Service with a bare yes", refused.strip().splitlines()[-1][:110] if refused.strip() else "-",
              "refused by the API server", "yes" not in sc.json("service rng")["spec"]["selector"].values()
              and ("rror" in refused or "invalid" in refused))

    watch_log = os.path.join(WORKDIR, "endpoints-rng-%s.log" % sc.namespace)
    with open(watch_log, "w") as out:
        watch = sc.sh.background("kubectl get endpoints rng -w", out)
        sc.sh.in_readme("kubectl get endpoints rng -w")
        time.sleep(2)
        try:
            steps = active_label_steps(sc)
        finally:
            time.sleep(2)
            watch.terminate()
    with open(watch_log) as f:
        seen = [len(re.findall(r"\d+\.\d+\.\d+\.\d+:\d+", line)) + int((re.findall(r"\+ (\d+) more", line) or [0])[0])
                for line in f.read().splitlines() if line.startswith("rng ")]
    # Each step's count must show in the watch, in order (a label on two pods may show one in between).
    it = iter(seen)
    sc.result("kubectl get endpoints rng -w, through the steps", " -> ".join(map(str, seen)) + " endpoints",
              " -> ".join(str(n) for n in steps) + " in that order",
              all(any(n == m for m in it) for n in steps))

    sc.typed("kubectl delete -f k8s/daemonset-rng/rng-daemonset.yaml")
    sc.typed("kubectl apply -f k8s/rng.yaml")
    sc.typed("kubectl scale deployment rng --replicas=1")


def active_label_steps(sc):
    """Each label of the README, and what `kubectl get endpoints rng` says after it; returns the counts."""
    ds_pods = sorted(p["metadata"]["name"] for p in live(sc, "app.kubernetes.io/instance=rng-daemonset"))
    deployment_pod = [p["metadata"]["name"] for p in live(sc, "app=rng,!app.kubernetes.io/instance")]
    ip = {p["metadata"]["name"]: p["status"]["podIP"] for p in live(sc, "app=rng")}
    counts = [len(endpoints(sc))]

    def step(cmd, wanted_pods, what, measure=None):
        sc.typed(cmd)
        wanted = sorted(ip[p] for p in wanted_pods)
        wait_for("endpoints %s" % what, lambda: endpoints(sc) == wanted, timeout=30, every=1)
        counts.append(len(wanted))
        figure = "%d endpoints" % len(wanted)
        ok = True
        if measure:
            # The workers renew their rng connection every 5 s (WORKER_RNG_RECONNECT), and kube-proxy follows the
            # endpoints a moment later: until then a worker may still be on a pod just taken out.
            time.sleep(8)
            r = sc.rate(WINDOW)
            low, high, said = measure
            figure += ", %.2f hashes/s" % r
            ok = low <= r <= high
        sc.result("active=yes: %s" % what, figure, "%d endpoint%s%s" % (
            len(wanted), "s" if len(wanted) > 1 else "", ", " + measure[2] if measure else ""), ok)

    step("kubectl apply -f k8s/daemonset-rng/rng-service-active.yaml", ds_pods,
         "the Service selects active=yes (the DaemonSet's pods)")
    step(DEPLOYMENT_POD_IN, ds_pods + deployment_pod, "the Deployment's pod labelled in")
    step(DAEMONSET_PODS_OUT, deployment_pod, "the DaemonSet's pods labelled out", (8.5, 11, "about 10"))
    # A pod out of the rotation keeps running and serves nothing: its access log over the last window.
    served = sum(sc.run("kubectl logs %s --since=%ds" % (p, WINDOW)).count(SERVED) for p in ds_pods)
    running = sum(1 for p in live(sc, "app.kubernetes.io/instance=rng-daemonset") if p["status"].get("phase") == "Running")
    sc.result("the DaemonSet's pods out of the rotation, over %d s" % WINDOW,
              "%d running, %d requests served" % (running, served), "still running, 0 requests",
              running == len(ds_pods) and served == 0)
    sc.typed("kubectl get pods -l app=rng")
    step("kubectl label pods -l app=rng active=yes", ds_pods + deployment_pod, "every rng pod labelled (the workshop's way)")
    return counts
