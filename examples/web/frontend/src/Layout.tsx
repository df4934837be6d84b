import { Link, Outlet } from 'react-router';
import { TelemetryErrorBoundary } from 'otel-wasm/react';

export function Layout() {
  return (
    <>
      <nav>
        <Link id="nav-home" to="/">Menu</Link> · <Link id="nav-orders" to="/orders">Orders</Link>
      </nav>
      <TelemetryErrorBoundary fallback={(error, reset) => (
        <p id="error">Something went wrong: {error.message} <button id="reset" onClick={reset}>Try again</button></p>
      )}>
        <Outlet />
      </TelemetryErrorBoundary>
    </>
  );
}
