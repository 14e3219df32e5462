import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserFamily } from './user-agent.ts';
import { reportForLink } from './link-report.ts';
import { buildReport } from './build-report.ts';

test('a user-agent string is cut to browser family and major version', () => {
  const cases: [string, string][] = [
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.7481.2 Safari/537.36',
      'Chrome 156',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      'Edge 131',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox 133'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari 17',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
      'Opera 115',
    ],
    ['curl/8.5.0', 'another browser'],
  ];
  for (const [ua, expected] of cases) {
    assert.equal(browserFamily(ua), expected, ua);
    assert.equal(browserFamily(expected), expected, 'summarising twice changes nothing');
  }
});

test('neither a report nor its link carries more of the user agent than family and version', async () => {
  const userAgent =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.1.2 Safari/537.36';
  const report = await buildReport({
    name: 'm',
    environment: { runtime: 'browser', userAgent },
    files: [],
    results: [],
  });
  assert.equal(report.environment.userAgent, 'Chrome 156');
  // A report saved before the cut (registry) still has the full string: its link does not.
  const old = { ...report, environment: { runtime: 'browser' as const, userAgent } };
  assert.equal(reportForLink(old).environment.userAgent, 'Chrome 156');
});
