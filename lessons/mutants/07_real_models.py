"""Mutation catalogue for 07_real_models: realistic wrong answers (must lose points) and correct alternatives (must get full marks)."""

# ---- block_for
_BF = "def block_for(config):\n"
_BERT = ("    if config.model_type == 'bert':\n"
         "        return TransformerBlock(config.hidden_size, config.num_attention_heads, config.intermediate_size,\n"
         "                                norm_first={nf}, activation={act!r}, eps={eps}, causal=False)\n")
_GPT2 = ("    if config.model_type == 'gpt2':\n"
         "        d_ff = {dff}\n"
         "        return TransformerBlock(config.n_embd, config.n_head, d_ff,\n"
         "                                norm_first=True, activation={act!r}, eps=config.layer_norm_epsilon, causal={causal})\n")
_RAISE = "    raise ValueError(config.model_type)\n"
_DFF = "config.n_inner if config.n_inner is not None else 4 * config.n_embd"


def _block_for(nf="False", bert_act="gelu", eps="config.layer_norm_eps", dff=_DFF, gpt2_act="gelu_tanh", causal="True",
               tail=_RAISE):
    return (_BF + _BERT.format(nf=nf, act=bert_act, eps=eps) + _GPT2.format(dff=dff, act=gpt2_act, causal=causal) + tail)


# ---- load_bert_layer
_LB = "def load_bert_layer(block, hf_layer):\n"
_BERT_PAIRS = {
    "W_q": "hf_layer.attention.self.query", "W_k": "hf_layer.attention.self.key", "W_v": "hf_layer.attention.self.value",
    "W_o": "hf_layer.attention.output.dense",
}


def _load_bert(q="query", k="key", norm1="attention.output.LayerNorm", norm2="output.LayerNorm", bias=True, t=""):
    lines = [_LB, "    a = block.self_attn\n"]
    pairs = [("a.W_q", f"hf_layer.attention.self.{q}"), ("a.W_k", f"hf_layer.attention.self.{k}"),
             ("a.W_v", "hf_layer.attention.self.value"), ("a.W_o", "hf_layer.attention.output.dense"),
             ("block.ffn.linear1", "hf_layer.intermediate.dense"), ("block.ffn.linear2", "hf_layer.output.dense")]
    for mine, theirs in pairs:
        tt = t if mine.startswith("a.") else ""
        lines.append(f"    copy_into({mine}.weight, {theirs}.weight{tt})\n")
        if bias:
            lines.append(f"    copy_into({mine}.bias, {theirs}.bias)\n")
    for mine, theirs in [("block.norm1", f"hf_layer.{norm1}"), ("block.norm2", f"hf_layer.{norm2}")]:
        lines.append(f"    copy_into({mine}.weight, {theirs}.weight)\n    copy_into({mine}.bias, {theirs}.bias)\n")
    return "".join(lines)


# ---- load_gpt2_block
_LG = "def load_gpt2_block(block, hf_block):\n"


def _load_gpt2(order=(0, 1, 2), t_attn=".T", t_proj=".T", ln1="ln_1", ln2="ln_2", split=None):
    d = "    d = block.self_attn.d_model\n    a = block.self_attn\n    W, b = hf_block.attn.c_attn.weight, hf_block.attn.c_attn.bias\n"
    body = split or "".join(
        f"    copy_into({m}.weight, W[:, {i} * d:({i} + 1) * d]{t_attn})\n    copy_into({m}.bias, b[{i} * d:({i} + 1) * d])\n"
        for m, i in zip(("a.W_q", "a.W_k", "a.W_v"), order))
    rest = (f"    copy_into(a.W_o.weight, hf_block.attn.c_proj.weight{t_proj})\n    copy_into(a.W_o.bias, hf_block.attn.c_proj.bias)\n"
            "    copy_into(block.ffn.linear1.weight, hf_block.mlp.c_fc.weight.T)\n    copy_into(block.ffn.linear1.bias, hf_block.mlp.c_fc.bias)\n"
            "    copy_into(block.ffn.linear2.weight, hf_block.mlp.c_proj.weight.T)\n    copy_into(block.ffn.linear2.bias, hf_block.mlp.c_proj.bias)\n"
            f"    copy_into(block.norm1.weight, hf_block.{ln1}.weight)\n    copy_into(block.norm1.bias, hf_block.{ln1}.bias)\n"
            f"    copy_into(block.norm2.weight, hf_block.{ln2}.weight)\n    copy_into(block.norm2.bias, hf_block.{ln2}.bias)\n")
    return _LG + d + body + rest


