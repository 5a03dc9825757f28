#!/usr/bin/env python3
"""Compares two CPython-recorder traces event by event, ignoring what legitimately
differs between two runs of one program: time stamps and durations (t_ns, dur_ns,
waited_ns, due_ns, a poll's timeout_ms), the interpreter's version string and the
port numbers in an I/O operation's target (a server bound to port 0 gets another
ephemeral port each run, and so does each client's socket).
Everything else (kinds, order, ids, labels, causes, lines, files, texts, the
order of the fields) must match.

    python3 tools/recorder_trace_diff.py A.jsonl B.jsonl     # exit 0 when alike, 1 with the first difference

tests/recorder/test_recorder.py imports `normalized` and `first_difference`.
"""
import json
import re
import sys

TIMING = ("t_ns", "dur_ns", "waited_ns", "due_ns", "timeout_ms")


def normalized(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            e = json.loads(line)
            for k in TIMING:
                e.pop(k, None)
            if e["ev"] == "run.begin":
                e.pop("python", None)
            elif e["ev"] == "io.wait" and isinstance(e.get("target"), str):
                e["target"] = re.sub(r":\d+$", ":PORT", e["target"])
            out.append(e)
    return out


def first_difference(a, b):
    """None when the two event lists are alike, else one line saying where they part."""
    for i, (x, y) in enumerate(zip(a, b)):
        if list(x.items()) != list(y.items()):  # the same fields in the same order
            return "event %d differs:\n  %s\n  %s" % (i, json.dumps(x, sort_keys=True), json.dumps(y, sort_keys=True))
    if len(a) != len(b):
        return "lengths differ: %d and %d events (first extra: %s)" % (
            len(a), len(b), json.dumps((a if len(a) > len(b) else b)[min(len(a), len(b))]))
    return None


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write("usage: recorder_trace_diff.py A.jsonl B.jsonl\n")
        sys.exit(2)
    d = first_difference(normalized(sys.argv[1]), normalized(sys.argv[2]))
    if d:
        print(d)
        sys.exit(1)
    print("alike: %d events" % len(normalized(sys.argv[1])))
