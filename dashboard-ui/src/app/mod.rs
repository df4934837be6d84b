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
use std::future::Future;
use std::pin::Pin;

/// Every route's view has this one type. leptos_router generates its route matching and
/// view choosing per route and per view type; with each lazily loaded route as its own
/// `Lazy<T>` type that code grew with every page (~95 KB of the main module at 37 routes).
type PageView = fn() -> AnyView;

/// A page of a lazily loaded module, once the module is fetched.
type PageFuture = Pin<Box<dyn Future<Output = AnyView> + Send>>;

/// `page!(<View/>)`: a first-load route's view as a [`PageView`].
macro_rules! page {
    ($($view:tt)+) => {{
        fn page() -> AnyView {
            view! { $($view)+ }.into_any()
        }
        page as PageView
    }};
}

/// `lazy_modules! { group: PageA, PageB; … }`: one lazily loaded wasm module per `group`,
/// holding its pages and the code only they use (pages that share most of their code go in
/// one module: one download, fewer shared chunks). `build.sh` splits the modules out and lists
/// what each adds in `dist/SIZES.txt`. Code also used by the first load stays in the main module.
macro_rules! lazy_modules {
    ($($group:ident: $($page:ident),+;)+) => {$(
        #[allow(non_snake_case)]
        mod $group {
            use super::*;

            #[allow(clippy::enum_variant_names)]
            #[derive(Clone, Copy)]
            pub enum Page {
                $($page),+
            }

            /// The split point: the module is fetched on the first call.
            #[leptos::lazy($group)]
            fn view(page: u8) -> AnyView {
                $(if page == Page::$page as u8 {
                    return view! { <$page/> }.into_any();
                })+
                ().into_any()
            }

            pub fn load(page: u8) -> PageFuture {
                Box::pin(view(page))
            }
        }
    )+};
}

lazy_modules! {
    // Login, signup and password reset: a signed-in user opening /services never needs them.
    auth: LoginPage, SignupRoute, PasswordResetPage;
    service: ServiceDetailPage, ServiceMapPage;
    search: TracesPage, LogsPage;
    explorer: TracesExplorerPage, LogsExplorerPage, LiveTailPage, TracesSavedViewsPage,
        LogsSavedViewsPage, LogsIndexFieldsPage;
    trace: TraceDetailPage, TraceComparePage, TraceFilePage;
    exceptions: ExceptionsPage, ExceptionDetailPage;
    dashboards: DashboardsPage, DashboardPage, SignozDashboardLink;
    alerts: AlertsPage, RuleEditPage;
    browser: BrowserPage;
    onboarding: GetStartedPage;
    settings: SettingsPage, ChannelsPage, ChannelEditPage, OrgSettingsPage, MySettingsPage,
        UsagePage, StatusPage, ShortcutsPage;
}

/// `view=lazy!(SomePage in group)`: the route's page from the lazily loaded module `group`
/// (listed in `lazy_modules!`), inside the shell; `lazy!(SomePage in group, bare)`: without the
/// shell (login, redirects). A `view=page!(…)` route is part of the first load.
macro_rules! lazy {
    ($page:ident in $group:ident) => {{
        fn page() -> AnyView {
            lazy_page($group::load, $group::Page::$page as u8)
        }
        page as PageView
    }};
    ($page:ident in $group:ident, bare) => {{
        fn page() -> AnyView {
            Suspend::new($group::load($group::Page::$page as u8)).into_any()
        }
        page as PageView
    }};
}

/// The shell at once, the page when its module has arrived (at once when it already has).
fn lazy_page(load: fn(u8) -> PageFuture, page: u8) -> AnyView {
    view! { <Shell>{Suspend::new(load(page))}</Shell> }.into_any()
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
                // First load: the shell and the landing page.
                <Route path=path!("/") view=page!(<Redirect path="/services"/>)/>
                <Route path=path!("/services") view=page!(<Shell><ServicesPage/></Shell>)/>
                // Every other page: its module, fetched on the first visit.
                <Route path=path!("/login") view=lazy!(LoginPage in auth, bare)/>
                <Route path=path!("/signup") view=lazy!(SignupRoute in auth, bare)/>
                <Route path=path!("/password-reset") view=lazy!(PasswordResetPage in auth, bare)/>
                <Route path=path!("/services/:name") view=lazy!(ServiceDetailPage in service)/>
                <Route path=path!("/traces") view=lazy!(TracesPage in search)/>
                <Route path=path!("/traces-explorer") view=lazy!(TracesExplorerPage in explorer)/>
                <Route path=path!("/logs/logs-explorer") view=lazy!(LogsExplorerPage in explorer)/>
                <Route path=path!("/logs/logs-explorer/live") view=lazy!(LiveTailPage in explorer)/>
                <Route path=path!("/traces/saved-views") view=lazy!(TracesSavedViewsPage in explorer)/>
                <Route path=path!("/logs/saved-views") view=lazy!(LogsSavedViewsPage in explorer)/>
                <Route path=path!("/logs-explorer/index-fields") view=lazy!(LogsIndexFieldsPage in explorer)/>
                // SigNoz v0.39's paths for the same pages.
                <Route path=path!("/traces-save-views") view=page!(<Redirect path="/traces/saved-views"/>)/>
                <Route path=path!("/logs-save-views") view=page!(<Redirect path="/logs/saved-views"/>)/>
                // SigNoz v0.39's legacy traces page link.
                <Route path=path!("/trace") view=page!(<Redirect path="/traces-explorer"/>)/>
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
                <Route path=path!("/dashboard/:id") view=lazy!(SignozDashboardLink in dashboards, bare)/>
                <Route path=path!("/alerts") view=lazy!(AlertsPage in alerts)/>
                <Route path=path!("/alerts/new") view=lazy!(RuleEditPage in alerts)/>
                <Route path=path!("/alerts/edit") view=lazy!(RuleEditPage in alerts)/>
                <Route path=path!("/browser") view=lazy!(BrowserPage in browser)/>
                <Route path=path!("/get-started") view=lazy!(GetStartedPage in onboarding)/>
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
