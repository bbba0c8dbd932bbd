"""How the offline storyteller reads: plays N random adventures (all worlds, topics,
lengths 6/10/14) straight through the storyteller and prints how much prose repeats
across them and within each, and the Flesch-Kincaid grade.

    python -m bench.storyteller_report [--adventures 10] [--seed 1] [--world SLUG]
"""

from __future__ import annotations

import argparse
import random
import statistics

from adventures import readability
from adventures.storytellers.offline import play as offline_play


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adventures", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--world", default=None, help="play only this world (the fifth-play question)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    played = [
        offline_play.play(seed=rng.randrange(10**9), world=args.world, length=rng.choice((6, 10, 14)))
        for _ in range(args.adventures)
    ]
    texts = [[c.text for c in adventure] for adventure in played]
    rep = readability.repetition(texts)
    grades = [readability.fk_grade(t) for adventure in texts for t in adventure]
    titles_repeated = sum(len(a) - len({c.title for c in a}) for a in played)
    print(f"adventures: {len(played)}, chapters: {sum(len(a) for a in played)}")
    print(f"sentences shared with another adventure: {rep.shared_share:.1%}")
    print(f"most times one sentence appears in one adventure: {rep.most_in_one} ({rep.worst_sentence!r})")
    print(f"Flesch-Kincaid grade: mean {statistics.mean(grades):.1f}, min {min(grades):.1f}, max {max(grades):.1f}")
    print(f"repeated chapter titles: {titles_repeated}")
    print("most shared sentences:")
    for sentence, count in rep.top_shared:
        print(f"  {count:2d}  {sentence}")


if __name__ == "__main__":
    main()
