# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Part 5 — Building the complete transformer block
#
# *Transformer Internals, part 5 of 7. Time: about 140 min core + 25 min going further (optional).*
#
# You now own every ingredient: scaled dot-product attention (Part 2), multi-head attention
# (Part 3) and positional encodings (Part 4). Today you assemble them into the **layer cake**
# of Vaswani et al. (2017, §3.1): the encoder block, the decoder block, and stacks of them —
# then you count the parameters of real models (BERT, GPT-2, GPT-3) from their configurations.
# Your blocks are checked against PyTorch's own `nn.TransformerEncoderLayer` and
# `nn.TransformerDecoderLayer`, loaded with your weights.
#
# **Learning objectives** — you will be able to
# 1. list the sub-layers of an encoder and a decoder layer, in order;
# 2. implement layer normalisation from scratch and say why it stabilises training;
# 3. implement the position-wise feed-forward network and explain why it is applied per position;
# 4. *measure* how residual connections keep gradients alive in a deep stack;
# 5. build post-norm (the paper) and pre-norm (GPT-2 and most modern models) encoder blocks;
# 6. build a causal mask and a decoder block with masked self-attention and cross-attention;
# 7. stack blocks and reproduce the parameter counts of BERT-base (109,482,240), BERT-large,
#    GPT-2 and GPT-3 from their configurations (and, going further, trace one token through a
#    stack and say where a model's parameters live).
#
# **How this notebook works.** Fill in every cell that says `YOUR CODE HERE`, then run the
# "try it" cell below it and the test cells (the ones that start with a docstring). A test cell
# that runs silently passed. Some checks are hidden and run only when your work is graded, so
# make your code correct in general, not just on the visible example. Questions marked
# *(graded by hand)* are read by a person: answer in your own words, in a few sentences.
# Sections titled **Going further** are optional and ungraded: skip them on a first pass and come
# back when you have time; nothing graded depends on them.
#
# Conventions used in the whole course: tensors are batch first (`x` has shape `(B, T, d_model)`)
# and masks are boolean with **True = may attend**. PyTorch's `nn.MultiheadAttention` and
# `nn.Transformer*` layers use the *opposite* convention (True = blocked): to give them one of
# our masks, pass `~mask`.

# %% nbgrader={"locked": true, "grade_id": "setup"}
# Given, working code from Parts 2-4 (read-only). Run this cell before the exercises.
import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_printoptions(precision=3, sci_mode=False)
torch.set_num_threads(1)  # the tensors here are tiny: one thread is fastest
warnings.filterwarnings("ignore", category=DeprecationWarning)


def split_heads(x, num_heads):
    """(B, T, d_model) -> (B, num_heads, T, d_model // num_heads)."""
    B, T, d_model = x.shape
    return x.reshape(B, T, num_heads, d_model // num_heads).transpose(1, 2)


def merge_heads(x):
    """(B, H, T, d_head) -> (B, T, H * d_head): the inverse of split_heads."""
    B, H, T, d_head = x.shape
    return x.transpose(1, 2).reshape(B, T, H * d_head)


class MultiHeadAttention(nn.Module):
    """Multi-head attention (Part 3): softmax(Q K^T / sqrt(d_head)) V in every head, then W_o.

    forward(query (B, T_q, d_model), key (B, T_k, d_model), value (B, T_k, d_model), mask=None)
    returns (output (B, T_q, d_model), weights (B, H, T_q, T_k)).
    mask: boolean, broadcastable to (B, H, T_q, T_k), True = may attend; e.g. a causal mask
    (T_q, T_k) or a padding mask (B, 1, 1, T_k). A query with no allowed key gets all-zero
    weights (no nan).
    """

    def __init__(self, d_model, num_heads):
        super().__init__()
        assert d_model % num_heads == 0, "d_model must be divisible by num_heads"
        self.d_model, self.num_heads, self.d_head = d_model, num_heads, d_model // num_heads
        self.W_q = nn.Linear(d_model, d_model)
        self.W_k = nn.Linear(d_model, d_model)
        self.W_v = nn.Linear(d_model, d_model)
        self.W_o = nn.Linear(d_model, d_model)

    def forward(self, query, key, value, mask=None):
        q = split_heads(self.W_q(query), self.num_heads)                  # (B, H, T_q, d_head)
        k = split_heads(self.W_k(key), self.num_heads)                    # (B, H, T_k, d_head)
        v = split_heads(self.W_v(value), self.num_heads)                  # (B, H, T_k, d_head)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)         # (B, H, T_q, T_k)
        if mask is None:
            weights = torch.softmax(scores, dim=-1)
        else:
            mask = torch.as_tensor(mask, dtype=torch.bool, device=scores.device)
            allowed_any = mask.any(dim=-1, keepdim=True)                   # (..., T_q, 1)
            scores = scores.masked_fill(~mask, float("-inf")).masked_fill(~allowed_any, 0.0)
            weights = torch.softmax(scores, dim=-1).masked_fill(~mask, 0.0)
        return self.W_o(merge_heads(weights @ v)), weights                # (B, T_q, d_model)


def padding_mask(lengths, T):
    """Padding mask (B, 1, 1, T) for sequences of the given lengths: True = a real token.

    It broadcasts over heads and queries: every query may attend to the real tokens only.
    Example: padding_mask([2, 3], 3)[:, 0, 0] -> [[True, True, False], [True, True, True]].
    """
    lengths = torch.as_tensor(lengths)
    return (torch.arange(T)[None, :] < lengths[:, None])[:, None, None, :]


def sinusoidal_positional_encoding(max_len, d_model):
    """Part 4: PE[p, 2i] = sin(p / 10000^(2i/d_model)), PE[p, 2i+1] = cos(same); (max_len, d_model)."""
    p = torch.arange(max_len, dtype=torch.float32)[:, None]              # (max_len, 1)
    freq = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float32) / d_model)  # (d_model/2,)
    pe = torch.zeros(max_len, d_model)
    pe[:, 0::2] = torch.sin(p * freq)
    pe[:, 1::2] = torch.cos(p * freq)
    return pe

# %% [markdown]
# ## 1. The layer-cake architecture (~12 min)
#
# **Theory hint.** A transformer is built by stacking identical layers. Each **encoder** layer
# has two sub-layers: (1) multi-head self-attention, which looks at other positions, and (2) a
# position-wise feed-forward network, which processes each position on its own. Each sub-layer
# is wrapped in a **residual connection** followed by **layer normalisation** — the paper's
# "Add & Norm": the output of a sub-layer is $\text{LayerNorm}(x + \text{Sublayer}(x))$
# (Vaswani et al., §3.1). A **decoder** layer has *three* sub-layers, not two: the encoder's two
# (its self-attention is *masked*, so that no position can look ahead) and a third that attends
# over the encoder's output ("cross-attention"), each with its own Add & Norm.
#
# **Real-world example — a layer cake.** Every layer of the cake has the same recipe (sponge,
# cream, sponge, cream ...); the cake gets its character from how many layers you stack. BERT-base
# stacks 12 identical encoder layers; the recipe of one layer is what you design now.
#
# ### Exercise 1 — design one layer (2 points)
# Write the recipe of one layer *in the order the paper applies it*, as two Python lists (or
# tuples) of strings: `encoder_recipe` (one encoder layer, 6 steps) and `decoder_recipe` (one decoder
# layer, 9 steps). Each step is one of `"self_attention"` (computes attention over the same
# sequence), `"cross_attention"` (attends to the encoder's output), `"ffn"` (processes each
# position), `"add"` (adds the shortcut: the sub-layer's input plus its output) and `"norm"`
# (layer normalisation). The formula $\text{LayerNorm}(x + \text{Sublayer}(x))$ tells you the
# order of Add and Norm. For the decoder, decide where the cross-attention goes: its queries come
# from the decoder's own sequence (the paper's Figure 1 shows the layer).

# %% nbgrader={"solution": true, "grade_id": "layer_recipes"}
# Two lists of step names (strings), in the order the paper applies them.
encoder_recipe = None  # list of 6 strings, e.g. ["ffn", "add", ...]
decoder_recipe = None  # list of 9 strings
### BEGIN SOLUTION
encoder_recipe = ["self_attention", "add", "norm", "ffn", "add", "norm"]
decoder_recipe = ["self_attention", "add", "norm", "cross_attention", "add", "norm", "ffn", "add", "norm"]
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_encoder_recipe", "points": 1}
"""The encoder layer's recipe: attention, Add & Norm, feed-forward, Add & Norm (6 steps)."""
_steps = {"self_attention", "cross_attention", "ffn", "add", "norm"}
assert isinstance(encoder_recipe, (list, tuple)) and len(encoder_recipe) == 6, f"the encoder recipe has 6 steps, got {encoder_recipe!r}"
assert set(encoder_recipe) <= _steps, f"use only the step names {sorted(_steps)}, got {encoder_recipe!r}"
### BEGIN HIDDEN TESTS
assert list(encoder_recipe) == ["self_attention", "add", "norm", "ffn", "add", "norm"], \
    "the encoder recipe is not in the paper's order: each sub-layer is followed by its Add (residual), then its Norm"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_decoder_recipe", "points": 1}
"""The decoder layer's recipe has three sub-layers, each followed by Add & Norm (9 steps)."""
_steps = {"self_attention", "cross_attention", "ffn", "add", "norm"}
assert isinstance(decoder_recipe, (list, tuple)) and len(decoder_recipe) == 9, f"the decoder recipe has 9 steps (3 sub-layers x 3), got {decoder_recipe!r}"
assert set(decoder_recipe) <= _steps, f"use only the step names {sorted(_steps)}, got {decoder_recipe!r}"
### BEGIN HIDDEN TESTS
assert list(decoder_recipe) == ["self_attention", "add", "norm", "cross_attention", "add", "norm", "ffn", "add", "norm"], \
    "the decoder recipe is not in the paper's order: masked self-attention, then cross-attention, then the FFN, each followed by Add then Norm"
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Layer normalisation (~15 min)
#
# **Theory hint.** Layer normalisation (Ba et al., 2016) standardises **each position's feature
# vector on its own**: for $x \in \mathbb{R}^{d_\text{model}}$,
#
# $$\mu = \frac{1}{d}\sum_{i=1}^{d} x_i,\qquad \sigma^2 = \frac{1}{d}\sum_{i=1}^{d}(x_i-\mu)^2,
# \qquad \text{LayerNorm}(x) = \gamma \odot \frac{x-\mu}{\sqrt{\sigma^2+\epsilon}} + \beta .$$
#
# Three details matter, and PyTorch's `nn.LayerNorm` follows all three: the statistics are taken
# over the **last axis** (the features of one position — not over the batch, not over time);
# the variance is the **biased** one (divide by $d$, not $d-1$); and $\epsilon$ (default
# $10^{-5}$) sits **inside** the square root, so a constant vector gives $0$, not $0/0$. The
# learned gain $\gamma$ (`weight`, initialised to 1) and bias $\beta$ (`bias`, initialised to 0)
# let the network undo the standardisation where that helps.
#
# Why it stabilises training: whatever scale the previous layer produces, the next layer always
# receives vectors with mean 0 and variance 1 per position, so activations can neither blow up
# nor die out as they pass through dozens of layers, and the best learning rate no longer
# depends on how large activations happen to be. Unlike batch normalisation, it needs no
# statistics across the batch: it behaves the same for one sentence or a thousand, for any
# length, in training and at inference.
#
# **Real-world example — automatic gain control.** A sound engineer's automatic gain control
# brings every voice, whisper or shout, to the same standard loudness; then a fader ($\gamma$,
# $\beta$) sets the level the next stage wants.
#
# ### Exercise 2 — `LayerNorm` from scratch (4 points)
# Write an `nn.Module` whose parameters are called `weight` and `bias` like `nn.LayerNorm`'s, so
# that its state dict loads into `nn.LayerNorm` (and back). Do not call `nn.LayerNorm` or
# `F.layer_norm`: build it from means and square roots.

# %% nbgrader={"solution": true, "grade_id": "LayerNorm"}
class LayerNorm(nn.Module):
    """Layer normalisation over the last axis, with a learned gain and bias.

    Args:
        d_model: the size of the last axis (the features of one position).
        eps: added to the variance inside the square root.
    Attributes:
        weight: nn.Parameter (d_model,), initialised to ones (gamma).
        bias: nn.Parameter (d_model,), initialised to zeros (beta).
    forward(x): x (..., d_model) -> (..., d_model); every position x[..., t, :] is standardised
        with its own mean and biased variance, then scaled by weight and shifted by bias.
    Example: LayerNorm(4)(torch.tensor([1., 2., 3., 4.])) -> [-1.342, -0.447, 0.447, 1.342]
    Hints: x.mean(dim=-1, keepdim=True); x.var(..., unbiased=False) or ((x - mean) ** 2).mean(...).
    """

    def __init__(self, d_model, eps=1e-5):
        super().__init__()
        ### BEGIN SOLUTION
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model))
        self.bias = nn.Parameter(torch.zeros(d_model))
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        mean = x.mean(dim=-1, keepdim=True)                          # (..., 1)
        var = x.var(dim=-1, keepdim=True, unbiased=False)            # (..., 1), biased
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias  # (..., d_model)
        ### END SOLUTION


# %%
# Try it: your LayerNorm next to PyTorch's, on a small and a large width.
ln_example = LayerNorm(4)(torch.tensor([1.0, 2.0, 3.0, 4.0]))
print(ln_example)   # [-1.342 -0.447  0.447  1.342]
ln_gaps = {}
for width in (4, 4096):
    x = 3.0 * torch.randn(2, 5, width, generator=torch.Generator().manual_seed(0)) + 7.0
    ours, theirs = LayerNorm(width)(x), nn.LayerNorm(width)(x)
    ln_gaps[width] = (ours - theirs).abs().max().item()
    print(f"width {width:4d}: max |ours - nn.LayerNorm| = {ln_gaps[width]:.2e}")  # about 1e-6 or less: float32 rounding

# %% tags=["claim"]
assert torch.allclose(ln_example, torch.tensor([-1.342, -0.447, 0.447, 1.342]), atol=1e-3), f"comment says [-1.342 -0.447 0.447 1.342], got {ln_example}"
assert max(ln_gaps.values()) < 1e-5, f"comment says the gaps to nn.LayerNorm are float32 rounding (< 1e-5), got {ln_gaps}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_layernorm_parameters", "points": 1}
"""LayerNorm has parameters `weight` (ones) and `bias` (zeros) of shape (d_model,), like nn.LayerNorm."""
import torch
import torch.nn as nn
_ln = LayerNorm(6)
_names = sorted(n for n, _ in _ln.named_parameters())
assert _names == ["bias", "weight"], f"LayerNorm's parameters must be exactly 'weight' and 'bias' (nn.Parameter), got {_names}"
assert tuple(_ln.weight.shape) == (6,) and tuple(_ln.bias.shape) == (6,), f"weight and bias must have shape (d_model,) = (6,), got {tuple(_ln.weight.shape)}, {tuple(_ln.bias.shape)}"
assert torch.all(_ln.weight == 1) and torch.all(_ln.bias == 0), "weight must start at ones and bias at zeros"
nn.LayerNorm(6).load_state_dict(_ln.state_dict())  # raises if the names or shapes differ

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_layernorm_standardises_each_position", "points": 1}
"""Each position's features come out with mean 0 and (biased) variance 1: normalise the last axis."""
import torch
_x = torch.tensor([[[1.0, 2.0, 3.0, 4.0], [0.0, 10.0, 0.0, 10.0], [3.0, -1.0, 2.0, 2.0]],
                   [[5.0, -5.0, 1.0, 3.0], [2.0, 2.5, 3.5, 1.0], [0.0, 0.0, 1.0, 7.0]]])  # (B=2, T=3, d=4)
with torch.no_grad():
    _y = LayerNorm(4)(_x)
assert tuple(_y.shape) == (2, 3, 4), f"LayerNorm must keep the shape (2, 3, 4), got {tuple(_y.shape)}"
_m, _v = _y.mean(-1), _y.var(-1, unbiased=False)
assert torch.allclose(_m, torch.zeros(2, 3), atol=1e-5), f"every position must have mean 0 over its features (last axis), got means\n{_m} (normalising the wrong axis?)"
assert torch.allclose(_v, torch.ones(2, 3), atol=1e-3), \
    f"every position must have variance 1 over its features, got\n{_v}" + (" (3/4 = (d-1)/d: you used the unbiased variance, divide by d)" if torch.allclose(_v, torch.full((2, 3), 0.75), atol=1e-3) else "")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_layernorm_matches_torch", "points": 1}
