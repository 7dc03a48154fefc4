# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Part 1 — Why RNNs hit a wall, measured
#
# *Transformer Internals, part 1 of 7. Time: about 120 min core + 15 min going further (optional).*
#
# Before 2017, the standard neural network for text was the **recurrent neural network** (RNN):
# it reads a sentence one word at a time and carries a running summary, the *hidden state*,
# from each word to the next. Transformers (Vaswani et al., 2017, "Attention Is All You Need")
# threw the recurrence away. This notebook finds out why — not by taking anyone's word for it,
# but by building an RNN and **measuring** its three limits:
#
# 1. it cannot be parallelised over the positions of a sequence;
# 2. its gradients vanish or explode over long distances;
# 3. information from the start of a long sequence fades away.
#
# **Learning objectives** — you will be able to
# 1. write down which computations of an RNN depend on which, and what that means for parallel hardware;
# 2. implement an RNN step and a full forward pass in NumPy, and check them against `torch.nn.RNN`;
# 3. measure the cost of sequential processing, and say honestly what attention costs instead;
# 4. measure $\lVert \partial h_T / \partial h_t \rVert$ with autograd and explain vanishing and
#    exploding gradients (Bengio et al., 1994; Pascanu et al., 2013);
# 5. compare the path length between distant words in an RNN and in self-attention
#    (Vaswani et al., 2017, Table 1).
#
# **How this notebook works.** Fill in every cell that says `YOUR CODE HERE`, then run the
# "try it" cell below it and the test cells (the ones that start with a docstring). A test cell
# that runs silently passed. Some checks are hidden and run only when your work is graded, so
# make your code correct in general, not just on the visible example. Questions marked
# *(graded by hand)* are read by a person: answer in your own words, in a few sentences.
# Each section's heading says about how long it takes a careful reader; sections titled
# *Going further* are optional and ungraded.
#
# Conventions used in the whole course: arrays are row-major with the batch first (`X` has
# shape `(..., T, d)`), and weights multiply on the right (`X @ W`).

# %% nbgrader={"locked": true, "grade_id": "setup"}
import statistics
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
from threadpoolctl import threadpool_limits

np.set_printoptions(precision=4, suppress=True)
warnings.filterwarnings("ignore", category=DeprecationWarning)
torch.set_num_threads(2)

# %% [markdown]
# ## 1. The sequential processing problem (~18 min)
#
# **Theory hint.** An RNN processes a sequence one element at a time. At step $t$ it combines
# the current word's vector $x_t$ with the previous hidden state $h_{t-1}$:
#
# $$h_t = \tanh\left(x_t W_{xh} + h_{t-1} W_{hh} + b_h\right), \qquad h_0 \text{ given (often } 0).$$
#
# Each step needs the result of the previous one, so information can degrade as it is passed
# along through many steps. What does this chain mean for *when* each step can be computed?
# The two exercises below make you work it out.
#
# **Real-world example — the telephone game.** A message is whispered from person to person;
# the last person hears only what the one before them says, and every hop may lose a detail.
# Or: an RNN reads a book **one word at a time with its finger**; a transformer **sees the whole
# page at once**.
#
# ### Exercise 1 — mark the dependencies (3 points)
#
# Process this sentence with an RNN, one word per step:
#
# > "The student who studied hard and completed all assignments passed the exam"
#
# | word | step | directly needs the hidden state of step | depends on (directly or through the chain) the words of the earlier steps |
# |---|---|---|---|
# | The | 1 | none | none |
# | student | 2 | 1 | 1 |
# | who | 3 | ? | ? |
# | ... | ... | ... | ... |
# | exam | 12 | ? | ? |
#
# Fill in the table as two Python dicts with one key per step, the `int`s 1, 2, ..., 12:
# - `directly_needs` (a `dict`): `directly_needs[step]` is the step whose hidden state
#   $h_{step}$ reads directly (an `int`), or `None` for step 1;
# - `depends_on` (a `dict`): `depends_on[step]` is the `list` of **all** earlier steps whose
#   words influence $h_{step}$, as `int`s in increasing order (`[]` for step 1).
#   Example: `depends_on[2] == [1]`.
#
# Then answer the classic question: can an RNN process "passed" before it has processed
# "assignments"? Set `passed_before_assignments` to `True` or `False` (a `bool`).

# %% nbgrader={"solution": true, "grade_id": "dependency_table"}
directly_needs = {}  # dict {step: int or None} for the steps 1..12, e.g. {1: None, 2: 1, ...}
depends_on = {}  # dict {step: list of ints in increasing order} for the steps 1..12, e.g. {1: [], 2: [1], ...}
passed_before_assignments = None  # True or False
### BEGIN SOLUTION
words = "The student who studied hard and completed all assignments passed the exam".split()
directly_needs = {step: (step - 1 if step > 1 else None) for step in range(1, len(words) + 1)}
depends_on = {step: list(range(1, step)) for step in range(1, len(words) + 1)}
passed_before_assignments = False
### END SOLUTION

# %%
# Try it: print your table
_sentence = "The student who studied hard and completed all assignments passed the exam".split()
for _step, _word in enumerate(_sentence, start=1):
    print(f"{_word:12s} step {_step:2d}  needs h_{directly_needs[_step]}  depends on {depends_on[_step]}")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_dependency_table_direct", "points": 1}
"""directly_needs: each step reads only the hidden state of the step just before it."""
import numbers
import numpy as np
assert isinstance(directly_needs, dict), f"directly_needs must be a dict {{step: step it reads}}, got {type(directly_needs).__name__}"
assert set(directly_needs) == set(range(1, 13)), f"directly_needs needs the int keys 1..12 (one per word), got the keys {list(directly_needs)}"
assert directly_needs[1] is None, f"'The' (step 1) needs no earlier hidden state: expected None, got {directly_needs[1]!r}"
assert directly_needs[2] == 1, f"'student' (step 2) reads h_1: expected 1, got {directly_needs[2]!r}"
### BEGIN HIDDEN TESTS
for _s in range(2, 13):
    assert directly_needs[_s] == _s - 1, f"step {_s} reads the hidden state h_{_s - 1} directly, you wrote {directly_needs[_s]!r}"
    assert isinstance(directly_needs[_s], numbers.Integral) and not isinstance(directly_needs[_s], (bool, np.bool_)), \
        f"write each step as an int, got {directly_needs[_s]!r} for step {_s}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_dependency_table_all", "points": 1}
"""depends_on: each hidden state depends on every earlier word, through the chain of states."""
assert isinstance(depends_on, dict), f"depends_on must be a dict {{step: list of steps}}, got {type(depends_on).__name__}"
assert set(depends_on) == set(range(1, 13)), f"depends_on needs the int keys 1..12 (one per word), got the keys {list(depends_on)}"
assert depends_on[1] == [] and depends_on[2] == [1], f"expected the lists depends_on[1] == [] and depends_on[2] == [1], got {depends_on[1]!r} and {depends_on[2]!r}"
### BEGIN HIDDEN TESTS
for _s in range(3, 13):
    assert sorted(depends_on[_s]) == list(range(1, _s)), (
        f"h_{_s} depends on the words of steps {list(range(1, _s))} (h_{_s - 1} carries all of them), you wrote {depends_on[_s]}")
    assert depends_on[_s] == list(range(1, _s)), f"depends_on[{_s}] must be a list in increasing order, got {depends_on[_s]!r}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_passed_before_assignments", "points": 1}
"""Can an RNN process 'passed' (step 10) before 'assignments' (step 9)?"""
import numpy as np
assert isinstance(passed_before_assignments, (bool, np.bool_)), f"answer True or False, got {passed_before_assignments!r}"
### BEGIN HIDDEN TESTS
assert not passed_before_assignments, "h_10 ('passed') is computed from h_9 ('assignments'): it has to wait"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 2 — the parallelisation challenge (2 points)
#
# **Theory hint.** Modern GPUs excel at parallel computation: thousands of operations at once,
# *as long as they do not depend on each other*.
#
# *Think: you have 12 GPUs, one per word of the sentence above. GPU $k$ computes the
# representation of word $k$, and a GPU can start only when everything its word depends on has
# been computed.* Answer with whole numbers:
# - `gpus_rnn`: the largest number of GPUs that can be busy **at the same time** when the
#   representation is the RNN's hidden state $h_k$;
# - `gpus_attention`: the same number when the representation is the output of one
#   self-attention layer, in which every word looks directly at all 12 input words (Part 2).

# %% nbgrader={"solution": true, "grade_id": "gpus"}
gpus_rnn = None  # a whole number from 1 to 12
gpus_attention = None  # a whole number from 1 to 12
### BEGIN SOLUTION
gpus_rnn = 1
gpus_attention = 12
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_gpus_rnn", "points": 1}
"""How many of the 12 GPUs can work at the same time on the RNN's hidden states?"""
import numpy as np
assert isinstance(gpus_rnn, (int, float, np.number)) and gpus_rnn == int(gpus_rnn) and 1 <= gpus_rnn <= 12, \
    f"gpus_rnn must be a whole number between 1 and 12, got {gpus_rnn!r}"
### BEGIN HIDDEN TESTS
assert gpus_rnn == 1, f"h_k needs h_(k-1): the 12 steps run one after another, so only 1 GPU is busy at a time (you wrote {gpus_rnn})"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_gpus_attention", "points": 1}
"""How many of the 12 GPUs can work at the same time on one self-attention layer?"""
import numpy as np
assert isinstance(gpus_attention, (int, float, np.number)) and gpus_attention == int(gpus_attention) and 1 <= gpus_attention <= 12, \
    f"gpus_attention must be a whole number between 1 and 12, got {gpus_attention!r}"
### BEGIN HIDDEN TESTS
assert gpus_attention == 12, f"each output of a self-attention layer needs only the inputs, not the other outputs: all 12 GPUs work at once (you wrote {gpus_attention})"
### END HIDDEN TESTS

# %% [markdown]
# **Discovery.** You have found the key limitation: an RNN's hidden states form a chain, so
# the time steps of one sequence run one after another, however much hardware you own.
# (You *can* keep many GPUs busy with many different sentences at once, or by splitting each
# step's matrix product — but the 12 steps of one sentence still wait for each other.)
# What if every word could look at **all** words at once instead?

