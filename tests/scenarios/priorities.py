"""Overcommit and eviction (k8s/priorities/README.md), on one small node: the other worker node cordoned, the first
given a kubeReserved of its kubelet (a drop-in of /var/lib/kubelet/config.d) that leaves it 1 CPU of 2, both undone
at the end. Then the README as typed: a pod naming a class that does not exist yet is refused (the failure mode);
the PriorityClasses and the patches (services 100000, workers 1000); the quota holding the workers at 10 of 30 with
its refusal in the events; without it, 40 workers asked and the node full, the rest Pending; 3 rng pods asked, the
scheduler preempting workers for them (`kubectl get events` shows Preempted), and the speed rising."""
import re
import time

from kube import node_ips, ready, wait_for

NAME = "priorities"
TITLE = "the workers' quota, Pending workers, and rng preempting workers on a full node"
README = "k8s/priorities/README.md"
EXCLUSIVE = True  # it changes a node and measures speeds
NEEDS = []

SHRINK = ("docker exec $NODE sh -c 'printf \"apiVersion: kubelet.config.k8s.io/v1beta1\\nkind: KubeletConfiguration\\n"
          "kubeReserved:\\n  cpu: 1000m\\n\" > /var/lib/kubelet/config.d/50-kube-reserved.conf && pkill -x kubelet'")
UNSHRINK = "docker exec $NODE sh -c 'rm /var/lib/kubelet/config.d/50-kube-reserved.conf && pkill -x kubelet'"
CLASS = ("kubectl patch deployment %s --type=json -p '[{\"op\":\"add\",\"path\":\"/spec/template/spec/priorityClassName\","
         "\"value\":\"dockercoins-%s\"}]'")
SERVICES = ("rng", "hasher", "webui", "redis")


