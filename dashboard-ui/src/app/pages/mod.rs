//! One module per page.

mod alerts;
mod auth;
mod browser;
mod channels;
mod dashboard_panel;
mod dashboard_view;
mod dashboards;
mod exceptions;
mod explorer;
mod facets;
mod get_started;
mod heatmap;
mod index_fields;
mod links;
mod live_tail;
mod log_detail;
mod log_volume;
mod logs;
mod rule_editor;
mod saved_views;
mod service_detail;
mod service_map;
mod services;
mod settings;
mod team;
mod trace_compare;
mod trace_detail;
mod trace_tools;
mod traces;

pub use alerts::AlertsPage;
pub use auth::LoginPage;
pub use browser::BrowserPage;
pub use channels::{ChannelEditPage, ChannelsPage};
pub use dashboards::{DashboardPage, DashboardsPage};
pub use exceptions::{ExceptionDetailPage, ExceptionsPage};
pub use explorer::{LogsExplorerPage, TracesExplorerPage};
pub use get_started::GetStartedPage;
pub use index_fields::LogsIndexFieldsPage;
pub use links::{SignozDashboardLink, SignupRoute};
pub use live_tail::LiveTailPage;
pub use logs::LogsPage;
pub use rule_editor::RuleEditPage;
#[cfg(test)]
pub(crate) use rule_editor::RuleEditor;
pub use saved_views::{LogsSavedViewsPage, TracesSavedViewsPage};
pub use service_detail::ServiceDetailPage;
pub use service_map::ServiceMapPage;
pub use services::ServicesPage;
pub use settings::{SettingsPage, ShortcutsPage, StatusPage, UsagePage};
pub use team::{MySettingsPage, OrgSettingsPage, PasswordResetPage};
pub use trace_compare::TraceComparePage;
pub use trace_detail::TraceDetailPage;
#[cfg(test)]
pub(crate) use trace_detail::TraceView;
pub use trace_tools::TraceFilePage;
pub use traces::TracesPage;
