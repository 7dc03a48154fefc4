# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Part 3 — Designing multi-head attention
#
# *Transformer Internals, part 3 of 7. Time: about 130 min core + 12 min going further (optional).*
#
# In Part 2 you built one attention: every query computes *one* probability distribution over
# the keys and takes *one* weighted average of the values. Today you find out why that is not
# enough, design the fix yourself, and build the exact layer used in every transformer
# (Vaswani et al., 2017, §3.2.2):
#
# $$\text{MultiHead}(Q, K, V) = \text{Concat}(\text{head}_1, \dots, \text{head}_h)\,W^O,
# \qquad \text{head}_i = \text{Attention}(QW_i^Q,\; KW_i^K,\; VW_i^V)$$
#
# **Learning objectives** — you will be able to
# 1. explain why a single attention head has to *average* different kinds of relationships away;
# 2. choose the number of heads and the head size $d_k = d_v = d_\text{model}/h$, and justify it;
# 3. split a batch of vectors into heads and merge them back without mixing positions;
# 4. implement a `MultiHeadAttention` module in PyTorch (self- and cross-attention, masks) that
#    gives *exactly* the numbers of `torch.nn.MultiheadAttention`;
# 5. count its parameters and its multiply-adds, show that $h$ heads of size $d/h$ need as many
#    as one head of size $d$, and measure what many small heads cost in time;
# 6. read per-head attention heatmaps — and know why random heads show nothing.
#
# An optional "Going further" section builds, by hand, four heads that do four different jobs
# on one sentence.
#
# **How this notebook works.** Fill in every cell that says `YOUR CODE HERE`, then run the
# "try it" cell below it and the test cells (the ones that start with a docstring). A test cell
# that runs silently passed. Some checks are hidden and run only when your work is graded, so
# make your code correct in general, not just on the visible example. Questions marked
# *(graded by hand)* are read by a person: answer in your own words, in a few sentences.
#
# Conventions used in the whole course: tensors are batch first (`x` has shape `(B, T, d)`),
# and masks are boolean with **True = may attend**. Today we switch from NumPy to **PyTorch**:
# a layer is an `nn.Module`, and its weights are `nn.Linear` layers (which compute
# `x @ weight.T + bias`).

# %% nbgrader={"locked": true, "grade_id": "setup"}
import math
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn

torch.set_printoptions(precision=3, sci_mode=False)
np.set_printoptions(precision=3, suppress=True)
warnings.filterwarnings("ignore", category=DeprecationWarning)

# %% [markdown]
# **Given: scaled dot-product attention from Part 2 (in PyTorch).**
#
# This is the function you built in Part 2, translated to PyTorch and working on any number of
# leading dimensions — in particular on `(B, H, T, d_head)`: one attention per batch element
# *and per head*, all at once. It divides by $\sqrt{d_k}$ where $d_k$ is the **last dimension
# of `Q`** — for split heads that is $d_\text{head}$. As in Part 2, a query whose mask row is
# all False gets all-zero weights and an all-zero output (no `nan`). Use it; do not change it.

# %% nbgrader={"locked": true, "grade_id": "given_attention"}
def scaled_dot_product_attention(Q, K, V, mask=None):
    """softmax(Q K^T / sqrt(d_k)) V with an optional boolean mask (True = may attend).

    Args:
        Q: (..., T_q, d_k) queries. K: (..., T_k, d_k) keys. V: (..., T_k, d_v) values.
        mask: None, or a boolean tensor broadcastable to (..., T_q, T_k).
    Returns:
        (output (..., T_q, d_v), weights (..., T_q, T_k)). A fully masked query row gets
        all-zero weights and an all-zero output.
    """
    d_k = Q.shape[-1]
    scores = Q @ K.transpose(-2, -1) / math.sqrt(d_k)                  # (..., T_q, T_k)
    if mask is None:
        weights = torch.softmax(scores, dim=-1)
    else:
        mask = torch.as_tensor(mask, dtype=torch.bool, device=scores.device)
        mask, scores = torch.broadcast_tensors(mask, scores)
        any_allowed = mask.any(dim=-1, keepdim=True)                     # (..., T_q, 1)
        scores = scores.masked_fill(~mask, float("-inf"))
        scores = scores.masked_fill(~any_allowed, 0.0)                   # fully masked rows: no nan
        weights = torch.softmax(scores, dim=-1).masked_fill(~mask, 0.0)  # (..., T_q, T_k)
    return weights @ V, weights                                          # (..., T_q, d_v)


# %% [markdown]
# ## 1. Why one head is not enough (~15 min)
#
# **Theory hint.** A single attention pattern might focus on syntax *or* meaning *or* position,
# but rarely on all three well. The reason is structural: for each query, one head produces
# **one** distribution over the keys and returns **one** weighted average of the values. If a
# word needs two different pieces of information from two different words, one head can only
# hand it a *blend* of both. Vaswani et al. (§3.2.2) put it in one line: *"With a single
# attention head, averaging inhibits this."* The fix: run several attentions in parallel, each
# with its own learned projections — each **head** can then look for a different kind of
# relationship.
#
# **Real-world example — several cameras filming one scene.** A film crew does not use one
# camera that tries to show everything; it uses several, and the editor combines them:
# - Camera 1 follows the main actor (the subject);
# - Camera 2 captures the action (the verb);
# - Camera 3 shows the setting (the context);
# - Camera 4 tracks emotions (the sentiment).
#
# Each head is a camera. One caveat the analogy hides: nobody *assigns* the heads their jobs.
# Heads are initialised at random and whatever each one looks at is learned from data; in
# trained models some heads are easy to interpret and many are not (section 6).
#
# **Exercise — "The bank by the river bank".** Think about the *first* "bank". To be understood
# it should attend to different words for different reasons:
# - Syntactic: "bank" is a \_\_\_\_\_ (noun/verb) — the determiner "The" in front of it tells you;
# - Semantic: "bank" means \_\_\_\_\_ (financial/shore) — which other words decide this?
# - Position: "bank" is the \_\_\_\_\_ word.
#
# *Can a single attention pattern capture all these relationships?* Before you answer, watch what
# one head does when a query matches two keys equally well.

# %%
# One query ("bank") whose key-match is equally good for "The" (syntax) and "river" (meaning).
# Their values carry two different pieces of information, in two different coordinates.
q = torch.tensor([[1.0, 1.0]])                       # (T_q=1, d_k=2): looks for both
k = torch.tensor([[1.0, 0.0], [0.0, 1.0]])           # keys of "The", "river"
v = torch.tensor([[1.0, 0.0], [0.0, 1.0]])           # "I am a determiner", "I am about water"
out, w = scaled_dot_product_attention(q, k, v)
print("one head:   weights", w, "-> output", out)
# Two heads, each with its own query projection, each looking for one thing:
out1, w1 = scaled_dot_product_attention(8 * torch.tensor([[1.0, 0.0]]), k, v)
out2, w2 = scaled_dot_product_attention(8 * torch.tensor([[0.0, 1.0]]), k, v)
print("head 1:     weights", w1, "-> output", out1)
print("head 2:     weights", w2, "-> output", out2)
print("concatenated:", torch.cat([out1, out2], dim=-1))

# %% tags=["claim"]
assert torch.allclose(w, torch.tensor([[0.5, 0.5]])), f"text says the one head splits its weight 0.5/0.5, got {w}"
assert torch.allclose(out, torch.tensor([[0.5, 0.5]])), f"text says the one head outputs the blend [0.5, 0.5], got {out}"
assert w1[0, 0] > 0.99 and w2[0, 1] > 0.99, f"text says each of the two heads spends (almost) all its weight on one word: {w1}, {w2}"
assert torch.allclose(torch.cat([out1, out2], dim=-1), torch.tensor([[1.0, 0.0, 0.0, 1.0]]), atol=0.01), \
    "text says the concatenation keeps both facts in separate slots"

# %% [markdown]
# ### Question — one head or several? (2 points, graded by hand)
# (a) Fill in the three blanks for the first "bank" of "The bank by the river bank" (for the
# semantic one, say which words decide). (b) Look at the one-head numbers above. Would a
# *sharper* query, say $8 \cdot [1, 1]$ instead of $[1, 1]$, let the single head deliver both
# facts intact? What is the best one head can do for "bank" here, and what does it lose? So:
# can a single attention pattern capture all these relationships?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_one_head", "points": 2}
# **Model answer.** (a) Syntactic: a **noun** (it follows the determiner "The" and is followed by
# the preposition "by"). Semantic: most plausibly **financial** — a bank *by* the river bank is a
# building next to the shore; the second "bank" ("river bank") is the shore. The sentence is
# genuinely ambiguous, and the words that decide are "river" and the other "bank". Position:
# the **2nd** word (index 1). (b) No: with $8 \cdot [1, 1]$ both scores are still equal
# ($8/\sqrt2$ each), so the weights stay 0.5/0.5 and the output stays the blend [0.5, 0.5]:
# sharpening multiplies all scores alike and cannot break a tie. The only way for one head to
# deliver one fact intact is a query that matches one key better than the other (like head 1
# or head 2 above) — and then the other fact is lost. One head gives each query *one*
# distribution (weights summing to 1) and *one* weighted average: it must blend or miss. It
# cannot capture all three relationships; several heads have separate distributions and
# separate outputs, concatenated side by side.
# *Full marks:* blanks right (noun / defensible meaning with the deciding words / 2nd) (1 pt);
# the tie stays a tie, and "one distribution, one average → blend or miss" (1 pt).

# %% [markdown]
# **Discovery.** One head must split a *single* budget of weight 1 between "The" and "river",
# and the two values are averaged into one vector: neither fact arrives intact. Two heads each
# spend their own budget of 1 on one word, and concatenation keeps the two answers side by side.

