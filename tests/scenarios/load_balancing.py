"""Load balancing (k8s/README.md section 5): rng scaled to 3 pods behind its Service, 10 workers; over a minute each
pod serves 20 to 45 % of rng's requests, counted from each pod's access log, and the web UI's rng spread (/json's
"rng": each instance's share of the answers, by X-Served-By) says the same within 10 points."""
import time

NAME = "load-balancing"
TITLE = "the rng Service spreads the workers' requests over its pods"
README = "k8s/README.md"
EXCLUSIVE = True
NEEDS = []

WINDOW = 60


def run(sc):
    sc.deploy(workers=10)
    sc.typed("kubectl scale deployment rng --replicas=3")
    sc.run("kubectl rollout status deployment/rng --timeout=180s", timeout=200)
    time.sleep(20)  # the new pods' first answers, and the workers' connections renewed over them
    pods = sorted(p["metadata"]["name"] for p in sc.pods("app=rng"))
    spread, r = sc.rng_spread(WINDOW)
    shares_ui = {p: spread.get(p, 0) for p in pods}
    counts = {}
    for pod in pods:
        log = sc.run("kubectl logs %s --since=%ds" % (pod, WINDOW))
        counts[pod] = sum(1 for line in log.splitlines() if '"GET /32 HTTP/1.1" 200' in line)
    total = sum(counts.values()) or 1
    shares = {pod: n / total for pod, n in counts.items()}
    sc.result("10 workers, 3 rng pods", "%.2f hashes/s" % r, "about 25-30 (past 20)", r > 20)
    sc.result("each rng pod's share of the requests, from its access log over %d s" % WINDOW,
              ", ".join("%.0f%%" % (100 * s) for s in shares.values()) + " of %d requests" % total, "20 to 45 % each",
              all(0.20 <= s <= 0.45 for s in shares.values()))
    gaps = [abs(shares[p] - shares_ui.get(p, 0)) for p in pods]
    sc.result("the web UI's rng spread (/json, sampled every 5 s)", ", ".join("%.0f%%" % (100 * shares_ui.get(p, 0)) for p in pods),
              "the logs' shares within 10 points", max(gaps) <= 0.10)
