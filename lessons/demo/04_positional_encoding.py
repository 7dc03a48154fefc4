"""Demo class for 04_positional_encoding: typical mistakes (see lessons/README.md)."""

_ORDER_BLINDNESS = '''def sentence_permutation(words_a, words_b):
    unused = {}
    for i, w in enumerate(words_a):
        unused.setdefault(w, []).append(i)
    return np.array([unused[w].pop(0) for w in words_b])


def equivariance_gap(f, X, perm):
    X = np.asarray(X)
    perm = np.asarray(perm)
    return float(np.max(np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :])))
'''

_LEARNED = '''class LearnedPositionalEmbedding(nn.Module):
    def __init__(self, max_len, d_model):
        super().__init__()
        self.max_len = max_len
        self.embedding = nn.Embedding(max_len, d_model)

    def forward(self, x):
        T = x.shape[-2]
        if T > self.max_len:
            raise ValueError(f"T = {T} > max_len = {self.max_len}")
        return x + self.embedding(torch.arange(T))
'''

MISTAKES = {
    "alice": {
        "about": "sin and cos swapped; rotation blocks transposed (shift by -k); inverse permutation; "
                 "nn.Embedding(d_model, max_len) with the arguments swapped",
        "cells": {
            "order_blindness": _ORDER_BLINDNESS.replace(
                "    return np.array([unused[w].pop(0) for w in words_b])\n",
                "    perm = np.array([unused[w].pop(0) for w in words_b])\n    return np.argsort(perm)\n"),
            "sinusoidal_positional_encoding": (
                "def sinusoidal_positional_encoding(max_len, d_model):\n"
                "    pos = np.arange(max_len)[:, None]\n"
                "    j = np.arange(d_model)[None, :]\n"
                "    angle = pos / 10000.0 ** (2 * (j // 2) / d_model)\n"
                "    return np.where(j % 2 == 0, np.cos(angle), np.sin(angle))\n"
            ),
            "relative_position_matrix": (
                "def relative_position_matrix(k, d_model):\n"
                "    if d_model % 2:\n"
                "        raise ValueError('d_model must be even')\n"
                "    M = np.zeros((d_model, d_model))\n"
                "    for i in range(d_model // 2):\n"
                "        phi = k / 10000.0 ** (2 * i / d_model)\n"
                "        M[2 * i: 2 * i + 2, 2 * i: 2 * i + 2] = [[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]]\n"
                "    return M\n"
            ),
            "LearnedPositionalEmbedding": _LEARNED.replace("nn.Embedding(max_len, d_model)", "nn.Embedding(d_model, max_len)"),
        },
        "fails": ["test_sentence_permutation_cat_mouse", "test_sentence_permutation_repeated_words",
                  "test_pe_shape_and_position_zero", "test_pe_matches_the_paper", "test_pe_odd_d_model",
                  "test_rel_rotation_direction", "test_rel_shifts_every_position",
                  "test_learned_has_a_position_table", "test_learned_adds_to_the_input",
                  "test_learned_uses_positions_not_batch_or_tokens", "test_learned_positions_start_at_zero"],
    },
    "bob": {
        "about": "concatenates a sine half and a cosine half (and builds the shift matrix for that layout); "
                 "list.index for repeated words; returns the position vectors without adding them to x",
        "cells": {
            "order_blindness": _ORDER_BLINDNESS.replace(
                "    unused = {}\n    for i, w in enumerate(words_a):\n        unused.setdefault(w, []).append(i)\n"
                "    return np.array([unused[w].pop(0) for w in words_b])\n",
                "    return np.array([words_a.index(w) for w in words_b])\n"),
            "sinusoidal_positional_encoding": (
                "def sinusoidal_positional_encoding(max_len, d_model):\n"
                "    pos = np.arange(max_len)[:, None]\n"
                "    freq = 1.0 / 10000.0 ** (np.arange(0, d_model, 2) / d_model)\n"
                "    pe = np.concatenate([np.sin(pos * freq), np.cos(pos * freq)], axis=1)\n"
                "    return pe[:, :d_model]\n"
            ),
            "relative_position_matrix": (
                "def relative_position_matrix(k, d_model):\n"
                "    if d_model % 2:\n"
                "        raise ValueError('d_model must be even')\n"
                "    h = d_model // 2\n"
                "    phi = k / 10000.0 ** (2 * np.arange(h) / d_model)\n"
                "    c, s = np.diag(np.cos(phi)), np.diag(np.sin(phi))\n"
                "    return np.block([[c, s], [-s, c]])\n"
            ),
            "LearnedPositionalEmbedding": _LEARNED.replace("return x + self.embedding", "return self.embedding"),
        },
        "fails": ["test_sentence_permutation_repeated_words",
                  "test_pe_shape_and_position_zero", "test_pe_pairs_share_a_frequency",
                  "test_pe_matches_the_paper", "test_pe_odd_d_model",
                  "test_rel_block_diagonal_rotation", "test_rel_shifts_every_position",
                  "test_learned_adds_to_the_input", "test_learned_uses_positions_not_batch_or_tokens"],
    },
    "carol": {
        "about": "exponent j/d_model with the column index j instead of 2i; compares with the inverse "
                 "permutation; no ValueError for odd d_model or for sequences longer than max_len",
        "cells": {
            "order_blindness": _ORDER_BLINDNESS.replace(
                "np.asarray(f(X))[..., perm, :]", "np.asarray(f(X))[..., np.argsort(perm), :]"),
            "sinusoidal_positional_encoding": (
                "def sinusoidal_positional_encoding(max_len, d_model):\n"
                "    pos = np.arange(max_len)[:, None]\n"
                "    j = np.arange(d_model)[None, :]\n"
                "    angle = pos / 10000.0 ** (j / d_model)\n"
                "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n"
            ),
            "relative_position_matrix": (
                "def relative_position_matrix(k, d_model):\n"
                "    M = np.zeros((d_model, d_model))\n"
                "    for i in range(d_model // 2):\n"
                "        phi = k / 10000.0 ** (2 * i / d_model)\n"
                "        M[2 * i: 2 * i + 2, 2 * i: 2 * i + 2] = [[np.cos(phi), np.sin(phi)], [-np.sin(phi), np.cos(phi)]]\n"
                "    return M\n"
            ),
            "LearnedPositionalEmbedding": _LEARNED.replace(
                "        if T > self.max_len:\n            raise ValueError(f\"T = {T} > max_len = {self.max_len}\")\n", ""),
        },
        "fails": ["test_equivariance_gap",
                  "test_pe_pairs_share_a_frequency", "test_pe_matches_the_paper", "test_pe_odd_d_model",
                  "test_pe_dot_product_depends_only_on_offset",
                  "test_rel_odd_d_model_raises", "test_learned_past_max_len_raises"],
    },
}


# Concept quiz: each student gets one question wrong (grade_id, what they wrote, why).
_QUIZ_SLIPS = {
    'alice': ('quiz_equivariance', 'quiz_equivariance = "A"\n',
              'calls attention permutation-invariant'),
    'bob': ('quiz_pe_odd_dims', 'quiz_pe_odd_dims = "B"\n',
              'uses the exponent (2i+1)/d_model for the cosines'),
    'carol': ('quiz_learned_extrapolates', 'quiz_learned_extrapolates = True\n',
              'thinks a learned table extrapolates past max_len'),
}
for _name, (_gid, _source, _about) in _QUIZ_SLIPS.items():
    MISTAKES[_name]["cells"][_gid] = _source
    MISTAKES[_name]["fails"].append("test_" + _gid)
    MISTAKES[_name]["about"] += "; quiz: " + _about
