"""Arrays as PNG pictures and the SVG pieces (:mod:`cnn_course.viz.html`)."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from cnn_course.viz.html import png_bytes, png_data_uri, png_pixels, svg_open, svg_outline, svg_text


def _decode(data: bytes) -> tuple[str, np.ndarray]:
    picture = Image.open(io.BytesIO(data))
    return picture.mode, np.asarray(picture)


def test_grey_floats_are_mapped_from_low_to_high() -> None:
    assert png_pixels([[0.0, 0.25, 1.0, 2.0, -1.0]]).tolist() == [[0, 64, 255, 255, 0]]
    assert png_pixels([[-1.0, 0.0, 1.0]], low=-1, high=1).tolist() == [[0, 128, 255]]
    # a 255-wide range is used as grey levels directly: 127.5 rounds half to even, exactly
    assert png_pixels([[127.5, 128.5, 3.0]], low=0, high=255).tolist() == [[128, 128, 3]]


def test_uint8_images_are_used_as_they_are() -> None:
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    assert png_pixels(rgb) is rgb
    mode, pixels = _decode(png_bytes(rgb, scale=2))
    assert mode == "RGB" and pixels.shape == (4, 6, 3)
    np.testing.assert_array_equal(pixels[::2, ::2], rgb)
    mode, pixels = _decode(png_bytes(np.zeros((2, 2, 1)), scale=3))
    assert mode == "L" and pixels.shape == (6, 6)


def test_scale_repeats_each_pixel_and_both_encodings_hold_the_same_pixels() -> None:
    image = np.random.default_rng(0).random((5, 7))
    fast, small = png_bytes(image, scale=3), png_bytes(image, scale=3, optimize=True)
    assert _decode(fast)[1].shape == (15, 21)
    np.testing.assert_array_equal(_decode(fast)[1], _decode(small)[1])
    np.testing.assert_array_equal(_decode(fast)[1], np.kron(png_pixels(image), np.ones((3, 3), np.uint8)))


def test_data_uri() -> None:
    uri = png_data_uri(np.eye(3), scale=2)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == png_bytes(np.eye(3), scale=2)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"image": np.zeros((2, 2, 4))}, ValueError, "grey"),
        ({"image": np.zeros(3)}, ValueError, "image must be"),
        ({"image": [[np.nan]]}, ValueError, "finite"),
        ({"image": [[0.0]], "low": 1.0, "high": 1.0}, ValueError, "high must be larger"),
        ({"image": [[0.0]], "scale": 0}, ValueError, "scale"),
        ({"image": [[0.0]], "scale": 1.5}, TypeError, "scale"),
        ({"image": [[0.0]], "optimize": "yes"}, TypeError, "optimize"),
        ({"image": np.zeros((0, 2), np.uint8)}, ValueError, "non-empty"),
    ],
)
def test_bad_input(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        png_bytes(**kwargs)


def test_svg_pieces() -> None:
    opening = svg_open(30, 20.5, 'a "label"')
    assert 'width="30" height="20.5" viewBox="0 0 30 20.5"' in opening
    assert 'aria-label="a &quot;label&quot;"' in opening
    assert svg_text(1, 2, "a<b", 9, "#000").endswith(">a&lt;b</text>")
    assert svg_outline(0, 0, 10, 10) == (
        '<rect x="1.5" y="1.5" width="7" height="7" fill="none" stroke="#e6550d" stroke-width="3"/>'
    )
