# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Part 2 — Inventing self-attention
#
# *Transformer Internals, part 2 of 7. Time: about 130 min core + 12 min going further (optional).*
#
# In Part 1 you watched information crawl through an RNN one step at a time. Today you invent the
# fix: let every word look at every other word **directly**, in one step. By the end you will have
# built, from first principles and in plain NumPy, the exact function at the heart of every
# transformer (Vaswani et al., 2017, §3.2.1):
#
# $$\text{Attention}(Q, K, V) = \text{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right) V$$
#
# **Learning objectives** — you will be able to
# 1. count the direct connections self-attention makes (and what they cost);
# 2. turn arbitrary relevance scores into weights that sum to 1 with a numerically stable softmax;
# 3. explain the roles of queries, keys and values, and compute them from word embeddings;
# 4. implement scaled dot-product attention with masks, and check it by hand and against PyTorch;
# 5. *measure* why we divide by $\sqrt{d_k}$;
# 6. read an attention heatmap.
#
# **How this notebook works.** Fill in every cell that says `YOUR CODE HERE`, then run the
# "try it" cell below it and the test cells (the ones that start with a docstring). A test cell
# that runs silently passed. Some checks are hidden and run only when your work is graded, so
# make your code correct in general, not just on the visible example. Questions marked
# *(graded by hand)* are read by a person: answer in your own words, in a few sentences.
# Each section's heading gives the time a careful student needs for it; sections whose heading
# starts with "Going further" are optional and ungraded.
#
# Conventions used in the whole course: arrays are row-major with the batch first (`X` has
# shape `(..., T, d)`), weights multiply on the right (`X @ W`), and masks are boolean with
# **True = may attend**.

# %% nbgrader={"locked": true, "grade_id": "setup"}
import warnings

import matplotlib.pyplot as plt
import numpy as np

np.set_printoptions(precision=3, suppress=True)
warnings.filterwarnings("ignore", category=DeprecationWarning)

# %% [markdown]
# ## 1. The direct-connection idea (~10 min)
#
# **Theory hint.** In an RNN, word 1 reaches word 100 only after 99 recurrent steps, through
# every hidden state in between. Instead, what if every word could directly "attend" to every
# other word — look at all of them and decide which are most relevant to understanding its own
# meaning?
#
# **Real-world example — a spotlight in a theatre.** Each word is an actor on stage. Each actor
# controls a spotlight and can shine it on any actor, itself included; the brightness says how
# much attention it pays. Every actor does this at the same time.
#
# **Your turn.** For "The cat sat", draw on paper one arrow from each word to every word its
# spotlight can reach (itself included). How many arrows did you draw? How many would a
# sentence of $n$ words need?
#
# ### Exercise 1 — count the connections (2 points)
# Write `n_connections(n)`: the number of (directed) connections self-attention makes in a
# sequence of `n` words, self-connections included.

# %% nbgrader={"solution": true, "grade_id": "n_connections"}
def n_connections(n):
    """Number of directed query->key connections in self-attention over n positions.

    Every position attends to every position, itself included.

    Args:
        n: int >= 1, the sequence length.
    Returns:
        int (a Python int or a 64-bit NumPy integer), the number of connections.
        Example: n_connections(1) == 1 (one word attends to itself).
    """
    ### BEGIN SOLUTION
    return n * n
    ### END SOLUTION


# %%
# Try it: how fast does the count grow with the length n?
for n in (3, 12, 100, 1000):
    print(f"n = {n:5d}: {n_connections(n):>9,} connections")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_n_connections_the_cat_sat", "points": 1}
"""n_connections counts self-connections too: 'The cat sat' has 9."""
import numpy as np
got = n_connections(3)
assert not isinstance(got, (bool, np.bool_)) and (
    isinstance(got, int) or (isinstance(got, np.integer) and np.iinfo(type(got)).bits >= 64)), (
    f"n_connections must return an int (a count), got {got!r} of type {type(got).__name__}"
    + (" (a 32-bit integer overflows for texts longer than 46,340 words)" if isinstance(got, np.integer) else ""))
assert got == 9, f"n_connections(3) should be 9 (3 words x 3 words, each word also attends to itself), got {got}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_n_connections_any_length", "points": 1}
"""n_connections is right for any sequence length."""
assert n_connections(1) == 1, f"a single word still attends to itself: expected 1, got {n_connections(1)}"
### BEGIN HIDDEN TESTS
for _n in (2, 5, 12, 100, 4096):
    assert n_connections(_n) == _n ** 2, f"n_connections({_n}) is wrong: got {n_connections(_n)}"
### END HIDDEN TESTS

# %% [markdown]
# **Discovery.** Each of the $n$ words sends one arrow to each of the $n$ words: $n^2$
# connections ("The cat sat": 3 × 3 = 9). They are exactly the entries of the $n \times n$
# attention matrix you will compute below. A text ten times longer has a hundred times more
# connections: this quadratic growth is attention's main cost. (If you do not count a word
# attending to itself you get $n(n-1)$; if you treat an arrow and its reverse as one line,
# $n(n-1)/2$ — but attention is directed, and a word does attend to itself.)
#
# The same arrows for "The cat sat on the mat": $6 \times 6 = 36$ of them. Each arrow also
# carries a **weight** (drawn as its width and opacity), which section 2 introduces, and the
# right half shows the **causal mask** you will build in section 4, which keeps only the arrows
# to the word itself and to earlier words.
#
# ![Two diagrams of arrows from six query words (bottom row) to the same six words as keys (top row), for the sentence 'The cat sat on the mat'. Left, self-attention: every query has an arrow to every key, 36 arrows, each drawn as wide and opaque as its attention weight; the arrows of the query 'sat' are highlighted in blue, its largest weight going to 'cat'. Right, with a causal mask: each query keeps only the arrows to itself and earlier words, 21 arrows, and its weights still sum to 1.](figures/attention_arrows.svg)
#
# ## 2. Computing relevance (~18 min)
#
# **Theory hint.** To decide how much one word should attend to another, we compute a
# relevance score for every pair. Raw scores can be any real numbers; we turn them into
# **weights that are non-negative and sum to 1** — a probability distribution over the words —
# so that the result is a weighted *average*.
#
# ### Exercise 2 — your own relevance table (1 point)
# When processing "sat", how relevant is each word of "The cat sat"? Choose weights you can
# defend (there is no single right answer), non-negative and summing to 1. Write them in the
# dict `sat_relevance`, one number per word: `{"The": ..., "cat": ..., "sat": ...}`.

# %% nbgrader={"solution": true, "grade_id": "sat_relevance"}
# Replace each None with your weight for that word (the query is "sat"), then delete the
# `raise NotImplementedError()` line below.
sat_relevance = {"The": None, "cat": None, "sat": None}
### BEGIN SOLUTION
sat_relevance = {"The": 0.1, "cat": 0.6, "sat": 0.3}
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_sat_relevance_is_a_distribution", "points": 1}
"""The relevance weights for 'sat' cover the three words, are non-negative and sum to 1."""
import numbers
import numpy as np
assert isinstance(sat_relevance, dict) and set(sat_relevance) == {"The", "cat", "sat"}, \
    f'give one weight per word, {{"The": ..., "cat": ..., "sat": ...}}, got {sat_relevance!r}'
assert all(isinstance(_v, numbers.Real) and not isinstance(_v, (bool, np.bool_)) for _v in sat_relevance.values()), \
    f"replace each None with a number, got {sat_relevance}"
_w = np.array([float(sat_relevance[k]) for k in ("The", "cat", "sat")])
assert np.all(_w >= 0), f"weights must be non-negative, got {_w}"
assert np.isclose(_w.sum(), 1.0), f"weights must sum to 1, got {_w.sum()}"

# %% [markdown]
# *Think:* how would a machine compute such scores? A natural measure of how well two vectors
# match is their **dot product**. And a natural way to turn any real numbers into a
# distribution is the **softmax**:
# $\operatorname{softmax}(x)_i = e^{x_i} / \sum_j e^{x_j}$.
#
# ### Exercise 3 — a numerically stable softmax (4 points)
# `np.exp(1000.0)` overflows to `inf`, and `inf / inf` is `nan`. Softmax does not change if you
# subtract the same constant from every input ($e^{x_i - c} / \sum_j e^{x_j - c}$), so subtract
# the maximum first: the largest exponent becomes $e^0 = 1$. Masked positions will hold `-inf`
# (their weight must come out exactly 0).

