#!/usr/bin/env python3
"""loopscope's CPython recorder: runs a Python program as `python3 FILE.py`
would, on CPython's own asyncio event loop, and writes what that loop does as
a loopscope trace (JSON Lines, docs/trace-format.md).

    python3 loopscope_recorder.py [--events F.jsonl | --fd N | --records-fd N]
                                  [--duration S] [--limit N] [--] FILE.py [ARGS...]

--records-fd (loopscope's way) sends compact records that loopscope turns
into the same JSON Lines (the Writer class says how).

It never reimplements the loop: it wraps the points where CPython's own
`_run_once` calls out (the ready deque, Handle._run, the selector's select,
_process_events, call_at, the reader/writer registrations, run_in_executor,
create_task) and records around them, so the schedule stays CPython's.
docs/recorder.md says what each hook is for and where it differs.

Standard library only; Python 3.11+ (3.12 and 3.13 branches noted inline).
"""

import sys

if sys.version_info < (3, 11):
    sys.stderr.write("loopscope: the recorder needs Python 3.11 or newer (this is %d.%d); "
                     "pass one with --python PATH\n" % sys.version_info[:2])
    sys.exit(3)

import asyncio
import atexit
import asyncio.base_events
import asyncio.events
import asyncio.futures
import asyncio.runners
import asyncio.selector_events
import asyncio.tasks
import collections
import concurrent.futures
import dis
import functools
import gc
import json
import marshal
import operator
import os
import runpy
import signal
import socket
import threading
import time
import traceback
import types
import weakref

PY = sys.version_info
_deque_append = collections.deque.append
_Coroutine = types.CoroutineType
_Generator = types.GeneratorType


async def _agen():
    yield


_AsendType = type(_agen().asend(None))  # what `async for` awaits: the generator's next step


def _asend_gen(asend):
    """The async generator an asend awaitable steps (it exposes no attribute for it)."""
    for r in gc.get_referents(asend):
        if type(r) is types.AsyncGeneratorType:
            return r
    return None
_now = time.monotonic_ns
_get_ident = threading.get_ident
_get_running_loop = asyncio.events._get_running_loop

# The hot path's accelerator (core/cpython/_loopscope_recorder.c), built by
# loopscope for its own Python: used when this interpreter can import it.
_C = None
if not os.environ.get("LOOPSCOPE_RECORDER_PURE"):
    try:
        import _loopscope_recorder as _C
    except ImportError:
        pass

SLOW_NS = 100_000_000      # a step over 100 ms is slow (asyncio debug mode's slow_callback_duration)
FLUSH_S = 0.02             # the writer thread's period: a live view sees events within ~20 ms plus formatting (docs/performance.md)
FLUSH_NS = 10_000_000      # the loop's own thread writes what is queued at an iteration's start when this is due
FLUSH_RECORDS = 0          # ... or when this many records are queued (0: by time only; bench/recorder_instructions.py)
DEFAULT_LIMIT = 1_000_000  # events before the trace is capped with `truncated`
MAX_STRING = 60_000        # bytes of UTF-8: the loader refuses strings over 64 KiB
MAX_LINE = 1_000_000       # the trace's largest line number (docs/trace-format.md)


# [SECTION] Writer: events are queued as tuples and formatted in batches

_js_cache = {}


def _cut(s):
    """s, cut to at most MAX_STRING bytes of UTF-8 at a character's boundary, with an ellipsis."""
    b = s.encode("utf-8", "surrogatepass")
    if len(b) <= MAX_STRING:
        return s
    n = MAX_STRING
    while b[n] & 0xC0 == 0x80:  # not inside a character
        n -= 1
    return b[:n].decode("utf-8", "surrogatepass") + "\u2026"


def _quoted(s):
    """s as JSON text when nothing in it needs escaping (most prints, labels and names), else None."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s and len(s) <= MAX_STRING:
        return '"' + s + '"'
    return None


def _js(s):
    """A JSON string the loader accepts: no NUL, at most MAX_STRING bytes of UTF-8."""
    if s is None:
        return "null"
    if not isinstance(s, str):
        if isinstance(s, _Lazy):
            return str(s)
        s = str(s)
    if len(s) < 80:  # labels and names repeat: encode each once
        j = _js_cache.get(s)
        if j is None:
            if len(_js_cache) > 100_000:
                _js_cache.clear()
            j = _js_cache[s] = _quoted(s) or json.dumps(s.replace("\x00", "\ufffd"), ensure_ascii=False)
        return j
    j = _quoted(s)
    if j is not None:
        return j
    if "\x00" in s:
        s = s.replace("\x00", "\ufffd")
    if len(s) > MAX_STRING // 4:  # maybe over MAX_STRING bytes
        s = _cut(s)
    return json.dumps(s, ensure_ascii=False)


def _line(n):
    """A frame's line as the trace holds it: 0 (unknown) for none, or one past MAX_LINE."""
    return n if n and n <= MAX_LINE else 0


def _id(x):
    return "null" if x is None else str(x)


class _Lazy:
    """A task's name, read when the event is written: asyncio.create_task(name=...)
    names the task only after loop.create_task has queued its first step. It
    holds the task weakly: a queued event must not keep a task alive (its
    "exception was never retrieved" comes when it is collected)."""
    __slots__ = ("ref", "name", "auto", "suffix", "js")

    def __init__(self, task, suffix=""):
        self.suffix = suffix
        self.js = None
        self.set(task)

    def set(self, task):
        self.ref = weakref.ref(task) if task is not None else None
        self.auto = task.get_name() if task is not None else None
        self.name = _name_to_come(self.auto)

    def freeze(self):
        """Its name from now on is the one it has now (the task's first step has begun:
        create_task(name=) has named it), whenever its event is written."""
        str(self)
        self.ref = None

    def __str__(self):
        """The name as JSON text (so that a template's %s takes a _Lazy or an encoded str alike)."""
        t = self.ref() if self.ref is not None else None
        if t is not None:
            try:
                n = t.get_name()
                if n != self.name and n != self.auto:  # renamed (set_name), not yet named
                    self.name, self.js = n, None
            except Exception:
                pass
        if self.js is None:
            self.js = _js(str(self.name or "?") + self.suffix)
        return self.js


_NAMING_CODES = {asyncio.tasks.create_task.__code__, asyncio.taskgroups.TaskGroup.create_task.__code__}


def _name_to_come(auto):
    """The name a task is about to get. On 3.11 asyncio.create_task(name=) and
    TaskGroup.create_task(name=) name the task only after loop.create_task has
    queued its first step, and the writer thread may format task.new in between:
    so the name is read from their frame's argument, the same name every run.
    (3.12+ passes the name to Task() itself: no such frame then.)"""
    f = sys._getframe(1)
    for _ in range(12):  # up through task_id, the ready queue's append, call_soon, create_task
        if f is None:
            break
        if f.f_code in _NAMING_CODES:
            n = f.f_locals.get("name")
            return auto if n is None else str(n)
        f = f.f_back
    return auto


# [SECTION] Record kinds: one table serves both outputs
#
# A record is one flat tuple (kind, t, loop, it, *args). Its kind is a code into KINDS, whose
# entry is the event's JSON text after "ev": with a %s for each field: every
# arg is an int or JSON text (a str written as it is: "null", '"yield"', an
# encoded label). Variants of an event with fields present or absent (a
# step.end with "slow":true, a step.begin with a file) are kinds of their own,
# so a record never has optional fields. The writer either formats records
# itself (--events: `%` with HEAD + KINDS[kind]) or sends them as marshalled
# batches (--records-fd: loopscope's RecordStream fills the same templates,
# sent first, in C++; docs/recorder.md). The hot kinds are queued with their
# code; the rest are queued with their event name and raw args, and turned
# into a record by _record() when written (so a task's name is read then).

KINDS = []


def _kind(name, fields):
    KINDS.append('"%s"%s}' % (name, fields))
    return len(KINDS) - 1


def _q(word):
    """A bare word as JSON text (enum values: causes, fns, waits)."""
    return '"%s"' % word


K_PUSH = _kind("ready.push", ',"handle":%s,"task":%s,"label":%s,"cause":%s,"fn":%s')
# a task's wakeup by a future that was cancelled (Future.cancel()) while the task itself is not being cancelled
K_PUSH_FUTURE_CANCELLED = _kind("ready.push", ',"handle":%s,"task":%s,"label":%s,"cause":%s,"fn":%s,'
                                '"future_cancelled":true')
K_RUN = _kind("ready.run", ',"handle":%s,"task":%s,"label":%s,"left":%s,"fn":%s')
K_BEGIN_NOFILE = _kind("step.begin", ',"task":%s,"line":%s')
K_BEGIN = _kind("step.begin", ',"task":%s,"line":%s,"file":%s')
K_BEGIN_NOFILE_THROWN = _kind("step.begin", ',"task":%s,"line":%s,"thrown":%s')
K_BEGIN_THROWN = _kind("step.begin", ',"task":%s,"line":%s,"file":%s,"thrown":%s')
K_ITER = _kind("loop.iter", ',"ready":%s')
K_POLL = _kind("loop.poll", ',"timeout_ms":%s,"waited_ns":%s')
# K_END[slow][has file][on: 0 none, 1 on, 2 on and via][has target]: args task, line, wait, dur, [file], [on],
# [target], [via]
K_END = [[[[_kind("step.end", ',"task":%s,"line":%s,"wait":%s,"dur_ns":%s' + (',"slow":true' if s else "") +
                  (',"file":%s' if f else "") + (',"on":%s' if o else "") + (',"target":%s' if g else "") +
                  (',"via":%s' if o == 2 else ""))
            for g in (0, 1)] for o in (0, 1, 2)] for f in (0, 1)] for s in (0, 1)]
# A task's handle run and its step's start in one record, where the step resumes where the
# task's last step.end left it (always, but for its first step and an exception thrown in):
# the reader writes the ready.run line (this template: K_RUN's) and then step.begin with
# the run's task and the line (and file) of that task's last step.end (RESUME says which
# kinds those are). One record a step fewer: docs/performance.md.
K_RUN_RESUME = _kind("ready.run", ',"handle":%s,"task":%s,"label":%s,"left":%s,"fn":%s')
K_TASK_NEW = _kind("task.new", ',"task":%s,"name":%s,"parent":%s')
K_DONE = {"cancelled": _kind("task.done", ',"task":%s,"outcome":"cancelled"'),
          # the coroutine returned, but cancel() was called during that step: Task.__step marks the task cancelled
          "returned": _kind("task.done", ',"task":%s,"outcome":"cancelled","returned":true'),
          "result": _kind("task.done", ',"task":%s,"outcome":"result","value":%s'),
          "error": _kind("task.done", ',"task":%s,"outcome":"error","error":%s')}
# (resume kind, step.begin without / with file, step.end kinds without / with file: their
# args start task, line, wait, dur, [file]; task.done kinds: the task's position is forgotten)
RESUME = (K_RUN_RESUME, K_BEGIN_NOFILE, K_BEGIN,
          tuple(K_END[s][0][o][g] for s in (0, 1) for o in (0, 1, 2) for g in (0, 1)),
          tuple(K_END[s][1][o][g] for s in (0, 1) for o in (0, 1, 2) for g in (0, 1)),
          tuple(K_DONE.values()))
END_NOFILE, END_FILE, DONE = frozenset(RESUME[3]), frozenset(RESUME[4]), frozenset(RESUME[5])
K_CANCEL = _kind("task.cancel", ',"task":%s,"by":%s')
K_TIMER = {k: _kind(k, ',"timer":%s,"due_ns":%s,"task":%s,"label":%s,"fn":%s')
           for k in ("timer.arm", "timer.fire", "timer.cancel")}
