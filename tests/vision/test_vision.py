"""Simple and complex cells (cnn_course.vision), their explorer, charts and exercise checks.

The models' defining properties: orientation tuning peaks at the preferred orientation,
F1/F0 above 1 for simple cells and below 1 for complex cells, the energy model's
invariance to the phase of a grating, the max model's tolerance to the position of a bar;
then the stimuli's conventions, spikes, errors, the widget and the kernel-free charts.
"""

from __future__ import annotations

import json
import re

import altair as alt
import numpy as np
import pytest
from chart_testing import chart_params, drawn_texts

from cnn_course import vision
from cnn_course.convolution import cross_correlate2d
from cnn_course.exercises import vision as check
from cnn_course.pooling import max_pool2d
from cnn_course.vision import charts as vision_charts
from cnn_course.vision import explorers as vision_explorers
from cnn_course.vision import (
    ComplexCell,
    SimpleCell,
    TuningCurve,
    bar,
    drifting_grating,
    gabor,
    grating,
    half_max_width,
    modulation_ratio,
    orientation_tuning,
    position_response,
    preferred_orientation,
    response_harmonics,
    standard_cells,
    sweeping_bar,
    tuning_bandwidth,
)
from cnn_course.viz.widgets import Explorer, View

SIZE = 48
F = 0.125
SIGMA = 0.5 / F
BUDGET = 250_000  # bytes of JSON per chart


def _models(orientation: float) -> dict[str, vision.SimpleCell | vision.ComplexCell]:
    return standard_cells(orientation)


def _theoretical_hwhh(sigma: float, f: float, power: int = 1) -> float:
    """Half-width at half-height (degrees) of a Gabor's grating tuning, response ** power.

    The Gabor's response to a grating falls as exp(-2 pi^2 sigma^2 |k - k0|^2), and
    |k - k0| = 2 f sin(dtheta / 2) between two frequencies of one length.
    """
    return float(np.rad2deg(2 * np.arcsin(np.sqrt(np.log(2) / (8 * power * np.pi**2 * sigma**2 * f**2)))))


# ---------------------------------------------------------------------------------------
# Stimuli and conventions
# ---------------------------------------------------------------------------------------


def test_bar_orientation_and_position_conventions() -> None:
    vertical = bar(16, 90, position=3, width=2)
    assert np.all(vertical == vertical[0])  # constant down every column
    assert set(np.nonzero(vertical[0])[0]) == {10, 11}  # x = 3 is between columns 10 and 11
    horizontal = bar(16, 0, position=3, width=2)
    assert set(np.nonzero(horizontal[:, 0])[0]) == {10, 11}  # + is downwards for a horizontal bar
    oblique = bar(15, 45, position=0, width=1)
    assert oblique[0, -1] == pytest.approx(1) and oblique[-1, 0] == pytest.approx(1) and oblique[0, 0] == 0  # / shape
    assert bar(16, 90 + 180, 3, 2).tolist() == vertical.tolist()  # orientation modulo 180
    assert np.allclose(bar(16, 90, 0, 4, contrast=-0.5).sum(), -0.5 * 4 * 16)
    short = bar(16, 90, 0, 2, length=4)
    assert short.sum() == pytest.approx(2 * 4)


def test_grating_conventions_and_drift_direction() -> None:
    g = grating(17, 30, 0.1, phase=0.4, contrast=0.8)
    assert g[8, 8] == pytest.approx(0.8 * np.cos(0.4))  # the centre pixel of an odd image
    assert np.allclose(gabor(17, 30, 0.1, 0.4, 3.0, balanced=False),
                       g / 0.8 * np.exp(-(vision.coordinates(17)[0] ** 2 + vision.coordinates(17)[1] ** 2) / 18))
    frames = drifting_grating(32, 90, 0.125, temporal_frequency=2, n_frames=8, frame_rate=32)
    crest = [int(np.argmax(f[0, 12:20])) for f in frames]  # within one period around the centre
    assert np.all(np.diff(crest) >= 0) and crest[-1] > crest[0]  # moves right (+normal) for a vertical grating
    # an integer number of cycles: the last frame is one step before the first again
    one_cycle = drifting_grating(16, 0, 0.25, temporal_frequency=1, n_frames=4, frame_rate=4)
    assert np.allclose(one_cycle[0], drifting_grating(16, 0, 0.25, 1, 5, frame_rate=4)[4])


