"""Bounds on what one input may cost, and opening only regular files.

A run reads whatever it is pointed at: a FIFO named pipe.txt (opening it blocks forever), a
1 MB .txt.gz that expands to 1 GB, a 50 MB one-line text. Each limit below is checked while
streaming, before the bytes are held in memory, and a file or document over it is reported
with a code (E043 document too large, E044 gzip bomb) instead of exhausting memory.
"""
from __future__ import annotations

import gzip
import os
import stat
from typing import IO

# Longest document text kept, in characters. The later stages hold about 64 bytes per
# character of one document at once (tokens with their spans, shingles, alignment: a 50 MB
# one-line text took 3.2 GB), so 4 million characters bound one document near 256 MB even in
# every worker of the pool; the longest news articles and reports are well under 1 million.
MAX_DOCUMENT_CHARS = 4_000_000

# Raw bytes read for one .txt document before deciding: UTF-8 needs at most 4 bytes per
# character, so a file over this cannot hold a text within MAX_DOCUMENT_CHARS.
MAX_TEXT_BYTES = 4 * MAX_DOCUMENT_CHARS

# Largest HTML page (raw bytes) given to the extractor: lxml builds a tree of roughly ten
# times the page, so 16 MiB keeps it near 200 MB; pages with inline scripts and images reach
# a few MB, news pages rarely more.
MAX_HTML_BYTES = 16 * 2**20

# Longest JSONL line (one record), in bytes: a record may carry a page in "html" (escaped
# JSON roughly doubles it). A longer line is skipped as it streams past, never held.
MAX_LINE_BYTES = 2 * MAX_HTML_BYTES

# Largest WARC record content read: the HTTP headers plus a page of MAX_HTML_BYTES.
MAX_WARC_RECORD_BYTES = MAX_HTML_BYTES + 2**20

# A gzip file whose output exceeds GZIP_BOMB_FLOOR bytes and MAX_GZIP_RATIO times the
# compressed bytes read so far is a bomb: news text and JSONL compress 3-10x and even highly
# repetitive crawls stay under 50x, while a bomb of zeros or newlines reaches 1000x. The floor
# lets small, very repetitive files through.
MAX_GZIP_RATIO = 200
GZIP_BOMB_FLOOR = 64 * 2**20


# A file with more rejected records than this, and more rejected than kept, is not of the
# kind its name says (a binary or a log named .jsonl): it ends with one E059 instead of an
# issue for each of its lines. Real corpora with a few bad lines stay far below it.
MAX_BAD_RECORDS = 1000


class NotRegularFile(OSError):
    """The path is a FIFO, socket or device: reading it could block forever or never end."""