K_TIMER_ARM, K_TIMER_FIRE, K_TIMER_CANCEL = (K_TIMER[k] for k in ("timer.arm", "timer.fire", "timer.cancel"))
K_READY_CANCEL = _kind("ready.cancel", ',"handle":%s,"task":%s,"label":%s')
K_LOOP_CLOSE = _kind("loop.close", ',"dropped":%s,"timers":%s')
K_LOOP_ABORT = _kind("loop.abort", ',"task":%s,"error":%s')
# K_QUEUE[order][get]: order 0 a FIFO Queue, 1 a LifoQueue, 2 a PriorityQueue (which item get() takes)
K_QUEUE = [[_kind(k, ',"queue":%s,"task":%s,"item":%s,"size":%s,"maxsize":%s' + o) for k in ("queue.put", "queue.get")]
           for o in ("", ',"order":"lifo"', ',"order":"priority"')]
K_QUEUE_PUT, K_QUEUE_GET = K_QUEUE[0]
K_IO_WAIT = _kind("io.wait", ',"op":%s,"task":%s,"kind":%s,"target":%s')
K_IO_DONE = _kind("io.done", ',"op":%s,"task":%s,"kind":%s,"status":%s,"bytes":%s')
K_POOL_SUBMIT = _kind("pool.submit", ',"job":%s,"task":%s,"label":%s')
K_POOL = {k: _kind(k, ',"job":%s,"task":%s,"worker":%s') for k in ("pool.start", "pool.end")}
K_POOL["pool.end.raised"] = _kind("pool.end", ',"job":%s,"task":%s,"worker":%s,"raised":true')  # the function raised
K_BLOCK_BEGIN = [_kind("block.begin", ',"task":%s,"kind":%s,"line":%s,"label":%s' + (',"file":%s' if f else ""))
                 for f in (0, 1)]
K_BLOCK_END = _kind("block.end", ',"task":%s,"kind":%s,"line":%s,"dur_ns":%s,"label":%s')
K_PRINT = [_kind("print", ',"task":%s,"line":%s,"text":%s' + (',"file":%s' if f else "")) for f in (0, 1)]
K_UNRETRIEVED = _kind("task.unretrieved", ',"task":%s,"error":%s')
K_SOURCE = _kind("source", ',"file":%s,"text":%s')
K_TRUNCATED = _kind("truncated", ',"reason":%s,"limit":%s')
K_RUN_BEGIN = _kind("run.begin", ',"scenario":%s,"params":%s,"entry":%s,"engine":"cpython","python":%s')
K_RUN_END = _kind("run.end", ',"status":%s,"error":%s,"how":%s,"exit_code":%s')

# Queued by name and made into records when written: their args hold what is
# read then (a task's _Lazy name, run.begin's entry), which marshal refuses, so
# the writer's fast path notices them. The hot path queues "ready.push" and
# "ready.run" by name too while a task's labels are still _Lazy.
LAZY_KINDS = {"task.new", "run.begin"}

HEAD = '{"seq":%d,"t_ns":%d,"loop":%d,"it":%d,"ev":'
TEMPLATES = [HEAD + k + "\n" for k in KINDS]
NULL = "null"


def _record(kind, a):
    """(kind code, args as ints and JSON text) of an event queued by name with raw args."""
    if kind == "task.new":    # task, name (lazy: read now), parent
        return K_TASK_NEW, (a[0], _js(a[1]), _id(a[2]))
    if kind == "ready.push":  # a push whose label is still lazy: handle, task, label, cause, fn[, future_cancelled]
        return K_PUSH_FUTURE_CANCELLED if a[5:] else K_PUSH, (a[0], a[1], _js(a[2]), a[3], a[4])
    if kind == "ready.run":   # the same handle's run
        return K_RUN, (a[0], a[1], _js(a[2]), a[3], a[4])
    if kind == "step.end":    # task, line, wait, dur, slow, file, on, target
        f, on, target = a[5], a[6], a[7]
        args = (a[0], a[1], _q(a[2]), a[3]) + ((_js(f),) if f else ()) + ((_q(on),) if on else ()) + \
            ((target,) if target is not None else ())
        return K_END[1 if a[4] else 0][1 if f else 0][1 if on else 0][0 if target is None else 1], args
    if kind == "step.begin":  # task, line, file (an eager task's first step)
        return (K_BEGIN, (a[0], a[1], _js(a[2]))) if a[2] else (K_BEGIN_NOFILE, (a[0], a[1]))
    if kind == "task.done":   # task, outcome, text
        return K_DONE[a[1]], (a[0],) if a[1] in ("cancelled", "returned") else (a[0], _js(a[2]))
    if kind == "task.cancel":
        return K_CANCEL, (a[0], _id(a[1]))
    if kind == "pool.submit":
        return K_POOL_SUBMIT, (a[0], _id(a[1]), _js(a[2]))
    if kind in K_POOL:
        return K_POOL[kind], (a[0], _id(a[1]), a[2])
    if kind == "block.begin":  # task, kind, line, label, file
        return K_BLOCK_BEGIN[1 if a[4] else 0], (_id(a[0]), _q(a[1]), a[2], _js(a[3])) + ((_js(a[4]),) if a[4] else ())
    if kind == "block.end":    # task, kind, line, dur, label, file (the format has it on block.begin only)
        return K_BLOCK_END, (_id(a[0]), _q(a[1]), a[2], a[3], _js(a[4]))
    if kind == "print":        # task, line, text, file
        return K_PRINT[1 if a[3] else 0], (_id(a[0]), a[1], _js(a[2])) + ((_js(a[3]),) if a[3] else ())
    if kind == "task.unretrieved":
        return K_UNRETRIEVED, (_id(a[0]), _js(a[1]))
    if kind == "loop.abort":
        return K_LOOP_ABORT, (_id(a[0]), _js(a[1]))
    if kind == "source":
        return K_SOURCE, (_js(a[0]), _js(a[1]))
    if kind == "truncated":
        return K_TRUNCATED, (_js(a[0]), a[1])
    if kind == "run.begin":    # scenario, params (JSON text), entry (callable: known at write time), python
        return K_RUN_BEGIN, (_js(a[0]), a[1], _q(a[2]()), _js(a[3]))
    if kind == "run.end":      # status, error, how, exit_code
        return K_RUN_END, (_q(a[0]), _js(a[1]), _q(a[2]), a[3])
    raise ValueError(kind)


# Causes and fns as JSON text, for the hot path.
Q = {w: _q(w) for w in ("yield", "new", "cancel", "future", "call_soon", "threadsafe", "timer", "io", "task.step",
                        "task.wakeup", "pool.done", "callback", "sleep.set_result", "gather.done_callback",
                        "taskgroup.on_task_done", "timeout.on_timeout", "wait_for.release_waiter",
                        "run_until_complete_cb", "io.callback", "waiter.set_result", "none", "sleep", "task", "gather", "taskgroup",
                        "wait_for", "timeout", "queue", "queue.get", "queue.put", "queue.join", "event", "event.wait",
                        "lock", "lock.acquire", "semaphore", "semaphore.acquire", "io.accept", "io.read", "io.write",
                        "io.connect", "io.drain", "pool")}


_first = operator.itemgetter(0)


def _as_record(e):
    """A record queued by event name with raw args, as (code, t, loop, it, *args)."""
    k, a = _record(e[0], e[4:])
    return (k, e[1], e[2], e[3]) + a


class Writer:
    """Any thread queues events (a deque append is atomic under the GIL); one
    thread at a time numbers, formats and writes them, whole lines per write(),
    so a partial trace is always loadable. t_ns is clamped to never decrease:
    events from worker threads may be queued a moment after a later stamp.

    With `records` (--records-fd, how loopscope starts it) it formats nothing:
    each flush is one frame, a 4-byte little-endian length and a marshalled
    list of records, and loopscope numbers, clamps and formats them in C++ (the
    first frame holds KINDS and RESUME). A crash leaves whole frames, so whole
    lines. A K_RUN_RESUME record is two events (ready.run, step.begin)."""

    def __init__(self, fd, limit, records=False):
        self.fd = fd
        self.limit = limit
        self.records = records
        # list.append is atomic under the GIL; the writer takes a batch with q[:n], del q[:n]. With
        # records and the C hot path, the queue is its Records: each record in marshal form as queued.
        self.q = _C.Records(K_RUN_RESUME) if records and _C is not None else []
        self.lock = threading.Lock()
        self.seq = 0
        self.last_t = 0
        self.held = True     # nothing is written until run.begin's entry is known
        self.truncated = False
        self.closed = False
        self.on_truncate = None
        self.flushed_ns = 0  # when the last flush began (_now())
        self.resumes = {}    # --events: (loop, task) -> (line, file) of its last step.end, for K_RUN_RESUME
        if records:
            self.write_frame(("loopscope-records", 2, KINDS, RESUME))

    def flush_from_loop(self):
        """Called by the loop's thread as an iteration starts, FLUSH_NS after the
        last flush: it writes the queue itself, rather than wait for the writer
        thread to win the GIL from a loop that never waits (up to a switch
        interval, 5 ms, later, or a scheduler's slice on a busy machine)."""
        if self.lock.acquire(blocking=False):
            self.lock.release()
            self.flush()

    def flush(self):
        with self.lock:
            self.flushed_ns = _now()
            if self.held or self.closed:
                return
            q = self.q
            seq, limit = self.seq, self.limit
            if q.__class__ is not list:  # the C hot path's Records: a frame, written as queued
                data, deferred, n, resumes = q.take()
                if n == 0:
                    return
                if deferred:  # records queued by name hold a name to read now (_Lazy)
                    data = _C.splice(data, [(at, _as_record(e) if e[0].__class__ is str else e)
                                            for at, e in deferred])
                try:
                    if seq + 2 * n <= limit:  # the usual case: the records as they are
                        self.seq = seq + n + resumes  # a K_RUN_RESUME is two events
                        self.write(data)
                        return
                    batch = marshal.loads(data[4:])
                finally:
                    if data.__class__ is memoryview:
                        data.release()  # its buffer is filled again after the next take()
            else:
                n = len(q)  # what is queued now: a busy producer cannot keep this loop going
                if n == 0:
                    return
                batch = q[:n]  # appends from other threads go after the first n: none is lost
                del q[:n]
            if self.records and seq + 2 * n <= limit:  # the usual case: the records as they are
                try:
                    data = marshal.dumps(batch, 4)
                except ValueError:  # a record queued by name holds a name to read now (_Lazy)
                    data = marshal.dumps([_as_record(e) if e[0].__class__ is str else e for e in batch], 4)
                self.seq = seq + n + list(map(_first, batch)).count(K_RUN_RESUME)  # a K_RUN_RESUME is two events
                self.write(len(data).to_bytes(4, "little") + data)
                return
            out = []
            put = out.append
            last = self.last_t
            for e in batch:
                k = e[0]
                if seq >= limit and k != K_RUN_END:
                    if not self.truncated:
                        self.truncated = True
                        r = (K_TRUNCATED, last, 0, e[3], _js("event limit reached"), limit)
                        put(r if self.records else TEMPLATES[K_TRUNCATED] % ((seq,) + r[1:]))
                        seq += 1
                        if self.on_truncate:
                            self.on_truncate()
                    continue
                if k.__class__ is str:
                    e = _as_record(e)
                    k = e[0]
                if k == K_RUN_RESUME and seq + 1 >= limit:  # room for its ready.run only
                    e = (K_RUN,) + e[1:]
                    k = K_RUN
                if self.records:
                    put(e)
                    seq += 2 if k == K_RUN_RESUME else 1
                    continue
                t = e[1]
                if t < last:
                    t = last
                else:
                    last = t
                put(TEMPLATES[k] % ((seq, t) + e[2:]))
                seq += 1
                if k == K_RUN_RESUME:  # its step.begin: where the task's last step.end left it
                    line, f = self.resumes.get((e[2], e[5]), (0, None))
                    put(TEMPLATES[K_BEGIN_NOFILE] % (seq, t, e[2], e[3], e[5], line) if f is None else
                        TEMPLATES[K_BEGIN] % (seq, t, e[2], e[3], e[5], line, f))
                    seq += 1
                elif k in END_NOFILE:
                    self.resumes[(e[2], e[4])] = (e[5], None)
                elif k in END_FILE:
                    self.resumes[(e[2], e[4])] = (e[5], e[8])
                elif k in DONE:
                    self.resumes.pop((e[2], e[4]), None)
            self.seq, self.last_t = seq, last
            if not out:
                return
            if self.records:
                self.write_frame(out)
            else:
                self.write("".join(out).encode("utf-8", "replace"))

    def write_frame(self, obj):
        data = marshal.dumps(obj, 4)
        self.write(len(data).to_bytes(4, "little") + data)

    def write(self, data):
        while data:
            try:
                n = os.write(self.fd, data)
            except InterruptedError:
                continue
            except OSError:
                self.closed = True  # the reader went away: keep running the program
                return
            data = data[n:]

    def run_flusher(self):
        def loop():
            while not self.closed:
                time.sleep(FLUSH_S)
                try:
                    self.flush()
                except Exception:
                    pass
        th = threading.Thread(target=loop, name="loopscope-writer", daemon=True)
        th.start()

