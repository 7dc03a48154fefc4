"""Demo class for 03_multi_head_attention: typical mistakes (see lessons/README.md)."""

MISTAKES = {
    "alice": {
        "about": "splits and merges heads with a plain reshape (no transpose: positions get mixed); "
                 "counts the parameters without the biases",
        "cells": {
            "split_heads": (
                "def split_heads(x, num_heads):\n"
                "    B, T, D = x.shape\n"
                "    return x.reshape(B, num_heads, T, D // num_heads)\n"
            ),
            "merge_heads": (
                "def merge_heads(x):\n"
                "    B, H, T, d_head = x.shape\n"
                "    return x.reshape(B, T, H * d_head)\n"
            ),
            "mha_param_count": (
                "def mha_param_count(d_model, num_heads):\n"
                "    return 4 * d_model * d_model\n"
            ),
        },
        "fails": ["test_split_heads_keeps_positions_apart", "test_split_heads_feature_order",
                  "test_merge_heads_values",
                  "test_mha_self_attention_matches_torch", "test_mha_cross_attention_matches_torch",
                  "test_mha_mask_matches_torch", "test_mha_fully_masked_query",
                  "test_mha_heads_use_their_own_features",
                  "test_mha_param_count_paper", "test_mha_param_count_matches_modules"],
    },
    "bob": {
        "about": "writes his own attention and scales by sqrt(d_model) instead of sqrt(d_head); "
                 "no divisibility check in head_dim; counts each head's products with d_model",
        "cells": {
            "head_dim": (
                "def head_dim(d_model, num_heads):\n"
                "    return d_model // num_heads\n"
            ),
            "multi_head_attention": (
                "class MultiHeadAttention(nn.Module):\n"
                "    def __init__(self, d_model, num_heads):\n"
                "        super().__init__()\n"
                "        self.d_model, self.num_heads = d_model, num_heads\n"
                "        self.W_q = nn.Linear(d_model, d_model)\n"
                "        self.W_k = nn.Linear(d_model, d_model)\n"
                "        self.W_v = nn.Linear(d_model, d_model)\n"
                "        self.W_o = nn.Linear(d_model, d_model)\n"
                "\n"
                "    def forward(self, query, key, value, mask=None):\n"
                "        Q = split_heads(self.W_q(query), self.num_heads)\n"
                "        K = split_heads(self.W_k(key), self.num_heads)\n"
                "        V = split_heads(self.W_v(value), self.num_heads)\n"
                "        scores = Q @ K.transpose(-2, -1) / math.sqrt(self.d_model)\n"
                "        if mask is not None:\n"
                "            scores = scores.masked_fill(~mask, float('-inf'))\n"
                "        weights = torch.softmax(scores, dim=-1)\n"
                "        return self.W_o(merge_heads(weights @ V)), weights\n"
            ),
            "mha_multiply_adds": (
                "def mha_multiply_adds(T, d_model, num_heads):\n"
                "    return 4 * T * d_model * d_model + num_heads * 2 * T * T * d_model\n"
            ),
        },
        "fails": ["test_head_dim_rejects_indivisible",
                  "test_mha_scales_by_sqrt_d_head", "test_mha_self_attention_matches_torch",
                  "test_mha_cross_attention_matches_torch", "test_mha_mask_matches_torch",
                  "test_mha_fully_masked_query",
                  "test_mha_multiply_adds_value", "test_mha_multiply_adds_independent_of_heads"],
    },
    "carol": {
        "about": "passes ~mask as for nn.MultiheadAttention (True = blocked) and forgets the output "
                 "projection W_o; splits D into (d_head, H) in split_heads",
        "cells": {
            "split_heads": (
                "def split_heads(x, num_heads):\n"
                "    B, T, D = x.shape\n"
                "    return x.reshape(B, T, D // num_heads, num_heads).permute(0, 3, 1, 2)\n"
            ),
            "multi_head_attention": (
                "class MultiHeadAttention(nn.Module):\n"
                "    def __init__(self, d_model, num_heads):\n"
                "        super().__init__()\n"
                "        self.num_heads = num_heads\n"
                "        self.W_q = nn.Linear(d_model, d_model)\n"
                "        self.W_k = nn.Linear(d_model, d_model)\n"
                "        self.W_v = nn.Linear(d_model, d_model)\n"
                "        self.W_o = nn.Linear(d_model, d_model)\n"
                "\n"
                "    def forward(self, query, key, value, mask=None):\n"
                "        Q = split_heads(self.W_q(query), self.num_heads)\n"
                "        K = split_heads(self.W_k(key), self.num_heads)\n"
                "        V = split_heads(self.W_v(value), self.num_heads)\n"
                "        if mask is not None:\n"
                "            mask = ~mask  # nn.MultiheadAttention style\n"
                "        out, weights = scaled_dot_product_attention(Q, K, V, mask)\n"
                "        return merge_heads(out), weights\n"
            ),
        },
        "fails": ["test_split_heads_feature_order", "test_split_merge_round_trip",
                  "test_mha_applies_output_projection", "test_mha_self_attention_matches_torch",
                  "test_mha_cross_attention_matches_torch", "test_mha_mask_matches_torch",
                  "test_mha_fully_masked_query", "test_mha_heads_use_their_own_features"],
    },
}


# Concept quiz: each student gets one question wrong (grade_id, what they wrote, why).
_QUIZ_SLIPS = {
    'alice': ('quiz_split_reshape', 'quiz_split_reshape = "A"\n',
              'thinks a plain reshape splits the heads correctly'),
    'bob': ('quiz_params_double_heads', 'quiz_params_double_heads = True\n',
              'thinks more heads mean more parameters'),
    'carol': ('quiz_mha_mask', 'quiz_mha_mask = "A"\n',
              'passes the True = may attend mask to nn.MultiheadAttention unchanged'),
}
for _name, (_gid, _source, _about) in _QUIZ_SLIPS.items():
    MISTAKES[_name]["cells"][_gid] = _source
    MISTAKES[_name]["fails"].append("test_" + _gid)
    MISTAKES[_name]["about"] += "; quiz: " + _about
