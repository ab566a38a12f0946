import { originAllowed, ownOrigin } from './origins.js';

describe('ownOrigin', () => {
  it('is the scheme of the connection and the Host header', () => {
    expect(ownOrigin({ headers: { host: 'localhost:3000' }, encrypted: false, trustProxy: false })).toBe(
      'http://localhost:3000',
    );
    expect(ownOrigin({ headers: { host: 'API.example.org' }, encrypted: true, trustProxy: false })).toBe(
      'https://api.example.org',
    );
  });

  it('takes the forwarded scheme and host only behind a trusted proxy', () => {
    const headers = {
      host: '10.0.0.5:3000',
      'x-forwarded-proto': 'https, http',
      'x-forwarded-host': 'app.example.org',
    };
    expect(ownOrigin({ headers, encrypted: false, trustProxy: true })).toBe('https://app.example.org');
    expect(ownOrigin({ headers, encrypted: false, trustProxy: false })).toBe('http://10.0.0.5:3000');
    expect(
      ownOrigin({
        headers: { host: 'app.example.org', 'x-forwarded-proto': 'https' },
        encrypted: false,
        trustProxy: true,
      }),
    ).toBe('https://app.example.org');
  });

  it('is unknown without a Host header', () => {
    expect(ownOrigin({ headers: {}, encrypted: false, trustProxy: false })).toBeUndefined();
  });
});

describe('originAllowed', () => {
  const allowed = ['https://console.example.org', 'http://localhost:5173'];

  it('matches the configured list exactly, as the HTTP CORS does', () => {
    expect(originAllowed('https://console.example.org', allowed, undefined)).toBe(true);
    expect(originAllowed('http://console.example.org', allowed, undefined)).toBe(false);
    expect(originAllowed('https://console.example.org.evil.test', allowed, undefined)).toBe(false);
    expect(originAllowed('https://evil.test', allowed, undefined)).toBe(false);
    expect(originAllowed('null', allowed, undefined)).toBe(false);
  });

  it("accepts the app's own origin without an entry, and only with the same scheme and port", () => {
    expect(originAllowed('http://127.0.0.1:3000', allowed, 'http://127.0.0.1:3000')).toBe(true);
    expect(originAllowed('https://127.0.0.1:3000', allowed, 'http://127.0.0.1:3000')).toBe(false);
    expect(originAllowed('http://127.0.0.1:3001', allowed, 'http://127.0.0.1:3000')).toBe(false);
  });
});
