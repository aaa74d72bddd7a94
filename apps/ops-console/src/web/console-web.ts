import express from 'express';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpsConsoleConfig } from '../ops-console.config';
import { CONFIG } from '../tokens';
import { CONSOLE_ASSETS, uplotDir } from './console-assets';

/**
 * The Express side of the console, mounted before the app listens and in this order: the proxies
 * to believe, the security headers (so static files get them too), the browser files, and the
 * sign-in form's urlencoded body (it also posts without the script; nothing else takes a form).
 */
export function serveConsoleWeb(app: NestExpressApplication): void {
  const config = app.get<OpsConsoleConfig>(CONFIG);
  if (config.OPS_TRUST_PROXY) app.set('trust proxy', config.OPS_TRUST_PROXY);
  app.use(helmet(securityHeaders(config.APP_ENV === 'production')));
  app.use('/assets/vendor/uplot', express.static(uplotDir(), { maxAge: '1d' }));
  app.use('/assets', express.static(app.get<string>(CONSOLE_ASSETS), { maxAge: 0, index: false }));
  app.useBodyParser('urlencoded', { extended: false });
}

/**
 * Headers for every response, static files included: a CSP that allows only the console's own
 * scripts (all local, no inline script), no framing (clickjacking), no MIME sniffing, no referrer
 * beyond this origin, and HSTS in production (development runs on plain http://localhost).
 */
function securityHeaders(production: boolean): Parameters<typeof helmet>[0] {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // uPlot positions its chart with inline styles; scripts stay strict.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
}
