"""Batch jobs (k8s/batch-report/README.md, section 15): the mining report as a Job completes and its figures are
Redis' own (read just before and just after it, the report's counts lie between); with Redis away the Job retries in
new pods, each failing with its one line, and completes once Redis is back; the CronJob, on a one-minute schedule,
starts a run by itself, and its history limit deletes the oldest run when the fourth completes."""
import re
import time

from kube import wait_for

NAME = "batch-report"
TITLE = "the report Job matches Redis, retries without it; the CronJob runs by itself and keeps 3"
README = "k8s/batch-report/README.md"
EXCLUSIVE = False
NEEDS = []


def redis_now(sc):
    """(coins, hashes) as Redis has them now."""
    out = sc.run("kubectl exec deployment/redis -- sh -c 'redis-cli hlen wallet; redis-cli get hashes'").split()
    return int(out[0]), int(out[1] or 0)


def report_figures(log):
    coins = int(re.search(r"coins mined\s+([\d,]+)", log).group(1).replace(",", ""))
    hashes = int(re.search(r"hashes computed\s+([\d,]+)", log).group(1).replace(",", ""))
    verdict = re.search(r"verdict\s+(.*)", log).group(1)
    return coins, hashes, verdict


def jobs_of_the_cronjob(sc):
    """{name: (made by hand?, succeeded?)} of the Jobs that belong to the CronJob report."""
    jobs = {}
    for job in sc.json("jobs -l app=report")["items"]:
        owners = job["metadata"].get("ownerReferences", [])
        if any(o["kind"] == "CronJob" and o["name"] == "report" for o in owners):
            manual = job["metadata"].get("annotations", {}).get("cronjob.kubernetes.io/instantiate") == "manual"
            jobs[job["metadata"]["name"]] = (manual, job["status"].get("succeeded", 0) > 0)
    return jobs


def run(sc):
    sc.deploy(workers=2, settle_seconds=0)
    # enough hashes for the report to judge them (it wants 10 coins expected, 160 hashes)
    wait_for("200 hashes", lambda: sc.ui.json()["hashes"] >= 200, timeout=240, every=5)

    # The Job, once: its report against Redis read just before and just after it.
    before = redis_now(sc)
    t0 = time.monotonic()
    sc.typed("kubectl apply -f k8s/batch-report/report-job.yaml")
    sc.typed("kubectl wait --for=condition=complete job/report --timeout=120s", timeout=140)
    took = time.monotonic() - t0
    log = sc.typed("kubectl logs job/report")
    after = redis_now(sc)
    sc.log(log)
    coins, hashes, verdict = report_figures(log)
    sc.result("the report Job: applied to complete", "%.0f s" % took, "under a minute (a JVM start and 3 Redis calls)",
              took < 60)
    sc.result("its coins and hashes against Redis (before..after the Job)",
              "%d coins (%d..%d), %d hashes (%d..%d)" % (coins, before[0], after[0], hashes, before[1], after[1]),
              "within Redis' own counts", before[0] <= coins <= after[0] and before[1] <= hashes <= after[1])
    sc.result("its verdict", verdict[:60], "OK", verdict.startswith("OK"))

    # Redis away: each attempt fails in a pod of its own with one line, and the Job completes once Redis is back.
    sc.typed("kubectl delete job report")
    sc.typed("kubectl scale deployment redis --replicas=0")
    wait_for("Redis gone", lambda: not sc.pods("app=redis"), timeout=60)
    t0 = time.monotonic()
    sc.typed("kubectl apply -f k8s/batch-report/report-job.yaml")

    def two_failed():
        failed = [p for p in sc.pods("app=report") if p["status"].get("phase") == "Failed"]
        return failed if len(failed) >= 2 else None
    failed = wait_for("two failed attempts", two_failed, timeout=150, every=3)
    lines = [sc.run("kubectl logs %s" % p["metadata"]["name"]).strip() for p in failed]
    sc.log("the failed attempts' logs:\n" + "\n".join(lines))
    sc.result("with Redis away: failed attempts, each a pod whose log is one line",
              "%d in %.0f s: %s" % (len(failed), time.monotonic() - t0, lines[0][:80]),
              "report: cannot read Redis at redis:6379: ...",
              all(len(l.splitlines()) == 1 and l.startswith("report: cannot read Redis at redis:6379") for l in lines))
    sc.typed("kubectl scale deployment redis --replicas=1")
    t1 = time.monotonic()
    sc.run("kubectl wait --for=condition=complete job/report --timeout=180s", timeout=200)
    attempts = len(sc.pods("app=report"))
    sc.result("once Redis is back", "the Job completed %.0f s later, after %d pods" % (time.monotonic() - t1, attempts),
              "complete, on its next attempt (backoff 10, 20, 40 s)", attempts >= 3)
    sc.typed("kubectl delete job report")

    # The CronJob: a run by hand, two more, then a one-minute schedule; the 4th success deletes the oldest.
    sc.typed("kubectl apply -f k8s/batch-report/report-cronjob.yaml")
    sc.typed("kubectl get cronjob report")
    for name in ("report-now", "report-now-2", "report-now-3"):
        sc.typed("kubectl create job %s --from=cronjob/report" % name)
    for name in ("report-now", "report-now-2", "report-now-3"):
        sc.run("kubectl wait --for=condition=complete job/%s --timeout=120s" % name, timeout=140)
    log = sc.typed("kubectl logs job/report-now")
    sc.result("report-now, made from the CronJob by hand", "verdict " + report_figures(log)[2][:40], "OK",
              report_figures(log)[2].startswith("OK"))
    sc.typed("kubectl get jobs -l app=report")
    sc.typed("kubectl patch cronjob report --type=json -p "
             "'[{\"op\":\"replace\",\"path\":\"/spec/schedule\",\"value\":\"* * * * *\"}]'")
    sc.sh.in_readme("kubectl get jobs -l app=report -w")
    t0 = time.monotonic()
    scheduled = wait_for("a run the CronJob starts by itself", lambda: [
        n for n, (manual, ok) in jobs_of_the_cronjob(sc).items() if not manual and ok], timeout=150, every=3)
    took = time.monotonic() - t0
    kept = wait_for("the history limit", lambda: (lambda j: j if "report-now" not in j else None)(jobs_of_the_cronjob(sc)),
                    timeout=30, every=2)
    sc.result("the one-minute schedule: its first run by itself", "%s, complete %.0f s after the patch" % (scheduled[0], took),
              "within the next minute, plus the run", took < 100)
    sc.result("successfulJobsHistoryLimit 3, after the 4th success", "kept: %s" % ", ".join(sorted(kept)),
              "3, report-now deleted", len(kept) == 3 and "report-now" not in kept)
    sc.typed("kubectl delete cronjob report")
    sc.run("kubectl wait --for=delete job -l app=report --timeout=60s", timeout=80, check=False)
    left = sc.run("kubectl get jobs -l app=report -o name").split()
    sc.result("`kubectl delete cronjob report`: the Jobs it kept", "%d left" % len(left), "deleted with it", not left)
