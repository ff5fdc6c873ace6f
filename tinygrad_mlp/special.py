"""Special functions (erf, erfinv, lgamma, digamma, polygamma, sinc ...) and ``tm.special``.

numpy has none of these, so this file computes them, and gives each its own
gradient rule, written like those in ``ops.py``: a ``forward`` on the arrays
beside a ``backward`` that works on ndarrays and on Tensors alike. The rules
form one closed family, so derivatives of every order are exact:

    erf' = 2/√π e^(-x²)          erfc' = -2/√π e^(-x²)        erfinv' = √π/2 e^(erfinv(x)²)
    lgamma' = digamma = ψ        ψ' = ψ⁽¹⁾                     (ψ⁽ⁿ⁾)' = ψ⁽ⁿ⁺¹⁾ = polygamma(n + 1)

The right-hand sides are ops again (``exp``, ``Digamma``, ``Polygamma``), so
with ``create_graph=True`` backward records them and can be differentiated
once more.

**How each is computed** (in float64, rounded to the input's dtype):

* ``erf`` and ``erfc``: two ways, by the size of the array. Below 2500
  elements (``_FDLIBM_FROM_ELEMENTS``, where the two cost the same),
  Python's ``math.erf`` and ``math.erfc`` element by element: the C
  library's (glibc's on Linux), about 60 ns an element. From 2500 on,
  Sun's fdlibm algorithm (1993; the C library's in FreeBSD and musl, and
  in glibc before its correctly rounded ones) on the whole array, which
  costs 0.03-0.1 ms a call however small the array and is about 3 times
  faster at 10⁶ elements. |x| is cut at 0.84375, 1.25 and 1/0.35, and
  each piece, computed only for the elements in its range, is a rational
  fit R: erf x = x + x R(x²) near 0, erf x = erf 1 + R(|x| - 1) around 1,
  and beyond, erfc x = e^(-x² - 0.5625 + R(1/x²)) / x, which keeps erfc's
  relative accuracy far in the tail, where 1 - erf x would round to 0
  (erfc 26 = 5.7e-296; erfc x is subnormal past 26.55 and 0 past 27.23).
  erf(-x) = -erf x exactly, and fdlibm's erfc(-x) = 2 - erfc x (glibc's
  can be an ulp off). fdlibm's erf is within an ulp of the exact value
  rounded, its erfc within three (glibc 2.36's: one and four), and the
  two ways are at most 1 ulp (erf) and 4 (erfc) apart, as measured
  against glibc 2.36: a value may differ by that much with the size of
  the array it is in, as with PyTorch's vectorized CPU kernels, which
  compute the elements left over after the full vectors another way (in
  float64 its exact ``gelu`` gives 73 of 4096 inputs other values in one
  tensor than one at a time; PyTorch 2.13, AVX-512).
* ``lgamma``: two ways too. Below 2000 elements
  (``_LGAMMA_FDLIBM_FROM_ELEMENTS``, where the two cost the same for x
  spread over the pieces), Python's ``math.lgamma`` element by element,
  about 100 ns an element. It is not the C library's: CPython computes it
  itself (a Lanczos sum), within 4 ulps past ±8, but on (0, 8) only to
  about 1e-15 in absolute terms (3.7e-15 at most), so near its zeros at
  1 and 2 the relative error grows as the value shrinks (10⁷ ulps within
  0.001 of them, dozens elsewhere on (0.23, 2)). From 2000 on, Sun's
  fdlibm algorithm (e_lgamma_r.c) on the whole array, which costs
  0.05-0.45 ms a call however small the array and is about 2.5 times
  faster at 10⁶ elements. x > 0 is cut into ten pieces: below 2⁻⁷⁰
  lgamma x = -ln x; up to 2, fits around 1, around 2 and around the
  minimum at 1.4616 (below 0.9 applied to 1 + x, less ln x); on [2, 8) a
  fit on [2, 3) carried up by Γ(x + 1) = x Γ(x); from 8 Stirling's
  (x - ½)(ln x - 1) and a fit in 1/x; from 2⁵⁸ x (ln x - 1). x < 0 is
  reflected: lgamma x = ln(π / |x sin πx|) - lgamma(-x), sin πx taken from
  x's distance to the nearest integer, which is exact. Against exact
  values (mpmath, 4·10⁵ of them) fdlibm's is within 1.8 ulps for x > 0,
  near 1 and 2 too, and 2.3 below -8; between -8 and 0 within
  9e-16 · max(1, |lgamma x|) (``math.lgamma``: 1.9e-15), so there, as
  with any reflection, the relative error grows near lgamma's zeros
  (-2.457 ...). The two ways are at most 4e-15 · max(1, |lgamma x|) apart
  (3.6e-15 over 1.2·10⁷ values), and both give ∞ at 0, -0.0, -1, -2 ...,
  ±∞ and past 2.56e305, where lgamma overflows.
* ``erfinv``: Giles' (2010) polynomial guess, good to about 1e-7, then four
  Newton steps y ← y - (erf y - x) / erf'(y), each doubling the correct digits.
  For |x| > ½ the residual is taken as (1 - x) - erfc y, which is exact in
  the tail where erf y - x would lose every digit.
* ``digamma`` (ψ = Γ'/Γ): the recurrence ψ(x) = ψ(x + 1) - 1/x carries x
  past 10, where the asymptotic series ln x - 1/(2x) - Σ B₂ₖ / (2k x²ᵏ)
  converges to full precision in seven terms; x < 0 is reflected first,
  ψ(x) = ψ(1 - x) - π cot(πx). The same algorithm as PyTorch's (Cephes).
  cot(πx) is taken from x's distance to the nearest integer, which is exact
  (``_cot_pi``), so it is exactly 0 at the half-integers.
* ``polygamma(n, x)``, n >= 1, from the Hurwitz zeta function:
  ψ⁽ⁿ⁾(x) = (-1)ⁿ⁺¹ n! ζ(n + 1, x), ζ(s, x) = Σₖ (x + k)⁻ˢ. The first terms
  are added until x + k >= s + 20, and the rest by the Euler-Maclaurin
  formula. For x > 0 every term is positive, so nothing cancels, and each
  power is kept as a mantissa and a power of 2, so none under- or
  overflows before the result does (x⁻² is 0 past x = 1e154, ψ⁽¹⁾(1e200)
  is 1e-200): about 1e-15 relative, up to x = 1e308. x < 0 is reflected:
  ψ⁽ⁿ⁾(x) = (-1)ⁿ ψ⁽ⁿ⁾(1 - x) - πⁿ⁺¹ Pₙ(cot πx), with Pₙ the polynomial
  that gives the n-th derivative of cot (P₀(c) = c, Pₙ₊₁ = -(1 + c²) Pₙ').
  Pₙ's terms all have one sign, so Pₙ(c) itself is accurate, but the
  reflection subtracts it from ψ⁽ⁿ⁾(1 - x), and the two nearly cancel at
  the zeros of ψ⁽ⁿ⁾ between its poles. There the error is about 1e-16 of
  the parts, not of the result (as large as the change one ulp of x makes
  there, so it matters only for an x that is exact). At the half-integers
  cot πx is exactly 0 (``_cot_pi``): for even n, Pₙ(0) = 0 and ψ⁽ⁿ⁾(-20.5)
  is ψ⁽ⁿ⁾(21.5) exactly.

``sinc``, ``deg2rad``, ``rad2deg`` and the ``tm.special`` forms of functions
the library already has (``expit`` is ``sigmoid``, ``gammaln`` is
``lgamma`` ...) are compositions of ops and need no rule.

The rules subclass ``Op`` as those of ``ops.py`` do. They reach it as
``_tensor.Op``: ``tensor.py`` imports this file (through ``methods.py``)
after it has defined ``Function`` and ``Op``, and before ``ops.py``.

Example:
    >>> import tinygrad_mlp as tm
    >>> x = tm.tensor([0.5, 2.0], requires_grad=True)
    >>> y = x.lgamma()
    >>> (dy,) = tm.grad(y.sum(), x, create_graph=True)
    >>> bool(tm.allclose(dy, x.digamma()))
    True
    >>> (d2y,) = tm.grad(dy.sum(), x)
    >>> bool(tm.allclose(d2y, tm.polygamma(1, x.detach())))
    True
    >>> tm.special.erfinv(tm.special.erf(tm.tensor([0.25]))).tolist()
    [0.25]
"""

