import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/clock/index.js';
import { controlPlaneOf, createEmulator, type Emulator } from '../../src/emulator.js';

/** How the fake issuer answers: as Kubernetes does, or with one of the faults relying parties meet. */
export type IssuerMode = 'ok' | 'wrong-issuer' | 'no-keys' | 'not-json' | 'status-500' | 'down';

export interface TestIssuer {
  url: string;
  emu: Emulator;
  /** the emulator's (manual) clock, for the exchanges to share */
  clock: Clock;
  mode: IssuerMode;
  /** requests served, as `<path>` */
  hits: string[];
  close(): Promise<void>;
}

/**
 * An emulator whose issuer URL is a plain-HTTP server serving its discovery document and JWKS
 * (as `satoken serve --http` does), with switchable faults. Manual clock at the real now, so that
 * SDKs signing with the wall clock agree with it.
 */
export async function startIssuer(): Promise<TestIssuer> {
  let emu: Emulator | undefined;
  const hits: string[] = [];
  const state = { mode: 'ok' as IssuerMode };
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (state.mode === 'down') return void req.socket.destroy();
    if (state.mode === 'status-500') return void res.writeHead(500).end('boom');
    if (state.mode === 'not-json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === '/.well-known/openid-configuration') {
      const doc = emu!.openIdConfiguration({ jwksUri: `${base}/openid/v1/jwks` }) as Record<string, unknown>;
      if (state.mode === 'wrong-issuer') doc.issuer = 'https://kubernetes.default.svc';
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
    }
    if (req.url === '/openid/v1/jwks') {
      return void res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(state.mode === 'no-keys' ? { keys: [] } : emu!.jwks()));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emu = await createEmulator({ clock: 'manual', issuer: url, keys: { allowHttpIssuer: true } });
  return {
    url,
    emu,
    clock: controlPlaneOf(emu).clock,
    hits,
    get mode() {
      return state.mode;
    },
    set mode(m: IssuerMode) {
      state.mode = m;
    },
    close: async () => {
      await emu!.close();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}
