"""PodDisruptionBudget and drain (k8s/pdb/README.md): 4 workers (the drain is the point, not the speed), rng at 3 pods, two of them on the node to drain and
the rest of the app (Redis, hasher, webui, the workers, the third rng pod) on the other worker node, which a drain must
not touch for mining to go on: Redis and hasher are one pod each, and no budget keeps a single pod serving.
`kubectl drain` with the README's flags evicts the two rng pods one at a time (the budget refuses the second until the
first's replacement is ready), never fewer than 2 rng pods ready, and mining never stops (the lowest hashes/s over
the drain, from the web UI every second); the other namespaces' pods on that node are evicted too. `kubectl uncordon`
takes the node back: the next rng pod lands there."""
import re
import subprocess
import threading
import time

from kube import ADMIN_KUBECONFIG, ROOT, node_ips, wait_for
from stack import Abort

NAME = "pdb-drain"
TITLE = "a node drained under the rng budget: evictions one at a time, mining never stops"
README = "k8s/pdb/README.md"
EXCLUSIVE = True
NEEDS = []

DRAIN = "kubectl drain NODE --ignore-daemonsets --delete-emptydir-data"
UNCORDON = "kubectl uncordon NODE"
ADMIN = {"KUBECONFIG": ADMIN_KUBECONFIG}


def ready_rng(pods):
    return sum(1 for p in pods if not p["metadata"].get("deletionTimestamp")
               and all(c.get("ready") for c in p["status"].get("containerStatuses", [{}])))


class Watch(threading.Thread):
    """Every second: the hashes counter (the web UI's /json) and how many rng pods are ready and not leaving."""

    def __init__(self, sc):
        super().__init__(daemon=True)
        self.sc = sc
        self.hashes = []   # (time, hashes)
        self.ready = []    # (time, ready rng pods)
        self.stop_flag = False

    def run(self):
        while not self.stop_flag:
            t = time.monotonic()
            try:
                self.hashes.append((t, self.sc.ui.json()["hashes"]))
            except Abort:
                pass
            try:
                self.ready.append((t, ready_rng(self.sc.pods("app=rng"))))
            except Abort:
                pass
            time.sleep(max(0.0, 1 - (time.monotonic() - t)))

    def lowest_rate(self, span=10):
        """The lowest hashes/s over any span seconds of the watch."""
        rates = []
        for i, (t0, h0) in enumerate(self.hashes):
            later = [(t, h) for t, h in self.hashes[i:] if t - t0 >= span]
            if later:
                t1, h1 = later[0]
                rates.append((h1 - h0) / (t1 - t0))
        return min(rates) if rates else None

    def stop(self):
        self.stop_flag = True
        self.join(5)


def where(sc, selector):
    return [p["spec"]["nodeName"] for p in sc.pods(selector) if not p["metadata"].get("deletionTimestamp")]


