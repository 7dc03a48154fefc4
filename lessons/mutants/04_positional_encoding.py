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
     "hint": "Re-read the hint of Exercise 1: list.index always finds the first occurrence. What happens to the second \"the\", and is every index then used exactly once?",
     "cells": {"order_blindness": "def sentence_permutation(words_a, words_b):\n"
                                  "    return np.array([words_a.index(w) for w in words_b])\n" + _EQ_GAP}},
    {"name": "permutation_inverse", "about": "the inverse permutation: where each word of a went in b",
     "hint": "Check the direction of your permutation in Exercise 1: it must satisfy words_b[j] == words_a[perm[j]]. Try it on the example [\"a\", \"b\", \"c\"] -> [\"c\", \"a\", \"b\"]: do you get [2, 0, 1] or its inverse?",
     "cells": {"order_blindness": "def sentence_permutation(words_a, words_b):\n    unused = {}\n"
                                  "    for i, w in enumerate(words_b):\n        unused.setdefault(w, []).append(i)\n"
                                  "    return np.array([unused[w].pop(0) for w in words_a])\n" + _EQ_GAP}},
    {"name": "permutation_sorted_positions", "about": "returns the positions sorted by word (argsort of b)",
     "hint": "In Exercise 1, perm[j] is the position in sentence a of the j-th word of sentence b. Does your answer depend on sentence a at all?",
     "cells": {"order_blindness": "def sentence_permutation(words_a, words_b):\n"
                                  "    return np.argsort(words_b, kind='stable')\n" + _EQ_GAP}},
    {"name": "gap_output_not_permuted", "about": "compares f(X[perm]) with f(X) without permuting the output",
     "hint": "Re-read the formula of Exercise 1: the gap compares f(X[perm]) with f(X)[perm]. Did you permute the output of f(X) too?",
     "cells": {"order_blindness": _PERM + "\n\ndef equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
                                  "    return float(np.max(np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X)))))\n"}},
    {"name": "gap_permutes_first_axis", "about": "X[perm] permutes axis 0 (the batch, when there is one)",
     "hint": "In Exercise 1 the permutation acts on the positions axis (-2). With a batch of sentences, which axis does X[perm] permute?",
     "cells": {"order_blindness": _PERM + "\n\ndef equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
                                  "    return float(np.max(np.abs(np.asarray(f(X[perm])) - np.asarray(f(X))[perm])))\n"}},
    {"name": "permutation_returns_list", "about": "returns a Python list, not the promised integer NumPy array",
     "hint": "Exercise 1's contract asks for an integer NumPy array, not a list. What does your sentence_permutation return?",
     "cells": {"order_blindness": "def sentence_permutation(words_a, words_b):\n    unused = {}\n"
                                  "    for i, w in enumerate(words_a):\n        unused.setdefault(w, []).append(i)\n"
                                  "    return [unused[w].pop(0) for w in words_b]\n" + _EQ_GAP}},
    {"name": "gap_signed_max", "about": "the largest signed difference: forgets the absolute value",
     "hint": "The gap of Exercise 1 is the largest ABSOLUTE difference. What does your max return when every difference is negative?",
     "cells": {"order_blindness": _PERM + "\n\ndef equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
                                  "    return float(np.max(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :]))\n"}},
    {"name": "gap_returns_array", "about": "returns the (1,)-shaped array of the maximum, not a float",
     "hint": "Exercise 1 asks for one float. What type does your equivariance_gap return? Try type(...) on it.",
     "cells": {"order_blindness": _PERM + "\n\ndef equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
                                  "    d = np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :])\n"
                                  "    return d.reshape(-1).max(keepdims=True)\n"}},
    {"name": "gap_mean_not_max", "about": "the mean absolute difference instead of the maximum",
     "hint": "Re-read Exercise 1: the gap is the largest absolute entry, not an average. Which reduction do you use?",
     "cells": {"order_blindness": _PERM + "\n\ndef equivariance_gap(f, X, perm):\n    X = np.asarray(X)\n"
                                  "    return float(np.mean(np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :])))\n"}},
    # ---- sinusoidal_positional_encoding
    {"name": "pe_sin_cos_swapped", "about": "cosines in the even columns, sines in the odd ones",
     "hint": "Re-read the formula of section 3 (Exercise 2): which function goes in the even columns 2i and which in the odd columns 2i+1? Check row 0 of your table against the clock-hands table.",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    angle = pos / 10000.0 ** (2 * (j // 2) / d_model)\n"
         "    return np.where(j % 2 == 0, np.cos(angle), np.sin(angle))\n")}},
    {"name": "pe_concatenated_halves", "about": "all sines then all cosines, not interleaved",
     "hint": "Exercise 2 interleaves the sines and cosines: columns 2i and 2i+1 form one pair. Does your table put all sines first and all cosines after them?",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len)[:, None]\n    i = np.arange((d_model + 1) // 2)[None, :]\n"
         "    angle = pos / 10000.0 ** (2 * i / d_model)\n"
         "    return np.concatenate([np.sin(angle), np.cos(angle)], axis=1)[:, :d_model]\n")}},
    {"name": "pe_exponent_i_not_2i", "about": "frequency exponent j / d_model (column index) instead of 2i / d_model",
     "hint": "Re-read the instructions of Exercise 2: column j uses the pair index i = floor(j/2), and both columns of a pair share the exponent 2i/d_model. Which exponent does your column j use?",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    angle = pos / 10000.0 ** (j / d_model)\n"
         "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n")}},
    {"name": "pe_positions_from_one", "about": "positions 1..max_len instead of 0..max_len-1",
     "hint": "In Exercise 2 positions start at 0: row 0 is the encoding of position 0. Check your row 0 against the clock-hands table.",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(1, max_len + 1)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    angle = pos / 10000.0 ** (2 * (j // 2) / d_model)\n"
         "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n")}},
    {"name": "pe_odd_computes_even_and_drops", "about": "odd d_model: computes d_model + 1 columns and drops one (wrong exponent)",
     "hint": "Re-read the odd d_model instructions of Exercise 2: apply the same formula with this d_model in the exponent. Does your code compute the frequencies with another width?",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    d = d_model + d_model % 2\n    pe = np.zeros((max_len, d))\n"
         "    pos = np.arange(max_len)[:, None]\n"
         "    angle = pos / 10000.0 ** (np.arange(0, d, 2) / d)\n"
         "    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)\n    return pe[:, :d_model]\n")}},
    {"name": "pe_integer_division_exponent", "about": "exponent 2i // d_model (integer division): every frequency is 1",
     "hint": "In Exercise 2 the exponent 2i/d_model is a fraction between 0 and 1. What does integer division (//) turn it into?",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    angle = pos / 10000.0 ** (2 * (j // 2) // d_model)\n"
         "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n")}},
    {"name": "pe_base_1000", "about": "base 1000 instead of 10000",
     "hint": "Compare your Exercise 2 formula with the paper's, number by number: which base is raised to the power 2i/d_model?",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    angle = pos / 1000.0 ** (2 * (j // 2) / d_model)\n"
         "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n")}},
    {"name": "pe_float32", "about": "builds the table in float32 (not the promised float64)",
     "hint": "Exercise 2 promises a float64 array. Does any step of your encoding use float32?",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = np.arange(max_len, dtype=np.float32)[:, None]\n    j = np.arange(d_model)[None, :]\n"
         "    freq = (1.0 / 10000.0 ** (2 * (j // 2) / d_model)).astype(np.float32)\n"
         "    angle = pos * freq\n"
         "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n")}},
    {"name": "pe_torch_tensor", "about": "builds the table with torch and returns a tensor, not a NumPy array",
     "hint": "Exercise 2 returns a NumPy array (float64), not a torch tensor. Which library builds your table?",
     "cells": {"sinusoidal_positional_encoding": (
         "def sinusoidal_positional_encoding(max_len, d_model):\n"
         "    pos = torch.arange(max_len, dtype=torch.float64)[:, None]\n    j = torch.arange(d_model)[None, :]\n"
         "    angle = pos / 10000.0 ** (2 * torch.div(j, 2, rounding_mode='floor') / d_model)\n"
         "    return torch.where(j % 2 == 0, torch.sin(angle), torch.cos(angle))\n")}},
    # ---- relative_position_matrix
    {"name": "rel_rotation_direction", "about": "the 2x2 blocks rotate the wrong way: [[c, -s], [s, c]]",
     "hint": "Re-read section 4 before Exercise 3: work out the 2x2 block from the two angle-addition formulas. Which entry gets +sin(phi) and which -sin(phi)? The transposed block shifts by -k.",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        phi = k / 10000.0 ** (2 * i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, -s], [s, c]]\n    return M\n")}},
    {"name": "rel_no_odd_check", "about": "no ValueError for odd d_model (the last column is left out)",
     "hint": "Re-read Exercise 3: for odd d_model no such matrix exists (the last sine has no cosine partner). What should your function do then?",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n"
         "    M = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        phi = k / 10000.0 ** (2 * i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, s], [-s, c]]\n    return M\n")}},
    {"name": "rel_exponent_i_not_2i", "about": "angle k / 10000^(i / d_model): the wrong frequencies",
     "hint": "In Exercise 3 the block of pair i turns by the angle of that pair's wave in Exercise 2. Which exponent does that wave use?",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        phi = k / 10000.0 ** (i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, s], [-s, c]]\n    return M\n")}},
    {"name": "rel_overlapping_blocks", "about": "indexing slip: blocks at (i, i) instead of (2i, 2i)",
     "hint": "In Exercise 3 the block of pair i sits on rows and columns 2i and 2i+1. Where does your loop put block i, and do neighbouring blocks overlap?",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        phi = k / 10000.0 ** (2 * i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[i:i + 2, i:i + 2] = [[c, s], [-s, c]]\n    return M\n")}},
    {"name": "rel_abs_k", "about": "uses |k|: a negative offset shifts forward instead of back",
     "hint": "Exercise 3 accepts negative offsets: M_{-k} shifts back. Does the sign of k survive in your angle?",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = np.zeros((d_model, d_model))\n    for i in range(d_model // 2):\n"
         "        phi = abs(k) / 10000.0 ** (2 * i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, s], [-s, c]]\n    return M\n")}},
    {"name": "rel_torch_tensor", "about": "returns a torch tensor, not the promised NumPy array",
     "hint": "Exercise 3 returns a float64 NumPy array, not a torch tensor. Which library builds your matrix?",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = torch.zeros(d_model, d_model, dtype=torch.float64)\n    for i in range(d_model // 2):\n"
         "        phi = torch.tensor(k / 10000.0 ** (2 * i / d_model), dtype=torch.float64)\n"
         "        c, s = torch.cos(phi), torch.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = torch.stack([torch.stack([c, s]), torch.stack([-s, c])])\n"
         "    return M\n")}},
    {"name": "rel_float32", "about": "builds M in float32 (not the promised float64)",
     "hint": "Exercise 3 promises a float64 array. Does your matrix start as float32?",
     "cells": {"relative_position_matrix": (
         "def relative_position_matrix(k, d_model):\n    if d_model % 2:\n        raise ValueError('odd d_model')\n"
         "    M = np.zeros((d_model, d_model), dtype=np.float32)\n    for i in range(d_model // 2):\n"
         "        phi = k / 10000.0 ** (2 * i / d_model)\n        c, s = np.cos(phi), np.sin(phi)\n"
         "        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, s], [-s, c]]\n    return M\n")}},
    # ---- LearnedPositionalEmbedding
    {"name": "learned_adds_in_place", "about": "x += P[:T]: changes the caller's tensor in place",
     "hint": "Exercise 4 returns a NEW tensor x + P[:T] and leaves x unchanged. Does your forward modify x in place (+=)?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        x += self.embedding(torch.arange(x.shape[1]))\n        return x\n"}},
    {"name": "learned_T_from_last_axis", "about": "takes T from the last axis (d_model) instead of axis -2",
     "hint": "In Exercise 4 x has shape (B, T, d_model). From which axis does your forward read T?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n        T = x.shape[-1]\n"
               "        if T > self.max_len:\n            raise ValueError('too long')\n"
               "        return x + self.embedding(torch.arange(T))\n"}},
    {"name": "learned_check_off_by_one", "about": "raises for T == max_len too (T >= max_len)",
     "hint": "In Exercise 4 a table of max_len rows has vectors for positions 0 ... max_len - 1. Should T == max_len raise?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n"
               "        if x.shape[1] >= self.max_len:\n            raise ValueError('too long')\n"
               "        return x + self.embedding(torch.arange(x.shape[1]))\n"}},
    {"name": "learned_new_table_each_call", "about": "creates a fresh nn.Embedding inside forward (a new random table every call)",
     "hint": "In Exercise 4 the position table is a parameter of the module, created once in __init__ and trained. Where does your forward get its table from?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + nn.Embedding(self.max_len, x.shape[-1])(torch.arange(x.shape[1]))\n"}},
    {"name": "learned_float64_output", "about": "converts the sum to float64 (the output's dtype no longer follows x)",
     "hint": "Exercise 4 promises an output of the input's dtype (float32). Does your forward convert the result?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return (x + self.embedding(torch.arange(x.shape[1]))).double()\n"}},
    {"name": "learned_returns_positions_only", "about": "returns the position vectors without adding the input",
     "hint": "Re-read Exercise 4: the position vectors are ADDED to the input x. What does your forward return?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return self.embedding(torch.arange(x.shape[1])).expand_as(x)\n"}},
    {"name": "learned_positions_from_batch_axis", "about": "takes T from axis 0 (the batch)",
     "hint": "In Exercise 4 the positions run along axis 1 (T), the same for every sequence of the batch. From which axis does your forward take the positions?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + self.embedding(torch.arange(x.shape[0]))[:, None, :]\n"}},
    {"name": "learned_positions_from_one", "about": "positions 1..T (row 0 never used, T = max_len fails)",
     "hint": "In Exercise 4 positions start at 0: position 0 uses row 0 of the table. Which positions does your forward look up?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + self.embedding(torch.arange(1, x.shape[1] + 1))\n"}},
    {"name": "learned_no_length_check", "about": "no ValueError: nn.Embedding's IndexError leaks out",
     "hint": "Re-read Exercise 4: for T > max_len, raise a ValueError that says so, instead of nn.Embedding's IndexError. Does your forward check the length?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n"
               "        return x + self.embedding(torch.arange(x.shape[1]))\n"}},
    {"name": "learned_detached_table", "about": "detaches the position vectors: the table never gets a gradient",
     "hint": "Exercise 4's table is trained through the sum: gradients of the output must reach it. What does .detach() do to that path?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + self.embedding(torch.arange(x.shape[1])).detach()\n"},
     "fails": ["test_learned_has_a_position_table"]},
    {"name": "learned_forward_under_no_grad", "about": "runs the lookup under torch.no_grad(): nothing is trained",
     "hint": "Exercise 4's table is trained through the sum: gradients of the output must reach it. What does torch.no_grad() inside forward do to that?",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        with torch.no_grad():\n            return x + self.embedding(torch.arange(x.shape[1]))\n"},
     "fails": ["test_learned_has_a_position_table"]},
    {"name": "learned_weight_data", "about": "slices embedding.weight.data, outside the autograd graph",
     "hint": "Exercise 4's table is trained through the sum. What does .data do to the autograd graph? Use the nn.Embedding (or its weight) directly.",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        return x + self.embedding.weight.data[: x.shape[1]]\n"},
     "fails": ["test_learned_has_a_position_table"]},
    {"name": "learned_embeds_the_values", "about": "looks up the input values as if they were token ids",
     "hint": "Re-read section 5 (Exercise 4): the table is looked up at the POSITIONS 0 ... T-1, not at the input's values or token ids.",
     "cells": {"LearnedPositionalEmbedding": _LPE_INIT + "    def forward(self, x):\n" + _CHECK +
               "        idx = x.detach().abs().long().clamp(max=self.max_len - 1)[..., 0]\n"
               "        return x + self.embedding(idx)\n"}},
    # ---- concept quiz: one wrong answer loses exactly that question's point
    {"name": "quiz_equivariance_A", "about": "answers \"A\": calls attention permutation-invariant",
     "hint": "Question 1 of the concept quiz: re-read section 1 — is the per-word output unchanged, or moved to the new places? Look at the 'invariant' line your try-it cell printed.",
     "cells": {"quiz_equivariance": "quiz_equivariance = \"A\"\n"},
     "fails": ["test_quiz_equivariance"]},
    {"name": "quiz_pe_odd_dims_B", "about": "answers \"B\": uses the exponent (2i+1)/d_model",
     "hint": "Question 2 of the concept quiz: re-read the formula of section 3. Do columns 2i and 2i+1 share one frequency?",
     "cells": {"quiz_pe_odd_dims": "quiz_pe_odd_dims = \"B\"\n"},
     "fails": ["test_quiz_pe_odd_dims"]},
    {"name": "quiz_pe_odd_dims_D", "about": "answers \"D\": uses the exponent i/d_model",
     "hint": "Question 2 of the concept quiz: re-read the exponent in the formula of section 3. Is it i/d_model or 2i/d_model?",
     "cells": {"quiz_pe_odd_dims": "quiz_pe_odd_dims = \"D\"\n"},
     "fails": ["test_quiz_pe_odd_dims"]},
    {"name": "quiz_pe_combined_A", "about": "answers \"A\": thinks the encoding is concatenated",
     "hint": "Question 3 of the concept quiz: re-read the theory hint of section 2 (Vaswani et al. §3.4-3.5). Does the width of the input change when positions are added?",
     "cells": {"quiz_pe_combined": "quiz_pe_combined = \"A\"\n"},
     "fails": ["test_quiz_pe_combined"]},
    {"name": "quiz_fastest_wavelength_1", "about": "answers 1: thinks the fastest wave repeats every position",
     "hint": "Question 4 of the concept quiz: for i = 0 the fastest wave is sin(pos). After how many positions does sin return to the same value?",
     "cells": {"quiz_fastest_wavelength": "quiz_fastest_wavelength = 1\n"},
     "fails": ["test_quiz_fastest_wavelength"]},
    {"name": "quiz_fastest_wavelength_62831_85", "about": "answers 62831.85: gives the slowest wavelength, 10000 * 2 pi",
     "hint": "Question 4 of the concept quiz asks for the FASTEST pair (i = 0), not the slowest. What is its frequency?",
     "cells": {"quiz_fastest_wavelength": "quiz_fastest_wavelength = 62831.85\n"},
     "fails": ["test_quiz_fastest_wavelength"]},
    {"name": "quiz_fastest_wavelength_pi", "about": "answers pi: half a wavelength (from 0 back to 0)",
     "hint": "Question 4 of the concept quiz: sin is back at 0 after pi, but going down instead of up. After how many positions does it truly repeat?",
     "cells": {"quiz_fastest_wavelength": "quiz_fastest_wavelength = 3.14159\n"},
     "fails": ["test_quiz_fastest_wavelength"]},
    {"name": "quiz_fastest_wavelength_cycles", "about": "answers 1 / (2 pi) = 0.159: the frequency in cycles per position",
     "hint": "Question 4 of the concept quiz asks for a number of positions (a wavelength), not a frequency. How are the two related?",
     "cells": {"quiz_fastest_wavelength": "quiz_fastest_wavelength = 0.159\n"},
     "fails": ["test_quiz_fastest_wavelength"]},
    {"name": "quiz_learned_extrapolates_True", "about": "answers True: thinks a learned table extrapolates",
     "hint": "Question 5 of the concept quiz: look at what your LearnedPositionalEmbedding (Exercise 4) did for T = 600 with max_len = 512 in section 5.",
     "cells": {"quiz_learned_extrapolates": "quiz_learned_extrapolates = True\n"},
     "fails": ["test_quiz_learned_extrapolates"]},
    # ---- the demo class's mistakes (lessons/demo), each cell exactly as the student wrote it
    {"name": "permutation_argsort_inverse", "about": "argsort of the right permutation: returns its inverse",
     "hint": "Check the direction of your permutation in Exercise 1: it must satisfy words_b[j] == words_a[perm[j]]. What does the argsort at the end do to a permutation?",
     "cells": {"order_blindness": (
             'def sentence_permutation(words_a, words_b):\n'
             '    unused = {}\n'
             '    for i, w in enumerate(words_a):\n'
             '        unused.setdefault(w, []).append(i)\n'
             '    perm = np.array([unused[w].pop(0) for w in words_b])\n'
             '    return np.argsort(perm)\n'
             '\n'
             '\n'
             'def equivariance_gap(f, X, perm):\n'
             '    X = np.asarray(X)\n'
             '    perm = np.asarray(perm)\n'
             '    return float(np.max(np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :])))\n'
         )}},
    {"name": "permutation_list_index_first_match", "about": "list.index: a repeated word always maps to its first position",
     "hint": "Re-read the hint of Exercise 1: list.index always finds the first occurrence. What happens to the second \"the\", and is every index then used exactly once?",
     "cells": {"order_blindness": (
             'def sentence_permutation(words_a, words_b):\n'
             '    return np.array([words_a.index(w) for w in words_b])\n'
             '\n'
             '\n'
             'def equivariance_gap(f, X, perm):\n'
             '    X = np.asarray(X)\n'
             '    perm = np.asarray(perm)\n'
             '    return float(np.max(np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., perm, :])))\n'
         )}},
    {"name": "gap_output_permuted_by_inverse", "about": "permutes the output of f(X) with the inverse permutation (argsort(perm))",
     "hint": "Re-read the formula of Exercise 1: the gap compares f(X[perm]) with f(X)[perm], the SAME perm on both sides. Which permutation do you apply to f(X)?",
     "cells": {"order_blindness": (
             'def sentence_permutation(words_a, words_b):\n'
             '    unused = {}\n'
             '    for i, w in enumerate(words_a):\n'
             '        unused.setdefault(w, []).append(i)\n'
             '    return np.array([unused[w].pop(0) for w in words_b])\n'
             '\n'
             '\n'
             'def equivariance_gap(f, X, perm):\n'
             '    X = np.asarray(X)\n'
             '    perm = np.asarray(perm)\n'
             '    return float(np.max(np.abs(np.asarray(f(X[..., perm, :])) - np.asarray(f(X))[..., np.argsort(perm), :])))\n'
         )}},
    {"name": "pe_halves_with_paper_frequencies", "about": "all sines, then all cosines (the paper's frequencies, not interleaved)",
     "hint": "Exercise 2 interleaves the sines and cosines: columns 2i and 2i+1 form one pair. Does your table put all sines first and all cosines after them?",
     "cells": {"sinusoidal_positional_encoding": (
             'def sinusoidal_positional_encoding(max_len, d_model):\n'
             '    pos = np.arange(max_len)[:, None]\n'
             '    freq = 1.0 / 10000.0 ** (np.arange(0, d_model, 2) / d_model)\n'
             '    pe = np.concatenate([np.sin(pos * freq), np.cos(pos * freq)], axis=1)\n'
             '    return pe[:, :d_model]\n'
         )}},
    {"name": "rel_transposed_blocks_numpy", "about": "the 2x2 blocks transposed: shifts by -k",
     "hint": "Re-read section 4 before Exercise 3: work out the 2x2 block from the two angle-addition formulas. Which entry gets +sin(phi) and which -sin(phi)? The transposed block shifts by -k.",
     "cells": {"relative_position_matrix": (
             'def relative_position_matrix(k, d_model):\n'
             '    if d_model % 2:\n'
             "        raise ValueError('d_model must be even')\n"
             '    M = np.zeros((d_model, d_model))\n'
             '    for i in range(d_model // 2):\n'
             '        phi = k / 10000.0 ** (2 * i / d_model)\n'
             '        M[2 * i: 2 * i + 2, 2 * i: 2 * i + 2] = [[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]]\n'
             '    return M\n'
         )}},
    {"name": "rel_blocks_for_halves_layout", "about": "a rotation for the sines-then-cosines layout (np.block of diagonal matrices), not the interleaved pairs",
     "hint": "In Exercise 3, M acts on the interleaved encoding of Exercise 2: pair i sits on rows and columns 2i and 2i+1. Where do your cosines and sines end up in M?",
     "cells": {"relative_position_matrix": (
             'def relative_position_matrix(k, d_model):\n'
             '    if d_model % 2:\n'
             "        raise ValueError('d_model must be even')\n"
             '    h = d_model // 2\n'
             '    phi = k / 10000.0 ** (2 * np.arange(h) / d_model)\n'
             '    c, s = np.diag(np.cos(phi)), np.diag(np.sin(phi))\n'
             '    return np.block([[c, s], [-s, c]])\n'
         )}},
    {"name": "rel_no_odd_check_numpy", "about": "no ValueError for odd d_model",
     "hint": "Re-read Exercise 3: for odd d_model no such matrix exists (the last sine has no cosine partner). What should your function do then?",
     "cells": {"relative_position_matrix": (
             'def relative_position_matrix(k, d_model):\n'
             '    M = np.zeros((d_model, d_model))\n'
             '    for i in range(d_model // 2):\n'
             '        phi = k / 10000.0 ** (2 * i / d_model)\n'
             '        M[2 * i: 2 * i + 2, 2 * i: 2 * i + 2] = [[np.cos(phi), np.sin(phi)], [-np.sin(phi), np.cos(phi)]]\n'
             '    return M\n'
         )}},
    {"name": "learned_embedding_arguments_swapped", "about": "nn.Embedding(d_model, max_len): the table's arguments swapped",
     "hint": "Check the order of nn.Embedding's arguments in Exercise 4: the table has one row per POSITION, shape (max_len, d_model). Print the shape of your table.",
     "cells": {"LearnedPositionalEmbedding": (
             'class LearnedPositionalEmbedding(nn.Module):\n'
             '    def __init__(self, max_len, d_model):\n'
             '        super().__init__()\n'
             '        self.max_len = max_len\n'
             '        self.embedding = nn.Embedding(d_model, max_len)\n'
             '\n'
             '    def forward(self, x):\n'
             '        T = x.shape[-2]\n'
             '        if T > self.max_len:\n'
             '            raise ValueError(f"T = {T} > max_len = {self.max_len}")\n'
             '        return x + self.embedding(torch.arange(T))\n'
         )}},
    {"name": "learned_returns_positions_only_T", "about": "returns the position vectors without adding them to x",
     "hint": "Re-read Exercise 4: the position vectors are ADDED to the input x. What does your forward return?",
     "cells": {"LearnedPositionalEmbedding": (
             'class LearnedPositionalEmbedding(nn.Module):\n'
             '    def __init__(self, max_len, d_model):\n'
             '        super().__init__()\n'
             '        self.max_len = max_len\n'
             '        self.embedding = nn.Embedding(max_len, d_model)\n'
             '\n'
             '    def forward(self, x):\n'
             '        T = x.shape[-2]\n'
             '        if T > self.max_len:\n'
             '            raise ValueError(f"T = {T} > max_len = {self.max_len}")\n'
             '        return self.embedding(torch.arange(T))\n'
         )}},
    {"name": "learned_no_length_check_T", "about": "no ValueError for T > max_len: nn.Embedding's IndexError leaks out",
     "hint": "Re-read Exercise 4: for T > max_len, raise a ValueError that says so, instead of nn.Embedding's IndexError. Does your forward check the length?",
     "cells": {"LearnedPositionalEmbedding": (
             'class LearnedPositionalEmbedding(nn.Module):\n'
             '    def __init__(self, max_len, d_model):\n'
             '        super().__init__()\n'
             '        self.max_len = max_len\n'
             '        self.embedding = nn.Embedding(max_len, d_model)\n'
             '\n'
             '    def forward(self, x):\n'
             '        T = x.shape[-2]\n'
             '        return x + self.embedding(torch.arange(T))\n'
         )}},
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
