//! Team pages on SigNoz's paths: `/settings/org-settings` (org name, members
//! with role change, reset link and delete, invites), `/my-settings` (name,
//! password, theme), `/password-reset?token=` and signup from an invite
//! (`/signup?token=`, in `auth`).

use crate::app::api;
use crate::app::api::session::LoggedIn;
use crate::app::components::{resource_view, ErrorView, ThemeSwitch};
use crate::app::role::{is_admin, use_me};
use crate::app::state::use_url_query;
use crate::model::value_text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use serde_json::Value;

pub const ROLES: [&str; 3] = ["ADMIN", "EDITOR", "VIEWER"];

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

fn input(label: &'static str, kind: &'static str, sig: RwSignal<String>) -> impl IntoView {
    view! {
        <label>{label}<input type=kind prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/></label>
    }
}

/// Runs `f`, then shows its error or `done` and calls `then`.
fn act<F>(
    error: RwSignal<Option<String>>,
    notice: RwSignal<Option<String>>,
    done: String,
    f: F,
    then: impl FnOnce() + 'static,
) where
    F: std::future::Future<Output = Result<(), api::ApiError>> + 'static,
{
    spawn_local(async move {
        match f.await {
            Ok(()) => {
                error.set(None);
                notice.set(Some(done));
                then();
            }
            Err(e) => {
                notice.set(None);
                error.set(Some(e.message));
            }
        }
    });
}

