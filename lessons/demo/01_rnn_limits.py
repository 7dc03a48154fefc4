"""Demo class for 01_rnn_limits: typical mistakes (see lessons/README.md)."""

MISTAKES = {
    "alice": {
        "about": "transposes the recurrent matrix (h_prev @ W_hh.T); lists only the direct dependency; "
                 "counts states instead of steps in the RNN path length",
        "cells": {
            "dependency_table": (
                "directly_needs = {step: step - 1 for step in range(1, 13)}\n"
                "depends_on = {1: [], **{step: [step - 1] for step in range(2, 13)}}\n"
                "passed_before_assignments = False\n"
            ),
            "rnn_step": (
                "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                "    return np.tanh(np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ np.asarray(W_hh).T + b_h)\n"
            ),
            "path_lengths": (
                "def rnn_path_length(i, j):\n"
                "    return abs(j - i) + 1\n"
                "\n"
                "\n"
                "def attention_path_length(i, j):\n"
                "    return 0 if i == j else 1\n"
            ),
        },
        "fails": ["test_dependency_table_direct", "test_dependency_table_all",
                  "test_rnn_step_recurrent_orientation", "test_rnn_step_matches_torch",
                  "test_rnn_path_length_word1_to_word100", "test_rnn_path_length_symmetric_and_zero"],
    },
    "bob": {
        "about": "returns h0 as the first state (T + 1 states); measures d h_t / d h_1 (wrong direction); "
                 "thinks an RNN can use all 12 GPUs",
        "cells": {
            "gpus": "gpus_rnn = 12\ngpus_attention = 12\n",
            "rnn_forward": (
                "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n"
                "    X = np.asarray(X)\n"
                "    h = np.asarray(h0)\n"
                "    states = [h]\n"
                "    for t in range(X.shape[-2]):\n"
                "        h = rnn_step(X[..., t, :], h, W_xh, W_hh, b_h)\n"
                "        states.append(h)\n"
                "    return np.stack(states, axis=-2)\n"
            ),
            "hidden_grad_norms": (
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
                "    return np.array(norms)\n"
            ),
        },
        "fails": ["test_gpus_rnn", "test_rnn_forward_shape", "test_rnn_forward_first_state",
                  "test_rnn_forward_matches_torch",
                  "test_grad_norms_shape_and_last", "test_grad_norms_linear_regime",
                  "test_grad_norms_match_reference"],
    },
    "carol": {
        "about": "forgets the bias in rnn_step; uses the spectral norm; thinks 'passed' can go first; "
                 "path length j - i (not symmetric) and 1 hop from a word to itself",
        "cells": {
            "dependency_table": (
                "directly_needs = {step: (step - 1 if step > 1 else None) for step in range(1, 13)}\n"
                "depends_on = {step: list(range(1, step)) for step in range(1, 13)}\n"
                "passed_before_assignments = True\n"
            ),
            "rnn_step": (
                "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n"
                "    return np.tanh(np.asarray(x_t) @ W_xh + np.asarray(h_prev) @ W_hh)\n"
            ),
            "hidden_grad_norms": (
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
                "    return torch.linalg.matrix_norm(J.permute(1, 0, 2), ord=2).numpy()\n"
            ),
            "path_lengths": (
                "def rnn_path_length(i, j):\n"
                "    return j - i\n"
                "\n"
                "\n"
                "def attention_path_length(i, j):\n"
                "    return 1\n"
            ),
        },
        "fails": ["test_passed_before_assignments",
                  "test_rnn_step_bias_and_tanh", "test_rnn_step_matches_torch",
                  "test_grad_norms_shape_and_last", "test_grad_norms_linear_regime",
                  "test_grad_norms_match_reference",
                  "test_rnn_path_length_symmetric_and_zero", "test_attention_path_length_same_position"],
    },
}


# Concept quiz: each student gets one question wrong (grade_id, what they wrote, why).
_QUIZ_SLIPS = {
    'alice': ('quiz_rnn_steps_100', 'quiz_rnn_steps_100 = 99\n',
              'counts the path length (99) instead of the sequential steps (100)'),
    'bob': ('quiz_clipping_fixes_vanishing', 'quiz_clipping_fixes_vanishing = True\n',
              'believes clipping fixes vanishing gradients'),
    'carol': ('quiz_attention_less_work', 'quiz_attention_less_work = True\n',
              'believes attention always does less work than an RNN'),
}
for _name, (_gid, _source, _about) in _QUIZ_SLIPS.items():
    MISTAKES[_name]["cells"][_gid] = _source
    MISTAKES[_name]["fails"].append("test_" + _gid)
    MISTAKES[_name]["about"] += "; quiz: " + _about