# %% [markdown]
# ## 2. An RNN from scratch (~25 min)
#
# **Theory hint.** Shapes, with a batch of sequences first:
#
# | symbol | shape | meaning |
# |---|---|---|
# | $x_t$ | `(..., d_in)` | the input vector of step $t$ (e.g. a word embedding) |
# | $h_{t-1}$, $h_t$ | `(..., d_h)` | hidden state before and after step $t$ |
# | $W_{xh}$ | `(d_in, d_h)` | input-to-hidden weights |
# | $W_{hh}$ | `(d_h, d_h)` | hidden-to-hidden (recurrent) weights |
# | $b_h$ | `(d_h,)` | bias |
#
# The *same* weights are used at every step. This is the "Elman" RNN that
# `torch.nn.RNN(nonlinearity="tanh")` implements — PyTorch stores its weights transposed
# (`weight_hh_l0` is $W_{hh}^\top$, because it multiplies on the left) and has two biases whose
# sum plays the role of $b_h$. Unrolled through time, the recurrence is one chain of states
# (below; $y_t$ stands for whatever a model reads from $h_t$ — in this notebook, the state itself):
#
# ![An RNN unrolled through time. Each input x_t feeds the hidden state h_t, each h_t feeds the next state and an output y_t; the same weights W_xh and W_hh are used at every step, starting from a given h_0. Thick arrows mark the path a signal from word 1 travels to reach word T, one recurrent step at a time, and each state must wait for the one before it.](figures/rnn_unrolled.svg)
#
# ### Exercise 3 — one RNN step (4 points)

# %% nbgrader={"solution": true, "grade_id": "rnn_step"}
def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    """One step of a tanh RNN: h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h).

    Args:
        x_t: (..., d_in) input of this step (any leading batch dims).
        h_prev: (..., d_h) previous hidden state (same leading dims as x_t).
        W_xh: (d_in, d_h). W_hh: (d_h, d_h). b_h: (d_h,).
    Returns:
        np.ndarray (..., d_h): the new hidden state h_t (float64 when the inputs are float64).
    Example: x_t = [1.], h_prev = [0.5], W_xh = [[2.]], W_hh = [[1.]], b_h = [-1.]
        -> tanh(2 + 0.5 - 1) = tanh(1.5) = [0.9051]
    Hints: weights multiply on the right; with batch dims, x_t @ W_xh already works row by row.
    """
    ### BEGIN SOLUTION
    x_t, h_prev = np.asarray(x_t), np.asarray(h_prev)
    return np.tanh(x_t @ W_xh + h_prev @ W_hh + b_h)  # (..., d_h)
    ### END SOLUTION


# %%
# Try it
print(rnn_step(np.array([1.0]), np.array([0.5]), np.array([[2.0]]), np.array([[1.0]]), np.array([-1.0])))  # [0.9051]
_rng = np.random.default_rng(0)
print(rnn_step(_rng.normal(size=(2, 3)), np.zeros((2, 4)), _rng.normal(size=(3, 4)),
               _rng.normal(size=(4, 4)), np.zeros(4)).shape)  # (2, 4): batch of 2, d_h = 4

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rnn_step_shape", "points": 1}
"""rnn_step returns one hidden state per sequence: shape (..., d_h)."""
import numpy as np
_rng = np.random.default_rng(1)
_W_xh, _W_hh, _b = _rng.normal(size=(3, 4)), _rng.normal(size=(4, 4)), _rng.normal(size=4)
_h = rnn_step(_rng.normal(size=(5, 3)), _rng.normal(size=(5, 4)), _W_xh, _W_hh, _b)
assert isinstance(_h, np.ndarray), f"rnn_step must return a NumPy array (np.ndarray), got {type(_h).__module__}.{type(_h).__name__}"
assert np.shape(_h) == (5, 4), f"batch of 5, d_in = 3, d_h = 4: expected shape (5, 4), got {np.shape(_h)}"
assert _h.dtype == np.float64, f"float64 inputs must give a float64 result (keep NumPy's precision), got {_h.dtype}"
_h = rnn_step(_rng.normal(size=3), _rng.normal(size=4), _W_xh, _W_hh, _b)
assert np.shape(_h) == (4,), f"without a batch dimension: expected shape (4,), got {np.shape(_h)}"
### BEGIN HIDDEN TESTS
for _lead, _din, _dh in [((2, 3), 5, 7), ((6,), 1, 2), ((), 8, 3)]:
    _h = rnn_step(_rng.normal(size=_lead + (_din,)), _rng.normal(size=_lead + (_dh,)),
                  _rng.normal(size=(_din, _dh)), _rng.normal(size=(_dh, _dh)), _rng.normal(size=_dh))
    assert isinstance(_h, np.ndarray) and np.shape(_h) == _lead + (_dh,), \
        f"expected an np.ndarray of shape {_lead + (_dh,)} for d_in = {_din}, d_h = {_dh}, got {type(_h).__name__} of shape {np.shape(_h)}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rnn_step_recurrent_orientation", "points": 1}
"""The recurrent weights multiply on the right: h_prev @ W_hh, not W_hh @ h_prev."""
import numpy as np
_W_hh = np.array([[0.0, 0.5], [0.0, 0.0]])  # h_prev @ W_hh moves h_prev[0] into component 1
_h = np.asarray(rnn_step(np.zeros(2), np.array([1.0, 0.0]), np.zeros((2, 2)), _W_hh, np.zeros(2)))
assert np.allclose(_h, [0.0, np.tanh(0.5)]), (f"h_prev @ W_hh = [1, 0] @ W_hh = [0, 0.5], so h_t = tanh([0, 0.5]) = [0, 0.4621], got {_h}"
                                              + (" (you used W_hh.T or W_hh @ h_prev)" if np.allclose(_h, 0) else ""))
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(2)
for _lead, _dh in [((3,), 4), ((2, 5), 6)]:
    _hp, _W = 0.3 * _rng.normal(size=_lead + (_dh,)), 0.3 * _rng.normal(size=(_dh, _dh))
    _got = np.asarray(rnn_step(np.zeros(_lead + (3,)), _hp, _rng.normal(size=(3, _dh)), _W, np.zeros(_dh)), dtype=float)
    _ref = np.tanh(np.einsum("...i,ij->...j", _hp, _W))
    assert np.allclose(_got, _ref, rtol=1e-4, atol=1e-6), f"h_prev @ W_hh is wrong for h_prev of shape {_hp.shape} (transposed W_hh?)"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rnn_step_bias_and_tanh", "points": 1}
"""rnn_step adds the bias and squashes with tanh."""
import warnings
import numpy as np
_h = np.asarray(rnn_step(np.array([1.0]), np.array([0.5]), np.array([[2.0]]), np.array([[1.0]]), np.array([-1.0])))
_hint = {2.5: " (did you forget the bias?)", 1.5: " (did you forget the tanh?)"}
_key = next((k for k in _hint if np.allclose(_h, np.tanh(k)) or np.allclose(_h, k)), None)
assert np.allclose(_h, [np.tanh(1.5)]), f"tanh(1 * 2 + 0.5 * 1 - 1) = tanh(1.5) = 0.9051, got {_h}" + (_hint[_key] if _key else "")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(3)
_b = _rng.normal(size=5) * 2
_h = np.asarray(rnn_step(np.zeros((2, 3)), np.zeros((2, 5)), _rng.normal(size=(3, 5)), _rng.normal(size=(5, 5)), _b), dtype=float)
assert np.allclose(_h, np.tanh(_b)), "with zero input and zero state the new state must be tanh(b_h)"
for _scale, _dtype in [(100, np.float64), (1000, np.float64), (100, np.float32)]:
    _args = (_scale * _rng.normal(size=(4, 3)), np.ones((4, 5)), _rng.normal(size=(3, 5)), _rng.normal(size=(5, 5)), _b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _h = np.asarray(rnn_step(*(a.astype(_dtype) for a in _args)), dtype=float)
    assert np.all(np.abs(_h) <= 1.0) and np.all(np.isfinite(_h)), \
        f"tanh keeps every hidden unit in [-1, 1], even for huge {np.dtype(_dtype).name} inputs (a tanh built from exp overflows: use np.tanh)"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rnn_step_matches_torch", "points": 1}
"""rnn_step matches one step of torch.nn.RNN loaded with the same weights, for any batch shape."""
import numpy as np
import torch
_rng = np.random.default_rng(4)
_X, _H = _rng.normal(size=(3, 2)), _rng.normal(size=(3, 4))
_W_xh, _W_hh, _b = _rng.normal(size=(2, 4)), _rng.normal(size=(4, 4)), _rng.normal(size=4)
_batch = np.asarray(rnn_step(_X, _H, _W_xh, _W_hh, _b))
_rows = np.stack([np.asarray(rnn_step(_X[i], _H[i], _W_xh, _W_hh, _b)) for i in range(3)])
assert np.allclose(_batch, _rows), f"a batch must give the same states as its rows one by one:\n{_batch}\nvs\n{_rows}"
### BEGIN HIDDEN TESTS
def _torch_rnn(X, h0, W_xh, W_hh, b_h):
    """All hidden states of torch.nn.RNN (batch_first, tanh) with our weights; X (..., T, d_in)."""
    lead, (T, d_in), d_h = X.shape[:-2], X.shape[-2:], W_hh.shape[0]
    rnn = torch.nn.RNN(d_in, d_h, nonlinearity="tanh", batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(W_xh.T))
        rnn.weight_hh_l0.copy_(torch.from_numpy(W_hh.T))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b_h))
        rnn.bias_hh_l0.zero_()
        out, _ = rnn(torch.from_numpy(X.reshape(-1, T, d_in)), torch.from_numpy(h0.reshape(1, -1, d_h)))
    return out.numpy().reshape(lead + (T, d_h))
for _lead, _din, _dh in [((), 3, 5), ((4,), 6, 2), ((2, 3), 5, 7)]:
    _x, _hp = _rng.normal(size=_lead + (_din,)), _rng.normal(size=_lead + (_dh,))
    _W_xh, _W_hh, _b = _rng.normal(size=(_din, _dh)), _rng.normal(size=(_dh, _dh)) / np.sqrt(_dh), _rng.normal(size=_dh)
    _ref = _torch_rnn(_x[..., None, :], _hp, _W_xh, _W_hh, _b)[..., 0, :]
    _got = np.asarray(rnn_step(_x, _hp, _W_xh, _W_hh, _b), dtype=float)
    assert _got.shape == _ref.shape and np.allclose(_got, _ref, rtol=1e-4, atol=1e-6), \
        f"rnn_step differs from torch.nn.RNN for x_t {_x.shape}, h_prev {_hp.shape}, d_h = {_dh}"
    _got32 = np.asarray(rnn_step(*(a.astype(np.float32) for a in (_x, _hp, _W_xh, _W_hh, _b))), dtype=float)
    assert np.allclose(_got32, _ref, rtol=1e-4, atol=1e-5), "rnn_step is wrong for float32 inputs"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4 — the forward pass over a whole sequence (4 points)
#
# Run the recurrence over all $T$ steps and return **every** hidden state $h_1, \dots, h_T$
# (a sequence model needs one output per position, not just the last one). $h_0$ is the
# initial state you are given; it is *not* part of the output.