Q_READY, Q_REMOVED = _q("ready"), _q("removed")  # io.done's status
Q_YIELD, Q_NEW, Q_CANCEL, Q_FUTURE, Q_SOON, Q_THREADSAFE, Q_TIMER, Q_IO, Q_STEP, Q_WAKEUP = (
    Q[w] for w in ("yield", "new", "cancel", "future", "call_soon", "threadsafe", "timer", "io", "task.step",
                   "task.wakeup"))


# [SECTION] Program files: which frames are the user's

class Files:
    def __init__(self, root, emit_source):
        self.root = root
        self.emit_source = emit_source
        self.by_name = {}   # co_filename -> relative path, or None when not the user's
        self.here = os.path.realpath(__file__)
        self.sent = set()   # files whose text is in the trace

    def rel(self, filename):
        """The program-relative path of a code object's file, or None for library code."""
        try:
            return self.by_name[filename]
        except KeyError:
            pass
        r = None
        if filename and not filename.startswith("<"):
            real = os.path.realpath(filename)
            if (real.startswith(self.root + os.sep) and real != self.here and
                    "site-packages" not in real and "dist-packages" not in real):
                r = os.path.relpath(real, self.root)
        self.by_name[filename] = r
        if r is not None and r not in self.sent:
            self.sent.add(r)
            try:
                with open(filename, encoding="utf-8", errors="replace") as f:
                    self.emit_source(r, f.read())
            except OSError:
                pass
        return r


# What a suspended task awaits, by the asyncio function it is inside
# (co_qualname, 3.11+): (wait, on).
_AWAITS = {
    "sleep": ("sleep", "sleep"), "__sleep0": ("yield", "yield"),
    "Queue.get": ("queue", "queue.get"), "Queue.put": ("queue", "queue.put"), "Queue.join": ("queue", "queue.join"),
    "Event.wait": ("event", "event.wait"), "Lock.acquire": ("lock", "lock.acquire"),
    # Condition.wait releases the lock and awaits a future of its own that notify() sets (a plain
    # future, then); re-acquiring the lock after it is a Lock.acquire below it.
    "Semaphore.acquire": ("semaphore", "semaphore.acquire"),
    "BoundedSemaphore.acquire": ("semaphore", "semaphore.acquire"),
    "wait_for": ("task", "wait_for"), "TaskGroup.__aexit__": ("taskgroup", "taskgroup"),
    "TaskGroup._aexit": ("taskgroup", "taskgroup"),
    "Timeout.__aexit__": ("future", "timeout"),
    "to_thread": ("pool", "pool"),
    "StreamReader._wait_for_data": ("io", "io.read"), "StreamReader.read": ("io", "io.read"),
    "StreamReader.readline": ("io", "io.read"), "StreamReader.readuntil": ("io", "io.read"),
    "StreamReader.readexactly": ("io", "io.read"),
    "StreamWriter.drain": ("io", "io.drain"), "FlowControlMixin._drain_helper": ("io", "io.drain"),
    "open_connection": ("io", "io.connect"), "BaseEventLoop.create_connection": ("io", "io.connect"),
    "BaseEventLoop.sock_connect": ("io", "io.connect"), "BaseSelectorEventLoop.sock_connect": ("io", "io.connect"),
    "BaseSelectorEventLoop.sock_accept": ("io", "io.accept"), "Server.serve_forever": ("io", "io.accept"),
    "BaseSelectorEventLoop.sock_recv": ("io", "io.read"), "BaseSelectorEventLoop.sock_recv_into": ("io", "io.read"),
    "BaseSelectorEventLoop.sock_sendall": ("io", "io.write"),
    # as_completed() waits for the next done future on a Queue of its own: not the program's queue.
    "as_completed.<locals>._wait_for_one": ("future", "future"),
    "_AsCompletedIterator._wait_for_one": ("future", "future"),
}
_ASYNCIO_DIR = os.path.dirname(asyncio.__file__) + os.sep


def _like(wrapper, orig):
    """A hook that replaces asyncio's (or time's, os's) function orig: with its name, qualified
    name, module and __wrapped__, so whatever names the callable (a handle's label, a repr,
    inspect) names asyncio's function, not the recorder's closure."""
    if isinstance(wrapper, types.FunctionType):  # the C hot path's hooks are builtins: nothing to set
        functools.update_wrapper(wrapper, orig)
    return wrapper


class _Via(str):
    """What code_kind() says of an asyncio coroutine function that a user's line calls by name and
    that is not an _AWAITS entry (loop.create_server, asyncio.wait): a task suspended in it waits
    on that function's own await, not on one the user wrote. Its text is the function's name as
    the user calls it, as JSON text: step.end's `via`. A str (a true kind, no _AWAITS key), its
    type alone tells it apart: the C hot path compares one pointer."""
    __slots__ = ()


def _via_name(qualname):
    """The name a user's line calls the asyncio function `qualname` by: asyncio.NAME (module level),
    loop.NAME (an event loop's method), Class.method; None for what no line calls by name (a
    local function, a protocol method that async with, async for or await calls)."""
    cls, _, name = qualname.rpartition(".")
    if "<" in qualname or (name.startswith("__") and name.endswith("__")):
        return None
    if not cls:
        return "asyncio." + name
    return "loop." + name if cls.endswith("EventLoop") else qualname


def _unwrapped(obj):
    """A task or timer as python3 FILE.py makes it: in debug mode asyncio keeps where
    it was created (_source_traceback, shown as "created at" in its repr and in the
    slow-callback warning), which must not name the recorder's own wrappers."""
    tb = getattr(obj, "_source_traceback", None)
    if tb:
        tb[:] = [f for f in tb if f.filename != __file__]
    return obj


# [SECTION] Per-loop state

IDLE, POLL, IO, RUN = range(4)


class LoopState:
    """One trace loop number. Loops that run one after another in a program
    (asyncio.run twice, a 3.4-style loop then asyncio.run) share number 0: its
    iterations and ids continue. A loop running while another is open gets the
    next free number."""
    __slots__ = ("number", "it", "phase", "pushed", "current", "tasks", "next_task", "handles", "next_handle",
                 "timers", "next_timer", "io", "next_op", "cancels", "labels", "names", "suspended", "thread", "loop",
                 "eager", "skips", "run_start", "cancelled", "next_queue")

    def __init__(self, number):
        self.number = number
        self.it = 0
        self.phase = IDLE
        self.pushed = 0          # handles pushed while this iteration's handles run
        self.current = None      # the task whose step is running (its id)
        self.tasks = {}          # id(task) -> task id
        self.next_task = 0
        self.handles = {}        # id(handle) -> (handle id, task id, label, fn)
        self.next_handle = 0
        self.timers = {}         # id(TimerHandle) -> its timer.arm's args (timer, due, task, label, fn)
        self.next_timer = 0
        self.io = {}             # id(reader/writer handle) -> [op, task, kind, target (JSON text), is_reader, waiting]
        self.next_op = 0
        self.cancels = {}        # task id -> cancelling() count already recorded
        self.cancelled = (None, set())  # (iteration, running task) -> the tasks whose cancel it wrote
        self.labels = {}         # task id -> its (step, wakeup) labels
        self.names = {}          # task id -> its task.new's name (a _Lazy) until its first step
        self.suspended = {}      # task id -> (line, file) where it suspended: where it resumes
        self.thread = _get_ident()
        self.loop = None
        self.eager = None        # a pre-allocated (task id, lazy name) while an eager task starts
        # Cancelled handles still in _ready (_run_once pops and skips them): for each, the
        # first handle id whose run says it was passed. Not `left` of a ready.run before it.
        self.skips = []
        self.run_start = 0       # next_handle when this iteration's handles began to run
        self.next_queue = 0      # asyncio.Queue ids (queue.put / queue.get), given on a queue's first item


# [SECTION] The recorder

