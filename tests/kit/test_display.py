"""The choice of chart renderer and the book's chart HTML."""

from __future__ import annotations

import altair as alt
import pytest

from cnn_course.viz import display


def test_book_html_is_deterministic_and_escapes_script_ends() -> None:
    spec = {"mark": "text", "encoding": {"text": {"value": "</script>"}}}
    first, second = display.book_html(spec), display.book_html(spec)
    assert first == second
    assert "</script>" not in first.split("<script", 1)[1].rsplit("</script>", 1)[0]
    assert "vegaEmbed(" in first


def test_book_html_rejects_non_dicts() -> None:
    with pytest.raises(TypeError, match="spec"):
        display.book_html("not a spec")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "env, has_vl_convert, expected",
    [("1", True, "book"), ("", True, "inline"), ("", False, "cdn"), ("0", False, "cdn")],
)
def test_auto_mode(monkeypatch: pytest.MonkeyPatch, env: str, has_vl_convert: bool, expected: str) -> None:
    monkeypatch.setenv(display.BOOK_ENV_VAR, env)
    monkeypatch.setattr(display, "_has_vl_convert", lambda: has_vl_convert)
    assert display.chosen_mode() == expected


def test_auto_mode_on_colab_loads_from_the_cdn(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    monkeypatch.delenv(display.BOOK_ENV_VAR, raising=False)
    monkeypatch.setattr(display, "_has_vl_convert", lambda: True)
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert display.chosen_mode() == "cdn"


def test_bad_mode() -> None:
    with pytest.raises(ValueError, match="mode"):
        display.setup("pdf")  # type: ignore[arg-type]


def test_book_mode_renders_a_div_and_no_cdn() -> None:
    display.setup("book")
    try:
        chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q")
        html = chart._repr_mimebundle_()["text/html"]
        assert 'class="cnn-course-chart"' in html
        assert "<script src" not in html and "jsdelivr" not in html  # nothing loaded from outside
    finally:
        display.setup("cdn")


def test_show_source_rejects_builtins() -> None:
    with pytest.raises(TypeError, match="obj"):
        display.show_source(len)
