"""Mutation catalogue for 01_rnn_limits: realistic wrong answers (must lose points) and correct alternatives (must get full marks)."""

_WORDS = 'words = "The student who studied hard and completed all assignments passed the exam".split()\n'

MUTANTS = [
    # ---- dependency_table
    {"name": "dependency_first_step_needs_zero", "about": "step 1 'needs' step 0 instead of None",
     "cells": {"dependency_table": _WORDS + "directly_needs = {s: s - 1 for s in range(1, 13)}\n"
                                            "depends_on = {s: list(range(1, s)) for s in range(1, 13)}\n"
                                            "passed_before_assignments = False\n"}},
    {"name": "dependency_only_previous_word", "about": "thinks h_t depends only on the previous word, not the whole chain",
     "cells": {"dependency_table": _WORDS + "directly_needs = {s: (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                            "depends_on = {s: ([s - 1] if s > 1 else []) for s in range(1, 13)}\n"
                                            "passed_before_assignments = False\n"}},
    {"name": "dependency_passed_in_parallel", "about": "believes the RNN can process step 10 before step 9",
     "cells": {"dependency_table": _WORDS + "directly_needs = {s: (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                            "depends_on = {s: list(range(1, s)) for s in range(1, 13)}\n"
                                            "passed_before_assignments = True\n"}},
    {"name": "dependency_tuples", "about": "depends_on values as tuples, not the promised lists",
     "cells": {"dependency_table": "directly_needs = {s: (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                   "depends_on = {s: tuple(range(1, s)) for s in range(1, 13)}\n"
                                   "passed_before_assignments = False\n"}},
    {"name": "dependency_decreasing", "about": "depends_on lists from the nearest step back, not in increasing order",
     "cells": {"dependency_table": "directly_needs = {s: (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                   "depends_on = {s: list(range(s - 1, 0, -1)) for s in range(1, 13)}\n"
                                   "passed_before_assignments = False\n"}},
    {"name": "dependency_float_steps", "about": "directly_needs holds floats, not the promised ints",
     "cells": {"dependency_table": "directly_needs = {s: (s - 1.0 if s > 1 else None) for s in range(1, 13)}\n"
                                   "depends_on = {s: list(range(1, s)) for s in range(1, 13)}\n"
                                   "passed_before_assignments = False\n"}},
    {"name": "dependency_string_keys", "about": "keys are the strings '1'..'12', not the ints",
     "cells": {"dependency_table": "directly_needs = {str(s): (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                   "depends_on = {str(s): list(range(1, s)) for s in range(1, 13)}\n"
                                   "passed_before_assignments = False\n"}},
    {"name": "dependency_includes_itself", "about": "off by one: depends_on[t] includes step t itself",
     "cells": {"dependency_table": _WORDS + "directly_needs = {s: (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                            "depends_on = {s: list(range(1, s + 1)) for s in range(1, 13)}\n"
                                            "passed_before_assignments = False\n"}},
    # ---- gpus
    {"name": "gpus_rnn_parallel", "about": "thinks the RNN's 12 steps run on 12 GPUs at once",
     "cells": {"gpus": "gpus_rnn = 12\ngpus_attention = 12\n"}},
    {"name": "gpus_attention_sequential", "about": "thinks attention is sequential too",
     "cells": {"gpus": "gpus_rnn = 1\ngpus_attention = 1\n"}},
    {"name": "gpus_rnn_two", "about": "thinks two steps of the chain can overlap",
     "cells": {"gpus": "gpus_rnn = 2\ngpus_attention = 12\n"}},
    {"name": "gpus_attention_off_by_one", "about": "leaves the first word out of the parallel work",
     "cells": {"gpus": "gpus_rnn = 1\ngpus_attention = 11\n"}},
    # ---- rnn_step
    {"name": "rnn_step_recurrent_transposed", "about": "W_hh @ h_prev: the transposed recurrent matrix",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    x_t, h_prev = np.asarray(x_t), np.asarray(h_prev)\n"
                           "    return np.tanh(x_t @ W_xh + h_prev @ np.asarray(W_hh).T + b_h)\n"}},
    {"name": "rnn_step_no_tanh", "about": "forgets the tanh non-linearity",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    return np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh + b_h\n"}},
    {"name": "rnn_step_no_bias", "about": "forgets the bias",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    return np.tanh(np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh)\n"}},
    {"name": "rnn_step_bias_outside_tanh", "about": "adds the bias after the tanh",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    return np.tanh(np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh) + b_h\n"}},
    {"name": "rnn_step_tanh_from_exp", "about": "tanh written as (e^2a - 1) / (e^2a + 1): overflows to nan for large inputs",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    a = np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh + b_h\n"
                           "    e = np.exp(2 * a)\n    return (e - 1) / (e + 1)\n"}},
    {"name": "rnn_step_returns_torch", "about": "returns a torch tensor, not the promised NumPy array",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))\n"
                           "    return torch.tanh(t(x_t) @ t(W_xh) + t(h_prev) @ t(W_hh) + t(b_h))\n"}},
    {"name": "rnn_step_returns_list", "about": "returns a nested list (tolist()), not the promised NumPy array",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    return np.tanh(np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh + b_h).tolist()\n"}},
    {"name": "rnn_step_float32", "about": "computes in float32 whatever the input dtype (the contract keeps float64)",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    f = lambda a: np.asarray(a, dtype=np.float32)\n"
                           "    return np.tanh(f(x_t) @ f(W_xh) + f(h_prev) @ f(W_hh) + f(b_h))\n"}},
    # ---- rnn_forward
    {"name": "rnn_forward_returns_torch", "about": "returns a torch tensor, not the promised NumPy array",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.asarray(h0)\n    states = []\n"
                              "    for t in range(X.shape[-2]):\n"
                              "        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)\n        states.append(h)\n"
                              "    return torch.from_numpy(np.stack(states, axis=-2))\n"}},
    {"name": "rnn_forward_ignores_h0", "about": "starts from zeros instead of the given h0",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.zeros_like(np.asarray(h0, dtype=float))\n    states = []\n"
                              "    for t in range(X.shape[-2]):\n"
                              "        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)\n        states.append(h)\n"
                              "    return np.stack(states, axis=-2)\n"}},
    {"name": "rnn_forward_inline_no_bias", "about": "writes the recurrence inline (not with rnn_step) and forgets the bias there",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.asarray(h0)\n    states = []\n"
                              "    for t in range(X.shape[-2]):\n"
                              "        h = np.tanh(X[..., t, :] @ W_xh + h @ W_hh)\n        states.append(h)\n"
                              "    return np.stack(states, axis=-2)\n"}},
    {"name": "rnn_forward_includes_h0", "about": "returns h0 as the first state (T + 1 states)",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.asarray(h0, dtype=float)\n    states = [h]\n"
                              "    for t in range(X.shape[-2]):\n"
                              "        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)\n        states.append(h)\n"
                              "    return np.stack(states, axis=-2)\n"}},
    {"name": "rnn_forward_states_shifted", "about": "off by one: stores the state before the update (h_0 .. h_{T-1})",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.asarray(h0, dtype=float)\n    states = []\n"
                              "    for t in range(X.shape[-2]):\n        states.append(h)\n"
                              "        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)\n"
                              "    return np.stack(states, axis=-2)\n"}},
    {"name": "rnn_forward_always_h0", "about": "passes h0 to every step instead of the previous state",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    return np.stack([rnn_step(X[..., t, :], h0, W_xh, W_hh, b_h)\n"
                              "                     for t in range(X.shape[-2])], axis=-2)\n"}},
    {"name": "rnn_forward_loops_over_first_axis", "about": "iterates over axis 0 (the batch when there is one) instead of time",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.asarray(h0, dtype=float)\n    states = []\n"
                              "    for x_t in X:\n        h = rnn_step(x_t, h, W_xh, W_hh, b_h)\n"
                              "        states.append(h)\n    return np.stack(states, axis=-2)\n"}},
    # ---- hidden_grad_norms
    {"name": "grad_norms_of_states", "about": "reads the norms of the hidden states, not of their gradients",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W_hh = torch.as_tensor(np.asarray(W_hh, dtype=np.float64))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=np.float64))\n"
         "    h = torch.zeros(X.shape[1], dtype=torch.float64)\n    norms = []\n"
         "    for t in range(X.shape[0]):\n        h = torch.tanh(X[t] + h @ W_hh)\n"
         "        norms.append(float(torch.linalg.norm(h)))\n    return np.array(norms)\n")}},
    {"name": "grad_norms_reversed", "about": "entries in the wrong order (last step first)",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W_hh = torch.as_tensor(np.asarray(W_hh, dtype=np.float64))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=np.float64))\n"
         "    T, d_h = X.shape\n    h = torch.zeros(d_h, dtype=torch.float64, requires_grad=True)\n"
         "    states = []\n    for t in range(T):\n        h = torch.tanh(X[t] + h @ W_hh)\n"
         "        h.retain_grad()\n        states.append(h)\n    squares = np.zeros(T)\n"
         "    for i in range(d_h):\n        for s in states:\n            s.grad = None\n"
         "        states[-1][i].backward(retain_graph=True)\n"
         "        squares += np.array([float((s.grad ** 2).sum()) for s in states])\n"
         "    return np.sqrt(squares)[::-1].copy()\n")}},
    {"name": "grad_norms_of_summed_output", "about": "one backward of h_T.sum(): the norm of J^T 1, not of the Jacobian",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W_hh = torch.as_tensor(np.asarray(W_hh, dtype=np.float64))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=np.float64))\n"
         "    T, d_h = X.shape\n    h = torch.zeros(d_h, dtype=torch.float64, requires_grad=True)\n"
         "    states = []\n    for t in range(T):\n        h = torch.tanh(X[t] + h @ W_hh)\n"
         "        h.retain_grad()\n        states.append(h)\n"
         "    states[-1].sum().backward()\n"
         "    return np.array([float(torch.linalg.norm(s.grad)) for s in states])\n")}},
    {"name": "grad_norms_recurrent_transposed", "about": "runs the RNN with W_hh @ h (the transposed recurrent matrix)",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W_hh = torch.as_tensor(np.asarray(W_hh, dtype=np.float64))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=np.float64))\n"
         "    T, d_h = X.shape\n    h = torch.zeros(d_h, dtype=torch.float64, requires_grad=True)\n"
         "    states = []\n    for t in range(T):\n        h = torch.tanh(X[t] + W_hh @ h)\n"
         "        h.retain_grad()\n        states.append(h)\n    squares = np.zeros(T)\n"
         "    for i in range(d_h):\n        for s in states:\n            s.grad = None\n"
         "        states[-1][i].backward(retain_graph=True)\n"
         "        squares += np.array([float((s.grad ** 2).sum()) for s in states])\n"
         "    return np.sqrt(squares)\n")}},
    {"name": "grad_norms_returns_tensor", "about": "returns a torch tensor, not the promised NumPy array",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W_hh = torch.as_tensor(np.asarray(W_hh, dtype=np.float64))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=np.float64))\n"
         "    T, d_h = X.shape\n    h = torch.zeros(d_h, dtype=torch.float64, requires_grad=True)\n"
         "    states = []\n    for t in range(T):\n        h = torch.tanh(X[t] + h @ W_hh)\n"
         "        h.retain_grad()\n        states.append(h)\n    squares = np.zeros(T)\n"
         "    for i in range(d_h):\n        for s in states:\n            s.grad = None\n"
         "        states[-1][i].backward(retain_graph=True)\n"
         "        squares += np.array([float((s.grad ** 2).sum()) for s in states])\n"
         "    return torch.from_numpy(np.sqrt(squares))\n")}},
    {"name": "grad_norms_returns_list", "about": "returns a Python list of floats, not the promised NumPy array",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W_hh = torch.as_tensor(np.asarray(W_hh, dtype=np.float64))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=np.float64))\n"
         "    T, d_h = X.shape\n    h = torch.zeros(d_h, dtype=torch.float64, requires_grad=True)\n"
         "    states = []\n    for t in range(T):\n        h = torch.tanh(X[t] + h @ W_hh)\n"
         "        h.retain_grad()\n        states.append(h)\n    squares = np.zeros(T)\n"
         "    for i in range(d_h):\n        for s in states:\n            s.grad = None\n"
         "        states[-1][i].backward(retain_graph=True)\n"
         "        squares += np.array([float((s.grad ** 2).sum()) for s in states])\n"
         "    return [float(v) for v in np.sqrt(squares)]\n")}},
    {"name": "grad_norms_ignores_inputs", "about": "ignores X (runs the RNN on zero inputs: no tanh saturation)",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W_hh = torch.as_tensor(np.asarray(W_hh, dtype=np.float64))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=np.float64))\n"
         "    T, d_h = X.shape\n    h = torch.zeros(d_h, dtype=torch.float64, requires_grad=True)\n"
         "    states = []\n    for t in range(T):\n        h = torch.tanh(0 * X[t] + h @ W_hh)\n"
         "        h.retain_grad()\n        states.append(h)\n    squares = np.zeros(T)\n"
         "    for i in range(d_h):\n        for s in states:\n            s.grad = None\n"
         "        states[-1][i].backward(retain_graph=True)\n"
         "        squares += np.array([float((s.grad ** 2).sum()) for s in states])\n"
         "    return np.sqrt(squares)\n")}},
    {"name": "grad_norms_float32", "about": "runs autograd in float32: far-back norms underflow to 0",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W_hh = torch.as_tensor(np.asarray(W_hh, dtype=np.float32))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=np.float32))\n"
         "    T, d_h = X.shape\n    h = torch.zeros(d_h, dtype=torch.float32, requires_grad=True)\n"
         "    states = []\n    for t in range(T):\n        h = torch.tanh(X[t] + h @ W_hh)\n"
         "        h.retain_grad()\n        states.append(h)\n    squares = np.zeros(T)\n"
         "    for i in range(d_h):\n        for s in states:\n            s.grad = None\n"
         "        states[-1][i].backward(retain_graph=True)\n"
         "        squares += np.array([float((s.grad ** 2).sum()) for s in states])\n"
         "    return np.sqrt(squares)\n")}},
    {"name": "grad_norms_numpy_only", "about": "torch.from_numpy on the arguments: fails for the torch tensors the docstring allows",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W_hh = torch.from_numpy(W_hh).double()\n"
         "    X = torch.from_numpy(X).double()\n"
         "    T, d_h = X.shape\n    h = torch.zeros(d_h, dtype=torch.float64, requires_grad=True)\n"
         "    states = []\n    for t in range(T):\n        h = torch.tanh(X[t] + h @ W_hh)\n"
         "        h.retain_grad()\n        states.append(h)\n    squares = np.zeros(T)\n"
         "    for i in range(d_h):\n        for s in states:\n            s.grad = None\n"
         "        states[-1][i].backward(retain_graph=True)\n"
         "        squares += np.array([float((s.grad ** 2).sum()) for s in states])\n"
         "    return np.sqrt(squares)\n")}},
    # ---- path_lengths (rnn_path_length, attention_path_length)
    {"name": "rnn_path_signed", "about": "j - i without abs: negative when j < i",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return j - i\n\n\n"
                               "def attention_path_length(i, j):\n    return 0 if i == j else 1\n"}},
    {"name": "rnn_path_counts_positions", "about": "counts positions instead of steps: |j - i| + 1",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return abs(j - i) + 1\n\n\n"
                               "def attention_path_length(i, j):\n    return 0 if i == j else 1\n"}},
    {"name": "rnn_path_from_start", "about": "counts from the start of the sequence: max(i, j)",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return max(i, j)\n\n\n"
                               "def attention_path_length(i, j):\n    return 0 if i == j else 1\n"}},
    {"name": "attention_path_always_one", "about": "1 even for a position and itself",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return abs(j - i)\n\n\n"
                               "def attention_path_length(i, j):\n    return 1\n"}},
    {"name": "attention_path_like_rnn", "about": "copies the RNN's answer: |j - i| hops",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return abs(j - i)\n\n\n"
                               "def attention_path_length(i, j):\n    return abs(j - i)\n"}},
    {"name": "rnn_path_float", "about": "returns a float distance, not the promised int",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return float(abs(j - i))\n\n\n"
                               "def attention_path_length(i, j):\n    return 0 if i == j else 1\n"}},
    {"name": "attention_path_bool", "about": "returns the bool i != j, not the promised int",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return abs(j - i)\n\n\n"
                               "def attention_path_length(i, j):\n    return i != j\n"}},
    {"name": "attention_path_log", "about": "thinks attention needs log2 |j - i| hops (confuses it with a tree)",
     "cells": {"path_lengths": "import math\n\n\ndef rnn_path_length(i, j):\n    return abs(j - i)\n\n\n"
                               "def attention_path_length(i, j):\n"
                               "    return 0 if i == j else max(1, math.ceil(math.log2(abs(j - i))))\n"}},
    # ---- concept quiz: one wrong answer loses exactly that question's point
    {"name": "quiz_rnn_steps_100_99", "about": "answers 99: gives the path length from word 1 to word 100",
     "cells": {"quiz_rnn_steps_100": "quiz_rnn_steps_100 = 99\n"},
     "fails": ["test_quiz_rnn_steps_100"]},
    {"name": "quiz_rnn_steps_100_101", "about": "answers 101: counts h_0 as a step too",
     "cells": {"quiz_rnn_steps_100": "quiz_rnn_steps_100 = 101\n"},
     "fails": ["test_quiz_rnn_steps_100"]},
    {"name": "quiz_rnn_steps_100_1", "about": "answers 1: thinks the RNN processes the tokens at once",
     "cells": {"quiz_rnn_steps_100": "quiz_rnn_steps_100 = 1\n"},
     "fails": ["test_quiz_rnn_steps_100"]},
    {"name": "quiz_vanishing_cause_A", "about": "answers \"A\" instead of the product of Jacobians",
     "cells": {"quiz_vanishing_cause": "quiz_vanishing_cause = \"A\"\n"},
     "fails": ["test_quiz_vanishing_cause"]},
    {"name": "quiz_clipping_fixes_vanishing_True", "about": "answers True: thinks clipping fixes vanishing gradients",
     "cells": {"quiz_clipping_fixes_vanishing": "quiz_clipping_fixes_vanishing = True\n"},
     "fails": ["test_quiz_clipping_fixes_vanishing"]},
    {"name": "quiz_path_length_A", "about": "answers \"A\" instead of O(n) vs O(1)",
     "cells": {"quiz_path_length": "quiz_path_length = \"A\"\n"},
     "fails": ["test_quiz_path_length"]},
    {"name": "quiz_attention_less_work_True", "about": "answers True: thinks attention always does less work",
     "cells": {"quiz_attention_less_work": "quiz_attention_less_work = True\n"},
     "fails": ["test_quiz_attention_less_work"]},
]