class Recorder:
    def __init__(self, writer, files):
        self.w = writer
        self.q = writer.q
        self.files = files
        self.on = True
        self.t0 = _now()
        self.entry = None
        self.states = {}            # loop number -> LoopState
        self.claimed = {}           # loop number -> the loop (weak) holding it
        self.next_job = 0
        self.workers = {}           # thread ident -> worker lane
        self.pool_futures = weakref.WeakSet()
        self.timeouts = {}          # id(task) -> the asyncio.timeout() blocks it is inside (innermost last)
        self.print_buf = {}
        self.code_info = {}         # code object -> True (user code) / asyncio qualname / ""
        self.how = None
        self.end = None             # run.end's (status, error, how, exit_code)
        self.last_ls = None

    def stop_recording(self):
        self.on = False
        if _C is not None:
            _C.off()

    # -- emitting

    def emit(self, kind, ls, t, args):
        """Queues an event given by name and raw args: its record is made now, or when
        written for the kinds whose args hold a name to read then (LAZY_KINDS)."""
        if kind not in LAZY_KINDS:
            kind, args = _record(kind, args)
        self.q.append((kind, t - self.t0 if t else 0, ls.number if ls else 0, ls.it if ls else 0) + args)

    def emit_now(self, kind, ls, args):
        self.emit(kind, ls, _now(), args)

    def put(self, code, ls, args):
        """Queues a record of kind `code` (K_...) now, its args already ints and JSON text."""
        self.q.append((code, _now() - self.t0, ls.number if ls else 0, ls.it if ls else 0) + args)

    # -- loops

    def state(self, loop):
        """The LoopState of a loop, claimed on first use."""
        ls = getattr(loop, "_loopscope", None)
        if ls is not None:
            return ls
        n = 0
        while n in self.claimed and self.claimed[n]() is not None and not self.claimed[n]().is_closed():
            n += 1
        if n > 63:
            n = 63
        self.claimed[n] = weakref.ref(loop)
        ls = self.states.get(n)
        if ls is None:
            ls = self.states[n] = LoopState(n)
        ls.loop = weakref.ref(loop)
        ls.thread = _get_ident()
        loop._loopscope = ls
        self.last_ls = ls
        if self.entry is None:
            self.entry = "run_until_complete"
        return ls

    def task_id(self, ls, task, parent=None):
        """The trace id of a task; the first sight of a task records task.new."""
        k = id(task)
        tid = ls.tasks.get(k)
        if tid is not None:
            return tid
        if ls.eager is not None and ls.eager[1].ref is None:
            tid = ls.eager[0]
            ls.eager[1].set(task)
        else:
            tid = ls.next_task
            ls.next_task += 1
            name = ls.names[tid] = _Lazy(task)
            self.emit_now("task.new", ls, (tid, name, ls.current if parent is None else parent))
        ls.tasks[k] = tid
        tasks = ls.tasks
        weakref.finalize(task, tasks.pop, k, None)
        return tid

    # -- where a task is: the innermost frame of the user's own code

    def chain(self, task):
        """(innermost user frame, its file as JSON text, the asyncio functions below it, the
        outermost frame) of a task's coroutine chain. What each code object is, is looked up
        once (code_info)."""
        obj = task.get_coro()
        user = None
        top = None
        fjs = None
        below = []
        info = self.code_info
        while obj is not None:
            t = type(obj)
            if t is _Coroutine:
                f = obj.cr_frame
                nxt = obj.cr_await
            elif t is _Generator:
                f = obj.gi_frame
                nxt = obj.gi_yieldfrom
            elif t is _AsendType and (g := _asend_gen(obj)) is not None:
                f = g.ag_frame
                nxt = g.ag_await
            else:
                break
            if f is None:
                break
            if top is None:
                top = f
            k = info.get(f.f_code)
            if k is None:
                k = self.code_kind(f.f_code)
            if k.__class__ is tuple:
                user = f
                fjs = k[0]
                if below:
                    below = []
            elif k:
                below.append(k)
            obj = nxt
        return user, fjs, below, top

    def code_kind(self, code):
        """What a code object is, looked up once: a tuple (its file as JSON text, a cache of its
        lines by instruction offset: f_lineno reads the line table every time) for the user's
        code; else its qualname for asyncio's own functions (a _Via for one a user calls whose waits
        are its own), or "" for other library code."""
        fn = code.co_filename
        rel = self.files.rel(fn)
        if rel is not None:
            k = (_js(rel), {})  # its file as JSON text; its lines by instruction offset (f_lasti)
        elif not fn.startswith(_ASYNCIO_DIR):
            k = ""
        else:
            k = code.co_qualname
            via = None if k in _AWAITS else _via_name(k)
            if via is not None:
                k = _Via(_js(via))
        self.code_info[code] = k
        return k

    def where(self, task):
        """(line, file relative path, asyncio functions below) where a task is suspended."""
        f, fjs, below, top = self.chain(task)
        if f is None:
            return 0, None, below
        return _line(f.f_lineno), self.files.by_name.get(f.f_code.co_filename), below

    def awaits(self, ls, task, below):
        """(wait, on, target) for a suspended task. A sleep or a plain future awaited inside an
        asyncio.timeout() block with an armed deadline is `on: timeout` (the engine's rule)."""
        wait, on, target = self.awaited(ls, task, below)
        if on in ("sleep", "future") and self.in_deadline(task):
            on = "timeout"
        return wait, on, target

    def awaited(self, ls, task, below):
        fw = task._fut_waiter
        if fw is None:  # a bare yield (sleep(0)): its next step is already queued
            return "yield", "yield", None
        for q in below:
            w = _AWAITS.get(q)
            if w is not None:
                if w[1] == "wait_for":
                    if isinstance(fw, asyncio.Task):
                        return "task", "wait_for", self.task_id(ls, fw)
                    return "future", "wait_for", None
                return w[0], w[1], None
        if isinstance(fw, asyncio.Task):
            return "task", "task", self.task_id(ls, fw)
        if type(fw).__name__ == "_GatheringFuture":
            return "gather", "gather", None
        if fw in self.pool_futures:
            return "pool", "pool", None
        return "future", "future", None

    def in_deadline(self, task):
        """Inside an asyncio.timeout() block whose deadline is armed (what the engine's Task counts)."""
        blocks = self.timeouts.get(id(task))
        if not blocks:
            return False
        # A block that has exited (or expired) drops its handler; forget it.
        blocks[:] = [cm for cm in blocks if getattr(cm, "_timeout_handler", None) is not None]
        if not blocks:
            del self.timeouts[id(task)]
        return bool(blocks)

    # -- the ready queue and the handles it runs (the hot path: see _hot_hooks)

    def label(self, ls, tid, task, which):
        """A task's "NAME step" / "NAME wakeup" label: JSON text once its first step has run
        (its name is final then: create_task(name=) names it after queuing that step), a
        _Lazy before."""
        lab = ls.labels.get(tid)
        if lab is None:
            lab = ls.labels[tid] = [None, _Lazy(task, " step"), _Lazy(task, " wakeup")]
        return lab[which + 1]

    @staticmethod
    def skip(ls, first=None):
        """A cancelled handle joins, or stays in, _ready: _run_once pops it and skips it.
        first: the first handle id pushed after it (default: the next one to be pushed)."""
        if first is None:  # a cancelled timer moved in when due: no push, no id
            first = ls.next_handle
            if ls.phase == RUN:  # pushed for the next iteration: not this one's `left`
                ls.pushed += 1
        ls.skips.append(first)

    @staticmethod
    def skipped(ls, hid):
        """How many cancelled handles of this iteration's part of _ready are still ahead when
        handle hid runs: the handles before it have been popped."""
        ls.skips = skips = [s for s in ls.skips if s > hid]
        start = ls.run_start
        return sum(1 for s in skips if s <= start)

    def note_cancel(self, ls, task, tid, t=None):
        """A cancel() of task not yet written: seen when it queues the task's wakeup (its
        future cancelled), at the end of its own step (cancel() of the running task, which
        awaits nothing yet, only sets _must_cancel) or, its step already queued, when that
        step runs. If a task
        that awaits this one was cancelled too (and not yet written), its cancel() is what
        cancelled this one (Task.cancel cancels the future it awaits): that one's comes
        first, and it is this one's canceller."""
        n = task.cancelling()
        c = ls.cancels.get(tid, 0)
        if c >= n:
            if c > n:  # uncancel() since (asyncio.timeout, TaskGroup): a later cancel() counts again
                ls.cancels[tid] = n
            return
        ls.cancels[tid] = n
        by = ls.current
        now = (ls.it, by)  # the step (or callback) that is running
        if ls.cancelled[0] != now:
            ls.cancelled = (now, set())
        for awaiter in _awaiters(task):
            aid = ls.tasks.get(id(awaiter))
            if aid is None:
                continue
            if ls.cancels.get(aid, 0) < awaiter.cancelling():
                self.note_cancel(ls, awaiter, aid, t)
            if aid in ls.cancelled[1]:  # cancelled in this same step: gather's second child, too
                by = aid
                break
        ls.cancelled[1].add(tid)
        self.emit("task.cancel", ls, t or _now(), (tid, by))

    def cancelled_in_step(self, ls, task, tid, t):
        """cancel() was called on task while its own step ran (and queued no wakeup: it awaited
        nothing yet, so cancel() only set _must_cancel): written before the step's end, by the
        task itself, or by a task awaiting it that was cancelled in this step (note_cancel)."""
        prev, ls.current = ls.current, tid
        try:
            self.note_cancel(ls, task, tid, t)
        finally:
            ls.current = prev

    def loop_abort(self, ls, tid, exc):
        """exc leaves the loop from inside a handle (tid: the task whose step raised it) or the
        poll: SystemExit and KeyboardInterrupt (Task.__step stores them in the task and raises
        them again; Handle._run lets them through; a signal handler's during select()) leave
        _run_once and run_forever mid-iteration. Written after the step's own events."""
        try:
            err = _short(repr(exc))
        except Exception:
            err = "<unprintable %s>" % type(exc).__name__
        self.emit_now("loop.abort", ls, (tid, err))

    def end_step(self, ls, task, tid, t, t2, top=None):
        dur = t2 - t
        n = task.cancelling()
        if n:
            if ls.cancels.get(tid, 0) != n:  # a cancel() in the step, or an uncancel() (note_cancel)
                self.cancelled_in_step(ls, task, tid, t2)
        elif ls.cancels:  # uncancel() brought it back to 0 (asyncio.timeout's, TaskGroup's __aexit__)
            ls.cancels.pop(tid, None)
        if task.done():
            line, f = ls_last_line(self, task)
            if line == 0 and top is not None:
                f = self.files.rel(top.f_code.co_filename)
                line = _line(top.f_lineno) if f is not None else 0
            self.emit("step.end", ls, t2, (tid, line, "none", dur, dur > SLOW_NS, f, None, None))
            self.task_done(ls, task, tid, t2, top)
            self.timeouts.pop(id(task), None)
            ls.labels.pop(tid, None)
            ls.suspended.pop(tid, None)
            return
        # chain() inline (every step ends here): the innermost user frame, the asyncio functions
        # below it (read only when the task awaits a future), and `via`: the function just below
        # it, when it is asyncio's and not an _AWAITS entry (the wait is that call's own).
        waiter = task._fut_waiter
        obj = task.get_coro()
        f = fjs = top = below = via = None
        after = False  # the frame just under the user's
        info = self.code_info
        while obj is not None:
            tp = type(obj)
            if tp is _Coroutine:
                fr = obj.cr_frame
                nxt = obj.cr_await
            elif tp is _Generator:
                fr = obj.gi_frame
                nxt = obj.gi_yieldfrom
            elif tp is _AsendType and (g := _asend_gen(obj)) is not None:  # async for: the generator
                fr = g.ag_frame
                nxt = g.ag_await
            else:
                break
            if fr is None:
                break
            if top is None:
                top = fr
            k = info.get(fr.f_code)
            if k is None:
                k = self.code_kind(fr.f_code)
            if k.__class__ is tuple:
                f = fr
                fjs = k[0]
                lines = k[1]
                below = via = None
                after = True
                obj = nxt
                continue
            if after:
                after = False
                if k.__class__ is _Via:
                    via = str(k)  # a record holds exact strs (the marshal form)
            if k and waiter is not None:
                if below is None:
                    below = [k]
                else:
                    below.append(k)
            obj = nxt
        if f is None:
            line = 0
        else:
            at = f.f_lasti
            line = lines.get(at)
            if line is None:
                line = lines[at] = _line(f.f_lineno)
        ls.suspended[tid] = (line, fjs, top)
        if waiter is None:  # a bare yield (sleep(0)): its next step is already queued
            wait = on = Q_YIELD
            target = None
        else:
            wait, on, target = self.awaits(ls, task, below or ())
            wait, on = Q[wait], Q[on]
        tt, num, it = t2 - self.t0, ls.number, ls.it
        if via is not None:  # inside a call of the user's line (rare): on, [target], via
            kinds = K_END[dur > SLOW_NS][fjs is not None][2]
            self.q.append((kinds[target is not None], tt, num, it, tid, line, wait, dur) +
                          ((on,) if fjs is None else (fjs, on)) + ((via,) if target is None else (target, via)))
            return
        kinds = K_END[dur > SLOW_NS][fjs is not None][1]
        if target is None:  # one tuple built, the record itself
            if fjs is None:
                self.q.append((kinds[0], tt, num, it, tid, line, wait, dur, on))
            else:
                self.q.append((kinds[0], tt, num, it, tid, line, wait, dur, fjs, on))
        elif fjs is None:
            self.q.append((kinds[1], tt, num, it, tid, line, wait, dur, on, target))
        else:
            self.q.append((kinds[1], tt, num, it, tid, line, wait, dur, fjs, on, target))

    def task_done(self, ls, task, tid, t, top=None):
        if task.cancelled():
            # Did the coroutine return (its frame's last instruction a return)? Then Task.__step saw
            # StopIteration with _must_cancel set: cancel() was called during this step, and the
            # return value is dropped. Else CancelledError left the coroutine.
            returned = top is not None and _returned(top)
            self.emit("task.done", ls, t, (tid, "returned" if returned else "cancelled", None))
            return
        exc = task._exception  # not task.exception(): that would count as retrieving it
        if exc is not None:
            self.emit("task.done", ls, t, (tid, "error", _short(repr(exc))))
        else:
            self.emit("task.done", ls, t, (tid, "result", _short(repr(task._result))))

    def rewait(self, ls, h, op):
        """A reader/writer that stays registered after its callback waits again.
        The selector loop cancels a reader's or writer's handle whenever it stops
        being the fd's (_remove_reader, or _add_reader with another callback), so
        a handle not cancelled is still registered: no selector look-up."""
        if h._cancelled:
            ls.io.pop(id(h), None)
        elif not op[5]:
            op[0] = ls.next_op
            ls.next_op += 1
            op[5] = True
            self.put(K_IO_WAIT, ls, (op[0], op[1], op[2], op[3]))

    # -- asyncio queues

    def queue_event(self, code, q, item):
        """queue.put / queue.get (code): item has just entered or left asyncio.Queue q, written on
        the loop running in this thread when the recorder knows it (none running: nothing is
        written). Nothing here may change what the program sees."""
        loop = _get_running_loop()
        ls = getattr(loop, "_loopscope", None) if loop is not None else None
        if ls is None or not self.on:
            return
        try:
            m = q.maxsize  # <= 0: unbounded, written 0; the loader takes an int32
            m = min(int(m), 2 ** 31 - 1) if m > 0 else 0
            # The queue's id lives on the queue (its __dict__: no user __getattr__ or __setattr__
            # runs), so it goes with it and a new queue at a freed one's address gets its own.
            # A module-level queue gets it at its first item inside the loop.
            d = q.__dict__
            qid = d.get("_loopscope_queue")
            fresh = qid is None or qid[0] is not ls
            if fresh:
                qid = d["_loopscope_queue"] = (ls, ls.next_queue)
                ls.next_queue += 1
                # Items put before (with no loop running: a queue filled before asyncio.run) enter
                # now, with no task: the stage draws a queue from these events alone.
                before = list(getattr(q, "_queue", ()))
                if code == K_QUEUE_GET:  # it was there too: a LifoQueue's last, a FIFO's first
                    before.insert(len(before) if isinstance(q, asyncio.LifoQueue) else 0, item)
                else:
                    for i in range(len(before) - 1, -1, -1):
                        if before[i] is item:
                            del before[i]
                            break
            kinds = K_QUEUE[2 if isinstance(q, asyncio.PriorityQueue) else 1 if isinstance(q, asyncio.LifoQueue) else 0]
            if fresh:
                for n, x in enumerate(before, 1):
                    self.put(kinds[0], ls, (qid[1], NULL, _js(_repr(x)), n, m))
            self.put(kinds[code == K_QUEUE_GET], ls, (qid[1], _id(ls.current), _js(_repr(item)), q.qsize(), m))
        except Exception:
            pass

    # -- prints

    def on_write(self, s):
        """A write to stdout that holds a newline: a print event for each line it ends."""
        key = _get_ident()
        buf = self.print_buf.get(key, "") + s
        lines = buf.split("\n")
        self.print_buf[key] = lines.pop()
        loop = _get_running_loop()
        ls = getattr(loop, "_loopscope", None) if loop is not None else None
        if ls is None:
            ls = self.last_ls
        tid = None
        if loop is not None and ls is not None and ls.thread == key:
            task = asyncio.current_task(loop)
            if task is not None:
                tid = self.task_id(ls, task)
        line, f = self.caller()
        tid = _id(tid)
        if f:
            code, file = K_PRINT[1], (_js(f),)
        else:
            code, file = K_PRINT[0], ()
        for text in lines:
            self.put(code, ls, (tid, line, _js(text)) + file)

    def caller(self):
        f = sys._getframe(2)
        rel = self.files.rel
        while f is not None:
            r = rel(f.f_code.co_filename)
            if r is not None:
                return _line(f.f_lineno), r
            f = f.f_back
        return 0, None


