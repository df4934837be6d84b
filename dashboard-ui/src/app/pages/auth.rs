//! Login and first-run signup, as SigNoz does it: `GET /version`; when
//! `setupCompleted` is false the first user registers (and becomes ADMIN).

use crate::app::api;
use crate::app::api::session::LoggedIn;
use crate::app::components::ErrorView;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

#[component]
pub fn LoginPage() -> impl IntoView {
    let navigate = use_navigate();
    let logged_in = expect_context::<LoggedIn>().0;
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Fresh install → signup.
    let nav = navigate.clone();
    spawn_local(async move {
        if let Ok(v) = api::version().await {
            if !v.setup_completed {
                nav("/signup", NavigateOptions::default());
            }
        }
    });
    Effect::new(move |_| {
        if logged_in.get() {
            navigate("/services", NavigateOptions::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            if let Err(e) = api::login(&email.get_untracked(), &password.get_untracked()).await {
                error.set(Some(e.message));
            }
            busy.set(false);
        });
    };
    view! {
        <div class="auth">
            <form class="card" on:submit=submit>
                <h1>"Log in"</h1>
                <label>"Email"<input type="email" name="email" required prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))/></label>
                <label>"Password"<input type="password" name="password" required prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))/></label>
                {move || error.get().map(|m| view! { <ErrorView message=m/> })}
                <button type="submit" disabled=move || busy.get()>"Log in"</button>
                <p class="hint"><a href="/signup">"First run? Create the admin account"</a></p>
            </form>
        </div>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let org = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if password.get_untracked().len() < 8 {
            error.set(Some("The password needs at least 8 characters.".into()));
            return;
        }
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let (n, o, e, p) = (
                name.get_untracked(),
                org.get_untracked(),
                email.get_untracked(),
                password.get_untracked(),
            );
            let result = async {
                api::register(&n, &o, &e, &p).await?;
                api::login(&e, &p).await
            }
            .await;
            match result {
                Ok(_) => navigate("/services", NavigateOptions::default()),
                Err(err) => error.set(Some(err.message)),
            }
            busy.set(false);
        });
    };
    let field = move |label: &'static str, kind: &'static str, sig: RwSignal<String>| {
        view! {
            <label>{label}<input type=kind name=label required prop:value=move || sig.get()
                on:input=move |ev| sig.set(event_target_value(&ev))/></label>
        }
    };
    view! {
        <div class="auth">
            <form class="card" on:submit=submit>
                <h1>"Create the admin account"</h1>
                <p class="hint">"The first user of a new installation becomes its administrator."</p>
                {field("Name", "text", name)}
                {field("Organization", "text", org)}
                {field("Email", "email", email)}
                {field("Password", "password", password)}
                {move || error.get().map(|m| view! { <ErrorView message=m/> })}
                <button type="submit" disabled=move || busy.get()>"Get started"</button>
                <p class="hint"><a href="/login">"Already set up? Log in"</a></p>
            </form>
        </div>
    }
}
