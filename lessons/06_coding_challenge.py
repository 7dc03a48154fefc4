# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Part 6 — Coding challenge: build your own attention, then make a transformer learn
#
# *Transformer Internals, part 6 of 7. Time: about 155 min core + 30 min going further (optional).*
#
# You have invented every piece of a transformer: attention (Part 2), several heads (Part 3),
# positions (Part 4), the encoder block (Part 5). Today you put them to work. First a warm-up:
# write attention once more, from memory, in plain NumPy. Then three practice problems. Then
# the real challenge: assemble a small transformer, write its training step, and train it on a
# task that needs **order** and a **long-range dependency** — side by side with an LSTM that
# has as many parameters and the same training budget. You will watch one of them solve the task
# and the other one struggle, and you will look inside the winner to see *how* it solved it.
#
# **Learning objectives** — you will be able to
# 1. implement scaled dot-product attention from scratch and check it against PyTorch;
# 2. reason about attention weights, sequential steps and what several heads can specialise in;
# 3. assemble a transformer from its parts (embeddings, positions, blocks, output head);
# 4. write a correct PyTorch training step (loss, `zero_grad`, `backward`, `step`);
# 5. run a fair comparison with an LSTM baseline, measure held-out accuracy, and read the
#    trained model's attention maps;
# 6. explain how attention's time and memory grow with the sequence length, and write the
#    key/value cache that makes generation affordable (and measure both, if you go further).
#
# **How this notebook works.** Fill in every cell that says `YOUR CODE HERE`, then run the
# "try it" cell below it and the test cells (the ones that start with a docstring). A test cell
# that runs silently passed. Some checks are hidden and run only when your work is graded, so
# make your code correct in general, not just on the visible example. Questions marked
# *(graded by hand)* are read by a person: answer in your own words, in a few sentences.
# Sections titled *Going further* are optional and ungraded. Every training run in this
# notebook takes seconds, not minutes, on a laptop CPU.
#
# Conventions used in the whole course: arrays are row-major with the batch first (`X` has
# shape `(..., T, d)`), weights multiply on the right (`X @ W`), and masks are boolean with
# **True = may attend**.

# %% nbgrader={"locked": true, "grade_id": "setup"}
import copy
import math
import sys
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from tqdm.auto import tqdm

np.set_printoptions(precision=3, suppress=True)
warnings.filterwarnings("ignore", category=DeprecationWarning)
# The models of this notebook are tiny: one CPU thread runs them as fast as several, and it
# makes every run bit-for-bit reproducible (same seed -> same accuracy).
torch.set_num_threads(1)


def softmax(x, axis=-1):
    """Numerically stable softmax along `axis` (your function from Part 2)."""
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


# %% [markdown]
# ## 1. Coding challenge: build your own attention (~20 min)
#
# **Theory hint.** Let's implement the attention mechanism step by step. Remember:
# - scores $= QK^\top$ (dot product for similarity: one score per query–key pair);
# - scale by $1/\sqrt{d_k}$ so the scores keep a variance of about 1 and softmax does not
#   saturate (you measured this in Part 2);
# - softmax normalises each query's scores to weights that sum to 1;
# - the output weights the values by the attention weights.
#
# $$\text{Attention}(Q, K, V) = \text{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right) V
# \qquad \text{(Vaswani et al., 2017, §3.2.1)}$$
#
# **Real-world example — the library again.** Your query ("books about cats") is compared
# with every catalogue card (the keys); you take home a little of every book (the values), in
# proportion to how well its card matched.
#
# ### Exercise 1 — `self_attention` from scratch (4 points)
# This is the classic exercise exactly: no masks, no batches, one sequence of shape
# `(seq_len, d_k)`. The stable `softmax(x, axis=-1)` of Part 2 is given in the setup cell.

# %% nbgrader={"solution": true, "grade_id": "self_attention"}
def self_attention(Q, K, V):
    """Compute scaled dot-product attention for one sequence.

    Args:
        Q: (T_q, d_k) queries. K: (T_k, d_k) keys. V: (T_k, d_v) values.
           (In self-attention T_q == T_k == seq_len, but nothing below needs that.)
    Returns:
        (output, weights), NumPy arrays (float64 when Q, K, V are float64): output (T_q, d_v),
        weights (T_q, T_k); every row of weights sums to 1 (row i = how much query i takes
        from each value).
    Example: Q = K = [[1, 0], [0, 1]] (d_k = 2), V = [[1, 2], [3, 4]] -> weights[0] =
        softmax([1/sqrt(2), 0]) = [0.67, 0.33], output[0] = 0.67 * [1, 2] + 0.33 * [3, 4].
    Steps: 1. scores = Q K^T   2. divide by sqrt(d_k)   3. softmax over each row (the keys)
           4. output = weights V.   Hints: np.dot or @; d_k = Q.shape[1].
    """
    ### BEGIN SOLUTION
    d_k = Q.shape[1]
    scores = np.dot(Q, K.T)             # (T_q, T_k)  step 1: similarity
    scores = scores / np.sqrt(d_k)      # (T_q, T_k)  step 2: scale
    weights = softmax(scores, axis=-1)  # (T_q, T_k)  step 3: rows sum to 1
    output = np.dot(weights, V)         # (T_q, d_v)  step 4: mix the values
    return output, weights
    ### END SOLUTION


# %%
# Test your implementation! (the classic check, with a seeded generator so it is reproducible)
rng = np.random.default_rng(0)
seq_len, d_k = 4, 8
Q = rng.standard_normal((seq_len, d_k))
K = rng.standard_normal((seq_len, d_k))
V = rng.standard_normal((seq_len, d_k))

output, weights = self_attention(Q, K, V)
print("Attention weights shape:", weights.shape)
print("Output shape:", output.shape)
print("Do weights sum to 1?", np.allclose(weights.sum(axis=1), 1))
print("\nAttention weights (rounded):")
print(np.round(weights, 2))

fig, ax = plt.subplots(figsize=(3.6, 3))
im = ax.imshow(weights, cmap="viridis", vmin=0, vmax=1)
ax.set(xlabel="key position", ylabel="query position", title="Random Q, K: attention weights")
fig.colorbar(im, ax=ax)
plt.tight_layout()
plt.show()

# %% [markdown]
# **Figure.** The 4 × 4 attention weights of your `self_attention` for random queries and keys, as a heatmap
# (rows: queries, columns: keys; brighter = more weight, from 0 to 1): each row is one query's weights,
# which sum to 1.

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_self_attention_shapes", "points": 1}
"""self_attention returns NumPy arrays (output (T_q, d_v), weights (T_q, T_k)), in that order, float64 for float64 inputs."""
import numpy as np
_rng = np.random.default_rng(1)
_out, _w = self_attention(_rng.normal(size=(4, 8)), _rng.normal(size=(4, 8)), _rng.normal(size=(4, 8)))
assert isinstance(_out, np.ndarray) and isinstance(_w, np.ndarray), \
    f"return NumPy arrays (output, weights), got {type(_out).__name__} and {type(_w).__name__}"
assert _out.dtype == np.float64 and _w.dtype == np.float64, \
    f"float64 inputs must give float64 output and weights (keep NumPy's precision), got {_out.dtype} and {_w.dtype}"
assert np.shape(_w) == (4, 4), f"Q, K, V of shape (seq_len, d_k) = (4, 8): weights should have shape (seq_len, seq_len) = (4, 4), got {np.shape(_w)}"
assert np.shape(_out) == (4, 8), f"Q, K, V of shape (seq_len, d_k) = (4, 8): output should have shape (seq_len, d_v) = (4, 8), got {np.shape(_out)}"
_out, _w = self_attention(_rng.normal(size=(3, 5)), _rng.normal(size=(6, 5)), _rng.normal(size=(6, 2)))
assert np.shape(_out) == (3, 2) and np.shape(_w) == (3, 6), (
    f"3 queries, 6 keys, d_v = 2: expected output (3, 2) and weights (3, 6), got {np.shape(_out)} and {np.shape(_w)}"
    " (return (output, weights) in that order; scores are Q K^T, not K Q^T)")
### BEGIN HIDDEN TESTS
for _tq, _tk, _dk, _dv in [(1, 7, 3, 5), (6, 2, 9, 4), (5, 5, 16, 1)]:
    _out, _w = self_attention(_rng.normal(size=(_tq, _dk)), _rng.normal(size=(_tk, _dk)), _rng.normal(size=(_tk, _dv)))
    assert np.shape(_out) == (_tq, _dv) and np.shape(_w) == (_tq, _tk), f"wrong shapes for T_q={_tq}, T_k={_tk}, d_k={_dk}, d_v={_dv}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_self_attention_rows_sum_to_one", "points": 1}
"""Every row of the attention weights is non-negative and sums to 1 (softmax over the keys)."""
import warnings
import numpy as np
_rng = np.random.default_rng(2)
_out, _w = self_attention(_rng.normal(size=(4, 8)), _rng.normal(size=(4, 8)), _rng.normal(size=(4, 8)))
assert np.allclose(np.sum(_w, axis=1), 1.0), (f"rows of weights must sum to 1, got {np.sum(_w, axis=1)}"
                                              + (" (softmax over axis 0 makes the columns sum to 1)"
                                                 if np.allclose(np.sum(_w, axis=0), 1.0) else ""))
assert np.all(np.asarray(_w) >= 0), f"weights must be non-negative, got\n{_w}"
### BEGIN HIDDEN TESTS
for _tq, _tk, _dk, _scale in [(3, 7, 4, 1.0), (6, 2, 5, 1.0), (5, 5, 8, 40.0)]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _out, _w = self_attention(_scale * _rng.normal(size=(_tq, _dk)), _scale * _rng.normal(size=(_tk, _dk)),
                                  _rng.normal(size=(_tk, 3)))
    assert np.all(np.isfinite(_w)), f"weights are not finite for scores of scale {_scale} (use the stable softmax: subtract the max)"
    assert np.allclose(np.sum(_w, axis=1), 1.0), f"rows must sum to 1 for T_q={_tq}, T_k={_tk}"
    assert np.all(np.asarray(_w) >= 0), "weights must be non-negative"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_self_attention_is_scaled", "points": 1}
"""self_attention divides the scores by sqrt(d_k), where d_k is the keys' dimension."""
import numpy as np
_Q = np.array([[1.0, 1.0, 1.0, 1.0]])                          # one query, d_k = 4
_K = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]])    # q.k = 4 and 0
_out, _w = self_attention(_Q, _K, np.eye(2))
_expected = np.exp(2.0) / (np.exp(2.0) + 1.0)                   # scaled scores 4 / sqrt(4) = 2 and 0
_hint = ""
if np.isclose(_w[0, 0], np.exp(4.0) / (np.exp(4.0) + 1.0)):
    _hint = " (did you forget to divide by sqrt(d_k)?)"
elif np.isclose(_w[0, 0], np.exp(1.0) / (np.exp(1.0) + 1.0)):
    _hint = " (divide by sqrt(d_k) = 2, not by d_k = 4)"
assert np.isclose(_w[0, 0], _expected), f"weight of the matching key should be e^2 / (e^2 + 1) = {_expected:.4f}, got {_w[0, 0]:.4f}{_hint}"
### BEGIN HIDDEN TESTS
# d_k is the feature dimension, not the sequence length (T = 2, 3 here differ from d_k = 9)
_rng = np.random.default_rng(3)
_Q, _K = _rng.normal(size=(2, 9)), _rng.normal(size=(3, 9))
_s = _Q @ _K.T / 3.0
_ref = np.exp(_s) / np.exp(_s).sum(-1, keepdims=True)
assert np.allclose(self_attention(_Q, _K, _rng.normal(size=(3, 4)))[1], _ref), "the scale must be 1/sqrt(d_k) with d_k = Q.shape[1]"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_self_attention_matches_pytorch", "points": 1}
"""self_attention matches PyTorch's F.scaled_dot_product_attention."""
import warnings
import numpy as np
import torch
import torch.nn.functional as F
_Q = np.array([[1.0, 0.0], [0.0, 1.0]])
_V = np.array([[1.0, 2.0], [3.0, 4.0]])
_out, _ = self_attention(_Q, _Q, _V)
_a = np.exp(1 / np.sqrt(2)) / (np.exp(1 / np.sqrt(2)) + 1)  # weight of the matching key
assert np.allclose(_out[0], _a * _V[0] + (1 - _a) * _V[1]), f"output row 0 should be {_a * _V[0] + (1 - _a) * _V[1]}, got {_out[0]}"
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(4)
for _tq, _tk, _dk, _dv in [(3, 5, 4, 2), (4, 7, 6, 3), (5, 2, 8, 9), (6, 6, 11, 7)]:
    _Q, _K, _V = (_rng.normal(size=s) for s in ((_tq, _dk), (_tk, _dk), (_tk, _dv)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _ref = F.scaled_dot_product_attention(*(torch.from_numpy(a) for a in (_Q, _K, _V))).numpy()
        _out, _w = self_attention(_Q, _K, _V)
        _out32, _ = self_attention(*(a.astype(np.float32) for a in (_Q, _K, _V)))
    assert np.allclose(np.asarray(_out, dtype=float), _ref, rtol=1e-5, atol=1e-6), f"output differs from PyTorch for Q {_Q.shape}, K {_K.shape}, V {_V.shape}"
    assert np.allclose(np.asarray(_out32, dtype=float), _ref, rtol=1e-4, atol=1e-4), "float32 inputs give a wrong output"
### END HIDDEN TESTS

# %% [markdown]
# **Discovery.** With random queries and keys the weights follow no pattern and mean nothing — a
# *trained* model learns projections that make them meaningful (section 3 shows one). Your
# function is Part 2's `scaled_dot_product_attention` without masks and batches: a dozen lines
# are the whole core of GPT, BERT and every other transformer.
#
# ## 2. Practice problems (~20 min)
#
# ### Problem 1 — attention weights for "Dogs love treats" (2 points)
#
# **Theory hint.** Think about which words are most relevant to each other: subjects often
# attend to their verbs, verbs to their subject and object, adjectives to their nouns, pronouns
# to what they refer to. Remember: each row (one query word) must sum to 1.0!
#
# Fill in reasonable weights. Rows are the word *attending* ("from"), columns the word
# attended to ("to"), both in the order Dogs, love, treats. Keep the three given entries:
#
# | from ↓ to → | Dogs | love | treats |
# |---|---|---|---|
# | **Dogs** | 0.5 | — | — |
# | **love** | — | 0.2 | — |
# | **treats** | — | — | 0.4 |

# %% nbgrader={"solution": true, "grade_id": "dogs_love_treats"}
# Replace every np.nan by your weight (keep 0.5, 0.2 and 0.4 where they are).
dogs_love_treats = np.array([
    [0.5, np.nan, np.nan],    # Dogs   -> Dogs, love, treats
    [np.nan, 0.2, np.nan],    # love   -> Dogs, love, treats
    [np.nan, np.nan, 0.4],    # treats -> Dogs, love, treats
])
### BEGIN SOLUTION
dogs_love_treats = np.array([
    [0.5, 0.3, 0.2],    # the subject looks at its verb
    [0.4, 0.2, 0.4],    # the verb looks at its subject and its object
    [0.2, 0.4, 0.4],    # the object looks at the verb that governs it
])
### END SOLUTION

# %%
print(dogs_love_treats, "\nrow sums:", np.sum(dogs_love_treats, axis=1))

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_dogs_table_keeps_given_entries", "points": 1}
"""The table is 3 x 3, filled in, and keeps the given entries 0.5, 0.2 and 0.4 on the diagonal."""
import numpy as np
_t = np.asarray(dogs_love_treats, dtype=float)
assert _t.shape == (3, 3), f"the table must be 3 x 3 (from Dogs/love/treats to Dogs/love/treats), got shape {_t.shape}"
assert not np.any(np.isnan(_t)), f"replace every np.nan by a weight, got\n{_t}"
assert np.allclose(np.diag(_t), [0.5, 0.2, 0.4]), f"keep the given entries: the diagonal must be [0.5, 0.2, 0.4], got {np.diag(_t)}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_dogs_table_rows_sum_to_one", "points": 1}
"""Every row of the table is a distribution: non-negative weights that sum to 1."""
import numpy as np
_t = np.asarray(dogs_love_treats, dtype=float)
assert np.all(_t >= 0), f"attention weights are never negative, got\n{_t}"
assert np.allclose(np.sum(_t, axis=1), 1.0), (f"each row (one query word) must sum to 1, got row sums {np.sum(_t, axis=1)}"
                                              + (" (your columns sum to 1: rows are 'from', columns 'to')"
                                                 if np.allclose(np.sum(_t, axis=0), 1.0) else ""))

# %% [markdown]
# ### Problem 2 — parallelization (2 points)
#
# **Theory hint.** RNNs must process sequentially: step 1, then step 2, then step 3... because
# $h_t$ needs $h_{t-1}$. A transformer layer computes all positions at once: every output
# depends only on the layer's *inputs*, which are all known.
#
# A sentence of 50 words. Count **sequential steps** for one layer: a step is a computation that
# has to wait for the result of the previous one. Assume hardware wide enough to run everything
# that *can* run in parallel at the same time (one time unit per step). How many steps does the
# RNN need, how many the transformer, and what is the speedup (RNN time / transformer time)?

# %% nbgrader={"solution": true, "grade_id": "parallel_steps"}
# Numbers, for a 50-word sentence and one layer.
rnn_steps = None          # sequential steps of the RNN
transformer_steps = None  # sequential steps of one transformer layer
speedup = None            # RNN time / transformer time
### BEGIN SOLUTION
rnn_steps = 50           # h_1, h_2, ..., h_50, each waits for the previous one
transformer_steps = 1    # all 50 positions attend at once
speedup = rnn_steps / transformer_steps
### END SOLUTION

# %%
print(f"RNN: {rnn_steps} steps, transformer: {transformer_steps} step(s), speedup: {speedup}x")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_parallel_steps", "points": 1}
"""The RNN needs one sequential step per word; a transformer layer needs one step in all."""
assert rnn_steps == 50, f"the RNN computes h_1, ..., h_50 one after the other: expected 50 steps, got {rnn_steps}"
assert transformer_steps == 1, f"a transformer layer processes all 50 positions at once: expected 1 step, got {transformer_steps}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_speedup", "points": 1}
"""The speedup is RNN time divided by transformer time."""
import numpy as np
assert np.isclose(float(speedup), 50.0), (f"speedup = RNN steps / transformer steps = 50 / 1 = 50, got {speedup}"
                                          + (" (that is a difference, not a ratio)" if np.isclose(float(speedup), 49) else "")
                                          + (" (upside down: RNN time / transformer time)" if np.isclose(float(speedup), 0.02) else ""))

