//! The Leptos app (wasm32 only): shell, router and pages.

mod api;
mod components;
#[cfg(feature = "dogfood")]
mod dogfood;
mod pages;
mod role;
mod shortcuts;
mod state;

use components::Shell;
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;
use pages::*;

pub fn mount() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let logged_in = api::session::init();
    provide_context(logged_in);
    role::provide(logged_in.0);
    components::theme::init();
    view! {
        <Router>
            <Routes fallback=|| view! { <Shell><p class="empty">"Page not found."</p></Shell> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/signup") view=SignupRoute/>
                <Route path=path!("/password-reset") view=PasswordResetPage/>
                <Route path=path!("/") view=|| view! { <Redirect path="/services"/> }/>
                <Route path=path!("/services") view=|| view! { <Shell><ServicesPage/></Shell> }/>
                <Route path=path!("/services/:name") view=|| view! { <Shell><ServiceDetailPage/></Shell> }/>
                <Route path=path!("/traces") view=|| view! { <Shell><TracesPage/></Shell> }/>
                <Route path=path!("/traces-explorer") view=|| view! { <Shell><TracesExplorerPage/></Shell> }/>
                <Route path=path!("/logs/logs-explorer") view=|| view! { <Shell><LogsExplorerPage/></Shell> }/>
                <Route path=path!("/logs/logs-explorer/live") view=|| view! { <Shell><LiveTailPage/></Shell> }/>
                // SigNoz v0.39's legacy traces page link.
                <Route path=path!("/trace") view=|| view! { <Redirect path="/traces-explorer"/> }/>
                <Route path=path!("/trace/:id") view=|| view! { <Shell><TraceDetailPage/></Shell> }/>
                <Route path=path!("/logs") view=|| view! { <Shell><LogsPage/></Shell> }/>
                <Route path=path!("/exceptions") view=|| view! { <Shell><ExceptionsPage/></Shell> }/>
                <Route path=path!("/exceptions/:group") view=|| view! { <Shell><ExceptionDetailPage/></Shell> }/>
                <Route path=path!("/service-map") view=|| view! { <Shell><ServiceMapPage/></Shell> }/>
                <Route path=path!("/dashboards") view=|| view! { <Shell><DashboardsPage/></Shell> }/>
                <Route path=path!("/dashboards/:uuid") view=|| view! { <Shell><DashboardPage/></Shell> }/>
                <Route path=path!("/alerts") view=|| view! { <Shell><AlertsPage/></Shell> }/>
                <Route path=path!("/alerts/new") view=|| view! { <Shell><RuleEditPage/></Shell> }/>
                <Route path=path!("/alerts/edit") view=|| view! { <Shell><RuleEditPage/></Shell> }/>
                <Route path=path!("/browser") view=|| view! { <Shell><BrowserPage/></Shell> }/>
                <Route path=path!("/dashboard/:id") view=SignozDashboardLink/>
                <Route path=path!("/error-detail") view=|| view! { <Shell><ExceptionDetailPage/></Shell> }/>
                <Route path=path!("/settings") view=|| view! { <Shell><SettingsPage/></Shell> }/>
                <Route path=path!("/settings/channels") view=|| view! { <Shell><ChannelsPage/></Shell> }/>
                <Route path=path!("/settings/channels/new") view=|| view! { <Shell><ChannelEditPage/></Shell> }/>
                <Route path=path!("/settings/channels/:id") view=|| view! { <Shell><ChannelEditPage/></Shell> }/>
                <Route path=path!("/settings/org-settings") view=|| view! { <Shell><OrgSettingsPage/></Shell> }/>
                <Route path=path!("/my-settings") view=|| view! { <Shell><MySettingsPage/></Shell> }/>
                <Route path=path!("/usage-explorer") view=|| view! { <Shell><UsagePage/></Shell> }/>
                <Route path=path!("/status") view=|| view! { <Shell><StatusPage/></Shell> }/>
                <Route path=path!("/shortcuts") view=|| view! { <Shell><ShortcutsPage/></Shell> }/>
            </Routes>
        </Router>
    }
}

#[cfg(test)]
mod tests;
