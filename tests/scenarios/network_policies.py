"""Network policies, enforced (k8s/network-policies/README.md, section 10), by the cluster's kube-router: every pair of
pods the README's table allows connects, every pair it denies is refused, probed pod to pod (a TCP connect from
inside the source pod to the target pod's address); a `kubectl run` pod may not reach Redis, a pod of another
namespace reaches webui and not rng; the cluster's Prometheus (namespace monitoring) still scrapes rng; the app keeps
mining. The same denied pairs connect before the policies are applied, so the test can fail. And, before the
policies, a pod's connect to a Service address no Service has is refused: nothing the cluster sends leaves the machine
(tests/cluster/fence.sh).

The README's commands name the namespaces `default` and `other`: this scenario types them with its own namespaces in
those places."""
import re
import time
import urllib.parse

from kube import wait_for

NAME = "network-policies"
TITLE = "allowed pairs connect, denied pairs are refused (kube-router), the app keeps mining"
README = "k8s/network-policies/README.md"
EXCLUSIVE = False
NEEDS = ["network-policies", "custom-metrics"]

PORTS = {"redis": 6379, "rng": 80, "hasher": 80, "webui": 80}
# (from, to) as the README's table says: allowed ...
ALLOWED = [("worker", "rng"), ("worker", "hasher"), ("worker", "redis"), ("webui", "redis"),
           ("loadtester", "rng"), ("loadtester", "hasher"), ("loadtester", "webui"), ("stranger", "webui")]
# ... and denied (not in the table: no ingress rule for it, or no egress rule of the source's)
DENIED = [("stranger", "redis"), ("stranger", "rng"), ("loadtester", "redis"), ("worker", "webui"),
          ("webui", "rng"), ("rng", "redis"), ("hasher", "rng"), ("redis", "hasher")]
# A connect from inside the source pod (bash's /dev/tcp: every image here has bash), timed in the pod.
PROBE = ("s=$(date +%%s%%N); timeout 3 bash -c 'exec 3<>/dev/tcp/%s/%d' 2>&1; rc=$?; "
         "echo \"rc=$rc ms=$(( ($(date +%%s%%N) - s) / 1000000 ))\"")


def probe(sc, source, target, ips):
    """('connected' | 'refused' | 'timed out' | what bash said, milliseconds) for a TCP connect source -> target."""
    return connect(sc, source, ips[target], PORTS[target])


def connect(sc, source, address, port):
    """probe's answer for a TCP connect from inside the pod source to address:port."""
    out = sc.run("kubectl exec %s -- bash -c %s" % (source, quote(PROBE % (address, port))), check=False, timeout=60)
    m = re.search(r"rc=(\d+) ms=(\d+)", out)
    if not m:
        return "no answer: " + out.strip()[-80:], 0
    rc, ms = int(m.group(1)), int(m.group(2))
    if rc == 0:
        return "connected", ms
    if rc == 124:
        return "timed out", ms
    return ("refused" if "refused" in out else out.strip().splitlines()[0][:60]), ms


def quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def probe_all(sc, pairs, sources, ips):
    return {(a, b): probe(sc, sources[a], b, ips) for a, b in pairs}


def show(results):
    return ", ".join("%s->%s %s (%d ms)" % (a, b, what, ms) for (a, b), (what, ms) in results.items())


def prometheus_scrapes_rng(sc, since):
    """Whether the cluster's Prometheus (namespace monitoring) scraped rng's pods of this namespace since then."""
    up = 'up{namespace="%s",pod=~"rng-.*"}' % sc.namespace
    query = "%s and (timestamp(%s) > %d)" % (up, up, since)
    out = sc.run("kubectl get --raw '/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query"
                 "?query=%s'" % urlquote(query), check=False)
    values = re.findall(r'"value":\[[\d.]+,"(\d)"\]', out)
    return values and all(v == "1" for v in values)


def urlquote(s):
    return urllib.parse.quote(s, safe="")


