# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Part 7 — Real models: your blocks inside a library, a trained model inspected, text generated
#
# *Transformer Internals, part 7 of 7. Time: about 160 min core + 15 min going further (optional).*
#
# Six parts ago you started from an RNN; since then you have built every piece of a transformer
# yourself and checked it against PyTorch. Today the pieces meet the real thing. First you load
# the weights of Hugging Face `transformers` layers — a BERT layer and a GPT-2 block — into
# *your* blocks and reproduce the library's outputs to five decimals. Then you open a small
# trained language model that ships with this course, draw what every head attends to, and
# *measure* which heads look at the previous token and which ones copy patterns (induction
# heads). Finally you write the loop that makes a language model talk, with the key/value cache
# of Part 6, and check it against the library's own `generate`, token for token.
#
# **Learning objectives** — you will be able to
# 1. read a model's configuration and build the matching block (post-norm BERT, pre-norm GPT-2);
# 2. map a real library's parameter names and layouts onto your own modules (`nn.Linear` vs
#    GPT-2's transposed `Conv1D`, a fused query/key/value matrix) and prove the mapping right by
#    reproducing the library's outputs;
# 3. load a trained model from a local folder with `AutoModelForCausalLM.from_pretrained`, get
#    its attention weights, and plot every head;
# 4. score heads by measurement (previous-token and induction scores) and test what a head does
#    by ablating it;
# 5. write greedy and temperature/top-k sampling generation with a KV cache, reproduce
#    `model.generate(..., do_sample=False)`, and measure what the cache buys;
# 6. explain transfer learning and what larger models can do that this one cannot, with the
#    evidence and the debate.
#
# **How this notebook works.** Fill in every cell that says `YOUR CODE HERE`, then run the
# "try it" cell below it and the test cells (the ones that start with a docstring). A test cell
# that runs silently passed. Some checks are hidden and run only when your work is graded, so
# make your code correct in general, not just on the visible example. Questions marked
# *(graded by hand)* are read by a person: answer in your own words, in a few sentences.
# Sections titled **Going further** are optional and ungraded.
#
# **Nothing here downloads anything.** The trained model is the folder `tiny-lm` next to this
# notebook; every other model is built from a small random configuration. The notebook runs the
# same with or without internet.
#
# Conventions used in the whole course: tensors are batch first (`x` has shape
# `(B, T, d_model)`), weights multiply on the right (`x @ W`), masks are boolean with
# **True = may attend**.

# %% nbgrader={"locked": true, "grade_id": "setup"}
import math
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer, BertConfig, GPT2Config
from transformers.models.bert.modeling_bert import BertLayer
from transformers.models.gpt2.modeling_gpt2 import GPT2Block

transformers.logging.set_verbosity_error()     # no deprecation chatter in this notebook
transformers.logging.disable_progress_bar()    # no "Loading weights" bar when a model folder is read
warnings.filterwarnings("ignore", category=DeprecationWarning)
torch.set_printoptions(precision=4, sci_mode=False)
# The models of this notebook are tiny: one CPU thread runs them as fast as several, and it
# makes every timing below steadier on a shared machine.
torch.set_num_threads(1)

# %% [markdown]
# ## 1. Your blocks are real layers (~45 min)
#
# **Theory hint.** A pretrained model is two things: an *architecture* (code: which layers, in
# which order) and *weights* (numbers, stored by parameter name). Hugging Face `transformers`
# writes each architecture as PyTorch modules with names of its own: BERT's query projection is
# `attention.self.query`, GPT-2's is a third of `attn.c_attn`. The architecture is the one you
# built in Parts 3 – 5, so loading those numbers into *your* modules must give the library's
# outputs exactly — if, and only if, every name, shape and convention is mapped right. That is
# the test of this section: not "it runs", but "it computes the same numbers".
#
# The two architectures differ in three places, all of which you met in Part 5:
#
# | | BERT layer (Devlin et al., 2019) | GPT-2 block (Radford et al., 2019) |
# |---|---|---|
# | layer norm | **post-norm**: `x = LN(x + sublayer(x))`, as the original transformer | **pre-norm**: `x = x + sublayer(LN(x))` (GPT-2 paper, §2.3: "moved to the input of each sub-block") |
# | attention | bidirectional (every token sees every token) | **causal** (a token sees itself and the past) |
# | feed-forward activation | GELU (Hendrycks & Gimpel, 2016), exact: $x\,\Phi(x)$ | GELU in its tanh approximation, $\tfrac12 x\,(1 + \tanh[\sqrt{2/\pi}\,(x + 0.044715\,x^3)])$ (`activation_function="gelu_new"`) |
# | layer-norm epsilon | `layer_norm_eps = 1e-12` | `layer_norm_epsilon = 1e-5` |
# | feed-forward width | `intermediate_size` (3072 = 4 × 768 in BERT-base) | `n_inner`, and `None` means 4 × `n_embd` |
# | how weights are stored | `nn.Linear`: `weight` is `(out, in)`, `y = x W^T + b` | `Conv1D`: `weight` is `(in, out)`, `y = x W + b`; **query, key and value fused** in one `c_attn` of shape `(d, 3d)` |
#
# Both keep a bias in every linear layer and in every layer norm.
#
# **Real-world example — moving into a furnished flat.** The furniture (weights) is the same
# whichever flat you move it into, but the rooms have other names and the doors open the other
# way. Put the sofa in the kitchen and nothing breaks — until someone tries to cook.
#
# The read-only cell below gives your modules from Parts 3 and 5, in one class that can be either
# kind of block: `MultiHeadAttention` (with `nn.Linear` layers `W_q, W_k, W_v, W_o`),
# `LayerNorm`, `FeedForward` (with `linear1`, `linear2` and a choice of activation) and
# `TransformerBlock`, whose `norm_first` chooses pre- or post-norm and whose `causal` flag makes
# every position attend only to itself and the past.

# %% nbgrader={"locked": true, "grade_id": "given_parts"}
class MultiHeadAttention(nn.Module):
    """Multi-head attention (Part 3): forward(query, key, value, mask=None) -> (output, weights (B, H, T_q, T_k))."""

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
        merged = heads.transpose(1, 2).reshape(B, T_q, self.d_model)          # (B, T_q, d_model): head 0 first
        return self.W_o(merged), weights


class LayerNorm(nn.Module):
    """Layer normalisation over the last axis (Part 5), with a learned scale and shift."""

    def __init__(self, d_model, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model))
        self.bias = nn.Parameter(torch.zeros(d_model))

    def forward(self, x):
        mean = x.mean(-1, keepdim=True)
        var = x.var(-1, keepdim=True, unbiased=False)
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


ACTIVATIONS = {
    "relu": torch.relu,                                         # the original transformer
    "gelu": F.gelu,                                             # exact GELU, x * Phi(x): BERT
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),      # tanh approximation: GPT-2's "gelu_new"
}


class FeedForward(nn.Module):
    """Position-wise feed-forward network (Part 5): linear2(activation(linear1(x)))."""

    def __init__(self, d_model, d_ff, activation="relu"):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        self.activation = activation
        self.linear1, self.linear2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)

    def forward(self, x):
        return self.linear2(ACTIVATIONS[self.activation](self.linear1(x)))


class TransformerBlock(nn.Module):
    """One transformer layer (Part 5), post-norm (BERT) or pre-norm (GPT-2), bidirectional or causal.

    post-norm: x = norm1(x + attn(x)); x = norm2(x + ffn(x))
    pre-norm:  x = x + attn(norm1(x)); x = x + ffn(norm2(x))
    """

    def __init__(self, d_model, num_heads, d_ff, norm_first=False, activation="relu", eps=1e-5, causal=False):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, num_heads)
        self.ffn = FeedForward(d_model, d_ff, activation)
        self.norm1, self.norm2 = LayerNorm(d_model, eps), LayerNorm(d_model, eps)
        self.norm_first, self.causal = norm_first, causal
        self.attn_weights = None

    def forward(self, x):                                                     # x: (B, T, d_model)
        T = x.shape[1]
        mask = torch.ones(T, T, dtype=torch.bool).tril() if self.causal else None   # (T, T), True = may attend
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


def copy_into(param, value, name="parameter"):
    """param[...] = value without autograd, with a clear message when the shapes differ."""
    value = torch.as_tensor(value, dtype=param.dtype)
    if tuple(param.shape) != tuple(value.shape):
        raise ValueError(f"{name}: cannot copy a tensor of shape {tuple(value.shape)} into a parameter of shape "
                         f"{tuple(param.shape)} (transposed? the wrong slice?)")
    with torch.no_grad():
        param.copy_(value)


# %% [markdown]
# Here is what the library's layers look like inside. A BERT layer and a GPT-2 block built from
# small configurations (random weights: nothing is downloaded), with every parameter's name and
# shape:

# %%
_bert_config = BertConfig(hidden_size=8, num_attention_heads=2, intermediate_size=12)
_gpt2_config = GPT2Config(n_embd=8, n_head=2)
for _title, _layer in [("BertLayer", BertLayer(_bert_config)), ("GPT2Block", GPT2Block(_gpt2_config, layer_idx=0))]:
    print(_title)
    for _name, _p in _layer.named_parameters():
        print(f"   {_name:42s} {tuple(_p.shape)}")

# %% [markdown]
# Read the shapes: BERT's `attention.self.query.weight` is `(8, 8)` and its
# `intermediate.dense.weight` is `(12, 8)` — `nn.Linear` stores `(out_features, in_features)`,
# like yours. GPT-2's `attn.c_attn.weight` is `(8, 24)`: **in** first, and the queries, keys and
# values of all heads side by side in its 24 columns (first the 8 query columns, then 8 key
# columns, then 8 value columns, each block holding head 0 then head 1, as `split_heads` cuts
# them). `Conv1D` is a linear layer despite its name (it computes `x @ weight + bias`; the
# name comes from the original GPT code, which called this layer `conv1d`: a convolution of
# width 1 is the same matrix product at every position).
#
# ### Exercise 1 — read a configuration (3 points)
#
# Write `block_for(config)`: the `TransformerBlock` that has the architecture of one layer of the
# model `config` describes, with all sizes and settings taken from the configuration (its
# weights stay random: loading them is Exercises 2 and 3). `config.model_type` is `"bert"` or
# `"gpt2"`. The names you need: BERT — `hidden_size`, `num_attention_heads`,
# `intermediate_size`, `hidden_act` (always `"gelu"` here), `layer_norm_eps`; GPT-2 — `n_embd`,
# `n_head`, `n_inner` (`None` means `4 * n_embd`), `activation_function` (`"gelu_new"`: the
# tanh approximation), `layer_norm_epsilon`. The table above says which block is post-norm and
# which is causal.

# %% nbgrader={"solution": true, "grade_id": "block_for"}
def block_for(config):
    """The TransformerBlock with the architecture of one layer of a BERT or GPT-2 configuration.

    Args:
        config: a transformers BertConfig (config.model_type == "bert") or GPT2Config ("gpt2").
    Returns:
        TransformerBlock(d_model, num_heads, d_ff, norm_first=..., activation=..., eps=..., causal=...)
        with every argument read from the config (activation: "gelu" for BERT, "gelu_tanh" for GPT-2).
    Raises:
        ValueError for any other model_type (decide by config.model_type, not by the config's class:
        the tests pass a BertConfig whose model_type was changed).
    Example: block_for(GPT2Config(n_embd=8, n_head=2)) is a causal pre-norm block with d_ff = 32.
    """
    ### BEGIN SOLUTION
    if config.model_type == "bert":
        return TransformerBlock(config.hidden_size, config.num_attention_heads, config.intermediate_size,
                                norm_first=False, activation="gelu", eps=config.layer_norm_eps, causal=False)
    if config.model_type == "gpt2":
        d_ff = config.n_inner if config.n_inner is not None else 4 * config.n_embd
        return TransformerBlock(config.n_embd, config.n_head, d_ff,
                                norm_first=True, activation="gelu_tanh", eps=config.layer_norm_epsilon, causal=True)
    raise ValueError(f"block_for knows BERT and GPT-2 configurations, got model_type {config.model_type!r}")
    ### END SOLUTION


# %%
# Try it: the two blocks, and their settings
for _config in (_bert_config, _gpt2_config):
    _b = block_for(_config)
    print(f"{_config.model_type}: d_model={_b.self_attn.d_model}, heads={_b.self_attn.num_heads}, "
          f"d_ff={_b.ffn.linear1.out_features}, norm_first={_b.norm_first}, causal={_b.causal}, "
          f"activation={_b.ffn.activation}, eps={_b.norm1.eps}")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_block_for_bert", "points": 1}
"""block_for(BertConfig) is a bidirectional post-norm block with exact GELU and the config's sizes and epsilon."""
from transformers import BertConfig
_cfg = BertConfig(hidden_size=12, num_attention_heads=3, intermediate_size=20, layer_norm_eps=1e-12)
_b = block_for(_cfg)
_got = {"d_model": _b.self_attn.d_model, "num_heads": _b.self_attn.num_heads, "d_ff": _b.ffn.linear1.out_features,
        "norm_first": _b.norm_first, "causal": _b.causal, "activation": _b.ffn.activation,
        "eps": (_b.norm1.eps, _b.norm2.eps)}
_want = {"d_model": 12, "num_heads": 3, "d_ff": 20, "norm_first": False, "causal": False, "activation": "gelu",
         "eps": (1e-12, 1e-12)}
_wrong = {k: (_got[k], _want[k]) for k in _want if _got[k] != _want[k]}
assert not _wrong, ("block_for(BertConfig(hidden_size=12, num_attention_heads=3, intermediate_size=20)): "
                    + "; ".join(f"{k} is {g!r}, expected {w!r}" for k, (g, w) in _wrong.items())
                    + " (BERT is post-norm, bidirectional, exact GELU, layer_norm_eps)")
### BEGIN HIDDEN TESTS
for _d, _h, _ff, _eps in [(16, 4, 24, 1e-7), (6, 1, 10, 1e-12)]:
    _b = block_for(BertConfig(hidden_size=_d, num_attention_heads=_h, intermediate_size=_ff, layer_norm_eps=_eps))
    _layout = (_b.self_attn.d_model, _b.self_attn.num_heads, _b.ffn.linear1.out_features, _b.norm1.eps, _b.norm2.eps,
               _b.norm_first, _b.causal, _b.ffn.activation)
    assert _layout == (_d, _h, _ff, _eps, _eps, False, False, "gelu"), \
        f"BertConfig(hidden_size={_d}, heads={_h}, intermediate_size={_ff}, eps={_eps}) built {_layout}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_block_for_gpt2", "points": 1}
"""block_for(GPT2Config) is a causal pre-norm block with tanh-GELU and the config's sizes and epsilon."""
from transformers import GPT2Config
_cfg = GPT2Config(n_embd=12, n_head=3, n_inner=20, layer_norm_epsilon=1e-5)
_b = block_for(_cfg)
_got = {"d_model": _b.self_attn.d_model, "num_heads": _b.self_attn.num_heads, "d_ff": _b.ffn.linear1.out_features,
        "norm_first": _b.norm_first, "causal": _b.causal, "activation": _b.ffn.activation,
        "eps": (_b.norm1.eps, _b.norm2.eps)}