def test_sweeping_bar_crosses_the_image() -> None:
    frames = sweeping_bar(16, 0, n_frames=17, width=2)
    rows = [int(np.argmax(f[:, 5])) for f in frames[1:-1]]
    assert rows == sorted(rows) and rows[0] <= 1 and rows[-1] >= 14
    assert frames.shape == (17, 16, 16)


def test_gabor_is_balanced_and_matches_its_grating() -> None:
    g = gabor(SIZE, 60, F)
    assert abs(g.sum()) < 1e-10
    drive = [float(np.sum(g * grating(SIZE, o, F))) for o in range(0, 180, 15)]
    assert int(np.argmax(drive)) * 15 == 60
    odd = gabor(SIZE, 60, F, np.pi / 2)
    assert float(np.sum(odd * bar(SIZE, 60, 0, 4))) == pytest.approx(0, abs=1e-9)  # odd: blind to a centred bar


# ---------------------------------------------------------------------------------------
# The models
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("orientation", [0.0, 30.0, 45.0, 90.0, 135.0, 170.0])
def test_tuning_peaks_at_the_preferred_orientation(orientation: float) -> None:
    step = 7.5
    grid = np.arange(3.0, 180.0, step)  # a grid that does not contain the preferred orientation
    for name, cell in _models(orientation).items():
        for stimulus in ("grating", "bar"):
            curve = orientation_tuning(cell, grid, stimulus=stimulus, frames_per_cycle=4, n_positions=25)
            found = preferred_orientation(curve)
            gap = abs((found - orientation + 90) % 180 - 90)
            assert gap <= step / 2 + 1e-9, (name, stimulus, found)


def test_tuning_bandwidths_match_the_gabor_theory() -> None:
    cells = _models(90)
    expected = _theoretical_hwhh(SIGMA, F)
    for name, cell in cells.items():
        hwhh = tuning_bandwidth(orientation_tuning(cell, np.arange(0.0, 180.0, 2.0), frames_per_cycle=8))
        assert hwhh == pytest.approx(expected, abs=1.0), name
    squared = ComplexCell(90, output="energy")
    hwhh = tuning_bandwidth(orientation_tuning(squared, np.arange(0.0, 180.0, 2.0), frames_per_cycle=8))
    assert hwhh == pytest.approx(_theoretical_hwhh(SIGMA, F, power=2), abs=0.5)
    assert hwhh < expected - 5  # squaring sharpens the tuning


@pytest.mark.parametrize("orientation", [0.0, 45.0, 90.0, 120.0])
def test_modulation_ratio_separates_simple_from_complex(orientation: float) -> None:
    cells = _models(orientation)
    simple = modulation_ratio(cells["simple"])
    assert simple > 1 and simple == pytest.approx(np.pi / 2, rel=0.01)  # a half-wave rectified sinusoid
    assert modulation_ratio(cells["complex (energy)"]) < 0.05
    assert modulation_ratio(cells["complex (max)"]) < 0.1
    assert modulation_ratio(SimpleCell(orientation, threshold=0.5)) > simple  # a threshold modulates more
    assert modulation_ratio(SimpleCell(orientation, phase=1.2)) == pytest.approx(simple, rel=0.01)


def test_energy_model_is_invariant_to_grating_phase_and_simple_cell_is_not() -> None:
    phases = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    for orientation in (0.0, 37.0, 90.0):
        stack = np.stack([grating(SIZE, orientation, F, p) for p in phases])
        energy = ComplexCell(orientation).respond(stack)
        assert energy.min() >= 0.95 * energy.max()
        assert energy.max() == pytest.approx(vision.MAX_RATE, rel=0.01)
        simple = SimpleCell(orientation).respond(stack)
        assert simple.min() == 0 and simple.max() == pytest.approx(vision.MAX_RATE, rel=1e-6)
        pooled = ComplexCell(orientation, model="max").respond(stack)
        assert pooled.min() >= 0.9 * pooled.max()


