"""A Redis outside the cluster (k8s/external-redis/README.md): a Redis that only speaks TLS, with a CA and a name of
its own (redis.example.net, the README's name), runs as a container on the nodes' Docker network, outside
Kubernetes. CoreDNS knows its name from the hosts block of ConfigMap kube-system/coredns, as a real DNS would.

  ExternalName   the in-cluster Redis deleted, Service redis a CNAME of redis.example.net (dig shows it); through
                 that Service, the certificate does not name "redis" (the README's log line); with REDIS_HOST set to
                 the certificate's name and the CA from a Secret, the workers mine into the outside Redis
  EndpointSlice  the same Redis known by its address only: a selector-less Service redis and our EndpointSlice;
                 its certificate now names redis (as one made for a VM would), the pods connect to redis again
                 (the Service's virtual IP, forwarded by kube-proxy) and mine
"""
import json
import os
import shutil
import subprocess
import tempfile
import time

from kube import ADMIN_KUBECONFIG, ROOT, node_ips, wait_for
from stack import Abort

NAME = "external-redis"
TITLE = "workers mining into a TLS-only Redis outside the cluster, by ExternalName and by EndpointSlice"
README = "k8s/external-redis/README.md"
EXCLUSIVE = False
NEEDS = []

REDIS_NAME = "redis.example.net"  # the README's name: its commands then run as they are
ADMIN = {"KUBECONFIG": ADMIN_KUBECONFIG}
TLS_ENV = "kubectl set env deployment/worker deployment/webui REDIS_TLS=true REDIS_TLS_CA=/etc/redis-tls/ca.crt REDIS_HOST=redis.example.net"
VOLUME_PATCH = ("kubectl patch deployment %s --type=json -p '[{\"op\":\"add\",\"path\":\"/spec/template/spec/volumes/-\","
                "\"value\":{\"name\":\"redis-tls\",\"secret\":{\"secretName\":\"redis-tls\"}}},{\"op\":\"add\",\"path\":"
                "\"/spec/template/spec/containers/0/volumeMounts/-\",\"value\":{\"name\":\"redis-tls\",\"mountPath\":"
                "\"/etc/redis-tls\",\"readOnly\":true}}]'")


