#!/usr/bin/env python3
"""Every "What can Kubernetes do?" scenario of the README, shown doing what its README says on the real cluster of
tests/cluster/up.sh, each in a namespace of its own (run it through tests/k8s-scenarios.sh). The scenarios are the
modules of tests/scenarios/; those that measure speeds or change nodes run one at a time, the others side by side
first. Each prints what it measured against what its README promises; a failing one also prints its namespace's last
events; Ctrl-C still deletes every namespace.

  tests/k8s-scenarios.py [NAME...]        all of them, or those named
  tests/k8s-scenarios.py --list
"""
import concurrent.futures
import importlib
import os
import pkgutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
from scenarios import ACTIVE, run_one  # noqa: E402
from stack import logger  # noqa: E402

log = logger("scenarios")


def modules():
    found = {}
    for info in pkgutil.iter_modules(scenarios.__path__):
        module = importlib.import_module("scenarios." + info.name)
        found[module.NAME] = module
    return found


def main(argv):
    available = modules()
    if argv[:1] == ["--list"]:
        for name, module in available.items():
            print("%-20s %s%s" % (name, module.TITLE, "  (alone)" if module.EXCLUSIVE else ""))
        return 0
    unknown = [name for name in argv if name not in available]
    if unknown:
        log("unknown scenario %s; there are: %s" % (", ".join(unknown), " ".join(sorted(available))))
        return 2
    chosen = [available[name] for name in (argv or sorted(available))]
    t0 = time.monotonic()
    reports = []
    side_by_side = [m for m in chosen if not m.EXCLUSIVE]
    alone = [m for m in chosen if m.EXCLUSIVE]
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            reports += list(pool.map(run_one, side_by_side))
        for module in alone:
            reports.append(run_one(module))
    except KeyboardInterrupt:
        log("interrupted: deleting the scenarios' namespaces and what they made outside them")
        for sc in list(ACTIVE):
            sc.teardown()
        os._exit(130)
    for report in reports:
        report.table()
    failed = [r for r in reports if r.failures]
    log("%d scenarios, %d failed, in %.0f s" % (len(reports), len(failed), time.monotonic() - t0))
    for r in failed:
        for f in r.failures:
            log("FAIL: " + f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