"""LayerNorm (with trained weight and bias) matches nn.LayerNorm on small and large widths."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
_ln = LayerNorm(4)
with torch.no_grad():
    _ln.weight.copy_(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    _ln.bias.copy_(torch.tensor([0.5, 0.0, 0.0, -0.5]))
    _y = _ln(torch.tensor([1.0, 2.0, 3.0, 4.0]))
_want = torch.tensor([1.0, 2.0, 3.0, 4.0]) * torch.tensor([-1.5, -0.5, 0.5, 1.5]) / math.sqrt(1.25 + 1e-5) + torch.tensor([0.5, 0.0, 0.0, -0.5])
assert torch.allclose(_y, _want, atol=1e-5), f"with weight [1, 2, 3, 4] and bias [0.5, 0, 0, -0.5], LayerNorm([1, 2, 3, 4]) should be {_want}, got {_y} (scale by weight, then add bias)"
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(51)
for _d, _lead, _eps in [(5, (3,), 1e-5), (64, (2, 7), 1e-5), (1000, (2, 3), 1e-5), (9, (4, 2), 1e-2)]:
    for _dtype in (torch.float32, torch.float64):
        _ours = LayerNorm(_d, eps=_eps).to(_dtype)
        _ref = nn.LayerNorm(_d, eps=_eps).to(_dtype)
        with torch.no_grad():
            _ours.weight.copy_(torch.randn(_d, generator=_g)); _ours.bias.copy_(torch.randn(_d, generator=_g))
            _ref.load_state_dict(_ours.state_dict())
            for _scale, _shift in [(1.0, 0.0), (3.0, 5.0), (1e4, 1e3), (1e-3, 0.0)]:
                _x = (torch.randn(*_lead, _d, generator=_g) * _scale + _shift).to(_dtype)
                _out = _ours(_x)
                assert isinstance(_out, torch.Tensor) and _out.dtype == _dtype, f"LayerNorm must return a tensor of its input's dtype {_dtype}, got {getattr(_out, 'dtype', type(_out))}"
                _a, _b = _out.double(), _ref(_x).double()
                _tol = dict(rtol=1e-4, atol=1e-4) if _dtype == torch.float32 else dict(rtol=1e-9, atol=1e-9)
                assert _a.shape == _b.shape and torch.allclose(_a, _b, **_tol), \
                    f"LayerNorm differs from nn.LayerNorm for d_model={_d}, eps={_eps}, inputs x{_scale}+{_shift}, {_dtype} (biased variance? eps inside the sqrt? self.eps used?)"
# float32 inputs far from zero (mean 100, std 1): the one-pass variance E[x^2] - E[x]^2 cancels
# catastrophically (measured: >= 5x the tolerance), a two-pass variance stays within 0.5x of it.
for _d in (16, 64):
    _ours = LayerNorm(_d)
    with torch.no_grad():
        _ours.weight.copy_(torch.randn(_d, generator=_g)); _ours.bias.copy_(torch.randn(_d, generator=_g))
        _x = torch.randn(4, 6, _d, generator=_g) + 100.0
        _a = _ours(_x).double()
        _b = F.layer_norm(_x.double(), (_d,), _ours.weight.double(), _ours.bias.double(), 1e-5)
    assert torch.allclose(_a, _b, rtol=1e-4, atol=1e-4), \
        f"LayerNorm loses precision on float32 inputs far from zero (mean 100, std 1, d_model={_d}): compute the variance from x - mean; E[x^2] - E[x]^2 cancels"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_layernorm_eps_inside_sqrt", "points": 1}
"""A constant vector gives the bias (no nan), and eps sits inside the square root."""
import torch
with torch.no_grad():
    _flat = LayerNorm(3)(torch.full((1, 3), 7.0))
    _tiny = LayerNorm(2)(torch.tensor([[0.0, 2e-3]]))  # variance 1e-6, smaller than eps = 1e-5
assert torch.all(torch.isfinite(_flat)) and torch.allclose(_flat, torch.zeros(1, 3)), f"a constant vector has variance 0: LayerNorm must give the bias (zeros), got {_flat} (did you forget eps?)"
assert _tiny.abs().max() < 0.5, (f"for [0, 0.002] LayerNorm gives +-0.001 / sqrt(1e-6 + 1e-5) = +-0.30, got {_tiny}"
                                 " (eps belongs inside the square root: sqrt(var + eps), not sqrt(var) + eps)")

# %% [markdown]
# ## Going further: what normalisation does in a deep stack (~5 min, optional)
# Push a batch of vectors through 30 random linear layers whose weights are slightly too large
# (gain 1.5) or slightly too small (gain 0.7), with and without a LayerNorm after each layer, and
# watch the size (root mean square) of the activations.

# %%
gen = torch.Generator().manual_seed(0)
d, depth = 64, 30
rms = {}                                                    # (gain, use_norm) -> RMS after each layer
fig, ax = plt.subplots(figsize=(6, 3.5))
for gain in (1.5, 0.7):
    Ws = [torch.randn(d, d, generator=gen) * gain / math.sqrt(d) for _ in range(depth)]
    norm = LayerNorm(d)
    for use_norm in (False, True):
        h, sizes = torch.randn(8, d, generator=gen), []
        with torch.no_grad():
            for W in Ws:
                h = h @ W
                h = norm(h) if use_norm else h
                sizes.append(h.pow(2).mean().sqrt().item())
        rms[gain, use_norm] = sizes
        ax.semilogy(range(1, depth + 1), sizes, ("o" if gain > 1 else "s") + ("-" if use_norm else "--"), markersize=3,
                    label=f"gain {gain}, {'with' if use_norm else 'no'} LayerNorm")
ax.set(xlabel="layer", ylabel="RMS of activations", title="LayerNorm keeps activations at scale 1")
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
for (gain, use_norm), sizes in rms.items():
    print(f"gain {gain}, {'with' if use_norm else 'no  '} LayerNorm: RMS after layer 30 = {sizes[-1]:.3g}")

# %% tags=["claim"]
for _gain in (1.5, 0.7):
    _ratio = rms[_gain, False][-1] / _gain ** 30
    assert 0.1 < _ratio < 10, f"text says the RMS after 30 layers without LayerNorm is about {_gain}^30 = {_gain ** 30:.3g}, got {rms[_gain, False][-1]:.3g}"
    assert all(abs(_s - 1) < 0.01 for _s in rms[_gain, True]), f"text says every layer with LayerNorm hands on vectors of size 1, got RMS between {min(rms[_gain, True]):.4f} and {max(rms[_gain, True]):.4f}"

# %% [markdown]
# **Figure.** The size (root mean square) of the activations after each of 30 random linear layers, on a log
# scale. Without LayerNorm (dashed) it grows roughly like $1.5^{30}$ for gain 1.5 (circles) and shrinks roughly
# like $0.7^{30}$ for gain 0.7 (squares); with a LayerNorm after each layer (solid) it stays at 1 for both.

# %% [markdown]
# Without normalisation the scale is multiplied by about the gain at every layer:
# $1.5^{30} \approx 2 \times 10^{5}$ or $0.7^{30} \approx 2 \times 10^{-5}$. With it, every layer
# hands on vectors of size 1.
#
# ## 3. The position-wise feed-forward network (~12 min)
#
# **Theory hint.** After attention has gathered information *across* positions, each position
# is processed *on its own* by the same small two-layer network (Vaswani et al., §3.3):
#
# $$\text{FFN}(x) = \max(0,\, xW_1 + b_1)\,W_2 + b_2,$$
#
# with an inner layer wider than the model: $d_\text{model} = 512$, $d_{ff} = 2048$ in the paper
# — an expansion of **4×** that BERT and GPT keep ($768 \to 3072$). The same $W_1, W_2$ are used
# at every position (like a $1\times1$ convolution), but differ from layer to layer. Most of a
# **block's** parameters live here: $2\,d_\text{model}\,d_{ff} = 8\,d_\text{model}^2$ weights
# against $4\,d_\text{model}^2$ for attention, two thirds of the block. Of a whole model the FFNs
# hold less, because the embedding tables come on top: in GPT-2 small the token table alone
# holds 38.6M of the 124.4M parameters, and the twelve FFNs 56.7M (45.5%). (An optional cell in
# Section 8 counts them with your own function.)
#
# **Real-world example — a round-table meeting, then homework.** In the meeting (attention)
# everyone listens to everyone; afterwards (FFN) each participant goes home and works through
# what they heard on their own, with the same method as everyone else.
#
# ### Exercise 3 — `FeedForward` (3 points)
# Use `nn.Linear` layers named `linear1` ($d_\text{model} \to d_{ff}$) and `linear2`
# ($d_{ff} \to d_\text{model}$), with biases, and a ReLU between them. (`nn.Linear` computes
# $x W^\top + b$ with `weight` of shape `(out_features, in_features)`: the same map as the
# paper's $xW_1 + b_1$.) No dropout, so the results are deterministic.

# %% nbgrader={"solution": true, "grade_id": "FeedForward"}
class FeedForward(nn.Module):
    """Position-wise feed-forward network: linear2(relu(linear1(x))).

    Args:
        d_model: input and output size. d_ff: inner size (4 * d_model in the paper and in BERT).
    Attributes:
        linear1: nn.Linear(d_model, d_ff); linear2: nn.Linear(d_ff, d_model) (both with bias).
    forward(x): (..., T, d_model) -> (..., T, d_model), the same network at every position.
    Example: FeedForward(8, 32)(torch.randn(2, 5, 8)).shape == (2, 5, 8)
    """

    def __init__(self, d_model, d_ff):
        super().__init__()
        ### BEGIN SOLUTION
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.linear2(torch.relu(self.linear1(x)))  # (..., T, d_ff) -> (..., T, d_model)
        ### END SOLUTION


# %%
# Try it
ffn_demo = FeedForward(8, 32)
print(ffn_demo(torch.randn(2, 5, 8)).shape)                 # torch.Size([2, 5, 8])
n_ffn_demo = sum(p.numel() for p in ffn_demo.parameters())
print(n_ffn_demo, "parameters = 8*32 + 32 + 32*8 + 8")

# %% tags=["claim"]
assert n_ffn_demo == 8 * 32 + 32 + 32 * 8 + 8, f"comment says 8*32 + 32 + 32*8 + 8 = {8 * 32 + 32 + 32 * 8 + 8} parameters, got {n_ffn_demo}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_ffn_layers", "points": 1}
"""FeedForward has linear1: d_model -> d_ff and linear2: d_ff -> d_model, with biases, and keeps the shape."""
import torch
import torch.nn as nn
_f = FeedForward(6, 24)
assert isinstance(_f.linear1, nn.Linear) and isinstance(_f.linear2, nn.Linear), "linear1 and linear2 must be nn.Linear layers"
_s1, _s2 = tuple(_f.linear1.weight.shape), tuple(_f.linear2.weight.shape)
assert (_s1, _s2) == ((24, 6), (6, 24)), f"linear1 must map d_model=6 -> d_ff=24 and linear2 24 -> 6 (weights (24, 6) and (6, 24)), got {_s1} and {_s2} (linear layers swapped, or d_ff ignored?)"
assert _f.linear1.bias is not None and _f.linear2.bias is not None, "both linear layers need a bias (b_1 and b_2 of the paper)"
with torch.no_grad():
    _y = _f(torch.randn(3, 5, 6, generator=torch.Generator().manual_seed(3)))
assert tuple(_y.shape) == (3, 5, 6), f"FeedForward must map (3, 5, 6) to (3, 5, 6), got {tuple(_y.shape)}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_ffn_relu_between_linears", "points": 1}
"""FeedForward computes linear2(relu(linear1(x))): with these weights it is |x|."""
import torch
_f = FeedForward(1, 2)
with torch.no_grad():
    _f.linear1.weight.copy_(torch.tensor([[1.0], [-1.0]])); _f.linear1.bias.zero_()
    _f.linear2.weight.copy_(torch.tensor([[1.0, 1.0]])); _f.linear2.bias.zero_()
    _y = _f(torch.tensor([[-2.0], [3.0]]))
assert torch.allclose(_y, torch.tensor([[2.0], [3.0]])), f"relu(x) + relu(-x) = |x|: expected [[2], [3]], got {_y.tolist()} (is the ReLU between the two linear layers?)"
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(52)
for _d, _dff, _lead in [(4, 16, (3,)), (6, 10, (2, 5)), (8, 32, (2, 3, 4))]:
    _f = FeedForward(_d, _dff).double()
    with torch.no_grad():
        for _p in _f.parameters():
            _p.copy_(torch.randn(_p.shape, generator=_g, dtype=torch.float64))
        _x = torch.randn(*_lead, _d, generator=_g, dtype=torch.float64)
        _ref = torch.clamp(_x @ _f.linear1.weight.T + _f.linear1.bias, min=0) @ _f.linear2.weight.T + _f.linear2.bias
        assert torch.allclose(_f(_x), _ref, atol=1e-10), f"FeedForward is not relu(x W1^T + b1) W2^T + b2 for d_model={_d}, d_ff={_dff}, x {tuple(_x.shape)}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_ffn_is_position_wise", "points": 1}
"""Changing the input at one position changes the FFN's output at that position only."""
import torch
_f = FeedForward(6, 24)
_g = torch.Generator().manual_seed(4)
_x = torch.randn(2, 7, 6, generator=_g)
_x2 = _x.clone()
_x2[:, 3] = torch.randn(2, 6, generator=_g)
with torch.no_grad():
    _y, _y2 = _f(_x), _f(_x2)
    assert torch.equal(_y, _f(_x)), "FeedForward gives two different outputs for the same input: leave out dropout (the exercise asks for none)"
_changed = sorted(set(torch.nonzero((_y - _y2).abs().amax(-1) > 1e-6)[:, 1].tolist()))
assert _changed == [3], f"only position 3 was changed, but the outputs at positions {_changed} changed: the FFN must act on each position separately"
with torch.no_grad():
    _each = torch.stack([_f(_x[:, t]) for t in range(7)], dim=1)
assert torch.allclose(_y, _each, atol=1e-6), "FFN on the whole sequence must equal the FFN applied to each position"

# %% [markdown]
# ### Question — why a position-wise network? (2 points, graded by hand)
# Attention already mixes information from all positions. What does the FFN add that attention
# cannot do? Think about what an attention output is (a weighted *average* of value vectors,
# which are *linear* maps of the input) and about what "FFN processes each position ____" means.

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_why_ffn", "points": 2}
# **Model answer.** An attention output is a weighted average of linear projections of the
# inputs: it *moves* information between positions, but for fixed weights it is linear in the
# values and applies no nonlinearity to a position's features. The FFN processes each position
# **independently and identically**: a nonlinear (ReLU) two-layer network, 4× wider inside, that
# transforms the features each position has just gathered — combining them, detecting patterns
# and computing new features (much of a model's stored "knowledge" sits in these weights, which
# hold about two thirds of the layer's parameters). Because it never looks at other positions
# it is cheap and fully parallel; the division of labour is: attention communicates, the FFN
# computes.
# *Full marks:* attention mixes across positions but is (almost) linear in the values (1 pt);
# the FFN adds a per-position nonlinear transformation with the same weights at every position (1 pt).

# %% [markdown]
# ## 4. Residual connections: stairs and elevator (~20 min)
#
# **Theory hint.** A residual (skip) connection adds a sub-layer's input to its output:
# $\text{output} = x + \text{Sublayer}(x)$ (He et al., 2016). By the chain rule,
#
# $$\frac{\partial\, (x + f(x))}{\partial x} = I + \frac{\partial f}{\partial x},$$
#
# so the gradient always has a direct path (the $I$) back to the earliest layers, however many
# layers are stacked. Without it, the gradient is a *product* of one Jacobian per layer — and
# products of many factors smaller than 1 vanish exponentially, the same problem you measured
# in RNNs through time in Part 1 (Bengio et al., 1994; Pascanu et al., 2013).
#
# **Real-world example — stairs and an elevator.** In a building with both, you can walk up
# floor by floor through the transformations (the stairs: $f$), or take the elevator straight
# through (the identity). Information going up and gradients coming down can take either path,
# so nothing gets lost on floor 47.
#
# ### Exercise 4 — measure the gradient that reaches the bottom of a stack (3 points)
# Given a list of sub-layers $f_1, \dots, f_L$ and an input $x$, compute
# $h_0 = x$ and $h_\ell = h_{\ell-1} + f_\ell(h_{\ell-1})$ (residual) or
# $h_\ell = f_\ell(h_{\ell-1})$ (plain), take the loss $L = \sum h_L$ (the sum of all
# entries) and return $\lVert \partial L / \partial x \rVert$, the gradient that reaches the
# first layer's input.

