"""Stateful data (k8s/stateful-redis/README.md, section 14): the Deployment's Redis loses the wallet and the counter
with its pod (the web UI's coins drop); Redis as the StatefulSet, its claim bound by the default StorageClass, keeps
both when its pod is deleted (the web UI's counter never goes down, while a poller reads it twice a second).
The claim is deleted with the README's last command, and its volume with it (reclaim policy Delete)."""
import os
import subprocess
import time

from kube import WORKDIR, Poller, wait_for

NAME = "stateful-redis"
TITLE = "Redis as a StatefulSet keeps the wallet when its pod is deleted; the Deployment's loses it"
README = "k8s/stateful-redis/README.md"
EXCLUSIVE = False
NEEDS = ["storage"]

MINE = 30  # seconds of mining before each deletion


def counts(sc):
    """(coins, hashes) as the web UI shows them."""
    page = sc.ui.json()
    return page["coins"], page["hashes"]


def delete_redis_pod(sc, exec_on, delete, wait):
    """The README's hlen, delete, hlen, with the web UI polled all along; what the learner saw."""
    poller = Poller(sc.ui.url)
    poller.start()
    time.sleep(2)
    coins, hashes = counts(sc)
    wallet = int(sc.typed("kubectl exec %s -- redis-cli hlen wallet" % exec_on))
    t0 = time.monotonic()
    sc.typed(delete)
    wait()
    back = time.monotonic() - t0
    # the page answers again once webui reaches the new Redis
    wait_for("the web UI back", lambda: sc.ui.json(), timeout=60)
    wallet_after = int(sc.typed("kubectl exec %s -- redis-cli hlen wallet" % exec_on))
    time.sleep(3)
    coins_after, hashes_after = counts(sc)
    poller.stop()
    return dict(wallet=wallet, wallet_after=wallet_after, coins=coins, coins_after=coins_after, hashes=hashes,
                hashes_after=hashes_after, back=back, sent=poller.sent, failed=poller.failed, drops=poller.drops)


def run(sc):
    sc.deploy(workers=2, settle_seconds=MINE)

    # The Deployment's Redis: /data is an emptyDir, gone with the pod.
    def deployment_back():
        sc.run("kubectl rollout status deployment/redis --timeout=120s", timeout=140)
    lost = delete_redis_pod(sc, "deployment/redis", "kubectl delete pod -l app=redis", deployment_back)
    sc.result("Deployment's Redis, pod deleted: HLEN wallet before, after",
              "%(wallet)d -> %(wallet_after)d coins (page: %(coins)d -> %(coins_after)d coins, "
              "%(hashes)d -> %(hashes_after)d hashes)" % lost,
              "lost: the coins drop to a handful, the hashes start again",
              lost["wallet_after"] < lost["wallet"] and lost["hashes_after"] < lost["hashes"])
    sc.result("the web UI meanwhile (/json twice a second)",
              "%(sent)d requests, %(failed)d failed (red), the counter went down %(drops)d times" % lost,
              "the counter goes down", lost["drops"] >= 1)

    # The StatefulSet: the claim made by the default StorageClass, Redis' append-only file on it.
    classes = sc.typed("kubectl get storageclass")
    sc.log(classes)
    sc.typed("kubectl delete deployment redis")
    sc.typed("kubectl apply -f k8s/stateful-redis/")
    t0 = time.monotonic()
    sc.typed("kubectl rollout status statefulset/redis", timeout=240)
    ready = time.monotonic() - t0
    sc.log(sc.typed("kubectl get pvc"))
    claim = sc.json("pvc data-redis-0")
    volume = sc.json("pv " + claim["spec"]["volumeName"])
    pod = sc.json("pod redis-0")
    sc.result("the claim data-redis-0", "%s, class %s, %s, %s on %s (redis-0 on %s); Ready in %.0f s" % (
        claim["status"]["phase"], claim["spec"].get("storageClassName"), claim["status"]["capacity"]["storage"],
        volume["spec"]["hostPath"]["path"] if "hostPath" in volume["spec"] else "?",
        volume["spec"].get("nodeAffinity", {}).get("required", {}).get("nodeSelectorTerms", [{}])[0]
        .get("matchExpressions", [{}])[0].get("values", ["?"])[0], pod["spec"]["nodeName"], ready),
        "Bound by the default class (standard), 1Gi, on redis-0's node",
        claim["status"]["phase"] == "Bound" and claim["spec"].get("storageClassName") == "standard"
        and "(default)" in classes)
    wait_for("the web UI on the StatefulSet's Redis", lambda: sc.ui.json()["hashes"] > 0, timeout=120)
    time.sleep(MINE)

    # redis-0 deleted: the same name comes back on the same claim, and reloads the append-only file.
    sc.sh.in_readme("kubectl get pods -l app=redis -w")
    watch_log = os.path.join(WORKDIR, "redis-watch-%s.log" % sc.namespace)
    with open(watch_log, "w") as out:
        watch = sc.sh.background("kubectl get pods -l app=redis -w", out, subprocess.STDOUT)
    old_uid = pod["metadata"]["uid"]

    def statefulset_back():
        wait_for("a new redis-0, Ready", lambda: (lambda p: p["metadata"]["uid"] != old_uid and any(
            c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", [])))(
            sc.json("pod redis-0")), timeout=180)
    kept = delete_redis_pod(sc, "statefulset/redis", "kubectl delete pod redis-0", statefulset_back)
    watch.terminate()
    with open(watch_log) as f:
        sc.log("kubectl get pods -l app=redis -w showed:\n" + f.read())
    claim_after = sc.json("pvc data-redis-0")
    sc.result("StatefulSet's Redis, redis-0 deleted: HLEN wallet before, after",
              "%(wallet)d -> %(wallet_after)d coins (page: %(coins)d -> %(coins_after)d coins, "
              "%(hashes)d -> %(hashes_after)d hashes); redis-0 Ready again in %(back).0f s" % kept,
              "kept: carries on from where it was",
              kept["wallet_after"] >= kept["wallet"] and kept["hashes_after"] >= kept["hashes"]
              and claim_after["metadata"]["uid"] == claim["metadata"]["uid"])
    sc.result("the web UI meanwhile (/json twice a second)",
              "%(sent)d requests, %(failed)d failed (red), the counter went down %(drops)d times" % kept,
              "the counter never goes down", kept["drops"] == 0)

    # Back to the default Redis; the claim's deletion deletes the volume (reclaim policy Delete).
    sc.typed("kubectl delete -f k8s/stateful-redis/")
    sc.typed("kubectl apply -f k8s/redis.yaml")
    sc.typed("kubectl delete pvc data-redis-0", timeout=120)
    gone = wait_for("the volume deleted", lambda: volume["metadata"]["name"] not in sc.run("kubectl get pv -o name"),
                    timeout=60)
    sc.result("`kubectl delete pvc data-redis-0`: its volume", "deleted" if gone else "kept", "deleted (Delete)", gone)
