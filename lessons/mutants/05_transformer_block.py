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
     "hint": "Re-read Exercise 1 and the formula LayerNorm(x + Sublayer(x)) of Section 1: which comes first in the paper's layer, the sub-layer or the norm? The pre-norm order of modern models comes later, in Exercise 5.",
     "cells": {"layer_recipes": 'encoder_recipe = ["norm", "self_attention", "add", "norm", "ffn", "add"]\n'
                                'decoder_recipe = ["self_attention", "add", "norm", "cross_attention", "add", "norm", "ffn", "add", "norm"]\n'}},
    {"name": "recipe_norm_before_add", "about": "Norm then Add after each sub-layer",
     "hint": "Read the formula LayerNorm(x + Sublayer(x)) in Section 1 from the inside out: what is computed first, the sum x + Sublayer(x) or the normalisation?",
     "cells": {"layer_recipes": 'encoder_recipe = ["self_attention", "norm", "add", "ffn", "norm", "add"]\n'
                                'decoder_recipe = ["self_attention", "norm", "add", "cross_attention", "norm", "add", "ffn", "norm", "add"]\n'}},
    {"name": "recipe_cross_attention_first", "about": "the decoder reads the encoder before its masked self-attention",
     "hint": "Look at the decoder in the paper's Figure 1 (Exercise 1): the queries of cross-attention come from the decoder's own sequence. Which sub-layer must have produced them first?",
     "cells": {"layer_recipes": 'encoder_recipe = ["self_attention", "add", "norm", "ffn", "add", "norm"]\n'
                                'decoder_recipe = ["cross_attention", "add", "norm", "self_attention", "add", "norm", "ffn", "add", "norm"]\n'}},
    # ---- LayerNorm
    {"name": "layernorm_unbiased_variance", "about": "torch.var's default unbiased (n - 1) variance",
     "hint": "Section 2 names three details of nn.LayerNorm; one is which variance it uses. What does torch.var divide by by default, d or d - 1, and which one does the formula for sigma squared use?",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n"
               "        var = x.var(-1, keepdim=True)\n"
               "        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias\n"}},
    {"name": "layernorm_eps_outside_sqrt", "about": "eps added to the standard deviation, outside the root",
     "hint": "Look at where epsilon sits in the LayerNorm formula of Section 2: inside or outside the square root? Try a vector whose variance is smaller than eps and compare with nn.LayerNorm.",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n"
               "        std = x.var(-1, keepdim=True, unbiased=False).sqrt()\n"
               "        return (x - mean) / (std + self.eps) * self.weight + self.bias\n"}},
    {"name": "layernorm_wrong_axis", "about": "normalises over the positions axis (batch-norm style) instead of the features",
     "hint": "Layer normalisation standardises each position's feature vector on its own (Section 2). Which axis of a (B, T, d_model) tensor holds the features of one position?",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mean = x.mean(-2, keepdim=True)\n"
               "        var = x.var(-2, keepdim=True, unbiased=False)\n"
               "        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias\n"}},
    {"name": "layernorm_buffers_not_parameters", "about": "gain and bias as plain tensors: not learned",
     "hint": "Exercise 2 asks for parameters called weight and bias, like nn.LayerNorm's. Does your module list them in named_parameters(), so that the optimiser can learn them and load_state_dict can find them?",
     "cells": {"LayerNorm": _LN_INIT.replace("nn.Parameter(torch.ones(d_model))", "torch.ones(d_model)")
               .replace("nn.Parameter(torch.zeros(d_model))", "torch.zeros(d_model)") +
               "    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n"
               "        var = x.var(-1, keepdim=True, unbiased=False)\n"
               "        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias\n"}},
    {"name": "layernorm_ignores_gain_and_bias", "about": "standardises but never applies weight and bias",
     "hint": "After standardising, LayerNorm applies the learned gain gamma and bias beta (Section 2). Does your forward use self.weight and self.bias? Try it with a weight that is not all ones.",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n"
               "        var = x.var(-1, keepdim=True, unbiased=False)\n"
               "        return (x - mean) / torch.sqrt(var + self.eps)\n"}},
    {"name": "layernorm_one_pass_variance", "about": "variance as E[x^2] - E[x]^2: cancels in float32 far from zero",
     "hint": "Your variance is exact on paper but loses precision in float32 when the inputs are far from zero (mean 100, say). Which way of computing the variance in Section 2 avoids subtracting two large, almost equal numbers?",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n"
               "        var = (x * x).mean(-1, keepdim=True) - mean * mean\n"
               "        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias\n"}},
    {"name": "layernorm_float32_inside", "about": "computes in float32 whatever the input: float64 in, float32 out",
     "hint": "Call your LayerNorm on a float64 tensor: which dtype comes out? The layer should compute in the dtype of its input, like nn.LayerNorm.",
     "cells": {"LayerNorm": _LN_INIT + "    def forward(self, x):\n        x = x.float()\n        mean = x.mean(-1, keepdim=True)\n"
               "        var = x.var(-1, keepdim=True, unbiased=False)\n"
               "        return (x - mean) / torch.sqrt(var + self.eps) * self.weight.float() + self.bias.float()\n"}},
    # ---- FeedForward
    {"name": "ffn_no_relu", "about": "forgets the ReLU: two linear layers collapse into one",
     "hint": "Re-read the FFN formula in Section 3: what sits between the two linear layers? Without it, what do two linear maps in a row collapse into?",
     "cells": {"FeedForward": _FF_INIT + "    def forward(self, x):\n        return self.linear2(self.linear1(x))\n"}},
    {"name": "ffn_relu_on_output", "about": "a ReLU after the second layer as well",
     "hint": "In the FFN formula of Section 3, which of the two linear layers is followed by max(0, .)? Can your FFN output a negative number?",
     "cells": {"FeedForward": _FF_INIT + "    def forward(self, x):\n"
               "        return torch.relu(self.linear2(torch.relu(self.linear1(x))))\n"}},
    {"name": "ffn_gelu", "about": "GELU (BERT/GPT) instead of the paper's ReLU",
     "hint": "Exercise 3 follows the paper's FFN formula in Section 3: which activation does max(0, .) describe? BERT and GPT use another one, but this exercise asks for the paper's.",
     "cells": {"FeedForward": _FF_INIT + "    def forward(self, x):\n        return self.linear2(F.gelu(self.linear1(x)))\n"}},
    {"name": "ffn_dropout", "about": "adds the paper's dropout inside the FFN (random in training mode)",
     "hint": "Exercise 3 asks for no dropout, so that the results are deterministic. Run your FeedForward twice on the same input: do you get the same output?",
     "cells": {"FeedForward": _FF_INIT.rstrip("\n") + "\n        self.dropout = nn.Dropout(0.1)\n\n"
               "    def forward(self, x):\n        return self.linear2(self.dropout(torch.relu(self.linear1(x))))\n"}},
    {"name": "ffn_ignores_d_ff", "about": "inner layer of width d_model, ignoring d_ff",
     "hint": "In Exercise 3, linear1 maps d_model to d_ff and linear2 maps d_ff back. Print the weight shapes of FeedForward(6, 24): does the inner width depend on d_ff?",
     "cells": {"FeedForward": _FF_INIT.replace("nn.Linear(d_model, d_ff)", "nn.Linear(d_model, d_model)")
               .replace("nn.Linear(d_ff, d_model)", "nn.Linear(d_model, d_model)") +
               "    def forward(self, x):\n        return self.linear2(torch.relu(self.linear1(x)))\n"}},
    # ---- input_grad_norm
    {"name": "grad_norm_residual_to_input", "about": "residual adds the stack's input x every time: h = f(h) + x",
     "hint": "Re-read the recurrence in Exercise 4: each residual step adds the output of f to its own input h_(l-1). Which tensor do you add at every step?",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = f(h) + x if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.sum(), x)\n    return g.norm().item()\n"}},
    {"name": "grad_norm_accumulates_on_caller", "about": "backward on the caller's tensor: grads accumulate across calls",
     "hint": "Call your input_grad_norm twice with the same x: do you get the same number? PyTorch adds new gradients to x.grad; differentiate a fresh copy of x (Exercise 4) instead of the caller's tensor.",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n    x.requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = h + f(h) if residual else f(h)\n"
                                  "    h.sum().backward()\n    return x.grad.norm().item()\n"}},
    {"name": "grad_norm_of_output", "about": "returns the norm of the output instead of the gradient",
     "hint": "Exercise 4 asks for the norm of the gradient dL/dx, not of the stack's output. After backward(), where does PyTorch store that gradient?",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n    h = x.detach()\n"
                                  "    with torch.no_grad():\n        for f in sublayers:\n"
                                  "            h = h + f(h) if residual else f(h)\n    return h.norm().item()\n"}},
    {"name": "grad_norm_mean_loss", "about": "L = h.mean() instead of h.sum()",
     "hint": "Exercise 4 defines the loss as L = sum of all entries of h_L. Does your loss sum or average? The two differ by the number of entries.",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = h + f(h) if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.mean(), x)\n    return g.norm().item()\n"}},
    {"name": "grad_norm_returns_tensor", "about": "returns the 0-d tensor grad.norm() instead of a float",
     "hint": "The contract of Exercise 4 asks for a Python float. What type does .norm() return, and how do you turn a 0-d tensor into a float?",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = h + f(h) if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.sum(), x)\n    return g.norm()\n"}},
    {"name": "grad_norm_float32_scalar", "about": "returns np.float32 (a NumPy scalar), not a Python float",
     "hint": "The contract of Exercise 4 asks for a Python float, not a NumPy scalar. Check type(input_grad_norm(...)): what do you get?",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in sublayers:\n        h = h + f(h) if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.sum(), x)\n    return np.linalg.norm(g.numpy())\n"}},
    {"name": "grad_norm_sequential", "about": "wraps the sub-layers in nn.Sequential: fails on plain functions",
     "hint": "Exercise 4's sub-layers may be any functions, not only nn.Modules. Does your code call each f in the list directly, or does it need modules?",
     "cells": {"input_grad_norm": "def input_grad_norm(sublayers, x, residual):\n"
                                  "    x = x.detach().clone().requires_grad_(True)\n    h = x\n"
                                  "    for f in nn.Sequential(*sublayers):\n        h = h + f(h) if residual else f(h)\n"
                                  "    (g,) = torch.autograd.grad(h.sum(), x)\n    return g.norm().item()\n"}},
    # ---- EncoderBlock
    {"name": "encoder_residual_outside_norm", "about": "post-norm written x + norm(SA(x)): the residual skips the norm",
     "hint": "In the post-norm block of Exercise 5 the norm comes after the Add: LayerNorm(x + Sublayer(x)). In your block, is the residual added before or after norm1?",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        if self.norm_first:\n            h = self.norm1(x)\n            x = x + self.self_attn(h, h, h, mask=mask)[0]\n"
               "            return x + self.ffn(self.norm2(x))\n"
               "        x = x + self.norm1(self.self_attn(x, x, x, mask=mask)[0])\n"
               "        return x + self.norm2(self.ffn(x))\n"}},
    {"name": "encoder_ignores_norm_first", "about": "always post-norm, whatever norm_first says",
     "hint": "Exercise 5 asks for both variants: does your forward read norm_first and take the pre-norm path when it is True? Compare the two formulas in the EncoderBlock docstring.",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        x = self.norm1(x + self.self_attn(x, x, x, mask=mask)[0])\n"
               "        return self.norm2(x + self.ffn(x))\n"}},
    {"name": "encoder_mask_not_passed", "about": "never passes the mask to self-attention",
     "hint": "EncoderBlock.forward gets a mask (Exercise 5): does it reach the self-attention? Try a padding mask and check that padded positions change nothing.",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        if self.norm_first:\n            h = self.norm1(x)\n            x = x + self.self_attn(h, h, h)[0]\n"
               "            return x + self.ffn(self.norm2(x))\n"
               "        x = self.norm1(x + self.self_attn(x, x, x)[0])\n"
               "        return self.norm2(x + self.ffn(x))\n"}},
    {"name": "encoder_ffn_no_residual", "about": "the feed-forward sub-layer has no residual",
     "hint": "Both sub-layers of the encoder block have their own residual connection (Section 5). Does the feed-forward sub-layer in your block add its input back?",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        if self.norm_first:\n            h = self.norm1(x)\n            x = x + self.self_attn(h, h, h, mask=mask)[0]\n"
               "            return self.ffn(self.norm2(x))\n"
               "        x = self.norm1(x + self.self_attn(x, x, x, mask=mask)[0])\n"
               "        return self.norm2(self.ffn(x))\n"}},
    {"name": "encoder_pre_norm_normalises_stream", "about": "pre-norm that overwrites x with norm1(x): the residual carries the normalised x",
     "hint": "In pre-norm (Exercise 5) only the input of each sub-layer is normalised; the residual stream x itself is left untouched. Does your block overwrite x with norm1(x)?",
     "cells": {"EncoderBlock": _ENC_INIT +
               "        if self.norm_first:\n            x = self.norm1(x)\n            x = x + self.self_attn(x, x, x, mask=mask)[0]\n"
               "            x = self.norm2(x)\n            return x + self.ffn(x)\n"
               "        x = self.norm1(x + self.self_attn(x, x, x, mask=mask)[0])\n"
               "        return self.norm2(x + self.ffn(x))\n"}},
    # ---- causal_mask
    {"name": "causal_upper_triangle", "about": "True above the diagonal: every position sees the future",
     "hint": "In Exercise 6, True means 'may attend', and position i may look at positions j <= i only. Which triangle of the matrix is that, lower or upper?",
     "cells": {"causal_mask": "def causal_mask(T):\n    return torch.triu(torch.ones(T, T, dtype=torch.bool))\n"}},
    {"name": "causal_strict_off_by_one", "about": "diagonal=-1: a position may not attend to itself",
     "hint": "Look at the diagonal of your causal_mask(3): may a position attend to itself (j = i)? Exercise 6 allows every j <= i.",
     "cells": {"causal_mask": "def causal_mask(T):\n    return torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=-1)\n"}},
    {"name": "causal_inverted", "about": "nn.Transformer's convention: True = blocked",
     "hint": "The course's masks use True = may attend (the notebook's conventions); nn.Transformer uses True = blocked. Which convention does causal_mask follow in Exercise 6?",
     "cells": {"causal_mask": "def causal_mask(T):\n    return torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)\n"}},
    {"name": "causal_float_mask", "about": "a float 0/1 mask instead of a boolean one",
     "hint": "Exercise 6 asks for a boolean tensor. What dtype does your mask have? A float 0/1 mask means something else to attention.",
     "cells": {"causal_mask": "def causal_mask(T):\n    return torch.tril(torch.ones(T, T))\n"}},
    {"name": "causal_numpy_array", "about": "returns a NumPy bool array, not a torch tensor",
     "hint": "Exercise 6 asks for a torch tensor: the blocks combine it with torch masks. What type does your causal_mask return?",
     "cells": {"causal_mask": "def causal_mask(T):\n    return np.tri(T, T, dtype=bool)\n"}},
    # ---- DecoderBlock
    {"name": "decoder_cross_reads_itself", "about": "cross-attention takes keys and values from x, not the memory",
     "hint": "Re-read the decoder's cross-attention in Exercise 7: CA(h, m) takes its queries from the decoder and its keys and values from the memory. Which tensors do you pass as key and value?",
     "cells": {"DecoderBlock": _DEC_INIT + _DEC_PRE.replace("memory, memory", "self.norm2(x), self.norm2(x)") +
               _DEC_POST.replace("x, memory, memory", "x, x, x")}},
    {"name": "decoder_no_causal_mask", "about": "never passes tgt_mask: the decoder sees the future",
     "hint": "In Exercise 7 the decoder's self-attention is masked, so that no position looks ahead. Does your block pass tgt_mask to self_attn?",
     "cells": {"DecoderBlock": _DEC_INIT + _DEC_PRE.replace(", mask=tgt_mask", "") + _DEC_POST.replace(", mask=tgt_mask", "")}},
    {"name": "decoder_pre_norm_normalises_memory", "about": "pre-norm that also normalises the memory with norm2",
     "hint": "In the pre-norm decoder of Exercise 7, norm2 normalises the decoder's stream before cross-attention. Should the encoder's memory go through the decoder's norm2 too?",
     "cells": {"DecoderBlock": _DEC_INIT + _DEC_PRE.replace("memory, memory", "self.norm2(memory), self.norm2(memory)") + _DEC_POST}},
    {"name": "decoder_ffn_no_residual", "about": "the feed-forward sub-layer has no residual",
     "hint": "All three sub-layers of the decoder block have their own residual connection (Exercise 7). Does the feed-forward sub-layer in your block add its input back?",
     "cells": {"DecoderBlock": _DEC_INIT + _DEC_PRE.replace("return x + self.ffn", "return self.ffn") +
               _DEC_POST.replace("self.norm3(x + self.ffn(x))", "self.norm3(self.ffn(x))")}},
    {"name": "decoder_memory_mask_ignored", "about": "never passes memory_mask to cross-attention",
     "hint": "DecoderBlock.forward gets a memory_mask (Exercise 7): does it reach the cross-attention? Masked source positions must not change the output.",
     "cells": {"DecoderBlock": _DEC_INIT + _DEC_PRE.replace(", mask=memory_mask", "") + _DEC_POST.replace(", mask=memory_mask", "")}},
    # ---- Encoder
    {"name": "stack_shared_weights", "about": "[EncoderBlock(...)] * n: one block repeated (shared weights)",
     "hint": "Exercise 8 asks for num_layers separate blocks, each with its own weights. What does multiplying a list holding one block by n give you: n blocks, or n references to one block?",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first)] * num_layers)\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return x if self.norm is None else self.norm(x)\n"}},
    {"name": "stack_no_final_norm", "about": "pre-norm stack without the final LayerNorm",
     "hint": "A pre-norm stack ends with one more LayerNorm (Section 7): its last block leaves the residual stream un-normalised. Does your Encoder add it when norm_first is True?",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = None\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return x\n"}},
    {"name": "stack_final_norm_always", "about": "a final LayerNorm after post-norm stacks too",
     "hint": "In a post-norm stack every block already ends with a norm (Section 7). Should your Encoder add the final LayerNorm when norm_first is False?",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model)\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return self.norm(x)\n"}},
    {"name": "stack_mask_not_passed", "about": "the mask never reaches the blocks",
     "hint": "Every block of the stack receives the same mask (Exercise 8). Does your Encoder pass mask to each block?",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x)\n"
               "        return x if self.norm is None else self.norm(x)\n"}},
    {"name": "stack_returns_inside_loop", "about": "return inside the loop: only the first block runs",
     "hint": "Look at where your return statement is in Encoder.forward: does the loop get to run all num_layers blocks?",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "            return x if self.norm is None else self.norm(x)\n"}},
    {"name": "stack_blocks_ignore_norm_first", "about": "builds every block post-norm (norm_first not passed on), final norm still added",
     "hint": "In Exercise 8, norm_first describes the whole stack: its blocks are pre-norm too. Does your Encoder pass norm_first on to each EncoderBlock?",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return x if self.norm is None else self.norm(x)\n"}},
    {"name": "stack_mask_required", "about": "forward(x, mask) without a default: Encoder(x) fails",
     "hint": "The Encoder's mask is optional (Exercise 8): can you call Encoder(...)(x) without a mask? Check the default of forward's mask argument.",
     "cells": {"Encoder": _ENC_STACK_INIT +
               "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first) for _ in range(num_layers)])\n"
               "        self.norm = LayerNorm(d_model) if norm_first else None\n\n"
               "    def forward(self, x, mask):\n        for layer in self.layers:\n            x = layer(x, mask=mask)\n"
               "        return x if self.norm is None else self.norm(x)\n"}},
    # ---- encoder_param_count
    {"name": "params_no_attention_biases", "about": "forgets the four attention biases",
     "hint": "Each of the four attention projections W_q, W_k, W_v, W_o is an nn.Linear with a bias (Exercise 9). Did you count d_model biases for each of them?",
     "cells": {"encoder_param_count": _PARAMS_SIG + "    attention = 4 * d_model * d_model\n"
               "    ffn = 2 * d_model * d_ff + d_ff + d_model\n    norms = 4 * d_model\n" + _PARAMS_TAIL}},
    {"name": "params_no_layer_norms", "about": "forgets the LayerNorms' weights and biases in the blocks",
     "hint": "Each block has two LayerNorms, each with a weight and a bias of size d_model (Exercise 9). Are they in your count per layer?",
     "cells": {"encoder_param_count": _PARAMS_SIG + "    attention = 4 * (d_model * d_model + d_model)\n"
               "    ffn = 2 * d_model * d_ff + d_ff + d_model\n    norms = 0\n" + _PARAMS_TAIL}},
    {"name": "params_one_ffn_layer", "about": "counts one linear layer for the feed-forward network",
     "hint": "The FFN has two linear layers, d_model -> d_ff and d_ff -> d_model, each with its bias (Section 3). Did you count both?",
     "cells": {"encoder_param_count": _PARAMS_SIG + "    attention = 4 * (d_model * d_model + d_model)\n"
               "    ffn = d_model * d_ff + d_ff\n    norms = 4 * d_model\n" + _PARAMS_TAIL}},
    {"name": "params_attention_per_head", "about": "multiplies the attention weights by the number of heads",
     "hint": "Splitting d_model into heads does not add weights (Part 3): the four projections are d_model x d_model whatever num_heads is. Does your count grow with the number of heads?",
     "cells": {"encoder_param_count": _PARAMS_SIG + "    attention = num_heads * 4 * (d_model * d_model + d_model)\n"
               "    ffn = 2 * d_model * d_ff + d_ff + d_model\n    norms = 4 * d_model\n" + _PARAMS_TAIL}},
    {"name": "params_numpy_int32", "about": "sizes multiplied in np.int32: overflows beyond 2**31",
     "hint": "Counts of large models pass 2**31. Which integer type does your arithmetic use? A 32-bit integer overflows there; Python ints do not.",
     "cells": {"encoder_param_count": _PARAMS_SIG +
               "    d, f = np.int32(d_model), np.int32(d_ff)\n"
               "    per_layer = 4 * (d * d + d) + 2 * d * f + f + d + 4 * d\n"
               "    total = np.int32(num_layers) * per_layer + np.int32(vocab_size + max_positions + type_vocab_size) * d\n"
               "    total += 2 * d * np.int32(int(embedding_norm) + int(final_norm)) + (d * d + d if pooler else 0)\n"
               "    return total\n"}},
    {"name": "params_float", "about": "returns the count as a float",
     "hint": "Exercise 9 asks for an int, a count. Does a division or a float creep into your arithmetic? Check type(encoder_param_count(...)).",
     "cells": {"encoder_param_count": _PARAMS_SIG + "    attention = 4 * (d_model * d_model + d_model)\n"
               "    ffn = 2 * d_model * d_ff + d_ff + d_model\n    norms = 4 * d_model\n"
               + _PARAMS_TAIL.replace("return int(", "return float(")}},
    # ---- scale_table
    {"name": "scale_gpt2_small_layers", "about": "GPT-2 small's 12 layers for GPT-2 XL",
     "hint": "Exercise 10 asks for GPT-2's largest model, XL (Radford et al., 2019, Table 2). How many layers does that row list?",
     "cells": {"scale_table": _SCALE.format(l2=12, l3=96, fn=True)}},
    {"name": "scale_gpt3_layers_halved", "about": "48 layers for GPT-3 (confuses it with GPT-2 XL)",
     "hint": "Look up GPT-3 175B in Brown et al. (2020), Table 2.1: how many layers does the largest model have? (GPT-2 XL is another model.)",
     "cells": {"scale_table": _SCALE.format(l2=48, l3=48, fn=True)}},
    {"name": "scale_no_final_norm", "about": "forgets the final LayerNorm of the pre-norm GPT models",
     "hint": "GPT-2 and GPT-3 are pre-norm, so their stacks end with a final LayerNorm (Exercise 10). Did you pass the keyword that counts it?",
     "cells": {"scale_table": _SCALE.format(l2=48, l3=96, fn=False)}},
    {"name": "scale_gpt2_layers_off_by_one", "about": "47 layers for GPT-2 XL",
     "hint": "Check the number of layers of GPT-2 XL in Radford et al. (2019), Table 2 again: is it the number you typed?",
     "cells": {"scale_table": _SCALE.format(l2=47, l3=96, fn=True)}},
    {"name": "scale_gpt3_layers_off_by_one", "about": "97 layers for GPT-3",
     "hint": "Check the number of layers of GPT-3 175B in Brown et al. (2020), Table 2.1 again: is it the number you typed?",
     "cells": {"scale_table": _SCALE.format(l2=48, l3=97, fn=True)}},
    {"name": "scale_params_in_billions", "about": "parameter counts in billions (1.56, 174.6), not as counts",
     "hint": "Exercise 10 asks for the parameter counts as counts (e.g. 1_234_567_890), not in billions. What does encoder_param_count return, and did you store that?",
     "cells": {"scale_table": _SCALE.format(l2=48, l3=96, fn=True) + "gpt2_params = gpt2_params / 1e9\ngpt3_params = gpt3_params / 1e9\n"}},
    {"name": "scale_params_rounded", "about": "the papers' rounded sizes typed in (1.5B, 175B)",
     "hint": "The papers round their model sizes; Exercise 10 asks for the exact count your encoder_param_count gives for the configurations in the table. Did you compute it or type the rounded size?",
     "cells": {"scale_table": "gpt2_layers = 48\ngpt3_layers = 96\ngpt2_params = 1_500_000_000\ngpt3_params = 175_000_000_000\n"}},
    # ---- concept quiz: one wrong answer loses exactly that question's point
    {"name": "quiz_cross_attention_source_A", "about": "answers \"A\": says the masked self-attention reads the encoder",
     "hint": "Which of the decoder's attentions takes its keys and values from the encoder's output? Re-read the decoder block (Section 6): the masked self-attention only sees the decoder's own sequence.",
     "cells": {"quiz_cross_attention_source": "quiz_cross_attention_source = \"A\"\n"},
     "fails": ["test_quiz_cross_attention_source"]},
    {"name": "quiz_cross_attention_source_C", "about": "answers \"C\": says both decoder attentions read the encoder",
     "hint": "Re-read Section 6: the decoder has two attentions. Do both read the encoder's output, or does one attend only to the decoder's own earlier tokens?",
     "cells": {"quiz_cross_attention_source": "quiz_cross_attention_source = \"C\"\n"},
     "fails": ["test_quiz_cross_attention_source"]},
    {"name": "quiz_post_norm_A", "about": "answers \"A\": gives the pre-norm formula",
     "hint": "Compare the two formulas in Section 5: which one is the paper's Add & Norm, LayerNorm(x + Sublayer(x)) or x + Sublayer(LayerNorm(x))?",
     "cells": {"quiz_post_norm": "quiz_post_norm = \"A\"\n"},
     "fails": ["test_quiz_post_norm"]},
    {"name": "quiz_d_ff_512", "about": "answers 512: thinks the FFN keeps the width d_model",
     "hint": "Section 3 gives d_model = 512 and d_ff for the paper's base model: is the inner layer of the FFN as wide as the model, or wider? By what factor?",
     "cells": {"quiz_d_ff": "quiz_d_ff = 512\n"},
     "fails": ["test_quiz_d_ff"]},
    {"name": "quiz_d_ff_1024", "about": "answers 1024: doubles instead of quadruples",
     "hint": "Section 3 gives the ratio d_ff / d_model that the paper, BERT and GPT keep. Is it 2 or another factor?",
     "cells": {"quiz_d_ff": "quiz_d_ff = 1024\n"},
     "fails": ["test_quiz_d_ff"]},
    {"name": "quiz_layernorm_axis_A", "about": "answers \"A\": confuses layer norm with batch norm",
     "hint": "Layer norm standardises each position over its own features (Section 2); batch norm uses statistics across the batch. Which axis does the answer you chose describe?",
     "cells": {"quiz_layernorm_axis": "quiz_layernorm_axis = \"A\"\n"},
     "fails": ["test_quiz_layernorm_axis"]},
    {"name": "quiz_causal_mask_where_D", "about": "answers \"D\": masks every attention layer",
     "hint": "The causal mask stops a position from seeing later target tokens (Section 6). In which attention does that matter, and may cross-attention or the encoder look at the whole source?",
     "cells": {"quiz_causal_mask_where": "quiz_causal_mask_where = \"D\"\n"},
     "fails": ["test_quiz_causal_mask_where"]},
    # ---- the demo class's mistakes, each cell exactly as the demo student wrote it (lessons/demo)
    {"name": "recipe_encoder_norm_before_add", "about": "Norm then Add in the encoder's recipe (the decoder's is right)",
     "hint": "Read the formula LayerNorm(x + Sublayer(x)) in Section 1 from the inside out: what is computed first, the sum x + Sublayer(x) or the normalisation? Your decoder recipe has it right; compare the two.",
     "cells": {"layer_recipes": 'encoder_recipe = ["self_attention", "norm", "add", "ffn", "norm", "add"]\ndecoder_recipe = ["self_attention", "add", "norm", "cross_attention", "add", "norm", "ffn", "add", "norm"]\n'}},
    {"name": "layernorm_unbiased_variance_gain_first", "about": "torch.var's default unbiased (n - 1) variance, gain written first",
     "hint": "Section 2 names three details of nn.LayerNorm; one is which variance it uses. What does torch.var divide by by default, d or d - 1, and which one does the formula for sigma squared use?",
     "cells": {"LayerNorm": 'class LayerNorm(nn.Module):\n    def __init__(self, d_model, eps=1e-5):\n        super().__init__()\n        self.eps = eps\n        self.weight = nn.Parameter(torch.ones(d_model))\n        self.bias = nn.Parameter(torch.zeros(d_model))\n\n    def forward(self, x):\n        mean = x.mean(-1, keepdim=True)\n        var = x.var(-1, keepdim=True)\n        return self.weight * (x - mean) / torch.sqrt(var + self.eps) + self.bias\n'}},
    {"name": "encoder_no_norm_first_at_all", "about": "always post-norm: norm_first is neither stored nor read",
     "hint": "Exercise 5 asks for both variants: your block never keeps norm_first, so it cannot take the pre-norm path. Compare the two formulas in the EncoderBlock docstring.",
     "cells": {"EncoderBlock": 'class EncoderBlock(nn.Module):\n    def __init__(self, d_model, num_heads, d_ff, norm_first=False):\n        super().__init__()\n        self.self_attn = MultiHeadAttention(d_model, num_heads)\n        self.ffn = FeedForward(d_model, d_ff)\n        self.norm1 = LayerNorm(d_model)\n        self.norm2 = LayerNorm(d_model)\n\n    def forward(self, x, mask=None):\n        x = self.norm1(x + self.self_attn(x, x, x, mask)[0])\n        return self.norm2(x + self.ffn(x))\n'}},
    {"name": "decoder_cross_attends_to_decoder", "about": "cross-attention takes keys and values from the decoder's own stream (both variants), not the memory",
     "hint": "Re-read the decoder's cross-attention in Exercise 7: CA(h, m) takes its queries from the decoder and its keys and values from the memory. Which tensors do you pass as key and value?",
     "cells": {"DecoderBlock": 'class DecoderBlock(nn.Module):\n    def __init__(self, d_model, num_heads, d_ff, norm_first=False):\n        super().__init__()\n        self.norm_first = norm_first\n        self.self_attn = MultiHeadAttention(d_model, num_heads)\n        self.cross_attn = MultiHeadAttention(d_model, num_heads)\n        self.ffn = FeedForward(d_model, d_ff)\n        self.norm1, self.norm2, self.norm3 = LayerNorm(d_model), LayerNorm(d_model), LayerNorm(d_model)\n\n    def forward(self, x, memory, tgt_mask=None, memory_mask=None):\n        if self.norm_first:\n            h = self.norm1(x)\n            x = x + self.self_attn(h, h, h, tgt_mask)[0]\n            h = self.norm2(x)\n            x = x + self.cross_attn(h, h, h, memory_mask)[0]\n            return x + self.ffn(self.norm3(x))\n        x = self.norm1(x + self.self_attn(x, x, x, tgt_mask)[0])\n        x = self.norm2(x + self.cross_attn(x, x, x, memory_mask)[0])\n        return self.norm3(x + self.ffn(x))\n'}},
    {"name": "stack_shared_weights_positional_mask", "about": "[EncoderBlock(...)] * n: one block repeated (shared weights), mask passed positionally",
     "hint": "Exercise 8 asks for num_layers separate blocks, each with its own weights. What does multiplying a list holding one block by n give you: n blocks, or n references to one block?",
     "cells": {"Encoder": 'class Encoder(nn.Module):\n    def __init__(self, num_layers, d_model, num_heads, d_ff, norm_first=False):\n        super().__init__()\n        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first)] * num_layers)\n        self.norm = LayerNorm(d_model) if norm_first else None\n\n    def forward(self, x, mask=None):\n        for layer in self.layers:\n            x = layer(x, mask)\n        return x if self.norm is None else self.norm(x)\n'}},
    {"name": "params_no_attention_biases_one_line", "about": "forgets the four attention biases (per-layer count on one line)",
     "hint": "Each of the four attention projections W_q, W_k, W_v, W_o is an nn.Linear with a bias (Exercise 9). Did you count d_model biases for each of them?",
     "cells": {"encoder_param_count": 'def encoder_param_count(num_layers, d_model, num_heads, d_ff, *, vocab_size=0, max_positions=0,\n                        type_vocab_size=0, embedding_norm=False, final_norm=False, pooler=False):\n    per_layer = 4 * d_model * d_model + 2 * d_model * d_ff + d_ff + d_model + 4 * d_model\n    total = num_layers * per_layer + (vocab_size + max_positions + type_vocab_size) * d_model\n    total += 2 * d_model * (embedding_norm + final_norm)\n    if pooler:\n        total += d_model * d_model + d_model\n    return total\n'}},
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
