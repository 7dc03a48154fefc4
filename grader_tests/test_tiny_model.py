"""Part 7's shipped model (lessons/files/07_real_models/tiny-lm): it loads offline, stays small,
has the heads the lesson asks students to find, and its training script reproduces its logged losses."""
import hashlib
import re
import sys

import pytest
import torch

from course.common import ROOT

MODEL_DIR = ROOT / "lessons" / "files" / "07_real_models" / "tiny-lm"
sys.path.insert(0, str(ROOT / "models"))
import train_tiny_lm  # noqa: E402

MAX_BYTES = 2_000_000          # committed three times (lessons/files, source, release): keep it small
MIN_PREVIOUS_TOKEN_SCORE = 0.5  # uniform causal attention scores 0.08 here (a random-init model: 0.083); shipped: 0.97
MIN_INDUCTION_SCORE = 0.5       # uniform attention scores 0.03 here (a random-init model: 0.033); shipped: 0.83
REPRODUCED_STEPS = 51           # steps 0 and 50 of training_log.txt (4.5 s CPU; 14-56 s wall on the busy machine)


@pytest.fixture(scope="module")
def model():
    import transformers
    from transformers import AutoModelForCausalLM
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    return AutoModelForCausalLM.from_pretrained(MODEL_DIR, attn_implementation="eager", local_files_only=True).eval()


@pytest.fixture(scope="module")
def attentions(model):
    ids = train_tiny_lm.repeated_random_tokens(batch=32, seq_len=20, seed=0)
    with torch.no_grad():
        return model(ids, output_attentions=True).attentions


def logged_losses():
    """{step: loss} from the 'step N  loss X' lines of training_log.txt."""
    text = (MODEL_DIR / "training_log.txt").read_text()
    return {int(s): float(v) for s, v in re.findall(r"^step\s+(\d+)\s+loss\s+([\d.]+)$", text, re.M)}


def test_model_folder_has_what_from_pretrained_needs():
    """config.json, model.safetensors, the tokenizer files, the card and the training log are shipped."""
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "README.md", "training_log.txt"):
        assert (MODEL_DIR / name).is_file(), \
            f"{MODEL_DIR / name} is missing (models/train_tiny_lm.py writes all but the hand-written README.md)"


def test_model_file_is_small():
    """model.safetensors stays under 2 MB (it is committed in lessons/files, source/ and release/)."""
    size = (MODEL_DIR / "model.safetensors").stat().st_size
    assert size < MAX_BYTES, f"model.safetensors is {size} bytes, limit {MAX_BYTES}"


def test_model_and_tokenizer_load_offline_as_gpt2(model):
    """AutoModelForCausalLM/AutoTokenizer load the folder with no network; the tokenizer prepends <bos>."""
    from transformers import AutoTokenizer, GPT2LMHeadModel
    assert isinstance(model, GPT2LMHeadModel), f"expected GPT2LMHeadModel, got {type(model).__name__}"
    assert (model.config.n_layer, model.config.n_head) == (2, 4), \
        f"(n_layer, n_head) = {(model.config.n_layer, model.config.n_head)}, the lesson expects (2, 4)"
    tok = AutoTokenizer.from_pretrained(MODEL_DIR, local_files_only=True)
    ids = tok("the cat sees a dog .")["input_ids"]
    assert ids[0] == model.config.bos_token_id and tok.unk_token_id not in ids, f"unexpected ids {ids}"
    assert tok.decode(ids, skip_special_tokens=True) == "the cat sees a dog .", tok.decode(ids)


def test_shipped_weights_are_the_logged_ones():
    """model.safetensors is the file the training run logged (its sha256 is in training_log.txt)."""
    digest = hashlib.sha256((MODEL_DIR / "model.safetensors").read_bytes()).hexdigest()
    logged = re.search(r"sha256\(model.safetensors\) ([0-9a-f]{64})", (MODEL_DIR / "training_log.txt").read_text())
    assert logged, "training_log.txt does not record the sha256 of model.safetensors"
    assert digest == logged.group(1), f"model.safetensors sha256 {digest} != logged {logged.group(1)}: retrain or re-log"


def test_a_previous_token_head_exists(attentions):
    """Some head puts, on average, more than half its attention on the previous token."""
    scores = train_tiny_lm.previous_token_scores(attentions)      # (n_layer, n_head)
    best = scores.max().item()
    assert best > MIN_PREVIOUS_TOKEN_SCORE, f"best previous-token score {best:.3f} <= {MIN_PREVIOUS_TOKEN_SCORE}:\n{scores}"


def test_an_induction_head_exists(attentions):
    """On [bos] + r + r, some head attends from the repeat to the token after the earlier occurrence."""
    scores = train_tiny_lm.induction_scores(attentions, seq_len=20)  # (n_layer, n_head)
    best = scores.max().item()
    assert best > MIN_INDUCTION_SCORE, f"best induction score {best:.3f} <= {MIN_INDUCTION_SCORE}:\n{scores}"


def test_induction_head_sits_above_a_previous_token_head(attentions):
    """The induction head is in layer 1 and a previous-token head in layer 0 (the two-layer circuit)."""
    ind = train_tiny_lm.induction_scores(attentions, seq_len=20)
    prev = train_tiny_lm.previous_token_scores(attentions)
    layer = int(ind.max(dim=1).values.argmax())
    assert layer == 1, f"best induction head is in layer {layer}, expected 1:\n{ind}"
    assert prev[0].max() > MIN_PREVIOUS_TOKEN_SCORE, f"no previous-token head in layer 0:\n{prev}"


def test_training_script_reproduces_the_logged_losses():
    """Re-running the first steps of models/train_tiny_lm.py gives the losses in training_log.txt."""
    logged = logged_losses()
    threads = torch.get_num_threads()
    try:
        _, losses = train_tiny_lm.train(stop_after=REPRODUCED_STEPS, log=lambda line: None)
    finally:
        torch.use_deterministic_algorithms(False)
        torch.set_num_threads(threads)
    assert [step for step, _ in losses] == [0, 50], f"logged steps {[s for s, _ in losses]}"
    for step, loss in losses:
        assert step in logged, f"training_log.txt has no loss for step {step}"
        assert loss == pytest.approx(logged[step], abs=1e-4), \
            f"step {step}: loss {loss:.6f}, training_log.txt says {logged[step]:.6f}"
