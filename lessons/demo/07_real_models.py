"""Demo class for 07_real_models: typical mistakes (see lessons/README.md); every cell is a catalogued mutant."""

FAILS_ALICE = ["test_gpt2_attention_loaded", "test_gpt2_block_matches_transformers",
               "test_induction_scores_perfect_head", "test_induction_scores_average", "test_model_has_both_kinds_of_head",
               "test_next_token_samples_softmax_over_temperature", "test_quiz_induction_key"]
FAILS_BOB = ["test_block_for_gpt2", "test_gpt2_norms_and_mlp_loaded", "test_gpt2_block_matches_transformers",
             "test_previous_token_scores_small", "test_previous_token_scores_average", "test_generate_shape_and_prompt", "test_generate_uses_the_cache", "test_generate_matches_transformers",
             "test_quiz_gpt2_norm"]
FAILS_CAROL = ["test_bert_norms_and_ffn_loaded", "test_bert_layer_matches_transformers",
               "test_ablated_loss_leaves_model_unchanged", "test_generate_uses_the_cache", "test_quiz_cache_changes_tokens"]

MISTAKES = {
    'alice': {
        "about": 'copies the query/key/value slices of c_attn without transposing them (Conv1D is (in, out)); scores key t - n (the earlier copy of the same token) instead of t - n + 1; multiplies the logits by the temperature; quiz: answers the earlier copy of the token (duplicate-token key)',
        "cells": {
            'load_gpt2_block': 'def load_gpt2_block(block, hf_block):\n    d = block.self_attn.d_model\n    a = block.self_attn\n    W, b = hf_block.attn.c_attn.weight, hf_block.attn.c_attn.bias\n    copy_into(a.W_q.weight, W[:, 0 * d:(0 + 1) * d])\n    copy_into(a.W_q.bias, b[0 * d:(0 + 1) * d])\n    copy_into(a.W_k.weight, W[:, 1 * d:(1 + 1) * d])\n    copy_into(a.W_k.bias, b[1 * d:(1 + 1) * d])\n    copy_into(a.W_v.weight, W[:, 2 * d:(2 + 1) * d])\n    copy_into(a.W_v.bias, b[2 * d:(2 + 1) * d])\n    copy_into(a.W_o.weight, hf_block.attn.c_proj.weight.T)\n    copy_into(a.W_o.bias, hf_block.attn.c_proj.bias)\n    copy_into(block.ffn.linear1.weight, hf_block.mlp.c_fc.weight.T)\n    copy_into(block.ffn.linear1.bias, hf_block.mlp.c_fc.bias)\n    copy_into(block.ffn.linear2.weight, hf_block.mlp.c_proj.weight.T)\n    copy_into(block.ffn.linear2.bias, hf_block.mlp.c_proj.bias)\n    copy_into(block.norm1.weight, hf_block.ln_1.weight)\n    copy_into(block.norm1.bias, hf_block.ln_1.bias)\n    copy_into(block.norm2.weight, hf_block.ln_2.weight)\n    copy_into(block.norm2.bias, hf_block.ln_2.bias)\n',  # mutant gpt2_c_attn_not_transposed
            'induction_scores': 'def induction_scores(attentions, seq_len):\n    A = torch.stack(tuple(attentions))\n    t = torch.arange(seq_len + 1, 2 * seq_len + 1)\n    return A[..., t, t - seq_len].mean(dim=(1, 3))\n',  # mutant induction_duplicate_token
            'next_token': "def next_token(logits, temperature=0.0, top_k=None, generator=None):\n    if temperature == 0:\n        return logits.argmax(dim=-1)\n    scores = logits * temperature\n    if top_k is not None:\n        kth = torch.topk(scores, top_k, dim=-1).values[:, -1:]\n        scores = scores.masked_fill(scores < kth, float('-inf'))\n    return torch.multinomial(torch.softmax(scores, dim=-1), 1, generator=generator).squeeze(-1)\n",  # mutant next_token_times_temperature
            'quiz_induction_key': 'quiz_induction_key = 5\n',
        },
        "fails": FAILS_ALICE,
    },
    'bob': {
        "about": "gives GPT-2 the exact GELU instead of the tanh approximation ('gelu_new'); sums over the T - 1 queries but divides by T; chooses the next token from the logits of the first position; quiz: thinks GPT-2 is post-norm like BERT",
        "cells": {
            'block_for': "def block_for(config):\n    if config.model_type == 'bert':\n        return TransformerBlock(config.hidden_size, config.num_attention_heads, config.intermediate_size,\n                                norm_first=False, activation='gelu', eps=config.layer_norm_eps, causal=False)\n    if config.model_type == 'gpt2':\n        d_ff = config.n_inner if config.n_inner is not None else 4 * config.n_embd\n        return TransformerBlock(config.n_embd, config.n_head, d_ff,\n                                norm_first=True, activation='gelu', eps=config.layer_norm_epsilon, causal=True)\n    raise ValueError(config.model_type)\n",  # mutant block_for_gpt2_exact_gelu
            'previous_token_scores': 'def previous_token_scores(attentions):\n    A = torch.stack(tuple(attentions))\n    T = A.shape[-1]\n    return A.diagonal(offset=-1, dim1=-2, dim2=-1).sum(-1).mean(1) / T\n',  # mutant prev_divides_by_T
            'generate': 'def generate(step, prompt_ids, max_new_tokens, temperature=0.0, top_k=None, generator=None, use_cache=True):\n    ids = prompt_ids\n    logits, cache = step(prompt_ids, None)\n    for i in range(max_new_tokens):\n        new = next_token(logits[:, 0], temperature, top_k, generator)\n        ids = torch.cat([ids, new[:, None]], dim=1)\n        if use_cache:\n            logits, cache = step(new[:, None], cache)\n        else:\n            logits, _ = step(ids, None)\n    return ids\n',  # mutant generate_first_position
            'quiz_gpt2_norm': 'quiz_gpt2_norm = "A"\n',
        },
        "fails": FAILS_BOB,
    },
    'carol': {
        "about": 'loads attention.output.LayerNorm into norm2 and output.LayerNorm into norm1; never removes its hooks: the model stays ablated after the call; ignores use_cache: always uses the cache; quiz: thinks the KV cache changes the generated tokens',
        "cells": {
            'load_bert_layer': 'def load_bert_layer(block, hf_layer):\n    a = block.self_attn\n    copy_into(a.W_q.weight, hf_layer.attention.self.query.weight)\n    copy_into(a.W_q.bias, hf_layer.attention.self.query.bias)\n    copy_into(a.W_k.weight, hf_layer.attention.self.key.weight)\n    copy_into(a.W_k.bias, hf_layer.attention.self.key.bias)\n    copy_into(a.W_v.weight, hf_layer.attention.self.value.weight)\n    copy_into(a.W_v.bias, hf_layer.attention.self.value.bias)\n    copy_into(a.W_o.weight, hf_layer.attention.output.dense.weight)\n    copy_into(a.W_o.bias, hf_layer.attention.output.dense.bias)\n    copy_into(block.ffn.linear1.weight, hf_layer.intermediate.dense.weight)\n    copy_into(block.ffn.linear1.bias, hf_layer.intermediate.dense.bias)\n    copy_into(block.ffn.linear2.weight, hf_layer.output.dense.weight)\n    copy_into(block.ffn.linear2.bias, hf_layer.output.dense.bias)\n    copy_into(block.norm1.weight, hf_layer.output.LayerNorm.weight)\n    copy_into(block.norm1.bias, hf_layer.output.LayerNorm.bias)\n    copy_into(block.norm2.weight, hf_layer.attention.output.LayerNorm.weight)\n    copy_into(block.norm2.bias, hf_layer.attention.output.LayerNorm.bias)\n',  # mutant bert_norms_swapped
            'ablated_loss': 'def ablated_loss(model, input_ids, heads):\n    dh = model.config.n_embd // model.config.n_head\n    handles = []\n    for layer in sorted({l for l, _ in heads}):\n        keep = torch.ones(model.config.n_embd)\n        for l, h in heads:\n            if l == layer:\n                keep[h * dh:(h + 1) * dh] = 0.0\n        handles.append(model.transformer.h[layer].attn.c_proj.register_forward_pre_hook(\n            lambda module, args, keep=keep: (args[0] * keep,)))\n    with torch.no_grad():\n        loss = float(model(input_ids, labels=input_ids).loss)\n    return loss\n',  # mutant ablation_hooks_left
            'generate': 'def generate(step, prompt_ids, max_new_tokens, temperature=0.0, top_k=None, generator=None, use_cache=True):\n    ids = prompt_ids\n    logits, cache = step(prompt_ids, None)\n    for i in range(max_new_tokens):\n        new = next_token(logits[:, -1], temperature, top_k, generator)\n        ids = torch.cat([ids, new[:, None]], dim=1)\n        if True:\n            logits, cache = step(new[:, None], cache)\n        else:\n            logits, _ = step(ids, None)\n    return ids\n',  # mutant generate_always_cached
            'quiz_cache_changes_tokens': 'quiz_cache_changes_tokens = True\n',
        },
        "fails": FAILS_CAROL,
    },
}
