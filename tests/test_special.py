"""Special functions (tinygrad_mlp/special.py): values, derivatives of every order, errors.

Values are checked against Python's math module and known constants always,
and against PyTorch (and mpmath, which PyTorch installs) when installed.
Each function's first and second derivatives are checked by finite
differences over drawn shapes and values, and against PyTorch's; the
derivative chain lgamma → digamma → polygamma(1) → polygamma(2) ... is
checked to third order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import arrays, floats_between, leaf, shapes
from tinygrad_mlp import special

EULER_GAMMA = 0.5772156649015329
ZETA_3 = 1.2020569031595942


def values(x: tm.Tensor) -> np.ndarray:
    return np.asarray(x.data)


# -- values against math and known constants ---------------------------------------------


def ulps_apart(got: Any, expected: Any) -> np.ndarray:
    """How many float64 steps lead from ``expected`` to ``got``, elementwise (0 where equal).

    Read as an int64, a positive float's bits count the floats from 0.0 up to
    it; mirrored, a negative float's count down from -0.0 (-0.0 and 0.0 are
    both 0). The counts run in order across 0, so two floats are as many
    steps apart as their counts differ.
    """
    def count(x: Any) -> np.ndarray:
        bits = np.asarray(x, np.float64).view(np.int64)
        return np.where(bits < 0, np.iinfo(np.int64).min - bits, bits)
    return np.abs(count(got) - count(expected))


def test_ulps_apart_counts_the_floats_between_two_values() -> None:
    assert ulps_apart(1.0, np.nextafter(1.0, 2.0)) == 1
    assert ulps_apart(1.0, 1.0 - 2.0**-53) == 1 and ulps_apart(2.0, 2.0 + 2.0**-51) == 1
    assert ulps_apart(5e-324, -5e-324) == 2 and ulps_apart(0.0, -0.0) == 0
    assert ulps_apart(np.nextafter(-1.0, 0.0), -1.0) == 1


# erf and erfc take two paths (special.py): math's, the C library's, per element on small
# arrays, and fdlibm's algorithm on whole arrays from special._FDLIBM_FROM_ELEMENTS elements
# on. The tests of fdlibm's values call it directly, so they test it whatever the threshold.
# Against glibc 2.36's, over 2·10⁷ floats: erf at most 1 ulp apart, erfc 4 (glibc's erfc errs
# by up to 3.6 ulps near x = 1.25, ours by up to 2.7).
ERF_ULPS, ERFC_ULPS = 1, 4
# where special.py's pieces meet, and 6 and 28, where fdlibm's erf and erfc stop computing
PIECE_EDGES = np.array([2.0**-28, 0.25, 0.84375, 1.25, 1 / 0.35, 6.0, 28.0])
# (erf, erfc) of each path, on float64 arrays
MATH_PATH = (special._math_erf, special._math_erfc)
FDLIBM_PATH = (special._fdlibm_erf, special._fdlibm_erfc)
PATHS = pytest.mark.parametrize("path", [MATH_PATH, FDLIBM_PATH], ids=["math", "fdlibm"])


def neighbours(x: np.ndarray, steps: int = 3) -> np.ndarray:
    """``x`` and the ``steps`` floats on either side of each value."""
    around = [x]
    up, down = x, x
    for _ in range(steps):
        up, down = np.nextafter(up, np.inf), np.nextafter(down, -np.inf)
        around += [up, down]
    return np.concatenate(around)


def dense_grid() -> np.ndarray:
    """[-30, 30] in steps of 6e-4, tiny values of both signs, the piece edges and around them."""
    tiny = np.geomspace(5e-324, 1e-3, 2001)
    edges = neighbours(np.concatenate([PIECE_EDGES, -PIECE_EDGES]))
    return np.concatenate([np.linspace(-30.0, 30.0, 100_001), tiny, -tiny, edges])


def assert_within_bounds(x: np.ndarray, erf: np.ndarray, erfc: np.ndarray,
                         expected_erf: np.ndarray, expected_erfc: np.ndarray) -> None:
    """``erf`` and ``erfc`` of ``x`` within ERF_ULPS and ERFC_ULPS of the expected values."""
    erf_apart, erfc_apart = ulps_apart(erf, expected_erf), ulps_apart(erfc, expected_erfc)
    assert erf_apart.max() <= ERF_ULPS, f"erf {x[erf_apart.argmax()]!r}: {erf_apart.max()} ulps"
    assert erfc_apart.max() <= ERFC_ULPS, f"erfc {x[erfc_apart.argmax()]!r}: {erfc_apart.max()}"


def assert_fdlibm_agrees_with_the_math_module(x: np.ndarray) -> None:
    assert_within_bounds(x, special._fdlibm_erf(x), special._fdlibm_erfc(x),
                         np.vectorize(math.erf)(x), np.vectorize(math.erfc)(x))


def test_fdlibm_erf_and_erfc_agree_with_the_math_module_on_a_dense_grid_and_piece_edges() -> None:
    assert_fdlibm_agrees_with_the_math_module(dense_grid())


@given(x=st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64)
                  | floats_between(-30.0, 30.0), min_size=1, max_size=50))
def test_fdlibm_erf_and_erfc_agree_with_the_math_module_for_any_float(x: list[float]) -> None:
    assert_fdlibm_agrees_with_the_math_module(np.array(x))


def test_fdlibm_erf_is_within_1_ulp_and_erfc_within_3_of_the_exact_values_rounded() -> None:
    mpmath = pytest.importorskip("mpmath")
    # measured over 8.5·10⁵ values: erf 1 ulp from the exact value rounded, erfc 3 (at 1.32)
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-1.5, 1.5, 300), rng.uniform(-6.0, 27.0, 300),
                        [1.3206866272103008]])
    with mpmath.workprec(120):
        exact_erf = [float(mpmath.erf(v)) for v in x]
        exact_erfc = [float(mpmath.erfc(v)) for v in x]
    assert ulps_apart(special._fdlibm_erf(x), exact_erf).max() <= 1
    assert ulps_apart(special._fdlibm_erfc(x), exact_erfc).max() <= 3


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_erf_and_erfc_give_maths_values_below_the_threshold_and_fdlibms_from_it(
        name: str) -> None:
    method, exact = getattr(tm.Tensor, name), np.vectorize(getattr(math, name))
    fdlibm = getattr(special, f"_fdlibm_{name}")
    large = np.linspace(-3.0, 3.0, special._FDLIBM_FROM_ELEMENTS)
    small = large[:-1]
    # on glibc 2.36 dozens of these differ: equal values tell the two paths apart
    assert not np.array_equal(fdlibm(small), exact(small)), "inputs that tell math from fdlibm"
    np.testing.assert_array_equal(values(method(tm.tensor(small))), exact(small))
    np.testing.assert_array_equal(values(method(tm.tensor(large))), fdlibm(large))
    np.testing.assert_array_equal(values(method(tm.tensor(small[:6].reshape(2, 3)))),
                                  exact(small[:6]).reshape(2, 3))


def test_a_value_of_erf_and_erfc_moves_at_most_1_and_4_ulps_with_its_arrays_size() -> None:
    grid = dense_grid()
    x = np.resize(grid, max(grid.size, special._FDLIBM_FROM_ELEMENTS))
    pieces = np.array_split(x, -(-x.size // (special._FDLIBM_FROM_ELEMENTS - 1)))
    assert max(piece.size for piece in pieces) < special._FDLIBM_FROM_ELEMENTS
    whole, each = tm.tensor(x), [tm.tensor(piece) for piece in pieces]
    assert_within_bounds(x, values(whole.erf()), values(whole.erfc()),
                         np.concatenate([values(piece.erf()) for piece in each]),
                         np.concatenate([values(piece.erfc()) for piece in each]))


def test_the_docs_state_the_current_threshold() -> None:
    page = Path(__file__).resolve().parent.parent / "docs" / "how-to" / "move-to-pytorch.md"
    for text in (special.__doc__, tm.nn.functional.gelu.__doc__, page.read_text()):
        assert f"{special._FDLIBM_FROM_ELEMENTS} elements" in " ".join(str(text).split())


@PATHS
def test_erf_and_erfc_at_0_infinity_and_nan(path: tuple[Callable[..., Any], ...]) -> None:
    erf, erfc = path
    x = np.array([0.0, -0.0, math.inf, -math.inf, math.nan])
    np.testing.assert_array_equal(erf(x), [0.0, -0.0, 1.0, -1.0, math.nan])
    assert math.copysign(1, erf(x)[1]) == -1
    np.testing.assert_array_equal(erfc(x), [1.0, 1.0, 0.0, 2.0, math.nan])


@PATHS
def test_erf_is_odd_exactly(path: tuple[Callable[..., Any], ...]) -> None:
    erf, _ = path
    positive = np.linspace(0.0, 30.0, 3001)
    np.testing.assert_array_equal(erf(-positive), -erf(positive))


def test_fdlibm_erfc_of_minus_x_is_2_less_erfc_x_exactly() -> None:
    positive = np.linspace(0.0, 30.0, 3001)
    np.testing.assert_array_equal(special._fdlibm_erfc(-positive),
                                  2.0 - special._fdlibm_erfc(positive))


# erfc from mpmath at 50 digits, where 1 - erf x is 0: erfc keeps its relative accuracy
ERFC_TAIL = [(5.0, 1.5374597944280348502e-12), (10.0, 2.088487583762544757e-45),
             (15.0, 7.2129941724512066666e-100), (20.0, 5.3958656116079009289e-176),
             (25.0, 8.300172571196522752e-274), (26.0, 5.6631924088561428465e-296),
             (26.5, 2.2109076642637342759e-307), (27.0, 5.237048923789255685e-319)]


@PATHS
def test_erfc_keeps_its_relative_accuracy_deep_in_the_tail(
        path: tuple[Callable[..., Any], ...]) -> None:
    _, erfc = path
    x, exact = np.array(ERFC_TAIL).T
    assert ulps_apart(erfc(x), exact).max() <= 1
    np.testing.assert_array_equal(erfc(np.array([27.3, 40.0, -6.0, -40.0])), [0.0, 0.0, 2.0, 2.0])


@PATHS
def test_erf_and_erfc_raise_no_floating_point_error_where_they_underflow(
        path: tuple[Callable[..., Any], ...]) -> None:
    x = np.array([5e-324, -2.2e-308, 1e-300, 26.6, 27.0, -27.0, 27.3, 1e308, -1e308,
                  math.inf, -math.inf, math.nan])
    with np.errstate(all="raise"):
        for function in path:
            function(x)


# lgamma takes two paths as well: math.lgamma per element below
# special._LGAMMA_FDLIBM_FROM_ELEMENTS elements, fdlibm's algorithm on whole arrays from there
# on. math.lgamma is CPython's own (a Lanczos sum), good to about 1e-15 in absolute terms on
# (0, 8), so near lgamma's zeros at 1 and 2 it is off by millions of ulps, where fdlibm's
# keeps its relative accuracy: the two are compared relative to max(1, |lgamma x|), and
# fdlibm's against exact values. Over 1.2·10⁷ values they were at most 3.6e-15 apart.
LGAMMA_APART = 4e-15
LGAMMA_PATHS = pytest.mark.parametrize("lgamma", [special._math_lgamma, special._fdlibm_lgamma],
                                       ids=["math", "fdlibm"])
LGAMMA_ZERO = -2.4570247382208006  # the float nearest lgamma's zero between -3 and -2


def lgamma_grid() -> np.ndarray:
    """[-30, 30] in steps of 6e-4, tiny and huge values of both signs, near the zeros and edges."""
    tiny = np.geomspace(5e-324, 1e-3, 2001)
    huge = np.geomspace(30.0, 1e308, 2001)
    steps = np.geomspace(1e-16, 1e-2, 301)
    near_zeros = np.concatenate([zero + sign * steps for zero in (1.0, 2.0, LGAMMA_ZERO)
                                 for sign in (1, -1)])
    edges = neighbours(np.array(special._LGAMMA_BOUNDS))
    return np.concatenate([np.linspace(-30.0, 30.0, 100_001), tiny, -tiny, huge, -huge,
                           near_zeros, edges, -edges])


def assert_lgamma_within(x: np.ndarray, got: np.ndarray, expected: np.ndarray,
                         bound: float) -> None:
    """``got`` is ∞ and NaN where ``expected`` is, and within ``bound`` · max(1, |expected|)."""
    np.testing.assert_array_equal(got[~np.isfinite(expected)], expected[~np.isfinite(expected)])
    finite = np.isfinite(expected)
    x, got, expected = x[finite], got[finite], expected[finite]
    apart = np.abs(got - expected) / np.maximum(1.0, np.abs(expected))
    assert apart.max(initial=0.0) <= bound, f"lgamma {x[apart.argmax()]!r}: {apart.max():.2g}"


def test_fdlibm_lgamma_agrees_with_the_math_module_on_a_dense_grid_and_piece_edges() -> None:
    x = lgamma_grid()
    assert_lgamma_within(x, special._fdlibm_lgamma(x), special._math_lgamma(x), LGAMMA_APART)


@given(x=st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64)
                  | floats_between(-30.0, 30.0), min_size=1, max_size=50))
def test_fdlibm_lgamma_agrees_with_the_math_module_for_any_float(x: list[float]) -> None:
    array = np.array(x)
    assert_lgamma_within(array, special._fdlibm_lgamma(array), special._math_lgamma(array),
                         LGAMMA_APART)


# lgamma from mpmath at 50 digits: a value in each of fdlibm's pieces, two near the zeros at 1
# and 2 (where math.lgamma is off by 1.5·10⁹ and 1.2·10¹³ ulps), and x < 0 beyond -8
LGAMMA_EXACT = [
    (1e-30, 69.077552789821370437), (0.1, 2.252712651734205902),
    (0.5, 0.57236494292470008707), (0.8, 0.15205967839983754592),
    (0.95, 0.030968795237972926467), (1 + 2**-30, -5.3757397843110444569e-10),
    (1.25, -0.098271836421813161464), (1.4616321449683622, -0.1214862905358496081),
    (1.9, -0.038984275923083361674), (2 - 2**-40, -3.8452011276437938917e-13),
    (2.5, 0.28468287047291915963), (7.25, 7.0521854507385394449),
    (8.0, 8.5251613610654143002), (100.5, 361.43554046777762156),
    (1e10, 2.2025850928881058147e+11), (1e17, 3.8143946580898776442e+18),
    (1e300, 6.8977552789821374147e+302), (-1e-30, 69.077552789821370437),
    (-10.1, -13.02097327101149852), (-100.25, -363.40092322782154071),
    (-1e15 - 0.5, -3.3538776394910719573e+16)]
# ... and between -8 and 0, where the reflection's two parts cancel near lgamma's zeros
LGAMMA_EXACT_BETWEEN_POLES = [
    (-0.5, 1.2655121234846453965), (-1.5, 0.86004701537648101451),
    (-2.5, -0.056243716497674050673), (-2.46, -0.004466346754714766753),
    (-3.14, 0.028202543040191137706), (LGAMMA_ZERO, 5.6191923589500964509e-17)]


def test_fdlibm_lgamma_is_within_2_ulps_of_known_values_and_1e_15_between_the_poles() -> None:
    x, exact = np.array(LGAMMA_EXACT).T
    assert ulps_apart(special._fdlibm_lgamma(x), exact).max() <= 2
    x, exact = np.array(LGAMMA_EXACT_BETWEEN_POLES).T
    assert_lgamma_within(x, special._fdlibm_lgamma(x), exact, 1e-15)


def test_fdlibm_lgamma_is_within_2_ulps_of_mpmath_and_1e_15_between_the_poles() -> None:
    mpmath = pytest.importorskip("mpmath")
    # measured over 4·10⁵ values: 1.8 ulps for x > 0 (near 1 and 2 too), 2.3 below -8, and
    # between -8 and 0 8.6e-16 · max(1, |lgamma x|) (math.lgamma: 1.9e-15)
    rng = np.random.default_rng(0)
    positive = np.concatenate([rng.uniform(0.0, 10.0, 300), np.geomspace(1e-25, 1e300, 100),
                               1.0 + rng.uniform(-1e-3, 1e-3, 50),
                               2.0 + rng.uniform(-1e-3, 1e-3, 50), -rng.uniform(8.0, 200.0, 100)])
    between = np.concatenate([rng.uniform(-8.0, 0.0, 300),
                              LGAMMA_ZERO + rng.uniform(-1e-3, 1e-3, 50)])
    with mpmath.workprec(120):
        exact = [float(mpmath.loggamma(v).real) for v in positive]
        exact_between = np.array([float(mpmath.loggamma(v).real) for v in between])
    assert ulps_apart(special._fdlibm_lgamma(positive), exact).max() <= 2
    assert_lgamma_within(between, special._fdlibm_lgamma(between), exact_between, 1e-15)


def test_lgamma_gives_maths_values_below_the_threshold_and_fdlibms_from_it() -> None:
    large = np.linspace(0.5, 3.0, special._LGAMMA_FDLIBM_FROM_ELEMENTS)
    small = large[:-1]
    math_lgamma = np.vectorize(math.lgamma)
    assert not np.array_equal(special._fdlibm_lgamma(small), math_lgamma(small))
    np.testing.assert_array_equal(values(tm.lgamma(tm.tensor(small))), math_lgamma(small))
    np.testing.assert_array_equal(values(tm.lgamma(tm.tensor(large))),
                                  special._fdlibm_lgamma(large))
    np.testing.assert_array_equal(values(tm.lgamma(tm.tensor(small[:6].reshape(2, 3)))),
                                  math_lgamma(small[:6]).reshape(2, 3))


def test_a_value_of_lgamma_moves_at_most_4e_15_with_its_arrays_size() -> None:
    grid = lgamma_grid()
    pieces = np.array_split(grid, -(-grid.size // (special._LGAMMA_FDLIBM_FROM_ELEMENTS - 1)))
    assert max(piece.size for piece in pieces) < special._LGAMMA_FDLIBM_FROM_ELEMENTS
    each = np.concatenate([values(tm.lgamma(tm.tensor(piece))) for piece in pieces])
    assert_lgamma_within(grid, values(tm.lgamma(tm.tensor(grid))), each, LGAMMA_APART)


def test_the_docs_state_the_current_lgamma_threshold() -> None:
    page = Path(__file__).resolve().parent.parent / "docs" / "how-to" / "move-to-pytorch.md"
    threshold = special._LGAMMA_FDLIBM_FROM_ELEMENTS
    for text, words in (
            (special.__doc__, f"Below {threshold} elements (``_LGAMMA_FDLIBM_FROM_ELEMENTS``"),
            (page.read_text(), f"`math.lgamma` (one call per element) on tensors of fewer than "
                               f"{threshold} elements, and from {threshold} on fdlibm's")):
        assert words in " ".join(str(text).split())


@LGAMMA_PATHS
def test_lgamma_at_the_poles_infinity_nan_and_where_it_overflows(
        lgamma: Callable[..., Any]) -> None:
    last_finite = 2.5599833278516383e+305  # lgamma of the next float is past the largest float
    x = np.array([0.0, -0.0, -1.0, -2.0, -1e15, -(2.0**52) - 2, -1e300, math.inf, -math.inf,
                  np.nextafter(last_finite, math.inf), 1e308, math.nan, 1.0, 2.0, last_finite])
    got = lgamma(x)
    np.testing.assert_array_equal(got, [math.inf] * 11 + [math.nan, 0.0, 0.0, np.finfo(float).max])
    assert (np.copysign(1.0, got[-3:-1]) == 1.0).all()  # lgamma(1) and lgamma(2) are +0.0


@LGAMMA_PATHS
def test_lgamma_of_negative_half_integers_is_the_log_of_their_closed_form(
        lgamma: Callable[..., Any]) -> None:
    # |Γ(1/2 - k)| = 4ᵏ k! √π / (2k)!, here for x = -1/2 ... -59/2 (measured: 2.2e-16, and
    # math.lgamma's 4.4e-16)
    k = range(1, 31)
    x = np.array([0.5 - n for n in k])
    exact = np.array([math.log(4**n * math.factorial(n) / math.factorial(2 * n)) for n in k])
    assert_lgamma_within(x, lgamma(x), exact + 0.5 * math.log(math.pi), 1e-15)


def test_fdlibm_lgamma_keeps_the_recurrence_across_0_and_the_poles() -> None:
    # Γ(x + 1) = x Γ(x): the reflected x < 0 against the pieces for x + 1 > 0, and pole to pole
    # (measured: 5.6e-16; math.lgamma's 2e-15)
    x = np.concatenate([np.linspace(-29.995, -0.005, 5999), -np.geomspace(1e-20, 0.9, 200)])
    x = x[x != np.round(x)]
    from_x_plus_1 = special._fdlibm_lgamma(x + 1.0) - np.log(np.abs(x))
    assert_lgamma_within(x, special._fdlibm_lgamma(x), from_x_plus_1, 1.5e-15)


@LGAMMA_PATHS
def test_lgamma_raises_no_floating_point_error(lgamma: Callable[..., Any]) -> None:
    x = np.array([0.0, -0.0, -1.0, -(2.0**52), -1e300, 5e-324, -5e-324, 1e-300, -2.5,
                  LGAMMA_ZERO, 1.0, 2.0, 1e306, 1e308, math.inf, -math.inf, math.nan])
    with np.errstate(all="raise"):
        lgamma(x)


def test_erfinv_inverts_erf_to_the_last_bits() -> None:
    y = np.concatenate([np.linspace(-5.8, 5.8, 301), [1e-300, -1e-12, 3e-8]])
    x = np.array([math.erf(v) for v in y])
    back = values(tm.erfinv(tm.tensor(x)))
    # where |x| is near 1 the input itself is rounded: compare through erf, and away from it
    np.testing.assert_allclose([math.erf(v) for v in back], x, rtol=5e-16, atol=0)
    inner = np.abs(y) < 1
    np.testing.assert_allclose(back[inner], y[inner], rtol=6e-16, atol=0)


def test_erfinv_is_exact_in_the_tail_through_erfc() -> None:
    # erfc(y) = 1 - x is exact in the tail; erf(y) - x would have lost every digit
    for y in (3.0, 4.5, 5.5, 5.8):
        x = 1.0 - math.erfc(y)
        got = tm.erfinv(tm.tensor([x])).item()
        assert math.erfc(got) == pytest.approx(1.0 - x, rel=1e-14)


def test_digamma_and_polygamma_give_known_values() -> None:
    x = tm.tensor([1.0, 0.5, 2.0, 6.0])
    harmonic_5 = 1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5
    np.testing.assert_allclose(values(x.digamma()), [
        -EULER_GAMMA, -EULER_GAMMA - 2 * math.log(2), 1 - EULER_GAMMA, harmonic_5 - EULER_GAMMA],
        rtol=1e-15)
    one_half = tm.tensor([1.0, 0.5])
    np.testing.assert_allclose(values(tm.polygamma(1, one_half)),
                               [math.pi**2 / 6, math.pi**2 / 2], rtol=1e-15)
    np.testing.assert_allclose(values(tm.polygamma(2, one_half)),
                               [-2 * ZETA_3, -14 * ZETA_3], rtol=1e-15)
    np.testing.assert_allclose(values(tm.polygamma(3, one_half)),
                               [math.pi**4 / 15, math.pi**4], rtol=1e-15)
    # reflection: ψ'(x) + ψ'(1 - x) = π² / sin²(πx), at negative x
    z = np.array([-0.25, -1.7, -7.3])
    both = values(tm.polygamma(1, tm.tensor(z))) + values(tm.polygamma(1, tm.tensor(1 - z)))
    np.testing.assert_allclose(both, math.pi**2 / np.sin(math.pi * z) ** 2, rtol=1e-14)


def test_polygamma_of_order_0_is_digamma() -> None:
    x = tm.tensor([-2.5, 0.3, 4.0])
    np.testing.assert_array_equal(values(x.polygamma(0)), values(x.digamma()))


def test_sinc_is_1_at_0_and_the_quotient_elsewhere() -> None:
    x = np.array([0.0, 1e-12, 5e-3, 0.0099, 0.01, 0.5, 1.0, -2.5, 10.25])
    got = values(tm.sinc(tm.tensor(x)))
    with np.errstate(invalid="ignore"):
        expected = np.where(x == 0, 1.0, np.sin(np.pi * x) / (np.pi * x))
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=1e-16)


def test_deg2rad_and_rad2deg_scale_and_promote_ints() -> None:
    degrees = tm.tensor([0, 90, 180, -45])
    radians = tm.deg2rad(degrees)
    assert radians.dtype == tm.get_default_dtype()
    np.testing.assert_allclose(values(radians), [0, math.pi / 2, math.pi, -math.pi / 4])
    np.testing.assert_allclose(values(tm.rad2deg(radians)), [0, 90, 180, -45])


def test_mvlgamma_is_a_sum_of_lgammas() -> None:
    x = np.array([1.5, 2.0, 7.25])
    expected = 3 * 2 / 4 * math.log(math.pi) + sum(
        np.array([math.lgamma(v + (1 - j) / 2) for v in x]) for j in (1, 2, 3))
    np.testing.assert_allclose(values(tm.mvlgamma(tm.tensor(x), 3)), expected, rtol=1e-15)


def test_mvlgamma_below_its_domain_is_the_sum_of_lgammas_as_in_pytorch() -> None:
    # PyTorch 2.13 no longer refuses x <= (p - 1)/2: inf where a term is at a pole
    np.testing.assert_array_equal(values(tm.mvlgamma(tm.tensor([0.5]), 2)), [math.inf])
    np.testing.assert_array_equal(values(tm.mvlgamma(tm.tensor([-3.0, math.nan]), 1)),
                                  [math.inf, math.nan])
    x = [0.3, 0.7, -2.5]
    expected = 3 * 2 / 4 * math.log(math.pi) + sum(
        np.array([tm.tensor([v + (1 - j) / 2]).lgamma().item() for v in x]) for j in (1, 2, 3))
    got = values(tm.mvlgamma(tm.tensor(x), 3))
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    np.testing.assert_allclose(got, [6.02686335, 4.96686595, math.inf], rtol=1e-8)  # PyTorch's


def test_xlog1py_is_0_where_x_is_0_and_exact_for_tiny_y() -> None:
    got = tm.special.xlog1py(tm.tensor([0.0, 2.0, 0.0, 3.0]), tm.tensor([-1.0, 1e-20, np.inf, 1.0]))
    np.testing.assert_array_equal(values(got), [0.0, 2e-20, 0.0, 3 * math.log(2)])


def test_float32_stays_float32_and_ints_become_the_default_dtype() -> None:
    x = tm.tensor([0.5, 1.5], dtype=tm.float32, requires_grad=True)
    for name in ("erf", "erfc", "erfinv", "lgamma", "digamma", "sinc"):
        y = getattr(x, name)()
        assert y.dtype == np.float32, name
        (g,) = tm.grad(y.sum(), x)
        assert g.dtype == np.float32, name
    assert tm.tensor([1, 2]).lgamma().dtype == tm.get_default_dtype()


def test_poles_and_infinities_give_pytorchs_values_silently() -> None:
    x = tm.tensor([0.0, -0.0, -1.0, -3.0, math.inf, -math.inf, math.nan])
    with np.errstate(all="raise"):
        digamma, lgamma = values(x.digamma()), values(x.lgamma())
        trigamma, tetragamma = values(x.polygamma(1)), values(x.polygamma(2))
        erfinv = values(tm.tensor([1.0, -1.0, 1.5, -0.0]).erfinv())
    np.testing.assert_array_equal(digamma, [-np.inf, np.inf, np.nan, np.nan, np.inf, np.nan,
                                            np.nan])
    np.testing.assert_array_equal(lgamma, [np.inf] * 6 + [np.nan])
    np.testing.assert_array_equal(trigamma, [np.inf] * 4 + [0.0, np.nan, np.nan])
    np.testing.assert_array_equal(tetragamma, [-np.inf] * 4 + [0.0, np.nan, np.nan])
    np.testing.assert_array_equal(erfinv, [np.inf, -np.inf, np.nan, -0.0])
    assert math.copysign(1, erfinv[3]) == -1


# -- derivatives ---------------------------------------------------------------------------

UNARY: dict[str, tuple[Callable[[tm.Tensor], tm.Tensor], float, float]] = {
    # name -> (the function, the range of drawn values)
    "erf": (lambda t: t.erf(), -3.0, 3.0),
    "erfc": (lambda t: t.erfc(), -3.0, 3.0),
    "erfinv": (lambda t: t.erfinv(), -0.9, 0.9),
    "lgamma": (lambda t: t.lgamma(), 0.2, 6.0),
    "digamma": (lambda t: t.digamma(), 0.2, 6.0),
    "polygamma1": (lambda t: t.polygamma(1), 0.2, 6.0),
    "polygamma3": (lambda t: t.polygamma(3), 0.3, 6.0),
    "sinc": (lambda t: t.sinc(), -3.0, 3.0),
    "deg2rad": (lambda t: t.deg2rad(), -3.0, 3.0),
    "mvlgamma": (lambda t: t.mvlgamma(2), 0.7, 6.0),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_first_and_second_derivatives_pass_finite_differences(name: str, data: Any) -> None:
    function, low, high = UNARY[name]
    x = data.draw(arrays(data.draw(shapes(max_dims=2, max_side=3)), low, high))
    assert tm.gradcheck(function, [leaf(x)]) and tm.gradgradcheck(function, [leaf(x)])


def test_negative_arguments_pass_finite_differences_between_the_poles() -> None:
    x = leaf(np.array([-0.4, -1.6, -2.3, -5.75]))
    for function in (tm.lgamma, tm.digamma, lambda t: tm.polygamma(2, t)):
        assert tm.gradcheck(function, [x]) and tm.gradgradcheck(function, [x])


def test_the_gamma_family_differentiates_into_itself_to_third_order() -> None:
    x = tm.tensor([0.3, 1.0, 2.5, -1.5], requires_grad=True)
    (d1,) = tm.grad(x.lgamma().sum(), x, create_graph=True)
    (d2,) = tm.grad(d1.sum(), x, create_graph=True)
    (d3,) = tm.grad(d2.sum(), x)
    plain = x.detach()
    np.testing.assert_array_equal(values(d1), values(plain.digamma()))
    np.testing.assert_array_equal(values(d2), values(plain.polygamma(1)))
    np.testing.assert_array_equal(values(d3), values(plain.polygamma(2)))


def test_sinc_has_exact_derivatives_at_0() -> None:
    x = tm.tensor(0.0, requires_grad=True)
    (d1,) = tm.grad(x.sinc(), x, create_graph=True)
    (d2,) = tm.grad(d1, x, create_graph=True)
    (d3,) = tm.grad(d2, x, create_graph=True)
    (d4,) = tm.grad(d3, x)
    assert d1.item() == 0.0 and d3.item() == 0.0
    assert d2.item() == pytest.approx(-math.pi**2 / 3, rel=1e-15)
    assert d4.item() == pytest.approx(math.pi**4 / 5, rel=1e-15)


def test_erfinv_derivative_is_the_inverse_of_erfs() -> None:
    x = tm.tensor([-0.7, 0.0, 0.4, 0.99], requires_grad=True)
    y = x.erfinv()
    (dx,) = tm.grad(y.sum(), x)
    slope_of_erf = 2 / math.sqrt(math.pi) * np.exp(-values(y) ** 2)
    np.testing.assert_allclose(values(dx), 1 / slope_of_erf, rtol=1e-15)


def test_gelu_uses_the_shared_erf() -> None:
    x = tm.tensor([-1.0, 0.5], requires_grad=True)
    y = tm.nn.functional.gelu(x)
    expected = values(x) * (1 + np.array([math.erf(v / math.sqrt(2)) for v in values(x)])) / 2
    np.testing.assert_allclose(values(y), expected, rtol=1e-15)
    assert tm.gradgradcheck(tm.nn.functional.gelu, [leaf(values(x))])


# -- against PyTorch -----------------------------------------------------------------------

GRID = np.concatenate([np.linspace(-7.3, 12.0, 97), [1e-8, 0.5, 1.0, 2.0, 30.0, 1e4]])
POSITIVE = np.concatenate([np.linspace(0.01, 25.0, 97), [1e-6, 1e3, 1e6]])
UNIT = np.concatenate([np.linspace(-0.999, 0.999, 97), [1e-10, -0.3, 0.9999999]])

# name -> (ours, PyTorch's, the inputs, rtol, atol)
TORCH_VALUES: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Any], Any], np.ndarray,
                               float, float]] = {
    "erf": (tm.erf, lambda torch, t: torch.erf(t), GRID, 1e-15, 0),
    "erfc": (tm.erfc, lambda torch, t: torch.erfc(t), GRID, 1e-14, 0),
    "erfinv": (tm.erfinv, lambda torch, t: torch.erfinv(t), UNIT, 1e-15, 0),
    "lgamma": (tm.lgamma, lambda torch, t: torch.lgamma(t), GRID + 0.05, 1e-13, 1e-15),
    "digamma": (tm.digamma, lambda torch, t: torch.digamma(t), GRID + 0.05, 1e-12, 1e-15),
    # PyTorch's trigamma keeps about 9 digits (its asymptotic series stops early)
    "polygamma1": (lambda t: tm.polygamma(1, t),
                   lambda torch, t: torch.polygamma(1, t), POSITIVE, 1e-8, 0),
    "polygamma2": (lambda t: tm.polygamma(2, t),
                   lambda torch, t: torch.polygamma(2, t), POSITIVE, 1e-12, 0),
    "polygamma5": (lambda t: tm.polygamma(5, t),
                   lambda torch, t: torch.polygamma(5, t), POSITIVE, 1e-12, 0),
    "sinc": (tm.sinc, lambda torch, t: torch.sinc(t), GRID, 1e-14, 1e-16),
    "deg2rad": (tm.deg2rad, lambda torch, t: torch.deg2rad(t), GRID, 0, 0),
    "rad2deg": (tm.rad2deg, lambda torch, t: torch.rad2deg(t), GRID, 0, 0),
    "mvlgamma": (lambda t: tm.mvlgamma(t, 3), lambda torch, t: torch.mvlgamma(t, 3),
                 POSITIVE + 1.0, 1e-13, 0),
    "xlog1py": (lambda t: tm.special.xlog1py(t, t * 0.5),
                lambda torch, t: torch.special.xlog1py(t, t * 0.5), POSITIVE, 1e-15, 0),
    "ndtr": (tm.special.ndtr, lambda torch, t: torch.special.ndtr(t), GRID, 1e-14, 1e-300),
}


@pytest.mark.parametrize("name", sorted(TORCH_VALUES))
def test_values_match_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs, x, rtol, atol = TORCH_VALUES[name]
    expected = theirs(torch, torch.tensor(x)).numpy()
    np.testing.assert_allclose(values(ours(tm.tensor(x))), expected, rtol=rtol, atol=atol)


def test_polygamma_is_more_accurate_than_pytorchs_trigamma() -> None:
    mpmath = pytest.importorskip("mpmath")
    x = np.array([0.3, 1.7, 6.4, 11.0, -2.6])
    exact = np.array([float(mpmath.polygamma(1, v)) for v in x])
    np.testing.assert_allclose(values(tm.polygamma(1, tm.tensor(x))), exact, rtol=2e-15)


# ψ⁽ⁿ⁾(x) from mpmath at 300 digits, of the float64 x: where x⁻ⁿ or n! leave float64's range
POLYGAMMA_FAR = [(1, 1e154, 1e-154), (1, 1e160, 1e-160), (1, 1e200, 1.0000000000000000303e-200),
                 (2, 1e100, -9.9999999999999996819e-201), (3, 1e60, 2.0000000000000003037e-180),
                 (170, 1e3, -4.642275481885541e-206), (200, 300.0, -2.03430351276749e-123)]


@pytest.mark.parametrize(("n", "x", "exact"), POLYGAMMA_FAR)
def test_polygamma_keeps_full_accuracy_where_the_powers_of_x_or_n_factorial_overflow(
        n: int, x: float, exact: float) -> None:
    with np.errstate(all="raise"):
        assert tm.polygamma(n, tm.tensor([x])).item() == pytest.approx(exact, rel=1e-14, abs=0)


def test_digamma_and_lgamma_have_their_derivatives_at_1e200() -> None:
    x = tm.tensor([1e200], requires_grad=True)
    (slope,) = tm.grad(x.lgamma().sum(), x, create_graph=True)
    (curvature,) = tm.grad(slope.sum(), x)  # ψ'(x) = 1/x + 1/(2x²) + ...
    assert curvature.item() == pytest.approx(1e-200, rel=1e-15, abs=0)
    (digamma_slope,) = tm.grad(x.digamma().sum(), x)
    assert digamma_slope.item() == pytest.approx(1e-200, rel=1e-15, abs=0)


def test_polygamma_of_even_order_is_exact_at_negative_half_integers() -> None:
    # cot(πx) is exactly 0 there, so ψ⁽ⁿ⁾(-k - ½) = ψ⁽ⁿ⁾(k + 3/2) (mpmath's values at 300 digits)
    for n, x, exact in [(10, -20.5, -2.1531748492994133e-08),
                        (4, -1000.5, -5.9760549101110200828e-12),
                        (2, -3.5, -0.061556821321027694549)]:
        assert tm.polygamma(n, tm.tensor([x])).item() == pytest.approx(exact, rel=1e-14, abs=0)
        assert tm.polygamma(n, tm.tensor([x])).item() == tm.polygamma(n, tm.tensor([1 - x])).item()
    assert tm.tensor([-20.5]).digamma().item() == tm.tensor([21.5]).digamma().item()


@pytest.mark.parametrize("n", [0, 1, 2, 3, 6, 12])
def test_polygamma_agrees_with_mpmath_to_about_15_digits(n: int) -> None:
    mpmath = pytest.importorskip("mpmath")
    x = np.concatenate([np.geomspace(1e-3, 1e5, 25), [-0.3, -2.6, -11.2]])
    exact = np.array([float(mpmath.polygamma(n, v)) for v in x])
    np.testing.assert_allclose(values(tm.polygamma(n, tm.tensor(x))), exact, rtol=3e-14)


@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv", "lgamma", "digamma", "polygamma1",
                                  "polygamma2", "sinc", "mvlgamma"])
def test_first_and_second_derivatives_match_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs, grid, _, _ = TORCH_VALUES[name]
    x = grid[::8]
    if name == "sinc":  # PyTorch's second derivative at 0 is nan (ours is -π²/3)
        x = x[x != 0]
    t = torch.tensor(x, requires_grad=True)
    (t1,) = torch.autograd.grad(theirs(torch, t).sum(), t, create_graph=True)
    (t2,) = torch.autograd.grad(t1.sum(), t)
    ours_x = tm.tensor(x, requires_grad=True)
    (d1,) = tm.grad(ours(ours_x).sum(), ours_x, create_graph=True)
    (d2,) = tm.grad(d1.sum(), ours_x)
    rtol = 1e-7 if name in ("digamma", "polygamma1", "lgamma", "mvlgamma") else 1e-12
    np.testing.assert_allclose(values(d1), t1.detach().numpy(), rtol=rtol, atol=1e-300)
    np.testing.assert_allclose(values(d2), t2.numpy(), rtol=rtol, atol=1e-300)


def test_special_namespace_holds_pytorchs_names() -> None:
    torch = pytest.importorskip("torch")
    names = ["erf", "erfc", "erfinv", "gammaln", "digamma", "psi", "polygamma", "multigammaln",
             "sinc", "ndtr", "expit", "logit", "exp2", "expm1", "log1p", "round", "xlogy",
             "xlog1py", "logsumexp", "softmax", "log_softmax"]
    x = np.array([0.6, 0.7, 0.9])
    for name in names:
        assert hasattr(torch.special, name), name
        ours, theirs = getattr(tm.special, name), getattr(torch.special, name)
        args: tuple[Any, ...] = ()
        if name in ("polygamma",):
            got, expected = ours(2, tm.tensor(x)), theirs(2, torch.tensor(x))
        else:
            args = {"multigammaln": (2,), "logsumexp": (0,), "softmax": (0,),
                    "log_softmax": (0,), "xlogy": (2.0,), "xlog1py": (2.0,)}.get(name, ())
            if name in ("xlogy", "xlog1py"):
                got, expected = ours(tm.tensor(x), *args), theirs(torch.tensor(x), *args)
            else:
                got, expected = ours(tm.tensor(x), *args), theirs(torch.tensor(x), *args)
        np.testing.assert_allclose(values(got), expected.numpy(), rtol=1e-8, err_msg=name)


def test_special_softmax_and_log_softmax_convert_to_dtype_first_as_pytorch() -> None:
    ints = tm.tensor([1, 2, 3])
    got = tm.special.softmax(ints, 0, dtype=np.float64)
    assert got.dtype == np.float64
    np.testing.assert_allclose(values(got), np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum(),
                               rtol=1e-15)
    x = tm.tensor([0.5, 2.0], dtype=tm.float32, requires_grad=True)
    log = tm.special.log_softmax(x, 0, dtype=np.float64)
    assert log.dtype == np.float64
    log[0].backward()
    assert x.grad is not None and x.grad.dtype == np.float32  # through the cast, as in PyTorch
    torch = pytest.importorskip("torch")
    expected = torch.special.log_softmax(torch.tensor([0.5, 2.0]), 0, dtype=torch.float64)
    np.testing.assert_allclose(values(log), expected.numpy(), rtol=1e-15)


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [(lambda: tm.polygamma(-1, tm.tensor([1.0])), ValueError,
      r"^polygamma: n must be an int >= 0, got -1"),
     (lambda: tm.tensor([1.0]).polygamma(1.5), TypeError,
      r"^polygamma: n must be an int >= 0, got 1.5"),
     (lambda: tm.mvlgamma(tm.tensor([2.0]), 0), ValueError,
      r"^mvlgamma: p must be a positive int, got 0"),
     (lambda: tm.erf(np.ones(2)), TypeError, r"^erf: .*ndarray"),
     (lambda: tm.special.gammaln([1.0]), TypeError, r"^gammaln: "),
     (lambda: tm.special.xlog1py(tm.ones(2), tm.ones(3)), ValueError,
      r"^xlog1py: shapes \(2,\) and \(3,\) cannot be broadcast together")])
def test_bad_arguments_are_refused_naming_the_function(call: Callable[[], Any], error: type,
                                                       message: str) -> None:
    with pytest.raises(error, match=message):
        call()