def run(sc):
    outside = OutsideRedis(sc)
    outside.start()
    hosts_line = "%s %s" % (outside.ip, REDIS_NAME)
    coredns_hosts(sc, add=hosts_line)
    sc.on_cleanup(lambda: coredns_hosts(sc, remove=hosts_line))

    sc.deploy(workers=2)
    sc.typed("kubectl delete deployment redis")
    sc.typed("kubectl delete service redis")
    sc.typed("kubectl apply -f k8s/external-redis/redis-externalname.yaml")
    service = sc.typed("kubectl get service redis")
    sc.result("kubectl get service redis", " ".join(service.splitlines()[-1].split()[:4]),
              "TYPE ExternalName, EXTERNAL-IP %s" % REDIS_NAME, "ExternalName" in service and REDIS_NAME in service)
    fqdn = "redis.%s.svc.cluster.local" % sc.namespace
    answer = wait_for("CoreDNS answering %s" % fqdn, lambda: dig(sc, fqdn) if outside.ip in dig(sc, fqdn) else None,
                      timeout=150, every=5)
    sc.result("dig +short %s (CoreDNS)" % fqdn, " -> ".join(answer.split()), "a CNAME of %s, then %s" % (REDIS_NAME, outside.ip),
              answer.split() == [REDIS_NAME + ".", outside.ip])

    # The CA through a Secret, mounted in worker and webui, as the README does it.
    ca = os.path.join(ROOT, "provider-ca.pem")
    shutil.copy(os.path.join(outside.dir, "ca.crt"), ca)
    sc.on_cleanup("rm -f provider-ca.pem")
    sc.typed("kubectl create secret generic redis-tls --from-file=ca.crt=./provider-ca.pem")
    os.remove(ca)
    sc.typed(VOLUME_PATCH % "worker")
    sc.typed(VOLUME_PATCH % "webui")

    # TLS through the Service redis (the ExternalName): the handshake reaches the outside Redis, whose certificate
    # names only redis.example.net. What a learner sees who keeps REDIS_HOST=redis.
    # Its pod is never ready (no Redis for it): the rollout waits, and the old workers stay, unready too.
    sc.run("kubectl set env deployment/worker REDIS_TLS=true REDIS_TLS_CA=/etc/redis-tls/ca.crt")
    refused = wait_for("the TLS worker's log line", lambda: tls_worker_says(sc, 'does not name "redis"'), timeout=180, every=5)
    sc.result("TLS through the ExternalName, REDIS_HOST=redis (kubectl logs of its pod)", refused[-110:],
              "... its certificate does not name \"redis\"; set REDIS_HOST to a name the certificate carries",
              "set REDIS_HOST to a name the certificate carries" in refused)

    sc.typed(TLS_ENV)
    rolled(sc, "worker")
    rolled(sc, "webui")
    before = outside.hashes()
    rate = mining_rate(sc)
    after = outside.hashes()
    sc.result("2 workers, TLS to %s, CA from the Secret (web UI over 20 s)" % REDIS_NAME, "%.2f hashes/s" % rate,
              "mining (about 6.6 on a quiet machine)", rate > 1)
    sc.result("the outside Redis' counter (redis-cli --tls in its container)", "%d -> %d" % (before, after), "grows",
              after > before)

    # The same Redis by its address only: its certificate now names redis (one made for a VM would), the pods connect
    # to the name redis again, the Service's virtual IP that kube-proxy forwards to the EndpointSlice's address.
    outside.certificate("redis")
    sc.typed("kubectl delete service redis", readme=None)
    sc.run("sed 's/192.0.2.10/%s/' k8s/external-redis/redis-endpointslice.yaml | kubectl apply -f -" % outside.ip)
    sc.log("(the README's edit of the address, then: kubectl apply -f k8s/external-redis/redis-endpointslice.yaml)")
    slices = sc.typed("kubectl get endpointslices -l kubernetes.io/service-name=redis")
    sc.result("kubectl get endpointslices -l kubernetes.io/service-name=redis", " ".join(slices.splitlines()[-1].split()[:4]),
              "redis-external IPv4 6379 %s" % outside.ip, outside.ip in slices)
    sc.typed("kubectl set env deployment/worker deployment/webui REDIS_HOST=redis")
    rolled(sc, "worker")
    rolled(sc, "webui")
    cluster_ip = sc.json("service redis")["spec"]["clusterIP"]
    before = outside.hashes()
    rate = mining_rate(sc)
    after = outside.hashes()
    sc.result("2 workers through Service redis (%s, no selector) to %s:6379" % (cluster_ip, outside.ip), "%.2f hashes/s" % rate,
              "mining (about 6.6 on a quiet machine)", rate > 1)
    sc.result("the outside Redis' counter", "%d -> %d" % (before, after), "grows", after > before)