# A method here declares ``self: Tensor``, as in methods.py (see the note there).
# mypy: disable-error-code="misc"
# As in ops.py, each rule's class docstring states its derivative; its methods need no more.
# ruff: noqa: D102

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.polynomial import polynomial
from numpy.typing import DTypeLike

# tensor.py imports this module (through methods.py); what it defines is looked up when called.
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import checks
from tinygrad_mlp.dtypes import get_default_dtype

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Array, Tensor, TensorLike

Grad = Any  # a Tensor when backward is recorded (create_graph), else an ndarray

# -- the functions on float64 arrays ------------------------------------------------------

_SQRT_PI = math.sqrt(math.pi)


def _each(function: Callable[[float], float]) -> Callable[[Array], Array]:
    """``function``, one of Python's on floats, applied to each element of an array.

    numpy has no erf, erfc or lgamma of its own: they go this way below
    ``_FDLIBM_FROM_ELEMENTS`` and ``_LGAMMA_FDLIBM_FROM_ELEMENTS`` elements
    (``math.erf`` costs about 60 ns an element, ``math.lgamma`` about 100,
    where the whole-array paths cost 0.03-0.45 ms a call however small the
    array). ``map`` over the array's values as Python floats,
    gathered by ``np.fromiter``, is about a quarter faster than
    ``np.frompyfunc``, which makes an array of objects on the way.
    """
    def on(x: Array) -> Array:
        values = np.asarray(x, np.float64)
        flat = np.fromiter(map(function, values.ravel().tolist()), np.float64, values.size)
        return flat.reshape(values.shape)
    on.__doc__ = function.__doc__
    return on


# erf and erfc as Sun's fdlibm computes them (s_erf.c, Sun Microsystems 1993; the same file
# is FreeBSD's lib/msun/src/s_erf.c): |x| is cut at 0.84375, 1.25 and 1/0.35,
# and each piece has a rational fit P/Q of its own. The coefficients are fdlibm's, each
# polynomial's from its constant term up.
_Coefficients = tuple[float, ...]

_PIECE_BOUNDS = (0.84375, 1.25, 1 / 0.35)
_ERF_1 = 8.45062911510467529297e-01  # erf 1 rounded to 24 bits, so that 1 - _ERF_1 is exact
_TWO_OVER_ROOT_PI_LESS_1 = 1.28379167095512586316e-01  # erf x ≈ (2/√π) x near 0
# erf x = x + x P(x²)/Q(x²) for |x| < 0.84375
_CENTRAL_P = (1.28379167095512558561e-01, -3.25042107247001499370e-01,
              -2.84817495755985104766e-02, -5.77027029648944159157e-03,
              -2.37630166566501626084e-05)
_CENTRAL_Q = (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02,
              5.08130628187576562776e-03, 1.32494738004321644526e-04,
              -3.96022827877536812320e-06)
# erf x = erf 1 + P(s)/Q(s), s = x - 1, for 0.84375 <= x < 1.25
_MIDDLE_P = (-2.36211856075265944077e-03, 4.14856118683748331666e-01,
             -3.72207876035701323847e-01, 3.18346619901161753674e-01,
             -1.10894694282396677476e-01, 3.54783043256182359371e-02,
             -2.16637559486879084300e-03)
_MIDDLE_Q = (1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01,
             7.18286544141962662868e-02, 1.26171219808761642112e-01,
             1.36370839120290507362e-02, 1.19844998467991074170e-02)
# erfc x = e^(-x² - 0.5625 + R(1/x²)/S(1/x²)) / x, for 1.25 <= x < 1/0.35 ...
_NEAR_R = (-9.86494403484714822705e-03, -6.93858572707181764372e-01,
           -1.05586262253232909814e+01, -6.23753324503260060396e+01,
           -1.62396669462573470355e+02, -1.84605092906711035994e+02,
           -8.12874355063065934246e+01, -9.81432934416914548592e+00)
_NEAR_S = (1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02,
           4.34565877475229228821e+02, 6.45387271733267880336e+02,
           4.29008140027567833386e+02, 1.08635005541779435134e+02,
           6.57024977031928170135e+00, -6.04244152148580987438e-02)
# ... and for x >= 1/0.35
_FAR_R = (-9.86494292470009928597e-03, -7.99283237680523006574e-01,
          -1.77579549177547519889e+01, -1.60636384855821916062e+02,
          -6.37566443368389627722e+02, -1.02509513161107724954e+03,
          -4.83519191608651397019e+02)
_FAR_S = (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02,
          1.53672958608443695994e+03, 3.19985821950859553908e+03,
          2.55305040643316442583e+03, 4.74528541206955367215e+02,
          -2.24409524465858183362e+01)


def _polynomial(coefficients: _Coefficients, x: Array) -> Array:
    """Σₖ cₖ xᵏ by Horner's rule, (cₙ x + cₙ₋₁) x + ... + c₀, updating one array in place."""
    total = coefficients[-1] * x + coefficients[-2]
    for c in coefficients[-3::-1]:
        total *= x
        total += c
    return total


def _ratio(p: _Coefficients, q: _Coefficients, x: Array) -> Array:
    """P(x) / Q(x)."""
    return _polynomial(p, x) / _polynomial(q, x)


def _erf_central(a: Array) -> Array:
    """erf a for 0 <= a < 0.84375: a + a P(a²)/Q(a²).

    Below 2⁻²⁸ the fit is its constant term, an ulp off 2/√π - 1: there erf a
    is a + (2/√π - 1) a, taken times 16 and back so that a subnormal a keeps
    its bits.
    """
    fitted = a + a * _ratio(_CENTRAL_P, _CENTRAL_Q, a * a)
    tiny = (16 * a + 16 * _TWO_OVER_ROOT_PI_LESS_1 * a) / 16
    return np.where(a < 2.0**-28, tiny, fitted)


