//! The embedded backend: receives OTLP/HTTP and serves the query-service API.

fn main() {
    println!("server {}", env!("CARGO_PKG_VERSION"));
}