# %% nbgrader={"solution": true, "grade_id": "rnn_forward"}
def rnn_forward(X, h0, W_xh, W_hh, b_h):
    """All hidden states of a tanh RNN run over the sequence X.

    Args:
        X: (..., T, d_in) inputs x_1..x_T (any leading batch dims).
        h0: (..., d_h) initial hidden state (same leading dims as X).
        W_xh: (d_in, d_h). W_hh: (d_h, d_h). b_h: (d_h,).
    Returns:
        np.ndarray (..., T, d_h): H[..., t - 1, :] is h_t, for t = 1..T (h0 not included);
        float64 when the inputs are float64.
    Example: X of shape (2, 5, 3), h0 (2, 4), W_xh (3, 4) -> H of shape (2, 5, 4);
        H[..., 0, :] == rnn_step(X[..., 0, :], h0, W_xh, W_hh, b_h).
    Hints: a Python loop over t is fine (the recurrence is sequential: that is the point);
        np.stack(states, axis=-2) collects the states.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X)
    h = np.asarray(h0)
    states = []
    for t in range(X.shape[-2]):
        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)  # (..., d_h)
        states.append(h)
    return np.stack(states, axis=-2)  # (..., T, d_h)
    ### END SOLUTION


# %%
# Try it, then check your RNN against PyTorch's own torch.nn.RNN loaded with the same weights
_rng = np.random.default_rng(0)
_X, _W_xh, _W_hh, _b = _rng.normal(size=(2, 5, 3)), _rng.normal(size=(3, 4)), _rng.normal(size=(4, 4)) / 2, _rng.normal(size=4)
H_demo = rnn_forward(_X, np.zeros((2, 4)), _W_xh, _W_hh, _b)
print(H_demo.shape)  # (2, 5, 4)
print(H_demo[0])     # the 5 hidden states of the first sequence
torch_rnn = torch.nn.RNN(input_size=3, hidden_size=4, nonlinearity="tanh", batch_first=True).double()
with torch.no_grad():
    torch_rnn.weight_ih_l0.copy_(torch.from_numpy(_W_xh.T))  # PyTorch stores the weights transposed
    torch_rnn.weight_hh_l0.copy_(torch.from_numpy(_W_hh.T))
    torch_rnn.bias_ih_l0.copy_(torch.from_numpy(_b))           # its two biases add up to b_h
    torch_rnn.bias_hh_l0.zero_()
    H_torch, _ = torch_rnn(torch.from_numpy(_X))               # its h0 is zero by default
print("largest difference from torch.nn.RNN:", np.abs(H_demo - H_torch.numpy()).max())  # about 1e-16

# %% tags=["claim"]
assert np.abs(H_demo - H_torch.numpy()).max() < 1e-12, f"the comment says rnn_forward matches torch.nn.RNN to about 1e-16: {np.abs(H_demo - H_torch.numpy()).max():.1e}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rnn_forward_shape", "points": 1}
"""rnn_forward returns every hidden state h_1..h_T: an np.ndarray of shape (..., T, d_h)."""
import warnings
import numpy as np


def _rnn_step_problem():
    """None if your rnn_step (Exercise 3) passes three quick checks, else what is wrong with it.

    Defined here, used by this test and the next three, to tell you when a failure comes from Exercise 3.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            h = np.asarray(rnn_step(np.array([1.0]), np.array([0.5]), np.array([[2.0]]), np.array([[1.0]]), np.array([-1.0])), dtype=float)
            if not np.allclose(h, [np.tanh(1.5)]):
                return f"gives {h} for its docstring example instead of [0.9051]"
            h = np.asarray(rnn_step(np.zeros(2), np.array([1.0, 0.0]), np.zeros((2, 2)), np.array([[0.0, 0.5], [0.0, 0.0]]), np.zeros(2)), dtype=float)
            if not np.allclose(h, [0.0, np.tanh(0.5)]):
                return "does not compute h_prev @ W_hh (see test_rnn_step_recurrent_orientation)"
            if np.shape(rnn_step(np.ones((2, 3)), np.ones((2, 4)), np.ones((3, 4)), np.eye(4), np.zeros(4))) != (2, 4):
                return "gives the wrong shape for a batch (see test_rnn_step_shape)"
    except Exception as exc:
        return f"raises {type(exc).__name__}: {exc}"
    return None


_why = _rnn_step_problem()  # None if your rnn_step (Exercise 3) passes three quick checks
_rng = np.random.default_rng(5)
try:
    _H = rnn_forward(_rng.normal(size=(2, 5, 3)), np.zeros((2, 4)), _rng.normal(size=(3, 4)), _rng.normal(size=(4, 4)), np.zeros(4))
except Exception:
    assert _why is None, f"rnn_forward failed, and your rnn_step {_why}: fix Exercise 3 first"
    raise
_hint = {(2, 4): " (only the last state?)", (2, 6, 4): " (h0 must not be part of the output)", (5, 2, 4): " (time axis must be -2)"}
assert np.shape(_H) == (2, 5, 4) or _why is None, f"rnn_forward gives shape {np.shape(_H)}, and your rnn_step {_why}: fix Exercise 3 first"
assert np.shape(_H) == (2, 5, 4), f"batch 2, T = 5, d_h = 4: expected shape (2, 5, 4), got {np.shape(_H)}" + _hint.get(np.shape(_H), "")
assert isinstance(_H, np.ndarray), f"rnn_forward must return a NumPy array (np.ndarray), got {type(_H).__module__}.{type(_H).__name__}"
assert _H.dtype == np.float64, f"float64 inputs must give a float64 result (keep NumPy's precision), got {_H.dtype}"
### BEGIN HIDDEN TESTS
for _lead, _T, _din, _dh in [((), 6, 2, 3), ((3, 2), 4, 5, 7), ((1,), 1, 4, 2)]:
    _H = rnn_forward(_rng.normal(size=_lead + (_T, _din)), np.zeros(_lead + (_dh,)),
                     _rng.normal(size=(_din, _dh)), _rng.normal(size=(_dh, _dh)), np.zeros(_dh))
    assert isinstance(_H, np.ndarray) and np.shape(_H) == _lead + (_T, _dh), \
        f"expected an np.ndarray of shape {_lead + (_T, _dh)}, got {type(_H).__name__} of shape {np.shape(_H)}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rnn_forward_first_state", "points": 1}
"""The first output is h_1 = rnn_step(x_1, h0): the given h0 is used, and not returned."""
import numpy as np
_rnn_step_problem = globals().get("_rnn_step_problem", lambda: None)  # defined in test_rnn_forward_shape (no check if it has not run)
_why = _rnn_step_problem()  # None if your rnn_step (Exercise 3) passes three quick checks
assert _why is None or not _why.startswith("raises"), f"this test compares rnn_forward with your rnn_step, which {_why}: fix Exercise 3 first"
_rng = np.random.default_rng(6)
_X, _h0 = _rng.normal(size=(3, 4, 2)), _rng.normal(size=(3, 5))
_W_xh, _W_hh, _b = _rng.normal(size=(2, 5)), _rng.normal(size=(5, 5)), _rng.normal(size=5)
_H = np.asarray(rnn_forward(_X, _h0, _W_xh, _W_hh, _b))
_h1 = np.asarray(rnn_step(_X[:, 0], _h0, _W_xh, _W_hh, _b))
assert np.allclose(_H[:, 0], _h1), ("H[..., 0, :] must be h_1 = rnn_step(X[..., 0, :], h0, ...) with your rnn_step"
                                    + (" (you returned h0 first)" if np.allclose(_H[:, 0], _h0) else "")
                                    + (" (h0 was ignored: it must be the state before step 1)"
                                       if np.allclose(_H[:, 0], rnn_step(_X[:, 0], np.zeros_like(_h0), _W_xh, _W_hh, _b)) else ""))

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rnn_forward_is_causal", "points": 1}
"""h_t depends on x_1..x_t only; changing the first input changes the later states."""
import numpy as np
_rnn_step_problem = globals().get("_rnn_step_problem", lambda: None)  # defined in test_rnn_forward_shape (no check if it has not run)
_why = _rnn_step_problem()  # None if your rnn_step (Exercise 3) passes three quick checks
_rng = np.random.default_rng(7)
_X, _h0 = _rng.normal(size=(2, 8, 3)), np.zeros((2, 4))
_W = (_rng.normal(size=(3, 4)), 0.7 * _rng.normal(size=(4, 4)), _rng.normal(size=4))
_H = np.asarray(rnn_forward(_X, _h0, *_W))
_X2 = _X.copy()
_X2[:, 5:] += 10.0  # change steps 6, 7, 8 only
_H2 = np.asarray(rnn_forward(_X2, _h0, *_W))
assert np.allclose(_H[:, :5], _H2[:, :5]), "changing x_6..x_8 changed h_1..h_5: the RNN must not look into the future"
_X3 = _X.copy()
_X3[:, 0] += 1.0  # change step 1 only
_H3 = np.asarray(rnn_forward(_X3, _h0, *_W))
assert not np.allclose(_H[:, -1], _H3[:, -1]) or _why is None, f"changing x_1 did not change h_8, and your rnn_step {_why}: fix Exercise 3 first"
assert not np.allclose(_H[:, -1], _H3[:, -1]), "changing x_1 did not change h_8: each state must be computed from the previous one"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rnn_forward_matches_torch", "points": 1}
"""rnn_forward runs the whole recurrence: it matches torch.nn.RNN with the same weights (or, if your rnn_step is wrong, the recurrence of your rnn_step)."""
import numpy as np
import torch
_rnn_step_problem = globals().get("_rnn_step_problem", lambda: None)  # defined in test_rnn_forward_shape (no check if it has not run)
_why = _rnn_step_problem()  # None if your rnn_step (Exercise 3) passes three quick checks
assert _why is None or not _why.startswith("raises"), f"this test compares rnn_forward with your rnn_step, which {_why}: fix Exercise 3 first"
_rng = np.random.default_rng(8)
_X, _h0 = _rng.normal(size=(2, 6, 3)), _rng.normal(size=(2, 4))
_W_xh, _W_hh, _b = _rng.normal(size=(3, 4)), _rng.normal(size=(4, 4)) / 2, _rng.normal(size=4)
_H = np.asarray(rnn_forward(_X, _h0, _W_xh, _W_hh, _b))
for _t in range(1, 6):
    _step = np.asarray(rnn_step(_X[:, _t], _H[:, _t - 1], _W_xh, _W_hh, _b))
    assert np.allclose(_H[:, _t], _step), f"H[..., {_t}, :] must be rnn_step(X[..., {_t}, :], H[..., {_t - 1}, :], ...) with your rnn_step"
### BEGIN HIDDEN TESTS
def _torch_rnn(X, h0, W_xh, W_hh, b_h):
    """All hidden states of torch.nn.RNN (batch_first, tanh) with our weights; X (..., T, d_in)."""
    lead, (T, d_in), d_h = X.shape[:-2], X.shape[-2:], W_hh.shape[0]
    rnn = torch.nn.RNN(d_in, d_h, nonlinearity="tanh", batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(W_xh.T))
        rnn.weight_hh_l0.copy_(torch.from_numpy(W_hh.T))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b_h))
        rnn.bias_hh_l0.zero_()
        out, _ = rnn(torch.from_numpy(X.reshape(-1, T, d_in)), torch.from_numpy(h0.reshape(1, -1, d_h)))
    return out.numpy().reshape(lead + (T, d_h))