# %% nbgrader={"solution": true, "grade_id": "input_grad_norm"}
def input_grad_norm(sublayers, x, residual):
    """Norm of the gradient of sum(h_L) with respect to the stack's input x.

    Args:
        sublayers: list of modules (or functions), each mapping (B, d) -> (B, d).
        x: (B, d) tensor (it may or may not require grad; leave the caller's tensor untouched).
        residual: True for h = h + f(h), False for h = f(h).
    Returns:
        float, the Frobenius norm of dL/dx with L = h_L.sum(). Calling it twice gives the same value.
    Example: one nn.Linear with weight [[2, 0], [0, 3]], bias 0, x = [[1, 1]]:
        plain -> ||[2, 3]|| = 3.606; residual -> ||[3, 4]|| = 5.0
    Hints: x = x.detach().clone().requires_grad_(True), then torch.autograd.grad(loss, x)
        (or loss.backward() and x.grad on your own copy).
    """
    ### BEGIN SOLUTION
    x = x.detach().clone().requires_grad_(True)
    h = x
    for f in sublayers:
        h = h + f(h) if residual else f(h)                     # (B, d)
    (grad,) = torch.autograd.grad(h.sum(), x)                  # (B, d)
    return grad.norm().item()
    ### END SOLUTION


# %%
# Try it
lin = nn.Linear(2, 2)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[2.0, 0.0], [0.0, 3.0]])); lin.bias.zero_()
grad_demo = (input_grad_norm([lin], torch.ones(1, 2), residual=False), input_grad_norm([lin], torch.ones(1, 2), residual=True))
print(grad_demo)  # (3.606, 5.0)

# %% tags=["claim"]
assert abs(grad_demo[0] - 3.606) < 1e-3 and abs(grad_demo[1] - 5.0) < 1e-5, f"comment says (3.606, 5.0), got {grad_demo}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_grad_norm_by_hand", "points": 1}
"""input_grad_norm matches the hand computation for one linear layer, plain and residual."""
import math
import torch
import torch.nn as nn
_lin = nn.Linear(2, 2)
with torch.no_grad():
    _lin.weight.copy_(torch.tensor([[2.0, 0.0], [0.0, 3.0]])); _lin.bias.zero_()
_plain = input_grad_norm([_lin], torch.ones(1, 2), residual=False)
_res = input_grad_norm([_lin], torch.ones(1, 2), residual=True)
assert isinstance(_plain, float) and isinstance(_res, float), f"input_grad_norm must return a Python float (e.g. grad.norm().item()), got {type(_plain).__name__}"
assert abs(_plain - math.sqrt(13)) < 1e-5, f"plain: d sum(W x) / dx = column sums of W = [2, 3], norm sqrt(13) = 3.606; got {_plain}"
assert abs(_res - 5.0) < 1e-5, f"residual: d sum(x + W x) / dx = [1 + 2, 1 + 3] = [3, 4], norm 5; got {_res} (is h = h + f(h)?)"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_grad_norm_matches_autograd", "points": 1}
"""input_grad_norm is right for deep nonlinear stacks, leaves x alone, and gives the same value twice."""
import torch
import torch.nn as nn
torch.manual_seed(5)
_layers = [nn.Sequential(nn.Linear(4, 4), nn.Tanh()) for _ in range(3)]
_x = torch.randn(5, 4)
_first, _second = input_grad_norm(_layers, _x, True), input_grad_norm(_layers, _x, True)
assert abs(_first - _second) < 1e-6 * max(1.0, abs(_first)), f"two calls gave {_first} and {_second}: gradients accumulate between calls (differentiate a fresh copy of x)"
assert _x.grad is None and not _x.requires_grad, "input_grad_norm must not change the caller's tensor x (work on x.detach().clone())"
### BEGIN HIDDEN TESTS
torch.manual_seed(54)
for _depth, _d, _B in [(1, 3, 2), (5, 6, 4), (12, 8, 3)]:
    _layers = [nn.Sequential(nn.Linear(_d, _d), nn.Tanh()) for _ in range(_depth)]
    _x = torch.randn(_B, _d)
    for _residual in (False, True):
        _xr = _x.clone().requires_grad_(True)
        _h = _xr
        for _f in _layers:
            _h = _h + _f(_h) if _residual else _f(_h)
        _h.sum().backward()
        _want = _xr.grad.norm().item()
        _got = input_grad_norm(_layers, _x, _residual)
        assert abs(_got - _want) <= 1e-5 * max(1.0, _want), f"depth {_depth}, residual={_residual}: expected {_want}, got {_got}"
# sublayers may be plain functions too (the docstring says "modules (or functions)")
_funcs = [torch.tanh, lambda h: 0.5 * h, torch.sin]
_x = torch.randn(3, 4)
for _residual in (False, True):
    _xr = _x.clone().requires_grad_(True)
    _h = _xr
    for _f in _funcs:
        _h = _h + _f(_h) if _residual else _f(_h)
    _h.sum().backward()
    try:
        _got = input_grad_norm(_funcs, _x, _residual)
    except Exception as _e:
        raise AssertionError(f"sublayers may be plain functions (the docstring says 'modules (or functions)'), but input_grad_norm raised {type(_e).__name__}: {_e}")
    assert abs(_got - _xr.grad.norm().item()) <= 1e-5, f"with plain functions as sub-layers (residual={_residual}) expected {_xr.grad.norm().item()}, got {_got}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_residuals_keep_gradients_alive", "points": 1}
"""In a 30-layer tanh stack the plain gradient vanishes, the residual one does not."""
import torch
import torch.nn as nn
torch.manual_seed(6)
_layers = [nn.Sequential(nn.Linear(32, 32), nn.Tanh()) for _ in range(30)]
_x = torch.randn(8, 32)
_plain, _res = input_grad_norm(_layers, _x, False), input_grad_norm(_layers, _x, True)
_one = input_grad_norm(_layers[:1], _x, False)
assert _plain < 1e-3 * _one, f"without residuals the gradient after 30 layers should vanish (< 1e-3 x one layer's {_one:.3g}), got {_plain:.3g}"
assert _res > _one, f"with residuals the gradient after 30 layers should not shrink below one layer's {_one:.3g}, got {_res:.3g}"

# %% [markdown]
# ### Discovery — plot it
# Gradient norm at the input as a function of depth, for tanh sub-layers with PyTorch's default
# initialisation (the same 48 layers, the first $n$ of them used for depth $n$):

# %%
torch.manual_seed(0)
depths = [1, 2, 4, 8, 16, 32, 48]
stack = [nn.Sequential(nn.Linear(64, 64), nn.Tanh()) for _ in range(max(depths))]
x_in = torch.randn(16, 64)
plain = [input_grad_norm(stack[:n], x_in, residual=False) for n in depths]
resid = [input_grad_norm(stack[:n], x_in, residual=True) for n in depths]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogy(depths, plain, "o--", label="plain: h = f(h)  (stairs only)")
ax.semilogy(depths, resid, "s-", label="residual: h = h + f(h)  (stairs + elevator)")
ax.set(xlabel="number of layers", ylabel="‖∂L/∂x‖ at the input", title="Gradient reaching the first layer")
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
for n, p, r in zip(depths, plain, resid):
    print(f"{n:3d} layers: plain {p:10.3g}   residual {r:8.3g}")

# %% tags=["claim"]
assert 10 < plain[0] < 25 and plain[-1] < 1e-9, f"model answer says the plain gradient falls from about 15 (1 layer) to below 1e-9 (48 layers), got {plain[0]:.3g} -> {plain[-1]:.3g}"
assert all(b > a for a, b in zip(resid, resid[1:])), f"text says the residual gradient never shrinks with depth, got {[round(r, 1) for r in resid]}"
assert 25 < resid[0] < 50 and 150 < resid[-1] < 500, f"model answer says the residual gradient grows slowly, from about 35 to about 300, got {resid[0]:.3g} -> {resid[-1]:.3g}"

# %% [markdown]
# **Figure.** The norm of the gradient that reaches the stack's input, against the number of layers (1 to 48),
# on a log scale: for the plain stack (circles, dashed) it falls from about 15 to below $10^{-9}$; for the
# residual stack (squares, solid) it grows slowly, from about 35 to about 300.

# %% [markdown]
# ### Question — why add the input to the output? (2 points, graded by hand)
# A common explanation lists three benefits of residual connections: (1) gradient flow,
# (2) information preservation, (3) training stability. Explain each in one or two sentences,
# using your measurements. (The residual curve grows slowly with depth: what in a transformer
# block keeps that growth in check?)

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_residual_benefits", "points": 2}
# **Model answer.** (1) *Gradient flow:* the Jacobian of $x + f(x)$ is $I + \partial f/\partial x$,
# so the gradient reaching layer 1 always has an identity path; measured, the plain stack's
# gradient falls from about 15 (1 layer) to below $10^{-9}$ (48 layers), while the
# residual stack's never shrinks (about 35 → 300, a slow growth). (2) *Information preservation:* the input is carried forward
# unchanged and each sub-layer only adds a correction, so the token's identity and position are
# not lost even if a sub-layer's output is useless (at initialisation, or a sub-layer that has
# learned to output ≈0 is simply skipped). (3) *Training stability:* each layer starts close to
# the identity, so a deep network behaves like a shallow one early in training and deep stacks
# (12, 24, 96 layers) become trainable; the slow growth of the residual stream is kept in check by
# layer normalisation (after each Add in post-norm, at the input of each sub-layer and at the
# end in pre-norm).
# *Full marks:* the identity path with the measured contrast (1 pt); information preservation
# and stability/trainability of deep stacks (1 pt).

# %% [markdown]
# ## 5. The encoder block: post-norm and pre-norm (~20 min)
#
# **Theory hint.** One encoder layer = self-attention and FFN, each with Add & Norm. Where the
# norm goes is a design choice:
#
# | variant | one sub-layer | used by |
# |---|---|---|
# | **post-norm** (`norm_first=False`) | $x \leftarrow \text{LayerNorm}(x + \text{Sublayer}(x))$ | the original Transformer (Vaswani et al., 2017), BERT |
# | **pre-norm** (`norm_first=True`) | $x \leftarrow x + \text{Sublayer}(\text{LayerNorm}(x))$ | GPT-2 (Radford et al., 2019, §2.3), GPT-3 and most modern models |
#
# ![Two encoder blocks side by side, drawn bottom to top. Left, post-norm: x goes through multi-head self-attention, a shortcut adds x back, then LayerNorm; the same again with the feed-forward network, so the output is normalised. Right, pre-norm: LayerNorm comes first, only on the input of each sub-layer, and the shortcut carries x untouched to each Add, so the output is not normalised.](figures/encoder_block.svg)
#
# Pre-norm leaves the residual path (the elevator) completely clean: nothing but additions
# from the bottom to the top. It trains more stably without a learning-rate warm-up (Xiong et
# al., 2020), but its output is not normalised, so pre-norm stacks add one **final LayerNorm**
# after the last block (GPT-2 does). In self-attention, queries, keys and values all come from
# the same (normalised, in pre-norm) input. The paper also applies dropout to each sub-layer's
# output; we leave it out, so your block can be compared exactly with PyTorch's in eval mode.
#
# **Padding.** Sentences in a batch have different lengths, so they are padded. Pass
# `mask=padding_mask(lengths, T)` (shape `(B, 1, 1, T)`, True = real token, from the setup
# cell): every query then ignores the padding keys. The outputs *at* padding positions are
# computed but meaningless; nobody should read them. PyTorch's layers want the opposite:
# `src_key_padding_mask` of shape `(B, T)` with True = padding.
#
# **Real-world example — edit, then proofread.** Post-norm writes a paragraph on top of the
# draft and then proofreads the whole page; pre-norm proofreads a copy first, writes the
# paragraph from the clean copy, and staples it onto the untouched draft.
#
# ### Exercise 5 — `EncoderBlock` (4 points)
# Build the block the docstring describes, with both variants (`norm_first` chooses). Use your
# `LayerNorm` and `FeedForward` and the given `MultiHeadAttention`. The tests compare your block
# with PyTorch's `nn.TransformerEncoderLayer` loaded with your weights; each test first checks the
# LayerNorm and FeedForward your block holds, so that a mistake there is reported as one of
# Exercise 2 or 3, not of the block.

# %% nbgrader={"solution": true, "grade_id": "EncoderBlock"}
class EncoderBlock(nn.Module):
    """One transformer encoder layer: self-attention and FFN, each with a residual and a LayerNorm.

    Args:
        d_model, num_heads, d_ff: sizes. norm_first: False = post-norm (the paper),
            True = pre-norm (GPT-2).
    Attributes:
        self_attn: MultiHeadAttention(d_model, num_heads); ffn: FeedForward(d_model, d_ff);
        norm1, norm2: LayerNorm(d_model) (norm1 goes with attention, norm2 with the FFN).
    forward(x, mask=None): x (B, T, d_model) -> (B, T, d_model).
        mask: None or boolean broadcastable to (B, H, T, T), True = may attend; for padding pass
        padding_mask(lengths, T), shape (B, 1, 1, T).
        post-norm: x = norm1(x + SA(x));  x = norm2(x + FFN(x))
        pre-norm:  x = x + SA(norm1(x));  x = x + FFN(norm2(x))
        where SA(h) = self_attn(h, h, h, mask)[0] (self_attn returns (output, weights)).
    Example: EncoderBlock(16, 4, 64)(torch.randn(2, 5, 16)).shape == (2, 5, 16)
    """

    def __init__(self, d_model, num_heads, d_ff, norm_first=False):
        super().__init__()
        ### BEGIN SOLUTION
        self.norm_first = norm_first
        self.self_attn = MultiHeadAttention(d_model, num_heads)
        self.ffn = FeedForward(d_model, d_ff)
        self.norm1 = LayerNorm(d_model)
        self.norm2 = LayerNorm(d_model)
        ### END SOLUTION

    def forward(self, x, mask=None):
        ### BEGIN SOLUTION
        if self.norm_first:
            h = self.norm1(x)
            x = x + self.self_attn(h, h, h, mask=mask)[0]               # (B, T, d_model)
            x = x + self.ffn(self.norm2(x))                             # (B, T, d_model)
        else:
            x = self.norm1(x + self.self_attn(x, x, x, mask=mask)[0])   # (B, T, d_model)
            x = self.norm2(x + self.ffn(x))                             # (B, T, d_model)
        return x
        ### END SOLUTION


# %%
# Try it: both variants, with a padding mask (the second sentence has 3 real tokens out of 5).
# Post-norm ends with a LayerNorm, so every position comes out with std 1; pre-norm does not.
torch.manual_seed(0)
x_demo = torch.randn(2, 5, 16)
out_std = {}
for nf in (False, True):
    block = EncoderBlock(16, 4, 64, norm_first=nf)
    with torch.no_grad():
        out = block(x_demo, mask=padding_mask([5, 3], 5))
    out_std[nf] = out.std(-1, unbiased=False)[0, :3]
    print(f"norm_first={nf}: output {tuple(out.shape)}, per-position std of the output {out_std[nf].tolist()}")

# %% tags=["claim"]
assert torch.allclose(out_std[False], torch.ones(3), atol=1e-3), f"comment says post-norm outputs have std 1 at every position, got {out_std[False]}"
assert (out_std[True] - 1).abs().max() > 0.05, f"comment says pre-norm outputs are not normalised, got stds {out_std[True]}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_encoder_block_structure", "points": 1}
"""EncoderBlock has self_attn, ffn, norm1, norm2 of the right sizes and keeps the shape (B, T, d_model)."""
import torch
_blk = EncoderBlock(12, 3, 40)
assert type(getattr(_blk, "self_attn", None)).__name__ == "MultiHeadAttention", f"self_attn must be a MultiHeadAttention, got {type(getattr(_blk, 'self_attn', None)).__name__}"
assert isinstance(getattr(_blk, "ffn", None), FeedForward), f"ffn must be a FeedForward(d_model, d_ff), got {type(getattr(_blk, 'ffn', None)).__name__}"
assert getattr(getattr(_blk.ffn, "linear1", None), "out_features", None) == 40, \
    "ffn must be FeedForward(d_model, d_ff) with d_ff = 40, so ffn.linear1 maps 12 -> 40 (if your FeedForward has no nn.Linear linear1, fix Exercise 3 first)"
