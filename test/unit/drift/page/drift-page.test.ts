import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { driftPageLink } from '../../../../src/drift/report/index.js';
import {
  escapeHtml,
  renderDriftPage,
  type DriftPageSubject,
  type DriftPageView,
} from '../../../../src/drift/page/index.js';

const HOSTILE_NAME = `amount"><script>alert(1)</script>`;
const HOSTILE_VALUE = `</code><img src="https://evil.example/x.png" onerror="alert(2)">`;

function subject(name: string, overrides: Partial<DriftPageSubject> = {}): DriftPageSubject {
  return {
    name,
    source: 'feature',
    kind: 'numeric',
    level: 'ok',
    reason: 'PSI 0.0100 < 0.1',
    state: 'OK',
    samples: { reference: 20_000, current: 1200 },
    statistics: {
      psi: 0.01,
      jensenShannon: 0.05,
      chiSquarePValue: 0.5,
      chiSquarePValueAdjusted: 0.9,
      ksD: 0.02,
      wassersteinNormalised: 0.03,
      meanShift: -0.01,
      nullRateChange: 0,
      outOfRangeShare: 0,
      unseenShare: null,
    },
    bins: [
      {
        label: '[−∞, 0)',
        lower: null,
        upper: 0,
        referenceCount: 10_000,
        currentCount: 300,
        referenceShare: 0.5,
        currentShare: 0.25,
      },
      {
        label: '[0, +∞)',
        lower: 0,
        upper: null,
        referenceCount: 10_000,
        currentCount: 900,
        referenceShare: 0.5,
        currentShare: 0.75,
      },
    ],
    topUnseen: [],
    ...overrides,
  };
}

function view(subjects: readonly DriftPageSubject[]): DriftPageView {
  return {
    format: 'streamscore-drift-page',
    version: 1,
    model: { name: 'fraud', version: 3 },
    reference: 'ab12cd34ef56ab78',
    scope: 'fast',
    evaluation: {
      evaluatedAt: '2026-11-23T12:05:00.000Z',
      window: { from: '2026-11-23T11:05:00.000Z', to: '2026-11-23T12:05:00.000Z' },
      samples: { reference: 20_000, current: 1200 },
      thresholds: {
        minEvents: 1000,
        psi: { warning: 0.1, critical: 0.25 },
        falseDiscoveryRate: 0.01,
      },
      dataset: {
        level: 'ok',
        state: 'OK',
        evaluatedFeatures: subjects.length,
        driftedFeatures: 1,
        criticalFeatures: 1,
        driftedShare: 1 / subjects.length,
      },
      subjects,
    },
    alerts: [
      {
        subject: HOSTILE_NAME,
        scope: 'fast',
        check: 'drift',
        state: 'FIRING',
        level: 'critical',
        since: '2026-11-23T12:00:00.000Z',
        reason: 'PSI 0.4000 ≥ 0.25 and χ² p (BH-adjusted) 1.00e-20 ≤ 0.01',
      },
    ],
  };
}