for _lead, _T, _din, _dh in [((), 7, 3, 5), ((4,), 9, 6, 2), ((2, 3), 5, 4, 7), ((1,), 1, 2, 3)]:
    _X, _h0 = _rng.normal(size=_lead + (_T, _din)), _rng.normal(size=_lead + (_dh,))
    _W_xh, _W_hh, _b = _rng.normal(size=(_din, _dh)), 1.5 * _rng.normal(size=(_dh, _dh)) / np.sqrt(_dh), _rng.normal(size=_dh)
    _ref = _torch_rnn(_X, _h0, _W_xh, _W_hh, _b)
    _got = np.asarray(rnn_forward(_X, _h0, _W_xh, _W_hh, _b), dtype=float)
    _got32 = np.asarray(rnn_forward(*(a.astype(np.float32) for a in (_X, _h0, _W_xh, _W_hh, _b))), dtype=float)
    if _why is not None:  # credit for a right recurrence built on a wrong rnn_step
        _h, _own = _h0, []
        for _t in range(_T):
            _h = np.asarray(rnn_step(_X[..., _t, :], _h, _W_xh, _W_hh, _b), dtype=float)
            _own.append(_h)
        _ref = np.stack(_own, axis=-2)
    assert _got.shape == _ref.shape and np.allclose(_got, _ref, rtol=1e-4, atol=1e-6), \
        (f"rnn_forward differs from torch.nn.RNN for X {_X.shape}, h0 {_h0.shape}, d_h = {_dh}" if _why is None else
         f"rnn_forward is not the recurrence of your rnn_step for X {_X.shape}, and your rnn_step {_why}: fix Exercise 3 first")
    assert np.allclose(_got32, _ref, rtol=1e-4, atol=1e-4), "rnn_forward is wrong for float32 inputs"
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The cost of sequential processing, measured (~15 min)
#
# **Theory hint.** If positions did not depend on each other, all of them could be computed
# at once by one big matrix product. Even a single CPU core runs one big product far faster
# than many small ones: every call pays a fixed overhead (Python, NumPy's dispatch), and a big
# product keeps the core's vector units and caches busy. A GPU adds thousands of cores that
# only big, independent pieces of work can use. Think about how many operations you could do
# at once if they did not depend on each other!
#
# Vaswani et al. (2017, Table 1) compare layer types by three numbers, for sequence length
# $n$ and representation size $d$:
#
# | layer type | work (complexity per layer) | sequential operations | maximum path length |
# |---|---|---|---|
# | self-attention | $O(n^2 \cdot d)$ | $O(1)$ | $O(1)$ |
# | recurrent | $O(n \cdot d^2)$ | $O(n)$ | $O(n)$ |
# | convolutional (kernel $k$) | $O(k \cdot n \cdot d^2)$ | $O(1)$ | $O(\log_k n)$ |
#
# Self-attention does **not** do less work: it does *more* than an RNN as soon as $n > d$. What
# it removes is the chain of $n$ sequential operations. Let's measure what that is worth.
#
# Below, your `rnn_forward` (T sequential steps) runs against two computations done in one go:
# - **same work, one product** (no chain): the same arithmetic as the loop, `X @ W_xh + X @ W_hh` (with the
#   inputs standing in for the states) and the tanh, for all steps at once — what an RNN would
#   cost if its steps did not depend on each other;
# - **attention-style:** the two big products of self-attention, $(XX^\top)X$ (scores, then the
#   weighted sum; the softmax is left out — you build it in Part 2): one step, $O(T^2 d)$ work.
#
# So that the numbers do not depend on what else runs on the machine, NumPy is held to **one
# thread** and we measure the **CPU time** of that thread (`time.thread_time`), taking the
# median of 7 runs. Everything below therefore runs on one core: no parallel hardware helps
# any of the three.

# %%
d = 32
_rng = np.random.default_rng(0)
W_xh_bench, W_hh_bench, b_bench = _rng.normal(size=(d, d)) / 6, _rng.normal(size=(d, d)) / 6, np.zeros(d)
lengths = [16, 32, 64, 128, 256, 512, 1024, 2048]


def median_time(fn, repeats=7):
    """Median CPU time of `repeats` runs of fn(), in seconds (CPU time of this thread only)."""
    times = []
    for _ in range(repeats):
        start = time.thread_time()
        fn()
        times.append(time.thread_time() - start)
    return statistics.median(times)


timings = {"RNN loop (your rnn_forward)": [], "same work, one product": [], "attention-style (X Xᵀ) X": []}
with threadpool_limits(limits=1):  # one BLAS thread: a fair, repeatable comparison
    for T in lengths:
        X_bench = _rng.normal(size=(T, d))
        timings["RNN loop (your rnn_forward)"].append(median_time(lambda: rnn_forward(X_bench, np.zeros(d), W_xh_bench, W_hh_bench, b_bench)))
        timings["same work, one product"].append(median_time(lambda: np.tanh(X_bench @ W_xh_bench + X_bench @ W_hh_bench + b_bench)))
        timings["attention-style (X Xᵀ) X"].append(median_time(lambda: (X_bench @ X_bench.T) @ X_bench))
loop_ms, product_ms, attention_ms = (1e3 * np.array(ts) for ts in timings.values())

flops = {"RNN (T steps)": [4 * T * d * d for T in lengths], "attention (1 step)": [4 * T * T * d for T in lengths]}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for (name, ts), style in zip(timings.items(), ("o-", "s--", "^:")):
    axes[0].loglog(lengths, 1e3 * np.array(ts), style, label=name)
axes[0].set(xlabel="sequence length T", ylabel="CPU time, one thread (ms)", title=f"Measured time, d = {d}")
for (name, f), style in zip(flops.items(), ("o-", "^:")):
    axes[1].loglog(lengths, f, style, label=name)
axes[1].axvline(d, color="gray", ls=":", label="T = d")
axes[1].set(xlabel="sequence length T", ylabel="floating-point operations", title="Work: T·d² vs T²·d")
for ax in axes:
    ax.set_xscale("log", base=2)
    ax.set_xticks(lengths, [str(T) for T in lengths])
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
for i, T in enumerate(lengths):
    print(f"T = {T:4d}: RNN loop {loop_ms[i]:7.3f} ms ({T} sequential steps), "
          f"same work at once {product_ms[i]:6.3f} ms ({loop_ms[i] / product_ms[i]:4.1f}x faster), "
          f"attention-style {attention_ms[i]:7.3f} ms (1 step)")

# %% [markdown]
# **Figure.** Left: measured CPU time (one thread, median of 7 runs, logarithmic axes) against the
# sequence length $T$ = 16 to 2048 for your RNN loop (circles), the same work in one product
# (squares, dashed) and the attention-style products (triangles, dotted). Right: the
# floating-point operations of an RNN ($4Td^2$, circles) and of the attention-style products
# ($4T^2d$, triangles), which cross at $T = d = 32$ (dotted vertical line).

# %% tags=["claim"]
assert np.all(loop_ms > 3 * product_ms), f"the model answer says the loop is many (> 3) times slower than the same work in one product at every T: loop/product = {np.round(loop_ms / product_ms, 1)}"
_growth = (loop_ms[-1] / loop_ms[0]) / (lengths[-1] / lengths[0])
assert 0.5 < _growth < 2, f"the model answer says the loop's time grows in proportion to T: time ratio / length ratio = {_growth:.2f}, expected about 1"
assert attention_ms[-1] / attention_ms[-3] > 8, f"the model answer says the attention-style time grows about like T^2 (x16 for 4x longer): got x{attention_ms[-1] / attention_ms[-3]:.1f} from T = {lengths[-3]} to {lengths[-1]}"
assert attention_ms[0] < loop_ms[0] / 4, f"the model answer says attention-style is far faster than the loop for short sequences: {attention_ms[0]:.4f} ms vs loop {loop_ms[0]:.4f} ms at T = {lengths[0]}"
assert attention_ms[-1] > 2 * loop_ms[-1], f"the model answer says attention-style is slower than the loop at the longest T: {attention_ms[-1]:.2f} ms vs loop {loop_ms[-1]:.2f} ms at T = {lengths[-1]}"

# %% [markdown]
# ### Question — what does the timing plot show? (2 points, graded by hand)
# A popular claim: "a 100-word sequence takes an RNN 100 sequential steps and a transformer
# 1 parallel step, so the transformer is 100 times faster." Using your measurements: (a) how do
# the RNN loop and the "same work, one product" curves compare, and what explains the gap?
# (b) How does the attention-style curve grow with $T$, and why? How does it compare with the
# loop for short and for long sequences? (c) Is "100× faster" right? What does attention
# really save, and what does it cost?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_timing_plot", "points": 2}
# **Model answer.** (a) Both do the same arithmetic ($O(T d^2)$), yet the loop is many times
# slower at every length (the printout gives the factor) and its time grows in proportion
# to $T$: it makes $T$ small dependent calls, each paying Python and NumPy overhead and too
# small to keep the core's vector units busy, and step $t$ must wait for step $t-1$. The single
# product does the same work in one large call — on one thread here; on parallel hardware (a
# GPU) the gap would be far larger, because only the independent version can use it.
# (b) The attention-style product does $O(T^2 d)$ work, so its time grows roughly
# quadratically once $T$ is large (4× longer, about 16× slower). For short sequences it is far
# faster than the loop (one call instead of $T$); beyond $T = d$ it does more arithmetic than
# the RNN, and at the longest lengths it is slower than the loop on this single thread.
# (c) No: what attention removes is the chain of $T$ *sequential* operations ($O(n)$ → $O(1)$,
# Vaswani et al. Table 1), not work. The wall-time gain depends on how much parallel hardware
# there is to absorb the $O(n^2 d)$ work, and on $n$ vs $d$; it is not simply 100×. (Also, a
# transformer that *generates* text still produces one token after another.)
# *Full marks:* loop vs one product explained by sequential small steps (1 pt); attention grows
# ~T², trades more work for O(1) sequential steps, so "100× faster" is wrong (1 pt).

