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
     "hint": "Re-read the Raises line of Exercise 1: when num_heads does not divide d_model, the heads cannot tile d_model exactly. What should head_dim do then instead of rounding?",
     "cells": {"head_dim": "def head_dim(d_model, num_heads):\n    return d_model // num_heads\n"}},
    {"name": "head_dim_float", "about": "true division: returns the float 64.0",
     "hint": "Check the type head_dim returns in Exercise 1: a head size is a whole number of features. Which Python division gives an int?",
     "cells": {"head_dim": "def head_dim(d_model, num_heads):\n    if d_model % num_heads:\n"
                           "        raise ValueError('indivisible')\n    return d_model / num_heads\n"}},
    {"name": "head_dim_assert", "about": "an assert (AssertionError) instead of ValueError",
     "hint": "Exercise 1 asks for a ValueError when the heads cannot tile d_model. Which exception does your check raise, and could it be switched off (python -O)?",
     "cells": {"head_dim": "def head_dim(d_model, num_heads):\n"
                           "    assert d_model % num_heads == 0, 'indivisible'\n    return d_model // num_heads\n"}},
    {"name": "head_dim_ceil", "about": "rounds up and never raises",
     "hint": "In Exercise 1, what should happen when d_model is not a multiple of num_heads? Rounding the head size up or down makes the concatenated heads a different width from d_model.",
     "cells": {"head_dim": "def head_dim(d_model, num_heads):\n    return math.ceil(d_model / num_heads)\n"}},
    # ---- split_heads
    {"name": "split_plain_reshape", "about": "reshape straight to (B, H, T, d_head): mixes positions",
     "hint": "Re-read the spreadsheet example of section 3 (Exercise 2): reshaping straight to (B, H, T, d_head) has the right shape but pours one position's features into several rows. Which axis must you cut first, and what do you swap afterwards?",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.reshape(B, num_heads, T, D // num_heads)\n"}},
    {"name": "split_strided_features", "about": "reshape to (B, T, d_head, H): head h gets every H-th feature",
     "hint": "In Exercise 2, head h gets the consecutive features h*d_head ... (h+1)*d_head - 1. When you view the last axis as two axes, which of the two must come first so that each head gets one block, not every H-th feature?",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.reshape(B, T, D // num_heads, num_heads).permute(0, 3, 1, 2)\n"}},
    {"name": "split_no_transpose", "about": "forgets to move the heads before the positions: (B, T, H, d_head)",
     "hint": "Check the shape your split_heads returns in Exercise 2: the contract is (B, H, T, d_head), with the heads before the positions. Print the shape of the try-it output.",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.reshape(B, T, num_heads, D // num_heads)\n"}},
    {"name": "split_to_float64", "about": "casts to float64 (.double()): float32 inputs come back float64",
     "hint": "Exercise 2 promises the same dtype as x. Does any step of your split_heads convert the tensor (e.g. .double() or .float())?",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.double().reshape(B, T, num_heads, D // num_heads).transpose(1, 2)\n"}},
    {"name": "split_numpy", "about": "works in NumPy and returns a NumPy array",
     "hint": "Exercise 2 returns a torch tensor: this part works in PyTorch. Does your split_heads leave torch somewhere along the way?",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return np.asarray(x).reshape(B, T, num_heads, D // num_heads).transpose(0, 2, 1, 3)\n"}},
    {"name": "split_fixed_heads", "about": "ignores num_heads: always 3 heads (the visible example)",
     "hint": "Does your split_heads in Exercise 2 use its num_heads argument everywhere, or a number taken from the example? Try it with 2 and with 4 heads.",
     "cells": {"split_heads": "def split_heads(x, num_heads):\n    B, T, D = x.shape\n"
                              "    return x.reshape(B, T, 3, D // 3).transpose(1, 2)\n"}},
    # ---- merge_heads
    {"name": "merge_plain_reshape", "about": "reshape without the transpose: mixes positions",
     "hint": "Exercise 3 is the inverse of split_heads: before flattening the heads into the features, the heads axis has to move back behind the positions. What does a reshape alone do to the order of the numbers in memory?",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d_head = x.shape\n"
                              "    return x.reshape(B, T, H * d_head)\n"},
     "fails": ["test_merge_heads_values", "test_split_merge_round_trip", "test_mha_self_attention_matches_torch",
               "test_mha_cross_attention_matches_torch", "test_mha_mask_matches_torch", "test_mha_fully_masked_query"]},
    {"name": "merge_to_float32", "about": "casts the merged heads to float32 (.float())",
     "hint": "Exercise 3 promises the same dtype as its input. Does any step of your merge_heads convert the tensor?",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d_head = x.shape\n"
                              "    return x.transpose(1, 2).reshape(B, T, H * d_head).float()\n"}},
    {"name": "merge_numpy", "about": "returns a NumPy array",
     "hint": "Exercise 3 returns a torch tensor, not a NumPy array: keep the result in torch.",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d_head = x.shape\n"
                              "    return x.transpose(1, 2).reshape(B, T, H * d_head).numpy()\n"}},
    {"name": "merge_view_not_contiguous", "about": ".view after the transpose: fails on non-contiguous input",
     "hint": "Re-read the PyTorch detail of Exercise 3: after a transpose the tensor is not contiguous. Which method flattens such a tensor without an error?",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d_head = x.shape\n"
                              "    return x.transpose(1, 2).view(B, T, H * d_head)\n"}},
    {"name": "merge_feature_major", "about": "permute(0, 2, 3, 1): features interleaved across heads",
     "hint": "In Exercise 3, head h of position t must land in features h*d_head ... (h+1)*d_head - 1: the head axis comes before the within-head axis. Check the order of the axes you flatten.",
     "cells": {"merge_heads": "def merge_heads(x):\n    B, H, T, d_head = x.shape\n"
                              "    return x.permute(0, 2, 3, 1).reshape(B, T, H * d_head)\n"}},
    {"name": "merge_cat_positions", "about": "concatenates the heads along the positions axis",
     "hint": "In Exercise 3 the heads of one position are concatenated side by side in the feature axis. Along which axis does your merge_heads put them?",
     "cells": {"merge_heads": "def merge_heads(x):\n    return torch.cat([x[:, h] for h in range(x.shape[1])], dim=1)\n"}},
    # ---- multi_head_attention (MultiHeadAttention)
    {"name": "mha_scale_by_d_model", "about": "divides the scores by sqrt(d_model) instead of sqrt(d_head)",
     "hint": "Re-read the note under the table of section 4 (Exercise 4): inside each head the scores are divided by the square root of the size of the vectors whose dot products are taken. Is that d_model or d_head?",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q * math.sqrt(self.d_head / self.d_model), K, V, mask)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_no_output_projection", "about": "forgets W_o after merging the heads",
     "hint": "Check the last step of the table in section 4 (Exercise 4): after merging the heads, one more learned layer mixes them. Does your forward use every one of the four layers?",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V, mask)\n"
         "        return merge_heads(out), w\n")}},
    {"name": "mha_reshape_mixes_positions", "about": "splits the heads with a plain reshape (no transpose)",
     "hint": "Your Exercise 4 module splits or merges the heads with a plain reshape. Re-read section 3: what must happen to the axes before the shape is right AND every row belongs to one position? Your split_heads and merge_heads can do it for you.",
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
     "hint": "Re-read the masks paragraph of section 4: in this course True means may attend; only nn.MultiheadAttention uses the opposite. Does your forward pass the mask on unchanged?",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V, None if mask is None else ~mask)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_no_bias", "about": "nn.Linear(..., bias=False) for the projections",
     "hint": "Re-read the instructions of Exercise 4: the four layers are nn.Linear(d_model, d_model) with bias, like nn.MultiheadAttention. Which argument did you change?",
     "cells": {"multi_head_attention": _MHA_INIT.replace("(d_model, d_model)", "(d_model, d_model, bias=False)") + (
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V, mask)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_keys_from_query", "about": "self-attention only: keys and values projected from the query",
     "hint": "In Exercise 4, where do the keys and the values come from in cross-attention (T_q != T_k)? Check which argument each of W_q, W_k and W_v is applied to.",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(query), self.num_heads)\n"
         "        V = split_heads(self.W_v(query), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V, mask)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_softmax_no_shift", "about": "its own softmax, exp without subtracting the row maximum: overflows to nan",
     "hint": "Your Exercise 4 computes its own softmax. What happens to exp of a large score? Recall Part 2's stable softmax, or use the given attention function.",
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
     "hint": "In Exercise 4, the values come from the `value` argument. Check which input W_v is applied to.",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(key), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V, mask)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_ignores_mask", "about": "never passes the mask on",
     "hint": "Does your Exercise 4 forward pass `mask` on to the attention? Run the try-it cell with a causal mask and look at the weights above the diagonal.",
     "cells": {"multi_head_attention": _mha(
         "    def forward(self, query, key, value, mask=None):\n"
         "        Q = split_heads(self.W_q(query), self.num_heads)\n"
         "        K = split_heads(self.W_k(key), self.num_heads)\n"
         "        V = split_heads(self.W_v(value), self.num_heads)\n"
         "        out, w = scaled_dot_product_attention(Q, K, V)\n"
         "        return self.W_o(merge_heads(out)), w\n")}},
    {"name": "mha_float32_softmax", "about": "softmax(..., dtype=torch.float32): float64 modules give float32 weights and outputs",
     "hint": "Exercise 4 promises results in the inputs' dtype: a float64 module must give float64 output and weights. Does any step of your forward force float32?",
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
     "hint": "Re-read the theory hint of section 5 (Exercise 5): each nn.Linear(d_model, d_model) has a weight and a bias. Did you count both?",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n    return 4 * d_model * d_model\n"}},
    {"name": "param_count_times_heads", "about": "thinks every head has its own d_model x d_model matrices",
     "hint": "Re-read section 5 (Exercise 5): splitting into heads re-arranges the same four projections, it does not add weights. Does your count grow with num_heads?",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n"
                                  "    return num_heads * 4 * (d_model * d_model + d_model)\n"}},
    {"name": "param_count_no_output_projection", "about": "forgets W_o: three matrices",
     "hint": "How many nn.Linear layers does your MultiHeadAttention have (Exercise 5, section 5)? Count W_o too.",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n"
                                  "    return 3 * (d_model * d_model + d_model)\n"}},
    {"name": "param_count_per_head_true_division", "about": "sums per-head blocks with d_model / num_heads: a float",
     "hint": "Exercise 5 returns a Python int. Which division did you use for the head size, and what type does it give?",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n    d_head = d_model / num_heads\n"
                                  "    return num_heads * 3 * (d_model * d_head + d_head) + d_model * d_model + d_model\n"}},
    {"name": "param_count_numpy_int32", "about": "computes in NumPy int32 (np.int32 result)",
     "hint": "Exercise 5 asks for a Python int. What type does arithmetic on NumPy integers return, and how large can an int32 get?",
     "cells": {"mha_param_count": "def mha_param_count(d_model, num_heads):\n"
                                  "    d = np.int32(d_model)\n    return 4 * d * d + 4 * d\n"}},
    # ---- mha_multiply_adds
    {"name": "multiply_adds_true_division", "about": "d_head = d_model / num_heads: returns a float",
     "hint": "Exercise 6 asks for a Python int. What type does true division (/) give for the head size?",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    d_head = d_model / num_heads\n"
                                    "    return 4 * T * d_model * d_model + num_heads * 2 * T * T * d_head\n"}},
    {"name": "multiply_adds_int32_overflow", "about": "NumPy int32 arithmetic: overflows for GPT-3 sizes",
     "hint": "Exercise 6 must work for GPT-3's sizes too. How large a number can NumPy's int32 hold, and what do plain Python ints do instead?",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    T, d = np.int32(T), np.int32(d_model)\n"
                                    "    return int(4 * T * d * d + 2 * T * T * d)\n"}},
    {"name": "multiply_adds_no_output_projection", "about": "counts three projections",
     "hint": "Re-read the theory hint of section 7 (Exercise 6): four projections multiply a T x d_model matrix by a d_model x d_model one. Did you count all four?",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    d_head = d_model // num_heads\n"
                                    "    return 3 * T * d_model * d_model + num_heads * 2 * T * T * d_head\n"}},
    {"name": "multiply_adds_heads_full_width", "about": "every head works at width d_model",
     "hint": "In Exercise 6 each head works with vectors of size d_head = d_model / h, not d_model. Which size do your per-head products use?",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    return 4 * T * d_model * d_model + num_heads * 2 * T * T * d_model\n"}},
    {"name": "multiply_adds_only_scores", "about": "counts Q K^T but not weights @ V",
     "hint": "Section 7 (Exercise 6) names two products per head: Q K^T and the weighted sum of the values. Did you count both?",
     "cells": {"mha_multiply_adds": "def mha_multiply_adds(T, d_model, num_heads):\n"
                                    "    d_head = d_model // num_heads\n"
                                    "    return 4 * T * d_model * d_model + num_heads * T * T * d_head\n"}},
    # ---- concept quiz: one wrong answer loses exactly that question's point
    {"name": "quiz_why_heads_A", "about": "answers \"A\": thinks heads split the positions",
     "hint": "Question 1 of the concept quiz: does a head see only some of the positions? Re-read section 2: every head sees the whole d_model vector of every word.",
     "cells": {"quiz_why_heads": "quiz_why_heads = \"A\"\n"},
     "fails": ["test_quiz_why_heads"]},
    {"name": "quiz_why_heads_B", "about": "answers \"B\": thinks heads save parameters",
     "hint": "Question 1 of the concept quiz: compare with your Exercise 5. Do more heads change the number of parameters? Look again at section 1's one-head-blends-two-facts demo.",
     "cells": {"quiz_why_heads": "quiz_why_heads = \"B\"\n"},
     "fails": ["test_quiz_why_heads"]},
    {"name": "quiz_params_double_heads_True", "about": "answers True: thinks more heads mean more parameters",
     "hint": "Question 2 of the concept quiz: run your mha_param_count (Exercise 5) with 8 and with 16 heads. What changes?",
     "cells": {"quiz_params_double_heads": "quiz_params_double_heads = True\n"},
     "fails": ["test_quiz_params_double_heads"]},
    {"name": "quiz_split_reshape_A", "about": "answers \"A\": thinks a plain reshape splits the heads correctly",
     "hint": "Question 3 of the concept quiz: re-read the spreadsheet example of section 3 and what the keeps-positions-apart test of Exercise 2 checks.",
     "cells": {"quiz_split_reshape": "quiz_split_reshape = \"A\"\n"},
     "fails": ["test_quiz_split_reshape"]},
    {"name": "quiz_concat_size_64", "about": "answers 64: gives one head's size d_v",
     "hint": "Question 4 of the concept quiz: 64 is the size of one head. How many heads are concatenated before W^O?",
     "cells": {"quiz_concat_size": "quiz_concat_size = 64\n"},
     "fails": ["test_quiz_concat_size"]},
    {"name": "quiz_concat_size_4096", "about": "answers 4096: multiplies d_model by h",
     "hint": "Question 4 of the concept quiz: each of the 8 heads contributes d_v = 64 numbers, not d_model. What do the 8 heads add up to?",
     "cells": {"quiz_concat_size": "quiz_concat_size = 4096\n"},
     "fails": ["test_quiz_concat_size"]},
    {"name": "quiz_mha_mask_A", "about": "answers \"A\": passes the True = may attend mask unchanged",
     "hint": "Question 5 of the concept quiz: re-read the warning in section 4 about nn.MultiheadAttention's mask convention. Does True mean the same there as in your module?",
     "cells": {"quiz_mha_mask": "quiz_mha_mask = \"A\"\n"},
     "fails": ["test_quiz_mha_mask"]},
    {"name": "quiz_mha_mask_C", "about": "answers \"C\": passes a float mask (it is added to the scores)",
     "hint": "Question 5 of the concept quiz: a float mask is added to the scores, so a 1.0 does not block anything. Re-read the warning in section 4 about nn.MultiheadAttention's boolean mask.",
     "cells": {"quiz_mha_mask": "quiz_mha_mask = \"C\"\n"},
     "fails": ["test_quiz_mha_mask"]},
    # ---- the demo class's mistakes (lessons/demo), each cell exactly as the student wrote it
    {"name": "mha_own_attention_scale_by_d_model", "about": "its own attention, scores divided by sqrt(d_model) (and fully masked rows give nan)",
     "hint": "Re-read the note under the table of section 4 (Exercise 4): each head divides its scores by the square root of its own vector size. And what does your attention give a query whose mask row is all False?",
     "cells": {"multi_head_attention": (
             'class MultiHeadAttention(nn.Module):\n'
             '    def __init__(self, d_model, num_heads):\n'
             '        super().__init__()\n'
             '        self.d_model, self.num_heads = d_model, num_heads\n'
             '        self.W_q = nn.Linear(d_model, d_model)\n'
             '        self.W_k = nn.Linear(d_model, d_model)\n'
             '        self.W_v = nn.Linear(d_model, d_model)\n'
             '        self.W_o = nn.Linear(d_model, d_model)\n'
             '\n'
             '    def forward(self, query, key, value, mask=None):\n'
             '        Q = split_heads(self.W_q(query), self.num_heads)\n'
             '        K = split_heads(self.W_k(key), self.num_heads)\n'
             '        V = split_heads(self.W_v(value), self.num_heads)\n'
             '        scores = Q @ K.transpose(-2, -1) / math.sqrt(self.d_model)\n'
             '        if mask is not None:\n'
             "            scores = scores.masked_fill(~mask, float('-inf'))\n"
             '        weights = torch.softmax(scores, dim=-1)\n'
             '        return self.W_o(merge_heads(weights @ V)), weights\n'
         )}},
    {"name": "mha_mask_inverted_no_output_projection", "about": "passes ~mask as for nn.MultiheadAttention and forgets W_o",
     "hint": "Two things in Exercise 4: re-read the masks paragraph of section 4 (here True = may attend; only nn.MultiheadAttention uses True = blocked), and the last row of the table (the merged heads go through one more layer).",
     "cells": {"multi_head_attention": (
             'class MultiHeadAttention(nn.Module):\n'
             '    def __init__(self, d_model, num_heads):\n'
             '        super().__init__()\n'
             '        self.num_heads = num_heads\n'
             '        self.W_q = nn.Linear(d_model, d_model)\n'
             '        self.W_k = nn.Linear(d_model, d_model)\n'
             '        self.W_v = nn.Linear(d_model, d_model)\n'
             '        self.W_o = nn.Linear(d_model, d_model)\n'
             '\n'
             '    def forward(self, query, key, value, mask=None):\n'
             '        Q = split_heads(self.W_q(query), self.num_heads)\n'
             '        K = split_heads(self.W_k(key), self.num_heads)\n'
             '        V = split_heads(self.W_v(value), self.num_heads)\n'
             '        if mask is not None:\n'
             '            mask = ~mask  # nn.MultiheadAttention style\n'
             '        out, weights = scaled_dot_product_attention(Q, K, V, mask)\n'
             '        return merge_heads(out), weights\n'
         )}},
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
