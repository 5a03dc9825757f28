// The CPython recorder's hot path in C: an optional accelerator for
// core/cpython/loopscope_recorder.py, as _asyncio is for asyncio.
//
// The Python recorder stays the whole specification. This module does, for
// the common case only, exactly what its hooks do (the same records, the
// same bookkeeping, in the same order) and hands every other case to the
// Python code before it has changed anything:
//   append(ready, h)  ReadyQueue.append: a known task's step after a bare yield
//                     (`await sleep(0)`) or its wakeup by a future that is done;
//   run(h)            Handle._run: a task's step that resumes where it suspended;
//                     its end (step.end) while the task is not done;
//   dumps(batch, k)   a flush's records as marshal (version 4, no references)
//                     and how many are two events (kind k, K_RUN_RESUME).
// loopscope builds it against the build's Python (CMake, python3-dev); the
// recorder imports it when the interpreter running the program can (the
// extension's ABI tag names that Python), and runs on its own otherwise, or
// when LOOPSCOPE_RECORDER_PURE is set. docs/recorder.md, docs/performance.md.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>
#include <structmember.h>
#include <pythread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

// -- what setup() hands over ----------------------------------------------

static struct {
  PyObject *rec, *q;                      // the Recorder, its queue (a list)
  PyObject *deque_append, *hrun;          // deque.append, Handle._run as asyncio has it
  PyObject *push_py, *run_py;             // the Python hooks: every case the C path leaves
  PyObject *end_step_py, *awaits, *code_kind, *rewait;  // Recorder.end_step / awaits / code_kind / rewait (bound)
  PyObject *skip, *skipped;                              // Recorder.skip / skipped: cancelled handles in _ready
  PyObject *loop_abort, *cancelled_in_step;              // Recorder.loop_abort / cancelled_in_step (bound)
  PyObject *task_type, *step_types, *code_info;
  PyTypeObject *ls_type, *rq_type, *handle_type;  // LoopState, ReadyQueue, asyncio.Handle
  PyTypeObject* via_type;                 // _Via: code_kind() of an asyncio function whose waits are its own
  PyObject *Q;                            // word -> JSON text (causes, fns, waits)
  PyObject *k_end;                        // K_END[slow][file][on: none, on, on and via][target]
  PyObject *q_step, *q_wakeup, *q_yield, *q_future, *q_soon, *q_timer, *q_io, *q_ready, *null;
  PyObject *q_sleep_set_result, *q_waiter_set_result;  // fns: a call_soon'd _set_result_unless_cancelled
  PyObject *q_release_waiter, *q_callback, *wait_timers, *wait_label;  // asyncio.wait's timeout timers
  PyObject *describe, *js, *future_type;  // the Python hook's helpers, Future
  PyTypeObject* timer_handle_type;
  PyObject* empty;                        // ()
  long long t0, slow_ns;
  long k_push, k_run, k_run_resume, k_iter, k_poll, run_phase, io_phase, idle_phase, poll_phase;
  long k_timer_fire, k_io_wait, k_io_done;
  long long flush_ns, flush_records;
  long long max_line;  // MAX_LINE: a line past it is written as 0
  Py_ssize_t code_extra;                  // the code objects' slot for what code_kind() says of them
  int ready, on;
} S;

// The __slots__ read on every step, by their offsets (LoopState, ReadyQueue,
// Handle are classes with __slots__: a slot is a pointer at a fixed offset).
static struct {
  Py_ssize_t skips, run_start;                                  // LoopState: cancelled handles in _ready
  Py_ssize_t phase, pushed, current, tasks, next_handle, handles, labels, suspended, number, it, thread, io;  // LoopState
  Py_ssize_t timers, next_op, cancels;                          // LoopState
  Py_ssize_t rq_ls, rq_loop;                                    // ReadyQueue
  Py_ssize_t h_callback, h_args, h_loop, h_cancelled;           // Handle
} O;

#define SLOT(o, off) (*(PyObject**)((char*)(o) + (off)))

static PyObject *s_exception, *s_thread_id, *s_self, *s_cancelled, *s_loopscope, *s_cr_frame, *s_cr_await, *s_gi_frame,
    *s_gi_yieldfrom, *s_ag_frame, *s_ag_await, *s_ready, *s_flushed_ns, *s_flush_from_loop;

// A task's methods and attributes read on every step, as Task's own
// descriptors (no look-up by name): T_DONE... index task_attr.
enum { T_DONE, T_GET_CORO, T_CANCELLING, T_GET_NAME, T_MUST_CANCEL, T_FUT_WAITER, T_COUNT };
static const char* task_attr_names[T_COUNT] = {"done", "get_coro", "cancelling", "get_name", "_must_cancel",
                                               "_fut_waiter"};
static PyObject* task_attr[T_COUNT];

// task.NAME() for a method, task.NAME for an attribute (a new reference).
static PyObject* task_call(int i, PyObject* task) { return PyObject_Vectorcall(task_attr[i], &task, 1, NULL); }

static PyObject* task_get(int i, PyObject* task) {
  PyObject* d = task_attr[i];
  descrgetfunc get = Py_TYPE(d)->tp_descr_get;
  if (get != NULL && Py_TYPE(d)->tp_descr_set != NULL) return get(d, task, (PyObject*)Py_TYPE(task));
  return PyObject_GetAttrString(task, task_attr_names[i]);
}

static int task_truth(int i, PyObject* task) {
  PyObject* r = i < T_MUST_CANCEL ? task_call(i, task) : task_get(i, task);
  if (r == NULL) return -1;
  int t = PyObject_IsTrue(r);
  Py_DECREF(r);
  return t;
}

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);  // time.monotonic_ns's clock
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// A slot's value, borrowed; NULL with an error when it is unset.
static PyObject* slot(PyObject* o, Py_ssize_t off) {
  PyObject* v = SLOT(o, off);
  if (v == NULL) PyErr_SetString(PyExc_AttributeError, "_loopscope_recorder: a slot is unset");
  return v;
}

static int slot_long(PyObject* o, Py_ssize_t off, long long* out) {
  PyObject* v = slot(o, off);
  if (v == NULL) return -1;
  *out = PyLong_AsLongLong(v);
  return (*out == -1 && PyErr_Occurred()) ? -1 : 0;
}

static void slot_set(PyObject* o, Py_ssize_t off, PyObject* v) { Py_XSETREF(SLOT(o, off), Py_NewRef(v)); }

static int slot_set_long(PyObject* o, Py_ssize_t off, long long v) {
  PyObject* x = PyLong_FromLongLong(v);
  if (x == NULL) return -1;
  Py_XSETREF(SLOT(o, off), x);
  return 0;
}

// getattr(o, name, None) as a new reference (NULL only with an error set).
static PyObject* attr_or_none(PyObject* o, PyObject* name) {
  PyObject* v = PyObject_GetAttr(o, name);
  if (v == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
    PyErr_Clear();
    v = Py_NewRef(Py_None);
  }
  return v;
}

// loop._ready (a new reference). The last loop's is remembered, weakly (the
// program's loops are collected as under python3): a loop's ReadyQueue is set
// once, by the recorder's BaseEventLoop.__init__, so it lives as long as its
// loop.
static PyObject* last_loop;   // a weak reference
static PyObject* last_ready;  // borrowed: loop._ready of that loop

static PyObject* ready_of(PyObject* loop) {
  if (last_loop != NULL && PyWeakref_GET_OBJECT(last_loop) == loop) return Py_NewRef(last_ready);
  PyObject* ready = attr_or_none(loop, s_ready);
  if (ready != NULL && Py_TYPE(ready) == S.rq_type && SLOT(ready, O.rq_loop) == loop) {
    PyObject* ref = PyWeakref_NewRef(loop, NULL);
    if (ref == NULL) PyErr_Clear();  // not weakly referable: not remembered
    else {
      Py_XSETREF(last_loop, ref);
      last_ready = ready;
    }
  }
  return ready;
}

static PyObject* call0(PyObject* o, PyObject* name) { return PyObject_CallMethodNoArgs(o, name); }

// Calls a method and answers its truth (-1: an error).
static int call_truth(PyObject* o, PyObject* name) {
  PyObject* r = call0(o, name);
  if (r == NULL) return -1;
  int t = PyObject_IsTrue(r);
  Py_DECREF(r);
  return t;
}

// d.get(key) as a borrowed reference (NULL: absent, or an error if set).
static PyObject* get_item(PyObject* d, PyObject* key) {
  if (!PyDict_Check(d)) {
    PyErr_SetString(PyExc_TypeError, "expected a dict");
    return NULL;
  }
  return PyDict_GetItemWithError(d, key);
}

// d.get(id(o)): the recorder keys tasks and handles by id().
static PyObject* get_by_id(PyObject* d, PyObject* o, PyObject** key_out) {
  PyObject* key = PyLong_FromVoidPtr(o);
  if (key == NULL) return NULL;
  PyObject* v = get_item(d, key);
  if (key_out) *key_out = key;
  else Py_DECREF(key);
  return v;
}

// -- records ---------------------------------------------------------------
//
// A record is (kind, t, loop, it, *args) of ints and JSON text
// (loopscope_recorder.py, "Record kinds"). With --records-fd, loopscope's
// way, the queue is a Records object: the hooks write each record straight
// into its marshal form (version 4 without references: what marshal.loads
// and loopscope's RecordStream read), so no tuple or int object is made for
// it. A record that holds a name to read only when written (queued by event
// name) waits as the tuple it is. With --events the queue is a list of tuples.

typedef struct {
  PyObject* o;  // NULL: the int v
  long long v;
} Item;

#define I(x) ((Item){NULL, (x)})
#define O(x) ((Item){(x), 0})

