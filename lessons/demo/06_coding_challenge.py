"""Demo class for 06_coding_challenge: typical mistakes (see lessons/README.md)."""

_TRANSFORMER_WITHOUT_POSITIONS = '''class TinyTransformer(nn.Module):
    """Encoder-only transformer that labels every position: tokens (B, T) -> logits (B, T, vocab_size)."""

    def __init__(self, vocab_size, max_len, d_model=32, num_heads=2, d_ff=64, num_layers=1):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(vocab_size, d_model)
        nn.init.normal_(self.embed.weight, std=d_model ** -0.5)
        self.register_buffer("pe", sinusoidal_positional_encoding(max_len, d_model))  # (max_len, d_model)
        self.blocks = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff) for _ in range(num_layers)])
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens):
        x = self.embed(tokens) * math.sqrt(self.d_model)   # forgot: + self.pe[:T]
        for block in self.blocks:
            x = block(x)
        return self.head(x)
'''

MISTAKES = {
    "alice": {
        "about": ("softmax over the wrong axis (axis=0) in self_attention, and over the query axis in the KV-cache step; "
                  "training step without optimizer.zero_grad()"),
        "cells": {
            "self_attention": (
                "def self_attention(Q, K, V):\n"
                "    d_k = Q.shape[1]\n"
                "    scores = np.dot(Q, K.T) / np.sqrt(d_k)\n"
                "    weights = softmax(scores, axis=0)\n"
                "    return np.dot(weights, V), weights\n"
            ),
            "training_step": (
                "def training_step(model, optimizer, tokens, targets):\n"
                "    logits = model(tokens)\n"
                "    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n"
                "    loss.backward()\n"
                "    optimizer.step()\n"
                "    return loss.item()\n"
            ),
            "cached_attention_step": (
                'def cached_attention_step(x_t, W_q, W_k, W_v, cache=None):\n'
                '    q, k, v = (x_t @ W_q)[:, None], (x_t @ W_k)[:, None], (x_t @ W_v)[:, None]\n'
                '    K = k if cache is None else torch.cat([cache["K"], k], dim=1)\n'
                '    V = v if cache is None else torch.cat([cache["V"], v], dim=1)\n'
                '    weights = torch.softmax(q @ K.transpose(1, 2) / math.sqrt(q.shape[-1]), dim=1)\n'
                '    return (weights @ V).squeeze(1), {"K": K, "V": V}\n'
            ),
        },
        "fails": ["test_self_attention_rows_sum_to_one", "test_self_attention_is_scaled",
                  "test_self_attention_matches_pytorch",
                  "test_training_step_updates_like_pytorch", "test_training_step_lowers_the_loss",
                  "test_transformer_heldout_accuracy", "test_transformer_reads_the_far_token",
                  "test_transformer_beats_lstm", "test_kv_cache_matches_recomputation"],
    },
    "bob": {
        "about": "forgets the positional encoding in the transformer's forward; takes the speedup as a difference (49)",
        "cells": {
            "tiny_transformer": _TRANSFORMER_WITHOUT_POSITIONS,
            "parallel_steps": "rnn_steps = 50\ntransformer_steps = 1\nspeedup = rnn_steps - transformer_steps\n",
        },
        "fails": ["test_speedup", "test_transformer_knows_positions", "test_transformer_forward_matches_reference",
                  "test_transformer_heldout_accuracy", "test_transformer_reads_the_far_token",
                  "test_transformer_beats_lstm"],
    },
    "carol": {
        "about": ("a 'Dogs love treats' row that sums to 1.1; no 1/sqrt(d_k) in self_attention; held-out accuracy "
                  "compares the predictions with the input instead of the reversed targets"),
        "cells": {
            "dogs_love_treats": (
                "dogs_love_treats = np.array([\n"
                "    [0.5, 0.3, 0.3],\n"
                "    [0.4, 0.2, 0.4],\n"
                "    [0.2, 0.4, 0.4],\n"
                "])\n"
            ),
            "self_attention": (
                "def self_attention(Q, K, V):\n"
                "    weights = softmax(np.dot(Q, K.T))\n"
                "    return np.dot(weights, V), weights\n"
            ),
            "heldout_accuracy": (
                "def heldout_accuracy(model, n_sequences=1000, seed=1234):\n"
                "    tokens, targets = make_reversal_batch(n_sequences, torch.Generator().manual_seed(seed))\n"
                "    with torch.no_grad():\n"
                "        predictions = model(tokens).argmax(dim=-1)\n"
                "    return (predictions == tokens).float().mean().item()\n"
            ),
        },
        "fails": ["test_dogs_table_rows_sum_to_one", "test_self_attention_is_scaled",
                  "test_self_attention_matches_pytorch", "test_heldout_accuracy", "test_reported_accuracies"],
    },
}


# Concept quiz: each student gets one question wrong (grade_id, what they wrote, why).
_QUIZ_SLIPS = {
    'alice': ('quiz_flash_is_approximate', 'quiz_flash_is_approximate = True\n',
              'thinks FlashAttention approximates attention'),
    'bob': ('quiz_generation_parallel', 'quiz_generation_parallel = True\n',
              'thinks generation is parallel'),
    'carol': ('quiz_memory_growth', 'quiz_memory_growth = 4\n',
              "thinks the weights' memory grows linearly (4x)"),
}
for _name, (_gid, _source, _about) in _QUIZ_SLIPS.items():
    MISTAKES[_name]["cells"][_gid] = _source
    MISTAKES[_name]["fails"].append("test_" + _gid)
    MISTAKES[_name]["about"] += "; quiz: " + _about
