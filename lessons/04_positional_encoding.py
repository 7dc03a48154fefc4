# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Part 4 — The position problem and the sinusoidal solution
#
# *Transformer Internals, part 4 of 7. Time: about 145 min core + 20 min going further (optional).*
#
# Self-attention (Parts 2 and 3) connects every word to every word in one step. But look at
# the formula again, $\operatorname{softmax}(QK^\top/\sqrt{d_k})V$: nothing in it says *where*
# a word stands. Today you prove by computation that attention is blind to word order, and then
# you build the fix of the original transformer (Vaswani et al., 2017, §3.5): add to every word
# embedding a vector that encodes its position, made of sine and cosine waves.
#
# **Learning objectives** — you will be able to
# 1. show numerically that self-attention without positions is permutation-**equivariant**;
# 2. weigh the ways of encoding position (integers, learned embeddings, sines and cosines);
# 3. implement the sinusoidal positional encoding exactly as in the paper, and plot it;
# 4. prove by computation its key properties: every position is distinct, a shift by $k$
#    positions is a rotation (a fixed linear map), dot products depend only on the offset, the
#    values stay bounded for any length;
# 5. implement a learned positional embedding in PyTorch and compare it honestly with the
#    sinusoidal one.
#
# Two optional "Going further" sections show what a causal mask does to order blindness and
# how rotary embeddings, which most recent large language models use, reuse your rotation.
#
# **How this notebook works.** Fill in every cell that says `YOUR CODE HERE`, then run the
# "try it" cell below it and the test cells (the ones that start with a docstring). A test cell
# that runs silently passed. Some checks are hidden and run only when your work is graded, so
# make your code correct in general, not just on the visible example. Questions marked
# *(graded by hand)* are read by a person: answer in your own words, in a few sentences.
#
# Conventions used in the whole course: arrays are row-major with the batch first (`X` has
# shape `(..., T, d)`), weights multiply on the right (`X @ W`), and masks are boolean with
# **True = may attend**.

# %% [markdown]
# After the environment check, the setup cell gives you, working, what this part needs from Part 2: a stable softmax and
# single-head self-attention $\operatorname{softmax}(XW^Q (XW^K)^\top/\sqrt{d_k})\,XW^V$ with an
# optional mask, plus toy word embeddings for a handful of words (random vectors: we only need
# each word to have *some* fixed vector).

# %% nbgrader={"locked": true, "grade_id": "setup"}
import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

np.set_printoptions(precision=3, suppress=True)
warnings.filterwarnings("ignore", category=DeprecationWarning)


def softmax(x, axis=-1):
    """Numerically stable softmax along `axis` (Part 2)."""
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def self_attention(X, W_q, W_k, W_v, mask=None):
    """Single-head self-attention of Part 2: softmax(Q K^T / sqrt(d_k)) V with Q, K, V = X W.

    X: (..., T, d_model); W_q, W_k: (d_model, d_k); W_v: (d_model, d_v);
    mask: None or boolean, broadcastable to (..., T, T), True = may attend (every row needs
    at least one True). Returns the output (..., T, d_v).
    """
    Q, K, V = X @ W_q, X @ W_k, X @ W_v                          # (..., T, d_k), (..., T, d_k), (..., T, d_v)
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])  # (..., T, T)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return softmax(scores, axis=-1) @ V                         # (..., T, d_v)


def causal_mask(T):
    """(T, T) boolean mask, True on and below the diagonal: position i may attend to j <= i."""
    return np.tril(np.ones((T, T), dtype=bool))


d_model = 8
_rng = np.random.default_rng(0)
vocab = ["The", "the", "cat", "mouse", "chased", "dog", "bit", "man", "a"]
embedding_table = {w: _rng.normal(size=d_model) for w in vocab}   # one (d_model,) vector per word
W_q, W_k, W_v = (_rng.normal(size=(d_model, d_model)) / np.sqrt(d_model) for _ in range(3))


def embed(words):
    """(T, d_model) matrix of the toy word embeddings of a list of words."""
    return np.stack([embedding_table[w] for w in words])

# %% [markdown]
# ## 1. Order blindness (~30 min)
#
# **Theory hint.** Self-attention treats a sentence as a *bag of words*: the score between two
# words depends only on their two vectors, $q_i \cdot k_j$, never on where they stand. Without
# position information, "The cat chased the mouse" and "The mouse chased the cat" are made of
# the same vectors, so every word gets the same scores and the same output in both sentences —
# only the rows come out in a different order.
#
# The precise word is **permutation-equivariant**, not *invariant*: if you permute the input
# rows, the output rows are permuted in the same way,
# $$f(PX) = P\,f(X) \quad\text{for every permutation matrix } P.$$
# A function is *invariant* if $f(PX) = f(X)$: that is true only after you pool over the
# positions (for example the average of the output rows, a common sentence summary).
# (Careful: some texts call attention "permutation-invariant"; for the per-word outputs that is
# wrong, and the difference matters.)
#
# **Real-world example — Scrabble tiles in a bag.** Pour the tiles of "The cat chased the mouse"
# into a bag and shake it. Everything you can learn about the bag — which tiles it holds, how
# each tile relates to each other tile — is the same for "The mouse chased the cat". Who chased
# whom is lost.
#
# ### Exercise 1 — measure order blindness (3 points)
# In code, a permutation is an index array `perm`: `X[perm]` is the matrix whose row `j` is row
# `perm[j]` of `X`.
#
# 1. `sentence_permutation(words_a, words_b)`: the `perm` that rearranges sentence a into
#    sentence b, so that `words_b[j] == words_a[perm[j]]` for every `j` (then
#    `embed(words_b) == embed(words_a)[perm]`). Careful with words that occur twice: every
#    index must be used exactly once.
# 2. `equivariance_gap(f, X, perm)`: the largest absolute entry of $f(X[\text{perm}]) -
#    f(X)[\text{perm}]$, permuting the **positions** axis (-2) of `X` and of the output. A gap
#    of 0 (up to rounding) means $f$ commutes with this permutation.

# %% nbgrader={"solution": true, "grade_id": "order_blindness"}
def sentence_permutation(words_a, words_b):
    """Index array perm with words_b[j] == words_a[perm[j]] for every j.

    Args:
        words_a, words_b: lists of T words; words_b is a rearrangement of words_a.
    Returns:
        an integer np.ndarray of T entries (not a list), a permutation of 0..T-1 (each index
        used exactly once).
    Example: sentence_permutation(["a", "b", "c"], ["c", "a", "b"]) -> array([2, 0, 1])
    Hint: a repeated word must take a different index each time (list.index always finds the
        first one).
    """
    ### BEGIN SOLUTION
    unused = {}
    for i, w in enumerate(words_a):
        unused.setdefault(w, []).append(i)
    return np.array([unused[w].pop(0) for w in words_b])
    ### END SOLUTION


def equivariance_gap(f, X, perm):
    """max |f(X[..., perm, :]) - f(X)[..., perm, :]|: how far f is from permutation-equivariance.

    Args:
        f: function mapping (..., T, d) arrays to (..., T, d_out) arrays.
        X: (..., T, d) array; perm: index array, a permutation of 0..T-1 (positions, axis -2).
    Returns:
        a float >= 0 (one number: float(...) of the maximum); about 0 (rounding errors only)
        when permuting the input rows permutes the output rows the same way.
    Example: equivariance_gap(np.tanh, X, perm) == 0.0 for any X and perm (row-wise function).
    """
    ### BEGIN SOLUTION
    X = np.asarray(X)
    perm = np.asarray(perm)
    permuted_first = np.asarray(f(X[..., perm, :]))      # (..., T, d_out)
    permuted_after = np.asarray(f(X))[..., perm, :]       # (..., T, d_out)
    return float(np.max(np.abs(permuted_first - permuted_after)))
    ### END SOLUTION


# %%
# Try it: the sentence pair
sent_a = "The cat chased the mouse".split()
sent_b = "The mouse chased the cat".split()
perm_ab = sentence_permutation(sent_a, sent_b)
print("perm:", perm_ab, "->", [sent_a[i] for i in perm_ab])

attend = lambda X: self_attention(X, W_q, W_k, W_v)
out_a, out_b = attend(embed(sent_a)), attend(embed(sent_b))
print("equivariance gap of self-attention:", equivariance_gap(attend, embed(sent_a), perm_ab))
print("'mouse' as object (a) and as subject (b) get the same output:",
      np.allclose(out_a[sent_a.index("mouse")], out_b[sent_b.index("mouse")]))
print("outputs equal row by row (invariant)?", np.allclose(out_a, out_b))
print("outputs equal after averaging over positions (pooled, invariant)?", np.allclose(out_a.mean(0), out_b.mean(0)))

# %% tags=["claim"]
_gap_ab = equivariance_gap(attend, embed(sent_a), perm_ab)
assert _gap_ab < 1e-12, f"text says the gap is rounding error (about 1e-16), got {_gap_ab:.3g}"
assert np.allclose(out_a[sent_a.index("mouse")], out_b[sent_b.index("mouse")]), "text says 'mouse' gets the same output in both sentences"
assert not np.allclose(out_a, out_b), "text says the outputs are not equal row by row"
assert np.allclose(out_a.mean(0), out_b.mean(0)), "text says the mean over positions is the same (invariant)"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_sentence_permutation_cat_mouse", "points": 1}
"""sentence_permutation returns an integer np.ndarray that rearranges 'The cat chased the mouse' into 'The mouse chased the cat'."""
import numpy as np
_a = "The cat chased the mouse".split()
_b = "The mouse chased the cat".split()
_perm = sentence_permutation(_a, _b)
assert isinstance(_perm, np.ndarray) and np.issubdtype(_perm.dtype, np.integer), (
    f"sentence_permutation must return a NumPy array of ints (an index array), got {type(_perm).__name__}"
    + (f" of dtype {_perm.dtype}" if hasattr(_perm, "dtype") else "") + " (e.g. np.array(list_of_ints))")