# %% [markdown]
# ## 2. Designing multi-head attention (~20 min)
#
# *Think: what if we had several attention mechanisms running in parallel, each looking for
# different patterns?* Design it before reading on:
# 1. Number of parallel attentions: \_\_\_\_\_
# 2. Each head size: $d_\text{model} / $ \_\_\_\_\_
# 3. How to combine the outputs: \_\_\_\_\_
#
# **Theory hint.** Multi-head attention gives each head its **own** learned projections
# $W_i^Q, W_i^K \in \mathbb{R}^{d_\text{model}\times d_k}$ and
# $W_i^V \in \mathbb{R}^{d_\text{model}\times d_v}$: every head sees the *whole* $d_\text{model}$
# vector of every word and projects it into its own small subspace (it does *not* get a
# fixed slice of the input's coordinates — a common misreading of "splits the representation
# into subspaces"). Each head runs scaled dot-product attention in its subspace; the $h$
# outputs are **concatenated** and mixed by one more learned matrix
# $W^O \in \mathbb{R}^{h d_v \times d_\text{model}}$. The paper's base model uses $h = 8$ and
# $d_\text{model} = 512$, so each head works with $d_k = d_v = 512/8 = 64$ dimensions.
#
# **What real models chose.** The head size is almost always 64 or 128, and the number of heads
# grows with the width: from 8 to 25 heads in the models of 2017–2019, 96 in GPT-3 175B.
#
# | model | $d_\text{model}$ | heads $h$ | $d_\text{head}$ |
# |---|---|---|---|
# | Transformer base / big (Vaswani et al., 2017, Table 3) | 512 / 1024 | 8 / 16 | 64 |
# | BERT-base / BERT-large (Devlin et al., 2019) | 768 / 1024 | 12 / 16 | 64 |
# | GPT-2 small / medium / large / XL (Radford et al., 2019, released configs) | 768 / 1024 / 1280 / 1600 | 12 / 16 / 20 / 25 | 64 |
# | GPT-3 175B (Brown et al., 2020, Table 2.1) | 12288 | 96 | 128 |
#
# Why $d_\text{model}/h$ and not $d_\text{model}$ per head? With $d_k = d_\text{model}/h$ the
# $h$ heads together have the same width as one big head, so "the total computational cost is
# similar to that of single-head attention with full dimensionality" (§3.2.2) — you will
# verify it in section 7. The paper also measured quality at *constant* cost (Table 3, rows A,
# English→German development set):
#
# | heads $h$ | $d_k = d_v$ | BLEU |
# |---|---|---|
# | 1 | 512 | 24.9 |
# | 4 | 128 | 25.5 |
# | 8 | 64 | 25.8 |
# | 16 | 32 | 25.8 |
# | 32 | 16 | 25.4 |
#
# One head is 0.9 BLEU worse than the best setting, and quality also drops with too many
# (too small) heads.
#
# **Visual example — 4 heads looking at the first "bank"** (an *illustration* of what trained
# heads can do, not something a model is told to do):
#
# | head | focus | attends to |
# |---|---|---|
# | head 1 | syntax | "The" (its determiner) |
# | head 2 | meaning | "river" (context) |
# | head 3 | position | the neighbouring words |
# | head 4 | same word | the other "bank" |
#
# (A head can only attend to tokens that are *in the input*: a "topic" head cannot look at
# "water" or "flow" in this sentence, because they are not there.)
#
# ### Exercise 1 — the head size (2 points)

# %% nbgrader={"solution": true, "grade_id": "head_dim"}
def head_dim(d_model, num_heads):
    """The size of one head, d_k = d_v = d_model / num_heads.

    Args:
        d_model: int, the model width. num_heads: int >= 1, the number of heads.
    Returns:
        int, d_model // num_heads. Example: head_dim(512, 8) == 64.
    Raises:
        ValueError if d_model is not divisible by num_heads (the heads must tile d_model
        exactly, or concatenating them would not give back d_model).
    """
    ### BEGIN SOLUTION
    if d_model % num_heads != 0:
        raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
    return d_model // num_heads
    ### END SOLUTION


# %%
# Try it
print(head_dim(512, 8), head_dim(768, 12), head_dim(12288, 96))  # 64 64 128

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_head_dim_values", "points": 1}
"""head_dim gives the paper's 512 / 8 = 64 as an int."""
_d = head_dim(512, 8)
assert _d == 64 and isinstance(_d, int), f"head_dim(512, 8) should be the int 64, got {_d!r} (use // for an int)"
### BEGIN HIDDEN TESTS
for (_dm, _h), _ref in {(768, 12): 64, (12288, 96): 128, (1600, 25): 64, (12, 3): 4, (7, 1): 7, (6, 6): 1}.items():
    _got = head_dim(_dm, _h)
    assert _got == _ref and isinstance(_got, int), f"head_dim({_dm}, {_h}) should be {_ref}, got {_got!r}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_head_dim_rejects_indivisible", "points": 1}
"""head_dim raises ValueError when the heads cannot tile d_model exactly."""
try:
    _got = head_dim(10, 4)
except ValueError:
    _got = "ValueError"
except Exception as _e:  # noqa: BLE001 - report which exception was raised instead
    _got = type(_e).__name__
assert _got == "ValueError", f"head_dim(10, 4) should raise ValueError (10 is not divisible by 4), got {_got!r}"
### BEGIN HIDDEN TESTS
for _dm, _h in [(512, 7), (100, 8), (3, 6)]:
    try:
        _got = head_dim(_dm, _h)
    except ValueError:
        _got = "ValueError"
    except Exception as _e:  # noqa: BLE001
        _got = type(_e).__name__
    assert _got == "ValueError", f"head_dim({_dm}, {_h}) should raise ValueError, got {_got!r}"
### END HIDDEN TESTS

# %% [markdown]
# ### Question — the design (2 points, graded by hand)
# (a) A model of width $d_\text{model} = 384$ uses heads of size 64, like the models in the
# table. How many heads does it have, what is the shape of each $W_i^Q$, how many numbers per
# position does the concatenation of the heads hold, and what is the shape of $W^O$?
# (b) Keep those heads, but make each one $d_\text{model} = 384$ wide instead of 64. What
# happens to the number of parameters of the projections and to the cost of the attention?
# (c) Why concatenate and multiply by $W^O$, rather than simply *average* the $h$ head outputs?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_design", "points": 2}
# **Model answer.** (a) $h = 384/64 = 6$ heads; each $W_i^Q$ (and $W_i^K$, $W_i^V$) is
# $384\times64$; the concatenation holds $6\cdot64 = 384$ numbers per position, and $W^O$ is
# $384\times384$ (plus a bias in PyTorch). (b) Each $W_i^Q, W_i^K, W_i^V$ becomes
# $384\times384$ and $W^O$ becomes $(6\cdot384)\times384$: about 6 times the parameters, and
# 6 times the multiply-adds in the projections, in $QK^\top$ and in the weighted sum of the
# values. With $d_\text{model}/h$ the $h$ heads together cost what one head of width
# $d_\text{model}$ costs: more heads for free, and the concatenation is again $d_\text{model}$
# wide. (c) Averaging would add the heads' results on top of each other in the same
# coordinates — exactly the blur that multiple heads were meant to avoid — and would force all
# heads to use one common value space. Concatenation keeps each head's result in its own slots,
# and $W^O$ is a learned mix that decides how much of each head goes into each output
# dimension (it can emulate averaging if that helps, but it is not forced to).
# *Full marks:* 6 heads with the right shapes, and the 6× cost of full-width heads (1 pt);
# why not average (1 pt).

# %% [markdown]
# ## 3. Splitting into heads and merging back (~20 min)
#
# **Theory hint.** Computing $h$ separate projections $XW_i^Q$ is the same as computing one big
# projection $XW^Q$ with $W^Q = [W_1^Q \mid W_2^Q \mid \dots \mid W_h^Q]$ (the blocks side by
# side) and then cutting its $d_\text{model}$ output features into $h$ consecutive chunks of
# $d_\text{head}$: features $0..d_\text{head}-1$ belong to head 0, the next $d_\text{head}$ to
# head 1, and so on. That is how every library implements it. For the batched attention we
# then want the heads as a *batch-like* axis in front of the positions:
#
# `(B, T, d_model)` → view as `(B, T, H, d_head)` → swap axes 1 and 2 → `(B, H, T, d_head)`
#
# **Real-world example — a spreadsheet.** A row per word, 12 columns of features. Cut the
# columns into 3 blocks of 4 and put the blocks on 3 separate sheets: every sheet still has
# one row per word. What you must *not* do is pour the cells into 3 sheets in reading order:
# sheet 1 would get all 12 columns of the first words, and a "row" would mix features of
# different words. In PyTorch that wrong version is `x.reshape(B, H, T, d_head)` — the shape is
# right, the content is scrambled, and no error is raised.
#
# ### Exercise 2 — split the heads (3 points)

# %% nbgrader={"solution": true, "grade_id": "split_heads"}
def split_heads(x, num_heads):
    """Cut the feature axis into num_heads consecutive chunks and move heads before positions.

    Args:
        x: tensor (B, T, D), D divisible by num_heads.
        num_heads: H.
    Returns:
        tensor (B, H, T, D // H), same dtype as x, with
        out[b, h, t, :] == x[b, t, h*d_head:(h+1)*d_head].
    Example: x of shape (2, 5, 12), num_heads=3 -> shape (2, 3, 5, 4), and
        out[0, 1, 2] == x[0, 2, 4:8] (head 1 of position 2).
    Hints: x.reshape(B, T, H, d_head) then .transpose(1, 2) (or .permute(0, 2, 1, 3)).
        A plain reshape to (B, H, T, d_head) has the right shape but mixes positions.
    """
    ### BEGIN SOLUTION
    B, T, D = x.shape
    d_head = D // num_heads
    return x.reshape(B, T, num_heads, d_head).transpose(1, 2)  # (B, H, T, d_head)
    ### END SOLUTION


# %%
# Try it: number the features so you can see where each one goes.
x_demo = torch.arange(2 * 3 * 6).reshape(2, 3, 6)   # (B=2, T=3, D=6)
print(x_demo[0])
print(split_heads(x_demo, 2)[0])                    # (H=2, T=3, d_head=3): head 0 = columns 0-2

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_split_heads_shape", "points": 1}
"""split_heads turns a (B, T, D) tensor into a (B, H, T, D/H) tensor of the same dtype."""
import torch
_x = torch.zeros(2, 5, 12)
_out = split_heads(_x, 3)
assert isinstance(_out, torch.Tensor), f"split_heads must return a torch tensor, got {type(_out).__name__}"
assert tuple(_out.shape) == (2, 3, 5, 4), f"split_heads of a (2, 5, 12) tensor with 3 heads should have shape (2, 3, 5, 4), got {tuple(_out.shape)}"
assert _out.dtype == _x.dtype, f"split_heads must keep the dtype of x ({_x.dtype}), got {_out.dtype}"
### BEGIN HIDDEN TESTS
for _B, _T, _H, _dh, _dt in [(1, 7, 2, 3, torch.float64), (3, 4, 5, 2, torch.float32), (2, 6, 1, 8, torch.float64), (4, 2, 8, 1, torch.float32)]:
    _out = split_heads(torch.zeros(_B, _T, _H * _dh, dtype=_dt), _H)
    assert isinstance(_out, torch.Tensor) and tuple(_out.shape) == (_B, _H, _T, _dh) and _out.dtype == _dt, \
        f"split_heads of a {_dt} tensor ({_B}, {_T}, {_H * _dh}) with {_H} heads should be a {_dt} tensor {(_B, _H, _T, _dh)}, got {type(_out).__name__} {tuple(_out.shape)} {getattr(_out, 'dtype', None)}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_split_heads_keeps_positions_apart", "points": 1}
"""split_heads keeps every position's features at that position (no mixing of positions)."""
import torch
_x = torch.arange(5.0).reshape(1, 5, 1).expand(2, 5, 12)   # x[b, t, :] == t
_out = split_heads(_x, 3)
_bad = [(_h, _t) for _h in range(3) for _t in range(5) if not torch.all(_out[0, _h, _t] == _t)]
assert not _bad, (f"out[b, h, t] must hold features of position t only, but (head, position) {_bad[:3]} "
                  "hold other positions' features: a plain reshape to (B, H, T, d_head) mixes positions; "
                  "reshape to (B, T, H, d_head), then transpose(1, 2)")
