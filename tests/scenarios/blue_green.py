"""Blue/green (k8s/blue-green/README.md): two webui Deployments, the webui Service on blue; `/json` requested 10 times a
second through the NodePort (a new connection each, as the README's curl loop, which runs beside it) while the Service
is switched to green and back: 0 failed requests in each switch (the counts printed), green serving while selected
(the colours' access logs), and the README's loop ends with every answer a 200. A colour no pod has (a typo in the
patch) makes every request fail until the next switch: the count can fail."""
import os
import shlex
import threading
import time
import urllib.request

from kube import WORKDIR, node_ips, wait_for

NAME = "blue-green"
TITLE = "the webui Service switched from blue to green and back without a failed request"
README = "k8s/blue-green/README.md"
EXCLUSIVE = True
NEEDS = []

SWITCH = """kubectl patch service webui --type=json -p '[{"op":"replace","path":"/spec/selector/color","value":"%s"}]'"""
LOOP = ("for i in $(seq 600); do curl -s -o /dev/null -m 2 -w '%{http_code}\\n' http://localhost:30800/json; "
        "sleep 0.1; done | sort | uniq -c")
JSON_LINE = '"GET /json HTTP/1.1" 200'
BEFORE, AFTER = 2, 10  # a switch's window: seconds before its patch, and after it


class Requests(threading.Thread):
    """GET url 10 times a second, each on a new connection; keeps (time, failed, error) of every request."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url = url
        self.done = []
        self.stop_flag = False

    def run(self):
        while not self.stop_flag:
            t = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    r.read()
                self.done.append((t, False, ""))
            except Exception as e:  # noqa: BLE001 - every failure counts
                self.done.append((t, True, str(e)))
            time.sleep(max(0.0, 0.1 - (time.monotonic() - t)))

    def between(self, start, end):
        window = [d for d in self.done if start <= d[0] < end]
        return len(window), sum(1 for d in window if d[1]), [d[2] for d in window if d[1]][:3]

    def stop(self):
        self.stop_flag = True
        self.join(5)


def served(sc):
    """The /json requests each colour has answered so far, from its pod's access log."""
    return {c: sc.run("kubectl logs deployment/webui-%s" % c).count(JSON_LINE) for c in ("blue", "green")}


def selects(sc, colour):
    ips = {p["status"]["podIP"] for p in sc.pods("app=webui,color=%s" % colour)}
    wait_for("the webui endpoints on %s" % colour, lambda: ips and set(sc.run(
        "kubectl get endpointslices -l kubernetes.io/service-name=webui -o jsonpath='{.items[*].endpoints[*].addresses[*]}'"
    ).split()) == ips, timeout=30, every=0.5)


def run(sc):
    sc.deploy(workers=1)
    sc.typed("kubectl apply -f k8s/blue-green/webui-blue.yaml")
    sc.typed("kubectl apply -f k8s/blue-green/webui-green.yaml")
    sc.typed("kubectl rollout status deployment/webui-blue", timeout=300)
    sc.typed("kubectl rollout status deployment/webui-green", timeout=300)
    sc.typed("kubectl apply -f k8s/blue-green/webui-service.yaml")
    sc.typed("kubectl scale deployment webui --replicas=0")
    wait_for("the plain webui pod gone", lambda: not sc.pods("app=webui,!color"), timeout=60)
    sc.log(sc.typed("kubectl get pods -l app=webui --label-columns=color"))
    selects(sc, "blue")

    nodeport = sc.json("service webui")["spec"]["ports"][0]["nodePort"]
    node_ip = next(ip for name, ip in sorted(node_ips().items()) if "control-plane" not in name)
    url = "http://%s:%d/json" % (node_ip, nodeport)
    wait_for("the NodePort answering", lambda: urllib.request.urlopen(url, timeout=2).status == 200, timeout=30)
    requests = Requests(url)
    requests.start()
    # The README's loop, beside it, on this cluster's NodePort (kind maps it to localhost:30800).
    sc.sh.in_readme(LOOP)
    loop_out = open(os.path.join(WORKDIR, "curl-loop-%s.log" % sc.namespace), "w+")
    loop = sc.sh.background("bash -c " + shlex.quote(LOOP.replace("http://localhost:30800/json", url)), loop_out)
    time.sleep(5)

    for colour in ("green", "blue"):
        before = served(sc)
        t = time.monotonic()
        sc.typed(SWITCH % colour)
        selects(sc, colour)
        sc.log(sc.typed("kubectl get endpointslices -l kubernetes.io/service-name=webui"))
        time.sleep(max(0.0, t + AFTER - time.monotonic()))
        sent, failed, errors = requests.between(t - BEFORE, t + AFTER)
        time.sleep(10)
        after = served(sc)
        other = "blue" if colour == "green" else "green"
        got, missed = after[colour] - before[colour], after[other] - before[other]
        # A loaded machine slows the requests themselves: half the pace still covers the switch.
        sc.result("switch to %s: /json at 10 a second, %d s around the patch" % (colour, BEFORE + AFTER),
                  "%d sent, %d failed%s" % (sent, failed, " (%s)" % "; ".join(errors) if errors else ""), "0 failed",
                  failed == 0 and sent >= 5 * (BEFORE + AFTER))
        sc.result("%s's access log, the switch and 10 s after" % colour, "%s %d requests, %s %d" % (
            colour, got, other, missed), "%s answers (%s only until the switch reaches kube-proxy)" % (colour, other),
            got > 5 * missed)
    requests.stop()
    sent, failed, errors = requests.between(0, time.monotonic())
    sc.result("/json through the NodePort, the whole run", "%d sent, %d failed" % (sent, failed), "0 failed", failed == 0)
    loop.wait(timeout=300)
    loop_out.seek(0)
    counts = loop_out.read().split()
    sc.result("the README's curl loop (600 requests)", " ".join(counts) or "-", "600 200",
              counts == ["600", "200"])
    wrong_colour(sc, url)

    sc.typed("kubectl scale deployment webui --replicas=1")
    sc.typed("kubectl rollout status deployment/webui", timeout=300)
    sc.typed("kubectl apply -f k8s/webui.yaml")
    sc.typed("kubectl delete deployment webui-blue webui-green")
    wait_for("the plain webui serving the NodePort", lambda: urllib.request.urlopen(url, timeout=2).status == 200,
             timeout=60)


def wrong_colour(sc, url):
    """The failure mode: a colour no pod has leaves the Service without endpoints; every request fails."""
    requests = Requests(url)
    requests.start()
    t = time.monotonic()
    sc.run(SWITCH % "gren")
    time.sleep(8)
    sent, failed, errors = requests.between(t + 3, time.monotonic())
    sc.typed(SWITCH % "blue")
    selects(sc, "blue")
    time.sleep(3)
    requests.stop()
    back, failed_back, _ = requests.between(time.monotonic() - 2, time.monotonic())
    sc.result("a colour no pod has (\"gren\")", "%d of %d requests failed (%s); back on blue: %d of %d" % (
        failed, sent, (errors or ["-"])[0][:60], back - failed_back, back), "all fail until the next switch",
        sent > 0 and failed == sent and failed_back == 0)
