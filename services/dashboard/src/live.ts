import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveScoreChange } from './scores-api';
import { scoreStreamUrl } from './scores-api';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Subscribes to the organisation's score changes (SSE). EventSource reconnects by itself and sends the last
 * event id it saw, so the API resumes the stream without gaps; the status tells the page whether it is live.
 */
export function useScoreStream(orgId: string, onChange: (event: LiveScoreChange) => void): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    const source = new EventSource(scoreStreamUrl(orgId), { withCredentials: true });
    const receive = (message: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(message.data) as LiveScoreChange);
      } catch {
        // A keep-alive or an event of a newer API version: nothing this page can show.
      }
    };
    source.onopen = () => setStatus('live');
    source.onerror = () =>
      setStatus(source.readyState === EventSource.CLOSED ? 'connecting' : 'reconnecting');
    source.addEventListener('score', receive as EventListener);
    return () => source.close();
  }, [orgId]);
  return status;
}
