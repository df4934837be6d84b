import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTracer } from 'otel-wasm/react';
import { xhrItems, type Item } from '../utils/http';

export function Orders() {
  const tracer = useTracer('coffee-frontend/orders');
  const [orders, setOrders] = useState<Item[] | null>(null);
  useEffect(() => {
    // A hand-made span around the page's data load (the XHR gets its own span too).
    tracer.startActiveSpan('orders.load', (span) => {
      xhrItems()
        .then(setOrders, () => setOrders([]))
        .finally(() => span.end());
    });
  }, [tracer]);
  return (
    <main>
      <h1>Orders</h1>
      <p id="orders-status">{orders === null ? 'loading' : `${orders.length} orders`}</p>
      <ul>
        {orders?.map((o) => (
          <li key={o.id}><Link id={`order-${o.id}`} to={`/orders/${o.id}`}>{o.name}</Link></li>
        ))}
      </ul>
    </main>
  );
}
