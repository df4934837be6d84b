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
use leptos_router::{lazy_route, path, Lazy, LazyRoute};
use pages::*;

/// `view=lazy!(SomePage)`: the route's page in its own wasm module, inside the shell, fetched
/// on the first visit; `view=lazy!(SomePage in group)`: in the module `group`, with the other
/// pages of that group (pages that share most of their code: one download, fewer shared
/// chunks). `build.sh` splits the modules out and lists what each adds in `dist/SIZES.txt`.
/// Code also used by the first load stays in the main module. A plain
/// `view=|| view! { <Shell><SomePage/></Shell> }` route is part of the first load.
macro_rules! lazy {
    ($page:ident) => {
        lazy!($page in $page)
    };
    ($page:ident in $group:ident) => {{
        // The split module is named after this type (a braced struct does not shadow the
        // page's component function of the same name).
        #[allow(non_camel_case_types, dead_code)]
        struct $group {}
        #[lazy_route]
        impl LazyRoute for $group {
            fn data() -> Self {
                $group {}
            }
            fn view(this: Self) -> AnyView {
                let $group {} = this;
                view! { <Shell><$page/></Shell> }.into_any()
            }
        }
        Lazy::<$group>::new()
    }};
}

// The browser component tests mount single components instead (see `start` in lib.rs).
#[cfg_attr(test, allow(dead_code))]
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
                // First load: the shell, login, signup and the landing page.
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/signup") view=SignupRoute/>
                <Route path=path!("/password-reset") view=PasswordResetPage/>
                <Route path=path!("/") view=|| view! { <Redirect path="/services"/> }/>
                <Route path=path!("/services") view=|| view! { <Shell><ServicesPage/></Shell> }/>
                // Every other page: its own chunk, fetched on the first visit.
                <Route path=path!("/services/:name") view=lazy!(ServiceDetailPage in service)/>
                <Route path=path!("/traces") view=lazy!(TracesPage in search)/>
                <Route path=path!("/traces-explorer") view=lazy!(TracesExplorerPage in explorer)/>
                <Route path=path!("/logs/logs-explorer") view=lazy!(LogsExplorerPage in explorer)/>
                <Route path=path!("/logs/logs-explorer/live") view=lazy!(LiveTailPage in explorer)/>
                // SigNoz v0.39's legacy traces page link.
                <Route path=path!("/trace") view=|| view! { <Redirect path="/traces-explorer"/> }/>
                <Route path=path!("/trace/:id") view=lazy!(TraceDetailPage in trace)/>
                <Route path=path!("/trace-compare") view=lazy!(TraceComparePage in trace)/>
                <Route path=path!("/trace-file") view=lazy!(TraceFilePage in trace)/>
                <Route path=path!("/logs") view=lazy!(LogsPage in search)/>
                <Route path=path!("/exceptions") view=lazy!(ExceptionsPage in exceptions)/>
                <Route path=path!("/exceptions/:group") view=lazy!(ExceptionDetailPage in exceptions)/>
                // SigNoz's exception link.
                <Route path=path!("/error-detail") view=lazy!(ExceptionDetailPage in exceptions)/>
                <Route path=path!("/service-map") view=lazy!(ServiceMapPage in service)/>
                <Route path=path!("/dashboards") view=lazy!(DashboardsPage in dashboards)/>
                <Route path=path!("/dashboards/:uuid") view=lazy!(DashboardPage in dashboards)/>
                // SigNoz's singular dashboard path: a redirect to ours.
                <Route path=path!("/dashboard/:id") view=SignozDashboardLink/>
                <Route path=path!("/alerts") view=lazy!(AlertsPage in alerts)/>
                <Route path=path!("/alerts/new") view=lazy!(RuleEditPage in alerts)/>
                <Route path=path!("/alerts/edit") view=lazy!(RuleEditPage in alerts)/>
                <Route path=path!("/browser") view=lazy!(BrowserPage in browser)/>
                <Route path=path!("/settings") view=lazy!(SettingsPage in settings)/>
                <Route path=path!("/settings/channels") view=lazy!(ChannelsPage in settings)/>
                <Route path=path!("/settings/channels/new") view=lazy!(ChannelEditPage in settings)/>
                <Route path=path!("/settings/channels/:id") view=lazy!(ChannelEditPage in settings)/>
                <Route path=path!("/settings/org-settings") view=lazy!(OrgSettingsPage in settings)/>
                <Route path=path!("/my-settings") view=lazy!(MySettingsPage in settings)/>
                <Route path=path!("/usage-explorer") view=lazy!(UsagePage in settings)/>
                <Route path=path!("/status") view=lazy!(StatusPage in settings)/>
                <Route path=path!("/shortcuts") view=lazy!(ShortcutsPage in settings)/>
            </Routes>
        </Router>
    }
}

#[cfg(test)]
mod tests;
