"""Parse the roadmap markdown (docs/roadmap-format.md) into plain dataclasses.

No Django here: this module only reads text. Every item keeps the line it came
from so that the importer, which validates against the models, can point at
the line too. Every non-blank line must be understood; anything else is a
`MarkdownError`, because a line the parser skipped would be content the site
silently lost.
"""

import re
from dataclasses import dataclass, field

from roadmap import trees

BRANCH = ("├── ", "└── ")
LAST_BRANCH = "└── "
# Indentation under a branch: "│   " while the ancestor has later siblings, blank after its last one.
PIPE, GAP = "│   ", "    "
BOX_CHARS = set("│├└─")


class MarkdownError(Exception):
    def __init__(self, line, message):
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


@dataclass
class TreeNode:
    title: str
    line: int
    children: list["TreeNode"] = field(default_factory=list)

    def walk(self):
        return trees.walk(self)


@dataclass
class Resource:
    kind: str  # As written in the Type column, e.g. "Course".
    title: str
    link: str  # A URL, or where to find it ("O'Reilly").
    line: int

    @property
    def is_url(self):
        return self.link.startswith(("http://", "https://"))


@dataclass
class Section:
    title: str
    line: int
    trees: list[TreeNode] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)


@dataclass
class Phase:
    number: int
    title: str
    line: int
    duration_text: str = ""
    duration_min_months: int | None = None
    duration_max_months: int | None = None
    note: str = ""
    is_elective: bool = False
    sections: list[Section] = field(default_factory=list)


@dataclass
class Item:
    """A titled line of the appendix: a career path, project, channel, principle, skill..."""

    title: str
    line: int
    description: str = ""


@dataclass
class Project(Item):
    level: str = ""  # "beginner", "intermediate" or "advanced".


@dataclass
class TimelineRow:
    label: str
    description: str
    line: int
    start_month: int | None = None
    end_month: int | None = None
    phase_numbers: list[int] = field(default_factory=list)


@dataclass
class ToolCategory:
    title: str
    line: int
    name_heading: str = ""
    description_heading: str = ""
    tools: list[Item] = field(default_factory=list)


@dataclass
class Community:
    name: str
    url: str
    line: int


@dataclass
class Roadmap:
    title: str = ""
    tagline: str = ""
    last_updated: str = ""
    phases: list[Phase] = field(default_factory=list)
    careers_heading: str = ""
    careers_title: str = ""
    careers: list[Item] = field(default_factory=list)
    focus_title: str = ""
    focus_summary: str = ""
    projects: list[Project] = field(default_factory=list)
    timeline: list[TimelineRow] = field(default_factory=list)
    tool_categories: list[ToolCategory] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    channels: list[Item] = field(default_factory=list)
    principles: list[Item] = field(default_factory=list)
    skills_heading: str = ""
    skills_title: str = ""
    human_skills: list[Item] = field(default_factory=list)


# -- Blocks: the text cut into headings, code blocks, tables and single lines.


@dataclass
class _Block:
    kind: str  # "heading", "code", "table" or "text"
    line: int
    text: str = ""
    level: int = 0  # For headings.
    lines: list[tuple[int, str]] = field(default_factory=list)  # For code and tables.


HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")


def _blocks(text):
    blocks = []
    rows = text.splitlines()
    i = 0
    while i < len(rows):
        number, raw = i + 1, rows[i].rstrip()
        i += 1
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("```"):
            block = _Block("code", number, text=stripped[3:].strip())
            while i < len(rows) and rows[i].strip() != "```":
                block.lines.append((i + 1, rows[i].rstrip()))
                i += 1
            if i == len(rows):
                raise MarkdownError(number, "code fence is never closed (add a line with ```)")
            i += 1
            blocks.append(block)
        elif stripped.startswith("|"):
            block = _Block("table", number, lines=[(number, stripped)])
            while i < len(rows) and rows[i].strip().startswith("|"):
                block.lines.append((i + 1, rows[i].strip()))
                i += 1
            blocks.append(block)
        elif match := HEADING.match(stripped):
            blocks.append(_Block("heading", number, text=match[2], level=len(match[1])))
        else:
            blocks.append(_Block("text", number, text=stripped))
    return blocks


