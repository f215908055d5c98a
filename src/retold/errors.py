"""Numbered error catalogue. Codes never change meaning; add new ones at the end.

Each problem with an input is reported as `RetoldIssue(code, where, detail)`; its message
names the code, the file (and line/record) and what to do about it. Bad records are
skipped and counted in run.json; the run goes on.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .text.safe import repair_surrogates, terminal_safe


class Err(str, Enum):
    # message template, fix
    E001 = "empty input file|add text to the file or remove it from the inputs"
    E002 = "binary file (contains NUL bytes or is not text)|pass only text, JSONL, Parquet, HTML or WARC files"
    E003 = "not valid UTF-8|re-encode the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
    E004 = "cannot read file|check that the path exists and is readable"
    E005 = "unsupported file type|use .txt, .jsonl, .parquet, .html/.htm or .warc(.gz) (optionally .gz)"
    E010 = "line is not valid JSON|fix the JSON on that line (one object per line)"
    E011 = "record has no 'id'|give every record a string or integer 'id'"
    E012 = "record has neither 'text' nor 'html'|give every record a 'text' (or 'html') field"
    E013 = "duplicate document id (later record skipped)|make ids unique across all inputs"
    E014 = "record text is empty after cleaning|drop the record or check its text/html field"
    E015 = "record is not a JSON object|write one JSON object per line"
    E020 = "input path does not exist|check the path"
    E021 = "no documents found in the inputs|pass files or folders holding .txt, .jsonl, .parquet, .html or .warc files"
    E030 = "bad configuration value|see `retold run --help` and config.py for valid values"
    E031 = "run folder was made with another configuration|use a new --out folder or pass --force"
    # input hardening (issue 11); E040 and E046 repair a kept record, E048 is a note
    E040 = "invalid Unicode (lone surrogate) replaced with U+FFFD, record kept|re-encode the data as UTF-8; a '\\ud800'-style escape without its pair is not text"
    E041 = "not a regular file (FIFO, socket or device), skipped|pass only regular files; move it out of the input folder"
    E042 = "cannot follow the path (symlink loop or dangling symlink), skipped|fix or remove the symlink"
    E043 = "document over the size limit, skipped|split the document into smaller ones (limits in retold/io/limits.py)"
    E044 = "compressed file expands too much (gzip bomb?); the rest of the file is not read|check the file; if it is genuine, decompress it and pass the plain file"
    E045 = "README, LICENSE or similar file in an input folder is not read as an article|pass the file by its own path if it is an article"
    E046 = "unparseable date set to null, record kept|give dates as ISO 8601 (2024-03-05 or 2024-03-05T10:00:00Z) or RFC 2822"
    E047 = "corrupt WARC data skipped up to the next readable record|check the crawl; the records before and after it were read"
    E048 = "WARC records that are not HTML pages passed over (requests, metadata, redirects, non-HTML)|nothing to do: only 2xx HTML responses are documents"
    # run safety (issue 11): locks, --out, the config file, interrupts, the store
    E049 = "run folder is in use by another retold run|wait for that run to finish (or stop it), or use another --out folder"
    E050 = "store is in use by another process|wait for that process to finish, or use another --store"
    E051 = "--out folder is not empty and holds no retold run (nothing in it was changed)|choose a new or empty folder for --out"
    E052 = "--out folder overlaps an input (the run would read its own outputs)|put --out outside every input folder, e.g. beside it"
    E053 = "configuration file not found or unreadable|check the path given to --config"
    E054 = "configuration file is not valid TOML|fix the TOML at the line named, then run the same command again"
    E055 = "interrupted|run the same command again: it resumes from the last finished stage"
    E056 = "cannot write output|check that the folder exists, is writable and has free space"
    E057 = "not a retold store (not a DuckDB file, or one this version cannot read)|point --store at a store made by retold, or at a new file"
    E058 = "a worker process died (killed by the system, perhaps out of memory)|run the same command again to resume; set workers = 1 in the config if memory is short"
    E059 = "too many bad records in one file (over 1,000, and more bad than good): the rest is not read|check that the file is of the kind its extension says; fix or split it"
    # the spark engine (issue 12)
    E060 = "the spark engine needs PySpark, which is not installed|pip install 'retold[spark]' (or run with --engine local)"
    E061 = "the spark engine could not start Spark (no Java runtime found, or the session failed to start)|install Java 17 or later (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME, and check --master; or run with --engine local"
    E062 = "the run would need more memory than it may use (its peak grows with the text it holds)|split the input into separate runs of at most the number of documents named (separate --out, no shared --store), or raise max_memory_gb in the config if the machine has the memory"

    @property
    def message(self) -> str:
        return self.value.split("|", 1)[0]

    @property
    def fix(self) -> str:
        return self.value.split("|", 1)[1]

    @property
    def kind(self) -> str:
        """What an input issue did to its record or file: "rejected" (not kept: it counts
        in records in = documents kept + records rejected), "repaired" (kept with a field
        fixed) or "note" (records that are not documents, such as WARC requests)."""
        if self in _REPAIRS:
            return "repaired"
        return "note" if self in _NOTES else "rejected"


_REPAIRS = frozenset({Err.E040, Err.E046})
_NOTES = frozenset({Err.E048})


@dataclass
class RetoldIssue:
    """A problem with one file or record; reported and counted, never fatal to the run."""

    code: Err
    where: str  # file, optionally with ":line" or "#record"
    detail: str = ""

    def __post_init__(self) -> None:
        # a file name with undecodable bytes or a record's lone surrogate must not make the
        # issue itself unwritable (run.json is UTF-8)
        self.where, self.detail = repair_surrogates(self.where), repair_surrogates(self.detail)

    def __str__(self) -> str:
        # terminal-safe: paths and details quote input data (ids, file names)
        extra = f" ({terminal_safe(self.detail)})" if self.detail else ""
        return (f"[{self.code.name}] {terminal_safe(self.where)}: {self.code.message}{extra}. "
                f"Fix: {self.code.fix}.")

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code.name, "kind": self.code.kind, "where": self.where,
                "detail": self.detail, "message": str(self)}


class RetoldError(Exception):
    """A fatal error: the run cannot go on."""

    def __init__(self, code: Err, where: str = "", detail: str = ""):
        self.issue = RetoldIssue(code, where, detail)
        super().__init__(str(self.issue))

    @property
    def code(self) -> Err:
        return self.issue.code
