import { useState } from 'react';
import { metrics, trace } from '@opentelemetry/api';
import { env } from '../utils/env';
import { fetchItems, xhrItems, type Item } from '../utils/http';

// Made at first use: this module is loaded with the route table, before telemetry registers
// the global meter provider (a meter taken earlier would be the API's no-op).
let loadTime: ReturnType<ReturnType<typeof metrics.getMeter>['createHistogram']> | undefined;
const histogram = () => (loadTime ??= metrics.getMeter('coffee-frontend').createHistogram('app.items.load_ms', { unit: 'ms' }));

function Bomb(): never {
  throw new Error('the menu exploded');
}

export function Home() {
  const [status, setStatus] = useState('ready');
  const [items, setItems] = useState<Item[]>([]);
  const [crash, setCrash] = useState(false);

  const load = (label: string, get: () => Promise<Item[]>) => async () => {
    const t0 = performance.now();
    try {
      const list = await get();
      setItems(list);
      histogram().record(performance.now() - t0, { source: label });
      setStatus(`${label}: ${list.length} items`);
    } catch (e) {
      setStatus(`${label}: failed (${(e as Error).message})`);
    }
  };

  // App code instrumented by hand through @opentelemetry/api; the order request is a child
  // of the checkout span.
  const checkout = () =>
    trace.getTracer('coffee-frontend').startActiveSpan('checkout', async (span) => {
      span.setAttribute('cart.items', items.length);
      try {
        await fetch('/api/items', { method: 'POST', body: JSON.stringify({ items: items.map((i) => i.id) }) });
        setStatus('checkout: done');
      } finally {
        span.end();
      }
    });

  // Leaves the page as soon as the response is in: nothing may be lost.
  const fetchThenLeave = async () => {
    await fetchItems();
    window.location.assign('/bye.html');
  };

  if (crash) return <Bomb />;
  return (
    <main>
      <h1>Menu</h1>
      <section>
        <button id="fetch-same" onClick={load('same-origin fetch', () => fetchItems())}>Load menu (fetch)</button>
        <button id="xhr-same" onClick={load('same-origin xhr', () => xhrItems())}>Load menu (XHR)</button>
      </section>
      <section>
        <button id="fetch-partner" onClick={load('partner fetch', () => fetchItems(env.partnerApi))}>Partner prices (fetch)</button>
        <button id="xhr-partner" onClick={load('partner xhr', () => xhrItems(env.partnerApi))}>Partner prices (XHR)</button>
      </section>
      <section>
        <button id="fetch-third" onClick={load('third-party fetch', () => fetchItems(env.thirdPartyApi))}>Third-party reviews (fetch)</button>
        <button id="xhr-third" onClick={load('third-party xhr', () => xhrItems(env.thirdPartyApi))}>Third-party reviews (XHR)</button>
      </section>
      <section>
        <button id="checkout" onClick={checkout}>Checkout</button>
        <button id="fetch-and-leave" onClick={fetchThenLeave}>Order and leave</button>
        <button id="crash" onClick={() => setCrash(true)}>Break the menu</button>
      </section>
      <p id="status">{status}</p>
      <ul>{items.map((i) => <li key={i.id}>{i.name} — {i.price.toFixed(2)}</li>)}</ul>
    </main>
  );
}
