"""The convolution_matrix solver against direct computations: sliding windows, scatter, torch."""

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from grader.solvers import get_solver
from grader.domains.deep_learning.convolution import ConvolutionMatrixParams, output_shape

SOLVER = get_solver("convolution_matrix")


def solve(**params):
    return SOLVER.fn(SOLVER.params.model_validate(params))


def conv2d(x, kernel, stride, padding):
    """Cross-correlation by sliding the kernel over the zero-padded input."""
    h, w, kh, kw = len(x), len(x[0]), len(kernel), len(kernel[0])
    padded = [[0] * (w + 2 * padding) for _ in range(h + 2 * padding)]
    for r in range(h):
        for c in range(w):
            padded[r + padding][c + padding] = x[r][c]
    oh, ow = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    return [[sum(kernel[a][b] * padded[i * stride + a][j * stride + b] for a in range(kh) for b in range(kw))
             for j in range(ow)] for i in range(oh)]


def conv_transpose2d(z, kernel, stride, padding, input_size):
    """Transposed convolution by scattering each z entry times the kernel, then cropping the padding."""
    h, w = input_size
    kh, kw = len(kernel), len(kernel[0])
    full = [[0] * (w + 2 * padding) for _ in range(h + 2 * padding)]
    for i, row in enumerate(z):
        for j, value in enumerate(row):
            for a in range(kh):
                for b in range(kw):
                    full[i * stride + a][j * stride + b] += value * kernel[a][b]
    return [row[padding:padding + w] for row in full[padding:padding + h]]


def matvec(matrix, vector):
    return [sum(m * v for m, v in zip(row, vector)) for row in matrix]


def row_major(matrix):
    return [v for row in matrix for v in row]


def column_major(matrix):
    return [matrix[r][c] for c in range(len(matrix[0])) for r in range(len(matrix))]


# --- the exam's question ----------------------------------------------------------------------

def test_exam_question_references():
    refs = solve(kernel=[[1, 2], [3, 4]], input_size=[3, 3], z=[[5, 6], [7, 8]])
    assert refs["C"] == [[1, 2, 0, 3, 4, 0, 0, 0, 0], [0, 1, 2, 0, 3, 4, 0, 0, 0],
                         [0, 0, 0, 1, 2, 0, 3, 4, 0], [0, 0, 0, 0, 1, 2, 0, 3, 4]]
    assert refs["transposed"] == [[5, 16, 12], [22, 60, 40], [21, 52, 32]]
    assert refs["transposed_vector"] == [5, 16, 12, 22, 60, 40, 21, 52, 32]
    assert refs["C_shape"] == (4, 9) and refs["output_shape"] == (2, 2) and refs["input_shape"] == (3, 3)
    assert all(type(v) is int for row in refs["C"] for v in row)


def test_column_major_is_the_same_map_permuted():
    refs = solve(kernel=[[1, 2], [3, 4]], input_size=[3, 3], z=[[5, 6], [7, 8]])
    x = [[random.Random(7).randint(-9, 9) for _ in range(3)] for _ in range(3)]
    y = conv2d(x, [[1, 2], [3, 4]], 1, 0)
    assert matvec(refs["C_column_major"], column_major(x)) == column_major(y)
    assert refs["C_column_major"] != refs["C"]
    assert refs["transposed_vector_column_major"] == column_major(refs["transposed"])
    column = solve(kernel=[[1, 2], [3, 4]], input_size=[3, 3], z=[[5, 6], [7, 8]], flatten="column")
    assert column["C"] == refs["C_column_major"] and column["transposed"] == refs["transposed"]


def test_transpose_is_not_the_inverse():
    refs = solve(kernel=[[1, 2], [3, 4]], input_size=[3, 3], z=[[5, 6], [7, 8]])
    c = refs["C"]
    x = [[1, 0, 0], [0, 0, 0], [0, 0, 0]]
    back = matvec(list(map(list, zip(*c))), row_major(conv2d(x, [[1, 2], [3, 4]], 1, 0)))
    assert back != row_major(x)