# %% [markdown]
# **Discovery — what "50× faster" does and does not mean.** 50 is the ratio of *sequential*
# steps, the best case. Real speedups are smaller: the hardware has a finite width; attention
# does *more* total work than an RNN when $n$ is large ($n^2$ query–key pairs); and when a
# decoder *generates* text, it still produces one token after the other — the parallelism is in
# training and in reading the input. Vaswani et al. (2017, Table 1) state the same idea as
# "sequential operations": $O(n)$ for a recurrent layer, $O(1)$ for self-attention.
#
# ### Problem 3 — design challenge (2 points, graded by hand)
# Design a 2-head attention system for understanding **"Time flies like an arrow"**. What does
# head 1 focus on, what does head 2 focus on? Give for each head one query word and the word(s)
# it should attend to, and say why two heads help with *this* sentence. (Hint: the sentence is
# famously ambiguous — "time flies" can be a kind of fly that likes arrows.)

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_two_heads", "points": 2}
# **Model answer.** *Head 1 — syntax (who does what):* the verb attends to its subject and its
# modifier: "flies" → "Time" (subject) and "flies" → "like" (the comparison that modifies it);
# "arrow" → "an" (its determiner). *Head 2 — meaning / disambiguation:* "flies" → "arrow" and
# "like" → "arrow": things that fly fast, so "like" is read as "in the manner of" and "flies" as a
# verb; the other reading ("time flies" = insects, "like" = enjoy) would need "flies" → "Time" as
# a noun-noun compound and "like" → "flies" as its subject. Two heads help because one softmax
# row is a single distribution: one head cannot put most of its weight on the grammatical
# subject *and* on the semantic cue at once, so each head specialises and the output projection
# combines both views.
# *Full marks:* two clearly different, sensible foci with concrete query → key examples (1 pt);
# a reason why two heads beat one here (one distribution per head, or the ambiguity) (1 pt).

# %% [markdown]
# ## 3. The challenge: a transformer against an LSTM (~45 min)
#
# **Theory hint.** To see what attention buys, we need a task that an RNN finds hard for the
# reasons of Part 1 — a **long-range dependency** — and that needs **order** (Part 4), so that a
# transformer without positions cannot cheat. Our task: **reverse a sequence.** The input is
# 24 random digits; the answer at every position $t$ is the input digit at position $23 - t$.
#
# ```
# input : 3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4 6 2 6 4
# target: 4 6 2 6 4 8 3 2 3 9 7 9 8 5 3 5 6 2 9 5 1 4 1 3
# ```
#
# **Real-world example — a stack of plates.** You put 24 plates on a pile and take them off
# again: the first one in comes out last. To do that from memory you must keep *all 24* in your
# head at once — and know which came when.
#
# **The two contestants, and why the comparison is fair.**
# - The **transformer** reads the whole input at once and labels every position (an encoder,
#   like BERT). Output position $t$ can attend *directly* to input position $23 - t$: one hop,
#   whatever the distance — if it knows positions.
# - The **LSTM** (Hochreiter & Schmidhuber, 1997) reads the 24 digits, then 24 "blank" steps
#   during which it writes the answer, one digit per step (the classic sequence-to-sequence
#   setting of Sutskever et al., 2014). It has seen the whole input before it answers too, but
#   everything must pass through its fixed-size state: the last digit it read is needed first
#   (1 step later), the first digit last (47 steps later).
# - Both get about the **same number of parameters** (≈ 9 – 10 thousand), the **same data**,
#   the **same optimiser** (Adam), the **same number of steps and batch size**, and the same
#   training step — the one you write below.
#
# ![The reversal task for the two models, drawn with 8 digits instead of 24. Top, the transformer: each output position t has a direct arrow to its source, input position 7 minus t, so all the arrows cross in the middle; the first input digit reaches the last output in one hop. Bottom, the LSTM: it reads the 8 digits, then 8 blank steps during which it writes the answers; every digit must pass through the chain of hidden states, so the first digit read reaches the last output 15 steps later (47 in the task).](figures/reversal_models.svg)
#
# First, the data (given):

# %% nbgrader={"locked": true, "grade_id": "task"}
VOCAB_SIZE = 10    # the digits 0-9
SEQ_LEN = 24       # length of every sequence
N_STEPS = 400      # training steps, the same for both models
BATCH_SIZE = 64
LR = 3e-3


def make_reversal_batch(batch_size, generator, seq_len=SEQ_LEN, vocab_size=VOCAB_SIZE):
    """A batch of the reversal task: (tokens, targets), both (batch_size, seq_len) int64.

    targets[b, t] = tokens[b, seq_len - 1 - t]. `generator` is a torch.Generator (seeded).
    """
    tokens = torch.randint(0, vocab_size, (batch_size, seq_len), generator=generator)  # (B, T)
    return tokens, tokens.flip(1)                                                       # (B, T)


_tokens, _targets = make_reversal_batch(2, torch.Generator().manual_seed(0))
print("tokens :", _tokens[0].tolist())
print("targets:", _targets[0].tolist())

# %% [markdown]
# Now your parts from Parts 3 – 5, given and working: `sinusoidal_positional_encoding`,
# `MultiHeadAttention`, `LayerNorm`, `FeedForward` and the post-norm `EncoderBlock` of the
# paper. One addition for this part: each block keeps its last attention weights in
# `block.attn_weights` (shape `(B, num_heads, T, T)`) so that we can plot them later. The LSTM
# baseline is given too.

# %% nbgrader={"locked": true, "grade_id": "given_parts"}
def sinusoidal_positional_encoding(max_len, d_model):
    """(max_len, d_model) float32: PE[p, 2i] = sin(p / 10000^(2i/d_model)), PE[p, 2i+1] = cos(same)."""
    position = torch.arange(max_len, dtype=torch.float32)[:, None]           # (max_len, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float32)                  # (d_model / 2,)
    angle = position / 10000.0 ** (two_i / d_model)                           # (max_len, d_model / 2)
    pe = torch.zeros(max_len, d_model)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe


class MultiHeadAttention(nn.Module):
    """Multi-head attention (Part 3): forward(query, key, value, mask=None) -> (output, weights)."""

    def __init__(self, d_model, num_heads):
        super().__init__()
        assert d_model % num_heads == 0, "d_model must be divisible by num_heads"
        self.d_model, self.num_heads, self.d_head = d_model, num_heads, d_model // num_heads
        self.W_q, self.W_k = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.W_v, self.W_o = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def split_heads(self, x):
        B, T, _ = x.shape
        return x.view(B, T, self.num_heads, self.d_head).transpose(1, 2)      # (B, H, T, d_head)

    def forward(self, query, key, value, mask=None):
        q = self.split_heads(self.W_q(query))                                 # (B, H, T_q, d_head)
        k = self.split_heads(self.W_k(key))                                   # (B, H, T_k, d_head)
        v = self.split_heads(self.W_v(value))                                 # (B, H, T_k, d_head)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.d_head)             # (B, H, T_q, T_k)
        if mask is not None:                                                  # True = may attend
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)                               # (B, H, T_q, T_k)
        heads = weights @ v                                                   # (B, H, T_q, d_head)
        B, _, T_q, _ = heads.shape
        merged = heads.transpose(1, 2).reshape(B, T_q, self.d_model)          # (B, T_q, d_model)
        return self.W_o(merged), weights


class LayerNorm(nn.Module):
    """Layer normalisation over the last axis (Part 5)."""

    def __init__(self, d_model, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model))
        self.bias = nn.Parameter(torch.zeros(d_model))

    def forward(self, x):
        mean = x.mean(-1, keepdim=True)
        var = x.var(-1, keepdim=True, unbiased=False)
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


class FeedForward(nn.Module):
    """Position-wise feed-forward network (Part 5): linear2(relu(linear1(x)))."""

    def __init__(self, d_model, d_ff):
        super().__init__()
        self.linear1, self.linear2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)

    def forward(self, x):
        return self.linear2(torch.relu(self.linear1(x)))


class EncoderBlock(nn.Module):
    """Post-norm encoder block (Part 5): x = norm1(x + attn(x)); x = norm2(x + ffn(x))."""

    def __init__(self, d_model, num_heads, d_ff, norm_first=False):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, num_heads)
        self.ffn = FeedForward(d_model, d_ff)
        self.norm1, self.norm2 = LayerNorm(d_model), LayerNorm(d_model)
        self.norm_first = norm_first
        self.attn_weights = None

    def forward(self, x, mask=None):                                          # x: (B, T, d_model)
        if self.norm_first:
            h = self.norm1(x)
            attn_out, weights = self.self_attn(h, h, h, mask)
            x = x + attn_out
            x = x + self.ffn(self.norm2(x))
        else:
            attn_out, weights = self.self_attn(x, x, x, mask)
            x = self.norm1(x + attn_out)
            x = self.norm2(x + self.ffn(x))
        self.attn_weights = weights.detach()                                  # (B, H, T, T)
        return x


class LSTMBaseline(nn.Module):
    """Reads the tokens, then SEQ_LEN blank steps during which it writes the answer.

    forward(tokens (B, T)) -> logits (B, T, vocab_size), like the transformer.
    """

    def __init__(self, vocab_size, d_embed=16, hidden_size=40):
        super().__init__()
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size + 1, d_embed)                    # + 1: the blank token
        self.lstm = nn.LSTM(d_embed, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens):
        B, T = tokens.shape
        blanks = torch.full((B, T), self.vocab_size, dtype=tokens.dtype)      # (B, T)
        states, _ = self.lstm(self.embed(torch.cat([tokens, blanks], dim=1))) # (B, 2T, hidden)
        return self.head(states[:, T:])                                       # (B, T, vocab_size)


def n_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# %% [markdown]
# ### Exercise 2 — assemble the transformer (3 points)
#
# The constructor is given; write `forward`, the path a batch of token ids takes
# (Vaswani et al., 2017, §3.4 and §3.5, encoder side):
#
# 1. look up the token embeddings and multiply them by $\sqrt{d_\text{model}}$ (the paper's
#    convention; the embeddings are initialised with standard deviation $1/\sqrt{d_\text{model}}$,
#    so the product has unit scale, like the positional encoding);
# 2. **add** the positional encoding of positions $0 \dots T-1$ (`self.pe[:T]` broadcasts over
#    the batch);
# 3. run the result through every encoder block in `self.blocks`, in order;
# 4. map every position to `vocab_size` scores with `self.head` (the logits: no softmax —
#    `F.cross_entropy` applies it).

# %% nbgrader={"solution": true, "grade_id": "tiny_transformer"}
class TinyTransformer(nn.Module):
    """Encoder-only transformer that labels every position: tokens (B, T) -> logits (B, T, vocab_size)."""

    def __init__(self, vocab_size, max_len, d_model=32, num_heads=2, d_ff=64, num_layers=1):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(vocab_size, d_model)
        nn.init.normal_(self.embed.weight, std=d_model ** -0.5)
        self.register_buffer("pe", sinusoidal_positional_encoding(max_len, d_model))  # (max_len, d_model)
        self.blocks = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff) for _ in range(num_layers)])
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens):
        """Logits for every position.

        Args:
            tokens: (B, T) int64 token ids, T <= max_len.
        Returns:
            (B, T, vocab_size) float32 tensor of logits: head(blocks(embed(tokens) * sqrt(d_model) + pe[:T])).
        Example: TinyTransformer(10, 24)(torch.zeros(2, 5, dtype=torch.long)).shape == (2, 5, 10)
        """
        ### BEGIN SOLUTION
        T = tokens.shape[1]
        x = self.embed(tokens) * math.sqrt(self.d_model) + self.pe[:T]  # (B, T, d_model)
        for block in self.blocks:
            x = block(x)                                                 # (B, T, d_model)
        return self.head(x)                                              # (B, T, vocab_size)
        ### END SOLUTION


