"""The outreach coach: rule-based feedback on a draft ask, pitch, intro request or reply.

Pure and deterministic: the same text always gives the same report. A draft is split into
a greeting, body sentences and a sign-off; the sign-off, any signature below it and a
quoted earlier message are left out. Each check is a small function over the body
sentences; the kind of draft decides how much each check matters (the SEVERITY table).
Cues are matched on a sentence's words, lower-cased and joined by single spaces, so
"AI-powered", "ai powered" and "AI powered" read the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from goodwill.domain.drafts import URL as _URL
from goodwill.domain.drafts import WORD as _WORD
from goodwill.domain.drafts import split_draft
from goodwill.errors import ValidationFailed

KINDS = ("ask", "pitch", "intro-request", "reply")
WARNING, INFO = "warning", "info"
READY, NEEDS_WORK, REWRITE = "ready", "needs work", "rewrite"

COLD_MAX_WORDS = 150  # cold notes that get answered mostly run 50-125 words
REPLY_MAX_WORDS = 200
COLD_MIN_WORDS = 25  # below this a cold note cannot carry situation, why and ask
REPLY_MIN_WORDS = 3
LONG_SENTENCE_WORDS = 35
LONG_SENTENCES_SHOWN = 2
BLURB_MAX_WORDS = 60  # a forwardable blurb is 1-3 sentences, about two lines
SELF_FOCUS_MIN = 3  # fewer I/we words than this never make a draft self-centred
WARNING_COST, INFO_COST = 15, 5
REWRITE_WARNINGS = 3

_W, _I = WARNING, INFO
# fmt: off
SEVERITY: dict[str, tuple[str | None, str | None, str | None, str | None]] = {
    # check                  ask  pitch  intro-request  reply   (None: not expected)
    "self-focus":           (_W,  _W,    _W,            _I),
    "feature-talk":         (_W,  _W,    _W,            _I),
    "no-reader-situation":  (_I,  _W,    _I,            None),
    "missing-why":          (_W,  _W,    _W,            None),
    "unclear-ask":          (_W,  _W,    _W,            None),
    "no-time-frame":        (_I,  _I,    _I,            None),
    "no-next-step":         (_I,  _I,    _I,            None),
    "no-reader-question":   (_W,  _W,    _W,            None),
    "not-forwardable":      (_W,  _W,    _W,            None),
    "too-long":             (_W,  _W,    _W,            _W),
    "too-short":            (_W,  _W,    _W,            _I),
    "long-sentence":        (_I,  _I,    _I,            _I),
}

# What each finding is called and what to do about it ({placeholders} filled by the check).
ADVICE: dict[str, tuple[str, str]] = {
    "self-focus": ("about you, not them",
        "It says I/we/my/our {me} times and you/your {you}. Turn this sentence toward them: "
        "start from their goal or problem ('You mentioned …') instead of 'We …'."),
    "feature-talk": ("features, not their needs",
        "{features} sentences describe the product and {situation} their situation. Replace "
        "a feature with the result it gives them ('so your team can …')."),
    "no-reader-situation": ("their situation is missing",
        "Open with their situation in one line: what they are working on or struggling with, "
        "e.g. 'I saw your team is hiring data engineers'."),
    "missing-why": ("no reason for them to care",
        "Say what is in it for them: the result for them, or what you offer in return "
        "(e.g. 'it could halve your onboarding time', 'happy to share the notes')."),
    "unclear-ask": ("no clear ask",
        "End with one plain request they can answer with yes or no, e.g. 'Would you be open "
        "to a 15-minute call next week?'"),
    "no-time-frame": ("how long it takes is unclear",
        "Say how much of their time it takes: '15 minutes', 'a two-line intro', "
        "'one question by email'."),
    "no-next-step": ("no next step",
        "Say what happens after a yes: 'just reply and I'll send two times', "
        "'I'll send a short agenda the day before'."),
    "no-reader-question": ("no question about them",
        "Ask one question about them, not about your request, e.g. 'What does your hiring "
        "timeline look like?' or 'How are you handling this today?'"),
    "not-forwardable": ("nothing they could forward",
        "Add 1-3 sentences someone could forward as they are: who you are, what you want and "
        "why it helps the other side, without 'you'. E.g. 'Dana Lee runs growth at Acme and "
        "is looking to meet ops leaders who cut shipping costs.'"),
    "too-long": ("too long",
        "{words} words; keep it under {most}. It passes that here: keep their situation, the "
        "why, the ask and the forwardable line; cut the rest."),
    "too-short": ("too short",
        "{words} words is too little to act on: add their situation, what you ask and why it "
        "helps them."),
    "long-sentence": ("long sentence",
        "{words} words in one sentence: split it in two, one idea per sentence."),
}
# fmt: on


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    sentence: str  # the sentence it refers to, as written ("" when the body is empty)
    suggestion: str


@dataclass(frozen=True)
class Stats:
    words: int
    sentences: int
    bullets: int
    questions: int
    self_words: int
    reader_words: int
    feature_sentences: int
    situation_sentences: int
    greeting: str | None
    signoff: str | None


@dataclass(frozen=True)
class Report:
    verdict: str
    score: int
    findings: tuple[Finding, ...]
    stats: Stats
    kind: str
    kind_detected: bool


def parse_kind(value: str, field: str = "kind") -> str:
    kind = value.strip().lower()
    if kind == "intro":
        return "intro-request"
    if kind not in (*KINDS, "auto"):
        raise ValidationFailed(field, f"must be one of auto, {', '.join(KINDS)}, not {value!r}")
    return kind


# ------------------------------------------------------------------------------- the cues


def _cue(*phrases: str) -> re.Pattern[str]:
    """Whole-word phrases, written in the same normal form as a sentence's probe."""
    words = sorted({" ".join(_WORD.findall(p.lower())) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, words)) + r")(?!\S)")


