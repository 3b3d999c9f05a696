#!/usr/bin/env python3
"""Wall-clock timer for bench/run (stdlib only).

    measure.py [--runs N] [--warmup W] [--stdin FMT] [--out FILE] -- CMD ARGS...

Runs CMD W times unmeasured, then N times measured, each time as a fresh
process (subprocess.run, no shell unless CMD is one), timing each run with
time.perf_counter() around subprocess.run, so a figure is what a user waits
for: fork, exec, dynamic linking, the work, exit.  Standard output goes to
/dev/null (or FILE, rewritten each run, for a sanity check of the last run),
standard error is kept.

--stdin FMT feeds each run a file: FMT with {i} replaced by the run's number,
counting warm-up runs, from 1 (so a save can get a different text each time).

Prints one line: median min max runs, in seconds.  Exits 1 (and prints
nothing on stdout) if any run exits non-zero; it never judges the numbers.
"""

import argparse
import statistics
import subprocess
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--stdin")
    p.add_argument("--out")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        p.error("no command")

    times = []
    for i in range(1, a.warmup + a.runs + 1):
        fin = open(a.stdin.format(i=i), "rb") if a.stdin else subprocess.DEVNULL
        fout = open(a.out, "wb") if a.out else subprocess.DEVNULL
        try:
            t0 = time.perf_counter()
            r = subprocess.run(cmd, stdin=fin, stdout=fout)
            t1 = time.perf_counter()
        finally:
            if a.stdin:
                fin.close()
            if a.out:
                fout.close()
        if r.returncode != 0:
            print("measure.py: %r exited %d (run %d)" % (" ".join(cmd), r.returncode, i),
                  file=sys.stderr)
            sys.exit(1)
        if i > a.warmup:
            times.append(t1 - t0)
    print("%.9f %.9f %.9f %d" % (statistics.median(times), min(times), max(times),
                                 len(times)))


if __name__ == "__main__":
    main()