# %%
# Try it: shapes, and the parameter budgets of the two contestants
torch.manual_seed(0)
_model = TinyTransformer(VOCAB_SIZE, SEQ_LEN)
print("logits:", tuple(_model(_tokens).shape))                    # (2, 24, 10)
_n_transformer, _n_lstm = n_parameters(_model), n_parameters(LSTMBaseline(VOCAB_SIZE))
print("transformer parameters:", _n_transformer)
print("LSTM parameters:       ", _n_lstm)

# %% tags=["claim"]
assert 9000 <= _n_transformer <= 10000 and 9000 <= _n_lstm <= 10000, f"text says both have 9-10 thousand parameters: transformer {_n_transformer}, LSTM {_n_lstm}"
assert _n_lstm > _n_transformer, f"text says the LSTM has a few more parameters: LSTM {_n_lstm}, transformer {_n_transformer}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_transformer_output_shape", "points": 1}
"""TinyTransformer.forward returns logits of shape (B, T, vocab_size), also for T < max_len."""
import torch
torch.manual_seed(10)
_m = TinyTransformer(vocab_size=7, max_len=12, d_model=16, num_heads=2, d_ff=24)
with torch.no_grad():
    _out = _m(torch.randint(0, 7, (3, 9)))
assert torch.is_tensor(_out) and _out.dtype == torch.float32, \
    f"return the logits as the float32 torch tensor self.head gives, got {type(_out).__name__} {getattr(_out, 'dtype', '')}"
assert tuple(_out.shape) == (3, 9, 7), (f"3 sequences of 9 tokens, vocabulary 7: expected logits (3, 9, 7), got {tuple(_out.shape)}"
                                        + (" (did you forget the output head?)" if _out.shape[-1] == 16 else ""))
### BEGIN HIDDEN TESTS
# the constructor is given: it must still build what its arguments ask for; T = max_len works too
for (_V, _L, _d, _H, _ff, _nl) in [(7, 12, 16, 2, 24, 1), (9, 13, 12, 3, 20, 2)]:
    _m = TinyTransformer(_V, _L, _d, _H, _ff, _nl)
    _layout = (tuple(_m.embed.weight.shape), tuple(_m.pe.shape), len(_m.blocks), _m.blocks[0].self_attn.num_heads,
               _m.blocks[0].ffn.linear1.out_features, _m.head.out_features)
    assert _layout == ((_V, _d), (_L, _d), _nl, _H, _ff, _V), \
        f"TinyTransformer{(_V, _L, _d, _H, _ff, _nl)} built {_layout}: keep the given constructor as it is"
    with torch.no_grad():
        _out = _m(torch.randint(0, _V, (2, _L)))
    assert tuple(_out.shape) == (2, _L, _V), f"T = max_len = {_L}: expected logits (2, {_L}, {_V}), got {tuple(_out.shape)}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_transformer_knows_positions", "points": 1}
"""The same token at different positions gets different outputs: the positional encoding is added."""
import torch
torch.manual_seed(11)
_m = TinyTransformer(vocab_size=5, max_len=8, d_model=16, num_heads=2, d_ff=24)
with torch.no_grad():
    _out = _m(torch.full((1, 6), 3, dtype=torch.long))
_spread = float((_out[0] - _out[0, :1]).abs().max())
assert _spread > 1e-3, ("a sequence of six identical tokens gave identical logits at every position: the model cannot "
                        "tell positions apart (did you forget to add self.pe[:T]?)")
### BEGIN HIDDEN TESTS
# permutation: without positions a transformer is permutation-equivariant; with them it is not
_x = torch.randint(0, 5, (2, 7), generator=torch.Generator().manual_seed(5))
_perm = torch.tensor([3, 0, 6, 1, 5, 2, 4])
with torch.no_grad():
    _a, _b = _m(_x)[:, _perm], _m(_x[:, _perm])
assert not torch.allclose(_a, _b, atol=1e-4), "permuting the input just permutes the output: positions are missing"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_transformer_forward_matches_reference", "points": 1}
"""forward computes head(blocks(embed(tokens) * sqrt(d_model) + pe[:T])) with every block in order."""
import math
import torch
torch.manual_seed(12)
_m = TinyTransformer(vocab_size=6, max_len=10, d_model=8, num_heads=2, d_ff=12)
with torch.no_grad():
    _m.head.weight.zero_()
    _m.head.bias.copy_(torch.arange(6.0))
    _out = _m(torch.randint(0, 6, (2, 4)))
assert torch.allclose(_out, torch.arange(6.0).expand(2, 4, 6)), ("with a zero head weight the logits must equal the "
                                                                 "head's bias: is self.head the last thing applied (no softmax)?")
### BEGIN HIDDEN TESTS
for _seed, (_V, _L, _d, _H, _ff, _nl, _B, _T) in enumerate([(6, 10, 8, 2, 12, 1, 2, 10), (9, 13, 12, 3, 20, 2, 3, 7),
                                                             (5, 16, 16, 4, 10, 3, 1, 16)]):
    torch.manual_seed(100 + _seed)
    _m = TinyTransformer(_V, _L, _d, _H, _ff, _nl)
    for _p in _m.parameters():
        _p.data.normal_(0, 0.3)
    _x = torch.randint(0, _V, (_B, _T))
    with torch.no_grad():
        _h = _m.embed(_x) * math.sqrt(_d) + _m.pe[:_T]
        for _blk in _m.blocks:
            _h = _blk(_h)
        _ref = _m.head(_h)
        _got = _m(_x)
    assert tuple(_got.shape) == tuple(_ref.shape), f"wrong logits shape {tuple(_got.shape)}"
    _err = float((_got - _ref).abs().max())
    assert _err < 1e-4, (f"logits differ from head(blocks(embed * sqrt(d_model) + pe[:T])) by {_err:.3g} "
                         f"(d_model={_d}, {_nl} block(s)): scale by sqrt(d_model), add pe, run every block")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 3 — the training step (3 points)
#
# One step of learning, the heart of every PyTorch training loop:
# 1. run the model on the tokens: logits `(B, T, V)`;
# 2. the loss: `F.cross_entropy` over every position. It expects the classes in the *second*
#    axis (`(N, V)` logits with `(N,)` targets), so flatten: `logits.reshape(-1, V)` and
#    `targets.reshape(-1)` — or move the class axis with `logits.transpose(1, 2)`;
# 3. `optimizer.zero_grad()` — PyTorch **adds** new gradients to the old ones in `p.grad`;
#    forget this and every step uses the sum of all gradients so far;
# 4. `loss.backward()` computes the gradients, `optimizer.step()` updates the parameters;
# 5. return the loss as a Python float (`loss.item()`), for the loss curve.
#
# The loop around it (data, progress bar, loss history) is given below your cell. The first test
# of this exercise defines a helper you can then run yourself: `gradient_problem()` calls your
# `training_step` twice on one batch with an optimiser that records the gradients it is given; it
# returns `None` if every call clears the old gradients, back-propagates and steps once, and
# otherwise a sentence saying what happened.

# %% nbgrader={"solution": true, "grade_id": "training_step"}
def training_step(model, optimizer, tokens, targets):
    """One optimisation step on the mean cross-entropy over all positions.

    Args:
        model: maps tokens (B, T) to logits (B, T, V) (the transformer or the LSTM).
        optimizer: a torch.optim optimiser over model's parameters.
        tokens, targets: (B, T) int64.
    Returns:
        float, the loss *before* the update (mean over all B * T positions).
    Example: on a fresh model with 10 classes the first loss is close to ln(10) = 2.30.
    Hints: F.cross_entropy wants (N, V) logits and (N,) targets; V = logits.shape[-1].
    """
    ### BEGIN SOLUTION
    logits = model(tokens)                                                # (B, T, V)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
    ### END SOLUTION


# %% nbgrader={"locked": true, "grade_id": "train_loop"}
def training_step_error(error):
    """A clear message for an error raised inside your training_step (used by `train` and the tests)."""
    text = f"your training_step (Exercise 3) raised {type(error).__name__}: {error}"
    if "Expected target size" in str(error) or "to match target batch_size" in str(error):
        text += (" -- F.cross_entropy wants (N, V) logits and (N,) targets: flatten both, "
                 "logits.reshape(-1, V) with V = logits.shape[-1] and targets.reshape(-1)")
    return text


def model_error(model):
    """None if `model` maps tokens (2, SEQ_LEN) to logits (2, SEQ_LEN, VOCAB_SIZE); else what goes wrong."""
    who = ("your TinyTransformer.forward (Exercise 2)" if type(model).__name__ == "TinyTransformer"
           else f"the {type(model).__name__}")
    tokens = torch.arange(2 * SEQ_LEN).reshape(2, SEQ_LEN) % VOCAB_SIZE                  # (2, SEQ_LEN)
    try:
        with torch.no_grad():
            logits = model(tokens)
    except Exception as error:
        return f"{who} raised {type(error).__name__}: {error}"
    if not torch.is_tensor(logits) or tuple(logits.shape) != (2, SEQ_LEN, VOCAB_SIZE):
        got = tuple(logits.shape) if torch.is_tensor(logits) else type(logits).__name__
        return f"{who} returned {got} for tokens of shape (2, {SEQ_LEN}); expected logits (2, {SEQ_LEN}, {VOCAB_SIZE})"
    return None


def train(model, n_steps=N_STEPS, batch_size=BATCH_SIZE, lr=LR, seed=0, desc="training"):
    """Train `model` on fresh reversal batches with Adam and your training_step; returns the list of losses."""
    problem = model_error(model)
    if problem:
        raise RuntimeError(f"cannot train: {problem}. Fix it, then run this cell again.")
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    model.train()
    for _ in tqdm(range(n_steps), desc=desc, file=sys.stdout, mininterval=0.5):
        tokens, targets = make_reversal_batch(batch_size, generator)
        try:
            loss = training_step(model, optimizer, tokens, targets)
        except Exception as error:
            raise RuntimeError(training_step_error(error)) from error
        if loss is None:
            raise TypeError("your training_step (Exercise 3) returned None: return the loss as a float, loss.item()")
        losses.append(float(loss))
    model.eval()
    return losses


# %%
# Try it: a few steps on a tiny model; the loss should start near ln(10) = 2.30 and go down.
torch.manual_seed(0)
_losses = train(TinyTransformer(VOCAB_SIZE, SEQ_LEN), n_steps=30, desc="try it")
print([round(l, 2) for l in _losses[::5]])

# %% tags=["claim"]
assert abs(_losses[0] - math.log(10)) < 0.4, f"text says the loss starts near ln(10) = 2.30: first loss {_losses[0]:.3f}"
assert np.mean(_losses[-5:]) < _losses[0] - 0.1, f"text says the loss goes down: first {_losses[0]:.3f}, mean of the last 5 {np.mean(_losses[-5:]):.3f}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_training_step_returns_the_loss", "points": 1}
"""training_step returns the mean cross-entropy over all positions, computed before the update."""
import math
import warnings
import torch
import torch.nn as nn
import torch.nn.functional as F


# Helpers the tests of Exercises 3 and 5 use (defined here, reused by the later test cells).
def _reversal_batch(batch_size, generator, seq_len=24, vocab_size=10):
    """The reversal task, as the given make_reversal_batch: (tokens, targets), both (batch_size, seq_len)."""
    tokens = torch.randint(0, vocab_size, (batch_size, seq_len), generator=generator)  # (B, T)
    return tokens, tokens.flip(1)                                                       # (B, T)


def _training_step_error(error):
    """A clear message for an error raised inside your training_step."""
    text = f"your training_step (Exercise 3) raised {type(error).__name__}: {error}"
    if "Expected target size" in str(error) or "to match target batch_size" in str(error):
        text += (" -- F.cross_entropy wants (N, V) logits and (N,) targets: flatten both, "
                 "logits.reshape(-1, V) with V = logits.shape[-1] and targets.reshape(-1)")
    return text


class _LSTMTagger(nn.Module):
    """The given LSTMBaseline: reads the tokens, then T blank steps during which it writes the answer."""

    def __init__(self, vocab_size, d_embed=16, hidden_size=40):
        super().__init__()
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size + 1, d_embed)                    # + 1: the blank token
        self.lstm = nn.LSTM(d_embed, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens):
        B, T = tokens.shape
        blanks = torch.full((B, T), self.vocab_size, dtype=tokens.dtype)      # (B, T)
        states, _ = self.lstm(self.embed(torch.cat([tokens, blanks], dim=1))) # (B, 2T, hidden)
        return self.head(states[:, T:])                                       # (B, T, vocab_size)


class GradientRecorder(torch.optim.SGD):
    """An optimiser that checks a training step: SGD with learning rate 0 (the parameters never move)
    that records, every time its step() is called, the gradients it finds in p.grad."""

    def __init__(self, params):
        super().__init__(params, lr=0.0)
        self.seen = []                                  # one flat tensor of all gradients per step() call

    def step(self, closure=None):
        self.seen.append(torch.cat([(torch.zeros_like(p) if p.grad is None else p.grad.detach()).flatten()
                                    for group in self.param_groups for p in group["params"]]))
        return super().step(closure)


