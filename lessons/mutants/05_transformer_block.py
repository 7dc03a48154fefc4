"""Mutation catalogue for 05_transformer_block: realistic wrong answers (must lose points) and correct alternatives (must get full marks)."""

_LN_INIT = (
    "class LayerNorm(nn.Module):\n    def __init__(self, d_model, eps=1e-5):\n        super().__init__()\n"
    "        self.eps = eps\n        self.weight = nn.Parameter(torch.ones(d_model))\n"
    "        self.bias = nn.Parameter(torch.zeros(d_model))\n\n"
)
_FF_INIT = (
    "class FeedForward(nn.Module):\n    def __init__(self, d_model, d_ff):\n        super().__init__()\n"
    "        self.linear1 = nn.Linear(d_model, d_ff)\n        self.linear2 = nn.Linear(d_ff, d_model)\n\n"
)
_ENC_INIT = (
    "class EncoderBlock(nn.Module):\n    def __init__(self, d_model, num_heads, d_ff, norm_first=False):\n"
    "        super().__init__()\n        self.norm_first = norm_first\n"
    "        self.self_attn = MultiHeadAttention(d_model, num_heads)\n        self.ffn = FeedForward(d_model, d_ff)\n"
    "        self.norm1 = LayerNorm(d_model)\n        self.norm2 = LayerNorm(d_model)\n\n"
    "    def forward(self, x, mask=None):\n"
)
_DEC_INIT = (
    "class DecoderBlock(nn.Module):\n    def __init__(self, d_model, num_heads, d_ff, norm_first=False):\n"
    "        super().__init__()\n        self.norm_first = norm_first\n"
    "        self.self_attn = MultiHeadAttention(d_model, num_heads)\n"
    "        self.cross_attn = MultiHeadAttention(d_model, num_heads)\n        self.ffn = FeedForward(d_model, d_ff)\n"
    "        self.norm1 = LayerNorm(d_model)\n        self.norm2 = LayerNorm(d_model)\n        self.norm3 = LayerNorm(d_model)\n\n"
    "    def forward(self, x, memory, tgt_mask=None, memory_mask=None):\n"
)
_DEC_PRE = (
    "        if self.norm_first:\n            h = self.norm1(x)\n"
    "            x = x + self.self_attn(h, h, h, mask=tgt_mask)[0]\n"
    "            x = x + self.cross_attn(self.norm2(x), memory, memory, mask=memory_mask)[0]\n"
    "            return x + self.ffn(self.norm3(x))\n"
)
_DEC_POST = (
    "        x = self.norm1(x + self.self_attn(x, x, x, mask=tgt_mask)[0])\n"
    "        x = self.norm2(x + self.cross_attn(x, memory, memory, mask=memory_mask)[0])\n"
    "        return self.norm3(x + self.ffn(x))\n"
)
_ENC_STACK_INIT = (
    "class Encoder(nn.Module):\n    def __init__(self, num_layers, d_model, num_heads, d_ff, norm_first=False):\n"
    "        super().__init__()\n"
)
_PARAMS_SIG = ("def encoder_param_count(num_layers, d_model, num_heads, d_ff, *, vocab_size=0, max_positions=0,\n"
               "                        type_vocab_size=0, embedding_norm=False, final_norm=False, pooler=False):\n")
_PARAMS_TAIL = (
    "    embeddings = (vocab_size + max_positions + type_vocab_size) * d_model\n"
    "    extra = 2 * d_model * (int(embedding_norm) + int(final_norm))\n"
    "    pool = d_model * d_model + d_model if pooler else 0\n"
    "    return int(num_layers * (attention + ffn + norms) + embeddings + extra + pool)\n"
)
_SCALE = (
    "gpt2_layers = {l2}\ngpt3_layers = {l3}\n"
    "gpt2_params = encoder_param_count(num_layers=gpt2_layers, d_model=1600, num_heads=25, d_ff=6400,\n"
    "                                  vocab_size=50257, max_positions=1024, final_norm={fn})\n"
    "gpt3_params = encoder_param_count(num_layers=gpt3_layers, d_model=12288, num_heads=96, d_ff=49152,\n"
    "                                  vocab_size=50257, max_positions=2048, final_norm={fn})\n"
)


