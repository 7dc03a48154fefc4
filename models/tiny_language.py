"""The tiny language the course's model is trained on: generated, no external text.

Two kinds of token stream, mixed in every training sequence:
  * sentences of a small English-like grammar (determiner, adjective, noun, verb, name, preposition),
    so the model learns local word order (a previous-token head helps here);
  * random segments of words repeated two or three times, so copying an earlier continuation pays
    (the setting in which two-layer models grow induction heads: Olsson et al. 2022).
  * "skip chains": two interleaved chains a, b, s(a), s(b), s(s(a)), ... where s is a fixed random
    permutation of the words (SKIP_SUCCESSOR). The next token is s of the token BEFORE the current
    one, so only a head that reads exactly the previous position can predict it: this rewards a sharp
    previous-token head (without them, the model's layer-0 heads stayed smeared over the last 3-4
    positions, which is good enough for the grammar and for copying).
Everything is drawn from a numpy Generator, so a seed fixes the whole data set.
"""
import numpy as np

SPECIALS = ["<pad>", "<unk>", "<bos>", "<eos>"]
PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3
FIRST_WORD_ID = len(SPECIALS)

DETERMINERS = ["the", "a", "every", "my"]
ADJECTIVES = ["small", "big", "red", "green", "old", "young", "happy", "quiet", "fast", "cold"]
NOUNS = ["cat", "dog", "bird", "fish", "tree", "house", "boat", "river", "book", "child",
         "teacher", "horse", "apple", "garden", "window", "road"]
NAMES = ["alice", "bob", "carol", "dave", "emma", "frank"]
VERBS = ["sees", "likes", "finds", "follows", "paints", "reads", "builds", "helps", "watches", "calls"]
INTRANSITIVE = ["sleeps", "runs", "sings", "waits", "laughs"]
PREPOSITIONS = ["near", "under", "behind", "with", "beside"]
FUNCTION = ["and", "then", ".", ","]

WORDS = list(dict.fromkeys(DETERMINERS + ADJECTIVES + NOUNS + NAMES + VERBS + INTRANSITIVE
                           + PREPOSITIONS + FUNCTION))
VOCAB = SPECIALS + WORDS  # token id = index in this list
WORD_TO_ID = {w: i for i, w in enumerate(VOCAB)}
# The skip chains' successor: a fixed permutation of the word ids (its own seed, independent of the data).
SKIP_SUCCESSOR = dict(zip(range(FIRST_WORD_ID, len(VOCAB)),
                          (FIRST_WORD_ID + np.random.default_rng(2026).permutation(len(WORDS))).tolist()))


def noun_phrase(rng):
    """A name, or a determiner, an optional adjective and a noun: ['the', 'old', 'cat']."""
    if rng.random() < 0.25:
        return [NAMES[rng.integers(len(NAMES))]]
    words = [DETERMINERS[rng.integers(len(DETERMINERS))]]
    if rng.random() < 0.5:
        words.append(ADJECTIVES[rng.integers(len(ADJECTIVES))])
    return words + [NOUNS[rng.integers(len(NOUNS))]]


def clause(rng):
    """Subject + verb (+ object) (+ prepositional phrase)."""
    words = noun_phrase(rng)
    if rng.random() < 0.3:
        words.append(INTRANSITIVE[rng.integers(len(INTRANSITIVE))])
    else:
        words += [VERBS[rng.integers(len(VERBS))]] + noun_phrase(rng)
    if rng.random() < 0.3:
        words += [PREPOSITIONS[rng.integers(len(PREPOSITIONS))]] + noun_phrase(rng)
    return words


def sentence(rng):
    """One sentence, ending with '.': 'the old cat sees bob , then alice sleeps .'"""
    words = clause(rng)
    while rng.random() < 0.3:
        words += [[",", "and"][rng.integers(2)] if rng.random() < 0.5 else "then"] + clause(rng)
    return words + ["."]


def sentence_ids(rng, n_tokens):
    """Exactly n_tokens word ids of running text (sentences cut at the end)."""
    ids = []
    while len(ids) < n_tokens:
        ids += [WORD_TO_ID[w] for w in sentence(rng)]
    return ids[:n_tokens]


def repeated_segment_ids(rng, min_len=5, max_len=30):
    """A random segment of word ids (uniform, with replacement), repeated 2 or 3 times."""
    seg = rng.integers(FIRST_WORD_ID, len(VOCAB), rng.integers(min_len, max_len + 1)).tolist()
    return seg * int(rng.choice([2, 2, 3]))


def skip_chain_ids(rng, min_len=8, max_len=30):
    """a, b, s(a), s(b), s(s(a)), s(s(b)), ...: each token is SKIP_SUCCESSOR of the one two places back."""
    ids = rng.integers(FIRST_WORD_ID, len(VOCAB), 2).tolist()
    for _ in range(int(rng.integers(min_len, max_len + 1)) - 2):
        ids.append(SKIP_SUCCESSOR[ids[-2]])
    return ids


def training_sequence(rng, length):
    """<bos> + length-1 tokens mixing running text, repeated random segments and skip chains."""
    ids = [BOS_ID]
    while len(ids) < length:
        u = rng.random()
        if u < 0.4:
            ids += sentence_ids(rng, int(rng.integers(5, 30)))
        elif u < 0.75:
            ids += repeated_segment_ids(rng)
        else:
            ids += skip_chain_ids(rng)
    return ids[:length]


def training_batch(rng, batch_size, length):
    """(batch_size, length) int64 array of training sequences."""
    return np.array([training_sequence(rng, length) for _ in range(batch_size)], dtype=np.int64)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    print(len(VOCAB), "tokens")
    print(" ".join(VOCAB[i] for i in training_sequence(rng, 128)))