def gradient_problem():
    """Runs your training_step twice on the same batch with a GradientRecorder: None if every call steps
    once with this batch's gradient, else a message saying what goes wrong (used by the tests)."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = _LSTMTagger(5, 4, 6)
    tokens, targets = _reversal_batch(3, torch.Generator().manual_seed(0), seq_len=7, vocab_size=5)
    recorder = GradientRecorder(model.parameters())
    for _ in range(2):
        try:
            training_step(model, recorder, tokens, targets)
        except Exception as error:
            return _training_step_error(error)
    if len(recorder.seen) != 2:
        return (f"two calls of training_step called step() of the optimizer they were given {len(recorder.seen)} "
                "times, expected 2: call optimizer.step() once, after loss.backward(), on the optimizer passed in")
    first, second = recorder.seen
    if float(first.abs().max()) == 0.0:
        return ("when optimizer.step() ran, every gradient was empty: call loss.backward() before optimizer.step(), "
                "and optimizer.zero_grad() before loss.backward() (zero_grad between backward and step wipes them)")
    if torch.allclose(second, 2 * first, rtol=1e-4, atol=1e-7):
        return ("gradients accumulate: the second call stepped with the sum of both calls' gradients (PyTorch adds "
                "each new gradient to p.grad); call optimizer.zero_grad() before loss.backward()")
    if not torch.allclose(second, first, rtol=1e-4, atol=1e-7):
        return ("two calls on the same batch, with parameters that did not move, stepped with different gradients: "
                "zero the old gradients (optimizer.zero_grad()) before loss.backward(), then optimizer.step()")
    return None


class _Flat(nn.Module):
    """A stand-in sequence labeller: tokens (B, T) -> logits (B, T, V) (independent of your transformer)."""

    def __init__(self, V, T, d=4):
        super().__init__()
        self.V, self.embed, self.out = V, nn.Embedding(V, d), nn.Linear(T * d, T * V)

    def forward(self, tokens):
        B, T = tokens.shape
        return self.out(self.embed(tokens).reshape(B, -1)).reshape(B, T, self.V)


torch.manual_seed(20)
_m = _Flat(7, 9)
_x, _y = _reversal_batch(5, torch.Generator().manual_seed(1), seq_len=9, vocab_size=7)
with torch.no_grad():
    _expected = F.cross_entropy(_m(_x).reshape(-1, 7), _y.reshape(-1)).item()
try:
    _got = training_step(_m, torch.optim.SGD(_m.parameters(), lr=0.1), _x, _y)
except Exception as _error:
    raise AssertionError(_training_step_error(_error)) from None
assert isinstance(_got, float), (f"return the loss as a Python float (loss.item()), got {type(_got).__name__}"
                                              + (": a tensor keeps its whole graph alive" if torch.is_tensor(_got) else ""))
assert abs(_got - _expected) < 1e-4, (f"expected the mean cross-entropy before the update, {_expected:.4f}, got {_got:.4f}"
                                      + (" (use the mean over positions, not the sum)" if abs(_got - 45 * _expected) < 1e-2 else ""))
### BEGIN HIDDEN TESTS
# confident models: logits far apart, so softmax underflows to 0 in float32 and log(softmax) gives inf;
# F.cross_entropy (log-softmax, stable) stays exact
for _seed in range(3):
    torch.manual_seed(24 + _seed)
    _m = _Flat(7, 9)
    with torch.no_grad():
        _m.out.weight.mul_(100.0)
    _x, _y = _reversal_batch(5, torch.Generator().manual_seed(5 + _seed), seq_len=9, vocab_size=7)
    with torch.no_grad():
        _expected = F.cross_entropy(_m(_x).double().reshape(-1, 7), _y.reshape(-1)).item()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _got = float(training_step(_m, torch.optim.SGD(_m.parameters(), lr=0.0), _x, _y))
    except Exception as _error:
        raise AssertionError(_training_step_error(_error)) from None
    assert math.isfinite(_got), f"loss {_got} for confident logits (spread ~100): log(softmax) underflows; use F.cross_entropy"
    assert abs(_got - _expected) < 1e-4 * max(1.0, abs(_expected)), \
        f"loss {_got:.4f} for confident logits, expected {_expected:.4f} (log of a softmax that underflowed? use F.cross_entropy)"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_training_step_updates_like_pytorch", "points": 1}
"""training_step clears old gradients, back-propagates and steps: it matches a plain PyTorch step."""
import copy
import torch
import torch.nn as nn
import torch.nn.functional as F
_problem = gradient_problem()          # two calls on one batch, with an optimiser that records the gradients it sees
assert _problem is None, _problem
### BEGIN HIDDEN TESTS
class _Flat(nn.Module):
    def __init__(self, V, T, d=4):
        super().__init__()
        self.V, self.embed, self.out = V, nn.Embedding(V, d), nn.Linear(T * d, T * V)

    def forward(self, tokens):
        B, T = tokens.shape
        return self.out(self.embed(tokens).reshape(B, -1)).reshape(B, T, self.V)


def _reference_step(model, opt, x, y):
    opt.zero_grad()
    out = model(x)
    F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1)).backward()
    opt.step()


for _kind in ("flat", "lstm"):
    torch.manual_seed(22)
    _m1 = _Flat(7, 9) if _kind == "flat" else _LSTMTagger(7, 6, 11)
    _m2 = copy.deepcopy(_m1)
    _o1, _o2 = torch.optim.SGD(_m1.parameters(), lr=0.2), torch.optim.SGD(_m2.parameters(), lr=0.2)
    _g = torch.Generator().manual_seed(3)
    for _i in range(3):
        _x, _y = _reversal_batch(4, _g, 9, 7)
        try:
            training_step(_m1, _o1, _x, _y)
        except Exception as _error:
            raise AssertionError(_training_step_error(_error)) from None
        _reference_step(_m2, _o2, _x, _y)
    for (_n, _p1), _p2 in zip(_m1.named_parameters(), _m2.parameters()):
        _err = float((_p1.detach() - _p2.detach()).abs().max())
        assert _err < 1e-4, (f"{_kind} model: after 3 steps parameter {_n} differs from a correct step by {_err:.3g} "
                             "(the mean cross-entropy over all positions? the vocabulary size taken from the logits?)")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_training_step_lowers_the_loss", "points": 1}
"""Repeated training steps on one batch drive its loss down (gradient descent, not ascent)."""
import torch
torch.manual_seed(23)
_m = _LSTMTagger(7, 8, 16)
_opt = torch.optim.Adam(_m.parameters(), lr=2e-2)
_x, _y = _reversal_batch(8, torch.Generator().manual_seed(4), seq_len=5, vocab_size=7)
try:
    _ls = [float(training_step(_m, _opt, _x, _y)) for _ in range(60)]
except Exception as _error:
    raise AssertionError(_training_step_error(_error)) from None
assert _ls[-1] < 0.5 * _ls[0], (f"the loss on a fixed batch should fall below half its start in 60 steps: {_ls[0]:.3f} -> {_ls[-1]:.3f}"
                                + (f" ({gradient_problem()})" if gradient_problem() else ""))

# %% [markdown]
# ### Exercise 4 — held-out accuracy (1 point)
#
# Training loss says how well the model fits the batches it saw. What we care about is how
# well it does on **sequences it has never seen**: generate fresh ones with their own seed, ask
# the model, and count the fraction of positions whose most likely token (the argmax over the
# vocabulary axis) equals the target.

# %% nbgrader={"solution": true, "grade_id": "heldout_accuracy"}
def heldout_accuracy(model, n_sequences=1000, seed=1234):
    """Fraction of correctly predicted positions on fresh reversal data.

    Args:
        model: tokens (B, T) -> logits (B, T, V). n_sequences: how many fresh sequences.
        seed: seed of the torch.Generator for make_reversal_batch (not the training seed).
    Returns:
        float in [0, 1]: mean over all n_sequences * SEQ_LEN positions of (argmax == target).
        Example: a model that always answers right gets 1.0; guessing gets about 0.1.
    Hints: model.eval(); with torch.no_grad(): ...; logits.argmax(dim=-1).
    """
    ### BEGIN SOLUTION
    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))
    model.eval()
    with torch.no_grad():
        predictions = model(tokens).argmax(dim=-1)                        # (N, T)
    return (predictions == targets).float().mean().item()
    ### END SOLUTION


# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_heldout_accuracy", "points": 1}
"""heldout_accuracy is 1 for a perfect model, about 0.1 for guessing, and the exact fraction otherwise."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def _reversal_batch(batch_size, generator, seq_len=24, vocab_size=10):  # as the given make_reversal_batch
    tokens = torch.randint(0, vocab_size, (batch_size, seq_len), generator=generator)  # (B, T)
    return tokens, tokens.flip(1)


class _Perfect(nn.Module):
    def forward(self, tokens):
        return F.one_hot(tokens.flip(1), 10).float()                      # (B, T, 10): the right answer


class _AlwaysSeven(nn.Module):
    def forward(self, tokens):
        return F.one_hot(torch.full_like(tokens, 7), 10).float()


_acc = heldout_accuracy(_Perfect(), n_sequences=50, seed=5)
assert isinstance(_acc, float), f"return a Python float (.item()), got {type(_acc).__name__}"
assert abs(float(_acc) - 1.0) < 1e-9, f"a model that always answers correctly has accuracy 1.0, got {_acc}"
_acc = heldout_accuracy(_AlwaysSeven(), n_sequences=400, seed=6)
assert 0.07 < float(_acc) < 0.13, (f"always answering 7 is right about 1 time in 10, got accuracy {_acc}"
                                   + (" (return a fraction, not a count)" if _acc > 1 else ""))
### BEGIN HIDDEN TESTS
class _FirstHalf(nn.Module):
    """Right on the first 12 positions, wrong (target + 1) on the last 12; counts the sequences it sees."""

    seen = 0

    def forward(self, tokens):
        self.seen += tokens.shape[0]
        answer = tokens.flip(1).clone()
        answer[:, 12:] = (answer[:, 12:] + 1) % 10
        return 5.0 * F.one_hot(answer, 10).float() + 0.1


_fh = _FirstHalf()
_acc = heldout_accuracy(_fh, n_sequences=37, seed=9)
assert _fh.seen == 37, f"heldout_accuracy must evaluate n_sequences = 37 fresh sequences, the model saw {_fh.seen}"
assert abs(float(_acc) - 0.5) < 1e-9, f"a model right on half of the positions must get 0.5, got {_acc}"


class _Recorder(nn.Module):
    """A perfect model that keeps every batch of tokens it is shown."""

    def __init__(self):
        super().__init__()
        self.batches = []

    def forward(self, tokens):
        self.batches.append(tokens.clone())
        return F.one_hot(tokens.flip(1), 10).float()


_rec = _Recorder()
heldout_accuracy(_rec, n_sequences=23, seed=11)
_seen = torch.cat(_rec.batches) if _rec.batches else torch.zeros(0, dtype=torch.long)
_want, _ = _reversal_batch(23, torch.Generator().manual_seed(11))
assert _seen.shape == _want.shape and torch.equal(_seen, _want), (
    "heldout_accuracy(model, n_sequences=23, seed=11) must evaluate "
    "_reversal_batch(23, torch.Generator().manual_seed(11)); the model saw other sequences "
    "(is `seed` ignored, or the training seed reused?)")
_rec = _Recorder()
heldout_accuracy(_rec)                                          # the defaults: n_sequences=1000, seed=1234
_seen = torch.cat(_rec.batches) if _rec.batches else torch.zeros(0, dtype=torch.long)
_want, _ = _reversal_batch(1000, torch.Generator().manual_seed(1234))
assert _seen.shape == _want.shape and torch.equal(_seen, _want), (
    "heldout_accuracy(model) must use the documented defaults n_sequences=1000, seed=1234, i.e. evaluate "
    f"_reversal_batch(1000, torch.Generator().manual_seed(1234)); the model saw {tuple(_seen.shape)} other sequences")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5 — train both, compare (5 points)
#
# Everything is in place. The cell below trains the transformer and the LSTM with *your*
# `training_step`, with the same seed, data, optimiser, batch size and number of steps, then
# measures both on 1000 fresh sequences with *your* `heldout_accuracy`. Run it (it takes a few
# seconds per model; the progress bars show the speed). It defines the trained models
# `transformer` and `lstm`, their losses `transformer_losses` and `lstm_losses` (one float per
# step), and their held-out accuracies `transformer_accuracy` and `lstm_accuracy`. Nothing to
# write here: the points below are for your model really learning the task, which only happens
# if Exercises 2 – 4 are right (the tests train their own copies of both models, exactly as this
# cell does, so they get the same models and the same numbers). If one of them raises an error, the cell still defines every
# name, then stops with a message that says which exercise to fix.

# %% nbgrader={"locked": true, "grade_id": "experiment"}
experiment_errors = {}                      # what went wrong, if anything: "transformer", "lstm", "accuracy"
transformer_losses, lstm_losses = [], []
transformer_seconds = lstm_seconds = transformer_accuracy = lstm_accuracy = float("nan")
torch.manual_seed(0)
try:
    transformer = TinyTransformer(VOCAB_SIZE, SEQ_LEN, d_model=32, num_heads=2, d_ff=64, num_layers=1)
except Exception as _error:
    transformer = None
    experiment_errors["transformer"] = f"TinyTransformer(...) raised {type(_error).__name__}: {_error} (Exercise 2)"
torch.manual_seed(0)
lstm = LSTMBaseline(VOCAB_SIZE, d_embed=16, hidden_size=40)

if transformer is not None:
    try:
        _t0 = time.perf_counter()
        transformer_losses = train(transformer, desc="transformer")
        transformer_seconds = time.perf_counter() - _t0
    except Exception as _error:
        experiment_errors["transformer"] = f"training the transformer stopped: {_error}"
try:
    _t0 = time.perf_counter()
    lstm_losses = train(lstm, desc="LSTM")
    lstm_seconds = time.perf_counter() - _t0
except Exception as _error:
    experiment_errors["lstm"] = f"training the LSTM stopped: {_error}"
try:
    transformer_accuracy = heldout_accuracy(transformer) if transformer is not None else float("nan")
    lstm_accuracy = heldout_accuracy(lstm)
except Exception as _error:
    experiment_errors["accuracy"] = f"your heldout_accuracy (Exercise 4) raised {type(_error).__name__}: {_error}"

if transformer is not None:
    print(f"transformer: {n_parameters(transformer):6,} parameters, {transformer_seconds:5.1f} s, "
          f"held-out accuracy {transformer_accuracy:.3f}")
print(f"LSTM:        {n_parameters(lstm):6,} parameters, {lstm_seconds:5.1f} s, held-out accuracy {lstm_accuracy:.3f}")
print(f"(guessing: {1 / VOCAB_SIZE:.3f})")
if experiment_errors:
    _message = "\n".join(experiment_errors.values()) + "\nFix that, then run this cell again."
    # an exercise still unsolved (its stub raises NotImplementedError) stops this cell the same way
    raise (NotImplementedError if "NotImplementedError" in _message else RuntimeError)(_message)

# %% tags=["claim"]
assert transformer_accuracy >= 0.995, f"text says the transformer's held-out accuracy is 1.000: got {transformer_accuracy:.3f}"
assert 0.25 <= lstm_accuracy <= 0.33, f"text says the LSTM's held-out accuracy is 0.29: got {lstm_accuracy:.3f}"
assert transformer_seconds < 60 and lstm_seconds < 60, f"text says each model trains in seconds: {transformer_seconds:.1f} s and {lstm_seconds:.1f} s"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_transformer_heldout_accuracy", "points": 2}
"""The trained transformer reverses fresh sequences: held-out accuracy of at least 0.9."""
import torch


# The tests of Exercise 5 train their own copies of the experiment's two models, exactly as the
# experiment cell does (same seed, data, optimiser and steps, so the same models): they check your
# TinyTransformer, training_step and heldout_accuracy, not variables. The later tests reuse them.
def _model_error(model):
    """None if `model` maps tokens (2, 24) to logits (2, 24, 10); else what goes wrong."""
    who = ("your TinyTransformer.forward (Exercise 2)" if type(model).__name__ == "TinyTransformer"
           else f"the {type(model).__name__}")
    tokens = torch.arange(48).reshape(2, 24) % 10                                     # (2, 24)
    try:
        with torch.no_grad():
            logits = model(tokens)
    except Exception as error:
        return f"{who} raised {type(error).__name__}: {error}"
    if not torch.is_tensor(logits) or tuple(logits.shape) != (2, 24, 10):
        got = tuple(logits.shape) if torch.is_tensor(logits) else type(logits).__name__
        return f"{who} returned {got} for tokens of shape (2, 24); expected logits (2, 24, 10)"
    return None


