"""Mutation catalogue for 06_coding_challenge: realistic wrong answers (must lose points) and correct alternatives (must get full marks)."""

_TT_INIT = (
    "class TinyTransformer(nn.Module):\n"
    "    def __init__(self, vocab_size, max_len, d_model=32, num_heads=2, d_ff=64, num_layers=1):\n"
    "        super().__init__()\n        self.d_model = d_model\n"
    "        self.embed = nn.Embedding(vocab_size, d_model)\n"
    "        nn.init.normal_(self.embed.weight, std=d_model ** -0.5)\n"
    "        self.register_buffer('pe', sinusoidal_positional_encoding(max_len, d_model))\n"
    "        self.blocks = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff) for _ in range(num_layers)])\n"
    "        self.head = nn.Linear(d_model, vocab_size)\n\n"
    "    def forward(self, tokens):\n"
)
_TT_LOOP = "        for block in self.blocks:\n            x = block(x)\n        return self.head(x)\n"
_STEP = "def training_step(model, optimizer, tokens, targets):\n"
_ACC = "def heldout_accuracy(model, n_sequences=1000, seed=1234):\n"
_DOGS = "dogs_love_treats = np.array([\n    {r0},\n    {r1},\n    {r2},\n])\n"


MUTANTS = [
    # ---- self_attention
    {"name": "self_attention_not_scaled", "about": "forgets to divide by sqrt(d_k)",
     "hint": "Re-read the formula in Exercise 1: the scores Q K^T are divided by a factor before the softmax. Which factor, depending on d_k, keeps their variance at 1?",
     "cells": {"self_attention": "def self_attention(Q, K, V):\n    weights = softmax(np.dot(Q, K.T), axis=-1)\n"
                                 "    return np.dot(weights, V), weights\n"}},
    {"name": "self_attention_softmax_over_queries", "about": "softmax over axis 0: columns sum to 1",
     "hint": "Each query's weights must sum to 1 over the keys (Exercise 1). In a (n_q, n_k) score matrix, which axis runs over the keys? Check the row sums of your weights.",
     "cells": {"self_attention": "def self_attention(Q, K, V):\n"
                                 "    weights = softmax(np.dot(Q, K.T) / np.sqrt(Q.shape[1]), axis=0)\n"
                                 "    return np.dot(weights, V), weights\n"}},
    {"name": "self_attention_divided_by_d_k", "about": "divides by d_k instead of sqrt(d_k)",
     "hint": "Exercise 1 divides the scores by a factor that keeps their variance at 1. Is that d_k itself, or another function of d_k?",
     "cells": {"self_attention": "def self_attention(Q, K, V):\n"
                                 "    weights = softmax(np.dot(Q, K.T) / Q.shape[1], axis=-1)\n"
                                 "    return np.dot(weights, V), weights\n"}},
    {"name": "self_attention_weights_transposed", "about": "mixes the values with the transposed weights",
     "hint": "The output row i is a weighted average of the value rows, with query i's weights. Check the shapes in Exercise 1: should the weights multiply V as they are, or transposed?",
     "cells": {"self_attention": "def self_attention(Q, K, V):\n"
                                 "    weights = softmax(np.dot(Q, K.T) / np.sqrt(Q.shape[1]), axis=-1)\n"
                                 "    return np.dot(weights.T, V), weights\n"}},
    {"name": "self_attention_sqrt_seq_len", "about": "scales by sqrt of the sequence length (Q.shape[0])",
     "hint": "The scaling factor of Exercise 1 depends on d_k, the size of each query and key vector, not on the number of positions. Which axis of Q is d_k?",
     "cells": {"self_attention": "def self_attention(Q, K, V):\n"
                                 "    weights = softmax(np.dot(Q, K.T) / np.sqrt(Q.shape[0]), axis=-1)\n"
                                 "    return np.dot(weights, V), weights\n"}},
    {"name": "self_attention_unstable_softmax", "about": "its own softmax without subtracting the max: overflows for large scores",
     "hint": "Try your self_attention with very large scores (inputs scaled by 100): do you get nan? A stable softmax subtracts each row's maximum first; the setup cell gives you one.",
     "cells": {"self_attention": "def self_attention(Q, K, V):\n    s = np.dot(Q, K.T) / np.sqrt(Q.shape[1])\n"
                                 "    e = np.exp(s)\n    weights = e / e.sum(axis=-1, keepdims=True)\n"
                                 "    return np.dot(weights, V), weights\n"}},
    {"name": "self_attention_always_float32", "about": "casts everything to float32: float64 inputs lose their precision",
     "hint": "Call your self_attention with float64 arrays: which dtype comes out? Exercise 1 promises float64 out for float64 in; where do you convert?",
     "cells": {"self_attention": "def self_attention(Q, K, V):\n    Q, K, V = (np.asarray(a, dtype=np.float32) for a in (Q, K, V))\n"
                                 "    weights = softmax(Q @ K.T / np.sqrt(Q.shape[1])).astype(np.float32)\n"
                                 "    return weights @ V, weights\n"}},
    {"name": "self_attention_ignores_K", "about": "ignores K: compares the queries with themselves (Q Q^T)",
     "hint": "In Exercise 1 each query is compared with the keys: scores = Q K^T. Does your code use K at all?",
     "cells": {"self_attention": "def self_attention(Q, K, V):\n"
                                 "    weights = softmax(np.dot(Q, Q.T) / np.sqrt(Q.shape[1]), axis=-1)\n"
                                 "    return np.dot(weights, V), weights\n"}},
    # ---- dogs_love_treats
    {"name": "dogs_given_entry_changed", "about": "overwrites a given weight (0.5 -> 0.6)",
     "hint": "Problem 1 asks you to keep the three given entries (0.5, 0.2, 0.4 on the diagonal) and fill in the rest. Is every given entry still where it was?",
     "cells": {"dogs_love_treats": _DOGS.format(r0="[0.6, 0.2, 0.2]", r1="[0.4, 0.2, 0.4]", r2="[0.2, 0.4, 0.4]")}},
    {"name": "dogs_columns_sum_to_one", "about": "makes the columns sum to 1 instead of the rows",
     "hint": "In Problem 1 the rows are the words attending ('from'). Which must sum to 1, the rows or the columns? Print np.sum(dogs_love_treats, axis=1).",
     "cells": {"dogs_love_treats": _DOGS.format(r0="[0.5, 0.5, 0.3]", r1="[0.2, 0.2, 0.3]", r2="[0.3, 0.3, 0.4]")}},
    {"name": "dogs_nan_left", "about": "leaves one np.nan in place",
     "hint": "Problem 1 asks you to replace every np.nan by a weight. Is one still in your table?",
     "cells": {"dogs_love_treats": _DOGS.format(r0="[0.5, 0.3, 0.2]", r1="[0.4, 0.2, 0.4]", r2="[np.nan, 0.4, 0.4]")}},
    {"name": "dogs_negative_weight", "about": "a negative weight that still makes the row sum to 1",
     "hint": "Attention weights come out of a softmax (Problem 1): can any of them be negative, even if the row still sums to 1?",
     "cells": {"dogs_love_treats": _DOGS.format(r0="[0.5, 0.6, -0.1]", r1="[0.4, 0.2, 0.4]", r2="[0.2, 0.4, 0.4]")}},
    # ---- parallel_steps
    {"name": "parallel_transformer_sequential", "about": "thinks the transformer also needs 50 steps",
     "hint": "Problem 2: in a transformer layer every output depends only on the layer's inputs, which are all known. How many steps must wait for another one's result?",
     "cells": {"parallel_steps": "rnn_steps = 50\ntransformer_steps = 50\nspeedup = 1\n"}},
    {"name": "parallel_rnn_off_by_one", "about": "49 steps (the path length from word 1 to word 50)",
     "hint": "Problem 2 counts sequential steps of the RNN: one per word, each waiting for the previous hidden state. How many words does the sentence have?",
     "cells": {"parallel_steps": "rnn_steps = 49\ntransformer_steps = 1\nspeedup = 49\n"}},
    {"name": "parallel_speedup_inverted", "about": "transformer time / RNN time",
     "hint": "Problem 2 defines the speedup as RNN time / transformer time. Which number goes on top?",
     "cells": {"parallel_steps": "rnn_steps = 50\ntransformer_steps = 1\nspeedup = transformer_steps / rnn_steps\n"}},
    # ---- tiny_transformer (TinyTransformer)
    {"name": "transformer_no_positional_encoding", "about": "forgets to add the positional encoding",
     "hint": "Step 2 of Exercise 2 adds the positional encoding of positions 0..T-1. Without it, can the model tell the same digit at two positions apart?",
     "cells": {"tiny_transformer": _TT_INIT + "        x = self.embed(tokens) * math.sqrt(self.d_model)\n" + _TT_LOOP}},
    {"name": "transformer_no_embedding_scale", "about": "forgets to multiply the embeddings by sqrt(d_model)",
     "hint": "Step 1 of Exercise 2 multiplies the token embeddings by a factor before adding the positional encoding. Which factor, and why does it give them unit scale?",
     "cells": {"tiny_transformer": _TT_INIT + "        x = self.embed(tokens) + self.pe[:tokens.shape[1]]\n" + _TT_LOOP}},
    {"name": "transformer_embedding_divided", "about": "divides the embeddings by sqrt(d_model)",
     "hint": "Step 1 of Exercise 2: the embeddings start with standard deviation 1/sqrt(d_model). Do you multiply or divide by sqrt(d_model) to bring them to unit scale?",
     "cells": {"tiny_transformer": _TT_INIT + "        x = self.embed(tokens) / math.sqrt(self.d_model) + self.pe[:tokens.shape[1]]\n" + _TT_LOOP}},
    {"name": "transformer_skips_blocks", "about": "never runs the encoder blocks",
     "hint": "Step 3 of Exercise 2 runs the result through every encoder block in self.blocks. Does your forward call them?",
     "cells": {"tiny_transformer": _TT_INIT + "        x = self.embed(tokens) * math.sqrt(self.d_model) + self.pe[:tokens.shape[1]]\n"
               "        return self.head(x)\n"}},
    {"name": "transformer_pe_from_batch_axis", "about": "slices the encoding with the batch size",
     "hint": "self.pe[:T] takes the encodings of positions 0..T-1 (Exercise 2). Which axis of tokens (B, T) gives you T?",
     "cells": {"tiny_transformer": _TT_INIT + "        B = tokens.shape[0]\n"
               "        x = self.embed(tokens) * math.sqrt(self.d_model) + self.pe[:B][:, None, :]\n" + _TT_LOOP}},
    {"name": "transformer_first_block_only", "about": "runs only the first encoder block (ignores num_layers > 1)",
     "hint": "Step 3 of Exercise 2 runs every block, in order. Does your forward still work when num_layers is 2 or 3?",
     "cells": {"tiny_transformer": _TT_INIT + "        x = self.embed(tokens) * math.sqrt(self.d_model) + self.pe[:tokens.shape[1]]\n"
               "        return self.head(self.blocks[0](x))\n"}},
    {"name": "transformer_softmax_output", "about": "returns softmax probabilities instead of logits",
     "hint": "Step 4 of Exercise 2 returns logits, with no softmax: F.cross_entropy applies it itself. What does your forward return?",
     "cells": {"tiny_transformer": _TT_INIT + "        x = self.embed(tokens) * math.sqrt(self.d_model) + self.pe[:tokens.shape[1]]\n"
               "        for block in self.blocks:\n            x = block(x)\n        return torch.softmax(self.head(x), dim=-1)\n"}},
    # ---- training_step
    {"name": "step_no_zero_grad", "about": "never zeroes the gradients: they accumulate across steps",
     "hint": "Step 3 of Exercise 3: PyTorch adds new gradients to the old ones in p.grad. Does your training step clear them before loss.backward()? Run gradient_problem() (defined by the first test of Exercise 3).",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n"
               "    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n"
               "    loss.backward()\n    optimizer.step()\n    return loss.item()\n"}},
    {"name": "step_loss_after_update", "about": "returns the loss recomputed after the update",
     "hint": "Exercise 3 returns the loss before the update, the one you back-propagated. Do you compute the loss a second time after optimizer.step()?",
     "cells": {"training_step": _STEP + "    def loss_now():\n        logits = model(tokens)\n"
               "        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n"
               "    optimizer.zero_grad()\n    loss_now().backward()\n    optimizer.step()\n"
               "    with torch.no_grad():\n        return loss_now().item()\n"}},
    {"name": "step_no_optimizer_step", "about": "computes gradients but never updates the weights",
     "hint": "Step 4 of Exercise 3: loss.backward() only computes the gradients. Which call actually moves the parameters?",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n"
               "    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n"
               "    optimizer.zero_grad()\n    loss.backward()\n    return loss.item()\n"}},
    {"name": "step_sum_reduction", "about": "sums the losses over positions instead of averaging",
     "hint": "Exercise 3 asks for the mean cross-entropy over all positions. Does your loss average, or add up the positions? Check F.cross_entropy's reduction.",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n"
               "    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction='sum')\n"
               "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    return loss.item()\n"}},
    {"name": "step_no_reshape", "about": "passes (B, T, V) logits and (B, T) targets to F.cross_entropy unflattened (a shape error)",
     "hint": "Step 2 of Exercise 3: F.cross_entropy wants the classes in the second axis, (N, V) logits with (N,) targets. What shapes do you pass it?",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n"
               "    loss = F.cross_entropy(logits, targets)\n"
               "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    return loss.item()\n"}},
    {"name": "step_zero_grad_between", "about": "zero_grad between backward and step: every step uses empty gradients",
     "hint": "Look at the order of your calls in Exercise 3: if you clear the gradients between loss.backward() and optimizer.step(), what is left for the step to use?",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n"
               "    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n"
               "    loss.backward()\n    optimizer.zero_grad()\n    optimizer.step()\n    return loss.item()\n"}},
    {"name": "step_ignores_optimizer", "about": "ignores the optimizer argument: builds and steps its own SGD",
     "hint": "training_step receives the optimizer to use (Exercise 3). Does your code step that optimizer, or build one of its own?",
     "cells": {"training_step": _STEP + "    own = torch.optim.SGD(model.parameters(), lr=0.1)\n    logits = model(tokens)\n"
               "    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n"
               "    own.zero_grad()\n    loss.backward()\n    own.step()\n    return loss.item()\n"}},
    {"name": "step_returns_tensor", "about": "returns the loss tensor instead of a Python float (the contract says float)",
     "hint": "Step 5 of Exercise 3 returns the loss as a Python float. What does your training_step return, and which method turns a 0-d tensor into a float?",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n"
               "    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n"
               "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    return loss.detach()\n"}},
    {"name": "step_log_of_softmax", "about": "cross-entropy as -log(softmax) picked at the target: log(0) = -inf for confident logits",
     "hint": "Try your loss on very confident logits: do you get inf? Computing log(softmax(.)) in two steps underflows; which PyTorch function computes the cross-entropy stably (Exercise 3)?",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n    p = torch.softmax(logits, dim=-1)\n"
               "    loss = -torch.log(p.gather(-1, targets[..., None])).mean()\n"
               "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    return loss.item()\n"}},
    {"name": "step_log_of_softmax_eps", "about": "-log(softmax + 1e-9): finite, but wrong for confident logits",
     "hint": "Adding a small number inside the log hides the underflow but changes the loss for confident logits. Which PyTorch function computes the cross-entropy exactly and stably (Exercise 3)?",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n    p = torch.softmax(logits, dim=-1) + 1e-9\n"
               "    loss = -torch.log(p.gather(-1, targets[..., None])).mean()\n"
               "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    return loss.item()\n"}},
    # ---- heldout_accuracy
    {"name": "accuracy_training_seed", "about": "ignores seed: evaluates on the training stream (seed 0)",
     "hint": "Exercise 4 measures the model on sequences it has never seen, generated with the `seed` argument. Which seed does your function pass to the generator?",
     "cells": {"heldout_accuracy": _ACC + "    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(0))\n"
               "    model.eval()\n    with torch.no_grad():\n        pred = model(tokens).argmax(dim=-1)\n"
               "    return (pred == targets).float().mean().item()\n"}},
    {"name": "accuracy_whole_sequences", "about": "counts whole sequences right instead of positions",
     "hint": "Exercise 4 counts the fraction of correct positions, not of fully correct sequences. What does your mean run over?",
     "cells": {"heldout_accuracy": _ACC + "    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))\n"
               "    model.eval()\n    with torch.no_grad():\n        pred = model(tokens).argmax(dim=-1)\n"
               "    return (pred == targets).all(dim=1).float().mean().item()\n"}},
    {"name": "accuracy_against_inputs", "about": "compares the predictions with the input tokens",
     "hint": "In the reversal task the answer at position t is the input at position 23 - t (Section 3). Do you compare the predictions with the targets or with the tokens?",
     "cells": {"heldout_accuracy": _ACC + "    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))\n"
               "    model.eval()\n    with torch.no_grad():\n        pred = model(tokens).argmax(dim=-1)\n"
               "    return (pred == tokens).float().mean().item()\n"}},
    {"name": "accuracy_argmax_over_positions", "about": "argmax over dim 1 (positions) instead of the vocabulary",
     "hint": "The logits have shape (B, T, V): the most likely token is the argmax over the vocabulary axis (Exercise 4). Which axis do you take it over?",
     "cells": {"heldout_accuracy": _ACC + "    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))\n"
               "    model.eval()\n    with torch.no_grad():\n        pred = model(tokens).argmax(dim=1)\n"
               "    return (pred == targets[:, :pred.shape[1]]).float().mean().item()\n"}},
    {"name": "accuracy_returns_tensor", "about": "returns a 0-d tensor instead of a Python float",
     "hint": "Exercise 4 returns a Python float in [0, 1]. What does your function return, and which method turns a 0-d tensor into a float?",
     "cells": {"heldout_accuracy": _ACC + "    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))\n"
               "    model.eval()\n    with torch.no_grad():\n        pred = model(tokens).argmax(dim=-1)\n"
               "    return (pred == targets).float().mean()\n"}},
    {"name": "accuracy_default_seed_0", "about": "documents seed=1234 but defaults to the training seed 0",
     "hint": "Check the defaults in your heldout_accuracy signature against the docstring of Exercise 4: which seed should be used when none is given?",
     "cells": {"heldout_accuracy": "def heldout_accuracy(model, n_sequences=1000, seed=0):\n"
               "    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))\n"
               "    model.eval()\n    with torch.no_grad():\n        pred = model(tokens).argmax(dim=-1)\n"
               "    return (pred == targets).float().mean().item()\n"}},
    {"name": "accuracy_default_100_sequences", "about": "defaults to 100 sequences instead of the documented 1000",
     "hint": "Check the defaults in your heldout_accuracy signature against the docstring of Exercise 4: how many sequences by default?",
     "cells": {"heldout_accuracy": "def heldout_accuracy(model, n_sequences=100, seed=1234):\n"
               "    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))\n"
               "    model.eval()\n    with torch.no_grad():\n        pred = model(tokens).argmax(dim=-1)\n"
               "    return (pred == targets).float().mean().item()\n"}},
    # ---- concept quiz: one wrong answer loses exactly that question's point
    {"name": "quiz_memory_growth_4", "about": "answers 4: thinks the memory grows linearly",
     "hint": "The attention weights form a T x T matrix per head (Question 1). When T grows 4 times, both of its dimensions grow: by what factor does the number of entries grow?",
     "cells": {"quiz_memory_growth": "quiz_memory_growth = 4\n"},
     "fails": ["test_quiz_memory_growth"]},
    {"name": "quiz_memory_growth_8", "about": "answers 8: doubles the square",
     "hint": "The attention weights form a T x T matrix per head (Question 1): when T grows 4 times, the entries grow by 4 in each of the two dimensions. What is the product?",
     "cells": {"quiz_memory_growth": "quiz_memory_growth = 8\n"},
     "fails": ["test_quiz_memory_growth"]},
    {"name": "quiz_kv_cache_stores_A", "about": "answers \"A\": thinks the cache stores attention weights",
     "hint": "Re-read Exercise 6: which tensors of the past positions does the KV cache keep, so that each new token needs only its own projections? The name of the cache says it.",
     "cells": {"quiz_kv_cache_stores": "quiz_kv_cache_stores = \"A\"\n"},
     "fails": ["test_quiz_kv_cache_stores"]},
    {"name": "quiz_kv_cache_stores_B", "about": "answers \"B\": thinks the cache stores queries",
     "hint": "In Exercise 6 the new token's query is computed fresh at every step and never reused. What does the cache keep for the past positions instead?",
     "cells": {"quiz_kv_cache_stores": "quiz_kv_cache_stores = \"B\"\n"},
     "fails": ["test_quiz_kv_cache_stores"]},
    {"name": "quiz_flash_is_approximate_True", "about": "answers True: thinks FlashAttention approximates",
     "hint": "Section 5's table: does FlashAttention change what attention computes, or only how it moves the data through memory? Are its outputs the same as ordinary attention's?",
     "cells": {"quiz_flash_is_approximate": "quiz_flash_is_approximate = True\n"},
     "fails": ["test_quiz_flash_is_approximate"]},
    {"name": "quiz_gqa_factor_8", "about": "answers 8: gives the number of key/value heads",
     "hint": "The question asks by what factor grouped-query attention shrinks the KV cache. With 32 query heads sharing 8 key/value heads, divide the heads before by the heads after.",
     "cells": {"quiz_gqa_factor": "quiz_gqa_factor = 8\n"},
     "fails": ["test_quiz_gqa_factor"]},
    {"name": "quiz_gqa_factor_32", "about": "answers 32: gives the multi-query factor",
     "hint": "Multi-query attention keeps one key/value head; grouped-query attention keeps a few (Section 5). With 8 key/value heads for 32 query heads, by what factor does the cache shrink?",
     "cells": {"quiz_gqa_factor": "quiz_gqa_factor = 32\n"},
     "fails": ["test_quiz_gqa_factor"]},
    {"name": "quiz_generation_parallel_True", "about": "answers True: thinks generation is parallel",
     "hint": "Generation produces one token at a time, and each new token is the input of the next step (Exercise 6). Can the steps of generation run in parallel the way training positions do?",
     "cells": {"quiz_generation_parallel": "quiz_generation_parallel = True\n"},
     "fails": ["test_quiz_generation_parallel"]},
    # ---- cached_attention_step
    {"name": "kv_no_scale", "about": "forgets to divide the scores by sqrt(d_k)",
     "hint": "The cached step must give the same result as full causal attention (Exercise 6), which divides the scores by a factor depending on d_k. Does yours?",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, k, v = x_t @ W_q, x_t @ W_k, x_t @ W_v\n    if cache is None:\n        cache = {\"K\": k[:, None], \"V\": v[:, None]}\n    else:\n        cache = {\"K\": torch.cat([cache[\"K\"], k[:, None]], dim=1), \"V\": torch.cat([cache[\"V\"], v[:, None]], dim=1)}\n    weights = torch.softmax(q[:, None] @ cache[\"K\"].transpose(1, 2), dim=-1)\n    return (weights @ cache[\"V\"])[:, 0], cache\n"},
     "fails": ["test_kv_cache_matches_recomputation"]},
    {"name": "kv_softmax_over_query_axis", "about": "softmax over the query axis (dim=1 of (B, 1, t+1)): every weight becomes 1",
     "hint": "In the cached step the scores have shape (B, 1, t + 1): one query, t + 1 keys. Over which axis must the softmax run so that the new token's weights sum to 1 over the keys (Exercise 6)?",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, k, v = (x_t @ W_q)[:, None], (x_t @ W_k)[:, None], (x_t @ W_v)[:, None]\n    K = k if cache is None else torch.cat([cache[\"K\"], k], dim=1)\n    V = v if cache is None else torch.cat([cache[\"V\"], v], dim=1)\n    weights = torch.softmax(q @ K.transpose(1, 2) / math.sqrt(q.shape[-1]), dim=1)\n    return (weights @ V).squeeze(1), {\"K\": K, \"V\": V}\n"},
     "fails": ["test_kv_cache_matches_recomputation"]},
    {"name": "kv_attends_to_past_only", "about": "attends over the cached keys before appending the new token's key (the token never sees itself)",
     "hint": "Position t attends to positions 0..t, itself included (Exercise 6). Do you append the new key and value to the cache before computing the attention?",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, k, v = (x_t @ W_q)[:, None], (x_t @ W_k)[:, None], (x_t @ W_v)[:, None]\n    if cache is None:\n        return v[:, 0], {\"K\": k, \"V\": v}\n    weights = torch.softmax(q @ cache[\"K\"].transpose(1, 2) / math.sqrt(q.shape[-1]), dim=-1)\n    out = (weights @ cache[\"V\"]).squeeze(1)\n    return out, {\"K\": torch.cat([cache[\"K\"], k], dim=1), \"V\": torch.cat([cache[\"V\"], v], dim=1)}\n"},
     "fails": ["test_kv_cache_matches_recomputation"]},
    {"name": "kv_overwrites_cache", "about": "keeps only the newest key and value (overwrites the cache instead of appending)",
     "hint": "The cache must grow by one key and one value per step (Exercise 6). After three steps, how many keys does your cache hold?",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, k, v = (x_t @ W_q)[:, None], (x_t @ W_k)[:, None], (x_t @ W_v)[:, None]\n    weights = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(q.shape[-1]), dim=-1)\n    return (weights @ v).squeeze(1), {\"K\": k, \"V\": v}\n"},
     "fails": ["test_kv_cache_shapes", "test_kv_cache_keeps_the_past", "test_kv_cache_matches_recomputation"]},
    {"name": "kv_caches_queries", "about": "stores the query in the key cache",
     "hint": "The KV cache keeps keys and values, each made with its own matrix (Exercise 6). Which projection do you store under 'K'?",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, v = (x_t @ W_q)[:, None], (x_t @ W_v)[:, None]\n    K = q if cache is None else torch.cat([cache[\"K\"], q], dim=1)\n    V = v if cache is None else torch.cat([cache[\"V\"], v], dim=1)\n    weights = torch.softmax(q @ K.transpose(1, 2) / math.sqrt(q.shape[-1]), dim=-1)\n    return (weights @ V).squeeze(1), {\"K\": K, \"V\": V}\n"},
     "fails": ["test_kv_cache_keeps_the_past", "test_kv_cache_matches_recomputation"]},
    {"name": "kv_keys_from_W_q", "about": "ignores W_k: computes the keys with W_q",
     "hint": "Keys and queries come from different matrices (Exercise 6): which matrix makes the new token's key?",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, k, v = (x_t @ W_q)[:, None], (x_t @ W_q)[:, None], (x_t @ W_v)[:, None]\n    K = k if cache is None else torch.cat([cache[\"K\"], k], dim=1)\n    V = v if cache is None else torch.cat([cache[\"V\"], v], dim=1)\n    weights = torch.softmax(q @ K.transpose(1, 2) / math.sqrt(q.shape[-1]), dim=-1)\n    return (weights @ V).squeeze(1), {\"K\": K, \"V\": V}\n"},
     "fails": ["test_kv_cache_keeps_the_past", "test_kv_cache_matches_recomputation"]},
    {"name": "kv_prepends", "about": "puts the new key and value at the front of the cache",
     "hint": "The cache keeps the past positions in order, 0..t (Exercise 6). Where in the cache does the newest key go, at the front or at the end?",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, k, v = (x_t @ W_q)[:, None], (x_t @ W_k)[:, None], (x_t @ W_v)[:, None]\n    K = k if cache is None else torch.cat([k, cache[\"K\"]], dim=1)\n    V = v if cache is None else torch.cat([v, cache[\"V\"]], dim=1)\n    weights = torch.softmax(q @ K.transpose(1, 2) / math.sqrt(q.shape[-1]), dim=-1)\n    return (weights @ V).squeeze(1), {\"K\": K, \"V\": V}\n"},
     "fails": ["test_kv_cache_keeps_the_past"]},
    {"name": "kv_keeps_query_axis", "about": "returns out of shape (B, 1, d_v): forgets to squeeze the query axis",
     "hint": "Exercise 6's docstring gives the shape of out: (B, d_v). With a single query, which axis is left over and must go?",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, k, v = (x_t @ W_q)[:, None], (x_t @ W_k)[:, None], (x_t @ W_v)[:, None]\n    K = k if cache is None else torch.cat([cache[\"K\"], k], dim=1)\n    V = v if cache is None else torch.cat([cache[\"V\"], v], dim=1)\n    weights = torch.softmax(q @ K.transpose(1, 2) / math.sqrt(q.shape[-1]), dim=-1)\n    return weights @ V, {\"K\": K, \"V\": V}\n"},
     "fails": ["test_kv_cache_shapes"]},
    {"name": "kv_unstable_softmax", "about": "writes softmax as exp / sum without subtracting the max: overflows on large scores",
     "hint": "Try your cached step with large inputs: do you get nan or inf? A stable softmax subtracts the maximum score first (or use torch.softmax) (Exercise 6).",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, k, v = (x_t @ W_q)[:, None], (x_t @ W_k)[:, None], (x_t @ W_v)[:, None]\n    K = k if cache is None else torch.cat([cache[\"K\"], k], dim=1)\n    V = v if cache is None else torch.cat([cache[\"V\"], v], dim=1)\n    e = torch.exp(q @ K.transpose(1, 2) / math.sqrt(q.shape[-1]))\n    return (e / e.sum(-1, keepdim=True) @ V).squeeze(1), {\"K\": K, \"V\": V}\n"},
     "fails": ["test_kv_cache_first_step", "test_kv_cache_matches_recomputation"]},
    # ---- the demo class's mistakes, each cell exactly as the demo student wrote it (lessons/demo)
    {"name": "self_attention_softmax_axis_0_dot", "about": "softmax over axis 0 (np.dot form): columns sum to 1",
     "hint": "Each query's weights must sum to 1 over the keys (Exercise 1). In a (n_q, n_k) score matrix, which axis runs over the keys? Check the row sums of your weights.",
     "cells": {"self_attention": 'def self_attention(Q, K, V):\n    d_k = Q.shape[1]\n    scores = np.dot(Q, K.T) / np.sqrt(d_k)\n    weights = softmax(scores, axis=0)\n    return np.dot(weights, V), weights\n'}},
    {"name": "transformer_forgets_pe_demo", "about": "forgets to add the positional encoding (the constructor's docstring kept)",
     "hint": "Step 2 of Exercise 2 adds the positional encoding of positions 0..T-1. Without it, can the model tell the same digit at two positions apart?",
     "cells": {"tiny_transformer": 'class TinyTransformer(nn.Module):\n    """Encoder-only transformer that labels every position: tokens (B, T) -> logits (B, T, vocab_size)."""\n\n    def __init__(self, vocab_size, max_len, d_model=32, num_heads=2, d_ff=64, num_layers=1):\n        super().__init__()\n        self.d_model = d_model\n        self.embed = nn.Embedding(vocab_size, d_model)\n        nn.init.normal_(self.embed.weight, std=d_model ** -0.5)\n        self.register_buffer("pe", sinusoidal_positional_encoding(max_len, d_model))  # (max_len, d_model)\n        self.blocks = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff) for _ in range(num_layers)])\n        self.head = nn.Linear(d_model, vocab_size)\n\n    def forward(self, tokens):\n        x = self.embed(tokens) * math.sqrt(self.d_model)   # forgot: + self.pe[:T]\n        for block in self.blocks:\n            x = block(x)\n        return self.head(x)\n'}},
    {"name": "parallel_speedup_difference", "about": "the speedup as a difference (50 - 1 = 49), not a ratio",
     "hint": "Problem 2 defines the speedup as RNN time / transformer time. Is your speedup a ratio or a difference?",
     "cells": {"parallel_steps": 'rnn_steps = 50\ntransformer_steps = 1\nspeedup = rnn_steps - transformer_steps\n'}},
    {"name": "dogs_row_sums_to_1_1", "about": "a row whose weights sum to 1.1",
     "hint": "Add up each row of your table (Problem 1): does every row sum to exactly 1? Print np.sum(dogs_love_treats, axis=1).",
     "cells": {"dogs_love_treats": 'dogs_love_treats = np.array([\n    [0.5, 0.3, 0.3],\n    [0.4, 0.2, 0.4],\n    [0.2, 0.4, 0.4],\n])\n'}},
    {"name": "self_attention_not_scaled_default_axis", "about": "forgets to divide by sqrt(d_k) (softmax with its default axis)",
     "hint": "Re-read the formula in Exercise 1: the scores Q K^T are divided by a factor before the softmax. Which factor, depending on d_k, keeps their variance at 1?",
     "cells": {"self_attention": 'def self_attention(Q, K, V):\n    weights = softmax(np.dot(Q, K.T))\n    return np.dot(weights, V), weights\n'}},
    {"name": "accuracy_against_inputs_no_eval", "about": "compares the predictions with the input tokens (and never calls model.eval())",
     "hint": "In the reversal task the answer at position t is the input at position 23 - t (Section 3). Do you compare the predictions with the targets or with the tokens?",
     "cells": {"heldout_accuracy": 'def heldout_accuracy(model, n_sequences=1000, seed=1234):\n    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))\n    with torch.no_grad():\n        predictions = model(tokens).argmax(dim=-1)\n    return (predictions == tokens).float().mean().item()\n'}},
]

ALTERNATIVES = [
    # ---- self_attention
    {"name": "self_attention_einsum", "about": "einsum and a hand-written stable softmax",
     "cells": {"self_attention": "def self_attention(Q, K, V):\n    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))\n"
                                 "    s = np.einsum('qd,kd->qk', Q, K) / np.sqrt(Q.shape[-1])\n"
                                 "    e = np.exp(s - s.max(axis=1, keepdims=True))\n    w = e / e.sum(axis=1, keepdims=True)\n"
                                 "    return np.einsum('qk,kv->qv', w, V), w\n"}},
    {"name": "self_attention_loops_input_dtype", "about": "row by row, in the inputs' dtype (float32 inputs stay float32)",
     "cells": {"self_attention": "def self_attention(Q, K, V):\n    dt = np.result_type(Q, K, V, np.float32)\n"
                                 "    Q, K, V = (np.asarray(a, dtype=dt) for a in (Q, K, V))\n"
                                 "    rows = [softmax(K @ q / np.sqrt(dt.type(Q.shape[1]))) for q in Q]\n"
                                 "    weights = np.stack(rows).astype(dt)\n"
                                 "    return np.stack([w @ V for w in weights]), weights\n"}},
    # ---- dogs_love_treats
    {"name": "dogs_other_weights", "about": "different but valid weights",
     "cells": {"dogs_love_treats": _DOGS.format(r0="[0.5, 0.25, 0.25]", r1="[0.3, 0.2, 0.5]", r2="[0.1, 0.5, 0.4]")}},
    {"name": "dogs_filled_in_place", "about": "fills the np.nan entries of the given array so rows sum to 1",
     "cells": {"dogs_love_treats": "dogs_love_treats = np.array([\n    [0.5, np.nan, np.nan],\n"
                                   "    [np.nan, 0.2, np.nan],\n    [np.nan, np.nan, 0.4],\n])\n"
                                   "_gap = np.isnan(dogs_love_treats)\n"
                                   "_left = 1 - np.nansum(dogs_love_treats, axis=1, keepdims=True)\n"
                                   "dogs_love_treats = np.where(_gap, _left / _gap.sum(axis=1, keepdims=True), dogs_love_treats)\n"}},
    # ---- parallel_steps
    {"name": "parallel_floats", "about": "floats",
     "cells": {"parallel_steps": "rnn_steps = 50.0\ntransformer_steps = 1.0\nspeedup = 50.0\n"}},
    {"name": "parallel_from_sentence", "about": "counted from a 50-word list",
     "cells": {"parallel_steps": "_words = ['w'] * 50\nrnn_steps = len(_words)\ntransformer_steps = 1\n"
                                 "speedup = rnn_steps // transformer_steps\n"}},
    # ---- tiny_transformer
    {"name": "transformer_scale_then_add", "about": "the scaling written as a separate step, positions via arange",
     "cells": {"tiny_transformer": _TT_INIT + "        B, T = tokens.shape\n        x = self.embed(tokens)\n"
               "        x = x * self.d_model ** 0.5\n        x = x + self.pe[torch.arange(T)].unsqueeze(0)\n" + _TT_LOOP}},
    {"name": "transformer_sequential_blocks", "about": "nn.Sequential-style loop with enumerate",
     "cells": {"tiny_transformer": _TT_INIT + "        h = self.embed(tokens) * math.sqrt(self.d_model)\n"
               "        h = h + self.pe[: tokens.size(1)]\n        for _, block in enumerate(self.blocks):\n"
               "            h = block(h)\n        logits = self.head(h)\n        return logits\n"}},
    # ---- training_step
    {"name": "step_flatten_zero_grad_none", "about": "flatten(0, 1) and zero_grad(set_to_none=True) before the forward pass",
     "cells": {"training_step": _STEP + "    optimizer.zero_grad(set_to_none=True)\n    logits = model(tokens)\n"
               "    loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten())\n"
               "    loss.backward()\n    optimizer.step()\n    return float(loss.detach())\n"}},
    {"name": "step_transposed_logits", "about": "cross_entropy on (B, V, T) logits (the class axis second)",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n"
               "    loss = F.cross_entropy(logits.transpose(1, 2), targets)\n"
               "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    return loss.item()\n"}},
    {"name": "step_zero_grad_at_end", "about": "backward, step, then zero_grad (the gradients are cleared for the next call)",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n"
               "    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n"
               "    loss.backward()\n    optimizer.step()\n    optimizer.zero_grad()\n    return loss.item()\n"}},
    {"name": "step_model_zero_grad", "about": "model.zero_grad() instead of optimizer.zero_grad(), loss via nll_loss(log_softmax)",
     "cells": {"training_step": _STEP + "    model.zero_grad()\n    logits = model(tokens)\n"
               "    loss = F.nll_loss(F.log_softmax(logits, dim=-1).flatten(0, 1), targets.flatten())\n"
               "    loss.backward()\n    optimizer.step()\n    return loss.item()\n"}},
    {"name": "step_manual_logsumexp", "about": "cross-entropy by hand, stably: logsumexp minus the target's logit; float(loss)",
     "cells": {"training_step": _STEP + "    logits = model(tokens)\n"
               "    picked = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)\n"
               "    loss = (torch.logsumexp(logits, dim=-1) - picked).mean()\n"
               "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    return float(loss)\n"}},
    # ---- heldout_accuracy
    {"name": "accuracy_in_batches", "about": "evaluates in batches of 100 and counts",
     "cells": {"heldout_accuracy": _ACC + "    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))\n"
               "    model.eval()\n    right = 0\n    with torch.no_grad():\n"
               "        for i in range(0, n_sequences, 100):\n"
               "            right += (model(tokens[i:i + 100]).argmax(-1) == targets[i:i + 100]).sum().item()\n"
               "    return right / targets.numel()\n"}},
    {"name": "accuracy_numpy", "about": "predictions compared in NumPy",
     "cells": {"heldout_accuracy": _ACC + "    gen = torch.Generator().manual_seed(seed)\n"
               "    tokens, targets = make_reversal_batch(n_sequences, gen)\n    model.eval()\n"
               "    with torch.inference_mode():\n        logits = model(tokens)\n"
               "    return float(np.mean(logits.argmax(dim=2).numpy() == targets.numpy()))\n"}},
    {"name": "accuracy_float_of_tensor", "about": "float() of the mean, with model.eval() and no_grad",
     "cells": {"heldout_accuracy": _ACC + "    g = torch.Generator()\n    g.manual_seed(seed)\n"
               "    tokens, targets = make_reversal_batch(n_sequences, g)\n    model.eval()\n    with torch.no_grad():\n"
               "        correct = model(tokens).argmax(-1).eq(targets)\n    return float(correct.sum()) / correct.numel()\n"}},
    # ---- concept quiz
    {"name": "quiz_kv_cache_stores_lowercase", "about": "answers in lower case",
     "cells": {"quiz_kv_cache_stores": "quiz_kv_cache_stores = \"c\"\n"}},
    {"name": "quiz_kv_cache_stores_spaces", "about": "a letter with spaces around it",
     "cells": {"quiz_kv_cache_stores": "quiz_kv_cache_stores = \" C \"\n"}},
    {"name": "quiz_memory_growth_float", "about": "writes the number as a float",
     "cells": {"quiz_memory_growth": "quiz_memory_growth = 16.0\n"}},
    {"name": "quiz_flash_is_approximate_numpy_bool", "about": "a NumPy boolean",
     "cells": {"quiz_flash_is_approximate": "quiz_flash_is_approximate = np.bool_(False)\n"}},
    # ---- cached_attention_step
    {"name": "kv_einsum", "about": "einsum, and a cache dict updated in place",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q = torch.einsum(\"bd,dk->bk\", x_t, W_q)\n    k = torch.einsum(\"bd,dk->bk\", x_t, W_k)\n    v = torch.einsum(\"bd,dv->bv\", x_t, W_v)\n    if cache is None:\n        cache = {\"K\": k[:, None, :], \"V\": v[:, None, :]}\n    else:\n        cache[\"K\"] = torch.cat([cache[\"K\"], k[:, None, :]], dim=1)\n        cache[\"V\"] = torch.cat([cache[\"V\"], v[:, None, :]], dim=1)\n    scores = torch.einsum(\"bk,btk->bt\", q, cache[\"K\"]) / q.shape[-1] ** 0.5\n    weights = torch.softmax(scores, dim=-1)\n    return torch.einsum(\"bt,btv->bv\", weights, cache[\"V\"]), cache\n"}},
    {"name": "kv_fused_sdpa", "about": "PyTorch's own F.scaled_dot_product_attention on the one query (no mask needed)",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, k, v = (x_t @ W_q).unsqueeze(1), (x_t @ W_k).unsqueeze(1), (x_t @ W_v).unsqueeze(1)\n    if cache:\n        k = torch.cat((cache[\"K\"], k), 1)\n        v = torch.cat((cache[\"V\"], v), 1)\n    return F.scaled_dot_product_attention(q, k, v)[:, 0], {\"K\": k, \"V\": v}\n"}},
    {"name": "kv_manual_stable_softmax", "about": "its own stable softmax (subtracts the max), no torch.softmax",
     "cells": {"cached_attention_step": "def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n    q, k, v = x_t @ W_q, x_t @ W_k, x_t @ W_v\n    K = k[:, None] if cache is None else torch.cat([cache[\"K\"], k[:, None]], dim=1)\n    V = v[:, None] if cache is None else torch.cat([cache[\"V\"], v[:, None]], dim=1)\n    s = (K * q[:, None]).sum(-1) / math.sqrt(q.shape[-1])\n    e = torch.exp(s - s.max(dim=-1, keepdim=True).values)\n    w = e / e.sum(dim=-1, keepdim=True)\n    return (w[..., None] * V).sum(1), {\"K\": K, \"V\": V}\n"}},
]