# %% nbgrader={"solution": true, "grade_id": "softmax"}
def softmax(x, axis=-1):
    """Numerically stable softmax along `axis`.

    Args:
        x: array-like of any shape; may contain -inf (weight 0), but not an all -inf slice.
        axis: the axis whose entries must sum to 1 (default: the last one).
    Returns:
        np.ndarray of x's shape (also when x is a list; float64 when x is float64),
        non-negative, summing to 1 along `axis`.
        Example: softmax([0.0, np.log(3.0)]) -> [0.25, 0.75]
    Hints: np.max(..., keepdims=True) keeps the reduced axis so broadcasting works.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
    ### END SOLUTION


# %%
# Try it
print(softmax([0.0, np.log(3.0)]))          # [0.25 0.75]
print(softmax([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0]]))  # the same two rows?

# %% tags=["claim"]
assert np.allclose(softmax([0.0, np.log(3.0)]), [0.25, 0.75]), f"comment says [0.25 0.75], got {softmax([0.0, np.log(3.0)])}"
assert np.allclose(*softmax([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0]])), "the two rows should be equal (shift invariance)"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_softmax_rows_sum_to_one", "points": 1}
"""softmax gives non-negative rows that sum to 1 and matches the definition on small inputs."""
import numpy as np
_x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
_p = softmax(_x)
assert isinstance(_p, np.ndarray), f"softmax must return a NumPy array, got {type(_p).__name__}"
assert _p.dtype == np.float64, f"float64 inputs must give a float64 result (keep NumPy's precision), got {_p.dtype}"
assert np.shape(_p) == (2, 3), f"softmax must keep the input's shape (2, 3), got {np.shape(_p)}"
assert np.allclose(np.sum(_p, axis=-1), 1.0), f"rows must sum to 1, got {np.sum(_p, axis=-1)}"
_direct = np.exp(_x) / np.exp(_x).sum(axis=-1, keepdims=True)
assert np.allclose(_p, _direct), f"softmax([[1, 2, 3], ...]) should be {_direct}, got {_p}"
### BEGIN HIDDEN TESTS
_p = softmax(_x.tolist())
assert isinstance(_p, np.ndarray) and np.allclose(_p, _direct), \
    f"softmax of a nested list must give the same NumPy array as for an array (use np.asarray), got {_p!r}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_softmax_is_stable", "points": 1}
"""softmax does not overflow: huge inputs give the same result as shifted small ones."""
import warnings
import numpy as np
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    _big = softmax(np.array([1000.0, 1001.0, 1002.0]))
    _neg = softmax(np.array([-1000.0, -1001.0, -1002.0]))
    _wide = softmax(np.array([-800.0, 0.0, 800.0]))
assert np.all(np.isfinite(_big)), f"softmax([1000, 1001, 1002]) overflowed: {_big} (subtract the max first)"
assert np.all(np.isfinite(_wide)) and np.allclose(_wide, [0.0, 0.0, 1.0]), \
    f"softmax([-800, 0, 800]) should be [0, 0, 1], got {_wide} (subtract the maximum, not the minimum or the mean)"
assert np.allclose(_big, softmax(np.array([0.0, 1.0, 2.0]))), f"softmax is shift-invariant, got {_big}"
assert np.all(np.isfinite(_neg)) and np.isclose(np.sum(_neg), 1.0), f"softmax of very negative inputs underflowed: {_neg}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_softmax_respects_axis", "points": 1}
"""softmax normalises along the axis it is given, for any number of dimensions."""
import numpy as np
_x = np.arange(24, dtype=float).reshape(2, 3, 4) / 7.0
_p0 = softmax(_x, axis=0)
assert np.allclose(np.sum(_p0, axis=0), 1.0), f"softmax(x, axis=0) must sum to 1 along axis 0, got {np.sum(_p0, axis=0)}"
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(21)
for _shape in [(5,), (3, 7), (2, 4, 6), (2, 3, 5, 4)]:
    _x = _rng.normal(scale=3.0, size=_shape)
    for _ax in range(-len(_shape), len(_shape)):
        _e = np.exp(_x - _x.max(axis=_ax, keepdims=True))
        _ref = _e / _e.sum(axis=_ax, keepdims=True)
        assert np.allclose(softmax(_x, axis=_ax), _ref, atol=1e-7), f"softmax is wrong for shape {_shape}, axis={_ax}"
_p = softmax(_x)
assert np.allclose(_p, softmax(_x, axis=-1)), "the default axis must be the last one"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_softmax_handles_minus_infinity", "points": 1}
"""-inf scores (masked positions) get exactly zero weight; the other weights still sum to 1."""
import warnings
import numpy as np
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    _p = softmax(np.array([[0.0, -np.inf, np.log(3.0)], [-np.inf, 5.0, -np.inf]]))
assert np.all(np.isfinite(_p)), f"softmax with -inf entries must not give nan, got {_p}"
assert np.allclose(_p, [[0.25, 0.0, 0.75], [0.0, 1.0, 0.0]]), f"expected [[0.25, 0, 0.75], [0, 1, 0]], got {_p}"

# %% [markdown]
# ## 3. Three roles: query, key, value (~10 min)
#
# **Theory hint.** In attention each word plays three roles at once, called **query**, **key**
# and **value**. Each role is its own vector, made from the word's embedding $x$ by its own
# learned linear map: $q = xW^Q$, $k = xW^K$, $v = xW^V$.
#
# **Real-world example — a library.** You walk into a library wanting "books about cats".
# Every book has a catalogue card (title, subject) and, on the shelf, its content. You compare
# what you want with every card, and take home the contents of the books whose cards match
# best. Attention does a *soft* version: it takes a little of every book, in proportion to how
# well its card matches.
#
# **Your turn (think before reading on).** Which of the three roles is the word asking "who is
# relevant to me?", which the word answering "here is what I offer", which the word providing
# "here is my actual information"? In the library, which one is your request, which the
# catalogue card, which the book's content? And why might a word need three different vectors
# rather than just its embedding? The answers follow Exercise 4.
#
# ### Exercise 4 — project the embeddings (2 points)
# Compute the queries, keys and values of every position at once: the embeddings are the rows
# of `X`, and each role has its own weight matrix, multiplied on the right.

# %% nbgrader={"solution": true, "grade_id": "project_qkv"}
def project_qkv(X, W_q, W_k, W_v):
    """Queries, keys and values of every position: Q = X W_q, K = X W_k, V = X W_v.

    Args:
        X: (..., T, d_model) embeddings, one row per position (any leading batch dims).
        W_q: (d_model, d_k), W_k: (d_model, d_k), W_v: (d_model, d_v).
    Returns:
        (Q, K, V), NumPy arrays of shapes (..., T, d_k), (..., T, d_k), (..., T, d_v)
        (float64 when the inputs are float64).
    Example: X of shape (2, 5, 8) with W_q (8, 4) gives Q of shape (2, 5, 4).
    """
    ### BEGIN SOLUTION
    X = np.asarray(X)
    return X @ W_q, X @ W_k, X @ W_v  # (..., T, d_k), (..., T, d_k), (..., T, d_v)
    ### END SOLUTION


# %%
# Try it
_rng = np.random.default_rng(0)
Q_, K_, V_ = project_qkv(_rng.normal(size=(2, 5, 8)), _rng.normal(size=(8, 4)),
                         _rng.normal(size=(8, 4)), _rng.normal(size=(8, 3)))
print(Q_.shape, K_.shape, V_.shape)  # (2, 5, 4) (2, 5, 4) (2, 5, 3)

# %% tags=["claim"]
assert (Q_.shape, K_.shape, V_.shape) == ((2, 5, 4), (2, 5, 4), (2, 5, 3)), f"comment says (2, 5, 4) (2, 5, 4) (2, 5, 3), got {Q_.shape, K_.shape, V_.shape}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_project_qkv_shapes", "points": 1}
"""project_qkv returns Q, K, V with the shapes of the contract."""
import numpy as np
_rng = np.random.default_rng(1)
_Q, _K, _V = project_qkv(_rng.normal(size=(5, 8)), _rng.normal(size=(8, 4)), _rng.normal(size=(8, 4)), _rng.normal(size=(8, 3)))
_types = [type(a).__name__ for a in (_Q, _K, _V)]
assert all(isinstance(a, np.ndarray) for a in (_Q, _K, _V)), f"Q, K and V must be NumPy arrays, got {_types}"
_dtypes = [str(a.dtype) for a in (_Q, _K, _V)]
assert _dtypes == ["float64"] * 3, f"float64 inputs must give float64 Q, K, V (keep NumPy's precision), got {_dtypes}"
_shapes = tuple(np.shape(a) for a in (_Q, _K, _V))
assert _shapes == ((5, 4), (5, 4), (5, 3)), f"expected shapes ((5, 4), (5, 4), (5, 3)), got {_shapes}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_project_qkv_values", "points": 1}
"""project_qkv multiplies the weights on the right (X @ W), also with batch dimensions."""
import numpy as np
_X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
_Wq = np.array([[1.0, 2.0], [3.0, 4.0]])
_Q, _, _ = project_qkv(_X, _Wq, _Wq, _Wq)
assert np.allclose(_Q, [[1, 2], [3, 4], [4, 6]]), f"Q should be X @ W_q = [[1, 2], [3, 4], [4, 6]], got {_Q}"
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(2)
for _lead in [(), (3,), (2, 3)]:
    _X = _rng.normal(size=_lead + (7, 6))
    _W = [_rng.normal(size=(6, 5)), _rng.normal(size=(6, 5)), _rng.normal(size=(6, 4))]
    for _got, _w, _name in zip(project_qkv(_X, *_W), _W, "QKV"):
        assert np.allclose(np.asarray(_got, dtype=float), _X @ _w, rtol=1e-4, atol=1e-5), \
            f"{_name} is wrong for X of shape {_X.shape}"
### END HIDDEN TESTS

# %% [markdown]
# **Discovery — the three roles.**
# - **Query** — what am I looking for? The word asking "who is relevant to me?" (your request,
#   "books about cats").
# - **Key** — what do I contain? The word answering "here is what I offer" (a book's catalogue
#   card).
# - **Value** — what content do I hand over if someone attends to me? (the book's content).
#
# Why three vectors and not just the embedding? Because "what I look for" and "what I offer"
# differ: in "The animal didn't cross the street because it was too tired", the pronoun "it"
# *looks for* a noun that can be tired, but *offers* "I am a pronoun". Separate learned maps let
# each role keep only what it needs; section 7 builds such maps by hand for that very sentence.
#
# ## 4. The attention formula, step by step (~32 min)
#
# **Theory hint.** For every query we (1) compute its similarity with every key — dot products,
# all at once as $QK^\top$; (2) scale by $1/\sqrt{d_k}$ (section 6 shows why); (3) apply softmax
# so each query's weights sum to 1; (4) take the weighted sum of the values. Step by step for
# one word (the six steps of Jay Alammar's *Illustrated Transformer*, see the readings): make
# $q, k, v$ → score $q \cdot k_j$ for every $j$ → divide by $\sqrt{d_k}$ → softmax → multiply
# each $v_j$ by its weight → sum.
#
# | step | operation | shape for one sequence |
# |---|---|---|
# | similarity | $S = QK^\top$ | $(T_q, T_k)$ |
# | scale | $S / \sqrt{d_k}$ | $(T_q, T_k)$ |
# | normalise | $A = \operatorname{softmax}(S/\sqrt{d_k})$, row-wise | $(T_q, T_k)$, rows sum to 1 |
# | mix values | $AV$ | $(T_q, d_v)$ |
#
# $T_q$ and $T_k$ differ when queries come from one sequence and keys from another (the
# decoder's cross-attention in Part 5); in self-attention both are $T$.
#
# ### Exercise 5 — scaled scores (3 points)
# With batch dimensions, `K.T` reverses *all* axes; swap only the last two
# (`np.swapaxes(K, -1, -2)`, or `np.einsum`).

# %% nbgrader={"solution": true, "grade_id": "attention_scores"}
def attention_scores(Q, K):
    """Scaled similarity of every query with every key: Q K^T / sqrt(d_k).

    Args:
        Q: (..., T_q, d_k) queries. K: (..., T_k, d_k) keys (same leading dims as Q).
    Returns:
        (..., T_q, T_k) NumPy array (float64 when Q and K are float64); entry [i, j] is q_i . k_j / sqrt(d_k).
    Example: Q = [[1, 1]], K = [[1, 1], [1, -1]] -> [[2 / sqrt(2), 0]] = [[1.414, 0.]]
    """
    ### BEGIN SOLUTION
    d_k = np.shape(Q)[-1]
    return np.asarray(Q) @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)  # (..., T_q, T_k)
    ### END SOLUTION


# %%
# Try it
print(attention_scores(np.array([[1.0, 1.0]]), np.array([[1.0, 1.0], [1.0, -1.0]])))  # [[1.414 0.   ]]

# %% tags=["claim"]
assert np.allclose(attention_scores(np.array([[1.0, 1.0]]), np.array([[1.0, 1.0], [1.0, -1.0]])), [[1.414, 0.0]], atol=1e-3), "comment says [[1.414 0.]]"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_scores_shape", "points": 1}
"""attention_scores has one row per query and one column per key: (T_q, T_k)."""
import numpy as np
_rng = np.random.default_rng(3)
_S = attention_scores(_rng.normal(size=(3, 8)), _rng.normal(size=(5, 8)))
assert isinstance(_S, np.ndarray), f"attention_scores must return a NumPy array, got {type(_S).__name__}"
assert _S.dtype == np.float64, f"float64 inputs must give float64 scores (keep NumPy's precision), got {_S.dtype}"
assert np.shape(_S) == (3, 5), f"3 queries and 5 keys should give scores of shape (3, 5), got {np.shape(_S)}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_scores_are_scaled", "points": 1}
"""attention_scores divides the dot products by sqrt(d_k)."""
import numpy as np
_Q = np.array([[1.0, 1.0, 1.0, 1.0]])
_K = np.array([[1.0, 1.0, 1.0, 1.0], [1.0, -1.0, 0.0, 0.0]])
_S = np.asarray(attention_scores(_Q, _K))
assert np.allclose(_S, [[2.0, 0.0]]), (f"q.k = 4 and d_k = 4, so the scaled score is 4 / sqrt(4) = 2; got {_S}"
                                       + (" (did you forget to divide by sqrt(d_k)?)" if np.isclose(_S[0, 0], 4) else "")
                                       + (" (divide by sqrt(d_k), not d_k)" if np.isclose(_S[0, 0], 1) else ""))

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_scores_batched", "points": 1}
"""attention_scores works with batch dimensions (transpose only the last two axes)."""
import numpy as np
_rng = np.random.default_rng(4)
_S = attention_scores(_rng.normal(size=(2, 3, 8)), _rng.normal(size=(2, 5, 8)))
assert np.shape(_S) == (2, 3, 5), f"batch of 2, 3 queries, 5 keys: expected shape (2, 3, 5), got {np.shape(_S)}"
### BEGIN HIDDEN TESTS
for _lead, _tq, _tk, _dk in [((4,), 3, 6, 5), ((2, 3), 7, 2, 9), ((), 1, 4, 16)]:
    _Q = _rng.normal(size=_lead + (_tq, _dk))
    _K = _rng.normal(size=_lead + (_tk, _dk))
    _ref = np.einsum("...qd,...kd->...qk", _Q, _K) / np.sqrt(_dk)
    assert np.allclose(attention_scores(_Q, _K), _ref), f"wrong scores for Q {_Q.shape}, K {_K.shape}"
    _ref32 = np.einsum("...qd,...kd->...qk", _Q.astype(np.float32), _K.astype(np.float32)) / np.sqrt(_dk)
    assert np.allclose(np.asarray(attention_scores(_Q.astype(np.float32), _K.astype(np.float32)), dtype=float),
                       _ref32, rtol=1e-4, atol=1e-5), "attention_scores must work for float32 inputs"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 6 — scaled dot-product attention, with masks (5 points)
#
# A **mask** says which keys each query may look at: `mask[..., i, j] == True` means query `i`
# may attend to key `j` (the convention of PyTorch's `F.scaled_dot_product_attention`; note that
# `nn.MultiheadAttention` uses the *opposite* one, True = blocked — you will meet it in Part 3).
# Two masks you will use all the time:
# - a **causal** mask (`np.tril`): position $i$ may attend only to positions $\le i$, so a
#   language model cannot peek at the words it must predict;
# - a **padding** mask: sequences of different lengths are padded to one length, and nobody may
#   attend to the padding. Shape `(..., 1, T_k)` broadcasts over the queries.
#
# Give blocked positions a score of $-\infty$: softmax turns them into weight exactly 0. One
# corner case needs a decision: a query row in which *every* key is blocked. Softmax over all
# $-\infty$ is $0/0$ = `nan`, which would silently poison everything downstream. **In this
# course a fully masked row gets all-zero weights and an all-zero output**, with no warning.

# %% nbgrader={"solution": true, "grade_id": "scaled_dot_product_attention"}
def scaled_dot_product_attention(Q, K, V, mask=None):
    """softmax(Q K^T / sqrt(d_k)) V, with an optional boolean mask.

    Args:
        Q: (..., T_q, d_k) queries. K: (..., T_k, d_k) keys. V: (..., T_k, d_v) values.
        mask: None, or a boolean array broadcastable to (..., T_q, T_k); True = may attend.
    Returns:
        (output, weights), NumPy arrays (float64 when Q, K, V are float64): output (..., T_q, d_v),
        weights (..., T_q, T_k).
        Every row of weights sums to 1 over the allowed keys and is exactly 0 on blocked ones;
        a query with no allowed key gets all-zero weights and an all-zero output (no nan).
    Example: with Q = K = V = np.eye(2) and mask = np.tril(np.ones((2, 2), bool)), the first
        query sees only key 0: weights[0] = [1, 0], output[0] = [1, 0].
    Hints: use your attention_scores and softmax; np.where(mask, scores, -np.inf).
    """
    ### BEGIN SOLUTION
    scores = attention_scores(Q, K)                             # (..., T_q, T_k)
    if mask is None:
        weights = softmax(scores, axis=-1)
    else:
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)
        any_allowed = mask.any(axis=-1, keepdims=True)             # (..., T_q, 1)
        scores = np.where(mask, scores, -np.inf)
        scores = np.where(any_allowed, scores, 0.0)               # fully masked rows: no nan
        weights = np.where(mask, softmax(scores, axis=-1), 0.0)   # (..., T_q, T_k)
    return weights @ np.asarray(V), weights                       # (..., T_q, d_v)
    ### END SOLUTION


# %%
# Try it
_eye = np.eye(2)
_out, _w = scaled_dot_product_attention(_eye, _eye, _eye, mask=np.tril(np.ones((2, 2), dtype=bool)))
print(_w)    # [[1. 0.], [0.33 0.67]]
print(_out)

# %% tags=["claim"]
assert np.allclose(_w, [[1.0, 0.0], [0.33, 0.67]], atol=0.005), f"comment says [[1. 0.], [0.33 0.67]], got {_w}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_sdpa_shapes_and_rows", "points": 1}
"""Attention returns (output (T_q, d_v), weights (T_q, T_k)) and every weight row sums to 1."""
import warnings
import numpy as np


def _fix_first(*names):
    """Names each earlier function in `names` that gets its own example wrong (defined here, used by the tests of Exercise 6)."""
    def softmax_ok():
        p = softmax(np.array([[0.0, np.log(3.0), -np.inf], [1000.0, 1001.0, 1002.0]]))
        return (isinstance(p, np.ndarray) and np.allclose(p[0], [0.25, 0.75, 0.0])
                and np.allclose(p[1], softmax(np.array([0.0, 1.0, 2.0]))))

    def attention_scores_ok():
        s = attention_scores(np.ones((2, 1, 2)), np.array([[[1.0, 1.0], [1.0, -1.0]]] * 2))
        return isinstance(s, np.ndarray) and s.shape == (2, 1, 2) and np.allclose(s, [[[np.sqrt(2.0), 0.0]]] * 2)

    checks = {"softmax": ("Exercise 3", softmax_ok), "attention_scores": ("Exercise 5", attention_scores_ok)}
    wrong = []
    for name in names:
        exercise, check = checks[name]
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                ok = bool(check())
        except Exception:
            ok = False
        if not ok:
            wrong.append(f"your {name} ({exercise})")
    if not wrong:
        return ""
    return (" -- note: this test uses " + " and ".join(wrong) + ", which fails a quick check of its own contract"
            " (a NumPy array with the right values on a small example): fix that exercise first")


_rng = np.random.default_rng(5)
_out, _w = scaled_dot_product_attention(_rng.normal(size=(3, 4)), _rng.normal(size=(5, 4)), _rng.normal(size=(5, 2)))
assert isinstance(_out, np.ndarray) and isinstance(_w, np.ndarray), \
    f"output and weights must be NumPy arrays, got {type(_out).__name__} and {type(_w).__name__}" + _fix_first("softmax", "attention_scores")
assert _out.dtype == np.float64 and _w.dtype == np.float64, \
    f"float64 inputs must give float64 output and weights, got {_out.dtype} and {_w.dtype}" + _fix_first("softmax", "attention_scores")
assert np.shape(_out) == (3, 2), f"output should have shape (T_q, d_v) = (3, 2), got {np.shape(_out)}" + _fix_first("attention_scores")
assert np.shape(_w) == (3, 5), f"weights should have shape (T_q, T_k) = (3, 5), got {np.shape(_w)}" + _fix_first("attention_scores")
assert np.allclose(np.sum(_w, axis=-1), 1.0), f"weights rows must sum to 1, got {np.sum(_w, axis=-1)}" + _fix_first("softmax")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_sdpa_matches_pytorch", "points": 1}
"""Attention without a mask matches PyTorch's F.scaled_dot_product_attention."""
import warnings
import numpy as np
_fix_first = globals().get("_fix_first", lambda *names: "")  # defined in test_sdpa_shapes_and_rows (no note if it has not run)
_Q = np.array([[1.0, 0.0], [0.0, 1.0]])
_V = np.array([[1.0, 2.0], [3.0, 4.0]])
_out, _ = scaled_dot_product_attention(_Q, _Q, _V)
_a = np.exp(1 / np.sqrt(2)) / (np.exp(1 / np.sqrt(2)) + 1)  # weight of the matching key
assert np.allclose(_out[0], _a * _V[0] + (1 - _a) * _V[1]), \
    f"output row 0 should be {_a * _V[0] + (1 - _a) * _V[1]}, got {_out[0]}" + _fix_first("softmax", "attention_scores")
