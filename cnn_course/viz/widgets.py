"""What the ipywidgets explorers share: :class:`Explorer` (the base class of every explorer),
:class:`View` (what an update returns) and :func:`quiet`.

An explorer is an ipywidgets ``VBox``: its controls, an HTML output, and ONE update path.
A learner moving a control and a test calling ``explorer.update(name=value)`` both end in
:meth:`Explorer.update`, which recomputes once and returns a :class:`View`.

Writing an explorer::

    @dataclass(frozen=True)
    class SumView(View):
        total: float

    class SumExplorer(Explorer):
        def __init__(self) -> None:
            self.a = widgets.IntSlider(value=1, description="a")
            self.b = widgets.IntSlider(value=2, description="b")
            self._layout({"a": self.a, "b": self.b})    # builds the VBox, first update

        def _compute(self) -> SumView:
            total = self.a.value + self.b.value
            return SumView(html=f"<b>{total}</b>", total=total)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from cnn_course.viz.view import View

__all__ = ["Explorer", "View", "quiet"]


@contextlib.contextmanager
def quiet(explorer: Any) -> Iterator[None]:
    """Set an explorer's widget values without its observers recomputing anything.

    The explorer marks itself busy (``explorer._busy``) while the block runs; its observers
    return at once while it is busy.

    Examples
    --------
    >>> class E: _busy = False
    >>> e = E()
    >>> with quiet(e):
    ...     e._busy
    True
    >>> e._busy
    False
    """
    previous = explorer._busy
    explorer._busy = True
    try:
        yield
    finally:
        explorer._busy = previous


class Explorer(widgets.VBox):
    """Base class of every explorer: controls, one HTML output, one update path.

    A subclass builds its controls in ``__init__``, sets whatever :meth:`_compute` needs, then
    calls :meth:`_layout` (which calls ``VBox.__init__`` and computes the first view), and
    implements :meth:`_compute`. It may override :meth:`_set` to check or convert a value given
    to :meth:`update`, and :meth:`_controls` when its names are not one widget each.

    Attributes
    ----------
    view : View
        The last view computed (what is on show).
    output : ipywidgets.HTML
        Where ``view.html`` is written.
    changed : frozenset of str
        The names of the controls changed by the update in progress (all of them for the
        first view); :meth:`_compute` may read it to recompute only what depends on them.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class SumView(View):
    ...     total: int
    >>> class SumExplorer(Explorer):
    ...     def __init__(self):
    ...         self.a = widgets.IntSlider(value=1)
    ...         self.b = widgets.IntSlider(value=2)
    ...         self._layout({"a": self.a, "b": self.b})
    ...     def _compute(self):
    ...         total = self.a.value + self.b.value
    ...         return SumView(html=f"<b>{total}</b>", total=total)
    >>> explorer = SumExplorer()
    >>> explorer.view.total
    3
    >>> explorer.update(a=5, b=5).total
    10
    >>> explorer.output.value
    '<b>10</b>'
    >>> explorer.update(c=1)
    Traceback (most recent call last):
    ...
    TypeError: SumExplorer.update() got an unknown control 'c'; the controls are 'a', 'b'
    """

    #: True while values are being set without recomputing (see :func:`quiet`).
    _busy: bool = False
    view: View
    changed: frozenset[str] = frozenset()

    # -- for subclasses ------------------------------------------------------------------

    def _layout(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        *,
        rows: Sequence[widgets.Widget] | None = None,
        extra: Sequence[widgets.Widget] = (),
        output: widgets.HTML | None = None,
        compute: bool = True,
    ) -> None:
        """Build the box (controls, extras, output), observe the controls, compute the first view.

        Parameters
        ----------
        controls : mapping of str to ipywidgets.ValueWidget
            The controls :meth:`update` accepts, by name, in display order. Each one is
            observed: a learner's move calls :meth:`_on_change`.
        rows : sequence of ipywidgets.Widget, optional
            How to show the controls (e.g. ``HBox`` rows holding them); default: the controls
            one under the other.
        extra : sequence of ipywidgets.Widget
            Further widgets shown between the controls and the output (a legend, a play
            button, a grid of weights); not observed.
        output : ipywidgets.HTML, optional
            The output widget to write into (default: a new one); stored as ``self.output``.
        compute : bool
            Compute and show the first view now (default). With False, the subclass calls
            :meth:`update` itself once it is ready.
        """
        if not isinstance(controls, Mapping):
            raise TypeError(f"controls must be a mapping of name -> widget, got {type(controls).__name__}")
        for name, control in controls.items():
            if not isinstance(name, str) or not isinstance(control, widgets.ValueWidget):
                raise TypeError(
                    f"controls must map str names to ipywidgets value widgets, got {name!r}: {type(control).__name__}"
                )
        if output is not None and not isinstance(output, widgets.HTML):
            raise TypeError(f"output must be an ipywidgets.HTML, got {type(output).__name__}")
        self._control_map: dict[str, widgets.ValueWidget] = dict(controls)
        self.output = widgets.HTML() if output is None else output
        self._busy = True
        try:
            super().__init__(children=[*(self._control_map.values() if rows is None else rows), *extra, self.output])
        finally:
            self._busy = False
        for control in self._control_map.values():
            control.observe(self._on_change, names="value")
        if compute:
            self.changed = frozenset(self._controls())
            self._show()

    def _compute(self) -> View:
        """Read the controls' current values and return the view to show (subclasses implement it)."""
        raise NotImplementedError(f"{type(self).__name__} must implement _compute()")

    def _controls(self) -> dict[str, widgets.ValueWidget]:
        """Name -> control: the names :meth:`update` accepts (default: those given to :meth:`_layout`)."""
        return dict(getattr(self, "_control_map", {}))

    def _set(self, name: str, value: Any) -> None:
        """Set one control from :meth:`update` (observers are quiet); override to check or convert."""
        self._controls()[name].value = value

    def _on_change(self, change: Any) -> None:
        """Observer of every control: a learner's move recomputes once (unless busy)."""
        if self._busy:
            return
        owner = change.get("owner") if isinstance(change, Mapping) else getattr(change, "owner", None)
        names = [name for name, control in self._controls().items() if control is owner]
        self.changed = frozenset(names) if names else frozenset(self._controls())
        self._show()

    # -- the one update path -------------------------------------------------------------

    def update(self, **changes: Any) -> View:
        """Set the named controls, as a learner would, recompute once and return the view.

        Parameters
        ----------
        **changes
            ``name=value`` for any of the controls (see :meth:`_controls`). They are all set
            before anything is recomputed; no observer fires meanwhile.

        Returns
        -------
        View
            The new view, also stored as ``self.view``; its HTML is in ``self.output.value``.

        Raises
        ------
        TypeError
            For a name that is not a control (the message lists the valid ones).
        """
        controls = self._controls()
        for name in changes:
            if name not in controls:
                valid = ", ".join(repr(n) for n in controls)
                raise TypeError(
                    f"{type(self).__name__}.update() got an unknown control {name!r}; the controls are {valid}"
                )
        with quiet(self):
            for name, value in changes.items():
                self._set(name, value)
        self.changed = frozenset(changes)
        return self._show()

    def _show(self) -> View:
        view = self._compute()
        if not isinstance(view, View):
            raise TypeError(f"{type(self).__name__}._compute() must return a View, got {type(view).__name__}")
        self.view = view
        self.output.value = view.html
        return view