for _name in ("norm1", "norm2"):
    _n = getattr(_blk, _name, None)
    assert tuple(getattr(_n, "weight", torch.empty(0)).shape) == (12,), \
        f"{_name} must be a LayerNorm(d_model = 12), whose weight has shape (12,) (if your LayerNorm has no weight, fix Exercise 2 first)"
with torch.no_grad():
    _y = _blk(torch.randn(2, 5, 12, generator=torch.Generator().manual_seed(7)))
assert tuple(_y.shape) == (2, 5, 12), f"the block must map (2, 5, 12) to (2, 5, 12), got {tuple(_y.shape)}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_encoder_post_norm_matches_torch", "points": 1}
"""Post-norm EncoderBlock = norm2(h + FFN(h)) with h = norm1(x + SA(x)); matches nn.TransformerEncoderLayer."""
import copy
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F


# The block tests of Exercises 5 and 7 call this first (the later ones reuse it from here): it checks
# the LayerNorm and FeedForward modules your block holds, so that a mistake in Exercise 2 or 3 is
# reported as such instead of being blamed on your block.
def check_block_parts(block, norms=("norm1", "norm2"), exact=True):
    """Fail, naming the exercise to fix, if the block's LayerNorms (`norms`) or its `ffn` are wrong.

    exact=True: every norm must compute layer normalisation like nn.LayerNorm (Exercise 2) and ffn
    must compute linear2(relu(linear1(x))) (Exercise 3), in float32 and float64.
    exact=False: they need only act on each position separately (what a masking test relies on).
    """
    g = torch.Generator().manual_seed(0)
    parts = [(name, "LayerNorm", 2) for name in norms] + [("ffn", "FeedForward", 3)]
    for name, kind, exercise in parts:
        part = getattr(block, name, None)
        where = f"this test uses your {kind} (the block's `{name}`)"
        assert isinstance(part, nn.Module), f"{where}, but it is {type(part).__name__}: build it in __init__ (Exercise 5/7)"
        if kind == "LayerNorm":
            assert isinstance(getattr(part, "weight", None), nn.Parameter) and isinstance(getattr(part, "bias", None), nn.Parameter), \
                f"{where}, which has no nn.Parameter `weight` and `bias`: fix Exercise 2 first"
            d = part.weight.shape[-1]
        else:
            assert isinstance(getattr(part, "linear1", None), nn.Linear) and isinstance(getattr(part, "linear2", None), nn.Linear), \
                f"{where}, which has no nn.Linear `linear1` and `linear2`: fix Exercise 3 first"
            d = part.linear1.in_features
        for dtype in (torch.float32, torch.float64):
            probe = copy.deepcopy(part).to(dtype)
            x = (3.0 * torch.randn(2, 5, d, generator=g) + 1.0).to(dtype)                # (B, T, d)
            x2 = x.clone()
            x2[:, 1:] = (3.0 * torch.randn(2, 4, d, generator=g)).to(dtype)              # other positions changed
            with torch.no_grad():
                if kind == "LayerNorm":
                    probe.weight.copy_(1.0 + 0.5 * torch.randn(d, generator=g)); probe.bias.copy_(torch.randn(d, generator=g))
                    want = F.layer_norm(x, (d,), probe.weight, probe.bias, getattr(part, "eps", 1e-5))
                else:
                    want = probe.linear2(torch.relu(probe.linear1(x)))
                try:
                    got, again, got2 = probe(x), probe(x), probe(x2)
                except Exception as e:
                    raise AssertionError(f"{where}, which fails on a (2, 5, {d}) {dtype} input ({type(e).__name__}: {e}): fix Exercise {exercise} first")
            assert isinstance(got, torch.Tensor) and got.shape == x.shape, f"{where}, which does not keep the shape (2, 5, {d}): fix Exercise {exercise} first"
            assert torch.equal(got, again), f"{where}, which gives two different outputs for the same input (dropout?): fix Exercise {exercise} first"
            assert torch.allclose(got[:, 0], got2[:, 0]), \
                f"{where}, which mixes positions (its output at one position changes when only other positions change): fix Exercise {exercise} first"
            tol = dict(rtol=1e-4, atol=1e-5) if dtype == torch.float32 else dict(rtol=1e-7, atol=1e-9)
            assert not exact or torch.allclose(got.double(), want.double(), **tol), (f"{where}, which does not match " +
                ("nn.LayerNorm" if kind == "LayerNorm" else "linear2(relu(linear1(x)))") + f" in {dtype}: fix Exercise {exercise} first")


_blk = EncoderBlock(8, 2, 16, norm_first=False)
check_block_parts(_blk)  # your LayerNorm and FeedForward first (Exercises 2 and 3)
with torch.no_grad():
    for _lin in (_blk.self_attn.W_o, _blk.ffn.linear2):  # silence both sub-layers
        _lin.weight.zero_(); _lin.bias.zero_()
    _x = 3.0 * torch.randn(2, 4, 8, generator=torch.Generator().manual_seed(8)) + 1.0
    _y = _blk(_x)
_want = F.layer_norm(F.layer_norm(_x, (8,)), (8,))
assert torch.allclose(_y, _want, atol=1e-4), "with both sub-layers outputting 0, a post-norm block returns norm2(norm1(x)): its output must be normalised (the norm comes after the Add)"
### BEGIN HIDDEN TESTS
def _copy_mha(_dst, _src):
    _dst.in_proj_weight.copy_(torch.cat([_src.W_q.weight, _src.W_k.weight, _src.W_v.weight]))
    _dst.in_proj_bias.copy_(torch.cat([_src.W_q.bias, _src.W_k.bias, _src.W_v.bias]))
    _dst.out_proj.weight.copy_(_src.W_o.weight); _dst.out_proj.bias.copy_(_src.W_o.bias)
_g = torch.Generator().manual_seed(55)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _B, _T, _d, _h, _dff in [(2, 5, 12, 3, 20), (3, 7, 16, 4, 40), (1, 3, 6, 1, 10)]:
        for _dtype in (torch.float32, torch.float64):
            _blk = EncoderBlock(_d, _h, _dff, norm_first=False).to(_dtype)
            _ref = nn.TransformerEncoderLayer(_d, _h, _dff, dropout=0.0, activation="relu", batch_first=True, norm_first=False).to(_dtype).eval()
            with torch.no_grad():
                for _p in _blk.parameters():
                    _p.copy_(0.4 * torch.randn(_p.shape, generator=_g, dtype=_dtype))
                _copy_mha(_ref.self_attn, _blk.self_attn)
                for _a in ("linear1", "linear2"):
                    getattr(_ref, _a).load_state_dict(getattr(_blk.ffn, _a).state_dict())
                for _a in ("norm1", "norm2"):
                    getattr(_ref, _a).weight.copy_(getattr(_blk, _a).weight); getattr(_ref, _a).bias.copy_(getattr(_blk, _a).bias)
                _x = torch.randn(_B, _T, _d, generator=_g, dtype=_dtype)
                _got, _want = _blk(_x).double(), _ref(_x).double()
            _tol = dict(rtol=1e-4, atol=1e-5) if _dtype == torch.float32 else dict(rtol=1e-9, atol=1e-9)
            assert torch.allclose(_got, _want, **_tol), f"post-norm EncoderBlock differs from nn.TransformerEncoderLayer(norm_first=False) for B={_B}, T={_T}, d_model={_d}, heads={_h}, d_ff={_dff}, {_dtype}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_encoder_pre_norm_matches_torch", "points": 1}
"""Pre-norm EncoderBlock = h + FFN(norm2(h)) with h = x + SA(norm1(x)); matches nn.TransformerEncoderLayer."""
import warnings
import torch
import torch.nn as nn
_blk = EncoderBlock(8, 2, 16, norm_first=True)
check_block_parts(_blk)  # your LayerNorm and FeedForward first (Exercises 2 and 3)
with torch.no_grad():
    for _lin in (_blk.self_attn.W_o, _blk.ffn.linear2):  # silence both sub-layers
        _lin.weight.zero_(); _lin.bias.zero_()
    _x = 3.0 * torch.randn(2, 4, 8, generator=torch.Generator().manual_seed(9)) + 1.0
    _y = _blk(_x)
assert torch.allclose(_y, _x, atol=1e-6), "with both sub-layers outputting 0, a pre-norm block must return its input unchanged (x + 0): normalise the sub-layer's input, not the sum (is norm_first used?)"
### BEGIN HIDDEN TESTS
def _copy_mha(_dst, _src):
    _dst.in_proj_weight.copy_(torch.cat([_src.W_q.weight, _src.W_k.weight, _src.W_v.weight]))
    _dst.in_proj_bias.copy_(torch.cat([_src.W_q.bias, _src.W_k.bias, _src.W_v.bias]))
    _dst.out_proj.weight.copy_(_src.W_o.weight); _dst.out_proj.bias.copy_(_src.W_o.bias)
_g = torch.Generator().manual_seed(56)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _B, _T, _d, _h, _dff in [(2, 5, 12, 3, 20), (3, 7, 16, 4, 40), (1, 3, 6, 1, 10)]:
        for _dtype in (torch.float32, torch.float64):
            _blk = EncoderBlock(_d, _h, _dff, norm_first=True).to(_dtype)
            _ref = nn.TransformerEncoderLayer(_d, _h, _dff, dropout=0.0, activation="relu", batch_first=True, norm_first=True).to(_dtype).eval()
            with torch.no_grad():
                for _p in _blk.parameters():
                    _p.copy_(0.4 * torch.randn(_p.shape, generator=_g, dtype=_dtype))
                _copy_mha(_ref.self_attn, _blk.self_attn)
                for _a in ("linear1", "linear2"):
                    getattr(_ref, _a).load_state_dict(getattr(_blk.ffn, _a).state_dict())
                for _a in ("norm1", "norm2"):
                    getattr(_ref, _a).weight.copy_(getattr(_blk, _a).weight); getattr(_ref, _a).bias.copy_(getattr(_blk, _a).bias)
                _x = torch.randn(_B, _T, _d, generator=_g, dtype=_dtype)
                _got, _want = _blk(_x).double(), _ref(_x).double()
            _tol = dict(rtol=1e-4, atol=1e-5) if _dtype == torch.float32 else dict(rtol=1e-9, atol=1e-9)
            assert torch.allclose(_got, _want, **_tol), f"pre-norm EncoderBlock differs from nn.TransformerEncoderLayer(norm_first=True) for B={_B}, T={_T}, d_model={_d}, heads={_h}, d_ff={_dff}, {_dtype}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_encoder_padding_mask", "points": 1}
"""With a padding mask, real tokens ignore the padding; matches PyTorch (which wants ~mask) in both variants."""
import warnings
import torch
import torch.nn as nn

def _padding_mask(lengths, T):  # as the given padding_mask: (B, 1, 1, T), True = a real token
    return (torch.arange(T)[None, :] < torch.as_tensor(lengths)[:, None])[:, None, None, :]


check_block_parts(EncoderBlock(8, 2, 16))  # your LayerNorm and FeedForward first (Exercises 2 and 3)
torch.manual_seed(10)
for _nf in (False, True):
    _blk = EncoderBlock(8, 2, 16, norm_first=_nf)
    _x = torch.randn(2, 5, 8)
    _x2 = _x.clone()
    _x2[1, 3:] = 100.0  # sentence 1 has 3 real tokens: change only its padding
    _m = _padding_mask([5, 3], 5)
    with torch.no_grad():
        _y, _y2 = _blk(_x, mask=_m), _blk(_x2, mask=_m)
    assert torch.allclose(_y[1, :3], _y2[1, :3], atol=1e-5), f"norm_first={_nf}: real tokens changed when only padding changed: pass the mask to self-attention (True = may attend)"
    assert torch.allclose(_y[0], _y2[0], atol=1e-5), f"norm_first={_nf}: sentence 0 changed when only sentence 1 changed"
### BEGIN HIDDEN TESTS
def _copy_mha(_dst, _src):
    _dst.in_proj_weight.copy_(torch.cat([_src.W_q.weight, _src.W_k.weight, _src.W_v.weight]))
    _dst.in_proj_bias.copy_(torch.cat([_src.W_q.bias, _src.W_k.bias, _src.W_v.bias]))
    _dst.out_proj.weight.copy_(_src.W_o.weight); _dst.out_proj.bias.copy_(_src.W_o.bias)
_g = torch.Generator().manual_seed(57)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _B, _T, _d, _h, _dff in [(3, 6, 12, 3, 20), (4, 7, 16, 4, 40)]:
        for _nf in (False, True):
            for _dtype in (torch.float32, torch.float64):
                _blk = EncoderBlock(_d, _h, _dff, norm_first=_nf).to(_dtype)
                _ref = nn.TransformerEncoderLayer(_d, _h, _dff, dropout=0.0, activation="relu", batch_first=True, norm_first=_nf).to(_dtype).eval()
                with torch.no_grad():
                    for _p in _blk.parameters():
                        _p.copy_(0.4 * torch.randn(_p.shape, generator=_g, dtype=_dtype))
                    _copy_mha(_ref.self_attn, _blk.self_attn)
                    for _a in ("linear1", "linear2"):
                        getattr(_ref, _a).load_state_dict(getattr(_blk.ffn, _a).state_dict())
                    for _a in ("norm1", "norm2"):
                        getattr(_ref, _a).weight.copy_(getattr(_blk, _a).weight); getattr(_ref, _a).bias.copy_(getattr(_blk, _a).bias)
                    _lengths = torch.randint(1, _T + 1, (_B,), generator=_g)
                    _lengths[0] = _T
                    _real = torch.arange(_T)[None, :] < _lengths[:, None]            # (B, T)
                    _x = torch.randn(_B, _T, _d, generator=_g, dtype=_dtype)
                    _got = _blk(_x, mask=_padding_mask(_lengths, _T)).double()
                    _want = _ref(_x, src_key_padding_mask=~_real).double()
                _tol = dict(rtol=1e-4, atol=1e-5) if _dtype == torch.float32 else dict(rtol=1e-9, atol=1e-9)
                assert torch.allclose(_got[_real], _want[_real], **_tol), f"norm_first={_nf}: with a padding mask, EncoderBlock differs from nn.TransformerEncoderLayer(src_key_padding_mask=~mask) for B={_B}, T={_T}, d_model={_d}, {_dtype}"
### END HIDDEN TESTS

# %% [markdown]
# ## 6. The decoder block: causal masking and cross-attention (~23 min)
#
# **Theory hint.** A decoder generates its output one token at a time, so while training it
# must not see the tokens it has to predict: position $i$ may attend only to positions
# $\le i$ — itself included. That is the **causal mask**, a lower-triangular boolean matrix
# (True on and below the diagonal). The decoder layer then has three sub-layers (Vaswani et al.,
# §3.1–3.2.3):
# 1. **masked self-attention** over the decoder's own sequence (causal mask, plus target padding);
# 2. **cross-attention** ("encoder–decoder attention"): the **queries come from the decoder**,
#    the **keys and values from the encoder's output** (the "memory"), so every target position
#    can look at every source position (optionally with the source's padding mask);
# 3. the position-wise **FFN**;
#
# each with its residual and LayerNorm (post-norm), or with the LayerNorm at the sub-layer's
# input (pre-norm). In pre-norm, only the decoder's stream is normalised before cross-attention;
# the memory is used as it is (the encoder normalised it already).
#
# ![The post-norm decoder block, drawn bottom to top: masked multi-head self-attention over the target tokens so far (a causal mask, position t sees positions 0 to t), Add and LayerNorm; then cross-attention, whose queries come from the decoder and whose keys and values come from the encoder's output (the memory, drawn entering from the side), Add and LayerNorm; then the feed-forward network, Add and LayerNorm. Each Add takes a shortcut around its sub-layer.](figures/decoder_block.svg)
#
# **Real-world example — an interpreter.** Translating a speech, the interpreter re-reads what
# she has said so far (masked self-attention: she cannot re-read words she has not said yet),
# looks at her notes of the original speech whenever she needs to (cross-attention: her
# question, the notes' content), and then thinks about her next word (FFN).
#
# ### Exercise 6 — the causal mask (2 points)

