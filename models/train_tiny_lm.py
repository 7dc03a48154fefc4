"""Train the course's tiny GPT-2 (Part 7) on generated data, deterministically, on CPU.

    cd /work/main && .venv/bin/python models/train_tiny_lm.py            # writes lessons/files/07_real_models/tiny-lm/

Same command, same machine type -> same weights: fixed seeds (torch and the numpy data generator),
torch.use_deterministic_algorithms(True), one CPU thread. grader_tests/test_tiny_model.py re-runs
the first steps and compares the losses with training_log.txt.
"""
import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_language import BOS_ID, EOS_ID, FIRST_WORD_ID, PAD_ID, UNK_ID, VOCAB, training_batch  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "lessons" / "files" / "07_real_models" / "tiny-lm"
SEED = 0
STEPS = 3000
BATCH_SIZE = 16
SEQ_LEN = 128          # = n_positions: every position embedding is trained
LR = 5e-3              # at 2e-3 no induction head had formed after 1500 steps (measured)
WARMUP = 100
DECAY_FROM = 0.8       # constant LR until 80% of the steps, then linear decay to 10%
LOG_EVERY = 50
PROBE_EVERY = 250      # head scores on the standard inputs, to see when the heads form


def make_config():
    from transformers import GPT2Config
    return GPT2Config(vocab_size=len(VOCAB), n_positions=SEQ_LEN, n_embd=64, n_layer=2, n_head=4,
                      activation_function="gelu_new", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                      bos_token_id=BOS_ID, eos_token_id=EOS_ID, pad_token_id=PAD_ID)


