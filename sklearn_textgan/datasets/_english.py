"""Words and rules of a small probabilistic grammar of English-like sentences.

:func:`english_arcs` returns the arcs of a weighted deterministic automaton
(see :mod:`._automaton`). Within each word class, earlier words are more
frequent (weights proportional to ``1 / rank``), so that the language has a
few very common sentences and a long tail of rare ones. All nouns and
adjectives begin with a consonant sound, so that "a" is always correct.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["START", "FINAL", "english_arcs"]

START = "start"
FINAL = "final"

# Singular and plural forms, most frequent first.
ANIMALS = (
    ("dog", "dogs"), ("cat", "cats"), ("bird", "birds"), ("horse", "horses"),
    ("rabbit", "rabbits"), ("fox", "foxes"), ("mouse", "mice"), ("duck", "ducks"),
    ("cow", "cows"), ("pig", "pigs"), ("goat", "goats"), ("puppy", "puppies"),
    ("kitten", "kittens"), ("bear", "bears"), ("wolf", "wolves"), ("monkey", "monkeys"),
    ("frog", "frogs"), ("lion", "lions"),
)  # fmt: skip
PEOPLE = (
    ("girl", "girls"), ("boy", "boys"), ("man", "men"), ("woman", "women"),
    ("child", "children"), ("teacher", "teachers"), ("farmer", "farmers"),
    ("baby", "babies"), ("doctor", "doctors"), ("student", "students"),
    ("baker", "bakers"), ("friend", "friends"), ("neighbor", "neighbors"),
    ("king", "kings"), ("queen", "queens"), ("sailor", "sailors"),
    ("painter", "painters"), ("driver", "drivers"),
)  # fmt: skip
THINGS = (
    ("ball", "balls"), ("book", "books"), ("box", "boxes"), ("hat", "hats"),
    ("kite", "kites"), ("letter", "letters"), ("cup", "cups"), ("bag", "bags"),
    ("bike", "bikes"), ("car", "cars"), ("toy", "toys"), ("flower", "flowers"),
    ("picture", "pictures"), ("drum", "drums"), ("key", "keys"), ("coat", "coats"),
    ("lamp", "lamps"), ("basket", "baskets"), ("bone", "bones"), ("shoe", "shoes"),
)  # fmt: skip
FOODS = (
    ("cake", "cakes"), ("sandwich", "sandwiches"), ("cookie", "cookies"),
    ("banana", "bananas"), ("pie", "pies"), ("carrot", "carrots"), ("pear", "pears"),
    ("muffin", "muffins"), ("peach", "peaches"), ("pizza", "pizzas"),
    ("potato", "potatoes"), ("melon", "melons"),
)  # fmt: skip
PLACES = (
    "park", "garden", "house", "kitchen", "river", "forest", "street", "school",
    "field", "lake", "barn", "market", "beach", "yard", "hill", "library",
    "station", "village",
)  # fmt: skip

ANIMATE_ADJECTIVES = (
    "little", "small", "big", "young", "happy", "lazy", "hungry", "sleepy",
    "friendly", "tired", "quiet", "brave", "clever", "funny", "lucky", "shy",
)  # fmt: skip
COAT_COLORS = ("brown", "black", "white", "gray", "spotted", "striped", "golden")
THING_ADJECTIVES = (
    "small", "big", "new", "little", "heavy", "pretty", "broken", "tiny",
    "strange", "shiny", "soft", "long",
)  # fmt: skip
COLORS = ("red", "blue", "green", "yellow", "black", "white", "pink", "purple")
FOOD_ADJECTIVES = ("big", "small", "warm", "sweet", "fresh", "tasty", "huge")
PLACE_ADJECTIVES = (
    "big", "small", "quiet", "busy", "dark", "sunny", "little", "green", "noisy", "cold",
)  # fmt: skip
PREDICATE_ADJECTIVES = (
    "happy", "hungry", "tired", "sad", "sleepy", "busy", "quiet", "ready", "angry",
    "calm", "brave", "lucky", "late", "cold", "excited", "afraid",
)  # fmt: skip
DEGREE_WORDS = ("very", "so", "not", "really", "too")

# Verbs: third person singular and base form, by the objects they take.
INTRANSITIVE = (
    ("sleeps", "sleep"), ("runs", "run"), ("plays", "play"), ("sits", "sit"),
    ("walks", "walk"), ("jumps", "jump"), ("sings", "sing"), ("waits", "wait"),
    ("laughs", "laugh"), ("smiles", "smile"), ("rests", "rest"), ("dances", "dance"),
    ("swims", "swim"), ("hides", "hide"), ("works", "work"), ("cries", "cry"),
)  # fmt: skip
ANIMATE_VERBS = (
    ("follows", "follow"), ("helps", "help"), ("loves", "love"), ("meets", "meet"),
    ("visits", "visit"), ("calls", "call"), ("hugs", "hug"),
)  # fmt: skip
ANY_OBJECT_VERBS = (
    ("sees", "see"), ("likes", "like"), ("chases", "chase"), ("watches", "watch"),
    ("finds", "find"), ("wants", "want"),
)  # fmt: skip
THING_VERBS = (
    ("has", "have"), ("holds", "hold"), ("carries", "carry"), ("drops", "drop"),
    ("brings", "bring"), ("throws", "throw"), ("paints", "paint"), ("kicks", "kick"),
)  # fmt: skip
FOOD_VERBS = (("eats", "eat"), ("bakes", "bake"), ("shares", "share"), ("cooks", "cook"))

BEFORE_VERB = ("often", "always", "never", "usually", "sometimes", "rarely", "also", "still")
QUESTION_BEFORE_VERB = ("ever", "often", "always", "really", "still", "usually")
MANNER = (
    "quickly", "slowly", "quietly", "happily", "loudly", "gently", "carefully",
    "sadly", "softly", "proudly",
)  # fmt: skip
OPENERS = ("today", "now", "sometimes", "suddenly", "then", "later", "again")
PREPOSITIONS = ("in", "near", "behind", "beside", "by")

# Determiners by the grammatical number they allow, with weights.
SINGULAR_DETERMINERS = (("a", 5.0), ("this", 1.0), ("that", 0.8), ("every", 0.4), ("one", 0.3))
PLURAL_DETERMINERS = (("some", 1.0), ("two", 0.8), ("these", 0.5), ("three", 0.4),
                      ("many", 0.4), ("those", 0.3))  # fmt: skip
ANY_DETERMINERS = (("the", 9.0), ("my", 1.5), ("your", 0.7), ("her", 0.6), ("his", 0.6),
                   ("our", 0.5), ("their", 0.4))  # fmt: skip
PLACE_DETERMINERS = (("the", 8.0), ("a", 2.0), ("my", 1.0), ("our", 0.5), ("this", 0.5),
                     ("her", 0.4), ("his", 0.4), ("that", 0.3))  # fmt: skip

PLURAL_SHARE = 0.3  # share of plural nouns where both numbers are possible

Arcs = dict[str, list[tuple[str, str, float]]]


@dataclass(frozen=True)
class _Nouns:
    """A class of nouns with the adjectives and colours that may precede them."""

    name: str
    forms: tuple[tuple[str, str], ...]
    adjectives: tuple[str, ...]
    colors: tuple[str, ...] = ()


_PEOPLE = _Nouns("people", PEOPLE, ANIMATE_ADJECTIVES)
_ANIMALS = _Nouns("animals", ANIMALS, ANIMATE_ADJECTIVES, COAT_COLORS)
_THINGS = _Nouns("things", THINGS, THING_ADJECTIVES, COLORS)
_FOODS = _Nouns("food", FOODS, FOOD_ADJECTIVES)
_PLACES = _Nouns("places", tuple((place, place) for place in PLACES), PLACE_ADJECTIVES)

# Noun phrases: the noun classes they draw from, with their shares.
NounPhrase = tuple[tuple[_Nouns, float], ...]
ANIMATE: NounPhrase = ((_PEOPLE, 0.45), (_ANIMALS, 0.35))
ANY_OBJECT: NounPhrase = ((_PEOPLE, 0.25), (_ANIMALS, 0.25), (_THINGS, 0.3))
THING: NounPhrase = ((_THINGS, 0.8),)
FOOD: NounPhrase = ((_FOODS, 0.8),)
PLACE: NounPhrase = ((_PLACES, 0.8),)

# Weights, relative to the nouns' shares, of an adjective or a colour right
# after the determiner, of the nouns and of a colour after an adjective.
_ADJECTIVE_AFTER_DETERMINER = 0.12
_COLOR_AFTER_DETERMINER = 0.06
_NOUN_AFTER_ADJECTIVE = 0.8
_COLOR_AFTER_ADJECTIVE = 0.1

OBJECT_KINDS = (
    ("animate", ANIMATE, ANIMATE_VERBS, 0.12),
    ("any", ANY_OBJECT, ANY_OBJECT_VERBS, 0.15),
    ("things", THING, THING_VERBS, 0.13),
    ("food", FOOD, FOOD_VERBS, 0.08),
)


def _zipf(words: Sequence[str], total: float) -> list[tuple[str, float]]:
    """Spread ``total`` over ``words`` with weights proportional to 1 / rank."""
    norm = sum(1.0 / rank for rank in range(1, len(words) + 1))
    return [(word, total / (rank * norm)) for rank, word in enumerate(words, start=1)]


def _number_share(number: str, numbers: Sequence[str]) -> float:
    """Share of the nouns of one grammatical number after a determiner."""
    if len(numbers) == 1:
        return 1.0
    return PLURAL_SHARE if number == "pl" else 1.0 - PLURAL_SHARE


def _union(groups: NounPhrase, attribute: str) -> list[str]:
    """Words of an attribute of several noun classes, in order, without repeats."""
    words: list[str] = []
    for nouns, _ in groups:
        words += [word for word in getattr(nouns, attribute) if word not in words]
    return words


class _Rules:
    """Collects arcs; weights are normalised per state by the automaton."""

    def __init__(self) -> None:
        self.arcs: Arcs = defaultdict(list)

    def add(self, state: str, words: Sequence[str], nxt: str, total: float) -> None:
        for word, weight in _zipf(words, total):
            self.arcs[state].append((word, nxt, weight))

    def noun_phrase(
        self,
        name: str,
        phrase: NounPhrase,
        exits: dict[str, str],
        determiners: Sequence[tuple[str, float]] | None = None,
    ) -> list[tuple[str, str, float]]:
        """Add the states of a noun phrase; return its determiner arcs.

        ``exits`` maps "sg" and/or "pl" to the state reached after the noun.
        The determiner arcs are returned, not added, so that several states
        can start the same noun phrase.
        """
        if determiners is not None:
            groups = [("det", determiners, ("sg",))]
        else:
            groups = [
                ("any", ANY_DETERMINERS, ("sg", "pl")),
                ("sg", SINGULAR_DETERMINERS, ("sg",)),
                ("pl", PLURAL_DETERMINERS, ("pl",)),
            ]
        entry = []
        for group, group_determiners, numbers in groups:
            numbers = tuple(number for number in numbers if number in exits)
            if not numbers:
                continue
            base = f"{name}.{group}"
            entry += [(word, base, weight) for word, weight in group_determiners]
            self._modified_noun(base, base, "det", phrase, numbers, exits)
        return entry

    def _modified_noun(
        self,
        base: str,
        state: str,
        stage: str,
        phrase: NounPhrase,
        numbers: Sequence[str],
        exits: dict[str, str],
    ) -> None:
        """Add the arcs of ``state``, reached after a determiner, an adjective
        or a colour (``stage``), from which the nouns of ``phrase`` follow."""
        scale = _NOUN_AFTER_ADJECTIVE if stage == "adj" else 1.0
        for nouns, share in phrase:
            if stage == "color" and not nouns.colors:
                continue
            for number in numbers:
                form = 0 if number == "sg" else 1
                weight = scale * share * _number_share(number, numbers)
                self.add(state, [pair[form] for pair in nouns.forms], exits[number], weight)
        branches = {
            "det": (
                ("adjectives", "adj", _ADJECTIVE_AFTER_DETERMINER),
                ("colors", "color", _COLOR_AFTER_DETERMINER),
            ),
            "adj": (("colors", "color", _COLOR_AFTER_ADJECTIVE),),
            "color": (),
        }[stage]
        for attribute, next_stage, total in branches:
            words = _union(phrase, attribute)
            for word, weight in _zipf(words, total):
                allowed = tuple(
                    (nouns, share) for nouns, share in phrase if word in getattr(nouns, attribute)
                )
                nxt = f"{base}.{next_stage}." + "+".join(nouns.name for nouns, _ in allowed)
                self.arcs[state].append((word, nxt, weight))
                if nxt not in self.arcs:
                    self._modified_noun(base, nxt, next_stage, allowed, numbers, exits)

    def objects(self, prefix: str, exit_state: str) -> dict[str, str]:
        """Add the object noun phrases of a clause; return their start states."""
        starts = {}
        for kind, phrase, _, _ in OBJECT_KINDS:
            starts[kind] = f"{prefix}.{kind}"
            exits = {"sg": exit_state, "pl": exit_state}
            self.arcs[starts[kind]] = self.noun_phrase(f"{prefix}.o{kind}", phrase, exits)
        return starts

    def place(self, name: str, exit_state: str) -> list[tuple[str, str, float]]:
        return self.noun_phrase(name, PLACE, {"sg": exit_state}, PLACE_DETERMINERS)

    def verb_phrase(
        self,
        prefix: str,
        *,
        forms: int,
        before_verb: Sequence[str],
        objects: dict[str, str],
        intransitive_done: str,
        copula: tuple[str, str] | None,
    ) -> str:
        """Add a verb-phrase start state and its variant after an adverb.

        ``forms`` picks the verb form (0: third person singular, 1: base);
        ``objects`` maps the kinds of :data:`OBJECT_KINDS` to the states
        starting their noun phrases. Returns the start state.
        """
        adverb = f"{prefix}.adv"
        for state in (prefix, adverb):
            self.add(state, [v[forms] for v in INTRANSITIVE], intransitive_done, 0.35)
            for kind, _, verbs, share in OBJECT_KINDS:
                self.add(state, [v[forms] for v in verbs], objects[kind], share)
        self.add(prefix, before_verb, adverb, 0.07)
        if copula is not None:
            self.add(prefix, [copula[0]], copula[1], 0.08)
        return prefix


def _declarative(rules: _Rules, prefix: str, *, long: bool, conjunction: str | None) -> list:
    """Add a declarative clause; return the arcs that start its subject.

    A long clause may end with prepositional phrases and be followed by
    "and" and a second, short clause (``conjunction`` is that clause's start).
    """
    add = rules.add
    stop = f"{prefix}.stop"  # the clause is complete; only the final mark follows
    done = f"{prefix}.done"  # complete, and "and" may follow
    rules.arcs[done] = [(".", FINAL, 0.8), ("!", FINAL, 0.08)]
    if conjunction is not None:
        rules.arcs[done].append(("and", conjunction, 0.12))

    pp = f"{prefix}.pp"
    after_intransitive, after_object = f"{prefix}.intr", f"{prefix}.obj"
    after_adverb, copula, degree = f"{prefix}.manner", f"{prefix}.cop", f"{prefix}.degree"
    objects = rules.objects(prefix, after_object)
    for state in (after_intransitive, after_object, after_adverb):
        rules.arcs[state].extend(rules.arcs[done])
    add(after_intransitive, MANNER, after_adverb, 0.25)
    add(after_object, MANNER, after_adverb, 0.12)
    add(copula, PREDICATE_ADJECTIVES, done, 0.7)
    add(copula, DEGREE_WORDS, degree, 0.2)
    add(degree, PREDICATE_ADJECTIVES, done, 1.0)
    if long:
        rules.arcs[stop] = [(".", FINAL, 0.9), ("!", FINAL, 0.1)]
        rules.arcs[pp] = rules.place(f"{prefix}.place", stop)
        with_phrase, after_with = f"{prefix}.with", f"{prefix}.withdone"
        rules.arcs[with_phrase] = rules.noun_phrase(
            f"{prefix}.wt", THING, {"sg": after_with, "pl": after_with}
        )
        rules.arcs[after_with].extend(rules.arcs[done])
        add(after_intransitive, ["with"], with_phrase, 0.08)
        for state, share in (
            (after_intransitive, 0.3),
            (after_object, 0.2),
            (after_adverb, 0.35),
            (after_with, 0.4),
            (copula, 0.15),
        ):
            add(state, PREPOSITIONS, pp, share)

    verb_phrases = {}
    for number, forms, verb in (("sg", 0, "is"), ("pl", 1, "are")):
        verb_phrases[number] = rules.verb_phrase(
            f"{prefix}.vp.{number}",
            forms=forms,
            before_verb=BEFORE_VERB,
            objects=objects,
            intransitive_done=after_intransitive,
            copula=(verb, copula),
        )
    return rules.noun_phrase(f"{prefix}.subj", ANIMATE, verb_phrases)


def _questions(rules: _Rules, prefix: str) -> list[tuple[str, str, float]]:
    """Add yes/no questions; return the arcs of their first word."""
    add = rules.add
    stop = f"{prefix}.stop"
    rules.arcs[stop] = [("?", FINAL, 1.0)]
    pp, verb_phrase = f"{prefix}.pp", f"{prefix}.vp"
    after_intransitive, after_object = f"{prefix}.intr", f"{prefix}.obj"
    after_adverb, predicate, degree = f"{prefix}.manner", f"{prefix}.pred", f"{prefix}.degree"
    rules.arcs[pp] = rules.place(f"{prefix}.place", stop)
    rules.verb_phrase(
        verb_phrase,
        forms=1,
        before_verb=QUESTION_BEFORE_VERB,
        objects=rules.objects(prefix, after_object),
        intransitive_done=after_intransitive,
        copula=None,
    )
    for state, manner, place in (
        (after_intransitive, 0.2, 0.3),
        (after_object, 0.1, 0.2),
        (after_adverb, 0.0, 0.3),
    ):
        rules.arcs[state].append(("?", FINAL, 1.0 - manner - place))
        if manner:
            add(state, MANNER, after_adverb, manner)
        add(state, PREPOSITIONS, pp, place)
    add(predicate, PREDICATE_ADJECTIVES, stop, 0.7)
    add(predicate, ("very", "really", "too"), degree, 0.15)
    add(predicate, PREPOSITIONS, pp, 0.15)
    add(degree, PREDICATE_ADJECTIVES, stop, 1.0)

    firsts = []
    for word, number, nxt, weight in (
        ("does", "sg", verb_phrase, 0.35),
        ("do", "pl", verb_phrase, 0.15),
        ("is", "sg", predicate, 0.35),
        ("are", "pl", predicate, 0.15),
    ):
        state = f"{prefix}.{word}"
        rules.arcs[state] = rules.noun_phrase(state, ANIMATE, {number: nxt})
        firsts.append((word, state, weight))
    return firsts


def english_arcs() -> tuple[dict[str, list[tuple[str, str, float]]], str, str]:
    """Return ``(arcs, start, final)`` of the English-like grammar."""
    rules = _Rules()
    rules.arcs["and.start"] = _declarative(rules, "and", long=False, conjunction=None)
    subject = _declarative(rules, "main", long=True, conjunction="and.start")
    opener = f"{START}.opener"
    rules.arcs[opener] = list(subject)
    questions = _questions(rules, "question")
    # Shares of the first word: plain statements 82%, statements after an
    # opening adverb 8%, questions 10%.
    statement_total = sum(weight for _, _, weight in subject)
    rules.arcs[START] = [
        (word, nxt, 0.82 * weight / statement_total) for word, nxt, weight in subject
    ]
    rules.add(START, OPENERS, opener, 0.08)
    question_total = sum(weight for _, _, weight in questions)
    rules.arcs[START] += [
        (word, nxt, 0.1 * weight / question_total) for word, nxt, weight in questions
    ]
    return dict(rules.arcs), START, FINAL
