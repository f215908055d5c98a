"""Self-contained HTML reports (Jinja2 with autoescape; no external resources)."""
from .html import highlight, render_comparison, render_run_report, write_run_report

__all__ = ["highlight", "render_comparison", "render_run_report", "write_run_report"]