# fmt: off
SELF_WORDS = frozenset("i me my mine myself we us our ours ourselves i'm i've i'd i'll "
                       "we're we've we'd we'll".split())
READER_WORDS = frozenset("you your yours yourself yourselves you're you've you'd you'll "
                         "y'all".split())
FEATURE = _cue(
    "feature", "features", "platform", "solution", "our product", "software", "dashboard",
    "dashboards", "integration", "integrations", "api", "ai", "ai-powered", "powered by",
    "machine learning", "cutting-edge", "state-of-the-art", "best-in-class", "industry-leading",
    "innovative", "revolutionary", "seamless", "seamlessly", "robust", "scalable", "end-to-end",
    "all-in-one", "real-time", "automated", "automates", "proprietary", "patented", "we built",
    "we've built", "we launched", "our technology", "new version", "module", "plugin", "saas",
    "cloud-based", "blockchain", "our app")
SITUATION = _cue(  # with "you/your": the reader's situation and needs
    "challenge", "challenges", "problem", "problems", "struggle", "struggling", "pain", "goal",
    "goals", "trying to", "need", "needs", "hiring", "looking for", "working on", "focus",
    "priority", "priorities", "plan", "plans", "growing", "scaling", "expanding", "launching",
    "spend", "spending", "losing", "frustrating", "bottleneck", "backlog", "deadline",
    "customers", "team", "role", "roadmap", "mentioned", "wrote", "saw", "read", "heard",
    "congratulations", "congrats", "post", "talk", "article", "cost", "costs", "budget",
    "churn", "risk", "hard", "difficult", "slow", "manual", "want", "hoping", "new job")
BENEFIT = _cue(  # with "you/your": what is in it for the reader
    "help", "helps", "save", "saves", "cut", "reduce", "grow", "faster", "easier", "useful",
    "valuable", "worth", "benefit", "so you", "so your", "so that", "which means", "you'd get",
    "you could", "you can", "you'll", "in it for", "relevant", "a fit", "solve", "solves",
    "fix", "free up", "more time", "less time", "win", "avoid")
