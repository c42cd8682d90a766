/**
 * Donor document figures (run by hand, not in CI):
 *   npm run bench:statements        (nest build && node dist/bench/statements.bench.js)
 *   BENCH_HTML=1000 BENCH_PDF=200 node dist/bench/statements.bench.js
 * No database: realistic synthetic statements (src/documents/document-samples.ts: a donor typed
 * in its own language, two pledges, 3 to 14 receipts in four currencies with UN rates, a
 * write-off, instalments due, grants funded), the six UN languages in turn, rendered by the
 * application's own DocumentRenderer and PdfRenderer.
 * Prints: BENCH_HTML statements as HTML (target: 1,000 in under 10 s); BENCH_PDF of them printed
 * to PDF by one reused chromium (target: 10 or more a second), asked for several at a time as the
 * statement batch does (printed together in jobs of up to 8 of one language), then one by one
 * (one and four at a time, with the rate per language), as a statement issued on its own is.
 * Starting chromium is timed apart, before the PDF figures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { DocumentRenderer } from '../src/documents/document-renderer';
import { sampleStatement } from '../src/documents/document-samples';
import { PARTS_PER_PRINT, PdfRenderer } from '../src/documents/pdf-renderer';
import { StatementData, UN_LANGUAGES, UnLanguage } from '../src/statements/statement-data.types';

const HTML_COUNT = Number(process.env.BENCH_HTML ?? 1000);
const PDF_COUNT = Number(process.env.BENCH_PDF ?? 200);
const PDF_TARGET_PER_SECOND = 10;
const HTML_TARGET_MS = 10_000;

interface Job {
  language: UnLanguage;
  data: StatementData;
  number: string;
}

function jobs(count: number): Job[] {
  return Array.from({ length: count }, (_, i) => {
    const language = UN_LANGUAGES[i % UN_LANGUAGES.length];
    return {
      language,
      data: sampleStatement(language, { seed: i, receipts: 3 + (i % 12) }),
      number: `ST-2026-${String(i + 1).padStart(6, '0')}`,
    };
  });
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const met = (ok: boolean): string => (ok ? 'met' : 'MISSED');

/**
 * CPU seconds used so far by this process and the chromium it started (Linux /proc): on a
 * machine shared with other work, wall-clock rates understate what an idle one would do.
 */
function cpuSeconds(): number {
  const ticks = 100; // USER_HZ
  const parents = new Map<number, number>();
  const used = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      used.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / ticks);
    } catch {
      // the process ended meanwhile
    }
  }
  const ours = (pid: number): boolean => {
    for (let at = pid; at > 1; at = parents.get(at) ?? 0) if (at === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, seconds] of used) if (ours(pid)) total += seconds;
  return total;
}

type Printable = { language: UnLanguage; html: string; headerText: string };

/** One PDF per call, `concurrency` calls at a time: what issuing statements one by one does. */
async function printOneByOne(
  printer: PdfRenderer,
  pages: Printable[],
  concurrency: number,
): Promise<{ ms: number; perLanguage: Map<UnLanguage, number[]> }> {
  const perLanguage = new Map<UnLanguage, number[]>(UN_LANGUAGES.map((l) => [l, []]));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < pages.length) {
        const page = pages[next++];
        const t = performance.now();
        await printer.pdf(page.html, { language: page.language, headerText: page.headerText });
        perLanguage.get(page.language)?.push(performance.now() - t);
      }
    }),
  );
  return { ms: performance.now() - started, perLanguage };
}

/**
 * PDFs asked for `group` at a time (pdfMany), as the statement batch does with the donors it
 * takes together: printed in jobs of up to PARTS_PER_PRINT documents of one language.
 */
async function printTogether(
  printer: PdfRenderer,
  pages: Printable[],
  group: number,
): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  let bytes = 0;
  for (let at = 0; at < pages.length; at += group) {
    const pdfs = await printer.pdfMany(pages.slice(at, at + group));
    bytes += pdfs.reduce((sum, pdf) => sum + pdf.length, 0);
  }
  return { ms: performance.now() - started, bytes };
}