# %% [markdown]
# ## 4. Vanishing and exploding gradients (~30 min)
#
# **Theory hint.** To learn that word 1 matters for the prediction at word $T$, training must
# send a gradient from $h_T$ back to $h_1$. By the chain rule it is a product of one Jacobian
# per step:
#
# $$\frac{\partial h_T}{\partial h_t} = \prod_{k=t+1}^{T} \frac{\partial h_k}{\partial h_{k-1}},
#   \qquad \frac{\partial h_k}{\partial h_{k-1}} = \operatorname{diag}\!\left(1 - h_k^2\right) W_{hh}^\top$$
#
# (with $h_k$ as a column vector; $1 - h_k^2$ is the derivative of tanh). A product of $T-t$
# matrices behaves like a power: if $W_{hh}$ shrinks vectors, the gradient **vanishes**
# exponentially with the distance $T - t$; if it stretches them, the gradient can **explode**.
# Bengio, Simard & Frasconi (1994) showed that this makes long-term dependencies hard to learn
# with gradient descent. Pascanu, Mikolov & Bengio (2013) made it precise: since
# $|\tanh'| \le 1$, $\lVert \partial h_k/\partial h_{k-1} \rVert \le \sigma_{\max}(W_{hh})$, so if
# the largest singular value $\sigma_{\max}(W_{hh}) < 1$ the gradients *must* vanish; it must be
# $> 1$ for them to be able to explode (necessary, not sufficient).
#
# In this section $W_{hh} = \rho\, Q$ with $Q$ orthogonal: its spectral radius (largest
# $|\text{eigenvalue}|$) and its largest singular value are then both exactly $\rho$.
#
# **Real-world example.** Compound interest: 0.9 to the power 50 is 0.005, 1.1 to the power 50
# is 117. Over many steps, anything a little below 1 disappears and anything a little above 1
# blows up.
#
# ### Exercise 5 — measure $\lVert \partial h_T / \partial h_t \rVert$ with autograd (3 points)
#
# Run the recurrence in PyTorch and let autograd compute the Jacobians. Here `X` holds the
# inputs **already projected** (the $x_t W_{xh} + b_h$ of each step), so the recurrence is
# $h_t = \tanh(X[t-1] + h_{t-1} W_{hh})$ with $h_0 = 0$.
#
# Two ways to get every $\partial h_T / \partial h_t$:
# - call `h.retain_grad()` on every state (start from an $h_0$ with `requires_grad=True`), then
#   for each component $i$ of $h_T$ call `h_T[i].backward(retain_graph=True)`: `h_t.grad` is then
#   row $i$ of the Jacobian $\partial h_T / \partial h_t$ (reset the `.grad`s between components);
# - or add a zero tensor `E[t]` to each state and take
#   `torch.autograd.functional.jacobian` of $h_T$ with respect to `E`.
#
# Use the **Frobenius norm** $\lVert J \rVert_F = \sqrt{\sum_{ij} J_{ij}^2}$ of each
# $d_h \times d_h$ Jacobian.

# %% nbgrader={"solution": true, "grade_id": "hidden_grad_norms"}
def hidden_grad_norms(W_hh, X):
    """Frobenius norms of the Jacobians d h_T / d h_t of a tanh RNN, for every t, via autograd.

    The RNN is h_t = tanh(X[t - 1] + h_{t-1} @ W_hh) for t = 1..T, with h_0 = 0; X holds the
    already-projected inputs (x_t @ W_xh + b_h of each step).

    Args:
        W_hh: (d_h, d_h) recurrent weights (NumPy array or tensor, float32 or float64).
        X: (T, d_h) projected inputs, one row per step, no batch dimension (NumPy array or tensor).
    Returns:
        np.ndarray of shape (T,), dtype float64: entry k (0-based) is || d h_T / d h_{k+1} ||_F, i.e. the
        norm of the gradient path from the last state back to the state of step k + 1. The
        last entry is || d h_T / d h_T ||_F = || I ||_F = sqrt(d_h); far-back entries come first.
        Computed in float64 whatever the inputs' dtype: far-back norms can be as small as 1e-50,
        which float32 (smallest number about 1e-45) would round to 0.
    Example: d_h = 1, W_hh = [[w]], T = 2: entry 0 = |w * (1 - h_2 ** 2)|, entry 1 = 1.
    Hints: work in float64 (torch.as_tensor(np.asarray(W_hh, dtype=float))); h.retain_grad();
        h_T[i].backward(retain_graph=True); torch.linalg.norm.
    """
    ### BEGIN SOLUTION
    W_hh = torch.as_tensor(np.asarray(W_hh, dtype=np.float64))
    X = torch.as_tensor(np.asarray(X, dtype=np.float64))
    T, d_h = X.shape
    h = torch.zeros(d_h, dtype=torch.float64, requires_grad=True)  # h_0
    states = []
    for t in range(T):
        h = torch.tanh(X[t] + h @ W_hh)  # (d_h,) = h_{t+1}
        h.retain_grad()
        states.append(h)
    squares = np.zeros(T)
    for i in range(d_h):  # one backward pass per row of the Jacobians
        for s in states:
            s.grad = None
        states[-1][i].backward(retain_graph=True)
        squares += np.array([float((s.grad ** 2).sum()) for s in states])
    return np.sqrt(squares)  # (T,)
    ### END SOLUTION


# %%
# Try it: a rotation scaled by 0.5, no inputs -> each step back halves the norm
_R = 0.5 * np.array([[0.0, -1.0], [1.0, 0.0]])
print(hidden_grad_norms(_R, np.zeros((4, 2))))  # [0.1768 0.3536 0.7071 1.4142]: sqrt(2) * 0.5 ** (3, 2, 1, 0)

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_grad_norms_shape_and_last", "points": 1}
"""One norm per step, as a float np.ndarray; the last one is ||d h_T / d h_T||_F = ||I||_F = sqrt(d_h)."""
import numpy as np
_rng = np.random.default_rng(9)
_raw = hidden_grad_norms(_rng.normal(size=(3, 3)) / 2, _rng.normal(size=(6, 3)))
assert isinstance(_raw, np.ndarray) and _raw.dtype == np.float64, \
    f"return a float64 NumPy array (np.ndarray, e.g. tensor.double().numpy() or np.array(list_of_floats)), got {type(_raw).__module__}.{type(_raw).__name__}" \
    + (f" of dtype {_raw.dtype}" if hasattr(_raw, "dtype") else "")
_g = np.asarray(_raw, dtype=float)
assert _g.shape == (6,), f"T = 6 steps: expected 6 norms, shape (6,), got {_g.shape}"
assert np.isclose(_g[-1], np.sqrt(3)), (f"the last entry is the Frobenius norm of the 3 x 3 identity, sqrt(3) = 1.732, got {_g[-1]}"
                                        + (" (spectral norm instead of Frobenius?)" if np.isclose(_g[-1], 1) else "")
                                        + (" (is the array reversed? far-back steps come first)" if np.isclose(_g[0], np.sqrt(3)) else ""))
### BEGIN HIDDEN TESTS
for _T, _dh in [(1, 4), (5, 2), (9, 6)]:
    _raw = hidden_grad_norms(_rng.normal(size=(_dh, _dh)), 2 * _rng.normal(size=(_T, _dh)))
    assert isinstance(_raw, np.ndarray) and _raw.dtype == np.float64, f"return a float64 np.ndarray, got {type(_raw).__name__} {getattr(_raw, 'dtype', '')}"
    _g = np.asarray(_raw, dtype=float)
    assert _g.shape == (_T,) and np.isclose(_g[-1], np.sqrt(_dh)), f"T = {_T}, d_h = {_dh}: last entry must be sqrt(d_h), got {_g}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_grad_norms_linear_regime", "points": 1}
"""With zero inputs and W_hh = rho * orthogonal, the norm shrinks or grows like rho ** (T - t)."""
import numpy as np
_R = 0.5 * np.array([[0.0, -1.0], [1.0, 0.0]])  # a rotation scaled by 0.5
_g = np.asarray(hidden_grad_norms(_R, np.zeros((4, 2))), dtype=float)
_expected = np.sqrt(2) * 0.5 ** np.array([3, 2, 1, 0])
assert _g.shape == (4,), f"T = 4 steps: expected 4 norms, got shape {_g.shape}: fix the shape first (see test_grad_norms_shape_and_last)"
assert np.allclose(_g, _expected), (f"h stays 0, so d h_T / d h_t = (W_hh^T)^(T-t): expected {_expected}, got {_g}"
                                    + (" (reversed order, or d h_t / d h_1 instead of d h_T / d h_t?)" if np.allclose(_g, _expected[::-1]) else ""))
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(10)
for _T, _dh, _rho in [(7, 3, 0.6), (6, 5, 1.4), (3, 4, 1.0)]:
    _Q, _ = np.linalg.qr(_rng.normal(size=(_dh, _dh)))
    _g = np.asarray(hidden_grad_norms(_rho * _Q, np.zeros((_T, _dh))), dtype=float)
    _ref = np.sqrt(_dh) * _rho ** np.arange(_T - 1, -1, -1)
    assert np.allclose(_g, _ref, rtol=1e-4), f"T = {_T}, d_h = {_dh}, rho = {_rho}: expected sqrt(d_h) * rho ** (T - t), got {_g}"
_Q, _ = np.linalg.qr(_rng.normal(size=(3, 3)))
_g = np.asarray(hidden_grad_norms(0.3 * _Q, np.zeros((100, 3))), dtype=float)
_ref = np.sqrt(3) * 0.3 ** np.arange(99, -1, -1)
assert np.allclose(_g, _ref, rtol=1e-4, atol=0), \
    f"T = 100, rho = 0.3: the far-back norms (about {_ref[0]:.1e}) must not underflow to 0 (got {_g[0]:.1e}): work in float64, float32 stops near 1e-45"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_grad_norms_match_reference", "points": 1}
"""hidden_grad_norms gives the true Jacobian norms with inputs (tanh saturation included)."""
import warnings
import numpy as np
import torch
_w, _x = 0.8, np.array([[0.5], [-0.3]])  # d_h = 1, T = 2
_h2 = np.tanh(_x[1, 0] + 0.8 * np.tanh(_x[0, 0]))
_g = np.asarray(hidden_grad_norms(np.array([[_w]]), _x), dtype=float)
assert _g.shape == (2,), f"T = 2 steps: expected 2 norms, got shape {_g.shape}: fix the shape first (see test_grad_norms_shape_and_last)"
assert np.allclose(_g, [abs(_w * (1 - _h2 ** 2)), 1.0]), (f"d_h = 1: d h_2 / d h_1 = w * (1 - h_2^2) = {_w * (1 - _h2 ** 2):.4f}, "
                                                          f"d h_2 / d h_2 = 1, expected {[round(_w * (1 - _h2 ** 2), 4), 1.0]}, got {_g}")
### BEGIN HIDDEN TESTS
def _ref_norms(W, X):
    """Frobenius norms of prod_k diag(1 - h_k^2) W^T, from h_T back to every h_t."""
    T, dh = X.shape
    h, hs = np.zeros(dh), []
    for t in range(T):
        h = np.tanh(X[t] + h @ W)
        hs.append(h)
    J, out = np.eye(dh), np.empty(T)
    out[T - 1] = np.sqrt(dh)
    for t in range(T - 1, 0, -1):
        J = J @ (np.diag(1 - hs[t] ** 2) @ W.T)
        out[t - 1] = np.linalg.norm(J)
    return out