def _erfc_central(a: Array) -> Array:
    """erfc a for 0 <= a < 0.84375: 1 - erf a, and from ¼ on 0.5 - (a P/Q + (a - 0.5)).

    a - 0.5 is exact, and the sum it joins is smaller than erf a, so it rounds finer.
    """
    erf_less_a = a * _ratio(_CENTRAL_P, _CENTRAL_Q, a * a)
    return np.where(a < 0.25, 1.0 - (a + erf_less_a), 0.5 - (erf_less_a + (a - 0.5)))


def _erf_middle(a: Array) -> Array:
    """erf a for 0.84375 <= a < 1.25: erf 1 (to 24 bits) + P(a - 1)/Q(a - 1)."""
    return _ERF_1 + _ratio(_MIDDLE_P, _MIDDLE_Q, a - 1.0)


def _erfc_middle(a: Array) -> Array:
    """erfc a for 0.84375 <= a < 1.25: (1 - erf 1) - P(a - 1)/Q(a - 1)."""
    return (1.0 - _ERF_1) - _ratio(_MIDDLE_P, _MIDDLE_Q, a - 1.0)


def _erfc_tail(a: Array, r: _Coefficients, s: _Coefficients) -> Array:
    """erfc a for a >= 1.25: e^(-a² - 0.5625 + R(1/a²)/S(1/a²)) / a.

    e^(-a²) is taken as e^(-z²) e^((z - a)(z + a)), z being a with the low 32
    of its 64 bits cleared: z² is exact, and so is -z² - 0.5625, where the
    rounding of a² would be magnified in e^(-a²) (a² times, 676 at a = 26).
    erfc rounds to 0 past 27.23; a is held at 28, which takes ∞ to 0 too.
    """
    a = np.minimum(a, 28.0)
    fit = _ratio(r, s, 1.0 / (a * a))
    z = (a.view(np.uint64) & np.uint64(0xFFFF_FFFF_0000_0000)).view(np.float64)
    return np.exp(-z * z - 0.5625) * np.exp((z - a) * (z + a) + fit) / a


def _erfc_near(a: Array) -> Array:
    """erfc a for 1.25 <= a < 1/0.35."""
    return _erfc_tail(a, _NEAR_R, _NEAR_S)


def _erfc_far(a: Array) -> Array:
    """erfc a for a >= 1/0.35, ∞ and NaN included."""
    return _erfc_tail(a, _FAR_R, _FAR_S)


# For |x| below 0.84375, 1.25, 1/0.35 and beyond: erf |x| and erfc |x|
_ERF_PIECES = (_erf_central, _erf_middle, lambda a: 1.0 - _erfc_near(a),
               lambda a: 1.0 - _erfc_far(a))
_ERFC_PIECES = (_erfc_central, _erfc_middle, _erfc_near, _erfc_far)
_BLOCK = 1 << 14  # elements computed at once


def _piecewise(x: Array, bounds: tuple[float, ...],
               pieces: tuple[Callable[[Array], Array], ...]) -> Array:
    """Each element of ``x`` through the piece for its range: below ``bounds[0]``, ... beyond.

    The whole-array paths of erf, erfc and lgamma (``_fdlibm_erf`` ...) go
    this way. A piece sees only the elements in its range (the last also ∞
    and NaN). A large array goes through in blocks of ``_BLOCK``: numpy
    makes a new array for each step of a formula, and a block's stay in
    the processor's cache (about 1.5 times faster at 10⁶ elements).
    """
    flat = x.ravel()
    out = np.empty_like(flat)
    for start in range(0, flat.size, _BLOCK):
        block, done = flat[start:start + _BLOCK], out[start:start + _BLOCK]
        below = [block < bound for bound in bounds]
        ranges = [below[0], *(b & ~a for a, b in pairwise(below)), ~below[-1]]
        for inside, piece in zip(ranges, pieces):
            at = np.flatnonzero(inside)
            if at.size:
                done[at] = piece(block[at])
    return out.reshape(x.shape)


def _fdlibm_erf(x: Array) -> Array:
    """erf x by fdlibm's algorithm on the whole float64 array; erf(-x) = -erf x exactly."""
    with np.errstate(under="ignore"):  # erfc x is subnormal past x = 26.55, as it should be
        return np.copysign(_piecewise(np.abs(x), _PIECE_BOUNDS, _ERF_PIECES), x)


def _fdlibm_erfc(x: Array) -> Array:
    """erfc x by fdlibm's algorithm on the whole float64 array; erfc(-x) = 2 - erfc x exactly."""
    with np.errstate(under="ignore"):  # erfc x is subnormal past x = 26.55, as it should be
        size = _piecewise(np.abs(x), _PIECE_BOUNDS, _ERFC_PIECES)
    return np.where(x < 0, 2.0 - size, size)


_math_erf = _each(math.erf)
_math_erfc = _each(math.erfc)

# Below this many elements erf and erfc call math's per element, which costs about 60 ns an
# element; the whole-array path costs 30-120 µs a call however small the array (numpy's
# overhead per call, dozens of calls over the pieces), then 20-45 ns an element.
# Measured with timeit on a shared 2-core machine: the time of one call on a float64 array,
# best of 3 runs of 7 rounds of 3 repeats, the two paths interleaved; in µs, for x drawn
# from N(0, ½) (the x/√2 of an exact gelu on N(0, 1) inputs) and uniformly from [-5, 5]
# (every piece used):
#   elements               1     4    16    64   256  1024  2048  2560  3072  4096  16384
#   N(0, ½)  math erf    1.2   1.4   2.0   4.4    15    56   114   144   193   239    979
#            fdlibm erf   40    33    91    77    80    95   128   146   156   163    580
#            math erfc   1.7   1.4   2.0   4.6    17    63   122   153   181   243    986
#            fdlibm erfc  66    96    62    88   111   101   119   128   169   149    611
#   [-5, 5]  math erf    1.2   1.4   2.1   5.4    18    75   143   184   233   298   1147
#            fdlibm erf   57    84   114   103   114   150   176   196   182   234    481
#            math erfc   1.2   1.4   2.2   5.3    18    71   141   177   215   285   1135
#            fdlibm erfc  59   112   120   108   107   135   155   169   178   194    537
# The two cost the same at 2000-2700 elements; the threshold is there.
_FDLIBM_FROM_ELEMENTS = 2500


def _erf(x: Array) -> Array:
    """erf x, elementwise on a float64 array; erf(-x) = -erf x exactly.

    Below ``_FDLIBM_FROM_ELEMENTS`` elements, ``math.erf`` per element (the C
    library's; fdlibm's whole-array path costs 0.03-0.1 ms a call however
    small the array), else fdlibm's algorithm on the whole array, about 3
    times faster at 10⁶ elements. The two are at most 1 ulp apart (against
    glibc 2.36), so a value may differ by that much with the size of the
    array it is in.
    """
    return (_math_erf if x.size < _FDLIBM_FROM_ELEMENTS else _fdlibm_erf)(x)