// A growing buffer of records in marshal form, in raw memory (a Records
// queue's two frames, splice()'s output). A failed grow leaves it as it was.
typedef struct {
  char* p;  // NULL until the first grow
  Py_ssize_t n, cap;
} Buf;

static int grow_to(Buf* b, Py_ssize_t need) {
  Py_ssize_t cap = b->cap ? b->cap : 65536;
  while (cap < need) cap *= 2;
  char* p = PyMem_RawRealloc(b->p, (size_t)cap);
  if (p == NULL) {
    PyErr_NoMemory();
    return -1;
  }
  b->p = p, b->cap = cap;
  return 0;
}

static inline int grow(Buf* b, Py_ssize_t more) { return b->n + more <= b->cap ? 0 : grow_to(b, b->n + more); }

static void buf_free(Buf* b) {
  PyMem_RawFree(b->p);
  b->p = NULL, b->n = b->cap = 0;
}

static inline void put_i32(Buf* b, long v) {
  uint32_t u = (uint32_t)v;
  unsigned char le[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16), (unsigned char)(u >> 24)};
  memcpy(b->p + b->n, le, 4);
  b->n += 4;
}

// Room for a record of 255 items of up to 15 bytes (a text's header and 10
// characters; longer texts make room for themselves).
enum { ROOM = 2 + 15 * 255 };

static inline void put_int(Buf* b, long long v) {
  if (v >= -2147483647LL - 1 && v <= 2147483647LL) {
    b->p[b->n++] = 'i';
    put_i32(b, (long)v);
    return;
  }
  // TYPE_LONG: the number of 15-bit digits (negative for a negative number), least significant first
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  int digits = 0;
  for (unsigned long long x = u; x; x >>= 15) digits++;
  b->p[b->n++] = 'l';
  put_i32(b, v < 0 ? -digits : digits);
  for (int i = 0; i < digits; i++, u >>= 15) {
    unsigned d = (unsigned)(u & 0x7fff);
    b->p[b->n++] = (char)(d & 0xff);
    b->p[b->n++] = (char)(d >> 8);
  }
}

// One item as marshal writes it, with ROOM made (a text longer than ROOM
// allows makes room for itself). 0: done; 1: a value this writer leaves to
// the Python side; -1: an error.
static int put_item(Buf* b, PyObject* o) {
  if (PyLong_CheckExact(o)) {
    long long v;
    Py_ssize_t size = Py_SIZE(o);
    if (size >= -1 && size <= 1) v = size * (long long)((PyLongObject*)o)->ob_digit[0];  // one digit: most of them
    else {
      int overflow;
      v = PyLong_AsLongLongAndOverflow(o, &overflow);
      if (overflow) return 1;
      if (v == -1 && PyErr_Occurred()) return -1;
    }
    put_int(b, v);
    return 0;
  }
  if (PyUnicode_CheckExact(o)) {
    Py_ssize_t n;
    const char* s;
    if (PyUnicode_IS_COMPACT_ASCII(o)) {
      n = PyUnicode_GET_LENGTH(o);
      s = (const char*)PyUnicode_DATA(o);
      if (n > 10 && grow(b, n + ROOM) < 0) return -1;
      if (n < 256) {
        b->p[b->n++] = 'z';
        b->p[b->n++] = (char)n;
      } else {
        b->p[b->n++] = 'a';
        put_i32(b, (long)n);
      }
    } else {
      PyObject* utf8 = NULL;
      s = PyUnicode_AsUTF8AndSize(o, &n);
      if (s == NULL) {  // lone surrogates: marshal's surrogatepass
        PyErr_Clear();
        if ((utf8 = PyUnicode_AsEncodedString(o, "utf-8", "surrogatepass")) == NULL) return -1;
        s = PyBytes_AS_STRING(utf8), n = PyBytes_GET_SIZE(utf8);
      }
      if (n > 0x7fffffff || grow(b, n + ROOM) < 0) {
        Py_XDECREF(utf8);
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "a text over 2 GiB");
        return -1;
      }
      b->p[b->n++] = 'u';
      put_i32(b, (long)n);
      memcpy(b->p + b->n, s, (size_t)n);
      b->n += n;
      Py_XDECREF(utf8);
      return 0;
    }
    memcpy(b->p + b->n, s, (size_t)n);
    b->n += n;
    return 0;
  }
  if (o == Py_None || o == Py_True || o == Py_False) {
    b->p[b->n++] = o == Py_None ? 'N' : o == Py_True ? 'T' : 'F';
    return 0;
  }
  return 1;
}

// A record's marshal form: 0 done, 1 a value left to Python (nothing written), -1 an error.
static inline int put_record(Buf* b, int n, const Item* items) {
  if (grow(b, ROOM) < 0) return -1;
  Py_ssize_t start = b->n;
  b->p[b->n++] = ')';
  b->p[b->n++] = (char)n;
  for (int i = 0; i < n; i++) {
    if (items[i].o == NULL) {
      put_int(b, items[i].v);
      continue;
    }
    int r = put_item(b, items[i].o);
    if (r != 0) {
      b->n = start;
      return r;
    }
  }
  return 0;
}

// The queue of records in marshal form (Writer.q with --records-fd). Records
// go into one of two buffers that live as long as the queue (no allocation
// and no fresh pages per flush); take() hands the filled one to the writer as
// a frame and switches to the other. A record queued by name (a name to read
// only when written) waits as its tuple, with its place in the buffer.
enum { HEAD = 9 };  // a frame's head: 4-byte length, '[', 4-byte count

typedef struct {
  PyObject_HEAD
  Buf buf[2];          // the frame being filled (buf[cur]) and the one take() handed out last
  int cur;
  Py_ssize_t total, resumes;
  PyObject* deferred;  // [(offset in the frame, record tuple)]
  long k_resume;       // K_RUN_RESUME: a record that is two events
} Records;

static PyTypeObject RecordsType;

static int records_put(Records* q, int n, const Item* items, long kind) {
  int r = put_record(&q->buf[q->cur], n, items);
  if (r != 0) return r;
  q->total++;
  if (kind == q->k_resume) q->resumes++;
  return 0;
}

// A record kept as its tuple at its place in the frame: one queued by name,
// or one holding a value the C writer leaves to the Python side.
static int records_defer(Records* q, PyObject* rec) {
  PyObject* at = Py_BuildValue("(nO)", q->buf[q->cur].n, rec);
  if (at == NULL || PyList_Append(q->deferred, at) < 0) {
    Py_XDECREF(at);
    return -1;
  }
  Py_DECREF(at);
  q->total++;
  return 0;
}

// Records.append(record): written now, or kept as it is at its place.
static PyObject* records_append(PyObject* self, PyObject* rec) {
  Records* q = (Records*)self;
  if (PyTuple_CheckExact(rec) && PyTuple_GET_SIZE(rec) > 0 && PyTuple_GET_SIZE(rec) < 256 &&
      PyLong_CheckExact(PyTuple_GET_ITEM(rec, 0))) {
    Item items[255];
    int n = (int)PyTuple_GET_SIZE(rec);
    for (int i = 0; i < n; i++) items[i] = O(PyTuple_GET_ITEM(rec, i));
    int r = records_put(q, n, items, PyLong_AsLong(PyTuple_GET_ITEM(rec, 0)));
    if (r < 0) return NULL;
    if (r == 0) Py_RETURN_NONE;
  }
  if (records_defer(q, rec) < 0) return NULL;
  Py_RETURN_NONE;
}

static void frame_head(char* p, Py_ssize_t len, Py_ssize_t count) {
  Buf b = {p, 0, HEAD};
  put_i32(&b, (long)(len - 4));
  b.p[b.n++] = '[';
  put_i32(&b, (long)count);
}

// take() -> (frame, deferred, records, two-event records): all queued, the
// queue emptied. frame is a memoryview of the filled buffer, valid until the
// next take(): a --records-fd frame as it is when deferred is empty; else
// splice(frame, deferred) makes it one (its tuples made into records first).
static PyObject* records_take(PyObject* self, PyObject* unused) {
  (void)unused;
  Records* q = (Records*)self;
  PyObject* fresh = PyList_New(0);
  if (fresh == NULL) return NULL;
  Buf* b = &q->buf[q->cur];
  frame_head(b->p, b->n, q->total);
  PyObject* view = PyMemoryView_FromMemory(b->p, b->n, PyBUF_READ);
  if (view == NULL) {
    Py_DECREF(fresh);
    return NULL;
  }
  PyObject* out = Py_BuildValue("(NNnn)", view, q->deferred, q->total, q->resumes);
  q->deferred = fresh;
  q->total = q->resumes = 0;
  q->cur ^= 1;  // the other buffer; the one just taken is written before the next take()
  q->buf[q->cur].n = HEAD;
  return out;
}

static Py_ssize_t records_len(PyObject* self) { return ((Records*)self)->total; }

static PyObject* records_new(PyTypeObject* type, PyObject* args, PyObject* kw) {
  long k;
  if (!PyArg_ParseTuple(args, "l:Records", &k)) return NULL;
  (void)kw;
  Records* q = (Records*)type->tp_alloc(type, 0);
  if (q == NULL) return NULL;
  q->k_resume = k;
  for (int i = 0; i < 2; i++) {
    if (grow_to(&q->buf[i], 1 << 16) < 0) {
      Py_DECREF(q);
      return NULL;
    }
    q->buf[i].n = HEAD;
  }
  if ((q->deferred = PyList_New(0)) == NULL) {
    Py_DECREF(q);
    return NULL;
  }
  return (PyObject*)q;
}

static void records_dealloc(PyObject* self) {
  Records* q = (Records*)self;
  buf_free(&q->buf[0]);
  buf_free(&q->buf[1]);
  Py_XDECREF(q->deferred);
  Py_TYPE(self)->tp_free(self);
}

