"""A precise Indonesian lemmatizer: one lemma per word, chosen so that a search for a word finds its own family and
little else.

Why. Snowball's stemmer plus "candidate stems" (analysis.py) strips every affix it sees, so ``perairan`` (territorial
waters) becomes ``air`` (water), and a search for ``perairan`` matched 163 documents of which 23 contain the word.
Here precision comes first: a word is reduced only when the reduction keeps its meaning. Two kinds of affix:

1. **Verbal and voice affixes lead to the root**: the particles ``-lah -kah -tah -pun``, the possessives ``-nya``
   (and ``-ku -mu`` on words of five letters or more: ``Maluku`` is not ``malu`` + ``-ku``), the verbal suffixes
   ``-kan -i``, the prefixes ``meN-`` (nasal recoded: ``mengelola`` → ``kelola``, ``menetapkan`` → ``tetap``,
   ``menyusun`` → ``susun``, ``memilih`` → ``pilih``), ``di-``, ``ter-``, ``ber-``, ``memper-``/``diper-``, and the
   nominaliser ``peN-``/``peN-…-an`` *where the nasal shows* (``pengelolaan``, ``penetapan``, ``penyelenggaraan``,
   ``pendaftaran``): the process or agent noun of a ``meN-`` verb belongs with it.
2. **Nominal derivations are lemmas of their own**, less their inflection: ``per-…-an`` (``perairan``,
   ``perbankan``, ``peraturan``), ``ke-…-an`` (``keterbukaan``, ``keuangan``), bare ``-an`` (``aturan``,
   ``laporan``), ``pe-``/``per-`` without a nasal (``pekerja``, ``petani``; but ``pe-…-an`` before l, m, n, w, y is
   ``peN-…-an``: ``pelaksanaan`` is ``laksana``), ``ke-``
   (``kedua``) and ``se-`` (``setiap``; ``se-…-nya`` adverbs keep their ``-nya``: ``selanjutnya``). Their meaning is
   rarely the root's: ``peraturan`` (regulation) is not ``atur`` (arrange). Layers stack: ``berkeadilan`` is
   ``ber-`` + ``keadilan``, so its lemma is ``keadilan``; ``pemberdayaan`` is ``peN-…-an`` + ``ber-`` + ``daya``, all
   verbal, so ``daya``; ``berhubungan`` is ``ber-`` + ``hubungan``.

The analysis is Nazief–Adriani's, as in Sastrawi: remove inflection, a derivational suffix and up to three prefixes,
recode nasals, look the remainder up in a root dictionary, backtrack over the choices, and reject the prefix–suffix
pairs the language does not have (``ber-…-i``, ``di-…-an``, ``ke-…-kan``, ``meN-…-an``, ``se-…-i``, ``ter-…-an``).
A word that is itself in the dictionary is its own lemma, always, before any stripping (``berkas``, ``pertama``).
Where several analyses reach the dictionary, Sastrawi takes the first it meets; here every one is scored and the
cheapest wins (see ``_analyse``): fewer removals first (``bermasalah`` is ``masalah``, not ``masa`` + ``-lah``;
``memakai`` is ``pakai``, not ``maka`` + ``-i``), a bare imperative ``-kan`` last (``perbankan`` is ``per-`` +
``bank`` + ``-an``, not ``perban`` + ``-kan``), ``-an`` before ``-kan`` on a tie (``perpajakan``: ``pajak``, not
``paja``). A word no analysis explains comes back whole, less a trailing ``-nya``/``-lah``/``-kah``/``-pun`` when
four letters or more remain (``nuklirnya`` → ``nuklir``): never a truncated non-word like ``elola``.

The dictionary is Sastrawi's root-word list, ``data/kata_dasar.txt`` (29,932 words, MIT licence:
``data/kata_dasar.LICENSE``), vendored byte for byte. It holds roots only: derived words such as ``aturan``,
``peraturan``, ``perairan``, ``keuangan``, ``pemerintah``, ``pengadilan`` and ``pendidikan`` are absent, and come
out whole through rule 2 or the exceptions. ``data/kata_dasar_extra.txt`` adds the few roots legal text needs
(``peroleh``, ``beritahu``, ``tanggungjawab``, ``diversi``, ``pak``) and removes obscure homographs that would hijack
a frequent word (``upa`` for ``berupa``, ``kemban`` for ``mengemban``) and ``perhati`` (``memperhatikan`` is
``hati``), each with its reason. ``_EXCEPTIONS`` lists the lexicalised words whose meaning left their root
(``pemerintah``, ``pengadilan``). The Sastrawi package is not used at run time: its first-match analysis is wrong too
often for search (``perbankan`` → ``perban``, ``perpajakan`` → ``paja``) and it takes some 200 ms on an unknown word.

Cost: about 15 µs per uncached word on the corpus vocabulary (a few dictionary look-ups per candidate split),
0.4 µs cached; the indexer sees each distinct word once.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"
MAX_WORD_LEN = 40  # longer "words" are noise (hashes, base64): returned unchanged, like analysis.MAX_TOKEN_LEN
_MIN_ROOT_LEN = 3  # shorter dictionary entries (``mi``, ``om``) are never the root of an affixed word


def _lines(path: Path) -> list[str]:
    return [
        line.strip().lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _load_roots() -> frozenset[str]:
    shipped = set(_lines(_DATA / "kata_dasar.txt"))
    extra = _lines(_DATA / "kata_dasar_extra.txt")
    shipped.update(w for w in extra if not w.startswith("-"))
    shipped.difference_update(w[1:] for w in extra if w.startswith("-"))
    return frozenset(shipped)


ROOTS: frozenset[str] = _load_roots()

# Lexicalised words: derived in form, but a search for them must not find the root (word → lemma). Kept short: each
# maps a frequent legal word away from a root that is itself frequent and means something else.
_EXCEPTIONS: dict[str, str] = {
    "pemerintah": "pemerintah",  # government, not perintah (order)
    "pemerintahan": "pemerintah",  # governance: the same family as pemerintah
    "pengadilan": "pengadilan",  # court, not adil (just)
    "pendapat": "pendapat",  # opinion, not dapat (can)
    "pendapatan": "pendapatan",  # income, not dapat
    "penduduk": "penduduk",  # population, not duduk (sit)
    "pengusaha": "pengusaha",  # entrepreneur, not usaha (effort)
    "pengadaan": "pengadaan",  # procurement, not ada (there is)
    "pengumuman": "pengumuman",  # announcement, not umum (general)
    "pengalaman": "pengalaman",  # experience, not alam (nature)
    "pengacara": "pengacara",  # lawyer, not acara (event, procedure)
    "penyakit": "penyakit",  # disease, not sakit (sick), which is in every rumah sakit (hospital)
    "penanganan": "penanganan",  # handling, not tangan (hand), which is in every tanda tangan (signature)
    "terpidana": "terpidana",  # the convict, not pidana (criminal), which is in every penal provision
    "termohon": "termohon",  # the respondent, not mohon (please), which is in every letter
    "memadai": "memadai",  # adequate, not pada (at)
    "meninggal": "meninggal",  # to die, not tinggal (to stay); meninggalkan (to leave) does go to tinggal
    "mengalami": "mengalami",  # to undergo: neither alami (natural) nor alam (nature)
    "dialami": "mengalami",
    "ketahui": "tahu",  # the one ke-…-i verb (Sastrawi's exception too)
    "pelabuhan": "pelabuhan",  # harbour, not labuh (to anchor)
    "pelayaran": "pelayaran",  # shipping, not layar (sail, screen)
}

# Roots an analysis may end on: the dictionary, and the exception words (``berpendapat`` → ``pendapat``).
_KNOWN: frozenset[str] = frozenset(w for w in ROOTS | _EXCEPTIONS.keys() if len(w) >= _MIN_ROOT_LEN)

_VOWELS = frozenset("aiueo")
_PE_NASAL = frozenset("lmnwy")  # roots before which peN- shows no nasal (not r: perumahan is per-…-an of rumah)
_VERBAL = frozenset(("meN", "di", "ter", "ber", "peN"))  # prefixes peeled off to reach the lemma
_VERB_PARENTS = frozenset(("meN", "di", "peN"))  # under these, per-/pe-/ke- belong to the verb (memper-, diketahui)
# Which prefix may follow which (outer → inner); Nazief–Adriani allow at most three.
_NEXT: dict[str | None, frozenset[str]] = {
    None: frozenset(("meN", "di", "ter", "ber", "peN", "per", "pe", "ke", "se")),
    "meN": frozenset(("per", "pe", "ber", "ke")),
    "di": frozenset(("per", "pe", "ber", "ke", "se")),
    "peN": frozenset(("per", "pe", "ber", "ke")),
    "ber": frozenset(("ke", "per", "pe", "peN", "se")),
    "ter": frozenset(("ke", "per", "pe", "ber", "se")),
    "ke": frozenset(("ber", "ter", "se", "peN", "per", "pe")),
    "per": frozenset(("ke", "se")),
    "pe": frozenset(),
    "se": frozenset(("peN", "ke", "ber")),
}
_MAX_PREFIXES = 3
_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_UNKNOWN_PARTICLES = ("lah", "kah", "pun")  # removed, with -nya, from a word no analysis explains

# Analysis costs (see _analyse): a suffix costs 1, a prefix a little more.
_PREFIX_COST = 1.1
# A prefix on a root that ends like the suffix the same prefix takes as a confix: the confix reading is likelier.
# peN- does not go on an -an noun (pengawasan is awas, not kawasan; pengakuan is aku, not akuan), and the list has a
# few derived -kan entries (adakan, sahkan) that meN-, di-, ter- and ber- must not stop at.
_CONFIX_ENDINGS: dict[str, tuple[str, ...]] = {
    "peN": ("an",),
    "meN": ("kan",),
    "di": ("kan",),
    "ter": ("kan",),
    "ber": ("kan",),
}
_DERIVED_ROOT_COST = 1.5
# be-/te- + a root in r (berasa = rasa) is the rarer reading of berV/terV: it loses ties.
_R_RECODED_COST = 0.05
# A bare -kan (an imperative: tetapkan) is rare in written text; it must not beat per-…-an (perbankan, not perban).
_BARE_KAN_COST = 2.5

Chain = tuple[tuple[str, str], ...]  # (prefix tag, the string it was removed from), outer first


def is_root(word: str) -> bool:
    """Whether ``word`` is in the root dictionary (Sastrawi's list with this project's additions)."""
    return word in ROOTS


@lru_cache(maxsize=300_000)
def lemma(word: str) -> str:
    """The lemma of one normalised word (lower case, NFKC, no accents, no hyphen, letters/digits only).

    Words with digits, shorter than 4 letters or longer than 40 come back unchanged; so do words no analysis
    explains (less a trailing ``-nya``/``-lah``/``-kah``/``-pun``). See the module docstring for the rule."""
    if len(word) < 4 or len(word) > MAX_WORD_LEN or not word.isalpha():
        return word
    found = _EXCEPTIONS.get(word)
    if found is not None:
        return found
    if word in ROOTS:
        return word
    for base, inflection in _inflections(word):
        result = _analyse(base, inflection)
        if result is not None:
            return _EXCEPTIONS.get(result, result)
    return _unknown(word)


def _inflections(word: str) -> list[tuple[str, str]]:
    """(base, removed inflection), the word itself first: fewer removals win (``bermasalah``, ``bertanya``)."""
    options = [(word, "")]
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= _MIN_ROOT_LEN:
            base = word[: -len(particle)]
            options.append((base, particle))
            for possessive in _POSSESSIVES:
                if base.endswith(possessive) and len(base) - len(possessive) >= _possessive_min(possessive):
                    options.append((base[: -len(possessive)], possessive + particle))
            break
    for possessive in _POSSESSIVES:
        if word.endswith(possessive) and len(word) - len(possessive) >= _possessive_min(possessive):
            options.append((word[: -len(possessive)], possessive))
            break
    return options


def _possessive_min(possessive: str) -> int:
    """Letters that must remain after a possessive: ``-ku``/``-mu`` are rare in written text and a short word that
    ends in them is more often a name (Maluku is not malu + -ku)."""
    return _MIN_ROOT_LEN if possessive == "nya" else 5


def _unknown(word: str) -> str:
    """A word no analysis explains: itself, less one particle and one ``-nya`` when four letters remain."""
    for particle in _UNKNOWN_PARTICLES:
        if word.endswith(particle) and len(word) - 3 >= 4:
            word = word[:-3]
            break
    if word.endswith("nya") and len(word) - 3 >= 4:
        word = word[:-3]
    return word


def _analyse(base: str, inflection: str) -> str | None:
    """The lemma of ``base`` (a word less its inflection), or None when no analysis reaches the dictionary.

    Every analysis is scored and the cheapest wins, a prefix costing a little more than a suffix: ``diperlukan`` is
    ``di-`` + ``perlu`` + ``-kan``, not ``di-`` + ``per-`` + ``luk`` + ``-an``; ``memakai`` is ``pakai``, not ``maka``
    + ``-i``. A bare ``-kan``, a prefix on a root that ends like its own confix's suffix and a ``be-``/``te-`` before
    ``r`` cost more (the constants above say why). Ties go to the order of Nazief–Adriani's rules, so ``-an`` comes
    before ``-kan``. Bounds cut the search: nothing is scored once it cannot beat the best so far."""
    if inflection:
        found = _EXCEPTIONS.get(base)
        if found is not None:
            return found
        if base in ROOTS:
            return base
    best: tuple[float, str] | None = None  # (cost, lemma)
    for suffix in _suffixes(base):
        stem = base[: len(base) - len(suffix)] if suffix else base
        if len(stem) < _MIN_ROOT_LEN:
            continue
        cost_suffix = 1.0 if suffix else 0.0
        if best is not None and best[0] <= cost_suffix:
            break
        if suffix and stem in _KNOWN:
            result = _lemma_of((), stem, suffix)
            cost = _BARE_KAN_COST if suffix == "kan" else cost_suffix
            if result is not None and (best is None or cost < best[0]):
                best = (cost, result)
                if cost == cost_suffix:
                    continue  # nothing with a prefix can be cheaper
        for chain, root in _prefix_chains(stem, None, 0):
            cost = cost_suffix + _PREFIX_COST * len(chain)
            if not suffix and root.endswith(_CONFIX_ENDINGS.get(chain[-1][0], ())):
                cost += _DERIVED_ROOT_COST  # pengawasan is peN-…-an + awas, not peN- + kawasan
            if _r_recoded(chain, root):
                cost += _R_RECODED_COST
            if best is not None and cost >= best[0]:
                continue
            result = _lemma_of(chain, root, suffix)
            if result is None:
                continue
            if inflection.startswith("nya") and chain[0][0] == "se" and result == base:
                result = base + "nya"  # se-…-nya adverbs are words of their own: selanjutnya, sebaiknya
            best = (cost, result)
    return None if best is None else best[1]


def _r_recoded(chain: Chain, root: str) -> bool:
    """Whether the analysis reads ``berV``/``terV`` as ``be-``/``te-`` + a root in r (berintikan: inti, not rintik)."""
    for i, (tag, before) in enumerate(chain):
        if tag in ("ber", "ter") and before[2] == "r" and before[3] in _VOWELS:
            rest = chain[i + 1][1] if i + 1 < len(chain) else root
            if rest[0] == "r":
                return True
    return False


def _suffixes(base: str) -> tuple[str, ...]:
    """Derivational suffixes to try, none first; ``-an`` before ``-kan`` (a root ending in k: ``perbankan``)."""
    if base.endswith("kan"):
        return ("", "an", "kan")
    if base.endswith("an"):
        return ("", "an")
    if base.endswith("i"):
        return ("", "i")
    return ("",)


def _prefix_chains(word: str, parent: str | None, depth: int) -> Iterator[tuple[Chain, str]]:
    """Every way to remove one or more prefixes from ``word`` down to a known root, shallowest first."""
    allowed = _NEXT[parent]
    options = [(tag, rest) for tag, rest in _prefix_options(word) if tag in allowed]
    for tag, rest in options:
        if rest in _KNOWN:
            yield ((tag, word),), rest
    if depth + 1 < _MAX_PREFIXES:
        for tag, rest in options:
            for chain, root in _prefix_chains(rest, tag, depth + 1):
                yield ((tag, word), *chain), root


def _prefix_options(s: str) -> list[tuple[str, str]]:
    """The prefixes ``s`` may start with, each with what remains (nasals recoded), most likely first.

    Nazief–Adriani's rules as extended by Asian (2007) and Sastrawi, less the informal ``ku-``/``kau-`` and the
    infixes. ``peN-`` is tagged apart from ``pe-`` (no nasal): only the first is verbal."""
    n = len(s)
    if n < 5:
        return []
    head = s[:2]
    third = s[2]
    out: list[tuple[str, str]] = []
    if head == "me":
        if s.startswith("meng"):
            r = s[4:]
            if r[0] == "e":
                out += _menge(r, "meN")
            elif r[0] in _VOWELS:
                out += [("meN", r), ("meN", "k" + r), ("meN", "ng" + r)]
            elif r[0] in "ghkq":
                out.append(("meN", r))
        elif s.startswith("meny"):
            r = s[4:]
            if r[0] in _VOWELS:
                out += [("meN", "ny" + r), ("meN", "s" + r)]
        elif third == "m":
            r = s[3:]
            if r[0] in "bfvp":
                out.append(("meN", r))  # membaca, memproses, memperhatikan (memper- is meN- + per-)
            elif r[0] in _VOWELS:
                out += [("meN", "m" + r), ("meN", "p" + r)]
        elif third == "n":
            r = s[3:]
            if r[0] in "cdjstz":
                out.append(("meN", r))
            elif r[0] in _VOWELS:
                out += [("meN", "n" + r), ("meN", "t" + r)]
        elif third in "lrwy" and s[3] in _VOWELS:
            out.append(("meN", s[2:]))
    elif head == "di":
        out.append(("di", s[2:]))
    elif head == "pe":
        if s.startswith("peng"):
            r = s[4:]
            if r[0] == "e":
                out += _menge(r, "peN")
            elif r[0] in _VOWELS:
                out += [("peN", r), ("peN", "k" + r), ("pe", "ng" + r)]
            else:
                out.append(("peN", r))  # penggunaan, penghasilan, pengkajian
        elif s.startswith("peny"):
            r = s[4:]
            if r[0] in _VOWELS:
                out += [("pe", "ny" + r), ("peN", "s" + r)]
        elif third == "m":
            r = s[3:]
            if r[0] in "bfv":
                out.append(("peN", r))
            elif r[0] in _VOWELS:
                out += [("pe", "m" + r), ("peN", "p" + r)]
        elif third == "n":
            r = s[3:]
            if r[0] in "cdjz":
                out.append(("peN", r))
            elif r[0] in _VOWELS:
                out += [("pe", "n" + r), ("peN", "t" + r)]
        elif third == "r":
            r = s[3:]
            if r[0] in _VOWELS:
                out += [("per", r), ("pe", "r" + r)]
            elif r[0] != "r":
                out.append(("per", r))
        elif s.startswith("pelajar"):
            out.append(("per", s[3:]))  # pel- is per- before ajar
        elif third in "lwy":
            if s[3] in _VOWELS:
                out.append(("pe", s[2:]))
        elif third not in _VOWELS:
            out.append(("pe", s[2:]))  # pekerja, petani, pedagang
    elif head == "be":
        if third == "r":
            r = s[3:]
            if r[0] in _VOWELS:
                out += [("ber", r), ("ber", "r" + r)]
            elif r[0] != "r":
                out.append(("ber", r))
        elif s.startswith("belajar"):
            out.append(("ber", s[3:]))
        elif third not in _VOWELS and s[3:5] == "er" and n > 5 and s[5] not in _VOWELS:
            out.append(("ber", s[2:]))  # bekerja, beternak, bepergian
    elif head == "te":
        if third == "r":
            r = s[3:]
            if r[0] in _VOWELS:
                out += [("ter", r), ("ter", "r" + r)]
            elif r[0] != "r":
                out.append(("ter", r))
    elif head == "ke":
        out.append(("ke", s[2:]))
    elif head == "se":
        out.append(("se", s[2:]))
    return out


# The monosyllabic roots that take menge-/penge- (mengecat, pengesahan): a closed class, listed rather than guessed,
# because "menge" + any syllable is more often meng- + a root in ke- (mengenal is kenal, not nal).
_MENGE_ROOTS: frozenset[str] = frozenset(
    (
        "bom",
        "bor",
        "cap",
        "cat",
        "cek",
        "cor",
        "las",
        "lap",
        "lem",
        "pak",
        "pel",
        "rem",
        "sah",
        "set",
        "sol",
        "tes",
        "tik",
    )
)


def _menge(r: str, tag: str) -> list[tuple[str, str]]:
    """Readings of meng-/peng- before ``e``: a listed monosyllable (mengesahkan → sah), then the swallowed ``k``
    (mengemas → kemas, mengenal → kenal: far more roots start with ke- than with e-), then the vowel (mengedarkan)."""
    out = [(tag, r[1:])] if r[1:] in _MENGE_ROOTS else []
    out += [(tag, "k" + r), (tag, r)]
    return out


def _lemma_of(chain: Chain, root: str, suffix: str) -> str | None:
    """Apply the two-kinds rule to one analysis; None when the affixes cannot go together."""
    if suffix == "an":
        # peN- is pe- before l, m, n, w, y (pelaksanaan, pelayanan, penilaian, pewarisan): with -an it is the
        # process noun of the meN- verb (melaksanakan, melayani, menilai), so it belongs with the verb
        chain = tuple(
            ("peN", b) if t == "pe" and b[2:3] in _PE_NASAL and b[3:4] in _VOWELS else (t, b) for t, b in chain
        )
    tags = [tag for tag, _ in chain]
    verbal: list[bool] = []
    parent: str | None = None
    for tag in tags:
        if tag in _VERBAL:
            verbal.append(True)
        elif tag in ("per", "pe"):
            verbal.append(parent in _VERB_PARENTS or (parent is None and suffix in ("kan", "i")))
        elif tag == "ke":
            verbal.append(parent in _VERB_PARENTS)
        else:
            verbal.append(False)
        parent = tag
    # Which prefix the suffix goes with (a confix): the innermost one that can take it.
    attach = -1  # -1: the root's own suffix (bare -an, or an imperative -kan/-i)
    if suffix in ("kan", "i"):
        takes = ("meN", "di", "ter", "ber") if suffix == "kan" else ("meN", "di", "ter")
        for i in range(len(tags) - 1, -1, -1):
            if tags[i] in takes or (tags[i] in ("per", "pe") and verbal[i]):
                attach = i
                break
        else:
            if tags or suffix == "i":
                return None  # ber-…-i, ke-…-kan, se-…-i, peN-…-kan; a bare -i is too often a name (Bekasi, Bali)
    elif suffix == "an":
        if tags and tags[0] in ("meN", "di", "ter"):
            return None  # meN-…-an, di-…-an, ter-…-an
        for i in range(len(tags) - 1, -1, -1):
            if tags[i] == "peN" or (tags[i] in ("per", "pe", "ke") and not verbal[i]):
                attach = i
                break
    for i, (_, before) in enumerate(chain):
        if not verbal[i]:  # a nominal layer: the lemma is this word, with its suffix if the suffix is inside it
            return before + suffix if suffix and (attach == -1 or attach >= i) else before
    if suffix == "an" and attach == -1:
        return root + "an"  # ber- + a bare -an noun: berhubungan → hubungan
    return _EXCEPTIONS.get(root, root)