def _erfc(x: Array) -> Array:
    """erfc x = 1 - erf x, elementwise on a float64 array.

    Below ``_FDLIBM_FROM_ELEMENTS`` elements, ``math.erfc`` per element, else
    fdlibm's algorithm on the whole array, as in ``_erf``. The two are at
    most 4 ulps apart (against glibc 2.36, whose erfc errs by up to 3.6),
    so a value may differ by that much with the size of the array it is in.
    fdlibm's erfc(-x) is 2 - erfc x exactly; glibc's can be an ulp off it.
    """
    return (_math_erfc if x.size < _FDLIBM_FROM_ELEMENTS else _fdlibm_erfc)(x)


# lgamma as Sun's fdlibm computes it (e_lgamma_r.c, Sun Microsystems 1993; FreeBSD's
# lib/msun/src/e_lgamma_r.c): x > 0 is cut into ten ranges, at the bounds fdlibm takes from
# x's upper 32 bits (so 0.9 is 0x1.ccccdp-1), and x < 0 is reflected to -x. The coefficients
# are fdlibm's, each polynomial's from its constant term up; fdlibm evaluates some in
# interleaved parts (even and odd terms ...), which are the same polynomials.
_LGAMMA_BOUNDS = (2.0**-70, float.fromhex("0x1.da661p-3"), float.fromhex("0x1.76944p-1"),
                  float.fromhex("0x1.ccccdp-1"), float.fromhex("0x1.3b4c4p+0"),
                  float.fromhex("0x1.bb4c3p+0"), 2.0, 8.0, 2.0**58)
# lgamma(2 - y) = -y/2 + y A(y), for 0 < y <= 0.27
_AROUND_2 = (7.72156649015328655494e-02, 3.22467033424113591611e-01,
             6.73523010531292681824e-02, 2.05808084325167332806e-02,
             7.38555086081402883957e-03, 2.89051383673415629091e-03,
             1.19270763183362067845e-03, 5.10069792153511336608e-04,
             2.20862790713908385557e-04, 1.08011567247583939954e-04,
             2.52144565451257326939e-05, 4.48640949618915160150e-05)
# lgamma(m + y) = m_value + y² T(y) for -0.23 <= y < 0.27, about the minimum of lgamma on x > 0,
# at m = 1.4616...; m_value is the value there, and -_MINIMUM_TAIL what m_value rounded off
_MINIMUM = 1.46163214496836224576e+00
_MINIMUM_VALUE = -1.21486290535849611461e-01
_MINIMUM_TAIL = -3.63867699703950536541e-18
_AROUND_MINIMUM = (4.83836122723810047042e-01, -1.47587722994593911752e-01,
                   6.46249402391333854778e-02, -3.27885410759859649565e-02,
                   1.79706750811820387126e-02, -1.03142241298341437450e-02,
                   6.10053870246291332635e-03, -3.68452016781138256760e-03,
                   2.25964780900612472250e-03, -1.40346469989232843813e-03,
                   8.81081882437654011382e-04, -5.38595305356740546715e-04,
                   3.15632070903625950361e-04, -3.12754168375120860518e-04,
                   3.35529192635519073543e-04)
# lgamma(1 + y) = -y/2 + y U(y)/V(y), for -0.1 <= y < 0.23
_AROUND_1_U = (-7.72156649015328655494e-02, 6.32827064025093366517e-01,
               1.45492250137234768737e+00, 9.77717527963372745603e-01,
               2.28963728064692451092e-01, 1.33810918536787660377e-02)
_AROUND_1_V = (1.0, 2.45597793713041134822e+00, 2.12848976379893395361e+00,
               7.69285150456672783825e-01, 1.04222645593369134254e-01,
               3.21709242282423911810e-03)
# lgamma(2 + y) = y/2 + y S(y)/R(y), for 0 <= y < 1
_FROM_2_S = (-7.72156649015328655494e-02, 2.14982415960608852501e-01,
             3.25778796408930981787e-01, 1.46350472652464452805e-01,
             2.66422703033638609560e-02, 1.84028451407337715652e-03,
             3.19475326584100867617e-05)
_FROM_2_R = (1.0, 1.39200533467621045958e+00, 7.21935547567138069525e-01,
             1.71933865632803078993e-01, 1.86459191715652901344e-02,
             7.77942496381893596434e-04, 7.32668430744625636189e-06)
# lgamma x = (x - 1/2)(ln x - 1) + W(1/x), W(z) = w₀ + z W'(z²), for x >= 8; w₀ ≈ (ln 2π - 1)/2
_STIRLING = (4.18938533204672725052e-01, 8.33333333333329678849e-02,
             -2.77777777728775536470e-03, 7.93650558643019558500e-04,
             -5.95187557450339963135e-04, 8.36339918996282139126e-04,
             -1.63092934096575273989e-03)


def _lgamma_around_2(y: Array) -> Array:
    """lgamma(2 - y) = -y/2 + y A(y), for 0 < y <= 0.27."""
    return y * _polynomial(_AROUND_2, y) - 0.5 * y


def _lgamma_around_minimum(y: Array) -> Array:
    """lgamma(m + y) = m_value + y² T(y), m = 1.4616... where lgamma is least, -0.23 <= y < 0.27."""
    return _MINIMUM_VALUE + (y * y * _polynomial(_AROUND_MINIMUM, y) - _MINIMUM_TAIL)


def _lgamma_around_1(y: Array) -> Array:
    """lgamma(1 + y) = -y/2 + y U(y)/V(y), for -0.1 <= y < 0.23; lgamma(1) is +0.0, not -0.0."""
    return (y * _ratio(_AROUND_1_U, _AROUND_1_V, y) - 0.5 * y) + 0.0


def _lgamma_tiny(a: Array) -> Array:
    """lgamma a = -ln a for 0 <= a < 2⁻⁷⁰ (γa, the next term, is below an ulp); ∞ at 0."""
    with np.errstate(divide="ignore"):
        return -np.log(a)


def _lgamma_from_2(a: Array) -> Array:
    """lgamma a for 2 <= a < 8: lgamma(2 + y) + ln((2 + y)(3 + y) ··· (a - 1)), y = a - ⌊a⌋.

    Γ(x + 1) = x Γ(x) carries a down to 2 + y; each 2 + y, 3 + y ... is exact.
    """
    whole = np.floor(a)
    y = a - whole
    product = np.ones_like(a)
    for k in range(2, 7):
        product *= np.where(k < whole, y + k, 1.0)
    return 0.5 * y + y * _ratio(_FROM_2_S, _FROM_2_R, y) + np.log(product)


def _lgamma_stirling(a: Array) -> Array:
    """lgamma a for 8 <= a < 2⁵⁸: (a - 1/2)(ln a - 1) + W(1/a)."""
    z = 1.0 / a
    fit = _STIRLING[0] + z * _polynomial(_STIRLING[1:], z * z)
    return (a - 0.5) * (np.log(a) - 1.0) + fit


def _lgamma_huge(a: Array) -> Array:
    """lgamma a = a (ln a - 1) for a >= 2⁵⁸ (the rest is below an ulp), ∞ and NaN included.

    It overflows to ∞ past a = 2.56e305, as ln Γ(a) does.
    """
    with np.errstate(over="ignore"):
        return a * (np.log(a) - 1.0)