static PyMethodDef records_methods[] = {
    {"append", records_append, METH_O, "append(record)"},
    {"take", records_take, METH_NOARGS, "take() -> (frame, deferred, records, two-event records)"},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods records_seq = {.sq_length = records_len};

static PyTypeObject RecordsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_loopscope_recorder.Records",
    .tp_basicsize = sizeof(Records),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = records_new,
    .tp_dealloc = records_dealloc,
    .tp_methods = records_methods,
    .tp_as_sequence = &records_seq,
    .tp_doc = "Records(K_RUN_RESUME): the recorder's queue of records, in marshal form.",
};

// splice(frame, [(offset, record)]) -> bytes: take()'s frame with the
// deferred records (made records by the caller) written at their places.
static PyObject* splice(PyObject* module, PyObject* const* args, Py_ssize_t nargs) {
  (void)module;
  Py_buffer in;
  if (nargs != 2 || !PyList_Check(args[1])) {
    PyErr_SetString(PyExc_TypeError, "splice(frame, deferred)");
    return NULL;
  }
  if (PyObject_GetBuffer(args[0], &in, PyBUF_SIMPLE) < 0) return NULL;
  PyObject* deferred = args[1];
  const char* src = (const char*)in.buf;
  Buf b = {0};
  Py_ssize_t from = HEAD;
  int r = grow(&b, in.len + ROOM);
  if (r == 0) {
    memcpy(b.p, src, HEAD);
    b.n = HEAD;
  }
  for (Py_ssize_t i = 0; r == 0 && i <= PyList_GET_SIZE(deferred); i++) {
    Py_ssize_t to = in.len;
    PyObject* rec = NULL;
    if (i < PyList_GET_SIZE(deferred)) {
      PyObject* d = PyList_GET_ITEM(deferred, i);
      if (!PyTuple_Check(d) || PyTuple_GET_SIZE(d) != 2 || !PyTuple_Check(PyTuple_GET_ITEM(d, 1))) {
        PyErr_SetString(PyExc_TypeError, "splice: (offset, record) pairs");
        r = -1;
        break;
      }
      to = PyLong_AsSsize_t(PyTuple_GET_ITEM(d, 0));
      rec = PyTuple_GET_ITEM(d, 1);
      if (to < from || to > in.len) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "splice: offsets out of order");
        r = -1;
        break;
      }
    }
    if ((r = grow(&b, to - from + ROOM)) != 0) break;
    memcpy(b.p + b.n, src + from, (size_t)(to - from));
    b.n += to - from;
    from = to;
    if (rec != NULL) {
      Py_ssize_t m = PyTuple_GET_SIZE(rec);
      if (m == 0 || m > 255) {
        PyErr_SetString(PyExc_ValueError, "splice: a record of 1 to 255 items");
        r = -1;
        break;
      }
      Item items[255];
      for (Py_ssize_t j = 0; j < m; j++) items[j] = O(PyTuple_GET_ITEM(rec, j));
      if ((r = put_record(&b, (int)m, items)) > 0)
        PyErr_SetString(PyExc_TypeError, "splice: a record holds what marshal form here does not write");
    }
  }
  PyBuffer_Release(&in);
  PyObject* out = NULL;
  if (r == 0) {
    Buf head = {b.p, 0, HEAD};  // its length (the count, from take(), counts the deferred records)
    put_i32(&head, (long)(b.n - 4));
    out = PyBytes_FromStringAndSize(b.p, b.n);
  }
  buf_free(&b);
  return out;
}

// A record from a hook, into the queue.
static int queue(int n, const Item* items) {
  if (Py_TYPE(S.q) == &RecordsType) {
    int r = records_put((Records*)S.q, n, items, (long)items[0].v);
    if (r <= 0) return r;
  }
  // --events (a list), or a value left to the Python side: a tuple
  PyObject* t = PyTuple_New(n);
  if (t == NULL) return -1;
  for (int i = 0; i < n; i++) {
    PyObject* v = items[i].o ? Py_NewRef(items[i].o) : PyLong_FromLongLong(items[i].v);
    if (v == NULL) {
      Py_DECREF(t);
      return -1;
    }
    PyTuple_SET_ITEM(t, i, v);
  }
  int r = Py_TYPE(S.q) == &RecordsType ? records_defer((Records*)S.q, t) : PyList_Append(S.q, t);
  Py_DECREF(t);
  return r;
}

// Recorder.loop_abort(ls, tid, exc) while exc is being raised out of the loop
// (a handle's SystemExit or KeyboardInterrupt, a signal handler's during the
// poll): the exception stays raised, whatever the hook does.
static void loop_abort(PyObject* ls, PyObject* tid) {
  PyObject *et, *ev, *etb;
  PyErr_Fetch(&et, &ev, &etb);
  if (et == NULL) return;
  PyErr_NormalizeException(&et, &ev, &etb);
  PyObject* r = PyObject_CallFunctionObjArgs(S.loop_abort, ls, tid, ev ? ev : Py_None, NULL);
  if (r == NULL) PyErr_Clear();
  Py_XDECREF(r);
  PyErr_Restore(et, ev, etb);
}

// -- ReadyQueue.append -----------------------------------------------------

// A push's facts (borrowed references), read without changing anything.
typedef struct {
  PyObject *ls, *task, *tid, *label, *cause, *fn;
  long long phase;
} Push;

// 1: a known task's step or wakeup, its facts in p; 2: a plain callback
// (not a task's own step) pushed on the loop's thread; 0: the Python hook
// decides; -1: an error. Nothing is changed.
static int push_facts(PyObject* self, PyObject* h, Push* p) {
  if (Py_TYPE(self) != S.rq_type || !PyObject_TypeCheck(h, S.handle_type)) return 0;
  PyObject* ls = slot(self, O.rq_ls);
  PyObject* loop = ls ? slot(self, O.rq_loop) : NULL;
  if (loop == NULL) return -1;
  if (Py_TYPE(ls) != S.ls_type) return 0;
  if (slot_long(ls, O.phase, &p->phase) < 0) return -1;
  PyObject* owner = PyObject_GetAttr(loop, s_thread_id);
  if (owner == NULL) return -1;
  if (owner == Py_None) {
    Py_DECREF(owner);
    if ((owner = slot(ls, O.thread)) == NULL) return -1;
    Py_INCREF(owner);
  }
  unsigned long ident = PyLong_AsUnsignedLong(owner);
  Py_DECREF(owner);
  if (ident == (unsigned long)-1 && PyErr_Occurred()) return -1;
  if (ident != PyThread_get_thread_ident()) return 0;  // call_soon_threadsafe
  p->ls = ls;
  PyObject* cb = slot(h, O.h_callback);
  if (cb == NULL) return -1;
  PyObject* task;
  int step;
  int known = PySet_Contains(S.step_types, (PyObject*)Py_TYPE(cb));  // the C Task's step wrapper
  if (known < 0) return -1;
  if (known) {
    PyObject* t = attr_or_none(cb, s_self);
    if (t == NULL) return -1;
    Py_DECREF(t);  // the wrapper holds its task
    task = t;
    step = 1;
  } else {
    int cfunc = Py_TYPE(cb) == &PyCFunction_Type || Py_TYPE(cb) == &PyCMethod_Type;
    PyObject* owner_ref = NULL;
    if (cfunc) task = PyCFunction_GET_SELF(cb);
    else {
      if ((owner_ref = attr_or_none(cb, s_self)) == NULL) return -1;
      task = owner_ref;
    }
    int is_task = task != NULL && task != Py_None ? PyObject_IsInstance(task, S.task_type) : 0;
    Py_XDECREF(owner_ref);  // a bound method holds its owner
    if (is_task < 0) return -1;
    if (!is_task) return 2;  // a plain callback
    const char* name = cfunc ? ((PyCFunctionObject*)cb)->m_ml->ml_name : "";
    size_t n = strlen(name);
    if (n < 6 || strcmp(name + n - 6, "wakeup") != 0) return 0;  // the Python hook tells step from plain
    step = 0;  // the C Task's task_wakeup
  }
  if (p->phase == S.io_phase || Py_TYPE(task) != (PyTypeObject*)S.task_type) return 0;
  PyObject* tasks = slot(ls, O.tasks);
  if (tasks == NULL) return -1;
  PyObject* tid = get_by_id(tasks, task, NULL);
  if (tid == NULL) return PyErr_Occurred() ? -1 : 0;  // its first sight: task.new
  PyObject* labels = slot(ls, O.labels);
  if (labels == NULL) return -1;
  PyObject* lab = get_item(labels, tid);
  if (lab == NULL) return PyErr_Occurred() ? -1 : 0;
  if (!PyList_Check(lab) || PyList_GET_SIZE(lab) != 3 || PyList_GET_ITEM(lab, 0) == Py_None) return 0;  // lazy
  if (step) {
    PyObject* current = slot(ls, O.current);
    if (current == NULL) return -1;
    int same = tid == current || PyObject_RichCompareBool(tid, current, Py_EQ);
    if (same <= 0) return same;  // a new task's or a cancellation's step
    p->cause = S.q_yield;
    p->fn = S.q_step;
    p->label = PyList_GET_ITEM(lab, 1);
  } else {
    PyObject* args = slot(h, O.h_args);
    if (args == NULL) return -1;
    if (PyTuple_Check(args) && PyTuple_GET_SIZE(args) > 0 && PyTuple_GET_ITEM(args, 0) != Py_None) {
      int c = call_truth(PyTuple_GET_ITEM(args, 0), s_cancelled);
      if (c != 0) return c < 0 ? -1 : 0;  // a cancelled future: maybe the task's cancellation
    }
    p->cause = S.q_future;
    p->fn = S.q_wakeup;
    p->label = PyList_GET_ITEM(lab, 2);
  }
  p->task = task;
  p->tid = tid;
  return 1;
}

