"""S005 in evaluate passes over every title at once, the nodes it does not read too: no title that may lean is lost.

(A title may be named one too many, by its neighbour in the text: "from" before "5".)
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.rules.title_direction import may_lean, titles_that_may_lean

WORDS = ["under", "Under", "max", "from", "från", "5", "3 %", "800", "SEK", "leads", "cost", "grow", "growth", "not", "at", "most",
         "(under", "reduce,", "Lower", "\n", "$", "till", "to", "over", "Öka", "minst"]
titles = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(read=st.lists(titles, max_size=8), others=st.lists(titles, max_size=8), mixed=st.randoms())
def test_the_titles_of_other_nodes_take_no_title_that_may_lean_away(read, others, mixed):
    every = read + others
    mixed.shuffle(every)
    found = titles_that_may_lean(every)
    for title in read:  # never fewer than may_lean finds, either way, whatever titles stand around it
        if may_lean(title, "increase") or may_lean(title, "decrease"):
            assert title in found