/** The sections' subject names, in page order, read back from their (escaped) ids. */
function sectionIds(html: string): string[] {
  return [...html.matchAll(/<article class="subject [^"]*" id="([^"]*)"/g)].map(
    (match) => match[1] as string,
  );
}

describe('renderDriftPage', () => {
  const drifted = subject(HOSTILE_NAME, {
    level: 'critical',
    state: 'FIRING',
    reason: 'PSI 0.4000 ≥ 0.25',
    statistics: { ...subject('x').statistics, psi: 0.4, chiSquarePValueAdjusted: 1e-20 },
    kind: 'categorical',
    bins: subject('x').bins.map((bin, i) => ({ ...bin, label: i === 0 ? HOSTILE_VALUE : 'pos' })),
    topUnseen: [{ value: HOSTILE_VALUE, count: 7 }],
  });

  it('escapes feature names and category values wherever they appear', () => {
    const html = renderDriftPage(view([drifted, subject('f01')]));
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('evil.example/x.png"');
    expect(html).toContain(escapeHtml(HOSTILE_NAME));
    expect(html).toContain(`<code>${escapeHtml(HOSTILE_VALUE)}</code> ×7`);
    // In the section id, the heading link, the alert table link and the chart tooltips.
    expect(sectionIds(html)[0]).toBe(escapeHtml(HOSTILE_NAME));
    expect(html).toContain(`href="#${escapeHtml(encodeURIComponent(HOSTILE_NAME))}"`);
    expect(html).toContain(`href="${escapeHtml(driftPageLink('', 'fast', HOSTILE_NAME))}"`);
    expect(html).toContain(`<title>${escapeHtml(HOSTILE_VALUE)}: 25.0%</title>`);
  });

  it('renders the subjects in the order of the view, each with its two histograms', () => {
    const html = renderDriftPage(view([drifted, subject('f01'), subject('__score__')]));
    expect(sectionIds(html)).toEqual([escapeHtml(HOSTILE_NAME), 'f01', '__score__']);
    expect(html.match(/<svg /g)).toHaveLength(6);
    // Two bins a side; both sides on one scale, so the tallest bar (75%) fills the chart.
    expect(html.match(/<rect /g)).toHaveLength(12);
    expect(html).toContain('y="0.00" width="148.00" height="100.00"');
    expect(html).toContain('data-state="FIRING" data-level="critical"');
    expect(html).toContain('<span class="badge state state-firing">firing</span>');
  });

  it('shows the header: model@version, reference, window, samples, evaluation time', () => {
    const html = renderDriftPage(view([subject('f01')]));
    expect(html).toContain('<h1>Drift report · fraud@3</h1>');
    expect(html).toContain('<code>ab12cd34ef56ab78</code>');
    expect(html).toContain(
      '<strong aria-current="page">fast</strong> · <a href="?scope=slow">slow</a>',
    );
    expect(html).toContain(
      '1 h: <time datetime="2026-11-23T11:05:00.000Z">2026-11-23 11:05:00Z</time>',
    );
    expect(html).toContain('reference 20,000 · current 1,200');
    expect(html).toContain('<dt>evaluated</dt><dd><time datetime="2026-11-23T12:05:00.000Z">');
    expect(html).toContain('<a class="json" href="drift.json?scope=fast">JSON</a>');
  });

  it('formats statistics to three significant digits, tiny p-values with their exponent', () => {
    const html = renderDriftPage(view([drifted]));
    expect(html).toContain('<tr><th>PSI</th><td>0.4</td></tr>');
    expect(html).toContain('<tr><th>χ² p (BH)</th><td>1e-20</td></tr>');
    expect(html).toContain('<tr><th>unseen share</th><td>–</td></tr>');
  });

  it('says so before the first evaluation, and lists no subject', () => {
    const html = renderDriftPage({ ...view([]), evaluation: null, alerts: [] });
    expect(html).toMatch(/No evaluation yet/);
    expect(sectionIds(html)).toEqual([]);
    expect(html).toContain('No active alerts.');
    expect(html).toContain('<h1>Drift report · fraud@3</h1>');
  });

  it('refers to nothing outside the page', () => {
    const html = renderDriftPage(view([drifted, subject('f01')]));
    const references = [...html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
    expect(references.length).toBeGreaterThan(3);
    for (const reference of references)
      expect(reference).toMatch(/^(#|\?scope=|drift\.json\?|data:)/);
    expect(html).not.toMatch(/<script|@import|url\(/);
  });
});

describe('driftPageLink', () => {
  it('names the scope and the subject, percent-encoded', () => {
    expect(driftPageLink('http://h:9464/drift', 'slow', 'f02')).toBe(
      'http://h:9464/drift?scope=slow#f02',
    );
    expect(driftPageLink('', 'fast', 'a b#c')).toBe('?scope=fast#a%20b%23c');
  });
});

/** Every key of `value`, at any depth (array elements included). */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
}

describe('/drift.json', () => {
  it('has every field documented in docs/drift.md "Report page"', async () => {
    const doc = await readFile('docs/drift.md', 'utf8');
    const start = doc.indexOf('\n## Report page\n');
    expect(start).toBeGreaterThan(-1);
    const section = doc.slice(start + 1);
    const documented = section.slice(0, section.indexOf('\n## ', 1));
    const json = view([subject('f01', { topUnseen: [{ value: 'x', count: 1 }] })]);
    const keys = new Set(keysOf(json));
    expect(keys.size).toBeGreaterThan(40);
    for (const key of keys) expect(documented, key).toMatch(new RegExp(`\\b${key}\\b[^|\\n]*\\|`));
  });
});