def _table(block, expected_columns=None):
    """The header cells and the data rows of a table block, as (line, cells)."""
    rows = []
    for number, row in block.lines:
        if not (row.startswith("|") and row.endswith("|")) or len(row) < 2:
            raise MarkdownError(number, "a table row must start and end with |")
        rows.append((number, [cell.strip() for cell in row[1:-1].split("|")]))
    header = rows[0][1]
    if expected_columns is not None and len(header) != expected_columns:
        raise MarkdownError(block.line, f"this table needs {expected_columns} columns, not {len(header)}")
    if len(rows) < 2 or not all(re.fullmatch(r":?-+:?", cell) for cell in rows[1][1]):
        raise MarkdownError(block.line, "a table needs a separator row such as |---|---| under its header")
    if len(rows[1][1]) != len(header):
        raise MarkdownError(
            rows[1][0], f"separator row has {len(rows[1][1])} cells, the header has {len(header)}"
        )
    for number, cells in rows[2:]:
        if len(cells) != len(header):
            raise MarkdownError(number, f"table row has {len(cells)} cells, the header has {len(header)}")
        if not all(cells):
            raise MarkdownError(number, "table row has an empty cell")
    return header, rows[2:]


def _trees(block):
    """The box-drawing trees of a code block; a blank line starts a new tree."""
    trees = []
    # stack[d] is the open node at depth d; branches[d] the branch that opened it.
    stack, branches = [], []
    for number, raw in block.lines:
        if not raw.strip():
            stack, branches = [], []
            continue
        if not BOX_CHARS.intersection(raw):
            if stack:
                raise MarkdownError(
                    number, "a tree's root must follow a blank line; indent branches with ├── or └──"
                )
            if raw != raw.lstrip():
                raise MarkdownError(number, "a tree's root line must not be indented")
            node = TreeNode(raw.strip(), number)
            trees.append(node)
            stack, branches = [node], [None]
            continue
        if not stack:
            raise MarkdownError(number, "tree branch has no root line above it")
        depth, rest = 1, raw
        while rest.startswith((PIPE, GAP)):
            expected = GAP if branches[depth] == LAST_BRANCH else PIPE
            if depth >= len(stack) or rest[:4] != expected:
                raise MarkdownError(number, "tree line has broken indentation")
            depth, rest = depth + 1, rest[4:]
        if not rest.startswith(BRANCH) or depth > len(stack):
            raise MarkdownError(number, "tree line has broken indentation")
        title = rest[4:].strip()
        if not title or BOX_CHARS.intersection(title):
            raise MarkdownError(number, "tree line has broken indentation")
        if depth < len(branches) and branches[depth] == LAST_BRANCH:
            raise MarkdownError(number, "tree line comes after its parent's last branch (└──)")
        node = TreeNode(title, number)
        stack[depth - 1].children.append(node)
        del stack[depth:], branches[depth:]
        stack.append(node)
        branches.append(rest[:4])
    return trees


# -- The document.

PHASE = re.compile(r"^Phase (\d+):\s*(.+?)(?:\s*\(([^()]*)\))?$")
DURATION = re.compile(r"^(\d+)(?:\s*-\s*(\d+))?\s+months?$", re.IGNORECASE)
TRAILING_PARENS = re.compile(r"^(.+?)\s*\(([^()]*)\)$")
BOLD_ITEM = re.compile(r"^\*\*(.+?)\*\*(?:\s+[-\u2013\u2014]\s+(.+))?$")
CHECKBOX = re.compile(r"^[-*] \[[ xX]\] (.+)$")
NUMBERED = re.compile(r"^\d+\.\s+(.+)$")
BULLET = re.compile(r"^[-*]\s+(.+)$")
LAST_UPDATED = re.compile(r"^\*Last updated:\s*(.+?)\*$")
TIMELINE_ROW = re.compile(r"^([^:]+):\s*(.+)$")
MONTHS = re.compile(r"^Months?\s+(\d+)(?:\s*-\s*(\d+))?$", re.IGNORECASE)
PROJECT_LEVEL = re.compile(r"^(Beginner|Intermediate|Advanced) Projects$", re.IGNORECASE)

