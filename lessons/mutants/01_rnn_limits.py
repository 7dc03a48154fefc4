"""Mutation catalogue for 01_rnn_limits: realistic wrong answers (must lose points) and correct alternatives (must get full marks)."""

_WORDS = 'words = "The student who studied hard and completed all assignments passed the exam".split()\n'

MUTANTS = [
    # ---- dependency_table
    {"name": "dependency_first_step_needs_zero", "about": "step 1 'needs' step 0 instead of None",
     "hint": "Re-read the first row of the table in Exercise 1: 'The' is step 1, and there is no earlier hidden state for it to read. What does the prompt tell you to write for a step that reads nothing?",
     "cells": {"dependency_table": _WORDS + "directly_needs = {s: s - 1 for s in range(1, 13)}\n"
                                            "depends_on = {s: list(range(1, s)) for s in range(1, 13)}\n"
                                            "passed_before_assignments = False\n"}},
    {"name": "dependency_only_previous_word", "about": "thinks h_t depends only on the previous word, not the whole chain",
     "hint": "In Exercise 1, depends_on asks for every earlier word that influences h_t, directly or through the chain. h_(t-1) already carries what it read from h_(t-2): follow the chain back to step 1.",
     "cells": {"dependency_table": _WORDS + "directly_needs = {s: (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                            "depends_on = {s: ([s - 1] if s > 1 else []) for s in range(1, 13)}\n"
                                            "passed_before_assignments = False\n"}},
    {"name": "dependency_passed_in_parallel", "about": "believes the RNN can process step 10 before step 9",
     "hint": "Look at the recurrence in section 1: h_10 ('passed') is computed from h_9 ('assignments'). Can a step start before the state it reads exists?",
     "cells": {"dependency_table": _WORDS + "directly_needs = {s: (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                            "depends_on = {s: list(range(1, s)) for s in range(1, 13)}\n"
                                            "passed_before_assignments = True\n"}},
    {"name": "dependency_tuples", "about": "depends_on values as tuples, not the promised lists",
     "hint": "Re-read the format Exercise 1 asks for: each value of depends_on is a list of ints in increasing order. Check the type of your values, not only their contents.",
     "cells": {"dependency_table": "directly_needs = {s: (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                   "depends_on = {s: tuple(range(1, s)) for s in range(1, 13)}\n"
                                   "passed_before_assignments = False\n"}},
    {"name": "dependency_decreasing", "about": "depends_on lists from the nearest step back, not in increasing order",
     "hint": "Exercise 1 asks for each depends_on list in increasing order (depends_on[3] starts with 1). Print one of your lists and compare it with the example in the prompt.",
     "cells": {"dependency_table": "directly_needs = {s: (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                   "depends_on = {s: list(range(s - 1, 0, -1)) for s in range(1, 13)}\n"
                                   "passed_before_assignments = False\n"}},
    {"name": "dependency_float_steps", "about": "directly_needs holds floats, not the promised ints",
     "hint": "Exercise 1 asks for steps written as ints (1, 2, ...). Check the type of the values in directly_needs: does your arithmetic turn them into floats?",
     "cells": {"dependency_table": "directly_needs = {s: (s - 1.0 if s > 1 else None) for s in range(1, 13)}\n"
                                   "depends_on = {s: list(range(1, s)) for s in range(1, 13)}\n"
                                   "passed_before_assignments = False\n"}},
    {"name": "dependency_string_keys", "about": "keys are the strings '1'..'12', not the ints",
     "hint": "The keys of both dicts in Exercise 1 are the ints 1 to 12, not strings. Does directly_needs[1] work with your dict?",
     "cells": {"dependency_table": "directly_needs = {str(s): (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                   "depends_on = {str(s): list(range(1, s)) for s in range(1, 13)}\n"
                                   "passed_before_assignments = False\n"}},
    {"name": "dependency_includes_itself", "about": "off by one: depends_on[t] includes step t itself",
     "hint": "In Exercise 1, depends_on[step] lists the earlier steps only (depends_on[2] == [1]). Does your list for a step contain that step itself?",
     "cells": {"dependency_table": _WORDS + "directly_needs = {s: (s - 1 if s > 1 else None) for s in range(1, 13)}\n"
                                            "depends_on = {s: list(range(1, s + 1)) for s in range(1, 13)}\n"
                                            "passed_before_assignments = False\n"}},
    # ---- gpus
    {"name": "gpus_rnn_parallel", "about": "thinks the RNN's 12 steps run on 12 GPUs at once",
     "hint": "Exercise 2: a GPU can start only when everything its word depends on is computed, and h_2 needs h_1, h_3 needs h_2, ... How many of the 12 can be busy at the same moment?",
     "cells": {"gpus": "gpus_rnn = 12\ngpus_attention = 12\n"}},
    {"name": "gpus_attention_sequential", "about": "thinks attention is sequential too",
     "hint": "Exercise 2: in one self-attention layer each output needs only the 12 input words, not the other outputs. Does any GPU have to wait for another?",
     "cells": {"gpus": "gpus_rnn = 1\ngpus_attention = 1\n"}},
    {"name": "gpus_rnn_two", "about": "thinks two steps of the chain can overlap",
     "hint": "Exercise 2: h_2 cannot start until h_1 is finished, h_3 not until h_2 is finished. Can any two steps of this chain overlap in time?",
     "cells": {"gpus": "gpus_rnn = 2\ngpus_attention = 12\n"}},
    {"name": "gpus_attention_off_by_one", "about": "leaves the first word out of the parallel work",
     "hint": "Exercise 2: every word's attention output, the first word's included, needs only the inputs. Which of the 12 GPUs would have nothing to compute?",
     "cells": {"gpus": "gpus_rnn = 1\ngpus_attention = 11\n"}},
    # ---- rnn_step
    {"name": "rnn_step_recurrent_transposed", "about": "W_hh @ h_prev: the transposed recurrent matrix",
     "hint": "Exercise 3: weights multiply on the right, h_prev @ W_hh, as in the formula of section 1. Check whether a transpose slipped in (W_hh.T, or W_hh @ h_prev).",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    x_t, h_prev = np.asarray(x_t), np.asarray(h_prev)\n"
                           "    return np.tanh(x_t @ W_xh + h_prev @ np.asarray(W_hh).T + b_h)\n"}},
    {"name": "rnn_step_no_tanh", "about": "forgets the tanh non-linearity",
     "hint": "Re-read the formula of Exercise 3: the sum is squashed by a non-linearity before it becomes h_t. Is every entry of your h_t between -1 and 1?",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    return np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh + b_h\n"}},
    {"name": "rnn_step_no_bias", "about": "forgets the bias",
     "hint": "Compare your rnn_step term by term with h_t = tanh(x_t W_xh + h_(t-1) W_hh + b_h): is every argument used? Try the docstring example: does it give 0.9051?",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    return np.tanh(np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh)\n"}},
    {"name": "rnn_step_bias_outside_tanh", "about": "adds the bias after the tanh",
     "hint": "In the formula of Exercise 3, does b_h sit inside or outside the tanh? Can your h_t leave [-1, 1]?",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    return np.tanh(np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh) + b_h\n"}},
    {"name": "rnn_step_tanh_from_exp", "about": "tanh written as (e^2a - 1) / (e^2a + 1): overflows to nan for large inputs",
     "hint": "Your tanh overflows for large inputs: exp of a large number is inf, and inf / inf is nan. Is there a NumPy function that computes tanh without that problem?",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    a = np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh + b_h\n"
                           "    e = np.exp(2 * a)\n    return (e - 1) / (e + 1)\n"}},
    {"name": "rnn_step_returns_torch", "about": "returns a torch tensor, not the promised NumPy array",
     "hint": "The contract of Exercise 3 asks for a NumPy array. Which type does your function return? If you compute with torch, convert the result back.",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))\n"
                           "    return torch.tanh(t(x_t) @ t(W_xh) + t(h_prev) @ t(W_hh) + t(b_h))\n"}},
    {"name": "rnn_step_returns_list", "about": "returns a nested list (tolist()), not the promised NumPy array",
     "hint": "The contract of Exercise 3 asks for a NumPy array, not a list. Check what your last line returns.",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    return np.tanh(np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh + b_h).tolist()\n"}},
    {"name": "rnn_step_float32", "about": "computes in float32 whatever the input dtype (the contract keeps float64)",
     "hint": "The docstring of Exercise 3 promises float64 when the inputs are float64. Do you convert anything to float32 along the way?",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    f = lambda a: np.asarray(a, dtype=np.float32)\n"
                           "    return np.tanh(f(x_t) @ f(W_xh) + f(h_prev) @ f(W_hh) + f(b_h))\n"}},
    # ---- rnn_forward
    {"name": "rnn_forward_returns_torch", "about": "returns a torch tensor, not the promised NumPy array",
     "hint": "The contract of Exercise 4 asks for a NumPy array. Which type does your function return?",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.asarray(h0)\n    states = []\n"
                              "    for t in range(X.shape[-2]):\n"
                              "        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)\n        states.append(h)\n"
                              "    return torch.from_numpy(np.stack(states, axis=-2))\n"}},
    {"name": "rnn_forward_ignores_h0", "about": "starts from zeros instead of the given h0",
     "hint": "Exercise 4 gives you an initial state h0, and the first step must start from it. Where does the state in your loop start?",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.zeros_like(np.asarray(h0, dtype=float))\n    states = []\n"
                              "    for t in range(X.shape[-2]):\n"
                              "        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)\n        states.append(h)\n"
                              "    return np.stack(states, axis=-2)\n"}},
    {"name": "rnn_forward_inline_no_bias", "about": "writes the recurrence inline (not with rnn_step) and forgets the bias there",
     "hint": "Your rnn_forward computes the step itself instead of calling rnn_step, and that copy does not match the formula. Compare it term by term with Exercise 3, or call your rnn_step.",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.asarray(h0)\n    states = []\n"
                              "    for t in range(X.shape[-2]):\n"
                              "        h = np.tanh(X[..., t, :] @ W_xh + h @ W_hh)\n        states.append(h)\n"
                              "    return np.stack(states, axis=-2)\n"}},
    {"name": "rnn_forward_includes_h0", "about": "returns h0 as the first state (T + 1 states)",
     "hint": "Exercise 4 returns h_1..h_T: T states, and h0 is not one of them. How many states does your output hold for a sequence of T = 5?",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.asarray(h0, dtype=float)\n    states = [h]\n"
                              "    for t in range(X.shape[-2]):\n"
                              "        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)\n        states.append(h)\n"
                              "    return np.stack(states, axis=-2)\n"}},
    {"name": "rnn_forward_states_shifted", "about": "off by one: stores the state before the update (h_0 .. h_{T-1})",
     "hint": "Check the order inside your loop of Exercise 4: do you store each state before or after the step that computes it? H[..., 0, :] must be h_1, not h0.",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.asarray(h0, dtype=float)\n    states = []\n"
                              "    for t in range(X.shape[-2]):\n        states.append(h)\n"
                              "        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)\n"
                              "    return np.stack(states, axis=-2)\n"}},
    {"name": "rnn_forward_always_h0", "about": "passes h0 to every step instead of the previous state",
     "hint": "In Exercise 4 each step reads the state the previous step produced. Which state does your loop hand to rnn_step at step 2?",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    return np.stack([rnn_step(X[..., t, :], h0, W_xh, W_hh, b_h)\n"
                              "                     for t in range(X.shape[-2])], axis=-2)\n"}},
    {"name": "rnn_forward_loops_over_first_axis", "about": "iterates over axis 0 (the batch when there is one) instead of time",
     "hint": "X has shape (..., T, d_in): time is axis -2, and axis 0 is the batch when there is one. Along which axis does your loop walk?",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n    X = np.asarray(X)\n"
                              "    h = np.asarray(h0, dtype=float)\n    states = []\n"
                              "    for x_t in X:\n        h = rnn_step(x_t, h, W_xh, W_hh, b_h)\n"
                              "        states.append(h)\n    return np.stack(states, axis=-2)\n"}},
    # ---- hidden_grad_norms
    {"name": "grad_norms_of_states", "about": "reads the norms of the hidden states, not of their gradients",
     "hint": "Exercise 5 asks for the norms of the Jacobians d h_T / d h_t, not of the states h_t. Where does your code ask autograd for a gradient?",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W_hh = torch.as_tensor(np.asarray(W_hh, dtype=np.float64))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=np.float64))\n"
         "    h = torch.zeros(X.shape[1], dtype=torch.float64)\n    norms = []\n"
         "    for t in range(X.shape[0]):\n        h = torch.tanh(X[t] + h @ W_hh)\n"
         "        norms.append(float(torch.linalg.norm(h)))\n    return np.array(norms)\n")}},
    {"name": "grad_norms_reversed", "about": "entries in the wrong order (last step first)",
     "hint": "Check the order in Exercise 5: entry k belongs to step k + 1, so far-back steps come first and the last entry is sqrt(d_h).",
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
     "hint": "One backward pass of h_T.sum() gives the sum of each Jacobian's rows, not the whole matrix. The Frobenius norm needs every entry: how many backward passes (one per component of h_T) does that take?",
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
     "hint": "Exercise 5's recurrence is h_t = tanh(X[t - 1] + h_(t-1) @ W_hh): weights multiply on the right. Check the order of your product.",
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
     "hint": "The contract of Exercise 5 asks for a float64 NumPy array. Which type does your function return?",
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
     "hint": "The contract of Exercise 5 asks for a float64 NumPy array, not a list. Check what your last line returns.",
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
     "hint": "Exercise 5's recurrence adds the projected input X[t - 1] at every step, and the inputs decide how far tanh saturates. Do your inputs actually reach the states?",
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
     "hint": "Far-back norms can be as small as 1e-50, below what float32 can hold. The docstring of Exercise 5 says which dtype to work in: check every tensor you create.",
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
     "hint": "The docstring of Exercise 5 allows W_hh and X as torch tensors as well as NumPy arrays. What does your first line do with a tensor?",
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
     "hint": "Exercise 6: a path length counts steps, so it is the same from i to j as from j to i and never negative. What does your function give for (100, 1)?",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return j - i\n\n\n"
                               "def attention_path_length(i, j):\n    return 0 if i == j else 1\n"}},
    {"name": "rnn_path_counts_positions", "about": "counts positions instead of steps: |j - i| + 1",
     "hint": "Exercise 6 says count steps, not states: h_1 -> h_2 -> h_3 is 2 steps. What does your function give for (1, 3)?",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return abs(j - i) + 1\n\n\n"
                               "def attention_path_length(i, j):\n    return 0 if i == j else 1\n"}},
    {"name": "rnn_path_from_start", "about": "counts from the start of the sequence: max(i, j)",
     "hint": "Exercise 6: only the distance between i and j matters, not where the sequence starts. Is your rnn_path_length(3, 10) equal to rnn_path_length(1, 8)?",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return max(i, j)\n\n\n"
                               "def attention_path_length(i, j):\n    return 0 if i == j else 1\n"}},
    {"name": "attention_path_always_one", "about": "1 even for a position and itself",
     "hint": "Exercise 6: both path lengths are 0 when i == j, because nothing has to travel. What does your attention_path_length give for (7, 7)?",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return abs(j - i)\n\n\n"
                               "def attention_path_length(i, j):\n    return 1\n"}},
    {"name": "attention_path_like_rnn", "about": "copies the RNN's answer: |j - i| hops",
     "hint": "In one self-attention layer every position looks at every other position directly. How many hops from word 1 to word 100, whatever the distance?",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return abs(j - i)\n\n\n"
                               "def attention_path_length(i, j):\n    return abs(j - i)\n"}},
    {"name": "rnn_path_float", "about": "returns a float distance, not the promised int",
     "hint": "Exercise 6 asks for an int. Check the type your rnn_path_length returns.",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return float(abs(j - i))\n\n\n"
                               "def attention_path_length(i, j):\n    return 0 if i == j else 1\n"}},
    {"name": "attention_path_bool", "about": "returns the bool i != j, not the promised int",
     "hint": "Exercise 6 asks for an int; a comparison gives a bool. Check the type your attention_path_length returns.",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return abs(j - i)\n\n\n"
                               "def attention_path_length(i, j):\n    return i != j\n"}},
    {"name": "attention_path_log", "about": "thinks attention needs log2 |j - i| hops (confuses it with a tree)",
     "hint": "One self-attention layer connects every pair of positions directly, with nothing in between (Vaswani et al., Table 1). Does the number of hops depend on the distance?",
     "cells": {"path_lengths": "import math\n\n\ndef rnn_path_length(i, j):\n    return abs(j - i)\n\n\n"
                               "def attention_path_length(i, j):\n"
                               "    return 0 if i == j else max(1, math.ceil(math.log2(abs(j - i))))\n"}},
    # ---- concept quiz: one wrong answer loses exactly that question's point
    {"name": "quiz_rnn_steps_100_99", "about": "answers 99: gives the path length from word 1 to word 100",
     "hint": "Question 1 asks how many hidden states must be computed one after another, not the path length from word 1 to word 100. Count the states h_1..h_100.",
     "cells": {"quiz_rnn_steps_100": "quiz_rnn_steps_100 = 99\n"},
     "fails": ["test_quiz_rnn_steps_100"]},
    {"name": "quiz_rnn_steps_100_101", "about": "answers 101: counts h_0 as a step too",
     "hint": "Question 1: h_0 is given, not computed. Count the states h_1..h_100 that must be computed one after another.",
     "cells": {"quiz_rnn_steps_100": "quiz_rnn_steps_100 = 101\n"},
     "fails": ["test_quiz_rnn_steps_100"]},
    {"name": "quiz_rnn_steps_100_1", "about": "answers 1: thinks the RNN processes the tokens at once",
     "hint": "Question 1: each hidden state needs the previous one (section 1). Can more processors shorten that chain?",
     "cells": {"quiz_rnn_steps_100": "quiz_rnn_steps_100 = 1\n"},
     "fails": ["test_quiz_rnn_steps_100"]},
    {"name": "quiz_vanishing_cause_A", "about": "answers \"A\" instead of the product of Jacobians",
     "hint": "Question 2: re-read the theory hint of section 4. What is d h_T / d h_t a product of, and what happens to a product of many factors smaller than 1?",
     "cells": {"quiz_vanishing_cause": "quiz_vanishing_cause = \"A\"\n"},
     "fails": ["test_quiz_vanishing_cause"]},
    {"name": "quiz_clipping_fixes_vanishing_True", "about": "answers True: thinks clipping fixes vanishing gradients",
     "hint": "Question 3: clipping shrinks gradients that are too large. Re-read 'Fixing the symptoms' in section 4: does shrinking help a gradient that is already too small?",
     "cells": {"quiz_clipping_fixes_vanishing": "quiz_clipping_fixes_vanishing = True\n"},
     "fails": ["test_quiz_clipping_fixes_vanishing"]},
    {"name": "quiz_path_length_A", "about": "answers \"A\" instead of O(n) vs O(1)",
     "hint": "Question 4: compare the path from word 1 to word n in an RNN and in self-attention (section 5, and Table 1 in section 3). Does attention's path grow with n?",
     "cells": {"quiz_path_length": "quiz_path_length = \"A\"\n"},
     "fails": ["test_quiz_path_length"]},
    {"name": "quiz_attention_less_work_True", "about": "answers True: thinks attention always does less work",
     "hint": "Question 5: re-read Table 1 in section 3: O(n^2 d) for self-attention against O(n d^2) for a recurrent layer. Which is larger when n > d?",
     "cells": {"quiz_attention_less_work": "quiz_attention_less_work = True\n"},
     "fails": ["test_quiz_attention_less_work"]},
    # ---- the demo class's mistakes, cell for cell as lessons/demo/01_rnn_limits.py writes them
    {"name": "dependency_direct_only_and_step_zero", "about": "step 1 'needs' step 0, and each step depends only on the previous word (demo: alice)",
     "hint": "Two things to re-check in Exercise 1: step 1 has no earlier state to read (what does the prompt say to write then?), and depends_on lists every earlier word whose influence reaches h_t through the chain, not only the previous one.",
     "cells": {"dependency_table": "directly_needs = {step: step - 1 for step in range(1, 13)}\n"
                                   "depends_on = {1: [], **{step: [step - 1] for step in range(2, 13)}}\n"
                                   "passed_before_assignments = False\n"}},
    {"name": "rnn_step_W_hh_transposed", "about": "h_prev @ W_hh.T: the transposed recurrent matrix (demo: alice)",
     "hint": "Exercise 3: weights multiply on the right, h_prev @ W_hh, as in the formula of section 1. Check whether a transpose slipped in (W_hh.T, or W_hh @ h_prev).",
     "cells": {"rnn_step": "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                           "    return np.tanh(np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ np.asarray(W_hh).T + b_h)\n"}},
    {"name": "rnn_forward_h0_first", "about": "returns h0 as the first state, T + 1 states (demo: bob)",
     "hint": "Exercise 4 returns h_1..h_T: T states, and h0 is not one of them. How many states does your output hold for a sequence of T = 5?",
     "cells": {"rnn_forward": "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n"
                              "    X = np.asarray(X)\n"
                              "    h = np.asarray(h0)\n"
                              "    states = [h]\n"
                              "    for t in range(X.shape[-2]):\n"
                              "        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)\n"
                              "        states.append(h)\n"
                              "    return np.stack(states, axis=-2)\n"}},
    {"name": "grad_norms_from_first_state", "about": "measures d h_t / d h_1 for every t (forwards from the first state) instead of d h_T / d h_t (demo: bob)",
     "hint": "Exercise 5 asks for d h_T / d h_t: how the last state changes with each earlier state, not how each state changes with h_1. Which state do you differentiate, and with respect to which?",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W = torch.as_tensor(np.asarray(W_hh, dtype=float))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=float))\n"
         "    T, d = X.shape\n"
         "    h1 = torch.tanh(X[0]).detach().requires_grad_(True)\n"
         "    h, norms = h1, [float(np.sqrt(d))]\n"
         "    for t in range(1, T):\n"
         "        h = torch.tanh(X[t] + h @ W)\n"
         "        J = torch.stack([torch.autograd.grad(h[i], h1, retain_graph=True)[0] for i in range(d)])\n"
         "        norms.append(float(torch.linalg.norm(J)))\n"
         "    return np.array(norms)\n")}},
    {"name": "dependency_passed_first", "about": "believes the RNN can process 'passed' (step 10) before 'assignments' (step 9) (demo: carol)",
     "hint": "Look at the recurrence in section 1: h_10 ('passed') is computed from h_9 ('assignments'). Can a step start before the state it reads exists?",
     "cells": {"dependency_table": "directly_needs = {step: (step - 1 if step > 1 else None) for step in range(1, 13)}\n"
                                   "depends_on = {step: list(range(1, step)) for step in range(1, 13)}\n"
                                   "passed_before_assignments = True\n"}},
    {"name": "grad_norms_spectral_norm", "about": "the spectral norm (largest singular value) of each Jacobian instead of the Frobenius norm (demo: carol)",
     "hint": "Exercise 5 asks for the Frobenius norm, the square root of the sum of all squared entries, not the largest singular value. Which norm does your call compute?",
     "cells": {"hidden_grad_norms": (
         "def hidden_grad_norms(W_hh, X):\n"
         "    W = torch.as_tensor(np.asarray(W_hh, dtype=float))\n"
         "    X = torch.as_tensor(np.asarray(X, dtype=float))\n"
         "    T, d = X.shape\n"
         "\n"
         "    def last_state(E):\n"
         "        h = torch.zeros(d, dtype=torch.float64)\n"
         "        for t in range(T):\n"
         "            h = torch.tanh(X[t] + h @ W) + E[t]\n"
         "        return h\n"
         "\n"
         "    J = torch.autograd.functional.jacobian(last_state, torch.zeros(T, d, dtype=torch.float64))\n"
         "    return torch.linalg.matrix_norm(J.permute(1, 0, 2), ord=2).numpy()\n")}},
    {"name": "path_lengths_signed_and_self_hop", "about": "j - i (negative when j < i), and 1 hop from a position to itself (demo: carol)",
     "hint": "Two things to re-check in Exercise 6: a path length is the same in both directions and never negative (try (100, 1)), and a position is 0 hops from itself (try (7, 7)).",
     "cells": {"path_lengths": "def rnn_path_length(i, j):\n    return j - i\n\n\n"
                               "def attention_path_length(i, j):\n    return 1\n"}},
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
