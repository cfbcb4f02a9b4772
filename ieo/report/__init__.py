"""The published report: one self-contained HTML file per release (see ``ieo.report.build``)."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).with_name("templates")


def render_template(name: str, **context) -> str:
    """Render one of the release's HTML templates: autoescaped, and an unknown name is an error."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template(name).render(**context)