ALTERNATIVES = [
    # ---- dependency_table
    {"name": "dependency_loops", "about": "built with a loop",
     "cells": {"dependency_table": _WORDS + "directly_needs, depends_on = {}, {}\n"
                                            "for step in range(1, len(words) + 1):\n"
                                            "    directly_needs[step] = None if step == 1 else step - 1\n"
                                            "    depends_on[step] = [k for k in range(1, step)]\n"
                                            "passed_before_assignments = False\n"}},
    {"name": "dependency_zip_numpy_bool", "about": "dict(zip(...)) and a NumPy bool",
     "cells": {"dependency_table": "directly_needs = dict(zip(range(1, 13), [None] + list(range(1, 12))))\n"
                                   "depends_on = dict((s, list(range(1, s))) for s in range(1, 13))\n"
                                   "passed_before_assignments = np.bool_(False)\n"}},
    # ---- gpus
    {"name": "gpus_floats", "about": "whole numbers written as floats",
     "cells": {"gpus": "gpus_rnn = 1.0\ngpus_attention = 12.0\n"}},
    {"name": "gpus_numpy_ints", "about": "NumPy integers",
     "cells": {"gpus": "gpus_rnn = np.int64(1)\ngpus_attention = np.int64(12)\n"}},
    # ---- rnn_step
    {"name": "rnn_step_einsum", "about": "einsum in place of @",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    return np.tanh(np.einsum('...i,ij->...j', x_t, W_xh)\n"
                           "                   + np.einsum('...i,ij->...j', h_prev, W_hh) + np.asarray(b_h))\n"}},
    {"name": "rnn_step_torch", "about": "computed with torch in float64, returned as NumPy",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))\n"
                           "    return torch.tanh(t(x_t) @ t(W_xh) + t(h_prev) @ t(W_hh) + t(b_h)).numpy()\n"}},
    {"name": "rnn_step_tanh_via_sigmoid", "about": "tanh as 2 sigmoid(2a) - 1 (stable: exp overflows only to a harmless inf)",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    a = np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh + b_h\n"
                           "    return 2.0 / (1.0 + np.exp(-2.0 * a)) - 1.0\n"}},
    # ---- rnn_forward
    {"name": "rnn_forward_preallocated", "about": "writes into a preallocated array, without rnn_step",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X, dtype=float)\n"
                              "    T = X.shape[-2]\n    h = np.asarray(h0, dtype=float)\n"
                              "    H = np.empty(X.shape[:-1] + (np.shape(W_hh)[0],))\n"
                              "    xw = X @ W_xh + b_h\n"
                              "    for t in range(T):\n        h = np.tanh(xw[..., t, :] + h @ W_hh)\n"
                              "        H[..., t, :] = h\n    return H\n"}},
    {"name": "rnn_forward_moveaxis", "about": "time moved to the front, loop over it, moved back",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n"
                              "    steps = np.moveaxis(np.asarray(X), -2, 0)\n    h, out = h0, []\n"
                              "    for x_t in steps:\n        h = rnn_step(x_t, h, W_xh, W_hh, b_h)\n"
                              "        out.append(h)\n    return np.moveaxis(np.array(out), 0, -2)\n"}},
    # ---- hidden_grad_norms
    {"name": "grad_norms_analytic", "about": "the Jacobians multiplied out by hand in NumPy",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W = np.asarray(W_hh, dtype=float)\n    X = np.asarray(X, dtype=float)\n    T, d = X.shape\n"
         "    hs, h = [], np.zeros(d)\n    for t in range(T):\n        h = np.tanh(X[t] + h @ W)\n"
         "        hs.append(h)\n    J = np.eye(d)\n    norms = np.zeros(T)\n    norms[T - 1] = np.linalg.norm(J)\n"
         "    for k in range(T - 1, 0, -1):\n        J = J @ (np.diag(1 - hs[k] ** 2) @ W.T)\n"
         "        norms[k - 1] = np.linalg.norm(J)\n    return norms\n")}},
    {"name": "grad_norms_autograd_grad", "about": "torch.autograd.grad of each component of h_T w.r.t. all states",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W = torch.tensor(np.asarray(W_hh, dtype=float))\n    X = torch.tensor(np.asarray(X, dtype=float))\n"
         "    T, d = X.shape\n    h = torch.zeros(d, dtype=torch.float64, requires_grad=True)\n    states = []\n"
         "    for t in range(T):\n        h = torch.tanh(X[t] + h @ W)\n        states.append(h)\n"
         "    total = torch.zeros(T, dtype=torch.float64)\n"
         "    for i in range(d):\n"
         "        grads = torch.autograd.grad(states[-1][i], states, retain_graph=True, allow_unused=True)\n"
         "        total += torch.stack([(g ** 2).sum() if g is not None else torch.tensor(1.0, dtype=torch.float64)\n"
         "                              for g in grads])\n"
         "    return total.sqrt().numpy()\n")}},
    {"name": "grad_norms_functional_jacobian", "about": "torch.autograd.functional.jacobian with zero perturbations E[t] added to the states",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W = torch.as_tensor(np.asarray(W_hh, dtype=float))\n    X = torch.as_tensor(np.asarray(X, dtype=float))\n"
         "    T, d = X.shape\n\n    def last_state(E):\n        h = torch.zeros(d, dtype=torch.float64)\n"
         "        for t in range(T):\n            h = torch.tanh(X[t] + h @ W) + E[t]\n        return h\n\n"
         "    J = torch.autograd.functional.jacobian(last_state, torch.zeros(T, d, dtype=torch.float64))  # (d, T, d)\n"
         "    return torch.linalg.norm(J.permute(1, 0, 2), dim=(1, 2)).numpy()\n")}},
    {"name": "grad_norms_torch_tensor_copy", "about": "torch.tensor(W_hh, dtype=torch.float64): warns (harmlessly) when given tensors",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W = torch.tensor(W_hh, dtype=torch.float64)\n    X = torch.tensor(X, dtype=torch.float64)\n"
         "    T, d = X.shape\n    h0 = torch.zeros(d, dtype=torch.float64, requires_grad=True)\n"
         "    h, states = h0, []\n    for t in range(T):\n        h = torch.tanh(X[t] + h @ W)\n"
         "        h.retain_grad()\n        states.append(h)\n    norms = torch.zeros(T, dtype=torch.float64)\n"
         "    for i in range(d):\n        for s in states:\n            s.grad = None\n"
         "        h[i].backward(retain_graph=True)\n"
         "        norms += torch.stack([(s.grad ** 2).sum() for s in states])\n"
         "    return norms.sqrt().numpy()\n")}},
    # ---- path_lengths
    {"name": "path_lengths_min_max", "about": "max - min, and a comparison turned into an int",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return max(i, j) - min(i, j)\n\n\n"
                               "def attention_path_length(i, j):\n    return int(i != j)\n"}},
    {"name": "path_lengths_numpy", "about": "np.abs and np.sign: NumPy integers, not Python ints",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return np.abs(j - i)\n\n\n"
                               "def attention_path_length(i, j):\n    return np.abs(np.sign(j - i))\n"}},
    {"name": "path_lengths_range", "about": "counts the steps of a range; a conditional expression",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return len(range(min(i, j), max(i, j)))\n\n\n"
                               "def attention_path_length(i, j):\n    if i == j:\n        return 0\n    return 1\n"}},
    # ---- concept quiz
    {"name": "quiz_vanishing_cause_lowercase", "about": "answers in lower case",
     "cells": {"quiz_vanishing_cause": "quiz_vanishing_cause = \"c\"\n"}},
    {"name": "quiz_path_length_spaces", "about": "a letter with spaces around it",
     "cells": {"quiz_path_length": "quiz_path_length = \" D \"\n"}},
    {"name": "quiz_rnn_steps_100_float", "about": "writes the number as a float",
     "cells": {"quiz_rnn_steps_100": "quiz_rnn_steps_100 = 100.0\n"}},
    {"name": "quiz_attention_less_work_numpy_bool", "about": "a NumPy boolean",
     "cells": {"quiz_attention_less_work": "quiz_attention_less_work = np.bool_(False)\n"}},
]