def ls_last_line(rec, task):
    """Where a finished task ended: the traceback's innermost user line for an
    error, else 0 (a returned coroutine has no frame left to ask)."""
    exc = None if task.cancelled() else task._exception
    tb = exc.__traceback__ if exc is not None else None
    line, f = 0, None
    while tb is not None:
        r = rec.files.rel(tb.tb_frame.f_code.co_filename)
        if r is not None:
            line, f = _line(tb.tb_lineno), r
        tb = tb.tb_next
    return line, f


_RETURNS = {dis.opmap[op] for op in ("RETURN_VALUE", "RETURN_CONST") if op in dis.opmap}


def _returned(frame):
    """Did a finished coroutine's frame end with a return (not an exception)?"""
    try:
        code, at = frame.f_code.co_code, frame.f_lasti
        return 0 <= at < len(code) and code[at] in _RETURNS
    except Exception:
        return False


def _thrown(task, h, wakeup):
    """The exception type Task.__step will throw into the coroutine (coro.throw), or None (send(None)).

    Read before the handle runs, as Task.__step decides it: a requested
    cancellation (_must_cancel) wins; else __wakeup re-raises what the awaited
    future holds; else __step's own argument (a bad yield's RuntimeError; the C
    Task keeps that one out of sight, so it is not recorded)."""
    try:
        if getattr(task, "_must_cancel", False):
            return "CancelledError"
        args = h._args
        if not args:
            return None
        a = args[0]
        if wakeup:
            if a.cancelled():
                return "CancelledError"
            exc = getattr(a, "_exception", None)  # not a.exception(): that would mark it retrieved
            return type(exc).__name__ if exc is not None else None
        return type(a).__name__ if isinstance(a, BaseException) else None
    except Exception:
        return None


def _short(s, n=200):
    return s if len(s) <= n else s[:n] + "\u2026"


def _repr(x, n=200):
    """A program's object (a queue's item) as a short repr: a long str or bytes is cut before
    repr() copies it whole, and a repr that raises must not break the program."""
    try:
        if isinstance(x, (str, bytes, bytearray)) and len(x) > n:
            x = x[:n + 1]
        return _short(repr(x), n)
    except Exception:
        return "<unprintable %s>" % type(x).__name__


# A handle's fn by its callback's __qualname__. _set_result_unless_cancelled is
# asyncio.sleep's timer callback only in a TimerHandle: call_soon'd, it completes
# a waiter future (a transport's once its connection is made; on 3.13 also
# shutdown_default_executor's, threadsafe): `waiter.set_result` (_handle_fn).
_FN = {
    "_set_result_unless_cancelled": "sleep.set_result",
    "gather.<locals>._done_callback": "gather.done_callback",
    "TaskGroup._on_task_done": "taskgroup.on_task_done",
    "Timeout._on_timeout": "timeout.on_timeout",
    "_release_waiter": "wait_for.release_waiter",
    "_run_until_complete_cb": "run_until_complete_cb",
}
_describe_cache = {}


def _describe(cb):
    """(fn, label) of a plain callback; a functools.partial (asyncio's own done
    callbacks, e.g. sock_sendall's _sock_write_done) is named by its function."""
    while isinstance(cb, functools.partial):
        cb = cb.func
    q = getattr(cb, "__qualname__", None)
    if q is None:
        q = type(cb).__qualname__
    key = (q, type(getattr(cb, "__self__", None)))
    r = _describe_cache.get(key)
    if r is not None:
        return r
    fn = _FN.get(q, "callback")
    if fn == "callback":
        owner = getattr(cb, "__self__", None)
        if isinstance(owner, (asyncio.BaseTransport, asyncio.BaseProtocol, asyncio.base_events.Server)) or \
                q.startswith(("BaseSelectorEventLoop._sock", "BaseSelectorEventLoop._accept",
                              "BaseSelectorEventLoop._add_", "_SelectorSocketTransport",
                              "_SelectorTransport", "_SelectorDatagramTransport", "BaseSelectorEventLoop._read_from_self")):
            fn = "io.callback"
    r = (fn, q)
    _describe_cache[key] = r
    return r


def _awaiters(fut):
    """The tasks that await future fut: their wakeup is one of its done callbacks, or
    they await the gather() that fut is a child of."""
    for cb in getattr(fut, "_callbacks", None) or ():
        cb = cb[0] if type(cb) is tuple else cb  # (callback, context)
        owner = getattr(cb, "__self__", None)
        if isinstance(owner, asyncio.Task):
            yield owner
            continue
        for cell in getattr(cb, "__closure__", None) or ():  # gather's _done_callback: its outer future
            try:
                outer = cell.cell_contents
            except ValueError:
                continue
            if isinstance(outer, asyncio.tasks._GatheringFuture):
                yield from _awaiters(outer)


# asyncio.wait(timeout=)'s timer calls the same _release_waiter as wait_for's deadline; it
# cancels nothing and raises nothing, so it is a plain callback: the ids of those TimerHandles.
_WAIT_TIMERS = set()
_WAIT_LABEL = "asyncio.wait timeout"  # what its chip and predict's buttons say (not asyncio's function name)


def _handle_fn(h, fn):
    """The fn of handle h whose callback _describe() gave fn."""
    if fn == "wait_for.release_waiter" and _WAIT_TIMERS:
        if id(h) in _WAIT_TIMERS:
            _WAIT_TIMERS.discard(id(h))
            return "callback"
        return fn
    return "waiter.set_result" if fn == "sleep.set_result" and type(h) is not asyncio.events.TimerHandle else fn


def _callable_label(func):
    """to_thread wraps the function in partial(Context.run, func, ...): name the function."""
    while isinstance(func, functools.partial):
        inner = func.func
        if getattr(inner, "__name__", "") == "run" and func.args and callable(func.args[0]):
            func = func.args[0]
        else:
            func = inner
    return _describe(func)[1]


def _target(h):
    """The peer of an I/O wait, where known."""
    for a in h._args or ():
        if isinstance(a, socket.socket):
            return _peer(a)
    owner = getattr(h._callback, "__self__", None)
    if owner is not None and hasattr(owner, "get_extra_info"):
        try:
            pipe = owner.get_extra_info("pipe")  # a pipe transport's (unix_events): no peer
            if pipe is not None:
                return _pipe(owner, pipe)
            p = owner.get_extra_info("peername")
            if not p:  # None, or '' for a Unix socket's unnamed client: the end that has a name
                p = owner.get_extra_info("sockname")
            if p:
                return _addr(p)
        except Exception:
            pass
    return ""


def _pipe(transport, pipe):
    """A pipe's name: "pipe fd N", and which of a child's streams it is where the transport's
    protocol is a subprocess's pipe protocol (base_subprocess: its fd is 0, 1 or 2 in the child)."""
    name = "pipe fd %d" % pipe.fileno()
    proto = transport.get_protocol()
    if type(proto).__module__ == "asyncio.base_subprocess" and getattr(proto, "fd", None) in (0, 1, 2):
        name += " (the child's %s)" % ("stdin", "stdout", "stderr")[proto.fd]
    return name


def _peer(sock):
    try:
        p = sock.getpeername()
        return _addr(p if p else sock.getsockname())  # '': a Unix socket's unnamed client
    except OSError:
        try:
            return "listen " + _addr(sock.getsockname())
        except OSError:
            return "fd %d" % sock.fileno()


def _addr(a):
    if isinstance(a, tuple) and len(a) >= 2:
        return "%s:%s" % (a[0], a[1])
    return str(a)


_IO_KIND = {"_accept_connection": "accept", "_sock_accept": "accept", "_read_ready": "read", "_sock_recv": "read",
            "_sock_recv_into": "read", "_write_ready": "write", "_sock_sendall": "write", "_sock_connect_cb": "connect",
            "_sock_write_done": "write", "_read_ready__get_buffer": "read", "_read_ready__data_received": "read"}