# For x below each of _LGAMMA_BOUNDS and beyond: lgamma x. Below 0.9, lgamma x is
# lgamma(1 + x) - ln x, and 1 + x is taken through the piece around 1, the minimum or 2.
_LGAMMA_PIECES = (
    _lgamma_tiny,
    lambda a: _lgamma_around_1(a) - np.log(a),
    lambda a: _lgamma_around_minimum(a - (_MINIMUM - 1.0)) - np.log(a),
    lambda a: _lgamma_around_2(1.0 - a) - np.log(a),
    lambda a: _lgamma_around_1(a - 1.0),
    lambda a: _lgamma_around_minimum(a - _MINIMUM),
    lambda a: _lgamma_around_2(2.0 - a),
    _lgamma_from_2,
    _lgamma_stirling,
    _lgamma_huge)


def _lgamma_reflected(x: Array, lgamma_of_size: Array) -> Array:
    """lgamma x for x < 0 from lgamma(-x): ln(π / |x sin πx|) - lgamma(-x); ∞ at the poles.

    Γ(x) Γ(-x) = -π / (x sin πx). sin πx is taken from x's distance f to the
    nearest integer, which is exact, as sin πf, so it is 0 at the poles
    exactly. From 2⁵² on every float is an integer: x is held at -2⁵², which
    takes -∞ to a pole too.
    """
    x = np.maximum(x, -(2.0**52))
    fraction = np.abs(x - np.round(x))
    pole = fraction == 0
    sine = np.sin(math.pi * np.where(pole, 0.5, fraction))
    return np.where(pole, math.inf, np.log(math.pi / (sine * -x)) - lgamma_of_size)


def _fdlibm_lgamma(x: Array) -> Array:
    """lgamma x = ln |Γ(x)| by fdlibm's algorithm on the whole float64 array; ∞ at the poles.

    x < 0 is reflected, from lgamma(-x), except above -2⁻⁷⁰, where
    lgamma x = -ln |x| too.
    """
    flat = x.ravel()
    size = np.abs(flat)
    value = _piecewise(size, _LGAMMA_BOUNDS, _LGAMMA_PIECES)
    at = np.flatnonzero((flat < 0) & (size >= _LGAMMA_BOUNDS[0]))
    if at.size:
        value[at] = _lgamma_reflected(flat[at], value[at])
    return value.reshape(x.shape)


def _lgamma_scalar(x: float) -> float:
    """ln |Γ(x)|; ∞ at the poles 0, -1, -2 ... and where it overflows, as PyTorch gives."""
    try:
        return math.lgamma(x)
    except (ValueError, OverflowError):
        return math.inf


_math_lgamma = _each(_lgamma_scalar)

# Below this many elements lgamma calls math.lgamma per element, 150-180 ns an element with
# the loop around it; the whole-array path costs 0.05-0.45 ms a call however small the array
# (the more of its ten pieces and the reflection the values take, the more), then 40-90 ns an
# element. Measured as erf's above, in µs, for x drawn uniformly from (0, 10), from
# [-10, 10] (every piece, and the reflection) and from (8, 1000) (one piece):
#   elements               1    16   256  1024  1536  2048  2560  3072  4096  8192  16384
#   (0, 10)    math      2.5   4.9    47   167   309   385   625   635   794  1350   2520
#              fdlibm     89   148   366   327   393   378   444   490   466   665   1410
#   [-10, 10]  math      4.2   5.2    48   310   296   410   512   617   728  1470   2950
#              fdlibm     88   165   289   447   323   335   408   464   517   773   1560
#   (8, 1000)  math      2.4   4.9    43   167   249   340   414   552   719  1380   2850
#              fdlibm     55    51    60    72    80    88    95   109   124   216    690
# With x spread over the pieces the two cost the same at 1500-2200 elements (in three runs);
# the threshold is there. With every x past 8 the whole-array path is cheaper from about 200.
_LGAMMA_FDLIBM_FROM_ELEMENTS = 2000


def _lgamma(x: Array) -> Array:
    """lgamma x = ln |Γ(x)|, elementwise on a float64 array; ∞ at 0, -1, -2 ..., ±∞.

    Below ``_LGAMMA_FDLIBM_FROM_ELEMENTS`` elements, ``math.lgamma`` per
    element (CPython's own), else fdlibm's algorithm on the whole array,
    about 2.5 times faster at 10⁶ elements and more accurate on (0, 8).
    The two are at most 4e-15 · max(1, |lgamma x|) apart, so a value may
    differ by that much with the size of the array it is in.
    """
    return (_math_lgamma if x.size < _LGAMMA_FDLIBM_FROM_ELEMENTS else _fdlibm_lgamma)(x)


def _float64(function: Callable[..., Any]) -> Callable[..., Array]:
    """``function`` on a float64 copy of an array, its result rounded to the array's dtype."""
    def on(x: Array, *args: Any) -> Array:
        with np.errstate(all="ignore"):
            return np.asarray(function(np.asarray(x, np.float64), *args),
                              np.float64).astype(x.dtype, copy=False)
    on.__doc__ = function.__doc__
    return on


def _erfinv_guess(x: Array) -> Array:
    """erfinv x to about 1e-7 (Giles 2010, "Approximating the erfinv function"), |x| < 1."""
    w = -np.log((1.0 - x) * (1.0 + x))
    central, tail = w - 2.5, np.sqrt(w) - 3.0
    p = np.where(w < 5.0, 2.81022636e-08, -0.000200214257)
    for near, far in ((3.43273939e-07, 0.000100950558), (-3.5233877e-06, 0.00134934322),
                      (-4.39150654e-06, -0.00367342844), (0.00021858087, 0.00573950773),
                      (-0.00125372503, -0.0076224613), (-0.00417768164, 0.00943887047),
                      (0.246640727, 1.00167406), (1.50140941, 2.83297682)):
        p = np.where(w < 5.0, near + p * central, far + p * tail)
    return p * x


def _erfinv_array(x: Array) -> Array:
    """erfinv x: Giles' guess and four Newton steps; ±∞ at ±1, NaN beyond."""
    size = np.abs(x)
    inside = size < 1
    a = np.where(inside, size, 0.0)
    y = _erfinv_guess(a)
    tail = a > 0.5
    for _ in range(4):
        slope = 2 / _SQRT_PI * np.exp(-y * y)
        central = (_erf(y) - a) / slope
        complement = _erfc(y)  # ln erfc y - ln(1 - a), over its slope
        y = y - np.where(tail, (np.log(1.0 - a) - np.log(complement)) * complement / slope,
                         central)
    y = np.where(inside, y, np.where(size == 1, np.inf, np.nan))
    return np.copysign(y, x)


def _cot_pi(x: Array) -> Array:
    """cot(πx), from x's distance f to the nearest integer, which is exact.

    Near a pole (|f| <= ¼) it is 1/tan(πf); beyond, tan(π(½ - |f|)) with
    the sign of f, where ½ - |f| is exact too, so at a half-integer it is
    exactly 0 (1/tan(π/2) is 6e-17, not 0).
    """
    fraction = x - np.round(x)
    size = np.abs(fraction)
    return np.where(size <= 0.25, 1.0 / np.tan(math.pi * fraction),
                    np.copysign(np.tan(math.pi * (0.5 - size)), fraction))


