"""L-BFGS: quasi-Newton steps from the last few changes of the weights and the gradient."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from tinygrad_mlp.autograd import enable_grad
from tinygrad_mlp.checks import check_int
from tinygrad_mlp.optim._arguments import check_non_negative
from tinygrad_mlp.optim.line_search import strong_wolfe
from tinygrad_mlp.optim.optimizer import Array, Optimizer, Params, StateKind
from tinygrad_mlp.tensor import Tensor
from tinygrad_mlp.tensor import _note_change as note_change


class LBFGS(Optimizer):
    """Limited-memory BFGS (Nocedal, 1980; Liu & Nocedal, 1989) with PyTorch's algorithm.

    All parameters are one flat vector x, with gradient g. Each ``step(closure)``
    runs up to ``max_iter`` iterations, calling the closure (which recomputes the
    loss and its gradients) once per iteration, or more with a line search::

        d = -H · g                       the direction (d = -g the first time)
        x = x + t · d                    t = lr  (the first time min(1, 1/‖g‖₁) · lr)

    H approximates the inverse Hessian from the last ``history_size`` pairs
    s = t · d (how x moved) and y = g_new - g (how the gradient changed),
    kept only when the curvature y · s > 1e-10, by the two-loop recursion
    starting from H₀ = (y · s / y · y) · I. With ``line_search_fn=
    "strong_wolfe"`` t is chosen instead by ``line_search.strong_wolfe``.
    An iteration stops the step early when max |g| <= ``tolerance_grad``, the
    loss or the move max |t · d| changes by less than ``tolerance_change``, d
    is no longer a descent direction, or ``max_eval`` closure calls are spent.

    A parameter whose ``.grad`` is None counts as having a zero gradient. The
    state, kept as ``state[first parameter]`` as in PyTorch, is: ``func_evals``
    and ``n_iter`` (totals over all steps), ``d``, ``t``, ``old_dirs`` (the
    y's), ``old_stps`` (the s's), ``ro`` (1 / y · s), ``H_diag``,
    ``prev_flat_grad``, ``prev_loss`` and ``al`` (the two-loop recursion's
    coefficients), so that a later step continues where this one stopped.

    Args:
        params: the tensors to optimize: one group only, as in PyTorch.
        lr: the step length (>= 0; 1 by default).
        max_iter: the most iterations per ``step`` (>= 1).
        max_eval: the most closure calls per ``step`` (>= 1; by default
            max_iter · 5 // 4).
        tolerance_grad: stop once every |gradient entry| is at most this (>= 0).
        tolerance_change: stop once the loss or the weights change less (>= 0).
        history_size: how many (s, y) pairs to keep (>= 1).
        line_search_fn: None, or ``"strong_wolfe"``.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = LBFGS([w], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     optimizer.zero_grad()
        ...     loss = ((w - 3.0) * (w - 3.0)).sum()
        ...     loss.backward()
        ...     return loss
        >>> optimizer.step(closure).item()  # the loss before the step
        29.0
        >>> w
        tensor([3., 3.], requires_grad=True)
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {
        "func_evals": "count", "n_iter": "count", "d": "vector or None", "t": "number or None",
        "old_dirs": "vectors or None", "old_stps": "vectors or None", "ro": "numbers or None",
        "H_diag": "number or None", "prev_flat_grad": "vector or None",
        "prev_loss": "number or None", "al": "numbers or None",
    }

    def __init__(
        self,
        params: Params,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        if max_eval is None:
            max_eval = check_int("LBFGS", "max_iter", max_iter, 1) * 5 // 4
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError(f"LBFGS: takes one param group (it has no per-parameter options), "
                             f"got {len(self.param_groups)}")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range LBFGS hyper-parameter."""
        where = type(self).__name__
        check_non_negative(where, "lr", group["lr"])
        check_int(where, "max_iter", group["max_iter"], 1)
        # PyTorch checks only lr, and its max_eval of 0 still evaluates once
        check_int(where, "max_eval", group["max_eval"], 1)
        check_non_negative(where, "tolerance_grad", group["tolerance_grad"])
        check_non_negative(where, "tolerance_change", group["tolerance_change"])
        check_int(where, "history_size", group["history_size"], 1)
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            # PyTorch raises only inside step()
            raise ValueError(f"{where}: line_search_fn must be None or 'strong_wolfe', got "
                             f"{group['line_search_fn']!r}")

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Refuse: LBFGS keeps one param group (all the parameters form one vector)."""
        raise ValueError("LBFGS.add_param_group: LBFGS takes one param group (it has no "
                         "per-parameter options)")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run up to ``max_iter`` L-BFGS iterations; return the closure's first loss.

        Args:
            closure: required: zeroes the gradients, recomputes the loss,
                calls ``backward`` and returns the loss (it runs with grad mode
                on). It is called at least once, at the current parameters.

        Raises:
            TypeError: without a closure, or if it is not callable.
        """
        if not callable(closure):
            raise TypeError(
                "LBFGS.step: needs a closure, a function that zeroes the gradients, recomputes "
                f"the loss, calls backward and returns the loss; got {type(closure).__name__}"
            )
        self._check_settings()
        group = self.param_groups[0]
        lr = float(group["lr"])
        max_iter, max_eval = int(group["max_iter"]), int(group["max_eval"])
        tolerance_grad = float(group["tolerance_grad"])
        tolerance_change = float(group["tolerance_change"])
        history_size = int(group["history_size"])
        state = self.state.setdefault(self._params[0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        def evaluate() -> tuple[Any, float, Array]:
            with enable_grad():
                loss = closure()
            return loss, float(loss), self._flat_grad()

        original_loss, loss, flat_grad = evaluate()
        evaluations = 1
        state["func_evals"] += 1
        if np.abs(flat_grad).max(initial=0.0) <= tolerance_grad:
            return original_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        h_diag = state.get("H_diag")
        prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro, h_diag = [], [], [], 1
            else:
                assert d is not None and t is not None and prev_flat_grad is not None
                assert old_dirs is not None and old_stps is not None and ro is not None
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = float(np.dot(y, s))
                if ys > 1e-10:  # keep only pairs with positive curvature, so H stays positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / float(np.dot(y, y))
                if "al" not in state:
                    state["al"] = [None] * history_size
                assert h_diag is not None
                d = _two_loop(flat_grad, old_dirs, old_stps, ro, float(h_diag), state["al"])
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            t = min(1.0, 1.0 / float(np.abs(flat_grad).sum())) * lr if state["n_iter"] == 1 else lr
            slope = float(np.dot(flat_grad, d))
            if slope > -tolerance_change:  # not a descent direction (any more)
                break

            spent = 0
            if group["line_search_fn"] == "strong_wolfe":
                start = [p.data.copy() for p in self._params]

                def along(step: float, start: list[Array] = start, d: Array = d) -> tuple[
                        float, Array]:
                    self._move(step, d)
                    _, value, grad = evaluate()
                    self._restore(start)
                    return value, grad

                loss, flat_grad, t, spent = strong_wolfe(
                    along, d, t, loss, flat_grad, slope, max_ls=max_eval - evaluations)
                self._move(t, d)
                converged = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._move(t, d)
                converged = False
                if n_iter != max_iter:  # the last iteration's loss would go unused
                    _, loss, flat_grad = evaluate()
                    converged = np.abs(flat_grad).max() <= tolerance_grad
                    spent = 1
            evaluations += spent
            state["func_evals"] += spent

            if (n_iter == max_iter or evaluations >= max_eval or converged
                    or np.abs(d * t).max() <= tolerance_change
                    or abs(loss - prev_loss) < tolerance_change):
                break

        state.update({"d": d, "t": t, "old_dirs": old_dirs, "old_stps": old_stps, "ro": ro,
                      "H_diag": h_diag, "prev_flat_grad": prev_flat_grad,
                      "prev_loss": prev_loss})
        return original_loss

    def _flat_grad(self) -> Array:
        """All gradients, flattened and joined in parameter order (zeros for a None ``.grad``)."""
        self._check_grad_shapes()
        parts = [np.zeros(p.numel(), dtype=p.dtype) if p._grad is None
                 else p._grad._data.astype(p.dtype, copy=False).reshape(-1)
                 for p in self._params]
        return np.concatenate(parts)

    def _move(self, t: float, d: Array) -> None:
        """x = x + t · d, each parameter in place, taking its slice of the flat ``d``."""
        offset = 0
        for p in self._params:
            p.data += t * d[offset:offset + p.numel()].reshape(p.shape)
            offset += p.numel()

    def _restore(self, saved: list[Array]) -> None:
        """Copy ``saved`` back into the parameters' own arrays (counted as changes)."""
        for p, values in zip(self._params, saved):
            p.data[...] = values
        note_change(*(p._counter for p in self._params))


def _two_loop(flat_grad: Array, old_dirs: list[Array], old_stps: list[Array], ro: list[float],
              h_diag: float, al: list[Any]) -> Array:
    """d = -H · g by the L-BFGS two-loop recursion (Nocedal & Wright, Algorithm 7.4).

    The first loop, newest pair first, removes each s-direction from q = -g
    (αᵢ = ρᵢ sᵢ · q, q -= αᵢ yᵢ); scaling by H₀ = ``h_diag`` and the second
    loop, oldest first, adds them back through the curvature (βᵢ = ρᵢ yᵢ · r,
    r += (αᵢ - βᵢ) sᵢ). ``al`` receives the αᵢ.
    """
    q = -flat_grad
    for i in range(len(old_dirs) - 1, -1, -1):
        al[i] = float(np.dot(old_stps[i], q)) * ro[i]
        q -= al[i] * old_dirs[i]
    r = q * h_diag
    for i in range(len(old_dirs)):
        beta = float(np.dot(old_dirs[i], r)) * ro[i]
        r += (al[i] - beta) * old_stps[i]
    return r