#[component]
pub fn OrgSettingsPage() -> impl IntoView {
    let me = use_me();
    let admin = is_admin();
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let org_id =
        Memo::new(move |_| me.with(|u| u.as_ref().map(|u| u.org_id.clone()).unwrap_or_default()));
    let members = LocalResource::new(move || {
        let id = org_id.get();
        async move {
            if id.is_empty() {
                Ok(Vec::new())
            } else {
                api::org_users(&id).await
            }
        }
    });
    let invites = LocalResource::new(api::invites);
    let org_name = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(u) = me.get() {
            if org_name.get_untracked().is_empty() {
                org_name.set(u.organization.clone());
            }
        }
    });
    let (inv_name, inv_email, inv_role) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new("VIEWER".to_string()),
    );
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (id, name) = (org_id.get_untracked(), org_name.get_untracked());
        act(
            error,
            notice,
            "Organization renamed.".into(),
            async move {
                let org = api::org(&id).await.unwrap_or(Value::Null);
                api::rename_org(&id, &org, &name).await
            },
            || (),
        );
    };
    let send_invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, e, r) = (
            inv_name.get_untracked(),
            inv_email.get_untracked(),
            inv_role.get_untracked(),
        );
        if e.trim().is_empty() {
            return error.set(Some("The invite needs an email.".into()));
        }
        let link = RwSignal::new(String::new());
        spawn_local(async move {
            match api::invite(&n, &e, &r, &origin()).await {
                Ok(v) => {
                    error.set(None);
                    let token = value_text(&v["inviteToken"]);
                    link.set(format!(
                        "{}/signup?token={}",
                        origin(),
                        crate::url_state::encode(&token)
                    ));
                    notice.set(Some(format!(
                        "Invite sent. Signup link: {}",
                        link.get_untracked()
                    )));
                    inv_email.set(String::new());
                    invites.refetch();
                }
                Err(err) => error.set(Some(err.message)),
            }
        });
    };
    view! {
        <section>
            <super::settings::SettingsNav/>
            <div class="toolbar"><h1>"Organization"</h1></div>
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            {move || notice.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            <form class="filters" on:submit=rename aria-label="Organization name">
                {input("Organization name", "text", org_name)}
                <Show when=move || admin.get()><button type="submit">"Rename"</button></Show>
            </form>
            <h2>"Members"</h2>
            <table class="data" aria-label="Members">
                <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th></th></tr></thead>
                <tbody>
                    {resource_view(members, move |list: Vec<Value>| list.into_iter().map(|u| {
                        let id = value_text(&u["id"]);
                        let role = value_text(&u["role"]);
                        let (id1, id2, id3) = (id.clone(), id.clone(), id.clone());
                        let email = value_text(&u["email"]);
                        view! {
                            <tr>
                                <td>{value_text(&u["name"])}</td>
                                <td>{email.clone()}</td>
                                <td>
                                    <select aria-label=format!("Role of {email}") disabled=move || !admin.get() on:change=move |ev| {
                                        let r = event_target_value(&ev);
                                        let id = id1.clone();
                                        act(error, notice, format!("Role changed to {r}."), async move { api::set_role(&id, &r).await }, move || members.refetch());
                                    }>
                                        {ROLES.map(|r| view! { <option value=r selected=role == r>{r}</option> })}
                                    </select>
                                </td>
                                <td><Show when=move || admin.get()>
                                    <button class="link" on:click={ let id = id2.clone(); move |_| { let id = id.clone(); spawn_local(async move {
                                        match api::reset_password_token(&id).await {
                                            Ok(v) => notice.set(Some(format!("Password reset link: {}/password-reset?token={}", origin(), crate::url_state::encode(&value_text(&v["token"]))))),
                                            Err(e) => error.set(Some(e.message)),
                                        } }) } }>"Reset password link"</button>
                                    <button class="link danger" on:click={ let id = id3.clone(); move |_| { let id = id.clone();
                                        act(error, notice, "Member removed.".into(), async move { api::delete_user(&id).await }, move || members.refetch()); } }>"Delete"</button>
                                </Show></td>
                            </tr>
                        }
                    }).collect_view())}
                </tbody>
            </table>
            <h2>"Invites"</h2>
            <Show when=move || admin.get()>
                <form class="filters" on:submit=send_invite aria-label="Invite a member">
                    {input("Invitee name", "text", inv_name)}
                    {input("Invitee email", "email", inv_email)}
                    <label>"Invitee role"
                        <select prop:value=move || inv_role.get() on:change=move |ev| inv_role.set(event_target_value(&ev))>
                            {ROLES.map(|r| view! { <option value=r selected=r == "VIEWER">{r}</option> })}
                        </select>
                    </label>
                    <button type="submit">"Send invite"</button>
                </form>
            </Show>
            <table class="data" aria-label="Pending invites">
                <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"Invited"</th><th></th></tr></thead>
                <tbody>
                    {resource_view(invites, move |list: Vec<Value>| {
                        if list.is_empty() {
                            return view! { <tr><td colspan="5" class="empty">"No pending invites."</td></tr> }.into_any();
                        }
                        list.into_iter().map(|i| {
                            let email = value_text(&i["email"]);
                            let e2 = email.clone();
                            view! {
                                <tr><td>{value_text(&i["name"])}</td><td>{email}</td><td>{value_text(&i["role"])}</td>
                                    <td class="nowrap">{value_text(&i["createdAt"])}</td>
                                    <td><Show when=move || admin.get()>
                                        <button class="link danger" on:click={ let e = e2.clone(); move |_| { let e = e.clone();
                                            act(error, notice, "Invite revoked.".into(), async move { api::revoke_invite(&e).await }, move || invites.refetch()); } }>"Revoke"</button>
                                    </Show></td></tr>
                            }
                        }).collect_view().into_any()
                    })}
                </tbody>
            </table>
        </section>
    }
}

