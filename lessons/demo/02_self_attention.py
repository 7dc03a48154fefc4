"""Demo class for 02_self_attention: typical mistakes (see lessons/README.md)."""

MISTAKES = {
    "alice": {
        "about": "forgets to divide the scores by sqrt(d_k); does not count self-connections",
        "cells": {
            "attention_scores": (
                "def attention_scores(Q, K):\n"
                "    return np.asarray(Q) @ np.swapaxes(K, -1, -2)\n"
            ),
            "n_connections": "def n_connections(n):\n    return n * (n - 1)\n",
        },
        "fails": ["test_n_connections_the_cat_sat", "test_n_connections_any_length",
                  "test_scores_are_scaled", "test_scores_batched",
                  "test_sdpa_matches_pytorch", "test_sdpa_mask_matches_pytorch"],
    },
    "bob": {
        "about": ("softmax without subtracting the max (overflows); forgets the scaling in the hand calculation "
                  "(and carries it through correctly, so only the scores lose their point)"),
        "cells": {
            "softmax": (
                "def softmax(x, axis=-1):\n"
                "    e = np.exp(np.asarray(x, dtype=float))\n"
                "    return e / np.sum(e, axis=axis, keepdims=True)\n"
            ),
            "hand_calculation": (
                "hand_scores = [[2.0, 0.0], [0.0, 2.0]]\n"
                "hand_weights = [[0.88, 0.12], [0.12, 0.88]]\n"
                "hand_output = [[1.24, 1.76], [2.76, 0.24]]\n"
            ),
        },
        "fails": ["test_softmax_is_stable", "test_sdpa_matches_pytorch",
                  "test_hand_scores"],
    },
    "carol": {
        "about": "uses nn.MultiheadAttention's mask convention (True = blocked) and no guard for fully masked rows",
        "cells": {
            "scaled_dot_product_attention": (
                "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
                "    scores = attention_scores(Q, K)\n"
                "    if mask is not None:\n"
                "        scores = np.where(mask, -np.inf, scores)\n"
                "    weights = softmax(scores, axis=-1)\n"
                "    return weights @ V, weights\n"
            ),
        },
        "fails": ["test_sdpa_causal_ignores_the_future", "test_sdpa_mask_matches_pytorch",
                  "test_sdpa_fully_masked_row_is_zero"],
    },
}


# Concept quiz: each student gets one question wrong (grade_id, what they wrote, why).
_QUIZ_SLIPS = {
    'alice': ('quiz_scale_divisor', 'quiz_scale_divisor = 64\n',
              'divides by d_k = 64 instead of sqrt(d_k) = 8'),
    'bob': ('quiz_why_scale', 'quiz_why_scale = "C"\n',
              'thinks the scale prevents overflow'),
    'carol': ('quiz_weights_shape', 'quiz_weights_shape = "A"\n',
              "transposes the weights' shape, (T_k, T_q)"),
}
for _name, (_gid, _source, _about) in _QUIZ_SLIPS.items():
    MISTAKES[_name]["cells"][_gid] = _source
    MISTAKES[_name]["fails"].append("test_" + _gid)
    MISTAKES[_name]["about"] += "; quiz: " + _about
