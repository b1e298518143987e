#!/usr/bin/env python3
"""Time from starting `fern` on a pseudo-terminal to its REPL prompt (median of 20).

usage: Benchmarks/prompt_time.py path/to/fern
"""
import os, pty, time, sys, statistics, select
def once(env):
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(sys.argv[1], [sys.argv[1]], env)
    buf = b""
    while True:
        r, _, _ = select.select([fd], [], [], 5)
        if not r: break
        try: data = os.read(fd, 4096)
        except OSError: break
        buf += data
        if b">" in buf.split(b"\n")[-1]:
            t = time.perf_counter() - t0
            break
    os.write(fd, b"\x04"); os.waitpid(pid, 0); os.close(fd)
    return t * 1000
env = dict(os.environ, FERN_HISTORY="/tmp/fern-hist-bench")
for label, e in [("as the environment is", env), ("FERN_KEEP_OPENBLAS_CORETYPE=1", dict(env, FERN_KEEP_OPENBLAS_CORETYPE="1"))]:
    times = [once(e) for _ in range(20)]
    print(f"REPL prompt ({label}): median {statistics.median(times):.1f} ms, min {min(times):.1f}, max {max(times):.1f}")
