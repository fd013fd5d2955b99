"""A learner's session on the real cluster of tests/cluster/up.sh, for tests/k8s-walkthrough.py and
tests/k8s-scenarios.py: commands run by bash as typed (each first found, verbatim, in the README it comes from), in a
namespace of the test's own through a kubeconfig whose context names it, with the cluster's kubectl and stern first on
PATH; what the web UI shows; the workers' logs as a ledger; and the table of what was measured. Python 3 stdlib only.

Environment: KUBECTL and KUBECONFIG, what tests/cluster/up.sh prints; WALK_WINDOW (30: seconds of each speed
measurement), WALK_PORT (the local port of `kubectl port-forward service/webui 8000:80`: a free one by default, so
that nothing else listening on 8000, a compose webui say, can answer in its place).
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request

from stack import Abort, logger, parse_runs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "k8s", "README.md")
KUBECTL = os.environ["KUBECTL"]
ADMIN_KUBECONFIG = os.environ["KUBECONFIG"]
WINDOW = float(os.environ.get("WALK_WINDOW", "30"))
PORT = int(os.environ.get("WALK_PORT", "0"))
WORKDIR = tempfile.mkdtemp(prefix="k8s-session-")


class Report:
    """What the learner sees, measured against what the READMEs promise; printed as a table at the end."""

    def __init__(self, name):
        self.log = logger(name)
        self.failures = []
        self.rows = []

    def problem(self, msg):
        self.failures.append(msg)
        self.log("FAIL: " + msg)

    def result(self, what, figure, expected, ok=True):
        self.rows.append((what, figure, expected, ok))
        self.log("%s: %s (expected %s)%s" % (what, figure, expected, "" if ok else "  <-- FAIL"))
        if not ok:
            self.failures.append("%s: %s, expected %s" % (what, figure, expected))

    def table(self):
        print("\n%-70s | %-62s | %s" % ("what the learner sees", "measured", "expected"))
        for what, figure, expected, ok in self.rows:
            print("%-70s | %-62s | %s%s" % (what, figure, expected, "" if ok else "  FAIL"))


# ---------------------------------------------------------------------------------------------------------------
# Running what the learner types.

def kubeconfig_for(namespace):
    """A copy of the admin kubeconfig whose context names the namespace: the learner's commands run unchanged."""
    path = os.path.join(WORKDIR, "kubeconfig-" + namespace)
    shutil.copy(ADMIN_KUBECONFIG, path)
    subprocess.run([KUBECTL, "--kubeconfig", path, "config", "set-context", "--current", "--namespace", namespace],
                   check=True, capture_output=True)
    return path


class Shell:
    """bash in one namespace, with the cluster's kubectl and stern first on PATH, from the repository's root."""

    def __init__(self, namespace, log, readme=README):
        self.namespace = namespace
        self.log = log
        self.readme = readme
        self.env = dict(os.environ, KUBECONFIG=kubeconfig_for(namespace),
                        PATH=os.path.dirname(KUBECTL) + ":/usr/bin:" + os.environ.get("PATH", ""))
        self.env.pop("REGISTRY", None)
        self.env.pop("TAG", None)

    def run(self, cmd, timeout=120, check=True, env=None):
        """stdout of a bash command line."""
        try:
            p = subprocess.run(["bash", "-c", cmd], cwd=ROOT, env=dict(self.env, **(env or {})), capture_output=True,
                               text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Abort("timed out after %ds: %s" % (timeout, cmd))
        if check and p.returncode != 0:
            raise Abort("failed (%d): %s\n%s%s" % (p.returncode, cmd, p.stdout[-1500:], p.stderr[-1500:]))
        return p.stdout

    def in_readme(self, cmd, readme=None):
        readme = readme or self.readme
        with open(readme) as f:
            if cmd not in f.read():
                raise Abort("not in %s as typed: %s" % (os.path.relpath(readme, ROOT), cmd))
        self.log("$ " + cmd)

    def typed(self, cmd, timeout=180, check=True, env=None, readme=None):
        """A command of the walkthrough, exactly as the README has it."""
        self.in_readme(cmd, readme)
        return self.run(cmd, timeout=timeout, check=check, env=env)

    def background(self, cmd, out, err=subprocess.STDOUT):
        return subprocess.Popen(["bash", "-c", "exec " + cmd], cwd=ROOT, env=self.env, stdout=out,
                                stderr=err, start_new_session=True)

    def json(self, what):
        return json.loads(self.run("kubectl get %s -o json" % what))

    def pods(self, selector):
        return self.json("pods -l '%s'" % selector)["items"]  # quoted: set-based selectors have spaces and brackets


def ready(pod):
    return pod["status"].get("phase") == "Running" and all(
        c.get("ready") for c in pod["status"].get("containerStatuses", []))


def restarts(pod):
    return sum(c.get("restartCount", 0) for c in pod["status"].get("containerStatuses", []))


def wait_for(what, test, timeout=180, every=2):
    """test's first true value; an exception counts as "not yet" (a pod that is not listening yet)."""
    deadline = time.monotonic() + timeout
    error = None
    while True:
        try:
            value = test()
            if value:
                return value
        except (Abort, OSError, ValueError, KeyError) as e:
            error = e
        if time.monotonic() > deadline:
            raise Abort("%s: not within %ds%s" % (what, timeout, " (last error: %s)" % error if error else ""))
        time.sleep(every)


def free_port():
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read())


