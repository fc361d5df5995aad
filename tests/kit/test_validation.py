"""Bad inputs for every public function: each raises TypeError/ValueError naming the argument."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from cnn_course import convolution, pooling
from cnn_course._validation import as_finite_array, as_int, as_pair, as_shape, check_choice, check_fits
from cnn_course.convolution import worked_example
from cnn_course.nonlinearities import activations

P, K = worked_example()
X4, W4, B1 = np.ones((1, 4, 4, 2)), np.ones((2, 2, 2, 3)), np.zeros(3)
Z = np.array([0.5, -1.0, 2.0])

#: function -> (valid keyword arguments, {array argument: number(s) of dimensions it needs or None})
ARRAY_CALLS: dict[Callable[..., Any], tuple[dict[str, Any], dict[str, Any]]] = {
    convolution.convolve2d: ({"image": P, "kernel": K}, {"image": 2, "kernel": 2}),
    convolution.cross_correlate2d: ({"image": P, "kernel": K}, {"image": 2, "kernel": 2}),
    convolution.convolve2d_loops: ({"image": P, "kernel": K}, {"image": 2, "kernel": 2}),
    convolution.cross_correlate2d_loops: ({"image": P, "kernel": K}, {"image": 2, "kernel": 2}),
    convolution.conv2d_layer: ({"x": X4, "kernels": W4, "bias": B1}, {"x": 4, "kernels": 4, "bias": 1}),
    convolution.conv2d_layer_loops: ({"x": X4, "kernels": W4, "bias": B1}, {"x": 4, "kernels": 4, "bias": 1}),
    convolution.cartesian_value: ({"array": P, "x": 0, "y": 0}, {"array": 2}),
    convolution.cartesian_value_or_none: ({"array": P, "x": 0, "y": 0}, {"array": 2}),
    convolution.index_terms: ({"i": 0, "j": 0, "image": P, "kernel": K}, {"image": 2, "kernel": 2}),
    convolution.evaluate: ({"i": 0, "j": 0, "image": P, "kernel": K}, {"image": 2, "kernel": 2}),
    pooling.max_pool2d: ({"x": P}, {"x": 2}),
    pooling.avg_pool2d: ({"x": P}, {"x": 2}),
    pooling.l2_pool2d: ({"x": P}, {"x": 2}),
    pooling.max_pool2d_loops: ({"x": P}, {"x": 2}),
    pooling.avg_pool2d_loops: ({"x": P}, {"x": 2}),
    pooling.l2_pool2d_loops: ({"x": P}, {"x": 2}),
    pooling.lenet_subsample: ({"x": P, "coefficient": 1.0, "bias": 0.0}, {"x": (2, 3), "coefficient": 0, "bias": 0}),
    activations.sigmoid: ({"z": Z}, {"z": None}),
    activations.sigmoid_grad: ({"z": Z}, {"z": None}),
    activations.lecun_tanh: ({"z": Z}, {"z": None}),
    activations.lecun_tanh_grad: ({"z": Z}, {"z": None}),
    activations.relu: ({"z": Z}, {"z": None}),
    activations.relu_grad: ({"z": Z}, {"z": None}),
    activations.softmax: ({"z": Z}, {"z": None}),
    activations.softmax_jacobian: ({"z": Z}, {"z": 1}),
}


def _with_nan(a: np.ndarray) -> np.ndarray:
    out = np.array(a, dtype=float, ndmin=1)
    out.flat[0] = np.nan
    return out.reshape(np.shape(a))


def _with_inf(a: np.ndarray) -> np.ndarray:
    out = np.array(a, dtype=float, ndmin=1)
    out.flat[-1] = -np.inf
    return out.reshape(np.shape(a))


BAD_ARRAYS: dict[str, tuple[Callable[[np.ndarray], Any], type[Exception]]] = {
    "bool": (lambda a: np.ones(np.shape(a), dtype=bool), TypeError),
    "complex": (lambda a: np.asarray(a) + 1j, TypeError),
    "strings": (lambda a: np.full(np.shape(a), "1"), TypeError),
    "object": (lambda a: np.full(np.shape(a), None, dtype=object), TypeError),
    "nan": (_with_nan, ValueError),
    "inf": (_with_inf, ValueError),
}


def _array_cases():
    for function, (kwargs, arrays) in ARRAY_CALLS.items():
        for name, ndim in arrays.items():
            valid = np.asarray(kwargs[name])
            for label, (make, error) in BAD_ARRAYS.items():
                yield pytest.param(function, {**kwargs, name: make(valid)}, error, name, id=f"{function.__name__}-{name}-{label}")
            empty_shape = (0,) if valid.ndim == 0 else (0,) + valid.shape[1:]
            if ndim != 0:  # a scalar cannot be empty
                yield pytest.param(function, {**kwargs, name: np.zeros(empty_shape)}, ValueError, name, id=f"{function.__name__}-{name}-empty")
            if ndim is not None:  # one dimension more than allowed
                too_many = valid.reshape((1,) * (max(np.atleast_1d(ndim)) + 1 - valid.ndim) + valid.shape)
                yield pytest.param(function, {**kwargs, name: too_many}, ValueError, name, id=f"{function.__name__}-{name}-ndim")


@pytest.mark.parametrize(("function", "kwargs", "error", "name"), list(_array_cases()))
def test_bad_arrays(function, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        function(**kwargs)


def test_ndim_message_format():
    with pytest.raises(ValueError, match=r"^image must be a 2-D array, got shape \(3,\)$"):
        convolution.convolve2d([1.0, 2.0, 3.0], K)
    with pytest.raises(ValueError, match=r"^image must not be empty, got shape \(0, 3\)$"):
        convolution.convolve2d(np.zeros((0, 3)), K)
    with pytest.raises(TypeError, match=r"^z must hold real numbers .* got dtype bool$"):
        activations.relu([True, False])
    with pytest.raises(ValueError, match="^image must be a rectangular array"):
        convolution.convolve2d([[1.0, 2.0], [3.0]], K)


# --- stride, size, padding, choices ------------------------------------------------------

INT_CALLS: list[tuple[Callable[..., Any], dict[str, Any], str, int]] = [
    # (function, valid keyword arguments, integer argument, its minimum)
    *[(f, {"image": P, "kernel": K}, arg, low)
      for f in (convolution.convolve2d, convolution.cross_correlate2d, convolution.convolve2d_loops, convolution.cross_correlate2d_loops)
      for arg, low in (("stride", 1), ("padding", 0))],
    *[(f, {"x": X4, "kernels": W4}, "stride", 1) for f in (convolution.conv2d_layer, convolution.conv2d_layer_loops)],
    *[(f, {"x": P}, arg, 1)
      for f in (pooling.max_pool2d, pooling.avg_pool2d, pooling.l2_pool2d, pooling.max_pool2d_loops, pooling.avg_pool2d_loops, pooling.l2_pool2d_loops)
      for arg in ("size", "stride")],
    *[(f, {"x": P, "size": 2}, "padding", 0) for f in (pooling.max_pool2d, pooling.avg_pool2d_loops)],
    (pooling.lenet_subsample, {"x": P, "coefficient": 1.0, "bias": 0.0}, "size", 1),
]  # fmt: skip


def _int_cases():
    for function, kwargs, arg, low in INT_CALLS:
        bad = [(low - 1, ValueError), ((low, low - 1), ValueError), (1.5, TypeError), (2.0, TypeError),
               (True, TypeError), ("2", TypeError), ((1, 2, 3), TypeError), (None, TypeError)]  # fmt: skip
        for value, error in bad:
            if value is None and function.__module__.startswith("cnn_course.pooling") and arg == "stride":
                continue  # stride=None means "equal to size" in pooling
            yield pytest.param(function, {**kwargs, arg: value}, error, arg, id=f"{function.__name__}-{arg}={value!r}")


@pytest.mark.parametrize(("function", "kwargs", "error", "name"), list(_int_cases()))
def test_bad_integers(function, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        function(**kwargs)


def test_integer_pairs_are_accepted_in_many_forms():
    expected = convolution.convolve2d(P, K, stride=(1, 1), padding=(1, 0))
    np.testing.assert_array_equal(convolution.convolve2d(P, K, stride=np.int64(1), padding=[1, 0]), expected)
    np.testing.assert_array_equal(convolution.convolve2d(P, K, padding=np.array([1, 0])), expected)


@pytest.mark.parametrize(
    ("function", "kwargs", "match"),
    [
        (convolution.convolve2d, {"image": P, "kernel": np.ones((4, 4))}, "^kernel of shape"),
        (convolution.cross_correlate2d_loops, {"image": P, "kernel": np.ones((2, 6)), "padding": 1}, "^kernel of shape"),
        (convolution.conv2d_layer, {"x": X4, "kernels": np.ones((5, 2, 2, 1))}, "^kernels"),
        (convolution.conv2d_layer, {"x": X4, "kernels": W4, "padding": "full"}, "^padding must be one of 'valid', 'same'"),
        (pooling.max_pool2d, {"x": P, "size": 4}, r"^pooling window \(size\)"),
        (pooling.avg_pool2d, {"x": P, "size": 3, "padding": 3}, "^padding .* smaller than size"),
        (pooling.l2_pool2d_loops, {"x": P, "size": (2, 2), "padding": (0, 2)}, "^padding"),
        (pooling.lenet_subsample, {"x": np.ones((4, 4, 2)), "coefficient": [1.0, 2.0, 3.0], "bias": 0.0}, "^coefficient"),
        (pooling.lenet_subsample, {"x": np.ones((4, 4)), "coefficient": 1.0, "bias": [0.0, 1.0]}, "^bias"),
        (convolution.index_terms, {"i": 0, "j": 0, "operation": "conv"}, "^operation must be one of 'convolution', 'cross-correlation'"),
        (convolution.index_terms, {"i": 0, "j": 0, "image_origin": "top-left"}, "^image_origin must be one of"),
        (convolution.index_terms, {"i": 0, "j": 0, "image": np.ones((2, 2))}, "odd"),
        (convolution.index_terms, {"i": 0, "j": 0, "kernel_shape": (0, 2)}, "^kernel_shape"),
        (convolution.index_terms, {"i": 0, "j": 0, "kernel_shape": (2, 2, 2)}, "^kernel_shape"),
        (convolution.evaluate, {"i": 0, "j": 0, "image": P, "kernel": K, "operation": "full"}, "^operation"),
        (convolution.output_size, {"n": 0, "k": 1}, "^n must be >= 1"),
        (convolution.output_size, {"n": 3, "k": 0}, "^k must be >= 1"),
        (convolution.output_size, {"n": 3, "k": 6, "padding": 1}, "^k .* must not exceed"),
        (convolution.output_size, {"n": 3, "k": 2, "stride": 0}, "^stride"),
        (convolution.output_size, {"n": 3, "k": 2, "padding": -1}, "^padding"),
        (convolution.output_shape, {"image_shape": (3, 0), "kernel_shape": (2, 2)}, "^image_shape"),
        (convolution.output_shape, {"image_shape": (3, 3), "kernel_shape": (4, 2)}, "^kernel of shape"),
        (convolution.output_shape, {"image_shape": (3, 3), "kernel_shape": (2, 2), "stride": 0}, "^stride"),
        (convolution.same_padding, {"n": 0, "k": 1}, "^n"),
        (convolution.same_padding, {"n": 3, "k": 1, "stride": 0}, "^stride"),
        (convolution.is_inside, {"shape": (3, 3), "x": 0, "y": 0, "origin": "middle"}, "^origin"),
        (convolution.is_inside, {"shape": (2, 2), "x": 0, "y": 0}, "odd"),
        (convolution.array_index, {"shape": (3, -3), "x": 0, "y": 0}, "^shape"),
        (convolution.cartesian_coordinates, {"shape": (3, 3), "row": 0, "col": 0, "origin": "centre-ish"}, "^origin"),
        (pooling.pool_output_size, {"n": 3, "size": 0}, "^size"),
        (pooling.pool_output_size, {"n": 3, "size": 2, "padding": 2}, "^padding"),
        (pooling.pool_output_size, {"n": 1, "size": 4, "padding": 1}, "^size .* must not exceed"),
        (activations.softmax, {"z": 3.0}, "^z must be at least 1-D"),
        (activations.softmax, {"z": Z, "axis": 1}, "^axis"),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_bad_values(function, kwargs, match):
    with pytest.raises(ValueError, match=match):
        function(**kwargs)


@pytest.mark.parametrize(
    ("function", "kwargs", "match"),
    [
        (convolution.conv2d_layer, {"x": X4, "kernels": W4, "padding": 1}, "^padding"),
        (convolution.index_terms, {"i": 0.5, "j": 0}, "^i must be an integer"),
        (convolution.index_terms, {"i": 0, "j": 0, "operation": None}, "^operation"),
        (convolution.index_terms, {"i": 0, "j": 0, "kernel_shape": 2}, "^kernel_shape"),
        (convolution.evaluate, {"i": 0, "j": 0, "image": None, "kernel": K}, "image"),
        (convolution.cartesian_value, {"array": P, "x": 0, "y": 0.5}, "^y must be an integer"),
        (convolution.cartesian_coordinates, {"shape": (3, 3), "row": 1.0, "col": 0}, "^row"),
        (convolution.output_size, {"n": 3.0, "k": 2}, "^n must be an integer"),
        (convolution.output_shape, {"image_shape": "ab", "kernel_shape": (2, 2)}, "^image_shape"),
        (convolution.same_padding, {"n": 3, "k": True}, "^k must be an integer"),
        (pooling.pool_output_size, {"n": 3, "size": 2, "stride": 1.0}, "^stride"),
        (activations.softmax, {"z": Z, "axis": 0.0}, "^axis must be an integer"),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_bad_types(function, kwargs, match):
    with pytest.raises(TypeError, match=match):
        function(**kwargs)


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [(convolution.cartesian_value, {"array": P, "x": 2, "y": 0}), (convolution.array_index, {"shape": (3, 3), "x": 0, "y": -2}),
     (convolution.cartesian_coordinates, {"shape": (3, 3), "row": -1, "col": 0})],
)  # fmt: skip
def test_outside_raises_index_error(function, kwargs):
    with pytest.raises(IndexError, match="outside"):
        function(**kwargs)


# --- the helpers themselves --------------------------------------------------------------


def test_helpers_directly():
    assert as_finite_array(3, "z").shape == ()
    assert as_finite_array(np.arange(3, dtype=np.uint8), "z").dtype == np.float64
    with pytest.raises(ValueError, match="^w must be a 2-D or 3-D array"):
        as_finite_array([1.0], "w", (2, 3))
    with pytest.raises(ValueError, match="^c must be a scalar, got shape"):
        as_finite_array([1.0], "c", 0)
    assert as_int(np.int32(4), "n", 1) == 4
    assert as_pair([2, 3], "stride", 1) == (2, 3)
    assert as_shape(np.array([2, 3]), "shape") == (2, 3)
    assert check_choice("valid", "padding", ("valid", "same")) == "valid"
    check_fits((2, 2), "kernel", (2, 2), "image")  # equal sizes fit