def run(sc):
    sc.deploy(workers=2, settle_seconds=5)
    # the sources: the app's own pods, a load tester with the label the policies let through, and a stranger
    sc.run("kubectl run loadtester --labels=app=loadtester --image=dockercoins-cluster/loadtester --command -- "
           "sleep 3600")
    sc.run("kubectl run stranger-probe --image=dockercoins-cluster/loadtester --command -- sleep 3600")
    sc.run("kubectl wait --for=condition=Ready pod/loadtester pod/stranger-probe --timeout=120s", timeout=140)
    sources = {"worker": "deployment/worker", "webui": "deployment/webui", "rng": "deployment/rng",
               "hasher": "deployment/hasher", "redis": "deployment/redis", "loadtester": "loadtester",
               "stranger": "stranger-probe"}
    ips = {app: sc.pods("app=" + app)[0]["status"]["podIP"] for app in PORTS}
    rate_before = sc.rate(20)

    # Without the policies, every pair connects: the denied ones too.
    open_ = probe_all(sc, DENIED, sources, ips)
    sc.result("before the policies: the pairs they deny", show(open_), "all connected",
              all(what == "connected" for what, _ in open_.values()))

    # Nothing leaves the machine (tests/cluster/fence.sh): a Service address that no Service has finds no kube-proxy
    # rule, and is refused by the host instead of following the default route out (where something answered HTTP).
    first = sc.run("kubectl get service kubernetes -n default -o jsonpath={.spec.clusterIP}").strip()
    nowhere = ".".join(first.split(".")[:2] + ["255", "254"])
    fenced = connect(sc, sources["stranger"], nowhere, 80)
    sc.result("a pod's connect to %s:80, a Service address no Service has" % nowhere, "%s (%d ms)" % fenced,
              "refused: nothing leaves the machine", fenced[0] == "refused")

    sc.typed("kubectl apply -f k8s/network-policies/")
    applied = time.time()
    # kube-router syncs its rules within a few seconds of a change
    wait_for("the policies enforced", lambda: probe(sc, sources["stranger"], "redis", ips)[0] != "connected",
             timeout=60, every=2)
    denied = probe_all(sc, DENIED, sources, ips)
    allowed = probe_all(sc, ALLOWED, sources, ips)
    sc.result("with the policies: the pairs the README allows", show(allowed), "all connected",
              all(what == "connected" for what, _ in allowed.values()))
    sc.result("with the policies: the pairs it denies", show(denied),
              "all refused, before the probe's 3 s timeout (kube-router REJECTs; Calico and Cilium drop: a timeout)",
              all(what == "refused" for what, _ in denied.values()))

    # The README's own probes, as the learner types them, in this scenario's namespaces.
    stranger_cmd = "kubectl run stranger --rm -it --restart=Never --image=redis:7 --command -- timeout 5 redis-cli -h redis ping"
    sc.sh.in_readme(stranger_cmd)
    t0 = time.monotonic()
    out = sc.run(stranger_cmd + " 2>&1; echo \"exit=$?\"", check=False, timeout=90)
    sc.log(out)
    said = [l for l in out.splitlines() if "Redis" in l or "PONG" in l]
    sc.result("`kubectl run stranger ... redis-cli -h redis ping`",
              "%s, %s (%.0f s with the pod's start)" % (re.search(r"exit=(\d+)", out).group(0),
                                                       said[0] if said else "nothing", time.monotonic() - t0),
              "Could not connect to Redis at redis:6379: Connection refused (exit 1)",
              "PONG" not in out and "Connection refused" in out)
    other = sc.namespace + "-other"
    sc.sh.in_readme("kubectl create namespace other")
    sc.run("kubectl create namespace " + other)
    sc.on_cleanup("kubectl delete namespace %s --ignore-not-found --wait=false" % other)
    for name, url, expected in (("visitor", "http://webui.default/json", "coins"),
                                ("intruder", "http://rng.default/32", None)):
        cmd = ("kubectl run %s -n other --rm -it --restart=Never --image=dockercoins-cluster/loadtester --command -- "
               "curl -s -m 5 %s" % (name, url))
        sc.sh.in_readme(cmd)
        out = sc.run(cmd.replace("-n other", "-n " + other).replace(".default/", ".%s/" % sc.namespace)
                     + " 2>&1; echo \"exit=$?\"", check=False, timeout=90)
        sc.log(out)
        code = int(re.search(r"exit=(\d+)", out).group(1))
        if expected:
            sc.result("from another namespace: %s" % cmd.split("--command -- ")[1], "exit %d, %s" % (code, out[:40].strip()),
                      '{"coins":...} (webui is open to all)', code == 0 and '"coins"' in out)
        else:
            sc.result("from another namespace: %s" % cmd.split("--command -- ")[1], "exit %d" % code,
                      "refused: curl exit 7 (a dropping plugin: exit 28, timed out)", code == 7)

    # The cluster's Prometheus is in another namespace: the policy lets it scrape from any namespace.
    scraped = wait_for("Prometheus' next scrape of rng", lambda: prometheus_scrapes_rng(sc, applied), timeout=45, every=5)
    sc.result("the cluster's Prometheus (namespace monitoring) scraping rng's /q/metrics", "up = 1" if scraped else "down",
              "up (the HPA keeps its metric)", bool(scraped))
    rate_after = sc.rate(20)
    sc.result("the web UI, 2 workers, before and after the policies", "%.1f -> %.1f hashes/s" % (rate_before, rate_after),
              "mining goes on at the same pace", rate_after > 0.6 * rate_before and rate_after > 1)