### BEGIN HIDDEN TESTS
for _B, _T, _H, _dh, _dt in [(2, 7, 3, 4, torch.float32), (3, 4, 5, 2, torch.float64), (1, 9, 2, 6, torch.float32)]:
    _x = torch.arange(_T, dtype=_dt).reshape(1, _T, 1).expand(_B, _T, _H * _dh).clone()
    _x = _x + 100 * torch.arange(_B, dtype=_dt).reshape(_B, 1, 1)
    _ref = _x[:, :, :1].reshape(_B, 1, _T, 1).expand(_B, _H, _T, _dh)
    _out = split_heads(_x, _H)
    assert tuple(_out.shape) == (_B, _H, _T, _dh) and torch.equal(_out, _ref), \
        f"positions (or batch elements) are mixed for x of shape {(_B, _T, _H * _dh)} with {_H} heads"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_split_heads_feature_order", "points": 1}
"""Head h gets the consecutive features h*d_head ... (h+1)*d_head - 1."""
import torch
_x = torch.arange(12.0).expand(2, 5, 12)                   # x[b, t, j] == j
_out = split_heads(_x, 3)
assert torch.equal(_out[0, 1, 2], torch.tensor([4.0, 5.0, 6.0, 7.0])), (
    f"head 1 should get features 4..7, got {_out[0, 1, 2].tolist()}"
    + (" (you split D into (d_head, H); it must be (H, d_head): x.reshape(B, T, H, d_head))"
       if torch.equal(_out[0, 1, 2], torch.tensor([1.0, 4.0, 7.0, 10.0])) else ""))
### BEGIN HIDDEN TESTS
for _B, _T, _H, _dh, _dt in [(2, 7, 3, 4, torch.float32), (3, 4, 5, 2, torch.float64), (1, 3, 4, 6, torch.float32)]:
    _x = torch.arange(_H * _dh, dtype=_dt).expand(_B, _T, _H * _dh).clone()
    _ref = torch.arange(_H * _dh, dtype=_dt).reshape(1, _H, 1, _dh).expand(_B, _H, _T, _dh)
    assert torch.equal(split_heads(_x, _H), _ref), f"wrong features in the heads for D = {_H} x {_dh}"
# everything together, random values
_g = torch.Generator().manual_seed(3)
_x = torch.randn(3, 5, 14, generator=_g, dtype=torch.float64)
assert torch.equal(split_heads(_x, 7), _x.view(3, 5, 7, 2).transpose(1, 2)), "split_heads is wrong on random input"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 3 — merge the heads back (2 points)
#
# After attention every head has an output of shape `(B, H, T, d_head)`. Concatenating the heads
# for every position is the inverse of `split_heads`: swap the axes back to `(B, T, H, d_head)`
# and flatten the last two into `H * d_head`.
#
# *A PyTorch detail:* after a `transpose` a tensor is not contiguous in memory, and `.view`
# refuses to flatten it. Use `.reshape` (which copies when it must) or `.contiguous().view(...)`.

# %% nbgrader={"solution": true, "grade_id": "merge_heads"}
def merge_heads(x):
    """Concatenate the heads of every position: the inverse of split_heads.

    Args:
        x: tensor (B, H, T, d_head), possibly not contiguous.
    Returns:
        tensor (B, T, H * d_head), same dtype as x, with
        out[b, t, h*d_head:(h+1)*d_head] == x[b, h, t, :].
    Example: merge_heads(split_heads(x, 3)) equals x.
    """
    ### BEGIN SOLUTION
    B, H, T, d_head = x.shape
    return x.transpose(1, 2).reshape(B, T, H * d_head)  # (B, T, H * d_head)
    ### END SOLUTION


# %%
# Try it
print(merge_heads(split_heads(x_demo, 2))[0])  # x_demo[0] again

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_merge_heads_values", "points": 1}
"""merge_heads puts head h of position t into features h*d_head ... (h+1)*d_head - 1 of position t."""
import torch
_y = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).reshape(2, 3, 4, 5)   # (B=2, H=3, T=4, d_head=5)
_m = merge_heads(_y)
assert isinstance(_m, torch.Tensor), f"merge_heads must return a torch tensor, got {type(_m).__name__}"
assert tuple(_m.shape) == (2, 4, 15), f"merging (2, 3, 4, 5) should give shape (2, 4, 15), got {tuple(_m.shape)}"
_bad = [(_b, _t, _h) for _b in range(2) for _t in range(4) for _h in range(3)
        if not torch.equal(_m[_b, _t, 5 * _h:5 * _h + 5], _y[_b, _h, _t])]
assert not _bad, (f"out[b, t, h*d_head:(h+1)*d_head] must be head h of position t, x[b, h, t]; wrong for (b, t, h) in {_bad[:4]}: "
                  f"e.g. out[1, 2, 5:10] = {_m[1, 2, 5:10].tolist()}, x[1, 1, 2] = {_y[1, 1, 2].tolist()}"
                  + (" (a plain reshape to (B, T, H * d_head) mixes positions: transpose back to (B, T, H, d_head) first)"
                     if torch.equal(_m, _y.reshape(2, 4, 15)) else ""))
assert _m.dtype == _y.dtype, f"merge_heads must keep the dtype of x ({_y.dtype}), got {_m.dtype}"
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(4)
for _B, _H, _T, _dh, _dt in [(2, 3, 7, 4, torch.float32), (3, 5, 4, 2, torch.float64), (1, 1, 6, 5, torch.float32), (4, 2, 3, 6, torch.float64)]:
    _y = torch.randn(_B, _H, _T, _dh, generator=_g, dtype=_dt)
    _ref = torch.cat([_y[:, _h] for _h in range(_H)], dim=-1)
    _got = merge_heads(_y)
    assert isinstance(_got, torch.Tensor) and _got.dtype == _dt and torch.equal(_got, _ref), \
        f"merge_heads is wrong for a {_dt} input of shape {(_B, _H, _T, _dh)} (it returned a {type(_got).__name__} of dtype {getattr(_got, 'dtype', None)})"
    _nc = torch.randn(_B, _T, _H, _dh, generator=_g, dtype=_dt).transpose(1, 2)  # not contiguous
    try:
        _got = merge_heads(_nc)
    except RuntimeError as _e:
        raise AssertionError(f"merge_heads fails on a non-contiguous tensor (use reshape, not view): {_e}") from None
    assert torch.equal(_got, torch.cat([_nc[:, _h] for _h in range(_H)], dim=-1)), "merge_heads is wrong for a non-contiguous input"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_split_merge_round_trip", "points": 1}
"""merge_heads(split_heads(x, H)) gives x back, and split_heads(merge_heads(y), H) gives y back."""
import torch
_g = torch.Generator().manual_seed(5)
_x = torch.randn(2, 5, 12, generator=_g)
_back = merge_heads(split_heads(_x, 3))
assert tuple(_back.shape) == (2, 5, 12) and torch.equal(_back, _x), "merge_heads(split_heads(x, 3)) should be exactly x"
### BEGIN HIDDEN TESTS
for _B, _T, _H, _dh in [(3, 4, 5, 2), (1, 7, 2, 6), (2, 3, 6, 1)]:
    _x = torch.randn(_B, _T, _H * _dh, generator=_g, dtype=torch.float64)
    assert torch.equal(merge_heads(split_heads(_x, _H)), _x), f"round trip fails for x of shape {tuple(_x.shape)}, {_H} heads"
    _y = torch.randn(_B, _H, _T, _dh, generator=_g)
    assert torch.equal(split_heads(merge_heads(_y), _H), _y), f"split_heads(merge_heads(y)) != y for y of shape {tuple(_y.shape)}"
### END HIDDEN TESTS

# %% [markdown]
# ## 4. The multi-head attention module (~30 min)
#
# **Theory hint.** Put the pieces together (shapes for self-attention with $T_q = T_k = T$):
#
# | step | operation | shape |
# |---|---|---|
# | project | `Q = W_q(query)`, `K = W_k(key)`, `V = W_v(value)` | `(B, T, d_model)` |
# | split | `split_heads(Q, H)`, same for K, V | `(B, H, T, d_head)` |
# | attend | `scaled_dot_product_attention(Q, K, V, mask)` | out `(B, H, T, d_head)`, weights `(B, H, T, T)` |
# | merge | `merge_heads(out)` | `(B, T, d_model)` |
# | mix | `W_o(...)` | `(B, T, d_model)` |
#
# ![Diagram of multi-head attention, top to bottom: the input X goes through three linear layers W_q, W_k, W_v; each of Q, K and V is cut into h blocks of d_head consecutive features (drawn with h = 4, numbered 1 to 4); block i of Q, K and V goes to head i, which computes scaled dot-product attention with its own weights; the h head outputs are concatenated back into d_model features and mixed by W_o into the output.](figures/multi_head_split_merge.svg)
#
# Note that the scale inside each head is $1/\sqrt{d_\text{head}}$ — the size of the vectors
# whose dot products are taken — not $1/\sqrt{d_\text{model}}$.
#
# **Self- and cross-attention.** In *self*-attention `query`, `key` and `value` are the same
# sequence. In the decoder's *cross*-attention (Part 5) the queries come from the sequence being
# generated ($T_q$ positions) and the keys and values from the encoder's output ($T_k$
# positions), so $T_q \neq T_k$: your module must not assume they are equal.
#
# **Masks.** `mask` is boolean, **True = may attend**, and must broadcast to the weights'
# shape `(B, H, T_q, T_k)`; the same mask is applied in every head. Shapes you should accept:
# - `(T_q, T_k)` — one mask for everything, e.g. a causal mask `torch.tril(...)`;
# - `(B, 1, 1, T_k)` — padding: batch element `b` may not attend to its padded keys;
# - `(B, 1, T_q, T_k)` — one mask per batch element; `(B, H, T_q, T_k)` — per head too.
#
# (A `(B, T_q, T_k)` mask does *not* broadcast correctly — its `B` would line up with `H`; add
# the head axis with `mask[:, None]`.) If you pass `mask` straight to the given attention
# function, all of these work.
#
# ⚠️ **PyTorch's `nn.MultiheadAttention` uses the opposite convention**: its `attn_mask` and
# `key_padding_mask` are True where attention is **blocked**. To get the same result from it,
# pass `attn_mask=~mask`. The hidden tests do exactly that with your weights.
#
# **A fully masked query** (every key blocked) gets all-zero weights in every head, so all head
# outputs are zero, and the module's output for it is `W_o(0) = W_o.bias` — consistent with
# Part 2, and never `nan`. (`nn.MultiheadAttention` returns `nan` there.)
#
# ### Exercise 4 — `MultiHeadAttention` (9 points)
# Use `nn.Linear(d_model, d_model)` (with bias, as `nn.MultiheadAttention`) for `W_q`, `W_k`,
# `W_v` and `W_o`, and your `head_dim`, `split_heads`, `merge_heads` and the given attention.