#[component]
pub fn MySettingsPage() -> impl IntoView {
    let me = use_me();
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let (old, new) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    Effect::new(move |_| {
        if let Some(u) = me.get() {
            name.set(u.name.clone());
        }
    });
    let user_id =
        move || me.with_untracked(|u| u.as_ref().map(|u| u.id.clone()).unwrap_or_default());
    let save_name = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (id, n) = (user_id(), name.get_untracked());
        act(
            error,
            notice,
            "Name updated.".into(),
            async move { api::edit_user(&id, &n).await },
            || (),
        );
    };
    let save_password = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (id, o, n) = (user_id(), old.get_untracked(), new.get_untracked());
        if n.len() < 8 {
            return error.set(Some("The new password needs at least 8 characters.".into()));
        }
        act(
            error,
            notice,
            "Password changed.".into(),
            async move { api::change_password(&id, &o, &n).await },
            move || {
                old.set(String::new());
                new.set(String::new());
            },
        );
    };
    view! {
        <section>
            <super::settings::SettingsNav/>
            <div class="toolbar"><h1>"My settings"</h1></div>
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            {move || notice.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            <dl class="facts">
                <dt>"Email"</dt><dd>{move || me.with(|u| u.as_ref().map(|u| u.email.clone()).unwrap_or_default())}</dd>
                <dt>"Role"</dt><dd>{move || me.with(|u| u.as_ref().map(|u| u.role.clone()).unwrap_or_default())}</dd>
            </dl>
            <form class="filters" on:submit=save_name aria-label="Name">
                {input("Your name", "text", name)}
                <button type="submit">"Update name"</button>
            </form>
            <form class="filters" on:submit=save_password aria-label="Password">
                {input("Current password", "password", old)}
                {input("New password", "password", new)}
                <button type="submit">"Change password"</button>
            </form>
            <ThemeSwitch/>
        </section>
    }
}

#[component]
pub fn PasswordResetPage() -> impl IntoView {
    let url = use_url_query();
    let navigate = use_navigate();
    let token = url.with_untracked(|u| u.get("token").cloned().unwrap_or_default());
    let (p1, p2) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (a, b) = (p1.get_untracked(), p2.get_untracked());
        if a.len() < 8 {
            return error.set(Some("The password needs at least 8 characters.".into()));
        }
        if a != b {
            return error.set(Some("The passwords differ.".into()));
        }
        let token = token.clone();
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::reset_password(&token, &a).await {
                Ok(()) => navigate("/login", NavigateOptions::default()),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <div class="auth">
            <form class="card" on:submit=submit>
                <h1>"Reset your password"</h1>
                {input("New password", "password", p1)}
                {input("Repeat the password", "password", p2)}
                {move || error.get().map(|m| view! { <ErrorView message=m/> })}
                <button type="submit">"Set password"</button>
                <p class="hint"><a href="/login">"Back to log in"</a></p>
            </form>
        </div>
    }
}

/// Signup from an invite: `GET /invite/{token}` fills name and email, then
/// register with the token and log in.
#[component]
pub fn InviteSignup(token: String) -> impl IntoView {
    let navigate = use_navigate();
    let _ = expect_context::<LoggedIn>();
    let t = token.clone();
    let details = LocalResource::new(move || {
        let t = t.clone();
        async move { api::invite_details(&t).await }
    });
    let (name, email, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(d)) = details.get() {
            name.set(value_text(&d["name"]));
            email.set(value_text(&d["email"]));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, e, p, t) = (
            name.get_untracked(),
            email.get_untracked(),
            password.get_untracked(),
            token.clone(),
        );
        if p.len() < 8 {
            return error.set(Some("The password needs at least 8 characters.".into()));
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            let r = async {
                api::register_invited(&n, &e, &p, &t).await?;
                api::login(&e, &p).await.map(|_| ())
            }
            .await;
            match r {
                Ok(()) => navigate("/services", NavigateOptions::default()),
                Err(err) => error.set(Some(err.message)),
            }
        });
    };
    view! {
        <div class="auth">
            <form class="card" on:submit=submit>
                <h1>"Join your team"</h1>
                {move || details.get().map(|d| match d {
                    Ok(d) => view! { <p class="hint">{format!("You are invited to {} as {}.", value_text(&d["organization"]), value_text(&d["role"]))}</p> }.into_any(),
                    Err(e) => view! { <ErrorView message=format!("This invite is not valid: {}", e.message)/> }.into_any(),
                })}
                {input("Name", "text", name)}
                <label>"Email"<input type="email" readonly prop:value=move || email.get()/></label>
                {input("Password", "password", password)}
                {move || error.get().map(|m| view! { <ErrorView message=m/> })}
                <button type="submit">"Join"</button>
            </form>
        </div>
    }
}