### BEGIN HIDDEN TESTS
import torch
import torch.nn.functional as F
_rng = np.random.default_rng(6)
for _lead, _tq, _tk, _dk, _dv in [((), 3, 5, 4, 2), ((2,), 4, 7, 6, 3), ((2, 3), 5, 2, 8, 9)]:
    _Q, _K, _V = (_rng.normal(size=_lead + s) for s in ((_tq, _dk), (_tk, _dk), (_tk, _dv)))
    _ref = F.scaled_dot_product_attention(*(torch.from_numpy(a) for a in (_Q, _K, _V))).numpy()
    _out, _w = scaled_dot_product_attention(_Q, _K, _V)
    assert np.allclose(_out, _ref, atol=1e-6), \
        f"output differs from PyTorch for Q {_Q.shape}, K {_K.shape}, V {_V.shape}" + _fix_first("softmax", "attention_scores")
    _out32, _ = scaled_dot_product_attention(*(a.astype(np.float32) for a in (_Q, _K, _V)))
    assert np.allclose(np.asarray(_out32, dtype=float), _ref, rtol=1e-4, atol=1e-4), \
        "float32 inputs give a wrong output" + _fix_first("softmax", "attention_scores")
# extreme scores must not overflow
_Q = _rng.normal(size=(4, 8)) * 60
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    _out, _w = scaled_dot_product_attention(_Q, _Q, _rng.normal(size=(4, 3)))
assert np.all(np.isfinite(_w)) and np.allclose(np.sum(_w, -1), 1), \
    "huge scores make the weights overflow (is softmax stable?)" + _fix_first("softmax")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_sdpa_causal_ignores_the_future", "points": 1}
