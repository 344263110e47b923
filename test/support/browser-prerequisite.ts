import { existsSync } from 'node:fs';

/** The browser the dashboard suite drives: Debian's chromium, never one playwright downloads. */
export const CHROMIUM = '/usr/bin/chromium';

/** The one command that prepares a Debian/Ubuntu machine for the browser suite. */
export const PREPARE_BROWSER = 'bash infra/local/system-packages.sh --browser';

export const haveChromium = () => existsSync(CHROMIUM);