static PyObject* push_record(PyObject* h, Push* p) {
  PyObject* ls = p->ls;
  long long hid, num, it;
  if (p->phase == S.run_phase) {
    long long pushed;
    if (slot_long(ls, O.pushed, &pushed) < 0 || slot_set_long(ls, O.pushed, pushed + 1) < 0) return NULL;
  }
  if (slot_long(ls, O.next_handle, &hid) < 0 || slot_set_long(ls, O.next_handle, hid + 1) < 0 ||
      slot_long(ls, O.number, &num) < 0 || slot_long(ls, O.it, &it) < 0)
    return NULL;
  PyObject* handles = slot(ls, O.handles);
  if (handles == NULL) return NULL;
  PyObject* key = PyLong_FromVoidPtr(h);
  PyObject* info = PyTuple_New(6);
  if (key == NULL || info == NULL) {
    Py_XDECREF(key), Py_XDECREF(info);
    return NULL;
  }
  PyObject* hid_o = PyLong_FromLongLong(hid);
  if (hid_o == NULL) {
    Py_DECREF(key), Py_DECREF(info);
    return NULL;
  }
  PyTuple_SET_ITEM(info, 0, hid_o);
  PyTuple_SET_ITEM(info, 1, Py_NewRef(p->tid));
  PyTuple_SET_ITEM(info, 2, Py_NewRef(p->label));
  PyTuple_SET_ITEM(info, 3, Py_NewRef(p->fn));
  PyTuple_SET_ITEM(info, 4, Py_NewRef(p->task));
  PyTuple_SET_ITEM(info, 5, Py_NewRef(Py_False));
  int r = PyDict_SetItem(handles, key, info);
  Py_DECREF(key);
  Py_DECREF(info);
  if (r < 0) return NULL;
  Item rec[9] = {I(S.k_push), I(now_ns() - S.t0), I(num), I(it), I(hid), O(p->tid), O(p->label), O(p->cause), O(p->fn)};
  if (queue(9, rec) < 0) return NULL;
  Py_RETURN_NONE;
}

// The hook's after_poll: a handle pushed after the poll is a due timer's
// (its timer.fire, with the args timer.arm made: ls.timers) or a ready
// reader's or writer's (its io.done, if its wait is open: ls.io).
static int after_poll(PyObject* ls, PyObject* h, PyObject* cause) {
  long long num, it;
  if (slot_long(ls, O.number, &num) < 0 || slot_long(ls, O.it, &it) < 0) return -1;
  PyObject* d = slot(ls, cause == S.q_timer ? O.timers : O.io);
  if (d == NULL) return -1;
  PyObject* key = NULL;
  PyObject* v = get_by_id(d, h, &key);  // borrowed
  int rc = v == NULL && PyErr_Occurred() ? -1 : 0;
  if (v != NULL && cause == S.q_timer && PyTuple_CheckExact(v) && PyTuple_GET_SIZE(v) == 5) {
    Py_INCREF(v);
    if ((rc = PyDict_DelItem(d, key)) == 0) {
      Item rec[9] = {I(S.k_timer_fire), I(now_ns() - S.t0), I(num), I(it), O(PyTuple_GET_ITEM(v, 0)),
                     O(PyTuple_GET_ITEM(v, 1)), O(PyTuple_GET_ITEM(v, 2)), O(PyTuple_GET_ITEM(v, 3)),
                     O(PyTuple_GET_ITEM(v, 4))};
      rc = queue(9, rec);
    }
    Py_DECREF(v);
  } else if (v != NULL && cause != S.q_timer && PyList_CheckExact(v) && PyList_GET_SIZE(v) == 6 &&
             PyList_GET_ITEM(v, 5) == Py_True) {
    Py_INCREF(v);
    if ((rc = PyList_SetItem(v, 5, Py_NewRef(Py_False))) == 0) {
      Item rec[9] = {I(S.k_io_done), I(now_ns() - S.t0), I(num), I(it), O(PyList_GET_ITEM(v, 0)),
                     O(PyList_GET_ITEM(v, 1)), O(PyList_GET_ITEM(v, 2)), O(S.q_ready), I(0)};
      rc = queue(9, rec);
    }
    Py_DECREF(v);
  }
  Py_XDECREF(key);
  return rc;
}

// Recorder.rewait: after a reader's or writer's callback ran, a handle still
// registered (not cancelled: the selector loop cancels it whenever it stops
// being the fd's) waits again, under a new op; a cancelled one is forgotten.
static int rewait(PyObject* ls, PyObject* h, PyObject* op, PyObject* key) {
  PyObject* cancelled = slot(h, O.h_cancelled);
  if (cancelled == NULL) return -1;
  if (!PyList_CheckExact(op) || PyList_GET_SIZE(op) != 6) {  // not the hook's own list: the Python way
    PyObject* r = PyObject_CallFunctionObjArgs(S.rewait, ls, h, op, NULL);
    Py_XDECREF(r);
    return r == NULL ? -1 : 0;
  }
  if (PyObject_IsTrue(cancelled)) {
    PyObject* io = slot(ls, O.io);
    if (io == NULL) return -1;
    if (PyDict_DelItem(io, key) < 0) {
      if (!PyErr_ExceptionMatches(PyExc_KeyError)) return -1;
      PyErr_Clear();
    }
    return 0;
  }
  if (PyList_GET_ITEM(op, 5) == Py_True) return 0;  // still waiting: its callback ran without taking the wait
  long long next, num, it;
  if (slot_long(ls, O.next_op, &next) < 0 || slot_set_long(ls, O.next_op, next + 1) < 0 ||
      slot_long(ls, O.number, &num) < 0 || slot_long(ls, O.it, &it) < 0)
    return -1;
  PyObject* id = PyLong_FromLongLong(next);
  if (id == NULL || PyList_SetItem(op, 0, id) < 0 || PyList_SetItem(op, 5, Py_NewRef(Py_True)) < 0) return -1;
  Item rec[8] = {I(S.k_io_wait), I(now_ns() - S.t0), I(num), I(it), I(next), O(PyList_GET_ITEM(op, 1)),
                 O(PyList_GET_ITEM(op, 2)), O(PyList_GET_ITEM(op, 3))};
  return queue(8, rec);
}

// A plain callback's push (the Python hook's non-task case; after the poll, its
// timer.fire or io.done: after_poll).
static PyObject* push_plain(PyObject* h, Push* p) {
  PyObject* cb = slot(h, O.h_callback);
  if (cb == NULL) return NULL;
  PyObject* d = PyObject_CallOneArg(S.describe, cb);  // (fn, label): cached by the hook
  if (d == NULL) return NULL;
  PyObject *label = NULL, *out = NULL;
  if (!PyTuple_Check(d) || PyTuple_GET_SIZE(d) != 2) {
    PyErr_SetString(PyExc_TypeError, "_describe() gives (fn, label)");
    goto out;
  }
  PyObject* raw = PyTuple_GET_ITEM(d, 1);
  if ((label = PyObject_CallOneArg(S.js, raw)) == NULL) goto out;
  if ((p->fn = PyDict_GetItemWithError(S.Q, PyTuple_GET_ITEM(d, 0))) == NULL) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_KeyError, "_describe(): an fn without a word");
    goto out;
  }
  if (p->fn == S.q_sleep_set_result && Py_TYPE(h) != S.timer_handle_type) p->fn = S.q_waiter_set_result;  // _handle_fn
  if (p->fn == S.q_release_waiter && PySet_GET_SIZE(S.wait_timers) > 0) {  // _handle_fn: asyncio.wait's timeout?
    PyObject* key = PyLong_FromVoidPtr(h);
    int r = key ? PySet_Discard(S.wait_timers, key) : -1;
    Py_XDECREF(key);
    if (r < 0) goto out;
    if (r == 1) {  // a plain callback, named as the Python hook names it
      p->fn = S.q_callback;
      Py_SETREF(label, PyObject_CallOneArg(S.js, S.wait_label));
      if (label == NULL) goto out;
    }
  }
  if (p->phase == S.io_phase) {  // after the poll: what _process_events queues, then the due timers
    p->cause = Py_TYPE(h) == S.timer_handle_type ? S.q_timer : S.q_io;
    if (after_poll(p->ls, h, p->cause) < 0) goto out;
  } else {
    PyObject* args = slot(h, O.h_args);
    if (args == NULL) goto out;
    int fut = 0;
    if (PyTuple_Check(args) && PyTuple_GET_SIZE(args) > 0 &&
        (fut = PyObject_IsInstance(PyTuple_GET_ITEM(args, 0), S.future_type)) < 0)
      goto out;
    p->cause = fut ? S.q_future : S.q_soon;
  }
  p->tid = S.null;
  p->task = Py_None;
  p->label = label;
  out = push_record(h, p);
out:
  Py_DECREF(d);
  Py_XDECREF(label);
  return out;
}

static PyObject* do_append(PyObject* self, PyObject* h) {
  PyObject* args[2] = {self, h};
  PyObject* r = PyObject_Vectorcall(S.deque_append, args, 2, NULL);
  if (r == NULL) return NULL;
  Py_DECREF(r);
  if (!S.on) Py_RETURN_NONE;
  // A timer cancelled while not at the heap's head is still moved to _ready when
  // due, and skipped there: it never runs (its timer.cancel is written), no push.
  if (PyObject_TypeCheck(h, S.handle_type) && SLOT(h, O.h_cancelled) == Py_True) {
    PyObject* ls = Py_TYPE(self) == S.rq_type ? SLOT(self, O.rq_ls) : NULL;
    if (ls == NULL || Py_TYPE(ls) != S.ls_type) Py_RETURN_NONE;
    return PyObject_CallOneArg(S.skip, ls);
  }
  Push p = {0};
  int fast = push_facts(self, h, &p);
  if (fast == 1) return push_record(h, &p);
  if (fast == 2) return push_plain(h, &p);
  if (fast == 0) return PyObject_Vectorcall(S.push_py, args, 2, NULL);
  return NULL;
}