"""With a causal mask, changing future keys and values leaves earlier outputs unchanged."""
import numpy as np
_fix_first = globals().get("_fix_first", lambda *names: "")  # defined in test_sdpa_shapes_and_rows (no note if it has not run)
_rng = np.random.default_rng(7)
_Q, _K, _V = _rng.normal(size=(6, 4)), _rng.normal(size=(6, 4)), _rng.normal(size=(6, 3))
_causal = np.tril(np.ones((6, 6), dtype=bool))
_out, _w = scaled_dot_product_attention(_Q, _K, _V, mask=_causal)
_K2, _V2 = _K.copy(), _V.copy()
_K2[4:], _V2[4:] = 100.0, -100.0  # change positions 4 and 5 only
_out2, _ = scaled_dot_product_attention(_Q, _K2, _V2, mask=_causal)
assert np.allclose(_out[:4], _out2[:4]), ("outputs at positions 0-3 changed when only positions 4-5 changed: the mask lets "
                                          "queries see the future (True must mean 'may attend')" + _fix_first("softmax"))
assert np.allclose(np.triu(_w, 1), 0.0), f"weights above the diagonal must be 0 under a causal mask, got\n{_w}" + _fix_first("softmax")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_sdpa_mask_matches_pytorch", "points": 1}
"""Masked attention (padding and causal, broadcast over batches) matches PyTorch."""
import warnings
import numpy as np
_fix_first = globals().get("_fix_first", lambda *names: "")  # defined in test_sdpa_shapes_and_rows (no note if it has not run)
_pad = np.array([[True, True, False]])  # (1, T_k): the last key is padding
_out, _w = scaled_dot_product_attention(np.eye(3), np.eye(3), np.eye(3), mask=_pad)
assert np.allclose(_w[:, 2], 0.0) and np.allclose(_w.sum(-1), 1.0), \
    f"padding key 2 must get weight 0 and rows still sum to 1, got\n{_w}" + _fix_first("softmax", "attention_scores")
### BEGIN HIDDEN TESTS
import torch
import torch.nn.functional as F
_rng = np.random.default_rng(8)
for _B, _tq, _tk, _dk, _dv in [(2, 4, 6, 5, 3), (3, 5, 5, 8, 2)]:
    _Q, _K, _V = _rng.normal(size=(_B, _tq, _dk)), _rng.normal(size=(_B, _tk, _dk)), _rng.normal(size=(_B, _tk, _dv))
    _lengths = _rng.integers(1, _tk + 1, size=_B)
    _masks = [np.arange(_tk)[None, None, :] < _lengths[:, None, None],            # padding (B, 1, T_k)
              _rng.random((_B, _tq, _tk)) < 0.6]                                   # arbitrary (B, T_q, T_k)
    if _tq == _tk:
        _masks.append(np.tril(np.ones((_tq, _tk), dtype=bool)))                    # causal (T, T)
    for _m in _masks:
        _m = np.array(np.broadcast_to(_m, (_B, _tq, _tk)))
        # at least one key per row: fully masked rows have their own test below (PyTorch 2.13 also
        # gives them zero weights, as this course does, but not every PyTorch version does)
        _m[..., 0] |= ~_m.any(-1)
        _ref = F.scaled_dot_product_attention(torch.from_numpy(_Q), torch.from_numpy(_K), torch.from_numpy(_V),
                                              attn_mask=torch.from_numpy(_m)).numpy()
        _out, _w = scaled_dot_product_attention(_Q, _K, _V, mask=_m)
        assert np.allclose(_out, _ref, atol=1e-6), \
            "masked output differs from PyTorch (is True = may attend?)" + _fix_first("softmax", "attention_scores")
        assert np.allclose(np.where(_m, 0, _w), 0.0), "blocked keys must get weight exactly 0"
# a blocked key with a huge score (800 on the diagonal, 0 elsewhere) must not swamp the allowed ones:
# subtract the maximum over the allowed keys only
_Q = 40.0 * np.eye(4)
_m = ~np.eye(4, dtype=bool)
_ref = F.scaled_dot_product_attention(*(torch.from_numpy(a) for a in (_Q, _Q, _Q)), attn_mask=torch.from_numpy(_m)).numpy()
with warnings.catch_warnings(), np.errstate(all="ignore"):
    warnings.simplefilter("ignore")
    _out, _w = scaled_dot_product_attention(_Q, _Q, _Q, mask=_m)