assert [_a[i] for i in _perm] == _b, f"words_a[perm] should be {_b}, got {[_a[i] for i in _perm]} (perm = {_perm})"
_perm = np.asarray(sentence_permutation(["a", "b", "c"], ["c", "a", "b"]))
assert list(_perm) == [2, 0, 1], (f"sentence_permutation(['a', 'b', 'c'], ['c', 'a', 'b']) should be [2, 0, 1] "
                                  f"(words_b[j] == words_a[perm[j]]), got {list(_perm)}"
                                  + (" — that is the inverse permutation" if list(_perm) == [1, 2, 0] else ""))

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_sentence_permutation_repeated_words", "points": 1}
"""sentence_permutation returns a true permutation when words repeat."""
import numpy as np
_a = "the cat chased the mouse".split()
_b = "the mouse chased the cat".split()
_perm = np.asarray(sentence_permutation(_a, _b))
assert sorted(_perm.tolist()) == list(range(5)), f"perm must use every index 0..4 once, got {_perm.tolist()} (a repeated word must take a new index each time)"
assert [_a[i] for i in _perm] == _b, f"words_a[perm] should be {_b}, got {[_a[i] for i in _perm]}"
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(11)
for _T in (1, 4, 9, 23):
    _words_a = list(_rng.choice(["x", "y", "z", "w"], size=_T))
    _words_b = [_words_a[i] for i in _rng.permutation(_T)]
    _perm = np.asarray(sentence_permutation(_words_a, _words_b))
    assert sorted(_perm.tolist()) == list(range(_T)), f"not a permutation of 0..{_T - 1}: {_perm.tolist()}"
    assert [_words_a[i] for i in _perm] == _words_b, f"words_a[perm] != words_b for {_words_a} -> {_words_b}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_equivariance_gap", "points": 1}
"""equivariance_gap returns the float max |f(X[perm]) - f(X)[perm]| over the positions axis, also with batches."""
import numpy as np


def _self_attention(X, W_q, W_k, W_v, mask=None):
    """The given single-head self-attention, re-created here (mask: True = may attend)."""
    scores = (X @ W_q) @ np.swapaxes(X @ W_k, -1, -2) / np.sqrt(W_q.shape[-1])   # (..., T, T)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)) @ (X @ W_v)                         # (..., T, d_v)


_rng = np.random.default_rng(12)
_W_q, _W_k, _W_v = (_rng.normal(size=(8, 8)) / np.sqrt(8) for _ in range(3))
_X = np.array([[1.0], [2.0], [4.0]])
_gap = equivariance_gap(lambda X: -np.cumsum(X, axis=-2), _X, np.array([1, 2, 0]))
assert isinstance(_gap, float), (f"equivariance_gap must return a float (a single number, e.g. float(...)), "
                                 f"got {type(_gap).__name__}: {_gap!r}")
assert np.isclose(_gap, 6.0), (f"for f = -cumsum, X = [1, 2, 4], perm = [1, 2, 0]: f(X[perm]) = [-2, -6, -7], "
                               f"f(X)[perm] = [-3, -7, -1], so the gap is max |[1, 1, -6]| = 6; got {_gap}")
_X = _rng.normal(size=(5, 8))
_gap = equivariance_gap(lambda X: _self_attention(X, _W_q, _W_k, _W_v), _X, np.array([3, 0, 4, 1, 2]))
assert _gap < 1e-9, f"self-attention is permutation-equivariant, so its gap must be ~0, got {_gap} (permute the output with the same perm)"
### BEGIN HIDDEN TESTS
for _shape in [(7, 3), (2, 6, 4), (3, 2, 5, 4)]:
    _X = _rng.normal(size=_shape)
    _perm = _rng.permutation(_shape[-2])
    _f = lambda X: _self_attention(X, _W_q[:_shape[-1], :3], _W_k[:_shape[-1], :3], _W_v[:_shape[-1], :2])
    _gap = equivariance_gap(_f, _X, _perm)
    assert _gap < 1e-9, f"gap of self-attention for X of shape {_shape} should be ~0, got {_gap} (permute axis -2)"
    _g = lambda X: np.cumsum(X, axis=-2) * 2.0
    _ref = np.max(np.abs(_g(_X[..., _perm, :]) - _g(_X)[..., _perm, :]))
    assert np.isclose(equivariance_gap(_g, _X, _perm), _ref), f"wrong gap for cumsum, X of shape {_shape}"
_T = 6
_gap = equivariance_gap(lambda X: _self_attention(X, _W_q, _W_k, _W_v, mask=np.tril(np.ones((_T, _T), dtype=bool))),
                        _rng.normal(size=(_T, 8)), np.arange(_T)[::-1])
assert _gap > 0.05, f"causal attention is not equivariant: the gap must be clearly positive, got {_gap}"
### END HIDDEN TESTS

# %% [markdown]
# **Discovery.** The gap is about $10^{-16}$: rounding error. "mouse" gets the same output
# vector (up to rounding) whether it chases or is chased. A model built only from such layers
# (attention, and the position-wise feed-forward layers of Part 5, which act on each row
# separately) can never tell the two sentences apart from their words' outputs.
#
# ### Question — what is order blindness? (2 points, graded by hand)
# (a) Write two sentences of your own with the same words in a different order and a completely
# different meaning. (b) Two models read the outputs of self-attention without positions for
# your two sentences: a *tagger* that labels each word "subject" or "object" from that word's
# own output row, and a *classifier* that labels the whole sentence from the mean of its output
# rows. Using the lines your "try it" cell printed, say what each model receives for your two
# sentences and what that means for its answers. (c) Why is this a problem for a translation or
# question-answering model?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_order_blindness", "points": 2}
# **Model answer.** (a) "The dog bit the man" / "The man bit the dog" (any pair with the same
# words and different meaning). (b) The tagger receives, for each word, the same row in both
# sentences (gap ≈ 3e-16, "mouse" the same as object and as subject): the rows are only listed in
# another order (permutation-*equivariant*, not invariant), so "dog" gets the same label in both
# sentences and is wrong in one of them. The classifier receives exactly the same mean in both
# (pooling makes it *invariant*), so it must give both sentences the same label. (c) The outputs
# carry no information about who did what to whom: "dog" has the same representation as subject
# and as object, so a translation would have to guess the roles and a question "who bit whom?"
# cannot be answered. Position must be added to the input.
# *Full marks:* a valid sentence pair, and in (b) the same row per word for the tagger
# (equivariant) and the same mean for the classifier (invariant) (1 pt); the consequence
# (roles/meaning lost) (1 pt).

# %% [markdown]
# ## Going further: does a causal mask restore order? (~8 min, optional)
#
# What about a **causal** mask (each word sees only itself and the words before it)? Now the
# set of words a position may look at depends on where it stands, so the function is *not*
# equivariant any more:

# %%
T_sent = len(sent_a)
attend_causal = lambda X: self_attention(X, W_q, W_k, W_v, mask=causal_mask(T_sent))
causal_gap = equivariance_gap(attend_causal, embed(sent_a), perm_ab)
print("causal self-attention, equivariance gap:", causal_gap)
causal_mouse_same = np.allclose(attend_causal(embed(sent_a))[4], attend_causal(embed(sent_b))[1])
print("'mouse' as object vs subject, same output?", causal_mouse_same)
X_a = embed(sent_a)
shuffled_prefix = [2, 1, 0, 3, 4]     # "chased cat The the mouse": same last word, earlier words shuffled
last_unchanged = np.allclose(attend_causal(X_a)[-1], attend_causal(X_a[shuffled_prefix])[-1])
print("last word's output unchanged when the words before it are shuffled?", last_unchanged)

# %% tags=["claim"]
assert causal_gap > 0.05, f"text says causal attention is not equivariant: gap {causal_gap:.3g}, expected clearly > 0"
assert not causal_mouse_same, "text implies 'mouse' now gets different outputs as object and as subject"
assert last_unchanged, "text says shuffling the words before the last one leaves the last output unchanged"

# %% [markdown]
# The mask leaks *some* order — position 0 sees one word, position 4 sees five — but only
# indirectly: a word still cannot tell the *order* of the words it sees, since inside the
# allowed prefix attention is again a bag of words (shuffling the words before the last one
# leaves the last output unchanged, as printed above). Causal language models without any
# positional encoding do pick up some position information this way (Haviv et al., 2022), but
# every standard transformer injects positions explicitly.

# %% [markdown]
# ## 2. How could we encode position? (~20 min)
#
# **Theory hint.** The fix is to make each word's input vector depend on its position: add a
# position vector $p_t$ to the word embedding, $x_t = e(w_t) + p_t$. (Vaswani et al. *add*
# positional encodings, of the same dimension $d_{model}$, to the embeddings at the bottom of
# the encoder and decoder stacks; the embeddings are first multiplied by $\sqrt{d_{model}}$,
# §3.4.) The equivariance gap then stops being 0, because two positions never get the same
# vector. What should $p_t$ look like? We want
# - every position to be **unique**;
# - **relative** positions to be easy to use (word 3 is closer to word 4 than to word 10, and
#   "two words back" should look the same everywhere in the sentence);
# - **bounded** values, so positions do not drown the word embeddings;
# - something defined for sequences **longer** than the ones seen in training.
#
# *Think:* how would you tell the model about word positions? Before you read on, write your
# own pros and cons into the table below (double-click it to edit; it is not graded). Our
# version comes after the question further down: compare then.