def make_tokenizer():
    """Word-level tokenizer over VOCAB; splits on whitespace; prepends <bos>."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(VOCAB)}, unk_token=VOCAB[UNK_ID]))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(
        single="<bos> $A", pair="<bos> $A $B", special_tokens=[("<bos>", BOS_ID)])
    tok.decoder = decoders.WordPiece(prefix="##", cleanup=False)  # joins words with single spaces
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<bos>", eos_token="<eos>",
                                   unk_token="<unk>", pad_token="<pad>")


def lr_at(step, steps):
    """Linear warm-up for WARMUP steps, constant LR, then linear decay to 10% over the last 20%."""
    if step < WARMUP:
        return LR * (step + 1) / WARMUP
    decay_start = int(DECAY_FROM * steps)
    if step < decay_start:
        return LR
    return LR * (1 - 0.9 * (step - decay_start) / max(1, steps - 1 - decay_start))


def sinusoidal_positions(n_positions, d_model, std):
    """The sine/cosine table of Vaswani et al. (2017), scaled to standard deviation std: (n_positions, d_model).

    Used only as the starting value of GPT-2's learned position embeddings (wpe): PE[t + k] is a
    linear function of PE[t], so a head can learn "attend to t - 1" early. With the default random
    start (v1 of this model) the layer-0 heads stayed smeared over offsets 0..3 after 3000 steps."""
    pos = torch.arange(n_positions, dtype=torch.float32)[:, None]          # (T, 1)
    i = torch.arange(0, d_model, 2, dtype=torch.float32)                    # (d_model / 2,)
    angle = pos / 10000 ** (i / d_model)                                    # (T, d_model / 2)
    table = torch.zeros(n_positions, d_model)
    table[:, 0::2], table[:, 1::2] = torch.sin(angle), torch.cos(angle)
    return table * (std / table.std())


def setup_determinism():
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)


def train(steps=STEPS, log_every=LOG_EVERY, log=print, stop_after=None):
    """Train from scratch; return (model, [(step, loss), ...]) with the loss logged every log_every steps.

    stop_after: run only the first stop_after steps of the same schedule (the test uses it)."""
    from transformers import GPT2LMHeadModel
    setup_determinism()
    rng = np.random.default_rng(SEED)
    model = GPT2LMHeadModel(make_config())
    with torch.no_grad():
        model.transformer.wpe.weight.copy_(sinusoidal_positions(SEQ_LEN, model.config.n_embd,
                                                                model.config.initializer_range))
    model.train()
    probe = repeated_random_tokens()
    opt = torch.optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.98), weight_decay=0.01)
    losses = []
    for step in range(steps if stop_after is None else min(steps, stop_after)):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps)
        ids = torch.from_numpy(training_batch(rng, BATCH_SIZE, SEQ_LEN))   # (B, T)
        loss = model(ids, labels=ids).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % log_every == 0 or step == steps - 1:
            losses.append((step, loss.item()))
            log(f"step {step:5d}  loss {loss.item():.6f}")
        if step % PROBE_EVERY == 0 or step == steps - 1:
            log("  " + probe_line(model, probe))
    model.eval()
    return model, losses


# The head scores, exactly as Part 7's graded functions define them (see the model card).
def previous_token_scores(attentions):
    """Mean attention from each position t >= 1 to t-1, per head -> (n_layer, n_head)."""
    A = torch.stack(attentions)                                          # (L, B, H, T, T)
    return A.diagonal(offset=-1, dim1=-2, dim2=-1).mean(dim=(1, 3))     # (L, H)


def induction_scores(attentions, seq_len):
    """On [bos] + r + r (len(r) = seq_len): mean attention from t in the second copy to t - seq_len + 1."""
    A = torch.stack(attentions)                                          # (L, B, H, T, T)
    stripe = A.diagonal(offset=1 - seq_len, dim1=-2, dim2=-1)           # (L, B, H, seq_len + 2)
    return stripe[..., 2:].mean(dim=(1, 3))                              # (L, H)


def repeated_random_tokens(batch=32, seq_len=20, seed=0, vocab_size=len(VOCAB)):
    """[bos] + r + r with r uniform over the word ids: (batch, 2 * seq_len + 1)."""
    g = torch.Generator().manual_seed(seed)
    r = torch.randint(FIRST_WORD_ID, vocab_size, (batch, seq_len), generator=g)   # (B, seq_len)
    return torch.cat([torch.full((batch, 1), BOS_ID), r, r], dim=1)            # (B, 2 seq_len + 1)


@torch.no_grad()
def probe_line(model, ids):
    """'best induction 0.03 (1, 2), best previous-token 0.08 (0, 1)' on [bos] + r + r inputs (no training effect)."""
    implementation = model.config._attn_implementation
    model.eval()
    model.config._attn_implementation = "eager"        # attention weights need the eager path
    try:
        attentions = model(ids, output_attentions=True).attentions
    finally:
        model.config._attn_implementation = implementation
        model.train()
    parts = []
    for name, scores in (("induction", induction_scores(attentions, (ids.shape[1] - 1) // 2)),
                         ("previous-token", previous_token_scores(attentions))):
        layer, head = divmod(int(scores.argmax()), scores.shape[1])
        parts.append(f"best {name} {scores.max().item():.2f} (layer {layer}, head {head})")
    return ", ".join(parts)


@torch.no_grad()
def measure(model, tokenizer):
    """Head scores and losses on held-out inputs (what the model card reports)."""
    from tiny_language import sentence_ids
    ids = repeated_random_tokens()
    out = model(ids, labels=ids, output_attentions=True)
    logits = out.logits[:, :-1]                                          # (B, T-1, V)
    nll = torch.nn.functional.cross_entropy(logits.transpose(1, 2), ids[:, 1:], reduction="none")  # (B, T-1)
    seq_len = (ids.shape[1] - 1) // 2
    rng = np.random.default_rng(12345)
    text = torch.tensor([[BOS_ID] + sentence_ids(rng, 63) for _ in range(32)])   # (32, 64) held-out sentences
    text_out = model(text, labels=text, output_attentions=True)
    return {
        "induction": induction_scores(out.attentions, seq_len),
        "previous_token_repeated": previous_token_scores(out.attentions),
        "previous_token_text": previous_token_scores(text_out.attentions),
        "loss_first_copy": nll[:, :seq_len].mean().item(),   # predicting r: ~ ln(60) if nothing is known
        "loss_second_copy": nll[:, seq_len:].mean().item(),  # predicting the repeat: low if the model copies
        "loss_text": text_out.loss.item(),
    }


def format_scores(name, scores):
    rows = [f"{name} (rows: layer, columns: head)"]
    for layer, row in enumerate(scores.tolist()):
        rows.append(f"  layer {layer}: " + "  ".join(f"{v:.3f}" for v in row))
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=STEPS)
    args = parser.parse_args()
    from transformers import AutoModelForCausalLM
    start = time.time()
    lines = []

    def log(line):
        print(line, flush=True)
        lines.append(line)

    log(f"# models/train_tiny_lm.py: seed {SEED}, {args.steps} steps, batch {BATCH_SIZE} x {SEQ_LEN} tokens, "
        f"AdamW lr {LR} (warm-up {WARMUP}, constant, linear decay to 10% from step {int(DECAY_FROM * args.steps)}), torch {torch.__version__}, 1 thread")
    model, _ = train(args.steps, log=log)
    wall = time.time() - start
    tokenizer = make_tokenizer()
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    reloaded = AutoModelForCausalLM.from_pretrained(args.out, attn_implementation="eager").eval()
    m = measure(reloaded, tokenizer)
    log(f"# wall time {wall:.0f} s (training only)")
    for key in ("induction", "previous_token_repeated", "previous_token_text"):
        log("# " + format_scores(key, m[key]).replace("\n", "\n# "))
    for key in ("loss_first_copy", "loss_second_copy", "loss_text"):
        log(f"# {key} {m[key]:.4f}")
    digest = hashlib.sha256((args.out / "model.safetensors").read_bytes()).hexdigest()
    log(f"# sha256(model.safetensors) {digest}")
    (args.out / "training_log.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