# ---- scores
_PREV = "def previous_token_scores(attentions):\n    A = torch.stack(tuple(attentions))\n"
_IND = "def induction_scores(attentions, seq_len):\n    A = torch.stack(tuple(attentions))\n"


def _induction(queries="torch.arange(seq_len + 1, 2 * seq_len + 1)", key="t - seq_len + 1"):
    return _IND + f"    t = {queries}\n    return A[..., t, {key}].mean(dim=(1, 3))\n"


# ---- ablated_loss
_AB = "def ablated_loss(model, input_ids, heads):\n"
_AB_HOOKS = ("    dh = model.config.n_embd // model.config.n_head\n    handles = []\n"
             "    for layer in sorted({{l for l, _ in heads}}):\n"
             "        keep = torch.ones(model.config.n_embd)\n"
             "        for l, h in heads:\n"
             "            if l == layer:\n"
             "                keep[{slice}] = 0.0\n"
             "        handles.append(model.transformer.h[layer].attn.c_proj.register_forward_pre_hook(\n"
             "            lambda module, args, keep=keep: (args[0] * keep,)))\n")
_AB_RUN = "    with torch.no_grad():\n        loss = float(model(input_ids, labels=input_ids).loss)\n"
_AB_REMOVE = "    for handle in handles:\n        handle.remove()\n"


def _ablated(slice_="h * dh:(h + 1) * dh", remove=True, ret="loss"):
    return _AB + _AB_HOOKS.format(slice=slice_) + _AB_RUN + (_AB_REMOVE if remove else "") + f"    return {ret}\n"


# ---- next_token
_NT = "def next_token(logits, temperature=0.0, top_k=None, generator=None):\n"


def _next_token(scale="logits / temperature", k="top_k", gen="generator=generator", greedy="logits.argmax(dim=-1)"):
    return (_NT + f"    if temperature == 0:\n        return {greedy}\n    scores = {scale}\n"
            f"    if top_k is not None:\n        kth = torch.topk(scores, {k}, dim=-1).values[:, -1:]\n"
            "        scores = scores.masked_fill(scores < kth, float('-inf'))\n"
            f"    return torch.multinomial(torch.softmax(scores, dim=-1), 1, {gen}).squeeze(-1)\n")


# ---- generate
_GEN = "def generate(step, prompt_ids, max_new_tokens, temperature=0.0, top_k=None, generator=None, use_cache=True):\n"


def _generate(first="step(prompt_ids, None)", pick="logits[:, -1]", n="max_new_tokens", cached="step(new[:, None], cache)",
              uncached="step(ids, None)", cond="use_cache"):
    return (_GEN + f"    ids = prompt_ids\n    logits, cache = {first}\n    for i in range({n}):\n"
            f"        new = next_token({pick}, temperature, top_k, generator)\n"
            "        ids = torch.cat([ids, new[:, None]], dim=1)\n"
            f"        if {cond}:\n            logits, cache = {cached}\n"
            f"        else:\n            logits, _ = {uncached}\n    return ids\n")