def test_fractions_stay_exact():
    refs = solve(kernel=[["1/2", 0.25]], input_size=[1, 3], z=[[1, 3]])
    assert refs["C"] == [[Fraction(1, 2), Fraction(1, 4), 0], [0, Fraction(1, 2), Fraction(1, 4)]]
    assert refs["transposed"] == [[Fraction(1, 2), Fraction(7, 4), Fraction(3, 4)]]


@pytest.mark.parametrize("params, message", [
    ({"kernel": [[1, 2], [3]], "input_size": [3, 3]}, "different lengths"),
    ({"kernel": [[1, 2], [3, 4]], "input_size": [3, 3], "z": [[1, 2, 3]]}, "output is 2×2"),
    ({"kernel": [[1] * 4], "input_size": [3, 3]}, "does not fit"),
    ({"kernel": [[1]], "input_size": [0, 3]}, "input sides"),
    ({"kernel": [[1]], "input_size": [3, 3], "stride": 0}, "greater than or equal to 1"),
    ({"kernel": [[1]], "input_size": [3, 3], "bias": 1}, "Extra inputs"),
    ({"kernel": [["x"]], "input_size": [3, 3]}, "not a number"),
    ({"kernel": [[True]], "input_size": [3, 3]}, "not a number"),
])
def test_bad_params_are_author_errors(params, message):
    with pytest.raises(ValidationError, match=message):
        ConvolutionMatrixParams.model_validate(params)


# --- random kernels, sizes, strides and padding ----------------------------------------------

@st.composite
def problems(draw):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.integers(0, 2))
    h = draw(st.integers(max(1, kh - 2 * padding), 6))
    w = draw(st.integers(max(1, kw - 2 * padding), 6))
    stride = draw(st.integers(1, 3))
    small = st.integers(-5, 5)
    kernel = draw(st.lists(st.lists(small, min_size=kw, max_size=kw), min_size=kh, max_size=kh))
    params = ConvolutionMatrixParams(kernel=kernel, input_size=(h, w), stride=stride, padding=padding)
    oh, ow = output_shape(params)
    x = draw(st.lists(st.lists(small, min_size=w, max_size=w), min_size=h, max_size=h))
    z = draw(st.lists(st.lists(small, min_size=ow, max_size=ow), min_size=oh, max_size=oh))
    return kernel, (h, w), stride, padding, x, z


@settings(max_examples=150, deadline=None)
@given(problems())
def test_matrix_form_equals_sliding_window_and_scatter(problem):
    kernel, size, stride, padding, x, z = problem
    refs = solve(kernel=kernel, input_size=list(size), stride=stride, padding=padding, z=z)
    y = conv2d(x, kernel, stride, padding)
    assert refs["output_shape"] == (len(y), len(y[0]))
    assert matvec(refs["C"], row_major(x)) == row_major(y)
    assert matvec(refs["C_column_major"], column_major(x)) == column_major(y)
    assert refs["transposed"] == conv_transpose2d(z, kernel, stride, padding, size)
    assert refs["transposed_vector"] == row_major(refs["transposed"])
    # the adjoint identity <C x, z> = <x, C^T z> ties both references together
    assert sum(a * b for a, b in zip(row_major(y), row_major(z))) == \
        sum(a * b for a, b in zip(row_major(x), refs["transposed_vector"]))


# --- torch, when installed -------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(problems())
def test_agrees_with_torch(problem):
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    kernel, size, stride, padding, x, z = problem
    refs = solve(kernel=kernel, input_size=list(size), stride=stride, padding=padding, z=z)
    k = torch.tensor(kernel, dtype=torch.float64)[None, None]
    y = functional.conv2d(torch.tensor(x, dtype=torch.float64)[None, None], k, stride=stride, padding=padding)
    assert y[0, 0].flatten().tolist() == [float(v) for v in matvec(refs["C"], row_major(x))]
    out_h, out_w = size[0] + 2 * padding - len(kernel), size[1] + 2 * padding - len(kernel[0])
    extra = ((out_h % stride), (out_w % stride))  # rows/columns the forward convolution never reached
    t = functional.conv_transpose2d(torch.tensor(z, dtype=torch.float64)[None, None], k, stride=stride,
                                    padding=padding, output_padding=extra if stride > 1 else 0)
    assert t[0, 0].tolist() == [[float(v) for v in row] for row in refs["transposed"]]