GIVE = _cue(  # an offer is a reason to care on its own
    "happy to", "glad to", "in return", "no strings", "i can share", "i could share",
    "i can send", "i could send", "i can introduce", "i could introduce", "i can help",
    "i could help", "i can offer", "i'd be happy", "i'd be glad", "i'll share", "on me",
    "my treat")
REQUEST = _cue(
    "could you", "would you", "can you", "will you", "would it be possible", "are you open",
    "open to", "are you free", "are you available", "do you have time", "would you mind",
    "could we", "can we", "shall we", "let's", "let me know", "i'd like", "i would like",
    "i'd love", "i would love", "i'm hoping", "i am hoping", "i was hoping", "please",
    "would it help", "want me to", "should i", "introduce", "introduction", "intro",
    "connect me", "put me in touch", "any chance", "interested in", "i'd appreciate",
    "i would appreciate", "would be grateful")
DURATION = re.compile(
    r"(?<!\S)(?:\d+|one|two|three|four|five|ten|fifteen|twenty|thirty|forty five|a few|"
    r"a couple of) (?:min|mins|minute|minutes|hour|hours|hr|hrs|day|days|week|weeks|line|"
    r"lines|sentence|sentences|question|questions)(?!\S)|(?<!\S)(?:an hour|a minute|half an "
    r"hour|(?:quick|short|brief) (?:call|chat|intro|introduction|email|note|look|read|"
    r"question|reply|coffee|meeting))(?!\S)")
NEXT_STEP = _cue(
    "next week", "this week", "tomorrow", "monday", "tuesday", "wednesday", "thursday",
    "friday", "i'll", "i will", "we'll", "if yes", "if so", "if you're open", "if that works",
    "if it helps", "if useful", "if helpful", "once you", "then i", "after that", "calendar",
    "calendly", "link", "reply", "follow up", "set up", "schedule", "book", "next step",
    "send over", "i can send", "a yes")
INTRO = _cue(
    "introduce me", "introducing me", "introduction to", "intro to", "introduce us",
    "connect me", "an intro",
    "put me in touch", "put me in contact", "know anyone", "know someone", "warm intro",
    "make an introduction")
REPLY = _cue(
    "thanks for your email", "thanks for your note", "thanks for your message", "as you asked",
    "thanks for your reply", "thank you for your email", "thank you for your message",
    "thanks for getting back", "thanks for reaching out", "thank you for reaching out",
    "to answer your question", "you asked", "following up on your", "good to hear from you",
    "great to hear from you")
PITCH = _cue("our product", "our platform", "our solution", "our service", "our tool", "demo",
             "pricing", "free trial", "case study", "customers like")
IDENTITY = _cue("i'm", "i am", "my name is", "i run", "i lead", "i head", "i work", "i founded",
                "i co-founded", "i've been", "i was", "i help", "we're", "we are", "we help",
                "i build", "i built", "i manage", "we run", "we build")
WANT = _cue(
    "looking for", "looking to", "hoping to", "would like", "i'd like", "we'd like", "want to",
    "wants to", "seeking", "to meet", "to connect", "to talk", "to speak", "to learn",
    "to hire", "to find", "interested in", "would love", "i'd love", "happy to", "glad to",
    "help", "helps", "helping", "needs", "knows")
FORWARD = _cue("forward", "forwardable", "pass along", "pass this", "pass it", "pass on",
               "short version", "in short", "in a nutshell", "blurb", "tl;dr", "tldr",
               "one-liner", "in one line", "copy-paste", "you can share")
_NAMED = re.compile(r"(?<![\w'’-])([^\W\d_][\w'’-]*+) (?:is|was|runs|ran|leads|led|heads|founded|"
                    r"co-founded|built|works|worked|helps|knows|has)\b")
_NOT_NAMES = frozenset("this that it there here he she they what which who everything "
                       "everyone nothing our my your the it's".split())
CONTEXT_WORDS = frozenset("this that it they these those he she also and but so then which "
                          "as both them there".split())
# fmt: on


