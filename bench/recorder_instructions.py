#!/usr/bin/env python3
"""The CPython recorder's cost in instructions (callgrind's Ir), the steadiest
measure on a shared machine (docs/performance.md): instructions per sleep(0)
ping-pong step, unrecorded and recorded, as the difference of two runs
(TURNS and TURNS/2 turns: 3 x TURNS steps apart) so that start-up cancels.

The recorder runs as loopscope starts it (imported, `--records-fd`, its frames
going to /dev/null: loopscope's side is another process) with PYTHONHASHSEED=0
and its flushes made every 3000 records (FLUSH_RECORDS: from the loop's thread,
as an iteration starts) instead of every 10 ms: under valgrind's ~50x slowdown a
wall-clock period flushes a few records at a time and the figures swing with
it. The `--io` program (bench/io_bound.py) is given as a whole run.

A recorder with its C hot path built beside it (build/: CMake puts
_loopscope_recorder.*.so there) is measured with it and without it
(LOOPSCOPE_RECORDER_PURE=1).

    python3 bench/recorder_instructions.py [--python PATH] [--recorder PY ...] [--turns N]
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)

# Imports the recorder from its bytecode cache (as loopscope's bootstrap does)
# and makes its loop-thread flush fire by count instead of by the clock.
BOOTSTRAP = r"""
import os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
sys.pycache_prefix = os.path.join(os.path.expanduser('~/.cache'), 'loopscope', 'pycache-bench')
import importlib
m = importlib.import_module(os.path.basename(sys.argv[1])[:-3])
sys.pycache_prefix = None
del sys.path[0]
m.FLUSH_S = 1e6  # the writer thread never wakes; the loop's thread flushes every 3000 records
m.FLUSH_NS = 1 << 62
if hasattr(m, "FLUSH_RECORDS"):
    m.FLUSH_RECORDS = 3000
else:  # an older recorder: the select hook asks at every iteration (a Python call more per iteration)
    m.FLUSH_NS = 0
    flush = m.Writer.flush
    m.Writer.flush_from_loop = lambda self: len(self.q) >= 3000 and flush(self)
m.main(sys.argv[2:])
"""


def instructions(cmd, env, fds=None):
    out = tempfile.NamedTemporaryFile(suffix=".cg", delete=False).name
    subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + cmd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=fds or ())
    total = 0
    with open(out) as f:
        for line in f:
            m = re.match(r"(summary|totals):\s+(\d+)", line)
            if m:
                total = int(m.group(2))
    os.unlink(out)
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--recorder", action="append",
                    help="a loopscope_recorder.py to measure (repeatable; default: core/cpython's)")
    ap.add_argument("--turns", type=int, default=2000)
    ap.add_argument("--io", action="store_true", help="also bench/io_bound.py, whole runs")
    a = ap.parse_args()
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    recorders = a.recorder or [os.path.join(SRC, "core", "cpython", "loopscope_recorder.py")]
    copies = []  # (name, copy, environment)
    for i, r in enumerate(recorders):  # each under a name of its own, so that its cached bytecode is its own
        d = tempfile.mkdtemp()
        c = os.path.join(d, "recorder_%d.py" % i)
        with open(r) as src, open(c, "w") as dst:
            dst.write(src.read())
        accel = glob.glob(os.path.join(os.path.dirname(os.path.abspath(r)), "_loopscope_recorder.*.so"))
        for so in accel:  # its C hot path, as built beside it: measured with it and without
            os.symlink(so, os.path.join(d, os.path.basename(so)))
        name = os.path.relpath(r)
        if accel:
            copies.append((name + " (C hot path)", c, env))
            name += " (pure Python)"
        copies.append((name, c, dict(env, LOOPSCOPE_RECORDER_PURE="1")))
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 3)
    ping = os.path.join(HERE, "pingpong.py")
    steps = 3 * 2 * (a.turns - a.turns // 2)

    def per_step(pre, env=env):
        hi = instructions(pre + [ping, str(a.turns)], env, (3,))
        lo = instructions(pre + [ping, str(a.turns // 2)], env, (3,))
        return (hi - lo) / steps

    def recorded(c):
        return [a.python, "-c", BOOTSTRAP, c, "--records-fd", "3", "--limit", "100000000", "--"]
    for _, c, e in copies:  # once unmeasured: the bytecode cache
        subprocess.run(recorded(c) + [ping, "1"], env=e, check=True, stdout=subprocess.DEVNULL, pass_fds=(3,))
    base = per_step([a.python])
    print("ping-pong, instructions per step ((%d - %d turns) / %d steps):" % (a.turns, a.turns // 2, steps))
    print("  %-55s %7.1fk" % ("unrecorded", base / 1e3))
    for name, c, e in copies:
        x = per_step(recorded(c), e)
        print("  %-55s %7.1fk = %.2fx" % (name, x / 1e3, x / base))
    if a.io:
        io = os.path.join(HERE, "io_bound.py")
        b = instructions([a.python, io], env)
        print("io_bound.py, instructions of the whole run:")
        print("  %-55s %7.0f M" % ("unrecorded", b / 1e6))
        for name, c, e in copies:
            x = instructions(recorded(c) + [io], e, (3,))
            print("  %-55s %7.0f M = %.2fx" % (name, x / 1e6, x / b))


if __name__ == "__main__":
    main()