_want = {"d_model": 12, "num_heads": 3, "d_ff": 20, "norm_first": True, "causal": True, "activation": "gelu_tanh",
         "eps": (1e-5, 1e-5)}
_wrong = {k: (_got[k], _want[k]) for k in _want if _got[k] != _want[k]}
assert not _wrong, ("block_for(GPT2Config(n_embd=12, n_head=3, n_inner=20)): "
                    + "; ".join(f"{k} is {g!r}, expected {w!r}" for k, (g, w) in _wrong.items())
                    + " (GPT-2 is pre-norm, causal, tanh-GELU ('gelu_new'), layer_norm_epsilon)")
### BEGIN HIDDEN TESTS
_b = block_for(GPT2Config(n_embd=10, n_head=5, n_inner=7, layer_norm_epsilon=1e-3))
_layout = (_b.self_attn.d_model, _b.self_attn.num_heads, _b.ffn.linear1.out_features, _b.norm1.eps, _b.norm2.eps)
assert _layout == (10, 5, 7, 1e-3, 1e-3), f"GPT2Config(n_embd=10, n_head=5, n_inner=7, eps=1e-3) built {_layout}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_block_for_gpt2_default_width", "points": 1}
"""GPT-2's n_inner=None means a feed-forward width of 4 * n_embd; other model types are refused with a ValueError."""
from transformers import BertConfig, GPT2Config
_b = block_for(GPT2Config(n_embd=12, n_head=3))
assert _b.ffn.linear1.out_features == 48, \
    f"GPT2Config(n_embd=12) has n_inner=None, which means d_ff = 4 * 12 = 48; got d_ff = {_b.ffn.linear1.out_features}"
_other = BertConfig(hidden_size=8, num_attention_heads=2)
_other.model_type = "t5"
try:
    block_for(_other)
except ValueError:
    pass
else:
    raise AssertionError("block_for(a config whose model_type is 't5') must raise ValueError, not build a block")

# %% [markdown]
# ### Exercise 2 — a BERT layer, loaded (4 points)
#
# Write `load_bert_layer(block, hf_layer)`: copy every weight and bias of the library's
# `BertLayer` into your block (built by `block_for` from the same configuration), so that
# `block(x)` equals `hf_layer(x)`. Find each parameter's place from the printout above:
#
# | your block | `BertLayer` |
# |---|---|
# | `self_attn.W_q`, `W_k`, `W_v` | `attention.self.query`, `.key`, `.value` |
# | `self_attn.W_o` | `attention.output.dense` (the output projection) |
# | `norm1` (after attention) | `attention.output.LayerNorm` |
# | `ffn.linear1`, `ffn.linear2` | `intermediate.dense`, `output.dense` |
# | `norm2` (after the feed-forward) | `output.LayerNorm` |
#
# Both sides use `nn.Linear`-style `(out, in)` weights here, so nothing is transposed. The given
# `copy_into(param, value, name)` copies one tensor into a parameter and says clearly when the
# shapes differ. The function changes `block` in place (its return value is not used).

# %% nbgrader={"solution": true, "grade_id": "load_bert_layer"}
def load_bert_layer(block, hf_layer):
    """Copy the weights of a transformers BertLayer into a post-norm TransformerBlock, in place.

    Args:
        block: TransformerBlock from block_for(config). hf_layer: BertLayer(config), same config.
    Afterwards block(x) equals hf_layer(x) for every x of shape (B, T, hidden_size) (in eval mode).
    Hint: for every pair (mine, theirs) of linear layers: copy_into(mine.weight, theirs.weight) and
    the same for .bias; the layer norms have .weight and .bias too.
    """
    ### BEGIN SOLUTION
    attn, hf_attn = block.self_attn, hf_layer.attention
    pairs = [
        (attn.W_q, hf_attn.self.query), (attn.W_k, hf_attn.self.key), (attn.W_v, hf_attn.self.value),
        (attn.W_o, hf_attn.output.dense), (block.norm1, hf_attn.output.LayerNorm),
        (block.ffn.linear1, hf_layer.intermediate.dense), (block.ffn.linear2, hf_layer.output.dense),
        (block.norm2, hf_layer.output.LayerNorm),
    ]
    for mine, theirs in pairs:
        copy_into(mine.weight, theirs.weight, "weight")  # (out, in) on both sides
        copy_into(mine.bias, theirs.bias, "bias")
    ### END SOLUTION


# %%
# Try it: a BERT layer with random weights, and your block loaded with them
torch.manual_seed(0)
_config = BertConfig(hidden_size=8, num_attention_heads=2, intermediate_size=12)
_hf = BertLayer(_config).eval()                      # eval(): no dropout
_mine = block_for(_config)
load_bert_layer(_mine, _hf)
_x = torch.randn(2, 5, 8)                            # (B, T, d_model)
with torch.no_grad():
    _theirs, _ours = _hf(_x), _mine(_x)
print("largest difference from transformers' BertLayer:", float((_theirs - _ours).abs().max()))   # right: below 1e-5

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_bert_attention_loaded", "points": 1}
"""After load_bert_layer, your self_attn computes BERT's attention followed by its output projection."""
import torch
from transformers import BertConfig
from transformers.models.bert.modeling_bert import BertLayer
torch.manual_seed(1)
_cfg = BertConfig(hidden_size=12, num_attention_heads=3, intermediate_size=20)
_hf = BertLayer(_cfg).eval()
_b = block_for(_cfg)
load_bert_layer(_b, _hf)
_x = torch.randn(2, 5, 12)
with torch.no_grad():
    _want = _hf.attention.output.dense(_hf.attention.self(_x)[0])       # (B, T, d): attention, then W_o
    _got = _b.self_attn(_x, _x, _x)[0]
_err = float((_got - _want).abs().max())
assert _err < 1e-5, (f"self_attn differs from BERT's attention + output.dense by {_err:.3g}: copy query -> W_q, key -> W_k, "
                     "value -> W_v, attention.output.dense -> W_o, weights and biases (nn.Linear on both sides: no transpose)")
### BEGIN HIDDEN TESTS
for _seed, (_d, _h, _ff, _B, _T) in enumerate([(16, 4, 24, 3, 7), (6, 1, 10, 1, 9), (20, 5, 8, 2, 4)]):
    torch.manual_seed(10 + _seed)
    _cfg = BertConfig(hidden_size=_d, num_attention_heads=_h, intermediate_size=_ff)
    _hf = BertLayer(_cfg).eval()
    for _p in _hf.parameters():
        _p.data.normal_(0, 0.5)                                            # biases and norms non-trivial too
    _b = block_for(_cfg)
    load_bert_layer(_b, _hf)
    _x = torch.randn(_B, _T, _d)
    with torch.no_grad():
        _err = float((_b.self_attn(_x, _x, _x)[0] - _hf.attention.output.dense(_hf.attention.self(_x)[0])).abs().max())
    assert _err < 1e-5, f"self_attn differs from BERT's by {_err:.3g} for d={_d}, heads={_h} (biases copied? query/key/value in place?)"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_bert_norms_and_ffn_loaded", "points": 1}
"""After load_bert_layer, norm1 is BERT's attention.output.LayerNorm, norm2 its output.LayerNorm, ffn its intermediate + output.dense."""
import torch
from transformers import BertConfig
from transformers.models.bert.modeling_bert import BertLayer
torch.manual_seed(2)
_cfg = BertConfig(hidden_size=12, num_attention_heads=3, intermediate_size=20)
_hf = BertLayer(_cfg).eval()
for _p in _hf.parameters():
    _p.data.normal_(0, 0.5)
_b = block_for(_cfg)
load_bert_layer(_b, _hf)
_x = torch.randn(2, 5, 12)
with torch.no_grad():
    _n1 = float((_b.norm1(_x) - _hf.attention.output.LayerNorm(_x)).abs().max())
    _n2 = float((_b.norm2(_x) - _hf.output.LayerNorm(_x)).abs().max())
    _swap = float((_b.norm1(_x) - _hf.output.LayerNorm(_x)).abs().max())
    _ffn = float((_b.ffn(_x) - _hf.output.dense(_hf.intermediate(_x))).abs().max())
assert _n1 < 1e-4 and _n2 < 1e-4, (f"norm1 differs from attention.output.LayerNorm by {_n1:.3g}, norm2 from output.LayerNorm by {_n2:.3g}"
                                   + (" (norm1 and norm2 are swapped: norm1 follows the attention)" if _swap < 1e-4 else ""))
assert _ffn < 1e-4, (f"ffn differs from BERT's intermediate + output.dense by {_ffn:.3g}: linear1 <- intermediate.dense, "
                     "linear2 <- output.dense (the activation comes from block_for: exact GELU)")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_bert_layer_matches_transformers", "points": 2}
"""Your loaded block reproduces transformers' BertLayer to 1e-5 on random configurations and inputs."""
import torch
from transformers import BertConfig
from transformers.models.bert.modeling_bert import BertLayer
torch.manual_seed(3)
_cfg = BertConfig(hidden_size=12, num_attention_heads=3, intermediate_size=20)
_hf = BertLayer(_cfg).eval()
_b = block_for(_cfg)
load_bert_layer(_b, _hf)
_x = torch.randn(2, 6, 12)
with torch.no_grad():
    _err = float((_b(_x) - _hf(_x)).abs().max())
assert _err < 1e-5, f"block(x) differs from BertLayer(x) by {_err:.3g} (max abs), expected < 1e-5"
### BEGIN HIDDEN TESTS
for _seed, (_d, _h, _ff, _B, _T, _scale) in enumerate([(16, 4, 24, 3, 7, 1.0), (6, 1, 10, 1, 9, 1.0),
                                                        (20, 5, 8, 2, 4, 1.0), (12, 2, 30, 2, 5, 1e-4)]):
    torch.manual_seed(30 + _seed)
    _cfg = BertConfig(hidden_size=_d, num_attention_heads=_h, intermediate_size=_ff)
    _hf = BertLayer(_cfg).eval()
    for _p in _hf.parameters():
        _p.data.normal_(0, 0.5)
    with torch.no_grad():
        _hf.output.LayerNorm.bias.mul_(_scale)
        _hf.attention.output.LayerNorm.bias.mul_(_scale)
    _b = block_for(_cfg)
    load_bert_layer(_b, _hf)
    _x = _scale * torch.randn(_B, _T, _d)                                  # tiny inputs: the epsilon matters
    with torch.no_grad():
        _want = _hf(_x)
        _err = float((_b(_x) - _want).abs().max()) / max(1.0, float(_want.abs().max()))
    assert _err < 1e-5, f"block(x) differs from BertLayer(x) by {_err:.3g} for d={_d}, heads={_h}, d_ff={_ff}, input scale {_scale}"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 3 — a GPT-2 block, loaded (4 points)
#
# Now GPT-2. Three things are different from BERT:
# 1. `Conv1D` stores its weight as `(in, out)`: your `nn.Linear` wants `(out, in)`, so
#    **transpose** (`.T`). For a square matrix a forgotten transpose raises no error — it just
#    computes something else.
# 2. `attn.c_attn` holds the query, key and value projections side by side: weight `(d, 3d)`,
#    bias `(3d,)`. The first `d` columns are the query, the next `d` the key, the last `d` the
#    value (GPT-2 computes `q, k, v = c_attn(x).split(d, dim=2)`).
#
#    ![GPT-2's c_attn weight, a d by 3d matrix stored (in, out), is cut into three d by d column blocks — query, key, value — and each block is transposed into the (out, in) weight of your nn.Linear layers W_q, W_k and W_v; the bias of length 3d is cut the same way.](figures/c_attn_mapping.svg)
# 3. The names: `ln_1` → `norm1` (before attention), `attn.c_proj` → `W_o`, `ln_2` → `norm2`,
#    `mlp.c_fc` → `ffn.linear1`, `mlp.c_proj` → `ffn.linear2`.

# %% nbgrader={"solution": true, "grade_id": "load_gpt2_block"}
def load_gpt2_block(block, hf_block):
    """Copy the weights of a transformers GPT2Block into a pre-norm causal TransformerBlock, in place.

    Args:
        block: TransformerBlock from block_for(config). hf_block: GPT2Block(config), same config.
    Afterwards block(x) equals hf_block(x) with GPT-2's causal mask, for every x (B, T, n_embd).
    Hints: Conv1D weights are (in, out): transpose them for nn.Linear. c_attn.weight is (d, 3d):
    columns [0, d) are the query, [d, 2d) the key, [2d, 3d) the value; its bias (3d,) likewise.
    """
    ### BEGIN SOLUTION
    d = block.self_attn.d_model
    attn = block.self_attn
    W, b = hf_block.attn.c_attn.weight, hf_block.attn.c_attn.bias                 # (d, 3d), (3d,)
    for i, mine in enumerate((attn.W_q, attn.W_k, attn.W_v)):
        copy_into(mine.weight, W[:, i * d:(i + 1) * d].T, "c_attn weight")         # (d, d) as (out, in)
        copy_into(mine.bias, b[i * d:(i + 1) * d], "c_attn bias")
    for mine, theirs in [(attn.W_o, hf_block.attn.c_proj), (block.ffn.linear1, hf_block.mlp.c_fc),
                         (block.ffn.linear2, hf_block.mlp.c_proj)]:
        copy_into(mine.weight, theirs.weight.T, "Conv1D weight")                     # (in, out) -> (out, in)
        copy_into(mine.bias, theirs.bias, "Conv1D bias")
    for mine, theirs in [(block.norm1, hf_block.ln_1), (block.norm2, hf_block.ln_2)]:
        copy_into(mine.weight, theirs.weight, "layer norm weight")
        copy_into(mine.bias, theirs.bias, "layer norm bias")
    ### END SOLUTION


# %% [markdown]
# A `GPT2Block` built on its own, as here, runs the plain attention code, which attends to every
# position unless it is given a mask: the full model builds the causal mask and hands it to every
# block (as an *additive* mask, 0 where attention is allowed and a very negative number where it
# is not). The helper below does the same for one block; call it, not `hf_block(x)`, to compare.

# %% nbgrader={"locked": true, "grade_id": "gpt2_helper"}
def gpt2_block_forward(hf_block, x):
    """Run a transformers GPT2Block on x (B, T, d) with GPT-2's causal mask (as GPT2Model does)."""
    T = x.shape[1]
    allowed = torch.ones(T, T, dtype=torch.bool).tril()                              # (T, T), True = may attend
    additive = torch.zeros(T, T, dtype=x.dtype).masked_fill(~allowed, torch.finfo(x.dtype).min)
    out = hf_block(x, attention_mask=additive[None, None])                           # mask (1, 1, T, T)
    return out[0] if isinstance(out, tuple) else out


# %%
# Try it: a GPT-2 block with random weights, and your block loaded with them
torch.manual_seed(0)
_config = GPT2Config(n_embd=8, n_head=2)
_hf = GPT2Block(_config, layer_idx=0).eval()
_mine = block_for(_config)
load_gpt2_block(_mine, _hf)
_x = torch.randn(2, 5, 8)
with torch.no_grad():
    _theirs, _ours = gpt2_block_forward(_hf, _x), _mine(_x)
