#!/usr/bin/env python3
"""The CPython recorder's cost: each program's CPU time (user + sys of every
process, interpreter start-up included) unrecorded and recorded, measured side
by side in one run, alternating, best of N. docs/performance.md quotes it.

"recorded" is `loopscope run FILE.py --quiet --events F` as a user runs it: the
interpreter with the recorder sending compact records, and loopscope turning
them into the JSON Lines file (app/cli/record_stream.cpp). --before RECORDER.py
adds an older recorder run on its own, formatting JSON itself into --events
(how loopscope ran it before the compact records), imported as loopscope
imports it so that its compiled code is cached.

--pure adds `loopscope run` with the recorder's C hot path off ("pure");
--alone the recorder alone with it and without, its records into /dev/null:
the program's own process, without loopscope's side (formatting JSON).

    python3 bench/recorder_overhead.py [--python PATH] [--loopscope PATH] [--before RECORDER.py] [--pure] [--alone]
                                       [--rounds N] [--turns N]
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BOOTSTRAP = ("import os, sys; sys.path.insert(0, os.path.dirname(sys.argv[1])); "
             "sys.pycache_prefix = os.path.join(os.path.expanduser('~/.cache'), 'loopscope', 'pycache-bench'); "
             "import importlib; m = importlib.import_module(os.path.basename(sys.argv[1])[:-3]); "
             "sys.pycache_prefix = None; del sys.path[0]; m.main(sys.argv[2:])")


def cpu_of(cmd, env=ENV, fds=()):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env, pass_fds=fds)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--loopscope", default=os.path.join(SRC, "build", "loopscope"))
    ap.add_argument("--before", help="an older loopscope_recorder.py, run on its own with --events")
    ap.add_argument("--pure", action="store_true",
                    help="also `loopscope run` with the recorder's C hot path off (LOOPSCOPE_RECORDER_PURE=1)")
    ap.add_argument("--alone", action="store_true",
                    help="also the recorder beside --loopscope alone, its records into /dev/null (the program's "
                         "own process: no formatting), with its C hot path and without")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--turns", type=int, default=100000)
    a = ap.parse_args()
    trace = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False).name
    if a.alone:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 3)  # the records' fd
    programs = [("sleep(0) ping-pong, 3 x %dk steps" % (2 * a.turns // 1000), [os.path.join(HERE, "pingpong.py"),
                                                                              str(a.turns)], 1.5),
                ("I/O-bound: 20 clients x 50 requests, 5 ms each", [os.path.join(HERE, "io_bound.py")], 1.05)]
    print("python %s; CPU time (user+sys), best of %d, alternating" % (
        subprocess.run([a.python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                       text=True).stdout.strip(), a.rounds))
    before = None
    if a.before:  # a copy under a name of its own, so that its cached bytecode is its own
        before = os.path.join(tempfile.mkdtemp(), "recorder_before.py")
        with open(a.before) as src, open(before, "w") as dst:
            dst.write(src.read())
    for title, prog, goal in programs:
        runs = {"plain": [], "before": [], "recorded": [], "pure": [], "alone": [], "alone, pure": []}
        events = {}
        for _ in range(a.rounds):
            runs["plain"].append(cpu_of([a.python] + prog))
            if before:
                runs["before"].append(cpu_of([a.python, "-c", BOOTSTRAP, before, "--events", trace, "--limit",
                                              "4000000", "--"] + prog))
                events["before"] = sum(1 for _ in open(trace))
            runs["recorded"].append(cpu_of([a.loopscope, "run", prog[0], "--quiet", "--python", a.python, "--events",
                                            trace, "--limit", "4000000", "--"] + prog[1:]))
            events["recorded"] = sum(1 for _ in open(trace))
            if a.alone:  # as loopscope starts it (imported, --records-fd), the records dropped
                built = os.path.join(os.path.dirname(os.path.abspath(a.loopscope)), "loopscope_recorder.py")
                for k, extra in (("alone", {}), ("alone, pure", {"LOOPSCOPE_RECORDER_PURE": "1"})):
                    runs[k].append(cpu_of([a.python, "-c", BOOTSTRAP, built, "--records-fd", "3", "--limit", "4000000",
                                           "--"] + prog, dict(ENV, **extra), (3,)))
            if a.pure:
                runs["pure"].append(cpu_of([a.loopscope, "run", prog[0], "--quiet", "--python", a.python, "--events",
                                            trace, "--limit", "4000000", "--"] + prog[1:],
                                           dict(ENV, LOOPSCOPE_RECORDER_PURE="1")))
                events["pure"] = sum(1 for _ in open(trace))
        p, pm = min(runs["plain"]), statistics.median(runs["plain"])
        print("%s (goal <= %.2fx); best, and the median beside it" % (title, goal))
        print("  %-11s %6.3f s           median %6.3f s          (all: %s)" % (
            "plain", p, pm, " ".join("%.3f" % x for x in runs["plain"])))
        for k in ("before", "recorded", "pure", "alone", "alone, pure"):
            if runs[k]:
                r, rm = min(runs[k]), statistics.median(runs[k])
                print("  %-11s %6.3f s = %.2fx  median %6.3f s = %.2fx  %s  (all: %s)" % (
                    k, r, r / p, rm, rm / pm, "%d events" % events[k] if k in events else "",
                    " ".join("%.3f" % x for x in runs[k])))
    os.unlink(trace)


if __name__ == "__main__":
    main()
