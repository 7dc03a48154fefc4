"""Demo class for 05_transformer_block: typical mistakes (see lessons/README.md)."""

MISTAKES = {
    "alice": {
        "about": "LayerNorm with the unbiased variance (torch.var's default); causal mask without the "
                 "diagonal; puts Norm before Add in the encoder recipe",
        "cells": {
            "layer_recipes": (
                'encoder_recipe = ["self_attention", "norm", "add", "ffn", "norm", "add"]\n'
                'decoder_recipe = ["self_attention", "add", "norm", "cross_attention", "add", "norm", "ffn", "add", "norm"]\n'
            ),
            "LayerNorm": (
                "class LayerNorm(nn.Module):\n"
                "    def __init__(self, d_model, eps=1e-5):\n"
                "        super().__init__()\n"
                "        self.eps = eps\n"
                "        self.weight = nn.Parameter(torch.ones(d_model))\n"
                "        self.bias = nn.Parameter(torch.zeros(d_model))\n"
                "\n"
                "    def forward(self, x):\n"
                "        mean = x.mean(-1, keepdim=True)\n"
                "        var = x.var(-1, keepdim=True)\n"
                "        return self.weight * (x - mean) / torch.sqrt(var + self.eps) + self.bias\n"
            ),
            "causal_mask": (
                "def causal_mask(T):\n"
                "    return torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=-1)\n"
            ),
        },
        "fails": ["test_encoder_recipe",
                  "test_layernorm_standardises_each_position",
                  "test_layernorm_matches_torch",
                  "test_encoder_post_norm_matches_torch",
                  "test_encoder_pre_norm_matches_torch",
                  "test_encoder_padding_mask",
                  "test_causal_mask_small",
                  "test_causal_mask_any_length",
                  "test_decoder_post_norm_matches_torch",
                  "test_decoder_pre_norm_matches_torch"],
    },
    "bob": {
        "about": "FeedForward without the ReLU; EncoderBlock ignores norm_first (always post-norm); "
                 "input_grad_norm differentiates the caller's x, so gradients accumulate between calls",
        "cells": {
            "FeedForward": (
                "class FeedForward(nn.Module):\n"
                "    def __init__(self, d_model, d_ff):\n"
                "        super().__init__()\n"
                "        self.linear1 = nn.Linear(d_model, d_ff)\n"
                "        self.linear2 = nn.Linear(d_ff, d_model)\n"
                "\n"
                "    def forward(self, x):\n"
                "        return self.linear2(self.linear1(x))\n"
            ),
            "EncoderBlock": (
                "class EncoderBlock(nn.Module):\n"
                "    def __init__(self, d_model, num_heads, d_ff, norm_first=False):\n"
                "        super().__init__()\n"
                "        self.self_attn = MultiHeadAttention(d_model, num_heads)\n"
                "        self.ffn = FeedForward(d_model, d_ff)\n"
                "        self.norm1 = LayerNorm(d_model)\n"
                "        self.norm2 = LayerNorm(d_model)\n"
                "\n"
                "    def forward(self, x, mask=None):\n"
                "        x = self.norm1(x + self.self_attn(x, x, x, mask)[0])\n"
                "        return self.norm2(x + self.ffn(x))\n"
            ),
            "input_grad_norm": (
                "def input_grad_norm(sublayers, x, residual):\n"
                "    x.requires_grad_(True)\n"
                "    h = x\n"
                "    for f in sublayers:\n"
                "        h = h + f(h) if residual else f(h)\n"
                "    h.sum().backward()\n"
                "    return x.grad.norm().item()\n"
            ),
        },
        "fails": ["test_ffn_relu_between_linears",
                  "test_grad_norm_matches_autograd",
                  "test_encoder_post_norm_matches_torch",
                  "test_encoder_pre_norm_matches_torch",
                  "test_encoder_padding_mask",
                  "test_decoder_post_norm_matches_torch",
                  "test_decoder_pre_norm_matches_torch"],
    },
    "carol": {
        "about": "cross-attention takes keys and values from the decoder instead of the memory; "
                 "param count forgets the attention biases; Encoder repeats one block ([block] * n)",
        "cells": {
            "DecoderBlock": (
                "class DecoderBlock(nn.Module):\n"
                "    def __init__(self, d_model, num_heads, d_ff, norm_first=False):\n"
                "        super().__init__()\n"
                "        self.norm_first = norm_first\n"
                "        self.self_attn = MultiHeadAttention(d_model, num_heads)\n"
                "        self.cross_attn = MultiHeadAttention(d_model, num_heads)\n"
                "        self.ffn = FeedForward(d_model, d_ff)\n"
                "        self.norm1, self.norm2, self.norm3 = LayerNorm(d_model), LayerNorm(d_model), LayerNorm(d_model)\n"
                "\n"
                "    def forward(self, x, memory, tgt_mask=None, memory_mask=None):\n"
                "        if self.norm_first:\n"
                "            h = self.norm1(x)\n"
                "            x = x + self.self_attn(h, h, h, tgt_mask)[0]\n"
                "            h = self.norm2(x)\n"
                "            x = x + self.cross_attn(h, h, h, memory_mask)[0]\n"
                "            return x + self.ffn(self.norm3(x))\n"
                "        x = self.norm1(x + self.self_attn(x, x, x, tgt_mask)[0])\n"
                "        x = self.norm2(x + self.cross_attn(x, x, x, memory_mask)[0])\n"
                "        return self.norm3(x + self.ffn(x))\n"
            ),
            "Encoder": (
                "class Encoder(nn.Module):\n"
                "    def __init__(self, num_layers, d_model, num_heads, d_ff, norm_first=False):\n"
                "        super().__init__()\n"
                "        self.layers = nn.ModuleList([EncoderBlock(d_model, num_heads, d_ff, norm_first)] * num_layers)\n"
                "        self.norm = LayerNorm(d_model) if norm_first else None\n"
                "\n"
                "    def forward(self, x, mask=None):\n"
                "        for layer in self.layers:\n"
                "            x = layer(x, mask)\n"
                "        return x if self.norm is None else self.norm(x)\n"
            ),
            "encoder_param_count": (
                "def encoder_param_count(num_layers, d_model, num_heads, d_ff, *, vocab_size=0, max_positions=0,\n"
                "                        type_vocab_size=0, embedding_norm=False, final_norm=False, pooler=False):\n"
                "    per_layer = 4 * d_model * d_model + 2 * d_model * d_ff + d_ff + d_model + 4 * d_model\n"
                "    total = num_layers * per_layer + (vocab_size + max_positions + type_vocab_size) * d_model\n"
                "    total += 2 * d_model * (embedding_norm + final_norm)\n"
                "    if pooler:\n"
                "        total += d_model * d_model + d_model\n"
                "    return total\n"
            ),
        },
        "fails": ["test_decoder_causal_ignores_the_future",
                  "test_decoder_cross_attention_reads_memory",
                  "test_decoder_post_norm_matches_torch",
                  "test_decoder_pre_norm_matches_torch",
                  "test_encoder_stack_has_independent_layers",
                  "test_param_count_blocks",
                  "test_param_count_bert_base",
                  "test_param_count_bert_large"],
    },
}


# Concept quiz: each student gets one question wrong (grade_id, what they wrote, why).
_QUIZ_SLIPS = {
    'alice': ('quiz_post_norm', 'quiz_post_norm = "A"\n',
              "gives the pre-norm formula as the paper's"),
    'bob': ('quiz_layernorm_axis', 'quiz_layernorm_axis = "A"\n',
              'confuses layer norm with batch norm'),
    'carol': ('quiz_cross_attention_source', 'quiz_cross_attention_source = "A"\n',
              'says the masked self-attention reads the encoder'),
}
for _name, (_gid, _source, _about) in _QUIZ_SLIPS.items():
    MISTAKES[_name]["cells"][_gid] = _source
    MISTAKES[_name]["fails"].append("test_" + _gid)
    MISTAKES[_name]["about"] += "; quiz: " + _about