# %% nbgrader={"solution": true, "grade_id": "causal_mask"}
def causal_mask(T):
    """Causal mask: position i may attend to positions j <= i (itself included).

    Args:
        T: sequence length.
    Returns:
        torch.BoolTensor (T, T), True on and below the diagonal (True = may attend).
    Example: causal_mask(3) -> [[True, False, False], [True, True, False], [True, True, True]]
    """
    ### BEGIN SOLUTION
    return torch.tril(torch.ones(T, T, dtype=torch.bool))  # (T, T)
    ### END SOLUTION


# %%
# Try it
print(causal_mask(4))
print("for nn.Transformer* layers pass the inverse (True = blocked):\n", ~causal_mask(4))

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_causal_mask_small", "points": 1}
"""causal_mask(3) is True on and below the diagonal (each position sees itself and the past)."""
import torch
_m = causal_mask(3)
assert isinstance(_m, torch.Tensor), f"causal_mask must return a torch tensor (dtype torch.bool), got {type(_m).__name__}"
_want = torch.tensor([[True, False, False], [True, True, False], [True, True, True]])
assert _m.dtype == torch.bool, f"the mask must be boolean (torch.bool), got {_m.dtype}"
assert tuple(_m.shape) == (3, 3) and torch.equal(_m, _want), (f"causal_mask(3) should be\n{_want}\ngot\n{_m}"
    + (" (the diagonal must be True: a position may attend to itself)" if torch.equal(_m, torch.tril(torch.ones(3, 3, dtype=torch.bool), -1)) else "")
    + (" (inverted: True must mean 'may attend', the PyTorch-layer convention is the opposite)" if torch.equal(_m, ~_want) else ""))

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_causal_mask_any_length", "points": 1}
"""causal_mask(T) is right for any T and is the inverse of PyTorch's square subsequent mask."""
import torch
import torch.nn as nn
_m = torch.as_tensor(causal_mask(1))
assert tuple(_m.shape) == (1, 1) and bool(_m[0, 0]), f"causal_mask(1) must be [[True]], got {_m}"
### BEGIN HIDDEN TESTS
for _T in (2, 5, 9, 64):
    _m = torch.as_tensor(causal_mask(_T))
    _blocked = torch.isinf(nn.Transformer.generate_square_subsequent_mask(_T))  # True = blocked
    assert _m.dtype == torch.bool and tuple(_m.shape) == (_T, _T), f"causal_mask({_T}) must be a ({_T}, {_T}) bool tensor"
    assert torch.equal(_m, ~_blocked), f"causal_mask({_T}) is wrong: it must be True exactly where j <= i"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 7 — `DecoderBlock` (5 points)
# Build the decoder layer the docstring describes, in both variants, from your `LayerNorm`,
# `FeedForward` and two of the given `MultiHeadAttention`s. As in Exercise 5, each test first
# checks the LayerNorms and the FeedForward your block holds.

# %% nbgrader={"solution": true, "grade_id": "DecoderBlock"}
class DecoderBlock(nn.Module):
    """One transformer decoder layer: masked self-attention, cross-attention, FFN.

    Args:
        d_model, num_heads, d_ff: sizes. norm_first: False = post-norm, True = pre-norm.
    Attributes:
        self_attn, cross_attn: MultiHeadAttention(d_model, num_heads); ffn: FeedForward(d_model, d_ff);
        norm1, norm2, norm3: LayerNorm(d_model), one per sub-layer, in that order.
    forward(x, memory, tgt_mask=None, memory_mask=None):
        x: (B, T, d_model) the decoder's input; memory: (B, S, d_model) the encoder's output.
        tgt_mask: None or boolean broadcastable to (B, H, T, T), True = may attend, e.g. causal_mask(T)
            (combine with target padding: causal_mask(T) & padding_mask(lengths, T)).
        memory_mask: None or boolean broadcastable to (B, H, T, S), e.g. padding_mask(src_lengths, S).
        Returns (B, T, d_model).
        post-norm: x = norm1(x + SA(x)); x = norm2(x + CA(x, memory)); x = norm3(x + FFN(x))
        pre-norm:  x = x + SA(norm1(x)); x = x + CA(norm2(x), memory); x = x + FFN(norm3(x))
        SA(h) = self_attn(h, h, h, tgt_mask)[0]; CA(h, m) = cross_attn(h, m, m, memory_mask)[0]
        (queries from the decoder, keys and values from the memory).
    Example: DecoderBlock(16, 4, 64)(torch.randn(2, 3, 16), torch.randn(2, 7, 16)).shape == (2, 3, 16)
    """

    def __init__(self, d_model, num_heads, d_ff, norm_first=False):
        super().__init__()
        ### BEGIN SOLUTION
        self.norm_first = norm_first
        self.self_attn = MultiHeadAttention(d_model, num_heads)
        self.cross_attn = MultiHeadAttention(d_model, num_heads)
        self.ffn = FeedForward(d_model, d_ff)
        self.norm1 = LayerNorm(d_model)
        self.norm2 = LayerNorm(d_model)
        self.norm3 = LayerNorm(d_model)
        ### END SOLUTION

    def forward(self, x, memory, tgt_mask=None, memory_mask=None):
        ### BEGIN SOLUTION
        if self.norm_first:
            h = self.norm1(x)
            x = x + self.self_attn(h, h, h, mask=tgt_mask)[0]                         # (B, T, d_model)
            x = x + self.cross_attn(self.norm2(x), memory, memory, mask=memory_mask)[0]
            x = x + self.ffn(self.norm3(x))
        else:
            x = self.norm1(x + self.self_attn(x, x, x, mask=tgt_mask)[0])             # (B, T, d_model)
            x = self.norm2(x + self.cross_attn(x, memory, memory, mask=memory_mask)[0])
            x = self.norm3(x + self.ffn(x))
        return x
        ### END SOLUTION


# %%
# Try it: 3 target tokens attending to 7 source tokens.
torch.manual_seed(0)
dec = DecoderBlock(16, 4, 64)
print(dec(torch.randn(2, 3, 16), torch.randn(2, 7, 16), tgt_mask=causal_mask(3)).shape)  # (2, 3, 16)

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_decoder_block_structure", "points": 1}
"""DecoderBlock has self_attn, cross_attn, ffn, norm1..3 and maps (B, T, d) with memory (B, S, d) to (B, T, d)."""
import torch
_blk = DecoderBlock(12, 3, 40)
for _name in ("self_attn", "cross_attn"):
    assert type(getattr(_blk, _name, None)).__name__ == "MultiHeadAttention", f"{_name} must be a MultiHeadAttention"
assert _blk.self_attn is not _blk.cross_attn, "self_attn and cross_attn must be two different modules (separate weights)"
assert isinstance(getattr(_blk, "ffn", None), FeedForward), f"ffn must be a FeedForward(d_model, d_ff), got {type(getattr(_blk, 'ffn', None)).__name__}"
assert getattr(getattr(_blk.ffn, "linear1", None), "out_features", None) == 40, \
    "ffn must be FeedForward(d_model, d_ff) with d_ff = 40, so ffn.linear1 maps 12 -> 40 (if your FeedForward has no nn.Linear linear1, fix Exercise 3 first)"
for _name in ("norm1", "norm2", "norm3"):
    _n = getattr(_blk, _name, None)
    assert tuple(getattr(_n, "weight", torch.empty(0)).shape) == (12,), \
        f"{_name} must be a LayerNorm(d_model = 12), whose weight has shape (12,) (if your LayerNorm has no weight, fix Exercise 2 first)"
with torch.no_grad():
    _g = torch.Generator().manual_seed(11)
    _y = _blk(torch.randn(2, 4, 12, generator=_g), torch.randn(2, 6, 12, generator=_g))
assert tuple(_y.shape) == (2, 4, 12), f"x (2, 4, 12) with memory (2, 6, 12) must give (2, 4, 12), got {tuple(_y.shape)}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_decoder_causal_ignores_the_future", "points": 1}
"""With a causal tgt_mask, changing future target tokens leaves earlier outputs unchanged (both variants)."""
import torch
check_block_parts(DecoderBlock(8, 2, 16), ("norm1", "norm2", "norm3"), exact=False)  # position-wise LayerNorm and FFN (Exercises 2, 3)
torch.manual_seed(12)
_tril = torch.tril(torch.ones(6, 6, dtype=torch.bool))
for _nf in (False, True):
    _blk = DecoderBlock(8, 2, 16, norm_first=_nf)
    _x, _mem = torch.randn(2, 6, 8), torch.randn(2, 5, 8)
    _x2 = _x.clone()
    _x2[:, 4:] = torch.randn(2, 2, 8) * 10  # change target positions 4 and 5 only
    with torch.no_grad():
        _y, _y2 = _blk(_x, _mem, tgt_mask=_tril), _blk(_x2, _mem, tgt_mask=_tril)
    assert torch.allclose(_y[:, :4], _y2[:, :4], atol=1e-5), f"norm_first={_nf}: outputs 0-3 changed when only positions 4-5 changed: tgt_mask must reach the self-attention"
    assert not torch.allclose(_y[:, 4:], _y2[:, 4:]), f"norm_first={_nf}: outputs 4-5 did not change when their inputs did"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_decoder_cross_attention_reads_memory", "points": 1}
"""Cross-attention takes keys and values from the memory and respects memory_mask."""
import torch

def _padding_mask(lengths, T):  # as the given padding_mask: (B, 1, 1, T), True = a real token
    return (torch.arange(T)[None, :] < torch.as_tensor(lengths)[:, None])[:, None, None, :]


check_block_parts(DecoderBlock(8, 2, 16), ("norm1", "norm2", "norm3"), exact=False)  # position-wise LayerNorm and FFN (Exercises 2, 3)
torch.manual_seed(13)
for _nf in (False, True):
    _blk = DecoderBlock(8, 2, 16, norm_first=_nf)
    _x, _mem = torch.randn(2, 3, 8), torch.randn(2, 5, 8)
    _mem2 = _mem.clone()
    _mem2[:, 3:] = torch.randn(2, 2, 8) * 10  # change source positions 3 and 4
    _mm = _padding_mask([3, 3], 5)              # ... which the memory mask hides
    with torch.no_grad():
        _a, _b = _blk(_x, _mem), _blk(_x, _mem2)
        _c, _d = _blk(_x, _mem, memory_mask=_mm), _blk(_x, _mem2, memory_mask=_mm)
    assert not torch.allclose(_a, _b, atol=1e-4), f"norm_first={_nf}: the output does not depend on the memory: cross-attention must take its keys and values from the encoder's output"
    assert torch.allclose(_c, _d, atol=1e-5), f"norm_first={_nf}: masked memory positions changed the output: pass memory_mask to cross-attention"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_decoder_post_norm_matches_torch", "points": 1}
"""Post-norm DecoderBlock matches nn.TransformerDecoderLayer(norm_first=False), with causal and padding masks."""
import warnings
import torch
import torch.nn as nn
import torch.nn.functional as F
_blk = DecoderBlock(8, 2, 16, norm_first=False)
check_block_parts(_blk, ("norm1", "norm2", "norm3"))  # your LayerNorm and FeedForward first (Exercises 2 and 3)
with torch.no_grad():
    for _lin in (_blk.self_attn.W_o, _blk.cross_attn.W_o, _blk.ffn.linear2):  # silence all sub-layers
        _lin.weight.zero_(); _lin.bias.zero_()
    _g = torch.Generator().manual_seed(14)
    _x = 3.0 * torch.randn(2, 4, 8, generator=_g) + 1.0
    _y = _blk(_x, torch.randn(2, 6, 8, generator=_g))
assert torch.allclose(_y, F.layer_norm(_x, (8,)), atol=1e-4), "with all sub-layers outputting 0, a post-norm decoder block returns norm3(norm2(norm1(x))): its output must be normalised"
### BEGIN HIDDEN TESTS
def _copy_mha(_dst, _src):
    _dst.in_proj_weight.copy_(torch.cat([_src.W_q.weight, _src.W_k.weight, _src.W_v.weight]))
    _dst.in_proj_bias.copy_(torch.cat([_src.W_q.bias, _src.W_k.bias, _src.W_v.bias]))
    _dst.out_proj.weight.copy_(_src.W_o.weight); _dst.out_proj.bias.copy_(_src.W_o.bias)
_g = torch.Generator().manual_seed(58)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _B, _T, _S, _d, _h, _dff in [(2, 5, 7, 12, 3, 20), (3, 6, 4, 16, 4, 40)]:
        for _dtype in (torch.float32, torch.float64):
            _blk = DecoderBlock(_d, _h, _dff, norm_first=False).to(_dtype)
            _ref = nn.TransformerDecoderLayer(_d, _h, _dff, dropout=0.0, activation="relu", batch_first=True, norm_first=False).to(_dtype).eval()
            with torch.no_grad():
                for _p in _blk.parameters():
                    _p.copy_(0.4 * torch.randn(_p.shape, generator=_g, dtype=_dtype))
                _copy_mha(_ref.self_attn, _blk.self_attn)
                _copy_mha(_ref.multihead_attn, _blk.cross_attn)
                for _a in ("linear1", "linear2"):
                    getattr(_ref, _a).load_state_dict(getattr(_blk.ffn, _a).state_dict())
                for _a in ("norm1", "norm2", "norm3"):
                    getattr(_ref, _a).weight.copy_(getattr(_blk, _a).weight); getattr(_ref, _a).bias.copy_(getattr(_blk, _a).bias)
                _x = torch.randn(_B, _T, _d, generator=_g, dtype=_dtype)
                _mem = torch.randn(_B, _S, _d, generator=_g, dtype=_dtype)
                _src_len = torch.randint(1, _S + 1, (_B,), generator=_g)
                _src_real = torch.arange(_S)[None, :] < _src_len[:, None]        # (B, S)
                _causal = torch.tril(torch.ones(_T, _T, dtype=torch.bool))
                _tgt_len = torch.randint(1, _T + 1, (_B,), generator=_g)
                _tgt_real = torch.arange(_T)[None, :] < _tgt_len[:, None]        # (B, T)
                for _use_masks in ("none", "causal", "causal & target padding"):
                    if _use_masks == "causal":
                        _got = _blk(_x, _mem, tgt_mask=_causal, memory_mask=_src_real[:, None, None, :]).double()
                        _want = _ref(_x, _mem, tgt_mask=~_causal, memory_key_padding_mask=~_src_real).double()
                    elif _use_masks == "none":
                        _got, _want = _blk(_x, _mem).double(), _ref(_x, _mem).double()
                    else:  # the combination the docstring suggests: causal_mask(T) & padding_mask(lengths, T)
                        _got = _blk(_x, _mem, tgt_mask=_causal & _tgt_real[:, None, None, :], memory_mask=_src_real[:, None, None, :]).double()[_tgt_real]
                        _want = _ref(_x, _mem, tgt_mask=~_causal, tgt_key_padding_mask=~_tgt_real, memory_key_padding_mask=~_src_real).double()[_tgt_real]
                    _tol = dict(rtol=1e-4, atol=1e-5) if _dtype == torch.float32 else dict(rtol=1e-9, atol=1e-9)
                    assert torch.allclose(_got, _want, **_tol), f"post-norm DecoderBlock differs from nn.TransformerDecoderLayer(norm_first=False) (masks: {_use_masks}) for B={_B}, T={_T}, S={_S}, d_model={_d}, {_dtype}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_decoder_pre_norm_matches_torch", "points": 1}
"""Pre-norm DecoderBlock matches nn.TransformerDecoderLayer(norm_first=True), with causal and padding masks."""
import warnings
import torch
import torch.nn as nn
_blk = DecoderBlock(8, 2, 16, norm_first=True)
check_block_parts(_blk, ("norm1", "norm2", "norm3"))  # your LayerNorm and FeedForward first (Exercises 2 and 3)
with torch.no_grad():
    for _lin in (_blk.self_attn.W_o, _blk.cross_attn.W_o, _blk.ffn.linear2):  # silence all sub-layers
        _lin.weight.zero_(); _lin.bias.zero_()
    _g = torch.Generator().manual_seed(15)
    _x = 3.0 * torch.randn(2, 4, 8, generator=_g) + 1.0
    _y = _blk(_x, torch.randn(2, 6, 8, generator=_g))