def _digamma_array(x: Array) -> Array:
    """ψ(x) = Γ'(x)/Γ(x) (PyTorch's values at the poles: -∞ at +0, +∞ at -0, NaN below)."""
    negative = x < 0
    z = np.where(negative, 1.0 - x, x)
    shifted = np.zeros_like(z)
    for _ in range(10):  # ψ(z) = ψ(z + 1) - 1/z, until z >= 10
        small = z < 10
        if not small.any():
            break
        shifted -= np.where(small, 1.0 / np.where(small, z, 1.0), 0.0)
        z = np.where(small, z + 1.0, z)
    u = 1.0 / (z * z)
    series = u * (1 / 12 - u * (1 / 120 - u * (1 / 252 - u * (1 / 240 - u * (
        1 / 132 - u * (691 / 32760 - u / 12))))))
    value = shifted + np.log(z) - 0.5 / z - series
    value = np.where(negative, value - math.pi * _cot_pi(x), value)
    value = np.where(negative & (x == np.round(x)), np.nan, value)  # -1, -2 ... and -∞
    return np.where(x == 0, np.copysign(np.inf, -x), value)


# B₂ⱼ / (2j)! for j = 1, 2, ...: the Euler-Maclaurin coefficients
_BERNOULLI_OVER_FACTORIAL = [
    b / math.factorial(2 * j) for j, b in enumerate(
        [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
         43867 / 798, -174611 / 330], start=1)]


def _factorial_parts(n: int) -> tuple[float, int]:
    """n! as (F, G) with n! = F · 2^G and ½ <= F < 1: exact in G, so past 170! as well."""
    factorial = math.factorial(n)
    shift = max(factorial.bit_length() - 64, 0)  # the top 64 bits are all F can hold
    fraction, exponent = math.frexp(float(factorial >> shift))
    return fraction, exponent + shift


def _polygamma_positive(n: int, x: Array) -> Array:
    """ψ⁽ⁿ⁾(x) = (-1)ⁿ⁺¹ n! ζ(n + 1, x) for n >= 1 and x > 0, through the Hurwitz zeta function.

    ζ(s, x) = Σₖ (x + k)⁻ˢ: its terms are added until a = x + k >= s + 20, and
    the rest is a⁻ⁿ (1/n + 1/(2a) + Σⱼ B₂ⱼ/(2j)! · (n+1)(n+2)···(n+2j-1) / a²ʲ)
    (Euler-Maclaurin, with s = n + 1), whose terms shrink by about
    (s + 2j)² / (2πa)² each. Every term is positive, so nothing cancels.

    The powers leave float64's range long before ψ⁽ⁿ⁾ does: x⁻² underflows
    past x = 1e154, where ψ⁽¹⁾(1e200) is a plain 1e-200, and n! overflows
    past n = 170. So each power is split as ``np.frexp`` splits a number,
    a = m · 2ᵉ (½ <= m < 1), into m⁻ˢ (between 1 and 2ˢ) and an exact power
    of 2; the sum is kept scaled by 2ⁿᵉ (e that of x), and the powers of 2
    are applied once, at the end, by ``np.ldexp``.
    """
    s = n + 1
    exponent = np.frexp(x)[1].astype(np.int64)
    total = np.zeros_like(x)  # ζ(s, x) · 2ⁿᵉ
    a = x.copy()
    while True:
        small = a < s + 20.0
        if not small.any():
            break
        mantissa, power = np.frexp(a)
        shift = n * exponent - s * power.astype(np.int64)
        total += np.where(small, np.ldexp(mantissa ** -s, shift), 0.0)
        a = np.where(small, a + 1.0, a)
    inverse_square = 1.0 / (a * a)  # 0 for a past 1e154, where the series is 1/n + 1/(2a)
    series = 1.0 / n + 0.5 / a
    term = (n + 1) * inverse_square
    for j, coefficient in enumerate(_BERNOULLI_OVER_FACTORIAL, start=1):
        series += coefficient * term
        term = term * (n + 2 * j) * (n + 2 * j + 1) * inverse_square
    mantissa, power = np.frexp(a)
    total += np.ldexp(mantissa ** -n * series, n * (exponent - power.astype(np.int64)))
    fraction, factorial_exponent = _factorial_parts(n)
    return np.ldexp((-1) ** (n + 1) * fraction * total, factorial_exponent - n * exponent)


def _cot_derivative(n: int) -> np.ndarray:
    """Pₙ, with dⁿ/dyⁿ cot y = Pₙ(cot y): P₀(c) = c, Pₙ₊₁(c) = -(1 + c²) Pₙ'(c)."""
    p = np.array([0.0, 1.0])
    for _ in range(n):
        p = -polynomial.polymul([1.0, 0.0, 1.0], polynomial.polyder(p))
    return p


def _polygamma_array(x: Array, n: int) -> Array:
    """ψ⁽ⁿ⁾(x), the n-th derivative of digamma; (-1)ⁿ⁺¹ ∞ at the poles 0, -1, -2 ..."""
    if n == 0:
        return _digamma_array(x)
    negative = x < 0
    z = np.where(negative, 1.0 - x, x)
    value = _polygamma_positive(n, np.where(z <= 0, 1.0, z))  # the poles come below
    if negative.any():
        reflected = (-1) ** n * value - math.pi ** (n + 1) * polynomial.polyval(
            _cot_pi(x), _cot_derivative(n))
        value = np.where(negative, reflected, value)
    pole = (x <= 0) & (x == np.trunc(x))
    value = np.where(pole, (-1) ** (n + 1) * math.inf, value)
    return np.where(x == np.inf, 0.0, np.where(x == -np.inf, np.nan, value))


erf_values = _float64(_erf)
erfc_values = _float64(_erfc)
erfinv_values = _float64(_erfinv_array)
lgamma_values = _float64(_lgamma)
digamma_values = _float64(_digamma_array)
polygamma_values = _float64(_polygamma_array)


# -- the rules ----------------------------------------------------------------------------


def _exp(x: Grad) -> Grad:
    return x.exp() if isinstance(x, _tensor.Tensor) else np.exp(x)


def _gaussian(x: Grad) -> Grad:
    """e^(-x²), for a Tensor or an ndarray."""
    return _exp(-(x * x))


class Elementwise(_tensor.Op):
    """y = f(x) elementwise.   dL/dx = g · f'(x).

    Each rule below gives f on arrays (``values``) and f'(x) (``slope``) for
    a Tensor or an ndarray. Outside f's domain the result is NaN or ±∞,
    silently, as in PyTorch. ``n`` is polygamma's order, 0 for the others.
    """

    n = 0

    def values(self, x: Array) -> Array:
        """f(x) on an array."""
        raise NotImplementedError

    def slope(self, x: Grad) -> Grad:
        """f'(x), for a Tensor or an ndarray x."""
        raise NotImplementedError

    def forward(self, x: Tensor, n: int = 0) -> Array:
        self.save_for_backward(x)
        self.n = n
        return self.values(x.data)

    def backward(self, g: Grad) -> Grad:
        (x,) = self.saved_tensors
        with np.errstate(all="ignore"):
            return g * self.slope(x)


