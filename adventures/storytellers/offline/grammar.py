"""Small grammar tools for the offline storyteller: fitting the world's phrases into
past-tense prose. Pure Python, no Django.

The world files write plot twists in the present tense ("The heroes find a deer") while
the stories are told in the past tense, so `past_tense` shifts those simple sentences
with a verb list and a few rules about where a verb can stand. It only has to handle
plain, child-friendly sentences; anything it does not recognise it leaves alone.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Present -> past for irregular verbs (base form; the "-s" form is derived below).
_IRREGULAR = {
    "become": "became", "begin": "began", "bite": "bit", "blow": "blew", "break": "broke",
    "bring": "brought", "build": "built", "burst": "burst", "buy": "bought", "catch": "caught",
    "choose": "chose", "come": "came", "cut": "cut", "dig": "dug", "do": "did", "draw": "drew",
    "drink": "drank", "drive": "drove", "eat": "ate", "fall": "fell", "feel": "felt", "find": "found",
    "fly": "flew", "forget": "forgot", "freeze": "froze", "get": "got", "give": "gave", "go": "went",
    "grow": "grew", "hang": "hung", "hear": "heard", "hide": "hid", "hold": "held", "keep": "kept",
    "know": "knew", "lay": "laid", "lead": "led", "leave": "left", "let": "let", "lie": "lay",
    "light": "lit", "lose": "lost", "make": "made", "mean": "meant", "meet": "met", "put": "put",
    "read": "read", "ride": "rode", "ring": "rang", "rise": "rose", "run": "ran", "say": "said",
    "see": "saw", "sell": "sold", "send": "sent", "set": "set", "shake": "shook", "shine": "shone",
    "shoot": "shot", "show": "showed", "shut": "shut", "sing": "sang", "sink": "sank", "sit": "sat",
    "sleep": "slept", "slide": "slid", "speak": "spoke", "spell": "spelled", "spin": "spun",
    "split": "split", "spread": "spread", "spring": "sprang", "stand": "stood", "stick": "stuck",
    "sting": "stung", "swim": "swam", "swing": "swung", "take": "took", "teach": "taught",
    "tell": "told", "think": "thought", "throw": "threw", "understand": "understood", "wake": "woke",
    "wear": "wore", "weave": "wove", "win": "won", "write": "wrote",
}  # fmt: skip

# Regular verbs that the twists and choices use; anything missing stays as written.
_REGULAR = _words("""
    admit agree allow answer appear apologise arrange arrive ask bake balance beep belong blink
    bloom blush bounce bump call carry celebrate change chase cheer circle clap clean clear climb
    close collect count crawl creak cross cry dab dance decide decorate describe disappear discover
    dip drift drop dry echo end enjoy explain explore fill fix flap flash float flow flutter fold
    follow gather giggle glance gleam glide glitter glow grin guard guess guide hatch help hoot hop
    hope howl hug hum hurry invite jingle join jump kick knock land laugh learn lift like line listen
    live look love mark match melt miss move mutter need nod notice offer open paint pass peek peep
    pick plan play point poke pop praise pretend promise pull purr push rattle reach realise
    realize refuse remember repeat rescue rest return ripple roar roll rub rush sail save scatter
    search seem share shelter shiver shout shrug sigh skip slip smell smile sniff snore snort solve
    sort sparkle splash spot squeak stamp start stay step stop stretch swap swoop talk tap thank
    thump tickle tie tip touch tow tremble trot try tug tumble turn twinkle twirl unfold use vanish
    visit wait walk wander want warn wash watch wave welcome whisper whistle wiggle wink wish wobble
    wonder work worry wriggle yawn yell yip free introduce check happen finish hand marvel paddle
    """)
_DOUBLE_FINAL = _words(
    "admit clap dab dip drop grin hop hug hum nod peg plan pop rub skip slip spot step stop swap tap tip trot tug"
)
# Words that are as often plural nouns as verbs: only a verb when followed by a word
# that usually comes after a verb ("points toward", not "drops of water").
_NOUNISH = _words(
    "leaves lights points prints marks signs steps tracks waves drops plans rolls works sounds rings falls turns "
    "shows walks lines flashes spots thanks answers smells looks dances sets rocks nests patterns"
)
_AFTER_VERB = _words(
    "toward towards at away up down in out off over back aside from into onto open closed to home round around "
    "through along past across with by a an the his her its their our my your every each them him us me one "
    "white pale red green blue brighter louder softly faintly"
)
_NOT_BEFORE_VERB = _words(
    "a an the this his her its their our my your every each some any no to of in on at by for with from "
    "into onto over under one two three four five first second third last next not never would could should "
    "will can may might must cannot did does do him me us them"
)
_BOUNDARY = _words(
    "that who which when whenever where wherever whichever until while because before after if whether as "
    "though although but so what how why"
)
_AUX = {"is": "was", "are": "were", "has": "had", "have": "had", "does": "did", "can": "could",
        "cannot": "could not", "will": "would", "may": "might", "isn't": "wasn't", "aren't": "weren't",
        "doesn't": "didn't", "don't": "didn't", "can't": "couldn't", "won't": "wouldn't"}  # fmt: skip
_MODALS = {"can", "will", "may"}
_ALREADY_PAST = _words("was were had did said could would might should must")
_ADVERBS = _words("always never often still just then now soon also only later together finally suddenly")
_NOT_ADVERBS = _words(
    "butterfly family fly jelly belly holly lily curly friendly lovely lonely silly early ugly woolly wobbly "
    "chilly jolly bubbly prickly cuddly wiggly crinkly sly"
)
_PLURALS = _words("people children mice fish sheep geese feet teeth men women")
_NOT_PLURAL = _words("is was has does this its his us yes always perhaps across plus as")
_TIME_WORDS = {"time", "day", "night", "morning", "evening"}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|[^A-Za-z\s]+|\s+")


def _past_of_base(base: str) -> str:
    if base in _IRREGULAR:
        return _IRREGULAR[base]
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and base[-2:-1] not in tuple("aeiou"):
        return base[:-1] + "ied"
    if base in _DOUBLE_FINAL:
        return base + base[-1] + "ed"
    return base + "ed"


def _base_of_s_form(word: str) -> str | None:
    """The base form of a third-person "-s" verb we know, else None."""
    candidates = []
    if word.endswith("ies"):
        candidates.append(word[:-3] + "y")
    if word.endswith("es"):
        candidates.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        candidates.append(word[:-1])
    for base in candidates:
        if base in _IRREGULAR or base in _REGULAR:
            return base
    return None


def _is_adverb(word: str) -> bool:
    return word in _ADVERBS or (word.endswith("ly") and len(word) > 4 and word not in _NOT_ADVERBS)


def _looks_plural(word: str) -> bool:
    if word in _PLURALS:
        return True
    return word.endswith("s") and not word.endswith(("ss", "'s", "’s")) and word not in _NOT_PLURAL


def past_tense(sentence: str) -> str:
    """Shift a simple present-tense sentence into the past tense."""
    tokens = _TOKEN.findall(sentence)
    words = [(i, t) for i, t in enumerate(tokens) if t[0].isalpha()]
    out = list(tokens)
    clause_verb = False  # this clause already has its verb: later base forms are objects
    clause_plural = False  # a plural word came before the clause's verb
    forms: set[str] = set()  # forms ("s", "base") of the verbs changed so far, for "... and find"
    for n, (i, token) in enumerate(words):
        word = token.lower()
        gap = "".join(tokens[words[n - 1][0] + 1 : i]) if n else ""
        prev = words[n - 1][1].lower() if n else ""
        if (
            "," in gap
            or word in _BOUNDARY
            or (prev in _TIME_WORDS and n > 1 and words[n - 2][1].lower() in ("every", "each", "same"))
        ):
            clause_verb = clause_plural = False
        if word == "and" and not clause_verb:
            clause_plural = True  # "Wim and Wen appear", "the heroes and the stranger shelter"
        if word in _BOUNDARY or word in ("and", "but", "then") or _is_adverb(word):
            continue
        if word in _ALREADY_PAST:
            clause_verb = True
            continue
        k = n - 1  # the word before this one, skipping adverbs ("the heroes gently free")
        while k >= 0 and _is_adverb(words[k][1].lower()):
            k -= 1
        real_prev = words[k][1].lower() if k >= 0 else ""
        joined = real_prev in ("and", "but", "then") or (k >= 0 and "," in "".join(tokens[words[k][0] + 1 : i]))
        nxt = words[n + 1][1].lower() if n + 1 < len(words) else ""
        new, form = _change(word, n, token, real_prev, nxt, joined, clause_verb, clause_plural, forms, words)
        if new is not None:
            out[i] = new[0].upper() + new[1:] if token[0].isupper() else new
            clause_verb = True
            forms.add(form)
        elif not clause_verb and _looks_plural(word):
            clause_plural = True
    return "".join(out)


def _change(
    word: str,
    n: int,
    token: str,
    real_prev: str,
    nxt: str,
    joined: bool,
    clause_verb: bool,
    clause_plural: bool,
    forms: set[str],
    words: list[tuple[int, str]],
) -> tuple[str | None, str]:
    """The past form of `word` if it is a present-tense verb here, else (None, "")."""
    if n == 0 or (token[0].isupper() and word != "i"):
        return None, ""  # sentences do not start with their verb; capitalised words are names
    if word in _AUX:
        if real_prev in ("to", "not", "a", "the") or real_prev in _MODALS or real_prev in _ALREADY_PAST:
            return None, ""
        if word in _MODALS and not (nxt == "not" or nxt in _IRREGULAR or nxt in _REGULAR or _is_adverb(nxt)):
            return None, ""
        return _AUX[word], ("s" if word in ("is", "has", "does") else "base")
    base = _base_of_s_form(word)
    if base is not None:
        if word in _NOUNISH and nxt not in _AFTER_VERB and not _is_adverb(nxt) and not (joined and "s" in forms):
            return None, ""
        if real_prev in _NOT_BEFORE_VERB or real_prev.endswith(("'s", "’s")):
            return None, ""
        possessive_subject = n > 1 and words[n - 2][1].lower() in ("their", "its", "his", "her", "our", "my")
        if (
            not clause_verb
            or (joined and "s" in forms)
            or "base" in forms
            or possessive_subject
            or real_prev in ("he", "she", "it")
        ):
            return _past_of_base(base), "s"
        return None, ""
    if word in _IRREGULAR or word in _REGULAR:
        before_prev = words[n - 2][1].lower() if n > 1 else ""
        if real_prev in ("they", "we", "you", "i", "that", "who", "which") or (real_prev, before_prev) == (
            "them",
            "of",
        ):
            return _past_of_base(word), "base"  # "they need", "footprints that wander", "all of them lead"
        if word == "like":
            return None, ""  # far more often "like a ..." than a verb
        if joined and "base" in forms:
            return _past_of_base(word), "base"  # "open a panel and find", "move slowly, leave a gift"
        if clause_verb or not clause_plural or real_prev in _NOT_BEFORE_VERB:
            return None, ""
        if (len(real_prev) > 4 and real_prev.endswith(("ing", "ed", "en"))) or real_prev.endswith(("'s", "’s")):
            return None, ""  # "hooting call", "hidden spring": a noun after a describing word
        return _past_of_base(word), "base"
    return None, ""


def lower_first(text: str) -> str:
    """Lower-case the first letter of a phrase ("A child in ..." -> "a child in ..."), but
    not of a name or a shout ("Quill", "HELLO"): only when the first word is an everyday
    word that starts sentences."""
    first = text.split()[0] if text.strip() else ""
    if first.lower().strip("“\"'") not in _COMMON_STARTS or (len(first) > 1 and not first[1:].islower()):
        return text
    return text[0].lower() + text[1:]


_COMMON_STARTS = (
    _words("a an the this that these those every each some one two three it they we he she there here all no")
    | _REGULAR
    | frozenset(_IRREGULAR)
)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


_SPEECH_VERBS = (
    "said|asked|whispered|cried|called|shouted|added|replied|laughed|explained|announced|breathed|begged|admitted"
)
_SENTENCE_START = re.compile(rf"(^|\n\n|[.!?]\s+|[.!?][”’\"']\s+(?!(?:{_SPEECH_VERBS})\b))([“‘\"']?)([a-z])")


def capitalise_sentences(text: str) -> str:
    """A capital letter at the start of every sentence, also inside quotes and after a
    quoted sentence ("“Done.” the fox smiled" -> "The fox"), but not in a speech tag
    ("“Where?” asked Hazel")."""
    return _SENTENCE_START.sub(lambda m: m[1] + m[2] + m[3].upper(), text)


_CLAUSE_START = re.compile(
    r"\s+(?:who|whose|that|which|where|with|full of|under|on|in|behind|between|above|beside|near|at|for|so|"
    r"like|reaching|looking|running|lit|shaped|made|covered|filled|from|to|when)\s"
)


_ING_NOUNS = _words(
    "spring string ring king wing thing swing morning evening ceiling building clearing landing crossing opening "
    "painting drawing sled bed shed seed reed weed"
)
_AFTER_PARTICIPLE = _words(
    "across along round around from into onto over through past up down in on at by with toward towards"
)


def head(phrase: str) -> str:
    """The noun at the front of a phrase: "a lantern that shines brighter" -> "a lantern",
    "a huge sleeping bear snoring across the path" -> "a huge sleeping bear"."""
    phrase = phrase.strip().rstrip(".")
    match = _CLAUSE_START.search(phrase)
    words = (phrase[: match.start()] if match else phrase).split()
    for i in range(2, len(words)):
        if words[i].lower().endswith(("ing", "ed")) and words[i].lower() not in _ING_NOUNS:
            follower = words[i + 1].lower() if i + 1 < len(words) else ""
            if not follower or follower in _AFTER_PARTICIPLE or follower.endswith("ly"):
                return " ".join(words[:i])
    return " ".join(words)


def definite(phrase: str) -> str:
    """ "a pair of boots that never slip" -> "the boots"; "an owl" -> "the owl"."""
    short = head(phrase)
    short = re.sub(r"^(?:a|an|the|one)\s+(?:pair of\s+)?", "", short, flags=re.I)
    return f"the {short}"


_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with"}


def title_case(text: str) -> str:
    words = text.split()
    return " ".join(w.lower() if (i and w.lower() in _SMALL_WORDS) else capitalise(w) for i, w in enumerate(words))


def no_article(phrase: str) -> str:
    return re.sub(r"^(?:a|an|the)\s+", "", phrase.strip(), flags=re.I)


_SUBJECT = {"they": ("They", "Their"), "she": ("She", "Her"), "he": ("He", "His")}
_THEY_VERBS = {"was": "were", "has": "have", "is": "are", "does": "do"}
_SENTENCE_GAP = re.compile(r"(?<=[.!?”])\s+(?=[A-Z“])")


def hero_pronouns(text: str, hero: str, pronouns: str, others: tuple[str, ...] = ()) -> str:
    """ "Ravi laughed. Ravi went on." -> "Ravi laughed. He went on.": a sentence of the
    narration that starts with the hero's name right after another that did (and named
    nobody else, so the pronoun cannot be mistaken) starts with the pronoun instead.
    Speech is left alone."""
    subject, possessive = _SUBJECT.get(pronouns, _SUBJECT["they"])
    parts = _SENTENCE_GAP.split(text)
    result, previous_was_hero, depth = [], False, 0
    for part in parts:
        starts = not depth and (part.startswith(f"{hero} ") or part.startswith(f"{hero}'s "))
        if starts and previous_was_hero:
            if part.startswith(f"{hero}'s "):
                part = possessive + part[len(hero) + 2 :]
            else:
                rest = part[len(hero) + 1 :]
                verb = rest.split(" ", 1)[0]
                if pronouns == "they" and verb in _THEY_VERBS:
                    rest = _THEY_VERBS[verb] + rest[len(verb) :]
                part = f"{subject} {rest}"
            previous_was_hero = False  # the next one says the name again
        else:
            previous_was_hero = starts and not any(o in part[len(hero) :] for o in others)
        depth += part.count("“") - part.count("”")
        result.append(part)
    # The split only removed single spaces between sentences, so joining with one puts
    # the text back as it was.
    return " ".join(result)
