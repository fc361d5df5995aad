"""The explorer contract (:mod:`cnn_course.viz.widgets`): one update path that returns a View."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass

import ipywidgets as widgets
import pytest

from cnn_course.viz.view import View
from cnn_course.viz.widgets import Explorer, quiet


@dataclass(frozen=True)
class SumView(View):
    total: int


class SumExplorer(Explorer):
    """Two sliders and their sum; counts its computations."""

    def __init__(self, **layout) -> None:
        self.computed = 0
        self.seen: list[frozenset[str]] = []
        self.a = widgets.IntSlider(value=1, min=0, max=10)
        self.b = widgets.IntSlider(value=2, min=0, max=10)
        self._layout({"a": self.a, "b": self.b}, **layout)

    def _compute(self) -> SumView:
        self.computed += 1
        self.seen.append(self.changed)
        total = self.a.value + self.b.value
        return SumView(html=f"<b>{total}</b>", total=total)


class Checked(SumExplorer):
    def _set(self, name, value):
        if not isinstance(value, int):
            raise TypeError(f"{name} must be an int")
        super()._set(name, value)


def test_the_first_view_is_computed_once_and_shown() -> None:
    explorer = SumExplorer()
    assert isinstance(explorer, widgets.VBox)
    assert explorer.computed == 1 and explorer.seen == [frozenset({"a", "b"})]
    assert explorer.view == SumView(html="<b>3</b>", total=3)
    assert explorer.output.value == "<b>3</b>"
    assert list(explorer.children) == [explorer.a, explorer.b, explorer.output]


def test_update_returns_a_view_and_recomputes_once() -> None:
    explorer = SumExplorer()
    view = explorer.update(a=4, b=5)
    assert isinstance(view, SumView) and view.total == 9
    assert explorer.view is view and explorer.output.value == "<b>9</b>"
    assert explorer.computed == 2 and explorer.seen[-1] == frozenset({"a", "b"})
    assert explorer.update().total == 9 and explorer.computed == 3


def test_unknown_control_raises_type_error_naming_it() -> None:
    explorer = SumExplorer()
    with pytest.raises(TypeError, match=r"unknown control 'c'.*'a', 'b'"):
        explorer.update(a=3, c=1)
    assert explorer.a.value == 1 and explorer.computed == 1  # nothing was set or recomputed


def test_a_learner_move_recomputes_once_with_the_changed_name() -> None:
    explorer = SumExplorer()
    fired = []
    explorer.output.observe(lambda change: fired.append(change["new"]), names="value")
    explorer.b.value = 7
    assert explorer.computed == 2 and explorer.seen[-1] == frozenset({"b"})
    assert explorer.view.total == 8 and fired == ["<b>8</b>"]
    explorer.update(a=2, b=3)
    assert fired == ["<b>8</b>", "<b>5</b>"]  # the output changes once per update


def test_observers_are_silent_while_quiet() -> None:
    explorer = SumExplorer()
    with quiet(explorer):
        explorer.a.value = 9
    assert explorer.computed == 1 and explorer._busy is False
    assert explorer.update().total == 11


def test_layout_options_and_set_hook() -> None:
    note = widgets.HTML("note")
    out = widgets.HTML()
    explorer = SumExplorer(extra=[note], output=out, compute=False)
    assert explorer.computed == 0 and explorer.output is out
    assert list(explorer.children) == [explorer.a, explorer.b, note, out]
    row = SumExplorer.__new__(SumExplorer)
    row.computed, row.seen = 0, []
    row.a, row.b = widgets.IntSlider(value=1), widgets.IntSlider(value=1)
    row._layout({"a": row.a, "b": row.b}, rows=[widgets.HBox([row.a, row.b])])
    assert isinstance(row.children[0], widgets.HBox) and row.view.total == 2
    with pytest.raises(TypeError, match="a must be an int"):
        Checked().update(a="3")


def test_contract_errors() -> None:
    class NoCompute(Explorer):
        def __init__(self):
            self._layout({"a": widgets.IntSlider()})

    with pytest.raises(NotImplementedError, match="_compute"):
        NoCompute()

    class NotAView(SumExplorer):
        def _compute(self):
            return "<b>html</b>"

    with pytest.raises(TypeError, match="must return a View"):
        NotAView()

    class BadControls(Explorer):
        def __init__(self):
            self._layout({"a": widgets.HBox()})

    with pytest.raises(TypeError, match="controls"):
        BadControls()


def test_views_are_frozen_and_hold_html() -> None:
    view = SumView(html="<i>x</i>", total=1)
    with pytest.raises(FrozenInstanceError):
        view.total = 2  # type: ignore[misc]
    with pytest.raises(TypeError, match="html"):
        View(html=3)  # type: ignore[arg-type]
