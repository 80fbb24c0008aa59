"""S005 in evaluate passes over every title at once: reading more titles never loses one that may lean."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.rules.title_direction import may_lean, titles_that_may_lean

WORDS = ["under", "Under", "max", "from", "från", "5", "3 %", "800", "SEK", "leads", "cost", "grow", "growth", "not", "at", "most",
         "(under", "reduce,", "Lower", "\n", "$", "till", "to", "over", "Öka", "minst"]
titles = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(read=st.lists(titles, max_size=8), others=st.lists(titles, max_size=8), mixed=st.randoms())
def test_the_titles_of_other_nodes_add_titles_that_may_lean_and_take_none_away(read, others, mixed):
    every = read + others
    mixed.shuffle(every)
    found = titles_that_may_lean(every)
    assert titles_that_may_lean(read) <= found
    for title in read:  # and never fewer than may_lean finds, either way
        if may_lean(title, "increase") or may_lean(title, "decrease"):
            assert title in found