MUTANTS = [
    # ---- layer_recipes
    {"name": "recipe_pre_norm_order", "about": "writes the pre-norm order (norm before each sub-layer)",
     "cells": {"layer_recipes": 'encoder_recipe = ["norm", "self_attention", "add", "norm", "ffn", "add"]\n'
                                'decoder_recipe = ["self_attention", "add", "norm", "cross_attention", "add", "norm", "ffn", "add", "norm"]\n'}},
    {"name": "recipe_norm_before_add", "about": "Norm then Add after each sub-layer",
     "cells": {"layer_recipes": 'encoder_recipe = ["self_attention", "norm", "add", "ffn", "norm", "add"]\n'
                                'decoder_recipe = ["self_attention", "norm", "add", "cross_attention", "norm", "add", "ffn", "norm", "add"]\n'}},
    {"name": "recipe_cross_attention_first", "about": "the decoder reads the encoder before its masked self-attention",
     "cells": {"layer_recipes": 'encoder_recipe = ["self_attention", "add", "norm", "ffn", "add", "norm"]\n'
                                'decoder_recipe = ["cross_attention", "add", "norm", "self_attention", "add", "norm", "ffn", "add", "norm"]\n'}},
    # ---- LayerNorm
    {"name": "layernorm_unbiased_variance", "about": "torch.var's default unbiased (n - 1) variance",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n"
               "        var = x.var(-1, keepdim=True)\n"
               "        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias\n"}},
    {"name": "layernorm_eps_outside_sqrt", "about": "eps added to the standard deviation, outside the root",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n"
               "        std = x.var(-1, keepdim=True, unbiased=False).sqrt()\n"
               "        return (x - mean) / (std + self.eps) * self.weight + self.bias\n"}},
    {"name": "layernorm_wrong_axis", "about": "normalises over the positions axis (batch-norm style) instead of the features",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mean = x.mean(-2, keepdim=True)\n"
               "        var = x.var(-2, keepdim=True, unbiased=False)\n"
               "        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias\n"}},
    {"name": "layernorm_buffers_not_parameters", "about": "gain and bias as plain tensors: not learned",
     "cells": {"LayerNorm": _LN_INIT.replace("nn.Parameter(torch.ones(d_model))", "torch.ones(d_model)")
               .replace("nn.Parameter(torch.zeros(d_model))", "torch.zeros(d_model)") +
               "    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n"
               "        var = x.var(-1, keepdim=True, unbiased=False)\n"
               "        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias\n"}},
    {"name": "layernorm_ignores_gain_and_bias", "about": "standardises but never applies weight and bias",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n"
               "        var = x.var(-1, keepdim=True, unbiased=False)\n"
               "        return (x - mean) / torch.sqrt(var + self.eps)\n"}},
    {"name": "layernorm_one_pass_variance", "about": "variance as E[x^2] - E[x]^2: cancels in float32 far from zero",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n"
               "        var = (x * x).mean(-1, keepdim=True) - mean * mean\n"
               "        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias\n"}},
    {"name": "layernorm_float32_inside", "about": "computes in float32 whatever the input: float64 in, float32 out",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        x = x.float()\n        mean = x.mean(-1, keepdim=True)\n"
               "        var = x.var(-1, keepdim=True, unbiased=False)\n"
               "        return (x - mean) / torch.sqrt(var + self.eps) * self.weight.float() + self.bias.float()\n"}},
    # ---- FeedForward
    {"name": "ffn_no_relu", "about": "forgets the ReLU: two linear layers collapse into one",
     "cells": {"FeedForward": _FF_INIT + "    def forward(self, x):\n        return self.linear2(self.linear1(x))\n"}},
    {"name": "ffn_relu_on_output", "about": "a ReLU after the second layer as well",
     "cells": {"FeedForward": _FF_INIT + "    def forward(self, x):\n"
               "        return torch.relu(self.linear2(torch.relu(self.linear1(x))))\n"}},
    {"name": "ffn_gelu", "about": "GELU (BERT/GPT) instead of the paper's ReLU",
     "cells": {"FeedForward": _FF_INIT + "    def forward(self, x):\n        return self.linear2(F.gelu(self.linear1(x)))\n"}},
    {"name": "ffn_dropout", "about": "adds the paper's dropout inside the FFN (random in training mode)",
     "cells": {"FeedForward": _FF_INIT.rstrip("\n") + "\n        self.dropout = nn.Dropout(0.1)\n\n"
               "    def forward(self, x):\n        return self.linear2(self.dropout(torch.relu(self.linear1(x))))\n"}},
    {"name": "ffn_ignores_d_ff", "about": "inner layer of width d_model, ignoring d_ff",
     "cells": {"FeedForward": _FF_INIT.replace("nn.Linear(d_model, d_ff)", "nn.Linear(d_model, d_model)")
               .replace("nn.Linear(d_ff, d_model)", "nn.Linear(d_model, d_model)") +
               "    def forward(self, x):\n        return self.linear2(torch.relu(self.linear1(x)))\n"}},
    # ---- input_grad_norm
    {"name": "grad_norm_residual_to_input", "about": "residual adds the stack's input x every time: h = f(h) + x",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = f(h) + x if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.sum(), x)\n    return g.norm().item()\n"}},
    {"name": "grad_norm_accumulates_on_caller", "about": "backward on the caller's tensor: grads accumulate across calls",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n    x.requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = h + f(h) if residual else f(h)\n"
                                  "    h.sum().backward()\n    return x.grad.norm().item()\n"}},
    {"name": "grad_norm_of_output", "about": "returns the norm of the output instead of the gradient",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n    h = x.detach()\n"
                                  "    with torch.no_grad():\n        for f in sublayers:\n"
                                  "            h = h + f(h) if residual else f(h)\n    return h.norm().item()\n"}},
    {"name": "grad_norm_mean_loss", "about": "L = h.mean() instead of h.sum()",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = h + f(h) if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.mean(), x)\n    return g.norm().item()\n"}},
    {"name": "grad_norm_returns_tensor", "about": "returns the 0-d tensor grad.norm() instead of a float",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = h + f(h) if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.sum(), x)\n    return g.norm()\n"}},
    {"name": "grad_norm_float32_scalar", "about": "returns np.float32 (a NumPy scalar), not a Python float",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = h + f(h) if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.sum(), x)\n    return np.linalg.norm(g.numpy())\n"}},
    {"name": "grad_norm_sequential", "about": "wraps the sub-layers in nn.Sequential: fails on plain functions",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in nn.Sequential(*sublayers):\n        h = h + f(h) if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.sum(), x)\n    return g.norm().item()\n"}},
    # ---- EncoderBlock
    {"name": "encoder_residual_outside_norm", "about": "post-norm written x + norm(SA(x)): the residual skips the norm",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        if self.norm_first:\n            h = self.norm1(x)\n            x = x + self.self_attn(h, h, h, mask=mask)[0]\n"
               "            return x + self.ffn(self.norm2(x))\n"
               "        x = x + self.norm1(self.self_attn(x, x, x, mask=mask)[0])\n"
               "        return x + self.norm2(self.ffn(x))\n"}},
    {"name": "encoder_ignores_norm_first", "about": "always post-norm, whatever norm_first says",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        x = self.norm1(x + self.self_attn(x, x, x, mask=mask)[0])\n"
               "        return self.norm2(x + self.ffn(x))\n"}},
    {"name": "encoder_mask_not_passed", "about": "never passes the mask to self-attention",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        if self.norm_first:\n            h = self.norm1(x)\n            x = x + self.self_attn(h, h, h)[0]\n"
               "            return x + self.ffn(self.norm2(x))\n"
               "        x = self.norm1(x + self.self_attn(x, x, x)[0])\n"
               "        return self.norm2(x + self.ffn(x))\n"}},
    {"name": "encoder_ffn_no_residual", "about": "the feed-forward sub-layer has no residual",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        if self.norm_first:\n            h = self.norm1(x)\n            x = x + self.self_attn(h, h, h, mask=mask)[0]\n"
               "            return self.ffn(self.norm2(x))\n"
               "        x = self.norm1(x + self.self_attn(x, x, x, mask=mask)[0])\n"
               "        return self.norm2(self.ffn(x))\n"}},
    {"name": "encoder_pre_norm_normalises_stream", "about": "pre-norm that overwrites x with norm1(x): the residual carries the normalised x",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        if self.norm_first:\n            x = self.norm1(x)\n            x = x + self.self_attn(x, x, x, mask=mask)[0]\n"
               "            x = self.norm2(x)\n            return x + self.ffn(x)\n"
               "        x = self.norm1(x + self.self_attn(x, x, x, mask=mask)[0])\n"
               "        return self.norm2(x + self.ffn(x))\n"}},
    # ---- causal_mask
    {"name": "causal_upper_triangle", "about": "True above the diagonal: every position sees the future",
     "cells": {"causal_mask": "def causal_mask(T):\n    return torch.triu(torch.ones(T, T, dtype=torch.bool))\n"}},
    {"name": "causal_strict_off_by_one", "about": "diagonal=-1: a position may not attend to itself",
     "cells": {"causal_mask": "def causal_mask(T):\n    return torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=-1)\n"}},
    {"name": "causal_inverted", "about": "nn.Transformer's convention: True = blocked",
     "cells": {"causal_mask": "def causal_mask(T):\n    return torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)\n"}},
    {"name": "causal_float_mask", "about": "a float 0/1 mask instead of a boolean one",
     "cells": {"causal_mask": "def causal_mask(T):\n    return torch.tril(torch.ones(T, T))\n"}},
    {"name": "causal_numpy_array", "about": "returns a NumPy bool array, not a torch tensor",
     "cells": {"causal_mask": "def causal_mask(T):\n    return np.tri(T, T, dtype=bool)\n"}},
    # ---- DecoderBlock
    {"name": "decoder_cross_reads_itself", "about": "cross-attention takes keys and values from x, not the memory",
     "cells": {"DecoderBlock": _DEC_INIT + _DEC_PRE.replace("memory, memory", "self.norm2(x), self.norm2(x)") +
               _DEC_POST.replace("x, memory, memory", "x, x, x")}},
    {"name": "decoder_no_causal_mask", "about": "never passes tgt_mask: the decoder sees the future",
     "cells": {"DecoderBlock": _DEC_INIT + _DEC_PRE.replace(", mask=tgt_mask", "") + _DEC_POST.replace(", mask=tgt_mask", "")}},
    {"name": "decoder_pre_norm_normalises_memory", "about": "pre-norm that also normalises the memory with norm2",
     "cells": {"DecoderBlock": _DEC_INIT + _DEC_PRE.replace("memory, memory", "self.norm2(memory), self.norm2(memory)") + _DEC_POST}},
    {"name": "decoder_ffn_no_residual", "about": "the feed-forward sub-layer has no residual",
     "cells": {"DecoderBlock": _DEC_INIT + _DEC_PRE.replace("return x + self.ffn", "return self.ffn") +
               _DEC_POST.replace("self.norm3(x + self.ffn(x))", "self.norm3(self.ffn(x))")}},
    {"name": "decoder_memory_mask_ignored", "about": "never passes memory_mask to cross-attention",
     "cells": {"DecoderBlock": _DEC_INIT + _DEC_PRE.replace(", mask=memory_mask", "") + _DEC_POST.replace(", mask=memory_mask", "")}},
    # ---- Encoder
    {"name": "stack_shared_weights", "about": "[EncoderBlock(...)] * n: one block repeated (shared weights)",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first)] * num_layers)\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return x if self.norm is None else self.norm(x)\n"}},
    {"name": "stack_no_final_norm", "about": "pre-norm stack without the final LayerNorm",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = None\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return x\n"}},
    {"name": "stack_final_norm_always", "about": "a final LayerNorm after post-norm stacks too",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model)\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return self.norm(x)\n"}},
    {"name": "stack_mask_not_passed", "about": "the mask never reaches the blocks",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x)\n"
               "        return x if self.norm is None else self.norm(x)\n"}},
    {"name": "stack_returns_inside_loop", "about": "return inside the loop: only the first block runs",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "            return x if self.norm is None else self.norm(x)\n"}},
    {"name": "stack_blocks_ignore_norm_first", "about": "builds every block post-norm (norm_first not passed on), final norm still added",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return x if self.norm is None else self.norm(x)\n"}},
    {"name": "stack_mask_required", "about": "forward(x, mask) without a default: Encoder(x) fails",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return x if self.norm is None else self.norm(x)\n"}},
    # ---- encoder_param_count
    {"name": "params_no_attention_biases", "about": "forgets the four attention biases",
     "cells": {"encoder_param_count": _PARAMS_SIG + "    attention = 4 * d_model * d_model\n"
               "    ffn = 2 * d_model * d_ff + d_ff + d_model\n    norms = 4 * d_model\n" + _PARAMS_TAIL}},
    {"name": "params_no_layer_norms", "about": "forgets the LayerNorms' weights and biases in the blocks",
     "cells": {"encoder_param_count": _PARAMS_SIG + "    attention = 4 * (d_model * d_model + d_model)\n"
               "    ffn = 2 * d_model * d_ff + d_ff + d_model\n    norms = 0\n" + _PARAMS_TAIL}},
    {"name": "params_one_ffn_layer", "about": "counts one linear layer for the feed-forward network",
     "cells": {"encoder_param_count": _PARAMS_SIG + "    attention = 4 * (d_model * d_model + d_model)\n"
               "    ffn = d_model * d_ff + d_ff\n    norms = 4 * d_model\n" + _PARAMS_TAIL}},
    {"name": "params_attention_per_head", "about": "multiplies the attention weights by the number of heads",
     "cells": {"encoder_param_count": _PARAMS_SIG + "    attention = num_heads * 4 * (d_model * d_model + d_model)\n"
               "    ffn = 2 * d_model * d_ff + d_ff + d_model\n    norms = 4 * d_model\n" + _PARAMS_TAIL}},
    {"name": "params_numpy_int32", "about": "sizes multiplied in np.int32: overflows beyond 2**31",
     "cells": {"encoder_param_count": _PARAMS_SIG +
               "    d, f = np.int32(d_model), np.int32(d_ff)\n"
               "    per_layer = 4 * (d * d + d) + 2 * d * f + f + d + 4 * d\n"
               "    total = np.int32(num_layers) * per_layer + np.int32(vocab_size + max_positions + type_vocab_size) * d\n"
               "    total += 2 * d * np.int32(int(embedding_norm) + int(final_norm)) + (d * d + d if pooler else 0)\n"
               "    return total\n"}},
    {"name": "params_float", "about": "returns the count as a float",
     "cells": {"encoder_param_count": _PARAMS_SIG + "    attention = 4 * (d_model * d_model + d_model)\n"
               "    ffn = 2 * d_model * d_ff + d_ff + d_model\n    norms = 4 * d_model\n"
               + _PARAMS_TAIL.replace("return int(", "return float(")}},
    # ---- scale_table
    {"name": "scale_gpt2_small_layers", "about": "GPT-2 small's 12 layers for GPT-2 XL",
     "cells": {"scale_table": _SCALE.format(l2=12, l3=96, fn=True)}},
    {"name": "scale_gpt3_layers_halved", "about": "48 layers for GPT-3 (confuses it with GPT-2 XL)",
     "cells": {"scale_table": _SCALE.format(l2=48, l3=48, fn=True)}},
    {"name": "scale_no_final_norm", "about": "forgets the final LayerNorm of the pre-norm GPT models",
     "cells": {"scale_table": _SCALE.format(l2=48, l3=96, fn=False)}},
    {"name": "scale_gpt2_layers_off_by_one", "about": "47 layers for GPT-2 XL",
     "cells": {"scale_table": _SCALE.format(l2=47, l3=96, fn=True)}},
    {"name": "scale_gpt3_layers_off_by_one", "about": "97 layers for GPT-3",
     "cells": {"scale_table": _SCALE.format(l2=48, l3=97, fn=True)}},
    {"name": "scale_params_in_billions", "about": "parameter counts in billions (1.56, 174.6), not as counts",
     "cells": {"scale_table": _SCALE.format(l2=48, l3=96, fn=True) + "gpt2_params = gpt2_params / 1e9\ngpt3_params = gpt3_params / 1e9\n"}},
    {"name": "scale_params_rounded", "about": "the papers' rounded sizes typed in (1.5B, 175B)",
     "cells": {"scale_table": "gpt2_layers = 48\ngpt3_layers = 96\ngpt2_params = 1_500_000_000\ngpt3_params = 175_000_000_000\n"}},
    # ---- concept quiz: one wrong answer loses exactly that question's point
    {"name": "quiz_cross_attention_source_A", "about": "answers \"A\": says the masked self-attention reads the encoder",
     "cells": {"quiz_cross_attention_source": "quiz_cross_attention_source = \"A\"\n"},
     "fails": ["test_quiz_cross_attention_source"]},
    {"name": "quiz_cross_attention_source_C", "about": "answers \"C\": says both decoder attentions read the encoder",
     "cells": {"quiz_cross_attention_source": "quiz_cross_attention_source = \"C\"\n"},
     "fails": ["test_quiz_cross_attention_source"]},
    {"name": "quiz_post_norm_A", "about": "answers \"A\": gives the pre-norm formula",
     "cells": {"quiz_post_norm": "quiz_post_norm = \"A\"\n"},
     "fails": ["test_quiz_post_norm"]},
    {"name": "quiz_d_ff_512", "about": "answers 512: thinks the FFN keeps the width d_model",
     "cells": {"quiz_d_ff": "quiz_d_ff = 512\n"},
     "fails": ["test_quiz_d_ff"]},
    {"name": "quiz_d_ff_1024", "about": "answers 1024: doubles instead of quadruples",
     "cells": {"quiz_d_ff": "quiz_d_ff = 1024\n"},
     "fails": ["test_quiz_d_ff"]},
    {"name": "quiz_layernorm_axis_A", "about": "answers \"A\": confuses layer norm with batch norm",
     "cells": {"quiz_layernorm_axis": "quiz_layernorm_axis = \"A\"\n"},
     "fails": ["test_quiz_layernorm_axis"]},
    {"name": "quiz_causal_mask_where_D", "about": "answers \"D\": masks every attention layer",
     "cells": {"quiz_causal_mask_where": "quiz_causal_mask_where = \"D\"\n"},
     "fails": ["test_quiz_causal_mask_where"]},
]

ALTERNATIVES = [
    # ---- layer_recipes
    {"name": "recipe_concatenated", "about": "lists built by concatenation",
     "cells": {"layer_recipes": 'add_norm = ["add", "norm"]\n'
                                'encoder_recipe = ["self_attention"] + add_norm + ["ffn"] + add_norm\n'
                                'decoder_recipe = ["self_attention"] + add_norm + ["cross_attention"] + add_norm + ["ffn"] + add_norm\n'}},
    {"name": "recipe_tuples_from_split", "about": "tuples from str.split",
     "cells": {"layer_recipes": 'encoder_recipe = tuple("self_attention add norm ffn add norm".split())\n'
                                'decoder_recipe = tuple("self_attention add norm cross_attention add norm ffn add norm".split())\n'}},
    # ---- LayerNorm
    {"name": "layernorm_functional", "about": "F.layer_norm with its own parameters",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n"
               "        return F.layer_norm(x, x.shape[-1:], self.weight, self.bias, self.eps)\n"}},
    {"name": "layernorm_rsqrt", "about": "mean of squares and torch.rsqrt",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        centred = x - x.mean(dim=-1, keepdim=True)\n"
               "        var = (centred ** 2).mean(dim=-1, keepdim=True)\n"
               "        return self.bias + self.weight * centred * torch.rsqrt(var + self.eps)\n"}},
    {"name": "layernorm_std_biased", "about": "x.std(unbiased=False), eps added to its square",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mu = x.mean(dim=-1, keepdim=True)\n"
               "        sd = x.std(dim=-1, keepdim=True, unbiased=False)\n"
               "        return self.weight * (x - mu) / (sd ** 2 + self.eps) ** 0.5 + self.bias\n"}},
    {"name": "layernorm_sum_over_d", "about": "means written as sums divided by the width",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        d = x.shape[-1]\n"
               "        c = x - x.sum(-1, keepdim=True) / d\n        var = (c * c).sum(-1, keepdim=True) / d\n"
               "        return c / torch.sqrt(var + self.eps) * self.weight + self.bias\n"}},
    # ---- FeedForward
    {"name": "ffn_relu_module", "about": "an nn.ReLU module",
     "cells": {"FeedForward": _FF_INIT.rstrip("\n") + "\n        self.act = nn.ReLU()\n\n"
               "    def forward(self, x):\n        return self.linear2(self.act(self.linear1(x)))\n"}},
    {"name": "ffn_clamp", "about": "clamp(min=0) and F.relu's functional cousin",
     "cells": {"FeedForward": _FF_INIT + "    def forward(self, x):\n        hidden = self.linear1(x).clamp(min=0)\n"
               "        return self.linear2(hidden)\n"}},
    # ---- input_grad_norm
    {"name": "grad_norm_backward_on_copy", "about": "loss.backward() on a leaf copy and its .grad",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    leaf = x.detach().clone()\n    leaf.requires_grad = True\n    h = leaf\n"
                                  "    for layer in sublayers:\n        out = layer(h)\n        h = h + out if residual else out\n"
                                  "    h.sum().backward()\n    return float(torch.linalg.norm(leaf.grad))\n"}},
    {"name": "grad_norm_vjp", "about": "torch.autograd.functional.vjp with a vector of ones",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n    def stack(h):\n"
                                  "        for f in sublayers:\n            h = h + f(h) if residual else f(h)\n        return h\n"
                                  "    x0 = x.detach().clone()\n    out = stack(x0)\n"
                                  "    _, g = torch.autograd.functional.vjp(stack, x0, torch.ones_like(out))\n"
                                  "    return g.pow(2).sum().sqrt().item()\n"}},
    {"name": "grad_norm_numpy_float", "about": "the norm computed by NumPy in float64, converted with float()",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = h + f(h) if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.sum(), x)\n    return float(np.linalg.norm(g.double().numpy()))\n"}},
    # ---- EncoderBlock
    {"name": "encoder_sublayer_helpers", "about": "two helper methods, one per sub-layer",
     "cells": {"EncoderBlock": _ENC_INIT.replace("    def forward(self, x, mask=None):\n", "") +
               "    def _sa(self, h, mask):\n        return self.self_attn(h, h, h, mask)[0]\n\n"
               "    def forward(self, x, mask=None):\n"
               "        if not self.norm_first:\n            x = self.norm1(x + self._sa(x, mask))\n"
               "            return self.norm2(x + self.ffn(x))\n"
               "        x = x + self._sa(self.norm1(x), mask)\n        return x + self.ffn(self.norm2(x))\n"}},
    {"name": "encoder_sublayer_list", "about": "a loop over (norm, sub-layer) pairs",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        steps = [(self.norm1, lambda h: self.self_attn(h, h, h, mask=mask)[0]), (self.norm2, self.ffn)]\n"
               "        for norm, layer in steps:\n"
               "            x = x + layer(norm(x)) if self.norm_first else norm(x + layer(x))\n"
               "        return x\n"}},
    # ---- causal_mask
    {"name": "causal_arange_comparison", "about": "compares position indices: j <= i",
     "cells": {"causal_mask": "def causal_mask(T):\n    i = torch.arange(T)\n    return i[None, :] <= i[:, None]\n"}},
    {"name": "causal_numpy_tri", "about": "np.tri converted to a torch bool tensor",
     "cells": {"causal_mask": "def causal_mask(T):\n    return torch.from_numpy(np.tri(T, T, dtype=bool))\n"}},
    {"name": "causal_tril_bool", "about": "a float triangle converted with .bool()",
     "cells": {"causal_mask": "def causal_mask(T):\n    return torch.ones(T, T).tril().bool()\n"}},
    # ---- DecoderBlock
    {"name": "decoder_sublayer_list", "about": "a loop over (norm, sub-layer) pairs",
     "cells": {"DecoderBlock": _DEC_INIT +
               "        steps = [(self.norm1, lambda h: self.self_attn(h, h, h, mask=tgt_mask)[0]),\n"
               "                 (self.norm2, lambda h: self.cross_attn(h, memory, memory, mask=memory_mask)[0]),\n"
               "                 (self.norm3, self.ffn)]\n"
               "        for norm, layer in steps:\n"
               "            x = x + layer(norm(x)) if self.norm_first else norm(x + layer(x))\n        return x\n"}},
    {"name": "decoder_positional_masks", "about": "positional arguments and separate post/pre branches",
     "cells": {"DecoderBlock": _DEC_INIT +
               "        if not self.norm_first:\n"
               "            sa, _ = self.self_attn(x, x, x, tgt_mask)\n            x = self.norm1(x + sa)\n"
               "            ca, _ = self.cross_attn(x, memory, memory, memory_mask)\n            x = self.norm2(x + ca)\n"
               "            return self.norm3(x + self.ffn(x))\n"
               "        h = self.norm1(x)\n        sa, _ = self.self_attn(h, h, h, tgt_mask)\n        x = x + sa\n"
               "        ca, _ = self.cross_attn(self.norm2(x), memory, memory, memory_mask)\n        x = x + ca\n"
               "        return x + self.ffn(self.norm3(x))\n"}},
    # ---- Encoder
    {"name": "stack_append_loop", "about": "blocks appended in a loop; final norm as a flag",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList()\n        for _ in range(num_layers):\n"
               "            self.layers.append(EncoderBlock(d_model, num_heads, d_ff, norm_first=norm_first))\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask=None):\n        for i in range(len(self.layers)):\n"
               "            x = self.layers[i](x, mask)\n        if self.norm is not None:\n            x = self.norm(x)\n"
               "        return x\n"}},
    {"name": "stack_reduce", "about": "functools.reduce over the blocks",
     "cells": {"Encoder": "import functools\n\n\n" + _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList(EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers))\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask=None):\n"
               "        x = functools.reduce(lambda h, layer: layer(h, mask=mask), self.layers, x)\n"
               "        return self.norm(x) if self.norm is not None else x\n"}},
    {"name": "stack_identity_norm_post", "about": "nn.Identity() as the post-norm stack's final norm",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model) if norm_first else nn.Identity()\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return self.norm(x)\n"}},
    # ---- encoder_param_count
    {"name": "params_expanded_formula", "about": "the per-layer count multiplied out: 4d^2 + 2 d d_ff + 9d + d_ff",
     "cells": {"encoder_param_count": _PARAMS_SIG +
               "    per_layer = 4 * d_model ** 2 + 2 * d_model * d_ff + 9 * d_model + d_ff\n"
               "    total = num_layers * per_layer + d_model * (vocab_size + max_positions + type_vocab_size)\n"
               "    total += 2 * d_model * (embedding_norm + final_norm)\n"
               "    if pooler:\n        total += d_model ** 2 + d_model\n    return total\n"}},
    {"name": "params_shape_list", "about": "sums the sizes of a list of parameter shapes",
     "cells": {"encoder_param_count": "import math\n\n\n" + _PARAMS_SIG +
               "    d, f = d_model, d_ff\n"
               "    layer = [(d, d), (d,)] * 4 + [(d, f), (f,), (f, d), (d,)] + [(d,)] * 4\n"
               "    shapes = layer * num_layers\n"
               "    shapes += [(vocab_size, d), (max_positions, d), (type_vocab_size, d)]\n"
               "    shapes += [(d,), (d,)] * (int(embedding_norm) + int(final_norm))\n"
               "    shapes += [(d, d), (d,)] if pooler else []\n"
               "    return sum(math.prod(s) for s in shapes)\n"}},
    {"name": "params_numpy_prod", "about": "sizes multiplied with np.prod: returns a NumPy integer",
     "cells": {"encoder_param_count": _PARAMS_SIG +
               "    d, f = d_model, d_ff\n"
               "    shapes = ([(d, d), (d,)] * 4 + [(d, f), (f,), (f, d), (d,)] + [(d,)] * 4) * num_layers\n"
               "    shapes += [(vocab_size + max_positions + type_vocab_size, d)]\n"
               "    shapes += [(2 * d,)] * (int(embedding_norm) + int(final_norm)) + ([(d, d), (d,)] if pooler else [])\n"
               "    return np.sum([np.prod(s, dtype=np.int64) for s in shapes], dtype=np.int64)\n"}},
    # ---- scale_table
    {"name": "scale_configs_dict", "about": "configurations in a dict, unpacked",
     "cells": {"scale_table": "gpt2_layers, gpt3_layers = 48, 96\n"
                              "_common = dict(vocab_size=50257, final_norm=True)\n"
                              "gpt2_params = encoder_param_count(gpt2_layers, 1600, 25, 4 * 1600, max_positions=1024, **_common)\n"
                              "gpt3_params = encoder_param_count(gpt3_layers, 12288, 96, 4 * 12288, max_positions=2048, **_common)\n"}},
    {"name": "scale_numpy_ints", "about": "layer counts as NumPy integers",
     "cells": {"scale_table": "gpt2_layers = np.int64(48)\ngpt3_layers = np.int64(96)\n"
                              "gpt2_params = encoder_param_count(num_layers=int(gpt2_layers), d_model=1600, num_heads=25, d_ff=6400,\n"
                              "                                  vocab_size=50257, max_positions=1024, final_norm=True)\n"
                              "gpt3_params = encoder_param_count(num_layers=int(gpt3_layers), d_model=12288, num_heads=96, d_ff=49152,\n"
                              "                                  vocab_size=50257, max_positions=2048, final_norm=True)\n"}},
    {"name": "scale_counts_typed_in", "about": "the exact counts typed in after computing them",
     "cells": {"scale_table": "gpt2_layers = 48\ngpt3_layers = 96\ngpt2_params = 1_557_611_200\ngpt3_params = 174_604_259_328\n"}},
    # ---- concept quiz
    {"name": "quiz_cross_attention_source_lowercase", "about": "answers in lower case",
     "cells": {"quiz_cross_attention_source": "quiz_cross_attention_source = \"b\"\n"}},
    {"name": "quiz_causal_mask_where_spaces", "about": "a letter with spaces around it",
     "cells": {"quiz_causal_mask_where": "quiz_causal_mask_where = \" B \"\n"}},
    {"name": "quiz_d_ff_float", "about": "writes the number as a float",
     "cells": {"quiz_d_ff": "quiz_d_ff = 2048.0\n"}},
]
