import { TelemetryErrorBoundary } from 'otel-wasm/react';
import { Link, Router, useRoute } from './router';
import { Home } from './pages/Home';
import { Orders } from './pages/Orders';

function Page() {
  const { path } = useRoute();
  return path === '/orders' ? <Orders /> : <Home />;
}

export function App() {
  return (
    <Router>
      <nav>
        <Link id="nav-home" to="/">Menu</Link> · <Link id="nav-orders" to="/orders">Orders</Link>
      </nav>
      <TelemetryErrorBoundary fallback={(error, reset) => (
        <p id="error">Something went wrong: {error.message} <button id="reset" onClick={reset}>Try again</button></p>
      )}>
        <Page />
      </TelemetryErrorBoundary>
    </Router>
  );
}