def run(sc):
    home, drained = sorted(n for n in node_ips() if "control-plane" not in n)
    # The app on one worker node, so that the other holds nothing but the rng pods the budget is about.
    sc.run("kubectl cordon %s" % drained, env=ADMIN)
    sc.on_cleanup("kubectl uncordon %s" % drained)
    sc.on_cleanup("kubectl uncordon %s" % home)
    sc.deploy(workers=4)
    sc.run("kubectl uncordon %s && kubectl cordon %s" % (drained, home), env=ADMIN)
    sc.typed("kubectl apply -f k8s/pdb/rng-pdb.yaml")
    sc.typed("kubectl scale deployment rng --replicas=3")
    sc.run("kubectl rollout status deployment/rng --timeout=180s", timeout=200)
    sc.run("kubectl uncordon %s" % home, env=ADMIN)
    sc.log("rng on %s; the rest of the app on %s" % (", ".join(where(sc, "app=rng")), home))
    if sorted(where(sc, "app=rng")).count(drained) != 2:
        raise Abort("the arrangement failed: rng pods on %s" % where(sc, "app=rng"))
    wait_for("the budget's status", lambda: sc.json("pdb rng")["status"].get("currentHealthy") == 3, timeout=60)
    pdb = sc.typed("kubectl get pdb rng")
    allowed = sc.json("pdb rng")["status"]["disruptionsAllowed"]
    sc.result("kubectl get pdb rng, 3 rng pods ready", "ALLOWED DISRUPTIONS %d" % allowed, "1", allowed == 1)
    sc.log(pdb)
    time.sleep(5)
    before = sc.rate(15)
    sc.result("4 workers, 3 rng pods, before the drain", "%.2f hashes/s" % before, "about 13 (the workers' own pace)",
              9 <= before <= 14)

    others = sc.run("kubectl get pods -A --field-selector spec.nodeName=%s -o jsonpath="
                    "'{range .items[*]}{.metadata.namespace}/{.metadata.name} {end}'" % drained, env=ADMIN).split()
    watch = Watch(sc)
    watch.start()
    time.sleep(3)
    sc.sh.in_readme(DRAIN)
    t0 = time.monotonic()
    lines = []  # (seconds since the drain began, line)
    drain = subprocess.Popen(["bash", "-c", DRAIN.replace("NODE", drained)], cwd=ROOT, env=sc.sh.env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    sc.on_cleanup("kill %d 2>/dev/null || true" % drain.pid)
    for line in drain.stdout:
        lines.append((time.monotonic() - t0, line.rstrip()))
    drain.wait(timeout=300)
    took = time.monotonic() - t0
    time.sleep(3)
    watch.stop()
    sc.log("kubectl drain said:\n" + "\n".join("  %5.1fs %s" % l for l in lines))

    evicted = [(t, m.group(1)) for t, l in lines for m in [re.search(r"pod/(rng-\S+) evicted", l)] if m]
    refused = [t for t, l in lines if "rng-" in l and "disruption budget" in l]
    sc.result("kubectl drain %s" % drained, "exit %d in %.0f s; rng evicted at %s s; %d refusals by the budget" % (
        drain.returncode, took, ", ".join("%.0f" % t for t, _ in evicted), len(refused)),
        "the 2 rng pods one at a time, the second after a refusal", drain.returncode == 0 and len(evicted) == 2
        and len(refused) >= 1 and refused[0] < evicted[1][0])
    fewest = min(n for _, n in watch.ready) if watch.ready else -1
    sc.result("rng pods ready during the drain (every second)", "never fewer than %d" % fewest, "2 (3 minus the budget's 1)",
              fewest == 2)
    lowest = watch.lowest_rate()
    sc.result("mining during the drain: the lowest hashes/s over 10 s", "%.2f (%.2f before)" % (lowest or 0, before),
              "mining never stops (2 rng pods at the worst serve more than 4 workers ask)",
              lowest is not None and lowest > 0.5 * before)
    gone = [p for p in others if not p.split("/")[0].startswith("scenario-")]
    remaining = sc.run("kubectl get pods -A --field-selector spec.nodeName=%s -o jsonpath="
                       "'{range .items[*]}{.metadata.namespace}/{.metadata.name} {end}'" % drained, env=ADMIN).split()
    sc.result("the other namespaces' pods on %s" % drained, "%d before the drain (%s), %d after (DaemonSets')" % (
        len(gone), ", ".join(sorted({p.split("/")[0] for p in gone})), len(remaining)),
        "evicted too, but for DaemonSets' pods", all(p.split("/")[0] == "kube-system" for p in remaining))
    sc.log("pods on %s after the drain: %s" % (drained, " ".join(remaining)))

    sc.sh.in_readme(UNCORDON)
    sc.run(UNCORDON.replace("NODE", drained))
    unschedulable = sc.json("node %s" % drained)["spec"].get("unschedulable", False)
    sc.typed("kubectl scale deployment rng --replicas=4")
    sc.run("kubectl rollout status deployment/rng --timeout=180s", timeout=200)
    sc.result("kubectl uncordon %s, then a 4th rng pod" % drained, "schedulable: %s; rng on %s" % (
        not unschedulable, ", ".join(sorted(where(sc, "app=rng")))), "the new pod on the uncordoned node",
        not unschedulable and drained in where(sc, "app=rng"))