# [SECTION] Hooks

R = None  # the Recorder while a program runs


def _begin(q_append, tt, num, it, tid, pos, thrown):
    """A step.begin record of its own: a task's first step, or one that an exception is thrown into."""
    if thrown is None:
        if pos[1] is None:
            q_append((K_BEGIN_NOFILE, tt, num, it, tid, pos[0]))
        else:
            q_append((K_BEGIN, tt, num, it, tid, pos[0], pos[1]))
    elif pos[1] is None:
        q_append((K_BEGIN_NOFILE_THROWN, tt, num, it, tid, pos[0], _js(thrown)))
    else:
        q_append((K_BEGIN_THROWN, tt, num, it, tid, pos[0], pos[1], _js(thrown)))


def _hot_hooks(rec, hrun):
    """ReadyQueue: loop._ready, whose append() is where a handle joins the ready
    queue (push); run(h): Handle._run.
    Every task step passes both, so they are closures over local names (no
    attribute or global look-ups they can avoid) and queue their events as
    records (K_PUSH ...), formatted later by the writer."""
    q_append = rec.q.append
    t0 = rec.t0
    now = _now
    get_ident = _get_ident
    Task = asyncio.Task
    TimerHandle = asyncio.events.TimerHandle
    Future = asyncio.Future
    step_types = set()   # the C Task's step wrapper type (it has no __name__)
    end_step = rec.end_step
    where = rec.where
    note_cancel = rec.note_cancel

    def after_poll(ls, h, cause):
        """A handle pushed after the poll: a due timer's timer.fire, a ready reader's or writer's io.done."""
        if cause is Q_TIMER:
            t = ls.timers.pop(id(h), None)
            if t is not None:  # armed with this callback: its label and fn as timer.arm gave them
                rec.put(K_TIMER_FIRE, ls, t)
        else:
            op = ls.io.get(id(h))
            if op is not None and op[5]:
                op[5] = False
                rec.put(K_IO_DONE, ls, (op[0], op[1], op[2], Q_READY, 0))

    def push(self, h):
        """What ReadyQueue.append records of a handle joining loop._ready (self)."""
        ls = self.ls
        loop = self.loop
        cb = h._callback
        task = getattr(cb, "__self__", None)
        phase = ls.phase
        if phase == RUN:
            ls.pushed += 1
        if (loop._thread_id or ls.thread) != get_ident():
            cause = Q_THREADSAFE
        elif phase == IO:  # after the poll: what _process_events queues, then the due timers
            cause = Q_TIMER if type(h) is TimerHandle else Q_IO
        else:
            cause = None
        step = None  # True: Task.__step; False: Task.__wakeup; None: not a task's own step
        kind = K_PUSH
        if task is not None and (type(task) is Task or isinstance(task, Task)):
            tcb = type(cb)
            if tcb in step_types:
                step = True
            else:
                name = getattr(cb, "__name__", None)
                if name is None:  # C: TaskStepMethWrapper
                    step_types.add(tcb)
                    step = True
                elif name.endswith("step"):  # Python: __step
                    step = True
                elif name.endswith("wakeup"):  # Python: __wakeup; C: task_wakeup
                    step = False
                # else another bound method of the task, e.g. call_soon(task.cancel):
                # a plain callback, not a step of the task
        if step is not None:
            tid = ls.tasks.get(id(task))
            known = tid is not None
            if not known:
                tid = rec.task_id(ls, task)
            lab = ls.labels.get(tid)
            if lab is None:
                lab = ls.labels[tid] = [None, _Lazy(task, " step"), _Lazy(task, " wakeup")]
            if step:
                fn = Q_STEP
                if cause is None:
                    cause = Q_YIELD if tid == ls.current else (Q_NEW if not known else Q_CANCEL)
                label = lab[1]
            else:  # a future it awaited is done
                fn = Q_WAKEUP
                if cause is None:
                    cause = Q_FUTURE
                    fut = h._args[0] if h._args else None
                    if fut is not None and fut.cancelled():
                        if task.cancelling():  # Task.cancel() cancelled the future it awaits
                            cause = Q_CANCEL
                            note_cancel(ls, task, tid)
                        else:  # Future.cancel() by someone else: its await raises, the task is not cancelled
                            kind = K_PUSH_FUTURE_CANCELLED
                label = lab[2]
            lazy = lab[0] is None  # before the task's first step its name may still change
            raw = None
        else:
            task = None
            tid = NULL
            fn, raw = _describe(cb)
            fn = _handle_fn(h, fn)
            if fn == "callback" and raw == "_release_waiter":  # asyncio.wait's timeout (_handle_fn)
                raw = _WAIT_LABEL
            label = _js(raw)
            lazy = False
            if cause is None:
                a = h._args
                cause = Q_FUTURE if (a and isinstance(a[0], Future)) else Q_SOON
            elif cause is Q_THREADSAFE and fn == "callback" and \
                    getattr(cb, "__qualname__", "").startswith("_chain_future"):
                fn = "pool.done"
                a = h._args  # _set_state(destination, source): a cancelled destination drops the result
                if a and isinstance(a[0], Future) and a[0].cancelled():
                    kind = K_PUSH_FUTURE_CANCELLED
            fn = Q[fn]
        if cause is Q_TIMER or cause is Q_IO:
            after_poll(ls, h, cause)
        hid = ls.next_handle
        ls.next_handle = hid + 1
        ls.handles[id(h)] = (hid, tid, label, fn, task, lazy)
        if lazy:
            q_append(("ready.push", now() - t0, ls.number, ls.it, hid, tid, label, cause, fn) +
                     ((True,) if kind == K_PUSH_FUTURE_CANCELLED else ()))
        else:
            q_append((kind, now() - t0, ls.number, ls.it, hid, tid, label, cause, fn))

    class ReadyQueue(collections.deque):
        """loop._ready: every handle that joins the ready queue passes append()."""
        __slots__ = ("ls", "loop")

        def append(self, h):
            _deque_append(self, h)
            # A timer cancelled while not at the heap's head is still moved here when
            # due, and skipped: it never runs (its timer.cancel is written), no push.
            if rec.on:
                if not h._cancelled:
                    push(self, h)
                else:
                    rec.skip(self.ls)

    def run(h):
        loop = h._loop
        ls = getattr(loop, "_loopscope", None)
        if ls is None or not rec.on:
            return hrun(h)
        info = ls.handles.pop(id(h), None)
        if ls.phase != RUN:
            ls.phase = RUN
            ls.pushed = 0
            ls.run_start = ls.next_handle
        t = now()
        if info is None:
            fn, raw = _describe(h._callback)
            fn = _handle_fn(h, fn)
            info = (0, NULL, _js(raw), Q[fn], None, False)
        hid, tid, label, fn, task, lazy = info
        left = len(loop._ready) - ls.pushed
        if ls.skips:
            left -= rec.skipped(ls, hid)
        if left < 0:
            left = 0
        num = ls.number
        it = ls.it
        if task is None:
            q_append((K_RUN, t - t0, num, it, hid, tid, label, left, fn))
            op = ls.io.get(id(h)) if ls.io else None
            try:
                return hrun(h)
            except BaseException as e:  # SystemExit, KeyboardInterrupt: Handle._run lets them out of the loop
                rec.loop_abort(ls, None, e)
                raise
            finally:
                if op is not None:
                    rec.rewait(ls, h, op)
        if task.cancelling():
            note_cancel(ls, task, tid)
        lab = ls.labels.get(tid)
        name = task.get_name()
        if lab is None or lab[0] != name:  # its first step (or set_name since): labels as JSON text now
            if lab is None or lab[0] is None:  # its first step: what was queued with its name to come says this one
                for lazy in [ls.names.pop(tid, None)] + (lab[1:] if lab else []):
                    if lazy is not None:
                        lazy.freeze()
            s = str(name)
            lab = ls.labels[tid] = [name, _js(s + " step"), _js(s + " wakeup")]
        tt = t - t0
        pos = ls.suspended.pop(tid, None)
        # What Task.__step throws into the coroutine: only a wakeup (its future) or a step with an
        # argument or a pending cancel can throw.
        thrown = _thrown(task, h, fn is Q_WAKEUP) if h._args or getattr(task, "_must_cancel", False) else None
        if pos is not None and thrown is None and not lazy:
            # It resumes where its last step.end left it: the reader writes that step.begin.
            q_append((K_RUN_RESUME, tt, num, it, hid, tid, label, left, fn))
        else:
            q_append(("ready.run" if lazy else K_RUN, tt, num, it, hid, tid, label, left, fn))
            if pos is None:
                line, f = where(task)[:2]
                pos = (line, _js(f) if f is not None else None, getattr(task.get_coro(), "cr_frame", None))
            _begin(q_append, tt, num, it, tid, pos, thrown)
        top = pos[2]  # the coroutine's own frame: still readable after it returns
        prev = ls.current
        ls.current = tid
        aborts = None
        try:
            hrun(h)
        except BaseException as e:  # SystemExit, KeyboardInterrupt: Task.__step stores and raises them again
            aborts = e
            raise
        finally:
            ls.current = prev
            end_step(ls, task, tid, t, now(), top)
            if aborts is not None:
                rec.loop_abort(ls, tid, aborts)
                aborts = None

    if _C is not None:  # the same hooks with their common case in C; the rest still runs above
        ReadyQueue.append, run_c = _C.setup(dict(
            rec=rec, q=rec.q, deque_append=_deque_append, hrun=hrun, push=push, run=run, end_step=end_step,
            awaits=rec.awaits, code_kind=rec.code_kind, Via=_Via, Task=Task, step_types=step_types, code_info=rec.code_info,
            Q=Q, K_END=K_END, t0=t0, SLOW_NS=SLOW_NS, K_PUSH=K_PUSH, K_RUN_RESUME=K_RUN_RESUME, RUN=RUN, IO=IO,
            LoopState=LoopState, ReadyQueue=ReadyQueue, Handle=asyncio.events.Handle, K_ITER=K_ITER, K_POLL=K_POLL,
            IDLE=IDLE, POLL=POLL, FLUSH_NS=FLUSH_NS, FLUSH_RECORDS=FLUSH_RECORDS,
            MAX_LINE=MAX_LINE, K_RUN=K_RUN, rewait=rec.rewait, loop_abort=rec.loop_abort,
            cancelled_in_step=rec.cancelled_in_step, skip=rec.skip, wait_timers=_WAIT_TIMERS, wait_label=_WAIT_LABEL, skipped=rec.skipped,
            describe=_describe, js=_js, Future=Future, TimerHandle=TimerHandle, NULL=NULL,
            K_TIMER_FIRE=K_TIMER_FIRE, K_IO_WAIT=K_IO_WAIT, K_IO_DONE=K_IO_DONE, Q_READY=Q_READY))
        return ReadyQueue, run_c
    return ReadyQueue, run


