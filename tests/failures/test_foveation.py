"""The foveated eye: untouched fovea, blur growing with eccentricity, fixations, errors, chart."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import ndimage

from cnn_course.failures import charts
from cnn_course.failures.foveation import blur_sigma, centre_of_mass, eccentricity, fixation_accuracy, foveate


@given(seed=st.integers(0, 2**16), r0=st.floats(0, 11), c0=st.floats(0, 11), radius=st.floats(0, 5))
def test_fovea_is_untouched_and_values_stay_in_range(seed, r0, c0, radius):
    images = np.random.default_rng(seed).random((2, 12, 12))
    seen = foveate(images, (r0, c0), fovea_radius=radius)
    inside = eccentricity((12, 12), (r0, c0)) <= radius
    np.testing.assert_allclose(seen[:, inside], images[:, inside], atol=1e-12)
    assert seen.min() >= -1e-12 and seen.max() <= 1 + 1e-12


def test_blur_grows_with_eccentricity():
    sigma = blur_sigma(np.arange(0, 30), fovea_radius=3, slope=0.25, max_sigma=4)
    assert np.all(np.diff(sigma) >= 0) and sigma[:4].max() == 0 and sigma.max() == 4
    # a point far from the fixation is spread more than a point near it
    image = np.zeros((1, 41, 41))
    image[0, 20, 24] = image[0, 20, 36] = 1.0
    seen = foveate(image, (20, 20), fovea_radius=3, slope=0.25, max_sigma=4)
    assert seen[0, 20, 36] < seen[0, 20, 24] < 1.0


def test_uniform_blur_equals_a_gaussian_filter_at_a_level():
    # far from the fixation the blur is max_sigma everywhere: exactly one precomputed level
    image = np.random.default_rng(0).random((1, 15, 15))
    seen = foveate(image, (-1000, -1000), fovea_radius=0, slope=1.0, max_sigma=2.0, levels=5)
    np.testing.assert_allclose(seen, ndimage.gaussian_filter(image, (0, 2.0, 2.0), mode="constant"), atol=1e-12)


def test_interpolates_between_levels():
    image = np.random.default_rng(1).random((1, 15, 15))
    # far away: sigma = max_sigma = 3 everywhere, the top level exactly
    seen = foveate(image, (-1000, -1000), fovea_radius=0, slope=1.0, max_sigma=3.0, levels=4)
    blur3 = ndimage.gaussian_filter(image, (0, 3.0, 3.0), mode="constant")
    np.testing.assert_allclose(seen, blur3, atol=1e-12)
    far = foveate(image, (7, 7), fovea_radius=0, slope=0.5, max_sigma=3.0, levels=4)
    # at distance 3 from (7, 7): sigma 1.5, halfway between the levels 1 and 2
    mid = 0.5 * ndimage.gaussian_filter(image, (0, 1, 1), mode="constant") + 0.5 * ndimage.gaussian_filter(image, (0, 2, 2), mode="constant")
    assert far[0, 7, 10] == pytest.approx(mid[0, 7, 10])


def test_per_image_fixations_and_channel_axis():
    images = np.random.default_rng(2).random((3, 10, 10, 1))
    points = np.array([[0, 0], [5, 5], [9, 9]])
    seen = foveate(images, points, fovea_radius=1)
    assert seen.shape == images.shape
    for k, (r, c) in enumerate(points):
        assert seen[k, r, c, 0] == pytest.approx(images[k, r, c, 0])


def test_centre_of_mass():
    image = np.zeros((2, 5, 7))
    image[0, 1, 2] = 1
    image[0, 3, 6] = 1
    assert centre_of_mass(image).tolist() == [[2.0, 4.0], [2.0, 3.0]]
    with pytest.raises(ValueError, match="non-negative"):
        centre_of_mass(-image - 1)


def test_fixation_accuracy_table():
    images = np.zeros((4, 9, 9))
    images[:2, 4, 4] = 1.0
    bright = lambda x: (x.reshape(len(x), -1).max(axis=1) > 0.5).astype(int)  # noqa: E731
    table = fixation_accuracy(bright, images, [1, 1, 0, 0], [0, 2, 5], fovea_radius=1)
    assert table.columns.tolist() == ["offset", "accuracy"]
    assert table.accuracy.tolist()[0] == 1.0 and table.accuracy.tolist()[-1] == 0.5


@pytest.mark.parametrize("call, error, words", [
    (lambda: foveate(np.zeros((2, 3))), ValueError, "images must be a 3-D or 4-D"),
    (lambda: foveate(np.zeros((1, 4, 4, 3))), ValueError, "grey"),
    (lambda: foveate(np.zeros((2, 4, 4)), np.zeros((3, 2))), ValueError, "one pair per image"),
    (lambda: foveate(np.zeros((1, 4, 4)), fovea_radius=-1), ValueError, "fovea_radius must be >= 0"),
    (lambda: foveate(np.zeros((1, 4, 4)), levels=1), ValueError, "levels must be >= 2"),
    (lambda: foveate(np.full((1, 4, 4), np.nan)), ValueError, "finite"),
    (lambda: fixation_accuracy("f", np.zeros((1, 4, 4)), [0], [0]), TypeError, "classify"),
    (lambda: fixation_accuracy(lambda x: [0], np.zeros((1, 4, 4)), [0, 1], [0]), ValueError, "labels"),
    (lambda: eccentricity((3,)), ValueError, "rows, cols"),
])
def test_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_foveation_chart_has_a_slider_and_stays_small():
    images = np.random.default_rng(3).random((3, 12, 12))
    table = pd.DataFrame({"offset": [0, 4, 8], "accuracy": [0.9, 0.8, 0.5]})
    spec = charts.foveation_chart(charts.foveation_data(images, table)).to_dict()
    assert spec["params"][0]["bind"]["input"] == "range"
    assert len(json.dumps(spec)) < 250_000
    with pytest.raises(ValueError, match="foveation_data"):
        charts.foveation_chart({})