// -- Handle._run and the step's end ------------------------------------------

static void free_kind(void* k) { Py_XDECREF((PyObject*)k); }

// What code_kind() says of a code object (new reference): kept in the code
// object's own extra slot, so a step's end hashes no code object.
static PyObject* code_kind(PyObject* code) {
  void* extra = NULL;
  if (S.code_extra >= 0 && _PyCode_GetExtra(code, S.code_extra, &extra) == 0 && extra != NULL)
    return Py_NewRef((PyObject*)extra);
  PyErr_Clear();
  PyObject* k = get_item(S.code_info, code);
  if (k != NULL) Py_INCREF(k);
  else if (!PyErr_Occurred()) k = PyObject_CallOneArg(S.code_kind, code);
  if (k != NULL && S.code_extra >= 0 && _PyCode_SetExtra(code, S.code_extra, Py_NewRef(k)) < 0) {
    Py_DECREF(k);  // the extra's reference
    PyErr_Clear();
  }
  return k;
}

// tp_traverse's visitor: the first async generator an object refers to.
static int first_async_gen(PyObject* o, void* found) {
  if (!PyAsyncGen_CheckExact(o)) return 0;
  *(PyObject**)found = o;
  return 1;
}

// Recorder.end_step for a task that is not done (the Python method otherwise):
// where the task suspended (the innermost frame of the user's code in its
// coroutine chain, its line read once per instruction offset), what it awaits,
// and `via`: the code just under the user's frame when code_kind() made it a _Via.
static int end_step(PyObject* ls, PyObject* task, PyObject* tid, long long t, long long t2, PyObject* top_in) {
  int done = task_truth(T_DONE, task);
  if (done < 0) return -1;
  if (done) {
    PyObject* r = PyObject_CallFunction(S.end_step_py, "OOOLLO", ls, task, tid, t, t2, top_in ? top_in : Py_None);
    Py_XDECREF(r);
    return r ? 0 : -1;
  }
  // cancel() of the task while its step ran (it awaited nothing yet: only _must_cancel set, no
  // wakeup queued): its task.cancel before the step.end (Recorder.end_step's check).
  int cancelling = task_truth(T_CANCELLING, task);
  if (cancelling < 0) return -1;
  if (cancelling) {
    PyObject* r = PyObject_CallFunction(S.cancelled_in_step, "OOOL", ls, task, tid, t2);
    if (r == NULL) return -1;
    Py_DECREF(r);
  } else {
    // uncancel() brought it back to 0 (asyncio.timeout's, TaskGroup's __aexit__): forget the
    // cancels written, so that a later cancel() is written again (Recorder.end_step).
    PyObject* cancels = SLOT(ls, O.cancels);
    if (cancels != NULL && PyDict_CheckExact(cancels) && PyDict_GET_SIZE(cancels) > 0) {
      int has = PyDict_Contains(cancels, tid);
      if (has < 0 || (has && PyDict_DelItem(cancels, tid) < 0)) return -1;
    }
  }
  int rc = -1;
  PyObject *waiter = NULL, *obj = NULL, *top = NULL, *user = NULL, *fjs = NULL, *lines = NULL, *below = NULL;
  PyObject *wait = NULL, *on = NULL, *target = NULL, *pos = NULL, *via = NULL;
  int after = 0;  // this frame is the one just under the user's
  if ((waiter = task_get(T_FUT_WAITER, task)) == NULL) goto out;
  if ((obj = task_call(T_GET_CORO, task)) == NULL) goto out;
  for (int first = 1; obj != Py_None; first = 0) {
    int coro = PyCoro_CheckExact(obj), agen = 0;
    if (!coro && !PyGen_CheckExact(obj)) {
      // `async for` awaits the generator's asend, which names its generator to the GC only.
      PyObject* g = NULL;
      if (strcmp(Py_TYPE(obj)->tp_name, "async_generator_asend") != 0 || Py_TYPE(obj)->tp_traverse == NULL) break;
      Py_TYPE(obj)->tp_traverse(obj, first_async_gen, &g);
      if (g == NULL) break;
      Py_SETREF(obj, Py_NewRef(g));
      agen = 1;
    }
    // Its code, and its frame only where needed (the chain's top, the user's code): a frame
    // object read from a generator is made for it (asyncio.sleep's, every step).
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    if (((PyGenObject*)obj)->gi_frame_state >= 1) break;  // FRAME_COMPLETED: its gi_frame is None
    PyObject* code = Py_NewRef((PyObject*)((PyGenObject*)obj)->gi_code);
#else
    PyObject* code = PyObject_GetAttrString(obj, coro ? "cr_code" : agen ? "ag_code" : "gi_code");
    if (code == NULL) goto out;
#endif
    PyObject* k = code_kind(code);
    Py_DECREF(code);
    if (k == NULL) goto out;
    PyObject* fr = NULL;
    if (first || PyTuple_Check(k)) {
      fr = PyObject_GetAttr(obj, coro ? s_cr_frame : agen ? s_ag_frame : s_gi_frame);
      if (fr == NULL || fr == Py_None) {
        Py_DECREF(k);
        if (fr == NULL) goto out;
        Py_DECREF(fr);
        break;
      }
      if (first) top = Py_NewRef(fr);
    }
    PyObject* nxt = PyObject_GetAttr(obj, coro ? s_cr_await : agen ? s_ag_await : s_gi_yieldfrom);
    if (nxt == NULL) {
      Py_DECREF(k), Py_XDECREF(fr);
      goto out;
    }
    Py_SETREF(obj, nxt);
    if (PyTuple_Check(k)) {  // the user's code: (its file as JSON text, its lines by offset)
      Py_XSETREF(user, fr);
      fr = NULL;
      Py_XSETREF(fjs, Py_NewRef(PyTuple_GET_ITEM(k, 0)));
      Py_XSETREF(lines, Py_NewRef(PyTuple_GET_ITEM(k, 1)));
      Py_CLEAR(below);
      Py_CLEAR(via);
      after = 1;
    } else {
      if (after) {
        after = 0;
        // A record holds exact strs (the marshal form): the _Via's text as one (rare: no hot step).
        if (Py_IS_TYPE(k, S.via_type) && (via = PyUnicode_FromObject(k)) == NULL) {
          Py_DECREF(k), Py_XDECREF(fr);
          goto out;
        }
      }
      if (waiter != Py_None && PyObject_IsTrue(k)) {  // asyncio's own function: what it awaits
        if ((below == NULL && (below = PyList_New(0)) == NULL) || PyList_Append(below, k) < 0) {
          Py_DECREF(k), Py_XDECREF(fr);
          goto out;
        }
      }
    }
    Py_DECREF(k);
    Py_XDECREF(fr);
  }
  long long line = 0;
  if (user != NULL) {
    PyObject* at = PyLong_FromLong(PyFrame_GetLasti((PyFrameObject*)user));
    if (at == NULL) goto out;
    PyObject* l = get_item(lines, at);
    if (l != NULL) line = PyLong_AsLongLong(l);
    else if (!PyErr_Occurred()) {
      line = PyFrame_GetLineNumber((PyFrameObject*)user);
      if (line < 0 || line > S.max_line) line = 0;
      PyObject* lo = PyLong_FromLongLong(line);
      if (lo == NULL || PyDict_SetItem(lines, at, lo) < 0) {
        Py_XDECREF(lo), Py_DECREF(at);
        goto out;
      }
      Py_DECREF(lo);
    }
    Py_DECREF(at);
    if (PyErr_Occurred()) goto out;
  }
  PyObject* suspended = slot(ls, O.suspended);
  if (suspended == NULL || (pos = PyTuple_New(3)) == NULL) goto out;
  PyObject* line_o = PyLong_FromLongLong(line);
  if (line_o == NULL) goto out;
  PyTuple_SET_ITEM(pos, 0, line_o);
  PyTuple_SET_ITEM(pos, 1, Py_NewRef(fjs ? fjs : Py_None));
  PyTuple_SET_ITEM(pos, 2, Py_NewRef(top ? top : Py_None));
  if (PyObject_SetItem(suspended, tid, pos) < 0) goto out;
  if (waiter == Py_None) {  // a bare yield (sleep(0)): its next step is already queued
    wait = Py_NewRef(S.q_yield);
    on = Py_NewRef(S.q_yield);
  } else {
    PyObject* r = PyObject_CallFunctionObjArgs(S.awaits, ls, task, below ? below : S.empty, NULL);
    if (r == NULL) goto out;
    if (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 3) {
      Py_DECREF(r);
      PyErr_SetString(PyExc_TypeError, "awaits() gives (wait, on, target)");
      goto out;
    }
    wait = PyObject_GetItem(S.Q, PyTuple_GET_ITEM(r, 0));
    on = wait ? PyObject_GetItem(S.Q, PyTuple_GET_ITEM(r, 1)) : NULL;
    if (PyTuple_GET_ITEM(r, 2) != Py_None) target = Py_NewRef(PyTuple_GET_ITEM(r, 2));
    Py_DECREF(r);
    if (on == NULL) goto out;
  }
  {
    long long dur = t2 - t, num, it;
    if (slot_long(ls, O.number, &num) < 0 || slot_long(ls, O.it, &it) < 0) goto out;
    // K_END[slow][file][1, or 2 with via] (on is always there): [without target, with target]
    PyObject* kinds =
        PyList_GET_ITEM(PyList_GET_ITEM(PyList_GET_ITEM(S.k_end, dur > S.slow_ns), fjs != NULL), via != NULL ? 2 : 1);
    long kind = PyLong_AsLong(PyList_GET_ITEM(kinds, target != NULL));
    Item items[12] = {I(kind), I(t2 - S.t0), I(num), I(it), O(tid), I(line), O(wait), I(dur)};
    int n = 8;
    if (fjs != NULL) items[n++] = O(fjs);
    items[n++] = O(on);
    if (target != NULL) items[n++] = O(target);
    if (via != NULL) items[n++] = O(via);
    if (queue(n, items) < 0) goto out;
  }
  rc = 0;
out:
  Py_XDECREF(waiter), Py_XDECREF(obj), Py_XDECREF(top), Py_XDECREF(user), Py_XDECREF(fjs), Py_XDECREF(lines);
  Py_XDECREF(below), Py_XDECREF(wait), Py_XDECREF(on), Py_XDECREF(target), Py_XDECREF(pos), Py_XDECREF(via);
  return rc;
}