def file_type_name(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def open_regular(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open `path` for binary reading only if it is a regular file (raises NotRegularFile).

    O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer, and the
    check is made on the opened descriptor, so a file swapped for a FIFO after the folder
    was listed is caught too.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(0, f"{file_type_name(st.st_mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class GzipBomb(OSError):
    """A gzip stream expanding beyond MAX_GZIP_RATIO (see above)."""


class _GuardedGzip(gzip.GzipFile):
    """A GzipFile that raises GzipBomb once its output passes the floor and the ratio."""

    def __init__(self, raw: IO[bytes]):
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw
        self._out = 0
        self._next_check = GZIP_BOMB_FLOOR

    def _guard(self, n: int) -> None:
        self._out += n
        if self._out >= self._next_check:
            self._next_check = self._out + 2**20
            read = max(1, self._raw.tell())
            if self._out > MAX_GZIP_RATIO * read:
                raise GzipBomb(0, f"{self._out:,} bytes out of {read:,} compressed "
                               f"(over {MAX_GZIP_RATIO}x)")

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self._guard(len(data))
        return data

    def read1(self, size: int = -1) -> bytes:
        data = super().read1(size)
        self._guard(len(data))
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size if size is not None else -1)
        self._guard(len(data))
        return data

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def open_input(path: str | os.PathLike[str], gz: bool) -> IO[bytes]:
    """A regular file opened for binary reading, decompressed (with the bomb guard) if gz."""
    raw = open_regular(path)
    if not gz:
        return raw
    try:
        return _GuardedGzip(raw)
    except BaseException:
        raw.close()
        raise


def read_capped(fh: IO[bytes], cap: int) -> tuple[bytes, bool]:
    """At most `cap` bytes of `fh`, and whether there was more (one byte past is read)."""
    data = fh.read(cap + 1)
    return data[:cap], len(data) > cap




# A whole run's peak memory: the PSS of the process tree (two workers; pages they share with
# the parent counted once), as a user runs it (summary, report and store included), measured
# at 10,000 / 113,744 / 1,023,696 documents (11.4 / 131.5 / 1,184 million characters; the
# spelled corpus's first 10k, the big corpus, the spelled corpus of benchmarks/corpus.py):
# 0.51 / 1.44 / 5.28 GiB, a least-squares line of 0.68 GiB + 4.2 bytes a character
# (benchmarks/bench_memory.py; benchmarks/results/2026-12-03-memory-10k.json,
# ...-memory-114k-contended.json, ...-memory-1m.json; README Limits). The 114k run sits a
# fifth above that line (its store step), so the check takes a bound over all three instead:
# 1 GiB + 5 bytes a character asks 1.05 / 1.61 / 6.5 GiB of them. Before the texts and n-gram
# sets were read in place (2026-12-02) the line was 0.61 GiB + 9.4 bytes (the check 12).
RUN_MEMORY_FIXED = 2**30
RUN_MEMORY_PER_CHAR = 5


def run_memory_estimate(total_chars: int) -> int:
    """Bytes a run over `total_chars` characters of text is expected to peak at."""
    return RUN_MEMORY_FIXED + RUN_MEMORY_PER_CHAR * int(total_chars)


def available_memory() -> int | None:
    """Bytes of memory the machine has available now (Linux's MemAvailable; None where it
    cannot be read)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def run_memory_check(total_chars: int, n_docs: int, max_gb: float) -> str | None:
    """None when a run of `n_docs` documents over `total_chars` characters fits in `max_gb`
    gigabytes (0: the memory available now); else why not and how many documents would."""
    budget = max_gb * 2**30 if max_gb > 0 else available_memory()
    need = run_memory_estimate(total_chars)
    if budget is None or need <= budget:
        return None
    per_doc = RUN_MEMORY_PER_CHAR * total_chars / max(1, n_docs)
    fits = max(0, int((budget - RUN_MEMORY_FIXED) / per_doc)) if per_doc > 0 else n_docs
    where = f"max_memory_gb = {max_gb:g}" if max_gb > 0 else "available on this machine now"
    fit = (f"about {fits:,} such documents fit" if fits > 0 else
           f"not even the {RUN_MEMORY_FIXED / 2**30:.2f} GB every run needs fits")
    return (f"{n_docs:,} documents, {total_chars:,} characters: about {need / 2**30:.1f} GB "
            f"({RUN_MEMORY_FIXED / 2**30:.2f} GB + {RUN_MEMORY_PER_CHAR} bytes a character, README Limits), over {budget / 2**30:.1f} GB "
            f"({where}); {fit}")


__all__ = [
    "GZIP_BOMB_FLOOR", "GzipBomb", "MAX_DOCUMENT_CHARS", "MAX_GZIP_RATIO", "MAX_HTML_BYTES",
    "MAX_LINE_BYTES", "MAX_TEXT_BYTES", "MAX_WARC_RECORD_BYTES", "NotRegularFile",
    "RUN_MEMORY_FIXED", "RUN_MEMORY_PER_CHAR", "available_memory", "file_type_name", "open_input",
    "open_regular", "read_capped", "run_memory_check", "run_memory_estimate",
]