class Erf(Elementwise):
    """y = erf x = 2/√π ∫₀ˣ e^(-t²) dt.   dy/dx = 2/√π e^(-x²)."""

    name = "erf"

    def values(self, x: Array) -> Array:
        return erf_values(x)

    def slope(self, x: Grad) -> Grad:
        return _gaussian(x) * (2 / _SQRT_PI)


class Erfc(Elementwise):
    """y = erfc x = 1 - erf x.   dy/dx = -2/√π e^(-x²)."""

    name = "erfc"

    def values(self, x: Array) -> Array:
        return erfc_values(x)

    def slope(self, x: Grad) -> Grad:
        return _gaussian(x) * (-2 / _SQRT_PI)


class Erfinv(Elementwise):
    """y = erfinv x, the y with erf y = x, for -1 <= x <= 1.   dy/dx = √π/2 e^(y²).

    The slope is that of erf at y, inverted; it reads y, this op's output.
    """

    name = "erfinv"
    saves_output = True

    def values(self, x: Array) -> Array:
        return erfinv_values(x)

    def backward(self, g: Grad) -> Grad:
        y = self.output()
        with np.errstate(all="ignore"):
            return g * (_exp(y * y) * (_SQRT_PI / 2))


class Lgamma(Elementwise):
    """y = ln |Γ(x)|.   dy/dx = ψ(x), the digamma function."""

    name = "lgamma"

    def values(self, x: Array) -> Array:
        return lgamma_values(x)

    def slope(self, x: Grad) -> Grad:
        return _polygamma(x, 0)


class Digamma(Elementwise):
    """y = ψ(x) = Γ'(x) / Γ(x).   dy/dx = ψ⁽¹⁾(x), the trigamma function."""

    name = "digamma"

    def values(self, x: Array) -> Array:
        return digamma_values(x)

    def slope(self, x: Grad) -> Grad:
        return _polygamma(x, 1)


class Polygamma(Elementwise):
    """y = ψ⁽ⁿ⁾(x), the n-th derivative of ψ.   dy/dx = ψ⁽ⁿ⁺¹⁾(x)."""

    name = "polygamma"

    def values(self, x: Array) -> Array:
        return polygamma_values(x, self.n)

    def slope(self, x: Grad) -> Grad:
        return _polygamma(x, self.n + 1)


def _polygamma(x: Grad, n: int) -> Grad:
    """ψ⁽ⁿ⁾(x) of a Tensor (an op, so that it can be differentiated again) or an ndarray."""
    if not isinstance(x, _tensor.Tensor):
        return polygamma_values(x, n)
    return Digamma.apply(x) if n == 0 else Polygamma.apply(x, n=n)


# -- methods ------------------------------------------------------------------------------


def _floating(x: Tensor) -> Tensor:
    """``x``, or for an int or bool tensor ``x`` in the default dtype (as PyTorch promotes)."""
    return x.to(get_default_dtype()) if x.dtype.kind in "biu" else x


# sinc(x) = Σₖ (-1)ᵏ (πx)²ᵏ / (2k + 1)!, used for |x| < _SINC_SERIES_BELOW
_SINC_SERIES = [(-1) ** k / math.factorial(2 * k + 1) for k in range(9)]
_SINC_SERIES_BELOW = 0.01


def _order(op: str, n: object) -> int:
    """polygamma's order ``n``, an int >= 0."""
    return checks.check_int(op, "n", n, 0)


class SpecialMethods:
    """Methods ``Tensor`` inherits (through ``TensorMethods``)."""

    __slots__ = ()

    def erf(self: Tensor) -> Tensor:
        """The error function, erf x = 2/√π ∫₀ˣ e^(-t²) dt, elementwise.   d/dx = 2/√π e^(-x²)."""
        return Erf.apply(_floating(self))

    def erfc(self: Tensor) -> Tensor:
        """1 - erf x, elementwise, accurate where erf x is near 1.   d/dx = -2/√π e^(-x²)."""
        return Erfc.apply(_floating(self))

    def erfinv(self: Tensor) -> Tensor:
        """The inverse of erf on [-1, 1] (±∞ at ±1, NaN outside).   d/dx = √π/2 e^(erfinv(x)²)."""
        return Erfinv.apply(_floating(self))

    def lgamma(self: Tensor) -> Tensor:
        """ln |Γ(x)|, elementwise (∞ at 0, -1, -2 ...).   d/dx = digamma(x)."""
        return Lgamma.apply(_floating(self))

    def digamma(self: Tensor) -> Tensor:
        """ψ(x) = d/dx ln Γ(x), elementwise.   d/dx = polygamma(1, x).

        At the poles, PyTorch's values: -∞ at 0, ∞ at -0.0, NaN at -1, -2 ...
        """
        return Digamma.apply(_floating(self))

    def polygamma(self: Tensor, n: int) -> Tensor:
        """ψ⁽ⁿ⁾(x), the n-th derivative of digamma (n = 0 is digamma).   d/dx = polygamma(n + 1).

        At the poles 0, -1, -2 ... (-1)ⁿ⁺¹ ∞; 0 at ∞, NaN at -∞.
        """
        order = _order("polygamma", n)
        x = _floating(self)
        return Digamma.apply(x) if order == 0 else Polygamma.apply(x, n=order)

    def mvlgamma(self: Tensor, p: int) -> Tensor:
        """The multivariate log-gamma, ln Γₚ(x) = p(p-1)/4 ln π + Σⱼ₌₁..ₚ lgamma(x + (1 - j)/2).

        Γₚ is defined for x > (p - 1)/2; below, as in PyTorch 2.13, this is
        still the sum of lgammas: ∞ where a term is at a pole (x = 0.5 for
        p = 2), finite between poles. d/dx = Σⱼ digamma(x + (1 - j)/2).
        """
        order = checks.check_int("mvlgamma", "p", p, 1)
        x = _floating(self)
        terms = _tensor.stack([(x + (1 - j) / 2).lgamma() for j in range(1, order + 1)])
        return terms.sum(0) + order * (order - 1) / 4 * math.log(math.pi)

    def sinc(self: Tensor) -> Tensor:
        """The normalized sinc, sin(πx) / (πx), and 1 at x = 0, elementwise.

        Near 0 (|x| < 0.01) it is the Taylor series Σₖ (-1)ᵏ (πx)²ᵏ / (2k + 1)!,
        so every derivative at 0 is exact (sinc'(0) = 0, sinc''(0) = -π²/3),
        through the 16th; elsewhere the quotient. Two ``where``: the quotient
        never sees 0, nor the series a large x. d/dx = (cos πx - sinc x) / x.
        """
        x = _floating(self)
        near = np.abs(x.data) < _SINC_SERIES_BELOW
        small = _tensor.where(near, x, 0.0) * math.pi
        square = small * small
        series: Tensor | float = _SINC_SERIES[-1]
        for coefficient in reversed(_SINC_SERIES[:-1]):
            series = square * series + coefficient
        angle = _tensor.where(near, 1.0, x) * math.pi
        with np.errstate(invalid="ignore"):  # sin ±∞ is NaN, silently as in PyTorch
            quotient = angle.sin() / angle
        return _tensor.where(near, series, quotient)

    def deg2rad(self: Tensor) -> Tensor:
        """Degrees to radians: x · π/180, elementwise (ints become the default dtype)."""
        return _floating(self) * (math.pi / 180)

    def rad2deg(self: Tensor) -> Tensor:
        """Radians to degrees: x · 180/π, elementwise (ints become the default dtype)."""
        return _floating(self) * (180 / math.pi)


