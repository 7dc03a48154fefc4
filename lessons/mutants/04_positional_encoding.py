"""Mutation catalogue for 04_positional_encoding: realistic wrong answers (must lose points) and correct alternatives (must get full marks)."""

_EQ_GAP = (
    "\n\ndef equivariance_gap(f, X, perm):\n    X, perm = np.asarray(X), np.asarray(perm)\n"
    "    return float(np.max(np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :])))\n"
)
_PERM = (
    "def sentence_permutation(words_a, words_b):\n    unused = {}\n"
    "    for i, w in enumerate(words_a):\n        unused.setdefault(w, []).append(i)\n"
    "    return np.array([unused[w].pop(0) for w in words_b])\n"
)
_LPE_INIT = (
    "class LearnedPositionalEmbedding(nn.Module):\n"
    "    def __init__(self, max_len, d_model):\n        super().__init__()\n"
    "        self.max_len = max_len\n        self.embedding = nn.Embedding(max_len, d_model)\n\n"
)
_CHECK = ("        if x.shape[1] > self.max_len:\n"
          "            raise ValueError(f'sequence length {x.shape[1]} > max_len {self.max_len}')\n")


MUTANTS = [
    # ---- order_blindness (sentence_permutation, equivariance_gap)
    {"name": "permutation_list_index", "about": "list.index: a repeated word always maps to its first position",
     "cells": {"order_blindness": "def sentence_permutation(words_a, words_b):\n"
                                  "    return np.array([words_a.index(w) for w in words_b])\n" + _EQ_GAP}},
    {"name": "permutation_inverse", "about": "the inverse permutation: where each word of a went in b",
     "cells": {"order_blindness": "def sentence_permutation(words_a, words_b):\n    unused = {}\n"
                                  "    for i, w in enumerate(words_b):\n        unused.setdefault(w, []).append(i)\n"
                                  "    return np.array([unused[w].pop(0) for w in words_a])\n" + _EQ_GAP}},
    {"name": "permutation_sorted_positions", "about": "returns the positions sorted by word (argsort of b)",
     "cells": {"order_blindness": "def sentence_permutation(words_a, words_b):\n"
                                  "    return np.argsort(words_b, kind='stable')\n" + _EQ_GAP}},
    {"name": "gap_output_not_permuted", "about": "compares f(X[perm]) with f(X) without permuting the output",
     "cells": {"order_blindness": _PERM + "\n\ndef equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
                                  "    return float(np.max(np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X)))))\n"}},
    {"name": "gap_permutes_first_axis", "about": "X[perm] permutes axis 0 (the batch, when there is one)",
     "cells": {"order_blindness": _PERM + "\n\ndef equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
                                  "    return float(np.max(np.abs(np.asarray(f(X[perm])) - np.asarray(f(X))[perm])))\n"}},
    {"name": "permutation_returns_list", "about": "returns a Python list, not the promised integer NumPy array",
     "cells": {"order_blindness": "def sentence_permutation(words_a, words_b):\n    unused = {}\n"
                                  "    for i, w in enumerate(words_a):\n        unused.setdefault(w, []).append(i)\n"
                                  "    return [unused[w].pop(0) for w in words_b]\n" + _EQ_GAP}},
    {"name": "gap_signed_max", "about": "the largest signed difference: forgets the absolute value",
     "cells": {"order_blindness": _PERM + "\n\ndef equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
                                  "    return float(np.max(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :]))\n"}},
    {"name": "gap_returns_array", "about": "returns the (1,)-shaped array of the maximum, not a float",
     "cells": {"order_blindness": _PERM + "\n\ndef equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
                                  "    d = np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :])\n"
                                  "    return d.reshape(-1).max(keepdims=True)\n"}},
    {"name": "gap_mean_not_max", "about": "the mean absolute difference instead of the maximum",
     "cells": {"order_blindness": _PERM + "\n\ndef equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
                                  "    return float(np.mean(np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :])))\n"}},
    # ---- sinusoidal_positional_encoding
    {"name": "pe_sin_cos_swapped", "about": "cosines in the even columns, sines in the odd ones",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    angle = pos / 10000.0 ** (2 * (j // 2) / d_model)\n"
         "    return np.where(j % 2 == 0, np.cos(angle), np.sin(angle))\n")}},
    {"name": "pe_concatenated_halves", "about": "all sines then all cosines, not interleaved",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len)[:, None]\n    i = np.arange((d_model + 1) // 2)[None, :]\n"
         "    angle = pos / 10000.0 ** (2 * i / d_model)\n"
         "    return np.concatenate([np.sin(angle), np.cos(angle)], axis=1)[:, :d_model]\n")}},
    {"name": "pe_exponent_i_not_2i", "about": "frequency exponent j / d_model (column index) instead of 2i / d_model",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    angle = pos / 10000.0 ** (j / d_model)\n"
         "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n")}},
    {"name": "pe_positions_from_one", "about": "positions 1..max_len instead of 0..max_len-1",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(1, max_len + 1)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    angle = pos / 10000.0 ** (2 * (j // 2) / d_model)\n"
         "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n")}},
    {"name": "pe_odd_computes_even_and_drops", "about": "odd d_model: computes d_model + 1 columns and drops one (wrong exponent)",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    d = d_model + d_model % 2\n    pe = np.zeros((max_len, d))\n"
         "    pos = np.arange(max_len)[:, None]\n"
         "    angle = pos / 10000.0 ** (np.arange(0, d, 2) / d)\n"
         "    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)\n    return pe[:, :d_model]\n")}},
    {"name": "pe_integer_division_exponent", "about": "exponent 2i // d_model (integer division): every frequency is 1",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    angle = pos / 10000.0 ** (2 * (j // 2) // d_model)\n"
         "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n")}},
    {"name": "pe_base_1000", "about": "base 1000 instead of 10000",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    angle = pos / 1000.0 ** (2 * (j // 2) / d_model)\n"
         "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n")}},
    {"name": "pe_float32", "about": "builds the table in float32 (not the promised float64)",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len, dtype=np.float32)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    freq = (1.0 / 10000.0 ** (2 * (j // 2) / d_model)).astype(np.float32)\n"
         "    angle = pos * freq\n"
         "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n")}},
    {"name": "pe_torch_tensor", "about": "builds the table with torch and returns a tensor, not a NumPy array",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = torch.arange(max_len, dtype=torch.float64)[:, None]\n    j = torch.arange(d_model)[None, :]\n"
         "    angle = pos / 10000.0 ** (2 * torch.div(j, 2, rounding_mode='floor') / d_model)\n"
         "    return torch.where(j % 2 == 0, torch.sin(angle), torch.cos(angle))\n")}},
    # ---- relative_position_matrix
    {"name": "rel_rotation_direction", "about": "the 2x2 blocks rotate the wrong way: [[c, -s], [s, c]]",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        phi = k / 10000.0 ** (2 * i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, -s], [s, c]]\n    return M\n")}},
    {"name": "rel_no_odd_check", "about": "no ValueError for odd d_model (the last column is left out)",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n"
         "    M = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        phi = k / 10000.0 ** (2 * i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, s], [-s, c]]\n    return M\n")}},
    {"name": "rel_exponent_i_not_2i", "about": "angle k / 10000^(i / d_model): the wrong frequencies",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        phi = k / 10000.0 ** (i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, s], [-s, c]]\n    return M\n")}},
    {"name": "rel_overlapping_blocks", "about": "indexing slip: blocks at (i, i) instead of (2i, 2i)",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        phi = k / 10000.0 ** (2 * i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[i:i + 2, i:i + 2] = [[c, s], [-s, c]]\n    return M\n")}},
    {"name": "rel_abs_k", "about": "uses |k|: a negative offset shifts forward instead of back",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        phi = abs(k) / 10000.0 ** (2 * i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, s], [-s, c]]\n    return M\n")}},
    {"name": "rel_torch_tensor", "about": "returns a torch tensor, not the promised NumPy array",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = torch.zeros(d_model, d_model, dtype=torch.float64)\n    for i in range(d_model // 2):\n"
         "        phi = torch.tensor(k / 10000.0 ** (2 * i / d_model), dtype=torch.float64)\n"
         "        c, s = torch.cos(phi), torch.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = torch.stack([torch.stack([c, s]), torch.stack([-s, c])])\n"
         "    return M\n")}},
    {"name": "rel_float32", "about": "builds M in float32 (not the promised float64)",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = np.zeros((d_model, d_model), dtype=np.float32)\n    for i in range(d_model // 2):\n"
         "        phi = k / 10000.0 ** (2 * i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, s], [-s, c]]\n    return M\n")}},
    # ---- LearnedPositionalEmbedding
    {"name": "learned_adds_in_place", "about": "x += P[:T]: changes the caller's tensor in place",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        x += self.embedding(torch.arange(x.shape[1]))\n        return x\n"}},
    {"name": "learned_T_from_last_axis", "about": "takes T from the last axis (d_model) instead of axis -2",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n        T = x.shape[-1]\n"
               "        if T > self.max_len:\n            raise ValueError('too long')\n"
               "        return x + self.embedding(torch.arange(T))\n"}},
    {"name": "learned_check_off_by_one", "about": "raises for T == max_len too (T >= max_len)",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n"
               "        if x.shape[1] >= self.max_len:\n            raise ValueError('too long')\n"
               "        return x + self.embedding(torch.arange(x.shape[1]))\n"}},
    {"name": "learned_new_table_each_call", "about": "creates a fresh nn.Embedding inside forward (a new random table every call)",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + nn.Embedding(self.max_len, x.shape[-1])(torch.arange(x.shape[1]))\n"}},
    {"name": "learned_float64_output", "about": "converts the sum to float64 (the output's dtype no longer follows x)",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return (x + self.embedding(torch.arange(x.shape[1]))).double()\n"}},
    {"name": "learned_returns_positions_only", "about": "returns the position vectors without adding the input",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return self.embedding(torch.arange(x.shape[1])).expand_as(x)\n"}},
    {"name": "learned_positions_from_batch_axis", "about": "takes T from axis 0 (the batch)",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + self.embedding(torch.arange(x.shape[0]))[:, None, :]\n"}},
    {"name": "learned_positions_from_one", "about": "positions 1..T (row 0 never used, T = max_len fails)",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + self.embedding(torch.arange(1, x.shape[1] + 1))\n"}},
    {"name": "learned_no_length_check", "about": "no ValueError: nn.Embedding's IndexError leaks out",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n"
               "        return x + self.embedding(torch.arange(x.shape[1]))\n"}},
    {"name": "learned_detached_table", "about": "detaches the position vectors: the table never gets a gradient",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + self.embedding(torch.arange(x.shape[1])).detach()\n"},
     "fails": ["test_learned_has_a_position_table"]},
    {"name": "learned_forward_under_no_grad", "about": "runs the lookup under torch.no_grad(): nothing is trained",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        with torch.no_grad():\n            return x + self.embedding(torch.arange(x.shape[1]))\n"},
     "fails": ["test_learned_has_a_position_table"]},
    {"name": "learned_weight_data", "about": "slices embedding.weight.data, outside the autograd graph",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + self.embedding.weight.data[: x.shape[1]]\n"},
     "fails": ["test_learned_has_a_position_table"]},
    {"name": "learned_embeds_the_values", "about": "looks up the input values as if they were token ids",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        idx = x.detach().abs().long().clamp(max=self.max_len - 1)[..., 0]\n"
               "        return x + self.embedding(idx)\n"}},
    # ---- concept quiz: one wrong answer loses exactly that question's point
    {"name": "quiz_equivariance_A", "about": "answers \"A\": calls attention permutation-invariant",
     "cells": {"quiz_equivariance": "quiz_equivariance = \"A\"\n"},
     "fails": ["test_quiz_equivariance"]},
    {"name": "quiz_pe_odd_dims_B", "about": "answers \"B\": uses the exponent (2i+1)/d_model",
     "cells": {"quiz_pe_odd_dims": "quiz_pe_odd_dims = \"B\"\n"},
     "fails": ["test_quiz_pe_odd_dims"]},
    {"name": "quiz_pe_odd_dims_D", "about": "answers \"D\": uses the exponent i/d_model",
     "cells": {"quiz_pe_odd_dims": "quiz_pe_odd_dims = \"D\"\n"},
     "fails": ["test_quiz_pe_odd_dims"]},
    {"name": "quiz_pe_combined_A", "about": "answers \"A\": thinks the encoding is concatenated",
     "cells": {"quiz_pe_combined": "quiz_pe_combined = \"A\"\n"},
     "fails": ["test_quiz_pe_combined"]},
    {"name": "quiz_fastest_wavelength_1", "about": "answers 1: thinks the fastest wave repeats every position",
     "cells": {"quiz_fastest_wavelength": "quiz_fastest_wavelength = 1\n"},
     "fails": ["test_quiz_fastest_wavelength"]},
    {"name": "quiz_fastest_wavelength_62831_85", "about": "answers 62831.85: gives the slowest wavelength, 10000 * 2 pi",
     "cells": {"quiz_fastest_wavelength": "quiz_fastest_wavelength = 62831.85\n"},
     "fails": ["test_quiz_fastest_wavelength"]},
    {"name": "quiz_fastest_wavelength_pi", "about": "answers pi: half a wavelength (from 0 back to 0)",
     "cells": {"quiz_fastest_wavelength": "quiz_fastest_wavelength = 3.14159\n"},
     "fails": ["test_quiz_fastest_wavelength"]},
    {"name": "quiz_fastest_wavelength_cycles", "about": "answers 1 / (2 pi) = 0.159: the frequency in cycles per position",
     "cells": {"quiz_fastest_wavelength": "quiz_fastest_wavelength = 0.159\n"},
     "fails": ["test_quiz_fastest_wavelength"]},
    {"name": "quiz_learned_extrapolates_True", "about": "answers True: thinks a learned table extrapolates",
     "cells": {"quiz_learned_extrapolates": "quiz_learned_extrapolates = True\n"},
     "fails": ["test_quiz_learned_extrapolates"]},
]

ALTERNATIVES = [
    # ---- order_blindness
    {"name": "permutation_deque_fromiter", "about": "a deque of positions per word, np.fromiter; gap via Python max over the flat array",
     "cells": {"order_blindness": (
         "from collections import defaultdict, deque\n\n\n"
         "def sentence_permutation(words_a, words_b):\n    where = defaultdict(deque)\n"
         "    for i, w in enumerate(words_a):\n        where[w].append(i)\n"
         "    return np.fromiter((where[w].popleft() for w in words_b), dtype=np.intp, count=len(words_b))\n\n\n"
         "def equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
         "    d = np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :]\n"
         "    return max(abs(v) for v in d.flat)\n")}},
    {"name": "permutation_used_flags_take", "about": "used-flags loop; np.take along axis -2",
     "cells": {"order_blindness": (
         "def sentence_permutation(words_a, words_b):\n    used = [False] * len(words_a)\n    perm = []\n"
         "    for w in words_b:\n        for i, v in enumerate(words_a):\n"
         "            if v == w and not used[i]:\n                used[i] = True\n                perm.append(i)\n"
         "                break\n    return np.array(perm, dtype=int)\n\n\n"
         "def equivariance_gap(f, X, perm):\n    X = np.asarray(X, dtype=float)\n"
         "    a = np.asarray(f(np.take(X, perm, axis=-2)))\n    b = np.take(np.asarray(f(X)), perm, axis=-2)\n"
         "    return float(np.abs(a - b).max())\n")}},
    {"name": "permutation_stable_argsort", "about": "matching stable sorts of both sentences; a loop over positions",
     "cells": {"order_blindness": (
         "def sentence_permutation(words_a, words_b):\n"
         "    ia, ib = np.argsort(words_a, kind='stable'), np.argsort(words_b, kind='stable')\n"
         "    perm = np.empty(len(words_a), dtype=int)\n    perm[ib] = ia\n    return perm\n\n\n"
         "def equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
         "    first, after = np.asarray(f(X[..., perm, :])), np.asarray(f(X))\n    gap = 0.0\n"
         "    for j, p in enumerate(perm):\n"
         "        gap = max(gap, float(np.max(np.abs(first[..., j, :] - after[..., p, :]))))\n    return gap\n")}},
    # ---- sinusoidal_positional_encoding
    {"name": "pe_loops", "about": "two Python loops with math.sin / math.cos",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n    pe = np.zeros((max_len, d_model))\n"
         "    for pos in range(max_len):\n        for j in range(d_model):\n"
         "            angle = pos / 10000 ** (2 * (j // 2) / d_model)\n"
         "            pe[pos, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)\n    return pe\n")}},
    {"name": "pe_exp_log_slices", "about": "exp(-2i ln(10000) / d_model) frequencies, slice assignment",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n    pe = np.zeros((max_len, d_model))\n"
         "    pos = np.arange(max_len, dtype=np.float64)[:, None]\n"
         "    freq = np.exp(-np.arange(0, d_model, 2) * math.log(10000.0) / d_model)\n"
         "    pe[:, 0::2] = np.sin(pos * freq)\n    pe[:, 1::2] = np.cos(pos * freq[: d_model // 2])\n    return pe\n")}},
    {"name": "pe_torch_float64_numpy", "about": "built with torch in float64, returned with .numpy()",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = torch.arange(int(max_len), dtype=torch.float64).unsqueeze(1)\n"
         "    div = torch.exp(torch.arange(0, int(d_model), 2, dtype=torch.float64) * (-math.log(10000.0) / d_model))\n"
         "    pe = torch.zeros(int(max_len), int(d_model), dtype=torch.float64)\n"
         "    pe[:, 0::2] = torch.sin(pos * div)\n    pe[:, 1::2] = torch.cos(pos * div[: int(d_model) // 2])\n"
         "    return pe.numpy()\n")}},
    # ---- relative_position_matrix
    {"name": "rel_matrix_power", "about": "M_1 raised to the k-th power with np.linalg.matrix_power (inverse for k < 0)",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M1 = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        w = 10000.0 ** (-2 * i / d_model)\n"
         "        M1[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[np.cos(w), np.sin(w)], [-np.sin(w), np.cos(w)]]\n"
         "    return np.linalg.matrix_power(M1, int(k))\n")}},
    {"name": "rel_vectorised_indices", "about": "fancy indexing instead of a loop",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2 == 1:\n"
         "        raise ValueError('d_model must be even')\n    e = np.arange(0, d_model, 2)\n"
         "    phi = k / 10000.0 ** (e / d_model)\n    M = np.zeros((d_model, d_model))\n"
         "    M[e, e] = M[e + 1, e + 1] = np.cos(phi)\n    M[e, e + 1] = np.sin(phi)\n    M[e + 1, e] = -np.sin(phi)\n"
         "    return M\n")}},
    {"name": "rel_block_assembly", "about": "2x2 blocks assembled with np.block, float32 angles",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd')\n"
         "    n = d_model // 2\n    rows = []\n    for i in range(n):\n"
         "        phi = np.float64(k) / np.power(10000.0, 2.0 * i / d_model)\n"
         "        block = np.array([[np.cos(phi), np.sin(phi)], [-np.sin(phi), np.cos(phi)]])\n"
         "        rows.append([block if j == i else np.zeros((2, 2)) for j in range(n)])\n    return np.block(rows)\n")}},
    # ---- LearnedPositionalEmbedding
    {"name": "learned_position_buffer", "about": "positions kept in a registered buffer, sliced to T",
     "cells": {"LearnedPositionalEmbedding": (
         "class LearnedPositionalEmbedding(nn.Module):\n"
         "    def __init__(self, max_len, d_model):\n        super().__init__()\n"
         "        self.pos_emb = nn.Embedding(max_len, d_model)\n"
         "        self.register_buffer('positions', torch.arange(max_len), persistent=False)\n\n"
         "    def forward(self, x):\n        T = x.size(1)\n"
         "        if T > len(self.positions):\n"
         "            raise ValueError(f'{T} positions, but max_len = {len(self.positions)}')\n"
         "        return x + self.pos_emb(self.positions[:T])\n")}},
    {"name": "learned_weight_slice", "about": "slices the embedding table instead of looking it up",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + self.embedding.weight[: x.shape[1]].unsqueeze(0)\n"}},
    {"name": "learned_expand_batch", "about": "positions expanded over the batch, T read from axis -2",
     "cells": {"LearnedPositionalEmbedding": (
         "class LearnedPositionalEmbedding(nn.Module):\n"
         "    def __init__(self, max_len, d_model):\n        super().__init__()\n"
         "        self.embedding = nn.Embedding(max_len, d_model)\n\n"
         "    def forward(self, x):\n        B, T = x.shape[0], x.shape[-2]\n"
         "        if T > self.embedding.num_embeddings:\n            raise ValueError('too long')\n"
         "        positions = torch.arange(T).unsqueeze(0).expand(B, T)\n"
         "        return x + self.embedding(positions)\n")}},
    # ---- concept quiz
    {"name": "quiz_equivariance_lowercase", "about": "answers in lower case",
     "cells": {"quiz_equivariance": "quiz_equivariance = \"b\"\n"}},
    {"name": "quiz_pe_combined_spaces", "about": "a letter with spaces around it",
     "cells": {"quiz_pe_combined": "quiz_pe_combined = \" D \"\n"}},
    {"name": "quiz_fastest_wavelength_rounded", "about": "rounds 2 pi to two decimals",
     "cells": {"quiz_fastest_wavelength": "quiz_fastest_wavelength = 6.28\n"}},
    {"name": "quiz_fastest_wavelength_expression", "about": "writes the expression 2 * np.pi",
     "cells": {"quiz_fastest_wavelength": "quiz_fastest_wavelength = 2 * np.pi\n"}},
    {"name": "quiz_learned_extrapolates_numpy_bool", "about": "a NumPy boolean",
     "cells": {"quiz_learned_extrapolates": "quiz_learned_extrapolates = np.bool_(False)\n"}},
]