def _install(rec):
    global R
    R = rec
    BEL = asyncio.base_events.BaseEventLoop
    SEL = asyncio.selector_events.BaseSelectorEventLoop
    # Handle._run: every handle the loop runs (task steps are handles too).
    hrun = asyncio.events.Handle._run
    ReadyQueue, run = _hot_hooks(rec, hrun)
    asyncio.events.Handle._run = _like(run, hrun)

    def wrap(cls, name, make):
        orig = getattr(cls, name)
        setattr(cls, name, _like(make(orig), orig))

    def init(orig):
        def __init__(self, *a, **k):
            orig(self, *a, **k)
            ls = rec.state(self)
            q = ReadyQueue(self._ready)
            q.ls, q.loop = ls, self
            self._ready = q
        return __init__
    wrap(BEL, "__init__", init)

    def sel_init(orig):
        def __init__(self, *a, **k):
            orig(self, *a, **k)  # BaseEventLoop.__init__ runs first, inside; _selector is set after it
            _hook_selector(rec, self, self._selector)
        return __init__
    wrap(SEL, "__init__", sel_init)

    # _run_once itself is not wrapped: an iteration's loop.iter and loop.poll
    # are written around its select() (_hook_selector), the one call every
    # iteration makes, and the phase after it (I/O callbacks, then due timers)
    # is told apart by the handle's type (TimerHandle).

    def close(orig):
        def close_(self):
            ls = getattr(self, "_loopscope", None)
            if ls is not None and rec.on and not self._closed and not self.is_running():
                # close() clears _ready and _scheduled: what is still queued never runs
                # (a cancelled handle already had its ready.cancel).
                rec.put(K_LOOP_CLOSE, ls, (sum(1 for h in self._ready if not h._cancelled),
                                           sum(1 for h in self._scheduled if not h._cancelled)))
                ls.handles.clear()
                ls.timers.clear()
                ls.io.clear()
                ls.skips.clear()
            orig(self)
            if ls is not None and rec.claimed.get(ls.number) is not None and rec.claimed[ls.number]() is self:
                del rec.claimed[ls.number]
        return close_
    wrap(BEL, "close", close)

    # asyncio.timeout() blocks (3.11+): which task is inside which, for `on: timeout`.
    # reschedule() runs in __aenter__ (and on cm.reschedule()); hooking it keeps
    # the recorder out of the frames a TimeoutError's traceback shows.
    timeout_cls = getattr(getattr(asyncio, "timeouts", None), "Timeout", None)
    if timeout_cls is not None and hasattr(timeout_cls, "reschedule"):
        def t_reschedule(orig):
            def reschedule(self, when):
                orig(self, when)
                task = getattr(self, "_task", None)
                if task is not None:
                    blocks = rec.timeouts.setdefault(id(task), [])
                    if self not in blocks:
                        blocks.append(self)
            return reschedule
        wrap(timeout_cls, "reschedule", t_reschedule)


    def call_at(orig):
        def call_at_(self, when, callback, *args, **kw):
            h = orig(self, when, callback, *args, **kw)
            if self._debug:
                _unwrapped(h)
            ls = getattr(self, "_loopscope", None)
            if ls is not None and rec.on:
                timer = ls.next_timer
                ls.next_timer += 1
                due = int(when * 1e9) - rec.t0
                cur = ls.current if _get_ident() == ls.thread else None
                fn, label = _describe(callback)
                if fn == "wait_for.release_waiter":
                    f = sys._getframe(2)  # call_at_ <- call_later <- asyncio.wait's _wait?
                    if f.f_code.co_name == "_wait" and f.f_code.co_filename.startswith(_ASYNCIO_DIR):
                        fn, label = "callback", _WAIT_LABEL
                        _WAIT_TIMERS.add(id(h))
                args = ls.timers[id(h)] = (timer, due, _id(cur), _js(label), Q[fn])  # timer.fire's and .cancel's too
                rec.put(K_TIMER_ARM, ls, args)
            return h
        return call_at_
    wrap(BEL, "call_at", call_at)

    # A handle cancelled while it waits in _ready (a reader or writer removed
    # after its fd was reported ready, a due sleep's timer of a task cancelled
    # meanwhile) is popped by _run_once and skipped: it never runs.
    hcancel = asyncio.events.Handle.cancel

    def handle_cancel(self):
        if not self._cancelled and rec.on:
            ls = getattr(self._loop, "_loopscope", None)
            info = ls.handles.pop(id(self), None) if ls is not None else None
            if info is not None:
                hid, tid, label = info[:3]
                rec.put(K_READY_CANCEL, ls, (hid, tid, str(label) if info[5] else label))  # a _Lazy's str is JSON
                rec.skip(ls, hid + 1)
            # A reader's or writer's wait ends when its handle is cancelled: the selector
            # loop does so in _remove_reader/_remove_writer and when _add_reader or
            # _add_writer replaces it with another callback.
            op = ls.io.pop(id(self), None) if ls is not None and ls.io else None
            if op is not None and op[5]:
                rec.put(K_IO_DONE, ls, (op[0], op[1], op[2], Q_REMOVED, 0))
        return hcancel(self)
    asyncio.events.Handle.cancel = _like(handle_cancel, hcancel)

    tcancel = asyncio.events.TimerHandle.cancel

    def timer_cancel(self):
        ls = getattr(self._loop, "_loopscope", None)
        if ls is not None and rec.on and not self._cancelled:
            t = ls.timers.pop(id(self), None)
            if t is not None:
                rec.put(K_TIMER_CANCEL, ls, t)
            _WAIT_TIMERS.discard(id(self))
        return tcancel(self)
    asyncio.events.TimerHandle.cancel = _like(timer_cancel, tcancel)

    def create_task(orig):
        def create_task_(self, coro, **kw):
            ls = getattr(self, "_loopscope", None)
            factory = self._task_factory
            if ls is None or not rec.on or factory is None or not self.is_running() or \
                    "eager" not in getattr(factory, "__qualname__", ""):
                task = orig(self, coro, **kw)
                return _unwrapped(task) if self._debug else task
            # 3.12+ eager tasks: the first step runs inside create_task, with no push.
            tid = ls.next_task
            ls.next_task += 1
            name = _Lazy(None)
            rec.emit_now("task.new", ls, (tid, name, ls.current))
            line = _line(getattr(getattr(coro, "cr_frame", None), "f_lineno", 0))
            rel = rec.files.rel(coro.cr_code.co_filename) if hasattr(coro, "cr_code") else None
            t = _now()
            rec.emit("step.begin", ls, t, (tid, line, rel))
            saved, ls.eager = ls.eager, (tid, name)
            prev, ls.current = ls.current, tid
            try:
                task = orig(self, coro, **kw)
            finally:
                ls.eager, ls.current = saved, prev
            if name.ref is None:
                name.set(task)
                ls.tasks[id(task)] = tid
            rec.end_step(ls, task, tid, t, _now())
            return task
        return create_task_
    wrap(BEL, "create_task", create_task)

    def run_in_executor(orig):
        def run_in_executor_(self, executor, func, *args):
            ls = getattr(self, "_loopscope", None)
            thread_pool = executor is None or isinstance(executor, concurrent.futures.ThreadPoolExecutor)
            if ls is None or not rec.on or not thread_pool:
                # Another process's work (a ProcessPoolExecutor) has no thread here to watch,
                # and must stay picklable: func goes as it is, and the task awaits a future.
                return orig(self, executor, func, *args)
            job = rec.next_job
            rec.next_job += 1
            tid = ls.current
            rec.emit_now("pool.submit", ls, (job, tid, _callable_label(func)))

            def work(*a):
                me = _get_ident()
                w = rec.workers.get(me)
                if w is None:
                    w = rec.workers[me] = len(rec.workers)
                rec.emit_now("pool.start", ls, (job, tid, w))
                end = "pool.end.raised"  # its exception goes back to the loop instead of a result
                try:
                    r = func(*a)
                    end = "pool.end"
                    return r
                finally:
                    rec.emit_now(end, ls, (job, tid, w))
            fut = orig(self, executor, work, *args)
            rec.pool_futures.add(fut)
            return fut
        return run_in_executor_
    wrap(BEL, "run_in_executor", run_in_executor)

    for name, is_reader in (("_add_reader", True), ("_add_writer", False)):
        def add(orig, is_reader=is_reader):
            def add_(self, fd, callback, *args):
                h = orig(self, fd, callback, *args)
                ls = getattr(self, "_loopscope", None)
                if ls is None or not rec.on:
                    return h
                # Both return None before 3.12... find the handle in the selector.
                if h is None:
                    try:
                        r, w = self._selector.get_key(fd).data
                        h = r if is_reader else w
                    except (KeyError, ValueError):
                        return None
                if h is None or h._callback.__name__ == "_read_from_self":
                    return h
                kind = _IO_KIND.get(h._callback.__name__, "read" if is_reader else "write")
                op = ls.next_op
                ls.next_op += 1
                cur = ls.current if _get_ident() == ls.thread else None
                # task, kind and target as JSON text: the handle keeps its callback and args, so a
                # re-wait (rewait) has the same peer
                wait = ls.io[id(h)] = [op, _id(cur), _q(kind), _js(_target(h)), is_reader, True]
                rec.put(K_IO_WAIT, ls, (op, wait[1], wait[2], wait[3]))
                return h
            return add_
        wrap(SEL, name, add)


    def call_exception_handler(orig):
        def call_exception_handler_(self, context):
            ls = getattr(self, "_loopscope", None)
            fut = context.get("future")
            if ls is not None and rec.on and isinstance(fut, asyncio.Task) and \
                    str(context.get("message", "")).startswith("Task exception was never retrieved"):
                tid = ls.tasks.get(id(fut))
                exc = context.get("exception")
                rec.emit_now("task.unretrieved", ls, (tid, _short(repr(exc))))
            return orig(self, context)
        return call_exception_handler_
    wrap(BEL, "call_exception_handler", call_exception_handler)

    # asyncio.Queue: an item enters in _put and leaves in _get. put_nowait and get_nowait call
    # them (put and get call those), and 3.13's shutdown(immediate=True) drains with _get.
    # Hooked there, not at put_nowait: QueueFull and QueueEmpty are raised before them, so a
    # failed call writes nothing and its traceback has no recorder frame, and the event comes
    # before the ready.push of the getter or putter it wakes, as the engine writes it.
    # LifoQueue and PriorityQueue have their own _put and _get.
    def queue_put(orig):
        def put_(self, item, *a):
            r = orig(self, item, *a)
            rec.queue_event(K_QUEUE_PUT, self, item)
            return r
        return put_

    def queue_get(orig):
        def get_(self, *a):
            item = orig(self, *a)
            rec.queue_event(K_QUEUE_GET, self, item)
            return item
        return get_
    for cls in (asyncio.Queue, asyncio.LifoQueue, asyncio.PriorityQueue):
        wrap(cls, "_put", queue_put)
        wrap(cls, "_get", queue_get)

    # How the program runs its loop: run.begin's entry. (Runner.__init__ is
    # wrapped, not asyncio.run, so that no recorder frame sits in the middle
    # of a traceback through asyncio.run.)
    arun_code = asyncio.runners.run.__code__

    rinit = asyncio.runners.Runner.__init__

    def runner_init(self, *, debug=None, loop_factory=None):
        if rec.entry is None:
            rec.entry = "asyncio.run" if sys._getframe(1).f_code is arun_code else "asyncio.Runner"
        if loop_factory is not None and getattr(loop_factory, "__module__", "").startswith("uvloop"):
            _uvloop_note()
            loop_factory = None
        rinit(self, debug=debug, loop_factory=loop_factory)
    asyncio.runners.Runner.__init__ = _like(runner_init, rinit)

    setpol = asyncio.events.set_event_loop_policy

    def set_event_loop_policy(policy):
        if policy is not None and type(policy).__module__.startswith("uvloop"):
            _uvloop_note()
            return setpol(None)
        return setpol(policy)
    asyncio.events.set_event_loop_policy = asyncio.set_event_loop_policy = _like(set_event_loop_policy, setpol)

    # time.sleep on the loop thread inside a handle blocks the whole loop.
    tsleep = time.sleep

    def sleep(secs):
        loop = _get_running_loop()
        ls = getattr(loop, "_loopscope", None) if loop is not None else None
        if ls is None or not rec.on or ls.phase != RUN:
            return tsleep(secs)
        line, f = rec.caller()
        cur = ls.current
        t = _now()
        rec.emit("block.begin", ls, t, (cur, "sleep", line, "time.sleep(%g)" % secs, f))
        try:
            return tsleep(secs)
        finally:
            t2 = _now()
            rec.emit("block.end", ls, t2, (cur, "sleep", line, t2 - t, "time.sleep(%g)" % secs, f))
    time.sleep = _like(sleep, tsleep)


