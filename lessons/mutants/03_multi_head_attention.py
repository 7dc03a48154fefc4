"""Mutation catalogue for 03_multi_head_attention: realistic wrong answers (must lose points) and correct alternatives (must get full marks)."""

_MHA_INIT = (
    "class MultiHeadAttention(nn.Module):\n"
    "    def __init__(self, d_model, num_heads):\n"
    "        super().__init__()\n"
    "        self.d_model, self.num_heads = d_model, num_heads\n"
    "        self.d_head = head_dim(d_model, num_heads)\n"
    "        self.W_q = nn.Linear(d_model, d_model)\n"
    "        self.W_k = nn.Linear(d_model, d_model)\n"
    "        self.W_v = nn.Linear(d_model, d_model)\n"
    "        self.W_o = nn.Linear(d_model, d_model)\n\n"
)


def _mha(forward):
    return _MHA_INIT + forward


MUTANTS = [
    # ---- head_dim
    {"name": "head_dim_no_check", "about": "never raises: silently floors d_model / num_heads",
     "cells": {"head_dim": "def head_dim(d_model, num_heads):\n    return d_model // num_heads\n"}},
    {"name": "head_dim_float", "about": "true division: returns the float 64.0",
     "cells": {"head_dim": "def head_dim(d_model, num_heads):\n    if d_model % num_heads:\n"
                           "        raise ValueError('indivisible')\n    return d_model / num_heads\n"}},
    {"name": "head_dim_assert", "about": "an assert (AssertionError) instead of ValueError",
     "cells": {"head_dim": "def head_dim(d_model, num_heads):\n"
                           "    assert d_model % num_heads == 0, 'indivisible'\n    return d_model // num_heads\n"}},
    {"name": "head_dim_ceil", "about": "rounds up and never raises",
     "cells": {"head_dim": "def head_dim(d_model, num_heads):\n    return math.ceil(d_model / num_heads)\n"}},
    # ---- split_heads
    {"name": "split_plain_reshape", "about": "reshape straight to (B, H, T, d_head): mixes positions",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.reshape(B, num_heads, T, D // num_heads)\n"}},
    {"name": "split_strided_features", "about": "reshape to (B, T, d_head, H): head h gets every H-th feature",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.reshape(B, T, D // num_heads, num_heads).permute(0, 3, 1, 2)\n"}},
    {"name": "split_no_transpose", "about": "forgets to move the heads before the positions: (B, T, H, d_head)",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.reshape(B, T, num_heads, D // num_heads)\n"}},
    {"name": "split_to_float64", "about": "casts to float64 (.double()): float32 inputs come back float64",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.double().reshape(B, T, num_heads, D // num_heads).transpose(1, 2)\n"}},
    {"name": "split_numpy", "about": "works in NumPy and returns a NumPy array",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return np.asarray(x).reshape(B, T, num_heads, D // num_heads).transpose(0, 2, 1, 3)\n"}},
    {"name": "split_fixed_heads", "about": "ignores num_heads: always 3 heads (the visible example)",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.reshape(B, T, 3, D // 3).transpose(1, 2)\n"}},
    # ---- merge_heads
    {"name": "merge_plain_reshape", "about": "reshape without the transpose: mixes positions",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d_head = x.shape\n"
                              "    return x.reshape(B, T, H * d_head)\n"},
     "fails": ["test_merge_heads_values", "test_split_merge_round_trip", "test_mha_self_attention_matches_torch",
               "test_mha_cross_attention_matches_torch", "test_mha_mask_matches_torch", "test_mha_fully_masked_query"]},
    {"name": "merge_to_float32", "about": "casts the merged heads to float32 (.float())",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d_head = x.shape\n"
                              "    return x.transpose(1, 2).reshape(B, T, H * d_head).float()\n"}},
    {"name": "merge_numpy", "about": "returns a NumPy array",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d_head = x.shape\n"
                              "    return x.transpose(1, 2).reshape(B, T, H * d_head).numpy()\n"}},
    {"name": "merge_view_not_contiguous", "about": ".view after the transpose: fails on non-contiguous input",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d_head = x.shape\n"
                              "    return x.transpose(1, 2).view(B, T, H * d_head)\n"}},
    {"name": "merge_feature_major", "about": "permute(0, 2, 3, 1): features interleaved across heads",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d_head = x.shape\n"
                              "    return x.permute(0, 2, 3, 1).reshape(B, T, H * d_head)\n"}},
    {"name": "merge_cat_positions", "about": "concatenates the heads along the positions axis",
     "cells": {"merge_heads": "def merge_heads(x):\n    return torch.cat([x[:, h] for h in range(x.shape[1])], dim=1)\n"}},
    # ---- multi_head_attention (MultiHeadAttention)
    {"name": "mha_scale_by_d_model", "about": "divides the scores by sqrt(d_model) instead of sqrt(d_head)",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q * math.sqrt(self.d_head / self.d_model), K, V, mask)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_no_output_projection", "about": "forgets W_o after merging the heads",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V, mask)\n"
         "        return merge_heads(out), w\n")}},
    {"name": "mha_reshape_mixes_positions", "about": "splits the heads with a plain reshape (no transpose)",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        def split(t):\n"
         "            B, T, D = t.shape\n"
         "            return t.reshape(B, self.num_heads, T, self.d_head)\n"
         "        out, w = scaled_dot_product_attention(split(self.W_q(query)), split(self.W_k(key)),\n"
         "                                              split(self.W_v(value)), mask)\n"
         "        B, H, T, d = out.shape\n"
         "        return self.W_o(out.reshape(B, T, H * d)), w\n")}},
    {"name": "mha_mask_inverted", "about": "inverts the mask (nn.MultiheadAttention's True = blocked)",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V, None if mask is None else ~mask)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_no_bias", "about": "nn.Linear(..., bias=False) for the projections",
     "cells": {"multi_head_attention": _MHA_INIT.replace("(d_model, d_model)", "(d_model, d_model, bias=False)") + (
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V, mask)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_keys_from_query", "about": "self-attention only: keys and values projected from the query",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(query), self.num_heads)\n"
         "        V = split_heads(self.W_v(query), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V, mask)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_softmax_no_shift", "about": "its own softmax, exp without subtracting the row maximum: overflows to nan",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        e = torch.exp(Q @ K.transpose(-2, -1) / math.sqrt(self.d_head))\n"
         "        if mask is not None:\n"
         "            e = e * torch.as_tensor(mask, dtype=e.dtype)\n"
         "        w = e / e.sum(-1, keepdim=True).clamp_min(1e-30)\n"
         "        return self.W_o(merge_heads(w @ V)), w\n")},
     "fails": ["test_mha_weights_are_distributions"]},
    {"name": "mha_values_from_key", "about": "projects the values from `key` (the value argument is ignored)",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(key), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V, mask)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_ignores_mask", "about": "never passes the mask on",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_float32_softmax", "about": "softmax(..., dtype=torch.float32): float64 modules give float32 weights and outputs",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        scores = Q @ K.transpose(-2, -1) / math.sqrt(self.d_head)\n"
         "        if mask is not None:\n"
         "            allowed = torch.broadcast_to(torch.as_tensor(mask, dtype=torch.bool), scores.shape)\n"
         "            scores = scores.masked_fill(~allowed, float('-inf'))\n"
         "            w = torch.nan_to_num(torch.softmax(scores, dim=-1, dtype=torch.float32), nan=0.0)\n"
         "        else:\n"
         "            w = torch.softmax(scores, dim=-1, dtype=torch.float32)\n"
         "        return self.W_o(merge_heads(w @ V.float()).to(query.dtype)).float(), w\n")}},
    # ---- mha_param_count
    {"name": "param_count_no_biases", "about": "forgets the four biases",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n    return 4 * d_model * d_model\n"}},
    {"name": "param_count_times_heads", "about": "thinks every head has its own d_model x d_model matrices",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n"
                                  "    return num_heads * 4 * (d_model * d_model + d_model)\n"}},
    {"name": "param_count_no_output_projection", "about": "forgets W_o: three matrices",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n"
                                  "    return 3 * (d_model * d_model + d_model)\n"}},
    {"name": "param_count_per_head_true_division", "about": "sums per-head blocks with d_model / num_heads: a float",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n    d_head = d_model / num_heads\n"
                                  "    return num_heads * 3 * (d_model * d_head + d_head) + d_model * d_model + d_model\n"}},
    {"name": "param_count_numpy_int32", "about": "computes in NumPy int32 (np.int32 result)",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n"
                                  "    d = np.int32(d_model)\n    return 4 * d * d + 4 * d\n"}},
    # ---- mha_multiply_adds
    {"name": "multiply_adds_true_division", "about": "d_head = d_model / num_heads: returns a float",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    d_head = d_model / num_heads\n"
                                    "    return 4 * T * d_model * d_model + num_heads * 2 * T * T * d_head\n"}},
    {"name": "multiply_adds_int32_overflow", "about": "NumPy int32 arithmetic: overflows for GPT-3 sizes",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    T, d = np.int32(T), np.int32(d_model)\n"
                                    "    return int(4 * T * d * d + 2 * T * T * d)\n"}},
    {"name": "multiply_adds_no_output_projection", "about": "counts three projections",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    d_head = d_model // num_heads\n"
                                    "    return 3 * T * d_model * d_model + num_heads * 2 * T * T * d_head\n"}},
    {"name": "multiply_adds_heads_full_width", "about": "every head works at width d_model",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    return 4 * T * d_model * d_model + num_heads * 2 * T * T * d_model\n"}},
    {"name": "multiply_adds_only_scores", "about": "counts Q K^T but not weights @ V",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    d_head = d_model // num_heads\n"
                                    "    return 4 * T * d_model * d_model + num_heads * T * T * d_head\n"}},
    # ---- concept quiz: one wrong answer loses exactly that question's point
    {"name": "quiz_why_heads_A", "about": "answers \"A\": thinks heads split the positions",
     "cells": {"quiz_why_heads": "quiz_why_heads = \"A\"\n"},
     "fails": ["test_quiz_why_heads"]},
    {"name": "quiz_why_heads_B", "about": "answers \"B\": thinks heads save parameters",
     "cells": {"quiz_why_heads": "quiz_why_heads = \"B\"\n"},
     "fails": ["test_quiz_why_heads"]},
    {"name": "quiz_params_double_heads_True", "about": "answers True: thinks more heads mean more parameters",
     "cells": {"quiz_params_double_heads": "quiz_params_double_heads = True\n"},
     "fails": ["test_quiz_params_double_heads"]},
    {"name": "quiz_split_reshape_A", "about": "answers \"A\": thinks a plain reshape splits the heads correctly",
     "cells": {"quiz_split_reshape": "quiz_split_reshape = \"A\"\n"},
     "fails": ["test_quiz_split_reshape"]},
    {"name": "quiz_concat_size_64", "about": "answers 64: gives one head's size d_v",
     "cells": {"quiz_concat_size": "quiz_concat_size = 64\n"},
     "fails": ["test_quiz_concat_size"]},
    {"name": "quiz_concat_size_4096", "about": "answers 4096: multiplies d_model by h",
     "cells": {"quiz_concat_size": "quiz_concat_size = 4096\n"},
     "fails": ["test_quiz_concat_size"]},
    {"name": "quiz_mha_mask_A", "about": "answers \"A\": passes the True = may attend mask unchanged",
     "cells": {"quiz_mha_mask": "quiz_mha_mask = \"A\"\n"},
     "fails": ["test_quiz_mha_mask"]},
    {"name": "quiz_mha_mask_C", "about": "answers \"C\": passes a float mask (it is added to the scores)",
     "cells": {"quiz_mha_mask": "quiz_mha_mask = \"C\"\n"},
     "fails": ["test_quiz_mha_mask"]},
]