# -- function forms, as torch.erf ... and torch.special.erf ... ---------------------------


def _input(where: str, input: object) -> Tensor:
    """A function form's Tensor argument (``checks.function_input``, looked up when called)."""
    return checks.function_input(where, input)


def erf(input: Tensor) -> Tensor:
    """``input.erf()``: the error function, as ``torch.erf`` and ``torch.special.erf``."""
    return _input("erf", input).erf()


def erfc(input: Tensor) -> Tensor:
    """``input.erfc()``: 1 - erf x, as ``torch.erfc`` and ``torch.special.erfc``."""
    return _input("erfc", input).erfc()


def erfinv(input: Tensor) -> Tensor:
    """``input.erfinv()``: the inverse error function, as ``torch.erfinv``."""
    return _input("erfinv", input).erfinv()


def lgamma(input: Tensor) -> Tensor:
    """``input.lgamma()``: ln |Γ(x)|, as ``torch.lgamma``."""
    return _input("lgamma", input).lgamma()


def gammaln(input: Tensor) -> Tensor:
    """``input.lgamma()`` under the name ``torch.special.gammaln``."""
    return _input("gammaln", input).lgamma()


def digamma(input: Tensor) -> Tensor:
    """``input.digamma()``: ψ(x) = d/dx ln Γ(x), as ``torch.digamma``."""
    return _input("digamma", input).digamma()


def psi(input: Tensor) -> Tensor:
    """``input.digamma()`` under the name ``torch.special.psi``."""
    return _input("psi", input).digamma()


def polygamma(n: int, input: Tensor) -> Tensor:
    """``input.polygamma(n)``: the n-th derivative of digamma, as ``torch.polygamma(n, input)``."""
    return _input("polygamma", input).polygamma(n)


def mvlgamma(input: Tensor, p: int) -> Tensor:
    """``input.mvlgamma(p)``: the multivariate log-gamma, as ``torch.mvlgamma``."""
    return _input("mvlgamma", input).mvlgamma(p)


def multigammaln(input: Tensor, p: int) -> Tensor:
    """``input.mvlgamma(p)`` under the name ``torch.special.multigammaln``."""
    return _input("multigammaln", input).mvlgamma(p)


def sinc(input: Tensor) -> Tensor:
    """``input.sinc()``: sin(πx) / (πx), 1 at 0, as ``torch.sinc``."""
    return _input("sinc", input).sinc()


def deg2rad(input: Tensor) -> Tensor:
    """``input.deg2rad()``: x · π/180, as ``torch.deg2rad``."""
    return _input("deg2rad", input).deg2rad()


def rad2deg(input: Tensor) -> Tensor:
    """``input.rad2deg()``: x · 180/π, as ``torch.rad2deg``."""
    return _input("rad2deg", input).rad2deg()


def ndtr(input: Tensor) -> Tensor:
    """Φ(x) = (1 + erf(x / √2)) / 2, the standard normal's CDF, as ``torch.special.ndtr``."""
    return (_input("ndtr", input).__mul__(math.sqrt(0.5)).erf() + 1.0) * 0.5


def expit(input: Tensor) -> Tensor:
    """``input.sigmoid()`` under the name ``torch.special.expit``: 1 / (1 + e⁻ˣ)."""
    return _input("expit", input).sigmoid()


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """``input.logit(eps)``: ln(x / (1 - x)), as ``torch.special.logit``."""
    return _input("logit", input).logit(eps)


def exp2(input: Tensor) -> Tensor:
    """``input.exp2()``: 2ˣ, as ``torch.special.exp2``."""
    return _input("exp2", input).exp2()


def expm1(input: Tensor) -> Tensor:
    """``input.expm1()``: eˣ - 1, as ``torch.special.expm1``."""
    return _input("expm1", input).expm1()


def log1p(input: Tensor) -> Tensor:
    """``input.log1p()``: ln(1 + x), as ``torch.special.log1p``."""
    return _input("log1p", input).log1p()


def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """``input.round(decimals=)``, as ``torch.special.round``."""
    return _input("round", input).round(decimals=decimals)


def xlogy(input: Tensor | float, other: TensorLike) -> Tensor:
    """x · ln y, 0 where x is 0, as ``torch.special.xlogy``; see ``Tensor.xlogy``."""
    from tinygrad_mlp.functions import xlogy as function
    return function(input, other)


def xlog1py(input: Tensor | float, other: TensorLike) -> Tensor:
    """x · ln(1 + y), and 0 where x is 0 (unless y is NaN), as ``torch.special.xlog1py``.

    ``xlogy(x, 1 + y)`` with ln(1 + y) taken by ``log1p``, exact for tiny y:
    ∂/∂x = ln(1 + y), ∂/∂y = x / (1 + y). Where x = 0 and ln(1 + y) is not
    finite (y <= -1, or y = ∞) it is taken as 0, as in ``xlogy``.
    """
    from tinygrad_mlp.functions import _operands
    from tinygrad_mlp.methods import _broadcast
    x = _floating(_operands("xlog1py", input, other))
    x, y = _broadcast("xlog1py", x, _floating(x._operand(other)))
    with np.errstate(divide="ignore", invalid="ignore"):  # ln(1 + y) where y <= -1, left out
        log = y.log1p()
    off = (x.data == 0) & ((y.data <= -1) | (y.data == math.inf))
    with np.errstate(invalid="ignore"):
        return x * _tensor.where(off, 0.0, log)


def logsumexp(input: Tensor, dim: int | tuple[int, ...], keepdim: bool = False) -> Tensor:
    """``input.logsumexp(dim, keepdim)``, as ``torch.special.logsumexp``."""
    return _input("logsumexp", input).logsumexp(dim, keepdim)


def _cast(op: str, input: object, dtype: DTypeLike | None) -> Tensor:
    """``input``, converted to ``dtype`` first if one is given (ints may so become floats)."""
    x = _input(op, input)
    return x if dtype is None else x.to(checks.numeric_dtype(op, dtype))


def softmax(input: Tensor, dim: int, *, dtype: DTypeLike | None = None) -> Tensor:
    """``input.softmax(dim)``, as ``torch.special.softmax``; ``dtype`` converts the input first."""
    return _cast("softmax", input, dtype).softmax(dim)


def log_softmax(input: Tensor, dim: int, *, dtype: DTypeLike | None = None) -> Tensor:
    """``input.log_softmax(dim)``, as ``torch.special.log_softmax``; ``dtype`` converts first."""
    return _cast("log_softmax", input, dtype).log_softmax(dim)