# %% [markdown]
# **Your table** (edit this cell):
#
# | approach | pros | cons |
# |---|---|---|
# | add the position number $t = 0, 1, 2, \dots$ (or $t/T$, with $T$ the sentence length) | | |
# | learned position embeddings (a trainable table, one vector per position) | | |
# | sine and cosine waves of different frequencies | | |

# %% [markdown]
# Here is one thing that happens with raw integers, measured with our toy embeddings:

# %%
word_norm = np.linalg.norm(embed(sent_a), axis=-1).mean()
for t in (0, 4, 50, 500):
    print(f"position {t:3d}: |position vector| = {t * np.sqrt(d_model):7.1f}   vs   |word embedding| ≈ {word_norm:.1f}")

# %% tags=["claim"]
assert 500 * np.sqrt(d_model) > 100 * word_norm, f"model answer says position 500 dwarfs the word: {500 * np.sqrt(d_model):.0f} vs {word_norm:.2f}"
assert 1.5 <= word_norm < 3.0, f"model answer says the word embeddings have norm about 2, got {word_norm:.2f}"

# %% [markdown]
# ### Question — why not just integers? (2 points, graded by hand)
# (a) Give two concrete problems with adding the integer position $t$ to every coordinate of
# the embedding, and one problem with using $t/T$ instead ($T$ = sentence length). (b) Which
# approach in your table cannot handle a sentence longer than any it was trained on at all, and
# why?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_integer_positions", "points": 2}
# **Model answer.** (a) Integers are unbounded: at position 500 the added value (norm 500·√8 ≈
# 1414 here) dwarfs the word embedding (norm ≈ 2), so the word's meaning is drowned and the
# input scale changes wildly along the sentence; and a model never trained on values as large
# as those of long inputs sees numbers it has never seen. With $t/T$ the values are bounded, but
# the same position gets different codes in sentences of different lengths (position 3 is 0.3
# in a 10-word sentence, 0.03 in a 100-word one) and the distance between neighbours depends on
# $T$. (b) Learned position embeddings: the table has exactly max_len rows, so there is no
# vector for position max_len or later (BERT: 512); the model cannot even run on such input.
# *Full marks:* two valid integer problems and the $t/T$ problem (1 pt); learned embeddings with
# the reason (1 pt).

# %% [markdown]
# **Our table.** Compare it with yours.
#
# | approach | pros | cons |
# |---|---|---|
# | add the position number $t = 0, 1, 2, \dots$ (or $t/T$) | simple, unique, ordered | unbounded: position 500 adds 500 to every coordinate and swamps the word; values never seen in training for longer inputs; $t/T$ fixes the scale but then the *same* position gets different values in sentences of different lengths, and "one step" means a different amount |
# | learned position embeddings (a trainable table, one vector per position; BERT, GPT-2) | flexible: the model learns whatever helps; trivial to implement | $\text{max\_len} \times d_{model}$ extra parameters; **no vector at all** past max_len (BERT: 512 positions, GPT-2: 1024); rare late positions get little training |
# | sine and cosine waves of different frequencies (the original transformer) | no parameters; bounded in $[-1, 1]$; unique; defined for any position; a shift by $k$ is a fixed linear map (a rotation: Exercise 3); dot products depend only on the offset | fixed, not adapted to the task; the position is *added* to the word's content, so the two are mixed in the same vector |
# | rotary embeddings, RoPE (Su et al., 2021; most recent large language models) | rotate queries and keys instead of adding a vector: attention scores depend only on relative positions; no parameters | a little more work inside every attention layer; long-context extrapolation still needs care |
#
# (A common presentation lists "complex" as the con of sin/cos: it is three lines of code, as you
# will see. The real cons are the ones above.)

# %% [markdown]
# ## 3. The sinusoidal encoding (~30 min)
#
# **Theory hint.** Vaswani et al. (§3.5) give every position $pos$ a vector of $d_{model}$
# numbers, in pairs $(2i, 2i+1)$, $i = 0, 1, \dots$:
# $$PE_{(pos,\,2i)} = \sin\!\left(\frac{pos}{10000^{2i/d_{model}}}\right), \qquad
#   PE_{(pos,\,2i+1)} = \cos\!\left(\frac{pos}{10000^{2i/d_{model}}}\right).$$
# Positions start at $pos = 0$. Each pair is one wave with angular frequency
# $\omega_i = 1/10000^{2i/d_{model}}$: the first pair ($\omega_0 = 1$) changes fast, the last
# ones slowly — each pair is $10000^{2/d_{model}}$ times slower than the one before it.
# Fast waves distinguish neighbours; slow waves tell the beginning of a long text from its end.
# (Some presentations print the cosine with a minus sign: the paper has $+\cos$.)
#
# **Real-world example — clock hands, or a unique address.** A clock shows the time with hands
# turning at different speeds: the seconds hand tells you the time precisely but repeats every
# minute, the hour hand is coarse but tells morning from evening. Together they give every
# moment a unique reading. Each (sin, cos) pair is one hand — its tip is the point
# $(\sin \omega_i pos, \cos \omega_i pos)$ on a circle — and the $d_{model}/2$ hands turn at
# geometrically slower speeds. With $d_{model} = 4$ (frequencies $1$ and $1/100$):
#
# | position | $PE$ |
# |---|---|
# | 0 | [0.00, 1.00, 0.00, 1.00] |
# | 1 | [0.84, 0.54, 0.01, 1.00] |
# | 2 | [0.91, −0.42, 0.02, 1.00] |
# | 3 | [0.14, −0.99, 0.03, 1.00] |
#
# Each position has a unique pattern, like a fingerprint. (A version of this table that circulates
# in course notes is wrong from position 2 on: $\cos 2 = -0.42$, not $0.42$, and the third and
# fourth numbers belong to the slow hand, which has barely moved.)
#
# ### Exercise 2 — the sinusoidal positional encoding (5 points)
# Implement the formula for all positions at once with NumPy broadcasting (a loop is fine too).
# Column $j$ uses the pair index $i = \lfloor j/2 \rfloor$ — the exponent is $2i/d_{model}$,
# the same for both columns of a pair, not $j/d_{model}$ and not $i/d_{model}$. **Odd
# $d_{model}$:** apply the same formula; the last column $d_{model}-1$ is then a sine with no
# cosine partner (the widely copied line `pe[:, 1::2] = torch.cos(position * div_term)` of
# PyTorch's transformer tutorial crashes here with a shape error: one more frequency than
# odd columns).

# %% nbgrader={"solution": true, "grade_id": "sinusoidal_positional_encoding"}
def sinusoidal_positional_encoding(max_len, d_model):
    """Sinusoidal positional encodings of positions 0..max_len-1 (Vaswani et al., 2017, §3.5).

    PE[pos, 2i]   = sin(pos / 10000 ** (2i / d_model))
    PE[pos, 2i+1] = cos(pos / 10000 ** (2i / d_model))

    Args:
        max_len: int >= 1, number of positions (rows). d_model: int >= 1, encoding size.
            (Python or NumPy ints; the result is NumPy — use torch.from_numpy(PE) for PyTorch.)
    Returns:
        np.ndarray of shape (max_len, d_model) and dtype float64 (NumPy's default float, not
        float32 and not a torch tensor): row pos is the encoding of position pos,
        sines in the even columns, cosines in the odd ones (interleaved, not two halves).
        For odd d_model the last column is a sine with no cosine partner (same formula, with
        this d_model in the exponent: do not compute d_model + 1 columns and drop one).
    Example: sinusoidal_positional_encoding(2, 4) ->
        [[0, 1, 0, 1], [sin(1), cos(1), sin(0.01), cos(0.01)]] = [[0, 1, 0, 1], [0.841, 0.540, 0.010, 1.000]]
    Hints: positions np.arange(max_len)[:, None] (max_len, 1); column indices np.arange(d_model)
        (d_model,); broadcasting gives (max_len, d_model).
    """
    ### BEGIN SOLUTION
    pos = np.arange(int(max_len))[:, None]                        # (max_len, 1)
    j = np.arange(int(d_model))[None, :]                          # (1, d_model)
    angle = pos / 10000.0 ** (2 * (j // 2) / d_model)             # (max_len, d_model)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))     # (max_len, d_model)
    ### END SOLUTION


# %%
# Try it: compare with the table above
print(sinusoidal_positional_encoding(4, 4))
print(sinusoidal_positional_encoding(3, 5))   # odd d_model: the last column is a sine

# %% tags=["claim"]
_clock_table = np.array([[0.00, 1.00, 0.00, 1.00], [0.84, 0.54, 0.01, 1.00], [0.91, -0.42, 0.02, 1.00], [0.14, -0.99, 0.03, 1.00]])
assert np.allclose(sinusoidal_positional_encoding(4, 4), _clock_table, atol=0.006), f"the clock table must match PE(4, 4), got\n{sinusoidal_positional_encoding(4, 4)}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_pe_shape_and_position_zero", "points": 1}
"""The encoding is a float64 NumPy array of shape (max_len, d_model), and position 0 is [0, 1, 0, 1, ...]."""
import numpy as np
_PE = sinusoidal_positional_encoding(50, 16)
assert isinstance(_PE, np.ndarray), f"the encoding must be a NumPy array (np.ndarray), got {type(_PE).__name__} (build it with NumPy, or call .numpy())"
assert _PE.dtype == np.float64, f"the encoding must be float64 (NumPy's default float), got {_PE.dtype}"
assert _PE.shape == (50, 16), f"expected shape (max_len, d_model) = (50, 16), got {_PE.shape}"
_hint = ""
if np.allclose(_PE[0], np.tile([1.0, 0.0], 8)):
    _hint = " (sin and cos are swapped: sines go in the EVEN columns)"
elif np.allclose(_PE[0], np.repeat([0.0, 1.0], 8)):
    _hint = " (you concatenated a sine half and a cosine half: interleave them, sin in column 2i, cos in 2i+1)"
elif np.allclose(_PE[0], np.tile([0.0, -1.0], 8)):
    _hint = " (the paper has +cos, not -cos)"
elif not np.allclose(_PE[0, 0::2], 0.0):
    _hint = " (positions start at 0, and sin(0) = 0)"
assert np.allclose(_PE[0], np.tile([0.0, 1.0], 8)), f"PE[0] should be [0, 1, 0, 1, ...], got {_PE[0]}{_hint}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_pe_pairs_share_a_frequency", "points": 1}
"""Columns 2i and 2i+1 form a (sin, cos) pair of the same wave: PE[:, 2i]^2 + PE[:, 2i+1]^2 = 1."""
import numpy as np
_PE = np.asarray(sinusoidal_positional_encoding(40, 12), dtype=float)
_radius = _PE[:, 0::2] ** 2 + _PE[:, 1::2] ** 2             # (40, 6)
assert np.allclose(_radius, 1.0), (f"sin^2 + cos^2 of each pair must be 1 at every position; per pair the worst values are "
                                   f"{_radius.min(axis=0)} (are the pairs interleaved, and do both columns of a pair use "
                                   f"the same exponent 2i/d_model, not j/d_model?)")