ALTERNATIVES = [
    # ---- head_dim
    {"name": "head_dim_divmod", "about": "divmod",
     "cells": {"head_dim": "def head_dim(d_model, num_heads):\n    q, r = divmod(d_model, num_heads)\n"
                           "    if r != 0:\n        raise ValueError(f'{d_model} % {num_heads} = {r}')\n    return q\n"}},
    {"name": "head_dim_int_division", "about": "int() of a true division after the check",
     "cells": {"head_dim": "def head_dim(d_model, num_heads):\n    if (d_model / num_heads) % 1:\n"
                           "        raise ValueError('num_heads must divide d_model')\n    return int(d_model / num_heads)\n"}},
    # ---- split_heads
    {"name": "split_view_permute", "about": "view and permute",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.view(B, T, num_heads, D // num_heads).permute(0, 2, 1, 3)\n"}},
    {"name": "split_stack_slices", "about": "stacks the feature slices of every head",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    d = x.shape[-1] // num_heads\n"
                              "    return torch.stack([x[..., h * d:(h + 1) * d] for h in range(num_heads)], dim=1)\n"}},
    {"name": "split_unflatten_movedim", "about": "unflatten and movedim",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n"
                              "    return x.unflatten(-1, (num_heads, x.shape[-1] // num_heads)).movedim(2, 1)\n"}},
    # ---- merge_heads
    {"name": "merge_cat_features", "about": "concatenates the heads along the feature axis",
     "cells": {"merge_heads": "def merge_heads(x):\n    return torch.cat([x[:, h] for h in range(x.shape[1])], dim=-1)\n"}},
    {"name": "merge_contiguous_view", "about": "permute, contiguous, view",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d = x.shape\n"
                              "    return x.permute(0, 2, 1, 3).contiguous().view(B, T, H * d)\n"}},
    # ---- multi_head_attention
    {"name": "mha_einsum_own_softmax", "about": "einsum, its own masking and softmax",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        B, T_q, _ = query.shape\n        T_k = key.shape[1]\n        H, d = self.num_heads, self.d_head\n"
         "        q = self.W_q(query).view(B, T_q, H, d)\n"
         "        k = self.W_k(key).view(B, T_k, H, d)\n"
         "        v = self.W_v(value).view(B, T_k, H, d)\n"
         "        scores = torch.einsum('bqhd,bkhd->bhqk', q, k) / d ** 0.5\n"
         "        if mask is not None:\n"
         "            allowed = torch.broadcast_to(torch.as_tensor(mask, dtype=torch.bool), scores.shape)\n"
         "            scores = scores.masked_fill(~allowed, float('-inf'))\n"
         "            w = torch.nan_to_num(torch.softmax(scores, dim=-1), nan=0.0)\n"
         "        else:\n"
         "            w = torch.softmax(scores, dim=-1)\n"
         "        out = torch.einsum('bhqk,bkhd->bqhd', w, v).reshape(B, T_q, H * d)\n"
         "        return self.W_o(out), w\n")}},
    {"name": "mha_loop_over_heads", "about": "one head at a time with slices of the weight matrices",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        B, T_q, _ = query.shape\n        T_k = key.shape[1]\n        d = self.d_head\n"
         "        if mask is not None:\n"
         "            mask = torch.broadcast_to(torch.as_tensor(mask, dtype=torch.bool), (B, self.num_heads, T_q, T_k))\n"
         "        outs, ws = [], []\n"
         "        for h in range(self.num_heads):\n"
         "            rows = slice(h * d, (h + 1) * d)\n"
         "            q = query @ self.W_q.weight[rows].T + self.W_q.bias[rows]\n"
         "            k = key @ self.W_k.weight[rows].T + self.W_k.bias[rows]\n"
         "            v = value @ self.W_v.weight[rows].T + self.W_v.bias[rows]\n"
         "            o, w = scaled_dot_product_attention(q, k, v, None if mask is None else mask[:, h])\n"
         "            outs.append(o)\n            ws.append(w)\n"
         "        return self.W_o(torch.cat(outs, dim=-1)), torch.stack(ws, dim=1)\n")}},
    {"name": "merge_movedim_flatten", "about": "movedim and flatten",
     "cells": {"merge_heads": "def merge_heads(x):\n    return x.movedim(1, 2).flatten(2)\n"}},
    {"name": "mha_own_stable_softmax", "about": "its own softmax that subtracts the row maximum, its own masking",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        scores = Q @ K.transpose(-2, -1) / math.sqrt(self.d_head)\n"
         "        e = torch.exp(scores - scores.amax(-1, keepdim=True))\n"
         "        if mask is not None:\n"
         "            e = e * torch.as_tensor(mask, dtype=e.dtype)\n"
         "        w = e / e.sum(-1, keepdim=True).clamp_min(1e-30)\n"
         "        return self.W_o(merge_heads(w @ V)), w\n")}},
    # ---- mha_param_count
    {"name": "param_count_factored", "about": "4 (d_model + 1) d_model",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n    return 4 * (d_model + 1) * d_model\n"}},
    {"name": "param_count_per_head_sum", "about": "sums per-head blocks and the output layer",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n    d_head = d_model // num_heads\n"
                                  "    per_head = 3 * (d_model * d_head + d_head)\n"
                                  "    return num_heads * per_head + d_model * d_model + d_model\n"}},
    {"name": "param_count_from_module", "about": "counts the parameters of a MultiHeadAttention it builds",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n"
                                  "    return sum(p.numel() for p in MultiHeadAttention(d_model, num_heads).parameters())\n"}},
    # ---- mha_multiply_adds
    {"name": "multiply_adds_loop_over_heads", "about": "adds the heads one by one",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    total = 4 * T * d_model * d_model\n"
                                    "    for _ in range(num_heads):\n"
                                    "        total += 2 * T * T * (d_model // num_heads)\n    return total\n"}},
    {"name": "multiply_adds_closed_form", "about": "the closed form 4 T d^2 + 2 T^2 d",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    return int(4 * T * d_model ** 2 + 2 * T ** 2 * d_model)\n"}},
    # ---- concept quiz
    {"name": "quiz_why_heads_lowercase", "about": "answers in lower case",
     "cells": {"quiz_why_heads": "quiz_why_heads = \"c\"\n"}},
    {"name": "quiz_split_reshape_lowercase_space", "about": "a lower-case letter with a trailing space",
     "cells": {"quiz_split_reshape": "quiz_split_reshape = \"c \"\n"}},
    {"name": "quiz_mha_mask_spaces", "about": "a letter with spaces around it",
     "cells": {"quiz_mha_mask": "quiz_mha_mask = \" B \"\n"}},
    {"name": "quiz_concat_size_float", "about": "writes the number as a float",
     "cells": {"quiz_concat_size": "quiz_concat_size = 512.0\n"}},
    {"name": "quiz_params_double_heads_numpy_bool", "about": "a NumPy boolean",
     "cells": {"quiz_params_double_heads": "quiz_params_double_heads = np.bool_(False)\n"}},
]
