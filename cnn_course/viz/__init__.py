"""The course's shared presentation kit, used by every chapter's ``charts`` and ``explorers``.

- :mod:`~cnn_course.viz.display`: the setup cell, source listings, tables, the book's HTML.
- :mod:`~cnn_course.viz.style`: the chart style shared by all chapters (``NO_FRAME``, ``title``,
  ``format_number``).
- :mod:`~cnn_course.viz.html`: arrays as PNG images (bytes, data URIs) and small SVG pieces.
- :mod:`~cnn_course.viz.charts`: charts more than one chapter draws (``heatmap``, ``confusion_chart``).
- :mod:`~cnn_course.viz.view`: :class:`~cnn_course.viz.view.View`, what an explorer shows
  (no ipywidgets, so that ``charts`` modules can build one).
- :mod:`~cnn_course.viz.widgets`: :class:`~cnn_course.viz.widgets.Explorer`, the base class of
  every ipywidgets explorer, and ``quiet``.

Nothing is imported here: import the module you need.
"""
