"""The sections of report.html, one module each, in reading order."""