# An appendix section is recognised by a word of its heading, in this order.
APPENDIX = [
    ("careers", re.compile(r"\bcareers?\b", re.IGNORECASE)),
    ("projects", re.compile(r"\bprojects?\b", re.IGNORECASE)),
    ("timeline", re.compile(r"\btimeline\b", re.IGNORECASE)),
    ("tools", re.compile(r"\btools\b", re.IGNORECASE)),
    ("communities", re.compile(r"\b(communities|newsletters)\b", re.IGNORECASE)),
    ("channels", re.compile(r"\b(youtube|channels)\b", re.IGNORECASE)),
    ("principles", re.compile(r"\bprinciples\b", re.IGNORECASE)),
    ("skills", re.compile(r"\b(can.t replace|human skills)\b", re.IGNORECASE)),
]


class _Parser:
    def __init__(self):
        self.roadmap = Roadmap()
        self.area = None  # "preamble", "phase" or an APPENDIX name.
        self.seen_areas = set()
        self.phase = None
        self.section = None
        self.expect = None  # What the last sub-heading announced: "resources", "focus".
        self.level = None  # Project level under "### Beginner Projects".
        self.category = None

    def parse(self, text):
        for block in _blocks(text):
            self.block(block)
        if not self.roadmap.title:
            raise MarkdownError(1, "the file needs a '# Title' line")
        if not self.roadmap.phases:
            raise MarkdownError(1, "the file has no '## Phase 1: ...' heading")
        for phase in self.roadmap.phases:
            if not phase.sections:
                raise MarkdownError(phase.line, "phase has no '### Section' heading")
        match_timeline_phases(self.roadmap)
        return self.roadmap

    def block(self, block):
        if block.kind == "text" and re.fullmatch(r"-{3,}|\*{3,}|_{3,}", block.text):
            return  # A horizontal rule only separates parts.
        if block.kind == "text" and (match := LAST_UPDATED.match(block.text)):
            self.roadmap.last_updated = match[1].strip()
            return
        if block.kind == "heading" and block.level == 1:
            if self.area is not None:
                raise MarkdownError(block.line, "the '# Title' must be the first line, and only one")
            self.roadmap.title = block.text
            self.area = "preamble"
            return
        if self.area is None:
            raise MarkdownError(block.line, "the file must start with a '# Title' line")
        if block.kind == "heading" and block.level == 2:
            return self.start_area(block)
        getattr(self, f"in_{self.area}")(block)

    def start_area(self, block):
        self.section = self.expect = self.level = self.category = None
        if match := PHASE.match(block.text):
            return self.start_phase(block, match)
        for name, pattern in APPENDIX:
            if pattern.search(block.text):
                if name in self.seen_areas:
                    raise MarkdownError(block.line, f"a second {name} section; merge it with the first")
                self.seen_areas.add(name)
                self.area = name
                if name == "careers":
                    self.roadmap.careers_heading = block.text
                elif name == "principles":
                    self.roadmap.principles_heading = block.text
                elif name == "skills":
                    self.roadmap.skills_heading = block.text
                return
        raise MarkdownError(
            block.line, f"unrecognised section heading {block.text!r} (see docs/roadmap-format.md)"
        )

    def start_phase(self, block, match):
        number = int(match[1])
        expected = len(self.roadmap.phases) + 1
        if number != expected:
            raise MarkdownError(
                block.line, f"expected Phase {expected}: phases are numbered 1, 2, 3... in order"
            )
        phase = Phase(number=number, title=match[2].strip(), line=block.line)
        aside = (match[3] or "").strip()
        if duration := DURATION.match(aside):
            phase.duration_text = aside
            phase.duration_min_months = int(duration[1])
            phase.duration_max_months = int(duration[2] or duration[1])
            if phase.duration_min_months > phase.duration_max_months:
                raise MarkdownError(block.line, "the duration's first number must not exceed the second")
        else:
            phase.note = aside
            phase.is_elective = "choose" in aside.lower()
        self.roadmap.phases.append(phase)
        self.area, self.phase = "phase", phase

    def unexpected(self, block, where):
        what = {"heading": f"heading {block.text!r}", "code": "code block", "table": "table"}
        raise MarkdownError(block.line, f"unexpected {what.get(block.kind, 'line')} {where}")

    # -- Areas, one method each.

    def in_preamble(self, block):
        if block.kind == "text" and block.text.startswith(">") and not self.roadmap.tagline:
            self.roadmap.tagline = block.text.lstrip("> ").strip()
            return
        self.unexpected(block, "before the first '## ' heading")

    def in_phase(self, block):
        if block.kind == "heading" and block.level == 3:
            self.section = Section(title=block.text, line=block.line)
            self.phase.sections.append(self.section)
            self.expect = None
        elif self.section is None:
            self.unexpected(block, "in a phase before its first '### Section' heading")
        elif block.kind == "code" and self.expect is None:
            trees = _trees(block)
            if not trees:
                raise MarkdownError(block.line, "empty code block")
            self.section.trees.extend(trees)
        elif block.kind == "heading" and block.level == 4 and block.text.lower() == "resources":
            if self.section.resources or self.expect == "resources":
                raise MarkdownError(block.line, "a section has one Resources table")
            self.expect = "resources"
        elif block.kind == "table" and self.expect == "resources" and not self.section.resources:
            self.section.resources = self.resources(block)
        else:
            self.unexpected(block, "in a section (expected a topic tree or '#### Resources' and its table)")

    def resources(self, block):
        header, rows = _table(block, expected_columns=3)
        if [cell.lower() for cell in header] != ["type", "resource", "link"]:
            raise MarkdownError(block.line, "a Resources table has the columns | Type | Resource | Link |")
        resources = [Resource(kind=c[0], title=c[1], link=c[2], line=n) for n, c in rows]
        if not resources:
            raise MarkdownError(block.line, "Resources table has no rows")
        return resources

    def one_level_tree(self, block, what):
        trees = _trees(block)
        if len(trees) != 1:
            raise MarkdownError(block.line, f"the {what} block holds exactly one tree")
        for child in trees[0].children:
            if child.children:
                raise MarkdownError(child.children[0].line, f"the {what} tree is one level deep")
        return trees[0]

    def in_careers(self, block):
        roadmap = self.roadmap
        if block.kind == "code" and not roadmap.careers_title:
            tree = self.one_level_tree(block, "career paths")
            roadmap.careers_title = tree.title
            for node in tree.children:
                match = TRAILING_PARENS.match(node.title)
                title, description = (match[1], match[2]) if match else (node.title, "")
                roadmap.careers.append(
                    Item(title=title.strip(), description=description.strip(), line=node.line)
                )
        elif block.kind == "heading" and block.level == 3 and "focus" in block.text.lower():
            self.expect = "focus"
        elif block.kind == "text" and self.expect == "focus" and (match := BOLD_ITEM.match(block.text)):
            roadmap.focus_title, roadmap.focus_summary = match[1].strip(), (match[2] or "").strip()
            self.expect = None
        else:
            self.unexpected(block, "in the career paths (expected one tree, then '### ... Focuses On:')")

    def in_projects(self, block):
        if block.kind == "heading" and block.level == 3 and (match := PROJECT_LEVEL.match(block.text)):
            self.level = match[1].lower()
        elif block.kind == "text" and self.level and (match := CHECKBOX.match(block.text)):
            project = Project(title=match[1].strip(), line=block.line, level=self.level)
            self.roadmap.projects.append(project)
        else:
            self.unexpected(block, "in the projects (expected '### Beginner Projects' and '- [ ] ...' lines)")

    def in_timeline(self, block):
        if block.kind != "code" or self.roadmap.timeline:
            self.unexpected(block, "in the timeline (expected one code block of 'Month 1-2: ...' lines)")
        for number, raw in block.lines:
            if not raw.strip():
                continue
            match = TIMELINE_ROW.match(raw.strip())
            if not match:
                raise MarkdownError(
                    number, "a timeline line reads 'Month 1-2: what to learn' or 'Ongoing: ...'"
                )
            row = TimelineRow(label=match[1].strip(), description=match[2].strip(), line=number)
            if months := MONTHS.match(row.label):
                row.start_month = int(months[1])
                row.end_month = int(months[2] or months[1])
                if row.start_month > row.end_month:
                    raise MarkdownError(number, "the first month must not come after the second")
            self.roadmap.timeline.append(row)
        if not self.roadmap.timeline:
            raise MarkdownError(block.line, "empty timeline")

    def in_tools(self, block):
        if block.kind == "heading" and block.level == 3:
            self.category = ToolCategory(title=block.text, line=block.line)
            self.roadmap.tool_categories.append(self.category)
        elif block.kind == "table" and self.category and not self.category.tools:
            header, rows = _table(block, expected_columns=2)
            self.category.name_heading, self.category.description_heading = header
            self.category.tools = [Item(title=c[0], description=c[1], line=n) for n, c in rows]
            if not rows:
                raise MarkdownError(block.line, "tool table has no rows")
        else:
            self.unexpected(
                block, "in the tools (expected '### Category' headings, each with a 2-column table)"
            )

    def in_communities(self, block):
        if block.kind != "table" or self.roadmap.communities:
            self.unexpected(block, "in the communities (expected one | Resource | Link | table)")
        _, rows = _table(block, expected_columns=2)
        for number, (name, url) in rows:
            if not url.startswith(("http://", "https://")):
                raise MarkdownError(
                    number, f"a community's link must start with http:// or https://, not {url!r}"
                )
            self.roadmap.communities.append(Community(name=name, url=url, line=number))

    def bold_item(self, block, text):
        match = BOLD_ITEM.match(text)
        if not match:
            raise MarkdownError(block.line, "expected '**Name** - description'")
        return Item(title=match[1].strip(), description=(match[2] or "").strip(), line=block.line)

    def in_channels(self, block):
        match = BULLET.match(block.text) if block.kind == "text" else None
        if not match:
            self.unexpected(block, "in the channels (expected '- **Name** - description' lines)")
        self.roadmap.channels.append(self.bold_item(block, match[1]))

    def in_principles(self, block):
        match = NUMBERED.match(block.text) if block.kind == "text" else None
        if not match:
            self.unexpected(block, "in the principles (expected '1. **Title** - description' lines)")
        self.roadmap.principles.append(self.bold_item(block, match[1]))

    def in_skills(self, block):
        if block.kind != "code" or self.roadmap.skills_title:
            self.unexpected(block, "in the human skills (expected one tree)")
        tree = self.one_level_tree(block, "human skills")
        self.roadmap.skills_title = tree.title
        self.roadmap.human_skills = [Item(title=node.title, line=node.line) for node in tree.children]