def _train_as_the_experiment(name, n_steps=400, batch_size=64, lr=3e-3):
    """(model, None) with the experiment's `name` ("transformer" or "lstm") trained as the experiment cell trains it,
    or (None, a message naming what to fix)."""
    torch.set_num_threads(1)                       # as the setup cell: the same seed gives the same model
    torch.manual_seed(0)
    try:
        model = (TinyTransformer(10, 24, d_model=32, num_heads=2, d_ff=64, num_layers=1) if name == "transformer"
                 else _LSTMTagger(10, d_embed=16, hidden_size=40))
    except Exception as error:
        return None, f"TinyTransformer(...) raised {type(error).__name__}: {error} (Exercise 2)"
    problem = _model_error(model)
    if problem:
        return None, f"the {name} cannot run: {problem}"
    generator = torch.Generator().manual_seed(0)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(n_steps):
        tokens, targets = _reversal_batch(batch_size, generator)
        try:
            training_step(model, optimizer, tokens, targets)
        except Exception as error:
            return None, f"training the {name} stopped: {_training_step_error(error)}"
    model.eval()
    return model, None


_trained_models = {}


def _trained(name):
    """The trained model `name` and None, or None and a problem; each model is trained once."""
    if name not in _trained_models:
        _trained_models[name] = _train_as_the_experiment(name)
    return _trained_models[name]


def likely_causes():
    """Why a model may have trained badly: the checks of Exercises 2 and 3 that can tell, as a sentence."""
    causes = []
    problem = gradient_problem()
    if problem:
        causes.append(f"Exercise 3: {problem}")
    with torch.random.fork_rng():
        torch.manual_seed(0)
        try:
            model = TinyTransformer(5, 8, d_model=16, num_heads=2, d_ff=24)
            with torch.no_grad():
                same = model(torch.full((1, 6), 3, dtype=torch.long))[0]               # (6, 5)
                base = model(torch.arange(6).reshape(1, 6) % 5)[0]                     # (6, 5)
                moved = model((torch.arange(6).reshape(1, 6) + torch.eye(1, 6, dtype=torch.long)) % 5)[0]
            if float((same - same[:1]).abs().max()) < 1e-4:
                causes.append("Exercise 2: identical tokens give identical logits at every position (add self.pe[:T])")
            if float((moved[1:] - base[1:]).abs().max()) < 1e-6:
                causes.append("Exercise 2: changing token 0 changes no other position's logits (run every block)")
        except Exception as error:
            causes.append(f"Exercise 2: TinyTransformer raised {type(error).__name__}: {error}")
    if not causes:
        return "Exercises 2 and 3 pass the checks made here: see their own tests above"
    return "likely cause: " + "; ".join(causes)


_transformer, _problem = _trained("transformer")
assert _problem is None, _problem
_g = torch.Generator().manual_seed(77)
_x = torch.randint(0, 10, (200, 24), generator=_g)
with torch.no_grad():
    _acc = (_transformer(_x).argmax(-1) == _x.flip(1)).float().mean().item()
assert _acc >= 0.9, f"held-out accuracy of the trained transformer is {_acc:.3f}, expected at least 0.9 ({likely_causes()})"
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(20240607)
_x = torch.randint(0, 10, (2000, 24), generator=_g)
_transformer.eval()
with torch.no_grad():
    _acc = (_transformer(_x).argmax(-1) == torch.flip(_x, dims=[1])).double().mean().item()
assert _acc >= 0.9, f"held-out accuracy on the grader's data is {_acc:.3f}, expected at least 0.9 ({likely_causes()})"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_transformer_reads_the_far_token", "points": 1}
"""The trained transformer copies the FIRST input token to the LAST output position: change it, the answer follows."""
import torch
_transformer, _problem = _trained("transformer")
assert _problem is None, _problem
_g = torch.Generator().manual_seed(78)
_x = torch.randint(0, 10, (100, 24), generator=_g)
_x2 = _x.clone()
_x2[:, 0] = (_x[:, 0] + 1 + torch.randint(0, 9, (100,), generator=_g)) % 10   # a different first token
with torch.no_grad():
    _p1, _p2 = _transformer(_x).argmax(-1), _transformer(_x2).argmax(-1)
_follow = (_p2[:, -1] == _x2[:, 0]).float().mean().item()
assert _follow >= 0.9, (f"after changing input position 0, the prediction at output position 23 equals the new token "
                        f"in only {_follow:.0%} of the sequences (expected at least 90%; {likely_causes()})")
_others = (_p1[:, :-1] == _p2[:, :-1]).float().mean().item()
assert _others >= 0.9, f"changing input position 0 changed the other outputs too ({1 - _others:.0%} of them; {likely_causes()})"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_transformer_beats_lstm", "points": 1}
"""With the same parameter and step budget, the transformer beats the LSTM by a wide margin."""
import torch
_transformer, _problem = _trained("transformer")
assert _problem is None, _problem
_lstm, _problem = _trained("lstm")
assert _problem is None, _problem
_g = torch.Generator().manual_seed(79)
_x = torch.randint(0, 10, (300, 24), generator=_g)
with torch.no_grad():
    _acc_t = (_transformer(_x).argmax(-1) == _x.flip(1)).float().mean().item()
    _acc_l = (_lstm(_x).argmax(-1) == _x.flip(1)).float().mean().item()
assert _acc_t >= 0.9 and _acc_l < 0.6, (f"expected the transformer >= 0.9 and the LSTM < 0.6 after the same 400 steps, "
                                        f"got {_acc_t:.3f} and {_acc_l:.3f} ({likely_causes()})")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_reported_accuracies", "points": 1}
"""heldout_accuracy gives the trained models' real held-out accuracies (the experiment's transformer_accuracy, lstm_accuracy)."""
import torch
_g = torch.Generator().manual_seed(80)
_x = torch.randint(0, 10, (1000, 24), generator=_g)
for _name in ("transformer", "lstm"):
    _model, _problem = _trained(_name)
    assert _problem is None, f"this test needs a {_name} that trains: {_problem}"
    with torch.no_grad():
        _real = (_model(_x).argmax(-1) == _x.flip(1)).float().mean().item()
    try:
        _reported = heldout_accuracy(_model)
    except Exception as _error:
        raise AssertionError(f"your heldout_accuracy (Exercise 4) raised {type(_error).__name__}: {_error}") from None
    assert abs(float(_reported) - _real) < 0.03, \
        f"heldout_accuracy gives the trained {_name} {_reported}, but on fresh data the model gets {_real:.3f} (check heldout_accuracy, Exercise 4)"

# %% [markdown]
# ## 4. Discovery: what did they learn, and how? (~20 min)
#
# First the loss curves (the horizontal line is $\ln 10 \approx 2.30$, the loss of guessing
# uniformly), then the accuracy at every output position on fresh data.

# %%
def accuracy_per_position(model, n_sequences=1000, seed=4321):
    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))
    with torch.no_grad():
        return (model(tokens).argmax(-1) == targets).float().mean(0).numpy()  # (T,)


def smooth(values, k=10):
    values = np.asarray(values, dtype=float)
    return np.convolve(values, np.ones(k) / k, mode="valid") if len(values) >= k else values


transformer_per_position = accuracy_per_position(transformer)     # (T,)
lstm_per_position = accuracy_per_position(lstm)                   # (T,)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
axes[0].plot(smooth(transformer_losses), "-", label=f"transformer ({n_parameters(transformer):,} params)")
axes[0].plot(smooth(lstm_losses), "-.", label=f"LSTM ({n_parameters(lstm):,} params)")
axes[0].axhline(np.log(VOCAB_SIZE), color="gray", ls="--", lw=1, label="guessing (ln 10)")
axes[0].set(xlabel="training step", ylabel="cross-entropy loss (smoothed)", title="Training loss, same budget")
axes[0].legend()
positions = np.arange(SEQ_LEN)
axes[1].plot(positions, transformer_per_position, "o-", label="transformer")
axes[1].plot(positions, lstm_per_position, "s-", label="LSTM")
axes[1].axhline(1 / VOCAB_SIZE, color="gray", ls="--", lw=1, label="guessing")
axes[1].set(xlabel="output position t (its source is input position 23 - t)", ylabel="held-out accuracy",
            title="Accuracy at every output position", ylim=(0, 1.05))
axes[1].legend()
plt.tight_layout()
plt.show()
print("LSTM accuracy at output positions 0, 1, 2:", np.round(lstm_per_position[:3], 2),
      " middle (9-15):", round(float(lstm_per_position[9:16].mean()), 2), " last 3:", np.round(lstm_per_position[-3:], 2))

# %% tags=["claim"]
assert transformer_per_position.min() >= 0.99, f"model answer: the transformer is right everywhere; worst position {transformer_per_position.min():.3f}"
assert lstm_per_position[0] >= 0.85, f"model answer: the LSTM is almost perfect at output 0: {lstm_per_position[0]:.3f}"
assert 0.3 <= lstm_per_position[1] <= 0.48, f"model answer: about 0.4 at output 1: {lstm_per_position[1]:.3f}"
assert 0.14 <= lstm_per_position[9:16].mean() <= 0.26, f"model answer: about 0.2 in the middle: {lstm_per_position[9:16].mean():.3f}"
assert lstm_per_position[-3:].mean() >= lstm_per_position[9:16].mean() + 0.05, f"model answer: recovers a little for the last outputs: last 3 {lstm_per_position[-3:]}, middle {lstm_per_position[9:16].mean():.3f}"

# %% [markdown]
# **Figure.** Left: the smoothed training loss of the transformer (solid) and the LSTM (dash-dot) over the
# 400 steps, with the loss of uniform guessing, ln 10 ≈ 2.30 (dashed). Right: the held-out accuracy at every
# output position: the transformer (circles) is right at every position; the LSTM (squares) is almost
# perfect at output 0, about 0.4 at output 1 and about 0.2 in the middle (guessing: 0.1, dashed).

# %% [markdown]
# Now look inside the transformer: the attention weights of both heads for one fresh sequence.
# Row $t$ is output position $t$ (the query), column $s$ the input position it reads (the key).

# %%
_tokens, _ = make_reversal_batch(1, torch.Generator().manual_seed(99))
with torch.no_grad():
    transformer(_tokens)
attn = transformer.blocks[0].attn_weights[0].numpy()            # (num_heads, T, T)
fig, axes = plt.subplots(1, attn.shape[0], figsize=(4.2 * attn.shape[0], 3.8))
for h, ax in enumerate(np.atleast_1d(axes)):
    im = ax.imshow(attn[h], cmap="viridis", vmin=0, vmax=1)
    ax.set(xlabel="key: input position", ylabel="query: output position", title=f"Trained transformer, head {h + 1}")
fig.colorbar(im, ax=axes, shrink=0.8)
plt.show()
band = np.array([[np.mean([attn[h, t, SEQ_LEN - 1 - t + off] for t in range(SEQ_LEN) if 0 <= SEQ_LEN - 1 - t + off < SEQ_LEN])
                  for off in (-2, -1, 0, 1, 2)] for h in range(attn.shape[0])])   # (num_heads, 5)
for h in range(attn.shape[0]):
    print(f"head {h + 1}: mean weight on key 23 - t + offset, offset -2..2:", np.round(band[h], 2))
_other, _ = make_reversal_batch(1, torch.Generator().manual_seed(100))   # another sequence: other digits
with torch.no_grad():
    transformer(_other)
attn_other = transformer.blocks[0].attn_weights[0].numpy()      # (num_heads, T, T)
band_other = np.array([[np.mean([attn_other[h, t, SEQ_LEN - 1 - t + off] for t in range(SEQ_LEN)
                                 if 0 <= SEQ_LEN - 1 - t + off < SEQ_LEN]) for off in (-2, -1, 0, 1, 2)]
                       for h in range(attn.shape[0])])                              # (num_heads, 5)
for h in range(attn.shape[0]):
    print(f"head {h + 1}, a sequence with other digits:          ", np.round(band_other[h], 2))

# %% tags=["claim"]
assert np.all((band[:, 2] >= 0.4) & (band[:, 2] <= 0.7)), f"model answer: about 0.5 on key 23 - t: {band[:, 2]}"
assert np.all((band[:, [1, 3]] >= 0.1) & (band[:, [1, 3]] <= 0.3)), f"model answer: about 0.2 on each neighbour: {band[:, [1, 3]]}"
assert np.all(band[:, [0, 4]] < 0.06), f"model answer: a band of three keys, little beyond: {band[:, [0, 4]]}"
assert np.abs(band - band_other).max() < 0.05, f"model answer: the pattern depends on positions, not digits: band {band} vs {band_other}"

# %% [markdown]
# **Figure.** The attention weights of the trained transformer's two heads for one fresh sequence, as
# heatmaps (rows: output positions, the queries; columns: input positions, the keys; brighter = more
# weight): in both heads each query $t$ puts its weight on a narrow band around key $23 - t$, the
# anti-diagonal.

# %% [markdown]
# Finally, an ablation — the experiment that shows *which part* does the work. The same
# transformer, trained the same way, but with its positional encoding switched off (set to zero).

