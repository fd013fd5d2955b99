"""The compose stack under test, as tests/drill.py and tests/fuzz.py see it (their shell scripts set it up with
tests/lib.sh): the host ports and images from the same environment variables, the compose command, logging
with the seconds since the start, and the Docker calls both make. Python 3 stdlib only."""
import os
import re
import shutil
import subprocess
import sys
import time

START = time.monotonic()
# The same names and defaults as docker-compose.yml and tests/lib.sh.
WEBUI_PORT = int(os.environ.get("DOCKERCOINS_WEBUI_PORT", "8000"))
RNG_PORT = int(os.environ.get("DOCKERCOINS_RNG_PORT", "8001"))
HASHER_PORT = int(os.environ.get("DOCKERCOINS_HASHER_PORT", "8002"))
PORTS = {"rng": RNG_PORT, "hasher": HASHER_PORT, "webui": WEBUI_PORT}
REGISTRY = os.environ.get("REGISTRY", "dockercoins-java")
TAG = os.environ.get("TAG", "v0.1")
COMPOSE = ["docker-compose"] if shutil.which("docker-compose") else ["docker", "compose"]


def logger(name):
    """A log function: '[name   12s] message' on stderr, like tests/lib.sh's log."""
    def log(msg):
        print("[%s %4ds] %s" % (name, time.monotonic() - START, msg), file=sys.stderr, flush=True)
    return log


class Abort(Exception):
    """A step that cannot go on (a command failed or hung)."""


def run(cmd, timeout=60, check=True, env=None):
    """stdout of cmd; Abort if it takes longer than timeout seconds, or (check) if it exits non-zero."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise Abort("timed out after %ds: %s" % (timeout, " ".join(cmd)))
    if check and p.returncode != 0:
        raise Abort("failed (%d): %s\n%s%s" % (p.returncode, " ".join(cmd), p.stdout[-2000:], p.stderr[-2000:]))
    return p.stdout


def container_ids(project, service=None, all_states=False):
    """Full ids of the project's containers (of one compose service if given; running only unless all_states)."""
    cmd = ["docker", "ps", "-q", "--no-trunc", "--filter", "label=com.docker.compose.project=" + project]
    if service:
        cmd += ["--filter", "label=com.docker.compose.service=" + service]
    if all_states:
        cmd.insert(2, "-a")
    return run(cmd, timeout=20).split()


def inspect(cids, fmt):
    """`docker inspect -f fmt` of each container, as a list of whitespace-split lines ([] for no container)."""
    if not cids:
        return []
    return [line.split() for line in run(["docker", "inspect", "-f", fmt] + list(cids), timeout=30, check=False).splitlines()
            if line.strip()]


# ---------------------------------------------------------------------------------------------------------------
# A worker's log as a ledger (tests/drill.py under Compose, tests/k8s-walkthrough.py on a cluster): each
# "N units of work done, updating hash counter" line is one INCRBY of N; it failed if the miner's next line says
# "keeping N loops" (or "Could not write to Redis on shutdown"), else it succeeded.

UNITS = re.compile(r"\[HashCounter\] (\d+) units of work done")
KEEPING = re.compile(r"keeping (\d+) loops and (\d+) coins for later")
LOST = re.compile(r"Could not write to Redis on shutdown .*: (\d+) loops and (\d+) coins are lost")
STARTED = re.compile(r"\[(?:io\.)?quarkus\] .* started in ")
COIN = re.compile(r"\[CoinMiner\] Coin found: ")
DUP = "We already had that coin"
DROPPED = "Wallet backlog full, dropping coin"
LATE = "did not finish in time"
OTHER_MINER = re.compile(r"\[CoinMiner\] .*(unavailable .*retrying in)")


def parse_runs(text):
    runs = []
    run_ = None
    pending = None

    def new_run():
        return dict(written=0, writes=0, failed_writes=0, coins=0, dups=0, lost_loops=0, lost_coins=0, dropped=0, late=0)

    for line in text.splitlines():
        if STARTED.search(line):
            if run_ is not None and pending is not None:
                run_["written"] += pending
            pending = None
            run_ = new_run()
            runs.append(run_)
            continue
        if run_ is None:
            continue
        m = UNITS.search(line)
        if m:
            if pending is not None:
                run_["written"] += pending
            pending = int(m.group(1))
            run_["writes"] += 1
            continue
        m = KEEPING.search(line) or LOST.search(line)
        if m:
            if pending is not None:  # the write just logged failed
                run_["failed_writes"] += 1
            pending = None
            if LOST.search(line):
                run_["lost_loops"] += int(m.group(1))
                run_["lost_coins"] += int(m.group(2))
            continue
        if COIN.search(line) or OTHER_MINER.search(line) or DUP in line:
            if pending is not None:  # the miner went on: the write succeeded
                run_["written"] += pending
                pending = None
            if COIN.search(line):
                run_["coins"] += 1
            if DUP in line:
                run_["dups"] += 1
            continue
        if DROPPED in line:
            run_["dropped"] += 1
        if LATE in line:
            run_["late"] += 1
    if run_ is not None and pending is not None:
        run_["written"] += pending
    return runs
