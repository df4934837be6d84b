// The app's route table (React Router). The telemetry setup reads it too, to name each page
// view by its route pattern (`/orders/:id`, not `/orders/2`).
import type { RouteObject } from 'react-router';
import { Layout } from './Layout';
import { Home } from './pages/Home';
import { Orders } from './pages/Orders';
import { Order } from './pages/Order';

export const routes: RouteObject[] = [
  {
    path: '/',
    Component: Layout,
    children: [
      { index: true, Component: Home },
      { path: 'orders', Component: Orders },
      { path: 'orders/:id', Component: Order },
    ],
  },
];
