"""The writer's posting pool (search.posting_pool) gives back what Whoosh's would."""

from __future__ import annotations

import random

from whoosh.filedb.filestore import RamStorage
from whoosh.writing import PostingPool as WhooshPool

from search.posting_pool import PostingPool


def test_postings_come_back_in_whooshs_order():
    rng = random.Random(7)
    postings = []
    for docnum in range(200):  # documents in order, as a writer adds them
        for fieldname in rng.sample(["body", "title", "tag"], 2):
            for text in {rng.choice(["内核", "容器", "git", "a", "调度器"]).encode() for _ in range(3)}:
                value = bytes(rng.randrange(256) for _ in range(rng.randrange(4)))
                postings.append((fieldname, text, docnum, float(rng.randrange(1, 9)), value))
    ours = PostingPool()
    theirs = WhooshPool(RamStorage(), None)
    for posting in postings:
        ours.add(posting)
        theirs.add(posting)
    assert list(ours.iter_postings()) == list(theirs.iter_postings())
    ours.cleanup()
    assert list(ours.iter_postings()) == []