// The run's common part: the handle leaves ls.handles, the iteration's run
// phase starts, and `left` (what of the ready queue is this iteration's).
static int run_begins(PyObject* ls, PyObject* ready, PyObject* handles, PyObject* key, PyObject* hid,
                      long long* left) {
  long long phase, pushed, next;
  if (PyDict_DelItem(handles, key) < 0 || slot_long(ls, O.phase, &phase) < 0) return -1;
  if (phase != S.run_phase &&
      (slot_set_long(ls, O.phase, S.run_phase) < 0 || slot_set_long(ls, O.pushed, 0) < 0 ||
       slot_long(ls, O.next_handle, &next) < 0 || slot_set_long(ls, O.run_start, next) < 0))
    return -1;
  if (slot_long(ls, O.pushed, &pushed) < 0) return -1;
  Py_ssize_t n = PyObject_Length(ready);
  if (n < 0) return -1;
  *left = (long long)n - pushed;
  PyObject* skips = slot(ls, O.skips);
  if (skips == NULL) return -1;
  if (PyList_Check(skips) && PyList_GET_SIZE(skips) > 0) {  // rare: a cancelled handle still queued
    PyObject* r = PyObject_CallFunctionObjArgs(S.skipped, ls, hid, NULL);
    long long k = r ? PyLong_AsLongLong(r) : -1;
    Py_XDECREF(r);
    if (k == -1 && PyErr_Occurred()) return -1;
    *left -= k;
  }
  if (*left < 0) *left = 0;
  return 0;
}

// Handle._run of a plain callback (the Python hook's `task is None` case):
// its ready.run, the callback, then a reader/writer that stays registered waits again.
static PyObject* run_callback(PyObject* h, PyObject* ls, PyObject* loop, PyObject* ready, PyObject* handles,
                              PyObject* key, PyObject* info) {
  (void)loop;
  long long left, num, it;
  if (run_begins(ls, ready, handles, key, PyTuple_GET_ITEM(info, 0), &left) < 0) return NULL;
  long long t = now_ns();
  if (slot_long(ls, O.number, &num) < 0 || slot_long(ls, O.it, &it) < 0) return NULL;
  Item rec[9] = {I(S.k_run), I(t - S.t0), I(num), I(it), O(PyTuple_GET_ITEM(info, 0)),
                 O(PyTuple_GET_ITEM(info, 1)), O(PyTuple_GET_ITEM(info, 2)), I(left), O(PyTuple_GET_ITEM(info, 3))};
  if (queue(9, rec) < 0) return NULL;
  PyObject* io = slot(ls, O.io);
  if (io == NULL) return NULL;
  PyObject* op = NULL;
  if (PyObject_IsTrue(io)) {
    op = get_item(io, key);
    if (op == NULL && PyErr_Occurred()) return NULL;
    Py_XINCREF(op);
  }
  PyObject* r = PyObject_CallOneArg(S.hrun, h);
  if (r == NULL) loop_abort(ls, Py_None);  // except BaseException: it leaves the loop
  if (op != NULL) {  // finally: rewait (Recorder.rewait)
    PyObject *et, *ev, *etb;
    PyErr_Fetch(&et, &ev, &etb);
    int w = rewait(ls, h, op, key);
    Py_DECREF(op);
    if (et != NULL) {
      PyErr_Clear();
      PyErr_Restore(et, ev, etb);
    } else if (w < 0) Py_CLEAR(r);
  }
  return r;
}

static PyObject* do_run(PyObject* h) {
  PyObject *ls = NULL, *key = NULL, *info = NULL, *name = NULL, *pos = NULL, *prev = NULL, *ready = NULL, *out = NULL;
  PyObject *loop, *handles, *suspended, *tid, *task;
  int fast = 0;
  // The fast case's facts, read without changing anything: an armed, known
  // task's step with nothing thrown in, resuming where it suspended.
  if (!S.on || !PyObject_TypeCheck(h, S.handle_type)) goto python;
  if ((loop = slot(h, O.h_loop)) == NULL || (ready = ready_of(loop)) == NULL) goto out;
  if (Py_TYPE(ready) != S.rq_type || (ls = SLOT(ready, O.rq_ls)) == NULL || Py_TYPE(ls) != S.ls_type) {
    ls = NULL;
    goto python;  // not a loop of the recorder's (loop._ready is its ReadyQueue, ready.ls its LoopState)
  }
  Py_INCREF(ls);
  if ((handles = slot(ls, O.handles)) == NULL) goto out;
  if ((info = get_by_id(handles, h, &key)) == NULL) {
    if (PyErr_Occurred()) goto out;
    goto python;
  }
  Py_INCREF(info);
  if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) != 6) goto python;
  tid = PyTuple_GET_ITEM(info, 1), task = PyTuple_GET_ITEM(info, 4);
  if (PyTuple_GET_ITEM(info, 5) != Py_False) goto python;  // a lazy label
  if (task == Py_None) {  // a plain callback
    fast = 1;
    out = run_callback(h, ls, loop, ready, handles, key, info);
    goto out;
  }
  PyObject* args = slot(h, O.h_args);
  if (args == NULL) goto out;
  if (args != Py_None && (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) > 0)) {
    // Something may be thrown in (_thrown): fast only for a wakeup by a future that holds a
    // result (not cancelled, no _exception).
    if (PyTuple_GET_ITEM(info, 3) != S.q_wakeup || !PyTuple_Check(args) || PyTuple_GET_SIZE(args) != 1) goto python;
    PyObject* fut = PyTuple_GET_ITEM(args, 0);
    int c = call_truth(fut, s_cancelled);
    if (c != 0) {
      if (c < 0) goto out;
      goto python;
    }
    PyObject* exc = attr_or_none(fut, s_exception);
    if (exc == NULL) goto out;
    Py_DECREF(exc);
    if (exc != Py_None) goto python;
  }
  if (Py_TYPE(task) != (PyTypeObject*)S.task_type) goto python;
  int must_cancel = task_truth(T_MUST_CANCEL, task);
  if (must_cancel != 0) {
    if (must_cancel < 0) goto out;
    goto python;
  }
  int cancelling = task_truth(T_CANCELLING, task);
  if (cancelling != 0) {
    if (cancelling < 0) goto out;
    goto python;  // task.cancel's event
  }
  PyObject* labels = slot(ls, O.labels);
  if (labels == NULL) goto out;
  PyObject* lab = get_item(labels, tid);
  if (lab == NULL) {
    if (PyErr_Occurred()) goto out;
    goto python;
  }
  if ((name = task_call(T_GET_NAME, task)) == NULL) goto out;
  if (!PyList_Check(lab) || PyList_GET_SIZE(lab) != 3) goto python;
  int same = PyList_GET_ITEM(lab, 0) == name || PyObject_RichCompareBool(PyList_GET_ITEM(lab, 0), name, Py_EQ);
  if (same <= 0) {
    if (same < 0) goto out;
    goto python;  // its first step, or renamed since
  }
  if ((suspended = slot(ls, O.suspended)) == NULL) goto out;
  if ((pos = get_item(suspended, tid)) == NULL) {
    if (PyErr_Occurred()) goto out;
    goto python;
  }
  Py_INCREF(pos);
  fast = 1;
  // From here on the same steps as the Python hook's.
  long long left, num, it;
  if (run_begins(ls, ready, handles, key, PyTuple_GET_ITEM(info, 0), &left) < 0) goto out;
  long long t = now_ns();
  if (slot_long(ls, O.number, &num) < 0 || slot_long(ls, O.it, &it) < 0) goto out;
  Item rec[9] = {I(S.k_run_resume), I(t - S.t0), I(num), I(it), O(PyTuple_GET_ITEM(info, 0)),
                 O(tid), O(PyTuple_GET_ITEM(info, 2)), I(left), O(PyTuple_GET_ITEM(info, 3))};
  if (queue(9, rec) < 0) goto out;
  if (PyDict_DelItem(suspended, tid) < 0) goto out;
  if ((prev = slot(ls, O.current)) == NULL) goto out;
  Py_INCREF(prev);
  slot_set(ls, O.current, tid);
  PyObject* r = PyObject_CallOneArg(S.hrun, h);
  // finally: the running task is restored and the step ends, whatever the step raised
  PyObject *et, *ev, *etb;
  PyErr_Fetch(&et, &ev, &etb);
  slot_set(ls, O.current, prev);
  int ok = end_step(ls, task, tid, t, now_ns(), PyTuple_GET_ITEM(pos, 2)) == 0;
  if (et != NULL) {
    if (!ok) PyErr_Clear();
    PyErr_Restore(et, ev, etb);  // the step's own exception wins, as in a Python finally
    loop_abort(ls, tid);         // SystemExit, KeyboardInterrupt: Task.__step raises them again
  } else if (ok) out = Py_NewRef(Py_None);
  Py_XDECREF(r);
  goto out;
