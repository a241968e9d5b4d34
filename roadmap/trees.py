"""Assemble topic trees from a flat list of topics, without asking the database again.

A phase's topics are fetched in one query; building the trees here keeps the
phase page at a fixed number of queries however many topics it has, where
following `topic.children` from the template would cost one query per topic.
"""

from collections import defaultdict


def attach_trees(sections, topics):
    """Hang every topic under its parent and every root under its section.

    `topics` must come in sibling order. Sets, on every topic, `subtopics`
    (its children in order) and `leaf_count` (leaves in its subtree, itself if
    it is one); on every section, `trees` (its root topics in order) and
    `topic_count` (its leaves: the topics a learner marks).
    """
    topics = list(topics)
    by_id = {topic.pk: topic for topic in topics}
    roots = defaultdict(list)
    for topic in topics:
        topic.subtopics = []
    for topic in topics:
        parent = by_id.get(topic.parent_id)
        if parent is None:
            roots[topic.section_id].append(topic)
        else:
            parent.subtopics.append(topic)
    for section in sections:
        section.trees = roots[section.pk]
        section.topic_count = sum(_count_leaves(root) for root in section.trees)
    return sections


def _count_leaves(topic):
    topic.leaf_count = sum(_count_leaves(child) for child in topic.subtopics) if topic.subtopics else 1
    return topic.leaf_count
