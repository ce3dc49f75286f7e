"""A draft message split into its parts: greeting, body sentences, bullets, sign-off and
a quoted earlier message (what the outreach coach reads). Sentence boundaries cope with
abbreviations, initials, URLs, emails, bullets, CRLF, emoji and non-Latin full stops."""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTE_HEADER = re.compile(
    r"^\s*(?:On\b.{0,200}\bwrote:|-{2,}\s*(?:Original|Forwarded) Message.*)\s*$", re.I
)
_SENT_FROM = re.compile(r"^\s*Sent from my\b", re.I)
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|dear|greetings|good (?:morning|afternoon|evening)|hola|"
    r"bonjour|hallo|ciao|olá|hej)\b(?:[ \t]+[^\s,!:;?]+){0,4}?[ \t]*(?:[,!:—–]|$)",
    re.I,
)
_SIGNOFF = re.compile(
    r"^\s*(?:(?:best|kind|warm|warmest)(?: regards| wishes)?|regards|warmly|cheers|thanks|"
    r"thank you|many thanks|all the best|sincerely|yours(?: truly)?|talk soon|speak soon|"
    r"take care|with thanks|gracias|merci|saludos|un saludo|danke|grazie|obrigad[oa])\b[^?]*$"
    r"|^\s*(?:--|—|–)\s*\S*\s*$",
    re.I,
)
SIGNOFF_MAX_WORDS = 5
_POSTSCRIPT = re.compile(r"^\s*p\.?\s?s\b", re.I)
_BULLET = re.compile(r"^\s*(?:[-*•·‣◦–+]|\d{1,2}[.)]|[a-z][)])\s+")
_BOUNDARY = re.compile(
    # Each run is tried once, from its start, so long runs of "?" or emoji stay linear.
    r"(?:(?<![.!?…])[.!?…]++[\"'”’»)\]]*+|(?<![\U0001F300-\U0001FAFF\u2600-\u27BF])"
    r"[\U0001F300-\U0001FAFF\u2600-\u27BF]++\ufe0f?)\s+|[。！？]+\s*"
)
# A period after these never ends a sentence ("Dr. Ruiz", "e.g. Kafka").
_NEVER_FINAL = frozenset(
    "mr. mrs. ms. dr. prof. sr. jr. st. mt. e.g. i.e. vs. cf. approx. dept. no. nos. fig. "
    "incl. est. ext. tel. p.s. ps. gen. col. lt. capt. rev. hon.".split()
)
# Anchored at the start of a token so a long run without spaces stays linear.
URL = re.compile(
    r"(?<![^\s(<\[\"'])(?:(?:https?://|www\.)\S+|[^\s@()<>\[\]\"']+@[^\s@]+\.\w+)", re.I
)
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _ends_sentence(paragraph: str, match: re.Match[str]) -> bool:
    stop = match.group().rstrip()
    following = paragraph[match.end() : match.end() + 1]
    if not following or stop[0] in "。！？!?":
        return True
    if stop[0] not in ".…":  # an emoji: a break only before a capital
        return following.isupper()
    if stop.startswith(".") and not stop.startswith(".."):
        before = paragraph[max(0, match.start() - 20) : match.start()].split()
        token = (before[-1] if before else "").lstrip("([{\"'“‘") + "."
        if token.lower() in _NEVER_FINAL or (len(token) == 2 and token[0].isupper()):
            return False  # an abbreviation or an initial ("J. Ortiz")
    return not following.islower()


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, as written (abbreviations, initials and URLs kept whole)."""
    sentences, start = [], 0
    for match in _BOUNDARY.finditer(paragraph):
        if _ends_sentence(paragraph, match):
            sentences.append(paragraph[start : match.end()].strip())
            start = match.end()
    sentences.append(paragraph[start:].strip())
    return [s for s in sentences if s]


@dataclass(frozen=True)
class Parts:
    greeting: str | None
    sentences: tuple[str, ...]
    bullets: int
    signoff: str | None
    quoted: bool  # it carries an earlier message below it: a reply


def _signoff_at(lines: list[str], first: int | None) -> int | None:
    """Index of the sign-off: a short closing among the last six non-blank lines.

    The draft's first line never is: "Thanks!" alone is a message, not a sign-off.
    """
    tail = [i for i, line in enumerate(lines) if line.strip() and i != first][-6:]
    for i in tail:
        if _SIGNOFF.match(lines[i]) and len(WORD.findall(lines[i])) <= SIGNOFF_MAX_WORDS:
            return i
    return None


def split_draft(text: str) -> Parts:
    """Greeting, body sentences (bullets one each) and sign-off of a draft."""
    lines: list[str] = []
    quoted = ended = False
    for line in text.replace("\r\n", "\n").splitlines():
        if _QUOTE_HEADER.match(line):
            quoted = True
            break
        if line.lstrip().startswith(">"):
            quoted = True
        elif not (ended := ended or _SENT_FROM.match(line) is not None):
            lines.append(line.rstrip())
    greeting = None
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and (match := _GREETING.match(lines[first])):
        greeting, lines[first] = match.group().strip(), lines[first][match.end() :]
    signoff = None
    if (end := _signoff_at(lines, first)) is not None:
        signoff = lines[end].strip()
        after = lines[end + 1 :]
        ps = next((i for i, line in enumerate(after) if _POSTSCRIPT.match(line)), len(after))
        lines = lines[:end] + after[ps:]
    units: list[tuple[list[str], bool]] = []  # paragraphs and bullets: (lines, is a bullet)
    for line in lines:
        text, bullet = line.strip(), _BULLET.match(line)
        if bullet:
            units.append(([line[bullet.end() :].strip()], True))
        elif not text:
            units.append(([], False))  # a blank line ends a paragraph or a bullet
        elif units and units[-1][0] and (not units[-1][1] or line[:1].isspace()):
            units[-1][0].append(text)  # the paragraph, or an indented bullet, goes on
        else:
            units.append(([text], False))
    sentences = tuple(s for pieces, _ in units for s in split_sentences(" ".join(pieces)))
    bullets = sum(1 for pieces, is_bullet in units if is_bullet and pieces[0])
    return Parts(greeting, sentences, bullets, signoff, quoted)