def test_max_model_is_roughly_position_invariant_unlike_the_simple_cell() -> None:
    positions = np.arange(-12.0, 12.5, 0.5)
    simple = position_response(SimpleCell(90), positions)
    pooled = position_response(ComplexCell(90, model="max"), positions)
    energy = position_response(ComplexCell(90), positions)
    assert half_max_width(positions, pooled) > 4 * half_max_width(positions, simple)
    assert half_max_width(positions, energy) > 2 * half_max_width(positions, simple)
    central = np.abs(positions) <= 6
    assert np.all(pooled[central] >= 0.5 * pooled.max())
    assert np.mean(simple[central] >= 0.5 * simple.max()) < 0.3
    # contrast polarity: the energy model answers a dark bar as it answers a bright one
    dark = position_response(ComplexCell(90), positions, contrast=-1.0)
    assert np.allclose(dark, energy)
    assert position_response(SimpleCell(90), [0.0], contrast=-1.0)[0] == 0


def test_max_model_is_max_pooling_over_a_rectified_feature_map() -> None:
    cell = ComplexCell(90, model="max")
    simple = SimpleCell(90)
    image = np.clip(np.random.default_rng(2).normal(0, 0.5, (SIZE, SIZE)), -1, 1)
    feature_map = cross_correlate2d(image, simple.kernel, padding=8)  # 17 x 17
    rectified = simple.max_rate * np.maximum(feature_map, 0)
    assert rectified[8, 8] == pytest.approx(simple.respond(image), rel=1e-9)
    pooled = max_pool2d(rectified[8:9, :], (1, 17))[0, 0]
    assert pooled == pytest.approx(cell.respond(image), rel=1e-3)


def test_respond_accepts_one_image_or_a_stack() -> None:
    for cell in _models(30).values():
        frames = drifting_grating(SIZE, 30, F, 4, 6, frame_rate=48)
        rates = cell.respond(frames)
        assert rates.shape == (6,) and np.all(rates >= 0)
        assert [cell.respond(f) for f in frames] == pytest.approx(list(rates))
        assert isinstance(cell.respond(frames[0]), float)
        assert cell.respond(np.zeros((SIZE, SIZE))) == 0
        assert cell.respond(np.full((SIZE, SIZE), 0.7)) == pytest.approx(0, abs=1e-9)  # a uniform field


def test_spikes_are_seeded_poisson() -> None:
    cell = SimpleCell(90)
    image = grating(SIZE, 90, F)
    a = cell.spikes(image, frame_duration=2.0, rng=5)
    assert np.array_equal(a, cell.spikes(image, frame_duration=2.0, rng=5))
    assert np.all(np.diff(a) >= 0) and np.all((a >= 0) & (a < 2.0))
    counts = [vision.poisson_spikes([100.0] * 50, 1.0, rng).size for rng in range(3)]
    assert all(abs(c - 5000) < 4 * np.sqrt(5000) for c in counts)
    assert vision.poisson_spikes([0.0, 0.0], 1.0, 0).size == 0


def test_spike_draws_do_not_depend_on_the_last_bit_of_a_rate() -> None:
    # Processors differ in the last bit of exp/cos: a rate one ulp off must give the same
    # spikes, and every call must take the same amount of randomness, whatever the rates.
    rates = SimpleCell(90).respond(vision.sweeping_bar(SIZE, 90, 100))
    nudged = np.nextafter(rates, np.inf)
    assert np.array_equal(vision.poisson_spikes(rates, 0.01, 7), vision.poisson_spikes(nudged, 0.01, 7))
    after = []
    for r in (rates, nudged, rates * 3, np.zeros_like(rates)):
        gen = np.random.default_rng(7)
        vision.poisson_spikes(r, 0.01, gen)
        after.append(gen.random())
    assert len(set(after)) == 1