# %%
torch.manual_seed(0)
no_positions = TinyTransformer(VOCAB_SIZE, SEQ_LEN)
no_positions.pe.zero_()
train(no_positions, n_steps=N_STEPS // 2, desc="transformer without positions")
no_positions_accuracy = heldout_accuracy(no_positions)
print(f"held-out accuracy without positions ({N_STEPS // 2} steps): {no_positions_accuracy:.3f}")

# %% tags=["claim"]
assert 0.17 <= no_positions_accuracy <= 0.25, f"text says the transformer without positions gets 0.21: got {no_positions_accuracy:.3f}"

# %% [markdown]
# **What we measured** (solution notebook; the models run on one CPU thread, so the same seed
# gives the same numbers on the same machine, and yours should match closely): after 400 steps
# the transformer's held-out accuracy is 1.000 and the LSTM's 0.29 (guessing: 0.10). Each model
# trains in seconds (the cell prints the time). Without positions the transformer gets only 0.21.
#
# ### Question — explain the results (2 points, graded by hand)
# (a) Describe the attention maps: which input position does output position $t$ attend to,
# and why does that solve the task? (b) The LSTM's accuracy depends strongly on the output
# position: which positions does it get right, which not, and why (think of Part 1)? (c) Why
# does the transformer without positional encoding fail — what can it still get right?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_explain_results", "points": 2}
# **Model answer.** (a) The maps are anti-diagonal: query $t$ puts most of its weight (about
# 0.5) on key $23 - t$, the very input digit it must output, and a little (about 0.2 each) on
# the two neighbours, whose positional encodings are similar. Attention copies a mixture
# dominated by the right digit to position $t$ in one hop, and the feed-forward layer and head
# read it out. The pattern depends on positions, not on the digits (a sequence with other
# digits gives almost the same band): it is built from the positional encodings (queries and
# keys are linear maps of embedding + PE). (b) The LSTM is almost perfect at output 0, whose
# source is the digit it read last, drops to about 0.4 at output 1 and to about 0.2 in the
# middle, and recovers a little for the very last outputs (the first digits read, written into
# a fresh state). The digits it needs later were read up to 47 steps earlier and must survive
# many updates of a 40-number state shared by all 24 digits — the long path and vanishing
# gradients of Part 1; in 400 steps it learns to keep only a little. (c) Without positions
# self-attention is permutation-equivariant: every output is the same function of its own token
# and of the *bag* of all tokens, so the model cannot know which token sits at $23 - t$. The
# best it can do is guess from the bag — answer the most frequent digit — which is right about
# 21% of the time, about its accuracy (the cell below measures it).
# *Full marks:* anti-diagonal + why it solves the task (1 pt); LSTM recent vs distant with the
# reason, and no-PE = no order (1 pt).

# %% [markdown]
# **Check your answer to (c).** Without positions a model can only answer from the *bag* of
# input digits (and its own token). The simplest such rule: always answer the most frequent
# digit of the input. How often is it right on the held-out data?

# %%
_tokens, _targets = make_reversal_batch(1000, torch.Generator().manual_seed(1234))   # heldout_accuracy's data
_most_frequent = F.one_hot(_tokens, VOCAB_SIZE).sum(1).argmax(-1)                   # (1000,) per sequence
most_frequent_accuracy = (_most_frequent[:, None] == _targets).float().mean().item()
print(f"'always the most frequent digit': {most_frequent_accuracy:.3f}; "
      f"the transformer without positions: {no_positions_accuracy:.3f}")

# %% tags=["claim"]
assert abs(most_frequent_accuracy - no_positions_accuracy) < 0.02, f"model answer: the transformer without positions scores about what 'most frequent digit' scores: {no_positions_accuracy:.3f} vs {most_frequent_accuracy:.3f}"
assert 0.19 <= most_frequent_accuracy <= 0.23, f"model answer: the rule is right about 21% of the time: {most_frequent_accuracy:.3f}"

# %% [markdown]
# ## Going further: is the comparison fair? (~10 min, optional)
#
# Same parameters (the LSTM even has a few more), same data, same steps, same optimiser, same
# training step. But one run with one seed proves little, and 400 steps is a small budget. It is
# *not* a proof that LSTMs cannot reverse sequences: what the experiment shows is how much
# *easier* the task is for attention — and why. Three questions, to answer by experiment:
# is seed 0 lucky? Does the LSTM catch up with 15 times the steps (6,000)? With about 8 times
# the parameters (hidden size 128) and 400 or 2,000 steps? Predict first, then set
# `RUN_LONGER = True` and run the cell: 13 more trainings, about a minute on a laptop.

# %%
RUN_LONGER = False          # set to True to run the longer experiments (about a minute)
if RUN_LONGER:
    longer = {}
    for _seed in (1, 2, 3, 4, 5):
        torch.manual_seed(_seed)
        _t = TinyTransformer(VOCAB_SIZE, SEQ_LEN)
        train(_t, seed=_seed, desc=f"transformer, seed {_seed}")
        torch.manual_seed(_seed)
        _l = LSTMBaseline(VOCAB_SIZE)
        train(_l, seed=_seed, desc=f"LSTM, seed {_seed}")
        longer[f"seed {_seed}: transformer, LSTM"] = (heldout_accuracy(_t), heldout_accuracy(_l))
    torch.manual_seed(0)
    _l = LSTMBaseline(VOCAB_SIZE)
    train(_l, n_steps=15 * N_STEPS, desc="LSTM, 6,000 steps")
    longer["LSTM, 6,000 steps"] = (heldout_accuracy(_l),)
    for _steps in (N_STEPS, 5 * N_STEPS):
        torch.manual_seed(0)
        _l = LSTMBaseline(VOCAB_SIZE, hidden_size=128)
        train(_l, n_steps=_steps, desc=f"LSTM, hidden size 128, {_steps} steps")
        longer[f"LSTM, hidden size 128 ({n_parameters(_l):,} parameters), {_steps} steps"] = (heldout_accuracy(_l),)
    for _what, _accs in longer.items():
        print(f"{_what}: held-out accuracy", ", ".join(f"{a:.3f}" for a in _accs))

# %% tags=["claim"]
if RUN_LONGER:
    _seeds = [v for k, v in longer.items() if k.startswith("seed")]
    assert all(t >= 0.99 and l <= 0.4 for t, l in _seeds), f"text: the picture does not depend on the seed: {_seeds}"
    assert 0.55 <= longer["LSTM, 6,000 steps"][0] <= 0.75, f"text: 15 times the steps take the LSTM to about 0.65: {longer['LSTM, 6,000 steps']}"
    _wide = [v[0] for k, v in longer.items() if "hidden size 128" in k]
    assert _wide[0] <= 0.55 and _wide[1] >= 0.8, f"text: the wide LSTM is about 0.45 at 400 steps, close to 0.9 at 2,000: {_wide}"

# %% [markdown]
# **What we found** when we ran it: seeds 1 – 5 give the same picture as seed 0 (the
# transformer perfect, the LSTM around 0.3); 15 times the steps take the same LSTM to about
# 0.65; the wide LSTM gets about 0.45 after 400 steps and close to 0.9 after 2,000. The LSTM can
# learn the task — slowly, and with much more compute or many more parameters. Attention makes
# it easy because every output is one hop from its source.

# %% [markdown]
# ## 5. Transformer efficiency: what attention costs, and how to pay less (~25 min)
#
# **Theory hint.** Self-attention compares every query with every key: one head of one layer
# computes and stores a $T \times T$ matrix of weights. Double the length and an RNN does twice
# the work and keeps twice as many hidden states ($O(T d^2)$ work, one $d$-vector per step), but
# attention computes and stores **four times** as many weights ($O(T^2 d)$ work, $O(T^2)$ memory
# for the weights) — Vaswani et al. (2017, Table 1). For short sequences ($T < d$) attention is
# the cheaper layer; for long ones its square wins. This is the price of the direct connections
# you used all along. (The optional section after this one measures it.)
#
# **Real-world example — a meeting.** In a meeting where everyone may talk to everyone, the
# number of possible conversations grows like the square of the number of people; passing a note
# along a row of chairs (the RNN) grows only linearly — but takes one turn per chair.
#
# ### Generating text: why decoders cache keys and values
#
# **Theory hint.** A decoder generates one token at a time (Part 1's caveat): to produce token
# $t+1$ it runs the model on tokens $0..t$. With a causal mask, the keys and values of tokens
# $0..t-1$ do not change when token $t$ arrives — they only ever depend on earlier tokens. So
# instead of recomputing them at every step, keep them: a **KV cache**. At step $t$ the new token
# computes only its own query, key and value, appends its key and value to the cache, and
# attends with one query over the $t+1$ cached keys. Per step and layer that is $O(d^2)$ for the
# projections plus $O(t\,d)$ for the attention, instead of $O(t\,d^2 + t^2 d)$ to recompute the
# whole prefix.
#
# **Real-world example — minutes of a meeting.** A latecomer does not ask everyone to repeat
# everything they said since the start; they read the minutes (the cache) and add their own
# line at the end.
#
# The read-only cell below gives what a decoder does **without** a cache: causal self-attention
# over the whole prefix, recomputed from scratch (PyTorch's own kernel with `is_causal=True`);
# the new token's output is its last row.

# %% nbgrader={"locked": true, "grade_id": "decoder_without_cache"}
def causal_attention_full(X, W_q, W_k, W_v):
    """Causal single-head self-attention over a whole prefix, recomputed from scratch.

    Args:
        X: (B, T, d_model); W_q, W_k: (d_model, d_k); W_v: (d_model, d_v).
    Returns:
        (B, T, d_v): row t attends to positions 0..t, scaled by 1/sqrt(d_k).
    """
    return F.scaled_dot_product_attention(X @ W_q, X @ W_k, X @ W_v, is_causal=True)  # (B, T, d_v)


# %% [markdown]
# ### Exercise 6 — a decoder step with a KV cache (4 points)
# Write `cached_attention_step`: one generation step of causal single-head self-attention that
# computes only the new token's query, key and value and takes the earlier keys and values from
# the cache. (Multi-head attention does the same in every head; a real decoder keeps one cache per
# layer.) Called for $t = 0, 1, 2, \dots$, its outputs must equal the rows of
# `causal_attention_full` on the whole sequence.

# %% nbgrader={"solution": true, "grade_id": "cached_attention_step"}
def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):
    """One generation step of causal single-head self-attention with a key/value cache.

    Position t attends to positions 0..t. The keys and values of positions 0..t-1 were computed
    at earlier steps and are in the cache; compute only this token's query, key and value.

    Args:
        x_t: (B, d_model) tensor, the newest token's vector (position t).
        W_q, W_k: (d_model, d_k) tensors; W_v: (d_model, d_v) tensor (multiply on the right).
        cache: None at the first step (t = 0); afterwards the dict returned by the previous
            step: {"K": (B, t, d_k), "V": (B, t, d_v)}.
    Returns:
        (out, cache): out, (B, d_v), position t's attention over positions 0..t with scores
        scaled by 1/sqrt(d_k); cache, {"K": (B, t+1, d_k), "V": (B, t+1, d_v)}: the old keys
        and values followed by this token's key and value.
    Example: at t = 0 a token can only attend to itself, so out == x_0 @ W_v.
    Hints: torch.cat(..., dim=1) appends along the positions; the one query is (B, 1, d_k).
    """
    ### BEGIN SOLUTION
    q = (x_t @ W_q).unsqueeze(1)                                   # (B, 1, d_k)
    k = (x_t @ W_k).unsqueeze(1)                                   # (B, 1, d_k)
    v = (x_t @ W_v).unsqueeze(1)                                   # (B, 1, d_v)
    if cache is None:
        K, V = k, v
    else:
        K = torch.cat([cache["K"], k], dim=1)                      # (B, t+1, d_k)
        V = torch.cat([cache["V"], v], dim=1)                      # (B, t+1, d_v)
    scores = q @ K.transpose(1, 2) / math.sqrt(q.shape[-1])        # (B, 1, t+1)
    weights = torch.softmax(scores, dim=-1)                        # (B, 1, t+1)
    out = (weights @ V).squeeze(1)                                 # (B, d_v)
    return out, {"K": K, "V": V}
    ### END SOLUTION


# %%
# Try it: generate 6 steps with the cache and compare with recomputing everything.
_g = torch.Generator().manual_seed(1)
_X = torch.randn(2, 6, 8, generator=_g)                                             # (B, T, d_model)
_Wq, _Wk, _Wv = torch.randn(8, 4, generator=_g), torch.randn(8, 4, generator=_g), torch.randn(8, 3, generator=_g)
_cache, _outs = None, []
for _t in range(6):
    _out, _cache = cached_attention_step(_X[:, _t], _Wq, _Wk, _Wv, _cache)
    _outs.append(_out)
print("cache shapes after 6 steps:", tuple(_cache["K"].shape), tuple(_cache["V"].shape))  # (2, 6, 4) (2, 6, 3)
print("largest difference from recomputing everything:",
      float((torch.stack(_outs, dim=1) - causal_attention_full(_X, _Wq, _Wk, _Wv)).abs().max()))

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_kv_cache_shapes", "points": 1}
"""cached_attention_step returns out (B, d_v) and a cache that grows by one position per step."""
import torch
_g = torch.Generator().manual_seed(2)
_X = torch.randn(2, 3, 6, generator=_g)
_Wq, _Wk, _Wv = torch.randn(6, 4, generator=_g), torch.randn(6, 4, generator=_g), torch.randn(6, 5, generator=_g)
_cache = None
for _t in range(3):
    _out, _cache = cached_attention_step(_X[:, _t], _Wq, _Wk, _Wv, _cache)
    assert tuple(_out.shape) == (2, 5), f"step {_t}: out must be (B, d_v) = (2, 5), got {tuple(_out.shape)} (squeeze the query axis)"
    _shapes = (tuple(_cache["K"].shape), tuple(_cache["V"].shape))
    assert _shapes == ((2, _t + 1, 4), (2, _t + 1, 5)), \
        f"after step {_t} the cache must hold {_t + 1} positions: K (2, {_t + 1}, 4), V (2, {_t + 1}, 5); got {_shapes} (append, do not overwrite)"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_kv_cache_first_step", "points": 1}
"""At the first step a token can only attend to itself: the output is its own value."""
import torch
_g = torch.Generator().manual_seed(3)
_x0 = torch.randn(2, 6, generator=_g)
_Wq, _Wk, _Wv = torch.randn(6, 4, generator=_g), torch.randn(6, 4, generator=_g), torch.randn(6, 5, generator=_g)
_out, _ = cached_attention_step(_x0, _Wq, _Wk, _Wv, None)
assert torch.allclose(_out.reshape(2, 5), _x0 @ _Wv, atol=1e-5), \
    f"with an empty cache (cache=None) the output must be x_0 @ W_v = {_x0 @ _Wv}, got {_out}"
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(31)
for _B, _dm, _dk, _dv, _dtype in [(1, 5, 3, 7, torch.float32), (3, 9, 6, 2, torch.float64)]:
    _x0 = 20.0 * torch.randn(_B, _dm, generator=_g, dtype=_dtype)
    _W = [torch.randn(_dm, _d, generator=_g, dtype=_dtype) for _d in (_dk, _dk, _dv)]
    _out, _ = cached_attention_step(_x0, *_W, None)
    assert torch.allclose(_out.double().reshape(_B, _dv), (_x0 @ _W[2]).double(), rtol=1e-4, atol=1e-4), \
        f"first step with B={_B}, d_model={_dm}, d_k={_dk}, d_v={_dv}, {_dtype}: the output is not x_0 @ W_v"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_kv_cache_keeps_the_past", "points": 1}
"""The returned cache is the old keys and values, unchanged, followed by the new token's key and value."""
import torch
_g = torch.Generator().manual_seed(4)
_old = {"K": torch.randn(2, 3, 4, generator=_g), "V": torch.randn(2, 3, 5, generator=_g)}
_old_K, _old_V = _old["K"].clone(), _old["V"].clone()
_x = torch.randn(2, 6, generator=_g)
_Wq, _Wk, _Wv = torch.randn(6, 4, generator=_g), torch.randn(6, 4, generator=_g), torch.randn(6, 5, generator=_g)
_, _new = cached_attention_step(_x, _Wq, _Wk, _Wv, _old)
assert torch.allclose(_new["K"][:, :3], _old_K) and torch.allclose(_new["V"][:, :3], _old_V), \
    "the first t positions of the new cache must be the old keys and values, unchanged (append at the end)"