@dataclass(frozen=True)
class Sentence:
    """One body sentence and what the checks need to know about it."""

    text: str
    probe: str  # its words, lower-cased, joined by single spaces
    words: int
    me: int
    you: int
    question: bool

    def has(self, cue: re.Pattern[str]) -> bool:
        return cue.search(self.probe) is not None

    @property
    def feature(self) -> bool:
        return self.has(FEATURE) and not self.situation

    @property
    def situation(self) -> bool:
        return self.you > 0 and self.has(SITUATION)

    @property
    def why(self) -> bool:
        return (self.you > 0 and self.has(BENEFIT)) or self.has(GIVE)

    @property
    def about_reader(self) -> bool:
        """A question about them, not a request ("What does your timeline look like?")."""
        return self.question and self.you > 0 and self.me == 0 and not self.has(REQUEST)

    @property
    def identity(self) -> bool:
        names = (m.group(1) for m in _NAMED.finditer(self.text))
        named = any(n[0].isupper() and n.lower() not in _NOT_NAMES for n in names)
        return named or self.has(IDENTITY)

    @property
    def self_contained(self) -> bool:
        return self.probe.split(" ", 1)[0] not in CONTEXT_WORDS


def analyse(text: str) -> Sentence:
    plain = _URL.sub(" link ", text)
    tokens = _WORD.findall(plain)
    lowered = [t.lower().replace("’", "'") for t in tokens]
    me = sum(1 for t, w in zip(tokens, lowered, strict=True) if w in SELF_WORDS and t != "US")
    you = sum(1 for w in lowered if w in READER_WORDS)
    question = "?" in text or "？" in text or text.startswith("¿")
    return Sentence(text, " ".join(lowered), len(tokens), me, you, question)


def detect_kind(sentences: Sequence[Sentence], quoted: bool) -> str:
    probe = " ".join(s.probe for s in sentences)
    if quoted or REPLY.search(probe):
        return "reply"
    if INTRO.search(probe):
        return "intro-request"
    if sum(s.feature for s in sentences) >= 2 or PITCH.search(probe):
        return "pitch"
    return "ask"


# ------------------------------------------------------------------------------- the checks

Hit = tuple[str, str, str]  # code, sentence, suggestion
Check = Callable[[Sequence[Sentence], str], Iterator[Hit]]


def _hit(code: str, sentence: Sentence | None, **numbers: int) -> Hit:
    return code, sentence.text if sentence else "", ADVICE[code][1].format(**numbers)


def ask_sentence(sentences: Sequence[Sentence]) -> Sentence | None:
    """The request: the first asking question, else the first request, else any question."""
    requests = [s for s in sentences if s.has(REQUEST)]
    questions = [s for s in sentences if s.question]
    return next((s for s in requests if s.question), None) or next(iter(requests + questions), None)


def _anchor(sentences: Sequence[Sentence]) -> Sentence | None:
    """Where a missing piece belongs: next to the ask, else at the end."""
    return ask_sentence(sentences) or (sentences[-1] if sentences else None)


def _first(sentences: Sequence[Sentence]) -> Sentence | None:
    return sentences[0] if sentences else None


def check_focus(sentences: Sequence[Sentence], kind: str) -> Iterator[Hit]:
    me, you = sum(s.me for s in sentences), sum(s.you for s in sentences)
    if me >= SELF_FOCUS_MIN and you * 2 < me:
        yield _hit("self-focus", max(sentences, key=lambda s: s.me - s.you), me=me, you=you)


def check_needs(sentences: Sequence[Sentence], kind: str) -> Iterator[Hit]:
    features = [s for s in sentences if s.feature]
    situation = [s for s in sentences if s.situation]
    if len(features) >= 2 and len(features) > len(situation):
        counts = {"features": len(features), "situation": len(situation)}
        yield _hit("feature-talk", features[0], **counts)
    if not situation:
        yield _hit("no-reader-situation", _first(sentences))


def check_why(sentences: Sequence[Sentence], kind: str) -> Iterator[Hit]:
    if not any(s.why for s in sentences):
        yield _hit("missing-why", _anchor(sentences))