# %% nbgrader={"solution": true, "grade_id": "multi_head_attention"}
class MultiHeadAttention(nn.Module):
    """Multi-head scaled dot-product attention (Vaswani et al., 2017, §3.2.2).

    Args (constructor):
        d_model: the model width. num_heads: H, must divide d_model (d_head = d_model // H).
    Attributes:
        W_q, W_k, W_v, W_o: nn.Linear(d_model, d_model), with bias. Row block
            h*d_head:(h+1)*d_head of W_q.weight (and W_k, W_v) is head h's projection.
    forward(query, key, value, mask=None):
        query: (B, T_q, d_model). key, value: (B, T_k, d_model) (T_k may differ from T_q).
        mask: None or bool tensor broadcastable to (B, H, T_q, T_k), True = may attend:
            (T_q, T_k), (B, 1, 1, T_k), (B, 1, T_q, T_k) or (B, H, T_q, T_k).
        Returns (output (B, T_q, d_model), weights (B, H, T_q, T_k)), torch tensors of the
        inputs' dtype (a module moved to float64 with .double() gives float64 results); every
        weight row sums to 1 over its allowed keys; a fully masked query gets zero weights and
        output W_o.bias.
    Example: MultiHeadAttention(12, 3)(x, x, x) for x of shape (2, 5, 12) returns shapes
        (2, 5, 12) and (2, 3, 5, 5).
    """

    def __init__(self, d_model, num_heads):
        super().__init__()
        ### BEGIN SOLUTION
        self.d_model = d_model
        self.num_heads = num_heads
        self.d_head = head_dim(d_model, num_heads)
        self.W_q = nn.Linear(d_model, d_model)
        self.W_k = nn.Linear(d_model, d_model)
        self.W_v = nn.Linear(d_model, d_model)
        self.W_o = nn.Linear(d_model, d_model)
        ### END SOLUTION

    def forward(self, query, key, value, mask=None):
        ### BEGIN SOLUTION
        Q = split_heads(self.W_q(query), self.num_heads)               # (B, H, T_q, d_head)
        K = split_heads(self.W_k(key), self.num_heads)                 # (B, H, T_k, d_head)
        V = split_heads(self.W_v(value), self.num_heads)               # (B, H, T_k, d_head)
        out, weights = scaled_dot_product_attention(Q, K, V, mask)     # (B, H, T_q, d_head), (B, H, T_q, T_k)
        return self.W_o(merge_heads(out)), weights                     # (B, T_q, d_model)
        ### END SOLUTION


# %%
# Try it: self-attention and cross-attention
torch.manual_seed(0)
mha = MultiHeadAttention(12, 3)
x = torch.randn(2, 5, 12)
out, weights = mha(x, x, x)
print("self-attention: ", tuple(out.shape), tuple(weights.shape))     # (2, 5, 12) (2, 3, 5, 5)
memory = torch.randn(2, 7, 12)
out, weights = mha(x, memory, memory)
print("cross-attention:", tuple(out.shape), tuple(weights.shape))     # (2, 5, 12) (2, 3, 5, 7)
print("rows sum to 1:", torch.allclose(weights.sum(-1), torch.ones(2, 3, 5)))

# %% [markdown]
# The tests below use your `MultiHeadAttention`, which (if you followed the hint) uses your
# `head_dim`, `split_heads` and `merge_heads`. When one of them fails, its message first names
# the earlier exercise to fix, if quick checks of Exercises 1–3 find a problem there. Those
# quick checks are defined in the first test cell below, and the later ones reuse them: run
# the test cells in order.

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_layers_and_shapes", "points": 1}
"""The module has nn.Linear(d_model, d_model) layers W_q, W_k, W_v, W_o with bias, and returns the contract's shapes."""
import torch
import torch.nn as nn


def _earlier_exercise_to_fix():
    """'' if head_dim, split_heads and merge_heads pass quick checks, else which exercise to fix."""
    try:
        if head_dim(12, 3) != 4:
            return "this test uses your head_dim, and head_dim(12, 3) is not 4: fix Exercise 1 first"
        by_position = torch.arange(5.0).reshape(1, 5, 1).expand(2, 5, 12).clone()    # x[b, t, :] == t
        by_feature = torch.arange(12.0).expand(2, 5, 12).clone()                      # x[b, t, j] == j
        for dtype in (torch.float32, torch.float64):
            if split_heads(by_position.to(dtype), 3).dtype != dtype:
                return f"this test uses your split_heads, which does not keep the dtype {dtype}: fix Exercise 2 first"
            if merge_heads(split_heads(by_position, 3).to(dtype)).dtype != dtype:
                return f"this test uses your merge_heads, which does not keep the dtype {dtype}: fix Exercise 3 first"
        if not torch.equal(split_heads(by_position, 3), torch.arange(5.0).reshape(1, 1, 5, 1).expand(2, 3, 5, 4)):
            return "this test uses your split_heads, which mixes positions: fix Exercise 2 first"
        if not torch.equal(split_heads(by_feature, 3), torch.arange(12.0).reshape(1, 3, 1, 4).expand(2, 3, 5, 4)):
            return "this test uses your split_heads, which gives head h the wrong features: fix Exercise 2 first"
        if not torch.equal(merge_heads(torch.arange(5.0).reshape(1, 1, 5, 1).expand(2, 3, 5, 4).clone()), by_position):
            return "this test uses your merge_heads, which mixes positions: fix Exercise 3 first"
        if not torch.equal(merge_heads(torch.arange(12.0).reshape(1, 3, 1, 4).expand(2, 3, 5, 4).clone()), by_feature):
            return "this test uses your merge_heads, which puts the heads' features in the wrong places: fix Exercise 3 first"
    except Exception as e:  # noqa: BLE001 - any failure of an earlier exercise is reported the same way
        return f"this test uses your head_dim, split_heads and merge_heads, and they fail ({type(e).__name__}: {e}): fix Exercises 1-3 first"
    return ""


def _blame(message):
    """The message of a failed Exercise 4 check, naming an earlier exercise first if one is wrong."""
    earlier = _earlier_exercise_to_fix()
    return f"{earlier} (the check that failed: {message})" if earlier else message


