#!/usr/bin/env python3
"""The CPython recorder (core/cpython/loopscope_recorder.py) on real programs:
what they print, their exit status, and the trace it writes, checked event by
event and loaded by loopscope's own loader (`loopscope view --check`).

Run by ctest (label `recorder`) as:
    python3 tests/recorder/test_recorder.py [-v]
Environment: LOOPSCOPE_BINARY (the built loopscope, for the loader and the
engine's runs), LOOPSCOPE_TEST_PYTHONS (more interpreters, separated by ':';
default: the pyenv 3.12/3.13 builds when present).
"""

import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "tools"))
from recorder_trace_diff import first_difference, normalized  # noqa: E402
RECORDER = os.path.join(SRC, "core", "cpython", "loopscope_recorder.py")
PROGRAMS = os.path.join(SRC, "tests", "programs")
REFERENCE = os.path.join(SRC, "tests", "reference")
BINARY = os.environ.get("LOOPSCOPE_BINARY", "")
PY = sys.executable
# The Debian packages (python3-aiohttp ...) install for Debian's python3.
DEBIAN_PY = "/usr/bin/python3"

KINDS = {"run.begin", "run.end", "loop.iter", "loop.poll", "ready.push", "ready.run", "task.new", "step.begin",
         "step.end", "task.done", "task.cancel", "timer.arm", "timer.fire", "timer.cancel", "io.wait", "io.done",
         "pool.submit", "pool.start", "pool.end", "block.begin", "block.end", "print", "task.unretrieved",
         "deadlock", "source", "truncated", "bookmark", "ready.cancel", "loop.close", "queue.put", "queue.get",
         "loop.abort"}
FN = {"task.step", "task.wakeup", "sleep.set_result", "gather.done_callback", "taskgroup.on_task_done",
      "timeout.on_timeout", "wait_for.release_waiter", "run_until_complete_cb", "io.callback", "pool.done",
      "callback", "waiter.set_result"}
ON = {"sleep", "task", "gather", "taskgroup", "wait_for", "timeout", "queue.get", "queue.put", "queue.join",
      "event.wait", "lock.acquire", "semaphore.acquire", "io.accept", "io.read", "io.write", "io.connect",
      "io.drain", "pool", "future", "yield"}


def has_modules(python, *mods):
    if not os.path.exists(python):
        return False
    return subprocess.run([python, "-c", "import " + ",".join(mods)], capture_output=True).returncode == 0


def extra_pythons():
    env = os.environ.get("LOOPSCOPE_TEST_PYTHONS")
    if env is not None:
        return [p for p in env.split(":") if p]
    found = []
    for v in ("3.12", "3.13"):
        found += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/%s.*/bin/python3" % v)))[-1:]
    return found


class Run:
    def __init__(self, proc, out, err, trace_path):
        self.rc = proc.returncode
        self.out = out
        self.err = err
        self.path = trace_path
        with open(trace_path, encoding="utf-8") as f:
            self.lines = f.read().split("\n")
        self.events = [json.loads(l) for l in self.lines if l]

    def of(self, kind):
        return [e for e in self.events if e["ev"] == kind]

    def task_names(self):
        """task id -> its name, from task.new."""
        return {e["task"]: e["name"] for e in self.of("task.new")}


class RecorderTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="loopscope-recorder-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers

    def record(self, program, *args, python=PY, duration=None, limit=None, stdin=None, cwd=None, timeout=300,
               recorder=RECORDER, env=None):
        trace = os.path.join(self.tmp, "trace-%d.jsonl" % len(os.listdir(self.tmp)))
        cmd = [python, recorder, "--events", trace]
        if duration is not None:
            cmd += ["--duration", str(duration)]
        if limit is not None:
            cmd += ["--limit", str(limit)]
        cmd += ["--", program] + list(args)
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=cwd or os.path.dirname(program),
                           timeout=timeout, env=dict(os.environ, **(env or {})))
        r = Run(p, p.stdout, p.stderr, trace)
        self.check_trace(r)
        return r

    def plain(self, program, *args, python=PY, stdin=None, cwd=None):
        return subprocess.run([python, program] + list(args), input=stdin, capture_output=True, text=True,
                              cwd=cwd or os.path.dirname(program), timeout=300)

    def check_trace(self, r):
        """The documented shape: seq 0.., t_ns never decreasing, whole lines, known kinds and names."""
        self.assertEqual(r.lines[-1], "", "the last line ends with a newline")
        t = 0
        for i, e in enumerate(r.events):
            self.assertEqual(e["seq"], i)
            self.assertGreaterEqual(e["t_ns"], t)
            t = e["t_ns"]
            self.assertIn(e["ev"], KINDS)
            if e["ev"] in ("ready.push", "ready.run"):
                self.assertIn(e["fn"], FN)
            if e["ev"] == "ready.push" and e["fn"] == "sleep.set_result":
                # a due timer's callback; call_soon'd, _set_result_unless_cancelled completes another
                # waiter (a transport's): the view would tell of a sleep's timer
                self.assertEqual(e["cause"], "timer", e)
            if e["ev"] == "step.end" and e["wait"] != "none":
                self.assertIn(e["on"], ON)
        if r.events:
            self.assertEqual(r.events[0]["ev"], "run.begin")
            self.assertEqual(r.events[0]["engine"], "cpython")
        self.check_handles_end(r)
        self.check_left(r)

    def check_left(self, r):
        """A ready.run's `left` is how many handles of its iteration's part of the
        queue are still in it: _run_once runs each of them after it, but for a
        handle cancelled meanwhile (its ready.cancel), which it pops and skips.
        A cancelled handle it skips later is not counted (unless a signal or a
        crash ends the program inside an iteration)."""
        if any(e["ev"] == "run.end" and e.get("how") not in (None, "return", "exception") for e in r.events):
            return
        pushed = {}  # (loop, handle) -> its push's seq
        first = {}   # (loop, iteration) -> the seq of its first ready.run
        runs = {}    # (loop, iteration) -> [[left, this part's handles cancelled after it], ...]
        it = {}      # loop -> its current iteration
        for e in r.events:
            lp = e["loop"]
            if e["ev"] == "loop.iter":
                it[lp] = e["it"]
            elif e["ev"] == "ready.push":
                pushed[lp, e["handle"]] = e["seq"]
            elif e["ev"] == "ready.run":
                first.setdefault((lp, e["it"]), e["seq"])
                runs.setdefault((lp, e["it"]), []).append([e["left"], 0])
            elif e["ev"] == "ready.cancel" and (lp, it.get(lp)) in runs:
                key = (lp, it[lp])
                if pushed[lp, e["handle"]] < first[key]:
                    for run in runs[key]:
                        run[1] += 1
        for key, es in runs.items():
            self.assertEqual([left for left, _ in es], [len(es) - 1 - i + c for i, (_, c) in enumerate(es)],
                             "loop %d iteration %d" % key)

    def check_handles_end(self, r):
        """Every handle pushed leaves the ready queue once: it runs, is cancelled
        there (ready.cancel: _run_once skips it), or is still queued when its loop
        closes (loop.close counts it in `dropped`). Every timer armed fires, is
        cancelled, or is counted in loop.close's `timers`."""
        queued = {}  # loop -> handle ids pushed and not yet gone
        armed = {}   # loop -> timers armed, not yet fired or cancelled
        for e in r.events:
            q = queued.setdefault(e["loop"], set())
            t = armed.setdefault(e["loop"], set())
            if e["ev"] == "timer.arm":
                t.add(e["timer"])
            elif e["ev"] in ("timer.fire", "timer.cancel"):
                self.assertIn(e["timer"], t, e)
                t.discard(e["timer"])
            elif e["ev"] == "ready.push":
                self.assertNotIn(e["handle"], q, e)
                q.add(e["handle"])
            elif e["ev"] == "ready.cancel":
                self.assertIn(e["handle"], q, e)
                q.discard(e["handle"])
            elif e["ev"] == "ready.run":
                q.discard(e["handle"])
            elif e["ev"] == "loop.close":
                self.assertEqual(e["dropped"], len(q), "the handles queued at close: %s" % sorted(q))
                self.assertEqual(e["timers"], len(t), "the timers armed at close: %s" % sorted(t))
                q.clear()
                t.clear()

    def loads(self, path):
        """loopscope's own loader (no window) accepts the trace."""
        if not BINARY:
            sys.stderr.write("(LOOPSCOPE_BINARY is not set: %s not checked with the C++ loader)\n" % path)
            return
        p = subprocess.run([BINARY, "view", "--check", path], capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)

    def program(self, name, text):
        """A program written for one test, in its temporary directory."""
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def scaled_copy(self, name, scale):
        """A reference program with every fractional delay multiplied: iteration
        numbers depend only on the order of timers, and wide gaps keep a busy
        machine from merging two timers into one poll."""
        return self.scaled_program(os.path.join(REFERENCE, name), scale, self.tmp)

    def scaled_program(self, path, scale, into=None):
        """The same for one of tests/programs: its directory's .py files (a program
        of two files imports the other) copied with their delays multiplied."""
        src = os.path.dirname(path)
        if into is None:
            into = os.path.join(self.tmp, "scaled-%d" % len(os.listdir(self.tmp)))
            os.makedirs(into)
        names = [os.path.basename(path)] if src in (REFERENCE, PROGRAMS) else \
            [n for n in os.listdir(src) if n.endswith(".py")]
        for n in names:
            with open(os.path.join(src, n)) as f:
                text = f.read()
            text = re.sub(r"(?<![\w.])(\d*\.\d+)", lambda m: "(%s*%d)" % (m.group(1), scale), text)
            with open(os.path.join(into, n), "w") as f:
                f.write(text)
        return os.path.join(into, os.path.basename(path))

    # -- the reference programs

    def check_reference(self, name, python=PY):
        with open(os.path.join(REFERENCE, name.replace(".py", ".expected"))) as f:
            expected = f.read().splitlines()
        r = self.record(self.scaled_copy(name, 20), python=python)
        self.assertEqual(r.rc, 0, r.err)
        # The reference programs print plain lines; .expected adds "[it N] ", counted
        # from outside (tests/reference/iterations.py). The trace's `it` must be that count.
        want = [(int(m.group(1)), m.group(2)) for m in (re.match(r"\[it\s*(\d+)\] (.*)$", l) for l in expected)]
        prints = r.of("print")
        self.assertEqual([p["text"] for p in prints], r.out.splitlines())
        its = [p["it"] for p in prints]
        self.assertEqual(its, sorted(its))
        # TaskGroup cancels its children in set order on 3.11: compare each iteration's lines as a set.
        self.assertEqual(sorted((p["it"], p["text"]) for p in prints), sorted(want))
        return r

    def test_gather_demo_recorded_prints_what_cpython_prints_with_the_same_iteration_numbers(self):
        r = self.check_reference("gather_demo.py")
        self.assertEqual(r.events[0]["entry"], "asyncio.run")
        fns = {e["fn"] for e in r.of("ready.run")}
        self.assertTrue({"task.step", "task.wakeup", "sleep.set_result", "gather.done_callback",
                         "run_until_complete_cb"} <= fns, fns)
        self.assertIn("gather", {e.get("on") for e in r.of("step.end")})
        self.assertIn("cancelled", {e["outcome"] for e in r.of("task.done")})
        self.loads(r.path)

    def test_taskgroup_demo_recorded_prints_what_cpython_prints_with_the_same_iteration_numbers(self):
        r = self.check_reference("taskgroup_demo.py")
        self.assertIn("taskgroup.on_task_done", {e["fn"] for e in r.of("ready.run")})
        self.assertIn("taskgroup", {e.get("on") for e in r.of("step.end")})
        self.assertTrue(r.of("task.cancel"))
        self.loads(r.path)

    def test_the_engine_prints_the_same_lines_in_the_same_iterations_as_the_recorded_program(self):
        if not BINARY:
            self.skipTest("LOOPSCOPE_BINARY is not set")
        for name, scenario in (("gather_demo.py", "gather-errors"), ("taskgroup_demo.py", "taskgroup-cancel")):
            rec = self.check_reference(name)
            engine = os.path.join(self.tmp, scenario + ".jsonl")
            p = subprocess.run([BINARY, "run", scenario, "--scale", "20", "--quiet", "--events", engine],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(engine) as f:
                eng = [json.loads(l) for l in f if l.strip()]
            pairs = lambda evs: sorted((e["it"], e["text"]) for e in evs if e["ev"] == "print")
            self.assertEqual(pairs(eng), pairs(rec.events), scenario)

    def test_the_reference_programs_record_alike_on_each_newer_python(self):
        pythons = extra_pythons()
        if not pythons:
            self.skipTest("no Python 3.12/3.13 found (set LOOPSCOPE_TEST_PYTHONS)")
        for py in pythons:
            with self.subTest(python=py):
                for name in ("gather_demo.py", "taskgroup_demo.py"):
                    r = self.check_reference(name, python=py)
                    self.assertTrue(r.events[0]["python"].startswith(("3.12", "3.13", "3.14")))

    def test_an_eager_task_on_3_12_and_later_has_its_first_step_inside_create_task_with_no_push(self):
        pythons = extra_pythons()
        if not pythons:
            self.skipTest("no Python 3.12/3.13 found (set LOOPSCOPE_TEST_PYTHONS)")
        for py in pythons:
            with self.subTest(python=py):
                r = self.record(os.path.join(PROGRAMS, "eager_tasks.py"), python=py)
                self.assertEqual(r.out, "child 1 starts eagerly\nafter create_task\nchild 1 done\n1\n")
                child_pushes = [e for e in r.of("ready.push") if e["task"] == 1 and e["fn"] == "task.step"]
                self.assertEqual(child_pushes, [])
                first = [e for e in r.events if e["ev"] == "step.begin" and e["task"] == 1][0]
                self.assertEqual(first["it"], 1)
                self.loads(r.path)

    # -- the two outputs: the recorder's own JSON and loopscope's from its compact records

    def via_loopscope(self, program, *args, limit=None, cwd=None, env=None):
        trace = os.path.join(self.tmp, "via-%d.jsonl" % len(os.listdir(self.tmp)))
        cmd = [BINARY, "run", program, "--quiet", "--python", PY, "--events", trace]
        if limit is not None:
            cmd += ["--limit", str(limit)]
        p = subprocess.run(cmd + ["--"] + list(args), capture_output=True, text=True, timeout=300,
                           cwd=cwd or os.path.dirname(program), env=dict(os.environ, **(env or {})))
        r = Run(p, p.stdout, p.stderr, trace)
        self.check_trace(r)
        return r

    def recorded_both_ways(self, program):
        """The recorder alone (--events) and through `loopscope run` (its records), where built."""
        return [self.record(program)] + ([self.via_loopscope(program)] if BINARY else [])

    def recorded_as_python3(self, program):
        """recorded_both_ways, each run with the exit status and output `python3 program` gives."""
        p = self.plain(program)
        runs = self.recorded_both_ways(program)
        for r in runs:
            self.assertEqual((r.rc, r.out), (p.returncode, p.stdout))
        return runs

    def test_loopscope_turns_the_compact_records_into_the_same_trace_the_recorder_writes_itself(self):
        """`loopscope run` (--records-fd: marshalled records, formatted in C++) and the recorder
        alone (--events: formatted in Python) give the same events with the same fields in the
        same order, apart from time stamps and durations; a capped trace too."""
        if not BINARY:
            self.skipTest("LOOPSCOPE_BINARY is not set")
        cases = self.compared_programs([(os.path.join(PROGRAMS, "two_files", "main.py"), 20)])
        for prog, args, limit in cases:
            with self.subTest(program=os.path.relpath(prog, SRC) if prog.startswith(SRC) else prog):
                own = self.record(prog, *args, limit=limit)
                via = self.via_loopscope(prog, *args, limit=limit)
                if limit:
                    self.assertEqual([e["ev"] for e in via.events[-2:]], ["truncated", "run.end"])
                self.assertAlike(own, via, limit)

    def compared_programs(self, more):
        """(program, args, limit) recorded two ways and compared: gather_demo and tests/programs'
        two_files_fail, run_twice and loop_34_style with their delays scaled 20x (two real runs
        are compared: a busy machine must not merge two timers into one poll in one run and not
        in the other), `more` ((path, scale): scale None for a program without delays), raises,
        long_texts, and a flood capped at its limit."""
        scaled = [(os.path.join(PROGRAMS, n), 20) for n in ("two_files_fail/main.py", "run_twice.py",
                                                            "loop_34_style.py")]
        return ([(self.scaled_copy("gather_demo.py", 20), (), None)] +
                [(self.scaled_program(p, k) if k else p, (), None) for p, k in more + scaled] +
                [(os.path.join(PROGRAMS, "bad", "raises.py"), (), None),
                 (os.path.join(PROGRAMS, "bad", "long_texts.py"), (), None),
                 (os.path.join(PROGRAMS, "bad", "flood.py"), ("3000",), 5000)])

    def assertAlike(self, one, other, limit):
        """Two recordings of one program: the same exit status and output, and alike traces."""
        self.assertEqual((other.rc, other.out), (one.rc, one.out))
        self.assertGreater(len(one.events), 3)
        a, b = normalized(one.path), normalized(other.path)
        if limit:
            # The hooks turn off when the writer meets the limit, which is a matter of when it
            # flushes: the iteration run.end names is the last one recorded.
            for e in (a[-1], b[-1]):
                e.pop("it")
        self.assertIsNone(first_difference(a, b))

    def test_the_c_hot_path_and_the_python_hooks_record_the_same_trace(self):
        """core/cpython/_loopscope_recorder.c takes the hooks' common case and hands the rest to
        the Python hooks: with it and without it (LOOPSCOPE_RECORDER_PURE=1) the recorder built
        beside loopscope writes the same events, alone (--events) and through loopscope's
        records; a capped trace too."""
        built = os.path.join(os.path.dirname(BINARY), "loopscope_recorder.py") if BINARY else ""
        if not built or not glob.glob(os.path.join(os.path.dirname(built), "_loopscope_recorder.*.so")):
            self.skipTest("no C hot path built beside LOOPSCOPE_BINARY (python3-dev missing?)")
        if os.environ.get("LOOPSCOPE_RECORDER_PURE"):
            self.skipTest("LOOPSCOPE_RECORDER_PURE is set: the C hot path is off in this run")
        probe = "import sys; sys.path.insert(0, sys.argv[1]); import loopscope_recorder as m; print(m._C is not None)"
        self.assertEqual(subprocess.run([PY, "-c", probe, os.path.dirname(built)], capture_output=True,
                                        text=True).stdout.strip(), "True", "the recorder imports its C hot path")
        pure = {"LOOPSCOPE_RECORDER_PURE": "1"}
        cases = self.compared_programs([(os.path.join(PROGRAMS, "hot_path.py"), None),
                                        (os.path.join(PROGRAMS, "socket_pair.py"), None),
                                        # taskgroup_demo's three siblings are cancelled in set
                                        # order: by address, which the two ways need not share.
                                        (os.path.join(PROGRAMS, "taskgroup_one_sibling.py"), 20),
                                        # cancels the C path sees at a step's end, a cancelled future's
                                        # wakeup, SystemExit out of a step the C path ran
                                        (os.path.join(PROGRAMS, "self_cancel.py"), 5),
                                        (os.path.join(PROGRAMS, "future_cancel.py"), 5),
                                        (os.path.join(PROGRAMS, "sys_exit_in_task.py"), 5),
                                        # the chain walk through async for's asend into the generator
                                        (os.path.join(PROGRAMS, "async_generator.py"), None),
                                        # cancel, uncancel, cancel again: the count the C path reads
                                        (os.path.join(PROGRAMS, "timeout_retry.py"), None),
                                        # `via`: a wait inside start_server / asyncio.wait, a bare yield's too
                                        (os.path.join(PROGRAMS, "create_server_inside.py"), None)])
        for prog, args, limit in cases:
            with self.subTest(program=os.path.relpath(prog, SRC) if prog.startswith(SRC) else prog):
                self.assertAlike(self.record(prog, *args, limit=limit, recorder=built),
                                 self.record(prog, *args, limit=limit, recorder=built, env=pure), limit)

    # -- programs written for the recorder

    def test_a_program_of_two_files_has_both_files_and_steps_in_each(self):
        r = self.record(os.path.join(PROGRAMS, "two_files", "main.py"))
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, self.plain(os.path.join(PROGRAMS, "two_files", "main.py")).stdout)
        self.assertEqual(sorted(e["file"] for e in r.of("source")), ["helper.py", "main.py"])
        self.assertIn("helper.py", {e.get("file") for e in r.of("step.end")})
        helper_prints = [e for e in r.of("print") if e.get("file") == "helper.py"]
        self.assertEqual(len(helper_prints), 4)
        self.assertTrue(all(e["task"] is not None and e["line"] > 0 for e in helper_prints))
        self.loads(r.path)

    def test_the_recorders_bytecode_is_cached_under_dontwritebytecode_and_the_programs_is_not(self):
        """PYTHONDONTWRITEBYTECODE is the program's: its modules get no __pycache__; the
        recorder's own cache (under XDG_CACHE_HOME/loopscope) is written all the same."""
        if not BINARY:
            self.skipTest("LOOPSCOPE_BINARY is not set: the bootstrap is loopscope's")
        prog = os.path.join(self.tmp, "prog")
        shutil.copytree(os.path.join(PROGRAMS, "two_files"), prog)
        cache = os.path.join(self.tmp, "cache")
        r = self.via_loopscope(os.path.join(prog, "main.py"),
                               env={"XDG_CACHE_HOME": cache, "PYTHONDONTWRITEBYTECODE": "1"})
        self.assertEqual(r.rc, 0, r.err)
        cached = [n for _, _, files in os.walk(cache) for n in files]
        self.assertTrue(any(re.match(r"loopscope_recorder\.cpython-\d+\.pyc$", n) for n in cached), cached)
        self.assertEqual(sorted(os.listdir(prog)), ["helper.py", "main.py"])

    def test_a_handle_cancelled_in_the_queue_and_those_left_at_close_are_recorded_as_never_run(self):
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "dropped_handles.py")):
            runs = {e["handle"] for e in r.of("ready.run")}
            cancelled = r.of("ready.cancel")
            self.assertEqual(len(cancelled), 1)
            self.assertIn("never", cancelled[0]["label"])
            self.assertNotIn(cancelled[0]["handle"], runs)
            close = r.of("loop.close")
            self.assertEqual([(e["dropped"], e["timers"]) for e in close], [(1, 1)])
            self.assertEqual(r.events[-1]["ev"], "run.end")
            self.assertLess(r.events.index(close[0]), len(r.events) - 1)
            left = [e for e in r.of("ready.push") if e["handle"] not in runs and e != cancelled[0]
                    and e["handle"] != cancelled[0]["handle"]]
            self.assertEqual([e["label"] for e in left], ["ticker"])
            self.loads(r.path)

    def test_a_cancelled_timer_moved_to_the_queue_and_a_replaced_reader_leave_no_handle_behind(self):
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "replaced_handles.py")):
            # check_trace's books: every push ran, was cancelled, or was dropped at close
            labels = [e["label"] for e in r.of("ready.push")]
            self.assertNotIn("second", labels)  # cancelled before it was due: no push
            self.assertNotIn("NoneType", labels)
            self.assertEqual([e["label"] for e in r.of("ready.cancel")], ["reader_one"])
            self.assertEqual(len(r.of("timer.cancel")), 1)
            waits, dones = r.of("io.wait"), r.of("io.done")
            self.assertEqual(sorted(e["op"] for e in waits), sorted(e["op"] for e in dones))
            self.loads(r.path)

    def test_a_queue_s_items_enter_and_leave_with_their_task_and_size(self):
        """queue.put / queue.get for every item that entered or left an asyncio.Queue (a
        LifoQueue's, a PriorityQueue's): each print says what its step just put or got and
        the size after, so the queue events are the prints' own order, items and sizes; a
        put_nowait from a plain callback has no task, nor has the item put before the loop
        ran; a full or empty queue's refusal writes nothing; replayed, every get takes an
        item that was put and each queue ends empty. Delays scaled 10x: a busy machine must
        not reorder the producer and the workers."""
        prog = self.scaled_program(os.path.join(PROGRAMS, "queue_workers.py"), 10)
        said = re.compile(r"(\w+): (\w+) (put|got) (.+) size (\d+)$")
        plain = self.plain(prog)
        self.assertEqual(plain.returncode, 0, plain.stderr)
        runs = [(PY, r) for r in self.recorded_both_ways(prog)] + \
            [(py, self.record(prog, python=py)) for py in extra_pythons()]
        for py, r in runs:
            with self.subTest(python=py, trace=os.path.basename(r.path)):
                self.assertEqual((r.rc, r.out), (0, plain.stdout))
                ids = {}    # the program's name for a queue -> its id in the trace
                tasks = {}  # a print's `who` -> the task of its events
                prints = [e for e in r.events if e["ev"] == "print" and said.match(e["text"])]
                queued = [e for e in r.events if e["ev"] in ("queue.put", "queue.get")]
                self.assertEqual(len(queued), len(prints))
                for e, p in zip(queued, prints):
                    who, name, verb, item, size = said.match(p["text"]).groups()
                    # The print comes in the same step, after its event and before any other's; an
                    # item put before the loop ran is written as the loop first sees its queue.
                    if who == "module":
                        self.assertEqual((e["seq"], e["it"]), (queued[1]["seq"] - 1, queued[1]["it"]))
                    else:
                        self.assertEqual(e["it"], p["it"], p["text"])
                        self.assertLess(e["seq"], p["seq"])
                    self.assertEqual((e["ev"], e["queue"], e["item"], e["size"]),
                                     ("queue." + verb.replace("got", "get"), ids.setdefault(name, len(ids)),
                                      item, int(size)), p["text"])
                    self.assertEqual(e["task"], p["task"])
                    self.assertEqual(tasks.setdefault(who, e["task"]), e["task"], who)
                    self.assertEqual(e["maxsize"], 2 if name == "jobs" else 0)
                self.assertEqual(ids, {"jobs": 0, "stack": 1, "ranked": 2})
                # Which item get() takes: a FIFO's events have no order, a LifoQueue's and a PriorityQueue's say it.
                self.assertEqual({e["queue"]: e.get("order") for e in queued}, {0: None, 1: "lifo", 2: "priority"})
                self.assertIsNone(tasks["callback"])  # call_soon'd: no task runs it
                self.assertIsNone(tasks["module"])
                self.assertEqual(tasks["producer"], tasks["main"])  # main awaits producer(): one task
                self.assertEqual(len({tasks[w] for w in ("main", "w0", "w1")}), 3)
                self.assertIn("queue.put", {e.get("on") for e in r.of("step.end")})  # the producer met it full
                # Replayed: a get takes an item that is in the queue (a LifoQueue's last, a
                # PriorityQueue's least), and the size is what is left.
                held = {}
                for e in queued:
                    items = held.setdefault(e["queue"], [])
                    if e["ev"] == "queue.put":
                        items.append(e["item"])
                    else:
                        self.assertIn(e["item"], items, e)
                        items.remove(e["item"])
                    self.assertEqual(len(items), e["size"], e)
                self.assertEqual(held, {0: [], 1: [], 2: []})
                self.assertEqual([e["item"] for e in queued if e["queue"] == 1 and e["ev"] == "queue.get"],
                                 ["'b'", "'a'"])
                self.loads(r.path)

    def test_a_loop_driven_in_the_3_4_style_is_recorded_with_its_own_entry(self):
        prog = os.path.join(PROGRAMS, "loop_34_style.py")
        r = self.record(prog)
        self.assertEqual((r.rc, r.out), (0, self.plain(prog).stdout))
        self.assertEqual(r.events[0]["entry"], "run_until_complete")
        # The task's first step runs in iteration 1; each sleep(0) yields to the next iteration.
        steps = [e for e in r.of("step.begin")]
        self.assertEqual([e["it"] for e in steps], [1, 2, 3, 4])
        self.assertEqual([e["wait"] for e in r.of("step.end")], ["yield", "yield", "yield", "none"])
        self.loads(r.path)

    def test_an_await_inside_asyncio_timeout_is_on_timeout_and_outside_it_is_not(self):
        prog = self.program("deadline.py",
                            "import asyncio\n"
                            "async def main():\n"
                            "    await asyncio.sleep(0.01)\n"                # no block: sleep
                            "    async with asyncio.timeout(5):\n"
                            "        await asyncio.sleep(0.01)\n"            # deadline armed: timeout
                            "        await asyncio.sleep(0)\n"               # a bare yield stays yield
                            "    async with asyncio.timeout(None):\n"
                            "        await asyncio.sleep(0.01)\n"            # no deadline: sleep
                            "    try:\n"
                            "        async with asyncio.timeout(0.01):\n"
                            "            await asyncio.sleep(1)\n"           # cancelled by the deadline: timeout
                            "    except TimeoutError:\n"
                            "        print('timed out')\n"
                            "    await asyncio.sleep(0.01)\n"                # after the block: sleep again
                            "asyncio.run(main())\n")
        r = self.record(prog)
        self.assertEqual((r.rc, r.out), (0, "timed out\n"), r.err)
        ons = [(e["line"], e["on"]) for e in r.of("step.end") if e["wait"] != "none"]
        self.assertEqual(ons, [(3, "sleep"), (5, "timeout"), (6, "yield"), (8, "sleep"), (11, "timeout"), (14, "sleep")])
        self.assertTrue(all(e["wait"] == "sleep" for e in r.of("step.end") if e.get("on") == "timeout"))
        self.loads(r.path)

    def test_a_task_method_scheduled_with_call_soon_is_a_plain_callback_not_a_step_of_the_task(self):
        prog = self.program("cancel_soon.py",
                            "import asyncio\n"
                            "async def sleeper():\n"
                            "    try:\n"
                            "        await asyncio.sleep(5)\n"
                            "    except asyncio.CancelledError:\n"
                            "        print('cancelled')\n"
                            "        raise\n"
                            "async def main():\n"
                            "    t = asyncio.create_task(sleeper(), name='sleeper')\n"
                            "    await asyncio.sleep(0)\n"
                            "    asyncio.get_running_loop().call_soon(t.cancel)\n"
                            "    try:\n"
                            "        await t\n"
                            "    except asyncio.CancelledError:\n"
                            "        print('main saw it')\n"
                            "asyncio.run(main())\n")
        r = self.record(prog)
        self.assertEqual((r.rc, r.out), (0, "cancelled\nmain saw it\n"), r.err)
        pushes = [e for e in r.of("ready.push") if e["label"] == "Task.cancel"]
        self.assertEqual(len(pushes), 1, [e["label"] for e in r.of("ready.push")])
        self.assertEqual((pushes[0]["fn"], pushes[0]["task"], pushes[0]["cause"]), ("callback", None, "call_soon"))
        # What Task.cancel does next: the sleeper's pending sleep is cancelled, and its
        # wakeup throws CancelledError into it.
        sleeper = next(e["task"] for e in r.of("task.new") if e["name"] == "sleeper")
        thrown = [e.get("thrown") for e in r.of("step.begin") if e["task"] == sleeper]
        self.assertEqual(thrown, [None, "CancelledError"])
        self.assertEqual([e["outcome"] for e in r.of("task.done") if e["task"] == sleeper], ["cancelled"])
        self.loads(r.path)

    def test_a_task_in_async_for_suspends_at_the_generators_await_not_at_the_async_for(self):
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "async_generator.py")):
            waits = [e for e in r.of("step.end") if e["task"] == 0 and e["wait"] != "none"]
            self.assertEqual(len(waits), 3)
            for e in waits:  # ticks()'s await asyncio.sleep, seen through the asend that async for awaits
                self.assertEqual((e["line"], e["wait"], e.get("on")), (9, "sleep", "sleep"))
            self.loads(r.path)

    def test_a_wait_inside_an_asyncio_call_of_the_line_names_that_call_as_via(self):
        """create_server's own `await sleep(0)` and gather(), asyncio.wait's own future: the line
        awaited asyncio.start_server / asyncio.wait, not those; step.end's `via` names the call.
        The line's own waits (open_connection, readline, drain, async with a lock) have none."""
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "create_server_inside.py")):
            main = [(e["line"], e["wait"], e.get("on"), e.get("via")) for e in r.of("step.end") if e["task"] == 0]
            self.assertEqual(main, [(27, "gather", "gather", "asyncio.start_server"),
                                    (27, "yield", "yield", "asyncio.start_server"),
                                    (29, "future", "future", "asyncio.wait"), (33, "none", None, None)])
            vias = {(e["line"], e.get("on"), e.get("via")) for e in r.of("step.end") if e["task"] != 0}
            self.assertEqual({v for v in vias if v[2]}, {(14, "future", "StreamWriter.wait_closed"),
                                                          (22, "future", "StreamWriter.wait_closed")})
            self.assertIn((18, "io.connect", None), vias)
            self.assertIn((10, "io.read", None), vias)
            self.loads(r.path)

    def test_a_task_that_cancels_itself_has_that_cancel_written_by_itself_before_its_step_ends(self):
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "self_cancel.py")):
            names = r.task_names()
            for name, returned in (("job", True), ("yields_after", False)):
                with self.subTest(task=name):
                    tid = [t for t, n in names.items() if n == name][0]
                    cancels = [e for e in r.of("task.cancel") if e["task"] == tid]
                    self.assertEqual([e["by"] for e in cancels], [tid])  # cancel() of the running task: by itself
                    # written in the step that called it, before that step's end
                    at = r.events.index(cancels[0])
                    self.assertEqual((r.events[at + 1]["ev"], r.events[at + 1]["task"]), ("step.end", tid))
                    done = [e for e in r.of("task.done") if e["task"] == tid]
                    self.assertEqual(done[0]["outcome"], "cancelled")
                    # job's coroutine returned: Task.__step dropped the value; yields_after's raised CancelledError
                    self.assertEqual(done[0].get("returned", False), returned)
            self.loads(r.path)

    def test_a_future_the_program_cancels_wakes_its_waiter_with_future_cancelled_not_as_the_tasks_cancel(self):
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "future_cancel.py")):
            names = r.task_names()
            wakeups = {names[e["task"]]: e for e in r.of("ready.push") if e["fn"] == "task.wakeup"
                       and names[e["task"]] in ("w1", "w2")}
            self.assertEqual((wakeups["w1"]["cause"], wakeups["w1"].get("future_cancelled")), ("future", True))
            self.assertEqual((wakeups["w2"]["cause"], wakeups["w2"].get("future_cancelled")), ("cancel", None))
            self.assertEqual([names[e["task"]] for e in r.of("task.cancel")], ["w2"])  # nobody cancelled w1
            self.loads(r.path)

    def test_a_task_cancelled_again_after_uncancel_has_a_task_cancel_each_time(self):
        """asyncio.timeout cancels the task at its deadline and its __aexit__ uncancels it: the
        second timed-out attempt is a cancel() as the first was, written as one."""
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "timeout_retry.py")):
            self.assertEqual(r.out, "attempt 1 timed out\nattempt 2 timed out\nattempt 3 value 42\n")
            cancels = r.of("task.cancel")
            self.assertEqual([(e["task"], e["by"]) for e in cancels], [(0, None), (0, None)])  # by Timeout._on_timeout
            for e in cancels:  # each one before the wakeup it queues, which carries the same cause
                push = r.events[r.events.index(e) + 1]
                self.assertEqual((push["ev"], push["task"], push["cause"]), ("ready.push", 0, "cancel"))
            thrown = [e.get("thrown") for e in r.of("step.begin") if e["task"] == 0]
            self.assertEqual(thrown.count("CancelledError"), 2)
            self.loads(r.path)

    def test_a_thread_pool_job_that_raised_ends_with_raised_true(self):
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "executor_raises.py")):
            labels = {e["job"]: e["label"] for e in r.of("pool.submit")}
            self.assertEqual([(labels[e["job"]], e.get("raised")) for e in r.of("pool.end")],
                             [("add", None), ("read_config", True)])
            self.loads(r.path)

    def test_a_thread_pool_job_whose_future_was_cancelled_queues_its_callback_with_future_cancelled(self):
        """wait_for cancelled the job's asyncio future at its deadline; the job still ends, and
        _chain_future's _set_state, queued from the worker, will find that future cancelled."""
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "executor_cancelled.py")):
            done = [e for e in r.of("ready.push") if e["fn"] == "pool.done"]
            self.assertEqual([(e["cause"], e.get("future_cancelled")) for e in done], [("threadsafe", True)])
            self.assertEqual([e.get("raised") for e in r.of("pool.end")], [None])
            self.loads(r.path)

    def test_sys_exit_in_a_task_leaves_the_loop_with_loop_abort_before_asyncio_run_cancels_main(self):
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "sys_exit_in_task.py")):
            names = r.task_names()
            kinds = [e["ev"] for e in r.events]
            aborts = r.of("loop.abort")
            self.assertEqual([(names[e["task"]], e["error"]) for e in aborts], [("watchdog", "SystemExit(3)")])
            at = r.events.index(aborts[0])
            self.assertEqual(kinds[at - 2:at], ["step.end", "task.done"])  # the step's own end comes first
            self.assertEqual(r.events[at - 1]["error"], "SystemExit(3)")
            # then Runner.close() cancels main, in the same iteration, before the loop runs again
            self.assertEqual((kinds[at + 1], names[r.events[at + 1]["task"]]), ("task.cancel", "Task-1"))
            self.assertEqual(r.events[at + 1]["it"], aborts[0]["it"])
            self.loads(r.path)

    def test_a_systemexit_a_task_kept_prints_its_traceback_from_the_programs_first_frame(self):
        prog = self.program("exits.py",
                            "import asyncio, sys\n"
                            "async def watchdog():\n"
                            "    await asyncio.sleep(0)\n"
                            "    sys.exit(3)\n"
                            "async def main():\n"
                            "    asyncio.create_task(watchdog())\n"
                            "    await asyncio.sleep(1)\n"
                            "asyncio.run(main())\n")
        p = self.plain(prog)
        for r in self.recorded_both_ways(prog):
            self.assertEqual((r.rc, r.out), (p.returncode, p.stdout))
            self.assertEqual(r.rc, 3)
            # "Task exception was never retrieved" with the SystemExit's traceback: no recorder frame,
            # no runpy; where it starts depends on when the collector runs, as under python3
            self.assertIn("Task exception was never retrieved", r.err)
            self.assertIn("SystemExit: 3", r.err)
            self.assertNotIn("loopscope_recorder", r.err)
            self.assertNotIn("runpy", r.err)
            self.assertEqual(r.of("run.end")[-1]["exit_code"], 3)

    def test_asyncio_run_twice_gives_one_trace_whose_iterations_continue(self):
        r = self.record(os.path.join(PROGRAMS, "run_twice.py"))
        self.assertEqual(r.out, "run 1\nrun 2\n")
        self.assertEqual(len(r.of("run.begin")), 1)
        self.assertEqual({e["loop"] for e in r.events}, {0})
        p1, p2 = r.of("print")
        self.assertLess(p1["it"], p2["it"])
        self.assertEqual([e["task"] for e in r.of("task.new") if e["parent"] is None][:2], [0, 1])
        self.loads(r.path)

    def test_to_thread_work_runs_on_worker_lanes_and_returns_through_call_soon_threadsafe(self):
        r = self.record(os.path.join(PROGRAMS, "to_thread_work.py"))
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(len(r.of("pool.submit")), 3)
        self.assertEqual(len(r.of("pool.start")), 3)
        self.assertGreaterEqual(len({e["worker"] for e in r.of("pool.start")}), 2)
        self.assertIn("crunch", {e["label"] for e in r.of("pool.submit")})
        back = [e for e in r.of("ready.push") if e["fn"] == "pool.done"]
        self.assertEqual(len(back), 3)
        self.assertEqual({e["cause"] for e in back}, {"threadsafe"})
        self.assertIn("pool", {e.get("on") for e in r.of("step.end")})
        # time.sleep(0.15) on the loop: a blocking call and a slow step.
        self.assertTrue(any(e.get("slow") for e in r.of("step.end")))
        blocks = r.of("block.end")
        self.assertEqual(len(blocks), 1)
        self.assertGreaterEqual(blocks[0]["dur_ns"], 150_000_000)
        self.loads(r.path)

    def test_a_process_pool_gets_its_function_as_it_is_and_the_task_awaits_a_future(self):
        prog = os.path.join(PROGRAMS, "process_pool.py")
        for r in self.recorded_as_python3(prog):
            self.assertEqual(r.out, "25 [0, 1, 4, 9]\n")
            self.assertEqual([e for e in r.events if e["ev"].startswith("pool.")], [], "no thread here runs the work")
            self.assertIn("future", [e["wait"] for e in r.of("step.end") if e["task"] == 0])
            self.loads(r.path)

    def test_every_wait_on_a_unix_socket_names_its_path(self):
        prog = os.path.join(PROGRAMS, "unix_socket.py")
        for r in self.recorded_both_ways(prog):
            self.assertEqual((r.rc, r.out), (0, "STREAMS\nSOCK CALLS\n"))
            targets = [e["target"] for e in r.of("io.wait")]
            self.assertGreater(len(targets), 3)
            for t in targets:
                self.assertRegex(t, r"echo\.sock$")
            # each transport's connection waiter, queued by call_soon in its __init__: not a sleep's timer
            waiters = [e for e in r.of("ready.push") if e["label"] == "_set_result_unless_cancelled"]
            self.assertGreaterEqual(len(waiters), 2)
            self.assertEqual({e["fn"] for e in waiters}, {"waiter.set_result"})
            self.loads(r.path)

    def test_aiofiles_and_aiosqlite_work_and_their_threads_show(self):
        if not has_modules(DEBIAN_PY, "aiofiles", "aiosqlite"):
            self.skipTest("python3-aiofiles / python3-aiosqlite are not installed (scripts/deps.sh)")
        prog = os.path.join(PROGRAMS, "files_and_db.py")
        r = self.record(prog, python=DEBIAN_PY)
        self.assertEqual((r.rc, r.out), (0, "file says: hello from aiofiles\ndb says: ['SICP']\n"), r.err)
        self.assertTrue(r.of("pool.start"), "aiofiles runs in the default executor")
        causes = {e["cause"] for e in r.of("ready.push")}
        self.assertIn("threadsafe", causes)  # aiosqlite's own thread resolves futures
        self.loads(r.path)

    def test_aiohttp_and_httpx_clients_talk_to_a_local_server_and_their_sockets_show(self):
        if not has_modules(DEBIAN_PY, "aiohttp", "httpx"):
            self.skipTest("python3-aiohttp / python3-httpx are not installed (scripts/deps.sh)")
        r = self.record(os.path.join(PROGRAMS, "http_clients.py"), python=DEBIAN_PY)
        self.assertEqual((r.rc, r.out), (0, "aiohttp: hello aiohttp\nhttpx: hello httpx\n"), r.err)
        kinds = {e["kind"] for e in r.of("io.wait")}
        self.assertTrue({"accept", "read", "connect"} <= kinds, kinds)
        self.assertTrue(any(e["target"].startswith("127.0.0.1:") for e in r.of("io.wait")))
        self.assertIn("io.callback", {e["fn"] for e in r.of("ready.run")})
        self.loads(r.path)

    def test_a_server_answers_real_nc_and_curl_clients_and_stops_on_ctrl_c(self):
        for tool in ("nc", "curl"):
            if not shutil.which(tool):
                self.skipTest(tool + " is not installed (scripts/deps.sh)")
        portfile = os.path.join(self.tmp, "port")
        trace = os.path.join(self.tmp, "server.jsonl")
        prog = os.path.join(PROGRAMS, "echo_server.py")
        proc = subprocess.Popen([PY, RECORDER, "--events", trace, "--duration", "120", prog, portfile],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = proc.stdout.readline()  # "listening on PORT", flushed by the program
            self.assertTrue(first.startswith("listening on"), first)
            with open(portfile) as f:
                port = f.read().strip()
            nc = subprocess.run(["nc", "-q", "5", "127.0.0.1", port], input="hello\n", capture_output=True,
                                text=True, timeout=60)
            self.assertEqual(nc.stdout, "echo hello\n")
            curl = subprocess.run(["curl", "-s", "http://127.0.0.1:%s/" % port], capture_output=True, text=True,
                                  timeout=60)
            self.assertEqual(curl.stdout, "hi\n")
        finally:
            proc.send_signal(signal.SIGINT)  # Stop: what Ctrl-C does
            out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("KeyboardInterrupt", err)
        self.assertEqual(out.count("request from client"), 2)
        r = Run(proc, out, err, trace)
        self.check_trace(r)
        self.assertEqual(r.of("run.end")[-1]["how"], "sigint")
        accepts = [e for e in r.of("io.wait") if e["kind"] == "accept"]
        self.assertTrue(accepts and accepts[0]["target"] == "listen 127.0.0.1:" + port, accepts)
        self.assertTrue({"io.read", "io.drain"} & {e.get("on") for e in r.of("step.end")})
        handler_prints = [e for e in r.of("print") if e["text"].startswith("request from client")]
        self.assertEqual(len({e["task"] for e in handler_prints}), 2, "each client has its own task")
        self.loads(trace)

    def test_threads_and_subprocesses_run_as_usual(self):
        prog = os.path.join(PROGRAMS, "threads_and_subprocess.py")
        r = self.record(prog)
        self.assertEqual((r.rc, r.out), (0, self.plain(prog).stdout))
        thread_print = [e for e in r.of("print") if e["text"] == "thread says hi"]
        self.assertEqual(thread_print[0]["task"], None)
        # The child's stdout is a pipe, named as one (the view says "pipe", not "socket").
        self.assertIn("(the child's stdout)", {e["target"].split(" ", 3)[-1] for e in r.of("io.wait")})
        self.assertTrue(all(e["target"].startswith("pipe fd ") for e in r.of("io.wait")), r.of("io.wait"))
        self.loads(r.path)

    def test_a_handle_that_calls_a_hooked_asyncio_function_is_labelled_with_asyncios_name(self):
        """_UnixWritePipeTransport queues loop._add_reader with call_soon: the handle names
        BaseSelectorEventLoop._add_reader (an io.callback), not the recorder's wrapper; the
        program sees the hooked functions' own names, as under python3."""
        for r in self.recorded_as_python3(os.path.join(PROGRAMS, "subprocess_stdin.py")):
            self.assertIn("_add_reader BaseSelectorEventLoop._add_reader\n", r.out)
            labels = {e["label"] for e in r.events if e["ev"] in ("ready.push", "ready.run")}
            self.assertEqual([l for l in labels if "_install" in l or "<locals>.add" in l], [])
            adds = [e for e in r.of("ready.push") if e["label"] == "BaseSelectorEventLoop._add_reader"]
            self.assertEqual([(e["fn"], e["cause"]) for e in adds], [("io.callback", "call_soon")])
            self.loads(r.path)

    def test_the_program_sees_argv_main_path_and_stdin_as_under_python3(self):
        prog = os.path.join(self.tmp, "sub", "env_check.py")
        os.makedirs(os.path.dirname(prog))
        with open(prog, "w") as f:
            f.write("import asyncio, os, sys\n"
                    "async def main():\n"
                    "    line = await asyncio.to_thread(sys.stdin.readline)\n"
                    "    print(__name__, sys.argv, sys.path[0] == os.path.dirname(os.path.realpath(__file__)),"
                    " line.strip())\n"
                    "    print('to stderr', file=sys.stderr)\n"
                    "    sys.exit(3)\n"
                    "asyncio.run(main())\n")
        r = self.record(prog, "a", "b c", stdin="typed\n", cwd=self.tmp)
        p = self.plain(prog, "a", "b c", stdin="typed\n", cwd=self.tmp)
        self.assertEqual((r.rc, r.out, r.err), (p.returncode, p.stdout, p.stderr))
        self.assertEqual(r.rc, 3)
        self.assertEqual(r.of("run.end")[-1]["exit_code"], 3)

    # -- bad input

    def test_an_exception_gives_python3s_traceback_and_status_and_the_unretrieved_task_is_recorded(self):
        prog = os.path.join(PROGRAMS, "bad", "raises.py")
        r = self.record(prog, cwd=os.path.join(PROGRAMS, "bad"))
        p = self.plain(prog)
        self.assertEqual((r.rc, r.out, r.err), (p.returncode, p.stdout, p.stderr))
        self.assertEqual(r.of("run.end")[-1]["how"], "exception")
        self.assertEqual(len(r.of("task.unretrieved")), 1)
        self.assertEqual(r.events[-1]["ev"], "run.end")
        self.loads(r.path)

    def test_a_syntax_error_names_file_and_line(self):
        r = self.record("syntax_error.py", cwd=os.path.join(PROGRAMS, "bad"))
        self.assertEqual(r.rc, 1)
        self.assertIn("loopscope: syntax_error.py:4: syntax error: '(' was never closed", r.err)
        self.assertIn("SyntaxError", r.err)
        self.assertNotIn("no event loop ran", r.err)  # it never ran at all: the error says so
        self.loads(r.path)

    def test_as_completed_waits_on_a_future_not_on_the_programs_queue(self):
        prog = self.program("as_completed.py",
                            "import asyncio\n"
                            "async def job(d):\n"
                            "    await asyncio.sleep(d)\n"
                            "    return d\n"
                            "async def main():\n"
                            "    for fut in asyncio.as_completed([job(0.02), job(0.01)]):\n"
                            "        print(await fut)\n"
                            "asyncio.run(main())\n")
        r = self.record(prog)
        self.assertEqual((r.rc, r.out), (0, self.plain(prog).stdout))
        # as_completed's _wait_for_one awaits a Queue of its own: main waits on a future, not a queue.get.
        ons = [e.get("on") for e in r.events if e["ev"] == "step.end" and e["task"] == 0 and e["line"] == 7]
        self.assertEqual(ons, ["future", "future"])

    def test_a_condition_waiter_awaits_its_own_future_not_the_lock(self):
        r = self.record(os.path.join(PROGRAMS, "condition_and_done_gather.py"))
        self.assertEqual((r.rc, r.out), (0, self.plain(os.path.join(PROGRAMS, "condition_and_done_gather.py")).stdout))
        # Condition.wait releases the lock and awaits a future notify() sets: nobody holds the lock.
        ons = [e.get("on") for e in r.events if e["ev"] == "step.end" and e["line"] == 8]
        self.assertEqual(ons, ["future", "future"])

    def test_a_file_with_null_bytes_gets_python3s_own_words(self):
        prog = os.path.join(self.tmp, "binary.py")
        with open(prog, "wb") as f:
            f.write(b"\x7fELF\x02\x01\x01\x00\x00import asyncio\n")
        r = self.record("binary.py", cwd=self.tmp)
        plain = self.plain(prog)
        self.assertEqual(r.rc, plain.returncode)
        self.assertEqual(r.err.splitlines()[0], "loopscope: binary.py: syntax error: source code cannot contain null bytes")
        self.assertIn(plain.stderr.splitlines()[-1], r.err)  # python3's own SyntaxError line
        self.assertNotIn("no event loop ran", r.err)
        self.loads(r.path)

    def test_a_missing_file_exits_with_status_2(self):
        p = subprocess.run([PY, RECORDER, "--events", os.devnull, os.path.join(self.tmp, "nope.py")],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("nope.py: No such file or directory", p.stderr)

    def test_a_program_without_an_event_loop_keeps_its_output_and_says_no_loop_ran(self):
        r = self.record(os.path.join(PROGRAMS, "bad", "no_loop.py"))
        self.assertEqual((r.rc, r.out), (0, "just a plain script\n"))
        self.assertEqual(r.err.count("\n"), 1)
        self.assertIn("no event loop ran", r.err)
        self.assertEqual(r.events[0]["entry"], "none")
        self.loads(r.path)

    def test_an_interpreter_crash_leaves_a_trace_of_whole_lines(self):
        r = self.record(os.path.join(PROGRAMS, "bad", "crash.py"))
        self.assertEqual(r.rc, -signal.SIGABRT)
        self.assertEqual(r.out, "about to crash\n")
        self.assertNotIn("run.end", {e["ev"] for e in r.events})

    def test_texts_over_the_cap_are_cut_to_60000_bytes_of_utf8_and_the_trace_loads(self):
        prog = os.path.join(PROGRAMS, "bad", "long_texts.py")
        r = self.record(prog)
        self.assertEqual((r.rc, r.out), (0, self.plain(prog).stdout))
        texts = [e["text"] for e in r.of("print")] + [e["name"] for e in r.of("task.new")]
        cut = [t for t in texts if t.endswith("\u2026")]
        self.assertEqual(len(cut), 6, "five prints and the long name are cut")
        for t in cut:
            self.assertLessEqual(len(t[:-1].encode("utf-8")), 60_000)
            self.assertGreater(len(t[:-1].encode("utf-8")), 60_000 - 4, "cut at the last whole character")
        self.assertIn("\ufffd" * 1000, "".join(texts), "NULs become U+FFFD")
        self.loads(r.path)

    def test_a_program_that_ends_with_os_exit_keeps_its_trace_and_its_status(self):
        prog = os.path.join(PROGRAMS, "exits_early.py")
        for r in self.recorded_as_python3(prog):
            self.assertEqual(r.rc, 3)
            self.assertEqual([e["text"] for e in r.of("print")][:1], ["about to leave"])
            end = r.of("run.end")
            self.assertEqual(len(end), 1)
            self.assertEqual((end[0]["how"], end[0]["exit_code"], end[0]["error"]), ("return", 3, "os._exit(3)"))
            self.loads(r.path)

    def test_a_forked_child_runs_unrecorded_and_the_trace_is_the_parents_alone(self):
        prog = os.path.join(PROGRAMS, "forks.py")
        p = self.plain(prog)
        for r in self.recorded_both_ways(prog):
            self.assertEqual((r.rc, sorted(r.out.splitlines())), (p.returncode, sorted(p.stdout.splitlines())))
            self.assertEqual([e["ev"] for e in r.events].count("run.begin"), 1)
            self.assertEqual([e["text"] for e in r.of("print")], ["parent"])
            self.assertEqual([e["how"] for e in r.of("run.end")], ["return"])
            self.loads(r.path)

    def test_a_line_written_in_pieces_is_one_print_with_the_task_that_ended_it(self):
        prog = os.path.join(PROGRAMS, "print_pieces.py")
        for r in self.recorded_as_python3(prog):
            prints = r.of("print")
            self.assertEqual([e["text"] for e in prints], ["ab", "one", "two", "three", "from a thread", "tail"])
            main = r.of("task.new")[0]["task"]
            self.assertEqual([e["task"] for e in prints[:4]], [main] * 4)
            self.assertEqual(prints[4]["task"], None, "a thread's print belongs to no task")
            self.assertEqual((prints[0]["line"], prints[0]["file"]), (11, "print_pieces.py"))
            self.loads(r.path)

    def test_a_line_past_the_traces_largest_line_number_is_written_as_0_and_the_trace_loads(self):
        prog = os.path.join(self.tmp, "far_lines.py")
        with open(prog, "w") as f:  # main() at line 1,500,002: the trace holds lines up to 1,000,000
            f.write("import asyncio\n" + "\n" * 1_500_000 + "async def main():\n    print('far')\n"
                    "    await asyncio.sleep(0)\n\n\nasyncio.run(main())\n")
        for r in self.recorded_both_ways(prog):
            self.assertEqual((r.rc, r.out), (0, "far\n"))
            lines = [e["line"] for e in r.events if "line" in e]
            self.assertGreater(len(lines), 3)
            self.assertEqual(set(lines), {0})
            self.loads(r.path)

    def test_in_debug_mode_the_slow_callback_warnings_say_where_the_program_created_them(self):
        prog = os.path.join(PROGRAMS, "debug_mode.py")

        def warnings(err):  # their durations and deadlines differ from run to run
            return [re.sub(r"took [0-9.]+|when=[0-9.]+", "", l) for l in err.splitlines() if "Executing" in l]
        p = self.plain(prog)
        self.assertEqual(len(warnings(p.stderr)), 2, p.stderr)
        self.assertIn("created at %s:16" % prog, p.stderr)  # the timer; a task says asyncio/tasks.py
        for r in self.recorded_both_ways(prog):
            self.assertEqual((r.rc, r.out, warnings(r.err)), (p.returncode, p.stdout, warnings(p.stderr)))
            self.assertNotIn("loopscope_recorder", r.err)
            self.assertEqual(len([e for e in r.events if e["ev"] == "step.end" and e.get("slow")]), 1)
            self.loads(r.path)

    def test_a_task_renamed_after_its_first_step_keeps_its_first_name_in_task_new_whenever_that_is_written(self):
        """task.new's name is read when the record is written (create_task(name=) names a task
        after queuing its first step), but as it was at the task's first step: the trace is
        written while the renamed task is still alive (it was "renamed" when that happened)."""
        prog = os.path.join(PROGRAMS, "renamed_late.py")
        for r in self.recorded_both_ways(prog):
            self.assertEqual((r.rc, r.out), (0, "renamed\n"))
            self.assertEqual([e["name"] for e in r.of("task.new")][:2], ["Task-1", "first"])
            labels = [e["label"] for e in r.of("ready.run") if e["task"] == 1]
            self.assertEqual((labels[0], labels[-1]), ("first step", "renamed step"))

    def test_a_flood_of_tasks_caps_the_trace_with_a_truncation_event(self):
        r = self.record(os.path.join(PROGRAMS, "bad", "flood.py"), "20000", limit=30000)
        self.assertEqual(r.rc, 0)
        self.assertIn("flood done", r.out)
        self.assertIn("loopscope: the trace stopped at 30000 events", r.err)
        self.assertEqual([e["ev"] for e in r.events[-2:]], ["truncated", "run.end"])
        self.assertEqual(r.events[-2]["limit"], 30000)
        self.assertEqual(len(r.events), 30002)
        self.loads(r.path)

    def test_a_program_that_never_ends_is_stopped_by_duration_as_ctrl_c_would(self):
        r = self.record(os.path.join(PROGRAMS, "bad", "forever.py"), duration=0.6)
        self.assertEqual(r.rc, 130)
        self.assertIn("KeyboardInterrupt", r.err)
        end = r.of("run.end")[-1]
        self.assertEqual((end["how"], end["exit_code"]), ("duration", 130))
        self.assertIn("cancelled", {e["outcome"] for e in r.of("task.done")})
        self.loads(r.path)

    def test_a_python_older_than_3_11_gets_one_line_saying_what_is_needed(self):
        old = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10.*/bin/python3")))
        if not old:
            self.skipTest("no Python 3.10 on this machine")
        p = subprocess.run([old[-1], RECORDER, os.path.join(PROGRAMS, "run_twice.py")], capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 3)
        self.assertEqual(p.stderr.count("\n"), 1)
        self.assertIn("needs Python 3.11 or newer", p.stderr)

    def test_the_trace_is_written_while_the_program_runs(self):
        trace = os.path.join(self.tmp, "live.jsonl")
        proc = subprocess.Popen([PY, RECORDER, "--events", trace, "--duration", "60",
                                 os.path.join(PROGRAMS, "bad", "forever.py")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            seen = 0
            while time.monotonic() < deadline and seen < 20:
                time.sleep(0.1)
                if not os.path.exists(trace):
                    continue
                with open(trace) as f:
                    seen = sum(1 for l in f if '"ev":"loop.iter"' in l)
            self.assertGreaterEqual(seen, 20, "iterations appear in the file before the program ends")
            self.assertIsNone(proc.poll())
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)


if __name__ == "__main__":
    unittest.main()
