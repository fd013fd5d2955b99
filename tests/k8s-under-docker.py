"""The k8s/ workloads under Docker, as a kubelet would run them (see tests/k8s-under-docker.sh, which runs this).

Two paths, each on its own Docker network where every Service is a network alias:
  - the manifests' (what `kubectl apply -f k8s/` creates): image, env, user, read-only root, capabilities, seccomp,
    sysctls, limits, emptyDirs, probes, as the manifests say;
  - the workshop's hand-made one (`kubectl create deployment`, `kubectl expose`, `kubectl scale`): the images as they
    are, with the service-link variables a kubelet injects for every Service.
"""
import glob, http.client, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

import yaml

PROJECT = os.environ["K8S_DOCKER_PROJECT"]
NET = PROJECT + "-net"
LABEL = "io.dockercoins.k8s-under-docker=" + PROJECT
MEASURE = "--measure" in sys.argv[1:]
MANIFESTS = "--hand-made-only" not in sys.argv[1:]
HAND_MADE = "--manifests-only" not in sys.argv[1:]
REGISTRY = os.environ.get("REGISTRY", "dockercoins-java")
TAG = os.environ.get("TAG", "v0.1")
# Secrets the manifests may read (secretKeyRef): none unless asked for, so the optional `redis` Secret is absent.
SECRETS = {}
if "--redis-password" in sys.argv[1:]:
    SECRETS["redis"] = {"password": "k8s-" + os.urandom(8).hex()}
MEASURE_SECONDS = int(os.environ.get("K8S_DOCKER_MEASURE_SECONDS", "60"))
T0 = time.time()
results = []  # (ok, text)


def log(msg):
    print("[k8s-under-docker %4ds] %s" % (time.time() - T0, msg), file=sys.stderr, flush=True)


def check(ok, text):
    results.append((bool(ok), text))
    log(("PASS " if ok else "FAIL ") + text)
    return ok


def docker(*args, check_rc=True, timeout=120, input=None):
    p = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, input=input)
    if check_rc and p.returncode != 0:
        raise RuntimeError("docker %s: %s" % (" ".join(args[:3]), p.stderr.strip()))
    return p