def test_sweep_experiment_is_deterministic_and_tuned() -> None:
    cell = SimpleCell(90)
    a = vision.bar_sweep_experiment(cell, [0, 45, 90], n_trials=20, rng=1)
    b = vision.bar_sweep_experiment(cell, [0, 45, 90], n_trials=20, rng=1)
    assert a.spikes.equals(b.spikes) and a.rates.equals(b.rates)
    assert list(a.rates.columns) == ["orientation", "time", "position", "rate"]
    assert list(a.spikes.columns) == ["orientation", "trial", "time"]
    # 20 sweeps: about 7 spikes are expected at 45 degrees (1.8 in 5 sweeps, too few to rely on)
    counts = a.spikes.groupby("orientation").size().reindex([0, 45, 90], fill_value=0)
    assert counts[90] > counts[45] > counts[0] == 0
    assert 45 < a.rates.groupby("orientation")["rate"].max()[90] <= 50.4  # a bar on the ON subregion


def test_measurement_helpers() -> None:
    assert response_harmonics(np.full(16, 3.0), 2) == pytest.approx((3.0, 0.0))
    curve = TuningCurve(np.array([0.0, 45, 90, 135]), np.array([1.0, 3.0, 1.0, 0.0]))
    assert preferred_orientation(curve) == 45 == preferred_orientation(curve.orientations, curve.rates)
    assert list(curve.to_frame().columns) == ["orientation", "rate"]
    assert np.isnan(tuning_bandwidth([0, 90], [1.0, 1.0]))  # untuned
    assert np.isnan(tuning_bandwidth([0, 90], [0.0, 0.0]))
    assert np.isnan(modulation_ratio(SimpleCell(90), contrast=0.0))
    assert half_max_width([0, 1, 2], [0, 0, 0]) == 0.0


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: bar(16, "vertical"), TypeError, "orientation must be a real number"),
        (lambda: bar(16, 90, width=0), ValueError, "width must be > 0"),
        (lambda: bar(16, 90, contrast=2), ValueError, "contrast must be <= 1"),
        (lambda: bar(1), ValueError, "size must be >= 2"),
        (lambda: bar(16.0), TypeError, "size must be an integer"),
        (lambda: grating(16, 90, spatial_frequency=0.7), ValueError, "spatial_frequency must be <= 0.5"),
        (lambda: grating(16, 90, spatial_frequency=0), ValueError, "spatial_frequency must be > 0"),
        (lambda: grating(16, 90, phase=float("nan")), ValueError, "phase must be finite"),
        (lambda: drifting_grating(16, n_frames=0), ValueError, "n_frames must be >= 1"),
        (lambda: gabor(16, sigma=-1), ValueError, "sigma must be > 0"),
        (lambda: gabor(16, center=(1, 2, 3)), ValueError, "center must be an"),
        (lambda: SimpleCell(threshold=1.0), ValueError, "threshold must be < 1"),
        (lambda: SimpleCell(max_rate=0), ValueError, "max_rate must be > 0"),
        (lambda: ComplexCell(model="sum"), ValueError, "model must be one of 'energy', 'max'"),
        (lambda: ComplexCell(output="rate"), ValueError, "output must be one of"),
        (lambda: ComplexCell(n_subunits=0), ValueError, "n_subunits must be >= 1"),
        (lambda: SimpleCell().respond(np.zeros((32, 32))), ValueError, "image must be 48x48"),
        (lambda: SimpleCell().respond(np.zeros(48)), ValueError, "image must be a 2-D or 3-D array"),
        (lambda: SimpleCell().spikes(np.zeros((48, 48)), rng="seed"), TypeError, "rng must be"),
        (lambda: vision.poisson_spikes([-1.0], 1.0), ValueError, "rates must be non-negative"),
        (lambda: orientation_tuning("cell"), TypeError, "cell must be a SimpleCell or a ComplexCell"),
        (lambda: orientation_tuning(SimpleCell(), stimulus="spot"), ValueError, "stimulus must be one of"),
        (lambda: preferred_orientation([0, 90]), TypeError, "curve must be a TuningCurve"),
        (lambda: tuning_bandwidth([0, 90], [1.0]), ValueError, "same length"),
        (lambda: response_harmonics([1.0, 2.0, 3.0], 2), ValueError, "more than 2 \\* n_cycles"),
        (lambda: position_response(SimpleCell(), [[0, 1]]), ValueError, "positions must be a 1-D array"),
    ],
)
def test_bad_inputs_name_the_argument(call, error, message) -> None:
    with pytest.raises(error, match=message):
        call()