print("largest difference from transformers' GPT2Block:", float((_theirs - _ours).abs().max()))   # right: below 1e-5

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_gpt2_attention_loaded", "points": 1}
"""After load_gpt2_block, W_q, W_k, W_v compute GPT-2's c_attn split into query, key and value (transposed Conv1D)."""
import torch
from transformers import GPT2Config
from transformers.models.gpt2.modeling_gpt2 import GPT2Block
torch.manual_seed(4)
_cfg = GPT2Config(n_embd=12, n_head=3)
_hf = GPT2Block(_cfg, layer_idx=0).eval()
for _p in _hf.parameters():
    _p.data.normal_(0, 0.5)
_b = block_for(_cfg)
load_gpt2_block(_b, _hf)
_x = torch.randn(2, 5, 12)
with torch.no_grad():
    _q, _k, _v = _hf.attn.c_attn(_x).split(12, dim=2)                      # (B, T, d) each
    _mine = {"query": _b.self_attn.W_q(_x), "key": _b.self_attn.W_k(_x), "value": _b.self_attn.W_v(_x)}
    _theirs = {"query": _q, "key": _k, "value": _v}
    _wrong = [n for n in _mine if float((_mine[n] - _theirs[n]).abs().max()) > 1e-5]
    _untransposed = float((_x @ _hf.attn.c_attn.weight[:, :12].T + _hf.attn.c_attn.bias[:12] - _mine["query"]).abs().max()) < 1e-5
    _order = {n: m for n in _mine for m in _theirs if float((_mine[n] - _theirs[m]).abs().max()) < 1e-5}
assert not _wrong, (f"your {', '.join(_wrong)} projection(s) differ from GPT-2's"
                    + (" (the Conv1D weight was not transposed: it is (in, out), nn.Linear wants (out, in))" if _untransposed else "")
                    + (f" (yours match GPT-2's {_order}: query, key, value are the columns [0, d), [d, 2d), [2d, 3d) in that order)"
                       if _order and any(n != m for n, m in _order.items()) else ""))
### BEGIN HIDDEN TESTS
for _seed, (_d, _h, _B, _T) in enumerate([(16, 4, 3, 7), (6, 1, 1, 9), (20, 5, 2, 4)]):
    torch.manual_seed(40 + _seed)
    _cfg = GPT2Config(n_embd=_d, n_head=_h)
    _hf = GPT2Block(_cfg, layer_idx=0).eval()
    for _p in _hf.parameters():
        _p.data.normal_(0, 0.5)
    _b = block_for(_cfg)
    load_gpt2_block(_b, _hf)
    _x = torch.randn(_B, _T, _d)
    with torch.no_grad():
        _qkv = torch.cat([_b.self_attn.W_q(_x), _b.self_attn.W_k(_x), _b.self_attn.W_v(_x)], dim=-1)
        _err = float((_qkv - _hf.attn.c_attn(_x)).abs().max())
        _err_o = float((_b.self_attn.W_o(_x) - _hf.attn.c_proj(_x)).abs().max())
    assert _err < 1e-4, f"query/key/value differ from c_attn by {_err:.3g} for d={_d}, heads={_h}"
    assert _err_o < 1e-4, f"W_o differs from attn.c_proj by {_err_o:.3g} for d={_d} (transposed? bias?)"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_gpt2_norms_and_mlp_loaded", "points": 1}
"""After load_gpt2_block, norm1 is ln_1, norm2 is ln_2, W_o is attn.c_proj and ffn is the mlp (c_fc, c_proj transposed)."""
import torch
from transformers import GPT2Config
from transformers.models.gpt2.modeling_gpt2 import GPT2Block
torch.manual_seed(5)
_cfg = GPT2Config(n_embd=12, n_head=3, n_inner=20)
_hf = GPT2Block(_cfg, layer_idx=0).eval()
for _p in _hf.parameters():
    _p.data.normal_(0, 0.5)
_b = block_for(_cfg)
load_gpt2_block(_b, _hf)
_x = torch.randn(2, 5, 12)
with torch.no_grad():
    _n1 = float((_b.norm1(_x) - _hf.ln_1(_x)).abs().max())
    _n2 = float((_b.norm2(_x) - _hf.ln_2(_x)).abs().max())
    _swap = float((_b.norm1(_x) - _hf.ln_2(_x)).abs().max())
    _o = float((_b.self_attn.W_o(_x) - _hf.attn.c_proj(_x)).abs().max())
    _mlp = float((_b.ffn(_x) - _hf.mlp(_x)).abs().max())
assert _n1 < 1e-4 and _n2 < 1e-4, (f"norm1 differs from ln_1 by {_n1:.3g}, norm2 from ln_2 by {_n2:.3g}"
                                   + (" (swapped: ln_1 comes before the attention)" if _swap < 1e-4 else ""))
assert _o < 1e-4, f"W_o differs from attn.c_proj by {_o:.3g} (Conv1D: transpose the weight)"
assert _mlp < 1e-4, (f"ffn differs from GPT-2's mlp by {_mlp:.3g}: linear1 <- mlp.c_fc, linear2 <- mlp.c_proj, both "
                     "transposed (and block_for must choose tanh-GELU)")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_gpt2_block_matches_transformers", "points": 2}
"""Your loaded block reproduces transformers' GPT2Block (causal) to 1e-5 on random configurations and inputs."""
import torch
from transformers import GPT2Config
from transformers.models.gpt2.modeling_gpt2 import GPT2Block


def _gpt2_reference(hf_block, x):
    T = x.shape[1]
    _additive = torch.zeros(T, T, dtype=x.dtype).masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(),
                                                             torch.finfo(x.dtype).min)
    out = hf_block(x, attention_mask=_additive[None, None])
    return out[0] if isinstance(out, tuple) else out


torch.manual_seed(6)
_cfg = GPT2Config(n_embd=12, n_head=3)
_hf = GPT2Block(_cfg, layer_idx=0).eval()
_b = block_for(_cfg)
load_gpt2_block(_b, _hf)
_x = torch.randn(2, 6, 12)
with torch.no_grad():
    _err = float((_b(_x) - _gpt2_reference(_hf, _x)).abs().max())
assert _err < 1e-5, f"block(x) differs from GPT2Block(x) by {_err:.3g} (max abs), expected < 1e-5"
### BEGIN HIDDEN TESTS
for _seed, (_d, _h, _inner, _B, _T) in enumerate([(16, 4, None, 3, 7), (6, 1, 10, 1, 9), (20, 5, 8, 2, 4), (24, 3, 40, 2, 11)]):
    torch.manual_seed(60 + _seed)
    _cfg = GPT2Config(n_embd=_d, n_head=_h, n_inner=_inner)
    _hf = GPT2Block(_cfg, layer_idx=0).eval()
    for _p in _hf.parameters():
        _p.data.normal_(0, 0.5)
    _b = block_for(_cfg)
    load_gpt2_block(_b, _hf)
    _x = torch.randn(_B, _T, _d)
    with torch.no_grad():
        _want = _gpt2_reference(_hf, _x)
        _err = float((_b(_x) - _want).abs().max()) / max(1.0, float(_want.abs().max()))
    assert _err < 1e-5, f"block(x) differs from GPT2Block(x) by {_err:.3g} for d={_d}, heads={_h}, n_inner={_inner}"
### END HIDDEN TESTS

# %% [markdown]
# **Discovery.** Two architectures that papers draw differently turned out to be *one* class of
# yours with three switches (where the norm goes, whether attention looks ahead, which GELU).
# That is how libraries are written: `transformers` has hundreds of model classes, and most are
# this block with different switches, names and storage layouts. The storage layout is also where
# silent bugs live: a square `(d, d)` matrix loads without complaint in either orientation.
#
# ## 2. A trained model, inspected (~50 min)
#
# **Theory hint.** A model's configuration and weights are all a library needs to rebuild it.
# The folder `tiny-lm` next to this notebook holds a small GPT-2 trained for this course:
# `config.json` (the `GPT2Config`: 2 layers, 4 heads of $d_\text{head} = 16$, $d_\text{model} = 64$,
# learned position embeddings for 128 positions, a vocabulary of 64 tokens: 60 words and 4
# special tokens),
# `model.safetensors` (its weights), and a word-level tokenizer. It was trained on *generated*
# text, so the course can ship it with its data: sentences of a tiny English-like grammar
# ("the old cat sees bob ."), segments of random words that are repeated ("fish sings red ,
# fish sings red ,"), and "skip chains" in which every word is a fixed function of the word
# *two* places before it. Its model card (`tiny-lm/README.md`) gives the training command,
# the loss curve and its head scores. The line that loads it,
#
#     AutoModelForCausalLM.from_pretrained("tiny-lm")
#
# is the line that loads GPT-2 itself from the Hugging Face Hub — `from_pretrained("gpt2")` —
# on a machine with internet (the optional section at the end says what else to change; this
# notebook never needs it). `attn_implementation="eager"` asks for the plain attention code,
# which can return the attention weights (the default, fused kernel does not return them).
#
# **Real-world example — an X-ray.** You cannot ask a trained network what it learned, but you
# can watch it work: every head's attention weights are a picture of where it looks. Pictures
# suggest; *measurements* (a score per head) and *interventions* (switch a head off, see what
# breaks) decide.

# %% nbgrader={"locked": true, "grade_id": "load_model"}
from pathlib import Path
if not (Path("tiny-lm") / "config.json").is_file():
    raise FileNotFoundError("the folder tiny-lm (config.json, model.safetensors, tokenizer.json) must be next to this "
                            "notebook: copy it from the assignment's folder; nothing is downloaded")
model = AutoModelForCausalLM.from_pretrained("tiny-lm", attn_implementation="eager").eval()
tokenizer = AutoTokenizer.from_pretrained("tiny-lm")
N_LAYER, N_HEAD = model.config.n_layer, model.config.n_head
BOS_ID, FIRST_WORD_ID, VOCAB_SIZE = tokenizer.bos_token_id, 4, model.config.vocab_size   # ids 0-3: <pad> <unk> <bos> <eos>
print(f"{type(model).__name__}: {N_LAYER} layers, {N_HEAD} heads, d_model = {model.config.n_embd}, "
      f"vocabulary {VOCAB_SIZE}, {sum(p.numel() for p in model.parameters()):,} parameters")


def attention_maps(ids):
    """The model's attention weights on token ids (B, T): a tuple of N_LAYER tensors (B, N_HEAD, T, T)."""
    with torch.no_grad():
        return model(ids, output_attentions=True).attentions


def plot_heads(attentions, labels, title, example=0):
    """Every head's attention weights for one example of a batch: one panel per (layer, head)."""
    n_layer, n_head = len(attentions), attentions[0].shape[1]
    fig, axes = plt.subplots(n_layer, n_head, figsize=(2.6 * n_head, 2.6 * n_layer + 0.5), squeeze=False)
    for l in range(n_layer):
        for h in range(n_head):
            ax = axes[l][h]
            ax.imshow(attentions[l][example, h].numpy(), cmap="viridis", vmin=0, vmax=1)
            ax.set_title(f"layer {l}, head {h}", fontsize=9)
            ticks = range(len(labels)) if len(labels) <= 16 else range(0, len(labels), 5)
            ax.set_xticks(list(ticks), [labels[i] for i in ticks] if len(labels) <= 16 else list(ticks),
                          rotation=90, fontsize=7)
            ax.set_yticks(list(ticks), [labels[i] for i in ticks] if len(labels) <= 16 else list(ticks), fontsize=7)
            ax.set_xlabel("key (attended to)", fontsize=8)
            ax.set_ylabel("query", fontsize=8)
    fig.suptitle(title)
    plt.tight_layout()
    plt.show()


# %%
# Every head on one sentence of the training language (<bos> first, added by the tokenizer)
sentence = "the old cat sees bob , then alice sleeps ."
sentence_ids = tokenizer(sentence, return_tensors="pt")["input_ids"]                   # (1, T)
sentence_tokens = tokenizer.convert_ids_to_tokens(sentence_ids[0].tolist())
print(sentence_tokens)
plot_heads(attention_maps(sentence_ids), sentence_tokens, f"tiny-lm: every head on “{sentence}”")

# %% [markdown]
# **Figure.** Eight heatmaps, one per head (rows: layers 0 and 1; columns: heads 0 – 3), each
# showing for every query token (rows) how much it attends to every earlier token (columns);
# the upper triangle is empty because the model is causal. In layer 0, head 3 puts nearly all its
# weight on the previous token (the line just below the diagonal), heads 0 and 1 on the token
# itself (the diagonal), head 2 on a small window of recent tokens. In layer 1, head 3 puts most
# of its weight on `<bos>` (the first column); heads 0 – 2 spread theirs over earlier words.
#
# Look for patterns you can name. A head whose weight sits on the line just below the
# diagonal attends to the **previous token**; a band along the diagonal is a head that looks at
# a small window of recent tokens. A head that looks at `<bos>` almost all the time is probably
# *resting*: with nothing useful to do on this input, it parks its weight on a token that is
# always there (BERT's heads do the same with its `[SEP]` token, Clark et al., 2019; Xiao et
# al., 2024, call such tokens "attention sinks"). To see what layer 1's head 3 is for, give the
# model text it was trained to exploit: a random sequence of words, repeated.

# %%
# A random segment of 12 words, repeated: <bos> r r
_g = torch.Generator().manual_seed(1)
_r = torch.randint(FIRST_WORD_ID, VOCAB_SIZE, (1, 12), generator=_g)
repeat_ids = torch.cat([torch.full((1, 1), BOS_ID), _r, _r], dim=1)                  # (1, 25)
repeat_tokens = tokenizer.convert_ids_to_tokens(repeat_ids[0].tolist())
print(" ".join(repeat_tokens))
plot_heads(attention_maps(repeat_ids), list(range(repeat_ids.shape[1])),
           "tiny-lm: every head on a random segment of 12 words, repeated (axes: positions)")

# %% [markdown]
# **Figure.** The same eight heads on `<bos>` followed by 12 random words and the same 12 words
# again (positions 1 – 12 and 13 – 24). Layer 0 looks as on the sentence: head 3 on the previous
# token, heads 0 and 1 on the token itself. Layer 1, head 3: on the first copy it rests on
# `<bos>`; on the second copy it draws a sharp stripe 11 positions left of the diagonal — each
# token of the second copy attends to the token that *followed* its earlier occurrence
# (position $t - 12 + 1$).
#
# ### Exercise 4 — score the previous-token heads (2 points)
#
# Pictures of one example can fool you. A **score** averages over many examples and positions.
# The previous-token score of a head is the attention weight its queries give to the token just
# before them, averaged over the batch and over the query positions $t = 1, \dots, T-1$
# (position 0 has no previous token):
#
# $$\text{prev}(l, h) = \frac{1}{B\,(T-1)} \sum_{b} \sum_{t=1}^{T-1} A^{(l)}_{b,h,t,t-1}.$$
#
# A perfect previous-token head scores 1; a head attending uniformly to the $t+1$ positions it
# may see gives $\frac{1}{T-1}\sum_{t=1}^{T-1}\frac{1}{t+1}$.

