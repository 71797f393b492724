// The browser client's files, read once at start and kept in memory: the page and its stylesheet
// from web/public/, and the TypeScript of web/src/ and of the client library (client/src/)
// transpiled to ES modules by esbuild (a runtime dependency through tsx), so a production install
// serves the client without a compiler or a build step.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { transform } from 'esbuild';

export interface WebAsset {
  readonly contentType: string;
  readonly body: Buffer;
  /** A strong validator of the body, quoted as the header wants it. */
  readonly etag: string;
}

export interface WebSettings {
  /** The longest message the server stores, shown by the page's length counter. */
  readonly messageMaxChars: number;
}

/** Both src/ and dist/ sit one level below the package root, beside web/ and client/. */
const PACKAGE_ROOT = new URL('../../', import.meta.url);
const PUBLIC_DIR = new URL('web/public/', PACKAGE_ROOT);
/** Served under their own path with .js for .ts, so the modules' relative imports resolve as is. */
const MODULE_DIRS = ['web/src/', 'client/src/'];

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/** The page names the settings it needs in `<meta>` tags: `%NAME%` placeholders filled here. */
const PAGE_SETTINGS: Readonly<Record<string, (settings: WebSettings) => string>> = {
  MESSAGE_MAX_CHARS: (settings) => String(settings.messageMaxChars),
};

/** Transpiled once per process: the sources do not change while it runs. */
let modules: Promise<Map<string, WebAsset>> | undefined;

/** URL path → asset: `/` (the page), `/style.css`, `/web/src/main.js`, `/client/src/index.js`… */
export async function loadWebAssets(settings: WebSettings): Promise<Map<string, WebAsset>> {
  modules ??= transpileModules();
  const [publicFiles, scripts] = await Promise.all([readPublicFiles(settings), modules]);
  return new Map([...publicFiles, ...scripts]);
}

async function readPublicFiles(settings: WebSettings): Promise<Map<string, WebAsset>> {
  const assets = new Map<string, WebAsset>();
  for (const name of await readdir(PUBLIC_DIR)) {
    const type = CONTENT_TYPES[extension(name)];
    if (!type) continue;
    let body = await readFile(new URL(name, PUBLIC_DIR));
    if (name === 'index.html') body = Buffer.from(fillSettings(body.toString('utf8'), settings));
    assets.set(name === 'index.html' ? '/' : `/${name}`, asset(type, body));
  }
  return assets;
}

function fillSettings(page: string, settings: WebSettings): string {
  return page.replace(/%([A-Z_]+)%/g, (placeholder, name: string) => {
    const value = PAGE_SETTINGS[name];
    return value ? value(settings) : placeholder;
  });
}

async function transpileModules(): Promise<Map<string, WebAsset>> {
  const assets = new Map<string, WebAsset>();
  for (const dir of MODULE_DIRS) {
    const names = (await readdir(new URL(dir, PACKAGE_ROOT))).filter((name) =>
      name.endsWith('.ts'),
    );
    const compiled = await Promise.all(names.map((name) => transpile(`${dir}${name}`)));
    names.forEach((name, index) => {
      const path = `/${dir}${name.replace(/\.ts$/, '.js')}`;
      assets.set(path, asset(CONTENT_TYPES.js as string, Buffer.from(compiled[index] ?? '')));
    });
  }
  return assets;
}

async function transpile(path: string): Promise<string> {
  const source = await readFile(new URL(path, PACKAGE_ROOT), 'utf8');
  const result = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'es2022',
    sourcefile: path,
  });
  return result.code;
}

function asset(contentType: string, body: Buffer): WebAsset {
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return { contentType, body, etag: `"${digest}"` };
}

function extension(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}