MUTANTS = [
    # ---- block_for
    {"name": "block_for_bert_pre_norm", "about": "makes BERT pre-norm, like GPT-2",
     "hint": "Re-read the table at the top of section 1: where does BERT put its layer norm, before or after the residual addition?",
     "cells": {"block_for": _block_for(nf="True")}},
    {"name": "block_for_gpt2_exact_gelu", "about": "gives GPT-2 the exact GELU instead of the tanh approximation ('gelu_new')",
     "hint": "Look up what GPT-2's activation_function 'gelu_new' is in the table of section 1: which of the course's ACTIVATIONS computes it?",
     "cells": {"block_for": _block_for(gpt2_act="gelu")}},
    {"name": "block_for_bert_default_eps", "about": "keeps the default epsilon 1e-5 for BERT instead of config.layer_norm_eps (1e-12)",
     "hint": "Every size and setting comes from the configuration, the layer-norm epsilon too: which field of a BertConfig holds it?",
     "cells": {"block_for": _block_for(eps="1e-5")}},
    {"name": "block_for_gpt2_not_causal", "about": "builds GPT-2's block without the causal mask",
     "hint": "GPT-2 generates text left to right: may a position attend to the positions after it? Which argument of TransformerBlock says so?",
     "cells": {"block_for": _block_for(causal="False")}},
    {"name": "block_for_gpt2_ignores_n_inner", "about": "always uses 4 * n_embd for GPT-2's feed-forward width, even when n_inner is set",
     "hint": "GPT2Config's n_inner is the feed-forward width; only when it is None does the width default to 4 * n_embd.",
     "cells": {"block_for": _block_for(dff="4 * config.n_embd")}},
    {"name": "block_for_gpt2_n_inner_none", "about": "passes n_inner as it is, so None becomes the width of the feed-forward layer",
     "hint": "What does n_inner=None mean for GPT-2? Read the exercise text again and handle that case.",
     "cells": {"block_for": _block_for(dff="config.n_inner")}},
    {"name": "block_for_no_error", "about": "builds a GPT-2 block for every configuration that is not BERT",
     "hint": "The contract asks for a ValueError when the model_type is neither 'bert' nor 'gpt2': check config.model_type explicitly.",
     "cells": {"block_for": _block_for(tail="").replace("    if config.model_type == 'gpt2':\n", "    if True:\n")}},
    # ---- load_bert_layer
    {"name": "bert_norms_swapped", "about": "loads attention.output.LayerNorm into norm2 and output.LayerNorm into norm1",
     "hint": "In a post-norm BERT layer, which layer norm follows the attention and which follows the feed-forward? Match them to norm1 and norm2.",
     "cells": {"load_bert_layer": _load_bert(norm1="output.LayerNorm", norm2="attention.output.LayerNorm")}},
    {"name": "bert_no_biases", "about": "copies the weights but not the biases of the linear layers",
     "hint": "BERT keeps a bias in every linear layer: does your loader copy .bias as well as .weight for each of them?",
     "cells": {"load_bert_layer": _load_bert(bias=False)}},
    {"name": "bert_query_key_swapped", "about": "loads the key projection into W_q and the query projection into W_k",
     "hint": "Check the mapping table of Exercise 2 line by line: which of BERT's projections is the query?",
     "cells": {"load_bert_layer": _load_bert(q="key", k="query")}},
    {"name": "bert_attention_transposed", "about": "transposes BERT's (square) attention weights, as if they were stored (in, out)",
     "hint": "BERT uses nn.Linear like your blocks: both store the weight as (out, in). Is a transpose needed here?",
     "cells": {"load_bert_layer": _load_bert(t=".T")}},
    {"name": "bert_output_projection_missing", "about": "never loads attention.output.dense into W_o (it stays random)",
     "hint": "Attention ends with an output projection: which of BERT's modules is it, and did you copy it into W_o?",
     "cells": {"load_bert_layer": _load_bert().replace("    copy_into(a.W_o.weight, hf_layer.attention.output.dense.weight)\n"
                                                       "    copy_into(a.W_o.bias, hf_layer.attention.output.dense.bias)\n", "")}},
    # ---- load_gpt2_block
    {"name": "gpt2_c_attn_not_transposed", "about": "copies the query/key/value slices of c_attn without transposing them (Conv1D is (in, out))",
     "hint": "Conv1D stores its weight as (in, out), nn.Linear as (out, in). For a square slice no error tells you: which one needs .T?",
     "cells": {"load_gpt2_block": _load_gpt2(t_attn="")}},
    {"name": "gpt2_c_proj_not_transposed", "about": "copies attn.c_proj into W_o without transposing it",
     "hint": "attn.c_proj is a Conv1D too: its (d, d) weight is stored (in, out). Check every Conv1D you copy.",
     "cells": {"load_gpt2_block": _load_gpt2(t_proj="")}},
    {"name": "gpt2_split_order_kqv", "about": "takes the key from the first third of c_attn and the query from the second",
     "hint": "GPT-2 computes q, k, v = c_attn(x).split(d, dim=2): in which order do the three blocks of columns come?",
     "cells": {"load_gpt2_block": _load_gpt2(order=(1, 0, 2))}},
    {"name": "gpt2_split_per_head", "about": "assumes c_attn's columns are grouped head by head (q, k, v of head 0, then head 1 ...)",
     "hint": "Read how GPT-2 splits c_attn's output: first into query, key and value (d columns each), and only then into heads.",
     "cells": {"load_gpt2_block": _load_gpt2(split=(
         "    H, dh = a.num_heads, d // a.num_heads\n"
         "    Wh, bh = W.reshape(d, H, 3, dh), b.reshape(H, 3, dh)\n"
         "    for i, m in enumerate((a.W_q, a.W_k, a.W_v)):\n"
         "        copy_into(m.weight, Wh[:, :, i].reshape(d, d).T)\n        copy_into(m.bias, bh[:, i].reshape(d))\n"))}},
    {"name": "gpt2_norms_swapped", "about": "loads ln_2 into norm1 and ln_1 into norm2",
     "hint": "In GPT-2's pre-norm block ln_1 comes before the attention and ln_2 before the MLP: which of your norms is which?",
     "cells": {"load_gpt2_block": _load_gpt2(ln1="ln_2", ln2="ln_1")}},
    # ---- previous_token_scores
    {"name": "prev_next_token", "about": "reads the entries [t, t+1] (the next token: always 0 in a causal model)",
     "hint": "The previous token of query t is key t - 1, just below the diagonal: which diagonal offset picks A[t, t - 1]?",
     "cells": {"previous_token_scores": _PREV + "    return A.diagonal(offset=1, dim1=-2, dim2=-1).mean(dim=(1, 3))\n"}},
    {"name": "prev_self", "about": "scores attention to the token itself (the main diagonal)",
     "hint": "Query t attends to key t - 1 for the previous token: is your entry the diagonal or the one just below it?",
     "cells": {"previous_token_scores": _PREV + "    return A.diagonal(dim1=-2, dim2=-1).mean(dim=(1, 3))\n"}},
    {"name": "prev_divides_by_T", "about": "sums over the T - 1 queries but divides by T",
     "hint": "Position 0 has no previous token, so the average runs over T - 1 queries: check what you divide by.",
     "cells": {"previous_token_scores": _PREV + "    T = A.shape[-1]\n    return A.diagonal(offset=-1, dim1=-2, dim2=-1).sum(-1).mean(1) / T\n"}},
    {"name": "prev_first_example_only", "about": "scores only the first example of the batch",
     "hint": "The score is a mean over the batch too: which axis of the stacked tensor is the batch?",
     "cells": {"previous_token_scores": _PREV + "    return A[:, 0].diagonal(offset=-1, dim1=-2, dim2=-1).mean(-1)\n"}},
    # ---- induction_scores
    {"name": "induction_duplicate_token", "about": "scores key t - n (the earlier copy of the same token) instead of t - n + 1",
     "hint": "An induction head attends to the token AFTER the earlier occurrence of the current token: re-derive the key for query t.",
     "cells": {"induction_scores": _induction(key="t - seq_len")}},
    {"name": "induction_two_after", "about": "scores key t - n + 2",
     "hint": "Count positions with the example in the docstring (seq_len = 3): which key belongs to query 4?",
     "cells": {"induction_scores": _induction(key="t - seq_len + 2")}},
    {"name": "induction_forgets_bos", "about": "forgets <bos> at position 0: takes the second copy as positions n..2n-1",
     "hint": "Position 0 is <bos>, so the first copy is at 1..n and the second at n+1..2n: which queries do you average?",
     "cells": {"induction_scores": _induction(queries="torch.arange(seq_len, 2 * seq_len)")}},
    {"name": "induction_includes_first_copy", "about": "averages over every query from position 1 on, first copy included",
     "hint": "Only the second copy can be predicted by copying: average over its n queries only.",
     "cells": {"induction_scores": _IND + "    T = A.shape[-1]\n    t = torch.arange(seq_len - 1, T)\n"
                                          "    return A[..., t, t - seq_len + 1].mean(dim=(1, 3))\n"}},
    # ---- ablated_loss
    {"name": "ablation_hooks_left", "about": "never removes its hooks: the model stays ablated after the call",
     "hint": "register_forward_pre_hook returns a handle: what must you do with it so that the model is unchanged afterwards?",
     "cells": {"ablated_loss": _ablated(remove=False)}},
    {"name": "ablation_wrong_slice", "about": "zeroes d_head entries starting at h instead of at h * d_head",
     "hint": "Head h fills the slice [h * d_head, (h + 1) * d_head) of the merged vector: check your slice's start.",
     "cells": {"ablated_loss": _ablated(slice_="h:h + dh")}},
    {"name": "ablation_whole_layer", "about": "zeroes every head of a layer that has one listed head",
     "hint": "Only the listed heads are switched off: how much of the merged vector belongs to one head?",
     "cells": {"ablated_loss": _ablated(slice_=":")}},
    {"name": "ablation_returns_change", "about": "returns the change of the loss instead of the loss",
     "hint": "The contract asks for the loss with the heads ablated; the change is computed by the caller.",
     "cells": {"ablated_loss": _ablated(ret="loss - float(model(input_ids, labels=input_ids).loss)").replace(
         "    return loss - ", "    with torch.no_grad():\n        return loss - ")}},
    # ---- next_token
    {"name": "next_token_times_temperature", "about": "multiplies the logits by the temperature",
     "hint": "A high temperature must flatten the distribution: should the logits be multiplied or divided by it?",
     "cells": {"next_token": _next_token(scale="logits * temperature")}},
    {"name": "next_token_top_k_plus_one", "about": "keeps k + 1 tokens in top-k sampling",
     "hint": "Which value is the threshold of top-k: the k-th largest logit or the one after it? Count with top_k = 2.",
     "cells": {"next_token": _next_token(k="top_k + 1")}},
    {"name": "next_token_global_rng", "about": "ignores the generator: draws from PyTorch's global random state",
     "hint": "The same seed must give the same text: is your generator passed to the function that draws?",
     "cells": {"next_token": _next_token(gen="")}},
    {"name": "next_token_divides_probabilities", "about": "divides the probabilities (after softmax) by the temperature: no effect once renormalised",
     "hint": "Where does the temperature act: on the logits before the softmax, or on the probabilities after it?",
     "cells": {"next_token": (_NT + "    if temperature == 0:\n        return logits.argmax(dim=-1)\n"
                                    "    probs = torch.softmax(logits, dim=-1) / temperature\n"
                                    "    if top_k is not None:\n        kth = torch.topk(probs, top_k, dim=-1).values[:, -1:]\n"
                                    "        probs = probs.masked_fill(probs < kth, 0.0)\n"
                                    "    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)\n")}},
    {"name": "next_token_greedy_keepdim", "about": "greedy returns shape (B, 1) instead of (B,)",
     "hint": "The contract returns one id per row, shape (B,): check the shape of your greedy result.",
     "cells": {"next_token": _next_token(greedy="logits.argmax(dim=-1, keepdim=True)")}},
    # ---- generate
    {"name": "generate_first_position", "about": "chooses the next token from the logits of the first position",
     "hint": "The next token follows the LAST position: which row of logits predicts it?",
     "cells": {"generate": _generate(pick="logits[:, 0]")}},
    {"name": "generate_one_short", "about": "generates max_new_tokens - 1 tokens",
     "hint": "Count the tokens you append: the result must be T0 + max_new_tokens long.",
     "cells": {"generate": _generate(n="max_new_tokens - 1")}},
    {"name": "generate_whole_sequence_with_cache", "about": "feeds the whole sequence again together with the cache",
     "hint": "With a cache, the earlier positions' keys and values are already stored: what is the only new input?",
     "cells": {"generate": _generate(cached="step(ids, cache)")}},
    {"name": "generate_cache_not_updated", "about": "keeps the cache of the prompt and never stores the new tokens' keys and values",
     "hint": "Each step returns a cache that includes the token you just fed: do you keep that one for the next step?",
     "cells": {"generate": _generate(cached="step(new[:, None], cache)[0], cache")}},
    # ---- concept quiz (the demo students' slips)
    {"name": "quiz_induction_key_duplicate", "about": "answers the earlier copy of the same token (position 5), the duplicate-token key",
     "hint": "Re-read Exercise 5: the induction head attends to the token AFTER the earlier occurrence of the current token.",
     "cells": {"quiz_induction_key": "quiz_induction_key = 5\n"}},
    {"name": "quiz_gpt2_norm_post", "about": "thinks GPT-2 is post-norm like BERT",
     "hint": "Look at the table at the top of section 1 again: where does GPT-2 put its layer norms?",
     "cells": {"quiz_gpt2_norm": 'quiz_gpt2_norm = "A"\n'}},
    {"name": "quiz_c_attn_columns_d_model", "about": "answers 768 columns: forgets that c_attn holds the query, key and value projections side by side",
     "hint": "Re-read the c_attn diagram of Exercise 3: how many d_model-wide projections does the fused layer produce at once?",
     "cells": {"quiz_c_attn_columns": "quiz_c_attn_columns = 768\n"}},
    {"name": "quiz_low_temperature_false", "about": "thinks sampling stays random however low the temperature",
     "hint": "Divide the logits by a temperature close to 0 and take the softmax: what happens to the largest probability?",
     "cells": {"quiz_low_temperature_is_greedy": "quiz_low_temperature_is_greedy = False\n"}},
    {"name": "quiz_cache_changes_tokens_true", "about": "thinks the KV cache changes the generated tokens",
     "hint": "Your Exercise 8 ran with and without the cache: did the tokens differ? What does the cache store that recomputation would not give?",
     "cells": {"quiz_cache_changes_tokens": "quiz_cache_changes_tokens = True\n"}},
    {"name": "generate_always_cached", "about": "ignores use_cache: always uses the cache",
     "hint": "With use_cache=False the loop must recompute: step(whole sequence, None) at every step.",
     "cells": {"generate": _generate(cond="True")}},
]

