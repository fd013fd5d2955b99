"""The "What can Kubernetes do?" scenarios, one module each, run by tests/k8s-scenarios.py on the real cluster of
tests/cluster/up.sh. A module says:

  NAME        its name on the command line (tests/k8s-scenarios.sh NAME...)
  TITLE       what it shows, in a few words
  README      the README its commands come from (each command it types is first found there, verbatim)
  EXCLUSIVE   True when it measures speeds or changes nodes: it then runs alone; the others run side by side
  NEEDS       the cluster's add-ons it needs, of ADDONS below
  NAMESPACE   (optional) the namespace its README's commands name (-n coins), instead of scenario-NAME
  run(sc)     the scenario, given a Scenario: its own namespace, its own copy of the app if it deploys one

and reports what a learner would see with sc.result(what, measured, expected, ok).
"""
import os
import subprocess
import time

from kube import ADMIN_KUBECONFIG, KUBECTL, ROOT, Report, Shell, WebUI, free_port, settle, wait_for
from stack import Abort

ACTIVE = set()  # the scenarios running now: what Ctrl-C must clean up

# What an add-on of tests/cluster/addons/ looks like when it serves, and how to get it.
ADDONS = {
    "metrics": ("apiservice v1beta1.metrics.k8s.io", "metrics-server (tests/cluster/addons/metrics-server.yaml)"),
    "custom-metrics": ("apiservice v1beta1.custom.metrics.k8s.io",
                       "Prometheus and prometheus-adapter (tests/cluster/addons/custom-metrics.yaml)"),
    "network-policies": ("daemonset -n kube-system kube-router",
                         "kube-router's network policies (tests/cluster/addons/network-policies.yaml)"),
    "storage": ("storageclass standard", "the default StorageClass (tests/cluster/addons/storage.yaml)"),
}


class Scenario:
    """One scenario's session: a namespace of its own (made anew, deleted after), bash in it, its report."""

    def __init__(self, module):
        self.module = module
        self.name = module.NAME
        self.namespace = getattr(module, "NAMESPACE", "scenario-" + self.name)
        self.report = Report(self.name)
        self.readme = os.path.join(ROOT, module.README)
        self.sh = Shell(self.namespace, self.report.log, readme=self.readme)
        self.ui = None
        self.cleanups = []  # commands to run at the end, for what lives outside the namespace

    # --- what the scenario calls

    def log(self, msg):
        self.report.log(msg)

    def result(self, what, figure, expected, ok=True):
        self.report.result(what, figure, expected, ok)

    def typed(self, cmd, readme=None, **kw):
        """A command as the README has it (the scenario's own README unless another is named, from the root)."""
        return self.sh.typed(cmd, readme=os.path.join(ROOT, readme) if readme else None, **kw)

    def run(self, cmd, **kw):
        """A command the test needs that no README asks the learner to type (waiting, reading state)."""
        return self.sh.run(cmd, **kw)

    def json(self, what):
        return self.sh.json(what)

    def pods(self, selector):
        return self.sh.pods(selector)

    def on_cleanup(self, cmd):
        """Run at the end, whatever happened: for objects outside the namespace (PriorityClasses, CRDs, ...). A
        command line (run with the admin's kubeconfig), or a Python callable."""
        self.cleanups.append(cmd)

    def deploy(self, workers=1, rng=1, settle_seconds=15):
        """The app as section 2 deploys it (`kubectl apply -f k8s/`), scaled, Ready, mining; the web UI forwarded."""
        self.sh.typed("kubectl apply -f k8s/", readme=os.path.join(ROOT, "k8s", "README.md"))
        if workers != 1:
            self.run("kubectl scale deployment worker --replicas=%d" % workers)
        if rng != 1:
            self.run("kubectl scale deployment rng --replicas=%d" % rng)
        self.run("kubectl wait --for=condition=Available deployment --all --timeout=300s", timeout=320)
        self.webui()
        wait_for("the first hashes", lambda: self.ui.json()["hashes"] > 0, timeout=120)
        for d in ("worker", "rng"):
            settle(self.sh, d, 0)
        time.sleep(settle_seconds)

    def webui(self):
        """The web UI's /json through `kubectl port-forward service/webui` on a free port of this machine."""
        if self.ui is None:
            self.ui = WebUI(self.sh, port=free_port())
        self.ui.forward()
        return self.ui

    def rate(self, window):
        return self.webui().rate(window)

    def rng_spread(self, window):
        """The page's rng spread (each pod's share of the answers), sampled every 5 s over the window and averaged
        (the page's own covers its last seconds only), and the speed over the window."""
        first = self.webui().json()
        samples = []
        for _ in range(int(window) // 5):
            time.sleep(5)
            samples.append(self.ui.json().get("rng", {}))
        last = self.ui.json()
        pods = sorted({p for s in samples for p in s})
        spread = {p: sum(s.get(p, 0) for s in samples) / len(samples) for p in pods}
        return spread, (last["hashes"] - first["hashes"]) / (last["now"] - first["now"])

    def events(self, lines=15):
        return self.run("kubectl get events --sort-by=.lastTimestamp | tail -n %d" % lines, check=False)

    # --- what the runner calls

    def needs(self):
        """None if every add-on the scenario needs serves, else one line naming the first missing and how to get it."""
        for addon in getattr(self.module, "NEEDS", []):
            what, how = ADDONS[addon]
            out = subprocess.run([KUBECTL, "--kubeconfig", ADMIN_KUBECONFIG, "get"] + what.split() + ["-o", "name"],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                return "this cluster lacks %s: tests/cluster/up.sh installs it" % how
        return None

    def setup(self):
        admin = {"KUBECONFIG": ADMIN_KUBECONFIG}
        self.run("kubectl delete namespace %s --ignore-not-found --wait=true --timeout=180s" % self.namespace,
                 env=admin, timeout=200)
        self.run("kubectl create namespace %s" % self.namespace, env=admin)

    def teardown(self):
        """Idempotent: the runner calls it again for every scenario still running when Ctrl-C comes."""
        if self.ui:
            self.ui.close()
        for cmd in reversed(self.cleanups):
            try:
                cmd() if callable(cmd) else self.run(cmd, check=False, env={"KUBECONFIG": ADMIN_KUBECONFIG}, timeout=120)
            except Exception as e:  # noqa: BLE001 - the other clean-ups and the namespace's deletion still run
                self.log("clean-up failed: %s" % e)
        self.run("kubectl delete namespace %s --ignore-not-found --wait=false" % self.namespace, check=False,
                 env={"KUBECONFIG": ADMIN_KUBECONFIG})


def run_one(module):
    """The scenario, from a fresh namespace to its deletion; its Report (failures say what was expected and seen, and
    the last events of its namespace)."""
    sc = Scenario(module)
    t0 = time.monotonic()
    missing = sc.needs()
    if missing:
        sc.report.problem(missing)
        return sc.report
    ACTIVE.add(sc)
    try:
        sc.log("==== %s: %s" % (sc.name, module.TITLE))
        sc.setup()
        module.run(sc)
    except Abort as e:
        sc.report.problem(str(e))
    except Exception as e:  # noqa: BLE001 - a scenario's bug is its failure, the others go on
        sc.report.problem("%s: %s" % (type(e).__name__, e))
    finally:
        if sc.report.failures:
            sc.log("the last events of namespace %s:\n%s" % (sc.namespace, sc.events()))
        sc.teardown()
        ACTIVE.discard(sc)
        sc.log("%s in %.0f s" % ("PASS" if not sc.report.failures else "FAIL", time.monotonic() - t0))
    return sc.report