# %% nbgrader={"solution": true, "grade_id": "previous_token_scores"}
def previous_token_scores(attentions):
    """Previous-token score of every head.

    Args:
        attentions: a tuple (or list) of n_layer tensors, each (B, n_head, T, T): attentions[l][b, h, t, s]
            is how much query position t attends to key position s (each row sums to 1).
    Returns:
        (n_layer, n_head) tensor, of the attentions' dtype: the mean over b and over t = 1..T-1 of
        attentions[l][b, h, t, t - 1].
    Example: a head with weight 1 on the previous token everywhere scores 1.0.
    Hint: torch.stack(attentions) is (n_layer, B, n_head, T, T); .diagonal(offset=-1, dim1=-2, dim2=-1)
    picks the entries [t, t - 1].
    """
    ### BEGIN SOLUTION
    A = torch.stack(tuple(attentions))                                 # (L, B, H, T, T)
    below = A.diagonal(offset=-1, dim1=-2, dim2=-1)                    # (L, B, H, T-1): A[..., t, t-1]
    return below.mean(dim=(1, 3))                                      # (L, H)
    ### END SOLUTION


# %%
# Try it on the model: 32 sequences of 40 random words (<bos> first)
_g = torch.Generator().manual_seed(2)
_random_words = torch.cat([torch.full((32, 1), BOS_ID), torch.randint(FIRST_WORD_ID, VOCAB_SIZE, (32, 40), generator=_g)], dim=1)
prev_scores = previous_token_scores(attention_maps(_random_words))
print("previous-token score, rows = layers, columns = heads:\n", prev_scores)
PREV_HEAD = divmod(int(prev_scores.argmax()), N_HEAD)                                  # (layer, head)
print("highest:", PREV_HEAD, f"{float(prev_scores.max()):.3f}")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_previous_token_scores_small", "points": 1}
"""previous_token_scores gives 1 for a perfect previous-token head and the right mean for a uniform causal head."""
import torch
_T = 5
_prev = torch.zeros(_T, _T)
_prev[0, 0] = 1.0
_prev[torch.arange(1, _T), torch.arange(_T - 1)] = 1.0                 # row t puts all weight on t-1
_uniform = torch.ones(_T, _T).tril()
_uniform = _uniform / _uniform.sum(-1, keepdim=True)                   # row t: 1/(t+1) on positions 0..t
_self = torch.eye(_T)
_layer0 = torch.stack([_prev, _uniform, _self])[None]                  # (B=1, H=3, T, T)
_layer1 = torch.stack([_self, _prev, _uniform])[None]
_got = previous_token_scores((_layer0, _layer1))
assert torch.is_tensor(_got) and _got.dtype == torch.float32, \
    f"float32 attentions in: return a float32 torch tensor, got {type(_got).__name__} {getattr(_got, 'dtype', '')}"
_u = sum(1 / (t + 1) for t in range(1, _T)) / (_T - 1)
_want = torch.tensor([[1.0, _u, 0.0], [0.0, 1.0, _u]])
assert tuple(torch.as_tensor(_got).shape) == (2, 3), f"2 layers of 3 heads: expected scores of shape (2, 3), got {tuple(torch.as_tensor(_got).shape)}"
assert torch.allclose(torch.as_tensor(_got, dtype=torch.float32), _want, atol=1e-5), (
    f"expected\n{_want}\ngot\n{_got}\n(perfect previous-token head -> 1; uniform causal head -> {_u:.4f}; "
    "self-attention head -> 0: average A[t, t-1] over t = 1..T-1 only)")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_previous_token_scores_average", "points": 1}
"""previous_token_scores averages over the batch and over the query positions t = 1..T-1 (never t = 0)."""
import torch
_g = torch.Generator().manual_seed(3)
_A = torch.rand(2, 3, 4, 6, 6, generator=_g).tril()                     # (L, B, H, T, T) causal
_A = _A / _A.sum(-1, keepdim=True)
_got = torch.as_tensor(previous_token_scores(tuple(_A)), dtype=torch.float64)
_want = torch.stack([_A[..., t, t - 1] for t in range(1, 6)], dim=-1).double().mean(dim=(1, 3))   # (L, H)
_wrong_t0 = torch.stack([_A[..., t, t - 1] for t in range(1, 6)], dim=-1).double().sum(-1).mean(1) / 6
assert tuple(_got.shape) == (2, 4), f"2 layers, batch 3, 4 heads: expected scores (2, 4), got {tuple(_got.shape)} (average over the batch)"
assert torch.allclose(_got, _want, atol=1e-5), (f"scores differ from the mean of A[b, h, t, t-1] over b and t = 1..T-1 by "
                                                f"{float((_got - _want).abs().max()):.3g}"
                                                + (" (you divide by T, not T - 1: position 0 has no previous token)"
                                                   if torch.allclose(_got, _wrong_t0, atol=1e-5) else ""))
### BEGIN HIDDEN TESTS
for _L, _B, _H, _T in [(1, 1, 2, 2), (3, 5, 2, 9), (2, 2, 7, 4)]:
    _A = torch.rand(_L, _B, _H, _T, _T, generator=_g, dtype=torch.float64).tril()
    _A = _A / _A.sum(-1, keepdim=True)
    _got = previous_token_scores(list(_A))
    assert torch.is_tensor(_got) and _got.dtype == torch.float64, "float64 attentions in: return a float64 tensor"
    _want = _A.diagonal(offset=-1, dim1=-2, dim2=-1).mean(dim=(1, 3))
    assert tuple(_got.shape) == (_L, _H) and torch.allclose(_got, _want, atol=1e-8), \
        f"wrong previous-token scores for L={_L}, B={_B}, H={_H}, T={_T} (a list of float64 tensors)"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5 — score the induction heads (3 points)
#
# An **induction head** (Elhage et al., 2021; Olsson et al., 2022) completes patterns: if the
# text contains `… A B … A`, it attends from the second `A` to the `B` that followed the first
# `A`, and its output raises the probability of `B` next. The clean test is a random sequence
# $r$ of length $n$ repeated: input `<bos>` $r$ $r$, so position 0 is `<bos>`, the first copy
# is at positions $1 \dots n$ and the second copy at $n+1 \dots 2n$. A query $t$ in the second
# copy holds the token first seen at position $t - n$; the token *after* that occurrence is at
# $t - n + 1$. The induction score of a head is its attention on that key, averaged over the
# batch and the $n$ queries of the second copy:
#
# $$\text{ind}(l, h) = \frac{1}{B\,n} \sum_b \sum_{t=n+1}^{2n} A^{(l)}_{b,h,t,\,t-n+1}.$$
#
# Mind the off-by-one: attending to $t - n$ (the earlier copy of the *same* token) is a
# different head, a "duplicate-token" head.
#
# ![Tokens <bos> A B C D A at positions 0 to 5: in layer 0 a previous-token head lets B record that A came before it; in layer 1 an induction head at the second A attends to B, the token that followed the earlier A, and so the model predicts B at position 6.](figures/induction_circuit.svg)
#
# Why two layers? A head in layer 1 can read what layer-0 heads wrote into each position: if a
# previous-token head wrote "A came before me" into B, the second A's query can *match* that —
# one head cannot do both steps (Elhage et al., 2021, call this K-composition).

# %% nbgrader={"solution": true, "grade_id": "induction_scores"}
def induction_scores(attentions, seq_len):
    """Induction score of every head, measured on inputs <bos> r r with len(r) == seq_len.

    Args:
        attentions: a tuple (or list) of n_layer tensors (B, n_head, T, T) with T == 2 * seq_len + 1.
        seq_len: n, the length of the repeated segment r.
    Returns:
        (n_layer, n_head) tensor, of the attentions' dtype: mean over b and t = n+1..2n of
        attentions[l][b, h, t, t - n + 1].
    Example: seq_len = 3, T = 7: the queries are t = 4, 5, 6 and their keys 2, 3, 4.
    """
    ### BEGIN SOLUTION
    A = torch.stack(tuple(attentions))                                 # (L, B, H, T, T)
    t = torch.arange(seq_len + 1, 2 * seq_len + 1)                     # (n,) queries in the second copy
    stripe = A[..., t, t - seq_len + 1]                                # (L, B, H, n)
    return stripe.mean(dim=(1, 3))                                     # (L, H)
    ### END SOLUTION


# %%
# Try it on the model: 32 random segments of 20 words, each repeated once
SEG_LEN = 20
_g = torch.Generator().manual_seed(0)
_r = torch.randint(FIRST_WORD_ID, VOCAB_SIZE, (32, SEG_LEN), generator=_g)             # (B, n)
induction_ids = torch.cat([torch.full((32, 1), BOS_ID), _r, _r], dim=1)                # (B, 2n + 1)
ind_scores = induction_scores(attention_maps(induction_ids), SEG_LEN)
print("induction score, rows = layers, columns = heads:\n", ind_scores)
INDUCTION_HEAD = divmod(int(ind_scores.argmax()), N_HEAD)
print("highest:", INDUCTION_HEAD, f"{float(ind_scores.max()):.3f}")

_fig, _axes = plt.subplots(1, 2, figsize=(9, 3.2))
for _ax, _scores, _name in [(_axes[0], prev_scores, "previous-token score"), (_axes[1], ind_scores, "induction score")]:
    _im = _ax.imshow(_scores.numpy(), cmap="magma", vmin=0, vmax=1)
    for (_l, _h), _v in np.ndenumerate(_scores.numpy()):
        _ax.text(_h, _l, f"{_v:.2f}", ha="center", va="center", color="white" if _v < 0.6 else "black")
    _ax.set(title=_name, xlabel="head", ylabel="layer", xticks=range(N_HEAD), yticks=range(N_LAYER))
    _fig.colorbar(_im, ax=_ax)
plt.tight_layout()
plt.show()

# %% [markdown]
# **Figure.** Two 2 × 4 grids of scores between 0 and 1, one cell per head (rows: layers,
# columns: heads), left the previous-token score on random words, right the induction score on
# repeated random segments; the number in each cell is the score. One head of each kind stands
# out: head 3 of layer 0 has a previous-token score near 1, head 3 of layer 1 an induction score
# above 0.8; every other head scores below 0.3 on both.

# %% tags=["claim"]
assert PREV_HEAD == (0, 3) and float(prev_scores[0, 3]) > 0.9, f"text says head (0, 3) scores near 1: {prev_scores}"
assert INDUCTION_HEAD == (1, 3) and float(ind_scores[1, 3]) > 0.8, f"text says head (1, 3) scores above 0.8: {ind_scores}"
_others = [max(float(prev_scores[l, h]), float(ind_scores[l, h])) for l in range(N_LAYER) for h in range(N_HEAD)
           if (l, h) not in [(0, 3), (1, 3)]]
assert max(_others) < 0.3, f"text says every other head scores below 0.3 on both: {max(_others):.3f}"
_A0 = attention_maps(_random_words)[0]                                                  # (B, H, T, T), layer 0
_self = [float(_A0[:, h].diagonal(dim1=-2, dim2=-1)[:, 2:].mean()) for h in (0, 1)]
assert min(_self) > 0.85, f"text says heads 0 and 1 of layer 0 attend to the token itself: {_self}"
_sink = float(attention_maps(sentence_ids)[1][0, 3, 1:, 0].mean())
assert _sink > 0.5, f"text says head (1, 3) puts most of its weight on <bos> on the sentence: {_sink:.2f}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_induction_scores_perfect_head", "points": 1}
"""induction_scores gives 1 to a perfect induction head (key t - n + 1) and 0 to a duplicate-token head (key t - n)."""
import torch
_n, _T = 3, 7
_induction, _duplicate = torch.eye(_T), torch.eye(_T)                   # rows we do not score: attend to self
for _t in range(_n + 1, 2 * _n + 1):
    _induction[_t] = 0.0
    _induction[_t, _t - _n + 1] = 1.0
    _duplicate[_t] = 0.0
    _duplicate[_t, _t - _n] = 1.0
_attn = (torch.stack([_induction, _duplicate])[None],)                 # one layer, (B=1, H=2, T, T)
_got = induction_scores(_attn, _n)
assert torch.is_tensor(_got) and _got.dtype == torch.float32, \
    f"float32 attentions in: return a float32 torch tensor, got {type(_got).__name__} {getattr(_got, 'dtype', '')}"
assert tuple(_got.shape) == (1, 2), f"1 layer, 2 heads: expected scores of shape (1, 2), got {tuple(_got.shape)}"
assert abs(float(_got[0, 0]) - 1) < 1e-5, (f"a perfect induction head (query t -> key t - n + 1) must score 1, got {float(_got[0, 0]):.4f}"
                                           + (" (off by one: you score key t - n, the earlier copy of the same token)"
                                              if abs(float(_got[0, 1]) - 1) < 1e-5 else ""))
assert abs(float(_got[0, 1])) < 1e-5, f"a duplicate-token head (query t -> key t - n) must score 0, got {float(_got[0, 1]):.4f}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_induction_scores_average", "points": 1}
"""induction_scores averages over the batch and over exactly the n queries of the second copy."""
import torch
_g = torch.Generator().manual_seed(5)
_n = 4
_A = torch.rand(2, 3, 5, 2 * _n + 1, 2 * _n + 1, generator=_g).tril()     # (L, B, H, T, T)
_A = _A / _A.sum(-1, keepdim=True)
_got = torch.as_tensor(induction_scores(tuple(_A), _n), dtype=torch.float64)
_want = torch.stack([_A[..., t, t - _n + 1] for t in range(_n + 1, 2 * _n + 1)], dim=-1).double().mean(dim=(1, 3))
assert tuple(_got.shape) == (2, 5), f"2 layers, batch 3, 5 heads: expected scores (2, 5), got {tuple(_got.shape)} (average over the batch)"
assert torch.allclose(_got, _want, atol=1e-5), (f"scores differ from the mean over b and t = n+1..2n of A[b, h, t, t-n+1] by "
                                                f"{float((_got - _want).abs().max()):.3g} (which queries do you average over?)")
### BEGIN HIDDEN TESTS
for _L, _B, _H, _n in [(1, 1, 2, 1), (3, 4, 2, 6), (2, 2, 3, 11)]:
    _T = 2 * _n + 1
    _A = torch.rand(_L, _B, _H, _T, _T, generator=_g, dtype=torch.float64).tril()
    _A = _A / _A.sum(-1, keepdim=True)
    _got = induction_scores(list(_A), _n)
    assert torch.is_tensor(_got) and _got.dtype == torch.float64, "float64 attentions in: return a float64 tensor"
    _want = _A.diagonal(offset=1 - _n, dim1=-2, dim2=-1)[..., 2:].mean(dim=(1, 3))
    assert tuple(_got.shape) == (_L, _H) and torch.allclose(_got, _want, atol=1e-8), \
        f"wrong induction scores for L={_L}, B={_B}, H={_H}, n={_n} (a list of float64 tensors)"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_model_has_both_kinds_of_head", "points": 1}
