import { useEffect, useState } from 'react';
import { xhrItems, type Item } from '../utils/http';

export function Orders() {
  const [orders, setOrders] = useState<Item[] | null>(null);
  useEffect(() => {
    xhrItems().then(setOrders, () => setOrders([]));
  }, []);
  return (
    <main>
      <h1>Orders</h1>
      <p id="orders-status">{orders === null ? 'loading' : `${orders.length} orders`}</p>
    </main>
  );
}