assert torch.allclose(_new["K"][:, 3], _x @ _Wk, atol=1e-5), "the last cached key must be x_t @ W_k (not the query, not x_t)"
assert torch.allclose(_new["V"][:, 3], _x @ _Wv, atol=1e-5), "the last cached value must be x_t @ W_v"
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(41)
for _B, _t, _dm, _dk, _dv in [(1, 1, 5, 3, 7), (3, 6, 9, 6, 2)]:
    _old = {"K": torch.randn(_B, _t, _dk, generator=_g, dtype=torch.float64),
            "V": torch.randn(_B, _t, _dv, generator=_g, dtype=torch.float64)}
    _old_K, _old_V = _old["K"].clone(), _old["V"].clone()
    _x = torch.randn(_B, _dm, generator=_g, dtype=torch.float64)
    _W = [torch.randn(_dm, _d, generator=_g, dtype=torch.float64) for _d in (_dk, _dk, _dv)]
    _, _new = cached_attention_step(_x, *_W, _old)
    _ref_K = torch.cat([_old_K, (_x @ _W[1])[:, None]], dim=1)
    _ref_V = torch.cat([_old_V, (_x @ _W[2])[:, None]], dim=1)
    assert tuple(_new["K"].shape) == tuple(_ref_K.shape) and torch.allclose(_new["K"].double(), _ref_K, atol=1e-8), \
        f"cache['K'] is wrong for B={_B}, t={_t}, d_k={_dk}"
    assert tuple(_new["V"].shape) == tuple(_ref_V.shape) and torch.allclose(_new["V"].double(), _ref_V, atol=1e-8), \
        f"cache['V'] is wrong for B={_B}, t={_t}, d_v={_dv}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_kv_cache_matches_recomputation", "points": 1}
"""Step by step with the cache gives exactly what recomputing the whole prefix gives."""
import torch
_g = torch.Generator().manual_seed(5)
_X = torch.randn(2, 5, 6, generator=_g)
_Wq, _Wk, _Wv = torch.randn(6, 4, generator=_g), torch.randn(6, 4, generator=_g), torch.randn(6, 3, generator=_g)
_cache, _outs = None, []
for _t in range(5):
    _out, _cache = cached_attention_step(_X[:, _t], _Wq, _Wk, _Wv, _cache)
    _outs.append(_out.reshape(2, 3))
_got = torch.stack(_outs, dim=1)                                                  # (B, T, d_v)
_ref = torch.nn.functional.scaled_dot_product_attention(_X @ _Wq, _X @ _Wk, _X @ _Wv, is_causal=True)  # as causal_attention_full
assert torch.allclose(_got, _ref, rtol=1e-4, atol=1e-5), \
    (f"cached outputs differ from recomputing everything (max difference {float((_got - _ref).abs().max()):.3g}): "
     "is the new token among the keys it attends to, is softmax over the keys, are the scores divided by sqrt(d_k)?")
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(51)
for _B, _T, _dm, _dk, _dv, _dtype, _scale in [(1, 9, 5, 3, 7, torch.float32, 1.0), (3, 7, 10, 6, 2, torch.float64, 1.0),
                                              (2, 6, 4, 8, 5, torch.float64, 15.0)]:
    _X = _scale * torch.randn(_B, _T, _dm, generator=_g, dtype=_dtype)
    _W = [torch.randn(_dm, _d, generator=_g, dtype=_dtype) for _d in (_dk, _dk, _dv)]
    _ref = torch.nn.functional.scaled_dot_product_attention(_X @ _W[0], _X @ _W[1], _X @ _W[2], is_causal=True).double()
    _cache = None
    for _t in range(_T):
        _out, _cache = cached_attention_step(_X[:, _t], *_W, _cache)
        assert torch.isfinite(_out).all(), f"step {_t} gave inf or nan for inputs of scale {_scale} (a stable softmax subtracts the max)"
        assert torch.allclose(_out.double().reshape(_B, _dv), _ref[:, _t], rtol=1e-4, atol=1e-4 * _scale), \
            f"step {_t} differs from causal attention over positions 0..{_t} (B={_B}, d_k={_dk}, d_v={_dv}, {_dtype}, scale {_scale})"
### END HIDDEN TESTS

# %% [markdown]
# The cache trades memory for time, and that memory is what limits long generations: per
# sequence, $2 \times n_\text{layers} \times T \times d_\text{model}$ numbers (a key and a value
# per layer and position). For GPT-3 (96 layers, $d_\text{model} = 12288$, context 2048 tokens;
# Brown et al., 2020, Table 2.1) in 16-bit floats that is
# $2 \cdot 96 \cdot 2048 \cdot 12288 \cdot 2$ bytes ≈ 9.7 GB — for *one* sequence.
#
# ### What scales further
# | idea | what it changes | cost |
# |---|---|---|
# | **FlashAttention** (Dao et al., 2022) | exact attention computed in tiles that stay in the GPU's fast on-chip memory; an "online softmax" (a running maximum and a running sum, updated block of keys by block of keys) gives the exact softmax without ever writing the $T \times T$ matrix to main memory | $O(T^2 d)$ work as before, $O(T)$ extra memory, faster (far fewer memory reads and writes) |
# | **Sparse attention** (Child et al., 2019, "Sparse Transformers") | each query attends to a fixed pattern of keys (a local window plus strided positions) instead of all | $O(T\sqrt{T})$ instead of $O(T^2)$; an approximation of full attention |
# | **Linear attention** (Katharopoulos et al., 2020, "Transformers are RNNs") | replaces $\exp(q \cdot k)$ by a product of feature maps $\phi(q)^\top \phi(k)$, so $\sum_j \phi(k_j) v_j^\top$ can be summed once and reused | $O(T)$ time and memory; causal decoding becomes an RNN with a constant-size state; a different model, often less accurate |
# | **Multi-query attention** (Shazeer, 2019, "Fast Transformer Decoding: One Write-Head is All You Need") | all query heads share **one** key head and one value head | KV cache $h$ times smaller, faster decoding; some loss of quality |
# | **Grouped-query attention** (Ainslie et al., 2023, "GQA") | query heads in $g$ groups, one key/value head per group (between multi-head, $g = h$, and multi-query, $g = 1$) | KV cache $h/g$ times smaller, quality close to multi-head |
#
# FlashAttention and the KV cache change *how* attention is computed, not its result; sparse and
# linear attention change the model; multi-query and grouped-query attention change its shape
# (fewer key/value heads). Modern large models combine several of them.

# %% [markdown]
# ## Going further: measure what attention costs (~15 min, optional)
#
# The cell below times, on one CPU thread, four heads ($d_\text{head} = 64$) of attention written
# the way you wrote it in Exercise 1 (it materialises the weights), PyTorch's fused
# `F.scaled_dot_product_attention` on the same inputs, and an `nn.RNN` of the same width
# ($4 \times 64 = 256$), at growing lengths; and it counts the bytes of the attention weights
# against the bytes of the RNN's hidden states. Each time is the median of several runs, in
# *CPU time* of this process (`time.process_time()`), not wall-clock time: other programs on the
# machine delay a run but do not add to its CPU time. Timings are shown, never graded. It takes
# a few seconds.

# %%
def naive_attention(Q, K, V):
    """softmax(Q K^T / sqrt(d_k)) V as in Exercise 1, in PyTorch: it builds the (..., T, T) weights."""
    weights = torch.softmax(Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1]), dim=-1)  # (B, H, T, T)
    return weights @ V, weights                                                       # (B, H, T, d_head)


def median_time(fn, repeats):
    """The median CPU time of `repeats` runs of fn(), in seconds (other programs hardly change it)."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return float(np.median(times))


N_HEADS, D_HEAD = 4, 64
lengths = [128, 256, 512, 1024, 2048]
torch.manual_seed(0)
rnn_256 = nn.RNN(N_HEADS * D_HEAD, N_HEADS * D_HEAD, batch_first=True)
_g = torch.Generator().manual_seed(0)
cost = {"naive": [], "fused": [], "rnn": [], "weights_bytes": [], "states_bytes": []}
with torch.no_grad():                         # one CPU thread: set in the setup cell
    for T in lengths:
        Q, K, V = (torch.randn(1, N_HEADS, T, D_HEAD, generator=_g) for _ in range(3))  # (B, H, T, d_head)
        X = torch.randn(1, T, N_HEADS * D_HEAD, generator=_g)                           # (B, T, d)
        repeats = 5 if T <= 1024 else 3
        cost["naive"].append(median_time(lambda: naive_attention(Q, K, V), repeats))
        cost["fused"].append(median_time(lambda: F.scaled_dot_product_attention(Q, K, V), repeats))
        cost["rnn"].append(median_time(lambda: rnn_256(X), repeats))
        out, weights = naive_attention(Q, K, V)
        states, _ = rnn_256(X)
        cost["weights_bytes"].append(weights.nelement() * weights.element_size())  # H * T * T floats
        cost["states_bytes"].append(states.nelement() * states.element_size())     # T * d floats
        assert torch.allclose(out, F.scaled_dot_product_attention(Q, K, V), atol=1e-5)  # same result
del Q, K, V, X, out, weights, states

print(f"{'T':>5} {'yours (ms)':>11} {'fused (ms)':>11} {'ratio':>6} {'RNN (ms)':>9} {'weights (MiB)':>14} {'RNN states (MiB)':>17}")
for i, T in enumerate(lengths):
    print(f"{T:5d} {1e3 * cost['naive'][i]:11.1f} {1e3 * cost['fused'][i]:11.1f} {cost['naive'][i] / cost['fused'][i]:6.1f}"
          f" {1e3 * cost['rnn'][i]:9.1f} {cost['weights_bytes'][i] / 2**20:14.2f} {cost['states_bytes'][i] / 2**20:17.2f}")
print(f"from T = 512 to T = 2048 (4 times longer): your attention {cost['naive'][4] / cost['naive'][2]:.0f} times slower, "
      f"the RNN {cost['rnn'][4] / cost['rnn'][2]:.1f} times slower")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
axes[0].loglog(lengths, cost["naive"], "o-", label="your attention (weights materialised)")
axes[0].loglog(lengths, cost["fused"], "s-", label="F.scaled_dot_product_attention")
axes[0].loglog(lengths, cost["rnn"], "^-", label="nn.RNN, same width")
axes[0].set(xlabel="sequence length T", ylabel="CPU seconds (median run)", title="Time of one layer, 1 CPU thread")
axes[0].legend(fontsize=8)
axes[1].loglog(lengths, np.array(cost["weights_bytes"]) / 2**20, "o-", label="attention weights (H·T² floats)")
axes[1].loglog(lengths, np.array(cost["states_bytes"]) / 2**20, "^-", label="RNN hidden states (T·d floats)")
axes[1].set(xlabel="sequence length T", ylabel="MiB", title="Memory: quadratic against linear")
axes[1].legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% tags=["claim"]
assert all(b == 4 * a for a, b in zip(cost["weights_bytes"], cost["weights_bytes"][1:])), f"text says the weights' memory has slope 2: {cost['weights_bytes']}"
assert all(b == 2 * a for a, b in zip(cost["states_bytes"], cost["states_bytes"][1:])), f"text says the RNN states' memory has slope 1: {cost['states_bytes']}"
assert cost["naive"][4] > 8 * cost["naive"][2], f"text says attention's time grows faster than linearly at long lengths: T=512 {cost['naive'][2] * 1e3:.1f} ms, T=2048 {cost['naive'][4] * 1e3:.1f} ms"
assert cost["rnn"][4] < 8 * cost["rnn"][2], f"text says the RNN's time is linear: T=512 {cost['rnn'][2] * 1e3:.1f} ms, T=2048 {cost['rnn'][4] * 1e3:.1f} ms"
assert cost["naive"][4] > 1.5 * cost["fused"][4], f"text says the fused kernel is faster at the longest length: yours {cost['naive'][4] * 1e3:.1f} ms, fused {cost['fused'][4] * 1e3:.1f} ms"
assert cost["weights_bytes"][3] == 16 * 2**20, f"text says the weights take 16 MiB at T = 1024: {cost['weights_bytes'][3] / 2**20} MiB"

# %% [markdown]
# **Figure.** Log-log plots against the sequence length $T$ (128 to 2048). Left: the CPU time of one
# attention layer written as yours (circles), PyTorch's fused `F.scaled_dot_product_attention` (squares)
# and an `nn.RNN` of the same width (triangles). Right: the memory of the attention weights (circles,
# slope 2: quadratic) and of the RNN's hidden states (triangles, slope 1: linear), in MiB.

# %% [markdown]
# **Discovery.** On a log-log plot a power law is a straight line, and its slope is the power:
# the weights' memory has slope 2 (each doubling of $T$ multiplies it by 4), the RNN's states
# slope 1. Attention's time grows faster than linearly, towards slope 2 as $T$ grows (or
# steeper, once the weights no longer fit in the CPU's caches): from $T = 512$ to $T = 2048$ it
# grows far more than 4 times. At short lengths fixed overheads (calling functions, allocating
# memory) hide the square; at long lengths the $T^2$ products dominate. The RNN's time is
# linear — but it is $T$ small steps *one after another*, which a GPU cannot spread out
# (Part 1); the attention products are a few big matrix multiplications it can.
#
# **What the fused kernel saves.** `F.scaled_dot_product_attention` computes the *same* result
# (the cell checks it) but never stores the $T \times T$ weights: it walks over the keys in
# blocks and keeps a running maximum and a running sum of the softmax (an "online softmax"), so
# its extra memory grows like $T$, not $T^2$. The version above allocates three $(1, 4, T, T)$
# float tensors, one after the other (the scores, the scaled scores and the weights): at
# $T = 1024$, 16 MiB each (the table's weights column). PyTorch's memory profiler
# (`torch.profiler.profile(profile_memory=True)`) shows the difference if you want to see it.
# At the longest length the fused kernel is also faster (the ratio column), because it reads
# and writes far less memory — memory traffic, not arithmetic, is what limits attention on
# modern hardware. The arithmetic, $O(T^2 d)$, is the same. That is exactly FlashAttention's
# idea (section 5's table).
#
# **Does the KV cache pay?** Generate 256 tokens both ways with your `cached_attention_step`
# and time every step (CPU time again): recomputing the prefix gets slower with every token,
# while the cached step grows far more slowly.

# %%
_g = torch.Generator().manual_seed(6)
T_GEN, D_MODEL_GEN = 256, 64
_X = torch.randn(1, T_GEN, D_MODEL_GEN, generator=_g)
_W = [torch.randn(D_MODEL_GEN, D_MODEL_GEN, generator=_g) / 8 for _ in range(3)]
step_times = {"recompute": [], "cache": []}
with torch.no_grad():
    _cache = None
    for _t in range(T_GEN):
        _start = time.process_time()
        _last = causal_attention_full(_X[:, :_t + 1], *_W)[:, -1]      # no cache: the whole prefix again
        step_times["recompute"].append(time.process_time() - _start)
        _start = time.process_time()
        _out, _cache = cached_attention_step(_X[:, _t], *_W, _cache)   # cache: one new token
        step_times["cache"].append(time.process_time() - _start)
step_ms = {k: 1e3 * np.array(v) for k, v in step_times.items()}
first, last = slice(0, 32), slice(T_GEN - 32, T_GEN)
for _k, _name in (("recompute", "recompute the prefix"), ("cache", "KV cache")):
    print(f"{_name:>20}: median step {np.median(step_ms[_k][first]):.3f} ms over the first 32 tokens, "
          f"{np.median(step_ms[_k][last]):.3f} ms over the last 32")
fig, ax = plt.subplots(figsize=(6, 3.4))
ax.plot(step_ms["recompute"], "-", label="recompute the prefix")
ax.plot(step_ms["cache"], "--", label="KV cache")
ax.set(xlabel="generation step t", ylabel="CPU ms per step", title="One attention layer, one token per step")
ax.legend()
plt.tight_layout()
plt.show()

# %% tags=["claim"]
_rec_growth = np.median(step_ms["recompute"][last]) / np.median(step_ms["recompute"][first])
_cache_growth = np.median(step_ms["cache"][last]) / np.median(step_ms["cache"][first])
assert _rec_growth > 4, f"text says recomputing gets slower with every token: late/early median step {_rec_growth:.2f}"
assert _rec_growth > 2 * _cache_growth, f"text says the cached step grows far more slowly: growth {_rec_growth:.2f} (recompute) vs {_cache_growth:.2f} (cache)"
assert np.median(step_ms["recompute"][last]) > 3 * np.median(step_ms["cache"][last]), f"the cache should be much faster late in the generation: {np.median(step_ms['recompute'][last]):.3f} vs {np.median(step_ms['cache'][last]):.3f} ms"

# %% [markdown]
# **Figure.** The CPU time of each generation step of one attention layer, in milliseconds: recomputing the
# whole prefix (solid) gets slower with every token, while the step with a KV cache (dashed) stays much
# faster and grows far more slowly.

# %% [markdown]
# ## 6. Reflection questions (graded by hand, ~15 min)
#
# ### Question — the title (1 point)
# Why is the paper titled "Attention Is All You Need"?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_title", "points": 1}
# **Model answer.** Because the model drops recurrence and convolutions entirely: earlier
# translation models used attention *on top of* an RNN (or a CNN); the transformer relates
# positions with attention alone (plus position-wise feed-forward layers, positional encodings,
# residuals and normalisation), and it was both better (28.4 BLEU on WMT14 English→German) and
# much faster to train. *Full marks:* no recurrence/convolution, attention alone relates positions.

# %% [markdown]
# ### Question — beyond language (1 point)
# What tasks beyond NLP could benefit from transformers? Name two and say what the "tokens" are.

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_beyond_nlp", "points": 1}
# **Model answer.** Images: a Vision Transformer (ViT, Dosovitskiy et al., 2021) cuts an image
# into 16×16 patches, and each patch is a token. Proteins (AlphaFold 2's Evoformer): amino acids
# and pairs of residues. Also speech (audio frames), music (notes/events), DNA (bases or k-mers),
# time series, reinforcement learning (states, actions), code. *Full marks:* two sensible domains,
# each with what a token is.

# %% [markdown]
# ### Question — limitations (2 points)
# What are potential limitations of transformers? Think about computational cost, memory,
# sequence length limits — and about what today's experiment needed.

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_limitations", "points": 2}
# **Model answer.** (1) Self-attention compares every pair of positions: $O(n^2)$ time and memory
# in the sequence length $n$, so long documents, high-resolution images or long audio are
# expensive; models have a fixed context window. (2) No built-in notion of order: positions must
# be injected (our ablation fails without them), and learned position embeddings do not
# extrapolate beyond the trained length. (3) Generation is still sequential, one token at a time,
# and needs a cache that grows with the context. (4) Weak inductive biases: transformers need
# a lot of data and compute (GPT-3: about $3.1 \times 10^{23}$ floating-point operations) —
# with little data, models with built-in structure (CNNs, RNNs) can do better. (5) Attention maps
# are tempting but not complete explanations of a prediction.
# *Full marks:* the quadratic cost in sequence length with its consequence (1 pt); one more
# genuine limitation explained (1 pt).

# %% [markdown]
# ## 7. Concept quiz (5 points, ~10 min)
#
# Quick questions on this part's ideas (a reading quiz), one point each. Answer each
# in its own cell — replace `None` (and delete the `raise NotImplementedError()` line) with a
# letter as a string (`"B"`), `True`/`False`, or a number, as the cell says. The check below each
# answer only tells you whether your answer has the right *form*; whether it is right is checked
# when your work is graded.

# %% [markdown]
# **Question 1.** A sequence grows from 1,000 to 4,000 tokens. By what factor does the memory of the attention
# weight matrices `(B, H, T, T)` grow?

# %% nbgrader={"solution": true, "grade_id": "quiz_memory_growth"}
quiz_memory_growth = None  # a number
### BEGIN SOLUTION
quiz_memory_growth = 16
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_memory_growth", "points": 1}
"""Question 1: how the attention weights' memory grows with the length."""
import numpy as np
import numbers
assert isinstance(quiz_memory_growth, numbers.Real) and not isinstance(quiz_memory_growth, (bool, np.bool_)), \
    f"answer with a number (an int or a float), got {quiz_memory_growth!r}"