python:
  if (!fast) out = PyObject_CallOneArg(S.run_py, h);
out:
  Py_XDECREF(ls), Py_XDECREF(key), Py_XDECREF(info), Py_XDECREF(name), Py_XDECREF(pos), Py_XDECREF(prev);
  Py_XDECREF(ready);
  return out;
}

// -- hooks as methods --------------------------------------------------------

// A hook set as a class attribute (ReadyQueue.append, Handle._run) called as
// a method: a method descriptor, so `h._run()` calls it with h and no bound
// method object in between.
typedef struct {
  PyObject_HEAD
  vectorcallfunc vectorcall;
  int which;  // 0: append(self, h); 1: run(h)
} Hook;

static PyObject* hook_call(PyObject* self, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  Py_ssize_t n = PyVectorcall_NARGS(nargsf);
  Hook* hook = (Hook*)self;
  if (!S.ready) {
    PyErr_SetString(PyExc_RuntimeError, "_loopscope_recorder: setup() first");
    return NULL;
  }
  if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0) {
    PyErr_SetString(PyExc_TypeError, "no keyword arguments");
    return NULL;
  }
  if (hook->which == 0) {
    if (n != 2) {
      PyErr_SetString(PyExc_TypeError, "append(h) takes one argument");
      return NULL;
    }
    return do_append(args[0], args[1]);
  }
  if (n != 1) {
    PyErr_SetString(PyExc_TypeError, "_run() takes no arguments");
    return NULL;
  }
  return do_run(args[0]);
}

static PyObject* hook_get(PyObject* self, PyObject* obj, PyObject* type) {
  (void)type;
  if (obj == NULL || obj == Py_None) return Py_NewRef(self);
  return PyMethod_New(self, obj);
}

static PyTypeObject HookType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_loopscope_recorder.Hook",
    .tp_basicsize = sizeof(Hook),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_METHOD_DESCRIPTOR | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Hook, vectorcall),
    .tp_descr_get = hook_get,
    .tp_doc = "A recorder hook called as a method.",
};

static PyObject* make_hook(int which) {
  Hook* h = PyObject_New(Hook, &HookType);
  if (h == NULL) return NULL;
  h->vectorcall = hook_call;
  h->which = which;
  return (PyObject*)h;
}

// -- the selector's select -------------------------------------------------

// sel.select, wrapped: an iteration's loop.iter (what is ready as it starts),
// then the poll: select()'s timeout and how long it really waited
// (loopscope_recorder._hook_selector says why there).
typedef struct {
  PyObject_HEAD
  vectorcallfunc vectorcall;
  PyObject *loop, *select, *writer;
} Select;

static PyObject* select_call(PyObject* self, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  Select* me = (Select*)self;
  Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  PyObject* timeout = nargs > 0 ? args[0] : Py_None;
  if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) == 1 && nargs == 0 &&
      PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, 0), "timeout") == 0)
    timeout = args[0];
  else if ((kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0) || nargs > 1)
    return PyObject_Vectorcall(me->select, args, nargsf, kwnames);  // not _run_once's call: as it is
  if (!S.on) return PyObject_Vectorcall(me->select, args, nargsf, kwnames);
  PyObject *ls, *r = NULL, *ready = ready_of(me->loop);
  if (ready == NULL) return NULL;
  if (Py_TYPE(ready) != S.rq_type || (ls = SLOT(ready, O.rq_ls)) == NULL || Py_TYPE(ls) != S.ls_type) {
    Py_DECREF(ready);  // not a loop of the recorder's
    return PyObject_Vectorcall(me->select, args, nargsf, kwnames);
  }
  Py_INCREF(ls);
  long long it, num;
  if (slot_long(ls, O.it, &it) < 0 || slot_set_long(ls, O.it, ++it) < 0 || slot_set_long(ls, O.pushed, 0) < 0 ||
      slot_set_long(ls, O.phase, S.poll_phase) < 0 || slot_long(ls, O.number, &num) < 0)
    goto out;
  long long t = now_ns();
  Py_ssize_t n = PyObject_Length(ready);
  if (n < 0) goto out;
  Item iter[5] = {I(S.k_iter), I(t - S.t0), I(num), I(it), I(n)};
  if (queue(5, iter) < 0) goto out;
  int due = S.flush_records > 0 && Py_TYPE(S.q) == &RecordsType && ((Records*)S.q)->total >= S.flush_records;
  if (!due) {
    PyObject* flushed = PyObject_GetAttr(me->writer, s_flushed_ns);
    if (flushed == NULL) goto out;
    long long f = PyLong_AsLongLong(flushed);
    Py_DECREF(flushed);
    if (f == -1 && PyErr_Occurred()) goto out;
    due = t - f >= S.flush_ns;
  }
  if (due) {
    PyObject* x = PyObject_CallMethodNoArgs(me->writer, s_flush_from_loop);
    if (x == NULL) goto out;
    Py_DECREF(x);
  }
  r = PyObject_Vectorcall(me->select, &timeout, 1, NULL);
  {
    PyObject *et, *ev, *etb;
    PyErr_Fetch(&et, &ev, &etb);
    long long t2 = now_ns(), ms;
    if (timeout == Py_None) ms = -1;
    else {
      double s = PyFloat_AsDouble(timeout);
      if (s == -1.0 && PyErr_Occurred()) PyErr_Clear();
      // what epoll_wait is given (selectors rounds up to whole ms)
      ms = s <= 0 ? 0 : (((long long)(s * 1e9)) + 999999) / 1000000;
    }
    Item poll[6] = {I(S.k_poll), I(t - S.t0), I(num), I(it), I(ms), I(t2 - t)};
    int ok = queue(6, poll) == 0;
    if (et != NULL) {  // select raised: the loop is idle (the Python hook's except BaseException)
      if (!ok) PyErr_Clear();
      slot_set_long(ls, O.phase, S.idle_phase);
      PyErr_Restore(et, ev, etb);
      loop_abort(ls, Py_None);  // a signal handler's KeyboardInterrupt leaves the loop
      goto out;
    }
    if (!ok || slot_set_long(ls, O.phase, S.io_phase) < 0) Py_CLEAR(r);
  }
out:
  Py_XDECREF(ready);
  Py_DECREF(ls);
  return r;
}

static int select_traverse(PyObject* self, visitproc visit, void* arg) {
  Select* me = (Select*)self;
  Py_VISIT(me->loop);
  Py_VISIT(me->select);
  Py_VISIT(me->writer);
  return 0;
}

static int select_clear(PyObject* self) {
  Select* me = (Select*)self;
  Py_CLEAR(me->loop);
  Py_CLEAR(me->select);
  Py_CLEAR(me->writer);
  return 0;
}

static void select_dealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  select_clear(self);
  PyObject_GC_Del(self);
}

static PyTypeObject SelectType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_loopscope_recorder.SelectHook",
    .tp_basicsize = sizeof(Select),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Select, vectorcall),
    .tp_traverse = select_traverse,
    .tp_clear = select_clear,
    .tp_dealloc = select_dealloc,
    .tp_doc = "A selector's select(), recording each iteration's loop.iter and loop.poll.",
};

// select_hook(loop, select, writer): the hook to set as the loop's sel.select.
static PyObject* select_hook(PyObject* module, PyObject* const* args, Py_ssize_t nargs) {
  (void)module;
  if (nargs != 3) {
    PyErr_SetString(PyExc_TypeError, "select_hook(loop, select, writer)");
    return NULL;
  }
  if (!S.ready) {
    PyErr_SetString(PyExc_RuntimeError, "_loopscope_recorder: setup() first");
    return NULL;
  }
  Select* me = PyObject_GC_New(Select, &SelectType);
  if (me == NULL) return NULL;
  me->vectorcall = select_call;
  me->loop = Py_NewRef(args[0]);
  me->select = Py_NewRef(args[1]);
  me->writer = Py_NewRef(args[2]);
  PyObject_GC_Track((PyObject*)me);
  return (PyObject*)me;
}

// -- setup -------------------------------------------------------------------

static int take(PyObject* d, const char* name, PyObject** slot) {
  PyObject* v = PyDict_GetItemString(d, name);
  if (v == NULL) {
    PyErr_Format(PyExc_KeyError, "setup: %s missing", name);
    return -1;
  }
  Py_XSETREF(*slot, Py_NewRef(v));
  return 0;
}

static int take_long(PyObject* d, const char* name, long long* out) {
  PyObject* v = PyDict_GetItemString(d, name);
  if (v == NULL) {
    PyErr_Format(PyExc_KeyError, "setup: %s missing", name);
    return -1;
  }
  *out = PyLong_AsLongLong(v);
  return PyErr_Occurred() ? -1 : 0;
}

// The offset of a __slots__ member (cls.name is its member descriptor).
static int slot_offset(PyTypeObject* cls, const char* name, Py_ssize_t* out) {
  PyObject* d = PyObject_GetAttrString((PyObject*)cls, name);
  if (d == NULL) return -1;
  int ok = Py_TYPE(d) == &PyMemberDescr_Type && ((PyMemberDescrObject*)d)->d_member->type == T_OBJECT_EX;
  if (ok) *out = ((PyMemberDescrObject*)d)->d_member->offset;
  Py_DECREF(d);
  if (!ok) PyErr_Format(PyExc_TypeError, "setup: %s.%s is not a slot", cls->tp_name, name);
  return ok ? 0 : -1;
}

