"""What the chart tests share: a chart's parameters, and the text the page would draw.

The kernel-free charts compute in the browser (Vega transforms bound to sliders); these
helpers run a chart's own Vega with vl-convert's bundled copy, at chosen parameter values,
and return the text marks it draws, so a test reads what a reader would see.
"""

from __future__ import annotations

import json
import re

from course_resources import require


def chart_params(spec: dict) -> dict[str, dict]:
    """A Vega-Lite spec's parameters (sliders, menus), by name."""
    return {p["name"]: p for p in spec["params"]}


def drawn_texts(spec: dict, **values) -> list[str]:
    """The text marks the page would draw with the parameters set to ``values``."""
    vlc = require("vl_convert")
    spec = json.loads(json.dumps(spec))
    for param in spec.get("params", []):
        if param["name"] in values:
            param["value"] = values[param["name"]]
    svg = vlc.vegalite_to_svg(spec)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return [t.replace("&amp;", "&").replace("\u2212", "-") for t in texts]