assert torch.allclose(_y, _x, atol=1e-6), "with all sub-layers outputting 0, a pre-norm decoder block must return its input unchanged (is norm_first used?)"
### BEGIN HIDDEN TESTS
def _copy_mha(_dst, _src):
    _dst.in_proj_weight.copy_(torch.cat([_src.W_q.weight, _src.W_k.weight, _src.W_v.weight]))
    _dst.in_proj_bias.copy_(torch.cat([_src.W_q.bias, _src.W_k.bias, _src.W_v.bias]))
    _dst.out_proj.weight.copy_(_src.W_o.weight); _dst.out_proj.bias.copy_(_src.W_o.bias)
_g = torch.Generator().manual_seed(59)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _B, _T, _S, _d, _h, _dff in [(2, 5, 7, 12, 3, 20), (3, 6, 4, 16, 4, 40)]:
        for _dtype in (torch.float32, torch.float64):
            _blk = DecoderBlock(_d, _h, _dff, norm_first=True).to(_dtype)
            _ref = nn.TransformerDecoderLayer(_d, _h, _dff, dropout=0.0, activation="relu", batch_first=True, norm_first=True).to(_dtype).eval()
            with torch.no_grad():
                for _p in _blk.parameters():
                    _p.copy_(0.4 * torch.randn(_p.shape, generator=_g, dtype=_dtype))
                _copy_mha(_ref.self_attn, _blk.self_attn)
                _copy_mha(_ref.multihead_attn, _blk.cross_attn)
                for _a in ("linear1", "linear2"):
                    getattr(_ref, _a).load_state_dict(getattr(_blk.ffn, _a).state_dict())
                for _a in ("norm1", "norm2", "norm3"):
                    getattr(_ref, _a).weight.copy_(getattr(_blk, _a).weight); getattr(_ref, _a).bias.copy_(getattr(_blk, _a).bias)
                _x = torch.randn(_B, _T, _d, generator=_g, dtype=_dtype)
                _mem = torch.randn(_B, _S, _d, generator=_g, dtype=_dtype)
                _src_len = torch.randint(1, _S + 1, (_B,), generator=_g)
                _src_real = torch.arange(_S)[None, :] < _src_len[:, None]        # (B, S)
                _causal = torch.tril(torch.ones(_T, _T, dtype=torch.bool))
                _tgt_len = torch.randint(1, _T + 1, (_B,), generator=_g)
                _tgt_real = torch.arange(_T)[None, :] < _tgt_len[:, None]        # (B, T)
                for _use_masks in ("none", "causal", "causal & target padding"):
                    if _use_masks == "causal":
                        _got = _blk(_x, _mem, tgt_mask=_causal, memory_mask=_src_real[:, None, None, :]).double()
                        _want = _ref(_x, _mem, tgt_mask=~_causal, memory_key_padding_mask=~_src_real).double()
                    elif _use_masks == "none":
                        _got, _want = _blk(_x, _mem).double(), _ref(_x, _mem).double()
                    else:  # the combination the docstring suggests: causal_mask(T) & padding_mask(lengths, T)
                        _got = _blk(_x, _mem, tgt_mask=_causal & _tgt_real[:, None, None, :], memory_mask=_src_real[:, None, None, :]).double()[_tgt_real]
                        _want = _ref(_x, _mem, tgt_mask=~_causal, tgt_key_padding_mask=~_tgt_real, memory_key_padding_mask=~_src_real).double()[_tgt_real]
                    _tol = dict(rtol=1e-4, atol=1e-5) if _dtype == torch.float32 else dict(rtol=1e-9, atol=1e-9)
                    assert torch.allclose(_got, _want, **_tol), f"pre-norm DecoderBlock differs from nn.TransformerDecoderLayer(norm_first=True) (masks: {_use_masks}) for B={_B}, T={_T}, S={_S}, d_model={_d}, {_dtype} (in pre-norm, normalise x before cross-attention but not the memory)"
### END HIDDEN TESTS

# %% [markdown]
# ### Question — three kinds of attention (2 points, graded by hand)
# A full encoder–decoder transformer (the paper's translation model) uses three kinds of
# attention layers. The theory hint told you where the cross-attention's queries, keys and values
# come from; say the same for the encoder's self-attention and the decoder's (masked)
# self-attention, and name the mask each of the three uses (causal, padding of which sequence, or
# none). Then: why does the decoder's self-attention need the causal mask during training, when
# the whole target sentence is available anyway?

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_three_attentions", "points": 2}
# **Model answer.** *Encoder self-attention:* Q, K and V all come from the encoder's previous
# layer (the source sentence); only a padding mask on the source. *Decoder masked
# self-attention:* Q, K, V all come from the decoder's previous layer (the target prefix); a
# causal mask (position $i$ sees $j \le i$), combined with the target's padding mask.
# *Cross-attention:* queries from the decoder (its previous sub-layer), keys and values from the
# encoder's final output (the memory); the source padding mask, no causal mask (the whole source
# is known). The causal mask is needed because training uses *teacher forcing*: all target
# positions are processed in parallel and each must predict the next token; without the mask,
# position $i$ could simply read token $i+1$ from its input and learn to copy it, and the model
# would fail at generation time, when future tokens do not exist yet.
# *Full marks:* Q/K/V sources and masks of the three (1 pt); causal mask prevents reading the
# token to be predicted during parallel training, matching generation (1 pt).

# %% [markdown]
# ## 7. Stacking blocks (~8 min)
#
# **Theory hint.** An encoder is $N$ identical blocks applied one after the other — *identical
# in structure, each with its own weights* ($N = 6$ in the paper, 12 in BERT-base). The output
# of block $\ell$ is the input of block $\ell + 1$; the padding mask is the same for every block.
# A pre-norm stack ends with a final LayerNorm, since its blocks' outputs are not normalised.
#
# ### Exercise 8 — `Encoder`, a stack of N blocks (2 points)
# The tests check the stack against your own `EncoderBlock`: a stack that applies your blocks
# correctly gets its points even if Exercise 5 still has a mistake.

# %% nbgrader={"solution": true, "grade_id": "Encoder"}
class Encoder(nn.Module):
    """A stack of num_layers EncoderBlocks (each with its own weights).

    Attributes:
        layers: nn.ModuleList of num_layers EncoderBlock(d_model, num_heads, d_ff, norm_first).
        norm: LayerNorm(d_model) after the last block if norm_first (pre-norm); a post-norm stack
            needs none (e.g. None), since its blocks end with a LayerNorm already.
    forward(x, mask=None): (B, T, d_model) -> (B, T, d_model); the same mask goes to every block.
    Example: Encoder(2, 16, 4, 64)(torch.randn(2, 5, 16)).shape == (2, 5, 16)
    Hint: [EncoderBlock(...)] * n repeats ONE block n times (shared weights): build n blocks.
    """

    def __init__(self, num_layers, d_model, num_heads, d_ff, norm_first=False):
        super().__init__()
        ### BEGIN SOLUTION
        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first)
                                     for _ in range(num_layers)])
        self.norm = LayerNorm(d_model) if norm_first else None
        ### END SOLUTION

    def forward(self, x, mask=None):
        ### BEGIN SOLUTION
        for layer in self.layers:
            x = layer(x, mask=mask)                                    # (B, T, d_model)
        return x if self.norm is None else self.norm(x)
        ### END SOLUTION


# %%
# Try it: two pre-norm blocks and the final LayerNorm.
enc_demo = Encoder(2, 16, 4, 64, norm_first=True)
print(enc_demo(torch.randn(2, 5, 16), mask=padding_mask([5, 3], 5)).shape)   # torch.Size([2, 5, 16])
n_enc_demo = sum(p.numel() for p in enc_demo.parameters())
print(n_enc_demo, "parameters = 2 blocks + 32 for the final LayerNorm")

# %% tags=["claim"]
_n_block = 4 * (16 * 16 + 16) + (2 * 16 * 64 + 64 + 16) + 4 * 16                  # attention + FFN + 2 LayerNorms
assert n_enc_demo == 2 * _n_block + 32, f"comment says 2 blocks ({_n_block} each) + 32, got {n_enc_demo}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_encoder_stack_has_independent_layers", "points": 1}
"""Encoder holds num_layers separate EncoderBlocks (own weights), plus a final norm only in pre-norm."""
import torch.nn as nn
_enc = Encoder(3, 8, 2, 16)
_layers = getattr(_enc, "layers", None)
assert isinstance(_layers, nn.ModuleList), f"layers must be an nn.ModuleList, got {type(_layers).__name__} (a plain list hides the blocks' parameters from PyTorch)"
assert len(_layers) == 3 and all(isinstance(_l, EncoderBlock) for _l in _layers), "layers must hold 3 EncoderBlocks"
assert len({id(_l) for _l in _layers}) == 3, "the 3 layers are the same block repeated: build a new EncoderBlock for every layer"
_per_block = sum(_p.numel() for _p in EncoderBlock(8, 2, 16).parameters())
_n = sum(_p.numel() for _p in _enc.parameters())
assert _n == 3 * _per_block, f"a post-norm stack of 3 blocks has 3 x {_per_block} = {3 * _per_block} parameters, got {_n}"
_ln = sum(_p.numel() for _p in LayerNorm(8).parameters())
assert _ln == 16, f"this test counts the parameters of your LayerNorm(8): {_ln} instead of 16 (weight and bias, nn.Parameter each): fix Exercise 2 first"
_n_pre = sum(_p.numel() for _p in Encoder(3, 8, 2, 16, norm_first=True).parameters())
assert _n_pre == 3 * _per_block + 16, f"a pre-norm stack adds one final LayerNorm (16 parameters): expected {3 * _per_block + 16}, got {_n_pre}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_encoder_stack_matches_torch", "points": 1}
"""Encoder applies its blocks in order, each with the same mask (then the final norm in pre-norm)."""
import warnings
import torch

def _padding_mask(lengths, T):  # as the given padding_mask: (B, 1, 1, T), True = a real token
    return (torch.arange(T)[None, :] < torch.as_tensor(lengths)[:, None])[:, None, None, :]


torch.manual_seed(16)
_enc = Encoder(2, 8, 2, 16)
_x, _m = torch.randn(2, 5, 8), _padding_mask([5, 2], 5)
with torch.no_grad():
    assert torch.equal(_enc.layers[0](_x, mask=_m), _enc.layers[0](_x, mask=_m)), \
        "this test uses your EncoderBlock, which gives two different outputs for the same input (dropout, in it or in your FeedForward?): fix Exercise 5 (or 3) first"
    _want = _enc.layers[1](_enc.layers[0](_x, mask=_m), mask=_m)
    _got = _enc(_x, mask=_m)
assert torch.allclose(_got, _want, atol=1e-6), "Encoder(x, mask) must equal layers[1](layers[0](x, mask), mask) for a post-norm stack"
### BEGIN HIDDEN TESTS
# The reference is built from your own EncoderBlock (credit for the stack even if the block is wrong):
# block i of a stack with norm_first=nf must behave as EncoderBlock(..., norm_first=nf) with its weights.
_g = torch.Generator().manual_seed(60)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _N, _B, _T, _d, _h, _dff in [(3, 3, 6, 12, 3, 20), (2, 2, 5, 8, 2, 16)]:
        for _nf in (False, True):
            _enc = Encoder(_N, _d, _h, _dff, norm_first=_nf)
            with torch.no_grad():
                for _p in _enc.parameters():
                    _p.copy_(0.4 * torch.randn(_p.shape, generator=_g))
                _lengths = torch.randint(1, _T + 1, (_B,), generator=_g)
                _real = torch.arange(_T)[None, :] < _lengths[:, None]            # (B, T)
                _x = torch.randn(_B, _T, _d, generator=_g)
                for _mask in (_padding_mask(_lengths, _T), None):
                    _want = _x
                    for _layer in _enc.layers:
                        _fresh = EncoderBlock(_d, _h, _dff, norm_first=_nf)
                        _fresh.load_state_dict(_layer.state_dict())
                        _want = _fresh(_want, mask=_mask)
                    if _nf:
                        assert getattr(_enc, "norm", None) is not None, "a pre-norm stack ends with a final LayerNorm (self.norm)"
                        _want = _enc.norm(_want)
                    _got = _enc(_x, mask=_mask) if _mask is not None else _enc(_x)
                    assert torch.allclose(_got[_real], _want[_real], rtol=1e-5, atol=1e-6), \
                        (f"Encoder(num_layers={_N}, norm_first={_nf}) is not its blocks applied in order, each with the mask ({'padding' if _mask is not None else 'None'})"
                         + (", then the final LayerNorm" if _nf else " (no final LayerNorm in post-norm)") + " (blocks built with norm_first? mask passed to every block?)")
### END HIDDEN TESTS

# %% [markdown]
# ## Going further: trace one token through the stack (~10 min, optional)
# Follow "cat" through a 2-layer post-norm encoder and name every transformation it undergoes.
# For every step the cell *measures* whether it mixes positions: it changes the other tokens'
# vectors at that step's input and checks whether the output at "cat" moves.

# %%
torch.manual_seed(0)
tokens = "the cat sat on the mat".split()
vocab = {w: i for i, w in enumerate(dict.fromkeys(tokens))}
d_model, pos = 16, tokens.index("cat")
embed = nn.Embedding(len(vocab), d_model)
encoder = Encoder(2, d_model, 4, 4 * d_model)
gen = torch.Generator().manual_seed(1)
trace = []                                                                 # (step, mixes positions?, cos(v, input))


def mixes(step, h):
    """Does step(h) at position `pos` change when only the other positions of h change?"""
    others = [t for t in range(h.shape[1]) if t != pos]
    h2 = h.clone()
    h2[:, others] += torch.randn(h2[:, others].shape, generator=gen)
    return not torch.allclose(step(h)[0, pos], step(h2)[0, pos], atol=1e-6)


with torch.no_grad():
    ids = torch.tensor([[vocab[w] for w in tokens]])                       # (1, T)
    x = embed(ids) * math.sqrt(d_model) + sinusoidal_positional_encoding(len(tokens), d_model)  # (1, T, d_model)
    x_in, start = x.clone(), x[0, pos].clone()

    def show(name, v, mixed):
        cos = F.cosine_similarity(v, start, dim=0).item()
        trace.append((name, mixed, cos))
        print(f"{name:<34} mixes positions: {'YES' if mixed else 'no':<4} |v| = {v.norm():6.2f}   cos(v, input) = {cos:+.2f}")

    show("embedding * sqrt(d) + position", x[0, pos], False)
    for i, blk in enumerate(encoder.layers):
        a, w = blk.self_attn(x, x, x)                                      # w: (1, H, T, T)
        show(f"layer {i}: self-attention output", a[0, pos], mixes(lambda h: blk.self_attn(h, h, h)[0], x))
        top = tokens[int(w[0, :, pos].mean(0).argmax())]
        show(f"layer {i}: add & norm", blk.norm1(x + a)[0, pos], mixes(lambda h: blk.norm1(h + a), x))
        x = blk.norm1(x + a)
        f = blk.ffn(x)
        show(f"layer {i}: feed-forward output", f[0, pos], mixes(blk.ffn, x))
        show(f"layer {i}: add & norm", blk.norm2(x + f)[0, pos], mixes(lambda h: blk.norm2(h + f), x))
        x = blk.norm2(x + f)
        print(f"   (in layer {i}, 'cat' attends most, averaged over heads, to '{top}')")
    same = torch.allclose(x, encoder(x_in), atol=1e-6)
    print("same as encoder(x):", same)

# %% tags=["claim"]
assert same, "text says the traced steps are exactly what encoder(x) computes"
_mixing = [name for name, mixed, _ in trace if mixed]
assert _mixing == [name for name, _, _ in trace if "self-attention" in name], f"text says only the self-attention steps mix positions, measured: {_mixing}"
_after_add = [cos for name, _, cos in trace if "add & norm" in name]
assert min(_after_add) > 0.5, f"text says the residual paths keep 'cat' similar to where it started, cos after each add & norm: {_after_add}"

