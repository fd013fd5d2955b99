"""Access control (k8s/access-control/README.md, section 17): the learner's Role on the real API server. Every
`kubectl auth can-i` line of the README is asked as the README asks it (impersonated with --as) and again with the
learner's own token, and must get the README's answer; then, with that token (`kubectl create token learner`), the
learner scales the worker and sets its image, and every other write or read the README lists is refused with a 403
that changes nothing. Deleting the ServiceAccount voids the token.

The README's commands name the namespace `default` and say to put one's own there: this scenario types them with its
namespace in that place."""
import re
import time

from kube import wait_for

NAME = "access-control"
TITLE = "the learner's token: scale and set image on the worker, 403 for everything else"
README = "k8s/access-control/README.md"
EXCLUSIVE = False
NEEDS = []

LEARNER = "--as=system:serviceaccount:default:learner"


def readme_lines(sc, start):
    """(command, what the README says it answers) for each line of the README's bash blocks that starts so."""
    with open(sc.readme) as f:
        text = f.read()
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith(start):
                command, _, said = line.partition("  #")
                lines.append((command.strip(), said.strip()))
    return lines


def as_learner(sc, command):
    """The README's command typed in this namespace; (exit code, what kubectl printed, the API server's statuses)."""
    sc.sh.in_readme(command)
    mine = command.replace(":default:", ":%s:" % sc.namespace)
    # -v=6 logs each request's status; the learner sees the lines that are not klog's
    out = sc.run("%s 2>&1; echo \"exit=$?\"" % mine.replace("kubectl ", "kubectl -v=6 ", 1), check=False, timeout=120)
    statuses = re.findall(r'status="(\d+) ', out)
    shown = "\n".join(l for l in out.splitlines() if not re.match(r"[IWE]\d{4} ", l) and not l.startswith("exit="))
    return int(re.search(r"exit=(\d+)", out).group(1)), shown.strip(), statuses


def run(sc):
    sc.typed("kubectl apply -f k8s/", readme="k8s/README.md")
    # the learner needs the Deployments and their pods to exist, not to run
    wait_for("the worker pods", lambda: sc.pods("app=worker"), timeout=60)
    sc.typed("kubectl apply -f k8s/access-control/")

    # Each can-i answer of the README, impersonated as it is typed, then asked with the learner's own token.
    sc.typed('kubectl config set-credentials learner --token="$(kubectl create token learner --duration=8h)"')
    sc.sh.in_readme("kubectl config set-context learner --user=learner --namespace=default")
    sc.run("kubectl config set-context learner --user=learner --namespace=%s --cluster=\"$(kubectl config view "
           "--minify -o jsonpath='{.clusters[0].name}')\"" % sc.namespace)
    asked = wrong = 0
    for command, said in readme_lines(sc, "kubectl auth can-i"):
        if "--list" in command:
            continue
        expected = said.split()[0]
        _, answer, _ = as_learner(sc, command)
        answers = [answer]
        if LEARNER in command:
            answers.append(sc.run(command.replace(LEARNER, "--context=learner") + " 2>&1", check=False).strip())
        asked += len(answers)
        if any(a != expected for a in answers):
            wrong += 1
            sc.log("%s: the README says %s, the API server %s" % (command, expected, answers))
    sc.result("the README's `kubectl auth can-i` answers, asked --as the learner and with its token",
              "%d asked, %d differ" % (asked, wrong), "every answer as the README says", asked >= 14 and wrong == 0)
    _, listed, _ = as_learner(sc, "kubectl auth can-i --list --as=system:serviceaccount:default:learner")
    # the resource rows (non-resource URLs start with blanks), but for the reviews everyone may ask
    rules = [l.split()[0] for l in listed.splitlines()[1:]
             if l.strip() and not l[0].isspace() and not l.startswith("selfsubject")]
    sc.result("`kubectl auth can-i --list`: what the learner may touch", ", ".join(rules),
              "pods, pods/log, deployments.apps and its scale (worker only), nothing else",
              sorted(rules) == ["deployments.apps", "deployments.apps/scale", "pods", "pods/log"])

    # For real, with the token: what may be done is done, the rest refused with a 403 that changes nothing.
    before = {d["metadata"]["name"]: (d["spec"].get("replicas"), d["spec"]["template"]["spec"]["containers"][0]["image"])
              for d in sc.json("deployments")["items"]}
    for command, said in readme_lines(sc, "kubectl "):
        if "--context=learner" not in command or command.startswith(("kubectl auth", "kubectl config")):
            continue
        if "delete pod" in command:
            pods_before = [p["metadata"]["name"] for p in sc.pods("app=worker")]
        code, shown, statuses = as_learner(sc, command)
        what = command.replace(" --context=learner", "").replace("kubectl ", "learner: ", 1)
        if "Forbidden" in said:
            # "Error from server (Forbidden): ... is forbidden: User ..." (kubectl scale: "error: ... is forbidden")
            refusal = re.search(r"is forbidden: User \"system:serviceaccount:%s:learner\" cannot [a-z]+ resource \"[a-z/]+\""
                                % sc.namespace, shown)
            sc.result(what, "exit %d, %s; HTTP %s" % (code, refusal.group(0)[14:] if refusal else shown[:70],
                                                     ",".join(statuses)),
                      "refused: is forbidden, a 403", code != 0 and refusal is not None and "403" in statuses)
        else:
            # what kubectl prints when the README gives it (deployment.apps/worker scaled), else that it worked
            printed = said if said.startswith("deployment.apps/") else ""
            sc.result(what, "exit %d, %s" % (code, shown.splitlines()[0][:70] if shown else "nothing"), said,
                      code == 0 and "403" not in statuses and printed in shown)
    after = {d["metadata"]["name"]: (d["spec"].get("replicas"), d["spec"]["template"]["spec"]["containers"][0]["image"])
             for d in sc.json("deployments")["items"]}
    changed = sorted(n for n in after if after[n] != before.get(n))
    sc.result("what the learner's requests changed", "; ".join("%s: %s -> %s" % (n, before[n], after[n]) for n in changed),
              "only the worker: 5 replicas, dockercoins-java/worker:v0.2",
              changed == ["worker"] and after["worker"] == (5, "dockercoins-java/worker:v0.2"))
    pods_after = {p["metadata"]["name"]: p["metadata"].get("deletionTimestamp") for p in sc.pods("app=worker")}
    still = [p for p in pods_before if p in pods_after and not pods_after[p]]
    sc.result("the worker pods the learner could not delete", "%d of %d still there" % (len(still), len(pods_before)),
              "all", len(still) == len(pods_before))

    # Removing the learner voids its token at once: it was bound to the ServiceAccount, not stored.
    sc.typed("kubectl delete -f k8s/access-control/")
    t0 = time.monotonic()
    # the API server's token check reads the ServiceAccount from its cache, which hears of the deletion within seconds
    code, shown, statuses = wait_for("the token refused", lambda: (lambda r: r if "401" in r[2] else None)(
        as_learner(sc, "kubectl get pods -l app=worker --context=learner")), timeout=30, every=1)
    sc.result("the token once the ServiceAccount is deleted", "exit %d, %s (HTTP %s), %.0f s after the delete" % (
        code, shown.splitlines()[-1] if shown else "nothing", ",".join(statuses), time.monotonic() - t0),
              "Unauthorized (401) within seconds", code != 0 and "401" in statuses)