_rng = np.random.default_rng(11)
for _T, _dh, _scale in [(8, 3, 1.0), (5, 6, 0.5), (12, 4, 2.0)]:
    _W = _scale * _rng.normal(size=(_dh, _dh)) / np.sqrt(_dh) + np.triu(np.ones((_dh, _dh)), 1)  # far from symmetric
    _X = _rng.normal(size=(_T, _dh))
    _g = np.asarray(hidden_grad_norms(_W, _X), dtype=float)
    assert np.allclose(_g, _ref_norms(_W, _X), rtol=1e-4, atol=1e-8), \
        f"T = {_T}, d_h = {_dh}: wrong norms (transposed W_hh? gradient of the sum of h_T? wrong tensor?)"
    _g32 = np.asarray(hidden_grad_norms(_W.astype(np.float32), _X.astype(np.float32)), dtype=float)
    assert np.allclose(_g32, _ref_norms(_W, _X), rtol=1e-3, atol=1e-6), "hidden_grad_norms is wrong for float32 inputs"
_W, _X = torch.tensor(_W), torch.tensor(_X)
try:
    with warnings.catch_warnings():  # e.g. torch.tensor(a_tensor) warns; a warning must not cost the point
        warnings.simplefilter("ignore")
        _g = np.asarray(hidden_grad_norms(_W, _X), dtype=float)
except Exception as _exc:
    raise AssertionError(f"the docstring allows W_hh and X as torch tensors, but hidden_grad_norms(tensor, tensor) "
                         f"raised {type(_exc).__name__}: {_exc}") from None
assert np.allclose(_g, _ref_norms(_W.numpy(), _X.numpy()), rtol=1e-4), "hidden_grad_norms gives wrong norms for torch tensor inputs"
### END HIDDEN TESTS

# %% [markdown]
# ### Discovery — three spectral radii, two kinds of inputs
#
# Left: zero inputs, so every $h_t = 0$ and tanh works in its linear region
# ($\tanh'(0) = 1$); the dashed lines are $\sqrt{d_h}\,\rho^{T-t}$. Right: ordinary inputs
# (standard deviation 0.5), where the hidden units spend time in tanh's flat tails.

# %%
T_grad, d_h_grad = 50, 8
Q_grad, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(d_h_grad, d_h_grad)))
inputs = {"zero inputs (linear regime)": np.zeros((T_grad, d_h_grad)),
          "inputs with std 0.5 (tanh saturates)": 0.5 * np.random.default_rng(2).normal(size=(T_grad, d_h_grad))}
steps = np.arange(1, T_grad + 1)
grad_curves = {}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for ax, (title, X_grad) in zip(axes, inputs.items()):
    for rho, marker in zip((0.8, 1.0, 1.2), "os^"):
        g = hidden_grad_norms(rho * Q_grad, X_grad)
        grad_curves[(title, rho)] = g
        line, = ax.semilogy(steps, g, marker=marker, markevery=7, label=f"ρ = {rho}")
        if not X_grad.any():
            ax.semilogy(steps, np.sqrt(d_h_grad) * rho ** (T_grad - steps), "--", color=line.get_color(), lw=0.8)
    ax.set(xlabel="step t", ylabel="‖∂h_T / ∂h_t‖_F (log scale)", title=title)
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
for (title, rho), g in grad_curves.items():
    print(f"{title:38s} rho = {rho}: ||dh_T/dh_1|| = {g[0]:9.2e}, ||dh_T/dh_T|| = {g[-1]:.3f}")

# %% [markdown]
# **Figure.** $\lVert \partial h_T / \partial h_t \rVert_F$ against the step $t$ (logarithmic
# vertical axis, $T = 50$, $d_h = 8$) for $\rho = 0.8$ (circles), $1.0$ (squares) and $1.2$
# (triangles): on the left with zero inputs, each curve lying on its thin dashed line
# $\sqrt{d_h}\,\rho^{T-t}$; on the right with inputs of standard deviation 0.5. The printout
# under the plot gives every curve's value at $t = 1$ and $t = T$.

# %% tags=["claim"]
_lin, _sat = "zero inputs (linear regime)", "inputs with std 0.5 (tanh saturates)"
assert 3e-5 < grad_curves[(_lin, 0.8)][0] < 8e-5, f"the model answer says sqrt(8) * 0.8^49 = 5e-5 at t = 1, got {grad_curves[(_lin, 0.8)][0]:.2e}"
assert np.allclose(grad_curves[(_lin, 1.0)], np.sqrt(8)), f"the model answer says the rho = 1 curve stays at sqrt(8), got {grad_curves[(_lin, 1.0)][[0, -1]]}"
assert 1.5e4 < grad_curves[(_lin, 1.2)][0] < 3e4, f"the model answer says sqrt(8) * 1.2^49 = 2e4 at t = 1, got {grad_curves[(_lin, 1.2)][0]:.2e}"
for _rho in (0.8, 1.0, 1.2):
    _far = grad_curves[(_sat, _rho)][0]
    assert _far < 1e-2 and _far < grad_curves[(_lin, _rho)][0] / 100, f"the model answer says with inputs the gradient vanishes for every rho (also 1.2): rho = {_rho}, ||dh_T/dh_1|| = {_far:.2e}"

# %% [markdown]
# **Fixing the symptoms.** Exploding gradients have a cheap fix: **gradient clipping**, which
# caps the size of the gradient before each update. Mikolov (2012) limited each component of
# the gradient to a fixed range; Pascanu, Mikolov & Bengio (2013) proposed and analysed
# clipping by the **norm**: if the whole gradient's norm exceeds a threshold $c$, rescale it to
# norm $c$, keeping its direction (`torch.nn.utils.clip_grad_norm_` in PyTorch; the optional
# section at the end compares the two). Vanishing gradients have no such fix: scaling the
# gradient up does not help, because the contribution of distant steps is swamped by that of
# nearby steps in the same gradient. The LSTM (Hochreiter & Schmidhuber, 1997) eases vanishing
# with an additive cell state through which error can flow almost unchanged over many steps —
# but it is still a chain of $n$ sequential steps, with a path of $n - 1$ steps between the
# first and the last word.

# %% [markdown]
# ### Question — three curves (2 points, graded by hand)
# Explain the three curves of the **left** panel (why straight lines on a log scale, and why
# down, flat and up), then what changes in the **right** panel and why — in particular for
# $\rho = 1.2$. What does this mean for learning a dependency between word 1 and word 50?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_gradient_curves", "points": 2}
# **Model answer.** Left: with $h_t = 0$ every Jacobian is $W_{hh}^\top = \rho Q^\top$, so
# $\partial h_T/\partial h_t = \rho^{T-t} (Q^\top)^{T-t}$ and its Frobenius norm is
# $\sqrt{d_h}\,\rho^{T-t}$: a straight line on a log scale whose slope is $\log \rho$. It
# vanishes for $\rho = 0.8$ ($\sqrt{8}\cdot 0.8^{49} \approx 5\cdot10^{-5}$ at $t = 1$), stays at
# $\sqrt{8}$ for $\rho = 1$ (orthogonal matrices preserve norms), and explodes for $\rho = 1.2$
# ($\sqrt{8}\cdot 1.2^{49} \approx 2\cdot10^{4}$). Right: every Jacobian now also contains $\operatorname{diag}(1 - h_k^2)$,
# whose entries are below 1 wherever tanh is away from 0; with $\rho = 1.2$ the states grow
# until tanh saturates, the derivatives become small, and the gradient vanishes too
# ($\sigma_{\max} > 1$ is necessary for exploding, not sufficient — Pascanu et al. 2013). So the
# signal from word 50 back to word 1 is either ~0 (the dependency is practically invisible to
# gradient descent, Bengio et al. 1994) or huge (unstable training, needs clipping).
# *Full marks:* the ρ^(T−t) product explained for the three cases (1 pt); saturation
# (tanh′ < 1) makes even ρ > 1 vanish, and the consequence for long dependencies (1 pt).

# %% [markdown]
# ## 5. Long-range dependencies (~20 min)
#
# **Theory hint.** In an RNN, information must pass through all intermediate steps. In a
# transformer, any word can attend to any other word directly, which makes long-range
# dependencies much easier to capture. The **path length** between two positions is the
# number of steps a signal must travel from one to the other (Vaswani et al. §4 and Table 1:
# the maximum path length is $O(n)$ for recurrent layers, $O(1)$ for self-attention). The
# shorter the path, the fewer Jacobians are multiplied, and the less the signal can vanish.
#
# **Real-world example.** "The **keys** to the cabinet that my grandmother left me when she
# moved to Lisbon last year **are** on the table": the verb must agree with "keys", 16 words
# back ("keys" is word 2, "are" word 18: 16 recurrent steps, with 15 words in between).
# Predicting the last word of a long sentence needs exactly this kind of memory.
#
# ### Exercise 6 — path lengths (4 points)
#
# Count steps, not states: the path length between positions $i$ and $j$ is
# - for an RNN, the number of recurrent transitions $h \to h$ between them;
# - for one self-attention layer, the number of attention hops.
#
# Both are symmetric in $i$ and $j$ (as in Vaswani et al., who count paths "between any two
# input and output positions"; a signal — or a gradient — may travel either way), and both are
# **0 when $i = j$**: nothing has to travel. Positions are integers, numbered like "word 1" and
# "word 100" above (any numbering works, only the distance matters). Return an `int`.

# %% nbgrader={"solution": true, "grade_id": "path_lengths"}
def rnn_path_length(i, j):
    """Number of recurrent steps between positions i and j of an RNN.

    Args: i, j: ints (positions). Returns: int >= 0, symmetric in i and j, 0 if i == j.
    Example: rnn_path_length(1, 3) == 2 (h_1 -> h_2 -> h_3).
    """
    ### BEGIN SOLUTION
    return abs(int(j) - int(i))
    ### END SOLUTION


def attention_path_length(i, j):
    """Number of attention hops between positions i and j in one self-attention layer.

    Args: i, j: ints (positions). Returns: int >= 0, symmetric in i and j, 0 if i == j.
    """
    ### BEGIN SOLUTION
    return 0 if i == j else 1
    ### END SOLUTION


# %%
# Try it: how many steps for word 1 to influence word 100?
print("RNN:", rnn_path_length(1, 100), "steps;  attention:", attention_path_length(1, 100), "hop(s)")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rnn_path_length_word1_to_word100", "points": 1}
"""In an RNN, word 1 reaches word 100 after 99 recurrent steps."""
import numbers
import numpy as np
_p = rnn_path_length(1, 100)
assert _p == 99, f"h_1 -> h_2 -> ... -> h_100 is 99 transitions, got {_p}" + (" (count steps, not states)" if _p == 100 else "")
assert isinstance(_p, numbers.Integral) and not isinstance(_p, (bool, np.bool_)), f"return an int, got {_p!r} ({type(_p).__name__})"
### BEGIN HIDDEN TESTS
for _i, _j in [(1, 2), (3, 10), (0, 511), (17, 4000)]:
    assert rnn_path_length(_i, _j) == _j - _i, f"rnn_path_length({_i}, {_j}) should be {_j - _i}, got {rnn_path_length(_i, _j)}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rnn_path_length_symmetric_and_zero", "points": 1}
