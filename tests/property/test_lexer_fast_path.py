"""The tokenizer's one-regex fast path reads every text exactly as the careful path does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from escalade.errors import ExpressionError
from escalade.scenario.expr.lexer import _SPACE, Token, _next_token, tokenize

ALPHABET = "abcxyzAB_019.$'\"-+*/%()<>=!, \te2024-11-05"


def careful(text: str) -> list[Token]:
    """The tokens as the careful path alone reads them (the lexer before the fast path)."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos] in _SPACE:
            pos += 1
            continue
        token = _next_token(text, pos)
        tokens.append(token)
        pos += len(token.text)
    tokens.append(Token("end", "", len(text)))
    return tokens


def outcome(read, text: str) -> object:
    try:
        return read(text)
    except ExpressionError as exc:
        return ("error", [(i.message, i.col, i.hint) for i in exc.issues])


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_fast_and_careful_paths_agree(text: str) -> None:
    assert outcome(tokenize, text) == outcome(careful, text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "x",
                "$u",
                "2024-11-05",
                "3",
                "0.25",
                ".5",
                "2.",
                "1e-3",
                "1e999",
                "'a'",
                "-",
                "**",
                "<=",
                "(",
                ")",
                ",",
                " ",
                "taken",
                "rung",
                "Ab",
                "3x",
            ]
        ),
        max_size=12,
    )
)
def test_fast_and_careful_paths_agree_on_token_soup(parts: list[str]) -> None:
    text = "".join(parts)
    assert outcome(tokenize, text) == outcome(careful, text)
