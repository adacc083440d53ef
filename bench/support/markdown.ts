/** A table as the runner prints it and writes it into BENCHMARKS.md. */
export interface Table {
  title?: string;
  headers: string[];
  rows: string[][];
}

export type Verdict = "met" | "missed" | "not measured";

export interface GoalResult {
  goal: string;
  verdict: Verdict;
  /** What was measured, and where missed, the stage that dominates. */
  detail: string;
}

/** One measurement's output: prose, tables and goal verdicts. */
export interface Section {
  title: string;
  intro: string[];
  tables: Table[];
  goals: GoalResult[];
  notes: string[];
}

const escapeCell = (cell: string) => cell.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderTable(table: Table): string {
  const widths = table.headers.map((header, column) =>
    Math.max(3, header.length, ...table.rows.map((row) => escapeCell(row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => escapeCell(cell).padEnd(widths[column] ?? 3)).join(" | ")} |`;
  const rule = `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`;
  const title = table.title ? `**${table.title}**\n\n` : "";
  return `${title}${[line(table.headers), rule, ...table.rows.map(line)].join("\n")}\n`;
}

const verdictMark: Record<Verdict, string> = {
  met: "met",
  missed: "**missed**",
  "not measured": "not measured",
};

export function renderGoals(goals: readonly GoalResult[]): string {
  if (goals.length === 0) return "";
  return renderTable({
    headers: ["Goal", "Verdict", "Measured"],
    rows: goals.map((goal) => [goal.goal, verdictMark[goal.verdict], goal.detail]),
  });
}

export function renderSection(section: Section): string {
  const parts = [`## ${section.title}`, ...section.intro];
  for (const table of section.tables) parts.push(renderTable(table));
  if (section.goals.length > 0) parts.push(`Goals:\n\n${renderGoals(section.goals)}`);
  for (const note of section.notes) parts.push(note);
  return `${parts.join("\n\n").trimEnd()}\n`;
}
