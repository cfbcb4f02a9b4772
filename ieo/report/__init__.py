"""The published report: one self-contained HTML file per release (see ``ieo.report.build``)."""