async function main(): Promise<void> {
  console.log(
    `Donor statements benchmark (synthetic data, no database, ${UN_LANGUAGES.length} languages)\n`,
  );
  const renderer = new DocumentRenderer();
  const all = jobs(Math.max(HTML_COUNT, PDF_COUNT));

  const htmlStarted = performance.now();
  const rendered = all.slice(0, HTML_COUNT).map((job) => ({
    language: job.language,
    ...renderer.render(job.data, {
      language: job.language,
      draft: false,
      number: job.number,
      issuedOn: '2026-04-02',
    }),
  }));
  const htmlMs = performance.now() - htmlStarted;
  const bytes = rendered.reduce((sum, page) => sum + page.html.length, 0);
  console.log(
    `HTML: ${HTML_COUNT} statements in ${seconds(htmlMs)} s (${((HTML_COUNT * 1000) / htmlMs).toFixed(0)} a second, ${(bytes / HTML_COUNT / 1024).toFixed(1)} KiB each)`,
  );

  const printer = new PdfRenderer();
  if (!printer.available()) {
    console.log(`PDF: skipped, no chromium at ${printer.executablePath}`);
    return;
  }
  const warmStarted = performance.now();
  await printer.pdf(rendered[0].html, { language: rendered[0].language, headerText: 'warm-up' });
  console.log(
    `PDF: chromium started and first PDF printed in ${seconds(performance.now() - warmStarted)} s`,
  );

  const toPrint = (
    HTML_COUNT >= PDF_COUNT
      ? rendered
      : all.map((job) => ({
          language: job.language,
          ...renderer.render(job.data, {
            language: job.language,
            draft: false,
            number: job.number,
            issuedOn: '2026-04-02',
          }),
        }))
  ).slice(0, PDF_COUNT);
  const results: { how: string; rate: number }[] = [];
  for (const group of [PARTS_PER_PRINT, PARTS_PER_PRINT * UN_LANGUAGES.length]) {
    const cpuBefore = cpuSeconds();
    const { ms, bytes } = await printTogether(printer, toPrint, group);
    const cpuPerPdf = (cpuSeconds() - cpuBefore) / PDF_COUNT;
    const rate = (PDF_COUNT * 1000) / ms;
    const how = `${group} asked for together`;
    results.push({ how, rate });
    console.log(
      `PDF: ${PDF_COUNT} statements, ${how}, one reused chromium: ${seconds(ms)} s, ${rate.toFixed(1)} a second, ${(bytes / PDF_COUNT / 1024).toFixed(0)} KiB each`,
    );
    console.log(
      `     CPU ${(cpuPerPdf * 1000).toFixed(0)} ms per PDF (node and chromium): an idle machine with ${cpus().length} cores would print at most ${(cpus().length / cpuPerPdf).toFixed(1)} a second`,
    );
  }
  for (const concurrency of [1, 4]) {
    const cpuBefore = cpuSeconds();
    const { ms, perLanguage } = await printOneByOne(printer, toPrint, concurrency);
    const cpuPerPdf = (cpuSeconds() - cpuBefore) / PDF_COUNT;
    const rate = (PDF_COUNT * 1000) / ms;
    results.push({ how: `one by one, ${concurrency} at a time`, rate });
    console.log(
      `PDF: ${PDF_COUNT} statements, one by one, ${concurrency} at a time: ${seconds(ms)} s, ${rate.toFixed(1)} a second (CPU ${(cpuPerPdf * 1000).toFixed(0)} ms per PDF)`,
    );
    console.table(
      UN_LANGUAGES.map((language) => {
        const times = perLanguage.get(language) ?? [];
        const mean = times.reduce((a, b) => a + b, 0) / Math.max(1, times.length);
        return { language, pdfs: times.length, 'mean ms per PDF': Math.round(mean) };
      }),
    );
  }
  await printer.close();

  console.log('\nTargets');
  console.table([
    {
      target: `${HTML_COUNT} HTML statements in under ${HTML_TARGET_MS / 1000} s`,
      measured: `${seconds(htmlMs)} s`,
      result: met(htmlMs < HTML_TARGET_MS * (HTML_COUNT / 1000)),
    },
    ...results.map(({ how, rate }) => ({
      target: `PDFs at ${PDF_TARGET_PER_SECOND} a second or more (${how})`,
      measured: `${rate.toFixed(1)} a second`,
      result: met(rate >= PDF_TARGET_PER_SECOND),
    })),
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
