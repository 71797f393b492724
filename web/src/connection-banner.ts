// The connection banner: says plainly when the live connection is gone and clears once it is back.
import type { SessionStatus } from '../../client/src/index.js';
import { byId } from './dom.js';

const TEXT: Partial<Record<SessionStatus, string>> = {
  offline: 'Connection lost. Reconnecting… Messages you send will go out once it is back.',
  'catching-up': 'Reconnected: catching up…',
};

export class ConnectionBanner {
  private wasLive = false;

  show(status: SessionStatus): void {
    const banner = byId('banner');
    // Before the first connection there is nothing to lose yet: no banner while loading.
    const text = this.wasLive ? TEXT[status] : status === 'offline' ? TEXT.offline : undefined;
    if (status === 'live') this.wasLive = true;
    banner.textContent = text ?? '';
    banner.hidden = text === undefined;
  }

  /** The screen closes: nothing to say any more. */
  clear(): void {
    byId('banner').hidden = true;
  }
}