def _forward(module, *args, **kwargs):
    """Call your module; if it raises, the failed check names an earlier exercise first if one is wrong."""
    try:
        return module(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - re-raised as a failed check, with the original error attached
        raise AssertionError(_blame(f"your MultiHeadAttention raised {type(e).__name__}: {e}")) from e


torch.manual_seed(10)
_m = MultiHeadAttention(12, 3)
for _name in ("W_q", "W_k", "W_v", "W_o"):
    _lin = getattr(_m, _name, None)
    assert isinstance(_lin, nn.Linear), f"{_name} must be an nn.Linear, got {type(_lin).__name__}"
    assert (_lin.in_features, _lin.out_features) == (12, 12), f"{_name} must map d_model=12 to 12, got {_lin}"
    assert _lin.bias is not None, f"{_name} must have a bias (like nn.MultiheadAttention)"
_x = torch.randn(2, 5, 12)
with torch.no_grad():
    _out, _w = _forward(_m, _x, _x, _x)
assert isinstance(_out, torch.Tensor) and isinstance(_w, torch.Tensor), \
    _blame(f"forward must return two torch tensors (output, weights), got {type(_out).__name__}, {type(_w).__name__}")
assert tuple(_out.shape) == (2, 5, 12), _blame(f"output should have shape (B, T, d_model) = (2, 5, 12), got {tuple(_out.shape)}")
assert tuple(_w.shape) == (2, 3, 5, 5), _blame(f"weights should have shape (B, H, T_q, T_k) = (2, 3, 5, 5), got {tuple(_w.shape)}")
assert _out.dtype == _w.dtype == torch.float32, _blame(f"float32 inputs should give float32 results, got {_out.dtype}, {_w.dtype}")
### BEGIN HIDDEN TESTS
for _B, _tq, _tk, _d, _h, _dt in [(3, 4, 6, 10, 2, torch.float32), (1, 7, 2, 24, 6, torch.float64), (2, 3, 3, 8, 8, torch.float32), (4, 1, 5, 9, 1, torch.float64)]:
    _m = MultiHeadAttention(_d, _h).to(_dt)
    with torch.no_grad():
        _out, _w = _forward(_m, torch.randn(_B, _tq, _d, dtype=_dt), torch.randn(_B, _tk, _d, dtype=_dt), torch.randn(_B, _tk, _d, dtype=_dt))
    assert tuple(_out.shape) == (_B, _tq, _d) and tuple(_w.shape) == (_B, _h, _tq, _tk), \
        _blame(f"shapes wrong for B={_B}, T_q={_tq}, T_k={_tk}, d_model={_d}, heads={_h}: {tuple(_out.shape)}, {tuple(_w.shape)}")
    assert _out.dtype == _w.dtype == _dt, _blame(f"a {_dt} module with {_dt} inputs should give {_dt} results, got {_out.dtype}, {_w.dtype}")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_weights_are_distributions", "points": 1}
"""Every head's weights are non-negative and sum to 1 over the keys (softmax over the last axis)."""
import torch
torch.manual_seed(11)
_m = MultiHeadAttention(12, 3)
_x, _mem = torch.randn(2, 5, 12), torch.randn(2, 7, 12)
with torch.no_grad():
    _, _w = _forward(_m, _x, _mem, _mem)
assert torch.all(_w >= 0), _blame("attention weights must be non-negative")
assert torch.allclose(_w.sum(-1), torch.ones(2, 3, 5)), \
    _blame(f"each query's weights must sum to 1 over the 7 keys (softmax over the last axis), got sums {_w.sum(-1)[0, 0]}")
### BEGIN HIDDEN TESTS
for _B, _tq, _tk, _d, _h, _scale in [(3, 6, 4, 10, 5, 5.0), (1, 2, 9, 16, 4, 5.0), (2, 5, 3, 12, 3, 100.0)]:
    _m = MultiHeadAttention(_d, _h)
    with torch.no_grad():
        _, _w = _forward(_m, torch.randn(_B, _tq, _d) * _scale, torch.randn(_B, _tk, _d) * _scale, torch.randn(_B, _tk, _d))
    assert torch.isfinite(_w).all(), _blame(f"weights contain nan/inf for inputs of size ~{_scale}: large scores overflow exp; "
                                            "softmax must subtract the row maximum first (torch.softmax does)")
    assert torch.all(_w >= 0) and torch.allclose(_w.sum(-1), torch.ones(_B, _h, _tq), atol=1e-5), \
        _blame(f"weights rows must sum to 1 for B={_B}, T_q={_tq}, T_k={_tk}, heads={_h}")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_scales_by_sqrt_d_head", "points": 1}
"""Inside each head the scores are divided by sqrt(d_head), not sqrt(d_model)."""
import math
import torch
_m = MultiHeadAttention(4, 2)                                   # d_head = 2
with torch.no_grad():
    for _lin in (_m.W_q, _m.W_k, _m.W_v, _m.W_o):
        _lin.weight.copy_(torch.eye(4))
        _lin.bias.zero_()
    _, _w = _forward(_m, torch.tensor([[[2.0, 0.0, 0.0, 0.0]]]), torch.tensor([[[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]),
                     torch.zeros(1, 2, 4))
# head 0: q = (2, 0), k_0 = (1, 0), k_1 = (0, 0) -> scores (2 / sqrt(2), 0)
_expected = math.exp(2 / math.sqrt(2)) / (math.exp(2 / math.sqrt(2)) + 1)
_got = float(_w[0, 0, 0, 0])
assert abs(_got - _expected) < 1e-5, _blame(f"head 0 should give key 0 the weight {_expected:.4f}, got {_got:.4f}"
                                             + (" (you divided by sqrt(d_model) = 2; divide by sqrt(d_head))" if abs(_got - 0.7311) < 1e-3 else "")
                                             + (" (you forgot the scaling)" if abs(_got - 0.8808) < 1e-3 else ""))
assert torch.allclose(_w[0, 1, 0], torch.tensor([0.5, 0.5])), _blame(f"head 1 has a zero query, its weights should be uniform, got {_w[0, 1, 0]}")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_applies_output_projection", "points": 1}
"""The merged heads go through W_o: with W_o's weight 0 the output is W_o's bias everywhere."""
import torch
torch.manual_seed(12)
_m = MultiHeadAttention(12, 3)
with torch.no_grad():
    _m.W_o.weight.zero_()
    _m.W_o.bias.copy_(torch.arange(12.0))
    _x = torch.randn(2, 5, 12)
    _out, _ = _forward(_m, _x, _x, _x)
assert torch.allclose(_out, torch.arange(12.0).expand(2, 5, 12)), \
    "with W_o.weight = 0 and W_o.bias = [0, 1, ..., 11] every output row must be [0, 1, ..., 11]: apply W_o to the merged heads"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_self_attention_matches_torch", "points": 1}
"""Self-attention: permutation-equivariant, and equal to nn.MultiheadAttention loaded with your weights."""
import math
import warnings
import torch
import torch.nn as nn
torch.manual_seed(13)
_m = MultiHeadAttention(12, 3)
_x = torch.randn(1, 6, 12)
_perm = torch.tensor([3, 0, 5, 1, 4, 2])
with torch.no_grad():
    _out, _ = _forward(_m, _x, _x, _x)
    _out_p, _ = _forward(_m, _x[:, _perm], _x[:, _perm], _x[:, _perm])
assert torch.allclose(_out_p, _out[:, _perm], atol=1e-5), \
    _blame("shuffling the input positions must shuffle the outputs the same way (self-attention is permutation-equivariant): are positions mixed?")
### BEGIN HIDDEN TESTS
def _torch_mha(_m, _h, _q, _k, _v, _mask=None):
    _ref = nn.MultiheadAttention(_q.shape[-1], _h, bias=True, batch_first=True).to(_q.dtype)
    _ref.in_proj_weight.copy_(torch.cat([_m.W_q.weight, _m.W_k.weight, _m.W_v.weight]))
    _ref.in_proj_bias.copy_(torch.cat([_m.W_q.bias, _m.W_k.bias, _m.W_v.bias]))
    _ref.out_proj.weight.copy_(_m.W_o.weight)
    _ref.out_proj.bias.copy_(_m.W_o.bias)
    _am = None if _mask is None else (~_mask).expand(_q.shape[0], _h, _q.shape[1], _k.shape[1]).reshape(-1, _q.shape[1], _k.shape[1])
    return _ref(_q, _k, _v, attn_mask=_am, need_weights=True, average_attn_weights=False)
_g = torch.Generator().manual_seed(14)
with torch.no_grad(), warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _B, _T, _d, _h, _dt in [(2, 5, 12, 3, torch.float32), (3, 7, 20, 4, torch.float64), (4, 3, 6, 1, torch.float32), (1, 9, 16, 8, torch.float64)]:
        _m = MultiHeadAttention(_d, _h).to(_dt)
        for _lin in (_m.W_q, _m.W_k, _m.W_v, _m.W_o):
            _lin.weight.copy_(torch.randn(_d, _d, generator=_g, dtype=_dt) / math.sqrt(_d))
            _lin.bias.copy_(torch.randn(_d, generator=_g, dtype=_dt) * 0.5)
        _x = torch.randn(_B, _T, _d, generator=_g, dtype=_dt) * 2
        _out, _w = _forward(_m, _x, _x, _x)
        _ro, _rw = _torch_mha(_m, _h, _x, _x, _x)
        assert torch.allclose(_out.double(), _ro.double(), rtol=1e-4, atol=1e-5), \
            _blame(f"output differs from nn.MultiheadAttention (B={_B}, T={_T}, d_model={_d}, heads={_h}, {_dt})")
        assert torch.allclose(_w.double(), _rw.double(), rtol=1e-4, atol=1e-5), \
            _blame(f"per-head weights differ from nn.MultiheadAttention (B={_B}, T={_T}, d_model={_d}, heads={_h}, {_dt})")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_cross_attention_matches_torch", "points": 1}
"""Cross-attention (T_q != T_k, separate key and value): each query is independent, and it matches nn.MultiheadAttention."""
import math
import warnings
import torch
import torch.nn as nn
torch.manual_seed(15)
_m = MultiHeadAttention(12, 4)
_q, _k, _v = torch.randn(2, 3, 12), torch.randn(2, 7, 12), torch.randn(2, 7, 12)
with torch.no_grad():
    _out, _w = _forward(_m, _q, _k, _v)
    _out1, _ = _forward(_m, _q[:, 1:2], _k, _v)
assert tuple(_w.shape) == (2, 4, 3, 7), _blame(f"cross-attention weights should have shape (2, 4, 3, 7), got {tuple(_w.shape)}")
assert torch.allclose(_out1[:, 0], _out[:, 1], atol=1e-5), _blame("query 1 alone must give the same output as inside the batch of queries: are positions mixed?")
### BEGIN HIDDEN TESTS
def _torch_mha(_m, _h, _q, _k, _v, _mask=None):
    _ref = nn.MultiheadAttention(_q.shape[-1], _h, bias=True, batch_first=True).to(_q.dtype)
    _ref.in_proj_weight.copy_(torch.cat([_m.W_q.weight, _m.W_k.weight, _m.W_v.weight]))
    _ref.in_proj_bias.copy_(torch.cat([_m.W_q.bias, _m.W_k.bias, _m.W_v.bias]))
    _ref.out_proj.weight.copy_(_m.W_o.weight)
    _ref.out_proj.bias.copy_(_m.W_o.bias)
    _am = None if _mask is None else (~_mask).expand(_q.shape[0], _h, _q.shape[1], _k.shape[1]).reshape(-1, _q.shape[1], _k.shape[1])
    return _ref(_q, _k, _v, attn_mask=_am, need_weights=True, average_attn_weights=False)
_g = torch.Generator().manual_seed(16)
with torch.no_grad(), warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _B, _tq, _tk, _d, _h, _dt in [(2, 3, 7, 12, 4, torch.float32), (3, 8, 2, 10, 5, torch.float64), (1, 4, 9, 18, 3, torch.float32)]:
        _m = MultiHeadAttention(_d, _h).to(_dt)
        for _lin in (_m.W_q, _m.W_k, _m.W_v, _m.W_o):
            _lin.weight.copy_(torch.randn(_d, _d, generator=_g, dtype=_dt) / math.sqrt(_d))
            _lin.bias.copy_(torch.randn(_d, generator=_g, dtype=_dt) * 0.5)
        _q = torch.randn(_B, _tq, _d, generator=_g, dtype=_dt) * 2
        _k = torch.randn(_B, _tk, _d, generator=_g, dtype=_dt) * 2
        _v = torch.randn(_B, _tk, _d, generator=_g, dtype=_dt)
        _out, _w = _forward(_m, _q, _k, _v)
        _ro, _rw = _torch_mha(_m, _h, _q, _k, _v)
        assert torch.allclose(_out.double(), _ro.double(), rtol=1e-4, atol=1e-5), \
            _blame(f"cross-attention output differs from nn.MultiheadAttention (B={_B}, T_q={_tq}, T_k={_tk}, d_model={_d}, heads={_h}); keys from `key`, values from `value`?")
        assert torch.allclose(_w.double(), _rw.double(), rtol=1e-4, atol=1e-5), \
            _blame(f"cross-attention weights differ from nn.MultiheadAttention (B={_B}, T_q={_tq}, T_k={_tk}, d_model={_d}, heads={_h})")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_mask_matches_torch", "points": 1}
"""Masks (True = may attend): causal masks hide the future in every head; masked attention matches nn.MultiheadAttention(attn_mask=~mask)."""
import math
import warnings
import torch
import torch.nn as nn
torch.manual_seed(17)
_m = MultiHeadAttention(12, 3)
_x = torch.randn(1, 6, 12)
_causal = torch.tril(torch.ones(6, 6, dtype=torch.bool))
_x2 = _x.clone()
_x2[:, 4:] = 10.0                                               # change positions 4 and 5 only
with torch.no_grad():
    _out, _w = _forward(_m, _x, _x, _x, mask=_causal)
    _out2, _ = _forward(_m, _x2, _x2, _x2, mask=_causal)
assert torch.all(_w.masked_select(~_causal) == 0), _blame("weights above the diagonal must be exactly 0 in every head (True = may attend, not blocked)")
assert torch.allclose(_out[:, :4], _out2[:, :4], atol=1e-5), _blame("outputs 0-3 changed when only positions 4-5 changed: the causal mask lets queries see the future")
### BEGIN HIDDEN TESTS
def _torch_mha(_m, _h, _q, _k, _v, _mask=None):
    _ref = nn.MultiheadAttention(_q.shape[-1], _h, bias=True, batch_first=True).to(_q.dtype)
    _ref.in_proj_weight.copy_(torch.cat([_m.W_q.weight, _m.W_k.weight, _m.W_v.weight]))
    _ref.in_proj_bias.copy_(torch.cat([_m.W_q.bias, _m.W_k.bias, _m.W_v.bias]))
    _ref.out_proj.weight.copy_(_m.W_o.weight)
    _ref.out_proj.bias.copy_(_m.W_o.bias)
    _am = None if _mask is None else (~_mask).expand(_q.shape[0], _h, _q.shape[1], _k.shape[1]).reshape(-1, _q.shape[1], _k.shape[1])
    return _ref(_q, _k, _v, attn_mask=_am, need_weights=True, average_attn_weights=False)
_g = torch.Generator().manual_seed(18)
with torch.no_grad(), warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _B, _tq, _tk, _d, _h, _dt in [(2, 5, 5, 12, 3, torch.float32), (3, 4, 6, 10, 2, torch.float64), (2, 7, 3, 20, 5, torch.float32)]:
        _m = MultiHeadAttention(_d, _h).to(_dt)
        for _lin in (_m.W_q, _m.W_k, _m.W_v, _m.W_o):
            _lin.weight.copy_(torch.randn(_d, _d, generator=_g, dtype=_dt) / math.sqrt(_d))
            _lin.bias.copy_(torch.randn(_d, generator=_g, dtype=_dt) * 0.5)
        _q = torch.randn(_B, _tq, _d, generator=_g, dtype=_dt) * 2
        _kv = torch.randn(_B, _tk, _d, generator=_g, dtype=_dt) * 2
        _lengths = torch.randint(1, _tk + 1, (_B,), generator=_g)
        _masks = [torch.arange(_tk).reshape(1, 1, 1, _tk) < _lengths.reshape(_B, 1, 1, 1),   # padding (B, 1, 1, T_k)
                  torch.rand(_B, 1, _tq, _tk, generator=_g) < 0.6,                            # per example (B, 1, T_q, T_k)
                  torch.rand(_B, _h, _tq, _tk, generator=_g) < 0.5,                           # per head (B, H, T_q, T_k)
                  torch.rand(_tq, _tk, generator=_g) < 0.7]                                   # shared (T_q, T_k)
        if _tq == _tk:
            _masks.append(torch.tril(torch.ones(_tq, _tk, dtype=torch.bool)))                 # causal (T, T)
        for _mask in _masks:
            _mask = _mask.clone()
            _mask[..., 0] |= ~_mask.any(-1)      # at least one key per row: PyTorch gives nan otherwise
            _out, _w = _forward(_m, _q, _kv, _kv, mask=_mask)
            _ro, _rw = _torch_mha(_m, _h, _q, _kv, _kv, _mask)
            assert torch.allclose(_out.double(), _ro.double(), rtol=1e-4, atol=1e-5), \
                _blame(f"masked output differs from nn.MultiheadAttention(attn_mask=~mask) for a mask of shape {tuple(_mask.shape)} (is True = may attend?)")
            assert torch.allclose(_w.double(), _rw.double(), rtol=1e-4, atol=1e-5), \
                _blame(f"masked weights differ from nn.MultiheadAttention for a mask of shape {tuple(_mask.shape)}")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_fully_masked_query", "points": 1}
"""A query that may attend to nothing gets zero weights in every head and the output W_o.bias, not nan."""
import warnings
import torch
torch.manual_seed(19)
_m = MultiHeadAttention(12, 3)
_x = torch.randn(1, 4, 12)
_mask = torch.ones(4, 4, dtype=torch.bool)
_mask[2] = False                                                # query 2 may attend to nothing
with torch.no_grad(), warnings.catch_warnings():
    warnings.simplefilter("ignore")
    _out, _w = _forward(_m, _x, _x, _x, mask=_mask)
assert not torch.isnan(_out).any() and not torch.isnan(_w).any(), "a fully masked query produced nan"
assert torch.all(_w[0, :, 2] == 0), _blame(f"the fully masked query must get zero weights in every head, got {_w[0, :, 2]}")
assert torch.allclose(_out[0, 2], _m.W_o.bias), _blame(f"its output must be W_o applied to zeros = W_o.bias, got {_out[0, 2]}")
assert torch.allclose(_w[0, :, 0].sum(-1), torch.ones(3)), _blame("the other queries must be unaffected (rows sum to 1)")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_heads_use_their_own_features", "points": 1}
"""Head h uses rows h*d_head ... (h+1)*d_head - 1 of W_q: changing head 0's rows changes only head 0's weights."""
import torch
torch.manual_seed(20)
_m = MultiHeadAttention(12, 3)                                  # d_head = 4
_x = torch.randn(2, 5, 12)
with torch.no_grad():
    _, _w = _forward(_m, _x, _x, _x)
    _m.W_q.weight[:4] *= -3.0                                   # head 0's query projection only
    _, _w2 = _forward(_m, _x, _x, _x)
_changed = [_h for _h in range(3) if not torch.allclose(_w[:, _h], _w2[:, _h])]
assert _changed == [0], _blame(f"changing rows 0-3 of W_q should change the weights of head 0 only, but heads {_changed} changed: "
                               "head h must use the consecutive features h*d_head ... (split D into (H, d_head))")

# %% [markdown]
# ## 5. How many parameters? (~10 min)
#
# **Theory hint.** Each of the four `nn.Linear(d_model, d_model)` layers has a
# $d_\text{model}\times d_\text{model}$ weight and a $d_\text{model}$ bias. Notice what is *not*
# in the count: the number of heads. Splitting into heads re-arranges the same projection; it
# does not add weights. (The paper's formulas have no biases; PyTorch's `nn.MultiheadAttention`
# and this course's module do, as does BERT.)
#
# ### Exercise 5 — count the parameters (2 points)

# %% nbgrader={"solution": true, "grade_id": "mha_param_count"}
def mha_param_count(d_model, num_heads):
    """Number of learned parameters of MultiHeadAttention(d_model, num_heads), biases included.

    Args:
        d_model: the model width. num_heads: the number of heads (divides d_model).
    Returns:
        a Python int. Example: mha_param_count(4, 2) == 80 (four 4x4 weights + four biases of 4).
    """
    ### BEGIN SOLUTION
    return 4 * d_model * d_model + 4 * d_model
    ### END SOLUTION


# %%
# Try it: your formula against your module
for d, h in [(12, 3), (512, 8), (512, 1), (768, 12)]:
    n_module = sum(p.numel() for p in MultiHeadAttention(d, h).parameters())
    print(f"d_model={d:4d}, heads={h:2d}: formula {mha_param_count(d, h):>10,}, your module {n_module:>10,}")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_param_count_paper", "points": 1}
"""mha_param_count counts the four weight matrices and the four biases, as a Python int."""
_got = mha_param_count(4, 2)
assert _got == 80, (f"mha_param_count(4, 2) should be 4 * 4*4 + 4 * 4 = 80, got {_got}"
                    + (" (you forgot the biases)" if _got == 64 else "")
                    + (" (you forgot W_o)" if _got == 60 else ""))
assert type(_got) is int, f"a parameter count is a Python int, got {_got!r} of type {type(_got).__name__}"
### BEGIN HIDDEN TESTS
for (_d, _h), _ref in {(512, 8): 1_050_624, (768, 12): 2_362_368, (10, 5): 440, (7, 1): 224, (1024, 16): 4_198_400}.items():
    _got = mha_param_count(_d, _h)
    assert _got == _ref and type(_got) is int, f"mha_param_count({_d}, {_h}) should be the int {_ref:,}, got {_got!r}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_param_count_matches_modules", "points": 1}
"""mha_param_count equals the number of parameters of PyTorch's nn.MultiheadAttention, whatever the number of heads."""
import warnings
import torch.nn as nn
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    _ref = sum(_p.numel() for _p in nn.MultiheadAttention(12, 3, bias=True, batch_first=True).parameters())
assert mha_param_count(12, 3) == _ref, f"mha_param_count(12, 3) = {mha_param_count(12, 3)} but nn.MultiheadAttention(12, 3) has {_ref} parameters"
### BEGIN HIDDEN TESTS
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _d, _h in [(12, 1), (12, 6), (20, 4), (64, 8), (30, 5)]:
        _ref = sum(_p.numel() for _p in nn.MultiheadAttention(_d, _h, bias=True, batch_first=True).parameters())
        assert mha_param_count(_d, _h) == _ref, f"mha_param_count({_d}, {_h}) = {mha_param_count(_d, _h)}, nn.MultiheadAttention has {_ref}"
### END HIDDEN TESTS

# %% [markdown]
# **Discovery.** One attention layer of the Transformer base model has
# $4\cdot512^2 + 4\cdot512 = 1{,}050{,}624$ parameters, with 1 head or with 8. In BERT-base
# (109,482,240 parameters in all) the 12 self-attention layers hold
# $12 \times 2{,}362{,}368 = 28{,}348{,}416$ of them, about 26%; most of the rest sits in the
# feed-forward layers and the embeddings (Part 5).

# %% tags=["claim"]
assert mha_param_count(512, 8) == mha_param_count(512, 1) == 1_050_624, "text says 1,050,624 parameters with 1 head or with 8"
assert 12 * mha_param_count(768, 12) == 28_348_416, f"text says BERT-base's 12 attention layers hold 28,348,416: {12 * mha_param_count(768, 12):,}"
assert abs(28_348_416 / 109_482_240 - 0.26) < 0.005, f"text says about 26% of BERT-base: {28_348_416 / 109_482_240:.3f}"

# %% [markdown]
# ## 6. Looking inside the heads (~5 min)
#
# Each head has its own attention matrix: `weights[b, h]` is a `(T_q, T_k)` heatmap. First,
# a freshly initialised module on "The bank by the river bank", with random word vectors:

# %% nbgrader={"locked": true, "grade_id": "heatmap_helper"}
def plot_heads(weights, words, title):
    """Draw the (H, T, T) attention weights of one sentence as H heatmaps side by side."""
    H = weights.shape[0]
    fig, axes = plt.subplots(1, H, figsize=(3.1 * H, 3.5))
    for h, ax in enumerate(np.atleast_1d(axes)):
        ax.imshow(weights[h].detach().numpy(), cmap="viridis", vmin=0, vmax=1)
        ax.set_xticks(range(len(words)), words, rotation=60, ha="right", fontsize=8)
        ax.set_yticks(range(len(words)), words, fontsize=8)
        ax.set(xlabel="key", ylabel="query", title=f"head {h + 1}")
    fig.suptitle(title)
    plt.tight_layout()
    plt.show()


words = "The bank by the river bank".split()

# %%
def random_heads(seed):
    """A freshly initialised MultiHeadAttention(16, 4) on the sentence, with random word vectors."""
    torch.manual_seed(seed)
    embedding = {w: torch.randn(16) for w in ("the", "bank", "by", "river")}
    X = torch.stack([embedding[w.lower()] for w in words])[None]      # (1, T=6, d_model=16)
    with torch.no_grad():
        return MultiHeadAttention(16, 4)(X, X, X)[1]                  # weights (1, H=4, 6, 6)


w_random = random_heads(0)
plot_heads(w_random[0], words, "4 heads with random weights: nothing to see")
# How focused are random heads? Each query's largest weight, averaged, over 20 random modules:
random_row_max = float(np.mean([random_heads(seed).amax(dim=-1).mean() for seed in range(20)]))
print(f"a query's largest weight, on average over 20 random modules: {random_row_max:.2f} "
      f"(spread evenly over the 6 words: {1 / 6:.2f}; a focused head: close to 1)")

# %% [markdown]
# **Figure.** Four heatmaps, one per head of a randomly initialised `MultiHeadAttention(16, 4)`
# on "The bank by the river bank": each row is a query word, each column a key word, and the
# colour is the weight (dark purple 0, yellow 1). The weights are spread over many words: no
# head focuses on anything.

# %% tags=["claim"]
assert random_row_max < 0.4, f"text says random heads are diffuse (largest weight about 0.2): average largest weight {random_row_max:.3f}"
assert float(w_random.max()) < 0.6, f"text says the random heatmaps show no focused head: largest weight {float(w_random.max()):.3f}"

# %% [markdown]
# Random projections give diffuse, unremarkable patterns: on average a query's largest weight
# is only about 0.2, hardly more than the 1/6 of an even spread. Nothing in them was *learned*.
#
# **What trained heads do.** Clark et al. (2019, *What Does BERT Look At?*) found BERT heads
# that attend to the previous or next token, to the determiner of a noun, to the direct object
# of a verb, or to coreferent mentions — and many heads that attend broadly or to the
# separator token. Not every head is useful: Michel et al. (2019, *Are Sixteen Heads Really
# Better than One?*) removed many heads of a trained model with little loss. In **Part 6** you
# train a small transformer and draw its heads the same way.

# %% [markdown]
# ## Going further: four heads made by hand (~12 min, optional)
#
# To see what specialised heads look like, we set the weights of a `MultiHeadAttention(16, 4)`
# **by hand** — word-identity features plus two position features ($\cos p\theta$,
# $\sin p\theta$, a first taste of Part 4) — so that the four heads do the four jobs of the
# table in section 2: determiner, meaning, previous word, same word. A trained model finds such
# projections itself, from data.
#
# Two tricks are used. A query that is a *rotated* position vector,
# $(\cos (p-1)\theta, \sin (p-1)\theta)$, has its largest dot product with the key of position
# $p - 1$: that head looks one word back. And a query that is *minus* the position vector has
# its *smallest* dot product with its own position: that head looks away from itself.

# %% nbgrader={"locked": true, "grade_id": "hand_made_heads"}
def hand_made_heads():
    """A MultiHeadAttention(16, 4) whose heads do the jobs of the 'bank' table, and its input."""
    vocab = ["the", "bank", "by", "river"]
    theta = 0.8
    X = torch.zeros(1, len(words), 16)
    for p, w in enumerate(words):
        X[0, p, vocab.index(w.lower())] = 1.0                               # word identity: features 0-3
        X[0, p, 4], X[0, p, 5] = math.cos(p * theta), math.sin(p * theta)    # position: features 4-5
    Wq, Wk = torch.zeros(16, 16), torch.zeros(16, 16)

    def look_one_back(row, strength):
        """Rows row, row+1: the query of position p is the position vector of p - 1 (rotated by -theta)."""
        c, s = strength * math.cos(theta), strength * math.sin(theta)
        Wq[row, 4], Wq[row, 5], Wq[row + 1, 4], Wq[row + 1, 5] = c, s, -s, c
        Wk[row, 4] = Wk[row + 1, 5] = 1.0

    # head 1 (rows 0-3), syntax: nouns ("bank", "river") look for "the", preferably just before them
    Wq[0, 1] = Wq[0, 3] = 8.0
    Wk[0, 0] = 1.0
    look_one_back(1, 4.0)
    # head 2 (rows 4-7), meaning: "bank" looks for "river"
    Wq[4, 1] = 8.0
    Wk[4, 3] = 1.0
    # head 3 (rows 8-11), position: position p looks for position p - 1
    look_one_back(8, 24.0)
    # head 4 (rows 12-15), same word: words on a circle (the, bank, by, river at 0, 90, 180, 270
    # degrees) look for the same angle, and away from their own position
    for i in range(len(vocab)):
        Wq[12, i], Wq[13, i] = 8 * math.cos(i * math.pi / 2), 8 * math.sin(i * math.pi / 2)
        Wk[12, i], Wk[13, i] = math.cos(i * math.pi / 2), math.sin(i * math.pi / 2)
    Wq[14, 4] = Wq[15, 5] = -4.0
    Wk[14, 4] = Wk[15, 5] = 1.0
    mha = MultiHeadAttention(16, 4)
    with torch.no_grad():
        for lin, W in ((mha.W_q, Wq), (mha.W_k, Wk), (mha.W_v, torch.eye(16)), (mha.W_o, torch.eye(16))):
            lin.weight.copy_(W)
            lin.bias.zero_()
    return mha, X


# %%
hand_mha, X_hand = hand_made_heads()
with torch.no_grad():
    _, w_hand = hand_mha(X_hand, X_hand, X_hand)
plot_heads(w_hand[0], words, "4 hand-made heads: syntax, meaning, position, same word")
first_bank_focus = [int(w_hand[0, h, 1].argmax()) for h in range(4)]
for h, job in enumerate(["determiner", "meaning", "previous word", "same word"]):
    j = first_bank_focus[h]
    print(f"head {h + 1} ({job:13s}): the first 'bank' attends most to '{words[j]}' "
          f"(position {j}, weight {float(w_hand[0, h, 1, j]):.2f})")

# %% [markdown]
# **Figure.** The same four heatmaps for the hand-made heads (rows are queries, columns keys,
# dark purple 0, yellow 1). Row 2, the first "bank", has one bright cell in every head: "The"
# in head 1, "river" in head 2, the previous word "The" in head 3 and the other "bank" in
# head 4, as the printed lines say.

# %% tags=["claim"]
assert first_bank_focus == [0, 4, 0, 5], f"text says the first 'bank' attends to 'The', 'river', 'The', the other 'bank' (positions [0, 4, 0, 5]), got {first_bank_focus}"
assert all(float(w_hand[0, h, 1, j]) > 0.9 for h, j in enumerate(first_bank_focus)), \
    f"text says each head focuses: weights {[round(float(w_hand[0, h, 1, j]), 3) for h, j in enumerate(first_bank_focus)]}"
assert torch.allclose(w_hand[0, 1, [0, 2, 3, 4]], torch.full((4, 6), 1 / 6)), \
    f"text says words with a zero query in head 2 spread their weight evenly: {w_hand[0, 1, [0, 2, 3, 4]]}"

# %% [markdown]
# Words whose query is zero in a head (in head 2, every word but "bank") spread their weight
# evenly: they "ask for nothing" in that head — the same effect as in Part 2. Head 1 needs the
# position features too: without them, "bank" would find both "The" and "the" equally good.
# And "by" and "river" have no second copy, so head 4 has nothing good to find for them: they
# end up attending to themselves or to words far away.

# %% [markdown]
# ## 7. The cost of heads (~20 min)
#
# **Theory hint.** Count the multiply-adds of the matrix products of multi-head self-attention
# on one sequence of $T$ positions (batch 1): the projections $Q, K, V$ and the output
# projection each multiply a $T\times d_\text{model}$ matrix by a
# $d_\text{model}\times d_\text{model}$ one; in each of the $h$ heads, $QK^\top$ is
# $(T\times d_\text{head})(d_\text{head}\times T)$ and the weighted sum of the values is
# $(T\times T)(T\times d_\text{head})$. A product of an $(m\times n)$ and an $(n\times p)$ matrix
# takes $m\,n\,p$ multiply-adds.
#
# ### Exercise 6 — count the multiply-adds (2 points)

# %% nbgrader={"solution": true, "grade_id": "mha_multiply_adds"}
def mha_multiply_adds(T, d_model, num_heads):
    """Multiply-adds of the matrix products of multi-head self-attention over T positions.

    Counts the four projections (W_q, W_k, W_v, W_o) and, in every head, Q K^T and weights @ V.
    Ignores biases, the scaling, the softmax and the batch (batch size 1).
    Args:
        T: sequence length. d_model: model width. num_heads: number of heads (divides d_model).
    Returns:
        a Python int. Example: mha_multiply_adds(1, 2, 1) == 20 (one position, d_model = 2: four
        projections of 1*2*2 = 4 each, plus 1*2*1 for q.k and 1*1*2 for the weighted value).
    """
    ### BEGIN SOLUTION
    d_head = d_model // num_heads
    projections = 4 * T * d_model * d_model
    per_head = T * d_head * T + T * T * d_head                  # Q K^T and weights @ V
    return projections + num_heads * per_head
    ### END SOLUTION


# %%
# Try it: the count does not depend on the number of heads
for h in (1, 2, 4, 8, 16, 64):
    print(f"T=128, d_model=512, heads={h:3d}: {mha_multiply_adds(128, 512, h):>12,} multiply-adds")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_multiply_adds_value", "points": 1}
"""mha_multiply_adds counts the four projections and the two products of every head, as a Python int."""
_got = mha_multiply_adds(3, 4, 2)
assert _got == 264, (f"mha_multiply_adds(3, 4, 2) should be 4 * (3*4*4) + 2 heads * (3*2*3 + 3*3*2) = 264, got {_got}"
                     + (" (each head's products use d_head = d_model / h, not d_model)" if _got == 336 else "")
                     + (" (count the four projections W_q, W_k, W_v, W_o)" if _got in (72, 216) else ""))
assert type(_got) is int, f"a count of multiply-adds is a Python int, got {_got!r} of type {type(_got).__name__} (use // for d_head)"
### BEGIN HIDDEN TESTS
for _T, _d, _h in [(128, 512, 8), (7, 12, 3), (1, 5, 5), (50, 768, 12), (9, 6, 2), (2048, 12288, 96)]:
    _ref = 4 * _T * _d * _d + 2 * _T * _T * _d
    _got = mha_multiply_adds(_T, _d, _h)
    assert _got == _ref and type(_got) is int, f"mha_multiply_adds({_T}, {_d}, {_h}) should be the int {_ref:,}, got {_got!r}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_mha_multiply_adds_independent_of_heads", "points": 1}
"""h heads of size d_model/h cost exactly as many multiply-adds as one head of size d_model."""
_counts = {_h: mha_multiply_adds(10, 12, _h) for _h in (1, 2, 3, 4, 6, 12)}
assert len(set(_counts.values())) == 1, f"the count should not depend on the number of heads, got {_counts} (is d_head = d_model / h?)"
### BEGIN HIDDEN TESTS
for _T, _d in [(64, 96), (5, 40), (300, 16)]:
    _c = {_h: mha_multiply_adds(_T, _d, _h) for _h in (1, 2, 4, 8, 16) if _d % _h == 0}
    assert len(set(_c.values())) == 1 and _c[1] == 4 * _T * _d * _d + 2 * _T * _T * _d, \
        f"for T={_T}, d_model={_d} the count should be {4 * _T * _d * _d + 2 * _T * _T * _d} for every h, got {_c}"
### END HIDDEN TESTS

# %% [markdown]
# Counting is one thing; now **measure**. The cell below times the attention itself (the
# part that depends on the heads: `QK^T`, softmax, weights @ V) for a batch of 4 sequences of
# 128 positions with $d_\text{model} = 256$, split into 1 to 64 heads — the same number of
# multiply-adds each time. To measure the work and not the other programs on your machine, it
# runs on one thread and counts the CPU time that thread spends (`time.thread_time`), and it
# takes the median of 15 rounds that visit every head count in turn.

# %%
def time_attention(heads, B=4, T=128, d_model=256, rounds=15):
    """Median CPU time (ms) of the given attention on (B, H, T, d_model / H) tensors, for each H in heads."""
    g = torch.Generator().manual_seed(0)
    inputs = {h: [torch.randn(B, h, T, d_model // h, generator=g) for _ in range(3)] for h in heads}
    runs = {h: [] for h in heads}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)                       # one thread: time the work, not the thread pool
    try:
        for _ in range(rounds):
            for h in heads:                        # every head count in turn, so that a busy moment hits all alike
                start = time.thread_time()
                scaled_dot_product_attention(*inputs[h])
                runs[h].append(time.thread_time() - start)
    finally:
        torch.set_num_threads(threads)
    return [1000 * float(np.median(runs[h])) for h in heads]


heads = [1, 2, 4, 8, 16, 32, 64]
times = time_attention(heads)
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.bar([f"{h} x {256 // h}" for h in heads], times)
ax.set(xlabel="heads x head size (d_model = 256)", ylabel="CPU time (ms), median of 15",
       title="Same multiply-adds, different heads")
plt.tight_layout()
plt.show()
for h, t in zip(heads, times):
    print(f"{h:3d} heads of size {256 // h:3d}: {t:6.2f} ms")

# %% [markdown]
# **Figure.** A bar chart of the measured CPU time (median of 15 runs, in ms) of the attention
# for 1, 2, 4, 8, 16, 32 and 64 heads with d_model = 256, the same number of multiply-adds in
# every case. The printed lines under the chart give the same numbers.

# %% tags=["claim"]
_few = times[:heads.index(4) + 1]
assert max(_few) < 3 * min(_few), f"text says 1, 2 and 4 heads take about the same time (within 3x): {dict(zip(heads, times))}"
assert times[heads.index(64)] > 3 * times[heads.index(1)], \
    f"text says 64 heads of size 4 take several times (> 3x) as long as 1 head of 256: {dict(zip(heads, times))}"

# %% [markdown]
# ### Question — how many heads? (2 points, graded by hand)
# (a) Using your count and the chart: does going from 1 head of size 256 to 16 heads of size 16
# change the number of multiply-adds? Does it change the time? What *does* grow with the number
# of heads? (b) Why not take it to the extreme, $d_\text{model}$ heads of size 1? (Think about
# what a score $q_i k_j$ between two *numbers* can express, and recall Table 3 of the paper.)

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_how_many_heads", "points": 2}
# **Model answer.** (a) The multiply-adds do not change: they are $4Td^2 + 2T^2d$ whatever $h$
# is (the projections do not change and each head's $T^2 d_\text{head}$ products add up to
# $T^2d$). The time does change: for 2 or 4 heads it stays close to that of one head, with 16
# heads it is typically two to three times as long, and with 32 or 64 tiny heads many times
# as long (the exact numbers depend on the machine). What grows with $h$ is everything done per
# attention-weight matrix: $h$ softmaxes over $T\times T$ scores, $B\,h\,T^2$ weights to
# compute, store and read back (and to keep for backpropagation), and many small matrix
# products, which use the hardware less efficiently than a few large ones. (b) With
# $d_\text{head} = 1$ each score is a product of two numbers $q_i k_j$: for a given query the
# ranking of keys is just "largest $k_j$" (or smallest, if $q_i<0$), so a head can hardly
# express "attend to the word that matches me"; more generally the score matrix of a head has
# rank at most $d_\text{head}$. Quality drops when heads become too small (Table 3: 32 heads
# of 16 is worse than 8 of 64; one head of 512 is worse too), while the cost of the weights
# grows.
# *Full marks:* same multiply-adds, and what grows with $h$ (softmax and memory of $B h T^2$
# weights, small products) in agreement with the measurement (1 pt); too-small heads cannot
# express useful patterns, with the paper's evidence (1 pt).

# %% [markdown]
# **Discovery.** The multiply-adds are the same for every $h$, and the times of 1, 2 and 4
# heads stay close to each other (within a factor of 3, usually much closer); but from about
# 8 heads on the time grows, and 64 heads of size 4 take several times as long as one head of
# 256. What grows with $h$ is the number of attention-weight matrices: the softmax runs over
# $h$ times as many rows, and the weights take $B\cdot h\cdot T^2$ numbers of memory. With many
# tiny heads, handling those weights, not the multiply-adds, becomes the cost — one reason why
# real models keep heads of 64 or 128.

# %% [markdown]
# ## 8. Concept quiz (5 points, ~10 min)
#
# Quick questions on this part's ideas (a reading quiz), one point each. Answer each
# in its own cell — replace `None` (and delete the `raise NotImplementedError()` line) with a
# letter as a string (`"B"`), `True`/`False`, or a number, as the cell says. The check below each
# answer only tells you whether your answer has the right *form*; whether it is right is checked
# when your work is graded.

# %% [markdown]
# **Question 1.** Why does the transformer use several attention heads rather than one head of the full
# width $d_\text{model}$ (Vaswani et al., 2017, §3.2.2)?
#
# - **A** — each head reads a different part of the sentence (head 1 the first words, head 2 the next ones, ...)
# - **B** — several heads have fewer parameters than one
# - **C** — one head gives each query a single distribution, and averaging blends different relationships; $h$ heads attend to different representation subspaces at the same time
# - **D** — several heads make attention's cost linear in the sequence length

# %% nbgrader={"solution": true, "grade_id": "quiz_why_heads"}
quiz_why_heads = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_why_heads = "C"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_why_heads", "points": 1}
"""Question 1: why several heads."""
assert isinstance(quiz_why_heads, str) and quiz_why_heads.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_why_heads!r}'
### BEGIN HIDDEN TESTS
assert quiz_why_heads.strip().upper() == "C", "one softmax row is one distribution: averaging inhibits attending to several things; h heads in d_model/h-dimensional subspaces keep them apart (3.2.2). Every head sees every position"
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** True or False: with $d_\text{model}$ fixed, doubling the number of heads doubles the number of
# parameters of a multi-head attention layer.

# %% nbgrader={"solution": true, "grade_id": "quiz_params_double_heads"}
quiz_params_double_heads = None  # True or False
### BEGIN SOLUTION
quiz_params_double_heads = False
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_params_double_heads", "points": 1}
"""Question 2: parameters do not depend on the number of heads."""
import numpy as np
assert isinstance(quiz_params_double_heads, (bool, np.bool_)), f"answer True or False (without quotes), got {quiz_params_double_heads!r}"
### BEGIN HIDDEN TESTS
assert bool(quiz_params_double_heads) is False, "False: 4 d_model^2 + 4 d_model whatever h, because each head gets d_model / h dimensions"
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** `split_heads` turns `(B, T, d_model)` into `(B, H, T, d_head)`. What does
# `x.reshape(B, H, T, d_head)` (without a transpose) do?
#
# - **A** — the same as `x.view(B, T, H, d_head).transpose(1, 2)`
# - **B** — it raises an error, because the shapes do not match
# - **C** — it gives the right shape but wrong contents: a head's rows are pieces of different positions' features, so attention silently mixes positions
# - **D** — it copies the data, but the result is correct

# %% nbgrader={"solution": true, "grade_id": "quiz_split_reshape"}
quiz_split_reshape = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_split_reshape = "C"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_split_reshape", "points": 1}
"""Question 3: what a reshape without transpose does to the heads."""
assert isinstance(quiz_split_reshape, str) and quiz_split_reshape.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_split_reshape!r}'
### BEGIN HIDDEN TESTS
assert quiz_split_reshape.strip().upper() == "C", "reshape keeps the memory order: (T, d_model) is cut into H blocks of T/H positions, not into H feature slices. Split the last axis into (H, d_head) and then swap T and H"
### END HIDDEN TESTS

# %% [markdown]
# **Question 4.** The base transformer has $d_\text{model} = 512$ and $h = 8$ heads with $d_v = 64$. How many
# numbers per position does the output projection $W^O$ receive (the concatenation of all heads)?

# %% nbgrader={"solution": true, "grade_id": "quiz_concat_size"}
quiz_concat_size = None  # a number
### BEGIN SOLUTION
quiz_concat_size = 512
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_concat_size", "points": 1}
"""Question 4: the input size of the output projection W^O."""
import numpy as np
import numbers
assert isinstance(quiz_concat_size, numbers.Real) and not isinstance(quiz_concat_size, (bool, np.bool_)), \
    f"answer with a number (an int or a float), got {quiz_concat_size!r}"
assert 1 <= quiz_concat_size <= 1000000, f"a number of features is a positive count, got {quiz_concat_size!r}"
### BEGIN HIDDEN TESTS
assert abs(float(quiz_concat_size) - 512) <= 0.5, "Concat(head_1, ..., head_8) has h * d_v = 8 * 64 = 512 features; W^O is (h d_v, d_model) = (512, 512)"
### END HIDDEN TESTS

# %% [markdown]
# **Question 5.** Your boolean mask means **True = may attend**. What do you pass as `attn_mask` to
# `nn.MultiheadAttention`?
#
# - **A** — `mask`
# - **B** — `~mask` (its boolean masks mean True = *not* allowed to attend)
# - **C** — `mask.float()`
# - **D** — `mask.T`

# %% nbgrader={"solution": true, "grade_id": "quiz_mha_mask"}
quiz_mha_mask = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_mha_mask = "B"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_mha_mask", "points": 1}
"""Question 5: the mask to pass to nn.MultiheadAttention."""
import torch.nn as nn
assert isinstance(quiz_mha_mask, str) and quiz_mha_mask.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_mha_mask!r}'
### BEGIN HIDDEN TESTS
assert quiz_mha_mask.strip().upper() == "B", "nn.MultiheadAttention's boolean attn_mask marks the positions that are NOT allowed to attend, the opposite convention: pass ~mask (a float mask would be added to the scores)"
### END HIDDEN TESTS