def test_the_package_re_exports_the_science_of_its_modules() -> None:
    from cnn_course.vision import cells, experiment, measurements, spikes, stimuli

    modules = (cells, experiment, measurements, spikes, stimuli)
    assert sorted(vision.__all__) == sorted(name for module in modules for name in module.__all__)
    for module in modules:
        assert all(getattr(vision, name) is getattr(module, name) for name in module.__all__)


# ---------------------------------------------------------------------------------------
# The ipywidgets explorer
# ---------------------------------------------------------------------------------------


def test_cells_view_matches_the_models() -> None:
    view = vision_explorers.cells_view(orientation=60, position=2.5, phase=45, contrast=-0.5)
    cells = standard_cells()
    for name, cell in cells.items():
        assert view.rates[name][0] == pytest.approx(cell.respond(bar(SIZE, 60, 2.5, 4, None, -0.5)))
        assert view.rates[name][1] == pytest.approx(cell.respond(grating(SIZE, 60, F, np.pi / 4, -0.5)))
        assert view.bar_curves[name].shape == view.positions.shape
    assert np.array_equal(view.bar_image, bar(SIZE, 60, 2.5, 4, None, -0.5))
    assert isinstance(view, View) and view.html == vision_explorers.render_view_html(view)


def test_explorer_update_and_observers() -> None:
    explorer = vision_explorers.cells_explorer()
    assert isinstance(explorer, Explorer)
    first = explorer.output.value
    assert "<svg" in first and "data:image/png;base64," in first and first == explorer.view.html
    view = explorer.update(position=4)
    assert isinstance(view, vision_explorers.CellsView) and view is explorer.view
    assert view.html == explorer.output.value != first
    assert explorer.view.rates["simple"][0] == 0 < explorer.view.rates["complex (max)"][0]
    explorer.update(preferred=0, orientation=0)
    assert explorer.cells()["simple"].orientation == 0
    assert explorer.view.rates["complex (energy)"][1] == pytest.approx(vision.MAX_RATE, rel=0.01)
    before = explorer.output.value
    explorer.phase_slider.value = 90  # as a learner would: the observer redraws
    assert explorer.output.value != before and explorer.view.phase == 90
    with pytest.raises(TypeError, match="unknown control 'size'"):
        explorer.update(size=3)
    with pytest.raises(ValueError, match="position must be between -16 and 16"):
        explorer.update(position=40)
    with pytest.raises(ValueError, match="contrast must be between"):
        vision_explorers.cells_view(contrast=3)


# ---------------------------------------------------------------------------------------
# The kernel-free charts
# ---------------------------------------------------------------------------------------


def test_cell_explorer_chart_spec() -> None:
    chart = vision_charts.cell_explorer_chart()
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["$schema"] == alt.SCHEMA_URL  # the Vega-Lite of the installed Altair (v6; v5 on Colab)
    params = chart_params(spec)
    assert set(params) == {"orientation", "position", "phase"}
    assert {k: (p["bind"]["input"], p["bind"]["min"], p["bind"]["max"], p["value"]) for k, p in params.items()} == {
        "orientation": ("range", 0, 170, 90),
        "position": ("range", -12, 12, 0),
        "phase": ("range", 0, 330, 0),
    }
    assert len(json.dumps(spec)) < BUDGET
    assert vision_charts.cell_explorer_data() == vision_charts.cell_explorer_data()  # deterministic


def test_the_page_shows_the_models_rates() -> None:
    cells = standard_cells(size=24)  # small images: a quick rendering
    spec = vision_charts.cell_explorer_chart(cells).to_dict()
    for orientation, position, phase in [(90, 0, 0), (80, 5, 90), (40, -3, 210)]:
        texts = drawn_texts(spec, orientation=orientation, position=position, phase=phase)
        shown = [t for t in texts if re.fullmatch(r"\d+\.\d", t)]
        expected = [cell.respond(bar(24, orientation, position, 4)) for cell in cells.values()]
        expected += [cell.respond(grating(24, orientation, F, np.deg2rad(phase))) for cell in cells.values()]
        assert shown == [f"{r:.1f}" for r in expected]