def check_intent(sentences: Sequence[Sentence], kind: str) -> Iterator[Hit]:
    ask = ask_sentence(sentences)
    if ask is None:
        yield _hit("unclear-ask", sentences[-1] if sentences else None)
        return
    if not any(DURATION.search(s.probe) for s in sentences):
        yield _hit("no-time-frame", ask)
    if not any(s.has(NEXT_STEP) for s in sentences):
        yield _hit("no-next-step", ask)


def check_question(sentences: Sequence[Sentence], kind: str) -> Iterator[Hit]:
    if not any(s.about_reader for s in sentences):
        yield _hit("no-reader-question", _anchor(sentences))


def has_blurb(sentences: Sequence[Sentence]) -> bool:
    """1-3 self-contained sentences saying who and what, or a line offered for forwarding."""
    for i, first in enumerate(sentences):
        window = sentences[i : i + 3]
        if first.has(FORWARD) and any(s.identity or s.has(WANT) for s in window):
            return True
        if not first.self_contained:
            continue
        words, identity, want = 0, False, False
        for s in window:
            words += s.words
            if s.you or words > BLURB_MAX_WORDS:
                break  # "you" only makes sense to this reader
            identity, want = identity or s.identity, want or s.has(WANT)
            if identity and want:
                return True
    return False


def check_forwardable(sentences: Sequence[Sentence], kind: str) -> Iterator[Hit]:
    if not has_blurb(sentences):
        yield _hit("not-forwardable", _first(sentences))


def check_length(sentences: Sequence[Sentence], kind: str) -> Iterator[Hit]:
    words = sum(s.words for s in sentences)
    most = REPLY_MAX_WORDS if kind == "reply" else COLD_MAX_WORDS
    least = REPLY_MIN_WORDS if kind == "reply" else COLD_MIN_WORDS
    running = 0
    for s in sentences:
        running += s.words
        if running > most:  # quote the sentence where it passes the limit
            yield _hit("too-long", s, words=words, most=most)
            break
    if words < least:
        yield _hit("too-short", _first(sentences), words=words)
    for s in [s for s in sentences if s.words > LONG_SENTENCE_WORDS][:LONG_SENTENCES_SHOWN]:
        yield _hit("long-sentence", s, words=s.words)


CHECKS: tuple[Check, ...] = (
    check_focus,
    check_needs,
    check_why,
    check_intent,
    check_question,
    check_forwardable,
    check_length,
)


def review(text: str, kind: str = "auto") -> Report:
    """The coach's report on a draft; `kind` is one of KINDS or "auto" (see parse_kind)."""
    parts = split_draft(text)
    sentences = [analyse(s) for s in parts.sentences]
    detected = kind == "auto"
    resolved = detect_kind(sentences, parts.quoted) if detected else kind
    column = KINDS.index(resolved)
    findings = [
        Finding(code, severity, sentence, suggestion)
        for check in CHECKS
        for code, sentence, suggestion in check(sentences, resolved)
        if (severity := SEVERITY[code][column]) is not None
    ]
    findings.sort(key=lambda f: f.severity != WARNING)  # stable: check order within each
    warnings = sum(1 for f in findings if f.severity == WARNING)
    score = max(0, 100 - WARNING_COST * warnings - INFO_COST * (len(findings) - warnings))
    verdict = READY if not warnings else NEEDS_WORK if warnings < REWRITE_WARNINGS else REWRITE
    stats = Stats(
        words=sum(s.words for s in sentences),
        sentences=len(sentences),
        bullets=parts.bullets,
        questions=sum(s.question for s in sentences),
        self_words=sum(s.me for s in sentences),
        reader_words=sum(s.you for s in sentences),
        feature_sentences=sum(s.feature for s in sentences),
        situation_sentences=sum(s.situation for s in sentences),
        greeting=parts.greeting,
        signoff=parts.signoff,
    )
    return Report(verdict, score, tuple(findings), stats, resolved, detected)