def _hook_selector(rec, loop, sel):
    """An iteration: loop.iter (what is ready as it starts), then the poll:
    select()'s timeout and how long it really waited. _run_once calls select()
    once per iteration and does nothing observable before it."""
    select = sel.select
    if _C is not None:  # the same hook in C
        sel.select = _C.select_hook(loop, select, rec.w)
        return
    q_append = rec.q.append
    w = rec.w
    t0 = rec.t0
    now = _now

    def select_(timeout=None):
        ls = getattr(loop, "_loopscope", None)
        if ls is None or not rec.on:
            return select(timeout)
        ls.it = it = ls.it + 1
        ls.pushed = 0
        ls.phase = POLL
        num = ls.number
        t = now()
        q_append((K_ITER, t - t0, num, it, len(loop._ready)))
        if t - w.flushed_ns >= FLUSH_NS or (FLUSH_RECORDS and len(w.q) >= FLUSH_RECORDS):
            w.flush_from_loop()
        aborts = None
        try:
            r = select(timeout)
        except BaseException as e:  # a signal handler's KeyboardInterrupt: it leaves the loop
            ls.phase = IDLE
            aborts = e
            raise
        finally:
            t2 = now()
            if timeout is None:
                ms = -1
            elif timeout <= 0:
                ms = 0
            else:  # what epoll_wait is given (selectors rounds up to whole ms)
                ms = -(-int(timeout * 1e9) // 1_000_000)
            q_append((K_POLL, t - t0, num, it, ms, t2 - t))
            if aborts is not None:
                rec.loop_abort(ls, None, aborts)
                aborts = None
        ls.phase = IO
        return r
    sel.select = _like(select_, select)


_uvloop_said = False


def _uvloop_note():
    global _uvloop_said
    if not _uvloop_said:
        _uvloop_said = True
        sys.stderr.write("loopscope: uvloop cannot be recorded (its loop is C code); running on asyncio's standard loop\n")


# [SECTION] stdout: prints become events, output passes through unchanged

class _Stdout:
    def __init__(self, real, rec):
        self._real = real
        self._rec = rec
        self._pending = rec.print_buf

    def write(self, s):
        n = self._real.write(s)
        rec = self._rec
        if rec.on and isinstance(s, str):
            if "\n" not in s:  # a piece of a line (print() writes them one by one), kept until its end comes
                key = _get_ident()
                self._pending[key] = self._pending.get(key, "") + s
                return n
            try:
                rec.on_write(s)
            except Exception:
                pass
        return n

    def __getattr__(self, name):
        return getattr(self._real, name)


# [SECTION] Main: run the program as python3 FILE.py would

def _usage():
    sys.stderr.write("usage: loopscope_recorder.py [--events F.jsonl | --fd N | --records-fd N] [--duration S] "
                     "[--limit N] [--] FILE.py [ARGS...]\n")
    sys.exit(2)


def _user_traceback(exc):
    """The traceback from the program's first frame on, as python3 FILE.py shows it: without
    the recorder's frames (its main, runpy, the -c bootstrap's frame before the program's, a
    Python hook such as Handle._run's inside it)."""
    tb = exc.__traceback__
    here = os.path.realpath(__file__)
    while tb is not None and (os.path.realpath(tb.tb_frame.f_code.co_filename) == here or
                              tb.tb_frame.f_code.co_filename.endswith(("runpy.py", "<frozen runpy>")) or
                              tb.tb_frame.f_code.co_filename == "<string>"):  # the -c bootstrap's frame
        tb = tb.tb_next
    at = tb
    while at is not None:
        while at.tb_next is not None and at.tb_next.tb_frame.f_code.co_filename == __file__:
            at.tb_next = at.tb_next.tb_next
        at = at.tb_next
    return tb


def main(argv):
    events = None
    fd = None
    duration = None
    limit = DEFAULT_LIMIT
    records = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            i += 1
            break
        if not a.startswith("--"):
            break
        if i + 1 >= len(argv):
            _usage()
        v = argv[i + 1]
        try:
            if a == "--events":
                events = v
            elif a == "--fd":
                fd = int(v)
            elif a == "--records-fd":
                fd = int(v)
                records = True
            elif a == "--duration":
                duration = float(v)
            elif a == "--limit":
                limit = int(v)
            else:
                _usage()
        except ValueError:
            _usage()
        i += 2
    if i >= len(argv):
        _usage()
    script, args = argv[i], argv[i + 1:]
    try:
        with open(script, "rb") as f:
            code_bytes = f.read()
    except OSError as e:
        sys.stderr.write("loopscope: %s: %s\n" % (script, e.strerror or e))
        sys.exit(2)

    if fd is None:
        if events is None:
            events = os.devnull
        fd = os.open(events, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    root = os.path.dirname(os.path.realpath(script))
    if records:
        os.set_inheritable(fd, False)  # the program's own children must not hold loopscope's pipe open
    writer = Writer(fd, limit, records)
    rec = None

    def emit_source(rel, text):
        rec.emit_now("source", None, (rel, text))
    files = Files(root, emit_source)
    rec = Recorder(writer, files)

    def truncated():
        rec.stop_recording()
        sys.stderr.write("loopscope: the trace stopped at %d events (limit reached); the program runs on unrecorded\n"
                         % limit)
    writer.on_truncate = truncated

    params = json.dumps({"file": os.path.basename(script), "argv": [script] + args}, ensure_ascii=False)
    rec.emit_now("run.begin", None, (os.path.basename(script), params, lambda: rec.entry or "none",
                                     "%d.%d.%d" % PY[:3]))
    files.rel(os.path.realpath(script))

    _install(rec)
    sys.stdout = _Stdout(sys.stdout, rec)
    # The program sees what python3 FILE.py gives it.
    sys.argv = [script] + args
    sys.path[0] = root

    # Nothing is written until the program starts a loop (run.begin names how)
    # or ends; then a writer thread flushes every FLUSH_S.
    def release():
        while rec.entry is None and not writer.closed:
            time.sleep(0.01)
        writer.held = False
        writer.flush()
    threading.Thread(target=release, name="loopscope-start", daemon=True).start()
    writer.run_flusher()

    if duration is not None:
        def stop():
            rec.how = "duration"
            os.kill(os.getpid(), signal.SIGINT)

        def force():
            rec.end = None
            finish("duration", 130, "error", "stopped after --duration (it did not end on SIGINT)")
            final()
            os._exit(130)
        for delay, fn in ((duration, stop), (duration + 5, force)):
            t = threading.Timer(delay, fn)
            t.daemon = True
            t.start()

    # How the program ended is known when run_path returns or raises; run.end
    # is written at exit (atexit runs after threading's join of the program's
    # threads), so the last events of teardown (a "Task exception was never
    # retrieved" at garbage collection) still come before it.
    def finish(how, code, status, error):
        if rec.end is None:
            rec.end = (status, error, how, code)

    def final(flush_stdout=True):
        if rec.how == "done":
            return
        rec.how = "done"
        if rec.end is None:
            rec.end = ("error", "the interpreter exited early", "crash", 1)
        try:
            if flush_stdout:
                sys.stdout.flush()
        except Exception:
            pass
        for k, rest in list(rec.print_buf.items()):
            if rest:
                rec.emit_now("print", rec.last_ls, (None, 0, rest, None))
        rec.print_buf.clear()
        rec.stop_recording()
        ls = rec.last_ls
        rec.q.append((K_RUN_END, _now() - rec.t0, 0, ls.it if ls else 0) + _record("run.end", rec.end)[1])
        writer.held = False
        writer.flush()
        writer.closed = True
    atexit.register(final)

    def on_sigterm(signum, frame):
        finish("sigterm", 143, "error", "SIGTERM")
        final()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
    signal.signal(signal.SIGTERM, on_sigterm)

    # os._exit ends the process without atexit: the trace is finished first
    # (how it ended is "return" with its code, as for sys.exit), and the
    # program's stdout is left unflushed, as os._exit leaves it.
    real_exit = os._exit

    def exit_(code):
        finish("return", code, "ok" if code == 0 else "error", None if code == 0 else "os._exit(%r)" % (code,))
        final(flush_stdout=False)
        real_exit(code)
    os._exit = _like(exit_, real_exit)

    # A forked child (os.fork, multiprocessing) runs on unrecorded: the trace
    # is its parent's, and two writers on one pipe would interleave two runs.
    def forked():
        rec.stop_recording()
        rec.how = "done"                 # no run.end at its exit
        writer.lock = threading.Lock()   # the parent's writer thread may have held it at the fork
        writer.closed = True
        if writer.fd > 2:
            try:
                os.close(writer.fd)
            except OSError:
                pass
    os.register_at_fork(after_in_child=forked)

    main_mod = sys.modules["__main__"]
    exits = None
    try:
        runpy.run_path(os.path.abspath(script), run_name="__main__")
    except SystemExit as e:
        c = e.code
        code = 0 if c is None else (c if isinstance(c, int) else 1)
        finish("return", code, "ok" if code == 0 else "error", None if code == 0 else "SystemExit(%r)" % (c,))
        _no_loop_note(rec)
        # A task that raised it keeps it ("Task exception was never retrieved" prints its traceback
        # when the task is collected): from the program's first frame, as under python3 FILE.py. A
        # new SystemExit goes on up, raised outside this block, so no frame is added to this one's.
        e.__traceback__ = _user_traceback(e)
        exits = (c,)
    except KeyboardInterrupt as e:
        how = "duration" if rec.how == "duration" else "sigint"
        finish(how, 130, "error", "KeyboardInterrupt")
        sys.modules["__main__"] = main_mod
        e.__traceback__ = _user_traceback(e)
        sys.excepthook(type(e), e, e.__traceback__)
        sys.exit(130)
    except BaseException as e:
        err = "%s: %s" % (type(e).__name__, e)
        if isinstance(e, SyntaxError):
            shown = script if e.filename in (None, os.path.abspath(script)) else e.filename
            where = shown if e.lineno is None else "%s:%s" % (shown, e.lineno)  # None: null bytes in the file
            if e.lineno is None and isinstance(e.msg, str):  # compile()'s words: python3 FILE.py's are these
                e.msg = e.msg.replace("source code string", "source code")
            sys.stderr.write("loopscope: %s: syntax error: %s\n" % (where, e.msg))
        finish("exception", 1, "error", err)
        e.__traceback__ = _user_traceback(e)
        sys.excepthook(type(e), e, e.__traceback__)
        if not isinstance(e, SyntaxError):  # a program that could not be compiled never ran: nothing to add
            _no_loop_note(rec)
        sys.exit(1)
    if exits is not None:
        sys.exit(exits[0])
    finish("return", 0, "ok", None)
    _no_loop_note(rec)


def _no_loop_note(rec):
    if rec.entry is None:
        sys.stderr.write("loopscope: no event loop ran (the program never called asyncio.run or "
                         "run_until_complete), so the trace holds its prints only\n")


# loopscope starts the recorder as `python3 -c BOOTSTRAP loopscope_recorder.py
# ARGS...` (kRecorderBootstrap, app/cli/python_program.cpp): an import, whose
# compiled code Python caches, where a script run as __main__ is compiled on
# every run (~25 ms, 5% of a half-second program). Run directly, it works the same.
if __name__ == "__main__":
    main(sys.argv[1:])
