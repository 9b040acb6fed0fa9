"""The callables templates use in every row (``_``, ``ngettext``, ``pgettext``, ``url_for``).

They are plain functions, not Jinja's context-taking ones: inside a loop, each call of a
context-taking callable copies the template's context, and ``_`` went through three of them.
What they write must not change: text looked up in the active language, marked safe, its
placeholders filled with escaped values.
"""

from __future__ import annotations

from uuid import UUID

import pytest
from jinja2 import Environment
from jinja2.runtime import Context
from litestar import Litestar
from litestar.exceptions import NoRouteMatchFoundException

from tests.conftest import make_settings
from youthcourt.app import create_app
from youthcourt.settings import resource_dir
from youthcourt.web.i18n import install, use_locale
from youthcourt.web.templating import link_templates_to

TEMPLATES = resource_dir("templates")

CASE = UUID("7c1b1f6e-0000-4000-8000-000000000001")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    folder = tmp_path_factory.mktemp("callables")
    return create_app(make_settings(f"sqlite+aiosqlite:///{folder / 'callables.db'}", folder))


def render(app: Litestar, source: str, language: str = "en", **values: object) -> str:
    template = app.template_engine.engine.from_string(source)  # type: ignore[union-attr]
    with use_locale(language):
        return template.render(**values)


def test_text_in_a_loop_is_translated_and_its_values_escaped(app: Litestar):
    source = '{% for name in names %}[{{ _("Hello, %(name)s.", name=name) }}]{% endfor %}'
    assert render(app, source, names=["Ana", "<b>Bo</b>"]) == "[Hello, Ana.][Hello, &lt;b&gt;Bo&lt;/b&gt;.]"
    assert render(app, '{% for x in [1] %}{{ _("Cases") }}{% endfor %}', "es") == "Casos"
    assert render(app, '{{ gettext("Cases") }}|{{ _("100%% done") }}', "en") == "Cases|100% done"


def test_plurals_contexts_and_trans_blocks_keep_their_forms(app: Litestar):
    plural = '{% for n in counts %}{{ ngettext("%(num)s case", "%(num)s cases", n) }};{% endfor %}'
    assert render(app, plural, counts=[1, 3]) == "1 case;3 cases;"
    assert render(app, '{{ pgettext("case state", "Scheduled") }}', "es") != "Scheduled"
    block = '{% for who in ["<i>x</i>"] %}{% trans name=who %}Hi {{ name }}{% endtrans %}{% endfor %}'
    assert render(app, block) == "Hi &lt;i&gt;x&lt;/i&gt;"
    counted = "{% trans count=n %}{{ count }} night{% pluralize %}{{ count }} nights{% endtrans %}"
    assert render(app, counted, n=2) == "2 nights"


def test_url_for_in_a_loop_is_the_apps_own_reverse(app: Litestar):
    source = "{% for id in ids %}{{ url_for('cases.show', case_id=id) }} {% endfor %}"
    assert render(app, source, ids=[CASE, str(CASE)]) == f"/cases/{CASE} /cases/{CASE} "
    with pytest.raises(NoRouteMatchFoundException):
        render(app, "{{ url_for('cases.nowhere') }}")


def test_an_address_without_parameters_is_made_once(app: Litestar, monkeypatch):
    """Every page's menu asks for the same twenty addresses; each is made once per app."""
    made = []
    original = Litestar.route_reverse
    monkeypatch.setattr(
        Litestar, "route_reverse", lambda self, *a, **k: made.append(a) or original(self, *a, **k)
    )
    link_templates_to(app)
    source = "{% for id in ids %}{{ url_for('dashboard.dashboard') }} {{ url_for('cases.show', case_id=id) }};{% endfor %}"
    try:
        assert render(app, source, ids=[CASE] * 3) == f"/dashboard /cases/{CASE};" * 3
    finally:
        monkeypatch.undo()
        link_templates_to(app)  # the app's own again, for the module's other tests
    assert made.count(("dashboard.dashboard",)) == 1
    assert made.count(("cases.show",)) == 3


def test_no_call_in_a_list_page_copies_the_template_context(app: Litestar, monkeypatch):
    copies = []
    original = Context.derived
    monkeypatch.setattr(Context, "derived", lambda self, *a, **k: copies.append(1) or original(self, *a, **k))
    rows = "{% for id in ids %}<a href=\"{{ url_for('cases.show', case_id=id) }}\">{{ _('Case') }}</a>{% endfor %}"
    assert render(app, rows, ids=[CASE] * 25).count("<a ") == 25
    assert copies == []


def test_an_environment_that_does_not_escape_is_refused():
    with pytest.raises(ValueError, match="autoescape"):
        install(Environment(autoescape=False))  # noqa: S701 - what is refused


def test_no_template_turns_autoescaping_off():
    """The callables mark their text safe, which is right only where everything else is escaped."""
    offenders = [
        path.name for path in TEMPLATES.rglob("*.html") if "autoescape" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
