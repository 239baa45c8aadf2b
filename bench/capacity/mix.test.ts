import { describe, expect, it } from 'vitest';
import { type Kind, MIX, type MixData, mixMaker } from './mix.ts';

const data: MixData = {
  websiteId: 'w3bs1t3IdXyZ12345678ab',
  formId: 'f0rmIdXyZ12345678abcde',
  apiKey: 'spk_test',
  pixelPaths: ['/e/o/a', '/e/o/b'],
  clickPaths: ['/e/c/a', '/e/c/b'],
  visitorPool: 10,
};
const spoor = { origin: 'http://spoor', emailOrigin: 'http://spoor', bare: false };

describe('the capacity mix', () => {
  const make = mixMaker(data, spoor, 7);
  const requests = Array.from({ length: 20_000 }, () => make());

  it('makes each kind in its share', () => {
    const total = MIX.reduce((sum, [, w]) => sum + w, 0);
    for (const [kind, weight] of MIX) {
      const share = requests.filter((r) => r.kind === kind).length / requests.length;
      expect(share, kind).toBeCloseTo(weight / total, 1);
    }
  });

  it('sends engaged time only for page views already sent, growing per page view', () => {
    const sent = new Map<string, number>();
    for (const r of requests) {
      if (r.kind === 'pageview') sent.set((JSON.parse(r.body!) as { e: string }).e, 0);
      if (r.kind === 'engaged') {
        const body = JSON.parse(r.body!) as { t: string; p: string; ms: number; e: string };
        expect(body.t).toBe('en');
        expect(sent.has(body.p)).toBe(true);
        expect(body.ms).toBeGreaterThan(sent.get(body.p)!);
        sent.set(body.p, body.ms);
        expect(body.e).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
      }
    }
  });

  it('gives every request the path, headers and expected answer of its endpoint', () => {
    const one = (kind: Kind) => requests.find((r) => r.kind === kind)!;
    expect(one('pageview')).toMatchObject({ method: 'POST', path: '/c' });
    expect(one('open').path).toMatch(/^\/e\/o\//);
    expect(one('click').ok(302)).toBe(true);
    expect(one('click').ok(404)).toBe(false);
    expect(one('form')).toMatchObject({ method: 'POST', path: `/f/${data.formId}` });
    expect(one('report').headers['authorization']).toBe('Bearer spk_test');
    const emails = requests.filter((r) => r.kind === 'form').map((r) => JSON.parse(r.body!).email);
    expect(new Set(emails).size).toBe(emails.length);
  });

  it('sends the email kinds to the bare email server and counts its 404s as served', () => {
    const bare = mixMaker(data, { origin: 'http://bare', emailOrigin: 'http://bare-email', bare: true }, 7);
    const made = Array.from({ length: 2_000 }, () => bare());
    expect(made.find((r) => r.kind === 'open')!.origin).toBe('http://bare-email');
    expect(made.find((r) => r.kind === 'form')!.ok(404)).toBe(true);
    expect(made.find((r) => r.kind === 'pageview')!.ok(204)).toBe(true);
  });
});