assert np.allclose(_w, np.where(_m, 1 / 3, 0.0)) and np.allclose(_out, _ref, atol=1e-6), (
    "when a blocked key has by far the largest score, the allowed keys' weights vanish: take the maximum "
    "over the allowed keys only (or set blocked scores to -inf before the softmax)")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_sdpa_fully_masked_row_is_zero", "points": 1}
"""A query that may attend to nothing gets zero weights and a zero output, not nan."""
import warnings
import numpy as np
_fix_first = globals().get("_fix_first", lambda *names: "")  # defined in test_sdpa_shapes_and_rows (no note if it has not run)
_mask = np.array([[True, True], [False, False]])
with warnings.catch_warnings():
    warnings.simplefilter("error")  # no RuntimeWarning either
    _out, _w = scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.array([[1.0, 2.0], [3.0, 4.0]]), mask=_mask)
assert not np.any(np.isnan(_w)) and not np.any(np.isnan(_out)), f"a fully masked row produced nan: weights\n{_w}\noutput\n{_out}"
assert np.allclose(_w[1], 0.0) and np.allclose(_out[1], 0.0), f"the fully masked row must be all zeros, got weights {_w[1]}, output {_out[1]}"
assert np.allclose(_w[0], [0.5, 0.5]), f"the unmasked row must be unaffected, got {_w[0]}" + _fix_first("softmax", "attention_scores")

# %% [markdown]
# ## 5. Attention by hand (~15 min)
#
# ### Exercise 7 — attention by hand (3 points)
#
# Take a pen (and a calculator for $e^x$). With $d_k = 4$,
#
# $$Q = \begin{pmatrix}1&0&1&0\\0&2&0&0\end{pmatrix},\quad
#   K = \begin{pmatrix}1&0&1&0\\0&1&0&1\end{pmatrix},\quad
#   V = \begin{pmatrix}1&2\\3&0\end{pmatrix}$$
#
# compute (1) the scaled scores $QK^\top/\sqrt{d_k}$, (2) the weights (softmax of each row),
# (3) the output (row $i$ is the weighted sum of the rows of $V$, with query $i$'s weights).
# Write your numbers (2 decimals are enough) in `hand_scores`, `hand_weights` and
# `hand_output`, each a 2 × 2 nested list (row $i$ belongs to query $i$), *then* run the check
# cell below to compare with your code. Explain to yourself what each weight means: how much
# query $i$ takes from value $j$. (Each of your numbers is graded given your own previous step:
# a slip in the scores costs only the scores' point if you carry it through correctly.)

# %% nbgrader={"locked": true, "grade_id": "hand_matrices"}
Q_hand = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 2.0, 0.0, 0.0]])
K_hand = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])
V_hand = np.array([[1.0, 2.0], [3.0, 0.0]])

# %% nbgrader={"solution": true, "grade_id": "hand_calculation"}
# Your hand-computed numbers, 2 decimals are enough. Each is a 2 x 2 nested list of numbers,
# row i for query i, e.g. [[0.12, 3.45], [6.78, 9.01]]. Replace each None, then delete the
# `raise NotImplementedError()` line below.
hand_scores = None   # (2, 2): the scaled scores Q K^T / sqrt(d_k)
hand_weights = None  # (2, 2): the attention weights, the softmax of each row of hand_scores
hand_output = None   # (2, 2): the output; row i = sum over j of hand_weights[i][j] * (row j of V)
### BEGIN SOLUTION
hand_scores = [[1.0, 0.0], [0.0, 1.0]]
hand_weights = [[0.73, 0.27], [0.27, 0.73]]
hand_output = [[1.54, 1.46], [2.46, 0.54]]
### END SOLUTION

# %%
# Check your hand calculation against your code
_out, _w = scaled_dot_product_attention(Q_hand, K_hand, V_hand)
print("scores  (code):\n", attention_scores(Q_hand, K_hand))
print("weights (code):\n", _w)
print("output  (code):\n", _out)

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_hand_scores", "points": 1}
"""Your hand-computed scaled scores are right (to 2 decimals)."""
import numpy as np
assert np.shape(hand_scores) == (2, 2), f"hand_scores must be a 2 x 2 nested list of numbers, got {hand_scores!r}"
### BEGIN HIDDEN TESTS
_Q_hand = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 2.0, 0.0, 0.0]])  # the given matrices, as above
_K_hand = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])
_ref = _Q_hand @ _K_hand.T / 2.0
_mine = np.asarray(hand_scores, dtype=float)
assert np.allclose(_mine, _ref, atol=0.011), (
    "hand_scores are not Q K^T / sqrt(d_k) with d_k = 4"
    + (" (did you forget to divide by sqrt(d_k) = 2?)" if np.allclose(_mine, 2 * _ref, atol=0.011) else "")
    + (" (divide by sqrt(d_k) = 2, not by d_k = 4)" if np.allclose(_mine, _ref / 2, atol=0.011) else ""))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_hand_weights", "points": 1}
"""Your hand-computed attention weights are the row-wise softmax of your scores (to 2 decimals)."""
import numpy as np
assert np.shape(hand_weights) == (2, 2), f"hand_weights must be a 2 x 2 nested list of numbers, got {hand_weights!r}"
assert np.allclose(np.sum(hand_weights, axis=-1), 1.0, atol=0.011), f"each row of weights must sum to 1, got {np.sum(hand_weights, axis=-1)}"
### BEGIN HIDDEN TESTS
_Q_hand = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 2.0, 0.0, 0.0]])  # the given matrices, as above
_K_hand = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])
_s = _Q_hand @ _K_hand.T / 2.0
_ref = np.exp(_s) / np.exp(_s).sum(-1, keepdims=True)
_mine = np.asarray(hand_weights, dtype=float)
try:  # credit for weights that are right given the student's own scores
    _own_s = np.asarray(hand_scores, dtype=float)
    _own = np.exp(_own_s - _own_s.max(-1, keepdims=True))
    _own = _own / _own.sum(-1, keepdims=True)
    _own_ok, _scores_ok = _own.shape == (2, 2) and bool(np.all(np.isfinite(_own))), np.allclose(_own_s, _s, atol=0.011)
except (TypeError, ValueError):
    _own_ok = _scores_ok = False
assert np.allclose(_mine, _ref, atol=0.011) or (_own_ok and np.allclose(_mine, _own, atol=0.011)), (
    "hand_weights are not the row-wise softmax of your hand_scores (weight = e^score / sum of e^score over the row)"
    + ("" if _scores_ok else "; your hand_scores are wrong too: fix them first (see test_hand_scores)"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_hand_output", "points": 1}
"""Your hand-computed output is your weights times V (to 2 decimals)."""
import numpy as np
assert np.shape(hand_output) == (2, 2), f"hand_output must be a 2 x 2 nested list of numbers, got {hand_output!r}"
### BEGIN HIDDEN TESTS
_Q_hand = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 2.0, 0.0, 0.0]])  # the given matrices, as above
_K_hand = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])
_V_hand = np.array([[1.0, 2.0], [3.0, 0.0]])
_s = _Q_hand @ _K_hand.T / 2.0
_ref_w = np.exp(_s) / np.exp(_s).sum(-1, keepdims=True)
_mine = np.asarray(hand_output, dtype=float)
try:  # credit for an output that is right given the student's own weights
    _own_w = np.asarray(hand_weights, dtype=float)
    _own = _own_w @ _V_hand
    _own_ok, _weights_ok = _own.shape == (2, 2), np.allclose(_own_w, _ref_w, atol=0.011)
except (TypeError, ValueError):
    _own_ok = _weights_ok = False
assert np.allclose(_mine, _ref_w @ _V_hand, atol=0.011) or (_own_ok and np.allclose(_mine, _own, atol=0.03)), (
    "hand_output is not hand_weights @ V: row i is the sum over j of weight[i, j] * (row j of V)"
    + ("" if _weights_ok else "; your hand_weights are wrong too: fix them first (see test_hand_weights)"))
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Why divide by $\sqrt{d_k}$? Measure it (~20 min)
#
# **Theory hint.** Vaswani et al. (§3.2.1, footnote 4) argue: if the components of $q$ and $k$
# are independent with mean 0 and variance 1, then $q\cdot k = \sum_{i=1}^{d_k} q_i k_i$ has
# mean 0 and variance $d_k$. Large scores push softmax into regions where it is almost one-hot
# and its gradients are tiny. Dividing by $\sqrt{d_k}$ brings the variance back to 1 whatever
# $d_k$ is. Don't take it on faith — measure it.
#
# ### Exercise 8 — the variance of a dot product (1 point)