class OutsideRedis:
    """redis-server (the redis:7 image) with TLS only, a CA and certificates made here, as a container on the nodes'
    Docker network at an address of its free part (the mirror is .2, the nodes .10 on)."""

    def __init__(self, sc):
        self.sc = sc
        node = sorted(node_ips())[0]
        networks = json.loads(docker("inspect", "-f", "{{json .NetworkSettings.Networks}}", node))
        self.network, settings = next(iter(networks.items()))
        self.ip = settings["IPAddress"].rsplit(".", 1)[0] + ".5"
        self.name = self.network.replace("-cluster", "") + "-external-redis"
        self.dir = tempfile.mkdtemp(prefix="external-redis-")

    def start(self):
        self.sc.on_cleanup(lambda: (docker("rm", "-f", self.name, check=False), shutil.rmtree(self.dir, True)))
        d = self.dir
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=DockerCoins outside CA",
                "-keyout", d + "/ca.key", "-out", d + "/ca.crt")
        self.make_certificate("server", REDIS_NAME)
        self.make_certificate("vm", "redis")
        for f in os.listdir(d):
            os.chmod(os.path.join(d, f), 0o644)  # redis-server runs as its own user; a test's keys only
        os.chmod(d, 0o755)
        docker("rm", "-f", self.name, check=False)
        docker("run", "-d", "--name", self.name, "--network", self.network, "--ip", self.ip, "-v", d + ":/tls:ro",
               "redis:7", "redis-server", "--port", "0", "--tls-port", "6379", "--tls-auth-clients", "no",
               "--tls-cert-file", "/tls/server.crt", "--tls-key-file", "/tls/server.key", "--tls-ca-cert-file", "/tls/ca.crt")
        wait_for("the outside Redis answering", lambda: self.cli("ping") == "PONG", timeout=30, every=1)
        self.sc.log("outside Redis %s at %s on Docker network %s, TLS only, certificate for %s"
                    % (self.name, self.ip, self.network, REDIS_NAME))

    def make_certificate(self, name, host):
        d = self.dir
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + host, "-keyout", "%s/%s.key" % (d, name),
                "-out", "%s/%s.csr" % (d, name))
        with open("%s/%s.ext" % (d, name), "w") as f:
            f.write("subjectAltName=DNS:%s\n" % host)
        openssl("x509", "-req", "-in", "%s/%s.csr" % (d, name), "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "%s/%s.ext" % (d, name), "-out", "%s/%s.crt" % (d, name))

    def certificate(self, name):
        """Serve the certificate made for another name (Redis reloads TLS on CONFIG SET; its data stays)."""
        which = "vm" if name == "redis" else "server"
        self.cli("config", "set", "tls-cert-file", "/tls/%s.crt" % which, "tls-key-file", "/tls/%s.key" % which)
        self.sc.log("outside Redis now serves its certificate for %s" % name)

    def cli(self, *args):
        return docker("exec", self.name, "redis-cli", "--tls", "--cacert", "/tls/ca.crt", *args, check=False).strip()

    def hashes(self):
        return int(self.cli("get", "hashes") or 0)


def docker(*args, check=True):
    p = subprocess.run(["docker"] + list(args), capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise Abort("docker %s: %s" % (" ".join(args[:3]), p.stderr.strip()[-300:]))
    return p.stdout


def openssl(*args):
    p = subprocess.run(["openssl"] + list(args), capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise Abort("openssl %s: %s" % (args[0], p.stderr.strip()[-300:]))


def coredns_hosts(sc, add=None, remove=None):
    """Adds or removes one "address name" line of the key hosts of ConfigMap kube-system/coredns (CoreDNS reads it
    again when the kubelet updates the mounted file), leaving any other line."""
    current = sc.run("kubectl get configmap coredns -n kube-system -o jsonpath='{.data.hosts}'", env=ADMIN)
    lines = [line for line in current.splitlines() if line.strip() and line != remove and line != add]
    if add:
        lines.append(add)
    patch = json.dumps({"data": {"hosts": "".join(line + "\n" for line in lines)}})
    sc.run("kubectl patch configmap coredns -n kube-system --type merge -p '%s'" % patch, env=ADMIN)


def dig(sc, name):
    """dig +short from a pod of the namespace (the cluster's load-testing image): what the pods' resolver is told."""
    return sc.run("kubectl run dig-%d --rm -i --quiet --restart=Never --image=dockercoins-cluster/loadtester -- "
                  "dig +short %s" % (int(time.time() * 1000) % 100000, name), timeout=90, check=False).strip()


def rolled(sc, deployment):
    sc.run("kubectl rollout status deployment/%s --timeout=240s" % deployment, timeout=260)


def tls_worker_says(sc, text):
    """The line of a worker pod with REDIS_TLS set that says text, if one does yet."""
    for pod in sc.pods("app=worker"):
        env = {e["name"]: e.get("value") for e in pod["spec"]["containers"][0].get("env", [])}
        if env.get("REDIS_TLS") == "true" and env.get("REDIS_HOST") == "redis":
            for line in sc.run("kubectl logs %s --tail=50" % pod["metadata"]["name"], check=False).splitlines():
                if text in line:
                    return line.strip()
    return None


def mining_rate(sc, window=20):
    """hashes/s on the web UI once the new workers have stored their first loops."""
    ui = sc.webui()
    ui.close()  # webui's pod changed: forward to the new one
    ui.proc = None
    ui.forward()
    wait_for("hashes growing", lambda: grows(ui), timeout=120, every=2)
    return ui.rate(window)


def grows(ui):
    a = ui.json()["hashes"]
    time.sleep(3)
    return ui.json()["hashes"] > a
