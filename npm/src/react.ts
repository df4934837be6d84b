// React helpers: a provider for the handle, a tracer hook, and an error boundary that records
// render errors as exceptions. Written with createElement so the package needs no JSX setup.
import { Component, createContext, createElement, useContext, useMemo, type ErrorInfo, type ReactNode } from 'react';
import type { Tracer } from '@opentelemetry/api';
import type { Telemetry } from './telemetry.js';

const TelemetryContext = createContext<Telemetry | null>(null);

/** Makes `telemetry` (from `await initTelemetry(...)`) available to the hooks below. */
export function TelemetryProvider(props: { telemetry: Telemetry; children?: ReactNode }): ReactNode {
  return createElement(TelemetryContext.Provider, { value: props.telemetry }, props.children);
}

/** The handle given to the nearest TelemetryProvider. */
export function useTelemetry(): Telemetry {
  const t = useContext(TelemetryContext);
  if (!t) throw new Error('otel-wasm/react: useTelemetry() needs a <TelemetryProvider telemetry={...}> above it');
  return t;
}

/** A tracer (the same object across renders). */
export function useTracer(name: string, version?: string): Tracer {
  const t = useTelemetry();
  return useMemo(() => t.getTracer(name, version), [t, name, version]);
}

export interface TelemetryErrorBoundaryProps {
  /** Shown instead of the children after an error; a function gets the error and a reset. */
  fallback?: ReactNode | ((error: Error, reset: () => void) => ReactNode);
  /** Tracer name for the span created when no span is active. Default 'otel-wasm/react'. */
  tracerName?: string;
  children?: ReactNode;
}

/**
 * Records a render error as an exception (with `react.component_stack`) and sets ERROR
 * status on the active span; React usually renders outside the event that caused the update,
 * so when no span is active a `react.error` span is created for it.
 */
export class TelemetryErrorBoundary extends Component<TelemetryErrorBoundaryProps, { failed: boolean; error: unknown }> {
  static contextType = TelemetryContext;
  declare context: Telemetry | null;
  // `failed`, not the error's truthiness: anything can be thrown, `null` and `0` too.
  state: { failed: boolean; error: unknown } = { failed: false, error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { failed: true, error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    const t = this.context;
    if (!t) return;
    const active = t.getActiveSpan();
    const span = active?.isRecording() ? active : t.getTracer(this.props.tracerName ?? 'otel-wasm/react').startSpan('react.error');
    span.recordException(error);
    if (info.componentStack) span.setAttribute('react.component_stack', info.componentStack.slice(0, 4096));
    // Anything can be thrown (`throw null`): an error without a message gets none.
    span.setStatus({ code: 2, message: (error as Partial<Error> | null)?.message });
    if (span !== active) span.end();
  }

  private reset = () => this.setState({ failed: false, error: undefined });

  render(): ReactNode {
    const { failed, error } = this.state;
    if (!failed) return this.props.children;
    const f = this.props.fallback;
    return typeof f === 'function' ? f(error as Error, this.reset) : (f ?? null);
  }
}