# ---------------------------------------------------------------- manifests
def quantity_bytes(q):
    q = str(q)
    units = {"Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "k": 1000, "M": 1000**2, "G": 1000**3}
    for u, f in units.items():
        if q.endswith(u):
            return int(float(q[: -len(u)]) * f)
    return int(q)


def quantity_cpus(q):
    q = str(q)
    return int(q[:-1]) / 1000 if q.endswith("m") else float(q)


docs = []
for f in sorted(glob.glob("k8s/*.yaml") + glob.glob("k8s/*.yml") + glob.glob("k8s/*.json")):
    with open(f) as fh:
        docs += [d for d in yaml.safe_load_all(fh) if d]
deployments = [d for d in docs if d["kind"] == "Deployment"]
services = [d for d in docs if d["kind"] == "Service"]


def image_of(image):
    """The manifests name dockercoins-java/<service>:v0.1; run $REGISTRY/<service>:$TAG (k8s/README.md's sed line)."""
    m = re.match(r"^dockercoins-java/([^:]+):v0\.1$", image)
    return "%s/%s:%s" % (REGISTRY, m.group(1), TAG) if m else image


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


class Pod:
    def __init__(self, deployment, index=0):
        self.deployment = deployment
        self.app = deployment["metadata"]["name"]
        self.name = "%s-%s-%d" % (PROJECT, self.app, index)
        self.template = deployment["spec"]["template"]
        self.spec = self.template["spec"]
        containers = self.spec["containers"]
        if len(containers) != 1:
            raise SystemExit("%s: one container per pod is all this emulation does" % self.app)
        self.c = containers[0]
        labels = self.template["metadata"].get("labels", {})
        self.services = [s for s in services if selects(s["spec"].get("selector"), labels)]
        self.started = self.ready = False
        self.ip = None

    def port(self, value):
        if isinstance(value, int):
            return value
        for p in self.c.get("ports", []):
            if p.get("name") == value:
                return p["containerPort"]
        raise SystemExit("%s: no container port named %s" % (self.app, value))

    def run_args(self):
        c, spec = self.c, self.spec
        psc, csc = spec.get("securityContext", {}), c.get("securityContext", {})
        args = ["run", "-d", "--name", self.name, "--hostname", self.name[len(PROJECT) + 1:], "--label", LABEL,
                "--network", NET]
        for s in self.services:
            for p in s["spec"]["ports"]:
                target = self.port(p.get("targetPort", p["port"]))
                if target != p["port"]:
                    raise SystemExit("Service %s maps %s to %s: a network alias cannot" % (s["metadata"]["name"], p["port"], target))
            args += ["--network-alias", s["metadata"]["name"]]
        user = csc.get("runAsUser", psc.get("runAsUser"))
        group = csc.get("runAsGroup", psc.get("runAsGroup"))
        if user is not None:
            args += ["--user", str(user) + ("" if group is None else ":%s" % group)]
        if csc.get("readOnlyRootFilesystem"):
            args.append("--read-only")
        caps = csc.get("capabilities", {})
        for cap in caps.get("drop", []):
            args += ["--cap-drop", cap]
        for cap in caps.get("add", []):
            args += ["--cap-add", cap]
        if csc.get("allowPrivilegeEscalation") is False:
            args += ["--security-opt", "no-new-privileges"]
        seccomp = csc.get("seccompProfile", psc.get("seccompProfile", {})).get("type")
        if seccomp not in ("RuntimeDefault", None):
            raise SystemExit("%s: seccomp %s is not emulated" % (self.app, seccomp))
        # RuntimeDefault: Docker's default seccomp profile, which Docker applies unless told otherwise
        for s in psc.get("sysctls", []):
            args += ["--sysctl", "%s=%s" % (s["name"], s["value"])]
        res = c.get("resources", {})
        limits, requests = res.get("limits", {}), res.get("requests", {})
        if "memory" in limits:
            mem = quantity_bytes(limits["memory"])
            args += ["--memory", str(mem), "--memory-swap", str(mem)]
        if "memory" in requests:
            args += ["--memory-reservation", str(quantity_bytes(requests["memory"]))]
        if "cpu" in limits:
            args += ["--cpus", str(quantity_cpus(limits["cpu"]))]
        # (requests.cpu would be --cpu-shares; left out: on a shared machine it would starve these containers
        # against others at Docker's default 1024 shares, which no pod of a cluster competes with)
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for m in c.get("volumeMounts", []):
            v = volumes[m["name"]]
            if "emptyDir" not in v:
                raise SystemExit("%s: only emptyDir volumes are emulated" % self.app)
            size = v["emptyDir"].get("sizeLimit")
            if v["emptyDir"].get("medium") == "Memory":
                # a tmpfs of sizeLimit, as the kubelet mounts it
                args += ["--tmpfs", "%s:rw,mode=1777%s" % (m["mountPath"], ",size=%d" % quantity_bytes(size) if size else "")]
            else:
                # a directory of mode 0777 on the node, bind-mounted: Docker's own tmpfs and volumes would take the
                # image's ownership of the path instead (sizeLimit is enforced by eviction on a node: not here)
                host = tempfile.mkdtemp(prefix="emptydir-%s-" % self.app, dir=EMPTYDIRS)
                os.chmod(host, 0o777)
                args += ["--mount", "type=bind,source=%s,destination=%s" % (host, m["mountPath"])]
        args += ["--stop-timeout", str(spec.get("terminationGracePeriodSeconds", 30))]
        env = {}
        if spec.get("enableServiceLinks", True):
            for i, s in enumerate(services):  # what the kubelet adds for every Service of the namespace
                n = s["metadata"]["name"].upper().replace("-", "_")
                p = s["spec"]["ports"][0]
                ip = "10.96.0.%d" % (10 + i)
                env.update({n + "_SERVICE_HOST": ip, n + "_SERVICE_PORT": str(p["port"]),
                            n + "_PORT": "tcp://%s:%s" % (ip, p["port"])})
        for e in c.get("env", []):
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                value = SECRETS.get(ref["name"], {}).get(ref["key"])
                if value is None and not ref.get("optional"):
                    raise SystemExit("%s: env %s: Secret %s has no key %s (the kubelet would not start it)"
                                     % (self.app, e["name"], ref["name"], ref["key"]))
                if value is not None:  # an optional key that is missing leaves the variable unset
                    env[e["name"]] = value
                continue
            if "value" not in e:
                raise SystemExit("%s: env %s: only plain values and secretKeyRef are emulated" % (self.app, e["name"]))
            env[e["name"]] = e["value"]
        for k, v in env.items():
            args += ["--env", "%s=%s" % (k, v)]
        command, cargs = c.get("command"), c.get("args")
        if command:
            args += ["--entrypoint", command[0]]
        args.append(image_of(c["image"]))
        if command:
            args += command[1:]
        if cargs:
            args += cargs
        return args


# ---------------------------------------------------------------- probes, as the kubelet runs them
NODE = PROJECT + "-node"
EMPTYDIRS = tempfile.mkdtemp(prefix="k8s-under-docker-")


def http_get(host, port, path, timeout, method="GET", body=None):
    """From the node container: status, seconds, body. Plain bash, like the images' own healthcheck."""
    data = "" if body is None else body
    script = (
        'exec 3<>/dev/tcp/%s/%s || exit 90; '
        'printf "%s %s HTTP/1.1\\r\\nHost: %s\\r\\nUser-Agent: kube-probe/1.31\\r\\nContent-Type: application/octet-stream\\r\\n'
        'Content-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%%s" "$BODY" >&3; cat <&3'
        % (host, port, method, path, host, len(data.encode())))
    start = time.time()
    p = subprocess.run(["docker", "exec", "-e", "BODY=" + data, NODE, "timeout", str(timeout), "bash", "-c", script],
                       capture_output=True, timeout=timeout + 30)
    took = time.time() - start
    out = p.stdout
    head, _, payload = out.partition(b"\r\n\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return (int(m.group(1)) if m else None), took, payload


def probe(pod, kind):
    """One probe, from this machine (the node) to the container's IP, as the kubelet does; exec probes in the container."""
    pr = pod.c.get(kind)
    timeout = pr.get("timeoutSeconds", 1)
    start = time.time()
    if "httpGet" in pr:
        h = pr["httpGet"]
        try:
            conn = http.client.HTTPConnection(pod.ip, pod.port(h["port"]), timeout=timeout)
            conn.request("GET", h.get("path", "/"), headers={"User-Agent": "kube-probe/1.31", "Accept": "*/*"})
            status = conn.getresponse().status
            conn.close()
        except OSError as e:
            return False, time.time() - start, type(e).__name__
        return 200 <= status < 400, time.time() - start, "HTTP %s" % status
    if "tcpSocket" in pr:
        try:
            socket.create_connection((pod.ip, pod.port(pr["tcpSocket"]["port"])), timeout=timeout).close()
            return True, time.time() - start, "tcp connected"
        except OSError as e:
            return False, time.time() - start, type(e).__name__
    if "exec" in pr:
        p = subprocess.run(["docker", "exec", pod.name, "timeout", str(timeout), *pr["exec"]["command"]], capture_output=True)
        return p.returncode == 0, time.time() - start, "exec rc=%d" % p.returncode
    raise SystemExit("%s %s: unknown probe" % (pod.app, kind))


def wait_started(pods):
    """Startup probes: initialDelaySeconds, then every periodSeconds until success or failureThreshold failures."""
    pending = {}
    for pod in pods:
        pr = pod.c["startupProbe"]
        pending[pod.name] = [pod, time.time() + pr.get("initialDelaySeconds", 0), 0, time.time()]
    while pending:
        for name, state in list(pending.items()):
            pod, due, failures, t_start = state
            if time.time() < due:
                continue
            pr = pod.c["startupProbe"]
            ok, took, what = probe(pod, "startupProbe")
            if ok:
                pod.started = True
                check(True, "%s: startup probe passed after %.0f s (%s, %.2f s)" % (pod.app, time.time() - t_start, what, took))
                del pending[name]
                continue
            failures += 1
            if failures >= pr.get("failureThreshold", 3):
                check(False, "%s: startup probe failed %d times (%s): the kubelet would restart it" % (pod.app, failures, what))
                logs = docker("logs", "--tail", "20", pod.name, check_rc=False)
                log(logs.stdout + logs.stderr)
                del pending[name]
                continue
            state[1], state[2] = time.time() + pr.get("periodSeconds", 10), failures
        time.sleep(0.5)


def probe_rounds(pods, kinds, rounds, label=""):
    """Runs each probe `rounds` times at its period (at most 2 s apart here); the kubelet acts only after
    failureThreshold failures in a row (readiness: out of the Service; liveness: restart), so that is the test."""
    stats = {}
    for r in range(rounds):
        for pod in pods:
            for kind in kinds:
                ok, took, what = probe(pod, kind)
                st = stats.setdefault((pod.app, kind), {"run": 0, "worst_run": 0, "fails": 0, "slowest": 0.0, "what": ""})
                st["run"] = 0 if ok else st["run"] + 1
                st["worst_run"] = max(st["worst_run"], st["run"])
                st["fails"] += 0 if ok else 1
                st["slowest"] = max(st["slowest"], took)
                if not ok:
                    st["what"] = what
        time.sleep(2)
    for (app, kind), st in stats.items():
        pod = next(p for p in pods if p.app == app)
        threshold = pod.c[kind].get("failureThreshold", 3)
        check(st["worst_run"] < threshold,
              "%s: %s passed%s: %d of %d, slowest %.2f s (timeout %s s)%s"
              % (app, kind, label, rounds - st["fails"], rounds, st["slowest"], pod.c[kind].get("timeoutSeconds", 1),
                 "" if not st["fails"] else "; %d failed (%s), never %d in a row" % (st["fails"], st["what"], threshold)
                 if st["worst_run"] < threshold else "; failed %d in a row: the kubelet would act" % st["worst_run"]))


# ---------------------------------------------------------------- helpers for the checks
def redis_cmd(command, lines=1):
    """An inline Redis command from the node container, through the redis Service name; the reply's first lines."""
    script = 'exec 3<>/dev/tcp/redis/6379 && printf "%s\\r\\n" >&3 && timeout 3 head -n %d <&3' % (command, lines)
    p = subprocess.run(["docker", "exec", NODE, "timeout", "5", "bash", "-c", script], capture_output=True, text=True)
    return p.stdout


def hashes():
    """The hashes counter, as webui reads it (GET /json); None if webui does not answer."""
    for _ in range(3):
        status, _, body = http_get("webui", 80, "/json", 5)
        if status == 200:
            m = re.search(rb'"hashes":\s*"?(\d+)', body)
            return int(m.group(1)) if m else 0
        time.sleep(1)
    return None


def pod_get(pod, path, timeout=10):
    """GET from this machine (the node) to a pod's IP: status, seconds, body."""
    start = time.time()
    conn = http.client.HTTPConnection(pod.ip, pod.port("http"), timeout=timeout)
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, time.time() - start, body


def redis_hashes():
    auth = "AUTH %s\r\n" % SECRETS["redis"]["password"] if "redis" in SECRETS else ""
    reply = redis_cmd(auth + "GET hashes", lines=3 if auth else 2).split()
    return int(reply[-1]) if len(reply) >= 2 and reply[-1].isdigit() else None


def cpu_seconds(container):
    cid = docker("inspect", "-f", "{{.Id}}", container).stdout.strip()
    for path in ["/sys/fs/cgroup/cpuacct/docker/%s/cpuacct.usage" % cid]:
        if os.path.exists(path):
            return int(open(path).read()) / 1e9
    for path in ["/sys/fs/cgroup/system.slice/docker-%s.scope/cpu.stat" % cid, "/sys/fs/cgroup/docker/%s/cpu.stat" % cid]:
        if os.path.exists(path):
            for line in open(path):
                if line.startswith("usage_usec"):
                    return int(line.split()[1]) / 1e6
    return None


def mem_usage():
    out = docker("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}",
                 *[c for c in docker("ps", "-q", "--filter", "label=" + LABEL).stdout.split()]).stdout
    usage = {}
    for line in out.splitlines():
        name, used = line.split()[0], line.split()[1]
        usage[name] = quantity_bytes(used.replace("MiB", "Mi").replace("GiB", "Gi").replace("KiB", "Ki").replace("B", ""))
    return usage


def cleanup(final=True):
    ids = docker("ps", "-aq", "--filter", "label=" + LABEL, check_rc=False).stdout.split()
    if ids:
        docker("rm", "-f", *ids, check_rc=False, timeout=180)
    docker("network", "rm", NET, check_rc=False)
    if final:
        shutil.rmtree(EMPTYDIRS, ignore_errors=True)


# ---------------------------------------------------------------- the run
def start_node(image):
    """The node: where the kubelet's HTTP and TCP probes come from, and kubectl's view (any image with bash will do)."""
    docker("run", "-d", "--name", NODE, "--label", LABEL, "--network", NET, "--entrypoint", "sleep", image, "infinity")


def main():
    cleanup(final=False)  # what a previous, killed run may have left
    if MANIFESTS:
        docker("network", "create", "--label", LABEL, NET)
        manifests_path()
        cleanup(final=False)
    if HAND_MADE:
        docker("network", "create", "--label", LABEL, NET)
        hand_made_path()


def manifests_path():
    pods = [Pod(d) for d in deployments]
    for pod in pods:
        image = image_of(pod.c["image"])
        if docker("image", "inspect", image, check_rc=False).returncode != 0:
            raise SystemExit("image %s is missing (imagePullPolicy %s): build it with docker compose build" % (image, pod.c.get("imagePullPolicy")))
        user = docker("image", "inspect", "-f", "{{.Config.User}}", image).stdout.strip()
        run_as = pod.c.get("securityContext", {}).get("runAsUser", pod.spec.get("securityContext", {}).get("runAsUser"))
        non_root = pod.c.get("securityContext", {}).get("runAsNonRoot", pod.spec.get("securityContext", {}).get("runAsNonRoot"))
        if non_root and run_as is None and not re.match(r"^[1-9]\d*(:\d+)?$", user):
            check(False, "%s: runAsNonRoot, but the image's user %r is not a numeric non-root uid: the kubelet refuses it" % (pod.app, user))
    start_node(image_of(pods[0].c["image"]))
    log("starting %s as a kubelet would (all at once)" % ", ".join(p.app for p in pods))
    for pod in pods:
        docker(*pod.run_args())
    for pod in pods:
        pod.ip = docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", pod.name).stdout.strip()

    wait_started(pods)
    if not all(p.started for p in pods):
        return
    probe_rounds(pods, ["readinessProbe", "livenessProbe"], 3)

    # what runs is what the manifests say
    for pod in pods:
        csc, psc = pod.c.get("securityContext", {}), pod.spec.get("securityContext", {})
        status = docker("exec", pod.name, "cat", "/proc/1/status").stdout
        field = lambda n: re.search(r"^%s:\s*(\S+)" % n, status, re.M).group(1)
        want_uid = str(csc.get("runAsUser", psc.get("runAsUser", "")))
        check(field("Uid") == want_uid and field("Uid") != "0", "%s: runs as uid %s" % (pod.app, field("Uid")))
        check(field("CapEff") == "0" * 16, "%s: no capabilities (CapEff %s)" % (pod.app, field("CapEff")))
        check(field("NoNewPrivs") == "1", "%s: no privilege escalation (NoNewPrivs)" % pod.app)
        check(field("Seccomp") == "2", "%s: seccomp filter on (RuntimeDefault)" % pod.app)
        ro = docker("exec", pod.name, "sh", "-c", "touch /probe-write 2>/dev/null", check_rc=False).returncode
        writable = all(docker("exec", pod.name, "sh", "-c", "touch %s/.probe-write && rm %s/.probe-write" % (m["mountPath"], m["mountPath"]),
                              check_rc=False).returncode == 0 for m in pod.c.get("volumeMounts", []))
        check(ro != 0 and writable, "%s: root filesystem read-only, emptyDir mounts (%s) writable"
              % (pod.app, ", ".join(m["mountPath"] for m in pod.c.get("volumeMounts", []))))

    # the pods talk to each other by the Services' names
    status, took, body = http_get("rng", 80, "/32", 5)
    check(status == 200 and len(body) == 32, "rng answers http://rng/32 with 32 bytes (HTTP %s, %.2f s)" % (status, took))
    status, took, body = http_get("hasher", 80, "/", 5, method="POST", body="hello")
    check(status == 200 and re.fullmatch(rb"[0-9a-f]{64}\s*", body or b""), "hasher answers POST http://hasher/ with a SHA-256 (HTTP %s)" % status)
    if "redis" in SECRETS:
        reply = redis_cmd("PING")
        check("NOAUTH" in reply, "redis refuses PING without the Secret's password (%s)" % reply.strip())
        check("+PONG" in redis_cmd("AUTH %s\r\nPING" % SECRETS["redis"]["password"], lines=2),
              "redis answers PING after AUTH with the Secret's password")
    else:
        check("+PONG" in redis_cmd("PING"), "redis answers PING on redis:6379")
    status, _, body = http_get("webui", 80, "/", 5)
    check(status == 302, "webui answers http://webui/ (HTTP %s, the redirect to /index.html)" % status)
    h0 = hashes()
    time.sleep(12)
    h1 = hashes()
    check(h0 is not None and h1 is not None and h1 > h0,
          "the worker mines through rng and hasher and counts in redis; webui reads it: hashes %s -> %s in 12 s" % (h0, h1))

    # rng's probes while 20 clients hammer its line (what 20 workers do): they must not wait in it
    rng = next(p for p in pods if p.app == "rng")
    hammer = ("end=$((SECONDS+25)); for i in $(seq 20); do (while [ $SECONDS -lt $end ]; do exec 3<>/dev/tcp/rng/80; "
              "printf 'GET /32 HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3 >/dev/null; exec 3<&-; done) & done; wait")
    load = subprocess.Popen(["docker", "exec", NODE, "bash", "-c", hammer], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4)
    probe_rounds([rng], ["livenessProbe", "readinessProbe"], 5, " under 20 clients")
    metrics = pod_get(rng, "/q/metrics")[2].decode(errors="replace")
    m = re.search(r"^rng_line_waiting(?:\{[^}]*\})? (\S+)", metrics, re.M)
    check(m is not None and float(m.group(1)) >= 5,
          "rng exports rng_line_waiting: %s requests waiting in line under 20 clients" % (m.group(1) if m else "?"))
    status, took, _ = pod_get(rng, "/")
    check(status == 200 and took > 1.0,
          "rng's / waits in the line: %.1f s under 20 clients (a liveness probe there with the default 1 s timeout fails: the health-check lesson)" % took)
    load.wait(timeout=60)

    # memory within the limits
    usage = mem_usage()
    for pod in pods:
        limit = quantity_bytes(pod.c["resources"]["limits"]["memory"])
        used = usage.get(pod.name, 0)
        check(0 < used < limit * 0.9, "%s: %d MiB used of its %d MiB limit" % (pod.app, used // 2**20, limit // 2**20))

    if MEASURE:
        measure(pods)

    # the worker on SIGTERM (kubectl set image, scale down, drain): it finishes its loop and writes its count
    worker = next(p for p in pods if p.app == "worker")
    grace = worker.spec.get("terminationGracePeriodSeconds", 30)
    before = redis_hashes()
    start = time.time()
    docker("stop", "-t", str(grace), worker.name, timeout=grace + 30)
    took = time.time() - start
    code = int(docker("inspect", "-f", "{{.State.ExitCode}}", worker.name).stdout.strip())
    out = docker("logs", "--tail", "8", worker.name)
    logs = out.stdout + out.stderr
    check(took < grace and code != 137, "worker stops on SIGTERM in %.1f s (grace %d s, exit code %d)" % (took, grace, code))
    after = redis_hashes()
    written = "updating hash counter" in logs
    check(after is not None and before is not None and after > before and written,
          "worker's last count written to redis on the way out (hashes %s -> %s)" % (before, after))


def measure(pods):
    """Ten workers for a while: hashes/s, CPU (millicores) and memory (MiB) per container."""
    worker = next(p for p in pods if p.app == "worker")
    extra = [Pod(worker.deployment, i) for i in range(1, 10)]
    log("measuring: 9 more workers (10 in all)")
    for p in extra:
        docker(*p.run_args())
        p.ip = docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", p.name).stdout.strip()
    wait_started(extra)
    time.sleep(20)
    everyone = pods + extra
    cpu0 = {p.name: cpu_seconds(p.name) for p in everyone}
    h0, t0 = hashes(), time.time()
    peaks = {}
    end = time.time() + MEASURE_SECONDS
    while time.time() < end:
        for name, used in mem_usage().items():
            peaks[name] = max(peaks.get(name, 0), used)
        time.sleep(5)
    h1, t1 = hashes(), time.time()
    cpu1 = {p.name: cpu_seconds(p.name) for p in everyone}
    log("10 workers: %.1f hashes/s over %d s" % ((h1 - h0) / (t1 - t0), t1 - t0))
    print("\n%-28s %10s %12s" % ("container", "CPU (m)", "memory peak"))
    for p in everyone:
        cpu = "?" if cpu0[p.name] is None else "%.0f" % ((cpu1[p.name] - cpu0[p.name]) / (t1 - t0) * 1000)
        print("%-28s %10s %9d MiB" % (p.name, cpu, peaks.get(p.name, 0) // 2**20))
    print()
    for p in extra:
        docker("rm", "-f", p.name, check_rc=False)


# ---------------------------------------------------------------- the workshop's hand-made path
# kubectl expose deployment redis --port 6379; rng --port 80; hasher --port 80; deploy/webui --type=NodePort --port=80
HAND_SERVICES = {"redis": 6379, "rng": 80, "hasher": 80, "webui": 80}


def service_links():
    """What the kubelet sets in a pod for every Service of its namespace (enableServiceLinks defaults to true)."""
    env = {}
    for i, (name, port) in enumerate([("kubernetes", 443)] + list(HAND_SERVICES.items())):
        n, ip = name.upper(), "10.96.0.%d" % (1 if name == "kubernetes" else 10 + i)
        tcp = "%s_PORT_%d_TCP" % (n, port)
        env.update({n + "_SERVICE_HOST": ip, n + "_SERVICE_PORT": str(port), n + "_PORT": "tcp://%s:%d" % (ip, port),
                    tcp: "tcp://%s:%d" % (ip, port), tcp + "_PROTO": "tcp", tcp + "_PORT": str(port), tcp + "_ADDR": ip})
    return env


def hand_pod(app, index, image):
    """A pod of `kubectl create deployment APP --image=IMAGE`: label app=APP, a container named after the image, the
    image's own user, entrypoint and port; no securityContext, probes or resources; service links on."""
    name = "%s-hand-%s-%d" % (PROJECT, app, index)
    args = ["run", "-d", "--name", name, "--hostname", "%s-%d" % (app, index), "--label", LABEL, "--label", "app=" + app,
            "--network", NET]
    if app in HAND_SERVICES:
        args += ["--network-alias", app]  # its Service selects app=APP
    for k, v in service_links().items():
        args += ["--env", "%s=%s" % (k, v)]
    docker(*args, image)
    return name


def hand_made_path():
    images = {app: "%s/%s:%s" % (REGISTRY, app, TAG) for app in ("hasher", "rng", "webui", "worker")}
    images["redis"] = "redis:7"  # the workshop's --image=redis; the local stand-in is redis:7
    for image in images.values():
        if docker("image", "inspect", image, check_rc=False).returncode != 0:
            raise SystemExit("image %s is missing: build it with REGISTRY=%s TAG=%s docker compose build" % (image, REGISTRY, TAG))
    start_node(images["rng"])
    log("hand-made path: create deployment redis, hasher, rng, webui, worker; expose; all with service links")
    pods = {app: hand_pod(app, 0, image) for app, image in images.items()}
    env = docker("exec", pods["worker"], "env").stdout
    check("REDIS_PORT=tcp://10.96.0.11:6379" in env and "WEBUI_PORT=tcp://" in env and "RNG_SERVICE_HOST=" in env,
          "hand-made: the worker's pod has the service-link variables (REDIS_PORT=tcp://10.96.0.11:6379, RNG_PORT, WEBUI_PORT...)")
    deadline = time.time() + 180
    h0 = None
    while time.time() < deadline and h0 is None:
        h0 = hashes() if http_get("webui", 80, "/json", 5)[0] == 200 else None
        time.sleep(2)
    for app, name in pods.items():
        state = docker("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", name).stdout.strip()
        if not check(state.startswith("running"), "hand-made: %s runs with every service-link variable (%s)" % (app, state)):
            out = docker("logs", "--tail", "15", name, check_rc=False)
            log(out.stdout + out.stderr)
    if h0 is None:
        check(False, "hand-made: webui answered no /json within 180 s")
        return
    time.sleep(10)
    check((hashes() or 0) > h0, "hand-made: 1 worker mines through rng, hasher and redis (hashes grow)")
    # kubectl logs -l app=rng --tail 1: rng's access log
    last = docker("logs", "--tail", "1", pods["rng"]).stdout.strip()
    check(re.search(r'"GET /\d+ HTTP/1\.1" 200 \d+ \d+ ms$', last), "hand-made: kubectl logs -l app=rng --tail 1 shows a request line: %s" % last)
    # kubectl scale deployment worker --replicas=2: a new pod, with the same service links
    log("hand-made path: kubectl scale deployment worker --replicas=2")
    second = hand_pod("worker", 1, images["worker"])
    deadline = time.time() + 120
    while time.time() < deadline and "units of work done" not in (docker("logs", second, check_rc=False).stdout
                                                                  + docker("logs", second, check_rc=False).stderr):
        time.sleep(2)
    time.sleep(5)
    seconds = int(os.environ.get("K8S_DOCKER_HAND_MADE_SECONDS", "30"))
    h0, t0 = hashes(), time.time()
    time.sleep(seconds)
    h1, t1 = hashes(), time.time()
    rate = (h1 - h0) / (t1 - t0) if h0 is not None and h1 is not None else 0
    state = docker("inspect", "-f", "{{.State.Status}}", second).stdout.strip()
    # more than one worker's ceiling (one loop every 0.3 s: 3.33/s) shows both mining; 6.6 on an idle machine
    check(state == "running" and rate > 3.4,
          "hand-made: 2 workers mine %.2f hashes/s over %d s (more than one worker's 3.33; 2 x 3.3 = 6.6 on an idle machine)" % (rate, t1 - t0))
    print("hand-made path, 2 workers: %.2f hashes/s over %.0f s" % (rate, t1 - t0))


signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
try:
    main()
except SystemExit as e:
    if e.code not in (None, 0):
        check(False, str(e.code))
except Exception as e:  # a failed docker call, a timeout
    check(False, "%s: %s" % (type(e).__name__, e))
finally:
    log("cleaning up")
    cleanup()
    passed = sum(1 for ok, _ in results if ok)
    failed = len(results) - passed
    print("\nWhat was checked (k8s/ top level as a kubelet would run it, then the hand-made path, under Docker):")
    for ok, text in results:
        print("  %s %s" % ("PASS" if ok else "FAIL", text))
    print("\n%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not results else 0)
