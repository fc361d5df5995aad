"""How fast the explorers respond, and how big and slow to build the kernel-free charts are.

Times the sliding-window explorer's callback (``ConvolutionExplorer.update``: recompute
what changed, redraw the SVG/HTML) over 200 slider moves: mostly moves of the window,
with some changes of stride, padding, kernel, operation and image mixed in, as a learner
would make them. No browser is involved: the time to send the HTML to the page and draw
it is not counted. Then the same for the pixelation explorer, and the time to build the
Altair charts and the size of their JSON.

Target: p95 <= 50 ms per callback on a 2-core laptop. Prints figures; asserts nothing.

Run: ``.venv/bin/python bench/bench_explorer.py``
"""

from __future__ import annotations

import json
import platform
import random
import time
from collections import defaultdict

import numpy as np

from cnn_course.convolution import charts as convolution_charts
from cnn_course.convolution.explorers import convolution_explorer
from cnn_course.images import KERNELS, sample_image
from cnn_course.pooling import charts as pooling_charts
from cnn_course.pooling.explorers import pixelation_explorer

MOVES = 200


def _percentiles(samples: list[float]) -> str:
    ms = np.array(samples) * 1000
    return f"p50 {np.percentile(ms, 50):6.2f} ms   p95 {np.percentile(ms, 95):6.2f} ms   max {ms.max():6.2f} ms   (n={len(ms)})"


def _moves(rng: random.Random) -> list[dict]:
    """200 changes: ~90% window moves, the rest other controls."""
    others = [
        lambda: {"stride": rng.randint(1, 3)},
        lambda: {"padding": rng.randint(0, 2)},
        lambda: {"kernel": rng.choice(list(KERNELS))},
        lambda: {"operation": rng.choice(["cross-correlation", "convolution"])},
        lambda: {"image": rng.choice(["digit-seven", "house", "circle", "grace_hopper"])},
        lambda: {"weights": np.round(np.array([rng.uniform(-2, 2) for _ in range(9)]).reshape(3, 3), 1)},
    ]
    return [rng.choice(others)() if i % 10 == 9 else {"step": None} for i in range(MOVES)]


def bench_convolution_explorer(label: str, **kwargs) -> None:
    rng = random.Random(0)
    explorer = convolution_explorer(**kwargs)
    timings: dict[str, list[float]] = defaultdict(list)
    sizes = []
    for change in _moves(rng):
        if "step" in change:
            change = {"step": rng.randint(0, explorer.step_slider.max)}
        name = next(iter(change))
        start = time.perf_counter()
        view = explorer.update(**change)
        timings[name].append(time.perf_counter() - start)
        sizes.append(len(view.html))
    everything = [t for ts in timings.values() for t in ts]
    print(f"\nsliding-window explorer, {label}")
    print(f"  all {MOVES} moves:   {_percentiles(everything)}")
    print(f"  step moves:        {_percentiles(timings.pop('step'))}")
    print(f"  other controls:    {_percentiles([t for ts in timings.values() for t in ts])}  "
          f"({', '.join(sorted(timings))})")
    print(f"  HTML per frame:    {np.mean(sizes) / 1000:.0f} kB on average, {max(sizes) / 1000:.0f} kB at most")


def bench_pixelation_explorer() -> None:
    rng = random.Random(1)
    explorer = pixelation_explorer()
    samples = []
    for i in range(MOVES):
        change = {"mode": rng.choice(["max", "average"])} if i % 10 == 9 else {"size": rng.randint(1, 16)}
        start = time.perf_counter()
        explorer.update(**change)
        samples.append(time.perf_counter() - start)
    print("\npixelation explorer, 96x96 photo, PNG rendering")
    print(f"  all {MOVES} moves:   {_percentiles(samples)}")


def bench_charts() -> None:
    print("\nAltair charts (build = Python objects; to_dict = validate against Vega-Lite 6 + inline data)")
    cases = [
        ("sliding_window_chart(default_image())  10x10",
         lambda: convolution_charts.sliding_window_chart(convolution_charts.default_image())),
        ("sliding_window_chart(16x16, padding=2)",
         lambda: convolution_charts.sliding_window_chart(sample_image("house", 16), padding=2)),
        ("pixelation_chart(default_pixelation_image())  48x48",
         lambda: pooling_charts.pixelation_chart(pooling_charts.default_pixelation_image())),
    ]
    convolution_charts.sliding_window_chart(convolution_charts.default_image()).to_dict()  # warm up imports and caches
    for label, build in cases:
        builds, dicts = [], []
        for _ in range(3):
            start = time.perf_counter()
            chart = build()
            middle = time.perf_counter()
            spec = chart.to_dict()
            builds.append(middle - start)
            dicts.append(time.perf_counter() - middle)
        size = len(json.dumps(spec))
        compact = len(json.dumps(spec, separators=(",", ":")))
        print(f"  {label:<52} build {np.median(builds) * 1000:5.0f} ms   to_dict {np.median(dicts) * 1000:5.0f} ms   "
              f"JSON {size / 1000:5.1f} kB ({compact / 1000:.1f} kB compact)")


def main() -> None:
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.processor() or 'unknown CPU'}")
    bench_convolution_explorer("14x14 images (the default)")
    bench_convolution_explorer("28x28 images", size=28)
    bench_pixelation_explorer()
    bench_charts()


if __name__ == "__main__":
    main()