### BEGIN HIDDEN TESTS
for _L, _d in [(7, 2), (33, 30), (100, 64)]:
    _PE = np.asarray(sinusoidal_positional_encoding(_L, _d), dtype=float)
    assert np.allclose(_PE[:, 0::2] ** 2 + _PE[:, 1::2] ** 2, 1.0), f"pairs are not (sin, cos) of one wave for d_model={_d}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_pe_matches_the_paper", "points": 1}
"""The encoding matches the paper's formula: frequencies 1/10000^(2i/d_model), positions from 0."""
import math
import numpy as np
_PE = np.asarray(sinusoidal_positional_encoding(4, 4), dtype=float)
_want = np.array([math.sin(1.0), math.cos(1.0), math.sin(0.01), math.cos(0.01)])
_hint = ""
if np.isclose(_PE[1, 2], math.sin(1 / 1000 ** 0.5)):
    _hint = " (base 1000? the paper uses 10000)"
elif np.isclose(_PE[1, 2], math.sin(0.1)):
    _hint = " (exponent i/d_model? it is 2i/d_model)"
elif np.allclose(_PE[0], _want):
    _hint = " (row 0 is position 0, not position 1)"
assert np.allclose(_PE[1], _want, atol=1e-6), f"PE[1] for d_model = 4 should be {_want}, got {_PE[1]}{_hint}"
### BEGIN HIDDEN TESTS
def _ref_pe(L, d):
    _half = np.exp(-math.log(10000.0) * np.arange(0, d, 2) / d)   # (ceil(d/2),)
    _out = np.zeros((L, d))
    _ang = np.arange(L)[:, None] * _half[None, :]
    _out[:, 0::2] = np.sin(_ang)
    _out[:, 1::2] = np.cos(_ang[:, : d // 2])
    return _out
for _L, _d in [(1, 2), (9, 6), (64, 32), (128, 512), (2000, 20)]:
    _got = np.asarray(sinusoidal_positional_encoding(_L, _d), dtype=float)
    assert _got.shape == (_L, _d), f"shape {_got.shape} for max_len={_L}, d_model={_d}"
    _tol = 1e-5 if _L <= 128 else 1e-3   # float32 angles near 2000 are only accurate to ~1e-4
    assert np.allclose(_got, _ref_pe(_L, _d), rtol=1e-4, atol=_tol), f"values differ from the paper's formula for max_len={_L}, d_model={_d}"
_n = np.int64(10)
assert np.asarray(sinusoidal_positional_encoding(_n, np.int64(8))).shape == (10, 8), "NumPy ints must work as arguments"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_pe_odd_d_model", "points": 1}
"""Odd d_model works: the last column is a sine of frequency 1/10000^((d_model-1)/d_model)."""
import numpy as np
_PE = np.asarray(sinusoidal_positional_encoding(6, 5), dtype=float)
assert _PE.shape == (6, 5), f"odd d_model: expected shape (6, 5), got {_PE.shape}"
_want = np.sin(np.arange(6) / 10000 ** (4 / 5))
assert np.allclose(_PE[:, 4], _want, atol=1e-6), f"column 4 of d_model = 5 should be sin(pos / 10000^(4/5)) = {_want}, got {_PE[:, 4]}"
### BEGIN HIDDEN TESTS
for _L, _d in [(3, 1), (11, 3), (50, 17), (20, 101)]:
    _got = np.asarray(sinusoidal_positional_encoding(_L, _d), dtype=float)
    assert _got.shape == (_L, _d), f"shape {_got.shape} for max_len={_L}, d_model={_d}"
    _i = np.arange(0, _d, 2)
    _ref = np.zeros((_L, _d))
    _ref[:, 0::2] = np.sin(np.arange(_L)[:, None] / 10000.0 ** (_i / _d))
    _ref[:, 1::2] = np.cos(np.arange(_L)[:, None] / 10000.0 ** (_i[: _d // 2] / _d))
    assert np.allclose(_got, _ref, rtol=1e-4, atol=1e-5), f"wrong values for odd d_model={_d}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_pe_dot_product_depends_only_on_offset", "points": 1}
"""PE[p] . PE[p+k] is the same for every p: it depends only on the offset k."""
import numpy as np
_PE = np.asarray(sinusoidal_positional_encoding(60, 16), dtype=float)
for _k in (1, 3, 10):
    _dots = np.sum(_PE[:-_k] * _PE[_k:], axis=-1)   # PE[p] . PE[p+k] for p = 0..59-k
    assert np.ptp(_dots) < 1e-4, (f"PE[p] . PE[p+{_k}] varies with p (from {_dots.min():.4f} to {_dots.max():.4f}); "
                                  f"each (sin, cos) pair must share one frequency")
### BEGIN HIDDEN TESTS
for _L, _d in [(90, 10), (40, 64)]:
    _PE = np.asarray(sinusoidal_positional_encoding(_L, _d), dtype=float)
    _G = _PE @ _PE.T
    for _k in range(0, _L - 1, 7):
        assert np.ptp(np.diagonal(_G, _k)) < 1e-4, f"dot products at offset {_k} vary with position for d_model={_d}"
### END HIDDEN TESTS

# %% [markdown]
# ### Seeing the waves
# Rows are positions, columns are dimensions. On the left, the fast pairs (left columns)
# oscillate from row to row while the slow pairs (right columns) barely change. On the right,
# a few single dimensions over positions: from fast to slow.

# %%
PE = sinusoidal_positional_encoding(100, 64)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
im = axes[0].imshow(PE, cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
axes[0].set(xlabel="dimension j", ylabel="position pos", title="Sinusoidal encoding, d_model = 64")
fig.colorbar(im, ax=axes[0])
for j, style, marker in [(0, "-", None), (4, "--", None), (10, "-.", None), (20, ":", None), (40, "-", "o")]:
    axes[1].plot(PE[:, j], linestyle=style, marker=marker, markevery=10,
                 label=f"dim {j} (ω = {10000 ** (-(j - j % 2) / 64):.3g})")
axes[1].set(xlabel="position pos", ylabel="PE[pos, j]", title="A few dimensions: fast to slow")
axes[1].legend(fontsize=7, loc="lower left")
plt.tight_layout()
plt.show()

# %% [markdown]
# **Figure.** Left: the encoding of positions 0 to 99 for d_model = 64 as a heatmap (one row per
# position, one column per dimension; red −1, white 0, blue +1): the left columns change colour
# from row to row, the right columns hardly change. Right: dimensions 0, 4, 10, 20 and 40
# against the position, each with its own line style (dimension 40 with circles): dimension 0
# oscillates fastest, dimension 40 hardly moves.

# %% tags=["claim"]
_fast = np.abs(np.diff(PE[:, :4], axis=0)).mean()     # row-to-row change of the two fastest pairs
_slow = np.abs(np.diff(PE[:, 48:], axis=0)).mean()    # ... of the slowest 8 pairs
assert _fast > 50 * _slow, f"text says the left columns oscillate while the right ones barely change: mean step {_fast:.3g} vs {_slow:.3g}"

# %% [markdown]
# ## 4. The properties, proved by computation (~30 min)
#
# **Every position is distinct.** The smallest distance between two different positions:

# %%
PE_long = sinusoidal_positional_encoding(1000, 64)
sq = np.sum(PE_long ** 2, axis=1)
dist2 = sq[:, None] + sq[None, :] - 2 * PE_long @ PE_long.T       # squared distances (1000, 1000)
np.fill_diagonal(dist2, np.inf)
min_distance = np.sqrt(dist2.min())
print(f"smallest distance between two of 1000 positions: {min_distance:.3f}")
same_norm = np.allclose(np.linalg.norm(PE_long, axis=1), np.sqrt(32))
print(f"every row has the same norm sqrt(d_model/2) = {np.sqrt(32):.3f}:", same_norm)

# %% tags=["claim"]
assert min_distance > 0.5, f"text says every position is distinct: smallest distance {min_distance:.3g}, expected clearly > 0"
assert same_norm, "text says every row has norm sqrt(d_model/2)"

# %% [markdown]
# **A shift is a rotation.** This is the property Vaswani et al. give as their motivation: "for
# any fixed offset $k$, $PE_{pos+k}$ can be represented as a linear function of $PE_{pos}$",
# which they hoped "would allow the model to easily learn to attend by relative positions".
# Take one pair, with $\theta = \omega_i\, pos$ and $\phi = \omega_i\, k$. The angle-addition
# formulas give
# $$\sin(\theta + \phi) = \sin\theta\cos\phi + \cos\theta\sin\phi, \qquad
#   \cos(\theta + \phi) = \cos\theta\cos\phi - \sin\theta\sin\phi,$$
# so the new pair is a fixed $2 \times 2$ matrix (depending on $k$ only, not on $pos$) times the
# old pair: every clock hand turns by its own fixed angle $\omega_i k$. Stacking these blocks on
# the diagonal gives one $d_{model} \times d_{model}$ matrix $M_k$ with
# $$PE_{pos+k} = M_k\, PE_{pos} \quad (\text{column vectors}), \qquad\text{i.e.}\qquad
#   PE[pos+k] = PE[pos]\;@\;M_k^\top \quad (\text{rows of our PE array}).$$
#
# ### Exercise 3 — the relative-position matrix (4 points)
# Work out each $2\times 2$ block from the two formulas above (which entry gets $+\sin\phi$ and
# which $-\sin\phi$ matters: the transposed block shifts by $-k$). $k$ may be any integer,
# negative too ($M_{-k}$ shifts back). For odd $d_{model}$ no such matrix exists — the lone last
# sine has no cosine partner to rotate with — so raise a `ValueError`.

# %% nbgrader={"solution": true, "grade_id": "relative_position_matrix"}
def relative_position_matrix(k, d_model):
    """The (d_model, d_model) matrix M with PE[pos + k] = M @ PE[pos] for every position pos.

    PE is sinusoidal_positional_encoding (column-vector convention: for the rows of the PE
    array, PE[pos + k] == PE[pos] @ M.T, and PE[k:] == PE[:-k] @ M.T for k > 0).

    Args:
        k: int offset (may be 0 or negative). d_model: even int >= 2.
    Returns:
        np.ndarray (d_model, d_model) of float64, block-diagonal: a 2x2 rotation block on rows/columns
        (2i, 2i+1), zeros elsewhere; the block of pair i rotates by the angle k / 10000^(2i/d_model).
    Raises:
        ValueError if d_model is odd (the last sine has no cosine partner: no such matrix exists).
    Example: relative_position_matrix(0, d_model) is the identity; for d_model = 2,
        relative_position_matrix(k, 2) @ [sin(p), cos(p)] == [sin(p + k), cos(p + k)].
    """
    ### BEGIN SOLUTION
    if d_model % 2:
        raise ValueError(f"d_model must be even for a relative-position matrix, got {d_model}: "
                         "the last sine column has no cosine partner")
    M = np.zeros((d_model, d_model))
    for i in range(d_model // 2):
        phi = k / 10000.0 ** (2 * i / d_model)
        c, s = np.cos(phi), np.sin(phi)
        M[2 * i: 2 * i + 2, 2 * i: 2 * i + 2] = [[c, s], [-s, c]]   # (sin, cos) -> (sin, cos) shifted by k
    return M
    ### END SOLUTION


# %%
# Try it: shift every position of an 8-dimensional encoding by k = 3 with one matrix product
M3 = relative_position_matrix(3, 8)
PE8 = sinusoidal_positional_encoding(20, 8)
print(M3)
print("PE[3:] == PE[:-3] @ M.T ?", np.allclose(PE8[3:], PE8[:-3] @ M3.T))   # uses your Exercise 2 too: if False, check its tests first

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rel_block_diagonal_rotation", "points": 1}
"""relative_position_matrix is a float64 np.ndarray (d_model, d_model), block-diagonal with 2x2 rotation blocks, and M_0 = I."""
import numpy as np
_M = relative_position_matrix(5, 6)
assert isinstance(_M, np.ndarray) and _M.dtype == np.float64, (
    f"M must be a float64 NumPy array, got {type(_M).__name__}" + (f" of dtype {_M.dtype}" if hasattr(_M, "dtype") else ""))
assert _M.shape == (6, 6), f"expected shape (d_model, d_model) = (6, 6), got {_M.shape}"
_blocks = np.kron(np.eye(3), np.ones((2, 2))).astype(bool)
assert np.allclose(_M[~_blocks], 0.0), f"M must be zero outside the 2x2 diagonal blocks (pairs 2i, 2i+1), got\n{_M}"
assert np.allclose(_M @ _M.T, np.eye(6), atol=1e-6), f"each block must be a rotation (M M^T = I), got M M^T =\n{_M @ _M.T}"
_M0 = np.asarray(relative_position_matrix(0, 6), dtype=float)
assert np.allclose(_M0, np.eye(6), atol=1e-6), f"a shift by 0 positions must be the identity, got\n{_M0}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rel_rotation_direction", "points": 1}
"""For d_model = 2, M_k maps [sin p, cos p] to [sin(p+k), cos(p+k)] (the sign of the sines)."""
import math
import numpy as np
_M = np.asarray(relative_position_matrix(2, 2), dtype=float)
for _p in (0.0, 1.0, 4.0):
    _got = _M @ np.array([math.sin(_p), math.cos(_p)])
    _want = np.array([math.sin(_p + 2), math.cos(_p + 2)])
    _back = np.array([math.sin(_p - 2), math.cos(_p - 2)])
    assert np.allclose(_got, _want, atol=1e-6), (f"M_2 @ [sin {_p:g}, cos {_p:g}] should be [sin {_p + 2:g}, cos {_p + 2:g}] = {_want}, got {_got}"
                                      + (" — that is a shift by -2: your blocks are transposed (swap the signs of the sines)"
                                         if np.allclose(_got, _back) else ""))

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rel_shifts_every_position", "points": 1}
"""PE[pos + k] = M_k @ PE[pos] for every position, for several k (negative too) and d_model."""
import math
import numpy as np
_PE4 = np.array([[math.sin(p), math.cos(p), math.sin(p / 100), math.cos(p / 100)] for p in range(30)])  # d_model = 4
_M = np.asarray(relative_position_matrix(7, 4), dtype=float)
_err = np.abs(_PE4[7:] - _PE4[:-7] @ _M.T).max()
assert _err < 1e-5, f"PE[pos + 7] != M_7 @ PE[pos] for d_model = 4 (largest error {_err:.3g}); does block i use the angle k / 10000^(2i/d_model)?"
### BEGIN HIDDEN TESTS
def _ref_pe_rel(L, d):
    _w = np.exp(-math.log(10000.0) * np.arange(0, d, 2) / d)
    _out = np.zeros((L, d))
    _out[:, 0::2] = np.sin(np.arange(L)[:, None] * _w)
    _out[:, 1::2] = np.cos(np.arange(L)[:, None] * _w)
    return _out
for _d in (2, 6, 16, 64):
    _PEr = _ref_pe_rel(120, _d)
    for _k in (0, 1, 13, 50, -1, -20):
        _M = np.asarray(relative_position_matrix(_k, _d), dtype=float)
        assert _M.shape == (_d, _d), f"shape {_M.shape} for d_model={_d}"
        _lo, _hi = max(0, -_k), min(120, 120 - _k)
        assert np.allclose(_PEr[_lo + _k:_hi + _k], _PEr[_lo:_hi] @ _M.T, atol=1e-5), f"PE[pos + k] != M_k PE[pos] for k={_k}, d_model={_d}"
_M = np.asarray(relative_position_matrix(np.int64(3), 8), dtype=float)
assert np.allclose(_M @ np.asarray(relative_position_matrix(4, 8), dtype=float), relative_position_matrix(7, 8), atol=1e-5), "M_3 M_4 must equal M_7"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_rel_odd_d_model_raises", "points": 1}
"""relative_position_matrix raises ValueError for odd d_model (no such matrix exists)."""
import numpy as np
for _d in (5, 1):
    try:
        relative_position_matrix(2, _d)
    except ValueError:
        pass
    except Exception as _e:
        raise AssertionError(f"odd d_model = {_d} must raise ValueError, got {type(_e).__name__}: {_e}") from None
    else:
        raise AssertionError(f"odd d_model = {_d} must raise ValueError (the last sine has no cosine partner), nothing was raised")
_M = np.asarray(relative_position_matrix(2, 4))
assert _M.shape == (4, 4), f"even d_model must still work, got shape {_M.shape}"

# %% [markdown]
# **Dot products depend only on the offset.** For even $d_{model}$,
# $PE_{p} \cdot PE_{p+k} = \sum_i \left(\sin\omega_i p\,\sin\omega_i (p+k) + \cos\omega_i p\,\cos\omega_i (p+k)\right)
# = \sum_i \cos(\omega_i k)$: no $p$ left. (Equivalently, $PE_p\cdot PE_{p+k} = PE_p^\top M_k PE_p$, and
# a rotation by $\phi$ changes the direction of any unit vector by exactly $\phi$, so each pair
# contributes $\cos\phi$ wherever it starts.) The matrix of all dot products is constant along every diagonal;
# it is largest at offset 0 ($d_{model}/2$) and, with some ripples, falls off with the distance:
# nearby positions look alike.

# %%
G = PE @ PE.T                                           # (100, 100) dot products
spread = max(np.ptp(np.diagonal(G, k)) for k in range(99))
print(f"largest variation of PE[p].PE[p+k] along any diagonal: {spread:.2e}")
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
im = axes[0].imshow(G, cmap="viridis")
axes[0].set(xlabel="position q", ylabel="position p", title="PE[p] · PE[q]: constant along diagonals")
fig.colorbar(im, ax=axes[0])
axes[1].plot(G[0], label="PE[0] · PE[k]")
axes[1].plot(G[40, 40:], "--", label="PE[40] · PE[40+k]")
axes[1].set(xlabel="offset k", ylabel="dot product", title="The same curve from any start")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# **Figure.** Left: the dot products PE[p] · PE[q] of 100 positions as a heatmap (bright =
# large): the colour is the same along every diagonal and brightest on the main one. Right:
# PE[0] · PE[k] (solid line) and PE[40] · PE[40+k] (dashed) against the offset k: the two
# curves coincide, falling from 32 at k = 0 with ripples.

# %% tags=["claim"]
assert spread < 1e-9, f"text says PE[p].PE[p+k] does not depend on p: largest variation along a diagonal {spread:.3g}"
assert np.all(G.argmax(axis=1) == np.arange(len(G))) and np.isclose(G[0, 0], 32), "text says the dot product is largest at offset 0, where it is d_model/2 = 32"
assert G[0, 1] > G[0, 5:].max() and G[0, :10].mean() > G[0, 50:].mean() + 5, f"text says the dot product falls off with the distance: {G[0, :10].round(1)} ... {G[0, 50:].mean():.1f}"
assert np.allclose(G[0, :60], G[40, 40:]), "text says the curve is the same from any start"

# %% [markdown]
# **Bounded, for any length.** Every entry is a sine or cosine, so every value lies in
# $[-1, 1]$ and every row has norm $\sqrt{d_{model}/2}$ — at position 10 as at position
# 199,999, far beyond any training length. Compare the integers of section 2.

# %%
far = sinusoidal_positional_encoding(200_000, 16)[[10, 100_000, 199_999]]
print("max |value| at positions 10, 100000, 199999:", np.abs(far).max(axis=1))
print("norms:", np.linalg.norm(far, axis=1), " (sqrt(8) =", round(math.sqrt(8), 3), ")")

# %% tags=["claim"]
assert np.abs(far).max() <= 1.0 and np.allclose(np.linalg.norm(far, axis=1), math.sqrt(8)), f"text says values stay in [-1, 1] with norm sqrt(8): {np.abs(far).max(axis=1)}, {np.linalg.norm(far, axis=1)}"

# %% [markdown]
# **Positions break the symmetry.** Back to the sentence pair: add the encodings to the
# embeddings (scaled by $\sqrt{d_{model}}$ as in the paper) and measure again.
#
# ![Diagram of the input of the first layer for "the cat chased the mouse": for each position 0 to 4, the word's embedding vector (8 coloured cells) plus that position's encoding vector equals the input vector. The word "the" at positions 0 and 3 has the same embedding row but a different position row, so its two input vectors differ.](figures/embedding_plus_position.svg)

# %%
def with_positions(X):
    return X * np.sqrt(d_model) + sinusoidal_positional_encoding(X.shape[-2], d_model)

out_a = attend(with_positions(embed(sent_a)))
out_b = attend(with_positions(embed(sent_b)))
print("'mouse' as object vs subject, same output now?", np.allclose(out_a[4], out_b[1]))
gap_with_positions = equivariance_gap(lambda X: attend(with_positions(X)), embed(sent_a), perm_ab)
print("gap of attention applied after adding positions:", gap_with_positions)

# %% tags=["claim"]
assert not np.allclose(out_a[4], out_b[1]), "text says positions break the symmetry: 'mouse' must now get different outputs"
assert gap_with_positions > 0.1, f"text says the gap is no longer 0 with positions, got {gap_with_positions:.3g}"

# %% [markdown]
# ## Going further: rotary embeddings, the same rotation used differently (~12 min, optional)
#
# Most recent large language models (GPT-NeoX, PaLM, LLaMA and their successors) do not add
# anything to the embeddings. Instead, RoFormer (Su et al., 2021) *rotates* each query and key by its position,
# with block rotations like yours (same frequencies; RoFormer turns the other way, which changes
# nothing here): $\tilde q_m = M_m q$, $\tilde k_n = M_n k$. Rotations compose and
# preserve dot products, so
# $\tilde q_m \cdot \tilde k_n = q^\top M_m^\top M_n k = q^\top M_{n-m} k$: the attention score
# depends only on the **relative** position $n - m$, in every layer (and on its sign: a key 3
# positions *before* the query is not the same as one 3 positions after). Check it with your
# function:

# %%
rng = np.random.default_rng(3)
q, k = rng.normal(size=8), rng.normal(size=8)
rope = lambda x, pos: relative_position_matrix(pos, 8) @ x        # rotate a query or key by its position
rope_scores = {}
for m, n in [(2, 5), (10, 13), (500, 503), (7, 4)]:
    rope_scores[m, n] = rope(q, m) @ rope(k, n)
    print(f"query at {m:3d}, key at {n:3d} (offset {n - m:+d}): score {rope_scores[m, n]:+.6f}")

# %% tags=["claim"]
assert np.allclose(rope_scores[2, 5], [rope_scores[10, 13], rope_scores[500, 503]], atol=1e-9), f"text says the score depends only on the offset: {rope_scores}"
assert abs(rope_scores[7, 4] - rope_scores[2, 5]) > 0.1, f"text says offsets -3 and +3 give different scores: {rope_scores}"

# %% [markdown]
# ## 5. Learned positional embeddings (~25 min)
#
# **Theory hint.** The alternative the paper tried (§3.5): let the model *learn* one vector per
# position, a table of shape `(max_len, d_model)` trained like the word embeddings. BERT
# (Devlin et al., 2019; 512 positions) and GPT-2 (Radford et al., 2019; 1024 positions) do this.
# The forward pass looks up the rows of positions $0, 1, \dots, T-1$ — the *positions*, not the
# token ids — and adds them to the input.
#
# **Real-world example — numbered seats.** A theatre with learned embeddings is a hall with
# numbered seats: each seat has its own label, as detailed as you like, but seat 513 does not
# exist. Sinusoids are a formula for the seat's coordinates: you can compute them for any seat,
# even in an extension of the hall nobody has sat in yet.
#
# ### Exercise 4 — `LearnedPositionalEmbedding` (5 points)
# Use an `nn.Embedding(max_len, d_model)` (any attribute name) and `torch.arange`. For $T >$
# `max_len` raise a `ValueError` that says so: the default `IndexError: index out of range in
# self` of `nn.Embedding` does not tell the user what went wrong.

# %% nbgrader={"solution": true, "grade_id": "LearnedPositionalEmbedding"}
class LearnedPositionalEmbedding(nn.Module):
    """Adds a trainable vector for each position 0..T-1 to the input.

    Args (constructor):
        max_len: int, the number of positions that have a vector. d_model: int, vector size.
    forward(x):
        x: float32 tensor (B, T, d_model) (batch first; T <= max_len).
        Returns x + P[0:T], a new float32 tensor (B, T, d_model) (x itself is left unchanged),
        where P is the (max_len, d_model) weight of an nn.Embedding, the module's only
        parameters, looked up at the positions 0, 1, ..., T-1 (the same for every sequence of
        the batch, whatever the tokens are). P is trained through this sum: gradients of the
        output must reach it (no .detach(), .data or torch.no_grad() in forward).
        Raises ValueError if T > max_len (there is no vector for those positions).
    Example: with x = torch.zeros(2, 3, d_model), forward(x)[b] == P[:3] for b = 0, 1.
    """

    def __init__(self, max_len, d_model):
        super().__init__()
        ### BEGIN SOLUTION
        self.max_len = max_len
        self.embedding = nn.Embedding(max_len, d_model)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        T = x.shape[-2]
        if T > self.max_len:
            raise ValueError(f"sequence length {T} exceeds max_len = {self.max_len}: "
                             "a learned positional embedding has no vector for positions >= max_len")
        positions = torch.arange(T, device=x.device)   # (T,)
        return x + self.embedding(positions)           # (B, T, d_model) + (T, d_model)
        ### END SOLUTION


# %%
# Try it
torch.manual_seed(0)
lpe = LearnedPositionalEmbedding(max_len=16, d_model=8)
x = torch.randn(2, 5, 8)
print(lpe(x).shape)                                    # torch.Size([2, 5, 8])
print("parameters:", sum(p.numel() for p in lpe.parameters()))   # 16 * 8 = 128
try:
    lpe(torch.randn(1, 17, 8))
except ValueError as e:
    print("ValueError:", e)

# %% tags=["claim"]
assert sum(p.numel() for p in lpe.parameters()) == 128, "the comment says 16 * 8 = 128 parameters"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_learned_has_a_position_table", "points": 1}
"""LearnedPositionalEmbedding is an nn.Module holding an nn.Embedding(max_len, d_model), its only parameters, trained through forward."""
import torch
from torch import nn
torch.manual_seed(0)
_m = LearnedPositionalEmbedding(12, 7)
assert isinstance(_m, nn.Module), f"LearnedPositionalEmbedding must be an nn.Module, got {type(_m)}"
_embs = [mod for mod in _m.modules() if isinstance(mod, nn.Embedding)]
assert len(_embs) == 1, f"expected exactly one nn.Embedding inside, found {len(_embs)}"
assert tuple(_embs[0].weight.shape) == (12, 7), f"the table must have one row per position: shape (max_len, d_model) = (12, 7), got {tuple(_embs[0].weight.shape)}"
_n = sum(p.numel() for p in _m.parameters())
assert _n == 12 * 7, f"max_len * d_model = 84 trainable numbers expected, got {_n}"
### BEGIN HIDDEN TESTS
_m = LearnedPositionalEmbedding(6, 3)
_tables = [p for p in _m.parameters() if tuple(p.shape) == (6, 3)]
assert _tables, "the module needs a trainable position table of shape (max_len, d_model) = (6, 3) (an nn.Embedding)"
try:
    _y = _m(torch.randn(2, 4, 3))
except Exception:
    _y = None                   # errors inside forward are named by the tests below, not here
if isinstance(_y, torch.Tensor):
    assert _y.requires_grad, ("forward's output carries no gradient back to the position table: do not .detach() the "
                              "position vectors, use .data, or run forward under torch.no_grad()")
    _y.sum().backward()
    _g = _tables[0].grad
    assert _g is not None and bool(_g.abs().sum() > 0), ("the module's own position table got no gradient from forward: "
                                                       "look the positions up in the nn.Embedding created in __init__")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_learned_adds_to_the_input", "points": 1}
"""forward(x) returns a new tensor x + P[0:T] (same dtype, x unchanged): the position vectors are ADDED to the input."""
import torch
from torch import nn
torch.manual_seed(1)
_m = LearnedPositionalEmbedding(10, 4)
_tables = [p for p in _m.parameters() if tuple(p.shape) == (10, 4)]   # the (max_len, d_model) position table
assert _tables, "the module needs a trainable position table of shape (max_len, d_model) = (10, 4) (an nn.Embedding)"
_P = _tables[0].detach()
_x = torch.randn(1, 6, 4)
_x_before = _x.clone()
with torch.no_grad():
    _y = _m(_x)
assert torch.equal(_x, _x_before), "forward changed its input x in place (x += ...): return a new tensor x + P[:T] and leave x as it was"
assert isinstance(_y, torch.Tensor) and _y.dtype == _x.dtype, (
    f"forward must return a torch tensor of the input's dtype ({_x.dtype}), got {type(_y).__name__}"
    + (f" of dtype {_y.dtype}" if hasattr(_y, "dtype") else ""))
assert tuple(_y.shape) == (1, 6, 4), f"output shape should be (B, T, d_model) = (1, 6, 4), got {tuple(_y.shape)}"
_hint = " (you returned the position vectors alone: add them to x)" if torch.allclose(_y, _P[:6].expand(1, 6, 4)) else ""
assert torch.allclose(_y, _x + _P[:6]), f"output should be x + P[:6]; largest difference {(_y - _x - _P[:6]).abs().max():.3g}{_hint}"
### BEGIN HIDDEN TESTS
for _B, _T, _L, _d in [(3, 5, 9, 2), (2, 1, 4, 6), (4, 7, 7, 3)]:
    _m = LearnedPositionalEmbedding(_L, _d)
    _P = [p for p in _m.parameters() if tuple(p.shape) == (_L, _d)][0].detach()
    _x = torch.randn(_B, _T, _d) * 10
    with torch.no_grad():
        _y = _m(_x)
    assert torch.allclose(_y, _x + _P[:_T]), f"output != x + P[:T] for B={_B}, T={_T}, max_len={_L}, d_model={_d}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_learned_uses_positions_not_batch_or_tokens", "points": 1}
"""The added vector depends only on the position (axis 1): the same for every sequence, whatever it contains."""
import torch
from torch import nn
torch.manual_seed(2)
_m = LearnedPositionalEmbedding(8, 3)
_x = torch.randn(5, 2, 3) * 3                  # 5 sequences of length 2 (B != T)
with torch.no_grad():
    _added = _m(_x.clone()) - _x               # (5, 2, 3)
assert tuple(_added.shape) == (5, 2, 3), f"output shape should be (B, T, d_model) = (5, 2, 3), got {tuple(_added.shape)}"
_spread = (_added - _added[:1]).abs().max().item()
assert _spread < 1e-6, f"every sequence of the batch must get the same position vectors, they differ by up to {_spread:.3g} (index with the positions 0..T-1 of axis 1, not the batch axis or the tokens)"
### BEGIN HIDDEN TESTS
_tables = [p for p in _m.parameters() if tuple(p.shape) == (8, 3)]   # the (max_len, d_model) position table
assert _tables, "the module needs a trainable position table of shape (max_len, d_model) = (8, 3) (an nn.Embedding)"
_P = _tables[0].detach()
assert torch.allclose(_added[0].double(), _P[:2].double(), atol=1e-6), "the rows added must be P[0] and P[1] (positions along axis 1)"
_x2 = torch.randn(3, 6, 3)
with torch.no_grad():
    _added2 = _m(_x2.clone()) - _x2
assert torch.allclose(_added2.double(), _P[:6].expand(3, 6, 3).double(), atol=1e-6), "the position vectors must not depend on the input values"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_learned_positions_start_at_zero", "points": 1}
"""Positions are 0..T-1: T = max_len works, and position 0 uses row 0 of the table."""
import torch
from torch import nn
torch.manual_seed(3)
_m = LearnedPositionalEmbedding(5, 4)
_tables = [p for p in _m.parameters() if tuple(p.shape) == (5, 4)]   # the (max_len, d_model) position table
assert _tables, "the module needs a trainable position table of shape (max_len, d_model) = (5, 4) (an nn.Embedding)"
_P = _tables[0].detach()
_x = torch.zeros(2, 5, 4)
try:
    with torch.no_grad():
        _y = _m(_x.clone())
except (IndexError, ValueError) as _e:
    raise AssertionError(f"a sequence of exactly max_len = 5 positions must work (positions 0..4), got {type(_e).__name__}: {_e}") from None
_added = (_y - _x)[0, 0]                       # what was added at position 0
assert torch.allclose(_added.double(), _P[0].double()), f"position 0 must use row 0 of the table: expected {_P[0]}, got {_added} (positions start at 0, not 1)"
### BEGIN HIDDEN TESTS
for _L, _T in [(6, 6), (9, 3), (1, 1)]:
    _m = LearnedPositionalEmbedding(_L, 2)
    _tables = [p for p in _m.parameters() if tuple(p.shape) == (_L, 2)]
    assert _tables, f"the module needs a position table of shape (max_len, d_model) = ({_L}, 2)"
    _x = torch.zeros(4, _T, 2)                 # zeros: what comes out is what was added
    with torch.no_grad():
        _added = _m(_x.clone()) - _x
    assert torch.allclose(_added.double(), _tables[0].detach()[:_T].expand(4, _T, 2).double(), atol=1e-6), (
        f"positions 0..{_T - 1} must add rows 0..{_T - 1} of the table, in order (max_len = {_L}, T = {_T})")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_learned_past_max_len_raises", "points": 1}
"""A sequence longer than max_len raises a ValueError (not nn.Embedding's IndexError)."""
import torch
_m = LearnedPositionalEmbedding(4, 3)
try:
    _m(torch.zeros(1, 5, 3))
except ValueError:
    pass
except Exception as _e:
    raise AssertionError(f"T = 5 > max_len = 4 must raise ValueError explaining max_len, got {type(_e).__name__}: {_e}") from None
else:
    raise AssertionError("T = 5 > max_len = 4 must raise ValueError: there is no vector for position 4, but nothing was raised")

# %% [markdown]
# **Discovery — the honest comparison.** Vaswani et al. trained the base model with learned
# positional embeddings instead of sinusoids (Table 3, row (E)): development-set BLEU 25.7
# against 25.8, perplexity 4.92 against 4.92 — "nearly identical results". They kept the
# sinusoids "because it may allow the model to extrapolate to sequence lengths longer than the
# ones encountered during training". Ask both kinds for sequences of 100, 512 and 600 positions:

# %%
lpe = LearnedPositionalEmbedding(max_len=512, d_model=16)
length_demo = {}
for T in (100, 512, 600):
    try:
        lpe(torch.zeros(1, T, 16))
        learned = "ok"
    except ValueError:
        learned = "ValueError: no vector"
    sinus = sinusoidal_positional_encoding(T, 16)
    length_demo[T] = (learned, sinus.shape, np.abs(sinus).max())
    print(f"T = {T}: learned -> {learned:22s} sinusoidal -> shape {sinus.shape}, max |value| {np.abs(sinus).max():.2f}")

# %% tags=["claim"]
assert [length_demo[T][0] for T in (100, 512, 600)] == ["ok", "ok", "ValueError: no vector"], f"text: the learned table has no vector past max_len = 512: {length_demo}"
assert all(length_demo[T][1] == (T, 16) and length_demo[T][2] <= 1.0 for T in length_demo), f"text: the sinusoids are defined and bounded for every length: {length_demo}"

# %% [markdown]
# ### Question — learned or sinusoidal? (2 points, graded by hand)
# You build an encoder for documents that are at most 256 tokens long in training, but must
# sometimes read 400-token documents in use. (a) What happens with each kind of positional
# encoding on a 400-token document? (b) Which would you pick, and what does Table 3 row (E)
# tell you about the price of your choice? (c) What does "defined beyond the training length"
# *not* guarantee?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_learned_or_sinusoidal", "points": 2}
# **Model answer.** (a) A learned table with max_len = 256 has no vector for positions 256–399:
# the model cannot run (our ValueError; you would have to truncate, or extend the table and
# retrain). The sinusoidal encoding is defined for every position, bounded in [-1, 1] with the
# same norm, and the shift-by-k rotation is the same as in training. (b) Sinusoidal (or a
# relative scheme such as rotary embeddings): in Vaswani et al.'s experiment learned and
# sinusoidal encodings gave nearly identical quality (BLEU 25.7 vs 25.8, same perplexity), so
# little is lost within the training length. (c) That the model works well there: it has never
# seen the slow dimensions take those values or attention patterns that long, so quality can
# drop past the training length (Press et al., 2022 measured this); defined ≠ generalises.
# *Full marks:* both behaviours in (a) (1 pt); a justified choice using row (E) and the
# limit in (c) (1 pt).

# %% [markdown]
# **Defined is not the same as useful.** The paper's reason for keeping the sinusoids was a hope,
# which it did not test. You have seen both sides of it: the sinusoidal formula gives
# well-behaved vectors for any position, while the learned table has none past `max_len` (your
# `ValueError`). But later measurements (Press et al., 2022) found that language models trained
# with sinusoids degrade quickly past their training length too, and that rotary embeddings
# degrade as well; their remedy, ALiBi, adds no position vector at all and lowers each
# attention score in proportion to the distance between query and key.

# %% [markdown]
# ## 6. Concept quiz (5 points, ~10 min)
#
# Quick questions on this part's ideas, one point each. Answer each in its own cell — replace `None` (and delete the `raise NotImplementedError()` line) with a
# letter as a string (`"B"`), `True`/`False`, or a number, as the cell says. The check below each
# answer only tells you whether your answer has the right *form*; whether it is right is checked
# when your work is graded.

# %% [markdown]
# **Question 1.** Self-attention without any positional information: you permute the input tokens. What
# happens to the outputs?
#
# - **A** — nothing: they are unchanged (permutation-*invariant*)
# - **B** — they are permuted in the same way (permutation-*equivariant*)
# - **C** — they change unpredictably
# - **D** — they are reversed

# %% nbgrader={"solution": true, "grade_id": "quiz_equivariance"}
quiz_equivariance = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_equivariance = "B"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_equivariance", "points": 1}
"""Question 1: what permuting the tokens does without positions."""
assert isinstance(quiz_equivariance, str) and quiz_equivariance.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_equivariance!r}'
### BEGIN HIDDEN TESTS
assert quiz_equivariance.strip().upper() == "B", "each output depends on its own token and the set of all tokens, so permuting the inputs permutes the outputs: equivariant, not invariant (only a pooled output is invariant)"
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** Which formula gives $PE_{(pos,\,2i+1)}$, the odd dimensions, in Vaswani et al. (2017, §3.5)?
#
# - **A** — $\cos(pos / 10000^{2i/d_\text{model}})$
# - **B** — $\cos(pos / 10000^{(2i+1)/d_\text{model}})$
# - **C** — $\sin(pos \cdot 10000^{2i/d_\text{model}})$
# - **D** — $\cos(pos / 10000^{i/d_\text{model}})$

# %% nbgrader={"solution": true, "grade_id": "quiz_pe_odd_dims"}
quiz_pe_odd_dims = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_pe_odd_dims = "A"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_pe_odd_dims", "points": 1}
"""Question 2: the sinusoidal formula for the odd dimensions."""
assert isinstance(quiz_pe_odd_dims, str) and quiz_pe_odd_dims.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_pe_odd_dims!r}'
### BEGIN HIDDEN TESTS
assert quiz_pe_odd_dims.strip().upper() == "A", "dimensions 2i and 2i+1 share one frequency: PE(pos, 2i) = sin(pos / 10000^(2i/d_model)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model))"
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** How does the original transformer combine the positional encoding with the token embedding?
#
# - **A** — it concatenates them, doubling the width
# - **B** — it multiplies them elementwise
# - **C** — it gives the encoding to the first attention layer as an extra input
# - **D** — it adds them: both have size $d_\text{model}$, and the embedding is first multiplied by $\sqrt{d_\text{model}}$

# %% nbgrader={"solution": true, "grade_id": "quiz_pe_combined"}
quiz_pe_combined = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_pe_combined = "D"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_pe_combined", "points": 1}
"""Question 3: how the encoding meets the embedding."""
assert isinstance(quiz_pe_combined, str) and quiz_pe_combined.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_pe_combined!r}'
### BEGIN HIDDEN TESTS
assert quiz_pe_combined.strip().upper() == "D", "Vaswani et al. 3.4-3.5: the encodings have the same dimension d_model as the embeddings so that the two can be summed; the embedding weights are multiplied by sqrt(d_model)"
### END HIDDEN TESTS

# %% [markdown]
# **Question 4.** Dimensions 0 and 1 ($i = 0$) are the fastest pair of the sinusoidal encoding. What is
# their wavelength: after how many positions does $PE_{(pos,\,0)}$ repeat? Work it out from the formula
# (a number of positions, not an angular frequency); two decimals are enough.

# %% nbgrader={"solution": true, "grade_id": "quiz_fastest_wavelength"}
quiz_fastest_wavelength = None  # a number
### BEGIN SOLUTION
quiz_fastest_wavelength = 6.283185307179586
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_fastest_wavelength", "points": 1}
"""Question 4: the wavelength of the fastest sinusoid."""
import numpy as np
import numbers
assert isinstance(quiz_fastest_wavelength, numbers.Real) and not isinstance(quiz_fastest_wavelength, (bool, np.bool_)), \
    f"answer with a number (an int or a float), got {quiz_fastest_wavelength!r}"
assert 0 <= quiz_fastest_wavelength <= 1000000000.0, f"a wavelength is a positive number of positions, got {quiz_fastest_wavelength!r}"
### BEGIN HIDDEN TESTS
assert abs(float(quiz_fastest_wavelength) - 6.283185307179586) <= 0.01, "for i = 0, PE(pos, 0) = sin(pos / 10000^0) = sin(pos): it repeats every 2 pi = 6.28 positions"
### END HIDDEN TESTS

# %% [markdown]
# **Question 5.** True or False: a learned positional embedding table trained with `max_len = 512` gives a
# meaningful vector for position 600.

# %% nbgrader={"solution": true, "grade_id": "quiz_learned_extrapolates"}
quiz_learned_extrapolates = None  # True or False
### BEGIN SOLUTION
quiz_learned_extrapolates = False
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_learned_extrapolates", "points": 1}
"""Question 5: learned position tables do not extrapolate."""
import numpy as np
assert isinstance(quiz_learned_extrapolates, (bool, np.bool_)), f"answer True or False (without quotes), got {quiz_learned_extrapolates!r}"
### BEGIN HIDDEN TESTS
assert bool(quiz_learned_extrapolates) is False, "False: the table has rows for positions 0..511 only, so position 600 has no vector (sinusoids are defined for every position)"
### END HIDDEN TESTS

# %% [markdown]
# ## Key takeaways
# 1. Self-attention (and everything position-wise) is permutation-**equivariant**: permuting
#    the words permutes the outputs, so "The cat chased the mouse" and "The mouse chased the
#    cat" get the same word representations. Pooled outputs are invariant. (Going further: a
#    causal mask breaks the symmetry only partly.) Positions must be injected.
# 2. The transformer **adds** a position vector to each (√d_model-scaled) word embedding.
# 3. Sinusoidal encoding: $PE_{(pos,2i)} = \sin(pos/10000^{2i/d_{model}})$,
#    $PE_{(pos,2i+1)} = \cos(pos/10000^{2i/d_{model}})$, interleaved, positions from 0:
#    waves from fast to slow (wavelengths from $2\pi$ up to almost $10000 \cdot 2\pi$ positions),
#    like clock hands.
# 4. Its properties, which you computed: every position distinct; bounded for any length; a
#    shift by $k$ is a block-diagonal rotation $M_k$ ($PE_{pos+k} = M_k PE_{pos}$); dot products
#    depend only on the offset.
# 5. Learned embeddings work as well within the training length (Table 3 row (E)) but have no
#    vector past max_len. (Going further: rotary embeddings apply the same rotations to queries
#    and keys, so attention scores depend only on relative positions.)
#
# **Next — Part 5:** we have attention, heads and positions. Add layer normalisation, residual
# connections and a position-wise feed-forward network, and you have a transformer block.

# %% [markdown]
# ## Readings for this part
# | reading | read it for |
# |---|---|
# | Vaswani et al. (2017), §3.5 *Positional Encoding* and §3.4 *Embeddings and Softmax*, Table 3 row (E) | the formula, the wavelengths from $2\pi$ to $10000 \cdot 2\pi$, the relative-position argument you proved, the $\sqrt{d_\text{model}}$ scaling, learned vs sinusoidal |
# | Tunstall, von Werra & Wolf, *Natural Language Processing with Transformers* (O'Reilly, revised ed. 2022), ch. 3 *Transformer Anatomy*, "Positional Embeddings" | learned position embeddings as BERT uses them (your Exercise 4), and the book's notes on sinusoidal and relative positions |
# | Jay Alammar, "The Illustrated Transformer" (2018, jalammar.github.io), "Representing The Order of The Sequence Using Positional Encoding" | pictures of the encoding; note the post's own update: its first figure puts the sines and the cosines in two halves (the Tensor2Tensor code) instead of interleaving them as the paper's formula does |
# | Mehreen Saeed, "A Gentle Introduction to Positional Encoding in Transformer Models, Part 1" (Machine Learning Mastery, 2022) | a second, slower walk through the formula, a from-scratch NumPy version with loops, and plots of the waves and of the whole encoding matrix. Its formula is the paper's, written with $k$ for $pos$, $d$ for $d_{model}$ and $n$ for 10000; but its small worked example sets $n = 100$, so its numbers are not the paper's (nor yours), and its loop over $i < d/2$ leaves the last column at 0 for an odd $d$ |
# | Hugging Face LLM course, chapter 1, "How do Transformers work?" (huggingface.co/learn) | the place of positions in the architecture only: the chapter does not derive the sine/cosine encoding |
# | Su et al. (2021), *RoFormer* | rotary embeddings (the going-further section): the rotation of your Exercise 3 applied to queries and keys |
