"""Mutation catalogue for 02_self_attention: realistic wrong answers (must lose points) and correct alternatives (must get full marks)."""

MUTANTS = [
    # ---- n_connections
    {"name": "n_connections_no_self", "about": "forgets that a position attends to itself: n (n - 1)",
     "hint": "Re-read Exercise 1: every word's spotlight can also shine on itself. When you drew the arrows for 'The cat sat', did you count the arrow from each word to itself?",
     "cells": {"n_connections": "def n_connections(n):\n    return n * (n - 1)\n"}},
    {"name": "n_connections_unordered_pairs", "about": "counts unordered pairs: n (n - 1) / 2",
     "hint": "Attention is directed: 'cat' looking at 'sat' and 'sat' looking at 'cat' are two connections, and each word also looks at itself (Exercise 1). How many arrows did you draw for 'The cat sat'?",
     "cells": {"n_connections": "def n_connections(n):\n    return n * (n - 1) // 2\n"}},
    {"name": "n_connections_causal_triangle", "about": "counts only the causal triangle: n (n + 1) / 2",
     "hint": "Exercise 1 counts full self-attention, where every word may look at every word, later ones included: no mask yet. How many arrows does 'The cat sat' need then?",
     "cells": {"n_connections": "def n_connections(n):\n    return n * (n + 1) // 2\n"}},
    {"name": "n_connections_float", "about": "returns the count as a float (n ** 2.0)",
     "hint": "The contract of Exercise 1 asks for an int, a count. Which type does your expression return (a float exponent makes a float)?",
     "cells": {"n_connections": "def n_connections(n):\n    return n ** 2.0\n"},
     "fails": ["test_n_connections_the_cat_sat"]},
    {"name": "n_connections_int32", "about": "counts in 32-bit integers: overflows for texts longer than 46,340 words",
     "hint": "Exercise 1 asks for a Python int or a 64-bit integer: a 32-bit integer overflows beyond 46,340 words. Which integer type does your function compute in?",
     "cells": {"n_connections": "def n_connections(n):\n    return np.int32(n) * np.int32(n)\n"},
     "fails": ["test_n_connections_the_cat_sat"]},
    # ---- sat_relevance
    {"name": "sat_relevance_not_normalised", "about": "raw relevance scores that do not sum to 1",
     "hint": "Exercise 2 asks for weights that sum to 1, a distribution over the three words. Add up your three numbers.",
     "cells": {"sat_relevance": 'sat_relevance = {"The": 0.2, "cat": 0.9, "sat": 0.4}\n'}},
    {"name": "sat_relevance_negative", "about": "a negative weight for an irrelevant word",
     "hint": "Exercise 2 asks for non-negative weights: a word can get little attention, but not less than none. Which of your numbers breaks this?",
     "cells": {"sat_relevance": 'sat_relevance = {"The": -0.2, "cat": 0.8, "sat": 0.4}\n'}},
    {"name": "sat_relevance_missing_word", "about": "leaves out the query word itself",
     "hint": "Exercise 2 asks for one weight per word of 'The cat sat', the query word 'sat' included: a word can attend to itself. Which key is missing from your dict?",
     "cells": {"sat_relevance": 'sat_relevance = {"The": 0.3, "cat": 0.7}\n'}},
    # ---- softmax
    {"name": "softmax_no_max_subtraction", "about": "exp without subtracting the max: overflows on large scores",
     "hint": "Exercise 3: np.exp(1000.0) overflows to inf. Re-read the prompt: which constant can you subtract from every input without changing the result?",
     "cells": {"softmax": "def softmax(x, axis=-1):\n    e = np.exp(np.asarray(x, dtype=float))\n"
                          "    return e / e.sum(axis=axis, keepdims=True)\n"}},
    {"name": "softmax_subtract_min", "about": "subtracts the minimum instead of the maximum: overflows for a wide range",
     "hint": "Exercise 3 asks you to subtract the maximum: then the largest exponent is e^0 = 1 and nothing can overflow. What happens with your shift when the inputs span -800 to 800?",
     "cells": {"softmax": "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
                          "    e = np.exp(x - np.min(x, axis=axis, keepdims=True))\n"
                          "    return e / e.sum(axis=axis, keepdims=True)\n"}},
    {"name": "softmax_subtract_mean", "about": "subtracts the mean instead of the maximum: overflows for a wide range",
     "hint": "Exercise 3 asks you to subtract the maximum: then the largest exponent is e^0 = 1 and nothing can overflow. What happens with your shift when the inputs span -800 to 800?",
     "cells": {"softmax": "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
                          "    e = np.exp(x - np.mean(x, axis=axis, keepdims=True))\n"
                          "    return e / e.sum(axis=axis, keepdims=True)\n"}},
    {"name": "softmax_returns_list", "about": "returns a nested list (.tolist()) instead of a NumPy array",
     "hint": "The contract of Exercise 3 asks for a NumPy array of x's shape. Check what your last line returns.",
     "cells": {"softmax": "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
                          "    e = np.exp(x - np.max(x, axis=axis, keepdims=True))\n"
                          "    return (e / e.sum(axis=axis, keepdims=True)).tolist()\n"}},
    {"name": "softmax_array_methods_only", "about": "calls x.max(...) without np.asarray: fails on the lists the contract allows",
     "hint": "The contract of Exercise 3 allows x to be a list. Does your code work on a plain list, or does it call array methods on it directly?",
     "cells": {"softmax": "def softmax(x, axis=-1):\n"
                          "    e = np.exp(x - x.max(axis=axis, keepdims=True))\n"
                          "    return e / e.sum(axis=axis, keepdims=True)\n"},
     "fails": ["test_softmax_rows_sum_to_one"]},
    {"name": "softmax_sum_over_everything", "about": "normalises by the sum of the whole array, not along the axis",
     "hint": "Exercise 3: each slice along `axis` must sum to 1 on its own, not the whole array. Which axis does your sum run over?",
     "cells": {"softmax": "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
                          "    e = np.exp(x - np.max(x))\n    return e / e.sum()\n"}},
    {"name": "softmax_axis_zero", "about": "always normalises along axis 0 (columns) whatever axis says",
     "hint": "Exercise 3's softmax normalises along the axis it is given (the last one by default). Which axis do your max and sum use?",
     "cells": {"softmax": "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
                          "    e = np.exp(x - np.max(x, axis=0, keepdims=True))\n"
                          "    return e / e.sum(axis=0, keepdims=True)\n"}},
    {"name": "softmax_ignores_axis", "about": "hard-codes the last axis and ignores the axis argument",
     "hint": "Exercise 3's softmax must honour its axis argument. Try softmax(x, axis=0) on a 2 x 3 array: do the columns sum to 1?",
     "cells": {"softmax": "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
                          "    e = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
                          "    return e / e.sum(axis=-1, keepdims=True)\n"}},
    {"name": "softmax_no_keepdims", "about": "reduces without keepdims: the division broadcasts along the wrong axis",
     "hint": "Exercise 3's hint: without keepdims=True the reduced axis disappears, and the division broadcasts along the wrong axis. Check the shape of your sum before dividing.",
     "cells": {"softmax": "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
                          "    e = np.exp(x - np.max(x, axis=axis, keepdims=True))\n"
                          "    return e / e.sum(axis=axis)\n"}},
    # ---- project_qkv
    {"name": "project_qkv_transposed_weights", "about": "multiplies by the transposed weights (X @ W.T)",
     "hint": "Exercise 4: weights multiply on the right, X @ W, with W of shape (d_model, d_k). Check whether a transpose slipped in.",
     "cells": {"project_qkv": "def project_qkv(X, W_q, W_k, W_v):\n    X = np.asarray(X)\n"
                              "    return X @ W_q.T, X @ W_k.T, X @ W_v.T\n"}},
    {"name": "project_qkv_copy_paste_key", "about": "copy-paste slip: V is computed with W_k",
     "hint": "Exercise 4: each role has its own weight matrix. Check which matrix each of your three products uses.",
     "cells": {"project_qkv": "def project_qkv(X, W_q, W_k, W_v):\n    X = np.asarray(X)\n"
                              "    return X @ W_q, X @ W_k, X @ W_k\n"}},
    {"name": "project_qkv_swapped_order", "about": "returns (Q, V, K): keys and values swapped",
     "hint": "Exercise 4 returns (Q, K, V) in this order. Check the order of your return statement.",
     "cells": {"project_qkv": "def project_qkv(X, W_q, W_k, W_v):\n    X = np.asarray(X)\n"
                              "    return X @ W_q, X @ W_v, X @ W_k\n"}},
    # ---- attention_scores
    {"name": "scores_not_scaled", "about": "forgets to divide by sqrt(d_k)",
     "hint": "Re-read the scaling step of Exercise 5: the dot products are divided by a factor that depends on d_k. Which factor keeps their variance at 1 (section 6)?",
     "cells": {"attention_scores": "def attention_scores(Q, K):\n"
                                   "    return np.asarray(Q) @ np.swapaxes(K, -1, -2)\n"}},
    {"name": "scores_divided_by_d_k", "about": "divides by d_k instead of sqrt(d_k)",
     "hint": "Exercise 5 divides by sqrt(d_k), not by d_k. Section 6 explains why: which number is the standard deviation of q . k?",
     "cells": {"attention_scores": "def attention_scores(Q, K):\n    d_k = np.shape(Q)[-1]\n"
                                   "    return np.asarray(Q) @ np.swapaxes(K, -1, -2) / d_k\n"}},
    {"name": "scores_K_dot_T", "about": "K.T reverses every axis: wrong for batched input",
     "hint": "Exercise 5's prompt: with batch dimensions, K.T reverses all axes. Which axes must you swap to turn each key into a column?",
     "cells": {"attention_scores": "def attention_scores(Q, K):\n    Q, K = np.asarray(Q), np.asarray(K)\n"
                                   "    return Q @ K.T / np.sqrt(Q.shape[-1])\n"}},
    {"name": "scores_sqrt_of_T", "about": "takes d_k from the wrong axis (the number of positions)",
     "hint": "Exercise 5: d_k is the length of each query and key vector, their last axis, not the number of positions. Which axis do you read it from?",
     "cells": {"attention_scores": "def attention_scores(Q, K):\n    Q, K = np.asarray(Q), np.asarray(K)\n"
                                   "    return Q @ np.swapaxes(K, -1, -2) / np.sqrt(K.shape[-2])\n"}},
    {"name": "scores_keys_by_queries", "about": "computes K Q^T: (T_k, T_q) instead of (T_q, T_k)",
     "hint": "Exercise 5's scores have one row per query and one column per key, (T_q, T_k). Which matrix comes first in your product?",
     "cells": {"attention_scores": "def attention_scores(Q, K):\n    Q, K = np.asarray(Q), np.asarray(K)\n"
                                   "    return K @ np.swapaxes(Q, -1, -2) / np.sqrt(Q.shape[-1])\n"}},
    # ---- scaled_dot_product_attention
    {"name": "sdpa_mask_inverted", "about": "uses nn.MultiheadAttention's convention: True = blocked",
     "hint": "Re-read the mask convention of Exercise 6: True means 'may attend'. Which positions does your code block, the True ones or the False ones?",
     "cells": {"scaled_dot_product_attention": (
         "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
         "    scores = attention_scores(Q, K)\n"
         "    if mask is not None:\n"
         "        mask = np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)\n"
         "        allowed = ~mask\n"
         "        scores = np.where(allowed.any(-1, keepdims=True), np.where(allowed, scores, -np.inf), 0.0)\n"
         "        weights = np.where(allowed, softmax(scores, axis=-1), 0.0)\n"
         "    else:\n"
         "        weights = softmax(scores, axis=-1)\n"
         "    return weights @ np.asarray(V), weights\n")}},
    {"name": "sdpa_mask_after_softmax", "about": "zeroes masked weights after the softmax without renormalising",
     "hint": "Exercise 6: if you zero blocked weights after the softmax, the remaining weights no longer sum to 1. Where should the mask act so that softmax itself gives blocked keys weight 0?",
     "cells": {"scaled_dot_product_attention": (
         "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
         "    weights = softmax(attention_scores(Q, K), axis=-1)\n"
         "    if mask is not None:\n"
         "        weights = weights * np.asarray(mask, dtype=bool)\n"
         "    return weights @ np.asarray(V), weights\n")}},
    {"name": "sdpa_mask_with_zero", "about": "masks with score 0 instead of -inf (masked keys still get weight)",
     "hint": "Exercise 6: a score of 0 still gets weight e^0 / Z in the softmax. Which score gives a blocked key a weight of exactly 0?",
     "cells": {"scaled_dot_product_attention": (
         "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
         "    scores = attention_scores(Q, K)\n"
         "    if mask is not None:\n"
         "        scores = np.where(mask, scores, 0.0)\n"
         "    weights = softmax(scores, axis=-1)\n"
         "    return weights @ np.asarray(V), weights\n")}},
    {"name": "sdpa_minus_1e9_no_guard", "about": "masks with -1e9 and no guard: a fully masked query gets uniform weights",
     "hint": "Exercise 6's prompt decides what a query with no allowed key gets: all-zero weights and an all-zero output. What does your code give for such a row?",
     "cells": {"scaled_dot_product_attention": (
         "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
         "    scores = attention_scores(Q, K)\n"
         "    if mask is not None:\n"
         "        scores = np.where(mask, scores, -1e9)\n"
         "    weights = softmax(scores, axis=-1)\n"
         "    return weights @ np.asarray(V), weights\n")}},
    {"name": "sdpa_softmax_over_queries", "about": "softmax over axis -2 (the queries) instead of the keys",
     "hint": "Exercise 6: each query's weights, one row of the (T_q, T_k) matrix, must sum to 1. Along which axis does your softmax run?",
     "cells": {"scaled_dot_product_attention": (
         "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
         "    scores = attention_scores(Q, K)\n"
         "    if mask is not None:\n"
         "        scores = np.where(mask, scores, -np.inf)\n"
         "    weights = np.nan_to_num(softmax(scores, axis=-2))\n"
         "    return weights @ np.asarray(V), weights\n")}},
    {"name": "sdpa_max_over_all_keys", "about": "subtracts the row maximum over all keys, blocked ones included, then zeroes the blocked",
     "hint": "Exercise 6: you subtract a maximum that includes blocked keys. If a blocked key has by far the largest score, what happens to the allowed keys' exponentials? Take the maximum over the allowed keys only.",
     "cells": {"scaled_dot_product_attention": (
         "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
         "    scores = attention_scores(Q, K)\n"
         "    allowed = np.ones(scores.shape, bool) if mask is None else np.broadcast_to(mask, scores.shape)\n"
         "    e = np.exp(scores - scores.max(axis=-1, keepdims=True)) * allowed\n"
         "    total = e.sum(axis=-1, keepdims=True)\n"
         "    weights = np.divide(e, total, out=np.zeros_like(e), where=total > 0)\n"
         "    return weights @ np.asarray(V), weights\n")},
     "fails": ["test_sdpa_mask_matches_pytorch"]},
    {"name": "sdpa_no_fully_masked_guard", "about": "-inf masking without a guard: a fully masked query gives nan",
     "hint": "Exercise 6's prompt decides what a query with no allowed key gets: all-zero weights and an all-zero output, not nan. What does softmax over a row of -inf give?",
     "cells": {"scaled_dot_product_attention": (
         "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
         "    scores = attention_scores(Q, K)\n"
         "    if mask is not None:\n"
         "        scores = np.where(mask, scores, -np.inf)\n"
         "    weights = softmax(scores, axis=-1)\n"
         "    return weights @ np.asarray(V), weights\n")}},
    # ---- hand_calculation (Q K^T = [[2, 0], [0, 2]], d_k = 4, V = [[1, 2], [3, 0]]); each step is graded
    # given the student's own previous step, so a slip carried through correctly loses only its own point
    {"name": "hand_not_scaled", "about": "forgets to divide by sqrt(d_k) = 2 (carried through correctly)",
     "hint": "Step (1) of Exercise 7 divides Q K^T by sqrt(d_k). With d_k = 4, by which number did you divide?",
     "cells": {"hand_calculation": "hand_scores = [[2.0, 0.0], [0.0, 2.0]]\n"
                                   "hand_weights = [[0.88, 0.12], [0.12, 0.88]]\n"
                                   "hand_output = [[1.24, 1.76], [2.76, 0.24]]\n"},
     "fails": ["test_hand_scores"]},
    {"name": "hand_divided_by_d_k", "about": "divides by d_k = 4 instead of sqrt(d_k) (carried through correctly)",
     "hint": "Step (1) of Exercise 7 divides by sqrt(d_k), not by d_k. With d_k = 4, which number is that?",
     "cells": {"hand_calculation": "hand_scores = [[0.5, 0.0], [0.0, 0.5]]\n"
                                   "hand_weights = [[0.62, 0.38], [0.38, 0.62]]\n"
                                   "hand_output = [[1.76, 1.24], [2.24, 0.76]]\n"},
     "fails": ["test_hand_scores"]},
    {"name": "hand_no_exponential", "about": "normalises the scores by their sum instead of a softmax",
     "hint": "Step (2) of Exercise 7 is a softmax: exponentiate each score, then divide by the row's sum of exponentials. Did you exponentiate?",
     "cells": {"hand_calculation": "hand_scores = [[1.0, 0.0], [0.0, 1.0]]\n"
                                   "hand_weights = [[1.0, 0.0], [0.0, 1.0]]\n"
                                   "hand_output = [[1.0, 2.0], [3.0, 0.0]]\n"},
     "fails": ["test_hand_weights"]},
    {"name": "hand_weights_not_from_scores", "about": "right scores, then weights of the unscaled scores",
     "hint": "Exercise 7: your weights must be the softmax of your own scores from step (1). Recompute them from the scores you wrote down.",
     "cells": {"hand_calculation": "hand_scores = [[1.0, 0.0], [0.0, 1.0]]\n"
                                   "hand_weights = [[0.88, 0.12], [0.12, 0.88]]\n"
                                   "hand_output = [[1.24, 1.76], [2.76, 0.24]]\n"},
     "fails": ["test_hand_weights"]},
    {"name": "hand_output_is_weights", "about": "forgets to multiply by V: the output is the weights",
     "hint": "Step (3) of Exercise 7: the output row i is the weighted sum of the rows of V, with query i's weights. Did you multiply by V?",
     "cells": {"hand_calculation": "hand_scores = [[1.0, 0.0], [0.0, 1.0]]\n"
                                   "hand_weights = [[0.73, 0.27], [0.27, 0.73]]\n"
                                   "hand_output = [[0.73, 0.27], [0.27, 0.73]]\n"},
     "fails": ["test_hand_output"]},
    {"name": "hand_output_V_times_weights", "about": "multiplies in the wrong order: V @ weights",
     "hint": "Step (3) of Exercise 7: row i of the output is sum over j of weight[i][j] times row j of V. Which matrix comes first in your product?",
     "cells": {"hand_calculation": "hand_scores = [[1.0, 0.0], [0.0, 1.0]]\n"
                                   "hand_weights = [[0.73, 0.27], [0.27, 0.73]]\n"
                                   "hand_output = [[1.27, 1.73], [2.19, 0.81]]\n"},
     "fails": ["test_hand_output"]},
    # ---- dot_product_variance
    {"name": "variance_of_products_not_sums", "about": "variance of the elementwise products q_i k_i (about 1), not of q . k",
     "hint": "Exercise 8 asks for the variance of the dot product q . k, a sum of d_k products. Do you take the variance before or after summing over the d_k components?",
     "cells": {"dot_product_variance": (
         "def dot_product_variance(d_k, n_samples=20000, seed=0):\n"
         "    rng = np.random.default_rng(seed)\n"
         "    q = rng.standard_normal((n_samples, d_k))\n"
         "    k = rng.standard_normal((n_samples, d_k))\n"
         "    return float(np.var(q * k))\n")}},
    {"name": "variance_std_instead", "about": "returns the standard deviation (about sqrt(d_k))",
     "hint": "Exercise 8 asks for the variance, not the standard deviation. Which NumPy function did you call?",
     "cells": {"dot_product_variance": (
         "def dot_product_variance(d_k, n_samples=20000, seed=0):\n"
         "    rng = np.random.default_rng(seed)\n"
         "    q = rng.standard_normal((n_samples, d_k))\n"
         "    k = rng.standard_normal((n_samples, d_k))\n"
         "    return float(np.std(np.sum(q * k, axis=-1)))\n")}},
    {"name": "variance_uniform_draws", "about": "draws uniform [0, 1) entries instead of N(0, 1)",
     "hint": "Exercise 8's docstring: q and k have independent N(0, 1) entries, mean 0 and variance 1. Which distribution do you draw from?",
     "cells": {"dot_product_variance": (
         "def dot_product_variance(d_k, n_samples=20000, seed=0):\n"
         "    rng = np.random.default_rng(seed)\n"
         "    q = rng.random((n_samples, d_k))\n"
         "    k = rng.random((n_samples, d_k))\n"
         "    return float(np.var(np.sum(q * k, axis=-1)))\n")}},
    {"name": "variance_ignores_n_samples", "about": "always draws 20,000 pairs, whatever n_samples says",
     "hint": "Exercise 8: draw n_samples pairs, as the argument says. Does your code use that argument?",
     "cells": {"dot_product_variance": (
         "def dot_product_variance(d_k, n_samples=20000, seed=0):\n"
         "    rng = np.random.default_rng(seed)\n"
         "    q = rng.standard_normal((20000, d_k))\n"
         "    k = rng.standard_normal((20000, d_k))\n"
         "    return float(np.var(np.sum(q * k, axis=-1)))\n")}},
    {"name": "variance_ignores_seed", "about": "draws from an unseeded generator: not reproducible",
     "hint": "Exercise 8: the same seed must give the same value. Do you pass seed to np.random.default_rng?",
     "cells": {"dot_product_variance": (
         "def dot_product_variance(d_k, n_samples=20000, seed=0):\n"
         "    rng = np.random.default_rng()\n"
         "    q = rng.standard_normal((n_samples, d_k))\n"
         "    k = rng.standard_normal((n_samples, d_k))\n"
         "    return float(np.var(np.sum(q * k, axis=-1)))\n")}},
    {"name": "variance_returns_d_k", "about": "returns the theory (d_k) instead of measuring it",
     "hint": "Exercise 8 asks you to measure the variance from random draws, not to return what theory predicts. Does your function draw any random vectors?",
     "cells": {"dot_product_variance": "def dot_product_variance(d_k, n_samples=20000, seed=0):\n    return float(d_k)\n"}},
    # ---- concept quiz: one wrong answer loses exactly that question's point
    {"name": "quiz_why_scale_C", "about": "answers \"C\": thinks the scale prevents overflow",
     "hint": "Question 1: overflow is already prevented by subtracting the maximum in your softmax (Exercise 3). Re-read section 6: what does the scale do to the spread of the scores as d_k grows?",
     "cells": {"quiz_why_scale": "quiz_why_scale = \"C\"\n"},
     "fails": ["test_quiz_why_scale"]},
    {"name": "quiz_why_scale_B", "about": "answers \"B\": thinks the scale makes rows sum to 1",
     "hint": "Question 1: softmax rows sum to 1 whatever the scale. Re-read section 6: what does the scale do to the spread of the scores as d_k grows?",
     "cells": {"quiz_why_scale": "quiz_why_scale = \"B\"\n"},
     "fails": ["test_quiz_why_scale"]},
    {"name": "quiz_scale_divisor_64", "about": "answers 64: divides by d_k instead of sqrt(d_k)",
     "hint": "Question 2: the scores are divided by sqrt(d_k), not by d_k. What is the square root of 64?",
     "cells": {"quiz_scale_divisor": "quiz_scale_divisor = 64\n"},
     "fails": ["test_quiz_scale_divisor"]},
    {"name": "quiz_scale_divisor_0_125", "about": "answers 0.125: gives the factor 1/sqrt(d_k) instead of the divisor",
     "hint": "Question 2 asks for the number the scores are divided by, not the factor they are multiplied by.",
     "cells": {"quiz_scale_divisor": "quiz_scale_divisor = 0.125\n"},
     "fails": ["test_quiz_scale_divisor"]},
    {"name": "quiz_output_mixes_B", "about": "answers \"B\": thinks attention averages the keys",
     "hint": "Question 3: in softmax(Q K^T / sqrt(d_k)) V, queries and keys only decide the weights. Which matrix do the weights multiply?",
     "cells": {"quiz_output_mixes": "quiz_output_mixes = \"B\"\n"},
     "fails": ["test_quiz_output_mixes"]},
    {"name": "quiz_weights_shape_A", "about": "answers \"A\": transposes the shape, (T_k, T_q)",
     "hint": "Question 4: the weight matrix has one row per query and one column per key. With T_q = 3 and T_k = 5, which comes first?",
     "cells": {"quiz_weights_shape": "quiz_weights_shape = \"A\"\n"},
     "fails": ["test_quiz_weights_shape"]},
    {"name": "quiz_softmax_shift_False", "about": "answers False: thinks subtracting the max changes the weights",
     "hint": "Question 5: write e^(x_i - c) as e^(x_i) / e^c and simplify the fraction of Exercise 3's softmax. Does the constant c survive?",
     "cells": {"quiz_softmax_shift": "quiz_softmax_shift = False\n"},
     "fails": ["test_quiz_softmax_shift"]},
    # ---- the demo class's mistakes, cell for cell as lessons/demo/02_self_attention.py writes them
    {"name": "softmax_exp_unshifted", "about": "exp without subtracting the max: overflows on large scores (demo: bob)",
     "hint": "Exercise 3: np.exp(1000.0) overflows to inf. Re-read the prompt: which constant can you subtract from every input without changing the result?",
     "cells": {"softmax": "def softmax(x, axis=-1):\n"
                          "    e = np.exp(np.asarray(x, dtype=float))\n"
                          "    return e / np.sum(e, axis=axis, keepdims=True)\n"}},
    {"name": "sdpa_mask_blocks_true_no_guard", "about": "uses nn.MultiheadAttention's convention (True = blocked) and no guard for fully masked rows (demo: carol)",
     "hint": "Two things to re-check in Exercise 6: the mask convention (True means 'may attend': which positions does your code block?), and what the prompt says a query with no allowed key must get instead of nan.",
     "cells": {"scaled_dot_product_attention": (
         "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
         "    scores = attention_scores(Q, K)\n"
         "    if mask is not None:\n"
         "        scores = np.where(mask, -np.inf, scores)\n"
         "    weights = softmax(scores, axis=-1)\n"
         "    return weights @ V, weights\n")}},
]

