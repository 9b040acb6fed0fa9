"""The floor: the least a server-rendered page can cost on this stack, to measure pages against.

A bare Litestar app renders a 25-row table with Jinja, no database, no middleware. A page's
p95 over the floor's p95, measured in the same run on the same machine, says how much work the
page adds, whatever the machine's speed that day.
"""

from __future__ import annotations

from jinja2 import Environment
from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

ROWS = [
    {"number": f"2026-{n:04d}", "name": f"Youth {n}", "state": "Sanctions in progress", "due": "2026-12-31"}
    for n in range(1, 26)
]

TABLE = """<!doctype html><html lang="en"><head><title>Floor</title></head><body><main><h1>Cases</h1>
<table><thead><tr><th>Case</th><th>Youth</th><th>State</th><th>Due</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.number }}</td><td>{{ row.name }}</td><td>{{ row.state }}</td>
<td>{{ row.due }}</td></tr>{% endfor %}</tbody></table></main></body></html>"""


@get("/", sync_to_thread=False)
def table() -> Template:
    return Template(template_str=TABLE, context={"rows": ROWS})


app = Litestar(
    route_handlers=[table],
    template_config=TemplateConfig(
        instance=JinjaTemplateEngine.from_environment(Environment(autoescape=True))
    ),
)