def node_ips():
    nodes = json.loads(subprocess.run([KUBECTL, "--kubeconfig", ADMIN_KUBECONFIG, "get", "nodes", "-o", "json"],
                                      check=True, capture_output=True, text=True).stdout)["items"]
    return {n["metadata"]["name"]: next(a["address"] for a in n["status"]["addresses"] if a["type"] == "InternalIP")
            for n in nodes}


# ---------------------------------------------------------------------------------------------------------------
# What the web UI shows.

class WebUI:
    """/json through `kubectl port-forward service/webui 8000:80` (started again if the forward dies)."""

    def __init__(self, sh, port=None):
        self.sh = sh
        self.proc = None
        self.port = port or PORT or free_port()
        self.url = "http://127.0.0.1:%d/json" % self.port

    def forward(self):
        if self.proc and self.proc.poll() is None:
            return
        cmd = "kubectl port-forward service/webui 8000:80"
        self.sh.in_readme(cmd, README)  # section 2's, whichever README the session follows
        self.out = open(os.path.join(WORKDIR, "port-forward-%s.log" % self.sh.namespace), "a")
        self.proc = self.sh.background(cmd.replace("8000:80", "%d:80" % self.port), self.out)
        wait_for("port-forward to webui", self.forwarded, timeout=30, every=0.5)

    def forwarded(self):
        if self.proc.poll() is not None:  # e.g. the port was taken: then whatever answers there is not our webui
            raise Abort("kubectl port-forward exited: %s" % open(self.out.name).read().strip()[-300:])
        return self.answers()

    def answers(self):
        try:
            http_json(self.url, timeout=2)
            return True
        except Exception:
            return False

    def json(self):
        for attempt in range(5):
            try:
                return http_json(self.url)
            except Exception:
                if self.proc.poll() is not None:
                    self.proc = None
                    self.forward()
                time.sleep(1)
        raise Abort("webui's /json does not answer through port-forward")

    def rate(self, window=WINDOW):
        """hashes per second over window seconds, by /json's own clock."""
        a = self.json()
        time.sleep(window)
        b = self.json()
        return (b["hashes"] - a["hashes"]) / (b["now"] - a["now"])

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()


class Poller(threading.Thread):
    """/json every half second, as a browser would poll it: counts answers and failures, and each drop of the counter."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url = url
        self.sent = self.failed = self.drops = 0
        self.last = None
        self.stop_flag = False
        self.errors = []

    def run(self):
        while not self.stop_flag:
            self.sent += 1
            try:
                h = http_json(self.url, timeout=2)["hashes"]
                if self.last is not None and h < self.last:
                    self.drops += 1
                self.last = h
            except Exception as e:  # noqa: BLE001 - every failure counts
                self.failed += 1
                self.errors.append(str(e))
            time.sleep(0.5)

    def stop(self):
        self.stop_flag = True
        self.join(5)


def settle(sh, deployment, seconds=10):
    """Waits until the Deployment's pods are all Ready, then lets the new workers reach their pace."""
    sh.run("kubectl rollout status deployment/%s --timeout=240s" % deployment, timeout=260)
    time.sleep(seconds)



class WorkerLogs:
    """Every worker pod's log, from its first line, kept by `stern` while pods come and go."""

    def __init__(self, sh):
        self.path = os.path.join(WORKDIR, "workers.log")
        self.out = open(self.path, "w")
        self.proc = sh.background("stern -l app=worker --since 1h --color never --template "
                                  "'{{.PodName}} {{.Message}}{{\"\\n\"}}'", self.out, subprocess.DEVNULL)

    def ledger(self):
        """(loops written, coins stored) by every worker pod that ever ran, from its log."""
        by_pod = {}
        with open(self.path, errors="replace") as f:
            for line in f:
                pod, _, message = line.partition(" ")
                by_pod.setdefault(pod, []).append(message)
        loops = coins = 0
        for pod, lines in by_pod.items():
            for run in parse_runs("".join(lines)):
                loops += run["written"]
                coins += run["coins"] - run["lost_coins"] - run["dropped"]
        return loops, coins, len(by_pod)

    def close(self):
        self.proc.terminate()


def redis_counts(sh):
    out = sh.run("kubectl exec deploy/redis -- sh -c 'redis-cli get hashes; redis-cli hlen wallet'").split()
    return int(out[0] or 0), int(out[1])