def run(sc):
    workers = sorted(n for n in node_ips() if "control-plane" not in n)
    node, others = workers[0], workers[1:]
    nodes = {"NODE": node}
    # Undone whatever happens (reverse order): the node's size, the cordons, the cluster-wide classes.
    sc.on_cleanup("kubectl delete priorityclass dockercoins-services dockercoins-workers --ignore-not-found")
    for other in others:
        sc.on_cleanup("kubectl uncordon " + other)
    sc.on_cleanup("docker exec %s sh -c 'rm -f /var/lib/kubelet/config.d/50-kube-reserved.conf && pkill -x kubelet'; "
                  "sleep 5; kubectl wait --for=condition=Ready node/%s --timeout=60s" % (node, node))

    # One small node: every other worker node cordoned, 1 CPU of 2 reserved for the kubelet on this one.
    for other in others:
        sc.typed("kubectl cordon $OTHER_NODE", env={"OTHER_NODE": other})
    sc.typed(SHRINK, env=nodes)
    cpu = wait_for("the node's new allocatable CPU", lambda: allocatable(sc, node) in ("1", "1000m") and allocatable(sc, node),
                   timeout=60)
    sc.typed("kubectl get node $NODE -o jsonpath='{.status.allocatable.cpu}{\"\\n\"}'", env=nodes)
    sc.result("%s's allocatable CPU after kubeReserved (kubectl get node)" % node, cpu, "1 (of 2)", True)

    sc.deploy(workers=1, settle_seconds=5)
    where = {p["spec"]["nodeName"] for p in sc.pods("app")}
    sc.result("the app's pods, others cordoned", ", ".join(sorted(where)), node, where == {node})

    # The failure mode: the class named before it exists. The ReplicaSet may not create the pod; the old one mines on.
    sc.typed(CLASS % ("worker", "workers"))
    refusal = wait_for("the ReplicaSet's refusal", lambda: event_messages(sc, "FailedCreate", "PriorityClass"), timeout=60)
    sc.result("a worker naming dockercoins-workers before it exists (FailedCreate)", short(refusal[0]),
              "no PriorityClass with name dockercoins-workers was found",
              "no PriorityClass with name dockercoins-workers was found" in refusal[0])

    sc.typed("kubectl apply -f k8s/priorities/")
    for service in SERVICES:
        sc.typed(CLASS % (service, "services"))
    for deployment in ("worker",) + SERVICES:
        sc.run("kubectl rollout status deployment/%s --timeout=240s" % deployment, timeout=260)
    wait_for("the old pods gone", lambda: not any(p["metadata"].get("deletionTimestamp") for p in sc.pods("app")), timeout=90)
    table = sc.typed("kubectl get pods -o custom-columns=NAME:.metadata.name,PRIORITY:.spec.priority")
    priorities = {}
    for line in table.splitlines()[1:]:
        pod, priority = line.split()
        priorities.setdefault(pod.rsplit("-", 2)[0], set()).add(priority)
    sc.result("kubectl get pods -o custom-columns=...PRIORITY", ", ".join(
        "%s %s" % (app, "/".join(sorted(p))) for app, p in sorted(priorities.items())),
        "rng, hasher, webui, redis 100000; worker 1000",
        all(priorities.get(s) == {"100000"} for s in SERVICES) and priorities.get("worker") == {"1000"})

    quota(sc)
    small_node(sc, node)

    # Back, as the README goes: each rollout undo takes a class away; then the classes, the cordon, the node's size.
    sc.typed("kubectl scale deployment worker --replicas=10")
    sc.typed("kubectl scale deployment rng --replicas=1")
    for deployment in SERVICES + ("worker",):
        sc.typed("kubectl rollout undo deployment/%s" % deployment)
    named = {d["metadata"]["name"]: d["spec"]["template"]["spec"].get("priorityClassName")
             for d in sc.json("deployments")["items"]}
    sc.result("after rollout undo of each Deployment", ", ".join("%s %s" % (k, v or "none") for k, v in sorted(named.items())),
              "no class named", not any(named.values()))
    sc.typed("kubectl delete -f k8s/priorities/ --ignore-not-found   # the quota may be gone already")
    for other in others:
        sc.typed("kubectl uncordon $OTHER_NODE", env={"OTHER_NODE": other})
    sc.typed(UNSHRINK, env=nodes)
    cpu = wait_for("the node's allocatable CPU back", lambda: allocatable(sc, node) == "2" and "2", timeout=60)
    sc.result("%s's allocatable CPU, the drop-in removed" % node, cpu, "2", cpu == "2")


def quota(sc):
    """30 workers asked, 10 made: the quota refuses the 11th pod; nothing Pending."""
    sc.typed("kubectl scale deployment worker --replicas=30")
    wait_for("10 workers ready", lambda: ready_count(sc, "app=worker") >= 10, timeout=420, every=5)
    time.sleep(5)  # the ReplicaSet's further attempts, each refused
    deployment = sc.typed("kubectl get deployment worker")
    sc.result("kubectl get deployment worker, 30 asked", "READY " + deployment.splitlines()[1].split()[1],
              "10/30", deployment.splitlines()[1].split()[1] == "10/30")
    described = sc.typed("kubectl describe quota worker-pods")
    used = re.search(r"^pods\s+(\d+)\s+(\d+)", described, re.M)
    sc.result("kubectl describe quota worker-pods", "pods %s of %s" % used.groups() if used else described[-80:],
              "pods 10 of 10", bool(used) and used.groups() == ("10", "10"))
    sc.typed("kubectl get events --field-selector=reason=FailedCreate")
    refusals = event_messages(sc, "FailedCreate", "exceeded quota")
    sc.result("the ReplicaSet's events (FailedCreate)", short(refusals[0]) if refusals else "none",
              "... is forbidden: exceeded quota: worker-pods, requested: pods=1,...",
              bool(refusals) and "exceeded quota: worker-pods" in refusals[0] and "requested: pods=1" in refusals[0])
    pods = sc.pods("app=worker")
    pending = [p for p in pods if p["status"].get("phase") == "Pending"]
    sc.result("worker pods that exist", "%d, %d Pending" % (len(pods), len(pending)), "10, none Pending",
              len(pods) == 10 and not pending)
    webui = len(sc.webui().json()["workers"])
    sc.result("the web UI's workers at the quota", str(webui), "10", webui == 10)


