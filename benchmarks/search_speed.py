"""Search speed on a 100,000-product catalogue: latency per query and peak memory.

Usage::

    python benchmarks/search_speed.py [--products 100000] [--rounds 3]

The catalogue is generated (seeded, so every run is the same): goods words of the search tables
and the evaluation market, varied with places of origin, grades and packings, over 2,000 stalls,
with descriptions made of stock phrases. Every query of ``search_eval/dev.tsv`` (all kinds,
the nothing-sold ones included) is asked ``--rounds`` times through ``SearchIndex.search``.
Prints the build time, the time to add and to remove one listing, and last
``p50_ms=… p99_ms=… peak_rss_mb=…`` (peak resident memory of this whole process).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "search_eval"))

from run import load_catalogue, load_queries  # noqa: E402

from marketbot.search import CATEGORIES, CatalogItem, SearchIndex, load_tables  # noqa: E402


def _words(text: str) -> list[str]:
    return text.split()


ORIGINS = ["", "", "", *_words("稷山 平遥 太行 吕梁 五台山 沁源 汾阳 介休 东泉 水磨头 灵石 交城")]
QUALITIES = ["", "", "", *_words("野生 农家 特级 一级 精品 手工 古法 有机 新 自产 老 头茬 土")]
PACKINGS = ["", "", "", "", *_words("礼盒装 散装 袋装 （500克） （250克） 罐装 2斤装 家庭装 小包")]
PHRASES = _words(
    "自家种的 山里采的 今年新货 晒干的 现做现卖 送人体面 老手艺 不加添加剂 熬粥好 炖肉香 泡水喝 "
    "孩子爱吃 过年必备 量大从优 可以尝 真空包装 冷藏保存 颗粒饱满 色泽好 口感细腻"
)
UNITS = ["斤", "瓶", "个", "袋", "盒", "把", "罐"]


def generate(count: int, seed: int = 7) -> list[CatalogItem]:
    """``count`` listings varied from the goods words of the tables and the eval market."""
    rng = random.Random(seed)
    tables = load_tables()
    eval_items = load_catalogue()
    bases = sorted({word for word in tables.lexicon if len(word) > 1})
    bases += [item.name for item in eval_items]
    codes = list(CATEGORIES)
    items = []
    for product_id in range(1, count + 1):
        base = rng.choice(bases)
        name = rng.choice(ORIGINS) + rng.choice(QUALITIES) + base + rng.choice(PACKINGS)
        stall = rng.randrange(1, 2001)
        items.append(
            CatalogItem(
                product_id=product_id,
                name=name,
                category=rng.choice(codes),
                description="，".join(rng.sample(PHRASES, 3)),
                stall_id=stall,
                stall_name=f"摊位{stall}",
                price_fen=rng.randrange(100, 50000),
                unit=rng.choice(UNITS),
                in_stock=rng.random() < 0.85,
                coming=rng.random() < 0.6,
            )
        )
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    items = generate(args.products)
    started = time.perf_counter()
    index = SearchIndex.build(items)
    build_s = time.perf_counter() - started
    lines = index.lines
    queries = [query.text for query in load_queries()]
    timings = []
    for _ in range(args.rounds):
        for text in queries:
            started = time.perf_counter()
            index.search(text)
            timings.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    index.add(items[0])
    add_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    index.remove(items[1].product_id)
    remove_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    index.search("泡水")
    first_after_change_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    index.search("送人的礼品")
    category_after_change_ms = (time.perf_counter() - started) * 1000
    timings.sort()
    p50 = timings[len(timings) // 2]
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"products={len(items)} product_lines={lines} queries={len(timings)}")
    print(f"build_s={build_s:.2f} add_ms={add_ms:.3f} remove_ms={remove_ms:.3f}")
    print(f"first description search after a change: {first_after_change_ms:.1f} ms")
    print(f"first category search after a change: {category_after_change_ms:.1f} ms")
    print(f"max_ms={timings[-1]:.2f}")
    print(f"p50_ms={p50:.2f} p99_ms={p99:.2f} peak_rss_mb={peak_mb:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