ALTERNATIVES = [
    # ---- n_connections
    {"name": "n_connections_double_loop", "about": "counts the (query, key) pairs with two loops",
     "cells": {"n_connections": "def n_connections(n):\n    count = 0\n    for i in range(n):\n"
                                "        for j in range(n):\n            count += 1\n    return count\n"}},
    {"name": "n_connections_power", "about": "n ** 2",
     "cells": {"n_connections": "def n_connections(n):\n    return int(n) ** 2\n"}},
    {"name": "n_connections_numpy_int64", "about": "a NumPy 64-bit integer",
     "cells": {"n_connections": "def n_connections(n):\n    return np.square(np.int64(n))\n"}},
    # ---- sat_relevance
    {"name": "sat_relevance_other_weights", "about": "different but valid weights",
     "cells": {"sat_relevance": 'sat_relevance = {"The": 0.05, "cat": 0.75, "sat": 0.2}\n'}},
    {"name": "sat_relevance_fractions", "about": "weights written as fractions",
     "cells": {"sat_relevance": 'sat_relevance = {"The": 1 / 6, "cat": 1 / 2, "sat": 1 / 3}\n'}},
    # ---- softmax
    {"name": "softmax_apply_along_axis", "about": "a 1-D stable softmax applied along the axis",
     "cells": {"softmax": "def softmax(x, axis=-1):\n    def one(v):\n        e = np.exp(v - v.max())\n"
                          "        return e / e.sum()\n"
                          "    return np.apply_along_axis(one, axis, np.asarray(x, dtype=float))\n"}},
    {"name": "softmax_logsumexp", "about": "exp(x - logsumexp(x)), computed stably",
     "cells": {"softmax": "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=np.float64)\n"
                          "    m = np.max(x, axis=axis, keepdims=True)\n"
                          "    lse = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))\n"
                          "    return np.exp(x - lse)\n"}},
    # ---- project_qkv
    {"name": "project_qkv_einsum", "about": "einsum over the feature axis",
     "cells": {"project_qkv": "def project_qkv(X, W_q, W_k, W_v):\n"
                              "    return tuple(np.einsum('...td,de->...te', X, W) for W in (W_q, W_k, W_v))\n"}},
    {"name": "project_qkv_tensordot", "about": "np.tensordot over the feature axis, in the inputs' own dtype",
     "cells": {"project_qkv": "def project_qkv(X, W_q, W_k, W_v):\n    X = np.asarray(X)\n"
                              "    return tuple(np.tensordot(X, np.asarray(W), axes=([-1], [0]))\n"
                              "                 for W in (W_q, W_k, W_v))\n"}},
    {"name": "project_qkv_float32_in_float32_out", "about": "casts to the common dtype of its inputs (float32 stays float32)",
     "cells": {"project_qkv": "def project_qkv(X, W_q, W_k, W_v):\n"
                              "    dt = np.result_type(X, W_q, W_k, W_v)\n"
                              "    X = np.asarray(X, dtype=dt)\n"
                              "    return tuple(X @ np.asarray(W, dtype=dt) for W in (W_q, W_k, W_v))\n"}},
    # ---- attention_scores
    {"name": "scores_einsum", "about": "einsum, scaling the queries first",
     "cells": {"attention_scores": "def attention_scores(Q, K):\n    Q = np.asarray(Q, dtype=float)\n"
                                   "    return np.einsum('...qd,...kd->...qk', Q / np.sqrt(Q.shape[-1]), K)\n"}},
    {"name": "scores_loops", "about": "explicit loops over batch entries, queries and keys",
     "cells": {"attention_scores": (
         "def attention_scores(Q, K):\n    Q, K = np.asarray(Q, dtype=float), np.asarray(K, dtype=float)\n"
         "    out = np.zeros(Q.shape[:-1] + (K.shape[-2],))\n"
         "    for idx in np.ndindex(*Q.shape[:-2]):\n"
         "        for i in range(Q.shape[-2]):\n"
         "            for j in range(K.shape[-2]):\n"
         "                out[idx + (i, j)] = np.dot(Q[idx + (i,)], K[idx + (j,)]) / np.sqrt(Q.shape[-1])\n"
         "    return out\n")}},
    # ---- scaled_dot_product_attention
    {"name": "sdpa_explicit_exp", "about": "masked exp and explicit normalisation, zero rows where nothing is allowed",
     "cells": {"scaled_dot_product_attention": (
         "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
         "    scores = attention_scores(Q, K)\n"
         "    allowed = np.ones(scores.shape, bool) if mask is None else np.broadcast_to(mask, scores.shape)\n"
         "    m = np.max(np.where(allowed, scores, -np.inf), axis=-1, keepdims=True)\n"
         "    m = np.where(np.isfinite(m), m, 0.0)\n"
         "    e = np.where(allowed, np.exp(scores - m), 0.0)\n"
         "    total = e.sum(axis=-1, keepdims=True)\n"
         "    weights = np.divide(e, total, out=np.zeros_like(e), where=total > 0)\n"
         "    return np.einsum('...qk,...kd->...qd', weights, np.asarray(V, dtype=float)), weights\n")}},
    {"name": "sdpa_nan_to_num", "about": "-inf masking, softmax, then nan rows replaced by zeros",
     "cells": {"scaled_dot_product_attention": (
         "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
         "    scores = attention_scores(Q, K)\n"
         "    if mask is not None:\n"
         "        scores = np.where(mask, scores, -np.inf)\n"
         "    with np.errstate(invalid='ignore'):\n"
         "        weights = np.nan_to_num(softmax(scores, axis=-1), nan=0.0)\n"
         "    return np.matmul(weights, V), weights\n")}},
    # ---- hand_calculation
    {"name": "hand_more_decimals", "about": "four decimals",
     "cells": {"hand_calculation": "hand_scores = [[1.0, 0.0], [0.0, 1.0]]\n"
                                   "hand_weights = [[0.7311, 0.2689], [0.2689, 0.7311]]\n"
                                   "hand_output = [[1.5379, 1.4621], [2.4621, 0.5379]]\n"}},
    {"name": "hand_numpy_arrays", "about": "NumPy arrays and exact expressions",
     "cells": {"hand_calculation": "hand_scores = np.array([[1, 0], [0, 1]])\n"
                                   "_e = np.e / (np.e + 1)\n"
                                   "hand_weights = np.array([[_e, 1 - _e], [1 - _e, _e]])\n"
                                   "hand_output = hand_weights @ V_hand\n"}},
    {"name": "hand_output_from_own_rounded_weights", "about": "weights a little off (0.74, within 2 decimals' tolerance), output computed from them",
     "cells": {"hand_calculation": "hand_scores = [[1.0, 0.0], [0.0, 1.0]]\n"
                                   "hand_weights = [[0.74, 0.26], [0.26, 0.74]]\n"
                                   "hand_output = [[1.52, 1.48], [2.48, 0.52]]\n"}},
    # ---- dot_product_variance
    {"name": "variance_einsum_ddof1", "about": "einsum dot products, unbiased sample variance",
     "cells": {"dot_product_variance": (
         "def dot_product_variance(d_k, n_samples=20000, seed=0):\n"
         "    rng = np.random.default_rng(seed)\n"
         "    q, k = rng.normal(size=(2, n_samples, d_k))\n"
         "    return float(np.var(np.einsum('nd,nd->n', q, k), ddof=1))\n")}},
    {"name": "variance_manual_float32", "about": "float32 draws and the variance written out",
     "cells": {"dot_product_variance": (
         "def dot_product_variance(d_k, n_samples=20000, seed=0):\n"
         "    rng = np.random.default_rng(seed)\n"
         "    q = rng.standard_normal((n_samples, d_k), dtype=np.float32)\n"
         "    k = rng.standard_normal((n_samples, d_k), dtype=np.float32)\n"
         "    dots = (q * k).sum(axis=1).astype(np.float64)\n"
         "    return float(((dots - dots.mean()) ** 2).mean())\n")}},
    {"name": "variance_legacy_global_seed", "about": "the legacy global generator, seeded with np.random.seed",
     "cells": {"dot_product_variance": (
         "def dot_product_variance(d_k, n_samples=20000, seed=0):\n"
         "    np.random.seed(seed)\n"
         "    dots = (np.random.randn(n_samples, d_k) * np.random.randn(n_samples, d_k)).sum(axis=1)\n"
         "    return dots.var()\n")}},
    # ---- concept quiz
    {"name": "quiz_why_scale_lowercase", "about": "answers in lower case",
     "cells": {"quiz_why_scale": "quiz_why_scale = \"d\"\n"}},
    {"name": "quiz_weights_shape_spaces", "about": "a letter with spaces around it",
     "cells": {"quiz_weights_shape": "quiz_weights_shape = \" B \"\n"}},
    {"name": "quiz_scale_divisor_float", "about": "writes the number as a float",
     "cells": {"quiz_scale_divisor": "quiz_scale_divisor = 8.0\n"}},
    {"name": "quiz_softmax_shift_numpy_bool", "about": "a NumPy boolean",
     "cells": {"quiz_softmax_shift": "quiz_softmax_shift = np.bool_(True)\n"}},
]
