import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the console (vite build of web/): dist/web, beside dist/src. */
export const CONSOLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../web');

/**
 * Serves the web console built from `web/`: `index.html` at `/` (revalidated, so a new build shows at once) and the
 * content-hashed bundles under `/assets/` (immutable for a year). Nothing else is claimed: every other path,
 * `/api/...` above all, still reaches Nest and its JSON 404. The console uses hash routes (`/#/sensors`), so no
 * catch-all is needed.
 */
export function serveConsole(app: NestExpressApplication, dir = CONSOLE_DIR): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    new Logger('Console').warn(`No web console at ${dir} (run npm run build); / is not served`);
    return;
  }
  app.useStaticAssets(join(dir, 'assets'), {
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || (req.path !== '/' && req.path !== '/index.html')) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, (err) => err && next(err));
  });
}
