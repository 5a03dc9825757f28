#!/usr/bin/env python3
"""The attack corpus: hostile traces, hostile HTTP requests and bad command
lines, each with its expected outcome written beside it (tests/attacks/README.md).

usage: run.py LOOPSCOPE [CASE...]     (ctest: attacks/corpus)

Each cases/NAME.case is a few `key: value` lines:
  what:    the attack, in words
  setup:   shell commands run first in the case's own empty directory (repeatable)
  run:     the command line under test ($LOOPSCOPE, $ATTACKS = this directory)
  http:    a file of raw bytes sent to the open server that `run` starts: the driver
           reads the port from its "listening on http://127.0.0.1:PORT/" line
  status:  the expected exit status
  stderr:  a substring stderr must hold (repeatable: all must)
  lines:   at most this many lines on stderr (default 1: one-line messages)
  check:   shell commands that must exit 0 afterwards (repeatable)
  timeout: seconds before the case fails as a hang (default 60)
  needs:   gui (skipped when the binary has no GUI commands), ffmpeg (skipped without it)
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def parse(path):
    case = {"setup": [], "check": [], "stderr": [], "lines": "1", "timeout": "60"}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise SystemExit(f"{path}:{n}: expected 'key: value'")
            key, value = key.strip(), value.strip()
            if isinstance(case.get(key), list):
                case[key].append(value)
            else:
                case[key] = value
    for key in ("run", "status"):
        if key not in case:
            raise SystemExit(f"{path}: no '{key}:' line")
    return case


def send_http(proc, request, deadline):
    """Reads stderr until the listening line, sends `request`, returns what stderr said so far."""
    seen = b""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
        m = re.search(rb"listening on http://127\.0\.0\.1:(\d+)/", line)
        if m:
            with socket.create_connection(("127.0.0.1", int(m.group(1))), timeout=5) as s:
                s.sendall(request)
                s.shutdown(socket.SHUT_WR)
                try:
                    while s.recv(65536):
                        pass
                except OSError:
                    pass
            return seen
    raise RuntimeError("the server never said where it listens")


def run_case(name, case, env, has_gui):
    needs = case.get("needs", "").split()
    if "gui" in needs and not has_gui:
        return "skip", "no GUI in this build"
    if "ffmpeg" in needs and not shutil.which("ffmpeg"):
        return "skip", "no ffmpeg on PATH"
    work = tempfile.mkdtemp(prefix=f"loopscope-attack-{name}-")
    try:
        for cmd in case["setup"]:
            subprocess.run(["sh", "-c", cmd], cwd=work, env=env, check=True)
        timeout = float(case["timeout"])
        deadline = time.monotonic() + timeout
        proc = subprocess.Popen(["sh", "-c", case["run"]], cwd=work, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        early = b""
        try:
            if "http" in case:
                with open(os.path.join(HERE, case["http"]), "rb") as f:
                    early = send_http(proc, f.read(), deadline)
            out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.communicate()
            return "fail", f"still running after {timeout:g} s (a hang)"
        err = (early + err).decode("utf-8", "replace")
        lines = [l for l in err.splitlines() if l.strip()]
        if "http" in case:  # the server's own progress lines are not the message under test
            lines = [l for l in lines
                     if not l.startswith(("listening on", "concurrent-server:", "trace:", "chrome trace:"))]
        problems = []
        if proc.returncode != int(case["status"]):
            problems.append(f"exit status {proc.returncode}, expected {case['status']}")
        for want in case["stderr"]:
            if want not in err:
                problems.append(f"stderr {err.strip()[:300]!r} lacks {want!r}")
        if len(lines) > int(case["lines"]):
            problems.append(f"{len(lines)} lines on stderr, expected at most {case['lines']}: {lines[:4]!r}")
        for cmd in case["check"]:
            c = subprocess.run(["sh", "-c", cmd], cwd=work, env=env, capture_output=True, text=True)
            if c.returncode != 0:
                problems.append(f"check failed: {cmd} ({(c.stderr or c.stdout).strip()[:300]})")
        return ("fail", "; ".join(problems)) if problems else ("ok", "")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    names = sys.argv[2:] or sorted(f[:-5] for f in os.listdir(os.path.join(HERE, "cases")) if f.endswith(".case"))
    env = dict(os.environ, LOOPSCOPE=binary, ATTACKS=HERE, LC_ALL="C.UTF-8")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="loopscope-attack-config-")
    has_gui = "screenshot" in subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    failed = 0
    for name in names:
        case = parse(os.path.join(HERE, "cases", name + ".case"))
        verdict, why = run_case(name, case, env, has_gui)
        print(f"{verdict:4} {name}: {case.get('what', '')}" + (f"\n     {why}" if why else ""), flush=True)
        failed += verdict == "fail"
    shutil.rmtree(env["XDG_CONFIG_HOME"], ignore_errors=True)
    print(f"{len(names) - failed}/{len(names)} attacks held")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
