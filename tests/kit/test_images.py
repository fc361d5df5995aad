"""Offline images and kernel presets: shapes, dtypes, ranges, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course import images
from cnn_course.convolution import cross_correlate2d
from cnn_course.images import KERNELS, kernel, list_images, load_image, photo, sample_image


@pytest.mark.parametrize("name", images.SAMPLE_IMAGES)
@pytest.mark.parametrize("size, shape", [(10, (10, 10)), (28, (28, 28)), ((12, 20), (12, 20))])
def test_sample_images_are_float_grey_levels(name: str, size, shape) -> None:
    image = sample_image(name, size=size)
    assert image.shape == shape
    assert image.dtype == np.float64
    assert image.min() >= 0 and image.max() <= 255
    assert image.max() > 100 and image.min() == 0  # something drawn, on a black background
    np.testing.assert_array_equal(image, np.round(image))  # whole grey levels, like an 8-bit image
    np.testing.assert_array_equal(image, sample_image(name, size=size))  # deterministic


def test_sample_image_returns_a_writable_copy() -> None:
    first = sample_image("cross", 8)
    first[:] = -1
    assert sample_image("cross", 8).min() == 0


def test_default_sample_image_is_an_mnist_sized_seven() -> None:
    seven = sample_image()
    assert seven.shape == (28, 28)
    rows = np.nonzero(seven.max(axis=1) > 128)[0]
    top_row = seven[rows[0] : rows[0] + 3]
    # a seven: a long horizontal stroke at the top, one narrow stroke lower down
    assert (top_row.max(axis=0) > 128).sum() > 10
    assert (seven[rows[-1] - 2] > 128).sum() <= 5


def test_bars_checkerboard_and_cross_have_sharp_edges() -> None:
    bar = sample_image("vertical-bar", 10)
    assert set(np.unique(bar)) == {0.0, 255.0}
    lit = np.nonzero(bar.max(axis=0))[0]
    assert (bar[:, lit] > 0).sum(axis=1).max() == len(lit)  # full-width bar
    assert np.array_equal(bar[2:8, lit[0]], np.full(6, 255.0))
    board = sample_image("checkerboard", 8)
    np.testing.assert_array_equal(board[::2, ::2], [[255, 0, 255, 0], [0, 255, 0, 255]] * 2)  # 2x2 squares
    np.testing.assert_array_equal(board, board.T)
    cross = sample_image("cross", 12)
    np.testing.assert_array_equal(cross, cross.T)


def test_sobel_x_responds_to_a_left_edge_getting_brighter() -> None:
    bar = sample_image("vertical-bar", 10)  # bright columns 4 and 5
    response = cross_correlate2d(bar, kernel("vertical edge (Sobel x)"))
    left_edge, right_edge = response[4, 2], response[4, 4]  # windows centred on columns 3 and 5
    assert left_edge > 0 and right_edge < 0


def test_photo_is_grace_hopper_in_grey_levels() -> None:
    full = photo()
    assert full.shape == (600, 512) and full.dtype == np.float64
    assert 0 <= full.min() < 30 and 230 < full.max() <= 255
    square = photo(size=48)
    assert square.shape == (48, 48)
    assert photo(size=(60, 40)).shape == (60, 40)
    assert photo("grace_hopper", 48).flags.writeable


def test_photo_missing_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import cbook

    def missing(*args, **kwargs):
        raise OSError("no such file")

    monkeypatch.setattr(cbook, "get_sample_data", missing)
    images._photo_cached.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="grace_hopper.jpg.*sample_image"):
            photo(size=17)
    finally:
        images._photo_cached.cache_clear()


def test_list_and_load_images() -> None:
    names = list_images()
    assert names[: len(images.SAMPLE_IMAGES)] == list(images.SAMPLE_IMAGES)
    assert "grace_hopper" in names
    for name in names:
        assert load_image(name, 12).shape == (12, 12)
    assert load_image("grace_hopper", None).shape == (600, 512)
    with pytest.raises(ValueError, match="size must be given"):
        load_image("house", None)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: sample_image("dog"), ValueError, "name must be one of"),
        (lambda: sample_image(7), TypeError, "name must be one of"),
        (lambda: sample_image("circle", size=2), ValueError, "size must be >= 4"),
        (lambda: sample_image("circle", size=0), ValueError, "size must be >= 4"),
        (lambda: sample_image("circle", size=10.0), TypeError, "size must be an integer"),
        (lambda: sample_image("circle", size=(10,)), TypeError, "size must be an integer or a"),
        (lambda: sample_image("circle", size=100_000), ValueError, "size must be at most 4096"),
        (lambda: photo("mona_lisa"), ValueError, "name must be one of 'grace_hopper'"),
        (lambda: photo(size=-3), ValueError, "size must be >= 1"),
        (lambda: load_image("nothing"), ValueError, "name must be one of"),
        (lambda: kernel("blur"), ValueError, "name must be one of"),
    ],
)
def test_bad_arguments_raise_errors_naming_the_argument(call, error, message) -> None:
    with pytest.raises(error, match=message):
        call()


def test_kernel_presets() -> None:
    assert set(KERNELS) == {
        "identity",
        "edge (Laplacian)",
        "vertical edge (Sobel x)",
        "horizontal edge (Sobel y)",
        "blur (box)",
        "blur (Gaussian)",
        "sharpen",
    }
    for name, weights in KERNELS.items():
        assert weights.shape == (3, 3) and weights.dtype == np.float64, name
        assert not weights.flags.writeable, name
    for name in ("identity", "blur (box)", "blur (Gaussian)", "sharpen"):
        assert np.isclose(KERNELS[name].sum(), 1.0), name  # keep the brightness
    for name in ("edge (Laplacian)", "vertical edge (Sobel x)", "horizontal edge (Sobel y)"):
        assert KERNELS[name].sum() == 0, name  # no response on a flat region
    np.testing.assert_array_equal(KERNELS["horizontal edge (Sobel y)"], KERNELS["vertical edge (Sobel x)"].T)


def test_kernel_returns_a_writable_copy() -> None:
    k = kernel("sharpen")
    k[1, 1] = 0
    assert KERNELS["sharpen"][1, 1] == 5
