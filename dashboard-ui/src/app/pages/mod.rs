//! One module per page.

mod alerts;
mod auth;
mod browser;
mod dashboard_panel;
mod dashboard_view;
mod dashboards;
mod exceptions;
mod explorer;
mod live_tail;
mod log_detail;
mod logs;
mod service_map;
mod services;
mod trace_detail;
mod traces;

pub use alerts::AlertsPage;
pub use auth::{LoginPage, SignupPage};
pub use browser::BrowserPage;
pub use dashboards::{DashboardPage, DashboardsPage};
pub use exceptions::{ExceptionDetailPage, ExceptionsPage};
pub use explorer::{LogsExplorerPage, TracesExplorerPage};
pub use live_tail::LiveTailPage;
pub use logs::LogsPage;
pub use service_map::ServiceMapPage;
pub use services::{ServiceDetailPage, ServicesPage};
pub use trace_detail::TraceDetailPage;
#[cfg(test)]
pub(crate) use trace_detail::TraceView;
pub use traces::TracesPage;