# %% [markdown]
# ## Key takeaways
# 1. One head gives each query one distribution and one weighted average: different kinds of
#    relationships get blended ("averaging inhibits this"). Several heads keep them apart.
# 2. Each head projects the whole $d_\text{model}$ vector to its own $d_\text{head} =
#    d_\text{model}/h$ subspace (512/8 = 64); the head outputs are concatenated and mixed by
#    $W^O$.
# 3. In code, the $h$ projections are one `nn.Linear`; `split_heads` = view as
#    `(B, T, H, d_head)` + transpose, `merge_heads` = its inverse. A reshape without the
#    transpose has the right shape and silently mixes positions.
# 4. Inside each head, scale by $1/\sqrt{d_\text{head}}$. Masks (True = may attend) are shared
#    by all heads; `nn.MultiheadAttention` wants `~mask`.
# 5. Parameters: $4d_\text{model}^2 + 4d_\text{model}$, independent of $h$; multiply-adds:
#    $4Td^2 + 2T^2d$, independent of $h$. Heads are (almost) free — but not arbitrarily small:
#    many tiny heads cost time (the $B h T^2$ attention weights) and quality (Table 3).
# 6. Heads learn their roles from data; random heads show nothing.
#
# **Next — Part 4:** everything you built today is *permutation-equivariant* (your test
# shuffled the words and the outputs shuffled along). "The bank by the river bank" and
# "The river bank by the bank" look alike to it. Part 4 gives the model a sense of order:
# positional encodings.

