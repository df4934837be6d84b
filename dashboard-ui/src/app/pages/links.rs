//! SigNoz's own paths that name pages we have under another path.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_params_map};

/// `/dashboard/:id` (SigNoz's singular path) → `/dashboards/:id`, query kept.
#[component]
pub fn SignozDashboardLink() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .unwrap_or_default();
    let search = use_location().search.get_untracked();
    let query = if search.is_empty() {
        String::new()
    } else {
        format!("?{}", search.trim_start_matches('?'))
    };
    let path = format!("/dashboards/{}{query}", crate::url_state::encode(&id));
    view! { <Redirect path=path/> }
}

/// `/signup?token=` joins from an invite; `/signup` alone is the first-run signup.
#[component]
pub fn SignupRoute() -> impl IntoView {
    let url = crate::app::state::use_url_query();
    match url.with_untracked(|u| u.get("token").cloned()) {
        Some(t) if !t.is_empty() => view! { <super::team::InviteSignup token=t/> }.into_any(),
        _ => view! { <super::auth::SignupPage/> }.into_any(),
    }
}