# %% nbgrader={"solution": true, "grade_id": "dot_product_variance"}
def dot_product_variance(d_k, n_samples=20000, seed=0):
    """Empirical variance of q . k for random q, k with independent N(0, 1) entries.

    Args:
        d_k: the vectors' dimension. n_samples: how many (q, k) pairs to draw.
        seed: seed for np.random.default_rng.
    Returns:
        float (a Python float or np.float64), the sample variance of the n_samples dot products (close to d_k; the same seed
        gives the same value, and fewer samples give a noisier estimate).
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((n_samples, d_k))
    k = rng.standard_normal((n_samples, d_k))
    return float(np.var(np.sum(q * k, axis=-1)))
    ### END SOLUTION


# %%
# Try it: the variance grows like d_k; after scaling by 1/sqrt(d_k) it stays near 1.
dims = [1, 4, 16, 64, 256]
variances = [dot_product_variance(d) for d in dims]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
axes[0].loglog(dims, variances, "o-", label="measured Var(q·k)")
axes[0].loglog(dims, dims, "k--", label="d_k")
axes[0].loglog(dims, np.array(variances) / np.array(dims), "s-", label="Var(q·k / √d_k)")
axes[0].set(xlabel="d_k", ylabel="variance", title="Dot products grow with d_k")
axes[0].legend()
# What large scores do to softmax: the largest weight of a query over 10 keys, averaged over 500 queries.
rng = np.random.default_rng(0)
mean_largest_weight = {}
for scaled in (False, True):
    tops = []
    for d in dims:
        s = rng.standard_normal((500, d)) @ rng.standard_normal((d, 10))   # 500 queries, 10 keys
        tops.append(np.mean(np.max(softmax(s / (np.sqrt(d) if scaled else 1.0)), axis=-1)))
    mean_largest_weight[scaled] = tops
    axes[1].semilogx(dims, tops, "o-" if scaled else "s--", label="scaled by 1/√d_k" if scaled else "unscaled")
axes[1].set(xlabel="d_k", ylabel="mean largest weight", title="Unscaled softmax saturates (one-hot)")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# **Figure.** Left (logarithmic axes): the measured variance of $q \cdot k$ (circles) follows the
# dashed line $d_k$ for $d_k$ = 1 to 256, while the variance of $q \cdot k / \sqrt{d_k}$ (squares)
# stays near 1. Right: the mean largest softmax weight over 10 keys against $d_k$, for unscaled
# scores (squares, dashed) and for scores divided by $\sqrt{d_k}$ (circles).

# %% tags=["claim"]
assert all(abs(v - d) < 0.05 * d for v, d in zip(variances, dims)), f"text says Var(q.k) is about d_k: measured {variances} for d_k = {dims}"
assert all(np.diff(mean_largest_weight[False]) > 0) and mean_largest_weight[False][-1] > 0.9, \
    f"plot says the unscaled largest weight grows towards 1 (one-hot): {mean_largest_weight[False]}"
assert all(0.2 < t < 0.4 for t in mean_largest_weight[True]), f"plot says the scaled largest weight stays put: {mean_largest_weight[True]}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_dot_product_variance_grows_with_d_k", "points": 1}
"""The measured variance of q.k is close to d_k (within 10%)."""
import numpy as np
_v = dot_product_variance(16)
assert isinstance(_v, float), f"return a float (float(...) or np.float64), got {_v!r} of type {type(_v).__name__}"
assert abs(_v - 16) < 1.6, f"Var(q.k) for d_k = 16 should be close to 16, got {_v}"
### BEGIN HIDDEN TESTS
for _d in (2, 64, 300):
    _v = dot_product_variance(_d, n_samples=20000, seed=_d)
    assert abs(_v - _d) < 0.1 * _d, f"Var(q.k) for d_k = {_d} should be close to {_d}, got {_v}"
_a, _b = (float(dot_product_variance(16, n_samples=500, seed=_s)) for _s in (1, 2))
assert _a != _b and _a != 16.0, (
    f"a measured variance changes with the random sample: seeds 1 and 2 both gave {_a} "
    "(return the sample variance you measured, not the theoretical d_k)")
assert float(dot_product_variance(16, n_samples=500, seed=3)) == float(dot_product_variance(16, n_samples=500, seed=3)), \
    "the same seed must give the same variance (draw from np.random.default_rng(seed))"
_small = np.std([float(dot_product_variance(16, n_samples=10, seed=_s)) for _s in range(16)])
_large = np.std([float(dot_product_variance(16, n_samples=10000, seed=_s)) for _s in range(100, 116)])
assert _small > 4 * _large, (
    f"estimates from 10 samples should scatter far more than from 10,000 samples (spread {_small:.3f} vs "
    f"{_large:.3f} over 16 seeds): draw n_samples pairs")
### END HIDDEN TESTS

# %% [markdown]
# When weights saturate, learning stalls. The softmax's Jacobian is
# $\partial a_i / \partial s_j = a_i(\delta_{ij} - a_j)$ (derived in "Going further" at the end),
# and all its entries are close to 0 when one $a_i \approx 1$: a small change of any score hardly
# changes the weights, so the gradient that should teach the scores is tiny. Measure the size of
# the Jacobian (its Frobenius norm) for 10 scores with standard deviation 1 (what scaled scores
# have) and 16 (what unscaled scores have at $d_k = 256$, since $\sqrt{256} = 16$), over 2,000
# random draws each:

# %%
rng = np.random.default_rng(1)
saturation = {}
for std in (1.0, 16.0):
    s = std * rng.standard_normal((2000, 10))                           # 2000 draws of 10 scores
    a = softmax(s)                                                       # (2000, 10)
    jac = a[:, :, None] * np.eye(10) - a[:, :, None] * a[:, None, :]     # (2000, 10, 10): a_i (delta_ij - a_j)
    norms = np.linalg.norm(jac, axis=(-2, -1))                           # (2000,)
    saturation[std] = {"largest weight": a.max(axis=-1).mean(), "mean norm": norms.mean(), "median norm": np.median(norms),
                       "share of the top 10%": np.sort(norms)[-200:].sum() / norms.sum()}
    print(f"scores with std {std:4.0f}: mean largest weight {saturation[std]['largest weight']:.3f}, "
          f"gradient norm: mean {saturation[std]['mean norm']:.3f}, median {saturation[std]['median norm']:.4f}")

# %% [markdown]
# With spread-out scores (std 16) the largest weight is above 0.9 on average, and the typical
# (median) draw has a Jacobian about a hundred times smaller than with std 1. The mean is only
# about four times smaller: it is carried by the few draws whose two largest scores happen to be
# close, where the softmax is not yet saturated (at std 16 the 10% largest norms make up about
# half of the total; at std 1, about a tenth).

# %% tags=["claim"]
assert saturation[16.0]["largest weight"] > 0.9 and saturation[1.0]["largest weight"] < 0.5, \
    f"text says std 16 saturates and std 1 does not: largest weights {saturation[16.0]['largest weight']:.3f}, {saturation[1.0]['largest weight']:.3f}"
assert 50 < saturation[1.0]["median norm"] / saturation[16.0]["median norm"] < 300, \
    f"text says the median norm is about 100 times smaller at std 16: {saturation[1.0]['median norm']:.4f} vs {saturation[16.0]['median norm']:.4f}"
assert 0.4 < saturation[16.0]["share of the top 10%"] < 0.65 and 0.08 < saturation[1.0]["share of the top 10%"] < 0.14, \
    f"text says the top 10% of draws carry about half of the norm at std 16, a tenth at std 1: {saturation}"
assert 3 < saturation[1.0]["mean norm"] / saturation[16.0]["mean norm"] < 6, \
    f"text says the mean norm is about 4 times smaller at std 16: {saturation[1.0]['mean norm']:.3f} vs {saturation[16.0]['mean norm']:.3f}"

# %% [markdown]
# ### Question — why scale? (2 points, graded by hand)
# Using your plots and numbers: what happens to the scores and to the softmax as $d_k$ grows if
# we do *not* divide by $\sqrt{d_k}$, why is that bad for training, and why exactly $\sqrt{d_k}$
# (not $d_k$)?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_why_scale", "points": 2}
# **Model answer.** With unit-variance entries, $q\cdot k$ is a sum of $d_k$ independent terms
# of variance 1, so its variance is $d_k$ (measured: ≈1, 4, 16, 64, 256) and its standard
# deviation $\sqrt{d_k}$. Unscaled, the scores spread more as $d_k$ grows, softmax becomes nearly
# one-hot (the mean largest weight climbs above 0.9 at $d_k = 256$ in the plot) and its Jacobian
# $a_i(\delta_{ij}-a_j)$ approaches 0 (a typical draw with std 16 has a Jacobian about 100 times
# smaller than with std 1): gradients vanish and attention stops learning which keys matter.
# Dividing by $\sqrt{d_k}$ (the standard deviation) makes the variance 1 for every $d_k$;
# dividing by $d_k$ would shrink it to $1/d_k$, making softmax nearly uniform for large $d_k$.
# *Full marks:* variance grows like $d_k$ (1 pt); saturation → tiny gradients, and √d_k is the
# standard deviation so the variance becomes 1 (1 pt).

# %% [markdown]
# ## 7. Seeing attention: a heatmap over a real sentence (~15 min)
#
# An attention matrix is easiest to read as a heatmap: row = the query word, column = the key
# word it looks at. Below, the embeddings and projections are **made by hand** (five
# interpretable features per word), not learned: they show how to *read* a heatmap, and that
# queries and keys can encode "a pronoun looks for a noun that can be tired". A trained model
# learns such projections from data, with dozens of heads and hundreds of dimensions (Part 6).

# %% nbgrader={"locked": true, "grade_id": "sentence_setup"}
sentence = "The animal didn't cross the street because it was too tired".split()
# features: [noun, animate, pronoun, verb/adjective, function word]
features = {
    "The": [0, 0, 0, 0, 1], "animal": [1, 1, 0, 0, 0], "didn't": [0, 0, 0, 1, 1],
    "cross": [0, 0, 0, 1, 0], "the": [0, 0, 0, 0, 1], "street": [1, 0, 0, 0, 0],
    "because": [0, 0, 0, 0, 1], "it": [0, 0, 1, 0, 0], "was": [0, 0, 0, 1, 1],
    "too": [0, 0, 0, 0, 1], "tired": [0, 1, 0, 1, 0],
}
X_sentence = np.array([features[w] for w in sentence], dtype=float)   # (T, 5)
# Queries: pronouns and "tired" ask for animate nouns; keys advertise noun-ness and animacy.
W_q_hand = np.zeros((5, 2)); W_q_hand[2] = [3, 3]; W_q_hand[3] = [0, 2]; W_q_hand[4] = [0.5, 0]
W_k_hand = np.zeros((5, 2)); W_k_hand[0] = [1.5, 0]; W_k_hand[1] = [0, 1.5]
W_v_hand = np.eye(5)

# %%
Q_s, K_s, V_s = project_qkv(X_sentence, W_q_hand, W_k_hand, W_v_hand)
_, weights_sentence = scaled_dot_product_attention(Q_s, K_s, V_s)
fig, ax = plt.subplots(figsize=(6.5, 5.5))
im = ax.imshow(weights_sentence, cmap="viridis", vmin=0, vmax=1)
ax.set_xticks(range(len(sentence)), sentence, rotation=60, ha="right")
ax.set_yticks(range(len(sentence)), sentence)
ax.set(xlabel="key (attended to)", ylabel="query (attending)", title="Hand-made attention weights")
fig.colorbar(im, ax=ax, shrink=0.8)
plt.tight_layout()
plt.show()
print("the same weights as numbers (row = query, column = key):")
print(" " * 8 + "".join(f"{w[:6]:>7s}" for w in sentence))
for word, row in zip(sentence, weights_sentence):
    print(f"{word:>8s}" + "".join(f"{x:7.2f}" for x in row))

# %% [markdown]
# **Figure.** A heatmap of the hand-made attention weights for the 11 words of "The animal didn't
# cross the street because it was too tired": row = the query word, column = the key word, and
# the brighter the cell, the larger the weight (colour bar from 0 to 1). The printout under the
# plot gives the same weights as numbers.

# %% tags=["claim"]
assert sentence[int(np.argmax(weights_sentence[sentence.index("it")]))] == "animal", "model answer (a): 'it' attends most to 'animal'"
assert np.isclose(weights_sentence[7, 5], weights_sentence[7, 10]) and \
    np.all(weights_sentence[7, 5] > np.delete(weights_sentence[7], [1, 5, 10])), \
    f"model answer (a): 'street' and 'tired' tie for second in the row of 'it': {weights_sentence[7]}"
assert [sentence[i] for i in range(11) if np.allclose(weights_sentence[i], 1 / 11)] == ["animal", "street"], \
    "question (b): the exactly uniform rows are those of 'animal' and 'street'"
assert np.allclose(Q_s[[1, 5]], 0.0), f"model answer (b): 'animal' and 'street' have zero queries, got {Q_s[[1, 5]]}"
assert all(weights_sentence[i].max() < 0.15 and weights_sentence[i].min() > 0.07 for i in (0, 4, 6, 9)), \
    "model answer (b): the rows of the function words are almost uniform (0.08 to 0.14)"
assert (sentence.index("animal"), sentence.index("it")) == (1, 7), "model answer (c): 'animal' is at position 1, 'it' at 7"

# %% [markdown]
# Now the same sentence with a **causal** mask: every word sees only itself and the words
# before it — the upper triangle goes dark.

# %%
T = len(sentence)
_, weights_causal = scaled_dot_product_attention(Q_s, K_s, V_s, mask=np.tril(np.ones((T, T), dtype=bool)))
fig, ax = plt.subplots(figsize=(6.5, 5.5))
ax.imshow(weights_causal, cmap="viridis", vmin=0, vmax=1)
ax.set_xticks(range(T), sentence, rotation=60, ha="right")
ax.set_yticks(range(T), sentence)
ax.set(xlabel="key", ylabel="query", title="Causal mask: no looking ahead")
plt.tight_layout()
plt.show()

# %% [markdown]
# **Figure.** The same sentence's weights under a causal mask, in the same colours (dark = 0,
# bright = 1): every cell above the diagonal is dark, so each word's row spreads its weight over
# itself and the words before it only.

# %% tags=["claim"]
assert np.all(np.triu(weights_causal, 1) == 0) and np.allclose(weights_causal.sum(-1), 1), "text says the upper triangle is dark (weight 0)"

# %% [markdown]
# ### Question — reading the heatmap (2 points, graded by hand)
# (a) Which word does "it" attend to most, and which entries of `W_q_hand` and `W_k_hand` make
# that happen? (b) Two rows are exactly uniform (every weight $1/11 \approx 0.09$): which, and
# why? (c) How many sequential steps does information from "animal" (position 1) need to reach
# "it" (position 7) here, and how many in an RNN (Part 1)?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_read_heatmap", "points": 2}
# **Model answer.** (a) "animal": the query of "it" has large components on both query
# dimensions (pronoun feature × `W_q_hand[2] = [3, 3]`), and "animal" is the only word whose
# key is large on both (noun via `W_k_hand[0]`, animate via `W_k_hand[1]`), so its score is the
# largest; "street" (noun, not animate) and "tired" (animate, not a noun) tie for second.
# (b) The rows of "animal" and "street": their features (noun, animate) have all-zero rows in
# `W_q_hand`, so their query vectors are zero, all their scores are 0 and softmax gives every
# key the same weight — a zero query "asks for nothing in particular". (The function words'
# small query [0.5, 0] makes their rows *almost* uniform, 0.08–0.14.) (c) One step: attention
# connects "it" to "animal" directly (path length 1), whereas an RNN needs 6 recurrent steps,
# $h_1 \to h_2 \to \dots \to h_7$, through the 5 hidden states $h_2, \dots, h_6$ in between.
# *Full marks:* correct word with the mechanism (1 pt); uniform rows explained and 1 vs 6 steps (1 pt).

# %% [markdown]
# ## 8. Concept quiz (5 points, ~10 min)
#
# Quick questions on this part's ideas, one point each. Answer each in its own cell — replace
# `None` (and delete the `raise NotImplementedError()` line) with a letter as a string (`"B"`),
# `True`/`False`, or a number, as the cell says. The check below each answer only tells you
# whether your answer has the right *form*; whether it is right is checked when your work is
# graded.

# %% [markdown]
# **Question 1.** What does dividing the scores by $\sqrt{d_k}$ prevent?
#
# - **A** — negative attention weights
# - **B** — rows of weights that do not sum to 1
# - **C** — overflow of `np.exp` inside the softmax
# - **D** — scores whose spread grows with $d_k$ (variance $d_k$), pushing softmax towards one-hot weights with tiny gradients

# %% nbgrader={"solution": true, "grade_id": "quiz_why_scale"}
quiz_why_scale = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_why_scale = "D"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_why_scale", "points": 1}
"""Question 1: what dividing the scores by sqrt(d_k) prevents."""
assert isinstance(quiz_why_scale, str) and quiz_why_scale.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_why_scale!r}'
### BEGIN HIDDEN TESTS
assert quiz_why_scale.strip().upper() == "D", "q.k has variance d_k; large scores saturate softmax and its gradients vanish (Vaswani et al. 2017, 3.2.1, footnote 4). Overflow is prevented by subtracting the maximum, not by the scale"
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** In the base transformer $d_k = 64$ (Vaswani et al., 2017, §3.2.2). By what number are the
# scores $QK^\top$ divided?

# %% nbgrader={"solution": true, "grade_id": "quiz_scale_divisor"}
quiz_scale_divisor = None  # a number
### BEGIN SOLUTION
quiz_scale_divisor = 8
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_scale_divisor", "points": 1}
"""Question 2: the divisor of the scores when d_k = 64."""
import numbers
import numpy as np
assert isinstance(quiz_scale_divisor, numbers.Real) and not isinstance(quiz_scale_divisor, (bool, np.bool_)), \
    f"answer with a number (an int or a float), got {quiz_scale_divisor!r}"
assert 0 <= quiz_scale_divisor <= 1000000, f"the divisor is a positive number, got {quiz_scale_divisor!r}"
### BEGIN HIDDEN TESTS
assert abs(float(quiz_scale_divisor) - 8) <= 1e-06, "the divisor is sqrt(d_k) = sqrt(64) = 8, not d_k = 64"
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** The output of attention for one query is a weighted average of which vectors?
#
# - **A** — the queries
# - **B** — the keys
# - **C** — the values
# - **D** — the input embeddings, unprojected

# %% nbgrader={"solution": true, "grade_id": "quiz_output_mixes"}
quiz_output_mixes = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_output_mixes = "C"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_output_mixes", "points": 1}
"""Question 3: what attention averages."""
assert isinstance(quiz_output_mixes, str) and quiz_output_mixes.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_output_mixes!r}'
### BEGIN HIDDEN TESTS
assert quiz_output_mixes.strip().upper() == "C", "softmax(Q K^T / sqrt(d_k)) V: the weights mix the rows of V; queries and keys only decide the weights"
### END HIDDEN TESTS

# %% [markdown]
# **Question 4.** Attention with $T_q = 3$ queries and $T_k = 5$ keys and values (one sequence, no batch).
# What is the shape of the attention weight matrix?
#
# - **A** — (5, 3)
# - **B** — (3, 5)
# - **C** — (3, 3)
# - **D** — (5, 5)

# %% nbgrader={"solution": true, "grade_id": "quiz_weights_shape"}
quiz_weights_shape = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_weights_shape = "B"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_weights_shape", "points": 1}
"""Question 4: the shape of the weights with T_q = 3 and T_k = 5."""
assert isinstance(quiz_weights_shape, str) and quiz_weights_shape.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_weights_shape!r}'
### BEGIN HIDDEN TESTS
assert quiz_weights_shape.strip().upper() == "B", "one row per query, one column per key: (T_q, T_k) = (3, 5), and each row sums to 1"
### END HIDDEN TESTS

# %% [markdown]
# **Question 5.** True or False: in exact arithmetic, $\operatorname{softmax}(x - \max x)$ gives exactly the same
# weights as $\operatorname{softmax}(x)$; subtracting the maximum only prevents overflow.

# %% nbgrader={"solution": true, "grade_id": "quiz_softmax_shift"}
quiz_softmax_shift = None  # True or False
### BEGIN SOLUTION
quiz_softmax_shift = True
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_softmax_shift", "points": 1}
"""Question 5: softmax is unchanged by subtracting the maximum."""
import numpy as np
assert isinstance(quiz_softmax_shift, (bool, np.bool_)), f"answer True or False (without quotes), got {quiz_softmax_shift!r}"
### BEGIN HIDDEN TESTS
assert bool(quiz_softmax_shift) is True, "True: e^(x_i - c) / sum_j e^(x_j - c) = e^(x_i) / sum_j e^(x_j) for any constant c"
### END HIDDEN TESTS


# %% [markdown]
# ## Going further: the softmax's Jacobian (~12 min, optional)
#
# This section extends section 6; nothing in it is graded. Write $a = \operatorname{softmax}(s)$,
# $a_i = e^{s_i} / Z$ with $Z = \sum_k e^{s_k}$, so $\partial Z / \partial s_j = e^{s_j}$. The
# quotient rule gives
#
# $$\frac{\partial a_i}{\partial s_j} = \frac{\delta_{ij} e^{s_i} Z - e^{s_i} e^{s_j}}{Z^2}
#   = a_i(\delta_{ij} - a_j), \qquad J = \operatorname{diag}(a) - a a^\top .$$
#
# A gradient that reaches the weights, $g = \partial L / \partial a$, reaches the scores as
# $\partial L / \partial s = J^\top g$: when $J$ is small, the scores barely learn. First check
# the formula against finite differences, $(a(s + \varepsilon e_j) - a(s - \varepsilon e_j)) / 2\varepsilon$:

# %%
rng = np.random.default_rng(3)
s = rng.standard_normal(6)
jac_formula = np.diag(softmax(s)) - np.outer(softmax(s), softmax(s))       # (6, 6)
eps = 1e-6
jac_numeric = np.stack([(softmax(s + eps * e) - softmax(s - eps * e)) / (2 * eps) for e in np.eye(6)],
                       axis=1)                                            # column j: d a / d s_j
jac_error = np.abs(jac_formula - jac_numeric).max()
print(f"largest difference between the formula and finite differences: {jac_error:.1e}")

# %% tags=["claim"]
assert jac_error < 1e-8, f"the formula should match finite differences to ~1e-10, got {jac_error:.1e}"

# %% [markdown]
# Now the size of $J$ against the spread of the scores, for 10 keys, averaged over 2,000 draws
# per spread. The dotted lines mark the spread of *unscaled* scores, $\sqrt{d_k}$, for
# $d_k = 4, 16, 64, 256$; scaled scores sit at 1 whatever $d_k$ is.

# %%
rng = np.random.default_rng(4)
spreads = np.array([0.25, 0.5, 1, 2, 4, 8, 16, 32, 64])
jac_norm_by_spread = []
for std in spreads:
    a = softmax(std * rng.standard_normal((2000, 10)))                   # (2000, 10)
    jac = a[:, :, None] * np.eye(10) - a[:, :, None] * a[:, None, :]     # (2000, 10, 10)
    jac_norm_by_spread.append(np.linalg.norm(jac, axis=(-2, -1)).mean())
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogx(spreads, jac_norm_by_spread, "o-")
for d in (4, 16, 64, 256):
    ax.axvline(np.sqrt(d), color="gray", ls=":")
    ax.text(np.sqrt(d), 0.36, f"d_k={d}", rotation=90, va="top", ha="right", fontsize=8)
ax.set(xlabel="standard deviation of the scores", ylabel="mean ‖J‖ (Frobenius)",
       title="The softmax's gradient vanishes as scores spread")
plt.tight_layout()
plt.show()
print({float(sd): round(float(n), 3) for sd, n in zip(spreads, jac_norm_by_spread)})

# %% [markdown]
# **Figure.** The mean Frobenius norm of the softmax's Jacobian for 10 scores against the scores'
# standard deviation, from 0.25 to 64 (logarithmic axis), with dotted vertical lines at
# $\sqrt{d_k}$ for $d_k$ = 4, 16, 64 and 256; the printout under the plot gives every value.

# %% [markdown]
# The curve is highest for a moderate spread (std 1 to 2) and falls steadily beyond: unscaled
# scores at $d_k = 64$ (std 8) keep less than half of it, at $d_k = 256$ (std 16) about a
# quarter, and the median draw far less (section 6). Scaling by $1/\sqrt{d_k}$ keeps every
# $d_k$ at std 1, near the top of the curve. (Small spreads cost little: at std 0.25 the weights
# are nearly uniform, yet the Jacobian keeps about 90% of its peak.)

# %% tags=["claim"]
assert spreads[int(np.argmax(jac_norm_by_spread))] in (1, 2), f"text says the curve peaks at std 1 to 2: {jac_norm_by_spread}"
assert all(np.diff(jac_norm_by_spread[3:]) < 0), f"text says the curve falls steadily beyond std 2: {jac_norm_by_spread}"
assert jac_norm_by_spread[5] < 0.5 * jac_norm_by_spread[2], f"text says std 8 keeps less than half of std 1's norm: {jac_norm_by_spread}"
assert 0.15 < jac_norm_by_spread[6] / jac_norm_by_spread[2] < 0.35, f"text says std 16 keeps about a quarter: {jac_norm_by_spread}"
assert 0.8 < jac_norm_by_spread[0] / max(jac_norm_by_spread) < 0.95, f"text says std 0.25 keeps about 90% of the peak: {jac_norm_by_spread}"

# %% [markdown]
# ## Key takeaways
# 1. Self-attention connects every position to every position directly: $n^2$ connections, one
#    step, path length 1 — and $O(n^2)$ memory and compute, its main cost.
# 2. Softmax turns scores into weights that sum to 1; subtract the maximum to keep it stable;
#    $-\infty$ scores (masked positions) get weight 0.
# 3. Queries ask, keys advertise, values deliver; each is a learned linear map of the embedding.
# 4. $\text{softmax}(QK^\top/\sqrt{d_k})V$: dividing by $\sqrt{d_k}$ keeps the scores'
#    variance at 1, so softmax does not saturate and gradients flow.
# 5. Masks (True = may attend) implement causality and padding; decide what a fully masked row
#    does instead of letting `nan` spread.
#
# **Next — Part 3:** one attention pattern can only look for one kind of relationship at a
# time. What if we ran several attentions in parallel, each in its own subspace? That is
# multi-head attention.

# %% [markdown]
# ## Readings for this part
# | reading | read it for |
# |---|---|
# | Vaswani et al. (2017), §3.2.1 *Scaled Dot-Product Attention*, footnote 4, Figure 2 (left) | the formula you implemented and the variance argument for $\sqrt{d_k}$ you measured |
# | Tunstall, von Werra & Wolf, *Natural Language Processing with Transformers* (O'Reilly, revised ed. 2022), ch. 3 *Transformer Anatomy*, "The Encoder" → "Self-Attention" → "Scaled dot-product attention" | the same computation in PyTorch, step by step, with attention visualised on a real model (bertviz) |
# | Hugging Face LLM course, chapter 1, "How do Transformers work?" (huggingface.co/learn), "Attention layers" | the intuition: a word's representation depends on the words around it (the translation example) |
# | Jay Alammar, "The Illustrated Transformer" (2018, jalammar.github.io), "Self-Attention at a High Level", "Self-Attention in Detail", "Matrix Calculation of Self-Attention" | the six steps drawn for "Thinking Machines" (divide by 8 = $\sqrt{64}$) and the matrix form you coded |
# | *Video:* Stanford CS224N, *Natural Language Processing with Deep Learning* (2023), Lecture 8 "Self-Attention and Transformers", John Hewitt (Stanford Online, YouTube) | this part's story told in a lecture: an RNN's linear interaction distance, self-attention as a soft lookup with queries, keys and values, and masking the future |
# | *Video:* Andrej Karpathy, "Let's build GPT: from scratch, in code, spelled out" (2023, YouTube), the self-attention chapters, from "the mathematical trick in self-attention" to the note on "scaled" self-attention | attention as a weighted average computed with one matrix product, a causal mask built with `tril`, and why the scores are divided by the square root of the head size — the variance you measured in section 6 |
