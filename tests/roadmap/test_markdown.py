"""roadmap.markdown.parse: the markdown format of docs/roadmap-format.md, without a database."""

import pytest

from roadmap.markdown import MarkdownError, parse
from tests.conftest import SEED

HEAD = "# A Roadmap\n\n## Phase 1: Basics (1 month)\n\n### Start\n"


def tree_of(block):
    """The first tree of a one-section roadmap whose code block is `block`."""
    return parse(f"{HEAD}```\n{block}\n```\n").phases[0].sections[0].trees


def outline(node, depth=0):
    return [(depth, node.title)] + [row for child in node.children for row in outline(child, depth + 1)]


def error_of(text):
    with pytest.raises(MarkdownError) as error:
        parse(text)
    return error.value.line, error.value.message


def test_it_reads_the_seed():
    roadmap = parse(SEED.read_text(encoding="utf-8"))

    trees = [tree for phase in roadmap.phases for section in phase.sections for tree in section.trees]
    nodes = [node for tree in trees for node in tree.walk()]
    assert (len(roadmap.phases), sum(len(phase.sections) for phase in roadmap.phases)) == (8, 22)
    assert (len(trees), len(nodes), sum(not node.children for node in nodes)) == (23, 238, 199)
    assert [row.phase_numbers for row in roadmap.timeline] == [[1], [2], [3], [4], [5], [6, 7], [8]]


def test_it_reads_trees_of_any_depth():
    (tree,) = tree_of(
        "Root\n"
        "├── A\n"
        "│   ├── A1\n"
        "│   │   └── A1a\n"
        "│   │       ├── A1a-i\n"
        "│   │       │   └── A1a-i-x\n"
        "│   │       └── A1a-ii\n"
        "│   └── A2\n"
        "└── B\n"
        "    └── B1\n"
        "        └── B1a"
    )

    assert outline(tree) == [
        (0, "Root"),
        (1, "A"),
        (2, "A1"),
        (3, "A1a"),
        (4, "A1a-i"),
        (5, "A1a-i-x"),
        (4, "A1a-ii"),
        (2, "A2"),
        (1, "B"),
        (2, "B1"),
        (3, "B1a"),
    ]


def test_it_starts_a_new_tree_after_a_blank_line():
    trees = tree_of("One\n├── a\n└── b\n\nTwo\n└── c")

    assert [(tree.title, [child.title for child in tree.children]) for tree in trees] == [
        ("One", ["a", "b"]),
        ("Two", ["c"]),
    ]


@pytest.mark.parametrize(
    "block",
    [
        "Root\n  ├── two-space indent",
        "Root\n├── a\n│  └── short pipe",
        "Root\n├── a\n        └── skips a level",
        "Root\n└── a\n│   └── pipe under a last branch",
        "Root\n├── a\n    └── gap under a branch with siblings",
        "Root\n├──a",
        "Root\n├── a\n\t└── tab",
    ],
)
def test_it_refuses_a_tree_line_with_broken_indentation(block):
    line, message = error_of(f"{HEAD}```\n{block}\n```\n")

    # The last line of the block is the broken one; the root is on line 7.
    assert (line, message) == (7 + block.count("\n"), "tree line has broken indentation")


def test_it_refuses_a_branch_after_the_last_one():
    line, message = error_of(f"{HEAD}```\nRoot\n└── a\n├── b\n```\n")

    assert (line, message) == (9, "tree line comes after its parent's last branch (└──)")


def test_it_refuses_a_branch_without_a_root():
    assert error_of(f"{HEAD}```\n├── a\n```\n") == (7, "tree branch has no root line above it")


def test_it_refuses_an_unclosed_code_fence():
    assert error_of(f"{HEAD}```\nRoot\n└── a\n") == (6, "code fence is never closed (add a line with ```)")


def test_it_refuses_a_table_row_with_missing_cells():
    table = "#### Resources\n| Type | Resource | Link |\n|---|---|---|\n| Course | A | https://a.example |\n| Book | B |\n"

    assert error_of(HEAD + table) == (10, "table row has 2 cells, the header has 3")


def test_it_refuses_a_table_without_a_separator_row():
    table = "#### Resources\n| Type | Resource | Link |\n| Course | A | https://a.example |\n"

    assert error_of(HEAD + table)[0] == 7


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("Some prose.", "unexpected line in a section"),
        ("- a list item", "unexpected line in a section"),
        ("## Appendix", "unrecognised section heading 'Appendix'"),
        ("#### Notes", "unexpected heading 'Notes' in a section"),
        ("## Phase 3: Skipped", "expected Phase 2"),
    ],
)
def test_it_refuses_a_line_it_does_not_understand(extra, message):
    line, error = error_of(f"{HEAD}{extra}\n")

    assert line == 6
    assert error.startswith(message)


def test_it_reads_phase_durations_and_notes():
    roadmap = parse(
        "# R\n## Phase 1: One (2-3 months)\n### S\n## Phase 2: Two (1 month)\n### S\n"
        "## Phase 3: Three (Choose Your Path)\n### S\n## Phase 4: Four (Optional)\n### S\n## Phase 5: Five\n### S\n"
    )

    assert [
        (p.title, p.duration_text, p.duration_min_months, p.duration_max_months, p.note, p.is_elective)
        for p in roadmap.phases
    ] == [
        ("One", "2-3 months", 2, 3, "", False),
        ("Two", "1 month", 1, 1, "", False),
        ("Three", "", None, None, "Choose Your Path", True),
        ("Four", "", None, None, "Optional", False),
        ("Five", "", None, None, "", False),
    ]


def test_it_matches_timeline_rows_to_phases_in_order():
    roadmap = parse(
        "# R\n## Phase 1: Python Basics\n### Syntax\n## Phase 2: Statistics\n### Distributions\n"
        "## Phase 3: Specialized Areas\n### Vision\n"
        "## Timeline\n```\nMonth 1:  Python + Vision (theory)\nMonth 2-3:  Python + Statistical distributions\n"
        "Later:  Specialization + Projects\n```\n"
    )

    rows = [(row.label, row.start_month, row.end_month, row.phase_numbers) for row in roadmap.timeline]
    # Month 1 covers Phase 1 only: "Vision" belongs to Phase 3, which is not next. Month 2-3's
    # "Python" is already covered; "Statistical" is a prefix match, and "Specialization"
    # shares 7+ letters with "Specialized".
    assert rows == [("Month 1", 1, 1, [1]), ("Month 2-3", 2, 3, [2]), ("Later", None, None, [3])]
    assert roadmap.timeline[0].description == "Python + Vision (theory)"
