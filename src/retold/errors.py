"""Numbered error catalogue. Codes never change meaning; add new ones at the end.

Each problem with an input is reported as `RetoldIssue(code, where, detail)`; its message
names the code, the file (and line/record) and what to do about it. Bad records are
skipped and counted in run.json; the run goes on.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


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

    @property
    def message(self) -> str:
        return self.value.split("|", 1)[0]

    @property
    def fix(self) -> str:
        return self.value.split("|", 1)[1]


@dataclass
class RetoldIssue:
    """A problem with one file or record; reported and counted, never fatal to the run."""

    code: Err
    where: str  # file, optionally with ":line" or "#record"
    detail: str = ""

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"[{self.code.name}] {self.where}: {self.code.message}{extra}. Fix: {self.code.fix}."

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code.name, "where": self.where, "message": str(self)}


class RetoldError(Exception):
    """A fatal error: the run cannot go on."""

    def __init__(self, code: Err, where: str = "", detail: str = ""):
        self.issue = RetoldIssue(code, where, detail)
        super().__init__(str(self.issue))

    @property
    def code(self) -> Err:
        return self.issue.code
