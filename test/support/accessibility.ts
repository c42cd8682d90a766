import { readFileSync } from 'node:fs';
import { Page } from 'playwright-core';

// axe-core's browser build, read once and evaluated in the page through the DevTools protocol
// (an injected <script> would be refused by the application's Content-Security-Policy).
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts a page may not have: axe's "serious" and "critical". */
const BLOCKING = new Set(['serious', 'critical']);

export interface AccessibilityViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1/2.2 A and AA rules, plus best practices) on the page as it is now
 * and returns its serious and critical violations, each with the elements at fault. A test
 * expects the list to be empty: `expect(await accessibilityViolations(page)).toEqual([])`.
 */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  const injected = await page.evaluate('typeof window.axe === "object"');
  if (injected !== true) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate<{
    violations: Array<{
      id: string;
      impact: string | null;
      help: string;
      nodes: Array<{ target: unknown[] }>;
    }>;
  }>(`window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    })`);
  return results.violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ''))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? '',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
}
