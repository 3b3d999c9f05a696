#!/usr/bin/env python3
"""Wall-clock timer for bench/run (stdlib only).

    measure.py [--runs N] [--warmup W] [--stdin FMT] [--out FILE] -- CMD ARGS...
    measure.py [options] -- CMD1 ARGS... ::: CMD2 ARGS... [::: CMD3 ...]

Runs CMD W times unmeasured, then N times measured, each time as a fresh
process (subprocess.run, no shell unless CMD is one), timing each run with
time.perf_counter() around subprocess.run, so a figure is what a user waits
for: fork, exec, dynamic linking, the work, exit.  Standard output goes to
/dev/null (or FILE, rewritten each run, for a sanity check of the last run),
standard error is kept.

With several commands separated by ":::" (docday and its peers), the runs
are interleaved: CMD1, CMD2, CMD3, CMD1, CMD2, ... (warm-up rounds first),
so that all of them see the same machine: on a shared, busy machine a burst
of load then lands on every command instead of on one, and the ratios stay
fair.  --stdin applies to every command, --out to the first one only (the
others write to /dev/null).

--settle runs sync(1) before every run, untimed: the dirty pages one
command left behind (an export writes 170 MB) are then not written back
during the next command's run, which would charge that command for them.

--stdin FMT feeds each run a file: FMT with {i} replaced by the run's number,
counting warm-up runs, from 1 (so a save can get a different text each time).

Prints one line per command: median min max runs cpu user sys, in seconds,
where cpu is the median of the user + system CPU time of the measured runs
(the child's own rusage from wait4, which counts the children it waited
for), user and sys the medians of each part: on a busy machine wall times
grow with the time spent waiting for a CPU, CPU times much less.  Exits 1
(and prints nothing on stdout) if any run exits non-zero; it never judges
the numbers.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def run_once(cmd, a, i, out):
    fin = open(a.stdin.format(i=i), "rb") if a.stdin else subprocess.DEVNULL
    fout = open(out, "wb") if out else subprocess.DEVNULL
    try:
        # what subprocess.run does (Popen, then wait), reaping with wait4
        # to get the child's own CPU time
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=fin, stdout=fout)
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.perf_counter()
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if a.stdin:
            fin.close()
        if out:
            fout.close()
    if p.returncode != 0:
        print("measure.py: %r exited %d (run %d)" % (" ".join(cmd), p.returncode, i),
              file=sys.stderr)
        sys.exit(1)
    return t1 - t0, (ru.ru_utime, ru.ru_stime)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--stdin")
    p.add_argument("--out")
    p.add_argument("--settle", action="store_true")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    a = p.parse_args()
    words = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    cmds = [[]]
    for w in words:
        if w == ":::":
            cmds.append([])
        else:
            cmds[-1].append(w)
    if not all(cmds):
        p.error("no command")

    times = [[] for _ in cmds]
    cpu = [[] for _ in cmds]
    for i in range(1, a.warmup + a.runs + 1):
        for k, cmd in enumerate(cmds):
            if a.settle:
                os.sync()
            t, c = run_once(cmd, a, i, a.out if k == 0 else None)
            if i > a.warmup:
                times[k].append(t)
                cpu[k].append(c)
    for t, c in zip(times, cpu):
        print("%.9f %.9f %.9f %d %.6f %.6f %.6f" % (
            statistics.median(t), min(t), max(t), len(t),
            statistics.median(u + s for u, s in c),
            statistics.median(u for u, _ in c), statistics.median(s for _, s in c)))


if __name__ == "__main__":
    main()
