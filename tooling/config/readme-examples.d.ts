export function readmeExamples(readmePath: string): string[];
export function runExample(
  code: string,
  aliases: Record<string, string>,
): Promise<Record<string, unknown>>;