# %% [markdown]
# Only the self-attention steps mix information from other positions; every other step
# transforms "cat"'s vector on its own. After the first layer, the vector at position 1 is no
# longer "the word *cat*" but "*cat*, in this sentence": a **contextual** representation —
# yet the residual paths keep it similar to where it started (the cosine after every Add & Norm).
#
# The weights here are random, so the attention pattern means nothing yet. The *sequence of
# transformations* inside each layer is that of a BERT layer (post-norm: self-attention, Add &
# Norm, FFN, Add & Norm), but a real BERT differs around and inside it: its FFN uses GELU instead
# of ReLU; its input is a learned position embedding plus a token-type (segment) embedding added
# to the token embedding, with no $\sqrt{d}$ scaling, then a LayerNorm (and dropout) on the sum;
# and it stacks 12 layers of width 768 (Devlin et al., 2019: Figure 2 for the input embeddings,
# Appendix A.2 for GELU; the LayerNorm on the embeddings is in their released code).
#
# ## 8. Stack and scale: counting the parameters of real models (~20 min)
#
# **Theory hint.** With $d = d_\text{model}$ and $d_{ff}$, one encoder block holds
# - attention: $W_q, W_k, W_v, W_o$, each $d \times d$ plus a bias of $d$: $4(d^2 + d)$ —
#   *independent of the number of heads* (heads split $d$, they do not add weights);
# - FFN: $d\,d_{ff} + d_{ff}$ (first layer) $+\; d_{ff}\,d + d$ (second);
# - two LayerNorms: $2 \times 2d$ ($\gamma$ and $\beta$ each).
#
# Around the stack, a real model adds **embeddings**: a token table (vocabulary × $d$), a learned
# position table (maximum positions × $d$), in BERT a segment ("token type") table (2 × $d$) and a
# LayerNorm on the summed embeddings; GPT-2/GPT-3 (pre-norm) add a **final LayerNorm** instead;
# BERT adds a **pooler** (a $d \times d$ linear layer with bias on the first token, for
# classification). GPT's output layer, which predicts the next token, reuses the token table
# (weight tying), so it adds nothing; the counts here leave out the heads used only in training
# (BERT's masked-LM head, for example). A decoder-only model such as GPT-2 uses blocks with
# exactly the encoder's parameters — the causal mask has no weights.
#
# ### Exercise 9 — `encoder_param_count` (4 points)
# Count the parameters of a stack of blocks and, through keyword-only arguments, of the parts
# around it. With every keyword left at its default you get the blocks alone.

# %% nbgrader={"solution": true, "grade_id": "encoder_param_count"}
def encoder_param_count(num_layers, d_model, num_heads, d_ff, *, vocab_size=0, max_positions=0,
                        type_vocab_size=0, embedding_norm=False, final_norm=False, pooler=False):
    """Exact number of parameters of a transformer encoder (and of GPT-style decoder-only stacks).

    Args:
        num_layers, d_model, num_heads, d_ff: the stack (blocks as in EncoderBlock, biases included;
            num_heads must divide d_model and does not change the count).
        vocab_size: token embedding rows (0 = no token embedding).
        max_positions: learned position embedding rows (0 = none, e.g. sinusoidal encodings).
        type_vocab_size: segment/token-type embedding rows (BERT: 2).
        embedding_norm: a LayerNorm on the summed embeddings (BERT).
        final_norm: a LayerNorm after the last block (pre-norm models: GPT-2, GPT-3).
        pooler: a d_model x d_model linear layer with bias on the first token (BERT).
    Returns:
        int. Example: encoder_param_count(num_layers=1, d_model=4, num_heads=2, d_ff=8) == 172
        BERT-base: encoder_param_count(num_layers=12, d_model=768, num_heads=12, d_ff=3072,
            vocab_size=30522, max_positions=512, type_vocab_size=2, embedding_norm=True,
            pooler=True) == 109_482_240
    """
    ### BEGIN SOLUTION
    attention = 4 * (d_model * d_model + d_model)                      # W_q, W_k, W_v, W_o with biases
    ffn = (d_model * d_ff + d_ff) + (d_ff * d_model + d_model)         # linear1, linear2
    norms = 2 * (2 * d_model)                                          # norm1, norm2: weight and bias
    blocks = num_layers * (attention + ffn + norms)
    embeddings = (vocab_size + max_positions + type_vocab_size) * d_model
    extra_norms = 2 * d_model * (int(embedding_norm) + int(final_norm))
    pool = (d_model * d_model + d_model) if pooler else 0
    return int(blocks + embeddings + extra_norms + pool)
    ### END SOLUTION


# %%
# Try it: the blocks alone, then BERT-base from its configuration (Devlin et al., 2019).
n_tiny = encoder_param_count(num_layers=1, d_model=4, num_heads=2, d_ff=8)
print(n_tiny)                                                             # 172
bert_base = dict(num_layers=12, d_model=768, num_heads=12, d_ff=3072)
print(f"BERT-base blocks only: {encoder_param_count(**bert_base):,}")
n_bert_base = encoder_param_count(**bert_base, vocab_size=30522, max_positions=512, type_vocab_size=2, embedding_norm=True, pooler=True)
print(f"BERT-base: {n_bert_base:,}")                                    # 109,482,240

# %% tags=["claim"]
assert (n_tiny, n_bert_base) == (172, 109_482_240), f"comments say 172 and 109,482,240, got {n_tiny} and {n_bert_base:,}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_param_count_blocks", "points": 1}
"""The blocks alone: 4(d^2 + d) + (2 d d_ff + d_ff + d) + 4d per layer, biases and LayerNorms included."""
import warnings
import torch.nn as nn
import numbers
_got = encoder_param_count(num_layers=1, d_model=4, num_heads=2, d_ff=8)
assert isinstance(_got, numbers.Integral) and not isinstance(_got, bool), f"encoder_param_count must return an int (a count), got {type(_got).__name__} {_got!r}"
assert _got == 172, (f"one block with d_model=4, d_ff=8 has 4(16 + 4) + (32 + 8 + 32 + 4) + 2(4 + 4) = 80 + 76 + 16 = 172 parameters, got {_got}"
                     + (" (count the biases of all six linear layers, and weight and bias of both LayerNorms)" if _got < 172 else ""))
### BEGIN HIDDEN TESTS
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _N, _d, _h, _dff in [(1, 6, 3, 10), (3, 12, 4, 48), (2, 20, 5, 7), (7, 8, 1, 32)]:
        _want = _N * sum(_p.numel() for _p in nn.TransformerEncoderLayer(_d, _h, _dff, batch_first=True).parameters())
        _got = encoder_param_count(num_layers=_N, d_model=_d, num_heads=_h, d_ff=_dff)
        assert _got == _want, f"encoder_param_count(num_layers={_N}, d_model={_d}, num_heads={_h}, d_ff={_dff}) should be {_want}, got {_got}"
    # a count beyond 2**31 (an int32 overflows, a float32 rounds): 200 wide layers (counted on the meta device, no memory)
    _want = 200 * sum(_p.numel() for _p in nn.TransformerEncoderLayer(1024, 8, 4096, batch_first=True, device="meta").parameters())
    _got = encoder_param_count(num_layers=200, d_model=1024, num_heads=8, d_ff=4096)
    assert isinstance(_got, numbers.Integral) and _got == _want, f"encoder_param_count(num_layers=200, d_model=1024, num_heads=8, d_ff=4096) should be the int {_want:,}, got {_got!r} (counts beyond 2**31 need Python ints)"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_param_count_embeddings_and_pooler", "points": 1}
"""Each keyword adds its own part: embedding tables, embedding/final LayerNorm, pooler."""
import torch.nn as nn
_base = encoder_param_count(num_layers=2, d_model=4, num_heads=1, d_ff=8)
_with = encoder_param_count(num_layers=2, d_model=4, num_heads=1, d_ff=8, vocab_size=10)
assert _with - _base == 40, f"a token table of 10 rows of d_model = 4 adds 40 parameters, got {_with - _base}"
### BEGIN HIDDEN TESTS
for _N, _d, _h, _dff in [(1, 6, 2, 12), (3, 10, 5, 40)]:
    _base = encoder_param_count(num_layers=_N, d_model=_d, num_heads=_h, d_ff=_dff)
    _parts = {"vocab_size": (17, nn.Embedding(17, _d)), "max_positions": (9, nn.Embedding(9, _d)),
              "type_vocab_size": (2, nn.Embedding(2, _d)), "embedding_norm": (True, nn.LayerNorm(_d)),
              "final_norm": (True, nn.LayerNorm(_d)), "pooler": (True, nn.Linear(_d, _d))}
    for _key, (_val, _module) in _parts.items():
        _extra = encoder_param_count(num_layers=_N, d_model=_d, num_heads=_h, d_ff=_dff, **{_key: _val}) - _base
        _want = sum(_p.numel() for _p in _module.parameters())
        assert _extra == _want, f"{_key}={_val} should add {_want} parameters for d_model={_d}, it adds {_extra}"
    _all = encoder_param_count(num_layers=_N, d_model=_d, num_heads=_h, d_ff=_dff, vocab_size=17, max_positions=9,
                               type_vocab_size=2, embedding_norm=True, final_norm=True, pooler=True)
    assert _all == _base + sum(sum(_p.numel() for _p in _m.parameters()) for _, _m in _parts.values()), "the parts must add up when combined"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_param_count_bert_base", "points": 1}
"""BERT-base from its configuration has exactly 109,482,240 parameters (Devlin et al.: 110M)."""
_got = encoder_param_count(num_layers=12, d_model=768, num_heads=12, d_ff=3072, vocab_size=30522,
                           max_positions=512, type_vocab_size=2, embedding_norm=True, pooler=True)
assert _got == 109_482_240, f"BERT-base should have 109,482,240 parameters, got {_got:,} (difference {_got - 109_482_240:+,})"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_param_count_bert_large", "points": 1}
"""BERT-large (24 layers, d_model 1024, 16 heads, d_ff 4096) has about 335M parameters (the paper rounds to 340M)."""
_got = encoder_param_count(num_layers=24, d_model=1024, num_heads=16, d_ff=4096, vocab_size=30522,
                           max_positions=512, type_vocab_size=2, embedding_norm=True, pooler=True)
assert 330e6 < _got < 340e6, f"BERT-large should have about 335M parameters, got {_got:,}"
### BEGIN HIDDEN TESTS
assert _got == 335_141_888, f"BERT-large should have exactly 335,141,888 parameters, got {_got:,}"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 10 — stack and scale: fill in the table (2 points)
#
# *If one layer is good, what about many layers?* Look up the number of layers of GPT-2 (its
# largest, "XL", model; Radford et al., 2019, Table 2) and GPT-3 (its largest, 175B, model;
# Brown et al., 2020, Table 2.1), then compute their parameters with your `encoder_param_count`
# and the configurations below. Both are decoder-only, pre-norm, with tied output embeddings, so
# their blocks count exactly like yours. Set four variables, all Python ints:
# - `gpt2_layers`, `gpt3_layers`: the number of transformer blocks (layers) of each model;
# - `gpt2_params`, `gpt3_params`: the total number of parameters of each model as a count (e.g.
#   `1_234_567_890`, not `1.23` billion): token and position embeddings, all blocks (weights and
#   biases) and the final LayerNorm, from `encoder_param_count`.
#
# | model | layers | $d_\text{model}$ | heads | $d_{ff}$ | vocabulary | positions | around the stack |
# |---|---|---|---|---|---|---|---|
# | BERT-base | 12 | 768 | 12 | 3072 | 30,522 | 512 | 2 token types, embedding LayerNorm, pooler |
# | BERT-large | 24 | 1024 | 16 | 4096 | 30,522 | 512 | 2 token types, embedding LayerNorm, pooler |
# | GPT-2 XL | ? | 1600 | 25 | 6400 | 50,257 | 1024 | final LayerNorm |
# | GPT-3 175B | ? | 12288 | 96 | 49152 | 50,257 | 2048 | final LayerNorm |
#
# (GPT-3 reuses GPT-2's architecture and tokenizer, hence the same vocabulary and a learned
# position table, here for 2048 positions; its $d_{ff} = 4\,d_\text{model}$, as Brown et al. state.
# Its sparse attention layers change which positions attend to which, not the weights.)

# %% nbgrader={"solution": true, "grade_id": "scale_table"}
# Fill in the layers, then compute the parameter counts with encoder_param_count.
gpt2_layers = None  # int: number of blocks of GPT-2 XL
gpt3_layers = None  # int: number of blocks of GPT-3 175B
gpt2_params = None  # int: total parameters of GPT-2 XL, from encoder_param_count
gpt3_params = None  # int: total parameters of GPT-3 175B, from encoder_param_count
### BEGIN SOLUTION
gpt2_layers = 48
gpt3_layers = 96
gpt2_params = encoder_param_count(num_layers=gpt2_layers, d_model=1600, num_heads=25, d_ff=6400,
                                  vocab_size=50257, max_positions=1024, final_norm=True)
gpt3_params = encoder_param_count(num_layers=gpt3_layers, d_model=12288, num_heads=96, d_ff=49152,
                                  vocab_size=50257, max_positions=2048, final_norm=True)
### END SOLUTION

# %%
# The table, completed with your numbers (and BERT's from your encoder_param_count).
rows = [("BERT-base", 12, encoder_param_count(num_layers=12, d_model=768, num_heads=12, d_ff=3072, vocab_size=30522, max_positions=512,
                                               type_vocab_size=2, embedding_norm=True, pooler=True), "110M"),
        ("BERT-large", 24, encoder_param_count(num_layers=24, d_model=1024, num_heads=16, d_ff=4096, vocab_size=30522, max_positions=512,
                                                type_vocab_size=2, embedding_norm=True, pooler=True), "340M"),
        ("GPT-2 XL", gpt2_layers, gpt2_params, "1542M (1.5B)"),
        ("GPT-3", gpt3_layers, gpt3_params, "175.0B")]
print(f"{'model':<11} {'layers':>6} {'counted':>17}   reported in the paper")
for name, layers, n, paper in rows:
    print(f"{name:<11} {layers!s:>6} {n!s:>17}   {paper}" if not isinstance(n, int) else f"{name:<11} {layers:>6} {n:>17,}   {paper}")

# %% tags=["claim"]
_counted = {name: n for name, _, n, _ in rows}
assert round(_counted["BERT-base"] / 1e6, 1) == 109.5 and round(_counted["BERT-large"] / 1e6, 1) == 335.1, f"text says BERT-base 109.5M and BERT-large 335.1M, got {_counted}"
assert _counted["GPT-2 XL"] == 1_557_611_200 and round(_counted["GPT-3"] / 1e9, 1) == 174.6, f"text says GPT-2 XL 1,557,611,200 and GPT-3 174.6B, got {_counted}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_scale_gpt2", "points": 1}
"""GPT-2 XL: the number of layers from the paper, and its parameter count from your encoder_param_count."""
import warnings
import numbers
try:  # this test uses your encoder_param_count (Exercise 9): the size check below needs it to be right
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _one = encoder_param_count(num_layers=1, d_model=12288, num_heads=96, d_ff=49152)
        _fn_ok = (encoder_param_count(num_layers=12, d_model=768, num_heads=12, d_ff=3072, vocab_size=30522, max_positions=512,
                                      type_vocab_size=2, embedding_norm=True, pooler=True) == 109_482_240
                  and encoder_param_count(num_layers=100, d_model=12288, num_heads=96, d_ff=49152) == 100 * int(_one))
except Exception as _e:
    raise AssertionError(f"this test uses your encoder_param_count, which raised {type(_e).__name__}: do Exercise 9 first")
for _name, _value in (("gpt2_layers", gpt2_layers), ("gpt2_params", gpt2_params)):
    _from_float_count = _name.endswith("params") and isinstance(_one, float) and isinstance(_value, float)  # Exercise 9 loses that point
    assert (isinstance(_value, numbers.Integral) and not isinstance(_value, bool)) or _from_float_count, \
        (f"{_name} must be an int (a count such as 1_234_567_890), got {_value!r}"
         + (" (the count itself, not millions or billions)" if isinstance(_value, float) else ""))
assert not _fn_ok or 1.4e9 < gpt2_params < 1.7e9, f"GPT-2 XL has about 1.5 billion parameters, you computed {gpt2_params:,} (check the number of layers)"
### BEGIN HIDDEN TESTS
assert gpt2_layers == 48, f"GPT-2 XL has 48 layers (Radford et al., 2019, Table 2), not {gpt2_layers}"
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    _yours = encoder_param_count(num_layers=48, d_model=1600, num_heads=25, d_ff=6400, vocab_size=50257, max_positions=1024, final_norm=True)
assert gpt2_params in (_yours, 1_557_611_200), \
    f"with 48 layers, vocabulary 50257, 1024 positions and a final LayerNorm, your encoder_param_count gives {_yours:,} for GPT-2 XL; you have {gpt2_params:,}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_scale_gpt3", "points": 1}
