#!/usr/bin/env python3
"""Where a process tree's wall time and CPU go (Linux): runs a command, samples /proc every few milliseconds and prints,
per process (the command and every descendant, e.g. a ProcessPool's workers), its lifetime, its CPU (user+sys, from
/proc/<pid>/task/*/schedstat, nanoseconds) split by thread name, and for processes that compute, when they were busy
and the idle gaps in between.

  python3 bench/GilAnalyzers.Processes.Bench/cpu-timeline.py [--interval-ms 10] [--bucket-ms 50] -- dotnet app.dll 288

"Busy" is a bucket in which the process used at least half a core. A gap is a run of non-busy buckets between the
process's first and last busy bucket. Figures of a process that exits between two samples miss at most one interval;
the total of the whole tree is exact (wait4's rusage of the command, which includes the children it reaped).
A bench tool, not part of any package.
"""
import argparse
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict


def children_of():
    kids = defaultdict(list)
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids[ppid].append(int(name))
    return kids


def tree(root):
    kids = children_of()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def threads(pid):
    """{tid: (name, cpu ns)} of one process."""
    result = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return result
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                ns = int(f.read().split()[0])
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
        except (OSError, ValueError, IndexError):
            continue
        result[int(tid)] = (name, ns)
    return result


def proc_stat(pid):
    """(user s, sys s, minor page faults) of one process, from /proc/<pid>/stat (clock ticks)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick, int(fields[7])


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interval-ms", type=float, default=10)
    parser.add_argument("--bucket-ms", type=float, default=50)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")

    start = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    seen = {}  # pid -> {"first": t, "last": t, "threads": {tid: (name, ns)}, "samples": [(t, ns)], "cmd": str}
    status = None
    while status is None:
        now = time.monotonic() - start
        for pid in tree(child.pid):
            ts = threads(pid)
            if not ts:
                continue
            entry = seen.get(pid)
            if entry is None:
                entry = seen[pid] = {"first": now, "threads": {}, "samples": [], "cmd": cmdline(pid)}
            if not entry["cmd"]:
                entry["cmd"] = cmdline(pid)
            entry["last"] = now
            entry["stat"] = proc_stat(pid) or entry.get("stat")
            entry["threads"].update(ts)
            entry["samples"].append((now, sum(ns for _, ns in entry["threads"].values())))
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid == 0:
            status = None
            time.sleep(args.interval_ms / 1000)
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)

    print(f"command: {' '.join(command)}  (exit {code})")
    print(f"wall {wall:.3f} s; whole tree CPU user {usage.ru_utime:.3f} s + sys {usage.ru_stime:.3f} s = "
          f"{usage.ru_utime + usage.ru_stime:.3f} s (exact), minor page faults {usage.ru_minflt}; load average {os.getloadavg()[0]:.2f}")
    bucket = args.bucket_ms / 1000
    roles = {}
    workers = 0
    for pid, entry in sorted(seen.items(), key=lambda kv: kv[1]["first"]):
        if pid == child.pid:
            roles[pid] = "command"
        else:
            workers += 1
            roles[pid] = f"child {workers}"
    total_seen = 0.0
    for pid, entry in sorted(seen.items(), key=lambda kv: kv[1]["first"]):
        cpu = sum(ns for _, ns in entry["threads"].values()) / 1e9
        total_seen += cpu
        print()
        print(f"{roles[pid]} pid {pid}: seen {entry['first']:.3f}–{entry['last']:.3f} s, CPU {cpu:.3f} s  [{entry['cmd'][:110]}]")
        if entry.get("stat"):
            user, system, faults = entry["stat"]
            print(f"    user {user:.2f} s, sys {system:.2f} s (clock ticks), minor page faults {faults}")
        by_name = defaultdict(float)
        for name, ns in entry["threads"].values():
            by_name[name] += ns / 1e9
        for name, s in sorted(by_name.items(), key=lambda kv: -kv[1]):
            if s >= 0.001:
                print(f"    {s:8.3f} s  {name}")
        # CPU per bucket (by interpolating the cumulative samples at bucket edges).
        samples = entry["samples"]
        if len(samples) < 2:
            continue
        edges, t = [], samples[0][0]
        while t <= samples[-1][0]:
            edges.append(t)
            t += bucket
        def cum(at):
            for (t0, c0), (t1, c1) in zip(samples, samples[1:]):
                if t0 <= at <= t1:
                    return c0 + (c1 - c0) * ((at - t0) / (t1 - t0) if t1 > t0 else 1)
            return samples[-1][1]
        rates = [(edges[i], (cum(edges[i + 1]) - cum(edges[i])) / 1e9 / bucket) for i in range(len(edges) - 1)]
        busy = [t for t, r in rates if r >= 0.5]
        if not busy:
            print("    never busy (≥ 0.5 core in a bucket)")
            continue
        first, last = busy[0], busy[-1] + bucket
        gaps, run = [], None
        for t, r in rates:
            if first <= t < last and r < 0.5:
                run = run or [t, t]
                run[1] = t + bucket
            elif run:
                gaps.append(run)
                run = None
        gap_total = sum(b - a for a, b in gaps)
        print(f"    busy from {first:.3f} to {last:.3f} s ({last - first:.3f} s), idle gaps inside {gap_total:.3f} s"
              + ("" if not gaps else ": " + ", ".join(f"{a:.2f}–{b:.2f}" for a, b in gaps[:8]) + (" …" if len(gaps) > 8 else "")))
        print(f"    not busy before {first - entry['first']:.3f} s (after it was first seen), after {entry['last'] - last:.3f} s (until last seen)")
    print()
    print(f"sum of the processes' CPU as sampled: {total_seen:.3f} s (a process's last interval before exit is not seen)")
    return code


if __name__ == "__main__":
    sys.exit(main())