"""rnn_path_length is symmetric and 0 for a position and itself."""
assert rnn_path_length(100, 1) == 99, f"the path between 100 and 1 is as long as between 1 and 100: expected 99, got {rnn_path_length(100, 1)}"
assert rnn_path_length(5, 5) == 0, f"a position is 0 steps from itself, got {rnn_path_length(5, 5)}"
### BEGIN HIDDEN TESTS
for _i, _j in [(10, 3), (511, 0), (7, 7), (0, 0), (4000, 17)]:
    assert rnn_path_length(_i, _j) == abs(_i - _j), f"rnn_path_length({_i}, {_j}) should be {abs(_i - _j)}, got {rnn_path_length(_i, _j)}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_attention_path_length_word1_to_word100", "points": 1}
"""In self-attention, word 1 reaches word 100 in one step."""
import numbers
import numpy as np
_p = attention_path_length(1, 100)
assert _p == 1, f"attention connects word 1 and word 100 directly: expected 1, got {_p}"
assert isinstance(_p, numbers.Integral) and not isinstance(_p, (bool, np.bool_)), f"return an int, got {_p!r} ({type(_p).__name__})"
### BEGIN HIDDEN TESTS
for _i, _j in [(1, 2), (2, 1), (3, 10), (0, 511), (4000, 17)]:
    assert attention_path_length(_i, _j) == 1, f"attention_path_length({_i}, {_j}) should be 1 whatever the distance, got {attention_path_length(_i, _j)}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_attention_path_length_same_position", "points": 1}
"""attention_path_length is 0 for a position and itself."""
assert attention_path_length(7, 7) == 0, f"nothing has to travel from a position to itself: expected 0, got {attention_path_length(7, 7)}"
### BEGIN HIDDEN TESTS
for _i in (0, 1, 99, 4000):
    assert attention_path_length(_i, _i) == 0, f"attention_path_length({_i}, {_i}) should be 0, got {attention_path_length(_i, _i)}"
### END HIDDEN TESTS

# %% [markdown]
# ### Discovery — information from the start of a sequence is lost
#
# A small experiment with your `rnn_forward`. Each of 800 sequences starts with a "signal"
# word, either $+\mathbf{1}$ or $-\mathbf{1}$ (one bit), followed by random "filler" words. We
# run an RNN with random weights ($W_{hh} = \rho Q$) and ask: **can a linear read-out of the
# state $h_t$ still tell which signal word the sequence started with?** We fit the read-out on
# 400 sequences and measure its accuracy on the other 400, for each $t$ (0.5 = guessing), and
# average the accuracy over 5 random networks (new weights and new sequences each time).

# %%
d_in_mem, d_h_mem, n_seq, T_mem, n_nets = 4, 16, 800, 64, 5
train, test = slice(0, n_seq // 2), slice(n_seq // 2, n_seq)
read_steps = [1, 2, 4, 8, 16, 32, 64]
memory = {rho: np.zeros(len(read_steps)) for rho in (0.5, 0.9, 1.2)}  # mean test accuracy per read step
for net in range(n_nets):
    _rng = np.random.default_rng(net)
    Q_mem, _ = np.linalg.qr(_rng.normal(size=(d_h_mem, d_h_mem)))
    W_xh_mem = 0.5 * _rng.normal(size=(d_in_mem, d_h_mem))
    bits = _rng.integers(0, 2, size=n_seq)
    X_mem = 0.5 * _rng.normal(size=(n_seq, T_mem, d_in_mem))   # (n_seq, T, d_in) filler words
    X_mem[:, 0, :] = np.where(bits[:, None] == 1, 1.0, -1.0)    # the signal word at step 1
    for rho in memory:
        H_mem = rnn_forward(X_mem, np.zeros((n_seq, d_h_mem)), W_xh_mem, rho * Q_mem, np.zeros(d_h_mem))  # (n_seq, T, d_h)
        for k, t in enumerate(read_steps):
            features = np.c_[H_mem[:, t - 1, :], np.ones(n_seq)]          # h_t and a constant
            w, *_ = np.linalg.lstsq(features[train], 2.0 * bits[train] - 1, rcond=None)
            memory[rho][k] += np.mean((features[test] @ w > 0) == bits[test]) / n_nets
fig, ax = plt.subplots(figsize=(6, 3.6))
for (rho, accuracy), style in zip(memory.items(), ("o-", "s--", "^-.")):
    ax.semilogx(read_steps, accuracy, style, base=2, label=f"RNN, ρ = {rho}")
ax.set_xticks(read_steps, [str(t) for t in read_steps])
ax.axhline(1.0, color="green", ls="--", lw=1, label="attention: x_1 is one hop away")
ax.axhline(0.5, color="gray", ls=":", lw=1, label="chance")
ax.set(xlabel="step t at which h_t is read", ylabel=f"test accuracy (mean of {n_nets} networks)", ylim=(0.3, 1.05),
       title="Can h_t still tell the first word?")
ax.legend(fontsize=8, loc="lower left")
plt.tight_layout()
plt.show()
for rho, accuracy in memory.items():
    print(f"rho = {rho}: " + ", ".join(f"t = {t}: {a:.2f}" for t, a in zip(read_steps, accuracy)))

# %% [markdown]
# **Figure.** Test accuracy of a linear read-out that tells the first (signal) word from $h_t$,
# against the step $t$ = 1 to 64 at which $h_t$ is read (logarithmic axis), for $\rho = 0.5$
# (circles), $0.9$ (squares, dashed) and $1.2$ (triangles, dash-dotted), each the mean of 5
# random networks. The horizontal dashed line at 1 is what a direct connection to $x_1$ could
# reach, the dotted line at 0.5 is guessing, and the printout under the plot gives every value.

# %% tags=["claim"]
_acc = np.array(list(memory.values()))  # (3 rhos, 7 read steps)
assert np.all(_acc[:, :2] > 0.95), f"the model answer says h_1 and h_2 tell the signal perfectly for every rho: {_acc[:, :2]}"
assert np.all(_acc[:2, 4] < 0.6), f"the model answer says by t = 16 the signal is at chance for rho = 0.5 and 0.9: {_acc[:2, 4]}"
assert np.all(_acc[:, 5:] < 0.6), f"the model answer says by t = 32 the signal is at chance for every rho: {_acc[:, 5:]}"
assert _acc[0, 3] + 0.1 < _acc[1, 3] < _acc[2, 3] - 0.1, f"the model answer says a larger rho keeps the signal longer (accuracy at t = 8 grows with rho): {_acc[:, 3]}"

# %% [markdown]
# (The green line is what a read-out *could* reach if it could look at $x_1$ directly, as
# attention can; a trained attention layer would still have to learn to look there.)
#
# ### Question — where did the first word go? (2 points, graded by hand)
# After how many steps is the signal word lost in this experiment, and does a larger $\rho$
# save it? Explain with what you measured in sections 4 and 5 (gradients, path length). Then
# answer the classic comparison question: what is the main advantage of self-attention over
# RNNs/LSTMs for long-range dependencies and for parallelisation — and what does it cost?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_information_lost", "points": 2}
# **Model answer.** The read-out is perfect at $t = 1, 2$ and falls to chance (≈0.5) within
# a few tens of steps: by $t = 16$ (15 steps after the signal) for $\rho = 0.5$ and $0.9$, by
# $t = 32$ (31 steps) for every $\rho$. A larger $\rho$ keeps the signal a little longer (at
# $t = 8$ the accuracy grows with $\rho$) but does not save it. Each step multiplies the old
# state by $W_{hh}$, passes it through tanh and mixes in new filler: the first word's
# contribution shrinks like the Jacobian products of section 4, while the fillers keep
# overwriting the state (with $\rho > 1$ the state saturates, tanh squashes the old
# contribution, and recent inputs dominate). The path from word 1 to word $t$ is $t-1$
# steps long. Self-attention connects any two positions in one step (path length $O(1)$ vs
# $O(n)$), so the first word is as reachable as the last, and all positions of a layer are
# computed in $O(1)$ sequential operations, so training parallelises over the sequence. The
# price: $O(n^2 d)$ work and $O(n^2)$ memory per layer for the attention weights, and, since
# attention ignores order, positions must be added explicitly (Part 4).
# *Full marks:* signal lost after tens of steps whatever ρ, explained by the long path /
# shrinking products (1 pt); attention's O(1) path and O(1) sequential steps, with its O(n²)
# cost (1 pt).

# %% [markdown]
# ## 6. Attention as the way out (~2 min)
#
# | | RNN (telephone game, reading with a finger) | self-attention (everyone hears everyone, seeing the whole page) |
# |---|---|---|
# | sequential operations per layer | $O(n)$: step $t$ waits for step $t-1$ | $O(1)$: all positions at once |
# | path between word 1 and word $n$ | $n-1$ steps, gradients multiplied $n-1$ times | 1 step |
# | work per layer | $O(n \cdot d^2)$ | $O(n^2 \cdot d)$ — more when $n > d$ |
# | order of the words | built in (it reads in order) | must be added (Part 4) |
#
# Vaswani et al. (2017) built a model with self-attention and no recurrence at all (attention
# had been used *with* RNNs before; see the optional section at the end). One caveat to keep
# in mind: transformers are parallel across positions when they *read* a sequence (and during
# training); when they *generate* text they still produce one token after another.

# %% [markdown]
# ## 7. Concept quiz (5 points, ~10 min)
#
# Quick questions on this part's ideas, one point each. Answer each
# in its own cell — replace `None` (and delete the `raise NotImplementedError()` line) with a
# letter as a string (`"B"`), `True`/`False`, or a number, as the cell says. The check below each
# answer only tells you whether your answer has the right *form*; whether it is right is checked
# when your work is graded.

# %% [markdown]
# **Question 1.** A one-layer RNN reads a sentence of 100 tokens. However many processors you have, how
# many **sequential** steps (each one waiting for the result of the one before) does it need to
# compute all its hidden states? (One self-attention layer needs 1.)

# %% nbgrader={"solution": true, "grade_id": "quiz_rnn_steps_100"}
quiz_rnn_steps_100 = None  # a number
### BEGIN SOLUTION
quiz_rnn_steps_100 = 100
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_rnn_steps_100", "points": 1}
"""Question 1: sequential steps of an RNN over 100 tokens."""
import numbers
import numpy as np
assert isinstance(quiz_rnn_steps_100, numbers.Real) and not isinstance(quiz_rnn_steps_100, (bool, np.bool_)), \
    f"answer with a number (an int or a float), got {quiz_rnn_steps_100!r}"
assert 0 <= quiz_rnn_steps_100 <= 1000000, f"a number of steps is a count between 0 and 1,000,000, got {quiz_rnn_steps_100!r}"
### BEGIN HIDDEN TESTS
assert abs(float(quiz_rnn_steps_100) - 100) <= 0.5, "h_1, ..., h_100 each need the previous state: 100 sequential steps, O(n) (Vaswani et al. 2017, Table 1); 99 is the path length from word 1 to word 100, a different question"
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** Why do the gradients of a vanilla (tanh) RNN vanish over long spans?
#
# - **A** — the learning rate is too small for long sequences
# - **B** — the hidden state has too few dimensions to store many words
# - **C** — $\partial h_T/\partial h_t$ is a product of $T-t$ Jacobians $\operatorname{diag}(1-h_k^2)\,W_{hh}^\top$; when their norms are below 1 the product shrinks exponentially with the distance
# - **D** — tanh outputs lie between −1 and 1, so the loss cannot grow

# %% nbgrader={"solution": true, "grade_id": "quiz_vanishing_cause"}
quiz_vanishing_cause = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_vanishing_cause = "C"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_vanishing_cause", "points": 1}
"""Question 2: why a vanilla RNN's gradients vanish."""
assert isinstance(quiz_vanishing_cause, str) and quiz_vanishing_cause.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_vanishing_cause!r}'
### BEGIN HIDDEN TESTS
assert quiz_vanishing_cause.strip().upper() == "C", "the gradient through time is a product of T - t Jacobians diag(1 - h_k^2) W_hh^T; norms below 1 make it shrink exponentially (Bengio et al. 1994; Pascanu et al. 2013)"
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** True or False: gradient clipping — rescaling the gradient whenever its norm exceeds a threshold,
# as Pascanu et al. (2013) proposed — is the standard fix for **vanishing** gradients.