"""GPT-3: the number of layers from the paper, and its parameter count from your encoder_param_count."""
import warnings
import numbers
try:  # this test uses your encoder_param_count (Exercise 9): the size check below needs it to be right
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _one = encoder_param_count(num_layers=1, d_model=12288, num_heads=96, d_ff=49152)
        _fn_ok = (encoder_param_count(num_layers=12, d_model=768, num_heads=12, d_ff=3072, vocab_size=30522, max_positions=512,
                                      type_vocab_size=2, embedding_norm=True, pooler=True) == 109_482_240
                  and encoder_param_count(num_layers=100, d_model=12288, num_heads=96, d_ff=49152) == 100 * int(_one))
except Exception as _e:
    raise AssertionError(f"this test uses your encoder_param_count, which raised {type(_e).__name__}: do Exercise 9 first")
for _name, _value in (("gpt3_layers", gpt3_layers), ("gpt3_params", gpt3_params)):
    _from_float_count = _name.endswith("params") and isinstance(_one, float) and isinstance(_value, float)  # Exercise 9 loses that point
    assert (isinstance(_value, numbers.Integral) and not isinstance(_value, bool)) or _from_float_count, \
        (f"{_name} must be an int (a count such as 1_234_567_890), got {_value!r}"
         + (" (the count itself, not millions or billions)" if isinstance(_value, float) else ""))
assert not _fn_ok or 170e9 < gpt3_params < 180e9, f"GPT-3 has about 175 billion parameters, you computed {gpt3_params:,} (check the number of layers)"
### BEGIN HIDDEN TESTS
assert gpt3_layers == 96, f"GPT-3 175B has 96 layers (Brown et al., 2020, Table 2.1), not {gpt3_layers}"
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    _yours = encoder_param_count(num_layers=96, d_model=12288, num_heads=96, d_ff=49152, vocab_size=50257, max_positions=2048, final_norm=True)
assert gpt3_params in (_yours, 174_604_259_328), \
    f"with 96 layers, vocabulary 50257, 2048 positions and a final LayerNorm, your encoder_param_count gives {_yours:,} for GPT-3; you have {gpt3_params:,}"
### END HIDDEN TESTS

# %% [markdown]
# **What the table shows.** The counts match the papers to the rounding: BERT-base 109.5M
# ("110M"), BERT-large 335.1M (reported as "340M"), GPT-3 174.6B ("175.0B"). For GPT-2 the exact
# count of the released XL model is 1,557,611,200; the paper's Table 2 says 1542M, and OpenAI later
# noted that its original parameter counts were wrong (the small model, announced as 117M, has
# 124M). Per layer, $12\,d^2$ of the $\approx 12\,d^2 + 13\,d$ parameters are weight matrices —
# $4d^2$ in attention, $8d^2$ in the FFN — so a model's size grows with *layers × width²*.
#
# ## Going further: where the parameters live, and does size always help? (~10 min, optional)
# GPT-3 is 8× deeper than BERT-base and 16× wider, hence about $8 \times 16^2 \approx 2000$
# times more parameters in its blocks. Inside a block, two thirds sit in the FFN; but a whole
# model also carries its embedding tables, which weigh most in small models with large
# vocabularies. The cell below splits GPT-2 small (12 layers, $d = 768$, 124M parameters) and
# GPT-3 into their parts with your `encoder_param_count`.

# %%
gpt2_small = dict(num_layers=12, d_model=768, num_heads=12, d_ff=3072)
gpt3_cfg = dict(num_layers=96, d_model=12288, num_heads=96, d_ff=49152)
block_ratio = encoder_param_count(**gpt3_cfg) / encoder_param_count(num_layers=12, d_model=768, num_heads=12, d_ff=3072)
print(f"GPT-3's blocks / BERT-base's blocks: {block_ratio:,.0f}")
split = {}
for name, cfg, n_pos in (("GPT-2 small", gpt2_small, 1024), ("GPT-3 175B", gpt3_cfg, 2048)):
    d, f, L = cfg["d_model"], cfg["d_ff"], cfg["num_layers"]
    total = encoder_param_count(**cfg, vocab_size=50257, max_positions=n_pos, final_norm=True)
    parts = {"token table": 50257 * d, "position table": n_pos * d,
             "attention (all layers)": L * 4 * (d * d + d), "FFN (all layers)": L * (2 * d * f + f + d)}
    parts["LayerNorms"] = total - sum(parts.values())
    split[name] = (total, parts)
    print(f"{name}: {total:,} parameters")
    for part, n in parts.items():
        print(f"   {part:<24} {n:>16,}  {100 * n / total:5.1f}%")

# %% tags=["claim"]
assert 1900 < block_ratio < 2200, f"text says about 8 x 16^2 = 2048 times more block parameters, got {block_ratio:.0f}"
_total, _parts = split["GPT-2 small"]
assert round(_total / 1e6, 1) == 124.4 and round(_parts["token table"] / 1e6, 1) == 38.6, f"Section 3 says GPT-2 small has 124.4M parameters, 38.6M in the token table: {_total:,}, {_parts}"
assert round(_parts["FFN (all layers)"] / 1e6, 1) == 56.7 and round(100 * _parts["FFN (all layers)"] / _total, 1) == 45.5, f"Section 3 says the FFNs hold 56.7M (45.5%): {_parts}"
_ffn_share = _parts["FFN (all layers)"] / (_parts["FFN (all layers)"] + _parts["attention (all layers)"])
assert abs(_ffn_share - 2 / 3) < 0.01, f"text says two thirds of a block's weights sit in the FFN, got {_ffn_share:.3f}"
assert 0.29 < _parts["token table"] / _total < 1 / 3, f"text says GPT-2 small's token table is almost a third of the model: {_parts['token table'] / _total:.3f}"
_total3, _parts3 = split["GPT-3 175B"]
_emb3 = (_parts3["token table"] + _parts3["position table"]) / _total3
assert round(100 * _emb3, 1) == 0.4 and abs(_parts3["FFN (all layers)"] / _total3 - 2 / 3) < 0.01, f"text says GPT-3's embeddings are 0.4% and its FFNs two thirds: {_emb3:.4f}, {_parts3['FFN (all layers)'] / _total3:.3f}"

# %% [markdown]
# In GPT-2 small the token table is almost a third of the model and the FFNs under half; in GPT-3
# the embeddings are a rounding error (0.4%) and the FFNs two thirds. "Most parameters live in the
# FFN" is true of every block and of large models, not of small ones with their embeddings.
#
# Do more layers and parameters always help? Performance improves smoothly and predictably with
# size **when the data and compute grow with it** (Kaplan et al., 2020, on which GPT-3's design
# rests); a bigger model trained on too little data is not better — and every layer costs memory
# and time, which is why later work balanced size against training tokens (Hoffmann et al., 2022).
# For scale: the paper's own "big" translation model had 6 + 6 layers, $d_\text{model} = 1024$ and
# 213M parameters, and trained in 3.5 days — on 8 P100 GPUs (Vaswani et al., Table 3 and §5.2).

# %% [markdown]
# ## 9. Concept quiz (5 points, ~10 min)
#
# Quick questions on this part's ideas (a reading quiz), one point each. Answer each
# in its own cell — replace `None` (and delete the `raise NotImplementedError()` line) with a
# letter as a string (`"B"`), `True`/`False`, or a number, as the cell says. The check below each
# answer only tells you whether your answer has the right *form*; whether it is right is checked
# when your work is graded.

# %% [markdown]
# **Question 1.** In a decoder block of the original transformer, which attention layer takes its **keys and
# values** from the encoder's output?
#
# - **A** — the masked self-attention
# - **B** — the cross-attention (encoder-decoder attention), whose queries come from the decoder
# - **C** — both
# - **D** — neither: the encoder's output is added to the decoder's input

# %% nbgrader={"solution": true, "grade_id": "quiz_cross_attention_source"}
quiz_cross_attention_source = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_cross_attention_source = "B"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_cross_attention_source", "points": 1}
"""Question 1: which decoder attention reads the encoder."""
assert isinstance(quiz_cross_attention_source, str) and quiz_cross_attention_source.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_cross_attention_source!r}'
### BEGIN HIDDEN TESTS
assert quiz_cross_attention_source.strip().upper() == "B", "3.2.3: in encoder-decoder attention the queries come from the previous decoder layer, the memory keys and values from the output of the encoder"
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** What is the output of each sub-layer in the paper (Vaswani et al., 2017, §3.1)?
#
# - **A** — $x + \text{Sublayer}(\text{LayerNorm}(x))$
# - **B** — $\text{LayerNorm}(\text{Sublayer}(x))$
# - **C** — $\text{LayerNorm}(x + \text{Sublayer}(x))$
# - **D** — $x + \text{LayerNorm}(\text{Sublayer}(x))$

# %% nbgrader={"solution": true, "grade_id": "quiz_post_norm"}
quiz_post_norm = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_post_norm = "C"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_post_norm", "points": 1}
"""Question 2: the paper's sub-layer output."""
assert isinstance(quiz_post_norm, str) and quiz_post_norm.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_post_norm!r}'
### BEGIN HIDDEN TESTS
assert quiz_post_norm.strip().upper() == "C", "the paper is post-norm, LayerNorm(x + Sublayer(x)); x + Sublayer(LayerNorm(x)) is the pre-norm of GPT-2 and most modern models"
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** In the base transformer $d_\text{model} = 512$. What is the inner size $d_{ff}$ of the
# position-wise feed-forward network (§3.3)?

# %% nbgrader={"solution": true, "grade_id": "quiz_d_ff"}
quiz_d_ff = None  # a number
### BEGIN SOLUTION
quiz_d_ff = 2048
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_d_ff", "points": 1}
"""Question 3: the feed-forward inner size of the base transformer."""
import numpy as np
import numbers
assert isinstance(quiz_d_ff, numbers.Real) and not isinstance(quiz_d_ff, (bool, np.bool_)), \
    f"answer with a number (an int or a float), got {quiz_d_ff!r}"
assert 1 <= quiz_d_ff <= 1000000, f"d_ff is a positive size, got {quiz_d_ff!r}"
### BEGIN HIDDEN TESTS
assert abs(float(quiz_d_ff) - 2048) <= 0.5, "3.3: d_model = 512 and d_ff = 2048, four times wider"
### END HIDDEN TESTS

# %% [markdown]
# **Question 4.** Layer normalisation computes its mean and variance over ...
#
# - **A** — the batch, separately for each feature
# - **B** — all positions of the sequence, separately for each feature
# - **C** — the features of each position (every token on its own)
# - **D** — the whole tensor

# %% nbgrader={"solution": true, "grade_id": "quiz_layernorm_axis"}
quiz_layernorm_axis = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_layernorm_axis = "C"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_layernorm_axis", "points": 1}
"""Question 4: the axis LayerNorm normalises over."""
assert isinstance(quiz_layernorm_axis, str) and quiz_layernorm_axis.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_layernorm_axis!r}'
### BEGIN HIDDEN TESTS
assert quiz_layernorm_axis.strip().upper() == "C", "LayerNorm standardises each position over its d_model features (the batch over a feature is batch norm)"
### END HIDDEN TESTS

# %% [markdown]
# **Question 5.** Where does the original transformer use the causal (look-ahead) mask?
#
# - **A** — in the encoder's self-attention
# - **B** — in the decoder's self-attention only
# - **C** — in the cross-attention
# - **D** — in all three

# %% nbgrader={"solution": true, "grade_id": "quiz_causal_mask_where"}
quiz_causal_mask_where = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_causal_mask_where = "B"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_causal_mask_where", "points": 1}
"""Question 5: where the causal mask is used."""
assert isinstance(quiz_causal_mask_where, str) and quiz_causal_mask_where.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_causal_mask_where!r}'
### BEGIN HIDDEN TESTS
assert quiz_causal_mask_where.strip().upper() == "B", "only the decoder's self-attention must not see later target positions (3.2.3); the encoder sees the whole input and cross-attention may read the whole source"
### END HIDDEN TESTS

# %% [markdown]
# ## Key takeaways
# 1. Encoder layer = self-attention + FFN; decoder layer = masked self-attention + cross-attention
#    + FFN; each sub-layer has a residual connection and a LayerNorm.
# 2. LayerNorm standardises each position over its features (biased variance, $\epsilon$ inside
#    the square root), then applies a learned gain and bias; it keeps activations at scale 1.
# 3. The FFN ($d \to 4d \to d$, ReLU) transforms each position independently: attention
#    communicates, the FFN computes.
# 4. Residual connections give gradients an identity path: measured, the plain stack's gradient
#    vanishes exponentially with depth, the residual one does not.
# 5. Post-norm $\text{LN}(x + f(x))$ is the paper's; pre-norm $x + f(\text{LN}(x))$ (plus a final
#    LayerNorm) is GPT-2's and most modern models'.
# 6. The causal mask (True on and below the diagonal) stops positions from seeing the future;
#    cross-attention takes its queries from the decoder and its keys and values from the encoder.
# 7. Parameters: $\approx 12\,d^2$ per layer (two thirds of it in the FFN) plus the embedding
#    tables — BERT-base 109,482,240, BERT-large 335M, GPT-2 XL 1.56B, GPT-3 175B.
#
# **Next — Part 6:** the coding challenge. You build attention once more from scratch, solve a
# set of practice problems, and then train a small transformer on CPU on a task that needs
# long-range dependencies — against an RNN baseline.

# %% [markdown]
# ## Readings for this part
# | reading | read it for |
# |---|---|
# | Vaswani et al. (2017), §3.1 *Encoder and Decoder Stacks* (Figure 1), §3.2.3, §3.3 *Position-wise Feed-Forward Networks*, §5.4 | $\text{LayerNorm}(x + \text{Sublayer}(x))$, $N = 6$, the decoder's masking and encoder–decoder attention, $d_{ff} = 2048$, residual dropout |
# | Tunstall, von Werra & Wolf, *Natural Language Processing with Transformers* (O'Reilly, revised ed. 2022), ch. 3 *Transformer Anatomy*, "The Feed-Forward Layer", "Adding Layer Normalization", "The Decoder", "Meet the Transformers" | pre- vs post-norm in code, an encoder layer like yours, the decoder, and the encoder / decoder / encoder–decoder branches (BERT, GPT, T5) |
# | Hugging Face LLM course, chapter 1, "How do Transformers work?" (huggingface.co/learn), "General Transformer architecture" and "The original architecture"; the same chapter's pages on encoder, decoder and sequence-to-sequence models | which block is used by which family of models, and what the decoder's two attention layers see |
# | PyTorch tutorial *Language Modeling with `nn.Transformer` and torchtext* (pytorch.org/tutorials/beginner/transformer_tutorial.html). **Archived:** deprecated in 2024 with torchtext, the address now redirects to the tutorials index; its last text is in the history of the `pytorch/tutorials` repository on GitHub (`beginner_source/transformer_tutorial.py`) and in web archives | the model description: `nn.TransformerEncoder` stacks copies of `nn.TransformerEncoderLayer`, whose defaults (`norm_first=False`, ReLU, `dim_feedforward` = $d_{ff}$) are your post-norm block plus dropout, while `norm_first=True` gives your pre-norm block; tensors are sequence-first unless `batch_first=True`. And a lesson on masks: an encoder stack used as a language model needs a causal mask (`nn.Transformer.generate_square_subsequent_mask`, where blocked = $-\infty$); the tutorial's mask was removed in 2023 and restored months later (pytorch/tutorials issue #2478) |
# | TensorFlow tutorial *Neural machine translation with a Transformer and Keras* (tensorflow.org/text/tutorials/transformer; current), "Define the components" | the same layers in Keras: the global self-attention (encoder), causal self-attention and cross-attention layers, the feed-forward network, the encoder and decoder layers — post-norm like your `norm_first=False` (`Add`, then `LayerNormalization`), with `use_causal_mask=True` in place of your `causal_mask` and padding masks carried from the embedding (`mask_zero=True`) |
# | Jay Alammar, "The Illustrated Transformer" (2018, jalammar.github.io), "The Residuals", "The Decoder Side", "The Final Linear and Softmax Layer" | the Add & Norm boxes and the decoder drawn for translation |
# | Ba, Kiros & Hinton (2016), *Layer Normalization*; He et al. (2016), *Deep Residual Learning*; Xiong et al. (2020), *On Layer Normalization in the Transformer Architecture* | the originals behind LayerNorm, residual connections, and why pre-norm trains more easily |