"""On the shipped model, your scores find a previous-token head and an induction head (the ones its model card names)."""
import torch
import transformers
from transformers import AutoModelForCausalLM
transformers.logging.set_verbosity_error()
transformers.logging.disable_progress_bar()
_m = AutoModelForCausalLM.from_pretrained("tiny-lm", attn_implementation="eager").eval()
_g = torch.Generator().manual_seed(0)
_r = torch.randint(4, _m.config.vocab_size, (32, 20), generator=_g)
_ids = torch.cat([torch.full((32, 1), 2), _r, _r], dim=1)                  # <bos> r r
with torch.no_grad():
    _attn = _m(_ids, output_attentions=True).attentions
_prev = torch.as_tensor(previous_token_scores(_attn), dtype=torch.float32)
_ind = torch.as_tensor(induction_scores(_attn, 20), dtype=torch.float32)
_best_prev, _best_ind = divmod(int(_prev.argmax()), _prev.shape[1]), divmod(int(_ind.argmax()), _ind.shape[1])
assert float(_prev.max()) > 0.5, (f"your best previous-token score on this input is {float(_prev.max()):.3f} (head "
                                  f"{_best_prev}); the shipped model has a head scoring above 0.5")
assert float(_ind.max()) > 0.6, (f"your best induction score on this input is {float(_ind.max()):.3f} (head {_best_ind}); "
                                 "the shipped model has a head scoring above 0.6")
### BEGIN HIDDEN TESTS
_A = torch.stack(_attn)                                                        # (L, B, H, T, T)
_ref_prev = _A.diagonal(offset=-1, dim1=-2, dim2=-1).mean(dim=(1, 3))
_ref_ind = _A.diagonal(offset=1 - 20, dim1=-2, dim2=-1)[..., 2:].mean(dim=(1, 3))
_ref_best = divmod(int(_ref_prev.argmax()), _ref_prev.shape[1]), divmod(int(_ref_ind.argmax()), _ref_ind.shape[1])
assert _best_prev == _ref_best[0], f"your previous-token scores pick head {_best_prev}, the model's previous-token head is {_ref_best[0]}"
assert _best_ind == _ref_best[1], f"your induction scores pick head {_best_ind}, the model's induction head is {_ref_best[1]}"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 6 — switch heads off (3 points)
#
# A score says where a head looks, not whether the model *needs* it. To find out, **ablate**
# the head: set its output to zero and measure the loss again (Michel et al., 2019, did this
# for every head of BERT and of a translation transformer and found that many heads can be
# removed at test time with little loss; Olsson et al., 2022, ablate induction heads in small
# attention-only models and find that this greatly reduces their in-context learning).
#
# In GPT-2 each attention layer concatenates its heads' outputs — head $h$ fills the slice
# `[h * d_head, (h + 1) * d_head)` of a vector of length `n_embd` — and multiplies the result by
# `attn.c_proj`. Zeroing that slice of `c_proj`'s *input* removes head $h$ and nothing else.
# PyTorch can change a module's input without touching its code, with a **forward pre-hook**:
#
# ```python
# def hook(module, args):              # args: the tuple of positional inputs of module.forward
#     return (args[0] * keep,)         # the input that module.forward receives instead
# handle = model.transformer.h[layer].attn.c_proj.register_forward_pre_hook(hook)
# ...                                  # every forward pass now goes through the hook
# handle.remove()                      # and now it does not: the model is as before
# ```
#
# The loss is the model's own: `model(ids, labels=ids).loss`, the mean cross-entropy of
# predicting every token from the ones before it (the library shifts the labels by one).

# %% nbgrader={"solution": true, "grade_id": "ablated_loss"}
def ablated_loss(model, input_ids, heads):
    """The language-model loss with some attention heads switched off.

    Args:
        model: a transformers GPT2LMHeadModel (model.transformer.h[l].attn.c_proj, config.n_head, config.n_embd).
        input_ids: (B, T) int64 token ids.
        heads: a list of (layer, head) pairs to ablate; an empty list ablates nothing.
    Returns:
        float: model(input_ids, labels=input_ids).loss with the outputs of the listed heads set to zero
        (their slice [h * d_head, (h + 1) * d_head) of the input of attn.c_proj in their layer).
        The model must be unchanged afterwards (remove every hook, even if the forward pass fails).
    """
    ### BEGIN SOLUTION
    d_head = model.config.n_embd // model.config.n_head
    handles = []
    try:
        for layer in sorted({l for l, _ in heads}):
            keep = torch.ones(model.config.n_embd)                         # (n_embd,)
            for l, h in heads:
                if l == layer:
                    keep[h * d_head:(h + 1) * d_head] = 0.0
            hook = lambda module, args, keep=keep: (args[0] * keep,)        # (B, T, n_embd) * (n_embd,)
            handles.append(model.transformer.h[layer].attn.c_proj.register_forward_pre_hook(hook))
        with torch.no_grad():
            return float(model(input_ids, labels=input_ids).loss)
    finally:
        for handle in handles:
            handle.remove()
    ### END SOLUTION


# %%
# Try it: the loss on the repeated random segments of Exercise 5 (the second copies are predictable
# only by copying), with each head switched off in turn
base_repeat = ablated_loss(model, induction_ids, [])
loss_change = torch.zeros(N_LAYER, N_HEAD)
for _l in range(N_LAYER):
    for _h in range(N_HEAD):
        loss_change[_l, _h] = ablated_loss(model, induction_ids, [(_l, _h)]) - base_repeat
with torch.no_grad():
    _token_loss = F.cross_entropy(model(induction_ids).logits[:, :-1].transpose(1, 2), induction_ids[:, 1:],
                                  reduction="none")                                    # (B, 2n): loss of predicting token i+1
first_copy_loss, second_copy_loss = float(_token_loss[:, :SEG_LEN].mean()), float(_token_loss[:, SEG_LEN + 1:].mean())
print(f"loss on the first copy: {first_copy_loss:.3f}, on the second copy: {second_copy_loss:.3f} "
      f"(guessing uniformly: ln {VOCAB_SIZE - FIRST_WORD_ID} = {math.log(VOCAB_SIZE - FIRST_WORD_ID):.3f})")
print("loss change on repeated segments when one head is switched off:\n", loss_change)
_fig, _ax = plt.subplots(figsize=(4.6, 3.2))
_im = _ax.imshow(loss_change.numpy(), cmap="magma")
for (_l, _h), _v in np.ndenumerate(loss_change.numpy()):
    _ax.text(_h, _l, f"{_v:+.2f}", ha="center", va="center", color="white" if _v < 0.6 * float(loss_change.max()) else "black")
_ax.set(title="loss increase when one head is ablated", xlabel="head", ylabel="layer",
        xticks=range(N_HEAD), yticks=range(N_LAYER))
_fig.colorbar(_im, ax=_ax)
plt.tight_layout()
plt.show()

# %% [markdown]
# **Figure.** A 2 × 4 grid, one cell per head: how much the loss on repeated random segments
# rises when that head alone is switched off. Switching off the induction head (layer 1, head 3)
# or the previous-token head (layer 0, head 3) raises it by about 2; so does switching off
# layer 0's heads 0 or 1, which attend to the token itself; head 2 of layer 0 by less than 1;
# layer 1's heads 0 – 2 hardly matter (less than 0.25).

# %% tags=["claim"]
assert all(1.4 <= float(loss_change[l, h]) <= 2.6 for l, h in [(1, 3), (0, 3), (0, 0), (0, 1)]), \
    f"text says heads (1, 3), (0, 3), (0, 0) and (0, 1) each raise the loss by about 2: {loss_change}"
assert 0.3 <= float(loss_change[0, 2]) < 1.0, f"text says head (0, 2) raises it by less than 1: {loss_change}"
assert max(float(loss_change[1, h]) for h in range(3)) < 0.25, f"text says layer 1's heads 0-2 change it by < 0.25: {loss_change}"
assert float(loss_change[0, 3]) >= 0.7 * float(loss_change[1, 3]), "text says ablating the previous-token head hurts about as much as the induction head"
assert abs(first_copy_loss - math.log(60)) < 0.3 and second_copy_loss < 1.0, \
    f"text says the first copy's loss is about ln 60 and the second copy's far below: {first_copy_loss:.3f}, {second_copy_loss:.3f}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_ablated_loss_nothing_ablated", "points": 1}
"""ablated_loss with no heads is the model's ordinary loss, as a float."""
import torch
import transformers
from transformers import GPT2Config, GPT2LMHeadModel
transformers.logging.set_verbosity_error()
torch.manual_seed(7)
_m = GPT2LMHeadModel(GPT2Config(vocab_size=30, n_positions=16, n_embd=12, n_layer=2, n_head=3,
                                resid_pdrop=0, embd_pdrop=0, attn_pdrop=0)).eval()
_ids = torch.randint(0, 30, (3, 9), generator=torch.Generator().manual_seed(1))
with torch.no_grad():
    _want = float(_m(_ids, labels=_ids).loss)
_got = ablated_loss(_m, _ids, [])
assert isinstance(_got, float), f"return the loss as a Python float (float(...) or .item()), got {type(_got).__name__}"
assert abs(_got - _want) < 1e-5, f"with no heads ablated the loss must be model(ids, labels=ids).loss = {_want:.5f}, got {_got:.5f}"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_ablated_loss_zeroes_the_heads", "points": 1}
"""ablated_loss zeroes exactly the listed heads: the same loss as a model whose heads' values are zero."""
import copy
import torch
import transformers
from transformers import GPT2Config, GPT2LMHeadModel
transformers.logging.set_verbosity_error()


def _without_heads(model, heads):
    """A copy of model whose listed heads output exactly zero: their value weights and biases are zero."""
    model = copy.deepcopy(model)
    d, dh = model.config.n_embd, model.config.n_embd // model.config.n_head
    with torch.no_grad():
        for l, h in heads:
            c_attn = model.transformer.h[l].attn.c_attn                      # (d, 3d): [query | key | value]
            c_attn.weight[:, 2 * d + h * dh:2 * d + (h + 1) * dh] = 0.0
            c_attn.bias[2 * d + h * dh:2 * d + (h + 1) * dh] = 0.0
    return model


torch.manual_seed(8)
_m = GPT2LMHeadModel(GPT2Config(vocab_size=30, n_positions=16, n_embd=12, n_layer=2, n_head=3,
                                resid_pdrop=0, embd_pdrop=0, attn_pdrop=0)).eval()
for _p in _m.parameters():
    _p.data.normal_(0, 0.3)
_ids = torch.randint(0, 30, (3, 9), generator=torch.Generator().manual_seed(2))
for _heads in ([(1, 2)], [(0, 0), (1, 1)]):
    with torch.no_grad():
        _ref = _without_heads(_m, _heads)
        _want = float(_ref(_ids, labels=_ids).loss)
    _got = ablated_loss(_m, _ids, _heads)
    assert abs(float(_got) - _want) < 1e-4, (f"ablating heads {_heads}: expected loss {_want:.5f}, got {float(_got):.5f} "
                                             "(zero the slice [h * d_head, (h + 1) * d_head) of the input of attn.c_proj "
                                             "in layer l, for every listed (l, h), and only those)")
### BEGIN HIDDEN TESTS
torch.manual_seed(9)
_m = GPT2LMHeadModel(GPT2Config(vocab_size=25, n_positions=20, n_embd=20, n_layer=3, n_head=4,
                                resid_pdrop=0, embd_pdrop=0, attn_pdrop=0)).eval()
for _p in _m.parameters():
    _p.data.normal_(0, 0.3)
_ids = torch.randint(0, 25, (2, 13), generator=torch.Generator().manual_seed(3))
for _heads in ([(0, 3)], [(2, 0), (2, 3)], [(0, 1), (1, 2), (2, 2)], [(1, 0)]):
    with torch.no_grad():
        _want = float(_without_heads(_m, _heads)(_ids, labels=_ids).loss)
    _got = ablated_loss(_m, _ids, _heads)
    assert abs(float(_got) - _want) < 1e-4, f"ablating {_heads} in a 3-layer, 4-head model: expected {_want:.5f}, got {float(_got):.5f}"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_ablated_loss_leaves_model_unchanged", "points": 1}
"""After ablated_loss the model computes exactly what it computed before (every hook removed)."""
import torch
import transformers
from transformers import GPT2Config, GPT2LMHeadModel
transformers.logging.set_verbosity_error()
torch.manual_seed(10)
_m = GPT2LMHeadModel(GPT2Config(vocab_size=30, n_positions=16, n_embd=12, n_layer=2, n_head=3,
                                resid_pdrop=0, embd_pdrop=0, attn_pdrop=0)).eval()
_ids = torch.randint(0, 30, (3, 9), generator=torch.Generator().manual_seed(4))
with torch.no_grad():
    _before = _m(_ids).logits.clone()
    _params = [p.clone() for p in _m.parameters()]
ablated_loss(_m, _ids, [(0, 1), (1, 0), (1, 2)])
with torch.no_grad():
    _after = _m(_ids).logits
assert all(torch.equal(p, q) for p, q in zip(_params, _m.parameters())), \
    "ablated_loss changed the model's weights: ablate with a hook on the input of c_proj, not by editing parameters"
assert torch.equal(_before, _after), ("after ablated_loss the model computes other logits than before: remove every hook "
                                      "you registered (handle.remove(), in a finally: block)")

# %% [markdown]
# **Discovery — what the heads do, and why there are two layers.** On the first copy of a
# random segment the model can only guess (its loss there is about $\ln 60 \approx 4.1$: 60
# words, all equally likely); on the second copy it copies, and its loss falls far below that
# (both are printed above). One head of layer 1 does the copying: head 3, induction score above
# 0.8. It cannot do it alone: switching off the previous-token head of layer 0 hurts the
# copying about as much as switching off the induction head itself. The layer-1 head can find
# "the token after the earlier A" only because a layer-0 head wrote into every position which
# token came before it: the two-layer circuit drawn above Exercise 5 (Olsson et al., 2022).
# The training data explain why these heads exist (model card): the repeated segments reward
# copying, and the skip chains, where the next word is a function of the word *before* the
# current one, reward reading the previous position. And the model card's training log shows how they
# formed: the previous-token head gradually, the induction head abruptly (its score went from
# 0.09 to 0.74 between two probes 250 steps apart), the "phase change" Olsson et al. describe.
#
# Note what the scores do not find: heads 0 and 1 of layer 0 attend to the token itself, score
# zero on both measures, and matter as much as the famous two (ablating either raises the loss
# by about 2). You only measure what you define a score for; ablation tells you what the model
# uses.
#
# ### What positional information does the model use?
#
# GPT-2 has no sinusoids: it *learns* one vector per position, `transformer.wpe`, a table of
# 128 × 64 numbers (Part 4's `LearnedPositionalEmbedding`), added to the token embedding. A
# previous-token head needs *relative* position ("the token one step back"), but the model
# only receives *absolute* positions. The cosine similarity between the learned position vectors
# shows what the model made of them:

