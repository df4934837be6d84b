//! The browser module keeps its relocations (`--emit-relocs`): `build.sh` splits the lazily
//! loaded pages out of it with `wasm_split_cli`, which needs them to move code between modules.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-cdylib=--emit-relocs");
    }
}