ALTERNATIVES = [
    # ---- block_for
    {"name": "block_for_kwargs_table", "about": "a table of keyword arguments per model type; `or` for n_inner",
     "cells": {"block_for": (
         "def block_for(config):\n"
         "    kind = config.model_type\n"
         "    if kind not in ('bert', 'gpt2'):\n        raise ValueError(f'unknown model type {kind}')\n"
         "    if kind == 'bert':\n"
         "        kw = dict(d_model=config.hidden_size, num_heads=config.num_attention_heads, d_ff=config.intermediate_size,\n"
         "                  norm_first=False, activation='gelu', eps=config.layer_norm_eps, causal=False)\n"
         "    else:\n"
         "        kw = dict(d_model=config.n_embd, num_heads=config.n_head, d_ff=config.n_inner or 4 * config.n_embd,\n"
         "                  norm_first=True, activation='gelu_tanh', eps=config.layer_norm_epsilon, causal=True)\n"
         "    return TransformerBlock(**kw)\n")}},
    {"name": "block_for_generic_names", "about": "GPT2Config's generic attribute names (hidden_size, num_attention_heads), a match statement",
     "cells": {"block_for": (
         "def block_for(config):\n"
         "    match config.model_type:\n"
         "        case 'bert':\n"
         "            return TransformerBlock(config.hidden_size, config.num_attention_heads, config.intermediate_size,\n"
         "                                    False, 'gelu', config.layer_norm_eps, False)\n"
         "        case 'gpt2':\n"
         "            width = 4 * config.hidden_size if config.n_inner is None else config.n_inner\n"
         "            return TransformerBlock(config.hidden_size, config.num_attention_heads, width, True, 'gelu_tanh',\n"
         "                                    config.layer_norm_epsilon, True)\n"
         "        case other:\n"
         "            raise ValueError(other)\n")}},
    # ---- load_bert_layer
    {"name": "bert_load_state_dict", "about": "builds a state dict with the block's names and calls load_state_dict",
     "cells": {"load_bert_layer": (
         "def load_bert_layer(block, hf_layer):\n"
         "    names = {'self_attn.W_q': 'attention.self.query', 'self_attn.W_k': 'attention.self.key',\n"
         "             'self_attn.W_v': 'attention.self.value', 'self_attn.W_o': 'attention.output.dense',\n"
         "             'norm1': 'attention.output.LayerNorm', 'ffn.linear1': 'intermediate.dense',\n"
         "             'ffn.linear2': 'output.dense', 'norm2': 'output.LayerNorm'}\n"
         "    theirs = hf_layer.state_dict()\n"
         "    state = {f'{mine}.{p}': theirs[f'{hf}.{p}'] for mine, hf in names.items() for p in ('weight', 'bias')}\n"
         "    block.load_state_dict(state)\n")}},
    {"name": "bert_data_assignment", "about": "assigns clones to .data, module by module",
     "cells": {"load_bert_layer": (
         "def load_bert_layer(block, hf_layer):\n"
         "    s, o = hf_layer.attention.self, hf_layer.attention.output\n"
         "    for mine, theirs in [(block.self_attn.W_q, s.query), (block.self_attn.W_k, s.key), (block.self_attn.W_v, s.value),\n"
         "                         (block.self_attn.W_o, o.dense), (block.norm1, o.LayerNorm),\n"
         "                         (block.ffn.linear1, hf_layer.intermediate.dense), (block.ffn.linear2, hf_layer.output.dense),\n"
         "                         (block.norm2, hf_layer.output.LayerNorm)]:\n"
         "        mine.weight.data = theirs.weight.detach().clone()\n"
         "        mine.bias.data = theirs.bias.detach().clone()\n")}},
    # ---- load_gpt2_block
    {"name": "gpt2_split_and_t", "about": "torch.split along the columns, .t() and no_grad copy_",
     "cells": {"load_gpt2_block": (
         "def load_gpt2_block(block, hf_block):\n"
         "    d = block.self_attn.d_model\n"
         "    a = block.self_attn\n"
         "    with torch.no_grad():\n"
         "        for m, w, b in zip((a.W_q, a.W_k, a.W_v), hf_block.attn.c_attn.weight.split(d, dim=1),\n"
         "                           hf_block.attn.c_attn.bias.split(d)):\n"
         "            m.weight.copy_(w.t())\n            m.bias.copy_(b)\n"
         "        for m, c in ((a.W_o, hf_block.attn.c_proj), (block.ffn.linear1, hf_block.mlp.c_fc),\n"
         "                     (block.ffn.linear2, hf_block.mlp.c_proj)):\n"
         "            m.weight.copy_(c.weight.t())\n            m.bias.copy_(c.bias)\n"
         "        for m, n in ((block.norm1, hf_block.ln_1), (block.norm2, hf_block.ln_2)):\n"
         "            m.weight.copy_(n.weight)\n            m.bias.copy_(n.bias)\n")}},
    {"name": "gpt2_chunk_state_dict", "about": "torch.chunk into three, a state dict and load_state_dict",
     "cells": {"load_gpt2_block": (
         "def load_gpt2_block(block, hf_block):\n"
         "    sd = hf_block.state_dict()\n"
         "    wq, wk, wv = torch.chunk(sd['attn.c_attn.weight'], 3, dim=-1)\n"
         "    bq, bk, bv = torch.chunk(sd['attn.c_attn.bias'], 3)\n"
         "    block.load_state_dict({\n"
         "        'self_attn.W_q.weight': wq.T, 'self_attn.W_q.bias': bq, 'self_attn.W_k.weight': wk.T, 'self_attn.W_k.bias': bk,\n"
         "        'self_attn.W_v.weight': wv.T, 'self_attn.W_v.bias': bv,\n"
         "        'self_attn.W_o.weight': sd['attn.c_proj.weight'].T, 'self_attn.W_o.bias': sd['attn.c_proj.bias'],\n"
         "        'ffn.linear1.weight': sd['mlp.c_fc.weight'].T, 'ffn.linear1.bias': sd['mlp.c_fc.bias'],\n"
         "        'ffn.linear2.weight': sd['mlp.c_proj.weight'].T, 'ffn.linear2.bias': sd['mlp.c_proj.bias'],\n"
         "        'norm1.weight': sd['ln_1.weight'], 'norm1.bias': sd['ln_1.bias'],\n"
         "        'norm2.weight': sd['ln_2.weight'], 'norm2.bias': sd['ln_2.bias']})\n")}},
    # ---- previous_token_scores
    {"name": "prev_loops", "about": "loops over layers and positions",
     "cells": {"previous_token_scores": (
         "def previous_token_scores(attentions):\n"
         "    rows = []\n"
         "    for A in attentions:\n"
         "        T = A.shape[-1]\n"
         "        rows.append(sum(A[:, :, t, t - 1] for t in range(1, T)).mean(0) / (T - 1))\n"
         "    return torch.stack(rows)\n")}},
    {"name": "prev_index_arange", "about": "advanced indexing with arange",
     "cells": {"previous_token_scores": (
         "def previous_token_scores(attentions):\n"
         "    A = torch.stack(list(attentions))\n"
         "    t = torch.arange(1, A.shape[-1])\n"
         "    return A[..., t, t - 1].mean(-1).mean(1)\n")}},
    # ---- induction_scores
    {"name": "induction_diagonal", "about": "a diagonal with offset 1 - n, first two entries dropped",
     "cells": {"induction_scores": (
         "def induction_scores(attentions, seq_len):\n"
         "    A = torch.stack(tuple(attentions))\n"
         "    return A.diagonal(offset=1 - seq_len, dim1=-2, dim2=-1)[..., 2:].mean(dim=(1, 3))\n")}},
    {"name": "induction_loops", "about": "loops over layers and the second copy's queries",
     "cells": {"induction_scores": (
         "def induction_scores(attentions, seq_len):\n"
         "    out = []\n"
         "    for A in attentions:\n"
         "        total = 0\n"
         "        for t in range(seq_len + 1, 2 * seq_len + 1):\n"
         "            total = total + A[:, :, t, t - seq_len + 1]\n"
         "        out.append((total / seq_len).mean(dim=0))\n"
         "    return torch.stack(out)\n")}},
    # ---- ablated_loss
    {"name": "ablation_zero_values_copy", "about": "zeroes the heads' value weights in a deep copy of the model",
     "cells": {"ablated_loss": (
         "def ablated_loss(model, input_ids, heads):\n"
         "    import copy\n"
         "    m = copy.deepcopy(model)\n"
         "    d = m.config.n_embd\n"
         "    dh = d // m.config.n_head\n"
         "    with torch.no_grad():\n"
         "        for l, h in heads:\n"
         "            c = m.transformer.h[l].attn.c_attn\n"
         "            c.weight[:, 2 * d + h * dh:2 * d + (h + 1) * dh] = 0\n"
         "            c.bias[2 * d + h * dh:2 * d + (h + 1) * dh] = 0\n"
         "        return m(input_ids, labels=input_ids).loss.item()\n")}},
    {"name": "ablation_hook_per_head", "about": "one hook per head that clones the input and zeroes its slice; try/finally",
     "cells": {"ablated_loss": (
         "def ablated_loss(model, input_ids, heads):\n"
         "    dh = model.config.n_embd // model.config.n_head\n"
         "    handles = []\n"
         "    def make(h):\n"
         "        def hook(module, args):\n"
         "            x = args[0].clone()\n"
         "            x[..., h * dh:(h + 1) * dh] = 0\n"
         "            return (x,) + tuple(args[1:])\n"
         "        return hook\n"
         "    try:\n"
         "        for l, h in heads:\n"
         "            handles.append(model.transformer.h[l].attn.c_proj.register_forward_pre_hook(make(h)))\n"
         "        with torch.inference_mode():\n"
         "            out = model(input_ids=input_ids, labels=input_ids)\n"
         "        return out.loss.item()\n"
         "    finally:\n"
         "        for hd in handles:\n"
         "            hd.remove()\n")}},
    # ---- next_token
    {"name": "next_token_sorted_top_k", "about": "top-k by sorting and scattering back; float temperature check",
     "cells": {"next_token": (
         "def next_token(logits, temperature=0.0, top_k=None, generator=None):\n"
         "    if not temperature:\n        return torch.argmax(logits, dim=1)\n"
         "    z = logits / float(temperature)\n"
         "    if top_k:\n"
         "        values, order = torch.sort(z, dim=-1, descending=True)\n"
         "        values[:, top_k:] = float('-inf')\n"
         "        z = torch.full_like(z, float('-inf')).scatter(-1, order, values)\n"
         "    p = torch.softmax(z, dim=-1)\n"
         "    return torch.multinomial(p, num_samples=1, generator=generator)[:, 0]\n")}},
    {"name": "next_token_inverse_cdf", "about": "samples by the inverse CDF with torch.rand(generator=...); top-k with topk indices",
     "cells": {"next_token": (
         "def next_token(logits, temperature=0.0, top_k=None, generator=None):\n"
         "    if temperature == 0:\n        return logits.argmax(-1)\n"
         "    z = logits.double() / temperature\n"
         "    if top_k is not None:\n"
         "        keep = torch.zeros_like(z, dtype=torch.bool).scatter(-1, torch.topk(z, top_k, dim=-1).indices, True)\n"
         "        z = z.masked_fill(~keep, float('-inf'))\n"
         "    cdf = torch.softmax(z, -1).cumsum(-1)\n"
         "    u = torch.rand(z.shape[0], 1, generator=generator, dtype=torch.float64) * cdf[:, -1:]\n"
         "    return torch.searchsorted(cdf, u).squeeze(-1).clamp(max=z.shape[-1] - 1)\n")}},
    # ---- generate
    {"name": "generate_token_list", "about": "collects the new tokens in a list and concatenates once; recomputes with a full-sequence step",
     "cells": {"generate": (
         "def generate(step, prompt_ids, max_new_tokens, temperature=0.0, top_k=None, generator=None, use_cache=True):\n"
         "    new_tokens = []\n"
         "    logits, cache = step(prompt_ids, None)\n"
         "    while len(new_tokens) < max_new_tokens:\n"
         "        tok = next_token(logits[:, -1, :], temperature=temperature, top_k=top_k, generator=generator)\n"
         "        new_tokens.append(tok)\n"
         "        if len(new_tokens) == max_new_tokens:\n            break\n"
         "        if use_cache:\n"
         "            logits, cache = step(tok.unsqueeze(1), cache)\n"
         "        else:\n"
         "            logits, _ = step(torch.cat([prompt_ids] + [t[:, None] for t in new_tokens], dim=1), None)\n"
         "    return torch.cat([prompt_ids] + [t[:, None] for t in new_tokens], dim=1)\n")}},
    {"name": "generate_one_extra_step", "about": "runs the model once more after the last token (harmless extra work)",
     "cells": {"generate": _generate()}},
    # ---- concept quiz
    {"name": "quiz_gpt2_norm_lowercase", "about": "answers in lower case", "cells": {"quiz_gpt2_norm": "quiz_gpt2_norm = 'b'\n"}},
    {"name": "quiz_c_attn_columns_expression", "about": "an expression", "cells": {"quiz_c_attn_columns": "quiz_c_attn_columns = 3 * 768\n"}},
    {"name": "quiz_induction_key_float", "about": "a float", "cells": {"quiz_induction_key": "quiz_induction_key = 6.0\n"}},
    {"name": "quiz_low_temperature_numpy_bool", "about": "a NumPy boolean",
     "cells": {"quiz_low_temperature_is_greedy": "quiz_low_temperature_is_greedy = np.bool_(True)\n"}},
]