# %%
_wpe = model.transformer.wpe.weight.detach()                                          # (n_positions, n_embd)
_unit = _wpe / _wpe.norm(dim=-1, keepdim=True)
position_similarity = _unit @ _unit.T                                                 # (n_positions, n_positions)
_fig, _axes = plt.subplots(1, 2, figsize=(10, 3.8))
_im = _axes[0].imshow(position_similarity.numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
_axes[0].set(title="cosine similarity of learned position vectors", xlabel="position", ylabel="position")
_fig.colorbar(_im, ax=_axes[0])
for _k, _style in [(1, "-"), (4, "--"), (16, ":")]:
    _axes[1].plot([float(position_similarity[p, p + _k]) for p in range(128 - _k)], _style, label=f"position p vs p + {_k}")
_axes[1].set(title="similarity to a position k steps later", xlabel="position p", ylabel="cosine similarity")
_axes[1].legend()
plt.tight_layout()
plt.show()
neighbour_similarity = float(torch.stack([position_similarity[p, p + 1] for p in range(1, 100)]).mean())
mid_similarity = float(torch.stack([position_similarity[p, p + 4] for p in range(1, 100)]).mean())
far_similarity = float(torch.stack([position_similarity[p, p + 16] for p in range(1, 100)]).mean())
print(f"mean cosine similarity of positions 1 apart: {neighbour_similarity:.2f}, 4 apart: {mid_similarity:.2f}, "
      f"16 apart: {far_similarity:.2f}")

# %% tags=["claim"]
assert 0.45 <= neighbour_similarity <= 0.7 and 0.45 <= mid_similarity <= 0.7 and 0.15 <= far_similarity <= 0.35, \
    f"text says about 0.5-0.6, 0.5-0.6 and 0.25: {neighbour_similarity:.2f}, {mid_similarity:.2f}, {far_similarity:.2f}"
_far = [float(position_similarity[p, p + 16]) for p in range(1, 100)]
assert -0.35 < min(_far) < -0.25 and 0.8 < max(_far) < 0.9, f"text says positions 16 apart swing between about -0.3 and 0.85: {min(_far):.2f}..{max(_far):.2f}"

# %% [markdown]
# **Figure.** Left: a 128 × 128 map of the cosine similarity between the learned vectors of
# every pair of positions (red: similar, blue: opposite). Right: for every position $p$, the
# similarity of its vector with the vector of position $p+1$ (solid), $p+4$ (dashed) and
# $p+16$ (dotted). The map has a band along its diagonal with ripples beside it: nearby
# positions have related vectors (cosine about 0.5 – 0.6 for positions 1 and 4 apart), positions
# 16 apart much less (about 0.25 on average, swinging between about −0.3 and 0.85). The table
# started as the sinusoidal encoding of Part 4 (model card) and kept part of its wave structure.
#
# ### Question — which position information does the model use? (2 points, graded by hand)
# From the plots of this section: which kind of position information does each head you found
# rely on — absolute position, relative position ("one step back"), or none (content only)?
# Name the evidence for each. Then say why a model that only ever saw sequences of 128 tokens
# cannot be run on 200 (look at `wpe`), and what Part 4 said about encodings that avoid this.

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_positions", "points": 2}
# **Model answer.** *Relative position* for the previous-token head (0, 3): at every position
# it attends to exactly one step back — the line sits at the same offset everywhere, on a
# sentence and on random words, so it cannot be using content (random words carry no clue about
# which one came before). It computes "one step back" from the absolute position vectors it is
# given (a query at $p$ that matches the key vector of $p - 1$). Heads (0, 0) and (0, 1) use
# position too (offset 0: the token itself). *Content* for the induction head (1, 3): it
# attends to wherever the matching token occurred earlier (its stripe sits $n - 1$ positions
# back for a segment of length $n$, wherever the segment starts), using what the
# previous-token head wrote. No head needs absolute position for its own sake. `wpe` has exactly 128 rows, so
# position 128 has no vector at all: on 200 tokens the model fails (an index error), and new
# rows would be untrained. Part 4's sinusoidal encoding is defined for every position; relative
# schemes (rotary embeddings, ALiBi) were designed to extrapolate, with limits.
# *Full marks:* relative position for the local/previous-token heads and content for the
# induction heads, each with evidence from the plots (1 pt); the 128-row table and what Part 4
# offers instead (1 pt).

# %% [markdown]
# ## 3. Generation, with the KV cache (~40 min)
#
# **Theory hint.** A language model gives, for every position, scores (logits) over the
# vocabulary for the *next* token. To generate, you repeat: run the model, take the logits of the
# last position, choose a token, append it, run again. How to choose:
# - **greedy**: the most likely token (`argmax`) — deterministic, often repetitive;
# - **temperature sampling**: sample from $\text{softmax}(z / \tau)$; $\tau < 1$ sharpens the
#   distribution towards greedy, $\tau > 1$ flattens it towards uniform;
# - **top-k sampling** (Fan et al., 2018): keep the $k$ largest logits, set the others to
#   $-\infty$, then sample as above — the long tail of unlikely tokens can never be drawn.
#
# Part 6's lesson applies: at step $t$ the keys and values of tokens $0..t-1$ have not changed,
# so a decoder keeps them in a **KV cache**, one per layer, and feeds the model only the new
# token. The read-only cell below gives the model as a *step function* with that interface —
# GPT-2's forward pass written with Part 6's `cached_attention_step`, made multi-head, using the
# trained model's weights:
#
#     logits, cache = step(new_ids, cache)      # new_ids (B, T_new); logits (B, T_new, V)
#
# With `cache=None` it reads `new_ids` from position 0 and returns a fresh cache; with a cache
# it continues after the positions already in it. (`transformers` has the same interface:
# `model(new_ids, cache=cache, use_cache=True)` returns `.logits` and `.cache`.)
#
# **Real-world example — writing a story, one word at a time.** You reread your notes (the
# cache), not the whole story, before writing each next word.

# %% nbgrader={"locked": true, "grade_id": "cached_model"}
def cached_attention_step(x, W_q, W_k, W_v, num_heads, cache=None):
    """Part 6's cached attention step, for several new positions and several heads.

    x: (B, T_new, d) the new positions' vectors; W_q, W_k, W_v: callables d -> d (linear layers).
    cache: None or {"K": (B, H, t, d_head), "V": (B, H, t, d_head)} for the t earlier positions.
    Returns (out (B, T_new, d), cache with t + T_new positions); new position i sees positions 0..t+i.
    """
    B, T_new, d = x.shape
    split = lambda y: y.view(B, T_new, num_heads, d // num_heads).transpose(1, 2)      # (B, H, T_new, d_head)
    q, k, v = split(W_q(x)), split(W_k(x)), split(W_v(x))
    if cache is not None:
        k = torch.cat([cache["K"], k], dim=2)                                          # (B, H, t + T_new, d_head)
        v = torch.cat([cache["V"], v], dim=2)
    t = k.shape[2] - T_new                                                              # positions already cached
    allowed = torch.ones(T_new, t + T_new, dtype=torch.bool).tril(diagonal=t)          # (T_new, t + T_new)
    scores = q @ k.transpose(-1, -2) / math.sqrt(d // num_heads)                       # (B, H, T_new, t + T_new)
    weights = torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)
    out = (weights @ v).transpose(1, 2).reshape(B, T_new, d)                           # (B, T_new, d): heads merged
    return out, {"K": k, "V": v}


class CachedGPT:
    """A GPT2LMHeadModel's weights run by this course's code: step(new_ids, cache) -> (logits, cache)."""

    def __init__(self, hf_model):
        self.m, self.d, self.H = hf_model.transformer, hf_model.config.n_embd, hf_model.config.n_head
        self.lm_head = hf_model.lm_head

    @torch.no_grad()
    def __call__(self, new_ids, cache=None):
        t = 0 if cache is None else cache[0]["K"].shape[2]                             # positions already seen
        x = self.m.wte(new_ids) + self.m.wpe(torch.arange(t, t + new_ids.shape[1]))    # (B, T_new, d)
        new_cache = []
        for l, block in enumerate(self.m.h):
            c_attn, d = block.attn.c_attn, self.d
            W_q = lambda y: y @ c_attn.weight[:, :d] + c_attn.bias[:d]                   # Conv1D: (in, out)
            W_k = lambda y: y @ c_attn.weight[:, d:2 * d] + c_attn.bias[d:2 * d]
            W_v = lambda y: y @ c_attn.weight[:, 2 * d:] + c_attn.bias[2 * d:]
            attn, layer_cache = cached_attention_step(block.ln_1(x), W_q, W_k, W_v, self.H,
                                                      None if cache is None else cache[l])
            x = x + block.attn.c_proj(attn)                                             # pre-norm residual
            x = x + block.mlp(block.ln_2(x))
            new_cache.append(layer_cache)
        return self.lm_head(self.m.ln_f(x)), new_cache                                 # (B, T_new, V)


tiny_step = CachedGPT(model)
with torch.no_grad():
    _full = model(sentence_ids).logits                                                 # (1, T, V)
    _a, _cache = tiny_step(sentence_ids[:, :4])                                        # first 4 tokens at once
    _b, _cache = tiny_step(sentence_ids[:, 4:5], _cache)                               # then one more
step_error = float(torch.cat([_a, _b], dim=1).sub(_full[:, :5]).abs().max())
print("step function vs transformers' forward pass, largest difference:", step_error)

# %% tags=["claim"]
assert step_error < 1e-4, f"text says the step function computes the model's logits: largest difference {step_error:.3g}"

# %% [markdown]
# ### Exercise 7 — choose the next token (3 points)
#
# Write `next_token(logits, temperature=0.0, top_k=None, generator=None)` for the logits of
# the last position, `(B, V)`. `temperature == 0` means greedy. Otherwise: divide by the
# temperature, keep the `top_k` largest logits if `top_k` is given (the rest become `-inf`;
# `torch.topk` gives the k-th largest value), and draw one token per row with
# `torch.multinomial(probabilities, 1, generator=generator)` — always pass the generator, so the
# same seed gives the same text.

# %% nbgrader={"solution": true, "grade_id": "next_token"}
def next_token(logits, temperature=0.0, top_k=None, generator=None):
    """Choose one token per row from next-token logits.

    Args:
        logits: (B, V) float tensor, the scores of the next token.
        temperature: 0 for greedy (argmax); > 0 to sample from softmax(logits / temperature).
        top_k: None, or sample only among the top_k largest logits of each row.
        generator: a torch.Generator for torch.multinomial (ignored when greedy).
    Returns:
        (B,) int64 tensor of token ids.
    Example: next_token(torch.tensor([[0.1, 2.0, -1.0]])) -> tensor([1]).
    """
    ### BEGIN SOLUTION
    if temperature == 0:
        return logits.argmax(dim=-1)                                                    # (B,)
    scores = logits / temperature                                                       # (B, V)
    if top_k is not None:
        kth = torch.topk(scores, top_k, dim=-1).values[:, -1:]                          # (B, 1): the k-th largest
        scores = scores.masked_fill(scores < kth, float("-inf"))
    probabilities = torch.softmax(scores, dim=-1)                                       # (B, V)
    return torch.multinomial(probabilities, 1, generator=generator).squeeze(-1)         # (B,)
    ### END SOLUTION


# %%
# Try it: how often each of 4 tokens is drawn, for several temperatures (and top-2)
_logits = torch.tensor([[2.0, 1.0, 0.5, -1.0]]).repeat(4000, 1)                       # (4000, 4)
for _temperature, _k in [(0.0, None), (0.5, None), (1.0, None), (2.0, None), (1.0, 2)]:
    _draws = next_token(_logits, _temperature, _k, torch.Generator().manual_seed(0))
    print(f"temperature {_temperature}, top_k {_k}: frequencies {torch.bincount(_draws, minlength=4).div(4000).tolist()}")
print("softmax(logits) at temperature 1:", torch.softmax(_logits[0], -1).numpy().round(3))

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_next_token_greedy", "points": 1}
"""With temperature 0, next_token returns the argmax of every row, as (B,) int64."""
import torch
_logits = torch.tensor([[0.1, 2.0, -1.0, 0.5], [3.0, -2.0, 0.0, 2.9], [-5.0, -4.0, -3.0, -3.5]])
_got = next_token(_logits)
assert torch.is_tensor(_got) and _got.dtype == torch.int64, f"return an int64 tensor of token ids, got {type(_got).__name__} {getattr(_got, 'dtype', '')}"
assert tuple(_got.shape) == (3,), f"3 rows of logits: expected 3 token ids, shape (3,), got {tuple(_got.shape)}"
assert _got.tolist() == [1, 0, 2], f"greedy must pick the largest logit of each row: expected [1, 0, 2], got {_got.tolist()}"
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(11)
_logits = torch.randn(7, 50, generator=_g, dtype=torch.float64)
assert next_token(_logits, 0.0, None, _g).tolist() == _logits.argmax(-1).tolist(), "greedy is wrong for float64 logits (7, 50)"
assert next_token(_logits, temperature=0.0, top_k=5).tolist() == _logits.argmax(-1).tolist(), "greedy with a top_k is still the argmax"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_next_token_samples_softmax_over_temperature", "points": 1}
"""Sampling draws from softmax(logits / temperature), reproducibly with the given generator."""
import torch
_logits = torch.tensor([[2.0, 1.0, 0.0, -1.0]]).repeat(20000, 1)
for _temperature in (0.5, 2.0):
    _draws = next_token(_logits, _temperature, None, torch.Generator().manual_seed(1))
    _freq = torch.bincount(torch.as_tensor(_draws).reshape(-1), minlength=4).double() / 20000
    _want = torch.softmax(_logits[0].double() / _temperature, -1)
    _times = torch.softmax(_logits[0].double() * _temperature, -1)
    assert (_freq - _want).abs().max() < 0.015, (
        f"temperature {_temperature}: token frequencies {_freq.numpy().round(3)}, expected softmax(logits / T) = "
        f"{_want.numpy().round(3)}" + (" (you multiply by the temperature: divide)" if (_freq - _times).abs().max() < 0.015 else ""))
_a = next_token(_logits[:50], 1.0, None, torch.Generator().manual_seed(5))
torch.manual_seed(123)
_b = next_token(_logits[:50], 1.0, None, torch.Generator().manual_seed(5))
assert torch.equal(torch.as_tensor(_a), torch.as_tensor(_b)), \
    "two calls with generators seeded alike drew different tokens: pass generator=generator to torch.multinomial"
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(12)
_row = torch.randn(1, 6, generator=_g)
_draws = next_token(_row.repeat(30000, 1), 1.3, None, torch.Generator().manual_seed(2))
_freq = torch.bincount(torch.as_tensor(_draws).reshape(-1), minlength=6).double() / 30000
assert (_freq - torch.softmax(_row[0].double() / 1.3, -1)).abs().max() < 0.015, "frequencies differ from softmax(logits / 1.3) for random logits"
_mixed = torch.tensor([[5.0, 0.0, 0.0], [0.0, 0.0, 5.0]]).repeat(500, 1)              # rows differ: sample each row from its own
_d = torch.as_tensor(next_token(_mixed, 0.5, None, torch.Generator().manual_seed(3))).reshape(-1)
assert (_d[0::2] == 0).float().mean() > 0.95 and (_d[1::2] == 2).float().mean() > 0.95, "each row must be sampled from its own logits"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_next_token_top_k", "points": 1}
"""With top_k, only the k largest logits of each row can be drawn, in proportion to their softmax."""
import torch
_logits = torch.tensor([[0.0, 3.0, 2.9, 1.0, 2.8]]).repeat(20000, 1)
_draws = torch.as_tensor(next_token(_logits, 1.0, 2, torch.Generator().manual_seed(6))).reshape(-1)
_seen = sorted(set(_draws.tolist()))
assert _seen == [1, 2], (f"top_k=2 must draw only tokens 1 and 2 (the two largest logits 3.0 and 2.9), drew {_seen}"
                         + (" (you keep k + 1 tokens)" if _seen == [1, 2, 4] else "")
                         + (" (you keep k - 1 tokens)" if _seen == [1] else ""))
_p1 = float((_draws == 1).double().mean())
_want = float(torch.softmax(torch.tensor([3.0, 2.9]).double(), -1)[0])
assert abs(_p1 - _want) < 0.015, f"among the top 2, token 1 must be drawn with probability {_want:.3f} (softmax of 3.0 and 2.9), got {_p1:.3f}"
### BEGIN HIDDEN TESTS
_g = torch.Generator().manual_seed(13)
_logits = torch.randn(8, 40, generator=_g)
_draws = torch.stack([torch.as_tensor(next_token(_logits, 0.7, 5, _g)).reshape(-1) for _ in range(300)], dim=1)   # (8, 300)
_top = torch.topk(_logits, 5, dim=-1).indices
for _b in range(8):
    _out = set(_draws[_b].tolist()) - set(_top[_b].tolist())
    assert not _out, f"row {_b}: drew tokens {sorted(_out)} outside the row's top 5"
    assert len(set(_draws[_b].tolist())) >= 3, f"row {_b}: 300 draws among the top 5 at temperature 0.7 hit only {sorted(set(_draws[_b].tolist()))}"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 8 — the generation loop (4 points)
#
# Write `generate(step, prompt_ids, max_new_tokens, ...)`. With `use_cache=True`: run `step`
# once on the whole prompt with `cache=None`, then on **only the newest token** with the cache
# it returned, again and again. With `use_cache=False`: run `step` on the *whole* sequence so
# far with `cache=None` every time (what a decoder without a cache does: Part 6's
# recomputation). Either way, the next token comes from the logits of the **last** position,
# chosen by your `next_token`. Return the prompt followed by the new tokens.

# %% nbgrader={"solution": true, "grade_id": "generate"}
def generate(step, prompt_ids, max_new_tokens, temperature=0.0, top_k=None, generator=None, use_cache=True):
    """Autoregressive generation with (or without) a KV cache.

    Args:
        step: a function step(new_ids (B, T_new), cache or None) -> (logits (B, T_new, V), cache).
        prompt_ids: (B, T0) int64, T0 >= 1. max_new_tokens: how many tokens to add.
        temperature, top_k, generator: passed to next_token for every new token.
        use_cache: True: feed step only the newest token with the cache; False: feed the whole
            sequence with cache=None at every step.
    Returns:
        (B, T0 + max_new_tokens) int64 tensor: prompt_ids followed by the generated tokens.
    """
    ### BEGIN SOLUTION
    ids = prompt_ids
    logits, cache = step(prompt_ids, None)                                              # (B, T0, V)
    for i in range(max_new_tokens):
        new = next_token(logits[:, -1], temperature, top_k, generator)                  # (B,)
        ids = torch.cat([ids, new[:, None]], dim=1)                                     # (B, T0 + i + 1)
        if i == max_new_tokens - 1:
            break
        if use_cache:
            logits, cache = step(new[:, None], cache)                                   # (B, 1, V)
        else:
            logits, _ = step(ids, None)                                                 # (B, T0 + i + 1, V)
    return ids
    ### END SOLUTION


# %%
# Try it: greedy continuation of a sentence with the course's step function, and transformers' own generate
_prompt = tokenizer("the old cat sees", return_tensors="pt")["input_ids"]
_mine = generate(tiny_step, _prompt, 12)
with torch.no_grad():
    _theirs = model.generate(_prompt, max_new_tokens=12, do_sample=False)
print("yours:        ", tokenizer.decode(_mine[0]))
print("transformers: ", tokenizer.decode(_theirs[0]))
print("same tokens:", torch.equal(_mine, _theirs))
same_as_generate = torch.equal(_mine, _theirs)
_copy = generate(tiny_step, induction_ids[:1, :SEG_LEN + 4], SEG_LEN - 3)               # <bos> r + 3 tokens of r again
print("\ncopying: a random segment, then its first 3 words: the model continues with")
print("   ", tokenizer.decode(_copy[0, SEG_LEN + 4:]))
copy_accuracy = float((_copy[0, SEG_LEN + 4:] == induction_ids[0, SEG_LEN + 4:]).float().mean())
print(f"the segment's continuation was ({copy_accuracy:.0%} of the copied tokens right):")
print("   ", tokenizer.decode(induction_ids[0, SEG_LEN + 4:]))
print("sampled (temperature 1, top-k 10, seed 0):",
      tokenizer.decode(generate(tiny_step, _prompt, 12, 1.0, 10, torch.Generator().manual_seed(0))[0]))

# %% tags=["claim"]
assert same_as_generate, "text says your greedy loop gives exactly the tokens of model.generate"
assert copy_accuracy >= 0.8, f"text says the model copies the rest of the segment: {copy_accuracy:.2f} of its tokens right"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_generate_shape_and_prompt", "points": 1}
"""generate returns the prompt followed by max_new_tokens tokens, each the argmax of the last position's logits."""
import torch


def _counting_step(new_ids, cache):
    """A toy model: the next token is (the sum of all tokens so far + 1) mod 10; its cache is the tokens seen."""
    seen = new_ids if cache is None else torch.cat([cache, new_ids], dim=1)            # (B, t)
    totals = seen.cumsum(dim=1)[:, -new_ids.shape[1]:]                                 # (B, T_new)
    return 5.0 * torch.nn.functional.one_hot((totals + 1) % 10, 10).float(), seen


_prompt = torch.tensor([[1, 2], [3, 3]])
_got = generate(_counting_step, _prompt, 4)
_want = torch.tensor([[1, 2, 4, 8, 6, 2], [3, 3, 7, 4, 8, 6]])
assert torch.is_tensor(_got) and tuple(_got.shape) == (2, 6), \
    f"a prompt (2, 2) and 4 new tokens: expected a tensor of shape (2, 6), got {tuple(getattr(_got, 'shape', ()))} (prompt included?)"
assert _got.dtype == torch.int64, f"token ids are int64, got {_got.dtype}"
assert torch.equal(_got[:, :2], _prompt), "the returned ids must start with the prompt"
assert torch.equal(_got, _want), (f"expected\n{_want}\ngot\n{_got}\n(the next token is the argmax of the LAST position's "
                                  "logits; feed each new token back in)")

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_generate_uses_the_cache", "points": 1}
"""With use_cache=True, step sees the prompt once, then one new token at a time with the cache it returned; without, the whole sequence."""
import torch
_calls = []


def _recording_step(new_ids, cache):
    _calls.append((new_ids.clone(), cache))
    seen = new_ids if cache is None else torch.cat([cache, new_ids], dim=1)
    totals = seen.cumsum(dim=1)[:, -new_ids.shape[1]:]
    return 5.0 * torch.nn.functional.one_hot((totals + 1) % 10, 10).float(), seen


generate(_recording_step, torch.tensor([[1, 2, 3]]), 4, use_cache=True)
_fed = [tuple(c[0].shape) for c in _calls]
assert _calls and _calls[0][1] is None and _fed[0] == (1, 3), f"the first call must be step(prompt, None): got shapes {_fed}"
assert all(f == (1, 1) for f in _fed[1:]) and all(c[1] is not None for c in _calls[1:]), (
    f"with use_cache=True every later call must get only the newest token (1, 1) and the cache: got new_ids shapes {_fed}")
_calls.clear()
_out = generate(_recording_step, torch.tensor([[1, 2, 3]]), 4, use_cache=False)
_fed = [tuple(c[0].shape) for c in _calls]
assert all(c[1] is None for c in _calls) and _fed[:3] == [(1, 3), (1, 4), (1, 5)], (
    f"with use_cache=False every call must get the whole sequence so far and cache=None: got new_ids shapes {_fed}")
assert torch.equal(_out, torch.tensor([[1, 2, 3, 7, 4, 8, 6]])), f"use_cache=False generated {_out.tolist()}, expected [[1, 2, 3, 7, 4, 8, 6]]"

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_generate_matches_transformers", "points": 2}
"""Greedy generate with a transformers model as step gives exactly the tokens of model.generate(..., do_sample=False)."""
import torch
import transformers
from transformers import GPT2Config, GPT2LMHeadModel
transformers.logging.set_verbosity_error()


def _hf_step(hf_model):
    """transformers' own forward pass with its KV cache, as a step function."""
    def step(new_ids, cache):
        with torch.no_grad():
            out = hf_model(new_ids, cache=cache, use_cache=True)
        return out.logits, out.cache
    return step


torch.manual_seed(14)
_m = GPT2LMHeadModel(GPT2Config(vocab_size=40, n_positions=64, n_embd=16, n_layer=2, n_head=2,
                                resid_pdrop=0, embd_pdrop=0, attn_pdrop=0, bos_token_id=0, eos_token_id=None)).eval()
_prompt = torch.randint(0, 40, (2, 5), generator=torch.Generator().manual_seed(5))
with torch.no_grad():
    _want = _m.generate(_prompt, max_new_tokens=15, do_sample=False)
for _cache in (True, False):
    _got = generate(_hf_step(_m), _prompt, 15, use_cache=_cache)
    assert torch.is_tensor(_got) and tuple(_got.shape) == tuple(_want.shape) and torch.equal(_got, _want), (
        f"use_cache={_cache}: your tokens\n{_got}\ndiffer from model.generate's\n{_want}")
### BEGIN HIDDEN TESTS
torch.manual_seed(15)
_m = GPT2LMHeadModel(GPT2Config(vocab_size=23, n_positions=64, n_embd=24, n_layer=3, n_head=4,
                                resid_pdrop=0, embd_pdrop=0, attn_pdrop=0, bos_token_id=0, eos_token_id=None)).eval()
for _p in _m.parameters():
    _p.data.normal_(0, 0.3)
for _B, _T0, _n in [(1, 1, 20), (3, 7, 9)]:
    _prompt = torch.randint(0, 23, (_B, _T0), generator=torch.Generator().manual_seed(_T0))
    with torch.no_grad():
        _want = _m.generate(_prompt, max_new_tokens=_n, do_sample=False)
    _got = generate(_hf_step(_m), _prompt, _n)
    assert torch.is_tensor(_got) and torch.equal(_got, _want), f"B={_B}, prompt length {_T0}, {_n} new tokens: differs from model.generate"
# sampling reproduces with the same seed, and its tokens come from the top k
_a = generate(_hf_step(_m), _prompt, 8, 1.0, 3, torch.Generator().manual_seed(9))
_b = generate(_hf_step(_m), _prompt, 8, 1.0, 3, torch.Generator().manual_seed(9))
assert torch.equal(_a, _b), "sampling with two generators seeded alike must give the same tokens: pass the generator to next_token"
assert not torch.equal(_a, generate(_hf_step(_m), _prompt, 8)), "temperature and top_k must reach next_token (sampling gave the greedy tokens)"


def _fixed_step(new_ids, cache):
    """Always the same next-token logits: token 1 is a little more likely than tokens 2-7."""
    return torch.tensor([0.0, 1.0, 0.9, 0.9, 0.8, 0.8, 0.7, 0.7]).expand(new_ids.shape[0], new_ids.shape[1], 8), None


_out = generate(_fixed_step, torch.zeros(4, 1, dtype=torch.long), 30, 5.0, 1, torch.Generator().manual_seed(1))
assert (_out[:, 1:] == 1).all(), "generate(..., temperature=5.0, top_k=1) must always give the top token: pass top_k to next_token"
### END HIDDEN TESTS

# %% [markdown]
# **Discovery.** Your loop and the library's `generate` chose the same tokens: greedy decoding
# *is* this loop (the library adds stopping rules, padding for batches of different lengths,
# beam search and other strategies around it). And given the first three words of the second
# copy of a random segment, the model continued it almost word for word: a random segment has
# no grammar to follow, only its earlier copy to read from — the induction heads of section 2
# at work.
#
# **What the cache buys.** The cell below generates sequences of growing length from a
# one-token prompt with your `generate`, with and without the cache, and reports tokens per
# second. Each time is the fastest of 5 runs in CPU time of this process
# (`time.process_time()`), so other programs on the machine distort it little (timings are
# shown, never graded). The tiny model's positions stop at 128, so the longest run is 127 new
# tokens.

# %%
def tokens_per_second(use_cache, length, repeats=5):
    """New tokens per CPU second when generating `length - 1` tokens after <bos> (fastest of `repeats` runs)."""
    prompt = torch.full((1, 1), BOS_ID)
    times = []
    for _ in range(repeats):
        start = time.process_time()
        generate(tiny_step, prompt, length - 1, use_cache=use_cache)
        times.append(time.process_time() - start)
    return (length - 1) / min(times)


LENGTHS = [16, 32, 64, 128]
speed = {cache: [tokens_per_second(cache, n) for n in LENGTHS] for cache in (True, False)}
for _n, _with, _without in zip(LENGTHS, speed[True], speed[False]):
    print(f"length {_n:3d}: {_with:7.0f} tokens/s with the cache, {_without:7.0f} without ({_with / _without:.1f}x)")
_fig, _ax = plt.subplots(figsize=(5.5, 3.5))
_ax.plot(LENGTHS, speed[True], "o-", label="with KV cache")
_ax.plot(LENGTHS, speed[False], "s--", label="without (recompute the prefix)")
_ax.set(title="tiny-lm: generation speed against length", xlabel="tokens generated (sequence length)",
        ylabel="new tokens per CPU second", xscale="log", yscale="log")
_ax.set_xticks(LENGTHS, [str(n) for n in LENGTHS])
_ax.legend()
plt.tight_layout()
plt.show()

# %% tags=["claim"]
_ratio = [w / wo for w, wo in zip(speed[True], speed[False])]
assert _ratio[-1] > 1.2 and _ratio[-1] > _ratio[0], f"text says the cache is faster at 128 tokens, and its lead grows with length: {_ratio}"
assert speed[True][-1] >= 0.6 * speed[True][0], f"text says the speed with the cache stays about constant: {speed[True]}"
assert speed[False][-1] <= 0.75 * speed[False][0], f"text says the speed without the cache falls with length: {speed[False]}"

# %% [markdown]
# **Figure.** Tokens per CPU second (log scale) against the length of the generated sequence
# (16 to 128, log scale), with the KV cache (circles, solid line) and without it (squares,
# dashed). With the cache the speed stays about constant; without it, it falls as the sequence
# grows, because every step recomputes the whole prefix: at 128 tokens the cache is faster,
# typically 1.5 – 3 times here (the factor varies from run to run and machine to machine), and its
# lead grows with the length. At this model's size ($d_\text{model} = 64$) the fixed cost of each step
# (Python, small matrix products) dominates; the gap grows with the width and the length
# (Part 6 measured it).

# %% [markdown]
# ## 4. Why pretrained models matter (~15 min)
#
# **Theory hint — one model, many tasks.** Training a transformer from scratch needs far more
# text than any single task has labels for. *Transfer learning* splits the work: **pretrain**
# once on unlabelled text with a self-supervised objective (predict the next token, as
# `tiny-lm` did and GPT does; or fill in masked tokens, as BERT does), then **adapt** the same
# weights to each task with a little labelled data (Howard & Ruder, 2018; Radford et al., 2018;
# Devlin et al., 2019). Two ways to adapt:
#
# | | fine-tuning | feature extraction |
# |---|---|---|
# | what is trained | every pretrained weight, plus a small task head | only a small model on top of the frozen network's hidden states |
# | cost | a full backward pass through the model; one copy of the weights per task | one forward pass per example (the features can be computed once and stored) |
# | example | BERT: "all of the parameters are fine-tuned using labeled data from the downstream tasks" (Devlin et al., 2019, §3) | ELMo's features fed to task models (Peters et al., 2018); BERT's features on named-entity recognition: 96.1 dev F1 from its last four layers, against 96.4 fine-tuned (Devlin et al., 2019, §5.3, Table 7) |
#
# The heads you measured are a small instance of why this works: a previous-token head and an
# induction head are useful for *any* text, so a model that learned them once brings them to
# every task.
#
# **What larger models show that this one cannot.** `tiny-lm` has about 100 thousand
# parameters and a vocabulary of 64 tokens. GPT-3 (Brown et al., 2020) has 175 billion
# parameters and was trained on about 300 billion tokens; it showed **in-context learning**:
# given a few examples of a task in its prompt and no weight update at all, it performs the task
# ("few-shot"), and the few-shot gains grew with model size. Olsson et al. (2022) connect this to what you measured
# today: induction heads form in a sudden phase change during training, at the same point as a
# jump in in-context learning, and knocking them out in small models greatly reduces it —
# causal evidence for small attention-only models, correlational for larger ones (the
# authors' own summary), that induction heads are one mechanism of in-context learning.
#
# Wei et al. (2022) collected **emergent abilities**: tasks (multi-step arithmetic, some word
# puzzles) on which models stay near chance as they grow and then, past some scale, jump well
# above it. Schaeffer, Miranda & Koyejo (2023) dispute the jumps: with metrics that give partial
# credit (e.g. per-token scores instead of exact match) the same models improve *smoothly*, so
# much of the apparent emergence comes from the metric, not the model. Both sides agree that
# larger models do more; they disagree on whether the change is sudden. Keep the question open —
# and when you read a claim about what large models "suddenly" can do, ask how it was measured.
#
# ### Question — transfer learning (2 points, graded by hand)
# You have 500 labelled sentences for a task (say: is a product review positive?) and a
# pretrained model such as BERT. (a) Would you fine-tune or extract features, and why? Name one
# risk of your choice with so little data. (b) Why can't you do the same with `tiny-lm`, even
# though it is a trained transformer like BERT? Answer in a few sentences.

# %% [markdown] nbgrader={"solution": true, "grade": true, "grade_id": "q_transfer", "points": 2}
# **Model answer.** (a) Either is defensible. Fine-tuning usually gives the best accuracy
# (Devlin et al. fine-tune every weight), but with 500 examples it can overfit or forget what
# pretraining taught (use a small learning rate, few epochs, a held-out set to stop early);
# feature extraction trains only a small classifier on frozen features — cheap, stable, hard to
# overfit, a little less accurate. (b) `tiny-lm` was pretrained on a 60-word generated language:
# it has never seen the words of product reviews (they would all be `<unk>`) and its 100
# thousand parameters hold only what that language needs (word order, copying). Transfer works
# when the pretraining data cover what the task needs.
# *Full marks:* a choice with a reason and a risk (1 pt); the vocabulary/data coverage argument
# for (b) (1 pt).

# %% [markdown]
# ## 5. Concept quiz (5 points, ~10 min)
#
# Quick questions on this part's ideas, one point each. Answer each in its own cell — replace
# `None` (and delete the `raise NotImplementedError()` line) with a letter as a string (`"B"`),
# `True`/`False`, or a number, as the cell says. The check below each answer only tells you
# whether your answer has the right *form*; whether it is right is checked when your work is
# graded.

# %% [markdown]
# **Question 1.** GPT-2 small has `n_embd = 768`. How many columns does its `attn.c_attn.weight`
# (a `Conv1D`, stored as `(in, out)`) have?

# %% nbgrader={"solution": true, "grade_id": "quiz_c_attn_columns"}
quiz_c_attn_columns = None  # a number
### BEGIN SOLUTION
quiz_c_attn_columns = 2304
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_c_attn_columns", "points": 1}
"""Question 1: the width of GPT-2's fused query/key/value matrix."""
import numbers
import numpy as np
assert isinstance(quiz_c_attn_columns, numbers.Real) and not isinstance(quiz_c_attn_columns, (bool, np.bool_)), \
    f"answer with a number (an int or a float), got {quiz_c_attn_columns!r}"
assert 0 <= quiz_c_attn_columns <= 1e9, f"a number of columns is a positive number, got {quiz_c_attn_columns!r}"
### BEGIN HIDDEN TESTS
assert abs(float(quiz_c_attn_columns) - 2304) <= 1e-6, "query, key and value side by side: 3 x 768 = 2304 columns (768 rows: in first)"
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** Where does GPT-2 put its layer norms?
#
# - **A** — after each residual addition, `x = LN(x + sublayer(x))`, as BERT and the original transformer
# - **B** — at the input of each sub-block, `x = x + sublayer(LN(x))`, plus one final layer norm after the last block
# - **C** — only once, after the last block
# - **D** — GPT-2 uses no layer norm

# %% nbgrader={"solution": true, "grade_id": "quiz_gpt2_norm"}
quiz_gpt2_norm = None  # "A", "B", "C" or "D"
### BEGIN SOLUTION
quiz_gpt2_norm = "B"
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_gpt2_norm", "points": 1}
"""Question 2: GPT-2's layer-norm placement."""
assert isinstance(quiz_gpt2_norm, str) and quiz_gpt2_norm.strip().upper() in ("A", "B", "C", "D"), \
    f'answer with one letter as a string: "A", "B", "C" or "D"; got {quiz_gpt2_norm!r}'
### BEGIN HIDDEN TESTS
assert quiz_gpt2_norm.strip().upper() == "B", "pre-norm: GPT-2 moved layer normalisation to the input of each sub-block and added one after the final block (Radford et al., 2019, §2.3)"
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** On the input `<bos>` $r$ $r$ with a segment $r$ of $n = 10$ tokens, which key
# position does a perfect induction head attend to from query position 15?

# %% nbgrader={"solution": true, "grade_id": "quiz_induction_key"}
quiz_induction_key = None  # a number
### BEGIN SOLUTION
quiz_induction_key = 6
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_induction_key", "points": 1}
"""Question 3: where an induction head looks."""
import numbers
import numpy as np
assert isinstance(quiz_induction_key, numbers.Real) and not isinstance(quiz_induction_key, (bool, np.bool_)), \
    f"answer with a number (a position), got {quiz_induction_key!r}"
assert 0 <= quiz_induction_key <= 20, f"a position of the 21-token input is between 0 and 20, got {quiz_induction_key!r}"
### BEGIN HIDDEN TESTS
assert abs(float(quiz_induction_key) - 6) <= 1e-6, "position 15 holds the token first seen at 15 - 10 = 5; the induction head attends to the token after it, position 6"
### END HIDDEN TESTS

# %% [markdown]
# **Question 4.** True or False: as the temperature goes to 0, temperature sampling picks the
# greedy (argmax) token with probability approaching 1 (when the largest logit is unique).

# %% nbgrader={"solution": true, "grade_id": "quiz_low_temperature_is_greedy"}
quiz_low_temperature_is_greedy = None  # True or False
### BEGIN SOLUTION
quiz_low_temperature_is_greedy = True
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_low_temperature_is_greedy", "points": 1}
"""Question 4: low temperature."""
import numpy as np
assert isinstance(quiz_low_temperature_is_greedy, (bool, np.bool_)), f"answer True or False (without quotes), got {quiz_low_temperature_is_greedy!r}"
### BEGIN HIDDEN TESTS
assert bool(quiz_low_temperature_is_greedy) is True, "True: softmax(z / T) puts all its mass on the largest logit as T -> 0"
### END HIDDEN TESTS

# %% [markdown]
# **Question 5.** True or False: with greedy decoding, using a KV cache can change which tokens
# are generated (beyond floating-point rounding).

# %% nbgrader={"solution": true, "grade_id": "quiz_cache_changes_tokens"}
quiz_cache_changes_tokens = None  # True or False
### BEGIN SOLUTION
quiz_cache_changes_tokens = False
### END SOLUTION

# %% nbgrader={"grade": true, "locked": true, "grade_id": "test_quiz_cache_changes_tokens", "points": 1}
"""Question 5: the cache changes the cost, not the result."""
import numpy as np
assert isinstance(quiz_cache_changes_tokens, (bool, np.bool_)), f"answer True or False (without quotes), got {quiz_cache_changes_tokens!r}"
### BEGIN HIDDEN TESTS
assert bool(quiz_cache_changes_tokens) is False, "False: in a causal model the cached keys and values are exactly what recomputation gives; only the cost changes (your Exercise 8 checked it)"
### END HIDDEN TESTS

# %% [markdown]
# ## Going further: the same notebook on GPT-2 from the Hub (~15 min, optional)
#
# On a machine with internet, an instructor (or you) can point this notebook at a real
# pretrained model: in the `load_model` cell, replace `"tiny-lm"` by `"gpt2"` (GPT-2 small:
# 12 layers of 12 heads, $d_\text{model} = 768$, 124 million parameters, a vocabulary of
# 50,257 byte-pair tokens). The first call downloads about 550 MB into the Hugging Face cache;
# later calls read the cache. Then:
# - use `FIRST_WORD_ID = 0` and `VOCAB_SIZE = model.config.vocab_size`, and `BOS_ID =
#   tokenizer.bos_token_id` (GPT-2's tokenizer does **not** add it by itself: prepend it to
#   sentences);
# - your `previous_token_scores`, `induction_scores` and `ablated_loss` work unchanged (they read
#   the sizes from the model); the head plots get large (144 panels: plot one layer at a time);
# - `block_for(model.config)` and `load_gpt2_block` load any of its 12 blocks: compare with
#   `gpt2_block_forward(model.transformer.h[5], x)`.
# Olsson et al. (2022) found induction heads in every model they studied, small and large. Expect
# several previous-token and induction heads, mostly in different layers, and scores lower than
# `tiny-lm`'s (a real model does many things at once). None of this is needed for the graded
# work, and the notebook as handed out never touches the network.

# %% [markdown]
# ## Key takeaways
# 1. A real library's BERT layer and GPT-2 block are the blocks you built: post-norm or
#    pre-norm, bidirectional or causal, exact or tanh GELU. Loading weights is a **mapping** of
#    names and layouts (`nn.Linear` `(out, in)` vs `Conv1D` `(in, out)`, fused `c_attn`), and the
#    only proof that it is right is reproducing the outputs.
# 2. `from_pretrained(folder)` rebuilds a model from `config.json` and its weights; the same line
#    loads a Hub model by name when there is internet.
# 3. Attention maps *suggest* what heads do; **scores** measure it (previous-token, induction)
#    and **ablations** test whether the model needs it.
# 4. Induction heads need two layers: a previous-token head writes "what came before me", and
#    a second-layer head matches it — the circuit behind copying and, in large models, part of
#    in-context learning (Olsson et al., 2022).
# 5. Generation is a loop around the model: logits of the last position → greedy, temperature
#    or top-k choice → append. The KV cache changes its cost, never its result.
# 6. Pretraining once and adapting many times (fine-tuning, feature extraction) is why
#    pretrained models matter; what scale adds (in-context learning, "emergent" abilities) is
#    real but measured with care.
#
# ### Next steps
# 1. Load GPT-2 from the Hub (the optional section above) and find its induction heads.
# 2. The Hugging Face LLM course, chapters 2 – 3: tokenizers, models and fine-tuning with the
#    library you just looked inside.
# 3. Read Olsson et al. (2022) and Elhage et al. (2021) with this notebook's plots beside you.

# %% [markdown]
# ## Readings for this part
# | reading | read it for |
# |---|---|
# | Devlin et al. (2019), *BERT*, §3 (pre-training and fine-tuning), §5.3 (feature-based approach, Table 7) | the BERT layer of section 1; fine-tuning vs feature extraction in section 4 |
# | Radford et al. (2019), *Language Models are Unsupervised Multitask Learners* (GPT-2), §2.3 | the pre-norm change and GPT-2's sizes |
# | Olsson et al. (2022), *In-context Learning and Induction Heads* (Transformer Circuits Thread); Elhage et al. (2021), *A Mathematical Framework for Transformer Circuits* | previous-token and induction heads, how they compose across two layers, and the evidence linking them to in-context learning |
# | Michel, Levy & Neubig (2019), *Are Sixteen Heads Really Better than One?* | ablating heads and what it shows |
# | Clark, Khandelwal, Levy & Manning (2019), *What Does BERT Look At?*; Xiao et al. (2024), *Efficient Streaming Language Models with Attention Sinks* | heads that rest on a fixed token (`[SEP]`, the first token) |
# | Brown et al. (2020), *Language Models are Few-Shot Learners* (GPT-3), §1 – §3 | in-context learning and how it grows with scale |
# | Wei et al. (2022), *Emergent Abilities of Large Language Models*; Schaeffer, Miranda & Koyejo (2023), *Are Emergent Abilities of Large Language Models a Mirage?* | the emergence debate of section 4, both sides |
# | Howard & Ruder (2018), *ULMFiT*; Peters et al. (2018), *ELMo* | transfer learning by fine-tuning and by features, before BERT |
# | Tunstall, von Werra & Wolf, *Natural Language Processing with Transformers* (O'Reilly, revised ed. 2022), ch. 2 (fine-tuning a classifier, feature extraction vs fine-tuning), ch. 5 (*Text Generation*: greedy, beam, temperature, top-k and top-p sampling) | sections 3 and 4 with the `transformers` library |
# | Hugging Face LLM course, chapter 1, "How do Transformers work?" ("Transfer Learning"); chapter 2, "Behind the pipeline" and "Models" | `from_pretrained`, configurations and checkpoints, transfer learning |
# | Jay Alammar, "The Illustrated GPT-2" (2019) | GPT-2's blocks and generation, drawn |