# %% [markdown]
# ## Readings for this part
# | reading | read it for |
# |---|---|
# | Vaswani et al. (2017), §3.2.2 *Multi-Head Attention* (Figure 2, right), §3.2.3, Table 3 rows (A) | $h = 8$ heads of $d_k = d_v = 64$, "averaging inhibits this", the three uses of attention, and what changing the number of heads does to quality |
# | Tunstall, von Werra & Wolf, *Natural Language Processing with Transformers* (O'Reilly, revised ed. 2022), ch. 3 *Transformer Anatomy*, "Multi-headed attention" | an `AttentionHead` and a `MultiHeadAttention` module like yours, and heads visualised in BERT |
# | Jay Alammar, "The Illustrated Transformer" (2018, jalammar.github.io), "The Beast With Many Heads" | eight heads drawn side by side, and where $W^O$ mixes them |
# | Andrej Karpathy, "Let's build GPT: from scratch, in code, spelled out" (video lecture, 2023), the part on multi-headed self-attention | a lecture that writes self-attention, then several heads (a list of single heads, concatenated and projected), in PyTorch — the loop version of your module |
# | TensorFlow tutorial "Neural machine translation with a Transformer and Keras" (tensorflow.org/text/tutorials/transformer), sections on the attention layers | a library's multi-head layer (`tf.keras.layers.MultiHeadAttention`) used in the three places of the transformer: cross-attention, self-attention, causal self-attention |
# | Hugging Face LLM course, chapter 1, "How do Transformers work?" (huggingface.co/learn) | attention in general only: the chapter does not go into heads — use the readings above for them |