@pytest.mark.parametrize("kind", ["bar", "grating"])
def test_the_page_draws_the_stimuli_the_models_see(kind: str) -> None:
    import altair as alt

    size = 8
    params = [alt.param(name="orientation", value=30), alt.param(name="position", value=1.5),
              alt.param(name="phase", value=60)]
    chart = alt.Chart(alt.sequence(0, size * size, as_="i"))
    for name, expr in vision_charts.stimulus_expressions(kind, size, spatial_frequency=0.2, width=3.0,
                                                         contrast=0.5).items():
        chart = chart.transform_calculate(**{name: expr})
    chart = chart.transform_calculate(t="format(datum.v, '.4f')").mark_text().encode(
        x=alt.X("i:O", axis=None), text="t:N").add_params(*params)
    shown = [float(t) for t in drawn_texts(chart.to_dict())]
    expected = bar(size, 30, 1.5, 3.0, None, 0.5) if kind == "bar" else grating(size, 30, 0.2, np.pi / 3, 0.5)
    np.testing.assert_allclose(shown, expected.ravel(), atol=1e-4)


def test_static_charts_are_valid_and_small() -> None:
    cells = standard_cells()
    experiments = {n: vision.bar_sweep_experiment(c, n_trials=10, duration=2.0, frame_rate=50)
                   for n, c in cells.items()}
    curves = {n: orientation_tuning(c, frames_per_cycle=8) for n, c in cells.items()}
    charts = [
        vision_charts.receptive_field_chart(),
        vision_charts.sweep_chart(experiments),
        vision_charts.tuning_chart(curves, normalize=True),
    ]
    for chart in charts:
        spec = chart.to_dict()
        assert "params" not in spec or not any("bind" in p for p in spec["params"])
        assert len(json.dumps(spec)) < BUDGET
    with pytest.raises(TypeError, match="experiments must be a non-empty mapping"):
        vision_charts.sweep_chart({})
    with pytest.raises(TypeError, match="cells must be a non-empty mapping"):
        vision_charts.cell_explorer_chart([SimpleCell()])
    with pytest.raises(ValueError, match="evenly spaced"):
        vision_charts.cell_explorer_chart(orientations=[0, 10, 30])
    with pytest.raises(ValueError, match="kind must be one of"):
        vision_charts.stimulus_expressions("spot", 8)


# ---------------------------------------------------------------------------------------
# Exercise checks
# ---------------------------------------------------------------------------------------


@pytest.fixture
def lenient(monkeypatch: pytest.MonkeyPatch) -> None:
    from cnn_course import exercises

    monkeypatch.delenv(exercises.STRICT_ENV_VAR, raising=False)


def test_exercise_checks_accept_right_answers_and_name_slips(lenient) -> None:
    assert check.gabor_receptive_field(lambda s, o, f, p, g: gabor(s, o, f, p, g, balanced=False))
    assert "turned by 90 degrees" in check.gabor_receptive_field(
        lambda s, o, f, p, g: gabor(s, o + 90, f, p, g, balanced=False)).message
    assert "radians" in check.gabor_receptive_field(check._radians_slip).message
    assert "half a pixel" in check.gabor_receptive_field(check._centre_at_half).message

    def ratio(rates, n_cycles):
        x = np.fft.rfft(rates)
        return 2 * abs(x[n_cycles]) / abs(x[0])

    assert check.f1_over_f0(ratio)
    assert "2 |X[k]| / N" in check.f1_over_f0(lambda r, c: ratio(r, c) / 2).message
    assert "bin n_cycles" in check.f1_over_f0(lambda r, c: ratio(r, 1)).message

    cells = [SimpleCell(90, max_rate=1.0, phase=p) for p in (0, np.pi / 2, np.pi, 3 * np.pi / 2)]
    assert check.energy_from_simple_cells(lambda im: sum(c.respond(im) ** 2 for c in cells))
    assert "phase π and 3π/2" in check.energy_from_simple_cells(
        lambda im: sum(c.respond(im) ** 2 for c in cells[:2])).message

    assert check.wide_field_bandwidth(10.8)
    assert "default cell" in check.wide_field_bandwidth(21.6).message
