#!/usr/bin/env python3
"""The CPython recorder's cost: each program's CPU time (user + sys of the whole
process, interpreter start-up included) unrecorded and recorded, measured side
by side in one run, alternating, best of N. docs/performance.md quotes it.

The recorder is started as loopscope starts it (kRecorderBootstrap in
app/cli/python_program.cpp): imported, so that its compiled code is cached
(PYTHONDONTWRITEBYTECODE is cleared for the runs: a user's usual setting).

    python3 bench/recorder_overhead.py [--python PATH] [--rounds N] [--turns N]
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDER = os.path.join(os.path.dirname(HERE), "core", "cpython", "loopscope_recorder.py")


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BOOTSTRAP = ("import os, sys; sys.path.insert(0, %r); "
             "sys.pycache_prefix = os.path.join(os.path.expanduser('~/.cache'), 'loopscope', 'pycache'); "
             "import loopscope_recorder; sys.pycache_prefix = None; del sys.path[0]; "
             "loopscope_recorder.main(sys.argv[1:])" % os.path.dirname(RECORDER))


def cpu_of(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--turns", type=int, default=100000)
    a = ap.parse_args()
    trace = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False).name
    programs = [("sleep(0) ping-pong, 3 x %dk steps" % (2 * a.turns // 1000), [os.path.join(HERE, "pingpong.py"),
                                                                              str(a.turns)], 1.5),
                ("I/O-bound: 20 clients x 50 requests, 5 ms each", [os.path.join(HERE, "io_bound.py")], 1.05)]
    print("python %s; CPU time (user+sys), best of %d, alternating plain/recorded" % (
        subprocess.run([a.python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                       text=True).stdout.strip(), a.rounds))
    for title, prog, goal in programs:
        plain, recorded = [], []
        for _ in range(a.rounds):
            plain.append(cpu_of([a.python] + prog))
            recorded.append(cpu_of([a.python, "-c", BOOTSTRAP, "--events", trace, "--limit", "4000000", "--"] + prog))
        events = sum(1 for _ in open(trace))
        p, r = min(plain), min(recorded)
        print("%-48s plain %6.3f s  recorded %6.3f s  = %.2fx (goal <= %.2fx)  %d events" % (
            title, p, r, r / p, goal, events))
    os.unlink(trace)


if __name__ == "__main__":
    main()