static int take_type(PyObject* d, const char* name, PyTypeObject** out) {
  PyObject* t = NULL;
  if (take(d, name, &t) < 0) return -1;
  if (!PyType_Check(t)) {
    Py_DECREF(t);
    PyErr_Format(PyExc_TypeError, "setup: %s must be a class", name);
    return -1;
  }
  Py_XSETREF(*out, (PyTypeObject*)t);
  return 0;
}

// setup(dict): the recorder's objects and constants (loopscope_recorder._hot_hooks).
static PyObject* setup(PyObject* module, PyObject* d) {
  (void)module;
  if (!PyDict_Check(d)) {
    PyErr_SetString(PyExc_TypeError, "setup(dict)");
    return NULL;
  }
  long long k_push, k_run, k_run_resume, run_phase, io_phase, k_iter, k_poll, idle_phase, poll_phase;
  long long k_timer_fire, k_io_wait, k_io_done;
  S.ready = 0;
  if (take(d, "rec", &S.rec) < 0 || take(d, "q", &S.q) < 0 || take(d, "deque_append", &S.deque_append) < 0 ||
      take(d, "hrun", &S.hrun) < 0 || take(d, "push", &S.push_py) < 0 || take(d, "run", &S.run_py) < 0 ||
      take(d, "end_step", &S.end_step_py) < 0 || take(d, "awaits", &S.awaits) < 0 ||
      take(d, "code_kind", &S.code_kind) < 0 || take(d, "Task", &S.task_type) < 0 ||
      take(d, "step_types", &S.step_types) < 0 || take(d, "code_info", &S.code_info) < 0 ||
      take(d, "Q", &S.Q) < 0 || take(d, "K_END", &S.k_end) < 0 || take_long(d, "t0", &S.t0) < 0 ||
      take_long(d, "SLOW_NS", &S.slow_ns) < 0 ||
      take_long(d, "MAX_LINE", &S.max_line) < 0 || take_long(d, "K_PUSH", &k_push) < 0 ||
      take_long(d, "K_RUN_RESUME", &k_run_resume) < 0 || take_long(d, "RUN", &run_phase) < 0 ||
      take_long(d, "IO", &io_phase) < 0 || take_type(d, "LoopState", &S.ls_type) < 0 ||
      take_type(d, "ReadyQueue", &S.rq_type) < 0 || take_type(d, "Handle", &S.handle_type) < 0 ||
      take_type(d, "Via", &S.via_type) < 0 ||
      take_long(d, "K_ITER", &k_iter) < 0 || take_long(d, "K_POLL", &k_poll) < 0 ||
      take_long(d, "IDLE", &idle_phase) < 0 || take_long(d, "POLL", &poll_phase) < 0 ||
      take_long(d, "FLUSH_NS", &S.flush_ns) < 0 || take_long(d, "K_RUN", &k_run) < 0 ||
      take(d, "rewait", &S.rewait) < 0 || take(d, "skip", &S.skip) < 0 || take(d, "skipped", &S.skipped) < 0 ||
      take(d, "loop_abort", &S.loop_abort) < 0 || take(d, "cancelled_in_step", &S.cancelled_in_step) < 0 ||
      take(d, "wait_timers", &S.wait_timers) < 0 || take(d, "wait_label", &S.wait_label) < 0 ||
      take(d, "describe", &S.describe) < 0 || take(d, "js", &S.js) < 0 || take(d, "Future", &S.future_type) < 0 ||
      take_type(d, "TimerHandle", &S.timer_handle_type) < 0 || take(d, "NULL", &S.null) < 0 || take_long(d, "FLUSH_RECORDS", &S.flush_records) < 0 ||
      take_long(d, "K_TIMER_FIRE", &k_timer_fire) < 0 || take_long(d, "K_IO_WAIT", &k_io_wait) < 0 ||
      take_long(d, "K_IO_DONE", &k_io_done) < 0 || take(d, "Q_READY", &S.q_ready) < 0)
    return NULL;
  if ((!PyList_CheckExact(S.q) && Py_TYPE(S.q) != &RecordsType) || !PyType_Check(S.task_type) ||
      !PySet_Check(S.step_types) || !PyDict_Check(S.code_info)) {
    PyErr_SetString(PyExc_TypeError, "setup: q must be a list or Records, Task a type, step_types a set, "
                                     "code_info a dict");
    return NULL;
  }
  struct {
    PyTypeObject* cls;
    const char* name;
    Py_ssize_t* off;
  } slots[] = {
      {S.ls_type, "phase", &O.phase}, {S.ls_type, "pushed", &O.pushed}, {S.ls_type, "current", &O.current},
      {S.ls_type, "tasks", &O.tasks}, {S.ls_type, "next_handle", &O.next_handle},
      {S.ls_type, "handles", &O.handles}, {S.ls_type, "labels", &O.labels}, {S.ls_type, "suspended", &O.suspended},
      {S.ls_type, "number", &O.number}, {S.ls_type, "it", &O.it}, {S.ls_type, "thread", &O.thread},
      {S.ls_type, "io", &O.io}, {S.ls_type, "skips", &O.skips}, {S.ls_type, "run_start", &O.run_start}, {S.ls_type, "timers", &O.timers}, {S.ls_type, "next_op", &O.next_op},
      {S.ls_type, "cancels", &O.cancels},
      {S.handle_type, "_cancelled", &O.h_cancelled},
      {S.rq_type, "ls", &O.rq_ls}, {S.rq_type, "loop", &O.rq_loop}, {S.handle_type, "_callback", &O.h_callback},
      {S.handle_type, "_args", &O.h_args}, {S.handle_type, "_loop", &O.h_loop},
  };
  for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
    if (slot_offset(slots[i].cls, slots[i].name, slots[i].off) < 0) return NULL;
  S.k_push = (long)k_push, S.k_run_resume = (long)k_run_resume, S.run_phase = (long)run_phase,
  S.io_phase = (long)io_phase;
  S.k_run = (long)k_run;
  S.k_timer_fire = (long)k_timer_fire, S.k_io_wait = (long)k_io_wait, S.k_io_done = (long)k_io_done;
  S.k_iter = (long)k_iter, S.k_poll = (long)k_poll, S.idle_phase = (long)idle_phase, S.poll_phase = (long)poll_phase;
  const char* words[] = {"task.step", "task.wakeup", "yield", "future", "call_soon", "timer", "io",
                         "sleep.set_result", "waiter.set_result", "wait_for.release_waiter", "callback"};
  PyObject** qs[] = {&S.q_step,  &S.q_wakeup, &S.q_yield, &S.q_future, &S.q_soon,
                     &S.q_timer, &S.q_io,     &S.q_sleep_set_result, &S.q_waiter_set_result,
                     &S.q_release_waiter, &S.q_callback};
  for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
    PyObject* v = PyDict_GetItemString(S.Q, words[i]);
    if (v == NULL) {
      PyErr_Format(PyExc_KeyError, "setup: Q[%s] missing", words[i]);
      return NULL;
    }
    Py_XSETREF(*qs[i], Py_NewRef(v));
  }
  for (int i = 0; i < T_COUNT; i++) {
    Py_XSETREF(task_attr[i], PyObject_GetAttrString(S.task_type, task_attr_names[i]));
    if (task_attr[i] == NULL) return NULL;
  }
  if (S.code_extra < 0) S.code_extra = _PyEval_RequestCodeExtraIndex(free_kind);  // -1: none left, use code_info
  PyObject* hooks = Py_BuildValue("(NN)", make_hook(0), make_hook(1));
  S.ready = hooks != NULL;
  S.on = S.ready;
  return hooks;
}

// off(): the recorder stopped recording (Recorder.on is False from now on).
static PyObject* off(PyObject* module, PyObject* unused) {
  (void)module, (void)unused;
  S.on = 0;
  Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"setup", setup, METH_O, "setup(dict) -> (ReadyQueue.append, Handle._run) hooks"},
    {"off", off, METH_NOARGS, "off(): stop recording (Recorder.on = False)"},
    {"select_hook", (PyCFunction)(void (*)(void))select_hook, METH_FASTCALL,
     "select_hook(loop, select, writer) -> the selector's select, recorded"},
    {"splice", (PyCFunction)(void (*)(void))splice, METH_FASTCALL, "splice(frame, deferred) -> bytes"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_loopscope_recorder", "loopscope's CPython recorder: its hot path in C.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__loopscope_recorder(void) {
  struct {
    PyObject** slot;
    const char* s;
  } names[] = {
      {&s_exception, "_exception"}, {&s_thread_id, "_thread_id"}, {&s_self, "__self__"}, {&s_cancelled, "cancelled"},
      {&s_loopscope, "_loopscope"}, {&s_cr_frame, "cr_frame"}, {&s_cr_await, "cr_await"},
      {&s_gi_frame, "gi_frame"}, {&s_gi_yieldfrom, "gi_yieldfrom"}, {&s_ag_frame, "ag_frame"},
      {&s_ag_await, "ag_await"}, {&s_ready, "_ready"},
      {&s_flushed_ns, "flushed_ns"}, {&s_flush_from_loop, "flush_from_loop"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if ((*names[i].slot = PyUnicode_InternFromString(names[i].s)) == NULL) return NULL;
  if (PyType_Ready(&HookType) < 0 || PyType_Ready(&SelectType) < 0 || PyType_Ready(&RecordsType) < 0 || (S.empty = PyTuple_New(0)) == NULL) return NULL;
  S.code_extra = -1;
  PyObject* m = PyModule_Create(&module_def);
  if (m != NULL && PyModule_AddObjectRef(m, "Records", (PyObject*)&RecordsType) < 0) Py_CLEAR(m);
  return m;
}
