"""Run a benchmark child and measure it from outside: wall time, peak RSS of its whole
process tree (psutil polling, summed over processes, so forked workers count and the pages
they share with the parent count once per process), peak PSS of the tree (each shared page
split among its sharers: the tree's real footprint), the child's own ru_maxrss and CPU time.
Shared by the bench_* scripts."""
from __future__ import annotations

import os
import platform
import signal
import subprocess
import time
from pathlib import Path


def machine() -> dict:
    """What a result was measured on: cores, CPU model, memory, platform, Python (the
    machine under these benchmarks is not always the same one: figures of different CPUs
    are not compared with each other)."""
    import psutil
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), None)
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "platform": platform.platform(), "python": platform.python_version()}


def measure(cmd: list[str], err_path: Path, cwd: Path, interval: float = 0.02,
            timeout: float | None = None, pss_interval: float = 5.0, trace: list | None = None) -> dict:
    """`trace`, when given, gets one (clock time, parent PSS, workers' PSS) tuple, in seconds
    since the epoch and bytes, for every PSS sample."""
    import psutil

    err_path.parent.mkdir(parents=True, exist_ok=True)
    with open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd)
        root = psutil.Process(proc.pid)
        peak, peak_pss, next_pss, timed_out = 0, 0, 0.0, False
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                wall = time.perf_counter() - t0
                break
            if timeout is not None and not timed_out and time.perf_counter() - t0 > timeout:
                timed_out = True
                proc.send_signal(signal.SIGKILL)  # our own child, by pid
            rss = 0
            try:
                procs = [root] + root.children(recursive=True)
            except psutil.Error:
                procs = []
            for p in procs:
                try:
                    rss += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, rss)
            # the kernel walks every page table for PSS (~60 ms for a 2 GB process): taken
            # every few seconds, or the poll would eat a core of this 2-core machine
            if time.perf_counter() >= next_pss:
                next_pss = time.perf_counter() + pss_interval
                pss, own = 0, 0
                for p in procs:
                    try:
                        x = p.memory_full_info().pss
                    except (psutil.Error, AttributeError):
                        continue
                    pss += x
                    own = x if p is root else own
                peak_pss = max(peak_pss, pss)
                if trace is not None:
                    trace.append((time.time(), own, pss - own))
            time.sleep(interval)
    code = os.waitstatus_to_exitcode(status)
    stderr = err_path.read_text(errors="replace")
    return {
        "wall_s": round(wall, 3),
        "peak_rss_mb": round(peak / 2**20, 1),
        # sampled every pss_interval seconds: a spike between samples is missed
        "peak_pss_mb": round(peak_pss / 2**20, 1),
        # ru_maxrss of the child (Linux: KiB), max over it and the descendants it waited for
        "ru_maxrss_mb": round(ru.ru_maxrss / 1024, 1),
        "cpu_s": round(ru.ru_utime + ru.ru_stime, 2),
        "returncode": code,
        "timed_out": timed_out,
        "stderr_tail": stderr[-3000:] if code else "",
    }