# %% nbgrader={"solution": true, "grade_id": "quiz_clipping_fixes_vanishing"}
quiz_clipping_fixes_vanishing = None  # True or False
### BEGIN SOLUTION
quiz_clipping_fixes_vanishing = False
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_clipping_fixes_vanishing", "points": 1}
"""Question 3: what gradient clipping fixes."""
import numpy as np
assert isinstance(quiz_clipping_fixes_vanishing, (bool, np.bool_)), f"answer True or False (without quotes), got {quiz_clipping_fixes_vanishing!r}"
### BEGIN HIDDEN TESTS
assert bool(quiz_clipping_fixes_vanishing) is False, "False: clipping rescales gradients that are too LARGE, so it tames exploding gradients; vanishing gradients need other fixes (LSTM gates, residual paths, attention's short paths)"
### END HIDDEN TESTS

# %% [markdown]
# **Question 4.** Vaswani et al. (2017, Table 1) compare layer types by the **maximum path length** between
# two positions of a sequence of length $n$. Recurrent layer vs self-attention layer:
#
# - **A** — $O(n)$ vs $O(n)$
# - **B** — $O(1)$ vs $O(n)$
# - **C** — $O(\log n)$ vs $O(1)$
# - **D** — $O(n)$ vs $O(1)$

# %% nbgrader={"solution": true, "grade_id": "quiz_path_length"}
quiz_path_length = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_path_length = "D"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_path_length", "points": 1}
"""Question 4: maximum path lengths, recurrent layer vs self-attention."""
assert isinstance(quiz_path_length, str) and quiz_path_length.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_path_length!r}'
### BEGIN HIDDEN TESTS
assert quiz_path_length.strip().upper() == "D", "a signal crosses n - 1 hidden states in an RNN (O(n)) but one attention weight in self-attention (O(1))"
### END HIDDEN TESTS

# %% [markdown]
# **Question 5.** True or False: besides removing the sequential chain, a self-attention layer also does
# **less total computation** than a recurrent layer, whatever the sequence length $n$.

# %% nbgrader={"solution": true, "grade_id": "quiz_attention_less_work"}
quiz_attention_less_work = None  # True or False
### BEGIN SOLUTION
quiz_attention_less_work = False
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_attention_less_work", "points": 1}
"""Question 5: whether self-attention always does less work than an RNN."""
import numpy as np
assert isinstance(quiz_attention_less_work, (bool, np.bool_)), f"answer True or False (without quotes), got {quiz_attention_less_work!r}"
### BEGIN HIDDEN TESTS
assert bool(quiz_attention_less_work) is False, "False: per layer self-attention costs O(n^2 d), a recurrent layer O(n d^2): attention does MORE work when n > d (Vaswani et al. 2017, Table 1); its gains are parallelism and short paths"
### END HIDDEN TESTS

# %% [markdown]
# ## Going further: clipping by value and by norm (~10 min, optional)
#
# Two kinds of clipping are in use. Mikolov (2012, PhD thesis) limited every component of the
# error gradients to a fixed range ($[-15, 15]$): **clipping by value**, element-wise.
# Pascanu, Mikolov & Bengio (2013) proposed **clipping by the norm**: if $\lVert g \rVert > c$,
# replace $g$ by $c\, g / \lVert g \rVert$. Their argument: exploding gradients come from
# steep "cliffs" in the RNN's loss surface; near a cliff the gradient is huge but still points
# in a useful direction, so the safe move is a *shorter step in the same direction*. Clipping
# by value shortens the step too, but whenever some components are clipped and others are not,
# it also turns the step. PyTorch offers both: `torch.nn.utils.clip_grad_value_` and
# `torch.nn.utils.clip_grad_norm_`.
#
# Below, a gradient with one exploding component is clipped both ways (threshold 5), and we
# compare each result with the original direction (cosine similarity: 1 = same direction).

# %%
g_big = torch.tensor([3.0, 400.0, -2.0, 1.0])  # one component has exploded
clipped = {}
for kind in ("by value", "by norm"):
    param = torch.nn.Parameter(torch.zeros(4))
    param.grad = g_big.clone()
    if kind == "by value":
        torch.nn.utils.clip_grad_value_([param], clip_value=5.0)
    else:
        torch.nn.utils.clip_grad_norm_([param], max_norm=5.0)
    clipped[kind] = param.grad
    cosine = float(torch.nn.functional.cosine_similarity(param.grad, g_big, dim=0))
    print(f"clipped {kind:8s}: {param.grad.numpy()}  norm {float(param.grad.norm()):5.2f}  cosine with the original {cosine:.3f}")

# %% tags=["claim"]
_cos = {k: float(torch.nn.functional.cosine_similarity(v, g_big, dim=0)) for k, v in clipped.items()}
assert abs(_cos["by norm"] - 1) < 1e-6 and abs(float(clipped["by norm"].norm()) - 5) < 1e-4, f"the text says clipping by the norm keeps the direction and gives norm 5: cosine {_cos['by norm']:.6f}, norm {float(clipped['by norm'].norm()):.4f}"
assert _cos["by value"] < 0.9, f"the text says clipping by value turns the step: cosine {_cos['by value']:.3f}"

# %% [markdown]
# Neither kind helps with *vanishing* gradients: there is nothing too large to cut. For those,
# Pascanu et al. (2013) proposed a regulariser that encourages the backpropagated error to keep
# its norm from step to step; in practice the answer was gated architectures — the LSTM
# (Hochreiter & Schmidhuber, 1997; the forget gate was added by Gers, Schmidhuber & Cummins,
# 2000) and the GRU (Cho et al., 2014) — and, later, attention's short paths.

# %% [markdown]
# ## Going further: attention before the transformer (~5 min, optional)
#
# Attention was first used *together with* RNNs: in translation, Bahdanau, Cho & Bengio (2015)
# let the RNN decoder look back at all the encoder's hidden states at every output word, so
# that the whole source sentence did not have to squeeze through one final state. The path
# from any source word to the decoder became one step long, but the encoder and the decoder
# were still recurrent chains, so neither could be parallelised over the positions. Vaswani et
# al. (2017) went further: self-attention inside the encoder and the decoder, and no
# recurrence at all.

# %% [markdown]
# ## Key takeaways
# 1. An RNN's state $h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b_h)$ depends on every earlier
#    word through a chain: the $n$ steps of one sequence cannot run in parallel (1 GPU of 12).
# 2. Sequential small steps are slow even when the total work is small: the same arithmetic
#    done in one product is many times faster. Attention removes the chain ($O(1)$ sequential
#    operations) but does $O(n^2 d)$ work, not less work.
# 3. $\partial h_T / \partial h_t$ is a product of $T - t$ Jacobians
#    $\operatorname{diag}(1 - h_k^2) W_{hh}^\top$: it vanishes if $\sigma_{\max}(W_{hh}) < 1$, can
#    explode if $\sigma_{\max}(W_{hh}) > 1$, and tanh saturation pushes towards vanishing
#    (Bengio et al. 1994; Pascanu et al. 2013). Clipping the gradient (by value, Mikolov 2012; by
#    the norm, Pascanu et al. 2013) tames explosions; LSTMs ease vanishing.
# 4. Path length between word 1 and word 100: 99 steps in an RNN, 1 in self-attention — and
#    information from the start of a long sequence fades in an RNN.
#
# **Next — Part 2:** what if every word could look at every other word *directly*? You will
# invent self-attention from first principles: relevance scores, softmax, queries, keys and
# values.

# %% [markdown]
# ## Readings for this part
# What to read next, and what to read it for:
#
# | reading | read it for |
# |---|---|
# | Vaswani et al. (2017), §1 *Introduction* and §4 *Why Self-Attention*, Table 1 | why recurrence "precludes parallelization within training examples"; the three columns you measured today: work per layer, sequential operations, maximum path length |
# | Tunstall, von Werra & Wolf, *Natural Language Processing with Transformers* (O'Reilly, revised ed. 2022), ch. 1 *Hello Transformers*, "The Encoder-Decoder Framework" and "Attention Mechanisms" | the RNN encoder–decoder, its one-vector bottleneck, and how attention first relieved it (the book's ch. 3 *Transformer Anatomy* starts with Part 2) |
# | Hugging Face LLM course, chapter 1, "How do Transformers work?" (huggingface.co/learn), "A bit of Transformer history" | where the transformer sits in the timeline (2017 → GPT, BERT, GPT-2, ...) |
# | Jay Alammar, "Visualizing A Neural Machine Translation Model (Mechanics of Seq2seq Models With Attention)" (2018) — the prequel to Jay Alammar, "The Illustrated Transformer" (2018, jalammar.github.io) | an RNN encoder–decoder, with and without attention, animated step by step |
# | Bengio, Simard & Frasconi (1994); Pascanu, Mikolov & Bengio (2013) | the original analyses of vanishing and exploding gradients (Bengio et al.), and clipping by the norm with its justification (Pascanu et al., who also discuss Mikolov's 2012 element-wise clipping) |