def small_node(sc, node):
    """No quota, 40 workers asked: the node fills, the rest wait Pending; then 3 rng pods preempt workers."""
    sc.typed("kubectl delete quota worker-pods")
    sc.typed("kubectl scale deployment worker --replicas=40")

    def full():
        pods = sc.pods("app=worker")
        pending = [p for p in pods if p["status"].get("phase") == "Pending" and not p["spec"].get("nodeName")]
        starting = [p for p in pods if p["spec"].get("nodeName") and not ready(p)]
        return (len(pods) == 40 and pending and not starting) and (len(pods) - len(pending), len(pending))
    running, pending = wait_for("the node full, the rest Pending", full, timeout=300, every=5)
    listed = sc.typed("kubectl get pods -l app=worker --field-selector=status.phase=Pending")
    sc.result("40 workers asked on the small node", "%d running, %d Pending (%d listed by the README's command)"
              % (running, pending, len(listed.splitlines()) - 1), "the node full at about 13, the rest Pending",
              running >= 10 and pending == 40 - running)
    why = event_messages(sc, "FailedScheduling", "Insufficient cpu")
    sc.result("a Pending worker's event (FailedScheduling)", short(why[-1]) if why else "none", "... Insufficient cpu ...",
              bool(why))
    time.sleep(10)
    before = sc.rate(20)
    sc.result("%d workers, 1 rng pod" % running, "%.2f hashes/s" % before, "about 10 (rng's ceiling)", 7 <= before <= 11.5)

    sc.typed("kubectl scale deployment rng --replicas=3")
    sc.run("kubectl rollout status deployment/rng --timeout=240s", timeout=260)
    events = sc.typed("kubectl get events --field-selector=reason=Preempted")
    preempted = [line.split()[3].split("/")[-1] for line in events.splitlines()[1:] if "Preempted" in line]
    victims = {name.rsplit("-", 2)[0] for name in preempted}
    sc.result("kubectl get events --field-selector=reason=Preempted", "%d pods: %s" % (len(preempted), ", ".join(preempted)),
              "workers only, as many as 2 rng pods need (50m CPU each)", bool(preempted) and victims == {"worker"})
    rng = [p for p in sc.pods("app=rng") if ready(p)]
    sc.result("rng pods Ready, on the small node", "%d on %s" % (len(rng), ", ".join(sorted({p["spec"]["nodeName"] for p in rng}))),
              "3 on " + node, len(rng) == 3 and {p["spec"]["nodeName"] for p in rng} == {node})
    time.sleep(15)
    after_running = ready_count(sc, "app=worker")
    after = sc.rate(20)
    sc.result("%d workers, 3 rng pods" % after_running, "%.2f hashes/s" % after,
              "up from %.1f (rng's ceiling 30)" % before, after > before * 1.4)
    unchanged = all(p["status"].get("phase") == "Running" for p in sc.pods("app in (hasher,webui,redis)"))
    sc.result("the services' pods", "all Running" if unchanged else "NOT all Running", "never preempted", unchanged)


def allocatable(sc, node):
    return sc.run("kubectl get node %s -o jsonpath='{.status.allocatable.cpu}'" % node).strip()


def ready_count(sc, selector):
    return sum(1 for p in sc.pods(selector) if ready(p) and not p["metadata"].get("deletionTimestamp"))


def event_messages(sc, reason, text):
    events = sc.json("events --field-selector=reason=%s" % reason)["items"]
    return [e["message"] for e in sorted(events, key=lambda e: e.get("lastTimestamp") or "") if text in e["message"]]


def short(message, n=150):
    return message if len(message) <= n else message[:n] + "..."