assert 0 <= quiz_memory_growth <= 1000000000.0, f"a growth factor is a positive number, got {quiz_memory_growth!r}"
### BEGIN HIDDEN TESTS
assert abs(float(quiz_memory_growth) - 16) <= 1e-06, "T x T entries per head: (4000 / 1000)^2 = 16"
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** What does a KV cache store during autoregressive generation?
#
# - **A** — the attention weights of all earlier steps
# - **B** — the queries of all earlier tokens
# - **C** — the keys and values of all earlier tokens in every attention layer, so that a new token computes only its own query, key and value
# - **D** — the output probabilities of all earlier steps

# %% nbgrader={"solution": true, "grade_id": "quiz_kv_cache_stores"}
quiz_kv_cache_stores = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_kv_cache_stores = "C"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_kv_cache_stores", "points": 1}
"""Question 2: what a KV cache stores."""
assert isinstance(quiz_kv_cache_stores, str) and quiz_kv_cache_stores.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_kv_cache_stores!r}'
### BEGIN HIDDEN TESTS
assert quiz_kv_cache_stores.strip().upper() == "C", "earlier tokens' keys and values never change in a causal decoder, so they are kept; earlier queries and weights are never needed again"
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** True or False: FlashAttention (Dao et al., 2022) saves memory by computing an
# *approximation* of softmax attention.

# %% nbgrader={"solution": true, "grade_id": "quiz_flash_is_approximate"}
quiz_flash_is_approximate = None  # True or False
### BEGIN SOLUTION
quiz_flash_is_approximate = False
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_flash_is_approximate", "points": 1}
"""Question 3: FlashAttention is exact."""
import numpy as np
assert isinstance(quiz_flash_is_approximate, (bool, np.bool_)), f"answer True or False (without quotes), got {quiz_flash_is_approximate!r}"
### BEGIN HIDDEN TESTS
assert bool(quiz_flash_is_approximate) is False, "False: FlashAttention computes exact attention; it saves memory and time by tiling (an online softmax over blocks kept in fast on-chip memory), never storing the T x T matrix"
### END HIDDEN TESTS

# %% [markdown]
# **Question 4.** A model has 32 query heads and uses grouped-query attention with 8 key/value heads. By what
# factor is its KV cache smaller than with standard multi-head attention (32 key/value heads),
# everything else equal?

# %% nbgrader={"solution": true, "grade_id": "quiz_gqa_factor"}
quiz_gqa_factor = None  # a number
### BEGIN SOLUTION
quiz_gqa_factor = 4
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_gqa_factor", "points": 1}
"""Question 4: how much smaller grouped-query attention makes the KV cache."""
import numpy as np
import numbers
assert isinstance(quiz_gqa_factor, numbers.Real) and not isinstance(quiz_gqa_factor, (bool, np.bool_)), \
    f"answer with a number (an int or a float), got {quiz_gqa_factor!r}"
assert 0 <= quiz_gqa_factor <= 1000000000.0, f"a factor is a positive number, got {quiz_gqa_factor!r}"
### BEGIN HIDDEN TESTS
assert abs(float(quiz_gqa_factor) - 4) <= 1e-06, "the cache holds keys and values per key/value head: 32 / 8 = 4 times smaller (multi-query attention, 1 head, would be 32 times smaller)"
### END HIDDEN TESTS

# %% [markdown]
# **Question 5.** True or False: thanks to attention, a trained decoder-only transformer generates all the tokens
# of a reply in one parallel step.

# %% nbgrader={"solution": true, "grade_id": "quiz_generation_parallel"}
quiz_generation_parallel = None  # True or False
### BEGIN SOLUTION
quiz_generation_parallel = False
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_generation_parallel", "points": 1}
"""Question 5: generation is sequential."""
import numpy as np
assert isinstance(quiz_generation_parallel, (bool, np.bool_)), f"answer True or False (without quotes), got {quiz_generation_parallel!r}"
### BEGIN HIDDEN TESTS
assert bool(quiz_generation_parallel) is False, "False: training and reading the prompt are parallel, but each generated token depends on the previous ones: generation takes one step per token"
### END HIDDEN TESTS

# %% [markdown]
# ## Going further: fun facts, checked (~5 min, optional)
# - *"The transformer paper has been cited over 100,000 times"* — true, and dated: Google
#   Scholar lists well over 100,000 citations, and the count keeps growing by tens of
#   thousands a year; it is among the most cited papers of the century.
# - *"GPT-3 would take 355 years to train on a single GPU"* — an estimate, not a measurement:
#   Lambda Labs (2020) divided GPT-3's training compute, about $3.14 \times 10^{23}$ FLOPs
#   (3,640 petaflop/s-days, Brown et al., 2020, Table D.1), by 28 TFLOP/s per NVIDIA V100 —
#   in Lambda's words a "theoretical" rate: an assumption, not a measured throughput. (NVIDIA's
#   datasheet peaks for the V100 SXM2 are 125 TFLOP/s on its tensor cores, in 16-bit
#   arithmetic, and 15.7 TFLOP/s in 32-bit floats; real training reaches a fraction of the
#   peak.) $3.14 \times 10^{23} / (28 \times 10^{12}$ per second$) \approx 1.1 \times 10^{10}$
#   seconds, about 355 years. OpenAI trained it on V100 GPUs, many at once, on a cluster
#   provided by Microsoft (Brown et al., 2020, §2.3).
# - *"Transformers work with images (ViT), music, and even DNA sequences"* — true: ViT
#   (Dosovitskiy et al., 2021), Music Transformer (Huang et al., 2019), Enformer for DNA
#   (Avsec et al., 2021), and AlphaFold 2's Evoformer for proteins (Jumper et al., 2021).
# - *"The original transformer was trained for translation in just 3.5 days"* — the *big*
#   model: 300,000 steps in 3.5 days on **8 NVIDIA P100 GPUs**; the base model took 12 hours
#   (Vaswani et al., 2017, §5.2).
# - *"The name comes from 'transforming' one sequence to another"* — a good mnemonic, not
#   documented history: the paper never explains the name. The authors' later accounts
#   (e.g. Wired, 2024) credit Jakob Uszkoreit with choosing it.

# %% [markdown]
# ## Key takeaways
# 1. Transformers process all positions **in parallel** in training (one sequential step per
#    layer instead of one per word); generation is still one token at a time.
# 2. Self-attention creates **direct connections** between all pairs of positions: any
#    dependency is one hop away — today, the first digit reached the last output directly,
#    while the LSTM had to carry it through 47 state updates.
# 3. Multiple heads capture **different types of relationships**, one distribution each.
# 4. Position encoding tells the model about **order**: without it, reversal is impossible.
# 5. Residual connections and normalisation make **deep stacks** trainable.
# 6. This architecture powers modern AI: encoder-only models such as BERT, decoder-only
#    models such as GPT-2, GPT-3 and the models behind ChatGPT, and encoder-decoder models
#    such as the original translation transformer and T5.
# 7. The price of direct connections: attention's weights grow like $T^2$. Fused kernels
#    (FlashAttention) avoid storing them, KV caches avoid recomputing the past when generating,
#    and sparse, linear, multi-query and grouped-query attention trade some of the model for scale.
#
# ### Next steps
# 1. Change the experiment: longer sequences (`SEQ_LEN = 48`), a wider LSTM, more steps, two
#    encoder blocks, learned instead of sinusoidal positions. Predict first, then measure.
# 2. Try another task that needs order and long range — sorting the digits, or recalling the
#    token that followed a marker — and look at the attention maps.
# 3. Read "Attention Is All You Need" (Vaswani et al., 2017): you now know every part of
#    Figure 1. Then BERT (Devlin et al., 2019) and GPT-2/GPT-3 (Radford et al., 2019;
#    Brown et al., 2020): pre-trained transformers — Part 7 loads your own blocks with their
#    weights.
#
# You have built, piece by piece, the architecture behind BERT, GPT and virtually all modern
# NLP systems — and trained one yourself. Part 7 (`07_real_models`) puts your blocks inside
# Hugging Face `transformers`, opens a trained model to find its previous-token and induction
# heads, and generates text with your own KV cache.

# %% [markdown]
# ## Readings for this part
# | reading | read it for |
# |---|---|
# | Vaswani et al. (2017), §4 *Why Self-Attention* (Table 1), §5 *Training*, §6.2 *Model Variations* (Table 3), §7 | the cost comparison behind section 5, the training recipe, and which design choices mattered |
# | Tunstall, von Werra & Wolf, *Natural Language Processing with Transformers* (O'Reilly, revised ed. 2022), ch. 3 *Transformer Anatomy* (all of it, as a review); ch. 11 *Future Directions*, its pages on making self-attention efficient (sparse and linearized attention); ch. 8 *Making Transformers Efficient in Production* | the whole architecture again in code; where attention's $T^2$ is attacked; distillation, quantisation and pruning (the book's efficiency material is in ch. 8 and 11, not in ch. 3) |
# | Hugging Face LLM course, chapter 1, "How do Transformers work?" (huggingface.co/learn), "Transformers are big models"; newer editions of the chapter add a page on inference with LLMs | the cost of training large models; prefill, decoding and the KV cache |
# | The Hugging Face course notebooks: github.com/huggingface/notebooks, folder `course/` (the Colab notebooks of the Hugging Face LLM course, one per section; start with `course/en/chapter1/section3.ipynb`, pipelines, and `course/en/chapter2/section2_pt.ipynb`, "Behind the pipeline") | running real pretrained transformers once you have built the pieces yourself: a `pipeline` call, then the tokenizer, model and logits behind it; add `output_attentions=True` to the model call to get a pretrained model's attention weights, one `(B, H, T, T)` tensor per layer. They download models: run them on Colab or a machine with internet access (this notebook needs neither) |
# | Jay Alammar, "The Illustrated Transformer" (2018, jalammar.github.io), "Recap Of Training" and "The Loss Function"; Alammar, "The Illustrated GPT-2" (2019) | training with a loss over the output distribution; decoder-only generation, one token at a time, with cached keys and values |
# | Dao et al. (2022), *FlashAttention*; Child et al. (2019), *Generating Long Sequences with Sparse Transformers*; Katharopoulos et al. (2020), *Transformers are RNNs*; Shazeer (2019), *Fast Transformer Decoding: One Write-Head is All You Need*; Ainslie et al. (2023), *GQA* | the efficiency ideas of section 5, from the source |