def parse(text):
    """The `Roadmap` that `text` describes; raises `MarkdownError` at the first line it cannot read."""
    return _Parser().parse(text)


# -- Which phases a timeline row covers.


def _tokens(text):
    """Significant words: lowercase alphanumerics of 3+ letters, a trailing "s" stripped."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [word.removesuffix("s") if len(word) > 3 else word for word in words if len(word) >= 3]


def _tokens_match(a, b):
    if a.startswith(b) or b.startswith(a):
        return True
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared >= 7


def match_timeline_phases(roadmap):
    """Fill each timeline row's `phase_numbers` with the phases it covers.

    Rows are read in order with a pointer at the next phase not yet covered;
    each "+"-separated part of a row's description covers that phase (and
    moves the pointer on) when every significant word of the part matches a
    word of the phase's title or of its sections' titles. Parenthesised text,
    such as "(RAG, Agents)", is left out of the matching.
    """
    vocabulary = {
        phase.number: _tokens(" ".join([phase.title, *(section.title for section in phase.sections)]))
        for phase in roadmap.phases
    }
    pointer = 1
    for row in roadmap.timeline:
        row.phase_numbers = []
        for part in row.description.split("+"):
            words = _tokens(re.sub(r"\([^()]*\)", " ", part))
            phase_words = vocabulary.get(pointer)
            if phase_words and words and all(any(_tokens_match(w, p) for p in phase_words) for w in words):
                row.phase_numbers.append(pointer)
                pointer += 1
